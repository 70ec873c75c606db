/*
 * web_auth.c - passwords, CSRF tokens and roles (see web_auth.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "web_auth.h"

_Static_assert(WEB_HASH_LEN == crypto_pwhash_STRBYTES, "argon2id string size");
_Static_assert(WEB_HASH_LEN <= sizeof(((store_user *)0)->password_hash), "store holds a hash");

static char dummy_hash[WEB_HASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* A hash of a random password: what an account without one is checked
 * against, so both cost one argon2id verification. */
static void
make_dummy(void)
{
	char pw[33];

	if (sodium_init() < 0)
		return;
	randombytes_buf(pw, sizeof pw - 1);
	for (size_t i = 0; i < sizeof pw - 1; i++)
		pw[i] = (char)('a' + ((unsigned char)pw[i] % 26));
	pw[sizeof pw - 1] = '\0';
	web_password_hash(pw, dummy_hash);
}

int
web_password_hash(const char *password, char *out)
{
	if (sodium_init() < 0)
		return -1;
	return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

bool
web_password_verify(const char *hash, const char *password)
{
	if (password == NULL || sodium_init() < 0)
		return false;
	if (hash == NULL || *hash == '\0') {
		pthread_once(&dummy_once, make_dummy);
		/* the same work as a real check; its answer means nothing */
		if (dummy_hash[0] != '\0' &&
		    crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
			return false;
		return false;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

const char *
web_password_problem(const char *password, const char *email)
{
	size_t n = password ? strlen(password) : 0;

	if (n < WEB_PASSWORD_MIN)
		return "Use at least 10 characters; a short sentence is easy to remember.";
	if (n > WEB_PASSWORD_MAX)
		return "Use at most 256 characters.";
	if (email != NULL && strcasecmp(password, email) == 0)
		return "Your password must not be your email address.";
	return NULL;
}

bool
web_csrf_ok(const char *secret, const char *given)
{
	size_t n;

	if (secret == NULL || given == NULL || (n = strlen(secret)) == 0 || strlen(given) != n)
		return false;
	return sodium_memcmp(secret, given, n) == 0;
}

void
web_csrf_for(const char *secret, int64_t business_id, char *out)
{
	unsigned char mac[32];
	char msg[48];

	out[0] = '\0';
	if (secret == NULL || strlen(secret) != STORE_CSRF_LEN - 1 || sodium_init() < 0)
		return;
	snprintf(msg, sizeof msg, "leadkeep csrf business %lld", (long long)business_id);
	/* the secret's 64 hex digits are the key (crypto_generichash_KEYBYTES_MAX) */
	crypto_generichash(mac, sizeof mac, (const unsigned char *)msg, strlen(msg),
			   (const unsigned char *)secret, STORE_CSRF_LEN - 1);
	sodium_bin2hex(out, STORE_CSRF_LEN, mac, sizeof mac);
}

void
web_csrf_new(char *out)
{
	unsigned char rnd[32];

	if (sodium_init() < 0) {
		out[0] = '\0';
		return;
	}
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(out, STORE_CSRF_LEN, rnd, sizeof rnd);
}

bool
web_role_sees_all(const char *role)
{
	return role != NULL && (strcmp(role, "office") == 0 || strcmp(role, "manager") == 0 ||
				strcmp(role, "admin") == 0);
}

bool
web_role_may_assign(const char *role)
{
	return web_role_sees_all(role);
}

bool
web_may_pause(const char *role, const char *person, const char *owner)
{
	return web_role_sees_all(role) ||
	       (person != NULL && *person != '\0' && owner != NULL && strcmp(person, owner) == 0);
}

bool
web_role_sees_team(const char *role)
{
	return web_role_sees_all(role);
}

bool
web_role_sees_rules(const char *role)
{
	return role != NULL && (strcmp(role, "manager") == 0 || strcmp(role, "admin") == 0);
}

bool
web_role_sees_reports(const char *role)
{
	return web_role_sees_rules(role);
}

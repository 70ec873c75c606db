/*
 * store_user_token.c - session and set-password tokens, the same for every
 * engine (store_common.h): a kind letter ('s' session, 'p' password link),
 * '_', and 256 random bits in base64url; the tables keep only
 * store_secret_hash() of it. And a session's CSRF secret.
 */
#include <string.h>

#include <sodium.h>

#include "store_common.h"
#include "store_user.h"

#define TOKEN_CHARS 43	/* base64url of 32 bytes, no padding */

_Static_assert(STORE_SECRET_LEN >= 2 + TOKEN_CHARS + 1, "STORE_SECRET_LEN holds a token");
_Static_assert(STORE_CSRF_LEN == 32 * 2 + 1, "STORE_CSRF_LEN holds 32 bytes in hex");

int
store_user_token_new(char kind, char *out)
{
	unsigned char rnd[32];

	if (sodium_init() < 0)
		return -1;
	randombytes_buf(rnd, sizeof rnd);
	out[0] = kind;
	out[1] = '_';
	sodium_bin2base64(out + 2, STORE_SECRET_LEN - 2, rnd, sizeof rnd,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(rnd, sizeof rnd);
	return 0;
}

bool
store_user_token_hash(char kind, const char *token, char hex[STORE_TOKEN_HASH_HEX + 1])
{
	if (token == NULL || token[0] != kind || token[1] != '_' ||
	    strlen(token) != 2 + TOKEN_CHARS)
		return false;
	for (const char *p = token + 2; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	if (sodium_init() < 0)
		return false;
	store_secret_hash(token, hex);
	return true;
}

int
store_csrf_new(char *out)
{
	unsigned char rnd[32];

	if (sodium_init() < 0)
		return -1;
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(out, STORE_CSRF_LEN, rnd, sizeof rnd);
	sodium_memzero(rnd, sizeof rnd);
	return 0;
}

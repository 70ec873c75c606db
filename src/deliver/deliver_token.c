/*
 * deliver_token.c - the install's link secret and the signed tokens that put
 * an id in a URL we hand out (unsubscribe links, status callback URLs), so a
 * request carrying one can only come from a link we made. libsodium only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "deliver.h"

#define MAC_LEN 16

static int
read_key(const char *path, unsigned char key[32])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, key, 32);
	close(fd);
	return n == 32 ? 0 : -2;
}

int
deliver_link_key(const char *data_dir, unsigned char key[32], char *err, size_t errlen)
{
	const char *secret = getenv("LEADKEEP_LINK_SECRET");
	char path[4096];
	int fd, rc;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to initialise");
		return -1;
	}
	if (secret != NULL && *secret) {
		crypto_generichash(key, 32, (const unsigned char *)secret, strlen(secret), NULL, 0);
		return 0;
	}
	snprintf(path, sizeof path, "%s/link.key", data_dir);
	if ((rc = read_key(path, key)) == 0)
		return 0;
	if (rc == -2 || errno != ENOENT) {
		snprintf(err, errlen, "%s: unreadable or not 32 bytes; remove it to make a new one "
			 "(old unsubscribe links stop working)", path);
		return -1;
	}
	randombytes_buf(key, 32);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST && read_key(path, key) == 0)
		return 0;	/* another process made it first */
	if (fd < 0 || write(fd, key, 32) != 32 || fsync(fd) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void
mac(const unsigned char key[32], const char *purpose, int64_t id, unsigned char out[MAC_LEN])
{
	unsigned char full[crypto_auth_hmacsha256_BYTES];
	char msg[96];
	int n = snprintf(msg, sizeof msg, "%s:%lld", purpose, (long long)id);

	crypto_auth_hmacsha256(full, (const unsigned char *)msg, (size_t)n, key);
	memcpy(out, full, MAC_LEN);
}

void
deliver_token_make(const unsigned char key[32], const char *purpose, int64_t id, char *out,
		   size_t outlen)
{
	unsigned char m[MAC_LEN];
	char b64[sodium_base64_ENCODED_LEN(MAC_LEN, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

	mac(key, purpose, id, m);
	sodium_bin2base64(b64, sizeof b64, m, MAC_LEN, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(out, outlen, "%lld.%s", (long long)id, b64);
}

int64_t
deliver_token_check(const unsigned char key[32], const char *purpose, const char *tok)
{
	unsigned char want[MAC_LEN], got[MAC_LEN];
	const char *p = tok, *dot;
	size_t glen = 0;
	int64_t id = 0;

	if (tok == NULL || (dot = strchr(tok, '.')) == NULL || dot == tok || dot - tok > 18)
		return -1;
	for (; p < dot; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		id = id * 10 + (*p - '0');
	}
	if (id <= 0 || strlen(dot + 1) != 22 ||
	    sodium_base642bin(got, sizeof got, dot + 1, 22, NULL, &glen, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || glen != MAC_LEN)
		return -1;
	mac(key, purpose, id, want);
	return sodium_memcmp(want, got, MAC_LEN) == 0 ? id : -1;
}

/* The purpose an unsubscribe token of business b is signed for: a token of
 * one business's lead is no use in another's link. */
static void
unsub_purpose(int64_t b, char *out, size_t outlen)
{
	snprintf(out, outlen, "unsubscribe.%lld", (long long)b);
}

void
deliver_unsubscribe_link(const unsigned char key[32], const char *base, int64_t business_id,
			 int64_t lead_id, char *out, size_t outlen)
{
	char purpose[40], tok[64];

	unsub_purpose(business_id, purpose, sizeof purpose);
	deliver_token_make(key, purpose, lead_id, tok, sizeof tok);
	snprintf(out, outlen, "%s/unsubscribe?token=%s&b=%lld", base, tok, (long long)business_id);
}

int64_t
deliver_unsubscribe_check(const unsigned char key[32], const char *b, const char *tok,
			  int64_t *business_id)
{
	char purpose[40], *end;
	long long v;

	*business_id = 0;
	if (b == NULL)	/* a link from before businesses had their own */
		return deliver_token_check(key, "unsubscribe", tok);
	v = strtoll(b, &end, 10);
	if (*b < '1' || *b > '9' || *end != '\0' || v <= 0)
		return -1;
	unsub_purpose(v, purpose, sizeof purpose);
	*business_id = v;
	return deliver_token_check(key, purpose, tok);
}

/*
 * intake_sig.h - the signature checks webhooks need: HMAC-SHA1 (Twilio;
 * libsodium has no SHA-1, so a small SHA-1 lives here), HMAC-SHA256 (Mailgun,
 * Meta, generic hooks, via libsodium), hex/base64 output and constant-time
 * comparison. Pure; never logs a key or a digest.
 */
#ifndef LK_INTAKE_SIG_H
#define LK_INTAKE_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SHA-1 of data into out[20]. */
void sig_sha1(const void *data, size_t len, unsigned char out[20]);

/* HMAC-SHA1(key, msg) into out[20]. */
void sig_hmac_sha1(const void *key, size_t klen, const void *msg, size_t mlen,
		   unsigned char out[20]);

/* HMAC-SHA256(key, msg) into out[32]. */
void sig_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
		     unsigned char out[32]);

/* HMAC-SHA256(key, prefix || msg) into out[32]: a signed timestamp and the
 * body without copying them together. */
void sig_hmac_sha256_2(const void *key, size_t klen, const void *prefix, size_t plen,
		       const void *msg, size_t mlen, unsigned char out[32]);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void sig_hex(const unsigned char *in, size_t n, char *out);

/* Standard base64 with '=' padding into out (4*ceil(n/3)+1 bytes). */
void sig_base64(const unsigned char *in, size_t n, char *out);

/* Constant-time equality of two strings (time depends only on the lengths). */
bool sig_equal(const char *a, const char *b);

/* Constant-time, case-insensitive equality of two hex strings. */
bool sig_hex_equal(const char *a, const char *b);

#endif

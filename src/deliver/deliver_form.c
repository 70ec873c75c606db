/*
 * deliver_form.c - reads one field of an application/x-www-form-urlencoded
 * body (a provider's status callback). Outside input: bounded, no
 * allocation, never reads past len.
 */
#include <string.h>

#include "deliver_form.h"
#include "util/urlenc.h"

/* Decodes [s, s+n) into out as a C string; false when it does not fit
 * (with its terminator) or holds a NUL. */
static bool
decode(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = urlenc_decode(s, n, out, outlen);

	if (o >= outlen || memchr(out, '\0', o) != NULL)
		return false;
	out[o] = '\0';
	return true;
}

bool
deliver_form_get(const char *body, size_t len, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name), i = 0;

	if (outlen == 0)
		return false;
	out[0] = '\0';
	while (i < len) {
		const char *amp = memchr(body + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - body) : len;
		const char *eq = memchr(body + i, '=', end - i);
		size_t klen = eq ? (size_t)(eq - (body + i)) : end - i;
		char key[64];

		if (klen < sizeof key && decode(body + i, klen, key, sizeof key) &&
		    strlen(key) == nlen && memcmp(key, name, nlen) == 0)
			return eq ? decode(eq + 1, end - (size_t)(eq + 1 - body), out, outlen) :
				(out[0] = '\0', true);
		i = end + 1;
	}
	return false;
}

/*
 * deliver_form.c - reads one field of an application/x-www-form-urlencoded
 * body (a provider's status callback). Outside input: bounded, no
 * allocation, never reads past len.
 */
#include <string.h>

#include "deliver_form.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes [s, s+n) into out; false when it does not fit or holds a NUL. */
static bool
decode(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '+')
			c = ' ';
		else if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		}
		if (c == '\0' || o + 1 >= outlen)
			return false;
		out[o++] = c;
	}
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

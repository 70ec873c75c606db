/*
 * urlenc.c - form-urlencoded decoding (see urlenc.h). Locale-free: the hex
 * digits are ASCII whatever the process's locale says.
 */
#include "urlenc.h"

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

size_t
urlenc_decode(const char *in, size_t len, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++, o++) {
		char c = in[i];
		int hi, lo;

		if (c == '+') {
			c = ' ';
		} else if (c == '%' && len - i > 2 && (hi = hexval(in[i + 1])) >= 0 &&
			   (lo = hexval(in[i + 2])) >= 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (o < outlen)
			out[o] = c;
	}
	return o;
}

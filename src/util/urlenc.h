/*
 * urlenc.h - decoding application/x-www-form-urlencoded text as the WHATWG URL
 * standard does: '+' is a space, %XX (hex digits in either case) is a byte.
 * Made for outside input: never reads past len, never writes past outlen,
 * allocates nothing. C library only.
 */
#ifndef LK_UTIL_URLENC_H
#define LK_UTIL_URLENC_H

#include <stddef.h>

/*
 * Decodes in[0..len) into out, writing at most outlen bytes and no NUL
 * terminator. A '%' not followed by two hex digits ("%zz", a truncated "%4"
 * at the end) is kept as it is, as browsers and Python do. Decoded NULs
 * ("%00", or a raw NUL byte in the input) are written like any other byte:
 * callers that want a C string must reject them.
 * Returns the decoded length, never more than len, so outlen >= len always
 * suffices. A result longer than outlen is cut (out holds its first outlen
 * bytes) and the full length is still returned, as with snprintf; out may be
 * NULL when outlen is 0.
 */
size_t urlenc_decode(const char *in, size_t len, char *out, size_t outlen);

#endif

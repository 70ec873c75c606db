/*
 * utf8.h - text from outside into valid UTF-8, so that everything stored is
 * text every JSON writer, template and terminal accepts: validation (RFC
 * 3629: no overlong forms, no surrogates, nothing above U+10FFFF), decoding
 * by a declared charset, replacing what cannot be decoded with U+FFFD, and
 * showing a person the original bytes ("Jos\xE9").
 *
 * Charsets: UTF-8, Windows-1252 (with the labels the WHATWG Encoding standard
 * maps to it: ISO-8859-1, Latin-1, US-ASCII... - what browsers do) and
 * ISO-8859-15 are decoded here, by table. A few dozen other charsets that
 * browsers and mail programs use (ISO-8859-2..16, Windows-125x, KOI8, Shift_JIS,
 * EUC-JP, ISO-2022-JP, GBK/GB18030, Big5, EUC-KR) go through the C library's
 * iconv(3); a label outside that list is never handed to iconv (its rarer
 * decoders are attack surface) and counts as undeclared. Thread-safe, no
 * globals; allocates only the strings it returns. Knows nothing of the domain.
 */
#ifndef LK_UTIL_UTF8_H
#define LK_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* What decoding did (bits of *how). */
#define UTF8_REPLACED	0x1u	/* bytes that are no character in the charset became U+FFFD */
#define UTF8_NUL	0x2u	/* NUL bytes became U+FFFD (text never holds a NUL) */
#define UTF8_GUESSED	0x4u	/* nothing usable declared and not UTF-8: read as Windows-1252 */
#define UTF8_LOSSY	(UTF8_REPLACED | UTF8_NUL) /* the original bytes are worth keeping */

/* Whether s[0..len) is valid UTF-8. A NUL byte is valid UTF-8 (U+0000). */
bool utf8_valid(const char *s, size_t len);

/* Whether label (case-insensitive, surrounding blanks and quotes ignored)
 * names a charset utf8_decode() can decode. */
bool utf8_charset_known(const char *label);

/*
 * Decodes in[0..len) from the charset named by label (NULL, "" or a label
 * utf8_charset_known() refuses = undeclared) into a new NUL-terminated UTF-8
 * string, its length in *outlen (may be NULL) and what was done in *how
 * (UTF8_* bits; may be NULL).
 *   - declared UTF-8: each maximal invalid subsequence becomes one U+FFFD
 *     (the WHATWG decoder's rule);
 *   - undeclared: kept as it is when it is valid UTF-8, else read as
 *     Windows-1252 (the fallback browsers use), which decodes every byte;
 *   - every NUL byte becomes U+FFFD, whatever the charset.
 * The result is at most 4 * len + 1 bytes and always valid UTF-8 without
 * NULs. Caller frees; NULL only when out of memory.
 */
char *utf8_decode(const char *in, size_t len, const char *label, size_t *outlen,
		  unsigned *how);

/* utf8_decode(in, len, "utf-8", ...): invalid sequences and NULs replaced. */
char *utf8_sanitize(const char *in, size_t len, size_t *outlen, unsigned *how);

/*
 * Shows in[0..len) to a person as text: valid UTF-8 as it is, backslash as
 * "\\", every other byte (invalid, NUL, control characters) as \xHH, e.g.
 * "Jos\xE9". Starts a little before the first byte that is not valid
 * printable text (with "..." in front when it does not start at 0) and
 * stops with "..." when out is full. Writes at most outlen bytes including
 * the NUL (outlen >= 8); returns out.
 */
char *utf8_escape(const char *in, size_t len, char *out, size_t outlen);

#endif

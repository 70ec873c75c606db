/*
 * utf8.c - validation, decoding by charset into UTF-8, and escaping for a
 * person (see utf8.h). The UTF-8 decoder follows the WHATWG Encoding
 * standard's (one U+FFFD per maximal invalid subsequence); Windows-1252 is
 * its table; rarer charsets go through iconv(3) from an allow-list.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

/* Windows-1252 0x80..0x9F (WHATWG's index: the five holes map to C1). */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* Where ISO-8859-15 differs from ISO-8859-1 (bytes = code points). */
static const struct { unsigned char byte; uint16_t cp; } latin9_diff[] = {
	{ 0xA4, 0x20AC }, { 0xA6, 0x0160 }, { 0xA8, 0x0161 }, { 0xB4, 0x017D },
	{ 0xB8, 0x017E }, { 0xBC, 0x0152 }, { 0xBD, 0x0153 }, { 0xBE, 0x0178 },
};

typedef enum { CS_NONE, CS_UTF8, CS_1252, CS_LATIN9, CS_ICONV } cs_kind;

/* Labels decoded here, compared after normalising (lower case, no blanks). */
static const struct { const char *label; cs_kind kind; } native[] = {
	{ "utf-8", CS_UTF8 }, { "utf8", CS_UTF8 }, { "unicode-1-1-utf-8", CS_UTF8 },
	{ "unicode11utf8", CS_UTF8 }, { "unicode20utf8", CS_UTF8 },
	{ "x-unicode20utf8", CS_UTF8 },
	/* WHATWG: all of these are windows-1252 in a browser */
	{ "windows-1252", CS_1252 }, { "cp1252", CS_1252 }, { "x-cp1252", CS_1252 },
	{ "iso-8859-1", CS_1252 }, { "iso8859-1", CS_1252 }, { "iso88591", CS_1252 },
	{ "iso_8859-1", CS_1252 }, { "iso_8859-1:1987", CS_1252 }, { "iso-ir-100", CS_1252 },
	{ "latin1", CS_1252 }, { "latin-1", CS_1252 }, { "l1", CS_1252 },
	{ "csisolatin1", CS_1252 }, { "ibm819", CS_1252 }, { "cp819", CS_1252 },
	{ "us-ascii", CS_1252 }, { "ascii", CS_1252 }, { "ansi_x3.4-1968", CS_1252 },
	{ "iso-8859-15", CS_LATIN9 }, { "iso8859-15", CS_LATIN9 }, { "iso885915", CS_LATIN9 },
	{ "iso_8859-15", CS_LATIN9 }, { "latin-9", CS_LATIN9 }, { "latin9", CS_LATIN9 },
	{ "l9", CS_LATIN9 }, { "csisolatin9", CS_LATIN9 },
};

/* Labels handed to iconv, and the name iconv is given (never the label). */
static const struct { const char *label; const char *iconv_name; } via_iconv[] = {
	{ "iso-8859-2", "ISO-8859-2" }, { "latin2", "ISO-8859-2" }, { "l2", "ISO-8859-2" },
	{ "iso-8859-3", "ISO-8859-3" }, { "iso-8859-4", "ISO-8859-4" },
	{ "iso-8859-5", "ISO-8859-5" }, { "iso-8859-6", "ISO-8859-6" },
	{ "iso-8859-7", "ISO-8859-7" }, { "iso-8859-8", "ISO-8859-8" },
	{ "iso-8859-8-i", "ISO-8859-8" }, { "iso-8859-9", "ISO-8859-9" },
	{ "latin5", "ISO-8859-9" }, { "iso-8859-10", "ISO-8859-10" },
	{ "iso-8859-13", "ISO-8859-13" }, { "iso-8859-14", "ISO-8859-14" },
	{ "iso-8859-16", "ISO-8859-16" },
	{ "windows-1250", "WINDOWS-1250" }, { "cp1250", "WINDOWS-1250" },
	{ "windows-1251", "WINDOWS-1251" }, { "cp1251", "WINDOWS-1251" },
	{ "windows-1253", "WINDOWS-1253" }, { "cp1253", "WINDOWS-1253" },
	{ "windows-1254", "WINDOWS-1254" }, { "cp1254", "WINDOWS-1254" },
	{ "windows-1255", "WINDOWS-1255" }, { "cp1255", "WINDOWS-1255" },
	{ "windows-1256", "WINDOWS-1256" }, { "cp1256", "WINDOWS-1256" },
	{ "windows-1257", "WINDOWS-1257" }, { "cp1257", "WINDOWS-1257" },
	{ "windows-1258", "WINDOWS-1258" }, { "cp1258", "WINDOWS-1258" },
	{ "koi8-r", "KOI8-R" }, { "koi8", "KOI8-R" }, { "cskoi8r", "KOI8-R" },
	{ "koi8-u", "KOI8-U" }, { "koi8-ru", "KOI8-U" },
	{ "ibm866", "CP866" }, { "cp866", "CP866" },
	{ "macintosh", "MACINTOSH" }, { "x-mac-roman", "MACINTOSH" },
	{ "shift_jis", "CP932" }, { "shift-jis", "CP932" }, { "sjis", "CP932" },
	{ "x-sjis", "CP932" }, { "ms_kanji", "CP932" }, { "windows-31j", "CP932" },
	{ "cp932", "CP932" }, { "csshiftjis", "CP932" },
	{ "euc-jp", "EUC-JP" }, { "x-euc-jp", "EUC-JP" },
	{ "iso-2022-jp", "ISO-2022-JP" }, { "csiso2022jp", "ISO-2022-JP" },
	{ "gb18030", "GB18030" }, { "gbk", "GB18030" }, { "gb2312", "GB18030" },
	{ "gb_2312", "GB18030" }, { "gb_2312-80", "GB18030" }, { "x-gbk", "GB18030" },
	{ "cp936", "GB18030" }, { "csgb2312", "GB18030" }, { "chinese", "GB18030" },
	{ "big5", "BIG5-HKSCS" }, { "big5-hkscs", "BIG5-HKSCS" }, { "cn-big5", "BIG5-HKSCS" },
	{ "csbig5", "BIG5-HKSCS" }, { "x-x-big5", "BIG5-HKSCS" },
	{ "euc-kr", "CP949" }, { "cp949", "CP949" }, { "windows-949", "CP949" },
	{ "ks_c_5601-1987", "CP949" }, { "korean", "CP949" }, { "cseuckr", "CP949" },
};

/* The label normalised: blanks and quotes around it dropped, lower case.
 * False when it does not fit (no charset label is that long). */
static bool
norm_label(const char *label, char *out, size_t outlen)
{
	size_t n = 0;
	const char *e;

	if (label == NULL)
		return false;
	while (*label == ' ' || *label == '\t' || *label == '"' || *label == '\'')
		label++;
	e = label + strlen(label);
	while (e > label && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '"' || e[-1] == '\'' ||
			     e[-1] == '\r' || e[-1] == '\n'))
		e--;
	if (e == label || (size_t)(e - label) >= outlen)
		return false;
	for (; label < e; label++) {
		char c = *label;

		out[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
	return true;
}

static cs_kind
charset_of(const char *label, const char **iconv_name)
{
	char l[40];

	*iconv_name = NULL;
	if (!norm_label(label, l, sizeof l))
		return CS_NONE;
	for (size_t i = 0; i < sizeof native / sizeof native[0]; i++)
		if (strcmp(native[i].label, l) == 0)
			return native[i].kind;
	for (size_t i = 0; i < sizeof via_iconv / sizeof via_iconv[0]; i++)
		if (strcmp(via_iconv[i].label, l) == 0) {
			*iconv_name = via_iconv[i].iconv_name;
			return CS_ICONV;
		}
	return CS_NONE;
}

bool
utf8_charset_known(const char *label)
{
	const char *ic;

	return charset_of(label, &ic) != CS_NONE;
}

/* Length of the valid sequence at s[i] (1..4), or 0 when the bytes there
 * start an invalid one; *bad gets the length of its maximal subpart (>= 1). */
static size_t
seq_len(const unsigned char *s, size_t len, size_t i, size_t *bad)
{
	unsigned char b = s[i], lower = 0x80, upper = 0xBF;
	size_t need, j;

	*bad = 1;
	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF) {
		need = 1;
	} else if (b >= 0xE0 && b <= 0xEF) {
		need = 2;
		if (b == 0xE0)
			lower = 0xA0;	/* overlong */
		if (b == 0xED)
			upper = 0x9F;	/* surrogates */
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 3;
		if (b == 0xF0)
			lower = 0x90;	/* overlong */
		if (b == 0xF4)
			upper = 0x8F;	/* above U+10FFFF */
	} else {
		return 0;
	}
	for (j = i + 1; j <= i + need; j++) {
		if (j >= len || s[j] < lower || s[j] > upper) {
			*bad = j - i;
			return 0;
		}
		lower = 0x80;
		upper = 0xBF;
	}
	return need + 1;
}

bool
utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, bad, n;

	while (i < len) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = seq_len(u, len, i, &bad)) == 0)
			return false;
		i += n;
	}
	return true;
}

/* A growing output buffer; every write is bounds-checked. */
typedef struct {
	char *p;
	size_t n, cap;
	bool oom;
} obuf;

static void
put(obuf *o, const void *b, size_t n)
{
	if (o->oom)
		return;
	if (o->n + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 64;
		char *p;

		while (cap < o->n + n + 1)
			cap *= 2;
		if ((p = realloc(o->p, cap)) == NULL) {
			o->oom = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->n, b, n);
	o->n += n;
}

static void
put_cp(obuf *o, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	put(o, b, n);
}

#define REPLACEMENT 0xFFFDu

/* UTF-8 in, each invalid subsequence and each NUL as U+FFFD. */
static void
from_utf8(obuf *o, const unsigned char *s, size_t len, unsigned *how)
{
	size_t i = 0, start = 0, bad, n;

	while (i < len) {
		if (s[i] != 0 && s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] != 0 && (n = seq_len(s, len, i, &bad)) > 0) {
			i += n;
			continue;
		}
		put(o, s + start, i - start);
		put_cp(o, REPLACEMENT);
		if (s[i] == 0) {
			*how |= UTF8_NUL;
			bad = 1;
		} else {
			*how |= UTF8_REPLACED;
		}
		i += bad;
		start = i;
	}
	put(o, s + start, len - start);
}

/* A single-byte charset: ASCII below 0x80, the table's code points above. */
static void
from_single(obuf *o, const unsigned char *s, size_t len, cs_kind kind, unsigned *how)
{
	for (size_t i = 0; i < len; i++) {
		uint32_t cp = s[i];

		if (cp == 0) {
			*how |= UTF8_NUL;
			cp = REPLACEMENT;
		} else if (kind == CS_1252 && cp >= 0x80 && cp < 0xA0) {
			cp = cp1252_high[cp - 0x80];
		} else if (kind == CS_LATIN9) {
			for (size_t k = 0; k < sizeof latin9_diff / sizeof latin9_diff[0]; k++)
				if (latin9_diff[k].byte == cp)
					cp = latin9_diff[k].cp;
		}
		put_cp(o, cp);
	}
}

/* Through iconv: an undecodable byte becomes U+FFFD and is skipped; an
 * incomplete sequence at the end becomes one U+FFFD. -1 when iconv does
 * not know the charset (the caller falls back to undeclared). */
static int
from_iconv(obuf *o, const char *s, size_t len, const char *name, unsigned *how)
{
	iconv_t cd = iconv_open("UTF-8", name);
	char tmp[1024];
	char *in = (char *)(uintptr_t)s;	/* iconv's prototype; it does not write */
	size_t left = len;
	obuf raw = { 0 };

	if (cd == (iconv_t)-1)
		return -1;
	for (;;) {
		char *out = tmp;
		size_t room = sizeof tmp;
		size_t rc = iconv(cd, left > 0 ? &in : NULL, left > 0 ? &left : NULL, &out, &room);
		int e = errno;

		put(&raw, tmp, (size_t)(out - tmp));
		if (rc != (size_t)-1 && left == 0) {
			/* flush a stateful encoding's shift state */
			out = tmp;
			room = sizeof tmp;
			iconv(cd, NULL, NULL, &out, &room);
			put(&raw, tmp, (size_t)(out - tmp));
			break;
		}
		if (rc != (size_t)-1 || e == E2BIG)
			continue;
		put(&raw, "\xEF\xBF\xBD", 3);
		*how |= UTF8_REPLACED;
		if (e != EILSEQ) {	/* EINVAL: cut short at the end */
			left = 0;
			break;
		}
		in++;
		left--;
		iconv(cd, NULL, NULL, NULL, NULL);	/* back to the initial state */
		if (left == 0)
			break;
	}
	iconv_close(cd);
	if (raw.oom) {
		free(raw.p);
		o->oom = true;
		return 0;
	}
	/* iconv gives UTF-8; NULs (and anything unexpected) are replaced */
	from_utf8(o, (const unsigned char *)(raw.p ? raw.p : ""), raw.n, how);
	free(raw.p);
	return 0;
}

char *
utf8_decode(const char *in, size_t len, const char *label, size_t *outlen, unsigned *how)
{
	const unsigned char *s = (const unsigned char *)in;
	const char *iconv_name;
	cs_kind kind = charset_of(label, &iconv_name);
	obuf o = { 0 };
	unsigned h = 0;

	if (kind == CS_ICONV && from_iconv(&o, in, len, iconv_name, &h) < 0)
		kind = CS_NONE;
	if (kind == CS_NONE) {
		if (utf8_valid(in, len)) {
			kind = CS_UTF8;
		} else {
			kind = CS_1252;
			h |= UTF8_GUESSED;
		}
	}
	if (kind == CS_UTF8)
		from_utf8(&o, s, len, &h);
	else if (kind == CS_1252 || kind == CS_LATIN9)
		from_single(&o, s, len, kind, &h);
	put(&o, "", 0);	/* room for the NUL, also when empty */
	if (o.oom) {
		free(o.p);
		return NULL;
	}
	o.p[o.n] = '\0';
	if (outlen != NULL)
		*outlen = o.n;
	if (how != NULL)
		*how = h;
	return o.p;
}

char *
utf8_sanitize(const char *in, size_t len, size_t *outlen, unsigned *how)
{
	return utf8_decode(in, len, "utf-8", outlen, how);
}

char *
utf8_escape(const char *in, size_t len, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0, first = len, bad, n;

	if (outlen < 8) {
		if (outlen > 0)
			out[0] = '\0';
		return out;
	}
	/* the first byte that is not text: show a little of what comes before */
	while (i < len) {
		if (s[i] == 0 || (s[i] >= 0x80 && seq_len(s, len, i, &bad) == 0)) {
			first = i;
			break;
		}
		i += s[i] < 0x80 ? 1 : seq_len(s, len, i, &bad);
	}
	i = first < len && first > 24 ? first - 24 : 0;
	while (i > 0 && i < len && (s[i] & 0xC0) == 0x80)
		i++;	/* start on a character */
	if (i > 0) {
		memcpy(out, "...", 3);
		o = 3;
	}
	/* room for "..." and the NUL is kept back */
	while (i < len) {
		char piece[8];
		size_t plen;

		if (s[i] >= 0x20 && s[i] < 0x7F && s[i] != '\\') {
			piece[0] = (char)s[i];
			plen = 1;
			n = 1;
		} else if (s[i] == '\\') {
			memcpy(piece, "\\\\", 2);
			plen = 2;
			n = 1;
		} else if (s[i] >= 0x80 && (n = seq_len(s, len, i, &bad)) > 0) {
			memcpy(piece, s + i, n);
			plen = n;
		} else {
			snprintf(piece, sizeof piece, "\\x%02X", s[i]);
			plen = 4;
			n = 1;
		}
		if (o + plen + 4 > outlen) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, piece, plen);
		o += plen;
		i += n;
	}
	out[o] = '\0';
	return out;
}

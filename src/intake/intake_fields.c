/*
 * intake_fields.c - field lists and the urlencoded / multipart parsers (see
 * intake_fields.h). Bounded: FIELDS_MAX fields kept (more counted), names cut
 * to FIELDS_NAME_MAX, values up to the body's own (already capped) size.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intake_fields.h"
#include "util/urlenc.h"
#include "util/utf8.h"

void
fields_init(fields *f)
{
	memset(f, 0, sizeof *f);
}

void
fields_free(fields *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].value);
	}
	for (size_t i = 0; i < f->nowned; i++)
		free(f->owned[i]);
	free(f->v);
	free(f->owned);
	memset(f, 0, sizeof *f);
}

/* Appends a field without the caps (a companion made here, not input). */
static int
add_field(fields *f, const char *name, size_t nlen, const char *value, size_t vlen,
	  bool is_file)
{
	form_field *e;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		form_field *v = realloc(f->v, cap * sizeof *v);

		if (v == NULL)
			return -1;
		f->v = v;
		f->cap = cap;
	}
	e = &f->v[f->n];
	e->name = malloc(nlen + 1);
	e->value = malloc(vlen + 1);
	if (e->name == NULL || e->value == NULL) {
		free(e->name);
		free(e->value);
		return -1;
	}
	memcpy(e->name, name, nlen);
	e->name[nlen] = '\0';
	memcpy(e->value, value, vlen);
	e->value[vlen] = '\0';
	e->vlen = vlen;
	e->is_file = is_file;
	f->n++;
	return 0;
}

int
fields_add(fields *f, const char *name, size_t nlen, const char *value, size_t vlen,
	   bool is_file)
{
	if (f->n >= FIELDS_MAX) {
		f->dropped++;
		return 0;
	}
	if (nlen > FIELDS_NAME_MAX) {
		nlen = FIELDS_NAME_MAX;
		while (nlen > 0 && ((unsigned char)name[nlen] & 0xC0) == 0x80)
			nlen--;	/* not inside a UTF-8 character */
		f->names_cut++;
	}
	return add_field(f, name, nlen, value, vlen, is_file);
}

static bool
is_companion(const char *name)
{
	size_t n = strlen(name), k = sizeof FIELDS_ORIGINAL_SUFFIX - 1;

	return n > k && strcmp(name + n - k, FIELDS_ORIGINAL_SUFFIX) == 0;
}

int
fields_field_to_utf8(fields *f, size_t i, const char *charset)
{
	form_field *e = &f->v[i];
	unsigned nhow = 0, vhow = 0;
	size_t nlen, vlen = e->vlen;
	char *name = utf8_decode(e->name, strlen(e->name), charset, &nlen, &nhow);
	char *value = e->is_file ? NULL : utf8_decode(e->value, e->vlen, charset, &vlen, &vhow);
	char shown[256], cname[FIELDS_NAME_MAX * 4 + sizeof FIELDS_ORIGINAL_SUFFIX];

	if (name == NULL || (value == NULL && !e->is_file)) {
		free(name);
		free(value);
		return -1;
	}
	if ((nhow | vhow) & UTF8_LOSSY) {
		/* what was sent, for a person: the value's bytes, or the name's */
		if (vhow & UTF8_LOSSY)
			utf8_escape(e->value, e->vlen, shown, sizeof shown);
		else
			utf8_escape(e->name, strlen(e->name), shown, sizeof shown);
		snprintf(cname, sizeof cname, "%s%s", name, FIELDS_ORIGINAL_SUFFIX);
		if (add_field(f, cname, strlen(cname), shown, strlen(shown), false) < 0) {
			free(name);
			free(value);
			return -1;
		}
		e = &f->v[i];	/* add_field may have moved the array */
	}
	free(e->name);
	e->name = name;
	if (value != NULL) {
		free(e->value);
		e->value = value;
		e->vlen = vlen;
	}
	return (int)(nhow | vhow);
}

int
fields_to_utf8(fields *f, const char *charset)
{
	size_t n = f->n;
	int how = 0, h;

	for (size_t i = 0; i < n; i++) {
		if ((h = fields_field_to_utf8(f, i, charset)) < 0)
			return -1;
		how |= h;
	}
	return how;
}

const char *
fields_originals(fields *f)
{
	char *out = NULL;
	size_t len = 0;

	for (size_t i = 0; i < f->n; i++) {
		const form_field *e = &f->v[i];
		size_t add = strlen(e->name) + e->vlen + 3;
		char *o;

		if (!is_companion(e->name))
			continue;
		if ((o = realloc(out, len + add + 1)) == NULL) {
			free(out);
			return NULL;
		}
		out = o;
		len += (size_t)snprintf(out + len, add + 1, "%s%s: %s", len ? "\n" : "", e->name,
					e->value);
	}
	return fields_keep(f, out);
}

void
fields_drop(fields *f, const char *name)
{
	size_t o = 0;

	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].name, name) == 0) {
			free(f->v[i].name);
			free(f->v[i].value);
			continue;
		}
		f->v[o++] = f->v[i];
	}
	f->n = o;
}

void
fields_content_charset(const char *ct, char *out, size_t outlen)
{
	const char *p = ct;
	size_t n = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	while (p && (p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "charset=", 8) != 0)
			continue;
		p += 8;
		if (*p == '"')
			p++;
		for (; *p && *p != '"' && *p != ';' && *p != ' ' && *p != '\t'; p++) {
			if (n + 1 >= outlen) {
				out[0] = '\0';
				return;
			}
			out[n++] = *p;
		}
		out[n] = '\0';
		return;
	}
}

const char *
fields_get(const fields *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return f->v[i].value;
	return NULL;
}

char *
fields_keep(fields *f, char *s)
{
	if (s == NULL)
		return NULL;
	if (f->nowned == f->owned_cap) {
		size_t cap = f->owned_cap ? f->owned_cap * 2 : 8;
		char **o = realloc(f->owned, cap * sizeof *o);

		if (o == NULL) {
			free(s);
			return NULL;
		}
		f->owned = o;
		f->owned_cap = cap;
	}
	f->owned[f->nowned++] = s;
	return s;
}

char *
fields_printf(fields *f, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : fields_keep(f, s);
}

int
fields_parse_urlencoded(fields *f, const char *body, size_t len)
{
	size_t i = 0;
	char *nbuf = malloc(len + 1), *vbuf = malloc(len + 1);
	int rc = 0;

	if (nbuf == NULL || vbuf == NULL) {
		free(nbuf);
		free(vbuf);
		return -1;
	}
	while (i < len) {
		size_t start = i, eq, end;
		size_t nl, vl;

		while (i < len && body[i] != '&')
			i++;
		end = i++;
		if (end == start)
			continue;	/* "a=1&&b=2" */
		for (eq = start; eq < end && body[eq] != '='; eq++)
			;
		/* Each buffer holds len + 1 bytes, more than any piece decodes to. */
		nl = urlenc_decode(body + start, eq - start, nbuf, len + 1);
		vl = eq < end ? urlenc_decode(body + eq + 1, end - eq - 1, vbuf, len + 1) : 0;
		if (fields_add(f, nbuf, nl, vbuf, vl, false) < 0) {
			rc = -1;
			break;
		}
	}
	free(nbuf);
	free(vbuf);
	return rc;
}

/* The boundary parameter of a multipart Content-Type into out. 0 / -1. */
static int
boundary_of(const char *ct, char *out, size_t outlen)
{
	const char *p = ct;
	size_t n = 0;

	while (p && (p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) != 0)
			continue;
		p += 9;
		if (*p == '"') {
			for (p++; *p && *p != '"' && n + 1 < outlen; p++)
				out[n++] = *p;
			if (*p != '"')
				return -1;
		} else {
			for (; *p && *p != ';' && *p != ' ' && *p != '\t' && n + 1 < outlen; p++)
				out[n++] = *p;
		}
		out[n] = '\0';
		return n > 0 && n <= 70 ? 0 : -1;
	}
	return -1;
}

static const char *
memfind(const char *hay, size_t haylen, const char *needle, size_t nlen)
{
	return nlen <= haylen ? memmem(hay, haylen, needle, nlen) : NULL;
}

/* name="..." (or filename="...") from a Content-Disposition value. */
static bool
disposition_param(const char *h, size_t hlen, const char *key, char *out, size_t outlen,
		  size_t *outn)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i + klen + 2 <= hlen; i++) {
		size_t n = 0, j;

		if (strncasecmp(h + i, key, klen) != 0 || h[i + klen] != '=' ||
		    (i > 0 && h[i - 1] != ' ' && h[i - 1] != ';' && h[i - 1] != '\t'))
			continue;
		j = i + klen + 1;
		if (j < hlen && h[j] == '"') {
			for (j++; j < hlen && h[j] != '"'; j++) {
				if (h[j] == '\\' && j + 1 < hlen)
					j++;
				if (n + 1 < outlen)
					out[n++] = h[j];
			}
			if (j >= hlen)
				return false;
		} else {
			for (; j < hlen && h[j] != ';' && h[j] != ' ' && h[j] != '\r' &&
			       h[j] != '\n'; j++)
				if (n + 1 < outlen)
					out[n++] = h[j];
		}
		out[n] = '\0';
		*outn = n;
		return true;
	}
	return false;
}

/* One part: headers, blank line, content. */
static int
parse_part(fields *f, const char *p, size_t len)
{
	const char *hend = memfind(p, len, "\r\n\r\n", 4);
	size_t skip = 4, hlen;
	char name[FIELDS_NAME_MAX + 1], fname[256];
	size_t nlen = 0, flen = 0;
	bool has_name = false, is_file = false;

	if (hend == NULL || (memfind(p, len, "\n\n", 2) && memfind(p, len, "\n\n", 2) < hend)) {
		hend = memfind(p, len, "\n\n", 2);
		skip = 2;
	}
	if (hend == NULL)
		return -1;
	hlen = (size_t)(hend - p);
	if (hlen > 8192)
		return -1;
	/* each header line; only Content-Disposition matters */
	for (size_t i = 0; i < hlen;) {
		size_t e = i;

		while (e < hlen && p[e] != '\n')
			e++;
		if (e - i > 20 && strncasecmp(p + i, "Content-Disposition:", 20) == 0) {
			has_name = disposition_param(p + i + 20, e - i - 20, "name", name,
						     sizeof name, &nlen);
			is_file = disposition_param(p + i + 20, e - i - 20, "filename", fname,
						    sizeof fname, &flen);
		}
		i = e + 1;
	}
	if (!has_name)
		return -1;
	return fields_add(f, name, nlen, hend + skip, len - hlen - skip, is_file);
}

int
fields_parse_multipart(fields *f, const char *body, size_t len, const char *content_type)
{
	char b[80], delim[84];
	size_t dlen;
	const char *p, *end = body + len;

	if (boundary_of(content_type, b, sizeof b) < 0)
		return -1;
	dlen = (size_t)snprintf(delim, sizeof delim, "--%s", b);
	/* the first delimiter may follow a preamble */
	if ((p = memfind(body, len, delim, dlen)) == NULL)
		return -1;
	for (;;) {
		const char *part, *next;
		size_t plen;

		p += dlen;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0;	/* closing delimiter */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			p += 2;
		else if (p < end && *p == '\n')
			p++;
		else
			return -1;
		part = p;
		/* the next delimiter starts on its own line */
		for (next = p;; next++) {
			next = memfind(next, (size_t)(end - next), delim, dlen);
			if (next == NULL)
				return -1;	/* no closing delimiter */
			if (next > part && next[-1] == '\n')
				break;
		}
		plen = (size_t)(next - part);
		/* the line break before the delimiter belongs to it */
		if (plen >= 2 && part[plen - 2] == '\r' && part[plen - 1] == '\n')
			plen -= 2;
		else if (plen >= 1 && part[plen - 1] == '\n')
			plen -= 1;
		if (parse_part(f, part, plen) < 0)
			return -1;
		p = next;
	}
}

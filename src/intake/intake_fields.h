/*
 * intake_fields.h - name/value fields as sources send them, and the parsers
 * for the two form encodings browsers and webhooks use:
 * application/x-www-form-urlencoded (WHATWG: '+' is a space, %XX bytes) and
 * multipart/form-data (RFC 7578, CRLF or bare LF line ends). Hand-written
 * rather than MHD_PostProcessor: the body is already whole, signatures need
 * every field in order with duplicates, and a standalone parser can be fuzzed.
 * Pure: no I/O. Every value is NUL-terminated (and may contain NULs).
 */
#ifndef LK_INTAKE_FIELDS_H
#define LK_INTAKE_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#define FIELDS_MAX 512		/* fields kept; more are counted in .dropped, not kept */
#define FIELDS_NAME_MAX 256	/* longer names are cut (UTF-8 safe), counted in .names_cut */

typedef struct {
	char *name;
	char *value;
	size_t vlen;
	bool is_file;		/* multipart part with a filename */
} form_field;

/* The fields, and an arena of strings made from them (freed together). */
typedef struct {
	form_field *v;
	size_t n;
	size_t cap;
	char **owned;
	size_t nowned;
	size_t owned_cap;
	/* what was not kept as sent, for the lead's timeline (never a refusal) */
	size_t dropped;		/* fields past FIELDS_MAX */
	size_t names_cut;	/* names cut to FIELDS_NAME_MAX */
	size_t deep;		/* JSON values nested too deep, kept as JSON text */
} fields;

void fields_init(fields *f);
void fields_free(fields *f);

/* Appends a copy of name and value: past FIELDS_MAX fields it is counted
 * and not kept, a name past FIELDS_NAME_MAX is cut. 0 / -1 (out of memory). */
int fields_add(fields *f, const char *name, size_t nlen, const char *value, size_t vlen,
	       bool is_file);

/* The first value of name, or NULL. Borrowed from f. */
const char *fields_get(const fields *f, const char *name);

/* Keeps s (malloc'd) until fields_free; returns s (NULL stays NULL). */
char *fields_keep(fields *f, char *s);
/* A formatted string owned by f, or NULL on out-of-memory. */
char *fields_printf(fields *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Decodes body as application/x-www-form-urlencoded into f. Malformed %
 * escapes are kept as they are (as browsers and Python do). 0 / -1. */
int fields_parse_urlencoded(fields *f, const char *body, size_t len);

/* Decodes a multipart/form-data body; content_type is the whole header (the
 * boundary is read from it). 0, or -1 when it is not well-formed. */
int fields_parse_multipart(fields *f, const char *body, size_t len, const char *content_type);

/* The companion field that keeps what decoding replaced: "<name> (original bytes)". */
#define FIELDS_ORIGINAL_SUFFIX " (original bytes)"

/*
 * Makes field i's name and value valid UTF-8 without NULs (util/utf8.h),
 * reading them in charset (a label; NULL or one not known = undeclared:
 * UTF-8 when valid, else Windows-1252, as browsers fall back). A file
 * part's value is left as it is (not text, never kept). When bytes had to
 * be replaced with U+FFFD (invalid in the charset, or a NUL), a companion
 * field "<name> (original bytes)" is appended with them escaped for a person
 * ("Jos\xE9", at most 256 bytes around the first bad one); adapters that
 * keep unknown fields keep it, the others say it through fields_originals().
 * Companions do not count against FIELDS_MAX. Returns the UTF8_* bits of
 * what was done, or -1 when out of memory (the field is then unchanged).
 */
int fields_field_to_utf8(fields *f, size_t i, const char *charset);

/* fields_field_to_utf8() for every field there is now. Bits of all, or -1. */
int fields_to_utf8(fields *f, const char *charset);

/* The companions fields_field_to_utf8() added, as "name (original bytes):
 * value" lines, owned by f; NULL when there are none (or out of memory). */
const char *fields_originals(fields *f);

/* Removes every field called name (e.g. a form's "_charset_"). */
void fields_drop(fields *f, const char *name);

/* The charset= parameter of a Content-Type header value into out (unquoted;
 * "" when there is none or it does not fit). */
void fields_content_charset(const char *content_type, char *out, size_t outlen);

/* A mapping from a source's field name to a lead field. */
typedef struct {
	char *from;
	char *to;		/* name first_name last_name phone email service message
				 * neighbourhood kind ignore */
} intake_map;

#endif

/*
 * web_form.h - reading what a browser posts: an
 * application/x-www-form-urlencoded body into named fields, and the few
 * typed values the forms carry (an amount of money). Made for outside input:
 * capped, never reads past the body, refuses NUL bytes. C library only.
 */
#ifndef LK_WEB_FORM_H
#define LK_WEB_FORM_H

#include <stddef.h>
#include <stdint.h>

#define WEB_FORM_MAX_FIELDS 32

typedef struct {
	const char *name[WEB_FORM_MAX_FIELDS];
	const char *value[WEB_FORM_MAX_FIELDS];	/* decoded, trimmed of white space */
	size_t n;
	char *mem;				/* owns every string above */
} web_form;

/*
 * Parses body[0..len) into f. Returns 0, or -1 when the body is not a form we
 * take: more than WEB_FORM_MAX_FIELDS fields, a decoded NUL byte, or out of
 * memory (f is then empty). Free with web_form_free, also after -1.
 */
int web_form_parse(web_form *f, const char *body, size_t len);
void web_form_free(web_form *f);

/* The first value of name (borrowed from f), or NULL when absent or blank. */
const char *web_form_get(const web_form *f, const char *name);

/* "1250", "1,250.50", "$1250.5" -> cents; -1 when s is not an amount of at
 * most a billion. */
int64_t web_parse_amount(const char *s);

/* cents as "$1,250.50" ("-$3.00" below zero) into buf. */
void web_money(int64_t cents, char *buf, size_t len);

#endif

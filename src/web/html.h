/*
 * html.h - the one way the web app writes HTML. Text and attribute values
 * are escaped by construction: the functions that take data escape it, and
 * markup (tag names, attribute names, fixed fragments) comes only from string
 * literals - the macros below paste "" around their markup argument, which
 * compiles only for a literal. A URL reaches href/action/src only as an
 * html_url, and only the builders below make one: tel:, sms:, mailto: and
 * same-site paths, so `javascript:` cannot be written at all.
 *
 * The buffer grows up to a hard cap. Past it (or out of memory, or a bug such
 * as an event-handler attribute or text inside <script>) the page fails as a
 * whole: its memory is freed, every later call is a no-op, html_finish()
 * returns NULL. Never a truncated page. C library only; knows no HTTP.
 */
#ifndef LK_WEB_HTML_H
#define LK_WEB_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTML_MAX_DEFAULT (4u << 20)	/* 4 MiB: a page past this fails */
#define HTML_DEPTH 48			/* open elements at once */
#define HTML_URL_MAX 1024		/* bytes of one URL, NUL included */

typedef struct {
	char *buf;
	size_t len, cap, max;
	bool failed;
	bool in_tag;			/* "<tag" written: attributes may follow */
	const char *stack[HTML_DEPTH];	/* open elements, innermost last (literals) */
	int depth;
	const char *why;		/* what made it fail, a literal (for the log) */
} html;

/* An empty page that may grow to max bytes (0 = HTML_MAX_DEFAULT). */
void html_init(html *h, size_t max);
/* Frees what h holds; h may be reused after html_init. */
void html_free(html *h);
bool html_failed(const html *h);

/*
 * Closes a pending start tag and returns the page (owned by h, NUL-terminated)
 * and its length, or NULL when the page failed. Elements still open are a bug:
 * the page fails (an unbalanced page is never sent).
 */
const char *html_finish(html *h, size_t *len);

/* --- markup: tag and attribute names are literals ------------------------- */

/* "<tag", pushed: html_close() writes its end tag. */
#define html_open(h, tag) html_open_((h), "" tag "")
/* A void element ("<input", "<br", "<meta", "<link"): nothing to close. */
#define html_void(h, tag) html_void_((h), "" tag "")
/* ` name="value"` on the start tag just opened; value escaped, NULL skips the
 * attribute. Names that take a URL (href, src, action, formaction), run
 * script (on...) or style (style) are refused here: the page fails. */
#define html_attr(h, name, value) html_attr_((h), "" name "", (value))
/* ` name="123"`. */
#define html_attr_int(h, name, value) html_attr_int_((h), "" name "", (value))
/* A boolean attribute (` required`) when on. */
#define html_flag(h, name, on) html_flag_((h), "" name "", (on))
/* ` name="url"` for href, action, src or formaction; a URL that is not ok
 * (a builder refused its input) writes no attribute at all. */
#define html_url_attr(h, name, url) html_url_attr_((h), "" name "", (url))
/* A fixed fragment, e.g. "<!doctype html>". */
#define html_raw(h, lit) html_raw_((h), "" lit "", sizeof(lit) - 1)
/* Opens tag, writes text escaped, closes it. */
#define html_elem(h, tag, text) html_elem_((h), "" tag "", (text))

/* The innermost open element's end tag. */
void html_close(html *h);

/* --- text: always escaped --------------------------------------------------- */

/* s escaped for text and attribute context (& < > " ' and backtick); control
 * characters other than tab and newline are dropped. NULL writes nothing. */
void html_text(html *h, const char *s);
void html_textn(html *h, const char *s, size_t n);
/* printf into the page, the whole result escaped. fmt must be a literal. */
#define html_textf(h, fmt, ...) html_textf_((h), "" fmt "", __VA_ARGS__)
void html_int(html *h, int64_t v);
/* A column header (<th scope="col">) with text; numeric right-aligns it
 * (class "num") over a column of figures. */
void html_th(html *h, const char *text, bool numeric);

/* --- URLs --------------------------------------------------------------------- */

typedef struct {
	char s[HTML_URL_MAX];
	bool ok;
} html_url;

/* "tel:+13125550199" from a phone as stored: digits and one leading '+' are
 * kept, spaces and ( ) - . dropped; anything else (letters, a second '+')
 * refuses it. Returns u->ok. */
bool html_url_tel(html_url *u, const char *phone);
/* The same, "sms:". */
bool html_url_sms(html_url *u, const char *phone);
/* "mailto:" + the address percent-encoded; one '@' with text either side,
 * no white space or control characters, else refused. */
bool html_url_mailto(html_url *u, const char *email);
/* An address on another site, as built by the caller (a maps link): must
 * start with "https://" and hold only A-Z a-z 0-9 - . _ ~ : / ? & = % +;
 * else refused (no quote, space, angle bracket or backslash gets through).
 * Returns u->ok. */
bool html_url_https(html_url *u, const char *url);
/* A same-site path: must start with one '/' (not "//" nor "/\"), and only
 * A-Z a-z 0-9 / - _ . ~ may appear; else refused. */
#define html_url_path(u, lit) html_url_pathf_((u), "%s", "" lit "")
/* The same, printf-formatted (fmt a literal; meant for numeric ids). */
#define html_url_pathf(u, fmt, ...) html_url_pathf_((u), "" fmt "", __VA_ARGS__)
/* Appends "?key=value" or "&key=value", value percent-encoded. Refuses (and
 * marks u not ok) when it does not fit. */
#define html_url_query(u, key, value) html_url_query_((u), "" key "", (value))
#define html_url_query_int(u, key, value) html_url_query_int_((u), "" key "", (value))
/* Appends "#id", id percent-encoded: last (a query after it, or a second
 * fragment, refuses the URL). Returns u->ok. */
bool html_url_fragment(html_url *u, const char *id);

/* --- the functions behind the macros: call the macros, not these -------------- */

void html_open_(html *h, const char *tag);
void html_void_(html *h, const char *tag);
void html_attr_(html *h, const char *name, const char *value);
void html_attr_int_(html *h, const char *name, int64_t value);
void html_flag_(html *h, const char *name, bool on);
void html_url_attr_(html *h, const char *name, const html_url *u);
void html_raw_(html *h, const char *lit, size_t n);
void html_elem_(html *h, const char *tag, const char *text);
void html_textf_(html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool html_url_pathf_(html_url *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool html_url_query_(html_url *u, const char *key, const char *value);
bool html_url_query_int_(html_url *u, const char *key, int64_t value);

#endif

/*
 * html.c - the HTML writer and the URL builders (see html.h). Markup arrives
 * as literals through the header's macros; everything else is escaped here.
 * A failure frees the buffer and turns every later call into a no-op.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define HTML_START 8192

void
html_init(html *h, size_t max)
{
	memset(h, 0, sizeof *h);
	h->max = max ? max : HTML_MAX_DEFAULT;
}

void
html_free(html *h)
{
	free(h->buf);
	h->buf = NULL;
	h->len = h->cap = 0;
}

bool
html_failed(const html *h)
{
	return h->failed;
}

static void
fail(html *h, const char *why)
{
	if (h->failed)
		return;
	html_free(h);
	h->failed = true;
	h->why = why;
}

/* Room for n more bytes and a NUL, within the cap. */
static bool
reserve(html *h, size_t n)
{
	size_t cap;
	char *b;

	if (h->failed)
		return false;
	if (n > h->max || h->len + n + 1 > h->max) {
		fail(h, "the page is larger than its cap");
		return false;
	}
	if (h->len + n + 1 <= h->cap)
		return true;
	cap = h->cap ? h->cap : HTML_START;
	while (cap < h->len + n + 1)
		cap *= 2;
	if (cap > h->max)
		cap = h->max;
	if ((b = realloc(h->buf, cap)) == NULL) {
		fail(h, "out of memory");
		return false;
	}
	h->buf = b;
	h->cap = cap;
	return true;
}

static void
put(html *h, const char *s, size_t n)
{
	if (!reserve(h, n))
		return;
	memcpy(h->buf + h->len, s, n);
	h->len += n;
	h->buf[h->len] = '\0';
}

static void
puts_lit(html *h, const char *s)
{
	put(h, s, strlen(s));
}

/* Ends a pending start tag: "<a href=..." gets its '>'. */
static void
end_start_tag(html *h)
{
	if (h->in_tag) {
		h->in_tag = false;
		put(h, ">", 1);
	}
}

static void
escaped(html *h, const char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n && !h->failed; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *ent = NULL;

		switch (c) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		case '`': ent = "&#96;"; break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				ent = "";	/* a control character: dropped */
			break;
		}
		if (ent == NULL) {
			run++;
			continue;
		}
		put(h, s + i - run, run);
		run = 0;
		puts_lit(h, ent);
	}
	if (!h->failed)
		put(h, s + n - run, run);
}

/* A tag or attribute name: a lower-case letter, then letters, digits, '-'. */
static bool
name_ok(const char *n)
{
	if (*n < 'a' || *n > 'z')
		return false;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9') || *n == '-'))
			return false;
	return true;
}

/* Inside these, text is not parsed as text: nothing of ours goes there. */
static bool
raw_text_element(const char *tag)
{
	return strcmp(tag, "script") == 0 || strcmp(tag, "style") == 0;
}

static void
start(html *h, const char *tag, bool push)
{
	if (h->failed)
		return;
	if (!name_ok(tag)) {
		fail(h, "a tag name that is not a name");
		return;
	}
	end_start_tag(h);
	if (push) {
		if (h->depth == HTML_DEPTH) {
			fail(h, "elements nested too deep");
			return;
		}
		h->stack[h->depth++] = tag;
	}
	put(h, "<", 1);
	puts_lit(h, tag);
	h->in_tag = true;
}

void
html_open_(html *h, const char *tag)
{
	start(h, tag, true);
}

void
html_void_(html *h, const char *tag)
{
	start(h, tag, false);
}

void
html_close(html *h)
{
	if (h->failed)
		return;
	if (h->depth == 0) {
		fail(h, "an end tag with no element open");
		return;
	}
	end_start_tag(h);
	h->depth--;
	put(h, "</", 2);
	puts_lit(h, h->stack[h->depth]);
	put(h, ">", 1);
}

/* Attributes html_attr may write: not a URL, not script, not style. */
static bool
plain_attr(const char *name)
{
	static const char *const refused[] = { "href", "src", "action", "formaction", "style",
						"srcdoc", "srcset", "xlink:href", "poster", "data",
						"background", "ping", NULL };

	if (name[0] == 'o' && name[1] == 'n')
		return false;
	for (size_t i = 0; refused[i]; i++)
		if (strcmp(name, refused[i]) == 0)
			return false;
	return true;
}

static bool
attr_start(html *h, const char *name)
{
	if (h->failed)
		return false;
	if (!h->in_tag) {
		fail(h, "an attribute outside a start tag");
		return false;
	}
	if (!name_ok(name)) {
		fail(h, "an attribute name that is not a name");
		return false;
	}
	put(h, " ", 1);
	puts_lit(h, name);
	return !h->failed;
}

void
html_attr_(html *h, const char *name, const char *value)
{
	if (value == NULL || h->failed)
		return;
	if (!plain_attr(name)) {
		fail(h, "a URL, script or style attribute written as text");
		return;
	}
	if (!attr_start(h, name))
		return;
	put(h, "=\"", 2);
	escaped(h, value, strlen(value));
	put(h, "\"", 1);
}

void
html_attr_int_(html *h, const char *name, int64_t value)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%lld", (long long)value);
	html_attr_(h, name, buf);
}

void
html_flag_(html *h, const char *name, bool on)
{
	if (!on || h->failed)
		return;
	if (!plain_attr(name)) {
		fail(h, "a URL, script or style attribute written as a flag");
		return;
	}
	attr_start(h, name);
}

void
html_url_attr_(html *h, const char *name, const html_url *u)
{
	if (h->failed || u == NULL || !u->ok)
		return;
	if (strcmp(name, "href") != 0 && strcmp(name, "src") != 0 &&
	    strcmp(name, "action") != 0 && strcmp(name, "formaction") != 0) {
		fail(h, "a URL in an attribute that takes none");
		return;
	}
	if (!attr_start(h, name))
		return;
	put(h, "=\"", 2);
	escaped(h, u->s, strlen(u->s));
	put(h, "\"", 1);
}

void
html_raw_(html *h, const char *lit, size_t n)
{
	if (h->failed)
		return;
	end_start_tag(h);
	put(h, lit, n);
}

static bool
text_allowed(html *h)
{
	if (h->failed)
		return false;
	if (h->depth > 0 && raw_text_element(h->stack[h->depth - 1])) {
		fail(h, "text inside a script or style element");
		return false;
	}
	end_start_tag(h);
	return true;
}

void
html_textn(html *h, const char *s, size_t n)
{
	if (s == NULL || !text_allowed(h))
		return;
	escaped(h, s, n);
}

void
html_text(html *h, const char *s)
{
	if (s != NULL)
		html_textn(h, s, strlen(s));
}

void
html_textf_(html *h, const char *fmt, ...)
{
	char small[256], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fail(h, "a text that cannot be formatted");
		return;
	}
	if ((size_t)n >= sizeof small) {
		if ((size_t)n > h->max || (big = malloc((size_t)n + 1)) == NULL) {
			fail(h, "a formatted text too large");
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	html_textn(h, big ? big : small, (size_t)n);
	free(big);
}

void
html_int(html *h, int64_t v)
{
	html_textf(h, "%lld", (long long)v);
}

void
html_th(html *h, const char *text, bool numeric)
{
	html_open(h, "th");
	html_attr(h, "scope", "col");
	if (numeric)
		html_attr(h, "class", "num");
	html_text(h, text);
	html_close(h);
}

void
html_elem_(html *h, const char *tag, const char *text)
{
	html_open_(h, tag);
	html_text(h, text);
	html_close(h);
}

const char *
html_finish(html *h, size_t *len)
{
	if (!h->failed && h->depth > 0)
		fail(h, "elements left open");
	if (h->failed)
		return NULL;
	end_start_tag(h);
	if (h->buf == NULL)
		put(h, "", 0);
	if (h->failed)
		return NULL;
	if (len != NULL)
		*len = h->len;
	return h->buf;
}

/* --- URLs ------------------------------------------------------------------------ */

static bool
refuse(html_url *u)
{
	u->s[0] = '\0';
	u->ok = false;
	return false;
}

static bool
phone_url(html_url *u, const char *scheme, const char *phone)
{
	size_t n = strlen(scheme), digits = 0;

	if (phone == NULL)
		return refuse(u);
	memcpy(u->s, scheme, n);
	for (const char *p = phone; *p; p++) {
		if (n + 2 >= sizeof u->s)
			return refuse(u);
		if (*p >= '0' && *p <= '9') {
			u->s[n++] = *p;
			digits++;
		} else if (*p == '+' && digits == 0 && u->s[n - 1] == ':') {
			u->s[n++] = '+';
		} else if (*p != ' ' && *p != '(' && *p != ')' && *p != '-' && *p != '.') {
			return refuse(u);
		}
	}
	if (digits < 3)
		return refuse(u);
	u->s[n] = '\0';
	u->ok = true;
	return true;
}

bool
html_url_tel(html_url *u, const char *phone)
{
	return phone_url(u, "tel:", phone);
}

bool
html_url_sms(html_url *u, const char *phone)
{
	return phone_url(u, "sms:", phone);
}

static bool
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

/* Appends s percent-encoded (keeping unreserved bytes and those in keep). */
static bool
append_encoded(html_url *u, size_t *n, const char *s, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (unreserved(*p) || (keep && strchr(keep, *p))) {
			if (*n + 1 >= sizeof u->s)
				return false;
			u->s[(*n)++] = (char)*p;
			continue;
		}
		if (*n + 3 >= sizeof u->s)
			return false;
		u->s[(*n)++] = '%';
		u->s[(*n)++] = hex[*p >> 4];
		u->s[(*n)++] = hex[*p & 15];
	}
	u->s[*n] = '\0';
	return true;
}

bool
html_url_https(html_url *u, const char *url)
{
	size_t n;

	if (url == NULL || strncmp(url, "https://", 8) != 0 || url[8] == '\0' ||
	    (n = strlen(url)) >= sizeof u->s)
		return refuse(u);
	for (const char *p = url; *p; p++)
		if (!unreserved((unsigned char)*p) && strchr(":/?&=%+", *p) == NULL)
			return refuse(u);
	memcpy(u->s, url, n + 1);
	u->ok = true;
	return true;
}

bool
html_url_mailto(html_url *u, const char *email)
{
	const char *at;
	size_t n = 7;

	if (email == NULL || (at = strchr(email, '@')) == NULL || at == email || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return refuse(u);
	for (const unsigned char *p = (const unsigned char *)email; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return refuse(u);
	memcpy(u->s, "mailto:", 7);
	if (!append_encoded(u, &n, email, "@+"))
		return refuse(u);
	u->ok = true;
	return true;
}

bool
html_url_pathf_(html_url *u, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(u->s, sizeof u->s, fmt, ap);
	va_end(ap);
	if (n < 1 || (size_t)n >= sizeof u->s || u->s[0] != '/' || u->s[1] == '/' ||
	    u->s[1] == '\\')
		return refuse(u);
	for (const unsigned char *p = (const unsigned char *)u->s; *p; p++)
		if (!unreserved(*p) && *p != '/')
			return refuse(u);
	u->ok = true;
	return true;
}

bool
html_url_query_(html_url *u, const char *key, const char *value)
{
	size_t n = strlen(u->s);

	if (!u->ok || value == NULL)
		return u->ok;
	if (n + 2 >= sizeof u->s || strchr(u->s, '#') != NULL)	/* a query after the fragment */
		return refuse(u);
	u->s[n++] = strchr(u->s, '?') ? '&' : '?';
	u->s[n] = '\0';
	if (!append_encoded(u, &n, key, NULL) || n + 1 >= sizeof u->s)
		return refuse(u);
	u->s[n++] = '=';
	u->s[n] = '\0';
	if (!append_encoded(u, &n, value, NULL))
		return refuse(u);
	return true;
}

bool
html_url_fragment(html_url *u, const char *id)
{
	size_t n = strlen(u->s);

	if (!u->ok || id == NULL)
		return u->ok;
	if (n + 2 >= sizeof u->s || strchr(u->s, '#') != NULL)
		return refuse(u);
	u->s[n++] = '#';
	u->s[n] = '\0';
	if (!append_encoded(u, &n, id, NULL))
		return refuse(u);
	return true;
}

bool
html_url_query_int_(html_url *u, const char *key, int64_t value)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%lld", (long long)value);
	return html_url_query_(u, key, buf);
}

/*
 * deliver_mime.c - builds an email as RFC 5322 text: UTF-8 header values as
 * RFC 2047 encoded words, multipart/alternative with a plain-text and an HTML
 * part, both quoted-printable. Pure: no I/O, no clock. Header values from the
 * outside are cleaned of control characters, so no header can be injected;
 * addresses with characters an address cannot hold are refused.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "deliver_mime.h"

#define MIME_CAP (4u * 1024 * 1024)	/* the whole message; bodies are short */

typedef struct {
	char *p;
	size_t len, cap;
	bool failed;
} sbuf;

static void
sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > MIME_CAP || (np = realloc(b->p, cap)) == NULL) {
			b->failed = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_str(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
sb_fmt(sbuf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		b->failed = true;
	else
		sb_add(b, tmp, (size_t)n);
}

bool
deliver_mime_address_ok(const char *a)
{
	size_t n = a ? strlen(a) : 0;
	const char *at;

	if (n < 3 || n > 254 || (at = strchr(a, '@')) == NULL || at == a || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return false;
	for (; *a; a++) {
		unsigned char c = (unsigned char)*a;

		if (c <= 0x20 || c >= 0x7F || strchr("<>()[]\\,;:\"", c) != NULL)
			return false;
	}
	return true;
}

/* Copies s with every control character (CR, LF, TAB...) made a space. */
static char *
clean(const char *s)
{
	char *o = strdup(s ? s : "");

	for (char *p = o; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = ' ';
	return o;
}

static bool
plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x7F || (s[0] == '=' && s[1] == '?'))
			return false;
	return true;
}

/* Length of the longest prefix of s, at most max bytes, that ends on a
 * UTF-8 character boundary (at least one byte). */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	size_t n = len < max ? len : max;

	if (n == len)
		return n;
	while (n > 1 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* Encoded words of at most 75 characters each, folded with CRLF SP. */
static void
encode_words(sbuf *b, const char *s)
{
	size_t len = strlen(s);
	bool first = true;

	while (len > 0) {
		size_t n = utf8_cut(s, len, 45);	/* 45 bytes -> 60 base64 chars */
		char b64[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];

		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s, n,
				  sodium_base64_VARIANT_ORIGINAL);
		sb_str(b, first ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?");
		sb_str(b, b64);
		sb_str(b, "?=");
		first = false;
		s += n;
		len -= n;
	}
}

/* An unstructured header value (Subject): as-is when plain ASCII, else encoded. */
static void
header_text(sbuf *b, const char *name, const char *value)
{
	char *v = clean(value);

	if (v == NULL) {
		b->failed = true;
		return;
	}
	sb_str(b, name);
	sb_str(b, ": ");
	if (plain_ascii(v) && strlen(v) < 900)
		sb_str(b, v);
	else
		encode_words(b, v);
	sb_str(b, "\r\n");
	free(v);
}

/* "Display Name" <addr>: a quoted string when ASCII, encoded words otherwise. */
static void
header_mailbox(sbuf *b, const char *name, const char *display, const char *addr)
{
	char *d = clean(display);

	if (d == NULL) {
		b->failed = true;
		return;
	}
	sb_str(b, name);
	sb_str(b, ": ");
	if (*d && plain_ascii(d)) {
		sb_str(b, "\"");
		for (const char *p = d; *p; p++) {
			if (*p == '"' || *p == '\\')
				sb_str(b, "\\");
			sb_add(b, p, 1);
		}
		sb_str(b, "\" ");
	} else if (*d) {
		encode_words(b, d);
		sb_str(b, " ");
	}
	sb_fmt(b, "<%s>\r\n", addr);
	free(d);
}

/* Quoted-printable (RFC 2045 6.7) of text with LF or CRLF line ends. */
static void
qp(sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char enc[4];
		size_t n;
		bool line_end = s[1] == '\n' || (s[1] == '\r' && s[2] == '\n') || s[1] == '\0';

		if (c == '\r' && s[1] == '\n')
			continue;
		if (c == '\n') {
			sb_str(b, "\r\n");
			col = 0;
			continue;
		}
		if ((c >= 33 && c <= 126 && c != '=' && !(c == '.' && col == 0)) ||
		    ((c == ' ' || c == '\t') && !line_end)) {
			enc[0] = (char)c;
			n = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			n = 3;
		}
		if (col + n > 75) {
			sb_str(b, "=\r\n");
			col = 0;
		}
		sb_add(b, enc, n);
		col += n;
	}
}

static void
html_escape(sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': sb_str(b, "&amp;"); break;
		case '<': sb_str(b, "&lt;"); break;
		case '>': sb_str(b, "&gt;"); break;
		case '"': sb_str(b, "&quot;"); break;
		case '\'': sb_str(b, "&#39;"); break;
		case '\r': break;
		case '\n': sb_str(b, "<br>\n"); break;
		default: sb_add(b, s + i, 1);
		}
	}
}

/* The HTML alternative: paragraphs at blank lines, <br> at single breaks. */
static char *
html_of(const deliver_mail *m)
{
	sbuf h = { 0 };
	const char *p = m->text ? m->text : "";

	sb_str(&h, "<!DOCTYPE html>\n<html><body style=\"font-family:sans-serif;"
	       "line-height:1.4\">\n");
	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);

		sb_str(&h, "<p>");
		html_escape(&h, p, n);
		sb_str(&h, "</p>\n");
		p += n;
		while (*p == '\n')
			p++;
	}
	if (m->unsubscribe_url != NULL) {
		sb_str(&h, "<p style=\"font-size:12px;color:#666\">You got this email because you "
		       "contacted us. <a href=\"");
		html_escape(&h, m->unsubscribe_url, strlen(m->unsubscribe_url));
		sb_str(&h, "\">Unsubscribe</a></p>\n");
	}
	sb_str(&h, "</body></html>\n");
	if (h.failed) {
		free(h.p);
		return NULL;
	}
	return h.p;
}

int
deliver_mime_build(const deliver_mail *m, char **out, size_t *len)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
					   "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)m->date;
	struct tm tm;
	sbuf b = { 0 };
	char *html, *text;

	*out = NULL;
	if (!deliver_mime_address_ok(m->from_addr) || !deliver_mime_address_ok(m->to) ||
	    (m->reply_to && !deliver_mime_address_ok(m->reply_to)) ||
	    strpbrk(m->message_id, "\r\n") || strpbrk(m->boundary, "\r\n\"") ||
	    (m->unsubscribe_url && strpbrk(m->unsubscribe_url, "\r\n<> ")))
		return -2;
	gmtime_r(&t, &tm);
	sb_fmt(&b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", wd[tm.tm_wday], tm.tm_mday,
	       mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	header_mailbox(&b, "From", m->from_name, m->from_addr);
	sb_fmt(&b, "To: <%s>\r\n", m->to);
	if (m->reply_to)
		header_mailbox(&b, "Reply-To", m->reply_to_name, m->reply_to);
	header_text(&b, "Subject", m->subject ? m->subject : "");
	sb_fmt(&b, "Message-ID: %s\r\n", m->message_id);
	if (m->unsubscribe_url) {
		sb_fmt(&b, "List-Unsubscribe: <%s>\r\n", m->unsubscribe_url);
		sb_str(&b, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	}
	sb_str(&b, "Auto-Submitted: auto-generated\r\n");
	sb_str(&b, "MIME-Version: 1.0\r\n");
	sb_fmt(&b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", m->boundary);

	sb_fmt(&b, "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	       "Content-Transfer-Encoding: quoted-printable\r\n\r\n", m->boundary);
	text = m->unsubscribe_url ? NULL : (char *)m->text;
	if (m->unsubscribe_url) {
		sbuf tb = { 0 };

		sb_str(&tb, m->text ? m->text : "");
		sb_str(&tb, "\n\n--\nTo stop these emails: ");
		sb_str(&tb, m->unsubscribe_url);
		sb_str(&tb, "\n");
		text = tb.failed ? NULL : tb.p;
		if (text == NULL)
			b.failed = true;
	}
	qp(&b, text ? text : "");
	if (text != m->text)
		free(text);
	sb_str(&b, "\r\n");

	if ((html = html_of(m)) == NULL)
		b.failed = true;
	sb_fmt(&b, "--%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
	       "Content-Transfer-Encoding: quoted-printable\r\n\r\n", m->boundary);
	qp(&b, html ? html : "");
	free(html);
	sb_fmt(&b, "\r\n--%s--\r\n", m->boundary);
	if (b.failed) {
		free(b.p);
		return -1;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

/*
 * template.c - message templates and SMS segment counting.
 *
 * A template is tokenised once, sections are matched with a bounded stack,
 * then rendering and checking both walk the token list: O(n) in the template,
 * whatever the nesting. Pure: fields come only from the lookup callback.
 */
#include "core/template.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TPL_OUT_MAX 65536	/* output bytes, excluding the NUL */
#define TPL_NAME_MAX 64		/* longer names are malformed tags */
#define TPL_DEPTH_MAX 64	/* deeper sections are left unmatched */
#define TPL_NO_MATCH SIZE_MAX

typedef enum {
	TOK_TEXT,		/* literal text: text/len */
	TOK_MALFORMED,		/* "{{...}}" that is not a tag: text/len is the inside */
	TOK_UNTERMINATED,	/* "{{" with no "}}" before the next "{{" or the end */
	TOK_VAR,		/* {{name}} or {{name|fallback}} */
	TOK_OPEN,		/* {{#name}} */
	TOK_INVERT,		/* {{^name}} */
	TOK_CLOSE,		/* {{/name}} */
} tpl_kind;

typedef struct {
	tpl_kind kind;
	size_t off;		/* byte offset of the token in the template */
	const char *text;	/* TEXT, MALFORMED: what to print; tags: the name */
	size_t len;
	const char *fallback;	/* VAR only; NULL when there is none */
	size_t fallback_len;
	size_t match;		/* OPEN/INVERT/CLOSE: index of its pair, or TPL_NO_MATCH */
	bool too_deep;		/* OPEN/INVERT past TPL_DEPTH_MAX */
} tpl_token;

typedef struct {
	tpl_token *tok;
	size_t n, cap;
} tpl_tokens;

static bool
tpl_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
tpl_is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

static tpl_token *
tpl_push(tpl_tokens *t, tpl_kind kind, size_t off, const char *text, size_t len)
{
	tpl_token *tok;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		tpl_token *p = realloc(t->tok, cap * sizeof(*p));

		if (p == NULL)
			return NULL;
		t->tok = p;
		t->cap = cap;
	}
	tok = &t->tok[t->n++];
	memset(tok, 0, sizeof(*tok));
	tok->kind = kind;
	tok->off = off;
	tok->text = text;
	tok->len = len;
	tok->match = TPL_NO_MATCH;
	return tok;
}

/*
 * Parses the inside of a "{{...}}" (s, len) into tok. Leaves tok as
 * TOK_MALFORMED when it is not a well-formed tag.
 */
static void
tpl_parse_tag(tpl_token *tok, const char *s, size_t len)
{
	size_t i = 0, name, name_len, fb, fb_end;
	tpl_kind kind = TOK_VAR;

	while (i < len && tpl_is_blank(s[i]))
		i++;
	if (i < len && (s[i] == '#' || s[i] == '^' || s[i] == '/')) {
		kind = s[i] == '#' ? TOK_OPEN : s[i] == '^' ? TOK_INVERT : TOK_CLOSE;
		i++;
		while (i < len && tpl_is_blank(s[i]))
			i++;
	}
	name = i;
	while (i < len && tpl_is_name_char(s[i]))
		i++;
	name_len = i - name;
	if (name_len == 0 || name_len > TPL_NAME_MAX)
		return;
	while (i < len && tpl_is_blank(s[i]))
		i++;
	if (i < len && s[i] == '|' && kind == TOK_VAR) {
		/* The fallback is literal text up to "}}", blanks at its ends
		 * trimmed so that {{ first_name | there }} reads naturally. */
		fb = i + 1;
		fb_end = len;
		while (fb < fb_end && tpl_is_blank(s[fb]))
			fb++;
		while (fb_end > fb && tpl_is_blank(s[fb_end - 1]))
			fb_end--;
		tok->fallback = s + fb;
		tok->fallback_len = fb_end - fb;
		i = len;
	}
	if (i != len) {
		tok->fallback = NULL;
		return;
	}
	tok->kind = kind;
	tok->text = s + name;
	tok->len = name_len;
}

/* Splits tpl into tokens. Returns 0, or -1 on out-of-memory. */
static int
tpl_tokenize(const char *tpl, tpl_tokens *t)
{
	size_t pos = 0;

	while (tpl[pos] != '\0') {
		const char *open = strstr(tpl + pos, "{{"), *c;
		tpl_token *tok;

		if (open == NULL) {
			if (tpl_push(t, TOK_TEXT, pos, tpl + pos, strlen(tpl + pos)) == NULL)
				return -1;
			break;
		}
		/* In a run of braces the tag opens at the last two: "{{{x}}}"
		 * is a literal "{", the tag, then a literal "}". */
		while (open[2] == '{')
			open++;
		if (open > tpl + pos &&
		    tpl_push(t, TOK_TEXT, pos, tpl + pos, (size_t)(open - (tpl + pos))) == NULL)
			return -1;
		for (c = open + 2; *c != '\0'; c++)
			if ((c[0] == '}' && c[1] == '}') || (c[0] == '{' && c[1] == '{'))
				break;
		if (*c != '}') {
			/* No "}}" before the next tag or the end: drop the "{{"
			 * and read what follows as ordinary text. */
			if (tpl_push(t, TOK_UNTERMINATED, (size_t)(open - tpl), NULL, 0) == NULL)
				return -1;
			pos = (size_t)(open - tpl) + 2;
			continue;
		}
		tok = tpl_push(t, TOK_MALFORMED, (size_t)(open - tpl), open + 2,
			       (size_t)(c - open - 2));
		if (tok == NULL)
			return -1;
		tpl_parse_tag(tok, open + 2, (size_t)(c - open - 2));
		pos = (size_t)(c - tpl) + 2;
	}
	return 0;
}

static bool
tpl_same_name(const tpl_token *a, const tpl_token *b)
{
	return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/*
 * Pairs each section with its close. A close ends the innermost open section
 * of the same name; sections opened inside it and still open stay unmatched.
 * So matched pairs always nest properly and rendering can jump over them.
 */
static void
tpl_match(tpl_tokens *t)
{
	size_t stack[TPL_DEPTH_MAX];
	size_t depth = 0;

	for (size_t i = 0; i < t->n; i++) {
		tpl_token *tok = &t->tok[i];

		if (tok->kind == TOK_OPEN || tok->kind == TOK_INVERT) {
			if (depth == TPL_DEPTH_MAX)
				tok->too_deep = true;
			else
				stack[depth++] = i;
		} else if (tok->kind == TOK_CLOSE) {
			for (size_t k = depth; k-- > 0;) {
				if (tpl_same_name(&t->tok[stack[k]], tok)) {
					t->tok[stack[k]].match = i;
					tok->match = stack[k];
					depth = k;
					break;
				}
			}
		}
	}
}

static int
tpl_parse(const char *tpl, tpl_tokens *t)
{
	memset(t, 0, sizeof(*t));
	if (tpl_tokenize(tpl, t) < 0) {
		free(t->tok);
		return -1;
	}
	tpl_match(t);
	return 0;
}

/* Output buffer, capped at TPL_OUT_MAX; it never holds "{{". */
typedef struct {
	char *buf;
	size_t len, cap;
	bool full;
	bool oom;
} tpl_out;

static void
tpl_put(tpl_out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && !o->full && !o->oom; i++) {
		/* A value or fallback may hold braces too: collapsing every
		 * "{{" keeps the promise that output is never markup. */
		if (s[i] == '{' && o->len > 0 && o->buf[o->len - 1] == '{')
			continue;
		if (o->len == TPL_OUT_MAX) {
			o->full = true;
			break;
		}
		if (o->len + 1 >= o->cap) {
			size_t cap = o->cap < 256 ? 256 : o->cap * 2;
			char *p;

			if (cap > TPL_OUT_MAX + 1)
				cap = TPL_OUT_MAX + 1;
			if ((p = realloc(o->buf, cap)) == NULL) {
				o->oom = true;
				break;
			}
			o->buf = p;
			o->cap = cap;
		}
		o->buf[o->len++] = s[i];
	}
}

/* After truncation, drops a UTF-8 sequence cut in half at the end. */
static void
tpl_trim_utf8(tpl_out *o)
{
	size_t i = o->len, back = 0, need;
	unsigned char lead;

	while (i > 0 && back < 3 && ((unsigned char)o->buf[i - 1] & 0xC0) == 0x80) {
		i--;
		back++;
	}
	if (i == 0)
		return;
	lead = (unsigned char)o->buf[i - 1];
	need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (need > back + 1)
		o->len = i - 1;
}

static const char *
tpl_value(const tpl_token *tok, template_lookup lookup, void *ctx)
{
	char name[TPL_NAME_MAX + 1];
	const char *v;

	if (lookup == NULL)
		return NULL;
	memcpy(name, tok->text, tok->len);
	name[tok->len] = '\0';
	v = lookup(ctx, name);
	return (v != NULL && v[0] != '\0') ? v : NULL;
}

char *
template_render(const char *tpl, template_lookup lookup, void *ctx)
{
	tpl_tokens t;
	tpl_out o = { 0 };
	size_t i = 0;

	if (tpl == NULL)
		tpl = "";
	if (tpl_parse(tpl, &t) < 0)
		return NULL;
	while (i < t.n && !o.full && !o.oom) {
		const tpl_token *tok = &t.tok[i];
		const char *v;

		switch (tok->kind) {
		case TOK_TEXT:
		case TOK_MALFORMED:
			tpl_put(&o, tok->text, tok->len);
			break;
		case TOK_VAR:
			if ((v = tpl_value(tok, lookup, ctx)) != NULL)
				tpl_put(&o, v, strlen(v));
			else if (tok->fallback != NULL)
				tpl_put(&o, tok->fallback, tok->fallback_len);
			break;
		case TOK_OPEN:
		case TOK_INVERT:
			/* An unmatched section tag prints nothing: "#service"
			 * in a customer's SMS is worse than an unguarded part. */
			if (tok->match != TPL_NO_MATCH &&
			    (tpl_value(tok, lookup, ctx) != NULL) != (tok->kind == TOK_OPEN)) {
				i = tok->match + 1;
				continue;
			}
			break;
		case TOK_CLOSE:
		case TOK_UNTERMINATED:
			break;
		}
		i++;
	}
	free(t.tok);
	if (o.full)
		tpl_trim_utf8(&o);
	if (!o.oom && o.buf == NULL && (o.buf = malloc(1)) == NULL)
		o.oom = true;
	if (o.oom) {
		free(o.buf);
		return NULL;
	}
	o.buf[o.len] = '\0';
	return o.buf;
}

static bool
tpl_known(const tpl_token *tok, const char *const *known)
{
	if (known == NULL)
		return true;
	for (; *known != NULL; known++) {
		size_t n = strlen(*known);

		if (n == tok->len && memcmp(*known, tok->text, tok->len) == 0)
			return true;
		/* "custom.*": any name with that prefix and something after it */
		if (n >= 2 && strcmp(*known + n - 2, ".*") == 0 && tok->len > n - 1 &&
		    memcmp(*known, tok->text, n - 1) == 0)
			return true;
	}
	return false;
}

/* At most max bytes of s, cut on a UTF-8 boundary, for quoting in a message. */
static int
tpl_clip(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return (int)len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return (int)max;
}

/* Reports the problem with tok, if any, into msg. Returns false when none. */
static bool
tpl_problem(const tpl_token *tok, char *msg, size_t msglen)
{
	int n = tpl_clip(tok->text, tok->len, 48);

	switch (tok->kind) {
	case TOK_TEXT:
	case TOK_VAR:
		return false;
	case TOK_UNTERMINATED:
		snprintf(msg, msglen, "unterminated tag: \"{{\" without \"}}\"");
		return true;
	case TOK_MALFORMED:
		snprintf(msg, msglen,
			 "malformed tag \"{{%.*s%s}}\": use {{name}}, {{name|fallback}}, "
			 "{{#name}}, {{^name}} or {{/name}}; names use a-z, 0-9, _ and .",
			 n, tok->text, (size_t)n < tok->len ? "..." : "");
		return true;
	case TOK_OPEN:
	case TOK_INVERT:
		if (tok->too_deep)
			snprintf(msg, msglen, "section \"%.*s\" nested more than %d deep", n,
				 tok->text, TPL_DEPTH_MAX);
		else if (tok->match == TPL_NO_MATCH)
			snprintf(msg, msglen, "section \"%.*s\" is never closed with {{/%.*s}}",
				 n, tok->text, n, tok->text);
		else
			return false;
		return true;
	case TOK_CLOSE:
		if (tok->match != TPL_NO_MATCH)
			return false;
		snprintf(msg, msglen, "\"{{/%.*s}}\" closes no open section", n, tok->text);
		return true;
	}
	return false;
}

int
template_check(const char *tpl, const char *const *known, template_problem report,
	       void *ctx)
{
	tpl_tokens t;
	char msg[256];
	int problems = 0;

	if (tpl == NULL)
		return 0;
	if (tpl_parse(tpl, &t) < 0) {
		if (report != NULL)
			report(ctx, 0, "out of memory while checking the template");
		return 1;
	}
	for (size_t i = 0; i < t.n; i++) {
		const tpl_token *tok = &t.tok[i];

		if (tpl_problem(tok, msg, sizeof(msg))) {
			if (report != NULL)
				report(ctx, tok->off, msg);
			problems++;
		}
		/* Close tags are not checked: their open tag already was. */
		if ((tok->kind == TOK_VAR || tok->kind == TOK_OPEN || tok->kind == TOK_INVERT) &&
		    !tpl_known(tok, known)) {
			snprintf(msg, sizeof(msg), "unknown field \"%.*s\"", (int)tok->len,
				 tok->text);
			if (report != NULL)
				report(ctx, tok->off, msg);
			problems++;
		}
	}
	free(t.tok);
	return problems;
}

int
template_unguarded(const char *tpl, template_use use, void *ctx)
{
	tpl_tokens t;
	size_t stack[TPL_DEPTH_MAX], depth = 0;
	char name[TPL_NAME_MAX + 1];
	int n = 0;

	if (tpl == NULL)
		return 0;
	if (tpl_parse(tpl, &t) < 0)
		return -1;
	for (size_t i = 0; i < t.n; i++) {
		const tpl_token *tok = &t.tok[i];
		bool guarded = false;

		if ((tok->kind == TOK_OPEN || tok->kind == TOK_INVERT) &&
		    tok->match != TPL_NO_MATCH && !tok->too_deep && depth < TPL_DEPTH_MAX) {
			stack[depth++] = i;
			continue;
		}
		if (tok->kind == TOK_CLOSE && tok->match != TPL_NO_MATCH) {
			/* matched pairs nest: its open is on top (unless it was too deep) */
			if (depth > 0 && stack[depth - 1] == tok->match)
				depth--;
			continue;
		}
		if (tok->kind != TOK_VAR || tok->fallback != NULL)
			continue;
		for (size_t k = 0; k < depth && !guarded; k++)
			guarded = t.tok[stack[k]].kind == TOK_OPEN &&
				  tpl_same_name(&t.tok[stack[k]], tok);
		if (guarded)
			continue;
		memcpy(name, tok->text, tok->len);
		name[tok->len] = '\0';
		if (use != NULL)
			use(ctx, tok->off, name);
		n++;
	}
	free(t.tok);
	return n;
}

/*
 * Decodes one UTF-8 sequence at s (n bytes left). Returns its length and sets
 * *cp, or returns 1 with *cp = UINT32_MAX for an invalid byte (overlong forms,
 * surrogates and values past U+10FFFF are invalid).
 */
static size_t
sms_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len;

	*cp = UINT32_MAX;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 1;
	}
	if (len > n)
		return 1;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 1;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 1;
	*cp = c;
	return len;
}

/* GSM 03.38 septets for cp: 1 (basic set), 2 (escape + extension table), or
 * 0 when it has no GSM encoding. */
static unsigned
sms_gsm_septets(uint32_t cp)
{
	/* Non-ASCII characters of the basic set. */
	static const uint16_t basic[] = {
		0x00A1, 0x00A3, 0x00A4, 0x00A5, 0x00A7, 0x00BF, 0x00C4, 0x00C5,
		0x00C6, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00D8, 0x00DC, 0x00DF,
		0x00E0, 0x00E4, 0x00E5, 0x00E6, 0x00E8, 0x00E9, 0x00EC, 0x00F1,
		0x00F2, 0x00F6, 0x00F8, 0x00F9, 0x00FC, 0x0393, 0x0394, 0x0398,
		0x039B, 0x039E, 0x03A0, 0x03A3, 0x03A6, 0x03A8, 0x03A9,
	};

	if (cp == '\n' || cp == '\r')
		return 1;
	if (cp == '\f' || cp == 0x20AC)
		return 2;
	if (cp >= 0x20 && cp <= 0x7E) {
		if (cp == '`')
			return 0;
		if (strchr("^{}\\[~]|", (int)cp) != NULL)
			return 2;
		return 1;
	}
	for (size_t i = 0; i < sizeof(basic) / sizeof(basic[0]); i++)
		if (basic[i] == cp)
			return 1;
	return 0;
}

/* Packs characters of weight 1 or 2 into parts of `part` units, never
 * splitting one character (an escape pair or a surrogate pair) across two. */
static size_t
sms_pack(const unsigned char *s, size_t n, bool gsm, size_t single, size_t part)
{
	size_t total = 0, segs = 1, used = 0, i = 0;
	uint32_t cp;

	for (size_t k = 0; k < n;) {
		k += sms_utf8_next(s + k, n - k, &cp);
		total += gsm ? sms_gsm_septets(cp) : (cp != UINT32_MAX && cp > 0xFFFF) ? 2 : 1;
	}
	if (total <= single)
		return 1;
	while (i < n) {
		size_t w;

		i += sms_utf8_next(s + i, n - i, &cp);
		w = gsm ? sms_gsm_septets(cp) : (cp != UINT32_MAX && cp > 0xFFFF) ? 2 : 1;
		if (used + w > part) {
			segs++;
			used = 0;
		}
		used += w;
	}
	return segs;
}

size_t
template_sms_segments(const char *utf8, bool *ucs2)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t n = utf8 != NULL ? strlen(utf8) : 0;
	bool gsm = true;
	uint32_t cp;

	for (size_t i = 0; i < n && gsm;) {
		i += sms_utf8_next(s + i, n - i, &cp);
		if (cp == UINT32_MAX || sms_gsm_septets(cp) == 0)
			gsm = false;
	}
	if (ucs2 != NULL)
		*ucs2 = !gsm;
	if (n == 0)
		return 0;
	return gsm ? sms_pack(s, n, true, 160, 153) : sms_pack(s, n, false, 70, 67);
}

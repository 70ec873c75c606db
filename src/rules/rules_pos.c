/*
 * rules_pos.c - where in the source a byte of a scalar's value sits, so a
 * problem inside a template can point at the field rather than the string's
 * start. Reads the raw text alongside libyaml's marks; any doubt falls back
 * to the scalar's own position. No section knowledge here.
 */
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

/* Line starts as libyaml counts lines: CR LF, CR, LF, NEL, LS and PS each end one. */
static int
build_lines(rl_ctx *c)
{
	const unsigned char *t = (const unsigned char *)c->text;
	size_t cap = 64, n = 0, i = 0;
	size_t *ls = malloc(cap * sizeof *ls);

	if (ls == NULL)
		return -1;
	if (c->len >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF)
		i = 3;	/* libyaml's marks start after the byte order mark */
	ls[n++] = i;
	while (i < c->len) {
		size_t brk = 0;

		if (t[i] == '\r')
			brk = i + 1 < c->len && t[i + 1] == '\n' ? 2 : 1;
		else if (t[i] == '\n')
			brk = 1;
		else if (t[i] == 0xC2 && i + 1 < c->len && t[i + 1] == 0x85)
			brk = 2;
		else if (t[i] == 0xE2 && i + 2 < c->len && t[i + 1] == 0x80 &&
			 (t[i + 2] == 0xA8 || t[i + 2] == 0xA9))
			brk = 3;
		if (brk == 0) {
			i++;
			continue;
		}
		i += brk;
		if (n == cap) {
			size_t *m = realloc(ls, cap * 2 * sizeof *ls);

			if (m == NULL) {
				free(ls);
				return -1;
			}
			ls = m;
			cap *= 2;
		}
		ls[n++] = i;
	}
	c->line_starts = ls;
	c->nlines = n;
	return 0;
}

/* Decoded length of the escape at p (just after the backslash) of a double-quoted
 * scalar, and its length in the source; 0 when unknown. */
static size_t
escape_len(const char *p, const char *end, size_t *raw)
{
	size_t digits = 0;
	unsigned long cp;
	char hex[9];

	switch (*p) {
	case 'x': digits = 2; break;
	case 'u': digits = 4; break;
	case 'U': digits = 8; break;
	case 'N': case '_': *raw = 2; return 2;
	case 'L': case 'P': *raw = 2; return 3;
	case '0': case 'a': case 'b': case 't': case '\t': case 'n': case 'v': case 'f':
	case 'r': case 'e': case ' ': case '"': case '/': case '\\':
		*raw = 2;
		return 1;
	default:
		return 0;
	}
	if ((size_t)(end - p) <= digits)
		return 0;
	memcpy(hex, p + 1, digits);
	hex[digits] = '\0';
	cp = strtoul(hex, NULL, 16);
	*raw = 2 + digits;
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

void
rl_scalar_pos(rl_ctx *c, const yaml_node_t *n, size_t off, int *line, int *col)
{
	const char *p, *start, *end, *v;
	size_t vi = 0, ln, chars = 0;
	yaml_scalar_style_t style;
	bool quoted;

	*line = (int)n->start_mark.line + 1;
	*col = (int)n->start_mark.column + 1;
	/* Only worth it for a short scalar on one line of a UTF-8 source. */
	if (c->text == NULL || n->type != YAML_SCALAR_NODE || off > 4096 ||
	    n->start_mark.line != n->end_mark.line)
		return;
	if (c->line_starts == NULL && build_lines(c) < 0)
		return;
	ln = n->start_mark.line;
	if (ln >= c->nlines)
		return;
	p = c->text + c->line_starts[ln];
	end = c->text + c->len;
	for (size_t k = 0; k < n->start_mark.column && p < end; k++) {
		p++;
		while (p < end && ((unsigned char)*p & 0xC0) == 0x80)
			p++;
	}
	start = p;
	style = n->data.scalar.style;
	v = (const char *)n->data.scalar.value;
	quoted = style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		 style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	if (quoted) {
		if (p >= end || *p != (style == YAML_SINGLE_QUOTED_SCALAR_STYLE ? '\'' : '"'))
			return;
		p++;
	} else if (style != YAML_PLAIN_SCALAR_STYLE) {
		return;
	}
	/* Walk source and value side by side; any surprise means the mapping is
	 * not understood, and the scalar's start is the honest answer. */
	while (vi < off) {
		if (p >= end || *p == '\n' || *p == '\r' || vi >= n->data.scalar.length)
			return;
		if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE && *p == '\'') {
			if (p + 1 >= end || p[1] != '\'')
				return;
			p += 2;
			vi++;
			continue;
		}
		if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && *p == '\\') {
			size_t raw = 0, dec = p + 1 < end ? escape_len(p + 1, end, &raw) : 0;

			if (dec == 0 || vi + dec > off)
				return;
			p += raw;
			vi += dec;
			continue;
		}
		if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && *p == '"')
			return;
		if (*p != v[vi])
			return;
		p++;
		vi++;
	}
	for (const char *q = start; q < p; q++)
		if (((unsigned char)*q & 0xC0) != 0x80)
			chars++;
	*col = (int)n->start_mark.column + 1 + (int)chars;
}

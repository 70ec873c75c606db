/*
 * rules_yaml.c - walking libyaml's document tree: type checks, known keys, and
 * scalars read as strings, names, booleans, integers and durations, each
 * problem reported at the node it concerns. No section knowledge here.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

yaml_node_t *
rl_node(rl_ctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

/* One node visit. Aliases let a small file name the same list many times over;
 * the budget (a small multiple of the document's node count) keeps the walk
 * linear in the input however the nodes are shared. */
bool
rl_tick(rl_ctx *c)
{
	if (c->stop)
		return false;
	if (c->budget == 0) {
		c->stop = true;
		rl_diag_at(c, 1, 1, false, "the rules file repeats its aliases too often to check");
		return false;
	}
	c->budget--;
	return true;
}

bool
rl_is_null(const yaml_node_t *n)
{
	const char *v;

	if (n == NULL)
		return true;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static const char *
found(const yaml_node_t *n)
{
	if (rl_is_null(n))
		return "nothing";
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a string";
	}
}

bool
rl_is_map(rl_ctx *c, const yaml_node_t *n, const char *what)
{
	if (n != NULL && n->type == YAML_MAPPING_NODE)
		return true;
	rl_error(c, n, "expected a mapping for \"%s\", found %s", what, found(n));
	return false;
}

bool
rl_is_list(rl_ctx *c, const yaml_node_t *n, const char *what)
{
	if (n != NULL && n->type == YAML_SEQUENCE_NODE)
		return true;
	rl_error(c, n, "expected a list for \"%s\", found %s", what, found(n));
	return false;
}

const char *
rl_scalar(rl_ctx *c, const yaml_node_t *n, const char *what)
{
	const char *v;

	if (n == NULL || n->type != YAML_SCALAR_NODE || rl_is_null(n)) {
		rl_error(c, n, "expected a string for \"%s\", found %s", what, found(n));
		return NULL;
	}
	v = (const char *)n->data.scalar.value;
	/* "\0" is legal YAML; a C string would silently end there. */
	if (strlen(v) != n->data.scalar.length) {
		rl_error(c, n, "\"%s\" must not contain a NUL character", what);
		return NULL;
	}
	return v;
}

size_t
rl_list_len(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SEQUENCE_NODE)
		return 0;
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *
rl_list_item(rl_ctx *c, const yaml_node_t *n, size_t i)
{
	if (!rl_tick(c))
		return NULL;
	return rl_node(c, n->data.sequence.items.start[i]);
}

void
rl_missing(rl_ctx *c, const yaml_node_t *n, const char *what, const char *where)
{
	rl_error(c, n, "missing required key \"%s\" in %s", what, where);
}

bool
rl_fields(rl_ctx *c, yaml_node_t *n, const char *where, const char *const *names,
	  yaml_node_t **vals, yaml_node_t **keys)
{
	size_t nnames = 0;

	while (names[nnames] != NULL) {
		vals[nnames] = NULL;
		if (keys != NULL)
			keys[nnames] = NULL;
		nnames++;
	}
	if (!rl_is_map(c, n, where))
		return false;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top && rl_tick(c); p++) {
		yaml_node_t *k = rl_node(c, p->key);
		const char *key;
		size_t i;

		if (k == NULL || k->type != YAML_SCALAR_NODE) {
			rl_error(c, k, "expected a string key in %s, found %s", where, found(k));
			continue;
		}
		key = (const char *)k->data.scalar.value;
		for (i = 0; i < nnames; i++)
			if (strcmp(key, names[i]) == 0)
				break;
		if (i == nnames) {
			char list[512];

			rl_error(c, k, "unknown key \"%s\" in %s (expected one of: %s)", key,
				 where, rl_join(list, sizeof list, names, nnames, sizeof *names));
			continue;
		}
		if (vals[i] != NULL) {
			rl_error(c, k, "duplicate key \"%s\" in %s", key, where);
			continue;
		}
		vals[i] = rl_node(c, p->value);
		if (keys != NULL)
			keys[i] = k;
	}
	return true;
}

int
rl_string(rl_ctx *c, const yaml_node_t *n, const char *what, char **out)
{
	const char *v = rl_scalar(c, n, what);
	char *s;

	if (v == NULL)
		return -1;
	if ((s = rl_strdup(c, v)) == NULL)
		return -1;
	free(*out);	/* a default may be in place */
	*out = s;
	return 0;
}

/* Names people, stages, sequences, templates and reasons are known by: they go
 * into messages, URLs and SQL, so keep them plain. */
int
rl_ident(rl_ctx *c, const yaml_node_t *n, const char *what, const char *extra, char **out)
{
	const char *v = rl_scalar(c, n, what);
	size_t len;

	if (v == NULL)
		return -1;
	len = strlen(v);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (!(islower(ch) || isdigit(ch) || ch == '_' || (extra && strchr(extra, ch)))) {
			rl_error(c, n, "%s \"%s\" may only use a-z, 0-9 and _%s", what, v,
				 extra ? extra : "");
			return -1;
		}
	}
	if (len > 64) {
		rl_error(c, n, "%s \"%.20s...\" is longer than 64 characters", what, v);
		return -1;
	}
	return rl_string(c, n, what, out);
}

int
rl_bool(rl_ctx *c, const yaml_node_t *n, const char *what, bool *out)
{
	const char *v = n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";

	if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 || strcmp(v, "TRUE") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0 || strcmp(v, "FALSE") == 0) {
		*out = false;
		return 0;
	}
	rl_error(c, n, "\"%s\" must be true or false", what);
	return -1;
}

int
rl_int(rl_ctx *c, const yaml_node_t *n, const char *what, long min, long max, long *out)
{
	const char *v = n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
	char *end;
	long x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (!isdigit((unsigned char)v[0]) && !(v[0] == '-' && isdigit((unsigned char)v[1])))
		end = (char *)v;	/* strtol would accept " 4" and "+4" */
	if (end == v || *end != '\0' || errno == ERANGE || x < min || x > max) {
		rl_error(c, n, "\"%s\" must be a whole number from %ld to %ld", what, min, max);
		return -1;
	}
	*out = x;
	return 0;
}

int
rl_duration(rl_ctx *c, const yaml_node_t *n, const char *what, int64_t *out)
{
	const char *v = n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";

	if (rl_parse_duration(v, out) < 0) {
		rl_error(c, n, "\"%s\" must be a duration like 5m, 2h, 3d", what);
		return -1;
	}
	return 0;
}

int
rl_enum(rl_ctx *c, const yaml_node_t *n, const char *what, const char *const *words)
{
	const char *v = n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
	size_t nwords = 0;
	char list[256];

	for (; words[nwords] != NULL; nwords++)
		if (strcmp(v, words[nwords]) == 0)
			return (int)nwords;
	rl_error(c, n, "\"%s\" must be one of: %s", what,
		 rl_join(list, sizeof list, words, nwords, sizeof *words));
	return -1;
}

char *
rl_strdup(rl_ctx *c, const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		c->oom = true;
	return d;
}

void *
rl_calloc(rl_ctx *c, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		c->oom = true;
	return p;
}

/* names: the first string pointer of n items, each `stride` bytes apart, so
 * the same helper lists keys, people ids and template names. */
const char *
rl_join(char *buf, size_t len, const char *const *names, size_t n, size_t stride)
{
	size_t used = 0;
	const char *base = (const char *)names;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const char *name = *(const char *const *)(const void *)(base + i * stride);
		int w;

		if (i == 12) {
			snprintf(buf + used, len - used, ", ...");
			break;
		}
		w = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", name ? name : "?");
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

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

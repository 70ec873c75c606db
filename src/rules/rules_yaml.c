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
	if (v[0] == '\0') {
		rl_error(c, n, "\"%s\" must not be empty", what);
		return NULL;
	}
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

	int rc = rl_parse_duration(v, out);

	if (rc == -2)
		rl_error(c, n, "\"%s\" is too long (at most 3650d)", what);
	else if (rc < 0)
		rl_error(c, n, "\"%s\" must be a duration like 5m, 2h, 3d", what);
	return rc < 0 ? -1 : 0;
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

yaml_node_t *
rl_map_get(rl_ctx *c, const yaml_node_t *n, const char *key)
{
	if (n == NULL || n->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = rl_node(c, p->key);

		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return rl_node(c, p->value);
	}
	return NULL;
}

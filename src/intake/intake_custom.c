/*
 * intake_custom.c - custom fields and the tally of what intake cut (see
 * intake_custom.h). Every string lives in the set's arena until
 * custom_free().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake_custom.h"

void
custom_init(custom_set *cs)
{
	memset(cs, 0, sizeof *cs);
}

void
custom_free(custom_set *cs)
{
	if (cs == NULL)
		return;
	for (size_t i = 0; i < cs->nowned; i++)
		free(cs->owned[i]);
	free(cs->owned);
	free(cs->v);
	free(cs->notes);
	memset(cs, 0, sizeof *cs);
}

/* Takes s (malloc'd) into the arena; NULL (s freed) when out of memory. */
static char *
keep(custom_set *cs, char *s)
{
	if (s == NULL) {
		cs->oom = true;
		return NULL;
	}
	if (cs->nowned == cs->owned_cap) {
		size_t cap = cs->owned_cap ? cs->owned_cap * 2 : 16;
		char **o = realloc(cs->owned, cap * sizeof *o);

		if (o == NULL) {
			free(s);
			cs->oom = true;
			return NULL;
		}
		cs->owned = o;
		cs->owned_cap = cap;
	}
	cs->owned[cs->nowned++] = s;
	return s;
}

void
custom_note(custom_set *cs, const char *fmt, ...)
{
	char buf[256];
	size_t add;
	char *n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	add = strlen(buf) + 2;
	if ((n = realloc(cs->notes, cs->notes_len + add + 1)) == NULL) {
		cs->oom = true;
		return;
	}
	cs->notes = n;
	cs->notes_len += (size_t)sprintf(n + cs->notes_len, "%s%s", cs->notes_len ? "; " : "",
					 buf);
}

/* len cut back to at most max bytes, never inside a UTF-8 sequence. */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/* A copy of s without NULs, cut to max; *cut says whether it was. */
static char *
copy_cut(const char *s, size_t len, size_t max, bool *cut, bool *had_nul)
{
	char *out = malloc(len + 1);
	size_t n = 0;

	*cut = *had_nul = false;
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\0')
			*had_nul = true;
		else
			out[n++] = s[i];
	}
	if (n > max) {
		n = utf8_cut(out, n, max);
		*cut = true;
	}
	out[n] = '\0';
	return out;
}

const char *
custom_text(custom_set *cs, const char *what, const char *s, size_t len, size_t max)
{
	bool cut, nul;
	char *c = keep(cs, copy_cut(s, len, max, &cut, &nul));

	if (c == NULL)
		return NULL;
	if (what != NULL && (cut || nul)) {
		char w[80];
		size_t wl = utf8_cut(what, strlen(what), 64);

		memcpy(w, what, wl);
		w[wl] = '\0';
		if (cut)
			custom_note(cs, "%s cut to %zu bytes (%zu given)", w, max, len);
		if (nul)
			custom_note(cs, "%s: NUL characters removed", w);
	}
	return c;
}

const char *
custom_json_text(custom_set *cs, const char *what, json_t *v, size_t max)
{
	const char *out;
	char *s;

	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return custom_text(cs, what, json_string_value(v), json_string_length(v), max);
	if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL) {
		cs->oom = true;
		return NULL;
	}
	out = custom_text(cs, what, s, strlen(s), max);
	free(s);
	return out;
}

/* Keeps name = value (value already in the arena). */
static int
add(custom_set *cs, const char *name, const char *value)
{
	bool cut, nul;
	char *n;

	if (cs->n >= CUSTOM_MAX) {
		cs->dropped++;
		return 0;
	}
	if ((n = keep(cs, copy_cut(name, strlen(name), CUSTOM_NAME_MAX, &cut, &nul))) == NULL)
		return -1;
	if (cut)
		cs->names_cut++;
	for (size_t i = 0; i < cs->n; i++)
		if (strcmp(cs->v[i].name, n) == 0) {
			/* two names the same once cut: the first is kept */
			cs->dropped++;
			return 0;
		}
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 16;
		lead_custom *v = realloc(cs->v, cap * sizeof *v);

		if (v == NULL) {
			cs->oom = true;
			return -1;
		}
		cs->v = v;
		cs->cap = cap;
	}
	cs->v[cs->n].name = n;
	cs->v[cs->n].value = value;
	cs->n++;
	return 0;
}

/* s (len bytes) as a kept value: cut to CUSTOM_VALUE_MAX, counted when it was. */
static const char *
value_str(custom_set *cs, const char *s, size_t len)
{
	if (len > CUSTOM_VALUE_MAX)
		cs->values_cut++;
	return custom_text(cs, NULL, s, len, CUSTOM_VALUE_MAX);
}

/* A JSON value as a kept value: a string as it is, anything else as JSON. */
static const char *
value_text(custom_set *cs, json_t *v)
{
	const char *t;
	char *s;

	if (json_is_string(v))
		return value_str(cs, json_string_value(v), json_string_length(v));
	if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL) {
		cs->oom = true;
		return NULL;
	}
	t = value_str(cs, s, strlen(s));
	free(s);
	return t;
}

/* name + "." + part into a new malloc'd string. */
static char *
join(const char *name, const char *part)
{
	size_t a = strlen(name), b = strlen(part);
	char *s = malloc(a + b + 2);

	if (s != NULL)
		sprintf(s, "%s%s%s", name, a ? "." : "", part);
	return s;
}

static int
flatten(custom_set *cs, const char *name, json_t *v, int depth)
{
	const char *k, *t;
	json_t *c;
	size_t i;
	int rc = 0;

	if (cs->n >= CUSTOM_MAX && (json_is_object(v) || json_is_array(v))) {
		/* past the cap: count what is not kept without walking it all */
		cs->dropped += json_is_object(v) ? json_object_size(v) : json_array_size(v);
		return 0;
	}
	if ((json_is_object(v) || json_is_array(v)) && depth >= CUSTOM_DEPTH) {
		if ((json_is_object(v) ? json_object_size(v) : json_array_size(v)) == 0)
			return 0;
		cs->deep++;
		return (t = value_text(cs, v)) == NULL ? -1 : add(cs, name, t);
	}
	if (json_is_object(v)) {
		json_object_foreach(v, k, c) {
			char *sub = join(name, k);

			if (sub == NULL) {
				cs->oom = true;
				return -1;
			}
			rc = flatten(cs, sub, c, depth + 1);
			free(sub);
			if (rc < 0)
				return -1;
		}
		return 0;
	}
	if (json_is_array(v)) {
		bool scalars = true;

		json_array_foreach(v, i, c)
			if (json_is_object(c) || json_is_array(c))
				scalars = false;
		if (scalars) {
			size_t len = 0, n = 0;
			char *joined = NULL;

			json_array_foreach(v, i, c) {
				char *s = json_is_string(c) ? strdup(json_string_value(c)) :
					  json_is_null(c) ? strdup("") :
					  json_dumps(c, JSON_COMPACT | JSON_ENCODE_ANY);
				char *nj;

				if (s == NULL || (nj = realloc(joined, len + strlen(s) + 3)) == NULL) {
					free(s);
					free(joined);
					cs->oom = true;
					return -1;
				}
				joined = nj;
				len += (size_t)sprintf(joined + len, "%s%s", n++ ? ", " : "", s);
				free(s);
			}
			if (len == 0) {
				free(joined);
				return 0;
			}
			t = value_str(cs, joined, len);
			free(joined);
			return t == NULL ? -1 : add(cs, name, t);
		}
		json_array_foreach(v, i, c) {
			char idx[24], *sub;

			snprintf(idx, sizeof idx, "%zu", i);
			if ((sub = join(name, idx)) == NULL) {
				cs->oom = true;
				return -1;
			}
			rc = flatten(cs, sub, c, depth + 1);
			free(sub);
			if (rc < 0)
				return -1;
		}
		return 0;
	}
	if (json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0))
		return 0;
	return (t = value_text(cs, v)) == NULL ? -1 : add(cs, name, t);
}

int
custom_add_json(custom_set *cs, const char *name, json_t *v)
{
	return flatten(cs, name, v, 0);
}

const char *
custom_summary(custom_set *cs)
{
	char buf[512];
	size_t n = 0;

	buf[0] = '\0';
#define ADD(...) \
	n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", n ? "; " : ""), \
	n += (size_t)snprintf(buf + n, sizeof buf - n, __VA_ARGS__), \
	n = n < sizeof buf ? n : sizeof buf - 1
	if (cs->notes_len > 0)
		ADD("%.*s", (int)utf8_cut(cs->notes, cs->notes_len, 300), cs->notes);
	if (cs->dropped > 0)
		ADD("%zu more field%s past the first %d (or with a repeated name) not kept",
		    cs->dropped, cs->dropped == 1 ? "" : "s", CUSTOM_MAX);
	if (cs->names_cut > 0)
		ADD("%zu field name%s cut to %d bytes", cs->names_cut,
		    cs->names_cut == 1 ? "" : "s", CUSTOM_NAME_MAX);
	if (cs->values_cut > 0)
		ADD("%zu value%s cut to %d bytes", cs->values_cut, cs->values_cut == 1 ? "" : "s",
		    CUSTOM_VALUE_MAX);
	if (cs->deep > 0)
		ADD("%zu value%s nested deeper than %d levels kept as JSON text", cs->deep,
		    cs->deep == 1 ? "" : "s", CUSTOM_DEPTH);
#undef ADD
	if (n == 0)
		return NULL;
	return keep(cs, strdup(buf));
}

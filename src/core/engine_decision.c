/*
 * engine_decision.c - the decision under construction: a growable list of
 * actions plus the strings they point to, freed together.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

void
engine_oom(void)
{
	abort();
}

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL)
		engine_oom();
	return q;
}

decision *
decision_new(void)
{
	decision *d = xrealloc(NULL, sizeof *d);

	memset(d, 0, sizeof *d);
	return d;
}

void
decision_free(decision *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->nstrs; i++)
		free(d->strs[i]);
	free(d->strs);
	free(d->items);
	free(d);
}

size_t
decision_count(const decision *d)
{
	return d->n;
}

const action *
decision_get(const decision *d, size_t i)
{
	return i < d->n ? &d->items[i] : NULL;
}

action *
engine_push(engine_ctx *c, action_kind kind)
{
	decision *d = c->d;
	action *a;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->items = xrealloc(d->items, d->cap * sizeof *d->items);
	}
	a = &d->items[d->n++];
	memset(a, 0, sizeof *a);
	a->kind = kind;
	a->task_ref = -1;
	a->amount_cents = -1;
	a->step = -1;
	a->level = -1;
	return a;
}

static const char *
keep(engine_ctx *c, char *s)
{
	decision *d = c->d;

	if (d->nstrs == d->capstrs) {
		d->capstrs = d->capstrs ? d->capstrs * 2 : 16;
		d->strs = xrealloc(d->strs, d->capstrs * sizeof *d->strs);
	}
	d->strs[d->nstrs++] = s;
	return s;
}

const char *
engine_str(engine_ctx *c, const char *s)
{
	size_t n;
	char *copy;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	copy = xrealloc(NULL, n);
	memcpy(copy, s, n);
	return keep(c, copy);
}

static const char *
vfmt(engine_ctx *c, const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		engine_oom();
	return keep(c, s);
}

const char *
engine_fmt(engine_ctx *c, const char *fmt, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, fmt);
	s = vfmt(c, fmt, ap);
	va_end(ap);
	return s;
}

void
engine_event(engine_ctx *c, const char *type, const char *fmt, ...)
{
	va_list ap;
	action *a;
	const char *text;

	va_start(ap, fmt);
	text = vfmt(c, fmt, ap);
	va_end(ap);
	a = engine_push(c, ACT_EVENT);
	a->name = type;
	a->text = text;
	a->at = c->now;
}

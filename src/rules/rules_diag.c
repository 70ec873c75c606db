/*
 * rules_diag.c - the loader's diagnostics: FILE:LINE:COL, error or warning,
 * and a message that says what was expected. Stores at most RL_MAX_DIAGS; the
 * rest are counted, so a hostile file cannot grow the list without bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

static void diag_vadd(rl_ctx *c, int line, int col, bool warning, bool force,
		      const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static void diag_force(rl_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
diag_vadd(rl_ctx *c, int line, int col, bool warning, bool force, const char *fmt,
	  va_list ap)
{
	rules_diags *d = c->diags;
	rules_diag *items, *it;
	char msg[1024];

	/* Errors are counted even when not stored: they decide the load's result. */
	if (!warning)
		d->nerrors++;
	if (d->n >= RL_MAX_DIAGS && !force) {
		c->dropped++;
		return;
	}
	vsnprintf(msg, sizeof msg, fmt, ap);
	items = realloc(d->items, (d->n + 1) * sizeof *items);
	if (items == NULL) {
		c->oom = true;
		return;
	}
	d->items = items;
	it = &items[d->n];
	it->file = strdup(c->file);
	it->message = strdup(msg);
	if (it->file == NULL || it->message == NULL) {
		free(it->file);
		free(it->message);
		c->oom = true;
		return;
	}
	it->line = line;
	it->col = col;
	it->warning = warning;
	d->n++;
}

void
rl_diag_at(rl_ctx *c, int line, int col, bool warning, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(c, line, col, warning, false, fmt, ap);
	va_end(ap);
}

void
rl_error(rl_ctx *c, const yaml_node_t *at, const char *fmt, ...)
{
	va_list ap;
	int line = at ? (int)at->start_mark.line + 1 : 1;
	int col = at ? (int)at->start_mark.column + 1 : 1;

	va_start(ap, fmt);
	diag_vadd(c, line, col, false, false, fmt, ap);
	va_end(ap);
}

void
rl_warn(rl_ctx *c, const yaml_node_t *at, const char *fmt, ...)
{
	va_list ap;
	int line = at ? (int)at->start_mark.line + 1 : 1;
	int col = at ? (int)at->start_mark.column + 1 : 1;

	va_start(ap, fmt);
	diag_vadd(c, line, col, true, false, fmt, ap);
	va_end(ap);
}

bool
rl_diag_room(const rl_ctx *c)
{
	return c->diags->n < RL_MAX_DIAGS;
}

static void
diag_force(rl_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(c, 0, 0, true, true, fmt, ap);
	va_end(ap);
}

/* Sections are read in dependency order, not file order; the reader wants
 * file order. Problems with the file as a whole (line 0) go last. */
static bool
diag_before(const rules_diag *a, const rules_diag *b)
{
	unsigned la = (unsigned)a->line - 1, lb = (unsigned)b->line - 1;	/* 0 wraps to last */

	return la < lb || (la == lb && a->col < b->col);
}

void
rl_diag_finish(rl_ctx *c)
{
	rules_diags *d = c->diags;

	/* Insertion sort: stable, and the list is capped at RL_MAX_DIAGS. */
	for (size_t i = 1; i < d->n; i++) {
		rules_diag x = d->items[i];
		size_t j = i;

		for (; j > 0 && diag_before(&x, &d->items[j - 1]); j--)
			d->items[j] = d->items[j - 1];
		d->items[j] = x;
	}
	/* Past the cap on purpose: the reader must learn the list is cut short. */
	if (c->dropped > 0)
		diag_force(c, "%zu more problems not shown", c->dropped);
	c->dropped = 0;
}

void
rules_diags_free(rules_diags *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].file);
		free(d->items[i].message);
	}
	free(d->items);
	d->items = NULL;
	d->n = 0;
	d->nerrors = 0;
}

void
rules_diags_print(const rules_diags *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const rules_diag *it = &d->items[i];
		const char *kind = it->warning ? "warning" : "error";

		/* Line 0: a problem with the file as a whole (unreadable, too large). */
		if (it->line > 0)
			fprintf(out, "%s:%d:%d: %s: %s\n", it->file, it->line, it->col, kind,
				it->message);
		else
			fprintf(out, "%s: %s: %s\n", it->file, kind, it->message);
	}
}

void
rules_diags_add(rules_diags *d, const char *file, int line, int col, bool warning,
		const char *fmt, ...)
{
	rl_ctx c;
	va_list ap;

	memset(&c, 0, sizeof c);
	c.file = file;
	c.diags = d;
	va_start(ap, fmt);
	diag_vadd(&c, line, col, warning, false, fmt, ap);
	va_end(ap);
}

/*
 * rules_live.c - the rules a running server follows: an atomic pointer to the
 * current version, and every version loaded kept until exit (see
 * rules_live.h for why).
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "rules_live.h"

struct rules_live {
	_Atomic(const rules *) cur;
	rules **all;		/* every version loaded; the writer's alone */
	size_t n, cap;
};

rules_live *
rules_live_new(rules *r)
{
	rules_live *l = calloc(1, sizeof *l);

	if (l == NULL || (l->all = calloc(4, sizeof *l->all)) == NULL) {
		free(l);
		rules_free(r);
		return NULL;
	}
	l->cap = 4;
	l->all[l->n++] = r;
	atomic_init(&l->cur, r);
	return l;
}

const rules *
rules_live_get(const rules_live *l)
{
	return l == NULL ? NULL : atomic_load_explicit(&((rules_live *)l)->cur,
						       memory_order_acquire);
}

int
rules_live_set(rules_live *l, rules *r)
{
	if (l->n == l->cap) {
		rules **g = realloc(l->all, 2 * l->cap * sizeof *g);

		if (g == NULL) {
			rules_free(r);
			return -1;
		}
		l->all = g;
		l->cap *= 2;
	}
	l->all[l->n++] = r;
	/* Release: a reader that sees r sees it whole. */
	atomic_store_explicit(&l->cur, r, memory_order_release);
	return 0;
}

size_t
rules_live_count(const rules_live *l)
{
	return l == NULL ? 0 : l->n;
}

void
rules_live_free(rules_live *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		rules_free(l->all[i]);
	free(l->all);
	free(l);
}

/*
 * report_speed.c - speed to lead, split three ways: arrival -> the
 * automated acknowledgment, -> a person's first attempt, -> the first time
 * a person reached the lead; each overall and per group, in wall-clock and
 * in business time (bizclock: open hours only). Automated messages never
 * count as a person's act.
 */
#include <stdlib.h>
#include <string.h>

#include "core/bizclock.h"
#include "report_internal.h"

static const int64_t within[] = { 5 * 60, 15 * 60, 3600, 86400 };
static const char *const within_names[] = { "5m", "15m", "1h", "24h" };

static json_t *
figures(const int64_t *v, size_t n, size_t leads)
{
	json_t *o = json_object(), *share = json_object();

	json_object_set_new(o, "count", json_integer((json_int_t)n));
	json_object_set_new(o, "median_s", n ? json_integer(report_pctl(v, n, 50)) : json_null());
	json_object_set_new(o, "p90_s", n ? json_integer(report_pctl(v, n, 90)) : json_null());
	json_object_set_new(o, "max_s", n ? json_integer(v[n - 1]) : json_null());
	for (size_t w = 0; w < sizeof within / sizeof within[0]; w++) {
		size_t k = 0;

		while (k < n && v[k] <= within[w])
			k++;
		json_object_set_new(share, within_names[w],
				    json_real(leads ? (double)k / (double)leads : 0));
	}
	json_object_set_new(share, "never",
			    json_real(leads ? (double)(leads - n) / (double)leads : 0));
	json_object_set_new(o, "share", share);
	return o;
}

static json_t *
waits_json(size_t leads, int64_t *wall, int64_t *biz, size_t n)
{
	json_t *o = json_object();

	qsort(wall, n, sizeof *wall, report_cmp_i64);
	qsort(biz, n, sizeof *biz, report_cmp_i64);
	json_object_set_new(o, "leads", json_integer((json_int_t)leads));
	json_object_set_new(o, "wall", figures(wall, n, leads));
	json_object_set_new(o, "business", figures(biz, n, leads));
	return o;
}

static int64_t
measure_at(const report_lead *l, int m)
{
	return m == 0 ? l->ack_at : m == 1 ? l->attempt_at : l->contact_at;
}

/* One lead of the period for one measure. */
typedef struct {
	int group;
	bool got;
	int64_t wall, biz;
} wait;

static int
cmp_group(const void *a, const void *b)
{
	const wait *x = a, *y = b;

	return (x->group > y->group) - (x->group < y->group);
}

/* Figures of w[n] (all of one group, or every lead). */
static json_t *
slice_json(const wait *w, size_t n, int64_t *wall, int64_t *biz)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (w[i].got) {
			wall[k] = w[i].wall;
			biz[k] = w[i].biz;
			k++;
		}
	return waits_json(n, wall, biz, k);
}

void
report_speed(const report_data *d, json_t *doc)
{
	static const char *const names[] = { "acknowledged", "attempted", "reached" };
	json_t *speed = json_object();
	report_groups gs;
	size_t cap = 0;
	wait *w;
	int64_t *wall, *biz;

	for (size_t i = 0; i < d->n; i++)
		cap += report_in_period(d, &d->leads[i]);
	w = calloc(cap + 1, sizeof *w);
	wall = calloc(cap + 1, sizeof *wall);
	biz = calloc(cap + 1, sizeof *biz);
	if (w == NULL || wall == NULL || biz == NULL)
		abort();
	report_groups_init(&gs);
	for (int m = 0; m < 3; m++) {
		json_t *o = json_object(), *by = json_object();
		size_t n = 0;

		for (size_t i = 0; i < d->n; i++) {
			const report_lead *l = &d->leads[i];
			int64_t at = measure_at(l, m);

			if (!report_in_period(d, l))
				continue;
			w[n] = (wait){ .group = report_groups_of(&gs, d, l), .got = at > 0 &&
				       at >= l->created_at };
			if (w[n].got) {
				w[n].wall = at - l->created_at;
				w[n].biz = bizclock_open_seconds(&d->r->business, l->created_at, at);
			}
			n++;
		}
		json_object_set_new(o, "all", slice_json(w, n, wall, biz));
		if (d->o.by != REPORT_BY_NONE) {
			qsort(w, n, sizeof *w, cmp_group);
			for (size_t i = 0, j; i < n; i = j) {
				for (j = i; j < n && w[j].group == w[i].group; j++)
					;
				json_object_set_new(by, gs.names[w[i].group],
						    slice_json(w + i, j - i, wall, biz));
			}
		}
		json_object_set_new(o, "by", by);
		json_object_set_new(speed, names[m], o);
	}
	report_groups_free(&gs);
	free(w);
	free(wall);
	free(biz);
	json_object_set_new(doc, "speed_to_lead", speed);
}

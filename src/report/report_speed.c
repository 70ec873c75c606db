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
figures(int64_t *v, size_t n, size_t leads)
{
	json_t *o = json_object(), *share = json_object();
	size_t in[sizeof within / sizeof within[0]] = { 0 };
	int64_t max = 0;

	for (size_t i = 0; i < n; i++) {
		max = v[i] > max ? v[i] : max;
		for (size_t w = 0; w < sizeof within / sizeof within[0]; w++)
			in[w] += v[i] <= within[w];
	}
	json_object_set_new(o, "count", json_integer((json_int_t)n));
	json_object_set_new(o, "median_s", n ? json_integer(report_pctl(v, n, 50)) : json_null());
	json_object_set_new(o, "p90_s", n ? json_integer(report_pctl(v, n, 90)) : json_null());
	json_object_set_new(o, "max_s", n ? json_integer(max) : json_null());
	for (size_t w = 0; w < sizeof within / sizeof within[0]; w++)
		json_object_set_new(share, within_names[w],
				    json_real(leads ? (double)in[w] / (double)leads : 0));
	json_object_set_new(share, "never",
			    json_real(leads ? (double)(leads - n) / (double)leads : 0));
	json_object_set_new(o, "share", share);
	return o;
}

static json_t *
waits_json(size_t leads, int64_t *wall, int64_t *biz, size_t n)
{
	json_t *o = json_object();

	json_object_set_new(o, "leads", json_integer((json_int_t)leads));
	json_object_set_new(o, "wall", figures(wall, n, leads));
	json_object_set_new(o, "business", figures(biz, n, leads));
	return o;
}

/* Open time over the report's range, asked millions of times: the open
 * intervals once (bizclock), then a binary search and a prefix sum. */
typedef struct {
	int64_t (*iv)[2];
	int64_t *before;	/* open seconds before iv[i] */
	int n;
	const rules_business *b;	/* when the range did not fit: ask bizclock */
} open_clock;

static void
open_clock_init(open_clock *c, const rules_business *b, int64_t from, int64_t to)
{
	int64_t days = (to - from) / 86400 + 3;
	int max = (int)(days * RULES_MAX_SPANS_PER_DAY);

	memset(c, 0, sizeof *c);
	c->b = b;
	if (days > 4000 || (c->iv = malloc((size_t)max * sizeof *c->iv)) == NULL ||
	    (c->before = malloc((size_t)max * sizeof *c->before)) == NULL ||
	    (c->n = bizclock_open_intervals(b, from, to, c->iv, max)) < 0) {
		c->n = -1;	/* bizclock_open_seconds each time */
		return;
	}
	for (int64_t i = 0, sum = 0; i < c->n; i++) {
		c->before[i] = sum;
		sum += c->iv[i][1] - c->iv[i][0];
	}
}

/* Open seconds from the start of the range to t. */
static int64_t
open_clock_at(const open_clock *c, int64_t t)
{
	int lo = 0, hi = c->n;

	while (lo < hi) {	/* the first interval starting after t */
		int mid = lo + (hi - lo) / 2;

		if (c->iv[mid][0] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	lo--;
	return c->before[lo] + (t < c->iv[lo][1] ? t - c->iv[lo][0] : c->iv[lo][1] - c->iv[lo][0]);
}

static int64_t
open_between(const open_clock *c, int64_t from, int64_t to)
{
	if (c->n < 0)
		return bizclock_open_seconds(c->b, from, to);
	return to > from ? open_clock_at(c, to) - open_clock_at(c, from) : 0;
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
	open_clock clock;
	size_t cap = 0;
	wait *w;
	int64_t *wall, *biz, first = d->o.now;

	for (size_t i = 0; i < d->n; i++)
		if (report_in_period(d, &d->leads[i])) {
			cap++;
			if (d->leads[i].created_at < first)
				first = d->leads[i].created_at;
		}
	open_clock_init(&clock, &d->r->business, first, d->o.now + 1);
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
				w[n].biz = open_between(&clock, l->created_at, at);
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
	free(clock.iv);
	free(clock.before);
	free(w);
	free(wall);
	free(biz);
	json_object_set_new(doc, "speed_to_lead", speed);
}

/*
 * report_attention.c - the leads that need someone now: unworked (active,
 * nobody has acted on them yet), stale (active, no activity for
 * report_stale_after(), or in their stage three times longer than the
 * median of the active leads in that stage), and what they are worth by the
 * rules' average job value and close rate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define STAGE_MIN_PEERS 3	/* a stage's median means something from this many leads */

typedef struct {
	const char *stage;
	int64_t *stints;
	size_t n, cap;
	int64_t median;
} stage_stints;

static int
cmp_oldest(const void *a, const void *b)
{
	const report_lead *x = *(report_lead *const *)a, *y = *(report_lead *const *)b;

	return (x->created_at > y->created_at) - (x->created_at < y->created_at);
}

/* The median time active leads have been in each stage, into st[] (*n). */
static stage_stints *
stage_medians(const report_data *d, size_t *n)
{
	stage_stints *st = NULL;
	size_t k = 0;

	for (size_t i = 0; i < d->n; i++) {
		const report_lead *l = &d->leads[i];
		size_t j;

		if (!report_active(l) || l->stage == NULL)
			continue;
		for (j = 0; j < k && st[j].stage != l->stage; j++)
			;
		if (j == k) {
			if ((st = realloc(st, (k + 1) * sizeof *st)) == NULL)
				abort();
			memset(&st[k], 0, sizeof st[k]);
			st[k++].stage = l->stage;
		}
		if (st[j].n == st[j].cap) {
			st[j].cap = st[j].cap ? st[j].cap * 2 : 64;
			if ((st[j].stints = realloc(st[j].stints, st[j].cap * sizeof(int64_t))) == NULL)
				abort();
		}
		st[j].stints[st[j].n++] = d->o.now - l->stage_at;
	}
	for (size_t j = 0; j < k; j++) {
		qsort(st[j].stints, st[j].n, sizeof(int64_t), report_cmp_i64);
		st[j].median = st[j].n >= STAGE_MIN_PEERS ? report_pctl(st[j].stints, st[j].n, 50) : 0;
	}
	*n = k;
	return st;
}

static void
list_add(json_t *list, size_t max, json_t *item)
{
	if (json_array_size(list) < max)
		json_array_append_new(list, item);
	else
		json_decref(item);
}

void
report_attention(const report_data *d, json_t *doc)
{
	int64_t stale_after = report_stale_after(d->r), now = d->o.now;
	size_t nst = 0, nact = 0, nunworked = 0, nstale = 0, nmissed = 0;
	stage_stints *st = stage_medians(d, &nst);
	report_lead **act = malloc((d->n + 1) * sizeof *act);
	json_t *unworked = json_array(), *stale = json_array(), *cost = json_object(), *o;

	if (act == NULL)
		abort();
	for (size_t i = 0; i < d->n; i++)
		if (report_active(&d->leads[i]))
			act[nact++] = &d->leads[i];
	qsort(act, nact, sizeof *act, cmp_oldest);
	for (size_t i = 0; i < nact; i++) {
		const report_lead *l = act[i];
		bool is_unworked = l->first_human_at == 0, is_stale = false;
		char why[160] = "";
		json_t *j;

		if (is_unworked) {
			nunworked++;
			j = report_lead_json(l);
			json_object_set_new(j, "age_s", json_integer(now - l->created_at));
			list_add(unworked, report_list_max(d), j);
		}
		if (now - l->activity_at > stale_after) {
			is_stale = true;
			snprintf(why, sizeof why, "no activity for %lld d (threshold %lld d)",
				 (long long)((now - l->activity_at) / 86400),
				 (long long)(stale_after / 86400));
		} else {
			for (size_t k = 0; k < nst; k++)
				if (st[k].stage == l->stage && st[k].median > 0 &&
				    now - l->stage_at > 3 * st[k].median) {
					is_stale = true;
					snprintf(why, sizeof why, "in stage %s for %lld h, 3x its median "
						 "is %lld h", l->stage,
						 (long long)((now - l->stage_at) / 3600),
						 (long long)(3 * st[k].median / 3600));
				}
		}
		if (is_stale) {
			nstale++;
			j = report_lead_json(l);
			json_object_set_new(j, "idle_s", json_integer(now - l->activity_at));
			json_object_set_new(j, "why", json_string(why));
			list_add(stale, report_list_max(d), j);
		}
		nmissed += is_unworked || is_stale;
	}
	o = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)nunworked));
	json_object_set_new(o, "leads", unworked);
	json_object_set_new(doc, "unworked", o);
	o = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)nstale));
	json_object_set_new(o, "threshold_s", json_integer(stale_after));
	json_object_set_new(o, "leads", stale);
	json_object_set_new(doc, "stale", o);
	json_object_set_new(cost, "leads", json_integer((json_int_t)nmissed));
	if (d->r->job_value_cents > 0 && d->r->close_rate_pct > 0) {
		json_object_set_new(cost, "average_job_value_cents",
				    json_integer(d->r->job_value_cents));
		json_object_set_new(cost, "close_rate_percent", json_integer(d->r->close_rate_pct));
		json_object_set_new(cost, "value_cents",
				    json_integer((json_int_t)nmissed * d->r->job_value_cents *
						 d->r->close_rate_pct / 100));
	} else {
		json_object_set_new(cost, "value_cents", json_null());
		json_object_set_new(cost, "note", json_string("set reports.average_job_value and "
							      "reports.close_rate_percent in the "
							      "rules"));
	}
	json_object_set_new(doc, "missed_lead_cost", cost);
	for (size_t k = 0; k < nst; k++)
		free(st[k].stints);
	free(st);
	free(act);
}

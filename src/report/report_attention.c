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
		st[j].median = st[j].n >= STAGE_MIN_PEERS ? report_pctl(st[j].stints, st[j].n, 50) : 0;
	}
	*n = k;
	return st;
}

/* What a list shows of each lead beyond report_lead_json(). */
typedef struct {
	const report_data *d;
	const stage_stints *st;
	size_t nst;
} attention_ctx;

/* Whether l is stale, and why into buf (when not NULL). */
static bool
stale_why(const attention_ctx *c, const report_lead *l, char *buf, size_t len)
{
	int64_t stale_after = report_stale_after(c->d->r, l->stage), now = c->d->o.now;

	if (stale_after > 0 && now - l->activity_at > stale_after) {
		if (buf != NULL)
			snprintf(buf, len, "no activity for %lld d %lld h (%s: stale after %lld d)",
				 (long long)((now - l->activity_at) / 86400),
				 (long long)((now - l->activity_at) % 86400 / 3600), l->stage,
				 (long long)(stale_after / 86400));
		return true;
	}
	for (size_t k = 0; k < c->nst; k++)
		if (c->st[k].stage == l->stage && c->st[k].median > 0 &&
		    now - l->stage_at > 3 * c->st[k].median) {
			if (buf != NULL)
				snprintf(buf, len, "in stage %s for %lld h, 3x its median is "
					 "%lld h", l->stage, (long long)((now - l->stage_at) / 3600),
					 (long long)(3 * c->st[k].median / 3600));
			return true;
		}
	return false;
}

/* The oldest of the n leads in v (by arrival), at most the list cap, as a
 * JSON list; stale ones say why. Sorts v. */
static json_t *
oldest(const attention_ctx *c, const report_lead **v, size_t n, bool stale)
{
	json_t *list = json_array();

	qsort(v, n, sizeof *v, cmp_oldest);
	for (size_t i = 0; i < n && i < report_list_max(c->d); i++) {
		json_t *j = report_lead_json(v[i]);
		char why[160];

		if (stale && stale_why(c, v[i], why, sizeof why)) {
			json_object_set_new(j, "idle_s", json_integer(c->d->o.now - v[i]->activity_at));
			json_object_set_new(j, "why", json_string(why));
		} else {
			json_object_set_new(j, "age_s", json_integer(c->d->o.now - v[i]->created_at));
		}
		json_array_append_new(list, j);
	}
	return list;
}

void
report_attention(const report_data *d, json_t *doc)
{
	attention_ctx c = { .d = d };
	size_t nunworked = 0, nstale = 0, nmissed = 0;
	const report_lead **unworked = malloc((d->n + 1) * sizeof *unworked);
	const report_lead **stale = malloc((d->n + 1) * sizeof *stale);
	json_t *cost = json_object(), *o;

	if (unworked == NULL || stale == NULL)
		abort();
	c.st = stage_medians(d, &c.nst);
	for (size_t i = 0; i < d->n; i++) {
		const report_lead *l = &d->leads[i];
		bool is_unworked, is_stale;

		if (!report_active(l))
			continue;
		is_unworked = l->first_human_at == 0;
		is_stale = stale_why(&c, l, NULL, 0);
		if (is_unworked)
			unworked[nunworked++] = l;
		if (is_stale)
			stale[nstale++] = l;
		nmissed += is_unworked || is_stale;
	}
	o = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)nunworked));
	json_object_set_new(o, "leads", oldest(&c, unworked, nunworked, false));
	json_object_set_new(doc, "unworked", o);
	o = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)nstale));
	json_object_set_new(o, "leads", oldest(&c, stale, nstale, true));
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
	for (size_t k = 0; k < c.nst; k++)
		free(c.st[k].stints);
	free((void *)c.st);
	free(unworked);
	free(stale);
}

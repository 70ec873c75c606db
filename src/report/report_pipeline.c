/*
 * report_pipeline.c - where the period's leads went (won, lost with each
 * reason, still open, time to win, value won), per source and per kind;
 * and stage accuracy: active leads whose stage says something their
 * timeline contradicts, each listed with the contradiction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define REPLY_UNANSWERED (3 * 86400)	/* a reply this old with no answer since */

static bool
is(const char *s, const char *want)
{
	return s != NULL && strcmp(s, want) == 0;
}

/* One group's tally. Lost reasons and groups are interned words: compared
 * by address. */
typedef struct {
	const char *name;
	long leads, won, lost, open, other;
	int64_t value;
	int64_t *wins;
	size_t nwins, wincap;
	struct {
		const char *reason;
		long n;
	} reasons[32];
	size_t nreasons;
	long reasons_other;	/* beyond 32 distinct reasons */
} tally;

typedef struct {
	tally *t;
	size_t n, cap;
} tallies;

static tally *
tally_for(tallies *ts, const char *name)
{
	for (size_t i = 0; i < ts->n; i++)
		if (ts->t[i].name == name)
			return &ts->t[i];
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 16;
		if ((ts->t = realloc(ts->t, ts->cap * sizeof *ts->t)) == NULL)
			abort();
	}
	memset(&ts->t[ts->n], 0, sizeof ts->t[ts->n]);
	ts->t[ts->n].name = name;
	return &ts->t[ts->n++];
}

static void
count(tally *t, const report_lead *l)
{
	t->leads++;
	if (l->status_code == 'w') {
		t->won++;
		t->value += l->has_quote ? l->quote_cents : 0;
		if (l->won_at >= l->created_at && l->won_at > 0) {
			if (t->nwins == t->wincap) {
				t->wincap = t->wincap ? t->wincap * 2 : 64;
				if ((t->wins = realloc(t->wins, t->wincap * sizeof *t->wins)) == NULL)
					abort();
			}
			t->wins[t->nwins++] = l->won_at - l->created_at;
		}
	} else if (l->status_code == 'l') {
		size_t i;

		t->lost++;
		for (i = 0; i < t->nreasons && t->reasons[i].reason != l->lost_reason; i++)
			;
		if (i == t->nreasons && i < sizeof t->reasons / sizeof t->reasons[0]) {
			t->reasons[i].reason = l->lost_reason;
			t->nreasons++;
		}
		if (i < t->nreasons)
			t->reasons[i].n++;
		else
			t->reasons_other++;
	} else if (l->status_code == 'o') {
		t->open++;
	} else {
		t->other++;	/* archived, nurture */
	}
}

static json_t *
tally_json(tally *t)
{
	json_t *o = json_object(), *reasons = json_object();

	json_object_set_new(o, "leads", json_integer(t->leads));
	json_object_set_new(o, "won", json_integer(t->won));
	json_object_set_new(o, "lost", json_integer(t->lost));
	json_object_set_new(o, "open", json_integer(t->open));
	json_object_set_new(o, "other", json_integer(t->other));
	json_object_set_new(o, "value_won_cents", json_integer(t->value));
	json_object_set_new(o, "median_time_to_win_s", t->nwins ?
			    json_integer(report_pctl(t->wins, t->nwins, 50)) : json_null());
	json_object_set_new(o, "win_rate", t->leads ? json_real((double)t->won / (double)t->leads) :
			    json_null());
	for (size_t i = 0; i < t->nreasons; i++)
		json_object_set_new(reasons, t->reasons[i].reason ? t->reasons[i].reason : "(none)",
				    json_integer(t->reasons[i].n));
	if (t->reasons_other)
		json_object_set_new(reasons, "(other)", json_integer(t->reasons_other));
	json_object_set_new(o, "lost_reasons", reasons);
	free(t->wins);
	return o;
}

static json_t *
tallies_json(tallies *ts)
{
	json_t *o = json_object();

	for (size_t i = 0; i < ts->n; i++)
		json_object_set_new(o, ts->t[i].name ? ts->t[i].name : "(none)",
				    tally_json(&ts->t[i]));
	free(ts->t);
	return o;
}

void
report_conversion(const report_data *d, json_t *doc)
{
	json_t *o = json_object();
	tallies all = { 0 }, src = { 0 }, kind = { 0 };

	tally_for(&all, "all");
	for (size_t i = 0; i < d->n; i++) {
		const report_lead *l = &d->leads[i];

		if (!report_in_period(d, l))
			continue;
		count(&all.t[0], l);
		count(tally_for(&src, l->source), l);
		count(tally_for(&kind, l->kind), l);
	}
	json_object_set_new(o, "all", tally_json(&all.t[0]));
	free(all.t);
	json_object_set_new(o, "by_source", tallies_json(&src));
	json_object_set_new(o, "by_kind", tallies_json(&kind));
	json_object_set_new(doc, "conversion", o);
}

/* The contradiction between l's stage and its timeline, or NULL. */
static const char *
contradiction(const report_data *d, const report_lead *l, char *buf, size_t len)
{
	const rules_stage *st = l->stage ? rules_stage_find(d->r, l->stage) : NULL;
	bool first = d->r->nstages > 0 && is(l->stage, d->r->stages[0].name);

	if (first && l->first_human_at > 0) {
		snprintf(buf, len, "stage %s, but a person acted on it (%s)", l->stage,
			 l->first_human_type);
		return buf;
	}
	if (st != NULL && st->requires_amount && !l->has_quote) {
		snprintf(buf, len, "stage %s, but no quote amount on the timeline", l->stage);
		return buf;
	}
	if (!first && st != NULL && !st->closed && l->contact_at == 0 &&
	    (is(l->stage, "contacted") || is(l->stage, "scheduled") || is(l->stage, "quoted"))) {
		snprintf(buf, len, "stage %s, but nobody has reached the lead", l->stage);
		return buf;
	}
	if (l->inbound_at > 0 && l->inbound_at > l->human_at &&
	    d->o.now - l->inbound_at > REPLY_UNANSWERED) {
		snprintf(buf, len, "stage %s waits on the lead, but the lead replied %lld d ago "
			 "and nobody answered", l->stage ? l->stage : "(none)",
			 (long long)((d->o.now - l->inbound_at) / 86400));
		return buf;
	}
	return NULL;
}

void
report_accuracy(const report_data *d, json_t *doc)
{
	json_t *o = json_object(), *list = json_array();
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++) {
		const report_lead *l = &d->leads[i];
		char buf[200];
		const char *why;
		json_t *j;

		if (!report_active(l) || (why = contradiction(d, l, buf, sizeof buf)) == NULL)
			continue;
		n++;
		if (json_array_size(list) >= report_list_max(d))
			continue;
		j = report_lead_json(l);
		json_object_set_new(j, "contradiction", json_string(why));
		json_array_append_new(list, j);
	}
	json_object_set_new(o, "count", json_integer((json_int_t)n));
	json_object_set_new(o, "leads", list);
	json_object_set_new(doc, "stage_accuracy", o);
}

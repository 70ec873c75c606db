/*
 * report.c - the report's entry points: load the records, run each section,
 * and the helpers the sections share (groups, percentiles, lists).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/tz.h"
#include "report_internal.h"


static const char *const by_names[] = { "none", "source", "owner", "kind", "hour" };

int
report_by_parse(const char *word, report_by *out)
{
	for (size_t i = 0; i < sizeof by_names / sizeof by_names[0]; i++)
		if (word != NULL && strcmp(word, by_names[i]) == 0) {
			*out = (report_by)i;
			return 0;
		}
	return -1;
}

const char *
report_by_name(report_by by)
{
	return (size_t)by < sizeof by_names / sizeof by_names[0] ? by_names[by] : "none";
}

int64_t
report_stale_after(const rules *r, const char *stage)
{
	const rules_stage *st = stage != NULL ? rules_stage_find(r, stage) : NULL;

	return st != NULL && !st->closed ? st->stale_after : 0;
}

const char *
report_group(const report_data *d, const report_lead *l, char *buf, size_t len)
{
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	const char *v = NULL;

	switch (d->o.by) {
	case REPORT_BY_NONE:
		return "all";
	case REPORT_BY_SOURCE:
		v = l->source;
		break;
	case REPORT_BY_OWNER:
		v = l->owner;
		break;
	case REPORT_BY_KIND:
		v = l->kind;
		break;
	case REPORT_BY_HOUR: {
		tz_local lt;

		tz_to_local(d->r->business.zone, l->created_at, &lt);
		snprintf(buf, len, "%s %02d", wday[lt.wday % 7], lt.hour);
		return buf;
	}
	}
	return v ? v : "(none)";
}

void
report_groups_init(report_groups *g)
{
	memset(g, 0, sizeof *g);
	g->last = -1;
}

int
report_groups_of(report_groups *g, const report_data *d, const report_lead *l)
{
	char buf[16];
	const char *name = report_group(d, l, buf, sizeof buf);
	bool interned = name != buf;

	/* interned words (sources, owners, kinds) compare by address */
	if (interned && name == g->last_key && g->last >= 0)
		return g->last;
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->names[i], name) == 0) {
			g->last_key = interned ? name : NULL;
			return g->last = (int)i;
		}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		char **p = realloc(g->names, cap * sizeof *p);

		if (p == NULL)
			abort();
		g->names = p;
		g->cap = cap;
	}
	if ((g->names[g->n] = strdup(name)) == NULL)
		abort();
	g->last_key = interned ? name : NULL;
	return g->last = (int)g->n++;
}

void
report_groups_free(report_groups *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->names[i]);
	free(g->names);
	memset(g, 0, sizeof *g);
}

int64_t
report_pctl(int64_t *v, size_t n, int p)
{
	int64_t k, lo = 0, hi = (int64_t)n - 1;
	size_t rank;

	if (n == 0)
		return 0;
	/* nearest rank: the smallest value with at least p% at or below it */
	rank = ((size_t)p * n + 99) / 100;
	k = rank == 0 ? 0 : (int64_t)rank - 1;
	/* Wirth's selection: O(n) on average, v reordered around v[k]. */
	while (lo < hi) {
		int64_t x = v[k], i = lo, j = hi, t;

		do {
			while (v[i] < x)
				i++;
			while (x < v[j])
				j--;
			if (i <= j) {
				t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < k)
			lo = i;
		if (k < i)
			hi = j;
	}
	return v[k];
}

size_t
report_list_max(const report_data *d)
{
	return d->o.list_max > 0 ? (size_t)d->o.list_max : 50;
}

void
report_iso(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *
report_lead_json(const report_lead *l)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(l->id));
	json_object_set_new(o, "name", l->name ? json_string(l->name) : json_null());
	json_object_set_new(o, "owner", l->owner ? json_string(l->owner) : json_null());
	json_object_set_new(o, "stage", l->stage ? json_string(l->stage) : json_null());
	return o;
}

static json_t *
header(const report_data *d, const char *what)
{
	json_t *doc = json_object();
	char buf[32];

	json_object_set_new(doc, "report", json_string(what));
	report_iso(d->o.now, buf, sizeof buf);
	json_object_set_new(doc, "now", json_string(buf));
	if (strcmp(what, "pipeline") == 0) {
		report_iso(d->o.from, buf, sizeof buf);
		json_object_set_new(doc, "from", json_string(buf));
		report_iso(d->o.to, buf, sizeof buf);
		json_object_set_new(doc, "to", json_string(buf));
		json_object_set_new(doc, "by", json_string(report_by_name(d->o.by)));
	}
	return doc;
}

json_t *
report_build(store *s, int64_t business_id, const rules *r, const report_options *o,
	     char *err, size_t errlen)
{
	report_data d;
	json_t *doc;

	if (report_data_load(&d, s, business_id, r, o, err, errlen) < 0)
		return NULL;
	doc = header(&d, "pipeline");
	report_speed(&d, doc);
	report_people(&d, doc);
	report_attention(&d, doc);
	report_conversion(&d, doc);
	report_accuracy(&d, doc);
	report_card(&d, doc);
	report_data_free(&d);
	return doc;
}

json_t *
report_scorecard(store *s, int64_t business_id, const rules *r, const report_options *o,
		 char *err, size_t errlen)
{
	report_data d;
	json_t *doc;

	if (report_data_load(&d, s, business_id, r, o, err, errlen) < 0)
		return NULL;
	doc = header(&d, "scorecard");
	report_card(&d, doc);
	report_data_free(&d);
	return doc;
}

/*
 * report_digest.c - the weekly digest's time and text (report_digest.h):
 * the report of the seven days before the slot (report_build: the same
 * figures as `leadkeep report` and the Reports page, defined in
 * docs/reports.md), read back into five numbers and two short lists.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "report.h"
#include "report_digest.h"

static const char *const wday_names[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const month_names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
					   "Aug", "Sep", "Oct", "Nov", "Dec" };

/* The digest time on the local day `days` (since 1970-01-01), UTC. */
static int64_t
at_day(const rules *r, int64_t days, int *y, int *m, int *d)
{
	int64_t t;

	tz_civil_from_days(days, y, m, d);
	tz_from_local(r->business.zone, *y, *m, *d, r->digest.at_min / 60, r->digest.at_min % 60,
		      &t);
	return t;
}

int
report_digest_slot(const rules *r, int64_t now, int64_t *slot, char *week, size_t len)
{
	tz_local lt;
	int64_t days;
	int y, m, d;

	if (!r->digest.on)
		return -1;
	tz_to_local(r->business.zone, now, &lt);
	days = tz_days_from_civil(lt.year, lt.month, lt.day) - (lt.wday - r->digest.wday + 7) % 7;
	/* this week's day, or the week before's when its time has not come */
	if ((*slot = at_day(r, days, &y, &m, &d)) > now)
		*slot = at_day(r, days - 7, &y, &m, &d);
	snprintf(week, len, "%04d-%02d-%02d", y, m, d);
	return 0;
}

int64_t
report_digest_next(const rules *r, int64_t now)
{
	tz_local lt;
	int64_t days, t;
	int y, m, d;

	if (!r->digest.on)
		return 0;
	tz_to_local(r->business.zone, now, &lt);
	days = tz_days_from_civil(lt.year, lt.month, lt.day) + (r->digest.wday - lt.wday + 7) % 7;
	if ((t = at_day(r, days, &y, &m, &d)) <= now)
		t = at_day(r, days + 7, &y, &m, &d);
	return t;
}

/* A growing text; `failed` once memory ran out. */
typedef struct {
	char *p;
	size_t n, cap;
	bool failed;
} text;

static void __attribute__((format(printf, 2, 3)))
put(text *t, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (t->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(t->p ? t->p + t->n : NULL, t->p ? t->cap - t->n : 0, fmt, ap);
		va_end(ap);
		if (k < 0) {
			t->failed = true;
			return;
		}
		if (t->p != NULL && t->n + (size_t)k < t->cap) {
			t->n += (size_t)k;
			return;
		}
		size_t cap = (t->cap ? t->cap * 2 : 4096) + (size_t)k;
		char *np = realloc(t->p, cap);

		if (np == NULL) {
			t->failed = true;
			return;
		}
		t->p = np;
		t->cap = cap;
	}
}

/* A lead-typed string for one line of plain text: control characters
 * (a newline in a name could forge a line of the digest) become spaces. */
static void
put_clean(text *t, const char *s, size_t max)
{
	char buf[256];
	size_t i = 0;

	for (; s != NULL && *s && i < sizeof buf - 1 && i < max; s++, i++)
		buf[i] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
	buf[i] = '\0';
	put(t, "%s", i ? buf : "(no name)");
}

static const char *
span(json_int_t s, char *buf, size_t len)
{
	if (s < 60)
		snprintf(buf, len, "%lld s", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lld min", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, len, "%lld h %lld min", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
	else
		snprintf(buf, len, "%lld d %lld h", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600));
	return buf;
}

static const json_t *
path(const json_t *o, const char *a, const char *b, const char *c, const char *d)
{
	const char *keys[] = { a, b, c, d };

	for (size_t i = 0; i < 4 && keys[i] != NULL && o != NULL; i++)
		o = json_object_get(o, keys[i]);
	return o;
}

static long long
count(const json_t *o, const char *a, const char *b, const char *c)
{
	return (long long)json_integer_value(path(o, a, b, c, NULL));
}

static void
local_day(const rules *r, int64_t t, char *buf, size_t len)
{
	tz_local lt;

	tz_to_local(r->business.zone, t, &lt);
	snprintf(buf, len, "%s %s %d", wday_names[lt.wday % 7], month_names[(lt.month + 11) % 12],
		 lt.day);
}

/* One list of leads (unworked or stale) with their links. */
static void
lead_list(text *t, const json_t *sec, const char *title, bool stale, const char *public_url)
{
	const json_t *leads = json_object_get(sec, "leads");
	long long total = (long long)json_integer_value(json_object_get(sec, "count"));
	char buf[48];
	size_t i;
	json_t *l;

	if (total == 0)
		return;
	put(t, "\n%s (%lld):\n", title, total);
	json_array_foreach(leads, i, l) {
		const json_t *idle = json_object_get(l, stale ? "idle_s" : "age_s");
		const char *why = json_string_value(json_object_get(l, "why"));
		const char *owner = json_string_value(json_object_get(l, "owner"));

		if (i >= REPORT_DIGEST_LIST_MAX)
			break;
		put(t, "- ");
		put_clean(t, json_string_value(json_object_get(l, "name")), 80);
		put(t, " (#%lld, owner %s", (long long)json_integer_value(json_object_get(l, "id")),
		    owner ? owner : "nobody");
		if (json_is_integer(idle))
			put(t, ", %s %s", stale ? "idle" : "waiting",
			    span(json_integer_value(idle), buf, sizeof buf));
		put(t, ")\n");
		if (why != NULL) {
			put(t, "  ");
			put_clean(t, why, 200);
			put(t, "\n");
		}
		if (public_url != NULL && public_url[0])
			put(t, "  %s/app/leads/%lld\n", public_url,
			    (long long)json_integer_value(json_object_get(l, "id")));
	}
	if ((size_t)total > REPORT_DIGEST_LIST_MAX)
		put(t, "  ... and %lld more\n", total - REPORT_DIGEST_LIST_MAX);
}

char *
report_digest_text(store *s, int64_t business_id, const rules *r, int64_t slot, int64_t now,
		   const char *public_url, char *subject, size_t sublen, char *err, size_t errlen)
{
	report_options o = { .from = slot - 7 * 86400, .to = slot, .now = now,
			     .by = REPORT_BY_NONE, .list_max = REPORT_DIGEST_LIST_MAX };
	const json_t *speed, *cost;
	char from[32], to[32], buf[48];
	text t = { 0 };
	json_t *doc;

	if ((doc = report_build(s, business_id, r, &o, err, errlen)) == NULL)
		return NULL;
	local_day(r, o.from, from, sizeof from);
	local_day(r, o.to, to, sizeof to);
	snprintf(subject, sublen, "%s: your week in leads, %s to %s",
		 r->business.name ? r->business.name : "leadkeep", from, to);
	put(&t, "Your week in leads at %s: the leads that arrived from %s to %s %02d:%02d "
	    "(%s).\n\n", r->business.name ? r->business.name : "your business", from, to,
	    r->digest.at_min / 60, r->digest.at_min % 60,
	    r->business.timezone ? r->business.timezone : "UTC");
	speed = path(doc, "speed_to_lead", "attempted", "all", "wall");
	put(&t, "Leads that arrived: %lld\n\n",
	    (long long)json_integer_value(path(doc, "speed_to_lead", "attempted", "all", "leads")));
	put(&t, "1. Speed to lead (median time to a person's first attempt): %s\n",
	    json_is_integer(json_object_get(speed, "median_s")) ?
	    span(json_integer_value(json_object_get(speed, "median_s")), buf, sizeof buf) :
	    "no lead was attempted");
	put(&t, "2. Leads nobody has worked yet: %lld\n", count(doc, "unworked", "count", NULL));
	put(&t, "3. Overdue tasks now: %lld\n",
	    count(doc, "response_windows", "overdue_now", NULL));
	put(&t, "4. Won / lost (of the week's leads): %lld / %lld\n",
	    count(doc, "conversion", "all", "won"), count(doc, "conversion", "all", "lost"));
	cost = json_object_get(doc, "missed_lead_cost");
	if (json_is_integer(json_object_get(cost, "value_cents"))) {
		json_int_t c = json_integer_value(json_object_get(cost, "value_cents"));

		put(&t, "5. What unworked and stale leads may cost: $%lld.%02lld (%lld leads)\n",
		    (long long)(c / 100), (long long)(c % 100),
		    (long long)json_integer_value(json_object_get(cost, "leads")));
	} else {
		put(&t, "5. What unworked and stale leads may cost: not known (%lld leads; set "
		    "reports.average_job_value and close_rate_percent in the rules)\n",
		    (long long)json_integer_value(json_object_get(cost, "leads")));
	}
	if (count(doc, "unworked", "count", NULL) + count(doc, "stale", "count", NULL) > 0)
		put(&t, "\nLeads that need attention\n");
	lead_list(&t, json_object_get(doc, "unworked"), "Nobody has worked these yet", false,
		  public_url);
	lead_list(&t, json_object_get(doc, "stale"), "Gone stale", true, public_url);
	put(&t, "\nEvery figure is measured from what happened to each lead (its timeline), "
	    "never from the stage someone set.\n");
	if (public_url != NULL && public_url[0])
		put(&t, "The full report: %s/app/reports\n", public_url);
	json_decref(doc);
	if (t.failed) {
		free(t.p);
		snprintf(err, errlen, "out of memory writing the digest");
		return NULL;
	}
	return t.p;
}

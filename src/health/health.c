/*
 * health.c - the self-watch's judge (health.h): thresholds against figures,
 * one alert per kind and subject. Pure; the only allocation is a copy of a
 * source's gaps to sort.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bizclock.h"
#include "health.h"

static const char *const kind_names[HEALTH_NKINDS] = {
	"failure_rate", "dead_messages", "credentials", "timers_late", "source_silent",
	"queue_stalled", "disk_full",
};

const char *
health_kind_name(health_kind k)
{
	return k >= 0 && k < HEALTH_NKINDS ? kind_names[k] : "unknown";
}

bool
health_same(const health_alert *a, const health_alert *b)
{
	return a->kind == b->kind && strcmp(a->subject, b->subject) == 0;
}

/* "3d 4h", "2h 5m", "45m", "30s": for a person, two units at most. */
static const char *
span(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(buf, len, s % 86400 >= 3600 ? "%lldd %lldh" : "%lldd", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, len, s % 3600 >= 60 ? "%lldh %lldm" : "%lldh", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(buf, len, "%lldm", (long long)(s / 60));
	else
		snprintf(buf, len, "%llds", (long long)s);
	return buf;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The time between from and to as the silence rule counts it. */
static int64_t
gap(const rules_health *h, const rules_business *b, int64_t from, int64_t to)
{
	if (h->silence_business_hours && b != NULL)
		return bizclock_open_seconds(b, from, to);
	return to > from ? to - from : 0;
}

bool
health_source_limit(const rules_health *h, const rules_business *b, const health_source *src,
		    int64_t *usual, int64_t *limit)
{
	size_t n, idx;
	int64_t *gaps;

	if (src->ntimes < 2 || src->ntimes - 1 < (size_t)h->silence_min_history)
		return false;
	n = src->ntimes - 1;
	if ((gaps = malloc(n * sizeof *gaps)) == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		gaps[i] = gap(h, b, src->times[i], src->times[i + 1]);
	qsort(gaps, n, sizeof *gaps, cmp_i64);
	/* Nearest rank: the smallest gap that at least percentile% of gaps do
	 * not exceed. */
	idx = ((size_t)h->silence_percentile * n + 99) / 100;
	idx = idx == 0 ? 0 : idx - 1;
	*usual = gaps[idx < n ? idx : n - 1];
	free(gaps);
	*limit = *usual * h->silence_factor_pct / 100;
	if (*limit < h->silence_min)
		*limit = h->silence_min;
	return true;
}

typedef struct {
	health_alert *out;
	int max;
	int n;
} sink;

static health_alert *
add(sink *s, health_kind k, const char *subject, double value, double limit)
{
	health_alert *a;

	if (s->n >= s->max)
		return NULL;
	a = &s->out[s->n++];
	memset(a, 0, sizeof *a);
	a->kind = k;
	snprintf(a->subject, sizeof a->subject, "%s", subject ? subject : "");
	a->value = value;
	a->limit = limit;
	return a;
}

static void
judge_messages(const rules_health *h, const health_figures *f, sink *s)
{
	int64_t done = f->sent + f->failed;
	health_alert *a;
	char w[32];

	if (done >= h->min_messages && done > 0 &&
	    f->failed * 100 > (int64_t)h->failure_percent * done &&
	    (a = add(s, HEALTH_FAILURE_RATE, "", 100.0 * (double)f->failed / (double)done,
		     h->failure_percent)) != NULL)
		snprintf(a->message, sizeof a->message, "%lld of the last %lld messages (%.0f%%) "
			 "failed in the last %s; the limit is %d%%.", (long long)f->failed,
			 (long long)done, a->value, span(h->window, w, sizeof w),
			 h->failure_percent);
	if (f->dead >= h->dead_count &&
	    (a = add(s, HEALTH_DEAD_MESSAGES, "", (double)f->dead, h->dead_count)) != NULL)
		snprintf(a->message, sizeof a->message, "%lld message%s gave up after every retry "
			 "in the last %s: the leads did not get them.", (long long)f->dead,
			 f->dead == 1 ? "" : "s", span(h->dead_window, w, sizeof w));
	if (f->refused_sms > 0 &&
	    (a = add(s, HEALTH_CREDENTIALS, "sms", (double)f->refused_sms, 1)) != NULL)
		snprintf(a->message, sizeof a->message, "The SMS provider refuses our credentials "
			 "(%lld message%s held): check the providers' twilio account_sid and "
			 "auth_token.", (long long)f->refused_sms, f->refused_sms == 1 ? "" : "s");
	if (f->refused_email > 0 &&
	    (a = add(s, HEALTH_CREDENTIALS, "email", (double)f->refused_email, 1)) != NULL)
		snprintf(a->message, sizeof a->message, "The email provider refuses our "
			 "credentials (%lld message%s held): check the providers' smtp user "
			 "and password.", (long long)f->refused_email,
			 f->refused_email == 1 ? "" : "s");
}

static void
judge_timers(const rules_health *h, const health_figures *f, sink *s)
{
	health_alert *a;
	char w[32], l[32], t[32];

	if (f->late_timers > 0 && f->max_lateness > h->timer_late &&
	    (a = add(s, HEALTH_TIMERS_LATE, "", (double)f->max_lateness, (double)h->timer_late))
	    != NULL)
		snprintf(a->message, sizeof a->message, "%lld follow-up%s fired late in the last "
			 "%s, the latest %s after its time (the limit is %s).",
			 (long long)f->late_timers, f->late_timers == 1 ? "" : "s",
			 span(h->window, w, sizeof w), span(f->max_lateness, l, sizeof l),
			 span(h->timer_late, t, sizeof t));
}

/* A queue is stalled when the same item has been due at its head for
 * stall_after: an item that is merely late moves on at the next look. */
static void
judge_head(const rules_health *h, int64_t now, health_head cur, health_head *was,
	   int64_t *since, const char *name, sink *s)
{
	health_alert *a;
	char w[32];

	if (cur.id == 0) {
		*was = cur;
		*since = 0;
		return;
	}
	if (cur.id != was->id || *since == 0) {
		*was = cur;
		*since = now;
	}
	if (now - *since >= h->stall_after && now - cur.due >= h->stall_after &&
	    (a = add(s, HEALTH_QUEUE_STALLED, name, (double)(now - *since),
		     (double)h->stall_after)) != NULL)
		snprintf(a->message, sizeof a->message, "The %s queue has not moved for %s: "
			 "the same item has been due since then.", name,
			 span(now - *since, w, sizeof w));
}

static void
judge_sources(const rules_health *h, const rules_business *b, const health_figures *f,
	      sink *s)
{
	for (size_t i = 0; i < f->nsources; i++) {
		const health_source *src = &f->sources[i];
		int64_t usual, limit, quiet;
		health_alert *a;
		char u[32], q[32];

		if (!health_source_limit(h, b, src, &usual, &limit))
			continue;
		quiet = gap(h, b, src->times[src->ntimes - 1], f->now);
		if (quiet <= limit)
			continue;
		if ((a = add(s, HEALTH_SOURCE_SILENT, src->name, (double)quiet, (double)limit))
		    != NULL)
			snprintf(a->message, sizeof a->message, "No lead from %s for %s%s; it "
				 "usually sends one at least every %s.", src->name,
				 span(quiet, q, sizeof q),
				 h->silence_business_hours && b ? " of business hours" : "",
				 span(usual, u, sizeof u));
	}
}

static void
judge_disk(const rules_health *h, const health_figures *f, sink *s)
{
	double pct;
	health_alert *a;

	if (f->disk_total == 0)
		return;
	pct = 100.0 * (double)f->disk_free / (double)f->disk_total;
	if (pct < h->disk_free_percent &&
	    (a = add(s, HEALTH_DISK_FULL, "", pct, h->disk_free_percent)) != NULL)
		snprintf(a->message, sizeof a->message, "The data directory's disk is nearly "
			 "full: %.1f%% free (%llu MB); below %d%% the database may stop taking "
			 "leads.", pct, (unsigned long long)(f->disk_free >> 20),
			 h->disk_free_percent);
}

int
health_judge(const rules_health *h, const rules_business *b, const health_figures *f,
	     health_memory *mem, health_alert *out, int max)
{
	sink s = { .out = out, .max = max };

	judge_messages(h, f, &s);
	judge_timers(h, f, &s);
	judge_sources(h, b, f, &s);
	judge_head(h, f->now, f->timer_head, &mem->timer_head, &mem->timer_since, "timers", &s);
	judge_head(h, f->now, f->outbox_head, &mem->outbox_head, &mem->outbox_since, "outbox",
		   &s);
	judge_disk(h, f, &s);
	return s.n;
}

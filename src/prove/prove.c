/*
 * prove.c - the gaps one synthetic lead ended with, and the smallest example
 * of each class of them (prove.h). Pure: reads the rules and what the
 * command saw; the engine is asked only who routing would pick.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/bizclock.h"
#include "core/engine.h"
#include "core/lead.h"
#include "core/lead_zone.h"
#include "prove.h"

const char *
prove_channels_name(prove_channels c)
{
	static const char *const names[PROVE_NCHANNELS] = {
		[PROVE_PHONE_ONLY] = "phone only", [PROVE_EMAIL_ONLY] = "email only",
		[PROVE_BOTH] = "phone and email",
	};

	return c < PROVE_NCHANNELS ? names[c] : "?";
}

const char *
prove_class_name(prove_class c)
{
	static const char *const names[PROVE_NCLASSES] = {
		[PROVE_AT_OPEN] = "business hours", [PROVE_AT_CLOSING] = "just before closing",
		[PROVE_AT_EVENING] = "after hours", [PROVE_AT_WEEKEND] = "weekend",
		[PROVE_AT_HOLIDAY] = "holiday",
		[PROVE_AT_DST_BEFORE] = "before a daylight-saving change",
		[PROVE_AT_DST_AFTER] = "after a daylight-saving change",
	};

	return c < PROVE_NCLASSES ? names[c] : "?";
}

const char *
prove_finding_name(prove_finding f)
{
	static const char *const names[PROVE_NFINDINGS] = {
		[PROVE_NO_OWNER] = "no_owner", [PROVE_NO_NEXT_ACTION] = "no_next_action",
		[PROVE_CLOSED_MINUTE] = "closed_minute", [PROVE_NO_RECOVERY] = "no_recovery",
		[PROVE_OVER_CAP] = "over_cap", [PROVE_QUIET_TEXT] = "quiet_text",
	};

	return f < PROVE_NFINDINGS ? names[f] : "?";
}

/* "an" before a vowel ("an email task"), else "a". */
static const char *
article(const char *word)
{
	return word[0] != '\0' && strchr("aeiou", word[0]) != NULL ? "an" : "a";
}

static void __attribute__((format(printf, 4, 5)))
found_it(bool found[PROVE_NFINDINGS], char why[PROVE_NFINDINGS][256], prove_finding f,
	 const char *fmt, ...)
{
	va_list ap;

	if (found[f])
		return;		/* the first instance is the example */
	found[f] = true;
	va_start(ap, fmt);
	vsnprintf(why[f], 256, fmt, ap);
	va_end(ap);
}

/* "Sat 2026-12-05 10:30", in zone z (NULL = UTC). */
static void
local_when(const tz_zone *z, int64_t t, char *buf, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	tz_local lt;

	tz_to_local(z, t, &lt);
	snprintf(buf, len, "%s %04d-%02d-%02d %02d:%02d", days[lt.wday % 7], lt.year, lt.month,
		 lt.day, lt.hour, lt.min);
}

/* The lead as routing and the lead's clock see it. */
static lead
as_lead(const prove_obs *o)
{
	lead l;

	memset(&l, 0, sizeof l);
	l.source = o->source;
	l.kind = o->kind;
	l.timezone = o->zone[0] ? o->zone : NULL;
	return l;
}

/* The hours a person's task must fall in: their own, else the business's;
 * the business's zone and holidays either way. */
static rules_business
person_clock(const rules *r, const rules_person *p)
{
	rules_business b = r->business;

	if (p != NULL && p->has_hours) {
		memcpy(b.hours, p->hours, sizeof b.hours);
		memcpy(b.nspans, p->nspans, sizeof b.nspans);
	}
	return b;
}

static void
judge_owner(const rules *r, const prove_obs *o, bool *found, char why[][256])
{
	lead l = as_lead(o);
	char key[32];

	if (engine_route(r, &l, NULL, o->arrived, key, sizeof key) < 0)
		found_it(found, why, PROVE_NO_OWNER, "no routing rule takes it (the engine fell "
			 "back to the first person, %s)", o->owner[0] ? o->owner : "nobody");
	else if (o->owner[0] == '\0' || rules_person_find(r, o->owner) == NULL)
		found_it(found, why, PROVE_NO_OWNER, "it ended with no owner");
}

static void
judge_next(const rules *r, const prove_obs *o, bool *found, char why[][256])
{
	int64_t first = 0;	/* the first task made or message queued */
	char when[40];

	for (size_t i = 0; i < o->ntasks; i++)
		if (first == 0 || o->tasks[i].made < first)
			first = o->tasks[i].made;
	for (size_t i = 0; i < o->ntexts; i++)
		if (first == 0 || o->texts[i].queued < first)
			first = o->texts[i].queued;
	if (first == 0) {
		found_it(found, why, PROVE_NO_NEXT_ACTION, "nothing of its plan ever reached it: "
			 "no message could go to a lead with %s and no person got a task",
			 prove_channels_name(o->channels));
	} else if (first > o->arrived) {
		local_when(r->business.zone, first, when, sizeof when);
		found_it(found, why, PROVE_NO_NEXT_ACTION, "nothing reached it on arrival: no "
			 "message could go to a lead with %s and no person got a task until %s",
			 prove_channels_name(o->channels), when);
	} else if (strcmp(o->status, LEAD_STATUS_OPEN) == 0 && o->open_tasks == 0 &&
		   !o->pending) {
		found_it(found, why, PROVE_NO_NEXT_ACTION, "its plan ended with the lead open, "
			 "no task for anyone and nothing more planned");
	}
}

static void
judge_tasks(const rules *r, const prove_obs *o, bool *found, char why[][256])
{
	for (size_t i = 0; i < o->ntasks; i++) {
		const prove_task *t = &o->tasks[i];
		const rules_person *p = rules_person_find(r, t->person);
		rules_business b = person_clock(r, p);
		char when[40];

		if (bizclock_is_open(&b, t->due))
			continue;
		local_when(r->business.zone, t->due, when, sizeof when);
		found_it(found, why, PROVE_CLOSED_MINUTE, "%s %s task for %s is due %s, outside %s",
			 article(t->verb), t->verb, t->person[0] ? t->person : "nobody", when,
			 p != NULL && p->has_hours ? "their working hours" : "business hours");
		return;
	}
}

static void
judge_recovery(const rules *r, const prove_obs *o, bool *found, char why[][256])
{
	if (o->ntasks == 0 || o->escalations > 0 || o->open_tasks == 0)
		return;
	found_it(found, why, PROVE_NO_RECOVERY, "its %s task for %s stayed open and nothing "
		 "took over (%s)", o->tasks[o->ntasks - 1].verb, o->tasks[o->ntasks - 1].person,
		 r->nescalations == 0 ? "the rules have no escalation" :
		 "no escalation level reached it");
}

static void
judge_cap(const rules *r, const prove_obs *o, bool *found, char why[][256])
{
	if (r->max_touches <= 0 || r->touch_window <= 0)
		return;
	for (size_t i = 0; i < o->ntexts; i++) {
		int n = 0;
		char when[40];

		if (!o->texts[i].followup)
			continue;
		/* the window that ends with message i */
		for (size_t j = 0; j < o->ntexts; j++)
			if (o->texts[j].followup && o->texts[j].at <= o->texts[i].at &&
			    o->texts[j].at > o->texts[i].at - r->touch_window)
				n++;
		if (n <= r->max_touches)
			continue;
		local_when(r->business.zone, o->texts[i].at, when, sizeof when);
		found_it(found, why, PROVE_OVER_CAP, "%d automated follow-ups within %lld days by "
			 "%s; the cap is %d", n, (long long)(r->touch_window / 86400), when,
			 r->max_touches);
		return;
	}
}

static void
judge_quiet(const rules *r, const prove_obs *o, bool *found, char why[][256])
{
	lead l = as_lead(o);
	rules_business b = lead_clock(r, &l);
	bool ack_allowed = r->business.ack_ignores_quiet;

	if (!b.has_quiet)
		return;
	for (size_t i = 0; i < o->ntexts; i++) {
		const prove_text *t = &o->texts[i];
		char when[40];

		if (!t->sms || !bizclock_in_quiet(&b, t->at))
			continue;
		if (t->ack && ack_allowed) {
			ack_allowed = false;	/* `ack_any_hour`: the one reply, no more */
			continue;
		}
		local_when(b.zone, t->at, when, sizeof when);
		found_it(found, why, PROVE_QUIET_TEXT, "a %s text goes %s (%s), in its quiet hours%s",
			 t->ack ? "second immediate" : "follow-up", when, lead_zone_name(r, &l),
			 t->ack ? ": ack_any_hour allows one acknowledgment, not more" : "");
		return;
	}
}

int
prove_judge(const rules *r, const prove_obs *o, bool found[PROVE_NFINDINGS],
	    char why[PROVE_NFINDINGS][256])
{
	int n = 0;

	for (int f = 0; f < PROVE_NFINDINGS; f++) {
		found[f] = false;
		why[f][0] = '\0';
	}
	judge_owner(r, o, found, why);
	judge_next(r, o, found, why);
	judge_tasks(r, o, found, why);
	judge_recovery(r, o, found, why);
	judge_cap(r, o, found, why);
	judge_quiet(r, o, found, why);
	for (int f = 0; f < PROVE_NFINDINGS; f++)
		n += found[f];
	return n;
}

void
prove_add(prove_report *rep, const rules *r, const prove_obs *o)
{
	bool found[PROVE_NFINDINGS];
	char why[PROVE_NFINDINGS][256];

	rep->leads++;
	if (prove_judge(r, o, found, why) == 0)
		return;
	for (int f = 0; f < PROVE_NFINDINGS; f++) {
		prove_gap *g = NULL;

		if (!found[f])
			continue;
		for (size_t i = 0; i < rep->ngaps && g == NULL; i++)
			if (rep->gaps[i].finding == (prove_finding)f &&
			    rep->gaps[i].channels == o->channels &&
			    strcmp(rep->gaps[i].kind, o->kind) == 0)
				g = &rep->gaps[i];
		if (g != NULL) {
			g->leads++;
			g->classes |= 1u << o->cls;
			continue;
		}
		if (rep->ngaps == PROVE_MAX_GAPS) {
			rep->dropped++;
			continue;
		}
		g = &rep->gaps[rep->ngaps++];
		memset(g, 0, sizeof *g);
		g->finding = (prove_finding)f;
		snprintf(g->kind, sizeof g->kind, "%s", o->kind);
		g->channels = o->channels;
		snprintf(g->source, sizeof g->source, "%s", o->source);
		g->cls = o->cls;
		g->arrived = o->arrived;
		local_when(r->business.zone, o->arrived, g->local, sizeof g->local);
		snprintf(g->what, sizeof g->what, "%s", why[f]);
		g->leads = 1;
		g->classes = 1u << o->cls;
	}
}

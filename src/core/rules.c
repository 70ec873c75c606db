/*
 * rules.c - freeing the rules model and looking things up in it. Pure: the
 * model is built by src/rules/; nothing here parses or validates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contact.h"
#include "rules.h"

static void
owner_free(rules_owner *o)
{
	free(o->people);
	free(o->role);
}

static void
business_free(rules_business *b)
{
	free(b->name);
	free(b->timezone);
	free(b->country);
	free(b->phone);
	free(b->holidays);
	tz_free(b->zone);
	for (size_t i = 0; i < b->nsms_countries; i++)
		free(b->sms_countries[i]);
	free(b->sms_countries);
}

static void
sequence_free(rules_sequence *s)
{
	for (size_t i = 0; i < s->nsteps; i++) {
		free(s->steps[i].template_name);
		free(s->steps[i].channel_template[0]);
		free(s->steps[i].channel_template[1]);
		free(s->steps[i].verb);
		free(s->steps[i].title);
		free(s->steps[i].notify);
		free(s->steps[i].id);
	}
	free(s->steps);
	free(s->name);
}

void
rules_free(rules *r)
{
	if (r == NULL)
		return;
	business_free(&r->business);
	for (size_t i = 0; i < r->nzones; i++) {
		free(r->zones[i].name);
		tz_free(r->zones[i].zone);
	}
	free(r->zones);
	for (size_t i = 0; i < r->npeople; i++) {
		free(r->people[i].id);
		free(r->people[i].name);
		free(r->people[i].role);
		free(r->people[i].phone);
		free(r->people[i].email);
		free(r->people[i].away);
	}
	free(r->people);
	for (size_t i = 0; i < r->nroutes; i++) {
		free(r->routes[i].source);
		free(r->routes[i].kind);
		free(r->routes[i].service);
		for (size_t j = 0; j < r->routes[i].ncustom; j++) {
			free(r->routes[i].custom[j].name);
			free(r->routes[i].custom[j].value);
		}
		free(r->routes[i].custom);
		owner_free(&r->routes[i].owner);
	}
	free(r->routes);
	for (size_t i = 0; i < r->nsequences; i++)
		sequence_free(&r->sequences[i]);
	free(r->sequences);
	for (size_t i = 0; i < r->nstages; i++) {
		free(r->stages[i].name);
		free(r->stages[i].owner_role);
		free(r->stages[i].sequence);
	}
	free(r->stages);
	for (size_t i = 0; i < r->nlost_reasons; i++)
		free(r->lost_reasons[i]);
	free(r->lost_reasons);
	for (size_t i = 0; i < r->nescalations; i++) {
		free(r->escalations[i].notify);
		owner_free(&r->escalations[i].reassign);
	}
	free(r->escalations);
	free(r->cold.reason);
	free(r->cold.sequence);
	free(r->unanswered.sequence);
	for (size_t i = 0; i < r->ntemplates; i++) {
		free(r->templates[i].name);
		free(r->templates[i].text);
	}
	free(r->templates);
	free(r->text);
	free(r->version);
	for (size_t i = 0; i < r->appointments.nkinds; i++) {
		free(r->appointments.kinds[i].id);
		free(r->appointments.kinds[i].name);
	}
	free(r->appointments.kinds);
	for (size_t i = 0; i < r->appointments.nreminders; i++)
		free(r->appointments.reminders[i].template_name);
	free(r->appointments.reminders);
	free(r->appointments.stage);
	free(r->appointments.confirm_template);
	free(r->appointments.done_stage);
	free(r->appointments.no_show_sequence);
	free(r->health.notify);
	for (size_t i = 0; i < r->digest.nto; i++)
		free(r->digest.to[i]);
	free(r->digest.to);
	free(r);
}

void
rules_health_defaults(rules_health *h)
{
	*h = (rules_health){
		.check_every = 60,
		.failure_percent = 20,
		.min_messages = 10,
		.window = 3600,
		.dead_count = 1,
		.dead_window = 86400,
		.timer_late = 300,
		.stall_after = 600,
		.disk_free_percent = 5,
		.silence_percentile = 90,
		.silence_factor_pct = 300,
		.silence_min_history = 10,
		.silence_min = 3600,
		.silence_lookback = 90 * 86400,
		.silence_business_hours = false,
	};
}

/* Names are compared only when present: a model being built may hold gaps. */
static bool
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

int
rules_person_index(const rules *r, const char *id)
{
	for (size_t i = 0; i < r->npeople; i++)
		if (same(r->people[i].id, id))
			return (int)i;
	return -1;
}

const rules_person *
rules_person_find(const rules *r, const char *id)
{
	int i = rules_person_index(r, id);

	return i < 0 ? NULL : &r->people[i];
}

const rules_sequence *
rules_sequence_find(const rules *r, const char *name)
{
	for (size_t i = 0; i < r->nsequences; i++)
		if (same(r->sequences[i].name, name))
			return &r->sequences[i];
	return NULL;
}

int
rules_step_index(const rules_sequence *seq, const char *id)
{
	for (size_t i = 0; seq != NULL && i < seq->nsteps; i++)
		if (same(seq->steps[i].id, id))
			return (int)i;
	return -1;
}

const char *
rules_version_short(const char *v, char buf[13])
{
	if (v == NULL || *v == '\0')
		return "none";
	snprintf(buf, 13, "%s", v);
	return buf;
}

const rules_stage *
rules_stage_find(const rules *r, const char *name)
{
	for (size_t i = 0; i < r->nstages; i++)
		if (same(r->stages[i].name, name))
			return &r->stages[i];
	return NULL;
}

const rules_appt_kind *
rules_appt_kind_find(const rules *r, const char *id)
{
	for (size_t i = 0; i < r->appointments.nkinds; i++)
		if (same(r->appointments.kinds[i].id, id))
			return &r->appointments.kinds[i];
	return NULL;
}

const rules_template *
rules_template_find(const rules *r, const char *name)
{
	for (size_t i = 0; i < r->ntemplates; i++)
		if (same(r->templates[i].name, name))
			return &r->templates[i];
	return NULL;
}

const rules_person *
rules_person_by_role(const rules *r, const char *role)
{
	for (size_t i = 0; i < r->npeople; i++)
		if (same(r->people[i].role, role))
			return &r->people[i];
	return NULL;
}

bool
rules_person_present(const rules_person *p, int64_t t)
{
	return rules_person_back(p, t) == 0;
}

int64_t
rules_person_back(const rules_person *p, int64_t t)
{
	int64_t back = 0;

	if (p->inactive)
		return INT64_MAX;
	/* Windows may touch or overlap: follow them to the end of the absence. */
	for (bool more = true; more; ) {
		more = false;
		for (size_t i = 0; i < p->naway; i++) {
			int64_t at = back > 0 ? back : t;

			if (p->away[i].from <= at && at < p->away[i].to && p->away[i].to > back) {
				back = p->away[i].to;
				more = true;
			}
		}
	}
	return back;
}

int64_t
rules_presence_change(const rules *r, int64_t t)
{
	int64_t next = 0;

	for (size_t i = 0; i < r->npeople; i++)
		for (size_t j = 0; j < r->people[i].naway; j++) {
			const rules_away *w = &r->people[i].away[j];

			if (w->from > t && (next == 0 || w->from < next))
				next = w->from;
			if (w->to > t && (next == 0 || w->to < next))
				next = w->to;
		}
	return next;
}

bool
rules_anyone_absent(const rules *r)
{
	for (size_t i = 0; i < r->npeople; i++)
		if (r->people[i].inactive || r->people[i].naway > 0)
			return true;
	return false;
}

bool
rules_anyone_capped(const rules *r)
{
	for (size_t i = 0; i < r->npeople; i++)
		if (r->people[i].max_open_leads > 0)
			return true;
	return false;
}

bool
rules_lost_reason_known(const rules *r, const char *reason)
{
	for (size_t i = 0; i < r->nlost_reasons; i++)
		if (strcmp(r->lost_reasons[i], reason) == 0)
			return true;
	return false;
}

const char *
rules_step_template(const rules_step *s, rules_channel ch)
{
	bool sends = false;

	for (size_t i = 0; i < s->nchannels; i++)
		sends |= s->channels[i] == ch;
	if (s->kind != STEP_SEND || !sends || (unsigned)ch > CHANNEL_EMAIL)
		return NULL;
	return s->channel_template[ch] ? s->channel_template[ch] : s->template_name;
}

bool
rules_sms_allowed(const rules *r, const char *e164)
{
	if (r->business.sms_anywhere)
		return true;
	return contact_phone_in(e164, (const char *const *)r->business.sms_countries,
				r->business.nsms_countries);
}

/*
 * engine_plan.c - what a lead's plan does: start and stop sequences, run their
 * steps (messages, tasks, notifications), respect opt-outs, touch limits and
 * quiet hours, and send a lead cold when the last step goes unanswered.
 *
 * Steps are chained: running step k sets the timer for step k+1, and every
 * timer carries the lead's plan number so a re-planned lead ignores old ones,
 * and the step's id, so that editing the rules never shifts a pending step
 * onto another (engine_rules.c re-plans a lead when the rules change).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bizclock.h"
#include "engine_internal.h"
#include "lead_zone.h"
#include "states.h"
#include "template.h"

/* --- templates ---------------------------------------------------------- */

typedef struct {
	engine_ctx *c;
	char buf[8][160];
	int used;
	int echo_max;		/* > 0: cap on each lead-typed field (messages to the lead) */
} field_ctx;

static const char *
field_buf(field_ctx *f, const char *s)
{
	char *b = f->buf[f->used++ % 8];

	snprintf(b, sizeof f->buf[0], "%s", s);
	return b;
}

static const char *
lookup_field(void *vctx, const char *field)
{
	field_ctx *f = vctx;
	engine_ctx *c = f->c;
	const lead *l = c->l;
	const rules_person *owner = engine_person(c, c->owner);
	char tmp[160];

	if (strcmp(field, "first_name") == 0)
		return field_buf(f, lead_first_name(l->name, tmp, sizeof tmp));
	if (strcmp(field, "last_name") == 0)
		return field_buf(f, lead_last_name(l->name, tmp, sizeof tmp));
	if (strcmp(field, "name") == 0)
		return lead_name_usable(l->name) ? l->name : NULL;
	if (strcmp(field, "phone") == 0)
		return l->phone;
	if (strcmp(field, "email") == 0)
		return l->email;
	if (strcmp(field, "service") == 0)
		return l->service;
	if (strcmp(field, "neighbourhood") == 0)
		return l->neighbourhood;
	if (strcmp(field, "source") == 0)
		return l->source;
	if (strcmp(field, "message") == 0)
		return l->message;
	if (strcmp(field, "business_name") == 0)
		return c->r->business.name;
	if (strcmp(field, "business_phone") == 0)
		return c->r->business.phone;
	if (strcmp(field, "owner_name") == 0)
		return owner ? owner->name : NULL;
	if (strcmp(field, "owner_first_name") == 0)
		return owner ? field_buf(f, lead_first_name(owner->name, tmp, sizeof tmp)) : NULL;
	if (strcmp(field, "owner_phone") == 0)
		return owner ? owner->phone : NULL;
	if (strcmp(field, "next_contact_window") == 0 || strcmp(field, "task_due") == 0) {
		int64_t due = c->next_contact_due;

		if (due <= 0)
			due = bizclock_next_open(&c->r->business, c->now);
		if (due <= 0)
			return NULL;
		bizclock_describe_due(&c->r->business, c->now, due, tmp, sizeof tmp);
		return field_buf(f, tmp);
	}
	if (strcmp(field, "next_contact_verb") == 0)
		return engine_contact_verb(c);
	if (strncmp(field, "custom.", 7) == 0)
		return lead_custom_get(l, field + 7);
	if (strncmp(field, "appointment_", 12) == 0)
		return engine_appt_field(c, field);
	if (strcmp(field, "quote_amount") == 0) {
		if (c->quote_cents < 0)
			return NULL;
		engine_money(c->quote_cents, tmp, sizeof tmp);
		return field_buf(f, tmp);
	}
	return NULL;
}

/* Fields whose value the business wrote (rules, clock, quote); every other
 * field - the name, service, message, custom fields - is what a lead typed,
 * and on a public form that is anyone. */
static bool
business_field(const char *field)
{
	static const char *const own[] = {
		"business_name", "business_phone", "owner_name", "owner_first_name",
		"owner_phone", "next_contact_window", "task_due", "quote_amount", "source",
		"appointment_kind", "appointment_day", "appointment_window", "appointment_person",
		"appointment_place", NULL,
	};

	for (size_t i = 0; own[i]; i++)
		if (strcmp(own[i], field) == 0)
			return true;
	return false;
}

/* A message to the lead repeats at most echo_max characters of each field
 * the lead typed (limits.max_echo_chars): a stranger's form must not make
 * the business text a paragraph of their choosing. Cut on a character
 * boundary, trailing blanks dropped. */
static const char *
lookup_capped(void *vctx, const char *field)
{
	field_ctx *f = vctx;
	const char *v = lookup_field(vctx, field);
	size_t n = 0, chars = 0;
	char *cut;
	const char *kept;

	if (v == NULL || f->echo_max <= 0 || business_field(field))
		return v;
	for (; v[n] && chars < (size_t)f->echo_max; chars++)
		for (n++; ((unsigned char)v[n] & 0xC0) == 0x80; n++)
			;
	if (v[n] == '\0')
		return v;
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n'))
		n--;
	if ((cut = malloc(n + 1)) == NULL)
		engine_oom();
	memcpy(cut, v, n);
	cut[n] = '\0';
	kept = engine_str(f->c, cut);
	free(cut);
	return kept;
}

const char *const engine_template_fields[] = {
	"first_name", "last_name", "name", "phone", "email", "service", "neighbourhood",
	"source", "message", "business_name", "business_phone", "owner_name",
	"owner_first_name", "owner_phone", "next_contact_window", "task_due",
	"quote_amount", "next_contact_verb", "custom.*", "appointment_kind", "appointment_day",
	"appointment_window", "appointment_person", "appointment_place", NULL,
};

char *
engine_render(engine_ctx *c, const char *tpl)
{
	field_ctx f = { .c = c };
	char *s = template_render(tpl, lookup_field, &f);

	if (s == NULL)
		engine_oom();
	return s;
}

static const char *
render_kept(engine_ctx *c, const char *tpl)
{
	char *s = engine_render(c, tpl);
	const char *kept = engine_str(c, s);

	free(s);
	return kept;
}

const char *
engine_render_to_lead(engine_ctx *c, const char *tpl)
{
	field_ctx f = { .c = c, .echo_max = c->r->max_echo };
	char *s = template_render(tpl, lookup_capped, &f);
	const char *kept;

	if (s == NULL)
		engine_oom();
	kept = engine_str(c, s);
	free(s);
	return kept;
}

void
engine_money(int64_t cents, char *buf, size_t len)
{
	char digits[32], grouped[48];
	int64_t whole = cents / 100;
	size_t n, g = 0;

	snprintf(digits, sizeof digits, "%lld", (long long)whole);
	n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	snprintf(buf, len, "$%s.%02lld", grouped, (long long)(cents % 100));
}

/* --- messages ----------------------------------------------------------- */

bool
engine_lead_reachable(const engine_ctx *c, const char *channel)
{
	const lead *l = c->l;

	if (strcmp(channel, "sms") == 0)
		return l->phone && *l->phone && !(c->flags & (LEAD_PHONE_INVALID | LEAD_NO_TEXTS)) &&
		       !c->sms_opt_out;
	return l->email && *l->email && !(c->flags & LEAD_EMAIL_INVALID) && !c->email_opt_out;
}

bool
engine_sms_allowed(const engine_ctx *c)
{
	return engine_lead_reachable(c, "sms") && rules_sms_allowed(c->r, c->l->phone);
}

const char *
engine_sms_countries(engine_ctx *c)
{
	const rules_business *b = &c->r->business;
	char buf[64] = "";
	size_t n = 0;

	if (b->nsms_countries == 0)
		return "none";
	for (size_t i = 0; i < b->nsms_countries && n + 8 < sizeof buf; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "",
				      b->sms_countries[i]);
	return engine_str(c, buf);
}

void
engine_queue_to_lead(engine_ctx *c, const char *channel, const char *body,
		     outbox_purpose purpose, bool respect_quiet)
{
	bool sms = strcmp(channel, "sms") == 0;
	action *a = engine_push(c, ACT_OUTBOX);
	int64_t at = c->now;

	if (sms && respect_quiet) {
		/* Quiet hours on the lead's own clock (lead_zone.h). */
		rules_business lead_time = lead_clock(c->r, c->l);

		at = bizclock_after_quiet(&lead_time, c->now);
	}
	a->channel = sms ? "sms" : "email";
	a->to = sms ? c->l->phone : c->l->email;
	a->text = body;
	a->subject = sms ? NULL : engine_fmt(c, "Your request to %s", c->r->business.name);
	a->purpose = purpose;
	a->at = at;
	if (purpose == PURPOSE_FOLLOWUP)
		c->followups_added++;
	if (at > c->now) {
		char when[64];

		bizclock_describe_due(&c->r->business, c->now, at, when, sizeof when);
		engine_event(c, "message.queued", "%s to the lead held for quiet hours, goes %s: %s",
			     sms ? "Text" : "Email", when, body);
	} else {
		engine_event(c, "message.queued", "%s to the lead: %s", sms ? "Text" : "Email", body);
	}
}

void
engine_notify(engine_ctx *c, const rules_person *p, const char *text)
{
	engine_notify_due(c, p, text, 0);
}

void
engine_notify_due(engine_ctx *c, const rules_person *p, const char *text, int64_t due)
{
	action *a;
	bool sms;

	if (p == NULL || p->notify == NOTIFY_NONE || engine_streq(p->id, c->unreachable))
		return;
	sms = p->notify == NOTIFY_SMS;
	if ((sms && p->phone == NULL) || (!sms && p->email == NULL))
		return;
	a = engine_push(c, ACT_OUTBOX);
	a->channel = sms ? "sms" : "email";
	a->to = sms ? p->phone : p->email;
	a->person = p->id;
	a->text = text;
	a->subject = sms ? NULL : engine_fmt(c, "[%s] %.80s", c->r->business.name, text);
	a->purpose = PURPOSE_NOTIFY;
	a->at = engine_notify_time(c, p, due);
	if (a->at > c->now)
		engine_event(c, "notify.held", "Notification to %s held for their working hours "
			     "until %s", p->name ? p->name : p->id, engine_due_phrase(c, a->at) + 3);
}

size_t
engine_recent_touches(const engine_ctx *c)
{
	size_t n = c->followups_added;

	for (size_t i = 0; i < c->st->ntouches; i++)
		if (c->st->touches[i] > c->now - c->r->touch_window)
			n++;
	return n;
}

/* --- tasks -------------------------------------------------------------- */

const char *
engine_due_phrase(engine_ctx *c, int64_t due)
{
	char words[64];
	const char *by;

	bizclock_describe_due(&c->r->business, c->now, due, words, sizeof words);
	by = strstr(words, " by ");
	if (by == NULL)
		return engine_fmt(c, "by %s", words);
	if (strncmp(words, "today", 5) == 0)
		return engine_fmt(c, "by %s", by + 4);
	return engine_fmt(c, "by %.*s %s", (int)(by - words) - (strncmp(words, "on ", 3) == 0 ? 3 : 0),
			  strncmp(words, "on ", 3) == 0 ? words + 3 : words, by + 4);
}

void
engine_escalate_from(engine_ctx *c, int64_t due, int64_t task_id, int task_ref)
{
	action *t;

	if ((size_t)c->esc_from >= c->r->nescalations)
		return;
	t = engine_push(c, ACT_TIMER_SET);
	t->timer = TIMER_ESCALATE;
	t->at = due + c->r->escalations[c->esc_from].overdue;
	t->level = c->esc_from;
	t->task_id = task_id;
	t->task_ref = task_ref;
}

int
engine_create_task(engine_ctx *c, const char *verb, const char *title,
		   const char *assignee, int64_t within, bool business_hours,
		   const char *what)
{
	const rules_business *b = &c->r->business;
	const rules_person *p;
	const char *by;
	char verbcap[32], when[64];
	int64_t due;
	action *a;

	verb = engine_task_verb(c, verb);
	/* Someone away: the task goes to who covers for them. */
	assignee = engine_assignee(c, assignee, true);
	p = engine_person(c, assignee);

	due = business_hours ? bizclock_add_business_minutes(b, c->now, within / 60) : -1;
	if (due < 0)
		due = c->now + within;
	if (c->next_contact_due == 0)
		c->next_contact_due = due;
	by = engine_due_phrase(c, due);
	if (title == NULL) {
		snprintf(verbcap, sizeof verbcap, "%s", verb);
		if (verbcap[0] >= 'a' && verbcap[0] <= 'z')
			verbcap[0] = (char)(verbcap[0] - 'a' + 'A');
		title = engine_fmt(c, "%s %s %s%s%s", verbcap,
				   lead_name_usable(c->l->name) ? c->l->name : "the lead", by,
				   what ? " " : "", what ? what : "");
	}
	a = engine_push(c, ACT_TASK_CREATE);
	a->verb = verb;
	a->text = title;
	a->person = assignee;
	a->at = due;
	engine_event(c, "task.created", "Task for %s: %s (due %s)", p ? p->name : assignee,
		     title, by + 3);

	engine_escalate_from(c, due, 0, c->new_tasks);
	bizclock_describe_due(b, c->now, due, when, sizeof when);
	engine_notify_due(c, p, engine_fmt(c, "%s - lead #%lld, %s, due %s", title,
					   (long long)c->l->id,
					   c->l->phone && *c->l->phone ? c->l->phone :
					   c->l->email && *c->l->email ? c->l->email : "no contact",
					   when), due);
	return c->new_tasks++;
}

/* --- sequences ---------------------------------------------------------- */

static const char *
unless_reason(const engine_ctx *c, unsigned unless)
{
	const lead *l = c->l;
	int64_t since = c->seq_started;

	if ((unless & UNLESS_REPLIED) && (c->replied || l->last_inbound_at >= since))
		return "the lead replied";
	if ((unless & UNLESS_TOUCHED) && (c->touched || l->last_touch_at >= since))
		return "someone already contacted the lead";
	if ((unless & UNLESS_TASK_DONE) && (c->task_done || l->last_task_done_at >= since))
		return "a task was completed";
	return NULL;
}

static void
skip(engine_ctx *c, const rules_sequence *seq, int k, const char *why)
{
	engine_event(c, "step.skipped", "Skipped step %d of %s: %s", k + 1, seq->name, why);
}

/* Why channel ch cannot carry the step's message to the lead, or NULL. */
static const char *
channel_blocker(engine_ctx *c, const rules_step *s, rules_channel ch)
{
	bool sms = ch == CHANNEL_SMS;

	if (!engine_lead_reachable(c, sms ? "sms" : "email")) {
		if (sms && !c->sms_opt_out && (c->flags & LEAD_NO_TEXTS))
			return "the phone number cannot take texts";
		if (sms ? c->sms_opt_out : c->email_opt_out)
			return sms ? "the lead opted out of texts" : "the lead opted out of email";
		return sms ? "no usable phone number" : "no usable email address";
	}
	if (sms && !engine_sms_allowed(c))
		return engine_fmt(c, "%s is outside the countries automated texts go to (%s)",
				  c->l->phone, engine_sms_countries(c));
	if (rules_template_find(c->r, rules_step_template(s, ch)) == NULL)
		return "template missing";
	return NULL;
}

/* Why an automated message to the lead must not go now, or NULL; *ch is the
 * first of the step's channels that can carry it. */
static const char *
send_blocker(engine_ctx *c, const rules_step *s, bool ack, rules_channel *ch)
{
	size_t n = s->nchannels ? s->nchannels : 1;
	const char *why, *first = NULL;

	if ((why = unless_reason(c, s->unless)) != NULL)
		return why;
	if (c->flags & (LEAD_MAYBE_OPT_OUT_SMS | LEAD_MAYBE_OPT_OUT_EMAIL))
		return "paused: the lead may have asked to stop, a person confirms it first";
	for (size_t i = 0; i < n; i++) {
		*ch = s->nchannels ? s->channels[i] : s->channel;
		if ((why = channel_blocker(c, s, *ch)) == NULL)
			break;
		first = first == NULL ? why : engine_fmt(c, "%s, and %s", first, why);
	}
	if (why != NULL)
		return first;
	if (!ack && c->r->max_touches > 0 && engine_recent_touches(c) >= (size_t)c->r->max_touches)
		return engine_fmt(c, "touch limit reached (%d automated messages per %lld days)",
				  c->r->max_touches, (long long)(c->r->touch_window / 86400));
	return NULL;
}

/* A caller we missed gets the "missed-call text back" instead of the generic
 * text acknowledgment, when the rules have a `missed_call` template. */
static const rules_template *
ack_template(engine_ctx *c, const rules_step *s, rules_channel ch)
{
	const rules_template *missed = rules_template_find(c->r, "missed_call");

	if (missed != NULL && ch == CHANNEL_SMS && s->at == 0 &&
	    c->l->source != NULL && strcmp(c->l->source, "phone_call") == 0)
		return missed;
	return rules_template_find(c->r, rules_step_template(s, ch));
}

static void
run_send(engine_ctx *c, const rules_sequence *seq, int k, bool on_intake)
{
	const rules_step *s = &seq->steps[k];
	bool ack = on_intake && s->at == 0;
	rules_channel ch = s->channel;
	const char *why = send_blocker(c, s, ack, &ch);

	if (why != NULL) {
		skip(c, seq, k, why);
		return;
	}
	engine_queue_to_lead(c, ch == CHANNEL_SMS ? "sms" : "email",
			     engine_render_to_lead(c, ack_template(c, s, ch)->text),
			     ack ? PURPOSE_ACK : PURPOSE_FOLLOWUP,
			     !(ack && c->r->business.ack_ignores_quiet));
}

void
engine_missed_call_text(engine_ctx *c)
{
	const rules_template *t = rules_template_find(c->r, "missed_call");

	if (t != NULL && engine_sms_allowed(c) &&
	    !(c->flags & (LEAD_MAYBE_OPT_OUT_SMS | LEAD_MAYBE_OPT_OUT_EMAIL)))
		engine_queue_to_lead(c, "sms", engine_render_to_lead(c, t->text), PURPOSE_ACK,
				     !c->r->business.ack_ignores_quiet);
}

void
engine_run_step(engine_ctx *c, const rules_sequence *seq, int k, bool on_intake)
{
	const rules_step *s = &seq->steps[k];
	const char *why;

	switch (s->kind) {
	case STEP_SEND:
		run_send(c, seq, k, on_intake);
		break;
	case STEP_TASK:
		if ((why = unless_reason(c, s->unless)) != NULL) {
			skip(c, seq, k, why);
			break;
		}
		engine_create_task(c, s->verb, s->title ? render_kept(c, s->title) : NULL,
				   c->owner, s->within, s->business_hours,
				   c->l->service && *c->l->service ?
				   engine_fmt(c, "about %s", c->l->service) : NULL);
		break;
	case STEP_NOTIFY: {
		const rules_template *t = rules_template_find(c->r, s->template_name);
		const rules_person *p = engine_notify_target(c, s->notify);

		if (t != NULL && p != NULL)
			engine_notify(c, p, render_kept(c, t->text));
		break;
	}
	}
}

/* Whether an unanswered last step sends the lead cold. A won customer is not
 * a lead that went unanswered (a won stage's sequence just finishes), and the
 * status it would go to must be a legal edge (states.h). */
static bool
may_go_cold(const engine_ctx *c)
{
	const char *to = c->r->cold.kind == COLD_ARCHIVE ? LEAD_STATUS_ARCHIVED :
			 c->r->cold.kind == COLD_NURTURE ? LEAD_STATUS_NURTURE : LEAD_STATUS_LOST;

	return !engine_streq(c->status, LEAD_STATUS_WON) && lead_status_allowed_names(c->status, to);
}

bool
engine_plan_skips(const engine_ctx *c, const char *id)
{
	return lead_id_listed(c->plan_skip, id);
}

void
engine_step_timer(engine_ctx *c, const rules_sequence *seq, int k, int64_t at)
{
	action *a = engine_push(c, ACT_TIMER_SET);

	a->timer = TIMER_STEP;
	a->name = seq->name;
	a->step = k;
	a->step_id = seq->steps[k].id;
	a->at = at;
}

void
engine_sequence_end(engine_ctx *c, const rules_sequence *seq)
{
	if (seq->nsteps > 0 && seq->steps[seq->nsteps - 1].then == THEN_COLD &&
	    unless_reason(c, UNLESS_REPLIED | UNLESS_TOUCHED) == NULL && may_go_cold(c)) {
		if (!engine_hold_unreached(c, seq))
			engine_go_cold(c);
	} else {
		/* Done: no sequence runs, so a lead left without a task is seen. */
		engine_event(c, "sequence.finished", "Finished %s", seq->name);
		engine_stop_sequence(c, NULL);
	}
}

/* After step k: the next step in order that the plan does not skip (a rules
 * change may have moved a step the lead already had past this point). */
void
engine_chain(engine_ctx *c, const rules_sequence *seq, int k)
{
	size_t next = (size_t)k + 1;

	while (next < seq->nsteps && engine_plan_skips(c, seq->steps[next].id))
		next++;
	if (next < seq->nsteps)
		/* Kept even if already past: it fires at once and shows as late. */
		engine_step_timer(c, seq, (int)next,
				  bizclock_add_offset(&c->r->business, c->seq_started,
						      seq->steps[next].at));
	else
		engine_sequence_end(c, seq);
}

/* The due time of the first immediate task step: what the acknowledgment
 * promises the lead ("Alice will call you today by 3:05 PM"). */
static int64_t
first_task_due(engine_ctx *c, const rules_sequence *seq)
{
	for (size_t i = 0; i < seq->nsteps && seq->steps[i].at == 0; i++) {
		const rules_step *s = &seq->steps[i];

		if (s->kind == STEP_TASK)
			c->next_contact_verb = engine_task_verb(c, s->verb);
		if (s->kind == STEP_TASK)
			return s->business_hours ?
			       bizclock_add_business_minutes(&c->r->business, c->now, s->within / 60) :
			       c->now + s->within;
	}
	return 0;
}

void
engine_stop_sequence(engine_ctx *c, const char *why)
{
	action *a;

	if (c->sequence == NULL)
		return;
	engine_push(c, ACT_TIMERS_CANCEL)->timer = TIMER_STEP;
	a = engine_push(c, ACT_SET_SEQUENCE);
	a->name = NULL;
	a->at = c->now;
	a->text = c->r->version;
	c->plan++;
	c->plan_skip = NULL;
	if (why != NULL)
		engine_event(c, "sequence.stopped", "Stopped %s: %s", c->sequence, why);
	c->sequence = NULL;
}

void
engine_start_sequence(engine_ctx *c, const char *name, bool on_intake, const char *why)
{
	const rules_sequence *seq = name ? rules_sequence_find(c->r, name) : NULL;
	action *a;

	if (c->sequence != NULL) {
		engine_push(c, ACT_TIMERS_CANCEL)->timer = TIMER_STEP;
		engine_event(c, "sequence.stopped", "Stopped %s: %s", c->sequence, why);
	}
	a = engine_push(c, ACT_SET_SEQUENCE);
	a->name = seq ? seq->name : NULL;
	a->at = c->now;
	a->text = c->r->version;
	c->plan++;
	c->plan_skip = NULL;
	c->sequence = a->name;
	c->seq_started = c->now;
	if (seq == NULL || seq->nsteps == 0)
		return;
	if (c->paused_at > 0) {
		engine_event(c, "sequence.started", "Started %s (%s); held: the automation is "
			     "paused", seq->name, why);
		engine_pause_hold(c);
		return;
	}
	engine_event(c, "sequence.started", "Started %s (%s)", seq->name, why);
	c->next_contact_due = first_task_due(c, seq);
	if (seq->steps[0].at > 0) {
		engine_step_timer(c, seq, 0, bizclock_add_offset(&c->r->business, c->now,
								 seq->steps[0].at));
		return;
	}
	/* Run every immediate step now; the last of them chains the first later one. */
	size_t k = 0;

	while (k < seq->nsteps && seq->steps[k].at == 0)
		engine_run_step(c, seq, (int)k++, on_intake);
	engine_chain(c, seq, (int)k - 1);
}

void
engine_go_cold(engine_ctx *c)
{
	const rules_cold *cold = &c->r->cold;
	action *a;
	const char *reason = cold->reason ? cold->reason : "no_response";

	engine_stop_sequence(c, NULL);
	engine_close_tasks(c, NULL, "cancelled", "the lead went cold");
	engine_push(c, ACT_TIMERS_CANCEL)->timer = TIMER_ESCALATE;

	switch (cold->kind) {
	case COLD_LOST: {
		int64_t back = cold->reactivate_after > 0 ?
			       bizclock_add_offset(&c->r->business, c->now, cold->reactivate_after) : 0;
		char when[64] = "never";

		a = engine_push(c, ACT_SET_STATUS);
		a->name = LEAD_STATUS_LOST;
		a->reason = reason;
		a->at = back;
		c->status = LEAD_STATUS_LOST;
		if (rules_stage_find(c->r, "lost") != NULL) {
			engine_push(c, ACT_SET_STAGE)->name = "lost";
			c->stage = "lost";
		}
		if (back > 0) {
			a = engine_push(c, ACT_TIMER_SET);
			a->timer = TIMER_REACTIVATE;
			a->at = back;
			bizclock_describe_due(&c->r->business, c->now, back, when, sizeof when);
			char *by = strstr(when, " by ");

			if (by != NULL)
				*by = '\0';	/* the day is enough */
		}
		engine_event(c, "lead.cold", "No answer after the last follow-up: lost (%s), "
			     "comes back %s", reason, when);
		break;
	}
	case COLD_ARCHIVE:
		a = engine_push(c, ACT_SET_STATUS);
		a->name = LEAD_STATUS_ARCHIVED;
		a->reason = reason;
		c->status = LEAD_STATUS_ARCHIVED;
		engine_event(c, "lead.cold", "No answer after the last follow-up: archived (%s)",
			     reason);
		break;
	case COLD_NURTURE:
		a = engine_push(c, ACT_SET_STATUS);
		a->name = LEAD_STATUS_NURTURE;
		a->reason = reason;
		c->status = LEAD_STATUS_NURTURE;
		if (rules_stage_find(c->r, "nurture") != NULL) {
			engine_push(c, ACT_SET_STAGE)->name = "nurture";
			c->stage = "nurture";
		}
		engine_event(c, "lead.cold", "No answer after the last follow-up: moved to nurture");
		if (cold->sequence)
			engine_start_sequence(c, cold->sequence, false, "nurture");
		if (cold->nurture_every > 0) {
			a = engine_push(c, ACT_TIMER_SET);
			a->timer = TIMER_NURTURE;
			a->at = bizclock_add_offset(&c->r->business, c->now, cold->nurture_every);
		}
		break;
	}
}

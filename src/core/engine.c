/*
 * engine.c - decide(): one handler per kind of event. Each handler reads the
 * lead as it is, appends the actions that follow, and never touches I/O.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bizclock.h"
#include "engine_internal.h"

/* How long a person has to answer a lead who wrote back, in business minutes. */
#define REPLY_WINDOW (15 * 60)

static bool
streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static const char *
display_name(const lead *l)
{
	return l->name && *l->name ? l->name : "The lead";
}

static const char *
first_name(engine_ctx *c)
{
	char buf[80];

	lead_first_name(c->l->name, buf, sizeof buf);
	return buf[0] ? engine_str(c, buf) : "The lead";
}

static void
set_status(engine_ctx *c, const char *status, const char *reason, int64_t at)
{
	action *a = engine_push(c, ACT_SET_STATUS);

	a->name = status;
	a->reason = reason;
	a->at = at;
	c->status = status;
}

static void
mark(engine_ctx *c, const char *what)
{
	action *a = engine_push(c, ACT_MARK);

	a->name = what;
	a->at = c->now;
}

static bool
is_open(const engine_ctx *c)
{
	return streq(c->status, LEAD_STATUS_OPEN);
}

/* A cold lead that speaks again comes back to the active pipeline. */
static void
reopen_if_cold(engine_ctx *c, const char *why)
{
	if (is_open(c) || streq(c->status, LEAD_STATUS_WON))
		return;
	set_status(c, LEAD_STATUS_OPEN, NULL, 0);
	engine_push(c, ACT_TIMERS_CANCEL)->timer = TIMER_REACTIVATE;
	engine_push(c, ACT_TIMERS_CANCEL)->timer = TIMER_NURTURE;
	if (c->r->nstages > 0) {
		engine_push(c, ACT_SET_STAGE)->name = c->r->stages[0].name;
		c->stage = c->r->stages[0].name;
	}
	engine_event(c, "lead.reopened", "Back in the pipeline: %s", why);
}

/* Stop rule: once the lead or a person has spoken, the pending automated
 * steps that would be skipped anyway are cancelled outright, so the plan shows
 * what will really happen. Steps without a matching `unless` keep running. */
static void
stop_automation_if_moot(engine_ctx *c, unsigned cause, const char *why)
{
	const rules_sequence *seq = c->sequence ? rules_sequence_find(c->r, c->sequence) : NULL;

	if (seq == NULL)
		return;
	for (size_t i = 0; i < seq->nsteps; i++) {
		const rules_step *s = &seq->steps[i];

		if (c->seq_started + s->at <= c->now)
			continue;
		if (!(s->unless & cause))
			return;
	}
	engine_stop_sequence(c, why);
}

static void
task_for_owner(engine_ctx *c, const char *verb, const char *title)
{
	engine_create_task(c, verb, title, c->owner, REPLY_WINDOW, true, NULL);
}

/* --- intake ------------------------------------------------------------- */

static void
flag_contact_problems(engine_ctx *c)
{
	const lead *l = c->l;
	const char *what;

	if (l->flags & LEAD_NO_CONTACT)
		what = "has no phone number or email we can use";
	else if (l->flags & LEAD_PHONE_INVALID)
		what = engine_fmt(c, "has a phone number that could not be read (\"%s\")",
				  l->phone ? l->phone : "");
	else if (l->flags & LEAD_EMAIL_INVALID)
		what = engine_fmt(c, "has an email address that could not be read (\"%s\")",
				  l->email ? l->email : "");
	else
		return;
	engine_event(c, "lead.flagged", "%s %s", display_name(l), what);
	task_for_owner(c, "review", engine_fmt(c, "Fix the contact details: %s %s",
					       display_name(l), what));
}

static decide_result
on_created(engine_ctx *c)
{
	const lead *l = c->l;
	const rules_stage *first = c->r->nstages > 0 ? &c->r->stages[0] : NULL;
	const char *seq;

	engine_event(c, "lead.created", "New lead from %s: %s%s%s", l->source ? l->source : "unknown",
		     display_name(l), l->service && *l->service ? " - " : "",
		     l->service ? l->service : "");
	if (c->owner == NULL) {
		char key[32];
		int p = engine_route(c->r, l, c->rr, c->now, key, sizeof key);

		if (p < 0)
			p = 0;	/* rules check forbids this; never leave a lead without owner */
		if (key[0] != '\0')
			engine_push(c, ACT_RR_ADVANCE)->name = engine_str(c, key);
		engine_set_owner(c, p, "by routing rules");
	} else {
		engine_event(c, "owner.assigned", "Owner: %s (set at intake)", c->owner);
	}
	if (first != NULL && !streq(c->stage, first->name)) {
		engine_push(c, ACT_SET_STAGE)->name = first->name;
		c->stage = first->name;
	}
	/* A sequence named after the lead's kind (estimate, no_show, ...) wins
	 * over the first stage's: one rules file serves every kind of lead. */
	if (l->kind && rules_sequence_find(c->r, l->kind))
		seq = l->kind;
	else if (first && first->sequence)
		seq = first->sequence;
	else
		seq = rules_sequence_find(c->r, "new_inquiry") ? "new_inquiry" : NULL;
	engine_start_sequence(c, seq, true, "new lead");
	flag_contact_problems(c);
	return DECIDE_OK;
}

static decide_result
on_inquiry_again(engine_ctx *c, const lead_event *ev)
{
	const char *via = ev->source ? ev->source : "another source";

	engine_event(c, "lead.inquiry_again", "%s asked again via %s%s%s", display_name(c->l), via,
		     ev->text && *ev->text ? ": " : "", ev->text ? ev->text : "");
	mark(c, "inbound");
	c->replied = true;
	reopen_if_cold(c, engine_fmt(c, "asked again via %s", via));
	stop_automation_if_moot(c, UNLESS_REPLIED, "the lead asked again");
	task_for_owner(c, "call", engine_fmt(c, "%s asked again via %s - call back", first_name(c),
					     via));
	if (strcmp(via, "phone_call") == 0)
		engine_missed_call_text(c);
	return DECIDE_OK;
}

/* --- the lead speaks ---------------------------------------------------- */

typedef enum { KW_NONE, KW_STOP, KW_START, KW_HELP } sms_keyword;

static sms_keyword
keyword(const char *text)
{
	static const char *const stop[] = { "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END",
					    "QUIT", NULL };
	static const char *const start[] = { "START", "UNSTOP", "YES", NULL };
	char word[16];
	size_t n = 0;

	if (text == NULL)
		return KW_NONE;
	while (isspace((unsigned char)*text))
		text++;
	while (*text && !isspace((unsigned char)*text) && n < sizeof word - 1)
		word[n++] = *text++;
	word[n] = '\0';
	while (isspace((unsigned char)*text))
		text++;
	if (*text != '\0' || n == 0)
		return KW_NONE;	/* a keyword is the whole message */
	for (size_t i = 0; stop[i]; i++)
		if (strcasecmp(word, stop[i]) == 0)
			return KW_STOP;
	for (size_t i = 0; start[i]; i++)
		if (strcasecmp(word, start[i]) == 0)
			return KW_START;
	return strcasecmp(word, "HELP") == 0 || strcasecmp(word, "INFO") == 0 ? KW_HELP : KW_NONE;
}

static decide_result
on_opt(engine_ctx *c, const char *channel, bool out)
{
	bool sms = streq(channel, "sms");
	bool *flag = sms ? &c->sms_opt_out : &c->email_opt_out;
	action *a;

	if (*flag == out)
		return DECIDE_OK;	/* a repeated STOP gets no second confirmation */
	a = engine_push(c, ACT_SET_OPT_OUT);
	a->channel = sms ? "sms" : "email";
	a->flag = out;
	if (out) {
		engine_event(c, "consent.opted_out", "%s opted out of %s", display_name(c->l),
			     sms ? "texts" : "email");
		if (sms)
			engine_queue_to_lead(c, "sms", engine_fmt(c, "You're unsubscribed from %s "
								  "texts. Reply START to resubscribe.",
								  c->r->business.name),
					     PURPOSE_COMPLIANCE, false);
		*flag = true;
		engine_notify(c, engine_person(c, c->owner),
			      engine_fmt(c, "%s opted out of %s. No more automated %s; call or %s "
					 "them instead. Lead #%lld", display_name(c->l),
					 sms ? "texts" : "email", sms ? "texts" : "emails",
					 sms ? "email" : "text", (long long)c->l->id));
	} else {
		*flag = false;
		engine_event(c, "consent.opted_in", "%s opted back in to %s", display_name(c->l),
			     sms ? "texts" : "email");
		if (sms)
			engine_queue_to_lead(c, "sms", engine_fmt(c, "You're resubscribed to %s "
								  "texts. Reply STOP to opt out.",
								  c->r->business.name),
					     PURPOSE_COMPLIANCE, false);
	}
	return DECIDE_OK;
}

static decide_result
on_message_in(engine_ctx *c, const lead_event *ev)
{
	bool sms = streq(ev->channel, "sms");
	sms_keyword kw = sms ? keyword(ev->text) : KW_NONE;

	if (kw == KW_STOP || kw == KW_START) {
		engine_event(c, "message.received", "Text from the lead: %s", ev->text);
		return on_opt(c, "sms", kw == KW_STOP);
	}
	if (kw == KW_HELP) {
		engine_event(c, "message.received", "Text from the lead: %s", ev->text);
		engine_queue_to_lead(c, "sms", engine_fmt(c, "%s: call us at %s. Reply STOP to "
							  "opt out.", c->r->business.name,
							  c->r->business.phone ? c->r->business.phone :
							  "our office number"),
				     PURPOSE_COMPLIANCE, false);
		return DECIDE_OK;
	}
	engine_event(c, "message.received", "%s replied by %s: %s", first_name(c),
		     sms ? "text" : ev->channel ? ev->channel : "message", ev->text ? ev->text : "");
	mark(c, "inbound");
	c->replied = true;
	reopen_if_cold(c, "the lead replied");
	stop_automation_if_moot(c, UNLESS_REPLIED, engine_fmt(c, "%s replied", first_name(c)));
	task_for_owner(c, sms ? "text" : streq(ev->channel, "email") ? "email" : "call",
		       engine_fmt(c, "%s replied - answer %s", first_name(c),
				  sms ? "by text or call" : "them"));
	return DECIDE_OK;
}

/* --- people act ----------------------------------------------------------- */

static bool
outcome_reached(const char *outcome)
{
	static const char *const missed[] = { "no_answer", "voicemail", "busy", "wrong_number",
					      "left_voicemail", NULL };

	if (outcome == NULL)
		return true;
	for (size_t i = 0; missed[i]; i++)
		if (strcmp(outcome, missed[i]) == 0)
			return false;
	return true;
}

static void
close_tasks(engine_ctx *c, const char *verb, const char *state, const char *outcome)
{
	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *t = &c->st->tasks[i];
		action *a;

		if (verb && !streq(t->verb, verb))
			continue;
		a = engine_push(c, ACT_TASK_CLOSE);
		a->task_id = t->id;
		a->name = state;
		a->text = outcome;
	}
}

static void
human_touch(engine_ctx *c, const char *why)
{
	mark(c, "touch");
	c->touched = true;
	stop_automation_if_moot(c, UNLESS_TOUCHED, why);
}

static decide_result change_stage(engine_ctx *c, const lead_event *ev, const char *stage);

static decide_result
on_call(engine_ctx *c, const lead_event *ev)
{
	const rules_person *who = engine_person(c, ev->actor);
	bool reached = outcome_reached(ev->outcome);

	engine_event(c, "call.logged", "%s called: %s%s%s", who ? who->name : "Someone",
		     ev->outcome ? ev->outcome : "reached", ev->text && *ev->text ? " - " : "",
		     ev->text ? ev->text : "");
	close_tasks(c, "call", "done", ev->outcome ? ev->outcome : "called");
	if (!reached) {
		engine_create_task(c, "call", NULL, c->owner, 2 * 3600, true, "again");
		return DECIDE_OK;
	}
	human_touch(c, engine_fmt(c, "%s spoke with the lead", who ? who->name : "someone"));
	return DECIDE_OK;
}

static decide_result
on_visit(engine_ctx *c, const lead_event *ev)
{
	const rules_person *who = engine_person(c, ev->actor);
	char amount[48] = "";

	if (ev->amount_cents >= 0)
		engine_money(ev->amount_cents, amount, sizeof amount);
	engine_event(c, "visit.logged", "%s visited: %s%s%s%s%s", who ? who->name : "Someone",
		     ev->outcome ? ev->outcome : "done", amount[0] ? ", quote " : "", amount,
		     ev->text && *ev->text ? " - " : "", ev->text ? ev->text : "");
	close_tasks(c, "visit", "done", ev->outcome ? ev->outcome : "visited");
	if (streq(ev->outcome, "no_show")) {
		if (rules_sequence_find(c->r, "no_show"))
			engine_start_sequence(c, "no_show", false, "the lead was not there");
		return DECIDE_OK;
	}
	human_touch(c, engine_fmt(c, "%s visited the lead", who ? who->name : "someone"));
	if (ev->amount_cents >= 0 && rules_stage_find(c->r, "quoted") != NULL &&
	    !streq(c->stage, "quoted"))
		return change_stage(c, ev, "quoted");
	if (ev->amount_cents >= 0) {
		engine_push(c, ACT_SET_QUOTE)->amount_cents = ev->amount_cents;
		c->quote_cents = ev->amount_cents;
	}
	return DECIDE_OK;
}

static decide_result
on_note(engine_ctx *c, const lead_event *ev)
{
	const rules_person *who = engine_person(c, ev->actor);

	engine_event(c, ev->contact ? "note.contact" : "note", "%s: %s", who ? who->name : "Note",
		     ev->text ? ev->text : "");
	if (ev->contact)
		human_touch(c, "a contact was noted");
	return DECIDE_OK;
}

static decide_result
on_task_done(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
{
	const lead_task *t = NULL;
	action *a;

	for (size_t i = 0; i < c->st->ntasks; i++)
		if (c->st->tasks[i].id == ev->task_id)
			t = &c->st->tasks[i];
	if (t == NULL) {
		snprintf(err, errlen, "task %lld is not an open task of lead %lld",
			 (long long)ev->task_id, (long long)c->l->id);
		return DECIDE_NOT_FOUND;
	}
	a = engine_push(c, ACT_TASK_CLOSE);
	a->task_id = t->id;
	a->name = "done";
	a->text = ev->outcome;
	engine_event(c, "task.done", "Done: %s%s%s", t->title, ev->outcome ? " - " : "",
		     ev->outcome ? ev->outcome : "");
	mark(c, "task_done");
	c->task_done = true;
	if (outcome_reached(ev->outcome) && !streq(t->verb, "review"))
		human_touch(c, "a task was done");
	return DECIDE_OK;
}

static decide_result
on_owner(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
{
	int p = ev->owner ? rules_person_index(c->r, ev->owner) : -1;

	if (p < 0) {
		snprintf(err, errlen, "owner: no person \"%s\" in the rules",
			 ev->owner ? ev->owner : "");
		return DECIDE_NOT_FOUND;
	}
	engine_set_owner(c, p, ev->actor ? engine_fmt(c, "set by %s", ev->actor) : "set by hand");
	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *t = &c->st->tasks[i];
		action *a;

		if (streq(t->assignee, c->owner))
			continue;
		a = engine_push(c, ACT_TASK_CLOSE);
		a->task_id = t->id;
		a->name = "reassigned";
		a->text = engine_fmt(c, "to %s", c->owner);
		a = engine_push(c, ACT_TASK_CREATE);
		a->verb = t->verb;
		a->text = t->title;
		a->person = c->owner;
		a->at = t->due_at > c->now ? t->due_at : c->now;
		c->new_tasks++;
	}
	return DECIDE_OK;
}

static bool
known_reason(const rules *r, const char *reason)
{
	for (size_t i = 0; i < r->nlost_reasons; i++)
		if (strcmp(r->lost_reasons[i], reason) == 0)
			return true;
	return false;
}

static decide_result
stage_error(engine_ctx *c, const lead_event *ev, const char *stage, char *err, size_t errlen)
{
	const rules_stage *st = rules_stage_find(c->r, stage);

	if (st == NULL) {
		size_t off = (size_t)snprintf(err, errlen, "stage: no stage \"%s\" (known:", stage);

		for (size_t i = 0; i < c->r->nstages && off < errlen; i++)
			off += (size_t)snprintf(err + off, errlen - off, "%s %s", i ? "," : "",
						c->r->stages[i].name);
		if (off < errlen)
			snprintf(err + off, errlen - off, ")");
		return DECIDE_NOT_FOUND;
	}
	if (st->requires_amount && ev->amount_cents < 0 && c->quote_cents < 0) {
		snprintf(err, errlen, "amount: moving to \"%s\" needs an amount", stage);
		return DECIDE_INVALID;
	}
	if (st->requires_reason && (ev->reason == NULL || !known_reason(c->r, ev->reason))) {
		size_t off = (size_t)snprintf(err, errlen, "reason: moving to \"%s\" needs a reason, "
					      "one of:", stage);

		for (size_t i = 0; i < c->r->nlost_reasons && off < errlen; i++)
			off += (size_t)snprintf(err + off, errlen - off, "%s %s", i ? "," : "",
						c->r->lost_reasons[i]);
		return DECIDE_INVALID;
	}
	return DECIDE_OK;
}

static decide_result
change_stage(engine_ctx *c, const lead_event *ev, const char *name)
{
	const rules_stage *st = rules_stage_find(c->r, name);
	const char *from = c->stage ? c->stage : "none";
	char amount[48] = "";

	if (ev->amount_cents >= 0) {
		engine_push(c, ACT_SET_QUOTE)->amount_cents = ev->amount_cents;
		c->quote_cents = ev->amount_cents;
		engine_money(ev->amount_cents, amount, sizeof amount);
	}
	engine_push(c, ACT_SET_STAGE)->name = st->name;
	c->stage = st->name;
	engine_event(c, "stage.changed", "Stage %s -> %s%s%s%s%s%s", from, st->name,
		     ev->actor ? " by " : "", ev->actor ? ev->actor : "",
		     amount[0] ? ", amount " : "", amount,
		     ev->reason ? engine_fmt(c, ", reason %s", ev->reason) : "");

	if (st->owner_role != NULL) {
		const rules_person *cur = engine_person(c, c->owner);

		if (cur == NULL || !streq(cur->role, st->owner_role)) {
			rules_owner pool = { .role = st->owner_role };
			int p = engine_pick(c, &pool, engine_fmt(c, "role:%s", st->owner_role), NULL);

			if (p >= 0)
				engine_set_owner(c, p, engine_fmt(c, "%s owns the %s stage",
								  st->owner_role, st->name));
		}
	}
	if (st->closed) {
		const char *status = streq(st->name, "won") ? LEAD_STATUS_WON : LEAD_STATUS_LOST;

		close_tasks(c, NULL, "cancelled", engine_fmt(c, "lead moved to %s", st->name));
		engine_push(c, ACT_TIMERS_CANCEL)->timer = TIMER_ESCALATE;
		set_status(c, status, ev->reason, 0);
	} else if (!is_open(c)) {
		set_status(c, LEAD_STATUS_OPEN, NULL, 0);
		engine_push(c, ACT_TIMERS_CANCEL)->timer = TIMER_REACTIVATE;
	}
	if (st->sequence != NULL)
		engine_start_sequence(c, st->sequence, false,
				      engine_fmt(c, "stage %s -> %s", from, st->name));
	else
		engine_stop_sequence(c, engine_fmt(c, "stage %s -> %s", from, st->name));
	return DECIDE_OK;
}

/* --- timers --------------------------------------------------------------- */

static decide_result
on_escalate(engine_ctx *c, const lead_event *ev)
{
	const lead_task *t = NULL;
	const rules_escalation *e;
	action *a;

	if (ev->level < 0 || (size_t)ev->level >= c->r->nescalations)
		return DECIDE_OK;
	for (size_t i = 0; i < c->st->ntasks; i++)
		if (c->st->tasks[i].id == ev->task_id)
			t = &c->st->tasks[i];
	if (t == NULL)
		return DECIDE_OK;	/* done or closed since: nothing to escalate */
	e = &c->r->escalations[ev->level];
	if (e->kind == ESC_NOTIFY) {
		const rules_person *to = engine_notify_target(c, e->notify);
		const rules_person *who = engine_person(c, t->assignee);
		char due[32];

		bizclock_format_time(&c->r->business, t->due_at, due, sizeof due);
		engine_event(c, "task.escalated", "Overdue: \"%s\" was due %s; told %s", t->title, due,
			     to ? to->name : e->notify);
		engine_notify(c, to, engine_fmt(c, "Overdue: %s was due %s (%s). Lead #%lld",
						t->title, due, who ? who->name : t->assignee,
						(long long)c->l->id));
	} else {
		int p = engine_pick(c, &e->reassign, engine_fmt(c, "escalation:%d", ev->level),
				    t->assignee);
		const rules_person *np = p >= 0 ? &c->r->people[p] : NULL;

		if (np == NULL || streq(np->id, t->assignee))
			return DECIDE_OK;
		a = engine_push(c, ACT_TASK_CLOSE);
		a->task_id = t->id;
		a->name = "reassigned";
		a->text = engine_fmt(c, "overdue, reassigned to %s", np->name);
		engine_event(c, "task.escalated", "Overdue: \"%s\" reassigned from %s to %s", t->title,
			     t->assignee, np->name);
		engine_set_owner(c, p, "the task was overdue");
		/* The new task continues the chain after this step, so a task that
		 * keeps slipping is reassigned once, not passed round forever. */
		c->esc_from = ev->level + 1;
		engine_create_task(c, t->verb, NULL, np->id, REPLY_WINDOW, true,
				   c->l->service && *c->l->service ?
				   engine_fmt(c, "about %s", c->l->service) : NULL);
		return DECIDE_OK;
	}
	if ((size_t)ev->level + 1 < c->r->nescalations) {
		a = engine_push(c, ACT_TIMER_SET);
		a->timer = TIMER_ESCALATE;
		a->task_id = t->id;
		a->level = ev->level + 1;
		/* Kept even if already past: it fires at once and shows as late. */
		a->at = t->due_at + c->r->escalations[ev->level + 1].overdue;
	}
	return DECIDE_OK;
}

static decide_result
on_timer(engine_ctx *c, const lead_event *ev)
{
	int64_t late = c->now - ev->due_at;

	if (late >= 60 && ev->due_at > 0)
		engine_event(c, "timer.late", "Timer due %lld s ago fired late (the server was down "
			     "or busy)", (long long)late);
	switch (ev->timer) {
	case TIMER_STEP: {
		const rules_sequence *seq = rules_sequence_find(c->r, ev->sequence ? ev->sequence : "");

		/* A re-planned lead ignores the timers of its old plan. */
		if (seq == NULL || ev->plan != c->l->plan || !streq(c->sequence, seq->name) ||
		    ev->step < 0 || (size_t)ev->step >= seq->nsteps)
			return DECIDE_OK;
		engine_run_step(c, seq, ev->step, false);
		engine_chain(c, seq, ev->step);
		return DECIDE_OK;
	}
	case TIMER_ESCALATE:
		return on_escalate(c, ev);
	case TIMER_REACTIVATE:
		if (!streq(c->status, LEAD_STATUS_LOST))
			return DECIDE_OK;
		set_status(c, LEAD_STATUS_OPEN, NULL, 0);
		if (c->r->nstages > 0) {
			engine_push(c, ACT_SET_STAGE)->name = c->r->stages[0].name;
			c->stage = c->r->stages[0].name;
		}
		engine_event(c, "lead.reactivated", "Reactivated after going cold");
		if (c->r->cold.sequence)
			engine_start_sequence(c, c->r->cold.sequence, false, "reactivation");
		else
			engine_create_task(c, "call", NULL, c->owner, 24 * 3600, true, "again");
		return DECIDE_OK;
	case TIMER_NURTURE:
		if (!streq(c->status, LEAD_STATUS_NURTURE))
			return DECIDE_OK;
		if (c->r->cold.sequence)
			engine_start_sequence(c, c->r->cold.sequence, false, "nurture check-in");
		if (c->r->cold.nurture_every > 0) {
			action *a = engine_push(c, ACT_TIMER_SET);

			a->timer = TIMER_NURTURE;
			a->at = bizclock_add_offset(&c->r->business, c->now, c->r->cold.nurture_every);
		}
		return DECIDE_OK;
	}
	return DECIDE_OK;
}

/* --- the promise ---------------------------------------------------------- */

/* Open tasks once this decision is applied. */
static size_t
open_tasks_after(const engine_ctx *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->st->ntasks; i++) {
		bool closed = false;

		for (size_t j = 0; j < c->d->n && !closed; j++)
			closed = c->d->items[j].kind == ACT_TASK_CLOSE &&
				 c->d->items[j].task_id == c->st->tasks[i].id;
		n += !closed;
	}
	for (size_t j = 0; j < c->d->n; j++)
		n += c->d->items[j].kind == ACT_TASK_CREATE;
	return n;
}

/* No lead may fall through: an open lead with no task and no running
 * sequence gets a task for its owner to decide the next step. */
static void
ensure_next_action(engine_ctx *c)
{
	if (!is_open(c) || c->sequence != NULL || open_tasks_after(c) > 0 || c->owner == NULL)
		return;
	engine_create_task(c, "review", engine_fmt(c, "Decide the next step for %s (stage %s)",
						   display_name(c->l), c->stage ? c->stage : "none"),
			   c->owner, 4 * 3600, true, NULL);
}

/* --- entry point ---------------------------------------------------------- */

decide_result
decide(const lead_state *st, const lead_event *ev, const rules *r, const rr_counters *rr,
       int64_t now, decision **out, char *err, size_t errlen)
{
	char dummy[8];
	engine_ctx c = {
		.st = st, .l = &st->lead, .r = r, .rr = rr, .now = now,
		.owner = st->lead.owner, .stage = st->lead.stage,
		.status = st->lead.status ? st->lead.status : LEAD_STATUS_OPEN,
		.sequence = st->lead.sequence, .seq_started = st->lead.sequence_started_at,
		.plan = st->lead.plan, .quote_cents = st->lead.quote_cents,
		.sms_opt_out = st->lead.sms_opt_out, .email_opt_out = st->lead.email_opt_out,
	};
	decide_result res = DECIDE_OK;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof dummy;
	}
	err[0] = '\0';
	*out = NULL;
	if (ev->kind == EV_STAGE) {
		if (ev->stage == NULL) {
			snprintf(err, errlen, "stage: missing");
			return DECIDE_INVALID;
		}
		if ((res = stage_error(&c, ev, ev->stage, err, errlen)) != DECIDE_OK)
			return res;
	}
	c.d = decision_new();
	switch (ev->kind) {
	case EV_CREATED:	res = on_created(&c); break;
	case EV_INQUIRY_AGAIN:	res = on_inquiry_again(&c, ev); break;
	case EV_MESSAGE_IN:	res = on_message_in(&c, ev); break;
	case EV_CALL_LOGGED:	res = on_call(&c, ev); break;
	case EV_VISIT_LOGGED:	res = on_visit(&c, ev); break;
	case EV_NOTE:		res = on_note(&c, ev); break;
	case EV_STAGE:		res = change_stage(&c, ev, ev->stage); break;
	case EV_OWNER:		res = on_owner(&c, ev, err, errlen); break;
	case EV_TASK_DONE:	res = on_task_done(&c, ev, err, errlen); break;
	case EV_OPT_OUT:	res = on_opt(&c, ev->channel ? ev->channel : "sms", true); break;
	case EV_OPT_IN:		res = on_opt(&c, ev->channel ? ev->channel : "sms", false); break;
	case EV_TIMER:		res = on_timer(&c, ev); break;
	}
	if (res != DECIDE_OK) {
		decision_free(c.d);
		return res;
	}
	ensure_next_action(&c);
	*out = c.d;
	return DECIDE_OK;
}

/*
 * engine_people.c - people act on a lead: calls, visits, notes, tasks done,
 * a new owner. Human contact stops the automation it makes moot.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bizclock.h"
#include "engine_internal.h"

bool
engine_outcome_reached(const char *outcome)
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

void
engine_close_tasks(engine_ctx *c, const char *verb, const char *state, const char *outcome)
{
	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *t = &c->st->tasks[i];
		action *a;

		if ((verb && !engine_streq(t->verb, verb)) || engine_task_closing(c, t->id))
			continue;
		a = engine_push(c, ACT_TASK_CLOSE);
		a->task_id = t->id;
		a->name = state;
		a->text = outcome;
	}
}

/* Tasks the engine made that no outcome answers: the contact details stay
 * broken, and a possible opt-out waits for a person to confirm it. */
static bool
stands_alone(const lead_task *t)
{
	static const char *const kept[] = { "Fix the contact details", "Possible opt-out", NULL };

	for (size_t i = 0; kept[i]; i++)
		if (t->title && strncmp(t->title, kept[i], strlen(kept[i])) == 0)
			return true;
	return false;
}

void
engine_supersede_tasks(engine_ctx *c, unsigned verbs, const char *why)
{
	static const char *const names[] = { "call", "text", "email", "visit", "review" };

	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *t = &c->st->tasks[i];
		bool match = false;
		action *a;

		for (size_t v = 0; v < sizeof names / sizeof names[0]; v++)
			match |= (verbs & (1u << v)) && engine_streq(t->verb, names[v]);
		if (!match || stands_alone(t) || engine_task_closing(c, t->id))
			continue;
		/* done: what it asked for happened, or was decided, another way */
		a = engine_push(c, ACT_TASK_CLOSE);
		a->task_id = t->id;
		a->name = "done";
		a->text = engine_fmt(c, "superseded: %s", why);
		a = engine_push(c, ACT_TIMERS_CANCEL);
		a->timer = TIMER_ESCALATE;
		a->task_id = t->id;
		engine_event(c, "task.superseded", "Closed \"%s\": %s", t->title, why);
	}
}

/* "12 min", "3 h 5 min", "2 d 4 h". */
static const char *
span_words(engine_ctx *c, int64_t secs)
{
	int64_t m = (secs > 0 ? secs : 0) / 60, h = m / 60, d = h / 24;

	if (h == 0)
		return engine_fmt(c, "%lld min", (long long)m);
	if (d == 0)
		return m % 60 ? engine_fmt(c, "%lld h %lld min", (long long)h, (long long)(m % 60)) :
			engine_fmt(c, "%lld h", (long long)h);
	return h % 24 ? engine_fmt(c, "%lld d %lld h", (long long)d, (long long)(h % 24)) :
		engine_fmt(c, "%lld d", (long long)d);
}

void
engine_human_touch(engine_ctx *c, const char *why)
{
	/* The first time a person reaches the lead is a fact of its own: how soon
	 * leads are reached is what follow-up is about (the Team page's median
	 * reads these entries). Attempts (no answer, a message left) are not it. */
	if (c->l->last_touch_at == 0 && !c->touched && c->l->created_at > 0)
		engine_event(c, ENGINE_EVENT_FIRST_CONTACT, "First contact, %s after the lead arrived",
			     span_words(c, c->now - c->l->created_at));
	engine_mark(c, "touch");
	c->touched = true;
	engine_stop_if_moot(c, UNLESS_TOUCHED, why);
}

decide_result
engine_on_call(engine_ctx *c, const lead_event *ev)
{
	const rules_person *who = engine_person(c, ev->actor);
	bool reached = engine_outcome_reached(ev->outcome);

	engine_event(c, "call.logged", "%s called: %s%s%s", who ? who->name : "Someone",
		     ev->outcome ? ev->outcome : "reached", ev->text && *ev->text ? " - " : "",
		     ev->text ? ev->text : "");
	engine_close_tasks(c, "call", "done", ev->outcome ? ev->outcome : "called");
	if (!reached) {
		engine_create_task(c, "call", NULL, c->owner, 2 * 3600, true, "again");
		return DECIDE_OK;
	}
	engine_supersede_tasks(c, SUPERSEDE_CONTACT | SUPERSEDE_REVIEW,
			       engine_fmt(c, "%s spoke with the lead", who ? who->name : "someone"));
	engine_human_touch(c, engine_fmt(c, "%s spoke with the lead", who ? who->name : "someone"));
	return DECIDE_OK;
}

decide_result
engine_on_visit(engine_ctx *c, const lead_event *ev)
{
	const rules_person *who = engine_person(c, ev->actor);
	char amount[48] = "";

	if (ev->amount_cents >= 0)
		engine_money(ev->amount_cents, amount, sizeof amount);
	engine_event(c, "visit.logged", "%s visited: %s%s%s%s%s", who ? who->name : "Someone",
		     ev->outcome ? ev->outcome : "done", amount[0] ? ", quote " : "", amount,
		     ev->text && *ev->text ? " - " : "", ev->text ? ev->text : "");
	engine_close_tasks(c, "visit", "done", ev->outcome ? ev->outcome : "visited");
	if (engine_streq(ev->outcome, "no_show")) {
		if (rules_sequence_find(c->r, "no_show"))
			engine_start_sequence(c, "no_show", false, "the lead was not there");
		return DECIDE_OK;
	}
	engine_supersede_tasks(c, SUPERSEDE_CONTACT | SUPERSEDE_REVIEW,
			       engine_fmt(c, "a visit%s was logged by %s",
					  ev->amount_cents >= 0 ? " with a quote" : "",
					  who ? who->name : ev->actor ? ev->actor : "someone"));
	engine_human_touch(c, engine_fmt(c, "%s visited the lead", who ? who->name : "someone"));
	if (ev->amount_cents >= 0 && rules_stage_find(c->r, "quoted") != NULL &&
	    !engine_streq(c->stage, "quoted"))
		return engine_change_stage(c, ev, "quoted");
	if (ev->amount_cents >= 0) {
		engine_push(c, ACT_SET_QUOTE)->amount_cents = ev->amount_cents;
		c->quote_cents = ev->amount_cents;
	}
	return DECIDE_OK;
}

decide_result
engine_on_note(engine_ctx *c, const lead_event *ev)
{
	const rules_person *who = engine_person(c, ev->actor);

	engine_event(c, ev->contact ? "note.contact" : "note", "%s: %s", who ? who->name : "Note",
		     ev->text ? ev->text : "");
	if (ev->contact)
		engine_human_touch(c, "a contact was noted");
	return DECIDE_OK;
}

decide_result
engine_on_task_done(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
{
	const lead_task *t = engine_open_task(c, ev->task_id);
	action *a;

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
	engine_mark(c, "task_done");
	c->task_done = true;
	if (engine_outcome_reached(ev->outcome) && !engine_streq(t->verb, "review"))
		engine_human_touch(c, "a task was done");
	return DECIDE_OK;
}

decide_result
engine_on_owner(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
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

		if (engine_streq(t->assignee, c->owner))
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

/*
 * engine_followup.c - a person picks the lead's next follow-up ("call again
 * in 3 days", "visit booked for Friday 10:00"), and which timeline entries
 * say that a person acted on a lead at all (a lead nobody acted on is "new").
 * Pure, like every engine file: the store only writes what is decided here.
 */
#include <stdio.h>
#include <string.h>

#include "appointment.h"
#include "bizclock.h"
#include "engine_internal.h"
#include "lead_zone.h"

const char *const engine_human_event_types[] = {
	"call.logged", "visit.logged", "note", "note.contact", "stage.changed", "task.done",
	"task.snoozed", "lead.updated", "followup.set", NULL,
};

bool
engine_event_type_human(const char *type)
{
	for (size_t i = 0; type != NULL && engine_human_event_types[i]; i++)
		if (strcmp(type, engine_human_event_types[i]) == 0)
			return true;
	return false;
}

const char *const engine_followup_verbs[] = { "call", "text", "email", "visit", "review", NULL };

static const char *
known_verb(const char *verb)
{
	for (size_t i = 0; engine_followup_verbs[i]; i++)
		if (engine_streq(verb, engine_followup_verbs[i]))
			return engine_followup_verbs[i];
	return NULL;
}

/* The open task of this verb for assignee that this decision leaves open and
 * that is due first, or NULL. */
static const lead_task *
open_task(const engine_ctx *c, const char *verb, const char *assignee)
{
	const lead_task *best = NULL;

	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *t = &c->st->tasks[i];

		if (!engine_streq(t->verb, verb) || !engine_streq(t->assignee, assignee) ||
		    engine_task_closing(c, t->id))
			continue;
		if (best == NULL || t->due_at < best->due_at)
			best = t;
	}
	return best;
}

const char *
engine_lead_time_words(engine_ctx *c, int64_t t)
{
	char day[64], clock[16];

	appt_day_words(lead_zone(c->r, c->l), t, day, sizeof day);
	appt_clock_words(lead_zone(c->r, c->l), t, clock, sizeof clock);
	return engine_fmt(c, "%s at %s", day, clock);
}

/*
 * EV_FOLLOWUP: the lead's next follow-up is a .verb task for its owner due at
 * .until: a task with its escalation from then. When the owner already has
 * an open task of that verb (the attempt the engine set after "no answer",
 * say), it is cancelled, replaced by this one - one next attempt, not two. An open "decide the next step"
 * task (the promise of engine.c) is done: this is that decision. A visit
 * keeps the time given (it is
 * an appointment); any other follow-up that falls while the business is
 * closed moves to the next opening. The lead must be open; its owner does
 * the follow-up (the actor when it has none), and is notified unless they
 * set it themselves.
 */
decide_result
engine_on_followup(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
{
	const char *verb = ev->verb ? known_verb(ev->verb) : "call";
	const char *assignee = c->owner ? c->owner : ev->actor;
	const rules_person *p = engine_person(c, assignee);
	const lead_task *t;
	int64_t due = ev->until, keep;
	const char *by, *note = ev->text && *ev->text ? ev->text : NULL;
	action *a;

	if (ev->promise != NULL && due == 0 &&
	    appt_promise_parse(lead_zone(c->r, c->l), &c->r->business, ev->promise, c->now, &due) < 0) {
		snprintf(err, errlen, "promise: no time in \"%s\" (say \"after 5 pm\", \"tomorrow "
			 "10:30\", \"Thursday morning\")", ev->promise);
		return DECIDE_INVALID;
	}
	if (verb == NULL) {
		snprintf(err, errlen, "verb: \"%s\" is not one of call, text, email, visit, review",
			 ev->verb);
		return DECIDE_INVALID;
	}
	if (due <= c->now) {
		snprintf(err, errlen, "until: must be in the future");
		return DECIDE_INVALID;
	}
	if (!engine_is_open(c)) {
		snprintf(err, errlen, "The lead is %s: move it back to an open stage before planning "
			 "a follow-up.", c->status);
		return DECIDE_CONFLICT;
	}
	if (p == NULL) {
		snprintf(err, errlen, "owner: the lead has no owner to follow up; give it one first");
		return DECIDE_INVALID;
	}
	/* A promise to the lead is kept at the time promised, not the next opening
	 * - so only a time the rules can keep is promised: the person doing the
	 * call is at work then (their hours, else the business's; holidays).
	 * Refused, not moved: the lead was told that time. Until then the
	 * automation stays quiet. */
	if (ev->promise != NULL && (keep = engine_call_keepable(c, p, due)) != due) {
		if (keep < 0)
			snprintf(err, errlen, "promise: %s is not at work %s and has no working hours "
				 "to keep a call in", p->name, engine_lead_time_words(c, due));
		else
			snprintf(err, errlen, "promise: %s is not at work %s; the first time the rules "
				 "can keep is %s (the lead's time)", p->name,
				 engine_lead_time_words(c, due), engine_lead_time_words(c, keep));
		return DECIDE_INVALID;
	}
	if (ev->promise != NULL)
		engine_stop_sequence(c, engine_fmt(c, "a person promised the lead: %s", ev->promise));
	else if (strcmp(verb, "visit") != 0 && !bizclock_is_open(&c->r->business, due)) {
		int64_t open = bizclock_next_open(&c->r->business, due);

		if (open > due)
			due = open;
	}
	by = engine_due_phrase(c, due);
	/* the next step is decided: the promise's "decide the next step" is done */
	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *d = &c->st->tasks[i];

		if (!engine_streq(d->verb, "review") || d->title == NULL ||
		    strncmp(d->title, ENGINE_DECIDE_TITLE, strlen(ENGINE_DECIDE_TITLE)) != 0 ||
		    engine_task_closing(c, d->id))
			continue;
		a = engine_push(c, ACT_TASK_CLOSE);
		a->task_id = d->id;
		a->name = "done";
		a->text = "next follow-up set";
	}
	/* one next attempt, not two: the open one of this verb is replaced (its
	 * title names its old due time, so it is not merely moved) */
	if ((t = open_task(c, verb, p->id)) != NULL) {
		a = engine_push(c, ACT_TASK_CLOSE);
		a->task_id = t->id;
		a->name = "cancelled";
		a->text = "replaced by the next follow-up";
		a = engine_push(c, ACT_TIMERS_CANCEL);
		a->timer = TIMER_ESCALATE;
		a->task_id = t->id;
	}
	{
		char verbcap[16];
		const char *title;

		snprintf(verbcap, sizeof verbcap, "%s", verb);
		verbcap[0] = (char)(verbcap[0] - 'a' + 'A');
		title = engine_fmt(c, "%s %s %s%s%s", verbcap, engine_display_name(c->l), by,
				   note ? " - " : "", note ? note : "");
		a = engine_push(c, ACT_TASK_CREATE);
		a->verb = verb;
		a->text = title;
		a->person = p->id;
		a->at = due;
		engine_event(c, "task.created", "Task for %s: %s (due %s)", p->name, title, by + 3);
		engine_event(c, "followup.set", "Next follow-up: %s%s%s", title,
			     t ? " (instead of: " : "", t ? engine_fmt(c, "%s)", t->title) : "");
		engine_escalate_from(c, due, 0, c->new_tasks);
		c->new_tasks++;
		if (!engine_streq(p->id, ev->actor))
			engine_notify(c, p, engine_fmt(c, "%s - lead #%lld", title, (long long)c->l->id));
	}
	return DECIDE_OK;
}

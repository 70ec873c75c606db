/*
 * engine_timer.c - a durable timer fires: a sequence step, an escalation of
 * an overdue task, a reactivation, a nurture check-in.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bizclock.h"
#include "engine_internal.h"

/* The title of a task handed to someone else: one the engine composed from
 * its verb ("Call Marcus Johnson by 3:05 PM about ...") is composed again for
 * the new due time (NULL); any other ("Possible opt-out from ...", a rules
 * title) says what it said. */
static const char *
handed_over_title(engine_ctx *c, const lead_task *t)
{
	const char *composed;

	if (t->title == NULL || t->verb == NULL || t->verb[0] < 'a' || t->verb[0] > 'z')
		return NULL;
	composed = engine_fmt(c, "%c%s %s by ", t->verb[0] - 'a' + 'A', t->verb + 1,
			      lead_name_usable(c->l->name) ? c->l->name : "the lead");
	return strncmp(t->title, composed, strlen(composed)) == 0 ? NULL : t->title;
}

static decide_result
on_escalate(engine_ctx *c, const lead_event *ev)
{
	const lead_task *t = engine_open_task(c, ev->task_id);
	const rules_escalation *e;
	action *a;

	if (ev->level < 0 || (size_t)ev->level >= c->r->nescalations)
		return DECIDE_OK;
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
		/* Waits for working hours unless urgent, or the task was due outside
		 * business hours: then the rules wanted it done at that hour. */
		engine_notify_due(c, to, engine_fmt(c, "Overdue: %s was due %s (%s). Lead #%lld",
						    t->title, due, who ? who->name : t->assignee,
						    (long long)c->l->id),
				  e->urgent || !bizclock_is_open(&c->r->business, t->due_at) ?
				  c->now : 0);
	} else {
		int p = engine_pick(c, &e->reassign, engine_fmt(c, "escalation:%d", ev->level),
				    t->assignee);
		const rules_person *np = p >= 0 ? &c->r->people[p] : NULL;

		if (np == NULL || engine_streq(np->id, t->assignee))
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
		engine_create_task(c, t->verb, handed_over_title(c, t), np->id, REPLY_WINDOW, true,
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

/*
 * rules.unanswered: the lead wrote, and since then nobody has answered - no
 * contact logged, no task done - for as long as the rule allows. The tasks to
 * answer the reply are closed and the lead returns to follow-up (a sequence)
 * or to the cold path. A later reply has its own timer; a lead that is not
 * open, or already runs a sequence again, is left alone.
 */
static decide_result
on_unanswered(engine_ctx *c)
{
	const rules_unanswered *u = &c->r->unanswered;
	const lead *l = c->l;
	char after[32];

	if (u->after <= 0 || !engine_is_open(c) || c->sequence != NULL || l->last_inbound_at <= 0 ||
	    l->last_touch_at >= l->last_inbound_at || l->last_task_done_at >= l->last_inbound_at ||
	    c->now - l->last_inbound_at < u->after)
		return DECIDE_OK;
	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *t = &c->st->tasks[i];
		action *a;

		if (t->title == NULL || strstr(t->title, REPLY_TITLE) == NULL ||
		    engine_task_closing(c, t->id))
			continue;
		a = engine_push(c, ACT_TASK_CLOSE);
		a->task_id = t->id;
		a->name = "cancelled";
		a->text = "nobody answered the reply";
		a = engine_push(c, ACT_TIMERS_CANCEL);
		a->timer = TIMER_ESCALATE;
		a->task_id = t->id;
	}
	if (u->after % 86400 == 0)
		snprintf(after, sizeof after, "%lld days", (long long)(u->after / 86400));
	else
		snprintf(after, sizeof after, "%lld hours", (long long)(u->after / 3600));
	engine_event(c, "reply.unanswered", "Nobody answered %s's reply within %s of its task "
		     "coming due: %s", engine_first_name(c), after,
		     u->cold ? "the lead goes cold" : engine_fmt(c, "back to follow-up (%s)",
								  u->sequence));
	if (u->cold)
		engine_go_cold(c);
	else
		engine_start_sequence(c, u->sequence, false, "the lead's reply was not answered");
	return DECIDE_OK;
}

decide_result
engine_on_timer(engine_ctx *c, const lead_event *ev)
{
	int64_t late = c->now - ev->due_at;

	if (late >= 60 && ev->due_at > 0)
		engine_event(c, "timer.late", "Timer due %lld s ago fired late (the server was down "
			     "or busy)", (long long)late);
	switch (ev->timer) {
	case TIMER_STEP: {
		const rules_sequence *seq = rules_sequence_find(c->r, ev->sequence ? ev->sequence : "");
		int k;

		/* A re-planned lead ignores the timers of its old plan; a paused one
		 * runs no step (its timer was cancelled: this one fired anyway). */
		if (seq == NULL || ev->plan != c->l->plan || !engine_streq(c->sequence, seq->name) ||
		    c->paused_at > 0)
			return DECIDE_OK;
		if ((k = engine_step_of_timer(c, seq, ev)) < 0)
			return DECIDE_OK;
		if (engine_wait_for_promise(c, seq, k))
			return DECIDE_OK;
		engine_run_step(c, seq, k, false);
		engine_chain(c, seq, k);
		return DECIDE_OK;
	}
	case TIMER_ESCALATE:
		return on_escalate(c, ev);
	case TIMER_REACTIVATE:
		if (!engine_streq(c->status, LEAD_STATUS_LOST))
			return DECIDE_OK;
		engine_set_status(c, LEAD_STATUS_OPEN, NULL, 0);
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
	case TIMER_UNANSWERED:
		return on_unanswered(c);
	case TIMER_APPT_REMIND:
	case TIMER_APPT_CHECK:
		return engine_on_appt_timer(c, ev);
	case TIMER_NURTURE:
		if (!engine_streq(c->status, LEAD_STATUS_NURTURE))
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

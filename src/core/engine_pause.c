/*
 * engine_pause.c - a person pauses a lead's automation ("she is away for two
 * weeks") and resumes it. Paused, no step of the lead's sequence runs: its
 * pending step timer is cancelled and the step it was waiting for is held
 * (lead.paused_step); a sequence started meanwhile (a stage change, a
 * reactivation) is held from its first step. The lead's tasks and their
 * escalations stay - people still work the lead. Resumed, the schedule goes
 * on where it stopped, moved later by the time it was paused. The held step
 * is named by its id, like a step timer: a rules change while the lead is
 * paused never shifts it onto another step (engine_rules.c moves the hold
 * as it would move a timer). Pure.
 */
#include <stdio.h>
#include <string.h>

#include "bizclock.h"
#include "engine_internal.h"

/* When step k of seq falls for a sequence started at `start`. */
static int64_t
step_due(const engine_ctx *c, const rules_sequence *seq, int64_t start, size_t k)
{
	return bizclock_add_offset(&c->r->business, start, seq->steps[k].at);
}

/* "step 4 of new_inquiry (a text, checkin)", owned by the decision. */
static const char *
step_words(engine_ctx *c, const rules_sequence *seq, int k)
{
	const rules_step *s = &seq->steps[k];
	const char *what;

	switch (s->kind) {
	case STEP_SEND:
		what = engine_fmt(c, "%s, %s", s->channel == CHANNEL_SMS ? "a text" : "an email",
				  s->template_name ? s->template_name : "?");
		break;
	case STEP_TASK:
		what = engine_fmt(c, "a %s task", s->verb ? s->verb : "follow-up");
		break;
	default:
		what = engine_fmt(c, "a notice to %s", s->notify ? s->notify : "?");
		break;
	}
	return engine_fmt(c, "step %d of %s (%s)", k + 1, seq->name, what);
}

/* How long, in words: "3 d", "5 h", "20 min". */
static const char *
span_words(engine_ctx *c, int64_t secs)
{
	if (secs >= 2 * 86400)
		return engine_fmt(c, "%lld d", (long long)(secs / 86400));
	if (secs >= 3600)
		return engine_fmt(c, "%lld h", (long long)(secs / 3600));
	return engine_fmt(c, "%lld min", (long long)(secs / 60));
}

void
engine_set_paused(engine_ctx *c, int64_t at, const char *step_id)
{
	action *a = engine_push(c, ACT_SET_PAUSED);

	a->at = at;
	a->step_id = step_id;
	c->paused_at = at;
}

void
engine_pause_hold(engine_ctx *c)
{
	const rules_sequence *seq = rules_sequence_find(c->r, c->sequence ? c->sequence : "");

	engine_set_paused(c, c->paused_at, seq && seq->nsteps > 0 ? seq->steps[0].id : NULL);
}

/* The first step of seq due after t (for a sequence started at c->seq_started)
 * that the plan runs, or -1. */
static int
first_due_after(const engine_ctx *c, const rules_sequence *seq, int64_t t)
{
	for (size_t k = 0; k < seq->nsteps; k++)
		if (step_due(c, seq, c->seq_started, k) > t &&
		    !engine_plan_skips(c, seq->steps[k].id))
			return (int)k;
	return -1;
}

/* The step the sequence waits for: the one its pending step timer names
 * (the flow passes it in ev), else the first not due yet. */
static int
waiting_step(const engine_ctx *c, const rules_sequence *seq, const lead_event *ev)
{
	int k = -1;

	if (ev->sequence != NULL && engine_streq(ev->sequence, seq->name))
		k = ev->step_id != NULL ? rules_step_index(seq, ev->step_id) :
		    ev->step >= 0 && (size_t)ev->step < seq->nsteps ? ev->step : -1;
	return k >= 0 ? k : first_due_after(c, seq, c->now);
}

/*
 * EV_PAUSE: the step the sequence waits for is held; its timer is cancelled
 * and the lead remembers the step's id. Refused when the automation is
 * paused already.
 */
decide_result
engine_on_pause(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
{
	const rules_sequence *seq = c->sequence ? rules_sequence_find(c->r, c->sequence) : NULL;
	const char *why = ev->reason && *ev->reason ? ev->reason : NULL;
	int held = seq != NULL ? waiting_step(c, seq, ev) : -1;

	if (c->paused_at > 0) {
		snprintf(err, errlen, "The automation of this lead is paused already.");
		return DECIDE_CONFLICT;
	}
	if (c->sequence != NULL)
		engine_push(c, ACT_TIMERS_CANCEL)->timer = TIMER_STEP;
	engine_set_paused(c, c->now, held >= 0 ? seq->steps[held].id : NULL);
	if (held >= 0)
		engine_event(c, "automation.paused", "Automation paused%s%s: %s waits until it is "
			     "resumed (it was due %s)", why ? " - " : "", why ? why : "",
			     step_words(c, seq, held),
			     engine_due_phrase(c, step_due(c, seq, c->seq_started, (size_t)held)) + 3);
	else
		engine_event(c, "automation.paused", "Automation paused%s%s: no automated step was "
			     "waiting", why ? " - " : "", why ? why : "");
	return DECIDE_OK;
}

/* The held step of seq, by its id. One the rules in use do not have (they
 * were changed by a door that did not re-plan the lead) is not run: the
 * plan goes on with the first step due after the pause began. */
static int
held_step(engine_ctx *c, const rules_sequence *seq, int64_t since)
{
	const char *id = c->l->paused_step;
	int k;

	if (seq == NULL || id == NULL)
		return -1;
	if ((k = rules_step_index(seq, id)) >= 0)
		return k;
	engine_event(c, "step.cancelled", "Step %s of %s is not in the rules in use: not run",
		     id, seq->name);
	return first_due_after(c, seq, since);
}

/*
 * EV_RESUME: the held step and the ones after it run as planned, moved later
 * by the time the automation was paused (or, for a sequence started while it
 * was, from now): the sequence's start moves by that much, so the chain that
 * follows keeps its spacing. The start never moves past the lead's last
 * reply, contact or task done since the old start that a step still to run
 * asks about (`unless:`), so that step still sees it - and is skipped, not
 * sent late with the others due by then. A held step already due (an
 * immediate step of a sequence started while paused) runs now. Steps the
 * plan skips stay skipped.
 * Refused when the automation runs.
 */
decide_result
engine_on_resume(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
{
	const rules_sequence *seq = c->sequence ? rules_sequence_find(c->r, c->sequence) : NULL;
	const lead *l = c->l;
	int64_t since = c->paused_at, held_from, start, due;
	const int64_t marks[] = { l->last_inbound_at, l->last_touch_at, l->last_task_done_at };
	const unsigned mark_flags[] = { UNLESS_REPLIED, UNLESS_TOUCHED, UNLESS_TASK_DONE };
	unsigned unless = 0;
	const char *skip = c->plan_skip;
	int k, last = -1;
	action *a;

	(void)ev;
	if (since == 0) {
		snprintf(err, errlen, "The automation of this lead is not paused.");
		return DECIDE_CONFLICT;
	}
	engine_set_paused(c, 0, NULL);
	if ((k = held_step(c, seq, since)) < 0) {
		engine_event(c, "automation.resumed", "Automation resumed after %s: %s",
			     span_words(c, c->now - since), c->sequence ? "no automated step was "
			     "waiting" : "no sequence runs");
		if (seq != NULL) {	/* its last step had run: it is over */
			engine_event(c, "sequence.finished", "Finished %s", seq->name);
			engine_stop_sequence(c, NULL);
		}
		return DECIDE_OK;
	}
	held_from = c->seq_started > since ? c->seq_started : since;
	start = c->seq_started + (c->now - held_from);
	for (size_t j = (size_t)k; j < seq->nsteps; j++)
		unless |= seq->steps[j].unless;
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if ((unless & mark_flags[i]) && marks[i] >= c->seq_started && marks[i] < start)
			start = marks[i];
	/* The same plan, started later: the steps it skips are kept. */
	a = engine_push(c, ACT_SET_SEQUENCE);
	a->name = seq->name;
	a->at = start;
	a->text = c->r->version;
	c->plan++;
	c->seq_started = start;
	if (skip != NULL) {
		a = engine_push(c, ACT_SET_PLAN);
		a->text = c->r->version;
		a->name = skip;
	}
	due = step_due(c, seq, start, (size_t)k);
	engine_event(c, "automation.resumed", "Automation resumed after %s: %s %s",
		     span_words(c, c->now - since), step_words(c, seq, k),
		     due <= c->now ? "runs now" : engine_fmt(c, "is due %s",
							     engine_due_phrase(c, due) + 3));
	if (due > c->now) {
		engine_step_timer(c, seq, k, due);
		return DECIDE_OK;
	}
	/* the steps due by now run; the last of them chains the next */
	for (; (size_t)k < seq->nsteps && step_due(c, seq, start, (size_t)k) <= c->now; k++) {
		if (engine_plan_skips(c, seq->steps[k].id))
			continue;
		engine_run_step(c, seq, k, false);
		last = k;
	}
	engine_chain(c, seq, last);
	return DECIDE_OK;
}

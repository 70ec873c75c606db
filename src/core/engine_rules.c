/*
 * engine_rules.c - a lead's plan when the rules change under it. Pending
 * steps are named by id, so an edit never shifts them onto other steps; this
 * file decides what the change means for one lead (docs/rules.md, "Changing
 * the rules"):
 *  - a step removed from the rules is cancelled, and the timeline says so;
 *  - a step whose `at` changed is re-planned from the lead's sequence start,
 *    never in the past (due now at the earliest) and never twice (a step the
 *    lead already had does not run again, wherever it moved);
 *  - a step added to the rules applies to a lead that has not yet passed its
 *    time; one whose time has passed is not run for this lead;
 *  - a paused lead's held step (lead.paused_step) is pending like a timer:
 *    it moves the same way and stays held; nothing is planned while paused;
 *  - the reminders of the lead's appointments ahead are planned again when
 *    the reminder rules changed (engine_appointment.c);
 *  - the plan records the rules version it now runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bizclock.h"
#include "engine_internal.h"

/* "24h", "3d", "90m": an `at` as the rules file writes it. */
static const char *
offset_text(engine_ctx *c, int64_t secs)
{
	if (secs > 0 && secs % 86400 == 0)
		return engine_fmt(c, "%lldd", (long long)(secs / 86400));
	if (secs > 0 && secs % 3600 == 0)
		return engine_fmt(c, "%lldh", (long long)(secs / 3600));
	if (secs % 60 == 0)
		return engine_fmt(c, "%lldm", (long long)(secs / 60));
	return engine_fmt(c, "%llds", (long long)secs);
}

/* "today at 3:05 PM", "Monday at 8:00 AM", "on Dec 4 at 2:02 PM". */
static const char *
when_text(engine_ctx *c, int64_t t)
{
	char buf[64];
	char *by;

	bizclock_describe_due(&c->r->business, c->now, t, buf, sizeof buf);
	if ((by = strstr(buf, " by ")) != NULL)
		return engine_fmt(c, "%.*s at %s", (int)(by - buf), buf, by + 4);
	return engine_str(c, buf);
}

static int64_t
due_of(engine_ctx *c, const rules_step *s)
{
	return bizclock_add_offset(&c->r->business, c->seq_started, s->at);
}

int
engine_step_of_timer(engine_ctx *c, const rules_sequence *seq, const lead_event *ev)
{
	int k;

	if (ev->step_id == NULL)	/* written before step ids: by position */
		return ev->step >= 0 && (size_t)ev->step < seq->nsteps ? ev->step : -1;
	if ((k = rules_step_index(seq, ev->step_id)) >= 0)
		return k;
	/* Another version of the rules wrote this timer (the CLI with a file
	 * serve has not loaded, say): its step is not in the rules in use. Go
	 * on with the first step due at or after it. */
	engine_event(c, "step.cancelled", "Step %s of %s is not in the rules in use: not run",
		     ev->step_id, seq->name);
	for (size_t j = 0; j < seq->nsteps; j++) {
		int64_t due = due_of(c, &seq->steps[j]);

		if (due >= ev->due_at && !engine_plan_skips(c, seq->steps[j].id)) {
			engine_step_timer(c, seq, (int)j, due);
			return -1;
		}
	}
	engine_sequence_end(c, seq);
	return -1;
}

/* The re-plan of one lead: what it had, what the new rules hold. */
typedef struct {
	const rules_sequence *old, *cur;
	int old_at;		/* the pending step's place in old; -1: unknown */
	int64_t pending_due;
	const char *pending;	/* its id */
	char *skip;		/* the new plan_skip, being built (malloc'd) */
	bool changed;		/* anything the lead's plan must say */
} replan;

/* Whether the lead already had step id: it comes before the pending step in
 * the plan the lead ran, or that plan skipped it. Without the old plan
 * (old_at < 0), a step due before the pending one counts as had. */
static bool
had(engine_ctx *c, const replan *p, const char *id)
{
	if (engine_plan_skips(c, id))
		return true;
	if (p->old_at >= 0) {
		int k = rules_step_index(p->old, id);

		return k >= 0 && k < p->old_at;
	}
	int k = rules_step_index(p->cur, id);

	return k >= 0 && due_of(c, &p->cur->steps[k]) < p->pending_due &&
	       strcmp(id, p->pending) != 0;
}

static void
skip_add(replan *p, const char *id)
{
	size_t have = p->skip ? strlen(p->skip) : 0, n = strlen(id);
	char *s = realloc(p->skip, have + n + 2);

	if (s == NULL)
		engine_oom();
	if (have > 0)
		s[have++] = ' ';
	memcpy(s + have, id, n + 1);
	p->skip = s;
}

/* Cancelled and moved steps among those the lead had not had yet. */
static void
report_old_steps(engine_ctx *c, replan *p)
{
	if (p->old_at < 0)
		return;
	for (size_t j = (size_t)p->old_at; j < p->old->nsteps; j++) {
		const rules_step *o = &p->old->steps[j];
		int k = rules_step_index(p->cur, o->id);
		int64_t was = bizclock_add_offset(&c->r->business, c->seq_started, o->at);

		if (k < 0) {
			engine_event(c, "step.cancelled", "Cancelled step %s of %s (%s %s): it "
				     "is no longer in the rules", o->id, p->cur->name,
				     was < c->now ? "it was due" : "due", when_text(c, was));
			p->changed = true;
		} else if (p->cur->steps[k].at != o->at) {
			int64_t due = due_of(c, &p->cur->steps[k]);

			engine_event(c, "step.moved", "Step %s of %s moves from %s to %s after the "
				     "start: due %s%s", o->id, p->cur->name, offset_text(c, o->at),
				     offset_text(c, p->cur->steps[k].at),
				     when_text(c, due < c->now ? c->now : due),
				     due < c->now ? " (its new time has passed: at once)" : "");
			p->changed = true;
		}
	}
}

/* Steps the new rules add: for this lead if their time is still to come. */
static void
report_new_steps(engine_ctx *c, replan *p)
{
	for (size_t j = 0; j < p->cur->nsteps; j++) {
		const rules_step *s = &p->cur->steps[j];
		int64_t due;

		if (rules_step_index(p->old, s->id) >= 0 || had(c, p, s->id))
			continue;
		due = due_of(c, s);
		p->changed = true;
		if (due >= c->now) {
			engine_event(c, "step.added", "Step %s added to %s: due %s", s->id,
				     p->cur->name, when_text(c, due));
		} else {
			engine_event(c, "step.not_applied", "Step %s added to %s at %s is not run: "
				     "the lead is past its time (%s)", s->id, p->cur->name,
				     offset_text(c, s->at), when_text(c, due));
			skip_add(p, s->id);
		}
	}
}

/* When the plan goes cold, INT64_MAX for never: after its last step, if that
 * says then: cold. The old plan: the last step's time. The new plan: the
 * time of the last step it will still run (from next, due at next_due). */
static int64_t
cold_at(engine_ctx *c, const replan *p, const rules_sequence *seq, int next, int64_t next_due)
{
	int64_t due = INT64_MAX;

	if (seq->nsteps == 0 || seq->steps[seq->nsteps - 1].then != THEN_COLD)
		return INT64_MAX;
	if (next < 0) {
		due = due_of(c, &seq->steps[seq->nsteps - 1]);
	} else {
		for (size_t j = seq->nsteps; j-- > (size_t)next; ) {
			const char *id = seq->steps[j].id;

			if ((size_t)next == j) {
				due = next_due;
				break;
			}
			if (!had(c, p, id) && !lead_id_listed(p->skip, id)) {
				due = due_of(c, &seq->steps[j]);
				break;
			}
		}
	}
	return due < c->now ? c->now : due;
}

/* A paused lead: the hold moves to the next step it has not had (none
 * left: nothing is held, and a resume finishes the sequence). */
static void
held_moves(engine_ctx *c, replan *p, int next, char *was, char *now_v)
{
	const char *id = next >= 0 ? p->cur->steps[next].id : NULL;

	if (!engine_streq(id, c->l->paused_step))
		engine_set_paused(c, c->paused_at, id);
	else if (!p->changed)
		return;
	engine_event(c, "rules.changed", "Rules changed (version %s -> %s): %s %s",
		     rules_version_short(c->l->rules_version, was),
		     rules_version_short(c->r->version, now_v), p->cur->name,
		     id ? engine_fmt(c, "goes on with step %s when the automation is resumed", id) :
		     "has no step left for this lead");
}

decide_result
engine_on_rules(engine_ctx *c, const lead_event *ev)
{
	const rules *old = ev->old_rules ? ev->old_rules : c->r;
	replan p = { .old_at = -1, .pending_due = ev->due_at };
	char was[13], now_v[13];
	bool planned = false;	/* p.skip is the new plan_skip */
	int next = -1;
	int64_t due = 0, cold_before, cold_after;
	lead_event held;
	action *a;

	engine_appointments_rules(c, old);
	if (c->sequence == NULL)
		goto record;
	p.cur = rules_sequence_find(c->r, c->sequence);
	p.old = rules_sequence_find(old, c->sequence);
	if (p.cur == NULL) {
		engine_stop_sequence(c, "the sequence is no longer in the rules");
		goto record;
	}
	if (c->paused_at > 0) {
		/* Paused: the held step is what is pending; it moves as its timer
		 * would, and stays held. */
		const rules_sequence *ran = p.old ? p.old : p.cur;
		int k;

		if (c->l->paused_step == NULL)
			goto record;
		held = *ev;
		held.sequence = c->sequence;
		held.step_id = c->l->paused_step;
		held.step = -1;
		k = rules_step_index(ran, held.step_id);
		held.due_at = k >= 0 ? due_of(c, &ran->steps[k]) : c->now;
		ev = &held;
	}
	if (ev->sequence == NULL || !engine_streq(ev->sequence, c->sequence))
		goto record;	/* nothing pending: the plan has nothing to move */
	if (p.old == NULL)
		p.old = p.cur;
	p.pending = ev->step_id;
	if (p.pending == NULL && ev->step >= 0 && (size_t)ev->step < p.old->nsteps)
		p.pending = p.old->steps[ev->step].id;	/* a timer from before step ids */
	if (p.pending == NULL)
		goto record;
	if ((p.old_at = rules_step_index(p.old, p.pending)) < 0 && p.old != p.cur) {
		p.old = p.cur;	/* the old rules do not know it: judge by the new */
		p.old_at = rules_step_index(p.cur, p.pending);
	}
	if (p.old_at < 0)
		p.old = p.cur;	/* neither knows it: had = due before it */
	planned = true;
	cold_before = p.old_at >= 0 ? cold_at(c, &p, p.old, -1, 0) : INT64_MAX;
	report_old_steps(c, &p);
	report_new_steps(c, &p);
	if (p.old_at < 0 && rules_step_index(p.cur, p.pending) < 0) {
		engine_event(c, "step.cancelled", "Cancelled step %s of %s: it is no longer in the "
			     "rules", p.pending, p.cur->name);
		p.changed = true;
	}
	/* The next step: the first in the new order the lead has not had. */
	for (size_t j = 0; j < p.cur->nsteps && next < 0; j++)
		if (!had(c, &p, p.cur->steps[j].id) && !lead_id_listed(p.skip, p.cur->steps[j].id))
			next = (int)j;
	/* Steps after it that must not run: the lead had them (wherever they
	 * moved), or they were added too late for it (listed above). */
	for (size_t j = next < 0 ? p.cur->nsteps : (size_t)next + 1; j < p.cur->nsteps; j++)
		if (had(c, &p, p.cur->steps[j].id))
			skip_add(&p, p.cur->steps[j].id);
	if (next >= 0) {
		const rules_step *s = &p.cur->steps[next];
		int k = rules_step_index(p.old, s->id);

		due = due_of(c, s);
		if (engine_streq(s->id, p.pending) && k >= 0 && p.old->steps[k].at == s->at)
			due = ev->due_at;	/* unchanged: its timer stays as it is */
		else if (due < c->now)
			due = c->now;	/* never in the past */
	}
	cold_after = cold_at(c, &p, p.cur, next, due);
	if (cold_after < cold_before) {
		engine_event(c, "plan.cold_sooner", "Goes cold sooner: %s%s%s",
			     when_text(c, cold_after), cold_before < INT64_MAX ? " instead of " : "",
			     cold_before < INT64_MAX ? when_text(c, cold_before) : " (it never did)");
		p.changed = true;
	}
	if (c->paused_at > 0) {
		held_moves(c, &p, next, was, now_v);
		goto record;
	}
	/* A timer from before step ids is written again with its id. */
	if (next < 0 || !engine_streq(p.cur->steps[next].id, p.pending) || due != ev->due_at ||
	    ev->step_id == NULL) {
		engine_push(c, ACT_TIMERS_CANCEL)->timer = TIMER_STEP;
		p.changed = true;
		if (next < 0) {
			engine_event(c, "rules.changed", "Rules changed (version %s -> %s): %s has no "
				     "step left for this lead",
				     rules_version_short(c->l->rules_version, was),
				     rules_version_short(c->r->version, now_v), p.cur->name);
			/* Cold now if its last step says so: sooner, as said above. */
			engine_sequence_end(c, p.cur);
			free(p.skip);
			return DECIDE_OK;
		}
		engine_step_timer(c, p.cur, next, due);
	}
	if (p.changed)
		engine_event(c, "rules.changed", "Rules changed (version %s -> %s): %s goes on with "
			     "step %s, due %s", rules_version_short(c->l->rules_version, was),
			     rules_version_short(c->r->version, now_v), p.cur->name,
			     p.cur->steps[next].id, when_text(c, due));
record:
	if (planned || !engine_streq(c->l->rules_version, c->r->version)) {
		a = engine_push(c, ACT_SET_PLAN);
		a->text = c->r->version;
		a->name = planned ? (p.skip ? engine_str(c, p.skip) : NULL) : c->plan_skip;
		c->plan_skip = a->name;
	}
	free(p.skip);
	return DECIDE_OK;
}

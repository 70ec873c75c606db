/*
 * engine_timing.c - timing that reads as care, not carelessness. A staff
 * notification waits for the person's working hours (people[].hours, else the
 * business's) unless it is urgent: its routing rule or escalation level says
 * `urgent`, or it is about a task due before those hours begin (the rules
 * asked for it sooner). A sequence's message to the lead waits until the
 * contact time the lead was promised has passed, plus limits.promise_grace,
 * so "Do you still need help?" never arrives before the promised call. A
 * call is promised only when the person making it is at work then. No I/O.
 */
#include <string.h>

#include "bizclock.h"
#include "engine_internal.h"

rules_business
engine_person_clock(const engine_ctx *c, const rules_person *p)
{
	rules_business b = c->r->business;

	if (p->has_hours) {
		memcpy(b.hours, p->hours, sizeof b.hours);
		memcpy(b.nspans, p->nspans, sizeof b.nspans);
	}
	return b;
}

int64_t
engine_notify_time(const engine_ctx *c, const rules_person *p, int64_t due)
{
	rules_business b;
	int64_t at;

	if (c->urgent || p == NULL)
		return c->now;
	b = engine_person_clock(c, p);
	if (bizclock_is_open(&b, c->now))
		return c->now;
	at = bizclock_next_open(&b, c->now);
	if (at < 0 || (due > 0 && due < at))
		return c->now;
	return at;
}

int64_t
engine_call_keepable(const engine_ctx *c, const rules_person *p, int64_t at)
{
	rules_business b = engine_person_clock(c, p);

	/* the closing minute itself is the day's last call: "after 5" with hours
	 * to 17:00 is kept */
	if (bizclock_is_open(&b, at) || bizclock_is_open(&b, at - 60))
		return at;
	return bizclock_next_open(&b, at);
}

/* The earliest due time of the lead's open contact tasks (call, text or
 * email): the contact the lead was told to expect. 0 when none. */
static int64_t
promised_contact(const engine_ctx *c)
{
	int64_t first = 0;

	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *t = &c->st->tasks[i];

		if (!(engine_streq(t->verb, "call") || engine_streq(t->verb, "text") ||
		      engine_streq(t->verb, "email")) || engine_task_closing(c, t->id))
			continue;
		if (first == 0 || t->due_at < first)
			first = t->due_at;
	}
	return first;
}

bool
engine_wait_for_promise(engine_ctx *c, const rules_sequence *seq, int k)
{
	int64_t promised, until;

	if (seq->steps[k].kind != STEP_SEND || (promised = promised_contact(c)) == 0)
		return false;
	until = promised + c->r->promise_grace;
	if (until <= c->now)
		return false;
	engine_step_timer(c, seq, k, until);
	engine_event(c, "step.waiting", "Step %d of %s waits until %s: %s was promised contact "
		     "%s", k + 1, seq->name, engine_due_phrase(c, until) + 3,
		     engine_display_name(c->l), engine_due_phrase(c, promised));
	return true;
}

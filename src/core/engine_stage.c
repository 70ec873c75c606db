/*
 * engine_stage.c - stages: their entry requirements and what entering one
 * re-plans (owner role, status, sequence).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bizclock.h"
#include "engine_internal.h"

decide_result
engine_stage_error(engine_ctx *c, const lead_event *ev, const char *stage, char *err, size_t errlen)
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
	if (st->requires_reason && (ev->reason == NULL || !rules_lost_reason_known(c->r, ev->reason))) {
		size_t off = (size_t)snprintf(err, errlen, "reason: moving to \"%s\" needs a reason, "
					      "one of:", stage);

		for (size_t i = 0; i < c->r->nlost_reasons && off < errlen; i++)
			off += (size_t)snprintf(err + off, errlen - off, "%s %s", i ? "," : "",
						c->r->lost_reasons[i]);
		return DECIDE_INVALID;
	}
	return DECIDE_OK;
}

decide_result
engine_change_stage(engine_ctx *c, const lead_event *ev, const char *name)
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

		if (cur == NULL || !engine_streq(cur->role, st->owner_role)) {
			rules_owner pool = { .role = st->owner_role };
			int p = engine_pick(c, &pool, engine_fmt(c, "role:%s", st->owner_role), NULL);

			if (p >= 0)
				engine_set_owner(c, p, engine_fmt(c, "%s owns the %s stage",
								  st->owner_role, st->name));
		}
	}
	/* A person who chose the stage has decided the next step and spoken to the
	 * lead; a visit the stage still needs stays. */
	if (ev->kind == EV_STAGE && !st->closed)
		engine_supersede_tasks(c, SUPERSEDE_CONTACT | SUPERSEDE_REVIEW,
				       engine_fmt(c, "%s moved the lead to %s",
						  engine_person(c, ev->actor) ?
						  engine_person(c, ev->actor)->name :
						  ev->actor ? ev->actor : "someone", st->name));
	if (st->closed) {
		const char *status = engine_streq(st->name, "won") ? LEAD_STATUS_WON : LEAD_STATUS_LOST;

		engine_close_tasks(c, NULL, "cancelled", engine_fmt(c, "lead moved to %s", st->name));
		engine_push(c, ACT_TIMERS_CANCEL)->timer = TIMER_ESCALATE;
		engine_set_status(c, status, ev->reason, 0);
	} else if (!engine_is_open(c)) {
		engine_set_status(c, LEAD_STATUS_OPEN, NULL, 0);
		engine_push(c, ACT_TIMERS_CANCEL)->timer = TIMER_REACTIVATE;
	}
	if (st->sequence != NULL)
		engine_start_sequence(c, st->sequence, false,
				      engine_fmt(c, "stage %s -> %s", from, st->name));
	else
		engine_stop_sequence(c, engine_fmt(c, "stage %s -> %s", from, st->name));
	return DECIDE_OK;
}

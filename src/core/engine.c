/*
 * engine.c - decide(): hands each event to its family's handler (one file
 * each: engine_intake.c, engine_inbound.c, engine_people.c, engine_stage.c,
 * engine_timer.c, engine_edit.c, engine_delivery.c, engine_followup.c,
 * engine_import.c, engine_pause.c), then keeps the promise that no open lead is
 * left without a next action. No I/O, no clock, no globals.
 */
#include <stdio.h>

#include "engine_internal.h"

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
	/* a paused lead's sequence runs nothing: a person must decide */
	if (!engine_is_open(c) || (c->sequence != NULL && c->paused_at == 0) ||
	    open_tasks_after(c) > 0 || c->owner == NULL)
		return;
	engine_create_task(c, "review", engine_fmt(c, ENGINE_DECIDE_TITLE "%s (stage %s)",
						   engine_display_name(c->l), c->stage ? c->stage : "none"),
			   c->owner, 4 * 3600, true, NULL);
}

/* --- entry point ---------------------------------------------------------- */

decide_result
decide(const lead_state *st, const lead_event *ev, const rules *r, const rr_counters *rr,
       int64_t now, decision **out, char *err, size_t errlen)
{
	char dummy[8];
	engine_ctx c = {
		.st = st, .self = st->lead, .r = r, .rr = rr, .now = now,
		.owner = st->lead.owner, .stage = st->lead.stage,
		.status = st->lead.status ? st->lead.status : LEAD_STATUS_OPEN,
		.sequence = st->lead.sequence, .seq_started = st->lead.sequence_started_at,
		.plan = st->lead.plan, .quote_cents = st->lead.quote_cents,
		.sms_opt_out = st->lead.sms_opt_out, .email_opt_out = st->lead.email_opt_out,
		.flags = st->lead.flags, .plan_skip = st->lead.plan_skip,
		.paused_at = st->lead.paused_at,
	};
	decide_result res = DECIDE_OK;

	c.l = &c.self;
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
		if ((res = engine_stage_error(&c, ev, ev->stage, err, errlen)) != DECIDE_OK)
			return res;
	}
	c.d = decision_new();
	switch (ev->kind) {
	case EV_CREATED:	res = ev->import != IMPORT_NONE ?
				      engine_on_imported(&c, ev, err, errlen) :
				      engine_on_created(&c, ev); break;
	case EV_INQUIRY_AGAIN:	res = ev->import != IMPORT_NONE ? engine_on_imported_again(&c, ev) :
				      engine_on_inquiry_again(&c, ev); break;
	case EV_MESSAGE_IN:	res = engine_on_message_in(&c, ev); break;
	case EV_CALL_LOGGED:	res = engine_on_call(&c, ev); break;
	case EV_VISIT_LOGGED:	res = engine_on_visit(&c, ev); break;
	case EV_NOTE:		res = engine_on_note(&c, ev); break;
	case EV_STAGE:		res = engine_change_stage(&c, ev, ev->stage); break;
	case EV_OWNER:		res = engine_on_owner(&c, ev, err, errlen); break;
	case EV_TASK_DONE:	res = engine_on_task_done(&c, ev, err, errlen); break;
	case EV_OPT_OUT:	res = engine_on_opt(&c, ev->channel ? ev->channel : "sms", true,
						OPT_BY_LEAD); break;
	case EV_OPT_IN:		res = engine_on_opt(&c, ev->channel ? ev->channel : "sms", false,
						OPT_BY_LEAD); break;
	case EV_TIMER:		res = engine_on_timer(&c, ev); break;
	case EV_TASK_SNOOZE:	res = engine_on_task_snooze(&c, ev, err, errlen); break;
	case EV_CONTACT:	res = engine_on_contact(&c, ev, err, errlen); break;
	case EV_DELIVERY:	res = engine_on_delivery(&c, ev); break;
	case EV_FOLLOWUP:	res = engine_on_followup(&c, ev, err, errlen); break;
	case EV_OPT_OUT_REVIEW:	res = engine_on_opt_out_review(&c, ev, err, errlen); break;
	case EV_RULES:		res = engine_on_rules(&c, ev); break;
	case EV_PEOPLE:		res = engine_on_people(&c); break;
	case EV_APPOINTMENT:	res = engine_on_appointment(&c, ev, err, errlen); break;
	case EV_PAUSE:		res = engine_on_pause(&c, ev, err, errlen); break;
	case EV_RESUME:		res = engine_on_resume(&c, ev, err, errlen); break;
	}
	if (res != DECIDE_OK) {
		decision_free(c.d);
		return res;
	}
	ensure_next_action(&c);
	*out = c.d;
	return DECIDE_OK;
}

const lead_task *
engine_open_task(const engine_ctx *c, int64_t task_id)
{
	for (size_t i = 0; task_id > 0 && i < c->st->ntasks; i++)
		if (c->st->tasks[i].id == task_id)
			return &c->st->tasks[i];
	return NULL;
}

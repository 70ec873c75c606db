/*
 * engine_lead.c - small verbs on the lead as this decision leaves it: status,
 * marks, reopening, stopping moot automation, a task for the owner.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bizclock.h"
#include "engine_internal.h"

bool
engine_streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

const char *
engine_display_name(const lead *l)
{
	return lead_name_usable(l->name) ? l->name : "The lead";
}

const char *
engine_first_name(engine_ctx *c)
{
	char buf[80];

	lead_first_name(c->l->name, buf, sizeof buf);
	return buf[0] ? engine_str(c, buf) : "The lead";
}

void
engine_set_status(engine_ctx *c, const char *status, const char *reason, int64_t at)
{
	action *a = engine_push(c, ACT_SET_STATUS);

	a->name = status;
	a->reason = reason;
	a->at = at;
	c->status = status;
}

void
engine_mark(engine_ctx *c, const char *what)
{
	action *a = engine_push(c, ACT_MARK);

	a->name = what;
	a->at = c->now;
}

bool
engine_is_open(const engine_ctx *c)
{
	return engine_streq(c->status, LEAD_STATUS_OPEN);
}

/* A cold lead that speaks again comes back to the active pipeline. */
void
engine_reopen_if_cold(engine_ctx *c, const char *why)
{
	if (engine_is_open(c) || engine_streq(c->status, LEAD_STATUS_WON))
		return;
	engine_set_status(c, LEAD_STATUS_OPEN, NULL, 0);
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
void
engine_stop_if_moot(engine_ctx *c, unsigned cause, const char *why)
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

void
engine_task_for_owner(engine_ctx *c, const char *verb, const char *title)
{
	engine_create_task(c, verb, title, c->owner, REPLY_WINDOW, true, NULL);
}

bool
engine_task_closing(const engine_ctx *c, int64_t task_id)
{
	for (size_t i = 0; i < c->d->n; i++)
		if (c->d->items[i].kind == ACT_TASK_CLOSE && c->d->items[i].task_id == task_id)
			return true;
	return false;
}

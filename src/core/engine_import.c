/*
 * engine_import.c - a lead brought in from old records (`leadkeep import`),
 * not someone asking now: an owner, the stage the records say, and either a
 * quiet task to look at it (IMPORT_QUIET: nothing is sent, nobody is paged)
 * or its stage's follow-ups from today without the first-contact message
 * (IMPORT_TODAY). A record of a lead we already have is noted on it, nothing
 * more: old records must not page anyone or text anybody.
 */
#include <stdio.h>
#include <string.h>

#include "bizclock.h"
#include "engine_internal.h"

/* The owner's task to look at an imported lead: due when business next
 * opens, with no escalation and no notification (a thousand imported leads
 * must not page the manager a thousand times). */
static void
quiet_task(engine_ctx *c)
{
	int64_t due = bizclock_next_open(&c->r->business, c->now);
	action *a;

	if (due <= 0)
		due = c->now;
	a = engine_push(c, ACT_TASK_CREATE);
	a->verb = "review";
	a->text = engine_fmt(c, "Review imported lead %s (stage %s) and decide the next step",
			     engine_display_name(c->l), c->stage ? c->stage : "none");
	a->person = c->owner;
	a->at = due;
	c->new_tasks++;
	engine_event(c, "task.created", "Task for %s: %s (no reminders: imported)",
		     c->owner ? c->owner : "nobody", a->text);
}

/* The sequence from today, less its immediate messages to the lead: they
 * are first-contact words ("thanks for asking") to someone who asked long
 * ago. Its immediate tasks and notifications run; later steps are timers. */
static void
follow_ups_from_today(engine_ctx *c, const char *name)
{
	const rules_sequence *seq = name ? rules_sequence_find(c->r, name) : NULL;
	action *a;
	size_t k = 0;

	if (seq == NULL || seq->nsteps == 0)
		return;
	a = engine_push(c, ACT_SET_SEQUENCE);
	a->name = seq->name;
	a->at = c->now;
	c->plan++;
	c->sequence = seq->name;
	c->seq_started = c->now;
	engine_event(c, "sequence.started", "Started %s (imported: follow-ups from today)",
		     seq->name);
	for (; k < seq->nsteps && seq->steps[k].at == 0; k++) {
		if (seq->steps[k].kind == STEP_SEND)
			engine_event(c, "step.skipped", "Skipped step %zu of %s: imported lead, no "
				     "first-contact message", k + 1, seq->name);
		else
			engine_run_step(c, seq, (int)k, false);
	}
	if (k == 0) {
		a = engine_push(c, ACT_TIMER_SET);
		a->timer = TIMER_STEP;
		a->name = seq->name;
		a->step = 0;
		a->at = bizclock_add_offset(&c->r->business, c->now, seq->steps[0].at);
	} else {
		engine_chain(c, seq, (int)k - 1);
	}
}

decide_result
engine_on_imported(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
{
	const lead *l = c->l;
	const rules_stage *st = ev->stage && *ev->stage ? rules_stage_find(c->r, ev->stage) :
				c->r->nstages > 0 ? &c->r->stages[0] : NULL;
	const char *seq;

	if (ev->stage && *ev->stage && st == NULL)
		return engine_stage_error(c, ev, ev->stage, err, errlen);
	engine_event(c, "lead.imported", "Imported from %s: %s%s%s", l->source ? l->source : "a file",
		     engine_display_name(l), l->service && *l->service ? " - " : "",
		     l->service ? l->service : "");
	if (ev->cut != NULL && *ev->cut != '\0')
		engine_event(c, "lead.input_cut", "Kept with changes: %s", ev->cut);
	if (l->timezone == NULL)
		engine_infer_zone(c);
	if (c->owner == NULL) {
		char key[32];
		int p = engine_route(c->r, l, c->rr, c->now, key, sizeof key);

		if (p < 0)
			p = 0;	/* rules check forbids this; never leave a lead without owner */
		if (key[0] != '\0')
			engine_push(c, ACT_RR_ADVANCE)->name = engine_str(c, key);
		engine_set_owner(c, p, "by routing rules");
	} else {
		engine_event(c, "owner.assigned", "Owner: %s (from the import)", c->owner);
	}
	/* An opt-out the old records hold is honoured before anything is planned. */
	for (int i = 0; i < 2; i++) {
		bool out = i == 0 ? ev->sms_opt_out : ev->email_opt_out;
		action *a;

		if (!out)
			continue;
		a = engine_push(c, ACT_SET_OPT_OUT);
		a->channel = i == 0 ? "sms" : "email";
		a->flag = true;
		if (i == 0)
			c->sms_opt_out = true;
		else
			c->email_opt_out = true;
		engine_event(c, "consent.opted_out", "%s had opted out of %s (from the import)",
			     engine_display_name(l), i == 0 ? "texts" : "email");
	}
	if (st != NULL && !engine_streq(c->stage, st->name)) {
		engine_push(c, ACT_SET_STAGE)->name = st->name;
		c->stage = st->name;
	}
	if (st != NULL && st->closed) {
		/* A won or lost record stays closed: no task, no follow-ups. */
		engine_set_status(c, engine_streq(st->name, "won") ? LEAD_STATUS_WON :
				  LEAD_STATUS_LOST, ev->reason, 0);
		return DECIDE_OK;
	}
	if (ev->import == IMPORT_QUIET) {
		quiet_task(c);
		return DECIDE_OK;
	}
	if (l->kind && rules_sequence_find(c->r, l->kind))
		seq = l->kind;
	else if (st && st->sequence)
		seq = st->sequence;
	else
		seq = rules_sequence_find(c->r, "new_inquiry") ? "new_inquiry" : NULL;
	follow_ups_from_today(c, seq);
	return DECIDE_OK;	/* no sequence: decide() gives the owner a next step */
}

decide_result
engine_on_imported_again(engine_ctx *c, const lead_event *ev)
{
	const lead_fields *f = &ev->fields;
	const char *parts[] = { f->name, f->phone, f->email, f->service, f->message };
	char buf[512] = "";
	size_t n = 0;

	for (size_t i = 0; i < sizeof parts / sizeof parts[0] && n < sizeof buf; i++)
		if (parts[i] && *parts[i])
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? ", " : "",
					      parts[i]);
	engine_event(c, "lead.imported_again", "Found again in an import from %s%s%s",
		     ev->source ? ev->source : "a file", buf[0] ? ": " : "", buf);
	return DECIDE_OK;
}

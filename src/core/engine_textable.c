/*
 * engine_textable.c - a phone that cannot take texts (a landline: the SMS
 * provider's 30006 or 21614). The lead is flagged so no automated text goes
 * there again, an acknowledgment the text carried goes by email when the lead
 * has one, and its owner's task is a call, never a text. No I/O.
 */
#include <string.h>

#include "engine_internal.h"

/* The open task that already asks someone to call the lead, or NULL. */
static const lead_task *
open_call(const engine_ctx *c)
{
	for (size_t i = 0; i < c->st->ntasks; i++)
		if (engine_streq(c->st->tasks[i].verb, "call") &&
		    !engine_task_closing(c, c->st->tasks[i].id))
			return &c->st->tasks[i];
	return NULL;
}

/* Whether step s sends only by email: the lead got it as an email already. */
static bool
email_only(const rules_step *s)
{
	for (size_t i = 0; i < s->nchannels; i++)
		if (s->channels[i] != CHANNEL_EMAIL)
			return false;
	return s->nchannels > 0;
}

/*
 * The acknowledgment's email in place of the text that could not arrive: the
 * email template of the sequence's first message when it has one ([sms,
 * email]), else the rules' `ack_email`. NULL when the lead got an email
 * acknowledgment already (an email-only first step), or there is none.
 */
static const rules_template *
ack_by_email(const engine_ctx *c)
{
	const rules_sequence *seq = c->sequence ? rules_sequence_find(c->r, c->sequence) : NULL;
	const char *name = NULL;

	for (size_t i = 0; seq != NULL && i < seq->nsteps; i++) {
		const rules_step *s = &seq->steps[i];

		if (s->kind != STEP_SEND || s->at != 0)
			continue;
		if (email_only(s))
			return NULL;
		if (name == NULL)
			name = rules_step_template(s, CHANNEL_EMAIL);
	}
	return rules_template_find(c->r, name ? name : "ack_email");
}

decide_result
engine_on_not_textable(engine_ctx *c, const lead_event *ev, const char *name,
		       const char *err)
{
	const char *phone = ev->to ? ev->to : c->l->phone ? c->l->phone : "";
	const rules_template *t = NULL;
	const lead_task *call;
	action *a;

	engine_event(c, "message.failed", "Text to %s failed: the number cannot take texts "
		     "(%s)", name, err);
	if (c->flags & LEAD_NO_TEXTS)
		return DECIDE_OK;	/* flagged by an earlier text's report */
	a = engine_push(c, ACT_SET_FLAGS);
	a->flags = LEAD_NO_TEXTS;
	c->flags |= LEAD_NO_TEXTS;
	engine_event(c, "contact.flagged", "Phone number %s flagged: it cannot take texts (a "
		     "landline?); no automated texts go to it, calls still do", phone);

	/* A text task cannot be done: it becomes a call. */
	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *tk = &c->st->tasks[i];

		if (!engine_streq(tk->verb, "text") || engine_task_closing(c, tk->id))
			continue;
		a = engine_push(c, ACT_TASK_CLOSE);
		a->task_id = tk->id;
		a->name = "cancelled";
		a->text = "superseded: the number cannot take texts; a call instead";
	}
	if ((call = open_call(c)) != NULL)
		c->next_contact_due = call->due_at;
	else
		engine_task_for_owner(c, "call", engine_fmt(c, "Call %s: %s cannot take texts "
							    "(a landline?)", name, phone));

	if (engine_streq(ev->purpose, "ack") && engine_lead_reachable(c, "email") &&
	    (t = ack_by_email(c)) != NULL) {
		c->next_contact_verb = "call";
		engine_queue_to_lead(c, "email", engine_render_to_lead(c, t->text), PURPOSE_ACK,
				     false);
		engine_event(c, "message.fallback", "The acknowledgment goes to %s by email "
			     "instead: the text could not arrive", name);
	}
	return DECIDE_OK;
}

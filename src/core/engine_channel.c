/*
 * engine_channel.c - plans that follow the lead's channels: a task says how
 * the lead can really be reached ("Email Ivy Chen ..." when there is no
 * phone), templates can say it too ({{next_contact_verb}}), and a lead that
 * no automated follow-up could reach is handed to a person instead of being
 * closed for "no response".
 */
#include <stdio.h>
#include <string.h>

#include "engine_internal.h"

bool
engine_phone_usable(const engine_ctx *c)
{
	return c->l->phone && *c->l->phone && !(c->flags & LEAD_PHONE_INVALID);
}

const char *
engine_task_verb(const engine_ctx *c, const char *verb)
{
	bool phone = engine_phone_usable(c), texts = engine_lead_reachable(c, "sms");
	bool email = engine_lead_reachable(c, "email");

	if (engine_streq(verb, "call"))
		return phone || !email ? "call" : "email";
	if (engine_streq(verb, "text"))
		return texts ? "text" : phone ? "call" : email ? "email" : "text";
	if (engine_streq(verb, "email"))
		return email ? "email" : phone ? "call" : "email";
	return verb;
}

const char *
engine_contact_verb(const engine_ctx *c)
{
	if (c->next_contact_verb != NULL)
		return c->next_contact_verb;
	if (engine_phone_usable(c))
		return "call";
	return engine_lead_reachable(c, "email") ? "email" : "contact";
}

/* Whether an automated follow-up of the running sequence reached the lead:
 * one was sent since it began (this decision's included), or - when the
 * touches loaded do not go back that far - one of its send steps could reach
 * the lead now. */
static bool
reached(const engine_ctx *c, const rules_sequence *seq)
{
	if (c->followups_added > 0)
		return true;
	for (size_t i = 0; i < c->st->ntouches; i++)
		if (c->st->touches[i] >= c->seq_started)
			return true;
	if (c->seq_started >= c->now - c->r->touch_window)
		return false;
	for (size_t i = 0; i < seq->nsteps; i++)
		for (size_t j = 0; seq->steps[i].kind == STEP_SEND && j < seq->steps[i].nchannels; j++)
			if (seq->steps[i].channels[j] == CHANNEL_SMS ? engine_sms_allowed(c) :
			    engine_lead_reachable(c, "email"))
				return true;
	return false;
}

bool
engine_hold_unreached(engine_ctx *c, const rules_sequence *seq)
{
	const char *how;

	if (reached(c, seq))
		return false;
	how = engine_phone_usable(c) ? "call them" :
	      engine_lead_reachable(c, "email") ? "email them" :
	      "find a way to reach them";
	engine_event(c, "lead.unreached", "No automated follow-up of %s could reach %s: not "
		     "closed for no response; a person takes over", seq->name,
		     engine_display_name(c->l));
	engine_stop_sequence(c, NULL);
	engine_task_for_owner(c, "review", engine_fmt(c, "Reach %s yourself: no automated "
						      "follow-up could reach them (%s)",
						      engine_display_name(c->l), how));
	return true;
}

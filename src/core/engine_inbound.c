/*
 * engine_inbound.c - the lead speaks: replies, SMS keywords (STOP, START,
 * HELP) and consent (one policy, also for the carrier's opt-outs).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bizclock.h"
#include "engine_internal.h"

/*
 * Whoever reports an opt-out, the owner is asked to reach the lead the other
 * way: a task while the lead is open (due in business time, escalated and
 * notified like any other task), a note when it is not (nothing to chase).
 */
static void
reach_another_way(engine_ctx *c, bool sms)
{
	const char *name = lead_name_usable(c->l->name) ? c->l->name : "the lead";
	bool other = engine_lead_reachable(c, sms ? "email" : "sms");
	const char *from = sms ? "texts" : "email";

	if (engine_is_open(c) && c->owner != NULL) {
		engine_task_for_owner(c, "call", engine_fmt(c, "%s %s: they opted out of %s",
							    !other ? "Call" : sms ? "Call or email" :
							    "Call or text", name, from));
		return;
	}
	engine_notify(c, engine_person(c, c->owner),
		      engine_fmt(c, "%s opted out of %s. No more automated %s. Lead #%lld",
				 engine_display_name(c->l), from, sms ? "texts" : "emails",
				 (long long)c->l->id));
}

/*
 * The one consent policy. An opt-out is the same decision whether the lead
 * texted STOP to us, clicked an unsubscribe link, or the carrier refused our
 * text because the lead texted STOP to it (OPT_BY_CARRIER): the same flag,
 * the same timeline entry, the same owner task, and the same confirmation
 * rule - one confirmation text, sent only where it can still reach the lead.
 * When the lead's STOP reached us, we cannot know whether the provider
 * answered it, so we confirm once. When the carrier reports it, the carrier
 * has received the STOP, answered it and refuses every text from us (its
 * refusal is how we learned): a confirmation could only fail, so none is
 * queued. A repeated opt-out changes nothing.
 */
decide_result
engine_on_opt(engine_ctx *c, const char *channel, bool out, opt_source by)
{
	bool sms = engine_streq(channel, "sms");
	bool *flag = sms ? &c->sms_opt_out : &c->email_opt_out;
	action *a;

	if (*flag == out)
		return DECIDE_OK;	/* a repeated STOP gets no second confirmation */
	a = engine_push(c, ACT_SET_OPT_OUT);
	a->channel = sms ? "sms" : "email";
	a->flag = out;
	*flag = out;
	if (!out) {
		engine_event(c, "consent.opted_in", "%s opted back in to %s", engine_display_name(c->l),
			     sms ? "texts" : "email");
		if (sms)
			engine_queue_to_lead(c, "sms", engine_fmt(c, "You're resubscribed to %s "
								  "texts. Reply STOP to opt out.",
								  c->r->business.name),
					     PURPOSE_COMPLIANCE, false);
		return DECIDE_OK;
	}
	engine_event(c, "consent.opted_out", "%s opted out of %s%s", engine_display_name(c->l),
		     sms ? "texts" : "email", by == OPT_BY_CARRIER ?
		     " (the carrier refused our text: they texted STOP to our number)" : "");
	if (sms && by == OPT_BY_LEAD)
		engine_queue_to_lead(c, "sms", engine_fmt(c, "You're unsubscribed from %s texts. "
							  "Reply START to resubscribe.",
							  c->r->business.name),
				     PURPOSE_COMPLIANCE, false);
	reach_another_way(c, sms);
	return DECIDE_OK;
}

decide_result
engine_on_message_in(engine_ctx *c, const lead_event *ev)
{
	bool sms = engine_streq(ev->channel, "sms");
	engine_words_kind kw = engine_words(ev->text, sms, c->sms_opt_out);
	const char *how = sms ? "text" : ev->channel ? ev->channel : "message";

	switch (kw) {
	case WORDS_STOP:
	case WORDS_START: {
		decide_result res;

		engine_event(c, "message.received", "Text from the lead: %s", ev->text);
		res = engine_on_opt(c, "sms", kw == WORDS_STOP, OPT_BY_LEAD);
		if (kw == WORDS_STOP)
			engine_appointment_keyword_cancel(c, ev);
		return res;
	}
	case WORDS_HELP:
		engine_event(c, "message.received", "Text from the lead: %s", ev->text);
		engine_queue_to_lead(c, "sms", engine_fmt(c, "%s: call us at %s. Reply STOP to "
							  "opt out.", c->r->business.name,
							  c->r->business.phone ? c->r->business.phone :
							  "our office number"),
				     PURPOSE_COMPLIANCE, false);
		return DECIDE_OK;
	case WORDS_AUTO_REPLY:
		/* Not the lead speaking: nothing stops, nobody is asked to answer it. */
		engine_event(c, "message.auto_reply", "Auto-reply to our %s (not counted as %s "
			     "replying): %s", how, engine_first_name(c), ev->text);
		return DECIDE_OK;
	case WORDS_MAYBE_STOP:
		/* "please cancel it" is about the visit, not the texts */
		if (engine_appointment_reply(c, ev))
			return DECIDE_OK;
		engine_event(c, "message.received", "%s replied by %s: %s", engine_first_name(c), how,
			     ev->text);
		engine_mark(c, "inbound");
		c->replied = true;
		engine_stop_if_moot(c, UNLESS_REPLIED, engine_fmt(c, "%s replied",
								  engine_first_name(c)));
		engine_possible_opt_out(c, sms ? "sms" : "email", ev->text);
		return DECIDE_OK;
	case WORDS_REPLY:
		if (engine_appointment_reply(c, ev))
			return DECIDE_OK;
		break;
	}
	engine_event(c, "message.received", "%s replied by %s: %s", engine_first_name(c), how,
		     ev->text ? ev->text : "");
	if (engine_streq(c->status, LEAD_STATUS_WON)) {
		engine_customer_request(c, how, ev->text, sms ? "text" :
					engine_streq(ev->channel, "email") ? "email" : "call");
		return DECIDE_OK;
	}
	engine_mark(c, "inbound");
	c->replied = true;
	engine_reopen_if_cold(c, "the lead replied");
	engine_stop_if_moot(c, UNLESS_REPLIED, engine_fmt(c, "%s replied", engine_first_name(c)));
	c->reply_asks = engine_promise_asked(c, ev->text);
	engine_reply_task(c, ev->channel);
	return DECIDE_OK;
}

void
engine_reply_task(engine_ctx *c, const char *channel)
{
	bool sms = engine_streq(channel, "sms");
	action *a;

	engine_task_for_owner(c, sms ? "text" : engine_streq(channel, "email") ? "email" : "call",
			      engine_fmt(c, "%s" REPLY_TITLE "%s%s%s%s", engine_first_name(c),
					 sms ? "by text or call" : "them",
					 c->reply_asks ? " (" : "",
					 c->reply_asks ? c->reply_asks : "",
					 c->reply_asks ? ")" : ""));
	if (c->r->unanswered.after <= 0)
		return;
	/* If nobody has answered by then, the lead goes back to follow-up or
	 * cold (engine_timer.c): a stopped sequence never means a forgotten lead. */
	for (size_t i = c->d->n; i-- > 0;)
		if (c->d->items[i].kind == ACT_TASK_CREATE) {
			int64_t due = c->d->items[i].at;

			a = engine_push(c, ACT_TIMER_SET);
			a->timer = TIMER_UNANSWERED;
			a->at = due + c->r->unanswered.after;
			break;
		}
}

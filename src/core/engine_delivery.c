/*
 * engine_delivery.c - what became of a message the engine queued: sent,
 * failed, given up, unknown, confirmed, refused by the carrier (an opt-out),
 * a bad number, a bounce, cancelled at its turn. Decides the timeline entry,
 * the lead's contact flags, whether a person must step in (a task for the
 * lead's owner like any other: due in business time, escalated, notified)
 * and which earlier task of the message it settles. Delivery only reports
 * what happened; the policy is here. No I/O.
 */
#include <stdio.h>
#include <string.h>

#include "engine_internal.h"

/* "Alice Moreno" for a staff recipient, else the lead's name or "the lead". */
static const char *
recipient(const engine_ctx *c, const lead_event *ev)
{
	if (ev->person != NULL) {
		const rules_person *p = engine_person(c, ev->person);

		return p && p->name ? p->name : ev->person;
	}
	return lead_name_usable(c->l->name) ? c->l->name : "the lead";
}

/* Closes the task delivery opened earlier for this message, if still open. */
static void
settle(engine_ctx *c, int64_t task_id, const char *state, const char *why)
{
	action *a;

	if (engine_open_task(c, task_id) == NULL)
		return;
	a = engine_push(c, ACT_TASK_CLOSE);
	a->task_id = task_id;
	a->name = state;
	a->text = why;
}

static bool
open_task_starting(const engine_ctx *c, const char *prefix)
{
	for (size_t i = 0; i < c->st->ntasks; i++)
		if (c->st->tasks[i].title && strncmp(c->st->tasks[i].title, prefix,
						       strlen(prefix)) == 0)
			return true;
	return false;
}

/*
 * A staff notification that did not get through, whatever the reason: the
 * lead's owner gets a task to check it. The person whose notifications fail
 * is not notified of anything else in this decision, and one open task per
 * person and channel is enough: otherwise each failed notification would
 * make a task whose own notification (or escalation) fails in turn.
 */
static void
staff_failed(engine_ctx *c, const lead_event *ev, const char *what, const char *What,
	     const char *name, const char *err)
{
	const char *prefix = engine_fmt(c, "Notification to %s by %s failed", name, what);

	engine_event(c, ev->delivery == DELIVERY_DEAD ? "message.dead" : "message.failed",
		     "%s notification to %s %s: %s", What, name,
		     ev->delivery == DELIVERY_DEAD ? "gave up after repeated failures" : "failed",
		     err);
	c->unreachable = ev->person;
	if (open_task_starting(c, prefix))
		return;
	engine_task_for_owner(c, "review", engine_fmt(c, "%s (%s): \"%s\"", prefix, err,
						      ev->text ? ev->text : ""));
}

/* A contact detail the provider says is unusable: flag it once, with a task
 * to fix it; a second failure on a flagged contact only goes on the timeline. */
static void
flag_contact(engine_ctx *c, unsigned flag, const char *flagged, const char *verb,
	     const char *title)
{
	action *a;

	if (c->flags & flag)
		return;
	a = engine_push(c, ACT_SET_FLAGS);
	a->flags = flag;
	c->flags |= flag;
	engine_event(c, "contact.flagged", "%s", flagged);
	engine_task_for_owner(c, verb, title);
}

decide_result
engine_on_delivery(engine_ctx *c, const lead_event *ev)
{
	bool sms = engine_streq(ev->channel, "sms");
	const char *what = sms ? "text" : "email", *What = sms ? "Text" : "Email";
	const char *name = recipient(c, ev);
	const char *err = ev->error && *ev->error ? ev->error : "no reason given";
	const char *snip = ev->text ? ev->text : "";
	const char *superseded = "superseded: the provider reported the message failed";

	switch (ev->delivery) {
	case DELIVERY_SENT:
		engine_event(c, "message.sent", "%s%s to %s sent", What,
			     ev->person ? " notification" : "", name);
		return DECIDE_OK;
	case DELIVERY_CONFIRMED:
		settle(c, ev->task_id, "done", "resolved: the provider confirmed the message "
		       "went out");
		engine_event(c, "message.confirmed", "%s to %s confirmed by the provider after an "
			     "interrupted send: it did go out", What,
			     ev->person ? name : "the lead");
		return DECIDE_OK;
	case DELIVERY_UNKNOWN:
		/* A customer getting the same text twice is worse than a person
		 * spending ten seconds checking: never resent, a person looks. */
		engine_event(c, "message.unknown", "%s%s to %s may or may not have gone out (not "
			     "resent): %s", What, ev->person ? " notification" : "", name, snip);
		engine_task_for_owner(c, "review", engine_fmt(c, "Check whether %s got the %s \"%s\": "
							      "sending was interrupted and it was "
							      "not resent", name, what, snip));
		return DECIDE_OK;
	case DELIVERY_CANCELLED:
		engine_event(c, "message.cancelled", "%s to the lead not sent: %s", What,
			     (sms ? c->sms_opt_out : c->email_opt_out) ?
			     engine_fmt(c, "%s opted out of %s", engine_display_name(c->l),
					sms ? "texts" : "email") :
			     sms ? "the phone number is not usable" : "the address is not usable");
		return DECIDE_OK;
	case DELIVERY_FAILED:
	case DELIVERY_DEAD:
	case DELIVERY_CARRIER_OPT_OUT:
	case DELIVERY_INVALID_PHONE:
	case DELIVERY_BOUNCED:
	case DELIVERY_NOT_TEXTABLE:
		break;
	}

	/* The message failed for good: a task opened while its outcome was
	 * unknown is replaced by what follows. */
	settle(c, ev->task_id, "cancelled", superseded);
	if (ev->person != NULL) {
		/* A staff member's number or address says nothing about the lead. */
		staff_failed(c, ev, what, What, name, err);
		return DECIDE_OK;
	}
	switch (ev->delivery) {
	case DELIVERY_CARRIER_OPT_OUT:
		engine_event(c, "message.failed", "%s to %s refused by the carrier: they texted "
			     "STOP (%s)", What, name, err);
		/* The very decision a STOP texted to us makes (engine_on_opt). On a
		 * lead already opted out - our confirmation of their STOP, refused
		 * as the carrier refuses everything now - nothing more to do. */
		return engine_on_opt(c, sms ? "sms" : "email", true, OPT_BY_CARRIER);
	case DELIVERY_INVALID_PHONE:
		engine_event(c, "message.failed", "%s to %s failed: %s", What, name, err);
		flag_contact(c, LEAD_PHONE_INVALID, "Phone number flagged: the SMS provider says "
			     "it is not a valid number", "review",
			     engine_fmt(c, "Fix %s's phone number %s: the SMS provider says it is "
					"not valid", name, ev->to ? ev->to : c->l->phone ? c->l->phone :
					""));
		return DECIDE_OK;
	case DELIVERY_NOT_TEXTABLE:
		return engine_on_not_textable(c, ev, name, err);
	case DELIVERY_BOUNCED:
		engine_event(c, "message.failed", "%s to %s failed: %s", What, name, err);
		flag_contact(c, LEAD_EMAIL_INVALID, "Email address flagged: the message bounced",
			     "call", engine_fmt(c, "Email to %s bounced (%s): %s them and fix the "
						"address", name, err,
						engine_lead_reachable(c, "sms") ? "call or text" :
						"call"));
		return DECIDE_OK;
	case DELIVERY_DEAD:
		engine_event(c, "message.dead", "%s to %s gave up after repeated failures: %s",
			     What, name, err);
		engine_task_for_owner(c, "call", engine_fmt(c, "The %s to %s could not be sent after "
							    "%d tries (%s): reach them another way",
							    what, name, ev->attempts, err));
		return DECIDE_OK;
	default:
		engine_event(c, "message.failed", "%s to %s failed: %s", What, name, err);
		engine_task_for_owner(c, "call", engine_fmt(c, "The %s to %s failed (%s): reach them "
							    "another way", what, name, err));
		return DECIDE_OK;
	}
}

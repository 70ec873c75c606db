/*
 * engine_intake.c - a lead arrives: owner, stage, first sequence, contact
 * problems; or an open lead asks again.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bizclock.h"
#include "engine_internal.h"

/*
 * A phone outside business.sms_countries gets no automated text (a public
 * form must not make the business text any number in the world with a
 * stranger's words): the lead is kept, flagged, and its owner gets a task to
 * reach them in person instead.
 */
static void
flag_phone_abroad(engine_ctx *c)
{
	const lead *l = c->l;

	if (l->phone == NULL || *l->phone == '\0' || (c->flags & LEAD_PHONE_INVALID) ||
	    rules_sms_allowed(c->r, l->phone))
		return;
	engine_push(c, ACT_SET_FLAGS)->flags = LEAD_PHONE_ABROAD;
	c->flags |= LEAD_PHONE_ABROAD;
	engine_event(c, "lead.flagged", "%s has a phone number outside the countries automated "
		     "texts go to (%s; business.sms_countries: %s)", engine_display_name(l),
		     l->phone, engine_sms_countries(c));
	engine_task_for_owner(c, "call", engine_fmt(c, "Reach %s yourself: no automated texts "
					     "go to %s (outside %s)", engine_display_name(l),
					     l->phone, engine_sms_countries(c)));
}

static void
flag_contact_problems(engine_ctx *c)
{
	const lead *l = c->l;
	const char *what;

	if (l->flags & LEAD_NO_CONTACT)
		what = "has no phone number or email we can use";
	else if (l->flags & LEAD_PHONE_INVALID)
		what = engine_fmt(c, "has a phone number that could not be read (\"%s\")",
				  l->phone ? l->phone : "");
	else if (l->flags & LEAD_EMAIL_INVALID)
		what = engine_fmt(c, "has an email address that could not be read (\"%s\")",
				  l->email ? l->email : "");
	else
		what = NULL;
	if (what != NULL) {
		engine_event(c, "lead.flagged", "%s %s", engine_display_name(l), what);
		engine_task_for_owner(c, "review", engine_fmt(c, "Fix the contact details: %s %s",
						       engine_display_name(l), what));
	}
	flag_phone_abroad(c);
}

/* Says on the timeline what intake had to cut or change to keep the lead. */
void
engine_note_cut(engine_ctx *c, const lead_event *ev)
{
	if (ev->cut != NULL && *ev->cut != '\0')
		engine_event(c, "lead.input_cut", "Kept with changes: %s", ev->cut);
}

decide_result
engine_on_created(engine_ctx *c, const lead_event *ev)
{
	const lead *l = c->l;
	const rules_stage *first = c->r->nstages > 0 ? &c->r->stages[0] : NULL;
	const char *seq;

	engine_event(c, "lead.created", "New lead from %s: %s%s%s", l->source ? l->source : "unknown",
		     engine_display_name(l), l->service && *l->service ? " - " : "",
		     l->service ? l->service : "");
	engine_note_cut(c, ev);
	if (l->timezone == NULL)
		engine_infer_zone(c);	/* before any message: its quiet hours */
	if (c->owner == NULL) {
		char key[32];
		int p = engine_route_in(c, key, sizeof key);

		if (p < 0)
			p = 0;	/* rules check forbids this; never leave a lead without owner */
		if (key[0] != '\0')
			engine_push(c, ACT_RR_ADVANCE)->name = engine_str(c, key);
		engine_set_owner(c, p, "by routing rules");
	} else {
		engine_event(c, "owner.assigned", "Owner: %s (set at intake)", c->owner);
	}
	if (first != NULL && !engine_streq(c->stage, first->name)) {
		engine_push(c, ACT_SET_STAGE)->name = first->name;
		c->stage = first->name;
	}
	/* A sequence named after the lead's kind (estimate, no_show, ...) wins
	 * over the first stage's: one rules file serves every kind of lead. */
	if (l->kind && rules_sequence_find(c->r, l->kind))
		seq = l->kind;
	else if (first && first->sequence)
		seq = first->sequence;
	else
		seq = rules_sequence_find(c->r, "new_inquiry") ? "new_inquiry" : NULL;
	engine_start_sequence(c, seq, true, "new lead");
	flag_contact_problems(c);
	return DECIDE_OK;
}

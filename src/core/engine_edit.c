/*
 * engine_edit.c - a person edits the lead: snoozes one of its open tasks, or
 * corrects its contact details. The checks, the normalisation, the contact
 * flags and the timeline's words are decided here; the store only writes them.
 */
#include <stdio.h>
#include <string.h>

#include "contact.h"
#include "engine_internal.h"
#include "lead_zone.h"

/* --- snooze ------------------------------------------------------------------- */

#define SNOOZE_MAX_SECONDS (366 * 86400LL)	/* a leap year's worth */

/*
 * The task's due time moves to ev->until. Escalation is measured from the due
 * time, so the task's pending escalation timers are replaced by a fresh chain
 * from the new due time, starting at the first level: missing the new
 * deadline is news again, whatever the old one led to.
 */
decide_result
engine_on_task_snooze(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
{
	const lead_task *t = engine_open_task(c, ev->task_id);
	action *a;

	if (t == NULL) {
		/* The state holds open tasks only (the first 64 by due time). */
		snprintf(err, errlen, "task %lld is not an open task of lead %lld",
			 (long long)ev->task_id, (long long)c->l->id);
		return DECIDE_CONFLICT;
	}
	if (ev->until <= c->now) {
		snprintf(err, errlen, "until: must be in the future");
		return DECIDE_INVALID;
	}
	/* A task put off for more than a year is a typo or garbage (a 64-bit
	 * time far past any calendar): refused, never stored as a due time. */
	if (ev->until - c->now > SNOOZE_MAX_SECONDS) {
		snprintf(err, errlen, "until: must be within a year from now");
		return DECIDE_INVALID;
	}
	a = engine_push(c, ACT_TASK_DUE);
	a->task_id = t->id;
	a->at = ev->until;
	a = engine_push(c, ACT_TIMERS_CANCEL);
	a->timer = TIMER_ESCALATE;
	a->task_id = t->id;
	engine_escalate_from(c, ev->until, t->id, -1);
	engine_event(c, "task.snoozed", "Snoozed: %s%s%s (now due %s)", t->title,
		     ev->reason && *ev->reason ? " - " : "", ev->reason ? ev->reason : "",
		     engine_due_phrase(c, ev->until) + 3);
	return DECIDE_OK;
}

/* --- contact details ------------------------------------------------------------ */

static bool
blank(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return *s == '\0';
}

/* Re-reads one edited phone or email (v, not NULL): *out becomes its
 * normalised form, "" when cleared, or v as given with its flag bit set. */
static void
reread(engine_ctx *c, const char *v, bool phone, unsigned bit, unsigned *flags,
       const char **out)
{
	char norm[256];

	*flags &= ~bit;
	if (blank(v)) {
		*out = "";
		return;
	}
	if ((phone ? contact_phone_normalize(v, c->r->business.country, norm, sizeof norm) :
		     contact_email_normalize(v, norm, sizeof norm)) == 0) {
		*out = engine_str(c, norm);
	} else {
		*out = engine_str(c, v);
		*flags |= bit;
	}
}

/* ", phone" after "Contact details updated: name" and so on. */
static void
list_field(char *buf, size_t len, const char *v, const char *name)
{
	size_t n = strlen(buf);

	if (v != NULL && n < len)
		snprintf(buf + n, len - n, "%s%s", n ? ", " : "", name);
}

/* A zone a person set wins; "" asks for it from the phone again; a new
 * phone number that places the lead for certain moves it there. */
static void
edit_zone(engine_ctx *c, const char *zone, const char *new_phone)
{
	const char *inferred;

	if (zone != NULL && *zone) {
		engine_set_zone(c, zone, "set by a person");
		return;
	}
	if (zone != NULL)
		engine_set_zone(c, NULL, NULL);
	inferred = contact_phone_zone(new_phone ? new_phone :
				      engine_phone_usable(c) ? c->l->phone : NULL);
	if (inferred != NULL && rules_lead_zone_find(c->r, inferred) != NULL)
		engine_set_zone(c, inferred, "from the phone number");
}

decide_result
engine_on_contact(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
{
	const lead_fields *in = &ev->fields;
	const lead *l = c->l;
	const char *phone = l->phone, *email = l->email, *problem = "";
	unsigned flags = l->flags, added;
	char what[96] = "";
	bool usable;
	action *a;

	list_field(what, sizeof what, in->name, "name");
	list_field(what, sizeof what, in->phone, "phone");
	list_field(what, sizeof what, in->email, "email");
	list_field(what, sizeof what, in->service, "service");
	list_field(what, sizeof what, in->message, "message");
	list_field(what, sizeof what, in->neighbourhood, "neighbourhood");
	list_field(what, sizeof what, in->timezone, "time zone");
	if (in->timezone != NULL && *in->timezone &&
	    rules_lead_zone_find(c->r, in->timezone) == NULL) {
		snprintf(err, errlen, "timezone: \"%.64s\" is not a time zone leadkeep knows for "
			 "leads (an IANA name like America/Denver)", in->timezone);
		return DECIDE_INVALID;
	}
	if (what[0] == '\0') {
		snprintf(err, errlen, "name: give at least one field to change");
		return DECIDE_INVALID;
	}
	if (in->phone != NULL) {
		reread(c, in->phone, true, LEAD_PHONE_INVALID, &flags, &phone);
		/* a new number is in the texted countries, or not */
		flags &= ~(unsigned)LEAD_PHONE_ABROAD;
		/* another number may take texts */
		if (!engine_streq(phone, l->phone))
			flags &= ~(unsigned)LEAD_NO_TEXTS;
		if (*phone && !(flags & LEAD_PHONE_INVALID) && !rules_sms_allowed(c->r, phone))
			flags |= LEAD_PHONE_ABROAD;
	}
	if (in->email != NULL)
		reread(c, in->email, false, LEAD_EMAIL_INVALID, &flags, &email);
	usable = (phone && *phone && !(flags & LEAD_PHONE_INVALID)) ||
		 (email && *email && !(flags & LEAD_EMAIL_INVALID));
	flags = usable ? flags & ~(unsigned)LEAD_NO_CONTACT : flags | LEAD_NO_CONTACT;

	a = engine_push(c, ACT_SET_CONTACT);
	a->fields.name = engine_str(c, in->name);
	a->fields.phone = in->phone ? phone : NULL;
	a->fields.email = in->email ? email : NULL;
	a->fields.service = engine_str(c, in->service);
	a->fields.message = engine_str(c, in->message);
	a->fields.neighbourhood = engine_str(c, in->neighbourhood);
	a->flags = flags;

	/* A problem the edit brings is said in the same line. */
	added = flags & ~l->flags;
	if (added & LEAD_NO_CONTACT)
		problem = "; no phone number or email we can use is left";
	else if (added & LEAD_PHONE_INVALID)
		problem = engine_fmt(c, "; the phone number could not be read (\"%s\")", phone);
	else if (added & LEAD_EMAIL_INVALID)
		problem = engine_fmt(c, "; the email address could not be read (\"%s\")", email);
	else if (added & LEAD_PHONE_ABROAD)
		problem = engine_fmt(c, "; no automated texts go to %s (outside %s)", phone,
				     engine_sms_countries(c));
	engine_event(c, "lead.updated", "Contact details updated: %s%s", what, problem);
	edit_zone(c, in->timezone, in->phone != NULL && !engine_streq(phone, l->phone) &&
		  !(flags & LEAD_PHONE_INVALID) ? phone : NULL);
	return DECIDE_OK;
}

/*
 * intake.c - normalise, de-duplicate, store, decide. See intake.h.
 */
#include <stdio.h>
#include <string.h>

#include "core/contact.h"
#include "core/lead.h"
#include "intake.h"
#include "util/str.h"

int
intake_submit(store *s, int64_t business_id, const rules *r, const intake_lead *in,
	      int64_t now, intake_result *out, char *err, size_t errlen)
{
	char phone[32], email[256];
	const char *ph = NULL, *em = NULL;
	unsigned flags = 0;
	store_new_lead nl;
	lead_event ev;
	int64_t id = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (!str_blank(in->phone)) {
		if (contact_phone_normalize(in->phone, r->business.country, phone, sizeof phone) == 0)
			ph = phone;
		else
			flags |= LEAD_PHONE_INVALID;
	}
	if (!str_blank(in->email)) {
		if (contact_email_normalize(in->email, email, sizeof email) == 0)
			em = email;
		else
			flags |= LEAD_EMAIL_INVALID;
	}
	if (ph == NULL && em == NULL)
		flags |= LEAD_NO_CONTACT;

	if (r->business.duplicate_window > 0) {
		id = store_lead_find_open(s, business_id, ph, em, now - r->business.duplicate_window);
		if (id < 0) {
			snprintf(err, errlen, "looking for a duplicate lead failed");
			return -1;
		}
	}
	if (id > 0) {
		ev = lead_event_init(EV_INQUIRY_AGAIN);
		ev.source = in->source;
		ev.text = in->message;
		ev.actor = in->actor;
		out->duplicate = true;
	} else {
		nl = (store_new_lead){
			.name = in->name, .phone = ph ? ph : in->phone, .email = em ? em : in->email,
			.source = in->source, .kind = in->kind, .service = in->service,
			.message = in->message, .neighbourhood = in->neighbourhood,
			.external_id = in->external_id, .flags = flags,
			.owner = in->owner && rules_person_find(r, in->owner) ? in->owner : NULL,
		};
		if ((id = store_lead_insert(s, business_id, &nl, now)) < 0) {
			snprintf(err, errlen, "storing the lead failed");
			return -1;
		}
		ev = lead_event_init(EV_CREATED);
		ev.actor = in->actor;
	}
	out->lead_id = id;
	out->flags = flags;
	rc = store_process(s, business_id, r, id, &ev, now, err, errlen);
	return rc == DECIDE_OK ? 0 : -1;
}

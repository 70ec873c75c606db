/*
 * flow_intake.c - leads and messages from outside (intake requests):
 * normalise the contact, find the lead it belongs to by the one matching
 * policy, then store and decide. A lead is never dropped for a bad field: it is kept as given and
 * flagged.
 */
#include <stdio.h>
#include <string.h>

#include "core/contact.h"
#include "core/engine.h"
#include "flow.h"
#include "flow_metrics.h"
#include "util/str.h"

/* The normalised forms of a contact; NULL for what is absent or unusable. */
typedef struct {
	char phone_buf[32];
	char email_buf[256];
	const char *phone;
	const char *email;
	unsigned flags;		/* LEAD_* problems with what was given */
} contact;

static void
contact_read(contact *c, const rules *r, const char *phone, const char *email)
{
	memset(c, 0, sizeof *c);
	if (!str_blank(phone)) {
		if (contact_phone_normalize(phone, r->business.country, c->phone_buf,
					    sizeof c->phone_buf) == 0)
			c->phone = c->phone_buf;
		else
			c->flags |= LEAD_PHONE_INVALID;
	}
	if (!str_blank(email)) {
		if (contact_email_normalize(email, c->email_buf, sizeof c->email_buf) == 0)
			c->email = c->email_buf;
		else
			c->flags |= LEAD_EMAIL_INVALID;
	}
	if (c->phone == NULL && c->email == NULL)
		c->flags |= LEAD_NO_CONTACT;
}

int64_t
flow_match(store *s, int64_t business_id, const rules *r, const char *phone,
	   const char *email, int64_t now)
{
	int64_t id;

	if (r->business.duplicate_window <= 0)
		return 0;
	id = store_lead_find_open(s, business_id, phone, email,
				  now - r->business.duplicate_window);
	/* Nobody in the pipeline: a past customer is not a new lead. */
	return id != 0 ? id : store_lead_find_customer(s, business_id, phone, email);
}

/* Decides EV_CREATED for a new lead with contact c, and writes it once with
 * everything decided for it. */
static flow_result
create(store *s, int64_t business_id, const rules *r, const intake_lead *in,
       const contact *c, int64_t now, flow_out *out, char *err, size_t errlen)
{
	store_new_lead nl = {
		.name = in->name, .phone = c->phone ? c->phone : in->phone,
		.email = c->email ? c->email : in->email, .source = in->source,
		.kind = in->kind, .service = in->service, .message = in->message,
		.neighbourhood = in->neighbourhood, .external_id = in->external_id,
		.flags = c->flags,
		.owner = in->owner && rules_person_find(r, in->owner) ? in->owner : NULL,
		.custom = in->custom, .ncustom = in->ncustom,
	};
	lead_event ev = lead_event_init(EV_CREATED);
	store_lead_state *ls;
	decision *d = NULL;
	flow_result res;
	lead_state st;
	lead_load loads[64];

	out->flags = c->flags;
	if (store_lead_prepare(s, business_id, &nl, now, &ls, err, errlen) < 0)
		return store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
	out->lead_id = store_lead_state_get(ls)->lead.id;
	ev.actor = in->actor;
	ev.cut = in->cut;
	ev.import = in->import;
	ev.stage = in->stage;
	ev.reason = in->lost_reason;
	ev.sms_opt_out = in->sms_opt_out;
	ev.email_opt_out = in->email_opt_out;
	if (flow_state_loads(s, business_id, r, store_lead_state_get(ls), &st, loads,
			     sizeof loads / sizeof loads[0]) < 0)
		res = store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
	else if (decide(&st, &ev, r, store_lead_state_rr(ls), now, &d, err, errlen) != DECIDE_OK)
		res = FLOW_INVALID;	/* a preset field the rules do not know */
	else if (store_lead_create(s, ls, d, ev.actor, now, &out->task_id, err, errlen) < 0)
		res = store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
	else
		res = FLOW_OK;
	if (res == FLOW_OK) {
		flow_count_decision(&ev);
		flow_count_lead(in->source);
	}
	decision_free(d);
	store_lead_state_free(ls);
	return res;
}

flow_result
flow_intake(store *s, int64_t business_id, const rules *r, const intake_lead *in,
	    int64_t now, flow_out *out, char *err, size_t errlen)
{
	flow_out dummy;
	contact c;
	lead_event ev;
	flow_result res;
	int64_t id;

	if (out == NULL)
		out = &dummy;
	memset(out, 0, sizeof *out);
	contact_read(&c, r, in->phone, in->email);
	if ((id = flow_match(s, business_id, r, c.phone, c.email, now)) < 0) {
		snprintf(err, errlen, "looking for the lead's earlier inquiry: %s", store_errmsg(s));
		return store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
	}
	if (id == 0)
		return create(s, business_id, r, in, &c, now, out, err, errlen);
	ev = lead_event_init(EV_INQUIRY_AGAIN);
	ev.source = in->source;
	ev.text = in->message;
	ev.actor = in->actor;
	ev.custom = in->custom;
	ev.ncustom = in->ncustom;
	ev.cut = in->cut;
	ev.import = in->import;
	/* what the repeat brings: the engine fills what the lead lacks with it */
	ev.fields = (lead_fields){ .name = in->name, .phone = in->phone, .email = in->email,
				   .service = in->service, .message = in->message,
				   .neighbourhood = in->neighbourhood };
	res = flow_event(s, business_id, r, id, &ev, now, out, err, errlen);
	out->duplicate = true;
	out->flags = c.flags;
	return res;
}

flow_result
flow_inbound(store *s, int64_t business_id, const rules *r, const char *phone,
	     const char *email, const lead_event *ev, const intake_lead *create_in,
	     int64_t now, flow_out *out, char *err, size_t errlen)
{
	flow_out dummy;
	contact c;
	int64_t id;

	if (out == NULL)
		out = &dummy;
	memset(out, 0, sizeof *out);
	contact_read(&c, r, phone, email);
	if ((id = flow_match(s, business_id, r, c.phone, c.email, now)) < 0) {
		snprintf(err, errlen, "looking for the sender's lead: %s", store_errmsg(s));
		return store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
	}
	if (id > 0) {
		flow_result res = flow_event(s, business_id, r, id, ev, now, out, err, errlen);

		out->duplicate = true;
		return res;
	}
	if (create_in == NULL) {
		snprintf(err, errlen, "no lead with this contact");
		return FLOW_NOT_FOUND;
	}
	contact_read(&c, r, create_in->phone, create_in->email);
	return create(s, business_id, r, create_in, &c, now, out, err, errlen);
}

flow_result
flow_submit(store *s, int64_t business_id, const rules *r, const intake_request *req,
	    int64_t now, flow_out *out, char *err, size_t errlen)
{
	flow_out dummy;
	flow_result res;

	if (out == NULL)
		out = &dummy;
	switch (req->kind) {
	case INTAKE_LEAD:
		return flow_intake(s, business_id, r, &req->lead, now, out, err, errlen);
	case INTAKE_MESSAGE:
	case INTAKE_CALL:
		res = flow_inbound(s, business_id, r, req->match_phone, req->match_email,
				   &req->ev, req->create_if_unknown ? &req->lead : NULL, now, out,
				   err, errlen);
		if (res == FLOW_NOT_FOUND && !req->create_if_unknown) {
			/* nobody we know, and not an inquiry: nothing to attach it to */
			memset(out, 0, sizeof *out);
			if (err != NULL && errlen > 0)
				err[0] = '\0';
			return FLOW_OK;
		}
		return res;
	}
	snprintf(err, errlen, "intake request of unknown kind %d", (int)req->kind);
	return FLOW_INVALID;
}

/*
 * http_api_leads.c - /api/v1/leads: create (any token role), list with
 * filters and a cursor, get with timeline, update contact fields, and the
 * events people log on a lead (stage, owner, call, visit, note, message).
 * Every write is a writer job; reads use this thread's own connection.
 * An intake token's create is answered with a receipt that says nothing
 * about the leads already there (not even whether it matched one). The
 * lead's plan by hand - pause and resume its automation, set its next
 * follow-up - is the same engine event the web app sends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_api.h"
#include "intake/intake_api.h"
#include "read/read_json.h"
#include "store/store_api.h"

#define MAX_TEXT 4000	/* message / note text */
#define MAX_FIELD 256

bool
api_actor_ok(http_req *rq, const char *by, enum MHD_Result *ret)
{
	if (by != NULL && rules_person_find(http_req_rules(rq), by) == NULL) {
		*ret = http_error(rq, 422, "invalid_field", "by: no person with this id in the "
				  "rules (GET /api/v1/people lists them)", "by");
		return false;
	}
	return true;
}

bool
api_amount_field(http_req *rq, json_t *o, const char *k, int64_t *out, enum MHD_Result *ret)
{
	json_t *v = json_object_get(o, k);

	*out = -1;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 100000000000LL) {
		*ret = http_error(rq, 422, "invalid_field", "amount_cents: expected a whole number "
				  "of cents, e.g. 125000 for $1,250.00", k);
		return false;
	}
	*out = (int64_t)json_integer_value(v);
	return true;
}

enum MHD_Result
api_leads_create(http_req *rq)
{
	enum MHD_Result ret;
	job j = api_job(rq, JOB_SUBMIT);
	api_idem idem;
	custom_set cs;
	json_t *o;

	if (!http_auth(rq, HTTP_ROLE_INTAKE, &ret))
		return ret;
	if ((o = api_body(rq, &ret)) == NULL)
		return ret;
	/* Never refused for a field: what the API does not name is kept as
	 * custom fields, what is too long is kept cut (intake_api.h). */
	custom_init(&cs);
	switch (intake_api_json(o, http_req_rules(rq), &cs, &j.req)) {
	case INTAKE_OK:
		break;
	case INTAKE_MISSING:
		ret = http_error(rq, 422, "missing_field", "name: the lead is empty; give at least "
				 "a name, a phone or an email", "name");
		goto out;
	default:
		ret = http_error(rq, 500, "internal", "out of memory", NULL);
		goto out;
	}
	if (j.req.lead.cut != NULL)
		http_note(rq, "input_cut=true");
	if (!api_idempotency(rq, &idem, &j, &ret))
		goto out;
	if (strcmp(rq->role, STORE_ROLE_INTAKE) == 0)
		/* a site's backend: whoever holds its token learns nothing of existing
		 * leads, so the same receipt whether the contact was new or known */
		ret = api_run_receipt_job(rq, &j);
	else
		/* 201 also when attached to an open lead: "duplicate" in the body says so */
		ret = api_run_lead_job(rq, &j, 201);
out:
	custom_free(&cs);
	json_decref(o);
	return ret;
}

enum MHD_Result
api_leads_list(http_req *rq)
{
	enum MHD_Result ret;
	store_lead_filter f;
	const char *v;
	json_t *arr, *last;
	store *s;
	size_t n;
	char cursor[32];

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	memset(&f, 0, sizeof f);
	f.stage = http_arg(rq, "stage");
	f.status = http_arg(rq, "status");
	f.owner = http_arg(rq, "owner");
	f.source = http_arg(rq, "source");
	f.q = http_arg(rq, "q");
	f.limit = 50;
	if (!api_limit(rq, 200, &f.limit, &ret))
		return ret;
	if ((v = http_arg(rq, "cursor")) != NULL && (f.after_id = api_id(v)) < 0)
		return http_error(rq, 400, "bad_parameter", "cursor: pass next_cursor from the "
				  "previous page", "cursor");
	if ((v = http_arg(rq, "created_from")) != NULL && api_parse_time(v, &f.created_from) < 0)
		return http_error(rq, 400, "bad_parameter", "created_from: expected a time like "
				  "2026-11-24T20:02:00Z", "created_from");
	if ((v = http_arg(rq, "created_to")) != NULL && api_parse_time(v, &f.created_to) < 0)
		return http_error(rq, 400, "bad_parameter", "created_to: expected a time like "
				  "2026-11-24T20:02:00Z", "created_to");
	if ((s = http_store(rq)) == NULL)
		return http_error(rq, 503, "unavailable", "the database cannot be opened", NULL);
	f.limit++;	/* one more than asked: is there a next page? */
	if ((arr = read_leads_json(s, rq->business_id, &f)) == NULL)
		return http_flow_error(rq, FLOW_STORAGE, NULL, "the leads cannot be read");
	n = json_array_size(arr);
	if (n == (size_t)f.limit) {
		json_array_remove(arr, n - 1);
		last = json_array_get(arr, n - 2);
		snprintf(cursor, sizeof cursor, "%lld",
			 (long long)json_integer_value(json_object_get(last, "id")));
		return http_json(rq, 200, json_pack("{s:o,s:s}", "data", arr, "next_cursor", cursor));
	}
	return http_json(rq, 200, json_pack("{s:o,s:n}", "data", arr, "next_cursor"));
}

enum MHD_Result
api_lead_get(http_req *rq)
{
	enum MHD_Result ret;
	int64_t id = api_id(rq->params[0]);
	store *s;
	json_t *l;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if (id < 0)
		return http_error(rq, 404, "lead_not_found", "no lead with this id", NULL);
	if ((s = http_store(rq)) == NULL)
		return http_error(rq, 503, "unavailable", "the database cannot be opened", NULL);
	switch (read_lead_json(s, rq->business_id, id, true, &l)) {
	case 1:
		return http_json(rq, 200, l);
	case 0:
		return http_error(rq, 404, "lead_not_found", "no lead with this id", NULL);
	default:
		return http_flow_error(rq, FLOW_STORAGE, NULL, "the lead cannot be read");
	}
}

enum MHD_Result
api_lead_patch(http_req *rq)
{
	static const char *const keys[] = { "name", "phone", "email", "service", "message",
					    "neighbourhood", "timezone", "by", NULL };
	enum MHD_Result ret;
	job j = api_job(rq, JOB_UPDATE);
	bool bad = false;
	json_t *o;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if ((j.lead_id = api_id(rq->params[0])) < 0)
		return http_error(rq, 404, "lead_not_found", "no lead with this id", NULL);
	if ((o = api_body(rq, &ret)) == NULL)
		return ret;
	if (!api_only(rq, o, keys, &ret))
		goto out;
	j.ev.fields.name = api_str(rq, o, "name", MAX_FIELD, &bad, &ret);
	j.ev.fields.phone = api_str(rq, o, "phone", MAX_FIELD, &bad, &ret);
	j.ev.fields.email = api_str(rq, o, "email", MAX_FIELD, &bad, &ret);
	j.ev.fields.service = api_str(rq, o, "service", MAX_FIELD, &bad, &ret);
	j.ev.fields.message = api_str(rq, o, "message", MAX_TEXT, &bad, &ret);
	j.ev.fields.neighbourhood = api_str(rq, o, "neighbourhood", MAX_FIELD, &bad, &ret);
	j.ev.fields.timezone = api_str(rq, o, "timezone", 64, &bad, &ret);
	j.ev.actor = api_str(rq, o, "by", 64, &bad, &ret);
	if (bad || !api_actor_ok(rq, j.ev.actor, &ret))
		goto out;
	if (json_object_size(o) == 0 ||
	    (json_object_size(o) == 1 && json_object_get(o, "by") != NULL)) {
		ret = http_error(rq, 422, "missing_field", "name: give at least one field to "
				 "change", "name");
		goto out;
	}
	ret = api_run_lead_job(rq, &j, 200);
out:
	json_decref(o);
	return ret;
}

/* Runs a lead event from the body's common fields; the caller filled j.ev. */
static enum MHD_Result
run_event(http_req *rq, job *j, json_t *o)
{
	enum MHD_Result ret;
	api_idem idem;

	if ((j->lead_id = api_id(rq->params[0])) < 0)
		return http_error(rq, 404, "lead_not_found", "no lead with this id", NULL);
	if (!api_actor_ok(rq, j->ev.actor, &ret) || !api_idempotency(rq, &idem, j, &ret))
		return ret;
	(void)o;
	return api_run_lead_job(rq, j, 200);
}

enum MHD_Result
api_lead_stage(http_req *rq)
{
	static const char *const keys[] = { "stage", "amount_cents", "reason", "by", NULL };
	enum MHD_Result ret;
	job j = api_job(rq, JOB_EVENT);
	bool bad = false;
	json_t *o;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if ((o = api_body(rq, &ret)) == NULL)
		return ret;
	j.ev = lead_event_init(EV_STAGE);
	if (!api_only(rq, o, keys, &ret))
		goto out;
	j.ev.stage = api_str(rq, o, "stage", 64, &bad, &ret);
	j.ev.reason = api_str(rq, o, "reason", 64, &bad, &ret);
	j.ev.actor = api_str(rq, o, "by", 64, &bad, &ret);
	if (bad || !api_amount_field(rq, o, "amount_cents", &j.ev.amount_cents, &ret))
		goto out;
	if (j.ev.stage == NULL) {
		ret = http_error(rq, 422, "missing_field", "stage: which stage to move to",
				 "stage");
		goto out;
	}
	ret = run_event(rq, &j, o);
out:
	json_decref(o);
	return ret;
}

enum MHD_Result
api_lead_owner(http_req *rq)
{
	static const char *const keys[] = { "owner", "by", NULL };
	enum MHD_Result ret;
	job j = api_job(rq, JOB_EVENT);
	bool bad = false;
	json_t *o;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if ((o = api_body(rq, &ret)) == NULL)
		return ret;
	j.ev = lead_event_init(EV_OWNER);
	if (!api_only(rq, o, keys, &ret))
		goto out;
	j.ev.owner = api_str(rq, o, "owner", 64, &bad, &ret);
	j.ev.actor = api_str(rq, o, "by", 64, &bad, &ret);
	if (bad)
		goto out;
	if (j.ev.owner == NULL) {
		ret = http_error(rq, 422, "missing_field", "owner: the person id of the new owner",
				 "owner");
		goto out;
	}
	ret = run_event(rq, &j, o);
out:
	json_decref(o);
	return ret;
}

/* What a person promised the lead ("after 5 pm", "Thursday morning"): the next
 * call is due then, as `leadkeep lead callback` does; a time the rules cannot
 * keep is a 422 naming the first one they can (docs/appointments.md). */
enum MHD_Result
api_lead_callback(http_req *rq)
{
	static const char *const keys[] = { "promise", "by", NULL };
	enum MHD_Result ret;
	job j = api_job(rq, JOB_EVENT);
	bool bad = false;
	json_t *o;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if ((o = api_body(rq, &ret)) == NULL)
		return ret;
	j.ev = lead_event_init(EV_FOLLOWUP);
	if (!api_only(rq, o, keys, &ret))
		goto out;
	j.ev.promise = j.ev.text = api_str(rq, o, "promise", MAX_TEXT, &bad, &ret);
	j.ev.actor = api_str(rq, o, "by", 64, &bad, &ret);
	if (bad)
		goto out;
	if (j.ev.promise == NULL) {
		ret = http_error(rq, 422, "missing_field", "promise: what the lead was promised "
				 "(\"after 5 pm\", \"Thursday morning\")", "promise");
		goto out;
	}
	ret = run_event(rq, &j, o);
out:
	json_decref(o);
	return ret;
}

enum MHD_Result
api_lead_events(http_req *rq)
{
	static const char *const keys[] = { "type", "outcome", "text", "amount_cents", "by",
					    "contact", "direction", "channel", NULL };
	enum MHD_Result ret;
	job j = api_job(rq, JOB_EVENT);
	const char *type, *direction, *channel, *text, *outcome, *by;
	char note[MAX_TEXT + 64];
	bool bad = false;
	json_t *o, *contact;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if ((o = api_body(rq, &ret)) == NULL)
		return ret;
	if (!api_only(rq, o, keys, &ret))
		goto out;
	type = api_str(rq, o, "type", 16, &bad, &ret);
	outcome = api_str(rq, o, "outcome", 64, &bad, &ret);
	text = api_str(rq, o, "text", MAX_TEXT, &bad, &ret);
	by = api_str(rq, o, "by", 64, &bad, &ret);
	direction = api_str(rq, o, "direction", 8, &bad, &ret);
	channel = api_str(rq, o, "channel", 16, &bad, &ret);
	contact = json_object_get(o, "contact");
	if (bad)
		goto out;
	if (contact != NULL && !json_is_boolean(contact)) {
		ret = http_error(rq, 422, "invalid_field", "contact: expected true or false",
				 "contact");
		goto out;
	}
	if (type == NULL) {
		ret = http_error(rq, 422, "missing_field", "type: one of call, visit, note, "
				 "message", "type");
		goto out;
	}
	if (strcmp(type, "call") == 0) {
		j.ev = lead_event_init(EV_CALL_LOGGED);
	} else if (strcmp(type, "visit") == 0) {
		j.ev = lead_event_init(EV_VISIT_LOGGED);
		if (!api_amount_field(rq, o, "amount_cents", &j.ev.amount_cents, &ret))
			goto out;
	} else if (strcmp(type, "note") == 0) {
		j.ev = lead_event_init(EV_NOTE);
		j.ev.contact = json_is_true(contact);
	} else if (strcmp(type, "message") == 0) {
		if (channel == NULL)
			channel = "sms";
		if (strcmp(channel, "sms") != 0 && strcmp(channel, "email") != 0) {
			ret = http_error(rq, 422, "invalid_field", "channel: sms or email",
					 "channel");
			goto out;
		}
		if (direction == NULL || strcmp(direction, "in") == 0) {
			j.ev = lead_event_init(EV_MESSAGE_IN);
			j.ev.channel = channel;
		} else if (strcmp(direction, "out") == 0) {
			/* a message a person sent by hand: a human touch */
			j.ev = lead_event_init(EV_NOTE);
			j.ev.contact = true;
			snprintf(note, sizeof note, "Sent by hand (%s): %s", channel,
				 text ? text : "");
			text = note;
		} else {
			ret = http_error(rq, 422, "invalid_field", "direction: in or out",
					 "direction");
			goto out;
		}
	} else {
		ret = http_error(rq, 422, "invalid_field", "type: one of call, visit, note, message",
				 "type");
		goto out;
	}
	j.ev.text = text;
	j.ev.outcome = outcome;
	j.ev.actor = by;
	ret = run_event(rq, &j, o);
out:
	json_decref(o);
	return ret;
}

/* POST /api/v1/leads/ID/pause {reason?, by?} and /resume {by?}: EV_PAUSE and
 * EV_RESUME, as the lead page's buttons. 409 when it is paused already (or
 * not paused). */
static enum MHD_Result
automation(http_req *rq, bool pause)
{
	static const char *const pause_keys[] = { "reason", "by", NULL };
	static const char *const resume_keys[] = { "by", NULL };
	enum MHD_Result ret;
	job j = api_job(rq, JOB_EVENT);
	bool bad = false;
	json_t *o;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if ((o = api_body(rq, &ret)) == NULL)
		return ret;
	j.ev = lead_event_init(pause ? EV_PAUSE : EV_RESUME);
	if (!api_only(rq, o, pause ? pause_keys : resume_keys, &ret))
		goto out;
	if (pause)
		j.ev.reason = api_str(rq, o, "reason", MAX_FIELD, &bad, &ret);
	j.ev.actor = api_str(rq, o, "by", 64, &bad, &ret);
	if (!bad)
		ret = run_event(rq, &j, o);
out:
	json_decref(o);
	return ret;
}

enum MHD_Result
api_lead_pause(http_req *rq)
{
	return automation(rq, true);
}

enum MHD_Result
api_lead_resume(http_req *rq)
{
	return automation(rq, false);
}

/* POST /api/v1/leads/ID/followup {due, verb?, text?, by?}: EV_FOLLOWUP, the
 * next follow-up a person picks (the walk's "+3 days"): a task for the
 * lead's owner due then, replacing an open one of the same verb. */
enum MHD_Result
api_lead_followup(http_req *rq)
{
	static const char *const keys[] = { "due", "verb", "text", "by", NULL };
	enum MHD_Result ret;
	job j = api_job(rq, JOB_EVENT);
	const char *due;
	bool bad = false;
	json_t *o;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if ((o = api_body(rq, &ret)) == NULL)
		return ret;
	j.ev = lead_event_init(EV_FOLLOWUP);
	if (!api_only(rq, o, keys, &ret))
		goto out;
	due = api_str(rq, o, "due", 40, &bad, &ret);
	j.ev.verb = api_str(rq, o, "verb", 16, &bad, &ret);
	j.ev.text = api_str(rq, o, "text", MAX_FIELD, &bad, &ret);
	j.ev.actor = api_str(rq, o, "by", 64, &bad, &ret);
	if (bad)
		goto out;
	if (due == NULL || api_parse_time(due, &j.ev.until) < 0) {
		ret = http_error(rq, 422, due ? "invalid_field" : "missing_field",
				 "due: when, a time like 2026-11-27T15:00:00Z", "due");
		goto out;
	}
	ret = run_event(rq, &j, o);
out:
	json_decref(o);
	return ret;
}

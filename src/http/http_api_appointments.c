/*
 * http_api_appointments.c - GET /api/v1/appointments (a technician's day, or
 * any window, with filters) and POST /api/v1/leads/{id}/appointments (book,
 * reschedule, confirm, cancel, done, no_show: an EV_APPOINTMENT through the
 * writer, like every change to a lead).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/appointment.h"
#include "core/tz.h"
#include "http_api.h"
#include "read/read_json.h"

/* The local day "YYYY-MM-DD" in the business's zone as [from, to). */
static int
day_window(const rules *r, const char *day, int64_t *from, int64_t *to)
{
	int y, m, d;
	char tail;

	if (sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen(day) != 10 || m < 1 ||
	    m > 12 || d < 1 || d > 31)
		return -1;
	tz_from_local(r->business.zone, y, m, d, 0, 0, from);
	tz_from_local(r->business.zone, y, m, d + 1, 0, 0, to);
	return 0;
}

enum MHD_Result
api_appointments_list(http_req *rq)
{
	store_appointment_filter f = { .person = http_arg(rq, "person") };
	const char *day = http_arg(rq, "day"), *from = http_arg(rq, "from");
	const char *to = http_arg(rq, "to"), *state = http_arg(rq, "state"), *v;
	enum MHD_Result ret;
	appt_state as;
	json_t *arr;
	store *s;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if (state && appt_state_parse(state, &as) < 0)
		return http_error(rq, 400, "bad_parameter", "state: one of booked, confirmed, "
				  "rescheduled, cancelled, done, no_show", "state");
	f.state = state;
	if (day && (from || to))
		return http_error(rq, 400, "bad_parameter", "day: give a day or from/to, not both",
				  "day");
	if (day && day_window(http_req_rules(rq), day, &f.from, &f.to) < 0)
		return http_error(rq, 400, "bad_parameter", "day: expected YYYY-MM-DD", "day");
	if (from && api_parse_time(from, &f.from) < 0)
		return http_error(rq, 400, "bad_parameter", "from: expected a time like "
				  "2026-12-08T00:00:00Z", "from");
	if (to && api_parse_time(to, &f.to) < 0)
		return http_error(rq, 400, "bad_parameter", "to: expected a time like "
				  "2026-12-09T00:00:00Z", "to");
	if ((v = http_arg(rq, "lead_id")) != NULL && (f.lead_id = api_id(v)) < 0)
		return http_error(rq, 400, "bad_parameter", "lead_id: expected a lead id", "lead_id");
	if (!api_limit(rq, 500, &f.limit, &ret))
		return ret;
	if ((s = http_store(rq)) == NULL)
		return http_error(rq, 503, "unavailable", "the database cannot be opened", NULL);
	if ((arr = read_appointments_json(s, rq->business_id, &f)) == NULL)
		return http_flow_error(rq, FLOW_STORAGE, NULL, "the appointments cannot be read");
	return http_json(rq, 200, json_pack("{s:o}", "data", arr));
}

/* o[k] as a time into *out (untouched when absent); false with a 422. */
static bool
time_field(http_req *rq, json_t *o, const char *k, int64_t *out, bool *bad,
	   enum MHD_Result *ret)
{
	const char *v = api_str(rq, o, k, 40, bad, ret);

	if (*bad || v == NULL)
		return !*bad;
	if (api_parse_time(v, out) < 0) {
		*ret = http_error(rq, 422, "invalid_field", "expected a time like "
				  "2026-12-08T16:00:00Z", k);
		*bad = true;
		return false;
	}
	return true;
}

enum MHD_Result
api_lead_appointments(http_req *rq)
{
	static const char *const keys[] = {
		"action", "kind", "start", "end", "place", "person", "appointment_id",
		"amount_cents", "note", "by", NULL,
	};
	static const char *const actions[] = {
		"book", "reschedule", "confirm", "cancel", "done", "no_show", NULL,
	};
	enum MHD_Result ret;
	job j = api_job(rq, JOB_EVENT);
	api_idem idem;
	bool bad = false, known = false;
	json_t *o, *id;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if ((j.lead_id = api_id(rq->params[0])) < 0)
		return http_error(rq, 404, "lead_not_found", "no lead with this id", NULL);
	if ((o = api_body(rq, &ret)) == NULL)
		return ret;
	j.ev = lead_event_init(EV_APPOINTMENT);
	if (!api_only(rq, o, keys, &ret))
		goto out;
	j.ev.outcome = api_str(rq, o, "action", 16, &bad, &ret);
	j.ev.appt_kind = bad ? NULL : api_str(rq, o, "kind", 64, &bad, &ret);
	j.ev.place = bad ? NULL : api_str(rq, o, "place", 500, &bad, &ret);
	j.ev.assignee = bad ? NULL : api_str(rq, o, "person", 64, &bad, &ret);
	j.ev.text = bad ? NULL : api_str(rq, o, "note", 2000, &bad, &ret);
	j.ev.actor = bad ? NULL : api_str(rq, o, "by", 64, &bad, &ret);
	if (bad || !time_field(rq, o, "start", &j.ev.starts_at, &bad, &ret) ||
	    !time_field(rq, o, "end", &j.ev.ends_at, &bad, &ret) ||
	    !api_amount_field(rq, o, "amount_cents", &j.ev.amount_cents, &ret) ||
	    !api_actor_ok(rq, j.ev.actor, &ret))
		goto out;
	for (size_t i = 0; j.ev.outcome && actions[i]; i++)
		known |= strcmp(j.ev.outcome, actions[i]) == 0;
	if (!known) {
		ret = http_error(rq, 422, j.ev.outcome ? "invalid_field" : "missing_field",
				 "action: one of book, reschedule, confirm, cancel, done, no_show",
				 "action");
		goto out;
	}
	if ((id = json_object_get(o, "appointment_id")) != NULL && !json_is_null(id)) {
		if (!json_is_integer(id) || json_integer_value(id) <= 0) {
			ret = http_error(rq, 422, "invalid_field", "appointment_id: expected an id",
					 "appointment_id");
			goto out;
		}
		j.ev.appointment_id = json_integer_value(id);
	}
	if ((strcmp(j.ev.outcome, "book") == 0 || strcmp(j.ev.outcome, "reschedule") == 0) &&
	    j.ev.starts_at == 0) {
		ret = http_error(rq, 422, "missing_field", "start: the appointment's start time",
				 "start");
		goto out;
	}
	if (!api_idempotency(rq, &idem, &j, &ret))
		goto out;
	ret = api_run_lead_job(rq, &j, 200);
out:
	json_decref(o);
	return ret;
}

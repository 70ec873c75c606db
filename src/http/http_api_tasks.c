/*
 * http_api_tasks.c - /api/v1/tasks (list, complete, snooze) and
 * /api/v1/people (who may own leads and tasks, from the rules).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/states.h"
#include "http_api.h"
#include "read/read_json.h"

enum MHD_Result
api_tasks_list(http_req *rq)
{
	enum MHD_Result ret;
	const char *state = http_arg(rq, "state");
	int limit = 100;
	task_state ts;
	store *s;
	json_t *arr;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if (state && task_state_parse(state, &ts) < 0)
		return http_error(rq, 400, "bad_parameter", "state: one of open, done, cancelled, "
				  "reassigned", "state");
	if (!api_limit(rq, 500, &limit, &ret))
		return ret;
	if ((s = http_store(rq)) == NULL)
		return http_error(rq, 503, "unavailable", "the database cannot be opened", NULL);
	arr = read_tasks_json(s, rq->business_id, http_arg(rq, "assignee"), state,
			      limit);
	if (arr == NULL)
		return http_flow_error(rq, FLOW_STORAGE, NULL, "the tasks cannot be read");
	return http_json(rq, 200, json_pack("{s:o}", "data", arr));
}

static bool
by_ok(http_req *rq, const char *by, enum MHD_Result *ret)
{
	if (by != NULL && rules_person_find(http_req_rules(rq), by) == NULL) {
		*ret = http_error(rq, 422, "invalid_field", "by: no person with this id in the "
				  "rules", "by");
		return false;
	}
	return true;
}

enum MHD_Result
api_task_complete(http_req *rq)
{
	static const char *const keys[] = { "outcome", "by", NULL };
	enum MHD_Result ret;
	job j = api_job(rq, JOB_TASK_DONE);
	api_idem idem;
	bool bad = false;
	json_t *o;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if ((j.task_id = api_id(rq->params[0])) < 0)
		return http_error(rq, 404, "task_not_found", "no task with this id", NULL);
	if ((o = api_body(rq, &ret)) == NULL)
		return ret;
	j.ev = lead_event_init(EV_TASK_DONE);
	if (!api_only(rq, o, keys, &ret))
		goto out;
	j.ev.outcome = api_str(rq, o, "outcome", 64, &bad, &ret);
	j.ev.actor = api_str(rq, o, "by", 64, &bad, &ret);
	if (bad || !by_ok(rq, j.ev.actor, &ret) || !api_idempotency(rq, &idem, &j, &ret))
		goto out;
	ret = api_run_lead_job(rq, &j, 200);
out:
	json_decref(o);
	return ret;
}

enum MHD_Result
api_task_snooze(http_req *rq)
{
	static const char *const keys[] = { "until", "minutes", "reason", "by", NULL };
	enum MHD_Result ret;
	job j = api_job(rq, JOB_SNOOZE);
	api_idem idem;
	const char *until;
	json_t *o, *minutes;
	bool bad = false;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if ((j.task_id = api_id(rq->params[0])) < 0)
		return http_error(rq, 404, "task_not_found", "no task with this id", NULL);
	if ((o = api_body(rq, &ret)) == NULL)
		return ret;
	if (!api_only(rq, o, keys, &ret))
		goto out;
	until = api_str(rq, o, "until", 40, &bad, &ret);
	j.ev.reason = api_str(rq, o, "reason", 500, &bad, &ret);
	j.ev.actor = api_str(rq, o, "by", 64, &bad, &ret);
	minutes = json_object_get(o, "minutes");
	if (bad || !by_ok(rq, j.ev.actor, &ret))
		goto out;
	if (j.ev.reason == NULL || *j.ev.reason == '\0') {
		ret = http_error(rq, 422, "missing_field", "reason: say why the task waits",
				 "reason");
		goto out;
	}
	if (until != NULL) {
		if (api_parse_time(until, &j.ev.until) < 0) {
			ret = http_error(rq, 422, "invalid_field", "until: expected a time like "
					 "2026-11-24T20:02:00Z", "until");
			goto out;
		}
	} else if (json_is_integer(minutes) && json_integer_value(minutes) > 0 &&
		   json_integer_value(minutes) <= 60 * 24 * 365) {
		j.ev.until = j.now + (int64_t)json_integer_value(minutes) * 60;
	} else {
		ret = http_error(rq, 422, "missing_field", "until: give \"until\" (a time) or "
				 "\"minutes\" (1 to 525600)", "until");
		goto out;
	}
	if (j.ev.until <= j.now) {
		ret = http_error(rq, 422, "invalid_field", "until: must be in the future", "until");
		goto out;
	}
	if (!api_idempotency(rq, &idem, &j, &ret))
		goto out;
	ret = api_run_lead_job(rq, &j, 200);
out:
	json_decref(o);
	return ret;
}

enum MHD_Result
api_people_list(http_req *rq)
{
	static const char *const notify[] = { "none", "sms", "email" };
	const rules *r;
	enum MHD_Result ret;
	json_t *arr;

	if (!http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	r = http_req_rules(rq);	/* the token's business's: after http_auth */
	arr = json_array();
	for (size_t i = 0; i < r->npeople; i++) {
		const rules_person *p = &r->people[i];

		json_array_append_new(arr, json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s}", "id", p->id,
						     "name", p->name, "role", p->role, "phone",
						     p->phone, "email", p->email, "notify",
						     notify[p->notify]));
	}
	return http_json(rq, 200, json_pack("{s:o}", "data", arr));
}

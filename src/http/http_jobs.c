/*
 * http_jobs.c - the server's writes (see http_jobs.h), each through the flow.
 * Runs on the writer thread only, inside the batch transaction's savepoint
 * for this job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_jobs.h"

/* The key this job is recorded under: the door's Idempotency-Key, else
 * the request's own dedupe key; NULL for none. */
static const char *
idem_key(const job *j)
{
	if (j->idem_key != NULL)
		return j->idem_key;
	if (j->op == JOB_SUBMIT && j->req.dedupe_key[0] != '\0')
		return j->req.dedupe_key;
	return NULL;
}

/* The idempotency record's body: enough to answer a retry. */
static int
record(store *s, job *j)
{
	const char *key = idem_key(j);
	char body[96];

	if (key == NULL)
		return 0;
	snprintf(body, sizeof body, "{\"lead_id\":%lld,\"task_id\":%lld,\"duplicate\":%s}",
		 (long long)j->lead_id, (long long)j->task_id, j->duplicate ? "true" : "false");
	return store_idem_put(s, j->business_id, key, j->req_hash, j->status, body, j->now);
}

/* 1 when the key was seen (j filled from the record), 0 new, or a refusal. */
static int
replay(store *s, job *j)
{
	const char *key = idem_key(j);
	char *body = NULL;
	bool same = true;
	int status = 0, rc;
	json_t *o;

	if (key == NULL)
		return 0;
	rc = store_idem_get(s, j->business_id, key, j->req_hash, &status, &body, &same);
	if (rc <= 0)
		return rc < 0 ? -FLOW_STORAGE : 0;
	if (!same) {
		free(body);
		j->code = "idempotency_key_reused";
		return -FLOW_CONFLICT;
	}
	o = json_loads(body, 0, NULL);
	j->lead_id = (int64_t)json_integer_value(json_object_get(o, "lead_id"));
	j->task_id = (int64_t)json_integer_value(json_object_get(o, "task_id"));
	j->duplicate = json_is_true(json_object_get(o, "duplicate"));
	j->status = status;
	j->replayed = true;
	json_decref(o);
	free(body);
	return 1;
}

static int
run_submit(store *s, job *j, char *err, size_t errlen)
{
	flow_out out;
	flow_result rc = flow_submit(s, j->business_id, j->rules, &j->req, j->now, &out, err,
				     errlen);

	j->lead_id = out.lead_id;
	j->duplicate = out.duplicate;
	j->flags = out.flags;
	return (int)rc;
}

static int
run_event(store *s, job *j, char *err, size_t errlen)
{
	flow_result rc = flow_event(s, j->business_id, j->rules, j->lead_id, &j->ev, j->now,
				    NULL, err, errlen);

	if (rc == FLOW_NOT_FOUND)
		j->code = "lead_not_found";
	return (int)rc;
}

static int
run_task_done(store *s, job *j, char *err, size_t errlen)
{
	flow_out out = { 0 };
	flow_result rc = flow_task_done(s, j->business_id, j->rules, j->task_id, &j->ev, j->now,
					&out, err, errlen);

	if (rc == FLOW_NOT_FOUND)
		j->code = "task_not_found";
	else if (rc == FLOW_CONFLICT)
		j->code = "task_not_open";
	j->lead_id = out.lead_id;
	return (int)rc;
}

static int
run_snooze(store *s, job *j, char *err, size_t errlen)
{
	flow_out out = { 0 };
	flow_result rc = flow_task_snooze(s, j->business_id, j->rules, j->task_id, j->ev.until,
					  j->ev.reason, j->ev.actor, j->now, &out, err, errlen);

	if (rc == FLOW_NOT_FOUND)
		j->code = "task_not_found";
	else if (rc == FLOW_CONFLICT)
		j->code = "task_not_open";
	j->lead_id = out.lead_id;
	return (int)rc;
}

static int
run_update(store *s, job *j, char *err, size_t errlen)
{
	flow_result rc = flow_contact(s, j->business_id, j->rules, j->lead_id, &j->ev.fields,
				      j->ev.actor, j->now, NULL, err, errlen);

	if (rc == FLOW_NOT_FOUND)
		j->code = "lead_not_found";
	return (int)rc;
}

int
job_run(store *s, void *arg, char *err, size_t errlen)
{
	job *j = arg;
	int rc = replay(s, j);

	if (rc != 0)
		return rc < 0 ? -rc : FLOW_OK;
	switch (j->op) {
	case JOB_SUBMIT:	rc = run_submit(s, j, err, errlen); break;
	case JOB_EVENT:		rc = run_event(s, j, err, errlen); break;
	case JOB_TASK_DONE:	rc = run_task_done(s, j, err, errlen); break;
	case JOB_SNOOZE:	rc = run_snooze(s, j, err, errlen); break;
	case JOB_UPDATE:	rc = run_update(s, j, err, errlen); break;
	default:		rc = FLOW_INVALID; break;
	}
	if (rc == FLOW_OK && record(s, j) < 0)
		return snprintf(err, errlen, "recording the idempotency key: %s", store_errmsg(s)),
		       FLOW_STORAGE;
	return rc;
}

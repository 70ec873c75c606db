/*
 * http_jobs.h - the writes the server makes, as group-commit writer jobs:
 * submit an intake request (a lead, a message or a call from outside),
 * apply an event to a lead, complete or snooze a task, update contact
 * fields. Each runs inside the writer's savepoint; idempotency keys (an
 * Idempotency-Key header, or the request's own dedupe key) are checked and
 * recorded in the same savepoint, so a retry can never create a second lead.
 * Never touches MHD: a job only reads its own fields and the store.
 */
#ifndef LK_HTTP_JOBS_H
#define LK_HTTP_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/lead.h"
#include "core/rules.h"
#include "flow/flow.h"
#include "intake/intake.h"
#include "store/store.h"
#include "store/store_api.h"

typedef enum {
	JOB_SUBMIT,	/* .req through flow_submit: a lead, message or call from outside */
	JOB_EVENT,	/* .ev on lead .lead_id */
	JOB_TASK_DONE,	/* complete task .task_id (.ev carries outcome, actor) */
	JOB_SNOOZE,	/* task .task_id due at .ev.until, .ev.reason, .ev.actor */
	JOB_UPDATE,	/* contact fields .ev.fields of lead .lead_id, .ev.actor */
} job_op;

typedef struct {
	job_op op;
	const rules *rules;
	int64_t business_id;
	int64_t now;
	intake_request req;	/* SUBMIT; its strings live as long as the handler's payload */
	lead_event ev;		/* EVENT, TASK_DONE, SNOOZE, UPDATE */
	int64_t lead_id;	/* in for EVENT/UPDATE; out for all */
	int64_t task_id;
	const char *idem_key;	/* an Idempotency-Key, scoped by the door; NULL = the
				 * request's dedupe key (SUBMIT), or no idempotency */
	const char *req_hash;	/* NULL = any request with the key is the same */
	int status;		/* in: the status to record; out: the status to answer */
	/* out */
	bool replayed;		/* answered from the idempotency record */
	bool duplicate;		/* SUBMIT went to a lead that was already there */
	unsigned flags;		/* LEAD_* contact flags found at intake */
	const char *code;	/* a refusal's stable API code, NULL = the result's own */
} job;

/* The store_writer_fn for a job (arg is a job *): returns a flow_result, so every
 * refusal (FLOW_STORAGE included) rolls back the job's savepoint alone. */
int job_run(store *s, void *arg, char *err, size_t errlen);

#endif

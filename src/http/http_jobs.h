/*
 * http_jobs.h - the writes the server makes, as group-commit writer jobs:
 * take in a lead, apply an event to a lead, complete or snooze a task,
 * update contact fields, and route an inbound message/call to its lead.
 * Each runs inside the writer's savepoint; idempotency keys are checked and
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
	JOB_INTAKE,	/* .in -> a lead (new or attached to its open duplicate) */
	JOB_EVENT,	/* .ev on lead .lead_id */
	JOB_TASK_DONE,	/* complete task .task_id (.ev carries outcome, actor) */
	JOB_SNOOZE,	/* task .task_id due at .until, .reason */
	JOB_UPDATE,	/* contact fields .upd of lead .lead_id */
	JOB_INBOUND,	/* .ev on the lead with .match_phone/.match_email, else .in */
} job_op;

typedef struct {
	job_op op;
	const rules *rules;
	int64_t business_id;
	int64_t now;
	intake_lead in;
	lead_event ev;
	int64_t lead_id;	/* in for EVENT/UPDATE; out for all */
	int64_t task_id;
	int64_t until;
	const char *reason;
	store_lead_update upd;
	const char *match_phone;
	const char *match_email;
	bool create_if_unknown;	/* INBOUND: no lead matches -> intake .in */
	const char *idem_key;	/* NULL = no idempotency */
	const char *req_hash;	/* NULL = any request with the key is the same */
	int status;		/* in: the status to record; out: the status to answer */
	/* out */
	bool replayed;		/* answered from the idempotency record */
	bool duplicate;		/* intake attached to an existing lead */
	bool attached;		/* INBOUND went to an existing lead */
	unsigned flags;		/* LEAD_* contact flags found at intake */
	const char *code;	/* a refusal's stable API code, NULL = the result's own */
} job;

/* The store_writer_fn for a job (arg is a job *): returns a flow_result, so every
 * refusal (FLOW_STORAGE included) rolls back the job's savepoint alone. */
int job_run(store *s, void *arg, char *err, size_t errlen);

#endif

/*
 * http_api.h - helpers the REST API handlers share: JSON bodies, typed
 * fields with 422s that name the field, idempotency keys, answering a
 * writer job, and the handlers themselves. Internal to src/http/.
 */
#ifndef LK_HTTP_API_H
#define LK_HTTP_API_H

#include "http_internal.h"
#include "http_jobs.h"

/* Space for an idempotency key (scoped) and a request hash. */
typedef struct {
	char key[320];
	char hash[65];
} api_idem;

/* The body as a JSON object, or NULL with a 400 queued in *ret. Caller
 * frees the result. */
json_t *api_body(http_req *rq, enum MHD_Result *ret);

/*
 * o[k] as a string (NULL when absent or null). A present non-string, or a
 * string over maxlen bytes, queues a 422 naming k in *ret and sets *bad.
 */
const char *api_str(http_req *rq, json_t *o, const char *k, size_t maxlen, bool *bad,
		    enum MHD_Result *ret);

/* Checks that only the listed keys (NULL-terminated) are in o; else 422. */
bool api_only(http_req *rq, json_t *o, const char *const *keys, enum MHD_Result *ret);

/* "2026-11-24T20:02:00Z", "...+02:00" or seconds since 1970. 0 / -1. */
int api_parse_time(const char *s, int64_t *out);

/* The "limit" query argument into *out (untouched when absent); false with a
 * 400 in *ret when it is not 1 to max. */
bool api_limit(http_req *rq, int max, int *out, enum MHD_Result *ret);

/* Checks "by": absent, or a person of the rules; else a 422 in *ret. */
bool api_actor_ok(http_req *rq, const char *by, enum MHD_Result *ret);
/* o[k] as an amount in cents (a non-negative integer) into *out, -1 when
 * absent; false with a 422 in *ret otherwise. */
bool api_amount_field(http_req *rq, json_t *o, const char *k, int64_t *out,
		      enum MHD_Result *ret);

/* A positive decimal id from a path segment, else -1. */
int64_t api_id(const char *s);

/* Reads the Idempotency-Key header into j (scoped by token and path) with a
 * hash of the request. False with a 400 queued when the key is malformed. */
bool api_idempotency(http_req *rq, api_idem *id, job *j, enum MHD_Result *ret);

/* Runs j in the writer and answers: on success the lead (with tasks and
 * timeline) with status ok_status (or the recorded one on a replay); on a
 * refusal or error the matching JSON error. */
enum MHD_Result api_run_lead_job(http_req *rq, job *j, int ok_status);

/* Runs j (a JOB_SUBMIT) in the writer and answers a receipt that reveals
 * nothing of the lead it made or matched: 202 {"status":"received"} (or
 * the recorded status on a replay); a refusal or error as above. */
enum MHD_Result api_run_receipt_job(http_req *rq, job *j);

/* A job initialised for this server and now. */
job api_job(http_req *rq, job_op op);

/* Handlers. */
enum MHD_Result api_leads_create(http_req *rq);
enum MHD_Result api_leads_list(http_req *rq);
enum MHD_Result api_lead_get(http_req *rq);
enum MHD_Result api_lead_patch(http_req *rq);
enum MHD_Result api_lead_stage(http_req *rq);
enum MHD_Result api_lead_owner(http_req *rq);
enum MHD_Result api_lead_events(http_req *rq);
enum MHD_Result api_lead_pause(http_req *rq);
enum MHD_Result api_lead_resume(http_req *rq);
enum MHD_Result api_lead_followup(http_req *rq);
enum MHD_Result api_lead_callback(http_req *rq);
enum MHD_Result api_tasks_list(http_req *rq);
enum MHD_Result api_task_complete(http_req *rq);
enum MHD_Result api_task_snooze(http_req *rq);
enum MHD_Result api_people_list(http_req *rq);
enum MHD_Result api_appointments_list(http_req *rq);
enum MHD_Result api_lead_appointments(http_req *rq);

#endif

/*
 * http_intake.h - the intake webhooks' handlers and what they share:
 * refusing a bad signature (403, logged with the reason, nothing stored),
 * reading form bodies, and submitting an intake request through the writer.
 * Transport only: what a payload means is its adapter's (src/intake/).
 * Internal to src/http/.
 */
#ifndef LK_HTTP_INTAKE_H
#define LK_HTTP_INTAKE_H

#include "http_internal.h"
#include "http_jobs.h"
#include "intake/intake_fields.h"

/* 403 for source with a reason for the log ("bad_signature", "not_configured"...). */
enum MHD_Result intake_refuse(http_req *rq, const char *source, const char *reason);

/* The limit every unsigned door (a form, a hook without a secret) shares:
 * [server] public_rate_limit per client address and public_rate_limit_all
 * for all of them together. True when this request may go on; otherwise
 * *retry_after is the seconds to wait. */
bool intake_public_limit(http_req *rq, int *retry_after);

/* Parses the urlencoded or multipart body into f; false with 400 queued in
 * *ret when the body is neither or malformed. */
bool intake_read_form(http_req *rq, fields *f, enum MHD_Result *ret);

/* Room for a scoped Idempotency-Key and a hash of the body. */
typedef struct {
	char key[400];
	char hash[33];
} intake_idem;

/*
 * The request's Idempotency-Key (1 to 255 bytes), scoped ("hook:KEY:<key>"),
 * with a hash of the body into j: a retry answers as the first request did,
 * the same key with another body is refused (409 idempotency_key_reused).
 * False when there is no usable key (one too long is ignored and noted).
 */
bool intake_idempotency(http_req *rq, const char *scope, intake_idem *id, job *j);

/*
 * Makes f's fields valid UTF-8 (intake_fields.h) by what the request
 * declares: its Content-Type's charset=, else a form's "_charset_" field
 * (browsers fill it in with the encoding they used; the field is dropped),
 * else fallback (NULL = undeclared: UTF-8 when valid, else Windows-1252).
 * Call it after any signature check over the raw values. Notes on the log
 * line what decoding did. false with a 500 queued in *ret when out of memory.
 */
bool intake_form_utf8(http_req *rq, fields *f, const char *fallback, enum MHD_Result *ret);

/*
 * A JSON body must be UTF-8 (RFC 8259): invalid sequences and NULs in
 * rq->body become U+FFFD (rq->body then points at rq->body_own), after any signature check
 * over the raw bytes. shown gets the original bytes escaped for a person
 * ("" when the body was valid). false when out of memory.
 */
bool intake_json_utf8(http_req *rq, char *shown, size_t shownlen);

/* A JOB_SUBMIT job for this server, now; the adapter fills .req. */
job intake_job(http_req *rq);

/* Runs j (notes lead= on the log line); 0 when committed, else queues a 503
 * (or 422 for a refusal) in *ret and returns -1. */
int intake_run(http_req *rq, job *j, enum MHD_Result *ret);

/* Twilio's doors (the webhooks and the SMS status callback): reads the POST
 * parameters (or the query of a GET) into f and checks X-Twilio-Signature
 * against the public URL with [twilio] auth_token. false with 403 (not
 * configured, bad signature) or 400 queued in *ret. */
bool twilio_verified(http_req *rq, fields *f, enum MHD_Result *ret);

/* Checked before the body is read (http_prechecks): the form or hook exists
 * and an unsigned one is within its rate limits; SendGrid's URL key; Mailgun
 * is configured (and its optional URL key). */
bool http_form_before_body(http_req *rq, enum MHD_Result *ret);
bool http_hook_before_body(http_req *rq, enum MHD_Result *ret);
bool http_sendgrid_before_body(http_req *rq, enum MHD_Result *ret);
bool http_mailgun_before_body(http_req *rq, enum MHD_Result *ret);

enum MHD_Result http_form(http_req *rq);
enum MHD_Result http_hook(http_req *rq);
enum MHD_Result http_twilio_sms(http_req *rq);
enum MHD_Result http_twilio_voice(http_req *rq);
enum MHD_Result http_twilio_dial_action(http_req *rq);
enum MHD_Result http_twilio_call_status(http_req *rq);
enum MHD_Result http_sendgrid(http_req *rq);
enum MHD_Result http_mailgun(http_req *rq);
enum MHD_Result http_meta_verify(http_req *rq);
enum MHD_Result http_meta_leadgen(http_req *rq);
enum MHD_Result http_google_leadform(http_req *rq);

#endif

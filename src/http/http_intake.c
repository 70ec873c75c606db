/*
 * http_intake.c - what the intake webhook handlers share (see
 * http_intake.h): refusing, the unsigned doors' rate limit, reading form
 * bodies, submitting a request. A refusal is logged on the request's own log
 * line with the source and the reason, never with the secret or the
 * signature.
 */
#include <stdio.h>
#include <string.h>

#include "http_intake.h"
#include "util/log.h"
#include "util/mono.h"

enum MHD_Result
intake_refuse(http_req *rq, const char *source, const char *reason)
{
	char msg[160];

	http_note(rq, "source=%s reject=%s", source, reason);
	snprintf(msg, sizeof msg, "refused: %s (%s); nothing was stored",
		 strcmp(reason, "not_configured") == 0 ? "this source has no secret configured" :
		 "the request's signature or key does not match", reason);
	return http_error(rq, 403, strcmp(reason, "not_configured") == 0 ? "not_configured" :
			  "bad_signature", msg, NULL);
}

bool
intake_read_form(http_req *rq, fields *f, enum MHD_Result *ret)
{
	char ct[64];
	int rc;

	http_content_type(rq, ct, sizeof ct);
	if (strcmp(ct, "application/x-www-form-urlencoded") == 0)
		rc = fields_parse_urlencoded(f, rq->body, rq->len);
	else if (strcmp(ct, "multipart/form-data") == 0)
		rc = fields_parse_multipart(f, rq->body, rq->len, http_header(rq, "Content-Type"));
	else {
		*ret = http_error(rq, 400, "bad_content_type", "send "
				  "application/x-www-form-urlencoded or multipart/form-data", NULL);
		return false;
	}
	if (rc < 0) {
		*ret = http_error(rq, 400, "bad_form", "the form body could not be read (malformed "
				  "or more than 512 fields)", NULL);
		return false;
	}
	return true;
}

job
intake_job(http_req *rq)
{
	job j;

	memset(&j, 0, sizeof j);
	j.op = JOB_SUBMIT;
	j.rules = rq->srv->cfg.rules;
	j.business_id = rq->srv->cfg.business_id;
	j.now = http_now(rq);
	intake_request_init(&j.req, INTAKE_LEAD);
	j.ev = lead_event_init(EV_NOTE);
	j.status = 200;
	return j;
}

int
intake_run(http_req *rq, job *j, enum MHD_Result *ret)
{
	char err[512] = "";
	flow_result rc = http_write(rq, job_run, j, err, sizeof err);

	if (rc == FLOW_OK) {
		if (j->lead_id > 0)
			http_note(rq, "lead=%lld%s%s", (long long)j->lead_id,
				  j->duplicate ? " attached=true" : "",
				  j->replayed ? " replay=true" : "");
		return 0;
	}
	*ret = http_flow_error(rq, rc, j->code, err);
	return -1;
}

bool
intake_public_limit(http_req *rq, int *retry_after)
{
	const settings *st = http_settings(rq);
	int64_t now = mono_ns();
	char key[80];

	snprintf(key, sizeof key, "public:%s", rq->ip);
	return ratelimit_take(rq->srv->limits, key, st->public_rate_count, st->public_rate_period,
			      now, retry_after) &&
	       ratelimit_take_all(rq->srv->limits, st->public_rate_all_count,
				  st->public_rate_all_period, now, retry_after);
}

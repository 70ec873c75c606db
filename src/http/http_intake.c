/*
 * http_intake.c - what the intake webhook handlers share (see
 * http_intake.h): refusing, the unsigned doors' rate limit, reading form
 * bodies, submitting a request. A refusal is logged on the request's own log
 * line with the source and the reason, never with the secret or the
 * signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http_intake.h"
#include "util/log.h"
#include "util/mono.h"
#include "util/utf8.h"

/* What a refusal's reason tells the sender, and its stable code. */
static const struct {
	const char *reason, *code, *why;
} refusals[] = {
	{ "not_configured", "not_configured", "this source has no secret configured" },
	{ "stale_timestamp", "stale_timestamp", "the signed timestamp is more than 5 minutes "
	  "from the server's clock (a replay, or a clock that is off)" },
	{ "bad_timestamp", "bad_timestamp", "the timestamp header is not decimal UTC seconds" },
	{ "missing_timestamp", "missing_timestamp", "this hook requires a signed timestamp "
	  "header" },
};

enum MHD_Result
intake_refuse(http_req *rq, const char *source, const char *reason)
{
	const char *code = "bad_signature", *why = "the request's signature or key does not match";
	char msg[200];

	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
		if (strcmp(reason, refusals[i].reason) == 0) {
			code = refusals[i].code;
			why = refusals[i].why;
		}
	http_note(rq, "source=%s reject=%s", source, reason);
	snprintf(msg, sizeof msg, "refused: %s (%s); nothing was stored", why, reason);
	return http_error(rq, 403, code, msg, NULL);
}

bool
intake_idempotency(http_req *rq, const char *scope, intake_idem *id, job *j)
{
	const char *k = http_header(rq, "Idempotency-Key");
	unsigned char h[16];

	if (k == NULL || *k == '\0')
		return false;
	if (strlen(k) > 255) {
		http_note(rq, "idempotency_key=ignored");
		return false;
	}
	snprintf(id->key, sizeof id->key, "%s:%s", scope, k);
	crypto_generichash(h, sizeof h, (const unsigned char *)rq->body, rq->len, NULL, 0);
	sodium_bin2hex(id->hash, sizeof id->hash, h, sizeof h);
	j->idem_key = id->key;
	j->req_hash = id->hash;
	return true;
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
		*ret = http_error(rq, 400, "bad_form", "the form body could not be read (malformed)",
				  NULL);
		return false;
	}
	return true;
}

/* What decoding did, on the request's log line. */
static void
note_text(http_req *rq, unsigned how)
{
	if (how & UTF8_GUESSED)
		http_note(rq, "text=windows-1252");
	if (how & UTF8_REPLACED)
		http_note(rq, "text_replaced=invalid");
	if (how & UTF8_NUL)
		http_note(rq, "text_replaced=nul");
}

bool
intake_form_utf8(http_req *rq, fields *f, const char *fallback, enum MHD_Result *ret)
{
	char cs[40], given[40];
	const char *hint = fields_get(f, "_charset_");
	int how;

	fields_content_charset(http_header(rq, "Content-Type"), cs, sizeof cs);
	if (cs[0] == '\0' && hint != NULL)
		snprintf(cs, sizeof cs, "%s", hint);
	snprintf(given, sizeof given, "%s", cs);
	fields_drop(f, "_charset_");
	if (cs[0] != '\0' && !utf8_charset_known(cs))
		cs[0] = '\0';	/* a charset we do not read: as if undeclared */
	if ((how = fields_to_utf8(f, cs[0] ? cs : fallback)) < 0) {
		*ret = http_error(rq, 500, "internal", "out of memory", NULL);
		return false;
	}
	if (given[0] != '\0' && cs[0] == '\0')
		http_note(rq, "charset=unknown");
	note_text(rq, (unsigned)how);
	return true;
}

bool
intake_json_utf8(http_req *rq, char *shown, size_t shownlen)
{
	unsigned how = 0;
	size_t n;
	char *clean;

	shown[0] = '\0';
	if (utf8_valid(rq->body, rq->len) && memchr(rq->body, '\0', rq->len) == NULL)
		return true;
	if ((clean = utf8_sanitize(rq->body, rq->len, &n, &how)) == NULL)
		return false;
	utf8_escape(rq->body, rq->len, shown, shownlen);
	free(rq->body_own);	/* rq->body itself is the request's body's: not ours */
	rq->body = rq->body_own = clean;
	rq->len = n;
	note_text(rq, how);
	return true;
}

job
intake_job(http_req *rq)
{
	job j;

	memset(&j, 0, sizeof j);
	j.op = JOB_SUBMIT;
	j.rules = http_req_rules(rq);
	j.business_id = rq->business_id;
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

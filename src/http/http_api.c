/*
 * http_api.c - what the REST API handlers share (see http_api.h): reading
 * JSON bodies and fields, idempotency keys, and turning a writer job's result
 * into the right status and JSON error.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "http_api.h"
#include "http_intake.h"
#include "util/log.h"
#include "read/read_json.h"

json_t *
api_body(http_req *rq, enum MHD_Result *ret)
{
	char ct[64], msg[256];
	json_error_t je;
	json_t *o;

	http_content_type(rq, ct, sizeof ct);
	if (strcmp(ct, "application/json") != 0) {
		*ret = http_error(rq, 400, "bad_content_type",
				  "send the body as JSON with \"Content-Type: application/json\"",
				  NULL);
		return NULL;
	}
	/* JSON is UTF-8: bytes that are not are replaced (U+FFFD), not refused */
	if (!intake_json_utf8(rq, msg, sizeof msg)) {
		*ret = http_error(rq, 500, "internal", "out of memory", NULL);
		return NULL;
	}
	o = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL || !json_is_object(o)) {
		snprintf(msg, sizeof msg, "the body is not a JSON object%s%s",
			 o ? "" : ": ", o ? "" : je.text);
		json_decref(o);
		*ret = http_error(rq, 400, "bad_json", msg, NULL);
		return NULL;
	}
	return o;
}

const char *
api_str(http_req *rq, json_t *o, const char *k, size_t maxlen, bool *bad,
	enum MHD_Result *ret)
{
	json_t *v = json_object_get(o, k);
	char msg[160];

	if (*bad || v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || json_string_length(v) > maxlen ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(msg, sizeof msg, "%s: expected a string of at most %zu bytes", k, maxlen);
		*ret = http_error(rq, 422, "invalid_field", msg, k);
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

bool
api_only(http_req *rq, json_t *o, const char *const *keys, enum MHD_Result *ret)
{
	const char *k;
	json_t *v;
	char msg[200];

	json_object_foreach(o, k, v) {
		size_t i;

		for (i = 0; keys[i] && strcmp(keys[i], k) != 0; i++)
			;
		if (keys[i] == NULL) {
			snprintf(msg, sizeof msg, "%.64s: not a field this request accepts", k);
			*ret = http_error(rq, 422, "unknown_field", msg, k);
			return false;
		}
	}
	return true;
}

int
api_parse_time(const char *s, int64_t *out)
{
	struct tm tm;
	const char *p;
	char *end;
	long long secs;
	int off = 0;

	if (s == NULL || *s == '\0')
		return -1;
	secs = strtoll(s, &end, 10);
	if (*end == '\0' && secs >= 0) {
		*out = secs;
		return 0;
	}
	memset(&tm, 0, sizeof tm);
	if ((p = strptime(s, "%Y-%m-%dT%H:%M", &tm)) == NULL)
		return -1;
	if (*p == ':' && (p = strptime(p, ":%S", &tm)) == NULL)
		return -1;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == 'Z' && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
		   isdigit((unsigned char)p[2]) && p[3] == ':' && isdigit((unsigned char)p[4]) &&
		   isdigit((unsigned char)p[5]) && p[6] == '\0') {
		off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600 + ((p[4] - '0') * 10 + (p[5] - '0')) * 60;
		if (*p == '-')
			off = -off;
	} else {
		return -1;
	}
	*out = (int64_t)timegm(&tm) - off;
	return 0;
}

int64_t
api_id(const char *s)
{
	char *end;
	long long v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v > 0 ? v : -1;
}

bool
api_limit(http_req *rq, int max, int *out, enum MHD_Result *ret)
{
	const char *v = http_arg(rq, "limit");
	char msg[48];
	char *end;
	long l;

	if (v == NULL)
		return true;
	l = strtol(v, &end, 10);
	if (*end != '\0' || end == v || l < 1 || l > max) {
		snprintf(msg, sizeof msg, "limit: expected 1 to %d", max);
		*ret = http_error(rq, 400, "bad_parameter", msg, "limit");
		return false;
	}
	*out = (int)l;
	return true;
}

bool
api_idempotency(http_req *rq, api_idem *id, job *j, enum MHD_Result *ret)
{
	const char *k = http_header(rq, "Idempotency-Key");
	unsigned char h[16];
	crypto_generichash_state st;

	if (k == NULL)
		return true;
	if (*k == '\0' || strlen(k) > 255) {
		*ret = http_error(rq, 400, "bad_idempotency_key", "Idempotency-Key: expected 1 to "
				  "255 characters, e.g. a UUID", NULL);
		return false;
	}
	for (const char *p = k; *p; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e) {
			*ret = http_error(rq, 400, "bad_idempotency_key", "Idempotency-Key: only "
					  "printable ASCII without spaces", NULL);
			return false;
		}
	snprintf(id->key, sizeof id->key, "api:%lld:%s:%s", (long long)rq->token_id, rq->path, k);
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)rq->method, strlen(rq->method));
	crypto_generichash_update(&st, (const unsigned char *)rq->path, strlen(rq->path) + 1);
	crypto_generichash_update(&st, (const unsigned char *)rq->body, rq->len);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(id->hash, sizeof id->hash, h, sizeof h);
	j->idem_key = id->key;
	j->req_hash = id->hash;
	return true;
}

job
api_job(http_req *rq, job_op op)
{
	job j;

	memset(&j, 0, sizeof j);
	j.op = op;
	/* Before the handler authenticates: the job is the token's business's. */
	http_auth_business(rq);
	j.rules = http_req_rules(rq);
	j.business_id = rq->business_id;
	j.now = http_now(rq);
	intake_request_init(&j.req, INTAKE_LEAD);
	j.ev = lead_event_init(EV_NOTE);
	return j;
}

enum MHD_Result
api_run_lead_job(http_req *rq, job *j, int ok_status)
{
	char err[512] = "";
	flow_result rc;
	store *s;
	json_t *lj;

	if (j->status == 0)
		j->status = ok_status;
	if ((rc = http_write(rq, job_run, j, err, sizeof err)) != FLOW_OK)
		return http_flow_error(rq, rc, j->code, err);
	if (j->replayed)
		http_note(rq, "idempotent_replay=true");
	if ((s = http_store(rq)) == NULL ||
	    /* A new lead's timeline is what the 201 already says; leaving it out
	     * saves a quarter of the server's work per intake. */
	    read_lead_json(s, j->business_id, j->lead_id, j->op != JOB_SUBMIT, &lj) != 1)
		return http_error(rq, 500, "internal", "saved, but the lead cannot be read back",
				  NULL);
	if (j->op == JOB_SUBMIT)
		json_object_set_new(lj, "duplicate", json_boolean(j->duplicate));
	return http_json(rq, j->status, lj);
}

enum MHD_Result
api_run_receipt_job(http_req *rq, job *j)
{
	char err[512] = "";
	flow_result rc;

	if (j->status == 0)
		j->status = 202;
	if ((rc = http_write(rq, job_run, j, err, sizeof err)) != FLOW_OK)
		return http_flow_error(rq, rc, j->code, err);
	if (j->replayed)
		http_note(rq, "idempotent_replay=true");
	return http_json(rq, j->status, json_pack("{s:s}", "status", "received"));
}

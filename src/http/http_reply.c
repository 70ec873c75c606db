/*
 * http_reply.c - every answer a handler queues: a body with its status and
 * headers, JSON, the one error shape {"error":{"code","message","field"}}
 * (its text kept valid UTF-8), the one mapping of a refused change to its
 * status, 429 and 503 with Retry-After, and the notes on the request's log
 * line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "util/log.h"
#include "util/utf8.h"

enum MHD_Result
http_reply_hdr(http_req *rq, int status, const char *content_type, const char *body,
	       size_t len, const char *name, const char *value)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	if (content_type != NULL)
		MHD_add_response_header(r, "Content-Type", content_type);
	MHD_add_response_header(r, "X-Request-Id", rq->id);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (name != NULL && value != NULL)
		MHD_add_response_header(r, name, value);
	ret = MHD_queue_response(rq->conn, (unsigned)status, r);
	MHD_destroy_response(r);
	rq->status = status;
	return ret;
}

enum MHD_Result
http_reply(http_req *rq, int status, const char *content_type, const char *body, size_t len)
{
	return http_reply_hdr(rq, status, content_type, body, len, NULL, NULL);
}

enum MHD_Result
http_json(http_req *rq, int status, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	enum MHD_Result ret;

	json_decref(j);
	if (s == NULL)
		return http_reply(rq, 500, "application/json",
				  "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}", 56);
	ret = http_reply(rq, status, "application/json", s, strlen(s));
	free(s);
	return ret;
}

/* A JSON string of text that may quote input: bytes that are not UTF-8 (a
 * name cut by "%.64s", a stored row) become U+FFFD instead of failing the
 * whole answer with a false "out of memory". */
static json_t *
utf8_json(const char *v)
{
	json_t *j = json_string(v ? v : "");
	char *clean;
	size_t n;

	if (j != NULL || (clean = utf8_sanitize(v, strlen(v), &n, NULL)) == NULL)
		return j;
	j = json_stringn(clean, n);
	free(clean);
	return j;
}

enum MHD_Result
http_error(http_req *rq, int status, const char *code, const char *message, const char *field)
{
	json_t *e = json_pack("{s:s,s:o}", "code", code, "message", utf8_json(message));

	if (field != NULL)
		json_object_set_new(e, "field", utf8_json(field));
	if (status >= 400)
		http_note(rq, "error=%s", code);
	return http_json(rq, status, json_pack("{s:o}", "error", e));
}

/* "amount: moving to ..." -> "amount"; NULL when err has no field prefix. */
static const char *
err_field(const char *err, char *buf, size_t len)
{
	size_t n = strspn(err, "abcdefghijklmnopqrstuvwxyz_");

	if (n == 0 || n >= len || err[n] != ':')
		return NULL;
	memcpy(buf, err, n);
	buf[n] = '\0';
	if (strcmp(buf, "amount") == 0)
		snprintf(buf, len, "amount_cents");	/* the API's name for it */
	return buf;
}

int
http_flow_status(flow_result res)
{
	switch (res) {
	case FLOW_NOT_FOUND:	return 404;
	case FLOW_INVALID:	return 422;
	case FLOW_CONFLICT:	return 409;
	case FLOW_BUSY:
	case FLOW_STORAGE:
	case FLOW_OK:
	default:		return 503;	/* as http_flow_error: nothing was stored */
	}
}

enum MHD_Result
http_flow_error(http_req *rq, flow_result res, const char *code, const char *err)
{
	char field[32];
	const char *msg = err && *err ? err : NULL;

	switch (res) {
	case FLOW_NOT_FOUND:
		return http_error(rq, 404, code ? code : "not_found", msg ? msg : "not found", NULL);
	case FLOW_INVALID:
		return http_error(rq, 422, code ? code : "invalid_field",
				  msg ? msg : "invalid request", msg ? err_field(msg, field,
										 sizeof field) :
				  NULL);
	case FLOW_CONFLICT:
		return http_error(rq, 409, code ? code : "conflict", msg ? msg : "conflict", NULL);
	case FLOW_BUSY:
	case FLOW_STORAGE:
	case FLOW_OK:
	default:
		/* 5xx: senders retry, and nothing was acknowledged or stored. */
		log_line("error", "write_failed", "req_id=%s result=%s error=\"%s\"", rq->id,
			 flow_result_name(res), msg ? msg : "");
		return http_error(rq, 503, res == FLOW_BUSY ? "busy" : "storage_error",
				  "the change could not be saved; nothing was stored, try again",
				  NULL);
	}
}

enum MHD_Result
http_too_many(http_req *rq, int retry_after)
{
	static const char body[] = "{\"error\":{\"code\":\"rate_limited\",\"message\":\"too many "
				   "requests: wait Retry-After seconds and try again\"}}";
	char ra[16];

	snprintf(ra, sizeof ra, "%d", retry_after > 0 ? retry_after : 1);
	http_note(rq, "error=rate_limited");
	return http_reply_hdr(rq, 429, "application/json", body, sizeof body - 1, "Retry-After", ra);
}

enum MHD_Result
http_busy(http_req *rq, int retry_after, const char *message)
{
	char body[256], ra[16];

	snprintf(body, sizeof body, "{\"error\":{\"code\":\"busy\",\"message\":\"%s\"}}",
		 message);
	snprintf(ra, sizeof ra, "%d", retry_after > 0 ? retry_after : 1);
	http_note(rq, "error=busy");
	return http_reply_hdr(rq, 503, "application/json", body, strlen(body), "Retry-After", ra);
}

void
http_note(http_req *rq, const char *fmt, ...)
{
	size_t n = strlen(rq->note);
	va_list ap;

	if (n + 2 >= sizeof rq->note)
		return;
	rq->note[n++] = ' ';
	va_start(ap, fmt);
	vsnprintf(rq->note + n, sizeof rq->note - n, fmt, ap);
	va_end(ap);
}

/*
 * http_delivery.c - the doors delivery opens to the outside: the SMS
 * provider's status callbacks (POST /hooks/twilio/status?m=TOKEN) and email
 * unsubscribe links (GET and HEAD show a one-button page, so mail scanners
 * that prefetch links unsubscribe nobody; only a POST of
 * List-Unsubscribe=One-Click - RFC 8058, or the page's button - does it).
 * Each URL carries a token signed with the install's link key; the status
 * callback is also signed by Twilio. The work itself is in src/deliver/, run
 * through the group-commit writer.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver/deliver.h"
#include "http_intake.h"
#include "store/store_outbox.h"
#include "util/log.h"

static pthread_mutex_t key_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char link_key[32];
static bool key_loaded;

/* The link key, read once per process. false when it cannot be read. */
static bool
get_key(http_req *rq, unsigned char key[32])
{
	char err[256];
	bool ok = true;

	pthread_mutex_lock(&key_mu);
	if (!key_loaded) {
		if (deliver_link_key(rq->srv->cfg.files_dir, link_key, err, sizeof err) == 0)
			key_loaded = true;
		else {
			log_line("error", "link_key", "error=\"%s\"", err);
			ok = false;
		}
	}
	if (ok)
		memcpy(key, link_key, 32);
	pthread_mutex_unlock(&key_mu);
	return ok;
}

typedef struct {
	const rules *rules;
	int64_t business_id;
	int64_t id;
	char sid[80];
	char status[32];
	int code;
	int64_t now;
} delivery_job;

static int
status_run(store *s, void *arg, char *err, size_t errlen)
{
	delivery_job *j = arg;

	return deliver_status_apply(s, j->rules, j->id, j->sid, j->status, j->code, j->now, err,
				    errlen);
}

/* Copies a form value into a fixed buffer; false when absent, empty or too long. */
static bool
form_value(const fields *f, const char *name, char *out, size_t len)
{
	const char *v = fields_get(f, name);

	if (v == NULL || *v == '\0' || strlen(v) >= len)
		return false;
	memcpy(out, v, strlen(v) + 1);
	return true;
}

/* Points rq at the business of outbox row id when it is another hosted
 * business's. False when the row's business is not hosted here; true also
 * when the row is gone or cannot be read (the callback's own path answers). */
static bool
message_business(http_req *rq, int64_t id)
{
	store *s = http_store(rq);
	outbox_msg m;
	bool ok = true;

	if (rq->srv->cfg.nothers == 0 || s == NULL || store_outbox_load(s, id, &m) != 1)
		return true;
	if (m.business_id != rq->business_id) {
		const rules_live *live = http_business_live(rq->srv, m.business_id);

		ok = live != NULL;
		for (size_t i = 0; ok && i < rq->srv->cfg.nothers; i++)
			if (rq->srv->cfg.others[i].id == m.business_id) {
				rq->business_id = m.business_id;
				rq->biz_live = live;
				rq->biz_settings = rq->srv->cfg.others[i].sources;
			}
	}
	outbox_msg_free(&m);
	return ok;
}

/* Signed twice: the `m` token names our outbox row (link key), and
 * X-Twilio-Signature proves Twilio sent the news (auth token) - a leaked
 * callback URL alone cannot fail a message or opt a lead out (21610). The
 * MessageSid must be there and be the message's. */
enum MHD_Result
http_twilio_status(http_req *rq)
{
	delivery_job j = { .rules = http_rules(rq->srv), .now = http_now(rq) };
	unsigned char key[32];
	char code[16] = "", err[256];
	enum MHD_Result ret;
	flow_result rc;
	fields f;

	if (!get_key(rq, key))
		return http_error(rq, 500, "internal", "the link key cannot be read", NULL);
	if ((j.id = deliver_token_check(key, "status", http_arg(rq, "m"))) < 0)
		return http_error(rq, 403, "bad_token", "this callback URL was not issued by this "
				  "server", "m");
	/* The message's business: its auth token signs the callback, its rules
	 * decide what the news means. */
	if (!message_business(rq, j.id))
		return http_error(rq, 404, "not_found", "no such message", NULL);
	j.rules = http_req_rules(rq);
	fields_init(&f);
	if (!twilio_verified(rq, &f, &ret))
		goto out;
	if (!form_value(&f, "MessageStatus", j.status, sizeof j.status)) {
		ret = http_error(rq, 400, "invalid", "MessageStatus is required", "MessageStatus");
		goto out;
	}
	if (!form_value(&f, "MessageSid", j.sid, sizeof j.sid)) {
		ret = http_error(rq, 400, "invalid", "MessageSid is required", "MessageSid");
		goto out;
	}
	if (form_value(&f, "ErrorCode", code, sizeof code))
		j.code = atoi(code);
	http_note(rq, "outbox=%lld message_status=%.20s", (long long)j.id,
		  strspn(j.status, "abcdefghijklmnopqrstuvwxyz") == strlen(j.status) ? j.status : "?");
	rc = http_write(rq, status_run, &j, err, sizeof err);
	if (rc == FLOW_NOT_FOUND)
		ret = http_error(rq, 404, "not_found", "no such message", NULL);
	else if (rc != FLOW_OK)
		ret = http_flow_error(rq, rc, NULL, err);
	else
		ret = http_reply(rq, 204, "text/plain", "", 0);
out:
	fields_free(&f);
	return ret;
}

static enum MHD_Result
html(http_req *rq, int status, const char *title, const char *text, const char *form_token)
{
	char page[2048];
	int n = snprintf(page, sizeof page,
			 "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
			 "content=\"width=device-width\"><title>%s</title></head>\n"
			 "<body style=\"font-family:sans-serif;max-width:32em;margin:3em auto\">"
			 "<h1>%s</h1><p>%s</p>%s%s%s</body></html>\n", title, title, text,
			 form_token ? "<form method=\"post\" action=\"/unsubscribe?token=" : "",
			 form_token ? form_token : "",
			 form_token ? "\"><input type=\"hidden\" name=\"List-Unsubscribe\" "
			 "value=\"One-Click\"><button type=\"submit\">Unsubscribe</button></form>" :
			 "");

	return http_reply(rq, status, "text/html; charset=utf-8", page,
			  n > 0 && (size_t)n < sizeof page ? (size_t)n : 0);
}

/* Escapes the few characters HTML cares about (business names are free text). */
static void
escape(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; in && *in && o + 7 < len; in++) {
		const char *r = *in == '&' ? "&amp;" : *in == '<' ? "&lt;" : *in == '>' ? "&gt;" :
				*in == '"' ? "&quot;" : NULL;

		if (r) {
			memcpy(out + o, r, strlen(r));
			o += strlen(r);
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}

static int
unsubscribe_run(store *s, void *arg, char *err, size_t errlen)
{
	delivery_job *j = arg;

	return deliver_unsubscribe(s, j->business_id, j->rules, j->id, j->now, err, errlen);
}

/* The RFC 8058 body: List-Unsubscribe=One-Click among the form fields,
 * urlencoded or multipart/form-data (the RFC allows both). */
static bool
one_click(http_req *rq)
{
	char ct[64];
	fields f;
	bool yes;
	int rc;

	fields_init(&f);
	http_content_type(rq, ct, sizeof ct);
	rc = strcmp(ct, "multipart/form-data") == 0 ?
	     fields_parse_multipart(&f, rq->body, rq->len, http_header(rq, "Content-Type")) :
	     fields_parse_urlencoded(&f, rq->body, rq->len);
	yes = rc == 0 && fields_get(&f, "List-Unsubscribe") != NULL &&
	      strcmp(fields_get(&f, "List-Unsubscribe"), "One-Click") == 0;
	fields_free(&f);
	return yes;
}

enum MHD_Result
http_unsubscribe(http_req *rq)
{
	delivery_job j = { .rules = http_rules(rq->srv), .business_id = rq->srv->cfg.business_id,
			   .now = http_now(rq) };
	const char *token = http_arg(rq, "token");
	unsigned char key[32];
	char name[300], text[512], err[256];
	int64_t bid;
	flow_result rc;

	if (!get_key(rq, key))
		return html(rq, 500, "Something went wrong", "Please try again later.", NULL);
	if ((j.id = deliver_unsubscribe_check(key, http_arg(rq, "b"), token, &bid)) < 0)
		return html(rq, 400, "This link does not work", "The unsubscribe link is incomplete "
			    "or was changed. Please use the link from the email, or reply to the "
			    "email and ask us to stop.", NULL);
	/* The lead's business, as the link names it: its name on the page, its
	 * rules deciding, its lead only. */
	if (bid != 0 && bid != j.business_id) {
		const rules_live *live = http_business_live(rq->srv, bid);

		if (live == NULL)
			return html(rq, 404, "This link does not work", "We could not find your "
				    "details.", NULL);
		j.business_id = bid;
		j.rules = rules_live_get(live);
	}
	escape(j.rules->business.name, name, sizeof name);
	/* Only a POST saying List-Unsubscribe=One-Click changes consent: the
	 * mailbox provider's RFC 8058 one-click, or our page's button (which
	 * posts the same). GET and HEAD (link scanners, prefetchers) and any
	 * other POST get the page with the button. */
	if (strcmp(rq->method, "POST") != 0 || !one_click(rq)) {
		char query[128];

		/* The button posts the link as it came: token (checked: URL-safe)
		 * and business. */
		snprintf(query, sizeof query, "%s", token);
		if (bid != 0)
			snprintf(query + strlen(query), sizeof query - strlen(query), "&amp;b=%lld",
				 (long long)bid);
		snprintf(text, sizeof text, "Stop getting emails from %s?", name);
		return html(rq, 200, "Unsubscribe", text, query);
	}
	http_note(rq, "lead=%lld", (long long)j.id);
	rc = http_write(rq, unsubscribe_run, &j, err, sizeof err);
	if (rc == FLOW_NOT_FOUND)
		return html(rq, 404, "This link does not work", "We could not find your details.",
			    NULL);
	if (rc != FLOW_OK) {
		log_line("error", "unsubscribe", "lead=%lld result=%s error=\"%s\"", (long long)j.id,
			 flow_result_name(rc), err);
		return html(rq, 503, "Something went wrong", "Please try again later.", NULL);
	}
	snprintf(text, sizeof text, "You will not get any more emails from %s.", name);
	return html(rq, 200, "You are unsubscribed", text, NULL);
}

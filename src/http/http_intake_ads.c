/*
 * http_intake_ads.c - ad-platform lead forms as transport. Meta Lead Ads:
 * the GET verification handshake (hub.challenge) and leadgen notifications
 * signed with X-Hub-Signature-256, one request per lead (intake_meta), every
 * lead of a notification however many it holds.
 * Google Ads lead forms: authenticated by google_key, then intake_google.
 */
#include <stdlib.h>
#include <string.h>

#include "http_intake.h"
#include "intake/intake_ads.h"
#include "intake/intake_sig.h"

static const char *
meta_verify_token(const settings *st)
{
	return st->meta_verify_token;
}

enum MHD_Result
http_meta_verify(http_req *rq)
{
	const settings *st = http_settings(rq);
	const char *mode = http_arg(rq, "hub.mode"), *challenge = http_arg(rq, "hub.challenge");
	const char *token = http_arg(rq, "hub.verify_token");

	if (st->meta_verify_token == NULL && rq->srv->cfg.nothers == 0)
		return intake_refuse(rq, "meta", "not_configured");
	/* The verify token names its business: each subscribes its own app. */
	http_keyed_business(rq, meta_verify_token, token);
	st = http_req_settings(rq);
	if (mode == NULL || strcmp(mode, "subscribe") != 0 || challenge == NULL ||
	    strlen(challenge) > 256 || !sig_equal(token, st->meta_verify_token))
		return intake_refuse(rq, "meta", "bad_verify_token");
	http_note(rq, "source=meta verified=true");
	return http_reply(rq, 200, "text/plain", challenge, strlen(challenge));
}

/* Where a lead of a notification goes: the business of its page. */
typedef struct {
	bool known;		/* a hosted business lists its page */
	int64_t business_id;
	const rules_live *live;	/* NULL: the install's own rules */
	const settings *st;	/* its sources (app secret) */
} meta_dest;

/* The business of each lead's page into dest; how many no business has. */
static int
meta_destinations(http_req *rq, const meta_lead *leads, int n, meta_dest *dest)
{
	int unknown = 0;

	for (int i = 0; i < n; i++) {
		dest[i].known = http_meta_business(rq, leads[i].page_id);
		dest[i].business_id = rq->business_id;
		dest[i].live = rq->biz_live;
		dest[i].st = http_req_settings(rq);
		if (!dest[i].known)
			unknown++;
	}
	return unknown;
}

/* The refusal's reason when a business's app secret does not sign body (each
 * business checked once, the first refusal ends it: a stranger costs one
 * HMAC however many pages a body names), else NULL. Meta signs a
 * notification once, with the app's secret: entries for two businesses'
 * pages in one body come from an app they share, and each one's secret must
 * sign it. A notification with no lead names no business: it is checked
 * with the install's own business's secret, as ever (nothing is kept). */
static const char *
meta_unsigned(http_req *rq, const meta_dest *dest, int n)
{
	const char *sig = http_header(rq, "X-Hub-Signature-256");

	if (n == 0)
		return ads_meta_signature_ok(http_settings(rq)->meta_app_secret, rq->body, rq->len,
					     sig) ? NULL : "bad_signature";
	for (int i = 0; i < n; i++) {
		bool seen = false;

		if (!dest[i].known)
			continue;
		for (int k = 0; k < i && !seen; k++)
			seen = dest[k].known && dest[k].st == dest[i].st;
		if (seen)
			continue;
		if (dest[i].st->meta_app_secret == NULL)
			return "not_configured";
		if (!ads_meta_signature_ok(dest[i].st->meta_app_secret, rq->body, rq->len, sig))
			return "bad_signature";
	}
	return NULL;
}

enum MHD_Result
http_meta_leadgen(http_req *rq)
{
	const settings *own = http_settings(rq);
	enum MHD_Result ret = MHD_NO;
	intake_request *reqs = NULL;
	meta_lead *leads = NULL;
	meta_dest *dest = NULL;
	const char *refused;
	int64_t noted = rq->business_id;
	int n, unknown, stored = 0;
	fields f;

	if (own->meta_app_secret == NULL && rq->srv->cfg.nothers == 0)
		return intake_refuse(rq, "meta", "not_configured");
	fields_init(&f);
	/* Every lead of the notification, however many: Meta sends it once (and
	 * retries it whole on an error, when the leads stored are replays). */
	if ((n = ads_meta_parse(rq->body, rq->len, NULL, 0)) < 0) {
		ret = http_error(rq, 400, "bad_json", "not a Meta webhook notification", NULL);
		goto out;
	}
	if ((leads = calloc((size_t)(n ? n : 1), sizeof *leads)) == NULL ||
	    (dest = calloc((size_t)(n ? n : 1), sizeof *dest)) == NULL ||
	    ads_meta_parse(rq->body, rq->len, leads, n) != n) {
		ret = http_error(rq, 500, "internal", "out of memory", NULL);
		goto out;
	}
	/* Each lead's page names its business; a page none has is nobody's. */
	unknown = meta_destinations(rq, leads, n, dest);
	if (n > 0 && unknown == n) {
		http_note(rq, "source=meta reject=unknown_page");
		ret = http_error(rq, 404, "unknown_page", "no business of this server has the Meta "
				 "page of this notification; nothing was stored", "page_id");
		goto out;
	}
	/* Signed by each business's own app secret, or nothing is kept. */
	if ((refused = meta_unsigned(rq, dest, n)) != NULL) {
		ret = intake_refuse(rq, "meta", refused);
		goto out;
	}
	if ((reqs = calloc((size_t)(n ? n : 1), sizeof *reqs)) == NULL ||
	    intake_meta(&f, leads, n, reqs) < 0) {
		ret = http_error(rq, 500, "internal", "out of memory", NULL);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		job j = intake_job(rq);

		if (!dest[i].known)
			continue;	/* counted: unknown_page= on the log line */
		j.req = reqs[i];
		j.business_id = dest[i].business_id;
		j.rules = dest[i].live != NULL ? rules_live_get(dest[i].live) : http_rules(rq->srv);
		if (dest[i].business_id != noted)	/* once per run of one business */
			http_note(rq, "business=%lld", (long long)(noted = dest[i].business_id));
		if (intake_run(rq, &j, &ret) < 0)
			goto out;	/* 503: Meta retries the whole notification */
		stored++;
	}
	http_note(rq, "leadgen=%d", stored);
	if (unknown > 0)
		http_note(rq, "unknown_page=%d", unknown);
	ret = http_json(rq, 200, json_pack("{s:s,s:i}", "status", "received", "leads", stored));
out:
	free(reqs);
	fields_free(&f);
	free(dest);
	free(leads);
	return ret;
}

static const char *
google_key(const settings *st)
{
	return st->google_key;
}

enum MHD_Result
http_google_leadform(http_req *rq)
{
	const settings *st = http_settings(rq);
	enum MHD_Result ret;
	job j = intake_job(rq);
	intake_lead answers;
	google_lead g;
	fields f;

	if (st->google_key == NULL && rq->srv->cfg.nothers == 0)
		return intake_refuse(rq, "google", "not_configured");
	memset(&answers, 0, sizeof answers);
	fields_init(&f);
	if (ads_google_parse(&f, rq->body, rq->len, &g, &answers) < 0) {
		ret = http_error(rq, 400, "bad_json", "not a Google Ads lead form webhook "
				 "(user_column_data missing)", NULL);
		goto out;
	}
	/* The form's google_key names its business. */
	http_keyed_business(rq, google_key, g.google_key);
	st = http_req_settings(rq);
	j.rules = http_req_rules(rq);
	j.business_id = rq->business_id;
	if (st->google_key == NULL) {
		ret = intake_refuse(rq, "google", "not_configured");
		goto out;
	}
	if (!sig_equal(g.google_key, st->google_key)) {
		ret = intake_refuse(rq, "google", "bad_key");
		goto out;
	}
	if (intake_google(&g, &answers, st->google_store_tests, &j.req) == INTAKE_NOTHING) {
		http_note(rq, "source=google test=true stored=false");
		ret = http_json(rq, 200, json_pack("{s:s}", "status", "test_received"));
		goto out;
	}
	if (intake_run(rq, &j, &ret) == 0)
		ret = http_json(rq, 200, json_pack("{s:s}", "status", "received"));
out:
	fields_free(&f);
	return ret;
}

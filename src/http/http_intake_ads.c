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

enum MHD_Result
http_meta_verify(http_req *rq)
{
	const settings *st = http_settings(rq);
	const char *mode = http_arg(rq, "hub.mode"), *challenge = http_arg(rq, "hub.challenge");

	if (st->meta_verify_token == NULL)
		return intake_refuse(rq, "meta", "not_configured");
	if (mode == NULL || strcmp(mode, "subscribe") != 0 || challenge == NULL ||
	    strlen(challenge) > 256 || !sig_equal(http_arg(rq, "hub.verify_token"),
						  st->meta_verify_token))
		return intake_refuse(rq, "meta", "bad_verify_token");
	http_note(rq, "source=meta verified=true");
	return http_reply(rq, 200, "text/plain", challenge, strlen(challenge));
}

enum MHD_Result
http_meta_leadgen(http_req *rq)
{
	const settings *st = http_settings(rq);
	enum MHD_Result ret = MHD_NO;
	intake_request *reqs = NULL;
	meta_lead *leads = NULL;
	int n, stored = 0;
	fields f;

	if (st->meta_app_secret == NULL)
		return intake_refuse(rq, "meta", "not_configured");
	if (!ads_meta_signature_ok(st->meta_app_secret, rq->body, rq->len,
				   http_header(rq, "X-Hub-Signature-256")))
		return intake_refuse(rq, "meta", "bad_signature");
	fields_init(&f);
	/* Every lead of the notification, however many: Meta sends it once (and
	 * retries it whole on an error, when the leads stored are replays). */
	if ((n = ads_meta_parse(rq->body, rq->len, NULL, 0)) < 0) {
		ret = http_error(rq, 400, "bad_json", "not a Meta webhook notification", NULL);
		goto out;
	}
	if ((leads = calloc((size_t)(n ? n : 1), sizeof *leads)) == NULL ||
	    ads_meta_parse(rq->body, rq->len, leads, n) != n) {
		ret = http_error(rq, 500, "internal", "out of memory", NULL);
		goto out;
	}
	if ((reqs = calloc((size_t)(n ? n : 1), sizeof *reqs)) == NULL ||
	    intake_meta(&f, leads, n, reqs) < 0) {
		ret = http_error(rq, 500, "internal", "out of memory", NULL);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		job j = intake_job(rq);

		j.req = reqs[i];
		if (intake_run(rq, &j, &ret) < 0)
			goto out;	/* 503: Meta retries the whole notification */
		stored++;
	}
	http_note(rq, "leadgen=%d", stored);
	ret = http_json(rq, 200, json_pack("{s:s,s:i}", "status", "received", "leads", stored));
out:
	free(reqs);
	fields_free(&f);
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

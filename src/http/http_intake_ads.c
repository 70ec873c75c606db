/*
 * http_intake_ads.c - ad-platform lead forms. Meta Lead Ads: the GET
 * verification handshake (hub.challenge) and leadgen notifications signed
 * with X-Hub-Signature-256; the notification has ids only, so each becomes
 * a lead with the ids and a task to complete its contact details. Google
 * Ads lead forms: the answers themselves, authenticated by google_key.
 */
#include <stdio.h>
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
	meta_lead *leads;
	int n, stored = 0;

	if (st->meta_app_secret == NULL)
		return intake_refuse(rq, "meta", "not_configured");
	if (!ads_meta_signature_ok(st->meta_app_secret, rq->body, rq->len,
				   http_header(rq, "X-Hub-Signature-256")))
		return intake_refuse(rq, "meta", "bad_signature");
	if ((leads = calloc(META_MAX_LEADS, sizeof *leads)) == NULL)
		return http_error(rq, 500, "internal", "out of memory", NULL);
	if ((n = ads_meta_parse(rq->body, rq->len, leads, META_MAX_LEADS)) < 0) {
		free(leads);
		return http_error(rq, 400, "bad_json", "not a Meta webhook notification", NULL);
	}
	for (int i = 0; i < n; i++) {
		job j = intake_job(rq, JOB_INTAKE);
		char key[64], msg[512];

		snprintf(msg, sizeof msg, "Meta lead ad %s (form %s, ad %s, page %s). The contact "
			 "details are in Meta: open Leads Center or Ads Manager, find lead %s and "
			 "copy the name, phone and email here.", leads[i].leadgen_id,
			 leads[i].form_id[0] ? leads[i].form_id : "?",
			 leads[i].ad_id[0] ? leads[i].ad_id : "?",
			 leads[i].page_id[0] ? leads[i].page_id : "?", leads[i].leadgen_id);
		j.in.source = "meta_ads";
		j.in.message = msg;
		j.in.external_id = leads[i].leadgen_id;
		snprintf(key, sizeof key, "meta:%s", leads[i].leadgen_id);
		j.idem_key = key;
		if (intake_run(rq, &j, &ret) < 0) {
			free(leads);
			return ret;	/* 503: Meta retries the whole notification */
		}
		stored++;
	}
	free(leads);
	http_note(rq, "leadgen=%d", stored);
	return http_json(rq, 200, json_pack("{s:s,s:i}", "status", "received", "leads", stored));
}

enum MHD_Result
http_google_leadform(http_req *rq)
{
	const settings *st = http_settings(rq);
	enum MHD_Result ret;
	job j = intake_job(rq, JOB_INTAKE);
	google_lead g;
	char key[160];
	fields f;

	if (st->google_key == NULL)
		return intake_refuse(rq, "google", "not_configured");
	fields_init(&f);
	if (ads_google_parse(&f, rq->body, rq->len, &g, &j.in) < 0) {
		ret = http_error(rq, 400, "bad_json", "not a Google Ads lead form webhook "
				 "(user_column_data missing)", NULL);
		goto out;
	}
	if (!sig_equal(g.google_key, st->google_key)) {
		ret = intake_refuse(rq, "google", "bad_key");
		goto out;
	}
	if (g.is_test && !st->google_store_tests) {
		/* "Send test data" must not text a made-up number */
		http_note(rq, "source=google test=true stored=false");
		ret = http_json(rq, 200, json_pack("{s:s}", "status", "test_received"));
		goto out;
	}
	j.in.source = "google_ads";
	j.in.external_id = g.lead_id;
	if (g.lead_id != NULL && strlen(g.lead_id) < 128) {
		snprintf(key, sizeof key, "google:%s", g.lead_id);
		j.idem_key = key;
	}
	if (intake_run(rq, &j, &ret) == 0)
		ret = http_json(rq, 200, json_pack("{s:s}", "status", "received"));
out:
	fields_free(&f);
	return ret;
}

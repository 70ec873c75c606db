/*
 * deliver_webhook.c - outbound webhooks: each lead event is POSTed as JSON to
 * every URL of the business file's providers.webhooks, signed so the receiver can trust it:
 *   X-Leadkeep-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
 * At-least-once (a receiver deduplicates by X-Leadkeep-Event-Id), retried
 * like messages: exponential backoff with jitter, dead after max attempts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "deliver_internal.h"

static int
wh_check(const deliver_config *cfg, char *err, size_t errlen)
{
	return 0;
}

/* "t=...,v1=..." for body at time t. */
static void
sign(const char *secret, long long t, const char *body, size_t len, char *out, size_t outlen)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24], hex[2 * sizeof mac + 1];
	int n = snprintf(ts, sizeof ts, "%lld.", t);

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (unsigned long long)n);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(out, outlen, "X-Leadkeep-Signature: t=%lld,v1=%s", t, hex);
}

static int
wh_start(deliver_job *job, deliver_result *res)
{
	const store_webhook *w = &job->wh;
	char hdr[256];
	struct curl_slist *h = NULL;
	CURL *e;

	job->req = json_dumps(w->payload, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (job->req == NULL || (e = deliver_easy_new(job)) == NULL)
		goto oom;
	job->req_len = strlen(job->req);
	sign(job->cfg->webhook_secret, (long long)time(NULL), job->req, job->req_len, hdr,
	     sizeof hdr);
	h = curl_slist_append(NULL, "Content-Type: application/json");
	h = h ? curl_slist_append(h, hdr) : NULL;
	snprintf(hdr, sizeof hdr, "X-Leadkeep-Event: %.100s", w->type);
	h = h ? curl_slist_append(h, hdr) : NULL;
	snprintf(hdr, sizeof hdr, "X-Leadkeep-Event-Id: %lld", (long long)w->event_id);
	h = h ? curl_slist_append(h, hdr) : NULL;
	snprintf(hdr, sizeof hdr, "X-Leadkeep-Delivery: %lld", (long long)w->id);
	h = h ? curl_slist_append(h, hdr) : NULL;
	if ((job->headers = h) == NULL)
		goto oom;
	curl_easy_setopt(e, CURLOPT_URL, w->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, job->req);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)job->req_len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, job->headers);
	return 0;
oom:
	res->kind = DELIVER_TEMP;
	snprintf(res->error, sizeof res->error, "out of memory");
	return 1;
}

static void
wh_finish(deliver_job *job, CURLcode cc, deliver_result *res)
{
	long status = 0;
	curl_off_t retry = 0;

	if (cc != CURLE_OK) {
		/* At-least-once: an unanswered post is simply posted again. */
		res->kind = DELIVER_TEMP;
		snprintf(res->error, sizeof res->error, "%.200s",
			 job->errbuf[0] ? job->errbuf : curl_easy_strerror(cc));
		return;
	}
	curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &status);
	res->code = (int)status;
	if (status >= 200 && status < 300) {
		res->kind = DELIVER_OK;
		return;
	}
	snprintf(res->error, sizeof res->error, "the receiver answered HTTP %ld", status);
	if (status == 408 || status == 425 || status == 429 || status >= 500) {
		res->kind = DELIVER_TEMP;
		if (curl_easy_getinfo(job->easy, CURLINFO_RETRY_AFTER, &retry) == CURLE_OK)
			res->retry_after = (int64_t)retry;
	} else {
		res->kind = DELIVER_PERM;
	}
}

int
deliver_webhook_record(store *s, const deliver_config *cfg, const store_webhook *w,
		       const deliver_result *res, int64_t now)
{
	const char *state = res->kind == DELIVER_OK ? "sent" :
			    res->kind == DELIVER_PERM ? "failed" :
			    w->attempts >= cfg->max_attempts ? "dead" : "queued";
	int64_t at = 0;

	if (strcmp(state, "queued") == 0) {
		at = deliver_backoff(w->attempts, cfg->backoff_base, cfg->backoff_cap,
				     randombytes_random());
		if (res->retry_after > at)
			at = res->retry_after < cfg->backoff_cap ? res->retry_after : cfg->backoff_cap;
		at += now + 1;
	}
	if (store_begin(s) < 0)
		return -1;
	if (store_webhook_finish(s, w->id, state, res->code, res->error[0] ? res->error : NULL,
				 at, now) < 0 || store_commit(s) < 0) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

const deliver_provider deliver_webhook_provider = {
	.name = "webhook",
	.channel = "webhook",
	.check = wh_check,
	.start = wh_start,
	.finish = wh_finish,
};

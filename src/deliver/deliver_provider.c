/*
 * deliver_provider.c - the provider table, picked by name, and what every
 * provider's transfer shares: curl set-up with a capped response buffer, and
 * the one rule that keeps sends exactly-once - a failure after the request
 * may have reached the provider is UNKNOWN, never retried.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver_internal.h"

static const deliver_provider *const providers[] = {
	&deliver_log_provider,
	&deliver_twilio_provider,
	&deliver_smtp_provider,
	&deliver_webhook_provider,
};

const deliver_provider *
deliver_provider_find(const char *name, const char *channel)
{
	for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++) {
		const deliver_provider *p = providers[i];

		if (name && strcmp(p->name, name) == 0 &&
		    (strcmp(p->channel, channel) == 0 || strcmp(p->channel, "*") == 0))
			return p;
	}
	return NULL;
}

static size_t
on_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	deliver_buf *b = arg;
	size_t n = size * nmemb, room;

	if (b->data == NULL) {
		if ((b->data = malloc(DELIVER_RESP_CAP + 1)) == NULL)
			return 0;
		b->cap = DELIVER_RESP_CAP;
	}
	/* Past the cap the rest is dropped: the answer's head is all we parse. */
	room = b->cap - b->len;
	if (n < room)
		room = n;
	memcpy(b->data + b->len, ptr, room);
	b->len += room;
	b->data[b->len] = '\0';
	return n;
}

CURL *
deliver_easy_new(deliver_job *job)
{
	CURL *e = curl_easy_init();

	if (e == NULL)
		return NULL;
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, job->cfg->timeout);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &job->resp);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, job->errbuf);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "leadkeep/" LK_VERSION);
	curl_easy_setopt(e, CURLOPT_PRIVATE, job);
	job->easy = e;
	return e;
}

void
deliver_job_clear(deliver_job *job)
{
	if (job->easy != NULL)
		curl_easy_cleanup(job->easy);
	curl_slist_free_all(job->headers);
	curl_slist_free_all(job->rcpt);
	free(job->req);
	free(job->resp.data);
	outbox_msg_free(&job->msg);
	store_webhook_free(&job->wh);
	job->easy = NULL;
	job->headers = job->rcpt = NULL;
	job->req = NULL;
	job->resp = (deliver_buf){ 0 };
}

void
deliver_classify_transport(deliver_job *job, CURLcode cc, bool all_sent, deliver_result *res)
{
	const char *why = job->errbuf[0] ? job->errbuf : curl_easy_strerror(cc);

	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_USE_SSL_FAILED:
	case CURLE_LOGIN_DENIED:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		all_sent = false;	/* failed before the message left */
		break;
	default:
		break;
	}
	/* The provider cannot act on a request it did not receive in full; once it
	 * has, a lost answer means we cannot know, so we must not send again. */
	res->kind = all_sent ? DELIVER_UNKNOWN : DELIVER_TEMP;
	snprintf(res->error, sizeof res->error, "%.190s%s", why,
		 all_sent ? " (after the request was sent: outcome unknown)" : "");
}

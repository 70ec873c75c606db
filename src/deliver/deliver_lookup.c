/*
 * deliver_lookup.c - before the first text to a lead's number, when
 * providers.twilio.lookup: true, ask Twilio Lookup v2 for the number's line type
 * (GET {lookup}/v2/PhoneNumbers/{E.164}?Fields=line_type_intelligence, HTTP
 * basic auth). A landline cannot take texts: the text is not sent and its
 * outcome is the one Twilio's 21614 gives (not_textable - the engine emails
 * the acknowledgment and makes the owner's task a call). A lookup that fails
 * says nothing: the text goes, and the provider's own answer still catches a
 * landline. The auth token goes to curl only, never to a log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver_internal.h"
#include "util/log.h"

#define LOOKUP_TIMEOUT 5L	/* seconds: the dispatcher waits for it */

/* Whether m is a text to a lead's number nothing was texted to yet, in the
 * E.164 form the lookup's path takes as it is ("+" and digits). */
static bool
wants_lookup(const deliver_config *c, const outbox_msg *m)
{
	const char *p = m->recipient;

	if (!c->tw_lookup || m->person != NULL || m->texted_before || p == NULL || *p != '+' ||
	    strlen(p) > 16)
		return false;
	for (p++; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/* The line type of job's recipient into type; -1 (logged) when the lookup
 * gave none. Leaves job as it found it. */
static int
look_up(deliver_job *job, char *type, size_t typelen)
{
	const deliver_config *c = job->cfg;
	char url[512], err[300];
	CURL *e = deliver_easy_new(job);
	CURLcode cc = CURLE_OUT_OF_MEMORY;
	long status = 0;
	int rc = -1;

	if (e != NULL) {
		snprintf(url, sizeof url, "%s/v2/PhoneNumbers/%s?Fields=line_type_intelligence",
			 c->tw_lookup_base, job->msg.recipient);
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_TIMEOUT, c->timeout < LOOKUP_TIMEOUT ? c->timeout :
						      LOOKUP_TIMEOUT);
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, c->tw_sid);
		curl_easy_setopt(e, CURLOPT_PASSWORD, c->tw_token);
		if ((cc = curl_easy_perform(e)) == CURLE_OK)
			curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	}
	if (status == 200)
		rc = deliver_lookup_line_type(job->resp.data, job->resp.len, type, typelen);
	if (rc < 0) {
		const char *why = status == 200 ? "no line type in the answer" : "HTTP error";

		if (cc != CURLE_OK)
			why = job->errbuf[0] ? job->errbuf : curl_easy_strerror(cc);
		log_line("warn", "lookup_failed", "outbox=%lld lead=%lld status=%ld error=%s",
			 (long long)job->msg.id, (long long)job->msg.lead_id, status,
			 log_quote(why, err, sizeof err));
	}
	if (e != NULL)
		curl_easy_cleanup(e);
	job->easy = NULL;
	free(job->resp.data);
	job->resp = (deliver_buf){ 0 };
	job->errbuf[0] = '\0';
	return rc;
}

bool
deliver_lookup_landline(deliver_job *job, deliver_result *res)
{
	char type[32];

	if (!wants_lookup(job->cfg, &job->msg) || look_up(job, type, sizeof type) < 0 ||
	    strcmp(type, "landline") != 0)
		return false;
	res->kind = DELIVER_PERM;
	res->contact = DELIVER_NOT_TEXTABLE;
	snprintf(res->error, sizeof res->error, "number lookup: %s is a landline (not sent)",
		 job->msg.recipient);
	return true;
}

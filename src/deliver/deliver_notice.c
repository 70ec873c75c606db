/*
 * deliver_notice.c - one notice to a member of staff about the system
 * itself, sent at once through the configured provider (deliver.h,
 * deliver_notice). The provider is the one the dispatcher uses; the
 * transfer runs on the caller's thread with curl's easy interface, while
 * the configuration is held against a reload's swap. Writes nothing to the
 * database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver_internal.h"

/* Twilio 20003 / HTTP 401/403, SMTP 530/534/535 (deliver_twilio.c,
 * deliver_smtp.c): our credentials, not the message. */
static bool
credentials_refused(const char *channel, const deliver_result *res)
{
	if (strcmp(channel, "sms") == 0)
		return res->code == 20003 || res->code == 401 || res->code == 403;
	return res->code == 530 || res->code == 534 || res->code == 535 ||
	       strncmp(res->error, "SMTP authentication failed", 26) == 0;
}

int
deliver_notice(deliver *d, const char *channel, const char *person, const char *to,
	       const char *subject, const char *body, bool *refused, char *err,
	       size_t errlen)
{
	deliver_job job = { 0 };
	deliver_result res = { 0 };
	const deliver_config *cfg;
	const deliver_provider *prov;
	bool sms = strcmp(channel, "sms") == 0;

	*refused = false;
	if (d == NULL) {
		snprintf(err, errlen, "delivery is not running");
		return -1;
	}
	job.msg.channel = strdup(channel);
	job.msg.person = strdup(person);
	job.msg.recipient = strdup(to);
	job.msg.subject = subject ? strdup(subject) : NULL;
	job.msg.body = strdup(body);
	job.msg.purpose = strdup("health");
	job.msg.attempts = 1;
	if (job.msg.channel == NULL || job.msg.person == NULL || job.msg.recipient == NULL ||
	    job.msg.body == NULL || job.msg.purpose == NULL || (subject && !job.msg.subject)) {
		outbox_msg_free(&job.msg);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cfg = deliver_cfg_hold(d);
	prov = sms ? cfg->sms : cfg->email;
	job.cfg = cfg;
	job.prov = prov;
	if (prov == NULL) {
		res.kind = DELIVER_PERM;
		snprintf(res.error, sizeof res.error, "no provider for %s", channel);
	} else if (prov->start(&job, &res) == 0) {
		CURLcode cc = curl_easy_perform(job.easy);

		prov->finish(&job, cc, &res);
	}
	deliver_job_clear(&job);
	deliver_cfg_release(d);
	if (res.kind == DELIVER_OK)
		return 0;
	*refused = credentials_refused(channel, &res);
	snprintf(err, errlen, "%s", res.error[0] ? res.error : "not sent");
	return -1;
}

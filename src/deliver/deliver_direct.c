/*
 * deliver_direct.c - a message to staff that is no lead's (deliver.h,
 * deliver_direct_send): sent at once through the dispatcher's provider for
 * its channel, on the caller's thread with curl's easy interface, outside the
 * outbox. Writes nothing to the database.
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

static bool
copy(const char *s, char **out)
{
	return s == NULL || (*out = strdup(s)) != NULL;
}

deliver_direct
deliver_direct_send(deliver *d, const char *channel, const char *purpose, int64_t ref,
		    const char *person, const char *to, const char *subject, const char *body,
		    bool *refused, char *err, size_t errlen)
{
	return deliver_direct_send_for(d, 0, channel, purpose, ref, person, to, subject, body,
				       refused, err, errlen);
}

deliver_direct
deliver_direct_send_for(deliver *d, int64_t business_id, const char *channel,
			const char *purpose, int64_t ref, const char *person, const char *to,
			const char *subject, const char *body, bool *refused, char *err,
			size_t errlen)
{
	deliver_job job = { .msg = { .id = -ref, .attempts = 1 } };
	deliver_result res = { .kind = DELIVER_TEMP };
	const deliver_config *cfg;

	if (refused != NULL)
		*refused = false;
	if (d == NULL) {
		snprintf(err, errlen, "delivery is not running");
		return DELIVER_DIRECT_LATER;
	}
	if (!copy(channel, &job.msg.channel) || !copy(purpose, &job.msg.purpose) ||
	    !copy(person, &job.msg.person) || !copy(to, &job.msg.recipient) ||
	    !copy(subject, &job.msg.subject) || !copy(body, &job.msg.body)) {
		outbox_msg_free(&job.msg);
		snprintf(err, errlen, "out of memory");
		return DELIVER_DIRECT_LATER;
	}
	if ((cfg = deliver_cfg_hold_for(d, business_id)) == NULL) {
		outbox_msg_free(&job.msg);
		snprintf(err, errlen, "its business's providers are not running");
		return DELIVER_DIRECT_LATER;
	}
	job.cfg = cfg;
	job.msg.business_id = cfg->business_id;
	job.prov = strcmp(channel, "sms") == 0 ? cfg->sms : cfg->email;
	if (job.prov == NULL) {
		res.kind = DELIVER_PERM;
		snprintf(res.error, sizeof res.error, "no provider for %s", channel);
	} else if (job.prov->start(&job, &res) == 0) {
		CURLcode cc = curl_easy_perform(job.easy);

		job.prov->finish(&job, cc, &res);
	}
	deliver_job_clear(&job);
	deliver_cfg_release(d);
	if (res.kind != DELIVER_OK) {
		snprintf(err, errlen, "%s", res.error[0] ? res.error : "not sent");
		if (refused != NULL)
			*refused = credentials_refused(channel, &res);
	}
	switch (res.kind) {
	case DELIVER_OK:
		return DELIVER_DIRECT_SENT;
	case DELIVER_TEMP:
		return DELIVER_DIRECT_LATER;
	case DELIVER_PERM:
		return DELIVER_DIRECT_NEVER;
	case DELIVER_UNKNOWN:
		break;
	}
	return DELIVER_DIRECT_UNKNOWN;
}

/*
 * deliver_direct.c - an email to staff that is no lead's message (the
 * weekly digest), sent at once through the business's email provider (SMTP,
 * or the log provider), outside the outbox: the outbox holds what the engine
 * decided for a lead, and every outcome there is reported to the engine as
 * news about that lead. Here nothing is reported; the caller records the
 * outcome where it keeps its own sends (store_digest.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver_internal.h"

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

deliver_direct
deliver_email_direct(const deliver_options *o, int64_t ref, const char *person, const char *to,
		     const char *subject, const char *body, char *err, size_t errlen)
{
	deliver_result res = { .kind = DELIVER_TEMP };
	deliver_job job = { 0 };
	deliver_config *cfg;
	rules_diags d = { 0 };
	CURLcode cc;

	err[0] = '\0';
	if ((cfg = deliver_config_load(o, &d, err, errlen)) == NULL) {
		rules_diags_free(&d);
		return DELIVER_DIRECT_LATER;	/* a providers file being fixed */
	}
	rules_diags_free(&d);
	job.cfg = cfg;
	job.prov = cfg->email;
	/* A negative id: the Message-ID and the log line's id never match an
	 * outbox row's. */
	job.msg = (outbox_msg){
		.id = -ref, .business_id = o->business_id, .person = dup_or_null(person),
		.channel = strdup("email"), .recipient = dup_or_null(to),
		.subject = dup_or_null(subject), .body = dup_or_null(body),
		.purpose = strdup("digest"), .attempts = 1,
	};
	if (job.msg.channel == NULL || job.msg.recipient == NULL || job.msg.body == NULL ||
	    job.msg.purpose == NULL || (subject != NULL && job.msg.subject == NULL) ||
	    (person != NULL && job.msg.person == NULL)) {
		snprintf(res.error, sizeof res.error, "out of memory");
	} else if (job.prov->start(&job, &res) == 0) {
		cc = curl_easy_perform(job.easy);
		job.prov->finish(&job, cc, &res);
	}
	if (res.kind != DELIVER_OK)
		snprintf(err, errlen, "%s", res.error[0] ? res.error : "not sent");
	deliver_job_clear(&job);
	deliver_config_free(cfg);
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

/*
 * http_intake_email.c - inbound email: SendGrid Inbound Parse (multipart;
 * no signature exists, so the URL carries ?key= from the configuration) and
 * Mailgun routes (urlencoded or multipart, HMAC-SHA256 over timestamp+token,
 * fresh timestamps only). A mail from a known open lead is a reply on it;
 * otherwise it is a new lead. The stripped text (no quotes, no signature)
 * is what the lead's timeline shows.
 */
#include <stdio.h>
#include <string.h>

#include "http_intake.h"
#include "intake/intake_email.h"
#include "intake/intake_sig.h"

/* One inbound email, whichever provider: reply event or new lead. */
static enum MHD_Result
take_email(http_req *rq, fields *f, const email_in *m, const char *idem_prefix,
	   const char *idem_id)
{
	enum MHD_Result ret;
	job j = intake_job(rq, JOB_INBOUND);
	char key[400];
	const char *text = m->text && *m->text ? m->text : NULL;

	j.match_email = m->address;
	j.ev = lead_event_init(EV_MESSAGE_IN);
	j.ev.channel = "email";
	j.ev.text = text ? text : m->subject ? m->subject : "";
	j.create_if_unknown = true;
	j.in.name = m->name;
	j.in.email = m->address;
	j.in.source = "email";
	j.in.message = m->subject && text ? fields_printf(f, "%s\n\n%s", m->subject, text) :
		       text ? text : m->subject;
	j.in.external_id = m->message_id;
	if (idem_id != NULL && strlen(idem_id) < 300) {
		snprintf(key, sizeof key, "%s:%s", idem_prefix, idem_id);
		j.idem_key = key;
	}
	if (intake_run(rq, &j, &ret) == 0)
		ret = http_json(rq, 200, json_pack("{s:s}", "status", "received"));
	return ret;
}

enum MHD_Result
http_sendgrid(http_req *rq)
{
	const settings *st = http_settings(rq);
	enum MHD_Result ret;
	email_in m;
	fields f;

	if (st->sendgrid_key == NULL)
		return intake_refuse(rq, "sendgrid", "not_configured");
	if (!sig_equal(http_arg(rq, "key"), st->sendgrid_key))
		return intake_refuse(rq, "sendgrid", "bad_key");
	fields_init(&f);
	if (!intake_read_form(rq, &f, &ret))
		goto out;
	if (email_from_sendgrid(&f, &m) < 0) {
		ret = http_error(rq, 400, "not_an_email", "no sender (from or envelope.from)", "from");
		goto out;
	}
	ret = take_email(rq, &f, &m, "sendgrid", m.message_id);
out:
	fields_free(&f);
	return ret;
}

enum MHD_Result
http_mailgun(http_req *rq)
{
	const settings *st = http_settings(rq);
	enum MHD_Result ret;
	email_in m;
	fields f;

	if (st->mailgun_signing_key == NULL)
		return intake_refuse(rq, "mailgun", "not_configured");
	fields_init(&f);
	if (!intake_read_form(rq, &f, &ret))
		goto out;
	if (!email_mailgun_signature_ok(st->mailgun_signing_key, fields_get(&f, "timestamp"),
					fields_get(&f, "token"), fields_get(&f, "signature"),
					http_now(rq), st->mailgun_max_age)) {
		ret = intake_refuse(rq, "mailgun", "bad_signature");
		goto out;
	}
	if (email_from_mailgun(&f, &m) < 0) {
		/* 406: Mailgun does not retry it */
		ret = http_error(rq, 406, "not_an_email", "no sender (from or sender)", "from");
		goto out;
	}
	/* the signed token is unique per post: a replay is answered, not stored twice */
	ret = take_email(rq, &f, &m, "mailgun", fields_get(&f, "token"));
out:
	fields_free(&f);
	return ret;
}

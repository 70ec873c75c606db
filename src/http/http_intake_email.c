/*
 * http_intake_email.c - inbound email as transport: SendGrid Inbound Parse
 * (multipart; no signature exists, so the URL carries ?key= from the
 * configuration, checked before the body is read) and Mailgun routes
 * (urlencoded or multipart, HMAC-SHA256 over timestamp+token, fresh
 * timestamps only; optionally a ?key= too). What a mail means (a reply
 * on the sender's lead, or a new lead) is intake_email's (src/intake/).
 */
#include "http_intake.h"
#include "intake/intake_email.h"
#include "intake/intake_sig.h"
#include "util/log.h"

/* One inbound email, whichever provider: submitted, answered JSON. */
static enum MHD_Result
take_email(http_req *rq, fields *f, const email_in *m)
{
	enum MHD_Result ret;
	job j = intake_job(rq);
	char spf[64], dkim[128];

	/* the provider's verdicts on the sender, on the request's log line */
	http_note(rq, "spf=%s dkim=%s%s", log_quote(m->spf ? m->spf : "none", spf, sizeof spf),
		  log_quote(m->dkim ? m->dkim : "none", dkim, sizeof dkim),
		  m->unverified ? " sender=unverified" : "");
	if (intake_email(f, m, &j.req) != INTAKE_OK)
		return http_error(rq, 500, "internal", "out of memory", NULL);
	if (intake_run(rq, &j, &ret) == 0)
		ret = http_json(rq, 200, json_pack("{s:s}", "status", "received"));
	return ret;
}

static const char *
sendgrid_key(const settings *st)
{
	return st->sendgrid_key;
}

static const char *
mailgun_key(const settings *st)
{
	return st->mailgun_key;
}

/* SendGrid's only proof is the URL's key: checked before the body is read,
 * so a stranger's 25 MB is refused unread. The key names the business. */
bool
http_sendgrid_before_body(http_req *rq, enum MHD_Result *ret)
{
	const settings *st;

	http_keyed_business(rq, sendgrid_key, http_arg(rq, "key"));
	st = http_req_settings(rq);

	if (st->sendgrid_key == NULL)
		*ret = intake_refuse(rq, "sendgrid", "not_configured");
	else if (!sig_equal(http_arg(rq, "key"), st->sendgrid_key))
		*ret = intake_refuse(rq, "sendgrid", "bad_key");
	else
		return true;
	return false;
}

/* Mailgun signs inside the body; what can be checked first is that it is
 * configured, and the optional [mailgun] key in the URL (which names the
 * business when the install has several). */
bool
http_mailgun_before_body(http_req *rq, enum MHD_Result *ret)
{
	const settings *st;

	http_keyed_business(rq, mailgun_key, http_arg(rq, "key"));
	st = http_req_settings(rq);

	if (st->mailgun_signing_key == NULL)
		*ret = intake_refuse(rq, "mailgun", "not_configured");
	else if (st->mailgun_key != NULL && !sig_equal(http_arg(rq, "key"), st->mailgun_key))
		*ret = intake_refuse(rq, "mailgun", "bad_key");
	else
		return true;
	return false;
}

enum MHD_Result
http_sendgrid(http_req *rq)
{
	enum MHD_Result ret;
	email_in m;
	fields f;

	if (!http_sendgrid_before_body(rq, &ret))
		return ret;
	fields_init(&f);
	if (!intake_read_form(rq, &f, &ret))
		goto out;
	if (email_from_sendgrid(&f, &m) < 0) {
		ret = http_error(rq, 400, "not_an_email", "no sender (from or envelope.from)", "from");
		goto out;
	}
	ret = take_email(rq, &f, &m);
out:
	fields_free(&f);
	return ret;
}

enum MHD_Result
http_mailgun(http_req *rq)
{
	const settings *st;
	enum MHD_Result ret;
	email_in m;
	fields f;

	if (!http_mailgun_before_body(rq, &ret))
		return ret;
	st = http_req_settings(rq);	/* the business the key named */
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
	ret = take_email(rq, &f, &m);
out:
	fields_free(&f);
	return ret;
}

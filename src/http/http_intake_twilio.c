/*
 * http_intake_twilio.c - Twilio's webhooks as transport: inbound SMS, the
 * voice webhook (ring the business with <Dial>, or take the call as missed),
 * and the <Dial> action and status callbacks. Every request's
 * X-Twilio-Signature is checked against the public URL first; what a text
 * or a call means is intake_twilio's (src/intake/); the answer is TwiML. A
 * retried webhook (same MessageSid / CallSid) is answered without acting
 * twice (the request's dedupe key, kept by the writer job).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "http_intake.h"
#include "intake/intake_twilio.h"

static const char twiml_empty[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

static enum MHD_Result
twiml(http_req *rq, const char *xml)
{
	return http_reply(rq, 200, "text/xml", xml, strlen(xml));
}

/* inbound: a text or a call to a business, found by the messaging service
 * it came through, else the number it was sent To (checked with that
 * business's auth token). */
static bool
verify(http_req *rq, fields *f, bool inbound, enum MHD_Result *ret)
{
	const settings *st;
	char url[2048];
	bool form = strcmp(rq->method, "POST") == 0;

	if (form && !intake_read_form(rq, f, ret))
		return false;
	if (!form && rq->query && fields_parse_urlencoded(f, rq->query, strlen(rq->query)) < 0) {
		*ret = http_error(rq, 400, "bad_form", "the query could not be read", NULL);
		return false;
	}
	if (inbound && !http_twilio_business(rq, fields_get(f, "To"),
					     fields_get(f, "MessagingServiceSid"))) {
		http_note(rq, "source=twilio reject=unknown_number");
		*ret = http_error(rq, 404, "unknown_number", "no business of this server has the "
				  "number or messaging service this was sent to; nothing was "
				  "stored", "To");
		return false;
	}
	st = http_req_settings(rq);
	if (st->twilio_auth_token == NULL) {
		*ret = intake_refuse(rq, "twilio", "not_configured");
		return false;
	}
	http_public_url(rq, url, sizeof url);
	if (!twilio_signature_ok(st->twilio_auth_token, url, form ? f : NULL, rq->body, rq->len,
				 http_header(rq, "X-Twilio-Signature"))) {
		*ret = intake_refuse(rq, "twilio", "bad_signature");
		return false;
	}
	/* Twilio sends UTF-8; a NUL or a bad byte is replaced, the rest kept */
	return intake_form_utf8(rq, f, "utf-8", ret);
}

bool
twilio_verified(http_req *rq, fields *f, enum MHD_Result *ret)
{
	return verify(rq, f, false, ret);
}

enum MHD_Result
http_twilio_sms(http_req *rq)
{
	enum MHD_Result ret;
	job j = intake_job(rq);
	fields f;

	fields_init(&f);
	if (!verify(rq, &f, true, &ret))
		goto out;
	/* the business the number names */
	j.rules = http_req_rules(rq);
	j.business_id = rq->business_id;
	switch (intake_twilio_sms(&f, &j.req)) {
	case INTAKE_OK:
		if (intake_run(rq, &j, &ret) == 0)
			ret = twiml(rq, twiml_empty);
		break;
	case INTAKE_MISSING:
		ret = http_error(rq, 400, "missing_field", "From: the sender is required", "From");
		break;
	default:
		ret = http_error(rq, 500, "internal", "out of memory", NULL);
		break;
	}
out:
	fields_free(&f);
	return ret;
}

/* Records a finished call once per CallSid (intake_twilio_call says what it
 * is). Returns 0 with *call set (nothing to record is 0 too), or -1 with
 * *ret set. */
static int
record_call(http_req *rq, fields *f, twilio_hook hook, twilio_call *call, enum MHD_Result *ret)
{
	job j = intake_job(rq);

	switch (intake_twilio_call(f, hook, http_req_settings(rq)->twilio_missed_seconds, call,
				   &j.req)) {
	case INTAKE_OK:
		http_note(rq, "call=%s", *call == CALL_MISSED ? "missed" : "answered");
		return intake_run(rq, &j, ret);
	case INTAKE_NOTHING:
		return 0;
	case INTAKE_MISSING:
		*ret = http_error(rq, 400, "missing_field", "From: the caller is required", "From");
		return -1;
	default:
		*ret = http_error(rq, 500, "internal", "out of memory", NULL);
		return -1;
	}
}

static bool
plain_number(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 20)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != '+')
			return false;
	return true;
}

enum MHD_Result
http_twilio_voice(http_req *rq)
{
	const settings *st;
	enum MHD_Result ret;
	twilio_call c = CALL_PENDING;
	char xml[512];
	fields f;

	fields_init(&f);
	if (!verify(rq, &f, true, &ret))
		goto out;
	st = http_req_settings(rq);	/* the called business's */
	if (plain_number(st->twilio_forward_to)) {
		/* ring the business; the <Dial> action tells us how it went */
		snprintf(xml, sizeof xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Dial "
			 "action=\"/webhooks/twilio/voice/dial-action\" timeout=\"%d\">%s</Dial>"
			 "</Response>", st->twilio_dial_timeout, st->twilio_forward_to);
		ret = twiml(rq, xml);
		goto out;
	}
	/* nobody to ring: every call is a missed call, texted back at once */
	if (record_call(rq, &f, TWILIO_VOICE_UNANSWERED, &c, &ret) == 0)
		ret = twiml(rq, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>Sorry we "
			    "can't take your call right now. We will text you right back.</Say>"
			    "<Hangup/></Response>");
out:
	fields_free(&f);
	return ret;
}

enum MHD_Result
http_twilio_dial_action(http_req *rq)
{
	enum MHD_Result ret;
	twilio_call c = CALL_PENDING;
	fields f;

	fields_init(&f);
	if (!verify(rq, &f, true, &ret))
		goto out;
	if (record_call(rq, &f, TWILIO_DIAL_ACTION, &c, &ret) == 0)
		ret = twiml(rq, c == CALL_MISSED ?
			    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>Sorry we missed "
			    "your call. We will text you right back.</Say><Hangup/></Response>" :
			    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Hangup/></Response>");
out:
	fields_free(&f);
	return ret;
}

enum MHD_Result
http_twilio_call_status(http_req *rq)
{
	enum MHD_Result ret;
	twilio_call c = CALL_PENDING;
	fields f;

	fields_init(&f);
	if (!verify(rq, &f, true, &ret))
		goto out;
	if (record_call(rq, &f, TWILIO_CALL_STATUS, &c, &ret) == 0)
		ret = twiml(rq, twiml_empty);
out:
	fields_free(&f);
	return ret;
}

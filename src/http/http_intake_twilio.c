/*
 * http_intake_twilio.c - Twilio's webhooks: inbound SMS (new lead, or a
 * reply on the sender's lead - STOP/START/HELP included, which the engine
 * handles), the voice webhook (ring the business, or take a message), and
 * the <Dial> action and status callbacks that tell a missed call (a lead, or
 * "asked again") from an answered one (a touch). Every request's
 * X-Twilio-Signature is checked against the public URL first; a retried
 * webhook (same MessageSid / CallSid) is answered without acting twice.
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

/* Reads the parameters and checks the signature; false with a reply in *ret. */
static bool
verified(http_req *rq, fields *f, enum MHD_Result *ret)
{
	const settings *st = http_settings(rq);
	char url[2048];
	bool form = strcmp(rq->method, "POST") == 0;

	if (st->twilio_auth_token == NULL) {
		*ret = intake_refuse(rq, "twilio", "not_configured");
		return false;
	}
	if (form && !intake_read_form(rq, f, ret))
		return false;
	if (!form && rq->query && fields_parse_urlencoded(f, rq->query, strlen(rq->query)) < 0) {
		*ret = http_error(rq, 400, "bad_form", "the query could not be read", NULL);
		return false;
	}
	http_public_url(rq, url, sizeof url);
	if (!twilio_signature_ok(st->twilio_auth_token, url, form ? f : NULL, rq->body, rq->len,
				 http_header(rq, "X-Twilio-Signature"))) {
		*ret = intake_refuse(rq, "twilio", "bad_signature");
		return false;
	}
	return true;
}

enum MHD_Result
http_twilio_sms(http_req *rq)
{
	enum MHD_Result ret;
	job j = intake_job(rq, JOB_INBOUND);
	const char *from, *body, *sid, *n;
	char key[96];
	fields f;

	fields_init(&f);
	if (!verified(rq, &f, &ret))
		goto out;
	from = fields_get(&f, "From");
	body = fields_get(&f, "Body");
	sid = fields_get(&f, "MessageSid");
	if (sid == NULL)
		sid = fields_get(&f, "SmsSid");
	if (from == NULL || *from == '\0') {
		ret = http_error(rq, 400, "missing_field", "From: the sender is required", "From");
		goto out;
	}
	/* media: keep the links with the text, the lead may have sent a photo */
	if ((n = fields_get(&f, "NumMedia")) != NULL && *n != '0') {
		const char *text = body ? body : "";

		for (int i = 0; i < 10; i++) {
			char name[24];
			const char *u;

			snprintf(name, sizeof name, "MediaUrl%d", i);
			if ((u = fields_get(&f, name)) == NULL)
				break;
			text = fields_printf(&f, "%s%s[media] %s", text, *text ? "\n" : "", u);
		}
		body = text;
	}
	j.match_phone = from;
	j.ev = lead_event_init(EV_MESSAGE_IN);
	j.ev.channel = "sms";
	j.ev.text = body ? body : "";
	/* A bare keyword from an unknown number is not an inquiry. */
	j.create_if_unknown = !twilio_is_keyword(body);
	j.in.phone = from;
	j.in.source = "sms";
	j.in.message = body;
	j.in.external_id = sid;
	if (sid != NULL && strlen(sid) < 64) {
		snprintf(key, sizeof key, "twilio:sms:%s", sid);
		j.idem_key = key;
	}
	if (intake_run(rq, &j, &ret) == 0)
		ret = twiml(rq, twiml_empty);
out:
	fields_free(&f);
	return ret;
}

/* Records a finished call once per CallSid: missed -> a lead (or "asked
 * again" on the caller's open lead), answered -> a touch on the caller's
 * lead. Pending -> nothing. Returns 0, or -1 with *ret set. */
static int
record_call(http_req *rq, fields *f, twilio_call outcome, const char *status,
	    enum MHD_Result *ret)
{
	job j = intake_job(rq, JOB_INBOUND);
	const char *from = fields_get(f, "From"), *sid = fields_get(f, "CallSid");
	const char *dir = fields_get(f, "Direction");
	char key[96];

	if (outcome == CALL_PENDING || (dir && strncmp(dir, "outbound", 8) == 0))
		return 0;	/* not over yet, or our own call out */
	if (from == NULL || *from == '\0') {
		*ret = http_error(rq, 400, "missing_field", "From: the caller is required", "From");
		return -1;
	}
	j.match_phone = from;
	if (outcome == CALL_MISSED) {
		j.ev = lead_event_init(EV_INQUIRY_AGAIN);
		j.ev.source = "phone_call";
		j.ev.text = fields_printf(f, "Missed call (%s)", status);
		j.create_if_unknown = true;
		j.in.phone = from;
		j.in.name = fields_get(f, "CallerName");
		j.in.source = "phone_call";
		j.in.message = j.ev.text;
		j.in.external_id = sid;
	} else {
		j.ev = lead_event_init(EV_CALL_LOGGED);
		j.ev.outcome = "answered";
		j.ev.text = "Inbound call answered";
		j.create_if_unknown = false;
	}
	if (sid != NULL && strlen(sid) < 64) {
		snprintf(key, sizeof key, "twilio:call:%s", sid);
		j.idem_key = key;
	}
	http_note(rq, "call=%s", outcome == CALL_MISSED ? "missed" : "answered");
	return intake_run(rq, &j, ret);
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
	const settings *st = http_settings(rq);
	enum MHD_Result ret;
	char xml[512];
	fields f;

	fields_init(&f);
	if (!verified(rq, &f, &ret))
		goto out;
	if (plain_number(st->twilio_forward_to)) {
		/* ring the business; the <Dial> action tells us how it went */
		snprintf(xml, sizeof xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Dial "
			 "action=\"/webhooks/twilio/voice/dial-action\" timeout=\"%d\">%s</Dial>"
			 "</Response>", st->twilio_dial_timeout, st->twilio_forward_to);
		ret = twiml(rq, xml);
		goto out;
	}
	/* nobody to ring: every call is a missed call, texted back at once */
	if (record_call(rq, &f, CALL_MISSED, "no one to answer", &ret) == 0)
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
	const char *status;
	twilio_call c;
	fields f;

	fields_init(&f);
	if (!verified(rq, &f, &ret))
		goto out;
	status = fields_get(&f, "DialCallStatus");
	c = twilio_call_outcome(status, fields_get(&f, "DialCallDuration"),
				http_settings(rq)->twilio_missed_seconds);
	if (c == CALL_PENDING)
		c = CALL_MISSED;	/* the <Dial> ended without an answer we know */
	if (record_call(rq, &f, c, status ? status : "unknown", &ret) == 0)
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
	const char *status;
	twilio_call c;
	fields f;

	fields_init(&f);
	if (!verified(rq, &f, &ret))
		goto out;
	status = fields_get(&f, "CallStatus");
	c = twilio_call_outcome(status, fields_get(&f, "CallDuration"),
				http_settings(rq)->twilio_missed_seconds);
	if (record_call(rq, &f, c, status ? status : "unknown", &ret) == 0)
		ret = twiml(rq, twiml_empty);
out:
	fields_free(&f);
	return ret;
}

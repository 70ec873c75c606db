/*
 * test_intake_requests.c - every source's adapter, payload in, intake
 * request out, with no store and no server: Twilio texts (keywords, media,
 * retries) and calls (missed, answered, pending, our own), web forms and
 * hooks (mapping and presets), email, Meta (several leads at once), Google
 * (test leads), the API's lead, and the dedupe keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "intake/intake_ads.h"
#include "intake/intake_api.h"
#include "intake/intake_email.h"
#include "intake/intake_hook.h"
#include "intake/intake_twilio.h"
#include "rules/rules_load.h"

/* f from an urlencoded body, or the test fails. */
static void
parse(fields *f, const char *body)
{
	fields_init(f);
	assert_int_equal(fields_parse_urlencoded(f, body, strlen(body)), 0);
}

/* --- Twilio SMS ------------------------------------------------------------------ */

static void
sms_is_a_message_or_a_new_lead_from_the_sender(void **state)
{
	intake_request rq;
	fields f;

	(void)state;
	parse(&f, "From=%2B13125550177&To=%2B13125550100&Body=Need+a+plumber+today"
		  "&MessageSid=SM0001&NumMedia=0");
	assert_int_equal(intake_twilio_sms(&f, &rq), INTAKE_OK);
	assert_int_equal(rq.kind, INTAKE_MESSAGE);
	assert_string_equal(rq.match_phone, "+13125550177");
	assert_null(rq.match_email);
	assert_int_equal(rq.ev.kind, EV_MESSAGE_IN);
	assert_string_equal(rq.ev.channel, "sms");
	assert_string_equal(rq.ev.text, "Need a plumber today");
	assert_true(rq.create_if_unknown);
	assert_string_equal(rq.lead.phone, "+13125550177");
	assert_string_equal(rq.lead.source, "sms");
	assert_string_equal(rq.lead.message, "Need a plumber today");
	assert_string_equal(rq.lead.external_id, "SM0001");
	assert_string_equal(rq.dedupe_key, "twilio:sms:SM0001");
	fields_free(&f);

	/* older webhooks name it SmsSid */
	parse(&f, "From=%2B13125550177&Body=hi&SmsSid=SM0002");
	assert_int_equal(intake_twilio_sms(&f, &rq), INTAKE_OK);
	assert_string_equal(rq.dedupe_key, "twilio:sms:SM0002");
	fields_free(&f);
}

static void
sms_bare_keyword_from_an_unknown_number_creates_nothing(void **state)
{
	intake_request rq;
	fields f;

	(void)state;
	parse(&f, "From=%2B14155550123&Body=+stop+&MessageSid=SM0003");
	assert_int_equal(intake_twilio_sms(&f, &rq), INTAKE_OK);
	assert_false(rq.create_if_unknown);
	/* the keyword still reaches a known sender's lead, for the engine */
	assert_string_equal(rq.match_phone, "+14155550123");
	assert_string_equal(rq.ev.text, " stop ");
	fields_free(&f);

	parse(&f, "From=%2B14155550123&Body=Stop+texting+me+after+5&MessageSid=SM0004");
	assert_int_equal(intake_twilio_sms(&f, &rq), INTAKE_OK);
	assert_true(rq.create_if_unknown);	/* a sentence is an inquiry */
	fields_free(&f);
}

static void
sms_media_links_are_kept_with_the_text(void **state)
{
	intake_request rq;
	fields f;

	(void)state;
	parse(&f, "From=%2B13125550177&Body=The+leak&NumMedia=2&MessageSid=SM0005"
		  "&MediaUrl0=https%3A%2F%2Fapi.twilio.test%2Fm0&MediaUrl1=https%3A%2F%2Fapi.twilio.test%2Fm1");
	assert_int_equal(intake_twilio_sms(&f, &rq), INTAKE_OK);
	assert_string_equal(rq.ev.text, "The leak\n[media] https://api.twilio.test/m0\n"
			    "[media] https://api.twilio.test/m1");
	assert_string_equal(rq.lead.message, rq.ev.text);
	fields_free(&f);

	/* a photo alone */
	parse(&f, "From=%2B13125550177&NumMedia=1&MediaUrl0=https%3A%2F%2Fx.test%2Fp");
	assert_int_equal(intake_twilio_sms(&f, &rq), INTAKE_OK);
	assert_string_equal(rq.ev.text, "[media] https://x.test/p");
	assert_true(rq.create_if_unknown);
	assert_string_equal(rq.dedupe_key, "");	/* no sid, no key */
	fields_free(&f);

	/* NumMedia=0: a MediaUrl field is not a link we were sent */
	parse(&f, "From=%2B13125550177&Body=x&NumMedia=0&MediaUrl0=https%3A%2F%2Fx.test%2Fp");
	assert_int_equal(intake_twilio_sms(&f, &rq), INTAKE_OK);
	assert_string_equal(rq.ev.text, "x");
	fields_free(&f);
}

static void
sms_without_a_sender_is_refused_and_long_sids_get_no_key(void **state)
{
	char body[200];
	intake_request rq;
	fields f;

	(void)state;
	parse(&f, "Body=hello&MessageSid=SM1");
	assert_int_equal(intake_twilio_sms(&f, &rq), INTAKE_MISSING);
	fields_free(&f);
	parse(&f, "From=&Body=hello");
	assert_int_equal(intake_twilio_sms(&f, &rq), INTAKE_MISSING);
	fields_free(&f);

	snprintf(body, sizeof body, "From=%%2B13125550177&Body=x&MessageSid=%064d", 7);
	parse(&f, body);
	assert_int_equal(intake_twilio_sms(&f, &rq), INTAKE_OK);
	assert_string_equal(rq.dedupe_key, "");
	fields_free(&f);
}

/* --- Twilio calls ------------------------------------------------------------------ */

static void
missed_call_is_an_inquiry_from_the_caller(void **state)
{
	intake_request rq;
	twilio_call c;
	fields f;

	(void)state;
	parse(&f, "CallSid=CA01&From=%2B14155550123&CallerName=Jane+Doe&Direction=inbound"
		  "&DialCallStatus=no-answer&DialCallDuration=0");
	assert_int_equal(intake_twilio_call(&f, TWILIO_DIAL_ACTION, 10, &c, &rq), INTAKE_OK);
	assert_int_equal(c, CALL_MISSED);
	assert_int_equal(rq.kind, INTAKE_LEAD);
	assert_string_equal(rq.lead.phone, "+14155550123");
	assert_string_equal(rq.lead.name, "Jane Doe");
	assert_string_equal(rq.lead.source, "phone_call");
	assert_string_equal(rq.lead.message, "Missed call (no-answer)");
	assert_string_equal(rq.lead.external_id, "CA01");
	assert_string_equal(rq.dedupe_key, "twilio:call:CA01");
	fields_free(&f);

	/* no one set to ring: every call is missed */
	parse(&f, "CallSid=CA02&From=%2B14155550123&CallStatus=ringing");
	assert_int_equal(intake_twilio_call(&f, TWILIO_VOICE_UNANSWERED, 10, &c, &rq), INTAKE_OK);
	assert_int_equal(c, CALL_MISSED);
	assert_string_equal(rq.lead.message, "Missed call (no one to answer)");
	fields_free(&f);

	/* a <Dial> that ended without a status we know */
	parse(&f, "CallSid=CA03&From=%2B14155550123");
	assert_int_equal(intake_twilio_call(&f, TWILIO_DIAL_ACTION, 10, &c, &rq), INTAKE_OK);
	assert_int_equal(c, CALL_MISSED);
	assert_string_equal(rq.lead.message, "Missed call (unknown)");
	fields_free(&f);

	/* answered, but too short to have been a conversation */
	parse(&f, "CallSid=CA04&From=%2B14155550123&CallStatus=completed&CallDuration=4");
	assert_int_equal(intake_twilio_call(&f, TWILIO_CALL_STATUS, 10, &c, &rq), INTAKE_OK);
	assert_int_equal(c, CALL_MISSED);
	assert_string_equal(rq.lead.message, "Missed call (completed)");
	fields_free(&f);
}

static void
answered_call_is_a_touch_on_the_callers_lead_only(void **state)
{
	intake_request rq;
	twilio_call c;
	fields f;

	(void)state;
	parse(&f, "CallSid=CA05&From=%2B14155550123&DialCallStatus=completed&DialCallDuration=95");
	assert_int_equal(intake_twilio_call(&f, TWILIO_DIAL_ACTION, 10, &c, &rq), INTAKE_OK);
	assert_int_equal(c, CALL_ANSWERED);
	assert_int_equal(rq.kind, INTAKE_CALL);
	assert_string_equal(rq.match_phone, "+14155550123");
	assert_int_equal(rq.ev.kind, EV_CALL_LOGGED);
	assert_string_equal(rq.ev.outcome, "answered");
	assert_string_equal(rq.ev.text, "Inbound call answered");
	assert_false(rq.create_if_unknown);
	assert_string_equal(rq.dedupe_key, "twilio:call:CA05");
	fields_free(&f);
}

static void
calls_not_over_or_our_own_are_nothing(void **state)
{
	intake_request rq;
	twilio_call c;
	fields f;

	(void)state;
	parse(&f, "CallSid=CA06&From=%2B14155550123&CallStatus=in-progress");
	assert_int_equal(intake_twilio_call(&f, TWILIO_CALL_STATUS, 10, &c, &rq), INTAKE_NOTHING);
	assert_int_equal(c, CALL_PENDING);
	fields_free(&f);
	parse(&f, "CallSid=CA07&From=%2B13125550100&Direction=outbound-api&CallStatus=no-answer");
	assert_int_equal(intake_twilio_call(&f, TWILIO_CALL_STATUS, 10, &c, &rq), INTAKE_NOTHING);
	fields_free(&f);
	parse(&f, "CallSid=CA08&CallStatus=no-answer");
	assert_int_equal(intake_twilio_call(&f, TWILIO_CALL_STATUS, 10, &c, &rq), INTAKE_MISSING);
	fields_free(&f);
}

/* --- forms and hooks ------------------------------------------------------------------ */

static void
form_fields_map_to_a_lead_with_the_forms_presets(void **state)
{
	static const intake_map map[] = { { "zip", "neighbourhood" }, { "utm_source", "ignore" },
					  { "type", "kind" } };
	form_source src = { .key = "contact", .map = map, .nmap = 3, .honeypot = "website",
			    .kind = "estimate", .service = "Plumbing", .owner = "alice" };
	intake_request rq;
	fields f;

	(void)state;
	parse(&f, "your-name=Jane&your-phone=312-555-0100&zip=60614&utm_source=ads"
		  "&your-message=Leak&website=");
	assert_int_equal(intake_form(&f, &src, &rq), INTAKE_OK);
	assert_int_equal(rq.kind, INTAKE_LEAD);
	assert_string_equal(rq.lead.name, "Jane");
	assert_string_equal(rq.lead.phone, "312-555-0100");
	assert_string_equal(rq.lead.neighbourhood, "60614");
	assert_string_equal(rq.lead.message, "Leak");
	assert_string_equal(rq.lead.source, "web_form");
	assert_string_equal(rq.lead.kind, "estimate");
	assert_string_equal(rq.lead.service, "Plumbing");
	assert_string_equal(rq.lead.owner, "alice");
	assert_string_equal(rq.dedupe_key, "");
	fields_free(&f);

	/* what the person chose wins over the presets; a configured source wins */
	src.source = "landing_page";
	parse(&f, "name=Ann&email=ann%40x.test&service=Roofing&type=repair");
	assert_int_equal(intake_form(&f, &src, &rq), INTAKE_OK);
	assert_string_equal(rq.lead.source, "landing_page");
	assert_string_equal(rq.lead.service, "Roofing");
	assert_string_equal(rq.lead.kind, "repair");
	fields_free(&f);
}

static void
form_honeypot_is_nothing_and_an_empty_form_is_missing(void **state)
{
	form_source src = { .key = "contact", .honeypot = "website" };
	intake_request rq;
	fields f;

	(void)state;
	parse(&f, "name=Bot&email=bot%40spam.test&website=http%3A%2F%2Fspam.test");
	assert_int_equal(intake_form(&f, &src, &rq), INTAKE_NOTHING);
	fields_free(&f);
	parse(&f, "name=&email=+");
	assert_int_equal(intake_form(&f, &src, &rq), INTAKE_MISSING);
	fields_free(&f);
}

static void
hook_lead_comes_from_the_hook(void **state)
{
	static const intake_map map[] = { { "customer", "name" }, { "tel", "phone" } };
	static const char b[] = "{\"customer\":\"Zap Person\",\"tel\":\"312 555 0188\","
				"\"website\":\"x\",\"details\":{\"service\":\"AC repair\"}}";
	form_source src = { .key = "zapier", .map = map, .nmap = 2, .honeypot = "website" };
	intake_request rq;
	fields f;

	(void)state;
	fields_init(&f);
	assert_int_equal(intake_hook(&f, b, strlen(b), &src, &rq), INTAKE_OK);
	assert_int_equal(rq.kind, INTAKE_LEAD);
	assert_string_equal(rq.lead.name, "Zap Person");
	assert_string_equal(rq.lead.phone, "312 555 0188");
	assert_string_equal(rq.lead.source, "zapier");	/* the hook's key */
	/* a hook has no honeypot: the field is kept like any other */
	assert_string_equal(rq.lead.message, "website: x\ndetails.service: AC repair");
	fields_free(&f);

	fields_init(&f);
	assert_int_equal(intake_hook(&f, "[1,2]", 5, &src, &rq), INTAKE_INVALID);
	fields_free(&f);
	fields_init(&f);
	assert_int_equal(intake_hook(&f, "{\"a\":null}", 10, &src, &rq), INTAKE_MISSING);
	fields_free(&f);
}

/* --- email ------------------------------------------------------------------------------ */

static void
email_is_a_message_from_the_sender_keyed_by_its_retry_id(void **state)
{
	static const char b[] = "sender=jane%40example.com&from=Jane+Doe+%3Cjane%40example.com%3E"
				"&subject=Re%3A+Your+quote&body-plain=Yes%0D%0A%0D%0AOn+Mon%2C+Sales+wrote%3A"
				"%0D%0A%3E+Hi&token=tok123&message-headers=%5B%5B%22Message-Id%22%2C+"
				"%22%3Cm1%40x%3E%22%5D%5D";
	intake_request rq;
	email_in m;
	fields f;

	(void)state;
	parse(&f, b);
	assert_int_equal(email_from_mailgun(&f, &m), 0);
	assert_int_equal(intake_email(&f, &m, &rq), INTAKE_OK);
	assert_int_equal(rq.kind, INTAKE_MESSAGE);
	assert_string_equal(rq.match_email, "jane@example.com");
	assert_null(rq.match_phone);
	assert_int_equal(rq.ev.kind, EV_MESSAGE_IN);
	assert_string_equal(rq.ev.channel, "email");
	assert_string_equal(rq.ev.text, "Yes");
	assert_true(rq.create_if_unknown);
	assert_string_equal(rq.lead.name, "Jane Doe");
	assert_string_equal(rq.lead.email, "jane@example.com");
	assert_string_equal(rq.lead.source, "email");
	assert_string_equal(rq.lead.message, "Re: Your quote\n\nYes");
	assert_string_equal(rq.lead.external_id, "<m1@x>");
	assert_string_equal(rq.dedupe_key, "mailgun:tok123");
	fields_free(&f);
}

static void
email_with_only_a_subject_still_says_something(void **state)
{
	static const char b[] = "from=bob%40x.test&subject=Quote+please"
				"&headers=Message-ID%3A+%3Cs1%40x%3E%0AX-Other%3A+y";
	intake_request rq;
	email_in m;
	fields f;

	(void)state;
	parse(&f, b);
	assert_int_equal(email_from_sendgrid(&f, &m), 0);
	assert_int_equal(intake_email(&f, &m, &rq), INTAKE_OK);
	assert_string_equal(rq.ev.text, "Quote please");
	assert_string_equal(rq.lead.message, "Quote please");
	assert_null(rq.lead.name);
	assert_string_equal(rq.dedupe_key, "sendgrid:<s1@x>");
	fields_free(&f);
}

/* --- ads --------------------------------------------------------------------------------- */

static void
meta_notification_with_several_leads_is_several_requests(void **state)
{
	static const char b[] = "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"changes\":["
				"{\"field\":\"leadgen\",\"value\":{\"leadgen_id\":111,\"page_id\":9,"
				"\"form_id\":77,\"ad_id\":55}},"
				"{\"field\":\"leadgen\",\"value\":{\"leadgen_id\":\"222\"}}]},"
				"{\"changes\":[{\"field\":\"leadgen\",\"value\":{\"leadgen_id\":333,"
				"\"form_id\":\"78\"}}]}]}";
	meta_lead leads[8];
	intake_request rq[8];
	fields f;
	int n;

	(void)state;
	assert_int_equal(n = ads_meta_parse(b, strlen(b), leads, 8), 3);
	fields_init(&f);
	assert_int_equal(intake_meta(&f, leads, n, rq), 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rq[i].kind, INTAKE_LEAD);
		assert_string_equal(rq[i].lead.source, "meta_ads");
		assert_null(rq[i].lead.phone);
		assert_null(rq[i].lead.email);
	}
	assert_string_equal(rq[0].lead.external_id, "111");
	assert_string_equal(rq[1].lead.external_id, "222");
	assert_string_equal(rq[2].lead.external_id, "333");
	assert_string_equal(rq[0].dedupe_key, "meta:111");
	assert_string_equal(rq[1].dedupe_key, "meta:222");
	assert_string_equal(rq[2].dedupe_key, "meta:333");
	assert_string_equal(rq[0].lead.message, "Meta lead ad 111 (form 77, ad 55, page 9). The "
			    "contact details are in Meta: open Leads Center or Ads Manager, find lead "
			    "111 and copy the name, phone and email here.");
	/* no page_id: its entry's id is the page; an entry without one, none */
	assert_string_equal(leads[1].page_id, "1");
	assert_non_null(strstr(rq[1].lead.message, "(form ?, ad ?, page 1)"));
	assert_string_equal(leads[2].page_id, "");
	assert_non_null(strstr(rq[2].lead.message, "(form 78, ad ?, page ?)"));
	fields_free(&f);
}

static void
google_test_leads_are_left_out_unless_asked_for(void **state)
{
	static const char b[] = "{\"lead_id\":\"L1\",\"user_column_data\":[{\"string_value\":"
				"\"Ann Lee\",\"column_id\":\"FULL_NAME\"},{\"string_value\":\"+16505550123\","
				"\"column_id\":\"PHONE_NUMBER\"}],\"google_key\":\"k\",\"is_test\":true}";
	intake_request rq;
	intake_lead in;
	google_lead g;
	fields f;

	(void)state;
	memset(&in, 0, sizeof in);
	fields_init(&f);
	assert_int_equal(ads_google_parse(&f, b, strlen(b), &g, &in), 0);
	assert_int_equal(intake_google(&g, &in, false, &rq), INTAKE_NOTHING);
	assert_int_equal(intake_google(&g, &in, true, &rq), INTAKE_OK);
	assert_int_equal(rq.kind, INTAKE_LEAD);
	assert_string_equal(rq.lead.name, "Ann Lee");
	assert_string_equal(rq.lead.phone, "+16505550123");
	assert_string_equal(rq.lead.source, "google_ads");
	assert_string_equal(rq.lead.external_id, "L1");
	assert_string_equal(rq.dedupe_key, "google:L1");
	g.is_test = false;
	assert_int_equal(intake_google(&g, &in, false, &rq), INTAKE_OK);
	fields_free(&f);
}

/* --- the API ------------------------------------------------------------------------------- */

/* The API body as a request, through intake_api_json; the test fails on
 * anything but `want`. cs holds the strings until custom_free. */
static void
api_json(const rules *r, custom_set *cs, const char *body, intake_request *rq,
	 intake_result want)
{
	json_t *o = json_loads(body, 0, NULL);

	assert_non_null(o);
	custom_init(cs);
	assert_int_equal(intake_api_json(o, r, cs, rq), want);
	json_decref(o);
}

static void
api_lead_keeps_every_field_and_says_what_it_changed(void **state)
{
	rules_diags diags = { 0 };
	rules *r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml), "default",
				     &diags);
	intake_request rq;
	custom_set cs;
	char big[5000], body[5200];

	(void)state;
	rules_diags_free(&diags);
	assert_non_null(r);
	api_json(r, &cs, "{\"name\":\"Jane\",\"phone\":\"312-555-0100\"}", &rq, INTAKE_OK);
	assert_int_equal(rq.kind, INTAKE_LEAD);
	assert_string_equal(rq.lead.source, "api");
	assert_string_equal(rq.lead.name, "Jane");
	assert_string_equal(rq.dedupe_key, "");	/* the Idempotency-Key is HTTP's */
	assert_null(rq.lead.cut);
	assert_int_equal(rq.lead.ncustom, 0);
	custom_free(&cs);

	/* unknown fields are custom fields; a number is text; a known owner stays */
	api_json(r, &cs, "{\"name\":\"Jane\",\"source\":\"website\",\"owner\":\"bob\","
		 "\"zip\":\"60601\",\"budget\":5000,\"phone\":3125550100,"
		 "\"address\":{\"city\":\"Chicago\",\"lines\":[\"1 Main\",\"Apt 2\"]}}",
		 &rq, INTAKE_OK);
	assert_string_equal(rq.lead.source, "website");
	assert_string_equal(rq.lead.owner, "bob");
	assert_string_equal(rq.lead.phone, "3125550100");
	assert_int_equal(rq.lead.ncustom, 4);
	assert_string_equal(rq.lead.custom[0].name, "zip");
	assert_string_equal(rq.lead.custom[1].name, "budget");
	assert_string_equal(rq.lead.custom[1].value, "5000");
	assert_string_equal(rq.lead.custom[2].name, "address.city");
	assert_string_equal(rq.lead.custom[3].value, "1 Main, Apt 2");
	assert_null(rq.lead.cut);
	custom_free(&cs);

	/* an owner nobody knows: routing decides, and the timeline will say so */
	api_json(r, &cs, "{\"name\":\"Jane\",\"owner\":\"nobody\"}", &rq, INTAKE_OK);
	assert_null(rq.lead.owner);
	assert_non_null(strstr(rq.lead.cut, "owner \"nobody\""));
	custom_free(&cs);

	/* too long: kept cut, on a UTF-8 boundary, and said */
	memset(big, 'a', sizeof big);
	memcpy(big + 3999, "\xc3\xa9", 2);	/* an é across the 4000-byte line */
	snprintf(body, sizeof body, "{\"name\":\"Jane\",\"message\":\"%.4500s\"}", big);
	api_json(r, &cs, body, &rq, INTAKE_OK);
	assert_int_equal(strlen(rq.lead.message), 3999);
	assert_non_null(strstr(rq.lead.cut, "message cut to 4000 bytes (4500 given)"));
	custom_free(&cs);

	/* a message alone is a lead (flagged later for its missing contact) */
	api_json(r, &cs, "{\"message\":\"just words\"}", &rq, INTAKE_OK);
	custom_free(&cs);
	api_json(r, &cs, "{\"zip\":\"60601\"}", &rq, INTAKE_OK);
	custom_free(&cs);
	/* nothing at all is not */
	api_json(r, &cs, "{}", &rq, INTAKE_MISSING);
	custom_free(&cs);
	api_json(r, &cs, "{\"name\":\"  \",\"zip\":\"\",\"x\":null}", &rq, INTAKE_MISSING);
	custom_free(&cs);
	rules_free(r);
}

static void
custom_fields_past_the_limits_are_kept_cut_and_counted(void **state)
{
	custom_set cs;
	json_t *o = json_object(), *deep = json_string("bottom");
	char name[300];
	const char *sum;

	(void)state;
	for (int i = 0; i < 600; i++) {
		snprintf(name, sizeof name, "q%d", i);
		json_object_set_new(o, name, json_integer(i));
	}
	memset(name, 'n', 200);
	name[200] = '\0';
	json_object_set_new(o, name, json_string("long name"));
	for (int i = 0; i < 12; i++) {
		json_t *w = json_object();

		json_object_set_new(w, "in", deep);
		deep = w;
	}
	custom_init(&cs);
	assert_int_equal(custom_add_json(&cs, "deep", deep), 0);
	assert_int_equal(cs.n, 1);
	assert_string_equal(cs.v[0].name, "deep.in.in.in.in.in.in.in.in");
	assert_non_null(strstr(cs.v[0].value, "\"bottom\""));	/* kept as JSON text */
	assert_int_equal(custom_add_json(&cs, "", o), 0);
	assert_int_equal(cs.n, CUSTOM_MAX);
	assert_string_equal(cs.v[1].name, "q0");
	sum = custom_summary(&cs);
	assert_non_null(sum);
	assert_non_null(strstr(sum, "90 more fields past the first 512"));
	assert_non_null(strstr(sum, "1 value nested deeper than 8 levels"));
	custom_free(&cs);

	custom_init(&cs);
	assert_int_equal(custom_add_json(&cs, name, json_object_get(o, name)), 0);
	assert_int_equal(strlen(cs.v[0].name), CUSTOM_NAME_MAX);
	assert_non_null(strstr(custom_summary(&cs), "1 field name cut to 128 bytes"));
	custom_free(&cs);
	json_decref(o);
	json_decref(deep);
}

/* --- dedupe keys ---------------------------------------------------------------------------- */

static void
dedupe_keys_are_never_truncated(void **state)
{
	char id[400];
	intake_request rq;

	(void)state;
	intake_request_init(&rq, INTAKE_LEAD);
	intake_dedupe(&rq, "p", "abc", 10);
	assert_string_equal(rq.dedupe_key, "p:abc");
	intake_dedupe(&rq, "p", "abcdefghij", 10);	/* at the adapter's cap: none */
	assert_string_equal(rq.dedupe_key, "");
	intake_dedupe(&rq, "p", "", 10);
	assert_string_equal(rq.dedupe_key, "");
	intake_dedupe(&rq, "p", NULL, 10);
	assert_string_equal(rq.dedupe_key, "");
	memset(id, 'x', sizeof id - 1);
	id[sizeof id - 1] = '\0';
	intake_dedupe(&rq, "p", id, sizeof id);		/* would not fit: none */
	assert_string_equal(rq.dedupe_key, "");
	id[INTAKE_DEDUPE_MAX - 3] = '\0';		/* "p:" + id + NUL fills it exactly */
	intake_dedupe(&rq, "p", id, sizeof id);
	assert_int_equal(strlen(rq.dedupe_key), INTAKE_DEDUPE_MAX - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sms_is_a_message_or_a_new_lead_from_the_sender),
		cmocka_unit_test(sms_bare_keyword_from_an_unknown_number_creates_nothing),
		cmocka_unit_test(sms_media_links_are_kept_with_the_text),
		cmocka_unit_test(sms_without_a_sender_is_refused_and_long_sids_get_no_key),
		cmocka_unit_test(missed_call_is_an_inquiry_from_the_caller),
		cmocka_unit_test(answered_call_is_a_touch_on_the_callers_lead_only),
		cmocka_unit_test(calls_not_over_or_our_own_are_nothing),
		cmocka_unit_test(form_fields_map_to_a_lead_with_the_forms_presets),
		cmocka_unit_test(form_honeypot_is_nothing_and_an_empty_form_is_missing),
		cmocka_unit_test(hook_lead_comes_from_the_hook),
		cmocka_unit_test(email_is_a_message_from_the_sender_keyed_by_its_retry_id),
		cmocka_unit_test(email_with_only_a_subject_still_says_something),
		cmocka_unit_test(meta_notification_with_several_leads_is_several_requests),
		cmocka_unit_test(google_test_leads_are_left_out_unless_asked_for),
		cmocka_unit_test(api_lead_keeps_every_field_and_says_what_it_changed),
		cmocka_unit_test(custom_fields_past_the_limits_are_kept_cut_and_counted),
		cmocka_unit_test(dedupe_keys_are_never_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

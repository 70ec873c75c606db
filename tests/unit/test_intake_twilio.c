/*
 * test_intake_twilio.c - X-Twilio-Signature against twilio-python's official
 * test vectors and the reference's captured requests, plus keywords and
 * missed-call detection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "intake/intake_sig.h"
#include "intake/intake_twilio.h"

static const char uri[] = "https://mycompany.com/myapp.php?foo=1&bar=2";

static void
vector_params(fields *f)
{
	static const char *const kv[] = { "CallSid", "CA1234567890ABCDE", "Caller", "+14158675309",
					  "Digits", "1234", "From", "+14158675309",
					  "To", "+18005551212" };

	fields_init(f);
	for (size_t i = 0; i < 10; i += 2)
		assert_int_equal(fields_add(f, kv[i], strlen(kv[i]), kv[i + 1], strlen(kv[i + 1]),
					    false), 0);
}

static void
official_vector_computes(void **state)
{
	fields f;
	char sig[TWILIO_SIG_LEN];

	(void)state;
	vector_params(&f);
	twilio_signature("12345", uri, &f, sig);
	assert_string_equal(sig, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
	assert_true(twilio_signature_ok("12345", uri, &f, NULL, 0, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	assert_false(twilio_signature_ok("12345", uri, &f, NULL, 0, "RSOYDt4T1cUTdK1PDd93/VVr8B8"));
	assert_false(twilio_signature_ok("54321", uri, &f, NULL, 0, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	assert_false(twilio_signature_ok("12345", uri, &f, NULL, 0, ""));
	fields_free(&f);
}

static void
port_variants_validate(void **state)
{
	fields f;

	(void)state;
	vector_params(&f);
	assert_true(twilio_signature_ok("12345", "https://mycompany.com:1234/myapp.php?foo=1&bar=2",
					&f, NULL, 0, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	assert_true(twilio_signature_ok("12345", "http://mycompany.com:1234/myapp.php?foo=1&bar=2",
					&f, NULL, 0, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));
	assert_true(twilio_signature_ok("12345", uri, &f, NULL, 0, "kvajT1Ptam85bY51eRf/AJRuM3w="));
	assert_true(twilio_signature_ok("12345", "http://mycompany.com/myapp.php?foo=1&bar=2", &f,
					NULL, 0, "0ZXoZLH/DfblKGATFgpif+LLRf4="));
	fields_free(&f);
}

static void
duplicate_keys_are_sorted_by_value(void **state)
{
	fields f;

	(void)state;
	fields_init(&f);
	fields_add(&f, "Sid", 3, "CA123", 5, false);
	fields_add(&f, "SidAccount", 10, "AC123", 5, false);
	fields_add(&f, "Digits", 6, "5678", 4, false);
	fields_add(&f, "Digits", 6, "1234", 4, false);
	assert_true(twilio_signature_ok("12345", uri, &f, NULL, 0, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));
	fields_free(&f);
}

static void
json_body_hash_validates(void **state)
{
	static const char body[] = "{\"property\": \"value\", \"boolean\": true}";
	char url[256];

	(void)state;
	strcpy(url, uri);
	strcat(url, "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620");
	assert_true(twilio_signature_ok("12345", url, NULL, body, strlen(body),
					"a9nBmqA0ju/hNViExpshrM61xv4="));
	/* a changed body fails even with the right signature */
	assert_false(twilio_signature_ok("12345", url, NULL, "{}", 2,
					 "a9nBmqA0ju/hNViExpshrM61xv4="));
}

static void
reference_inbound_sms_validates(void **state)
{
	static const char body[] =
		"ToCountry=US&ToState=District+Of+Columbia&SmsMessageSid=SMe287d7109a5a925f182f0e07fe5b223b"
		"&NumMedia=0&ToCity=&FromZip=01022&SmsSid=SMe287d7109a5a925f182f0e07fe5b223b&FromState=MA"
		"&SmsStatus=received&FromCity=CHICOPEE&Body=Msg&FromCountry=US&To=%2B12028831111&ToZip="
		"&NumSegments=1&MessageSid=SMe287d7109a5a925f182f0e07fe5b223b&AccountSid=acctid"
		"&From=%2B14133881111&ApiVersion=2010-04-01";
	fields f;

	(void)state;
	assert_int_equal(strlen(body), 384);
	fields_init(&f);
	assert_int_equal(fields_parse_urlencoded(&f, body, strlen(body)), 0);
	assert_string_equal(fields_get(&f, "From"), "+14133881111");
	assert_string_equal(fields_get(&f, "ToCity"), "");
	assert_true(twilio_signature_ok("12345", "https://engine.example.test/webhooks/twilio/sms",
					&f, NULL, 0, "GsZrPeyx0/QczslwZpgQ71qYtL8="));
	assert_false(twilio_signature_ok("12345", "http://engine.example.test/webhooks/twilio/sms",
					 &f, NULL, 0, "GsZrPeyx0/QczslwZpgQ71qYtL8="));
	fields_free(&f);
}

static void
sha1_and_hmac_known_answers(void **state)
{
	unsigned char d[32];
	char hex[65];

	(void)state;
	sig_sha1("abc", 3, d);
	sig_hex(d, 20, hex);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sig_sha1("", 0, d);
	sig_hex(d, 20, hex);
	assert_string_equal(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	/* RFC 2202 test case 2 */
	sig_hmac_sha1("Jefe", 4, "what do ya want for nothing?", 28, d);
	sig_hex(d, 20, hex);
	assert_string_equal(hex, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	/* Mailgun's example from the reference */
	sig_hmac_sha256("test-signing-key", 16,
			"1770920772e0b5477167110d68991efc6b9f89f0a11066af27834600e123", 60, d);
	sig_hex(d, 32, hex);
	assert_string_equal(hex, "b9a8bb344ca3d6d56265fd9b0e20423ab237b45ee3ea36835d7d8ab5e0e6ef06");
	assert_true(sig_hex_equal("ABCdef", "abcDEF"));
	assert_false(sig_hex_equal("abc", "abd"));
	assert_false(sig_equal("", ""));
}

static void
keywords_are_whole_messages(void **state)
{
	(void)state;
	assert_true(twilio_is_keyword("STOP"));
	assert_true(twilio_is_keyword("  stop \n"));
	assert_true(twilio_is_keyword("Help"));
	assert_true(twilio_is_keyword("unstop"));
	assert_false(twilio_is_keyword("STOP PLEASE"));
	assert_false(twilio_is_keyword("Need a plumber"));
	assert_false(twilio_is_keyword(""));
	assert_false(twilio_is_keyword(NULL));
}

static void
missed_calls_are_detected(void **state)
{
	(void)state;
	assert_int_equal(twilio_call_outcome("no-answer", "0", 0), CALL_MISSED);
	assert_int_equal(twilio_call_outcome("busy", NULL, 0), CALL_MISSED);
	assert_int_equal(twilio_call_outcome("canceled", NULL, 0), CALL_MISSED);
	assert_int_equal(twilio_call_outcome("failed", NULL, 0), CALL_MISSED);
	assert_int_equal(twilio_call_outcome("completed", "12", 10), CALL_ANSWERED);
	assert_int_equal(twilio_call_outcome("completed", "4", 10), CALL_MISSED);
	assert_int_equal(twilio_call_outcome("answered", "40", 10), CALL_ANSWERED);
	assert_int_equal(twilio_call_outcome("ringing", NULL, 10), CALL_PENDING);
	assert_int_equal(twilio_call_outcome("in-progress", NULL, 10), CALL_PENDING);
	assert_int_equal(twilio_call_outcome(NULL, NULL, 10), CALL_PENDING);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(official_vector_computes),
		cmocka_unit_test(port_variants_validate),
		cmocka_unit_test(duplicate_keys_are_sorted_by_value),
		cmocka_unit_test(json_body_hash_validates),
		cmocka_unit_test(reference_inbound_sms_validates),
		cmocka_unit_test(sha1_and_hmac_known_answers),
		cmocka_unit_test(keywords_are_whole_messages),
		cmocka_unit_test(missed_calls_are_detected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

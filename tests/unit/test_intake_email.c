/*
 * test_intake_email.c - inbound email (From parsing, reply and signature
 * stripping, Mailgun's signature and freshness) and the ad lead forms
 * (Meta ids as numbers or strings, Meta signature, Google columns).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "intake/intake_ads.h"
#include "intake/intake_email.h"

static void
from_header_is_split(void **state)
{
	const char *name, *addr;
	fields f;

	(void)state;
	fields_init(&f);
	email_parse_from(&f, "Rakin Uddin <random@gmail.com>", &name, &addr);
	assert_string_equal(name, "Rakin Uddin");
	assert_string_equal(addr, "random@gmail.com");
	email_parse_from(&f, "\"Doe, Jane\" <jane@x.com>", &name, &addr);
	assert_string_equal(name, "Doe, Jane");
	email_parse_from(&f, " bare@x.com ", &name, &addr);
	assert_null(name);
	assert_string_equal(addr, "bare@x.com");
	fields_free(&f);
}

#define assert_stripped(in, want)                                   \
	do {                                                        \
		char *s_ = email_strip_reply(in);                   \
		assert_non_null(s_);                                \
		assert_string_equal(s_, want);                      \
		free(s_);                                           \
	} while (0)

static void
quotes_and_signatures_are_stripped(void **state)
{
	(void)state;
	assert_stripped("Yes please call me tomorrow.\r\n\r\nOn Mon, Sales wrote:\r\n> Hi Jane",
			"Yes please call me tomorrow.");
	assert_stripped("Sounds good\n\nOn Mon, Jan 5, 2026 at 9:00 AM Bob <b@x.com>\nwrote:\n> q",
			"Sounds good");
	assert_stripped("Thanks!\n-- \nJane Doe\nCEO", "Thanks!");
	assert_stripped("Ok\n\nSent from my iPhone", "Ok");
	assert_stripped("Call me\n-----Original Message-----\nFrom: x", "Call me");
	assert_stripped("Fine\nFrom: Bob\nSent: Monday\n", "Fine");
	assert_stripped("No quote here\nsecond line", "No quote here\nsecond line");
	assert_stripped("", "");
}

static void
mailgun_signature_and_freshness(void **state)
{
	static const char ts[] = "1770920772", tok[] = "e0b5477167110d68991efc6b9f89f0a11066af27834600e123",
			  sig[] = "b9a8bb344ca3d6d56265fd9b0e20423ab237b45ee3ea36835d7d8ab5e0e6ef06";

	(void)state;
	assert_true(email_mailgun_signature_ok("test-signing-key", ts, tok, sig, 1770920800, 300));
	assert_false(email_mailgun_signature_ok("test-signing-key", ts, tok, sig, 1770929999, 300));
	assert_false(email_mailgun_signature_ok("other-key", ts, tok, sig, 1770920800, 300));
	assert_false(email_mailgun_signature_ok("test-signing-key", "1770920773", tok, sig,
						1770920800, 300));
	assert_false(email_mailgun_signature_ok("test-signing-key", ts, tok, NULL, 1770920800, 300));
}

static void
mailgun_fields_prefer_stripped_text(void **state)
{
	static const char b[] = "sender=jane%40example.com&from=Jane+Doe+%3Cjane%40example.com%3E&subject=Re"
				"&body-plain=Yes%0D%0A%0D%0AOn+Mon%2C+Sales+wrote%3A%0D%0A%3E+Hi&stripped-text=Yes"
				"&message-headers=%5B%5B%22Message-Id%22%2C+%22%3Cm1%40x%3E%22%5D%5D";
	email_in m;
	fields f;

	(void)state;
	fields_init(&f);
	fields_parse_urlencoded(&f, b, strlen(b));
	assert_int_equal(email_from_mailgun(&f, &m), 0);
	assert_string_equal(m.name, "Jane Doe");
	assert_string_equal(m.address, "jane@example.com");
	assert_string_equal(m.text, "Yes");
	assert_string_equal(m.message_id, "<m1@x>");
	fields_free(&f);
	fields_init(&f);
	fields_parse_urlencoded(&f, "subject=x", 9);
	assert_int_equal(email_from_mailgun(&f, &m), -1);
	fields_free(&f);
}

static void
sender_verdicts_are_read_and_a_failing_one_is_said(void **state)
{
	static const char mg[] = "sender=jane%40example.com&from=jane%40example.com&subject=Hi"
				 "&body-plain=Call+me&X-Mailgun-Spf=Fail&X-Mailgun-Dkim-Check-Result=Fail";
	static const char mg_ok[] = "sender=jane%40example.com&body-plain=x&message-headers="
				    "%5B%5B%22X-Mailgun-Spf%22%2C+%22Pass%22%5D%5D";
	intake_request req;
	email_in m;
	fields f;

	(void)state;
	fields_init(&f);
	fields_parse_urlencoded(&f, mg, strlen(mg));
	assert_int_equal(email_from_mailgun(&f, &m), 0);
	assert_string_equal(m.spf, "Fail");
	assert_string_equal(m.dkim, "Fail");
	assert_true(m.unverified);
	assert_int_equal(intake_email(&f, &m, &req), INTAKE_OK);
	assert_non_null(strstr(req.ev.text, "Call me"));
	assert_non_null(strstr(req.ev.text, "Sender not verified: mailgun says SPF Fail, DKIM Fail"));
	assert_non_null(strstr(req.lead.message, "Sender not verified"));
	fields_free(&f);

	fields_init(&f);
	fields_parse_urlencoded(&f, mg_ok, strlen(mg_ok));
	assert_int_equal(email_from_mailgun(&f, &m), 0);
	assert_string_equal(m.spf, "Pass");	/* from message-headers */
	assert_null(m.dkim);
	assert_false(m.unverified);
	assert_int_equal(intake_email(&f, &m, &req), INTAKE_OK);
	assert_string_equal(req.ev.text, "x");
	fields_free(&f);
}

static void
sendgrid_verdicts_and_part_charsets(void **state)
{
	static const char sg[] = "from=Jos%E9+%3Cjose%40example.com%3E&text=Hola+Jos%E9&subject=Hi"
				 "&charsets=%7B%22from%22%3A%22iso-8859-1%22%2C%22text%22%3A%22iso-8859-1%22%7D"
				 "&SPF=softfail&dkim=%7B%40example.com+%3A+fail%7D";
	static const char sg_ok[] = "from=a%40b.c&SPF=pass&dkim=%7B%40b.c+%3A+pass%7D";
	email_in m;
	fields f;

	(void)state;
	fields_init(&f);
	fields_parse_urlencoded(&f, sg, strlen(sg));
	assert_int_equal(email_from_sendgrid(&f, &m), 0);
	assert_string_equal(m.name, "Jos\xc3\xa9");
	assert_string_equal(m.text, "Hola Jos\xc3\xa9");
	assert_string_equal(m.spf, "softfail");
	assert_true(m.unverified);
	fields_free(&f);
	fields_init(&f);
	fields_parse_urlencoded(&f, sg_ok, strlen(sg_ok));
	assert_int_equal(email_from_sendgrid(&f, &m), 0);
	assert_false(m.unverified);
	fields_free(&f);
}

static void
meta_ids_as_numbers_or_strings(void **state)
{
	static const char b[] = "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"leadgen\","
				"\"value\":{\"leadgen_id\":123123123123,\"form_id\":\"77\"}},{\"field\":\"feed\","
				"\"value\":{}}]},{\"changes\":[{\"field\":\"leadgen\",\"value\":{\"leadgen_id\":"
				"\"444444444444\"}}]}]}";
	meta_lead l[4];

	(void)state;
	assert_int_equal(ads_meta_parse(b, strlen(b), l, 4), 2);
	assert_string_equal(l[0].leadgen_id, "123123123123");
	assert_string_equal(l[0].form_id, "77");
	assert_string_equal(l[1].leadgen_id, "444444444444");
	assert_int_equal(ads_meta_parse("[]", 2, l, 4), -1);
}

static void
meta_signature_over_raw_bytes(void **state)
{
	static const char b[] = "{\"object\":\"page\",\"entry\":[{\"id\":\"153125381133\",\"time\":1438292065,"
				"\"changes\":[{\"field\":\"leadgen\",\"value\":{\"leadgen_id\":123123123123,"
				"\"page_id\":123123123,\"form_id\":12312312312,\"adgroup_id\":12312312312,"
				"\"ad_id\":12312312312,\"created_time\":1440120384}}]}]}";

	(void)state;
	assert_int_equal(strlen(b), 248);
	assert_true(ads_meta_signature_ok("test-app-secret", b, strlen(b), "sha256="
					  "8abff1b93a97d91c096556271cb5abadfa38c950f1ffdf28db9443c025dbbf3a"));
	assert_false(ads_meta_signature_ok("test-app-secret", b, strlen(b) - 1, "sha256="
					   "8abff1b93a97d91c096556271cb5abadfa38c950f1ffdf28db9443c025dbbf3a"));
	assert_false(ads_meta_signature_ok("test-app-secret", b, strlen(b),
					   "sha1=b8d37aaeb99cfca52f53bad42e99de853437f664"));
}

static void
google_columns_become_lead_fields(void **state)
{
	static const char b[] = "{\"lead_id\":\"L1\",\"user_column_data\":[{\"column_name\":\"Full Name\","
				"\"string_value\":\"FirstName LastName\",\"column_id\":\"FULL_NAME\"},{\"string_value\":"
				"\"+16505550123\",\"column_id\":\"PHONE_NUMBER\"},{\"column_name\":\"Budget\","
				"\"string_value\":\"5k\",\"column_id\":\"QUESTION_1\"}],\"google_key\":\"test@111\","
				"\"is_test\":true,\"form_id\":119849511327}";
	google_lead g;
	intake_lead in;
	fields f;

	(void)state;
	memset(&in, 0, sizeof in);
	fields_init(&f);
	assert_int_equal(ads_google_parse(&f, b, strlen(b), &g, &in), 0);
	assert_string_equal(in.name, "FirstName LastName");
	assert_string_equal(in.phone, "+16505550123");
	assert_string_equal(in.message, "Budget: 5k");
	assert_string_equal(g.lead_id, "L1");
	assert_string_equal(g.google_key, "test@111");
	assert_string_equal(g.form_id, "119849511327");
	assert_true(g.is_test);
	fields_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(from_header_is_split),
		cmocka_unit_test(quotes_and_signatures_are_stripped),
		cmocka_unit_test(mailgun_signature_and_freshness),
		cmocka_unit_test(mailgun_fields_prefer_stripped_text),
		cmocka_unit_test(sender_verdicts_are_read_and_a_failing_one_is_said),
		cmocka_unit_test(sendgrid_verdicts_and_part_charsets),
		cmocka_unit_test(meta_ids_as_numbers_or_strings),
		cmocka_unit_test(meta_signature_over_raw_bytes),
		cmocka_unit_test(google_columns_become_lead_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

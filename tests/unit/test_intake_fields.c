/*
 * test_intake_fields.c - form bodies as browsers send them (urlencoded and
 * multipart, WHATWG rules) and their mapping to a lead (field mapping,
 * default names, honeypot, leftovers kept), plus JSON flattening for hooks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "intake/intake_form.h"
#include "intake/intake_hook.h"
#include "util/utf8.h"

static void
urlencoded_plus_is_space_and_2b_is_plus(void **state)
{
	static const char b[] = "name=Jane+O%27Neil&email=jane%2Bleads%40example.com&phone=%2B1+%28415%29"
				"+555-0123&message=Hi%21%0D%0ACall+me+%7E+after+5pm+%26+ask+for+Zo%C3%AB&consent=on";
	fields f;

	(void)state;
	fields_init(&f);
	assert_int_equal(fields_parse_urlencoded(&f, b, strlen(b)), 0);
	assert_int_equal(f.n, 5);
	assert_string_equal(fields_get(&f, "name"), "Jane O'Neil");
	assert_string_equal(fields_get(&f, "email"), "jane+leads@example.com");
	assert_string_equal(fields_get(&f, "phone"), "+1 (415) 555-0123");
	assert_string_equal(fields_get(&f, "message"), "Hi!\r\nCall me ~ after 5pm & ask for Zo\xc3\xab");
	fields_free(&f);
}

static void
urlencoded_odd_input_is_kept(void **state)
{
	static const char b[] = "a=%zz&&b&=x&c=%4&d=1=2";
	fields f;

	(void)state;
	fields_init(&f);
	assert_int_equal(fields_parse_urlencoded(&f, b, strlen(b)), 0);
	assert_string_equal(fields_get(&f, "a"), "%zz");
	assert_string_equal(fields_get(&f, "b"), "");
	assert_string_equal(fields_get(&f, ""), "x");
	assert_string_equal(fields_get(&f, "c"), "%4");
	assert_string_equal(fields_get(&f, "d"), "1=2");
	fields_free(&f);
}

static void
multipart_browser_body(void **state)
{
	static const char b[] =
		"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
		"Content-Disposition: form-data; name=\"name\"\r\n\r\nJane O'Neil\r\n"
		"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
		"Content-Disposition: form-data; name=\"message\"\r\n\r\nHi!\r\nCall me\r\n"
		"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
		"Content-Disposition: form-data; name=\"attachment\"; filename=\"quote.txt\"\r\n"
		"Content-Type: text/plain\r\n\r\nhello\r\n"
		"------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";
	fields f;

	(void)state;
	fields_init(&f);
	assert_int_equal(fields_parse_multipart(&f, b, strlen(b), "multipart/form-data; "
						"boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(fields_get(&f, "name"), "Jane O'Neil");
	assert_string_equal(fields_get(&f, "message"), "Hi!\r\nCall me");
	assert_true(f.v[2].is_file);
	assert_int_equal(f.v[2].vlen, 5);
	fields_free(&f);
}

static void
multipart_quoted_boundary_and_lf_lines(void **state)
{
	static const char b[] = "preamble\n--b1\nContent-Disposition: form-data; name=\"x\"\n\nv\n--b1--";
	fields f;

	(void)state;
	fields_init(&f);
	assert_int_equal(fields_parse_multipart(&f, b, strlen(b), "multipart/form-data; "
						"boundary=\"b1\""), 0);
	assert_string_equal(fields_get(&f, "x"), "v");
	fields_free(&f);
}

static void
multipart_malformed_is_refused(void **state)
{
	static const char unterminated[] = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv";
	static const char noname[] = "--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--";
	fields f;

	(void)state;
	fields_init(&f);
	assert_int_equal(fields_parse_multipart(&f, unterminated, strlen(unterminated),
						"multipart/form-data; boundary=b"), -1);
	assert_int_equal(fields_parse_multipart(&f, noname, strlen(noname),
						"multipart/form-data; boundary=b"), -1);
	assert_int_equal(fields_parse_multipart(&f, noname, strlen(noname), "multipart/form-data"),
			 -1);
	fields_free(&f);
}

static void
too_many_fields_are_kept_up_to_the_cap_and_counted(void **state)
{
	char body[FIELDS_MAX * 8 + 600];
	size_t n = 0;
	fields f;

	(void)state;
	for (int i = 0; i < FIELDS_MAX + 10; i++)
		n += (size_t)snprintf(body + n, sizeof body - n, "a%d=x&", i);
	n += (size_t)snprintf(body + n, sizeof body - n, "last=");
	fields_init(&f);
	assert_int_equal(fields_parse_urlencoded(&f, body, n), 0);
	assert_int_equal(f.n, FIELDS_MAX);
	assert_int_equal(f.dropped, 11);
	assert_string_equal(f.v[0].name, "a0");
	fields_free(&f);

	/* a long name is cut, never inside a UTF-8 character, and counted */
	n = 0;
	for (int i = 0; i < FIELDS_NAME_MAX - 1; i++)
		body[n++] = 'n';
	n += (size_t)snprintf(body + n, sizeof body - n, "%%C3%%A9=v");
	fields_init(&f);
	assert_int_equal(fields_parse_urlencoded(&f, body, n), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(strlen(f.v[0].name), FIELDS_NAME_MAX - 1);
	assert_int_equal(f.names_cut, 1);
	fields_free(&f);
}

static void
form_maps_defaults_and_keeps_leftovers(void **state)
{
	static const char b[] = "your-name=Jane&your-email=jane%40x.com&your-tel=312&your-message=Leak"
				"&consent=on&website=";
	intake_lead in;
	form_result r;
	fields f;

	(void)state;
	memset(&in, 0, sizeof in);
	fields_init(&f);
	fields_parse_urlencoded(&f, b, strlen(b));
	assert_int_equal(form_to_lead(&f, NULL, 0, "website", &in, &r), 0);
	assert_false(r.honeypot);
	assert_false(r.empty);
	assert_string_equal(in.name, "Jane");
	assert_string_equal(in.email, "jane@x.com");
	assert_string_equal(in.phone, "312");
	assert_string_equal(in.message, "Leak\n\nconsent: on");
	fields_free(&f);
}

static void
form_mapping_first_last_honeypot_and_empty(void **state)
{
	static const intake_map map[] = { { "cust", "first_name" }, { "fam", "last_name" },
					  { "utm", "ignore" } };
	intake_lead in;
	form_result r;
	fields f;

	(void)state;
	memset(&in, 0, sizeof in);
	fields_init(&f);
	fields_parse_urlencoded(&f, "cust=Ann&fam=Lee&utm=x", 22);
	assert_int_equal(form_to_lead(&f, map, 3, "hp", &in, &r), 0);
	assert_string_equal(in.name, "Ann Lee");
	assert_null(in.message);
	fields_free(&f);

	fields_init(&f);
	fields_parse_urlencoded(&f, "name=Bot&hp=http%3A%2F%2Fspam", 29);
	assert_int_equal(form_to_lead(&f, NULL, 0, "hp", &in, &r), 0);
	assert_true(r.honeypot);
	fields_free(&f);

	fields_init(&f);
	fields_parse_urlencoded(&f, "name=+&email=", 13);
	assert_int_equal(form_to_lead(&f, NULL, 0, NULL, &in, &r), 0);
	assert_true(r.empty);
	fields_free(&f);
}

static void
hook_signed_timestamp_bounds_replays(void **state)
{
	static const char sig[] = "sha256=334716fa4d24bec8ba8c6231676b21828e6f6e8b95f89e87c2bfafe7f20ef56f";
	const int64_t t = 1770920772;

	(void)state;
	/* HMAC-SHA256("k", "1770920772.{}") */
	assert_int_equal(hook_verify("k", "1770920772", false, t, 300, "{}", 2, sig), HOOK_SIG_OK);
	assert_int_equal(hook_verify("k", "1770920772", true, t + 300, 300, "{}", 2, sig), HOOK_SIG_OK);
	assert_int_equal(hook_verify("k", "1770920772", false, t + 301, 300, "{}", 2, sig),
			 HOOK_SIG_STALE);
	assert_int_equal(hook_verify("k", "1770920772", false, t - 301, 300, "{}", 2, sig),
			 HOOK_SIG_STALE);
	/* another timestamp, or the body alone, is not what was signed */
	assert_int_equal(hook_verify("k", "1770920773", false, t, 300, "{}", 2, sig), HOOK_SIG_BAD);
	assert_int_equal(hook_verify("k", "1770920772", false, t, 300, "{}", 2,
				     "add853b103fbcc936a194f9eb15e29c4ff08af6e47d5d1bca4f20218e31e4fff"),
			 HOOK_SIG_BAD);
	assert_int_equal(hook_verify("k", "17709207x2", false, t, 300, "{}", 2, sig),
			 HOOK_SIG_BAD_TIMESTAMP);
	assert_int_equal(hook_verify("k", "-1", false, t, 300, "{}", 2, sig), HOOK_SIG_BAD_TIMESTAMP);
	/* without a timestamp: the body alone, unless one is required */
	assert_int_equal(hook_verify("k", NULL, false, t, 300, "{}", 2,
				     "add853b103fbcc936a194f9eb15e29c4ff08af6e47d5d1bca4f20218e31e4fff"),
			 HOOK_SIG_OK);
	assert_int_equal(hook_verify("k", NULL, true, t, 300, "{}", 2,
				     "add853b103fbcc936a194f9eb15e29c4ff08af6e47d5d1bca4f20218e31e4fff"),
			 HOOK_SIG_NO_TIMESTAMP);
	assert_string_equal(hook_sig_name(HOOK_SIG_STALE), "stale_timestamp");
}

static void
hook_json_is_flattened(void **state)
{
	static const char b[] = "{\"contact\":{\"full_name\":\"Zed\",\"email\":\"z@x.com\"},\"tags\":[\"a\",2],"
				"\"n\":null,\"ok\":true}";
	static const intake_map map[] = { { "contact.full_name", "name" },
					  { "contact.email", "email" } };
	intake_lead in;
	form_result r;
	fields f;

	(void)state;
	memset(&in, 0, sizeof in);
	fields_init(&f);
	assert_int_equal(hook_to_lead(&f, b, strlen(b), map, 2, &in, &r), 0);
	assert_string_equal(in.name, "Zed");
	assert_string_equal(in.email, "z@x.com");
	assert_string_equal(in.message, "tags: a, 2\nok: true");
	fields_free(&f);
	fields_init(&f);
	assert_int_equal(hook_to_lead(&f, "[1]", 3, NULL, 0, &in, &r), -1);
	fields_free(&f);
	assert_true(hook_signature_ok("k", "{}", 2, "sha256=add853b103fbcc936a194f9eb15e29c4ff08af6e47d5d1bca4f20218e31e4fff"));
	assert_true(hook_signature_ok("k", "{}", 2, "ADD853B103FBCC936A194F9EB15E29C4FF08AF6E47D5D1BCA4F20218E31E4FFF"));
	assert_false(hook_signature_ok("k", "{}", 2, "00"));
	assert_false(hook_signature_ok("", "{}", 2, "add853b103fbcc936a194f9eb15e29c4ff08af6e47d5d1bca4f20218e31e4fff"));
}

static void
fields_become_utf8_and_keep_what_was_replaced(void **state)
{
	static const char b[] = "your-name=Jos%E9&your-message=a%00b&ok=Zo%C3%AB&na%E9me=x";
	fields f;

	(void)state;
	fields_init(&f);
	assert_int_equal(fields_parse_urlencoded(&f, b, strlen(b)), 0);
	/* undeclared: not UTF-8 as a whole, so read as Windows-1252 */
	assert_int_equal(fields_to_utf8(&f, NULL), UTF8_GUESSED | UTF8_NUL);
	assert_string_equal(fields_get(&f, "your-name"), "Jos\xc3\xa9");
	assert_string_equal(fields_get(&f, "na\xc3\xa9me"), "x");
	/* the NUL is replaced, the rest of the value kept, the bytes shown */
	assert_string_equal(fields_get(&f, "your-message"), "a\xef\xbf\xbd" "b");
	assert_int_equal(f.v[1].vlen, 5);
	assert_string_equal(fields_get(&f, "your-message (original bytes)"), "a\\x00b");
	assert_string_equal(fields_originals(&f), "your-message (original bytes): a\\x00b");
	fields_free(&f);

	fields_init(&f);
	assert_int_equal(fields_parse_urlencoded(&f, b, strlen(b)), 0);
	/* declared UTF-8: the Latin-1 bytes are not characters */
	assert_int_equal(fields_to_utf8(&f, "utf-8"), UTF8_REPLACED | UTF8_NUL);
	assert_string_equal(fields_get(&f, "your-name"), "Jos\xef\xbf\xbd");
	assert_string_equal(fields_get(&f, "your-name (original bytes)"), "Jos\\xE9");
	assert_string_equal(fields_get(&f, "ok"), "Zo\xc3\xab");
	assert_string_equal(fields_get(&f, "na\xef\xbf\xbdme (original bytes)"), "na\\xE9me");
	fields_free(&f);
}

static void
charset_parameter_and_dropping_a_field(void **state)
{
	char cs[40];
	fields f;

	(void)state;
	fields_content_charset("application/x-www-form-urlencoded; charset=ISO-8859-1", cs, sizeof cs);
	assert_string_equal(cs, "ISO-8859-1");
	fields_content_charset("multipart/form-data; boundary=x; charset=\"utf-8\"", cs, sizeof cs);
	assert_string_equal(cs, "utf-8");
	fields_content_charset("application/x-www-form-urlencoded", cs, sizeof cs);
	assert_string_equal(cs, "");
	fields_content_charset("text/plain; charset=an-absurdly-long-label-that-does-not-fit-in-40",
			       cs, sizeof cs);
	assert_string_equal(cs, "");
	fields_init(&f);
	assert_int_equal(fields_parse_urlencoded(&f, "_charset_=UTF-8&a=1&_charset_=x", 31), 0);
	fields_drop(&f, "_charset_");
	assert_int_equal(f.n, 1);
	assert_string_equal(fields_get(&f, "a"), "1");
	fields_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(urlencoded_plus_is_space_and_2b_is_plus),
		cmocka_unit_test(urlencoded_odd_input_is_kept),
		cmocka_unit_test(multipart_browser_body),
		cmocka_unit_test(multipart_quoted_boundary_and_lf_lines),
		cmocka_unit_test(multipart_malformed_is_refused),
		cmocka_unit_test(too_many_fields_are_kept_up_to_the_cap_and_counted),
		cmocka_unit_test(form_maps_defaults_and_keeps_leftovers),
		cmocka_unit_test(form_mapping_first_last_honeypot_and_empty),
		cmocka_unit_test(hook_json_is_flattened),
		cmocka_unit_test(hook_signed_timestamp_bounds_replays),
		cmocka_unit_test(fields_become_utf8_and_keep_what_was_replaced),
		cmocka_unit_test(charset_parameter_and_dropping_a_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

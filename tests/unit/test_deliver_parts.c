/*
 * test_deliver_parts.c - the pure pieces of delivery: backoff (grows, caps,
 * jitters within bounds), signed link tokens, the form-field reader for
 * status callbacks, and the email builder (encoded headers, MIME parts,
 * quoted-printable limits, no header injection, bad addresses refused).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "deliver/deliver_form.h"
#include "deliver/deliver_internal.h"
#include "deliver/deliver_mime.h"

static void
backoff_grows_exponentially_up_to_the_cap(void **state)
{
	(void)state;
	/* rnd = 0: the fixed half; rnd = max: the whole delay. */
	assert_int_equal(deliver_backoff(1, 30, 3600, UINT32_MAX / 2 * 0), 15);
	assert_int_equal(deliver_backoff(2, 30, 3600, 0), 30);
	assert_int_equal(deliver_backoff(3, 30, 3600, 0), 60);
	assert_int_equal(deliver_backoff(8, 30, 3600, 0), 1800);
	assert_int_equal(deliver_backoff(9, 30, 3600, 0), 1800);	/* 3840 capped at 3600 */
	assert_int_equal(deliver_backoff(40, 30, 3600, 0), 1800);	/* no overflow */
	assert_int_equal(deliver_backoff(1, 1, 1, 0), 1);		/* never below 1 s */
	assert_int_equal(deliver_backoff(1, 0, 0, 12345), 1);
}

static void
backoff_jitter_stays_between_half_and_all_of_the_delay(void **state)
{
	int64_t lo = INT64_MAX, hi = 0;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		int64_t d = deliver_backoff(4, 30, 3600, randombytes_random());

		assert_true(d >= 120 && d <= 240);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	assert_true(hi - lo > 60);	/* really spread, not one value */
}

static void
tokens_round_trip_and_refuse_tampering(void **state)
{
	unsigned char key[32], other[32];
	char tok[64], bad[64];

	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	randombytes_buf(key, sizeof key);
	randombytes_buf(other, sizeof other);
	deliver_token_make(key, "unsubscribe", 42, tok, sizeof tok);
	assert_int_equal(deliver_token_check(key, "unsubscribe", tok), 42);
	assert_int_equal(deliver_token_check(key, "status", tok), -1);	/* purpose bound */
	assert_int_equal(deliver_token_check(other, "unsubscribe", tok), -1);
	snprintf(bad, sizeof bad, "43%s", strchr(tok, '.'));		/* another id */
	assert_int_equal(deliver_token_check(key, "unsubscribe", bad), -1);
	snprintf(bad, sizeof bad, "%s", tok);
	bad[strlen(bad) - 1] ^= 1;
	assert_int_equal(deliver_token_check(key, "unsubscribe", bad), -1);
	assert_int_equal(deliver_token_check(key, "unsubscribe", NULL), -1);
	assert_int_equal(deliver_token_check(key, "unsubscribe", ""), -1);
	assert_int_equal(deliver_token_check(key, "unsubscribe", ".AAAA"), -1);
	assert_int_equal(deliver_token_check(key, "unsubscribe", "-1.AAAAAAAAAAAAAAAAAAAAAA"), -1);
	assert_int_equal(deliver_token_check(key, "unsubscribe",
					     "99999999999999999999.AAAAAAAAAAAAAAAAAAAAAA"), -1);
}

static void
form_fields_are_decoded(void **state)
{
	const char *body = "SmsSid=SM1&MessageStatus=undelivered&To=%2B14155550123&Body=Hi+there%21"
			   "&ErrorCode=30003&Empty=&Flag";
	char v[64];

	(void)state;
	assert_true(deliver_form_get(body, strlen(body), "MessageStatus", v, sizeof v));
	assert_string_equal(v, "undelivered");
	assert_true(deliver_form_get(body, strlen(body), "To", v, sizeof v));
	assert_string_equal(v, "+14155550123");
	assert_true(deliver_form_get(body, strlen(body), "Body", v, sizeof v));
	assert_string_equal(v, "Hi there!");
	assert_true(deliver_form_get(body, strlen(body), "Empty", v, sizeof v));
	assert_string_equal(v, "");
	assert_true(deliver_form_get(body, strlen(body), "Flag", v, sizeof v));
	assert_false(deliver_form_get(body, strlen(body), "Missing", v, sizeof v));
	assert_false(deliver_form_get(body, strlen(body), "Sms", v, sizeof v));	/* whole names */
	assert_false(deliver_form_get(body, strlen(body), "MessageStatus", v, 5)); /* too long */
	assert_false(deliver_form_get("A=x%00y", 7, "A", v, sizeof v));	/* NUL refused */
	assert_true(deliver_form_get("A=%4", 4, "A", v, sizeof v));		/* stray % kept */
	assert_string_equal(v, "%4");
	/* Never reads past len: the second field is outside it. */
	assert_false(deliver_form_get("A=1&B=2", 3, "B", v, sizeof v));
}

static char *
build(const deliver_mail *m)
{
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(deliver_mime_build(m, &out, &len), 0);
	assert_int_equal(strlen(out), len);
	return out;
}

static deliver_mail
sample(void)
{
	return (deliver_mail){
		.from_name = "Café Ñoño Plumbing", .from_addr = "leads@acme.example",
		.to = "marcus@example.com", .reply_to = "alice@acme.example",
		.reply_to_name = "Alice Moreno", .subject = "Your request to Café Ñoño",
		.text = "Hi Marcus,\n\nThanks <for> contacting us & more.\n.leading dot",
		.message_id = "<7.abc.leadkeep@acme.example>",
		.unsubscribe_url = "https://leads.acme.example/unsubscribe?token=7.x&a=b",
		.boundary = "=_lk_7_0000", .date = 1795550520,
	};
}

static void
mail_headers_are_encoded_and_complete(void **state)
{
	deliver_mail m = sample();
	char *out = build(&m);

	(void)state;
	assert_non_null(strstr(out, "Date: Tue, 24 Nov 2026 20:02:00 +0000\r\n"));
	assert_non_null(strstr(out, "From: =?UTF-8?B?"));
	assert_non_null(strstr(out, "<leads@acme.example>\r\n"));
	assert_non_null(strstr(out, "To: <marcus@example.com>\r\n"));
	assert_non_null(strstr(out, "Reply-To: \"Alice Moreno\" <alice@acme.example>\r\n"));
	assert_non_null(strstr(out, "Subject: =?UTF-8?B?WW91ciByZXF1ZXN0IHRvIENhZsOpIMORb8Oxbw==?=\r\n"));
	assert_non_null(strstr(out, "Message-ID: <7.abc.leadkeep@acme.example>\r\n"));
	assert_non_null(strstr(out, "List-Unsubscribe: <https://leads.acme.example/unsubscribe?token=7.x&a=b>\r\n"));
	assert_non_null(strstr(out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	assert_non_null(strstr(out, "MIME-Version: 1.0\r\n"));
	assert_non_null(strstr(out, "Content-Type: multipart/alternative; boundary=\"=_lk_7_0000\"\r\n"));
	free(out);
}

static void
mail_parts_are_quoted_printable_text_and_html(void **state)
{
	deliver_mail m = sample();
	char *out = build(&m), *html;

	(void)state;
	assert_non_null(strstr(out, "--=_lk_7_0000\r\nContent-Type: text/plain; charset=UTF-8\r\n"
			       "Content-Transfer-Encoding: quoted-printable\r\n\r\nHi Marcus,\r\n"));
	assert_non_null(strstr(out, "Thanks <for> contacting us & more.\r\n=2Eleading dot"));
	/* '=' encoded, and a soft line break keeps the line within 76. */
	assert_non_null(strstr(out, "To stop these emails: https://leads.acme.example/"
			       "unsubscribe?token=3D7.x&a=\r\n=3Db"));
	html = strstr(out, "Content-Type: text/html; charset=UTF-8");
	assert_non_null(html);
	assert_non_null(strstr(html, "<p>Hi Marcus,</p>"));
	assert_non_null(strstr(html, "Thanks &lt;for&gt; contacting us &amp; more."));
	assert_non_null(strstr(out, "\r\n--=_lk_7_0000--\r\n"));
	/* Every line within the limits: 76 in QP bodies, and no bare LF or CR. */
	for (char *line = out, *end; (end = strstr(line, "\r\n")) != NULL; line = end + 2) {
		assert_true(end - line <= 998);
		assert_null(memchr(line, '\n', (size_t)(end - line)));
		assert_null(memchr(line, '\r', (size_t)(end - line)));
	}
	free(out);
}

static void
long_utf8_subjects_fold_into_short_encoded_words(void **state)
{
	deliver_mail m = sample();
	char subject[400] = "", *out, *s;

	(void)state;
	for (int i = 0; i < 40; i++)
		strcat(subject, "Zoë ");
	m.subject = subject;
	out = build(&m);
	s = strstr(out, "Subject: ");
	assert_non_null(s);
	/* Each encoded word is at most 75 characters; continuation lines fold. */
	for (char *w = strstr(s, "=?UTF-8?B?"); w && w < strstr(s, "Message-ID"); w = strstr(w + 1, "=?UTF-8?B?"))
		assert_true(strstr(w, "?=") + 2 - w <= 75);
	assert_non_null(strstr(s, "?=\r\n =?UTF-8?B?"));
	free(out);
}

static void
header_injection_is_impossible(void **state)
{
	deliver_mail m = sample();
	char *out;

	(void)state;
	m.subject = "Hello\r\nBcc: victim@example.com";
	m.from_name = "Evil\nX-Hdr: 1";
	out = build(&m);
	assert_null(strstr(out, "\r\nBcc:"));
	assert_null(strstr(out, "\r\nX-Hdr:"));
	assert_non_null(strstr(out, "Subject: Hello  Bcc: victim@example.com\r\n"));
	free(out);
}

static void
bad_addresses_are_refused(void **state)
{
	static const char *const bad[] = { "no-at-sign", "a@b@c", "x y@z.com", "a@b.com>\r\nBcc: c@d",
					   "<a@b.com>", "zoë@example.com", "@example.com", "a@" };
	deliver_mail m = sample();
	char *out;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		m.to = bad[i];
		assert_int_equal(deliver_mime_build(&m, &out, &len), -2);
		assert_null(out);
	}
	assert_true(deliver_mime_address_ok("first.last+tag@sub.example.co.uk"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff_grows_exponentially_up_to_the_cap),
		cmocka_unit_test(backoff_jitter_stays_between_half_and_all_of_the_delay),
		cmocka_unit_test(tokens_round_trip_and_refuse_tampering),
		cmocka_unit_test(form_fields_are_decoded),
		cmocka_unit_test(mail_headers_are_encoded_and_complete),
		cmocka_unit_test(mail_parts_are_quoted_printable_text_and_html),
		cmocka_unit_test(long_utf8_subjects_fold_into_short_encoded_words),
		cmocka_unit_test(header_injection_is_impossible),
		cmocka_unit_test(bad_addresses_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

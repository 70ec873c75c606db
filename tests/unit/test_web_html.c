/*
 * test_web_html.c - the HTML writer escapes every byte of data it is given,
 * in text and in attributes; URL attributes take only what the builders make
 * (tel:, sms:, mailto:, same-site paths: never javascript:); a page that
 * grows past its cap, is left unbalanced or tries to write an event handler
 * fails as a whole. Also the pieces the pages read: countdown words, form
 * bodies, amounts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web/html.h"
#include "web/web_form.h"
#include "web/web_time.h"

static const char *const payloads[] = {
	"<script>alert(1)</script>",
	"\"><img src=x onerror=alert(1)>",
	"' onmouseover='alert(1)",
	"`${alert(1)}`",
	"javascript:alert(1)",
	"</textarea><svg onload=alert(1)>",
	"&lt;already&gt; &amp; \"quoted\"",
	NULL,
};

/* The finished page as a string the test owns. */
static char *
page(html *h)
{
	size_t len;
	const char *s = html_finish(h, &len);
	char *copy;

	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	copy = strdup(s);
	html_free(h);
	return copy;
}

/* No byte of data that could end a text run or an attribute value. */
static void
assert_inert(const char *out, const char *prefix, const char *suffix)
{
	size_t p = strlen(prefix), s = strlen(suffix), n = strlen(out);
	const char *body;

	assert_true(n >= p + s);
	assert_memory_equal(out, prefix, p);
	assert_string_equal(out + n - s, suffix);
	body = out + p;
	for (size_t i = 0; i < n - p - s; i++) {
		char c = body[i];

		if (c == '<' || c == '>' || c == '"' || c == '\'' || c == '`')
			fail_msg("raw %c in the output: %s", c, out);
	}
}

static void
text_is_escaped(void **state)
{
	(void)state;
	for (size_t i = 0; payloads[i]; i++) {
		html h;
		char *out;

		html_init(&h, 0);
		html_open(&h, "p");
		html_text(&h, payloads[i]);
		html_close(&h);
		out = page(&h);
		assert_inert(out, "<p>", "</p>");
		free(out);
	}
}

static void
text_escapes_each_character(void **state)
{
	html h;
	char *out;

	(void)state;
	html_init(&h, 0);
	html_text(&h, "a&b<c>d\"e'f`g");
	out = page(&h);
	assert_string_equal(out, "a&amp;b&lt;c&gt;d&quot;e&#39;f&#96;g");
	free(out);
}

static void
attribute_values_are_escaped(void **state)
{
	(void)state;
	for (size_t i = 0; payloads[i]; i++) {
		html h;
		char *out;

		html_init(&h, 0);
		html_open(&h, "input");
		html_attr(&h, "value", payloads[i]);
		html_close(&h);
		out = page(&h);
		assert_inert(out, "<input value=\"", "\"></input>");
		free(out);
	}
}

static void
control_characters_are_dropped(void **state)
{
	html h;
	char *out;

	(void)state;
	html_init(&h, 0);
	html_text(&h, "a\x01" "b\x1b[31mc\td\ne\x7f");
	out = page(&h);
	assert_string_equal(out, "ab[31mc\td\ne");
	free(out);
}

static void
formatted_text_is_escaped_whole(void **state)
{
	html h;
	char *out;
	char big[600];

	(void)state;
	html_init(&h, 0);
	html_textf(&h, "%s has %d <tasks>", "<b>Bob</b>", 3);
	out = page(&h);
	assert_string_equal(out, "&lt;b&gt;Bob&lt;/b&gt; has 3 &lt;tasks&gt;");
	free(out);
	/* longer than the writer's stack buffer */
	memset(big, '<', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	html_init(&h, 0);
	html_textf(&h, "%s", big);
	out = page(&h);
	assert_int_equal(strlen(out), 4 * (sizeof big - 1));
	assert_null(strchr(out, '<'));
	free(out);
}

static void
elements_nest_and_close(void **state)
{
	html h;
	char *out;

	(void)state;
	html_init(&h, 0);
	html_raw(&h, "<!doctype html>");
	html_open(&h, "div");
	html_attr(&h, "class", "card");
	html_open(&h, "p");
	html_text(&h, "hi");
	html_close(&h);
	html_void(&h, "br");
	html_elem(&h, "b", "x");
	html_open(&h, "input");
	html_flag(&h, "required", true);
	html_flag(&h, "disabled", false);
	html_attr_int(&h, "maxlength", 500);
	html_attr(&h, "placeholder", NULL);
	html_close(&h);
	html_close(&h);
	out = page(&h);
	assert_string_equal(out, "<!doctype html><div class=\"card\"><p>hi</p><br><b>x</b>"
			    "<input required maxlength=\"500\"></input></div>");
	free(out);
}

/* Each of these is a bug in a page; the page fails instead of going out. */
static void
misuse_fails_the_page(void **state)
{
	static const char *const refused[] = { "href", "src", "action", "formaction", "style",
					       "onclick", "onerror", "onload", "srcdoc", NULL };
	html h;
	html_url u;

	(void)state;
	for (size_t i = 0; refused[i]; i++) {
		html_init(&h, 0);
		html_open(&h, "a");
		html_attr_(&h, refused[i], "x");
		assert_true(html_failed(&h));
		assert_null(html_finish(&h, NULL));
		html_free(&h);
	}
	html_init(&h, 0);
	html_open(&h, "a");
	html_flag_(&h, "onclick", true);
	assert_true(html_failed(&h));
	html_free(&h);

	html_init(&h, 0);
	html_open_(&h, "a onclick=x");
	assert_true(html_failed(&h));
	html_free(&h);

	html_init(&h, 0);
	html_open(&h, "p");
	html_attr_(&h, "data x", "1");
	assert_true(html_failed(&h));
	html_free(&h);

	html_init(&h, 0);
	html_open(&h, "script");
	html_text(&h, "alert(1)");
	assert_true(html_failed(&h));
	html_free(&h);

	html_init(&h, 0);
	html_close(&h);
	assert_true(html_failed(&h));
	html_free(&h);

	html_init(&h, 0);
	html_open(&h, "div");
	assert_null(html_finish(&h, NULL));
	html_free(&h);

	html_init(&h, 0);
	html_text(&h, "x");
	html_attr(&h, "title", "y");	/* not on a start tag */
	assert_true(html_failed(&h));
	html_free(&h);

	html_init(&h, 0);
	html_url_path(&u, "/app/");
	html_open(&h, "p");
	html_url_attr_(&h, "title", &u);
	assert_true(html_failed(&h));
	html_free(&h);

	html_init(&h, 0);
	for (int i = 0; i <= HTML_DEPTH; i++)
		html_open(&h, "div");
	assert_true(html_failed(&h));
	html_free(&h);
}

static void
cap_fails_the_whole_page(void **state)
{
	html h;

	(void)state;
	html_init(&h, 64);
	html_open(&h, "p");
	for (int i = 0; i < 10; i++)
		html_text(&h, "0123456789");
	assert_true(html_failed(&h));
	assert_null(h.buf);		/* freed at once */
	html_close(&h);			/* later calls are no-ops */
	html_text(&h, "more");
	assert_null(html_finish(&h, NULL));
	html_free(&h);
	/* exactly at the cap: 63 bytes and the NUL fit */
	html_init(&h, 64);
	html_text(&h, "012345678901234567890123456789012345678901234567890123456789012");
	assert_false(html_failed(&h));
	html_text(&h, "3");
	assert_true(html_failed(&h));
	html_free(&h);
}

static void
tel_and_sms_urls_keep_only_a_number(void **state)
{
	html_url u;

	(void)state;
	assert_true(html_url_tel(&u, "(312) 555-0199"));
	assert_string_equal(u.s, "tel:3125550199");
	assert_true(html_url_tel(&u, "+1 312.555.0199"));
	assert_string_equal(u.s, "tel:+13125550199");
	assert_true(html_url_sms(&u, "+13125550199"));
	assert_string_equal(u.s, "sms:+13125550199");
	assert_false(html_url_tel(&u, "javascript:alert(1)"));
	assert_false(u.ok);
	assert_string_equal(u.s, "");
	assert_false(html_url_tel(&u, "call me maybe"));
	assert_false(html_url_tel(&u, "312+555"));
	assert_false(html_url_tel(&u, "12"));
	assert_false(html_url_tel(&u, "555\"><script>"));
	assert_false(html_url_tel(&u, NULL));
}

static void
mailto_encodes_the_address(void **state)
{
	html_url u;

	(void)state;
	assert_true(html_url_mailto(&u, "marcus+deck@example.com"));
	assert_string_equal(u.s, "mailto:marcus+deck@example.com");
	assert_true(html_url_mailto(&u, "a@b.c?subject=x&body=<y>"));
	assert_string_equal(u.s, "mailto:a@b.c%3Fsubject%3Dx%26body%3D%3Cy%3E");
	assert_true(html_url_mailto(&u, "javascript:alert(1)//@x.y"));
	assert_int_equal(strncmp(u.s, "mailto:", 7), 0);
	assert_null(strchr(u.s + 7, ':'));
	assert_false(html_url_mailto(&u, "no-at-sign"));
	assert_false(html_url_mailto(&u, "a@b@c"));
	assert_false(html_url_mailto(&u, "@b.c"));
	assert_false(html_url_mailto(&u, "a b@c.d"));
	assert_false(html_url_mailto(&u, "a@b.c\n"));
}

static void
https_urls_take_only_safe_characters(void **state)
{
	html_url u;

	(void)state;
	assert_true(html_url_https(&u, "https://www.google.com/maps/search/?api=1&query=12%20Elm"));
	assert_string_equal(u.s, "https://www.google.com/maps/search/?api=1&query=12%20Elm");
	assert_false(html_url_https(&u, "http://example.com/"));
	assert_string_equal(u.s, "");
	assert_false(html_url_https(&u, "javascript:alert(1)"));
	assert_false(html_url_https(&u, "https://"));
	assert_false(html_url_https(&u, "https://x.y/\"><script>"));
	assert_false(html_url_https(&u, "https://x.y/a b"));
	assert_false(html_url_https(&u, "https://x.y/'"));
	assert_false(html_url_https(&u, NULL));
}

static void
paths_stay_on_this_site(void **state)
{
	html_url u;

	(void)state;
	assert_true(html_url_pathf(&u, "/app/leads/%lld", 42LL));
	assert_string_equal(u.s, "/app/leads/42");
	assert_true(html_url_query(&u, "q", "a&b=<c> d"));
	assert_string_equal(u.s, "/app/leads/42?q=a%26b%3D%3Cc%3E%20d");
	assert_true(html_url_query_int(&u, "n", 7));
	assert_string_equal(u.s, "/app/leads/42?q=a%26b%3D%3Cc%3E%20d&n=7");
	assert_true(html_url_fragment(&u, "task-7\"><b>"));
	assert_string_equal(u.s, "/app/leads/42?q=a%26b%3D%3Cc%3E%20d&n=7#task-7%22%3E%3Cb%3E");
	assert_false(html_url_query(&u, "k", "v"));	/* nothing after the fragment */
	assert_true(html_url_path(&u, "/app/"));
	assert_true(html_url_fragment(&u, "a"));
	assert_false(html_url_fragment(&u, "b"));	/* one fragment */
	assert_false(html_url_pathf(&u, "%s", "//evil.example/x"));
	assert_false(html_url_pathf(&u, "%s", "/\\evil.example"));
	assert_false(html_url_pathf(&u, "%s", "javascript:alert(1)"));
	assert_false(html_url_pathf(&u, "/app/%s", "x\"onclick"));
	assert_false(html_url_pathf(&u, "/app/%s", "a?b"));
	assert_false(html_url_query(&u, "k", "v"));	/* a refused URL stays refused */
}

static void
url_attributes_take_only_built_urls(void **state)
{
	html h;
	html_url ok, bad;
	char *out;

	(void)state;
	html_url_pathf(&ok, "/app/leads/%d?x", 1);	/* refused: '?' in a path */
	assert_false(ok.ok);
	html_url_path(&ok, "/app/");
	html_url_query(&ok, "who", "all");
	html_url_tel(&bad, "javascript:alert(1)");
	html_init(&h, 0);
	html_open(&h, "a");
	html_url_attr(&h, "href", &ok);
	html_close(&h);
	html_open(&h, "a");
	html_url_attr(&h, "href", &bad);	/* no attribute at all */
	html_close(&h);
	out = page(&h);
	assert_string_equal(out, "<a href=\"/app/?who=all\"></a><a></a>");
	free(out);
}

static void
countdown_words(void **state)
{
	char b[48];
	int64_t now = 1800000000;

	(void)state;
	assert_int_equal(web_countdown(now, now + 4 * 60, b, sizeof b), WEB_DUE_SOON);
	assert_string_equal(b, "in 4 min");
	assert_int_equal(web_countdown(now, now - 18 * 60, b, sizeof b), WEB_DUE_LATE);
	assert_string_equal(b, "18 min late");
	assert_int_equal(web_countdown(now, now + 2 * 3600 + 5 * 60, b, sizeof b), WEB_DUE_LATER);
	assert_string_equal(b, "in 2 h 5 min");
	web_countdown(now, now + 3 * 3600, b, sizeof b);
	assert_string_equal(b, "in 3 h");
	web_countdown(now, now - 26 * 3600, b, sizeof b);
	assert_string_equal(b, "26 h late");
	web_countdown(now, now + 3 * 86400 + 7200, b, sizeof b);
	assert_string_equal(b, "in 3 d");
	assert_int_equal(web_countdown(now, now + 30, b, sizeof b), WEB_DUE_SOON);
	assert_string_equal(b, "due now");
	assert_int_equal(web_countdown(now, now - 30, b, sizeof b), WEB_DUE_LATE);
	assert_int_equal(web_countdown(now, now + 15 * 60, b, sizeof b), WEB_DUE_SOON);
	assert_int_equal(web_countdown(now, now + 16 * 60, b, sizeof b), WEB_DUE_LATER);
	assert_string_equal(web_due_class(WEB_DUE_LATE), "late");
}

static void
form_bodies(void **state)
{
	web_form f;
	char many[1024] = "";

	(void)state;
	assert_int_equal(web_form_parse(&f, "a=1&&b=%3Cx%3E+y&c&d=+%20+&a=2", 30), 0);
	assert_string_equal(web_form_get(&f, "a"), "1");
	assert_string_equal(web_form_get(&f, "b"), "<x> y");
	assert_null(web_form_get(&f, "c"));	/* present but empty */
	assert_null(web_form_get(&f, "d"));	/* blank */
	assert_null(web_form_get(&f, "e"));
	web_form_free(&f);
	assert_int_equal(web_form_parse(&f, "a=x%00y", 7), -1);
	web_form_free(&f);
	assert_int_equal(web_form_parse(&f, "a%00=1", 6), -1);
	web_form_free(&f);
	for (int i = 0; i <= WEB_FORM_MAX_FIELDS; i++)
		strcat(many, "k=v&");
	assert_int_equal(web_form_parse(&f, many, strlen(many)), -1);
	web_form_free(&f);
	assert_int_equal(web_form_parse(&f, "", 0), 0);
	assert_int_equal(f.n, 0);
	web_form_free(&f);
	/* only len bytes are read */
	assert_int_equal(web_form_parse(&f, "a=12345", 4), 0);
	assert_string_equal(web_form_get(&f, "a"), "12");
	web_form_free(&f);
}

static void
amounts(void **state)
{
	(void)state;
	assert_int_equal(web_parse_amount("1250"), 125000);
	assert_int_equal(web_parse_amount("1,250.50"), 125050);
	assert_int_equal(web_parse_amount("$1250.5"), 125050);
	assert_int_equal(web_parse_amount(" 0.99 "), 99);
	assert_int_equal(web_parse_amount(".5"), 50);
	assert_int_equal(web_parse_amount("1000000000"), 100000000000LL);
	assert_int_equal(web_parse_amount("1000000001"), -1);
	assert_int_equal(web_parse_amount("99999999999999999999"), -1);
	assert_int_equal(web_parse_amount("1.234"), -1);
	assert_int_equal(web_parse_amount("-5"), -1);
	assert_int_equal(web_parse_amount("abc"), -1);
	assert_int_equal(web_parse_amount(""), -1);
	assert_int_equal(web_parse_amount("$"), -1);
	assert_int_equal(web_parse_amount(",5"), -1);
	assert_int_equal(web_parse_amount(NULL), -1);
}

static void
money_and_spans_read_like_a_person_writes_them(void **state)
{
	char b[64];

	(void)state;
	web_money(125050, b, sizeof b);
	assert_string_equal(b, "$1,250.50");
	web_money(99, b, sizeof b);
	assert_string_equal(b, "$0.99");
	web_money(100000000000LL, b, sizeof b);
	assert_string_equal(b, "$1,000,000,000.00");
	web_money(-300, b, sizeof b);
	assert_string_equal(b, "-$3.00");
	web_span(0, b, sizeof b);
	assert_string_equal(b, "0 min");
	web_span(-5, b, sizeof b);
	assert_string_equal(b, "0 min");
	web_span(18 * 3600, b, sizeof b);
	assert_string_equal(b, "18 h");
	web_span(3 * 86400 + 5, b, sizeof b);
	assert_string_equal(b, "3 d");
}

static void
dates_and_times_from_forms(void **state)
{
	int y, m, d, h, mi;

	(void)state;
	assert_int_equal(web_parse_date("2026-11-27", &y, &m, &d), 0);
	assert_int_equal(y * 10000 + m * 100 + d, 20261127);
	assert_int_equal(web_parse_date("2028-02-29", &y, &m, &d), 0);
	assert_int_equal(web_parse_date("2026-02-29", &y, &m, &d), -1);
	assert_int_equal(web_parse_date("2026-13-01", &y, &m, &d), -1);
	assert_int_equal(web_parse_date("2026-11-31", &y, &m, &d), -1);
	assert_int_equal(web_parse_date("26-11-27", &y, &m, &d), -1);
	assert_int_equal(web_parse_date("2026-11-27x", &y, &m, &d), -1);
	assert_int_equal(web_parse_date("1999-01-01", &y, &m, &d), -1);
	assert_int_equal(web_parse_date(NULL, &y, &m, &d), -1);
	assert_int_equal(web_parse_clock("09:30", &h, &mi), 0);
	assert_int_equal(h * 100 + mi, 930);
	assert_int_equal(web_parse_clock("23:59:59", &h, &mi), 0);
	assert_int_equal(web_parse_clock("24:00", &h, &mi), -1);
	assert_int_equal(web_parse_clock("9:30", &h, &mi), -1);
	assert_int_equal(web_parse_clock("09:60", &h, &mi), -1);
	assert_int_equal(web_parse_clock("", &h, &mi), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_is_escaped),
		cmocka_unit_test(text_escapes_each_character),
		cmocka_unit_test(attribute_values_are_escaped),
		cmocka_unit_test(control_characters_are_dropped),
		cmocka_unit_test(formatted_text_is_escaped_whole),
		cmocka_unit_test(elements_nest_and_close),
		cmocka_unit_test(misuse_fails_the_page),
		cmocka_unit_test(cap_fails_the_whole_page),
		cmocka_unit_test(tel_and_sms_urls_keep_only_a_number),
		cmocka_unit_test(mailto_encodes_the_address),
		cmocka_unit_test(https_urls_take_only_safe_characters),
		cmocka_unit_test(paths_stay_on_this_site),
		cmocka_unit_test(url_attributes_take_only_built_urls),
		cmocka_unit_test(countdown_words),
		cmocka_unit_test(form_bodies),
		cmocka_unit_test(amounts),
		cmocka_unit_test(money_and_spans_read_like_a_person_writes_them),
		cmocka_unit_test(dates_and_times_from_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

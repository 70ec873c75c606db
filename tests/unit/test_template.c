/*
 * test_template.c - template rendering, checking and SMS segment counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/lead.h"
#include "core/template.h"

/* Fields for the lookup: NULL-terminated name/value pairs. */
static const char *const sample_fields[] = {
	"first_name", "Marcus",
	"last_name", "Johnson",
	"service", "deck repair",
	"owner", "Dana",
	"empty", "",
	"braces", "{{evil}}",
	"custom.zip", "60601",
	NULL,
};

static const char *
lookup(void *ctx, const char *field)
{
	const char *const *kv = ctx != NULL ? ctx : sample_fields;

	for (; kv[0] != NULL; kv += 2)
		if (strcmp(kv[0], field) == 0)
			return kv[1];
	return NULL;
}

#define assert_render(tpl, want)                                                 \
	do {                                                                     \
		char *got_ = template_render(tpl, lookup, NULL);                 \
		assert_non_null(got_);                                           \
		assert_string_equal(got_, want);                                 \
		free(got_);                                                      \
	} while (0)

static void
render_plain_text_is_copied(void **state)
{
	(void)state;
	assert_render("", "");
	assert_render("Thanks for reaching out!", "Thanks for reaching out!");
	assert_render("a { b } c }} d", "a { b } c }} d");
}

static void
render_fields_are_substituted(void **state)
{
	(void)state;
	assert_render("Hi {{first_name}}, about your {{service}}.",
		      "Hi Marcus, about your deck repair.");
	assert_render("{{first_name}}{{last_name}}", "MarcusJohnson");
}

static void
render_whitespace_inside_braces_is_allowed(void **state)
{
	(void)state;
	assert_render("Hi {{ first_name }}!", "Hi Marcus!");
	assert_render("Hi {{\tfirst_name\t}}!", "Hi Marcus!");
	assert_render("{{# service }}{{ service }}{{/ service }}", "deck repair");
}

static void
render_missing_field_renders_nothing(void **state)
{
	(void)state;
	assert_render("Hi {{nickname}}!", "Hi !");
}

static void
render_empty_value_counts_as_missing(void **state)
{
	(void)state;
	assert_render("[{{empty|none}}]", "[none]");
	assert_render("{{#empty}}shown{{/empty}}{{^empty}}hidden{{/empty}}", "hidden");
}

static void
render_fallback_is_used_when_missing(void **state)
{
	(void)state;
	assert_render("Hi {{nickname|there}}!", "Hi there!");
	assert_render("Hi {{ nickname | there }}!", "Hi there!");
	assert_render("Hi {{first_name|there}}!", "Hi Marcus!");
	assert_render("{{nickname|friend, neighbour}}", "friend, neighbour");
}

static void
render_empty_fallback_renders_nothing(void **state)
{
	(void)state;
	assert_render("about {{nickname|}}your quote", "about your quote");
}

static void
render_section_shows_only_when_field_has_value(void **state)
{
	(void)state;
	assert_render("Hi{{#first_name}} {{first_name}}{{/first_name}}!", "Hi Marcus!");
	assert_render("Hi{{#nickname}} {{nickname}}{{/nickname}}!", "Hi!");
}

static void
render_inverted_section_shows_only_when_field_is_missing(void **state)
{
	(void)state;
	assert_render("{{^nickname}}no nickname{{/nickname}}", "no nickname");
	assert_render("{{^first_name}}no name{{/first_name}}", "");
}

static void
render_nested_sections(void **state)
{
	(void)state;
	assert_render("{{#first_name}}A{{#service}}B{{^owner}}C{{/owner}}D{{/service}}E{{/first_name}}",
		      "ABDE");
	assert_render("{{#first_name}}A{{#nickname}}B{{/nickname}}C{{/first_name}}", "AC");
	assert_render("{{#nickname}}A{{#first_name}}B{{/first_name}}C{{/nickname}}D", "D");
	assert_render("{{#service}}x{{#service}}y{{/service}}z{{/service}}", "xyz");
}

static void
render_unterminated_tag_drops_the_braces(void **state)
{
	(void)state;
	assert_render("Hi {{first_name", "Hi first_name");
	assert_render("Hi {{ {{first_name}}", "Hi  Marcus");
	assert_render("{{", "");
}

static void
render_malformed_tag_prints_its_inside(void **state)
{
	(void)state;
	assert_render("Hi {{First Name}}!", "Hi First Name!");
	assert_render("{{}}", "");
	assert_render("{{#a|b}}", "#a|b");
}

static void
render_unmatched_section_tags_print_nothing(void **state)
{
	(void)state;
	assert_render("A{{#service}}B", "AB");
	assert_render("A{{/service}}B", "AB");
	assert_render("{{#first_name}}A{{#nickname}}B{{/first_name}}C", "ABC");
	assert_render("{{#nickname}}A{{^service}}B{{/nickname}}C", "C");
}

static void
render_triple_braces_keep_one_literal_brace(void **state)
{
	(void)state;
	assert_render("{{{first_name}}}", "{Marcus}");
}

static void
render_never_emits_double_open_brace(void **state)
{
	char *got;

	(void)state;
	assert_render("{{braces}}", "{evil}}");
	assert_render("{{nickname|{x}}", "{x");
	got = template_render("{{{{{{first_name}}", lookup, NULL);
	assert_non_null(got);
	assert_null(strstr(got, "{{"));
	free(got);
}

static void
render_null_lookup_and_template(void **state)
{
	char *got;

	(void)state;
	got = template_render("Hi {{first_name|there}}", NULL, NULL);
	assert_string_equal(got, "Hi there");
	free(got);
	got = template_render(NULL, lookup, NULL);
	assert_string_equal(got, "");
	free(got);
}

static void
render_output_is_capped_at_64k_on_a_utf8_boundary(void **state)
{
	/* 30000 "é" (2 bytes) + "x" + 20000 "é": the cap falls inside an "é" */
	size_t n = 30000 * 2 + 1 + 20000 * 2;
	char *big = malloc(n + 1), *got;
	const char *kv[] = { "big", big, NULL };

	(void)state;
	assert_non_null(big);
	memset(big, 0, n + 1);
	for (size_t i = 0; i < 30000; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[60000] = 'x';
	for (size_t i = 0; i < 20000; i++)
		memcpy(big + 60001 + 2 * i, "\xc3\xa9", 2);
	got = template_render("{{big}}{{big}}", lookup, (void *)kv);
	assert_non_null(got);
	/* 65536 would cut the "é" at bytes 65535..65536 in half */
	assert_int_equal(strlen(got), 65535);
	assert_int_equal((unsigned char)got[65534], 0xa9);
	free(got);
	free(big);
}

static void
render_exactly_64k_is_not_truncated(void **state)
{
	char *big = malloc(65537), *got;
	const char *kv[] = { "big", big, NULL };

	(void)state;
	assert_non_null(big);
	memset(big, 'a', 65536);
	big[65536] = '\0';
	got = template_render("{{big}}", lookup, (void *)kv);
	assert_int_equal(strlen(got), 65536);
	free(got);
	got = template_render("{{big}}b", lookup, (void *)kv);
	assert_int_equal(strlen(got), 65536);
	assert_int_equal(got[65535], 'a');
	free(got);
	free(big);
}

/* Problems collected by template_check. */
typedef struct {
	int n;
	size_t off[8];
	char msg[8][256];
} problems;

static void
collect(void *ctx, size_t offset, const char *message)
{
	problems *p = ctx;

	if (p->n < 8) {
		p->off[p->n] = offset;
		strncpy(p->msg[p->n], message, sizeof(p->msg[0]) - 1);
	}
	p->n++;
}

static const char *const known[] = { "first_name", "service", "owner", NULL };

static void
check_clean_template_has_no_problems(void **state)
{
	problems p = { 0 };

	(void)state;
	assert_int_equal(template_check("Hi {{first_name|there}}{{#service}} about "
					"{{service}}{{/service}}{{^owner}}!{{/owner}}",
					known, collect, &p), 0);
	assert_int_equal(p.n, 0);
}

static void
check_reports_unknown_field_with_offset(void **state)
{
	problems p = { 0 };

	(void)state;
	assert_int_equal(template_check("Hi {{frist_name}}, {{#srvice}}x{{/srvice}}", known,
					collect, &p), 2);
	assert_int_equal(p.off[0], 3);
	assert_non_null(strstr(p.msg[0], "unknown field"));
	assert_non_null(strstr(p.msg[0], "frist_name"));
	assert_int_equal(p.off[1], 19);
	assert_non_null(strstr(p.msg[1], "srvice"));
}

static void
custom_fields_are_dotted_names_admitted_by_a_prefix(void **state)
{
	static const char *const with_custom[] = { "first_name", "custom.*", NULL };
	problems p = { 0 };

	(void)state;
	assert_render("{{custom.zip|none}} {{#custom.zip}}in {{custom.zip}}{{/custom.zip}}"
		      "{{custom.budget|?}}", "60601 in 60601?");
	assert_int_equal(template_check("{{custom.zip}}{{#custom.a.b}}x{{/custom.a.b}}",
					with_custom, collect, &p), 0);
	/* the prefix needs a name after it, and only admits its own prefix */
	assert_int_equal(template_check("{{custom.}}{{customer}}{{custom}}", with_custom, collect,
					&p), 3);
}

static void
check_null_known_skips_field_names(void **state)
{
	(void)state;
	assert_int_equal(template_check("{{anything}}", NULL, NULL, NULL), 0);
}

static void
check_reports_unterminated_tag(void **state)
{
	problems p = { 0 };

	(void)state;
	assert_int_equal(template_check("Hi {{first_name", known, collect, &p), 1);
	assert_int_equal(p.off[0], 3);
	assert_non_null(strstr(p.msg[0], "unterminated"));
}

static void
check_reports_unclosed_section(void **state)
{
	problems p = { 0 };

	(void)state;
	assert_int_equal(template_check("ab{{#service}}x", known, collect, &p), 1);
	assert_int_equal(p.off[0], 2);
	assert_non_null(strstr(p.msg[0], "never closed"));
}

static void
check_reports_stray_close(void **state)
{
	problems p = { 0 };

	(void)state;
	assert_int_equal(template_check("x{{/service}}", known, collect, &p), 1);
	assert_int_equal(p.off[0], 1);
	assert_non_null(strstr(p.msg[0], "closes no open section"));
}

static void
check_reports_crossed_sections(void **state)
{
	problems p = { 0 };

	(void)state;
	/* {{/service}} closes service, leaving owner open; the last close is stray. */
	assert_int_equal(template_check("{{#service}}{{#owner}}{{/service}}{{/owner}}", known,
					collect, &p), 2);
	assert_int_equal(p.off[0], 12);
	assert_non_null(strstr(p.msg[0], "owner"));
	assert_int_equal(p.off[1], 34);
}

static void
check_reports_malformed_tag(void **state)
{
	problems p = { 0 };

	(void)state;
	assert_int_equal(template_check("Hi {{First_Name}}", known, collect, &p), 1);
	assert_int_equal(p.off[0], 3);
	assert_non_null(strstr(p.msg[0], "malformed"));
}

static void
check_without_callback_still_counts(void **state)
{
	(void)state;
	assert_int_equal(template_check("{{x}}{{#y}}{{", known, NULL, NULL), 4);
}

static void
check_deep_nesting_is_reported(void **state)
{
	char tpl[70 * 20 + 1] = "";
	problems p = { 0 };

	(void)state;
	for (int i = 0; i < 65; i++)
		strcat(tpl, "{{#service}}");
	assert_true(template_check(tpl, known, collect, &p) >= 1);
	assert_non_null(strstr(p.msg[0], "never closed"));
}

static void
sms_empty_is_zero_segments(void **state)
{
	bool ucs2 = true;

	(void)state;
	assert_int_equal(template_sms_segments("", &ucs2), 0);
	assert_false(ucs2);
	assert_int_equal(template_sms_segments(NULL, NULL), 0);
}

static char *
repeat(const char *unit, size_t n)
{
	size_t ul = strlen(unit);
	char *s = malloc(ul * n + 1);

	for (size_t i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	s[ul * n] = '\0';
	return s;
}

static void
check_segments(const char *unit, size_t n, size_t want, bool want_ucs2)
{
	char *s = repeat(unit, n);
	bool ucs2 = !want_ucs2;

	assert_int_equal(template_sms_segments(s, &ucs2), want);
	assert_int_equal(ucs2, want_ucs2);
	free(s);
}

static void
sms_gsm_single_and_multipart(void **state)
{
	(void)state;
	check_segments("a", 1, 1, false);
	check_segments("a", 160, 1, false);
	check_segments("a", 161, 2, false);
	check_segments("a", 306, 2, false);
	check_segments("a", 307, 3, false);
}

static void
sms_gsm_accented_letters_stay_gsm(void **state)
{
	(void)state;
	check_segments("\xc3\xa9", 160, 1, false);	/* é */
	check_segments("\xc3\xb1", 161, 2, false);	/* ñ */
	check_segments("\xce\x94", 10, 1, false);	/* Greek capital delta */
	check_segments("@$_\n\r", 1, 1, false);
}

static void
sms_gsm_extension_chars_count_two(void **state)
{
	(void)state;
	check_segments("\xe2\x82\xac", 80, 1, false);	/* € */
	check_segments("\xe2\x82\xac", 81, 2, false);
	check_segments("{}[]~|^\\", 10, 1, false);	/* 160 septets */
	check_segments("{}[]~|^\\", 11, 2, false);
}

static void
sms_extension_char_is_not_split_across_parts(void **state)
{
	char *s = repeat("a", 152);
	char *t;
	bool ucs2;

	(void)state;
	/* 152 + 2 + 7 = 161 septets: the € cannot straddle part one's end. */
	t = malloc(152 + 3 + 7 + 1);
	strcpy(t, s);
	strcat(t, "\xe2\x82\xac" "bbbbbbb");
	assert_int_equal(template_sms_segments(t, &ucs2), 2);
	free(t);
	/* 152 a + € pushed to part two, then 152 more: 152 | 2+151 | 1 */
	t = malloc(152 + 3 + 152 + 1);
	strcpy(t, s);
	strcat(t, "\xe2\x82\xac");
	strcat(t, s);
	assert_int_equal(template_sms_segments(t, &ucs2), 3);
	assert_false(ucs2);
	free(t);
	free(s);
}

static void
sms_non_gsm_chars_switch_to_ucs2(void **state)
{
	(void)state;
	check_segments("\xc5\x82", 70, 1, true);	/* ł */
	check_segments("\xc5\x82", 71, 2, true);
	check_segments("\xd0\x96", 134, 2, true);	/* Cyrillic Zhe */
	check_segments("\xd0\x96", 135, 3, true);
	check_segments("`", 1, 1, true);
	check_segments("\t", 1, 1, true);
}

static void
sms_one_non_gsm_char_makes_the_whole_message_ucs2(void **state)
{
	char *s = repeat("a", 100);
	bool ucs2;

	(void)state;
	assert_int_equal(template_sms_segments(s, &ucs2), 1);
	s = realloc(s, 100 + 3);
	strcat(s, "\xc5\x82");
	assert_int_equal(template_sms_segments(s, &ucs2), 2);
	assert_true(ucs2);
	free(s);
}

static void
sms_emoji_counts_two_code_units(void **state)
{
	(void)state;
	check_segments("\xf0\x9f\x98\x80", 35, 1, true);	/* U+1F600, 70 units */
	check_segments("\xf0\x9f\x98\x80", 36, 2, true);
	/* 33 pairs = 66 units per part: a pair is never split */
	check_segments("\xf0\x9f\x98\x80", 66, 2, true);
	check_segments("\xf0\x9f\x98\x80", 67, 3, true);
}

static void
sms_invalid_utf8_is_counted_as_ucs2(void **state)
{
	bool ucs2 = false;

	(void)state;
	assert_int_equal(template_sms_segments("abc\xff", &ucs2), 1);
	assert_true(ucs2);
	assert_int_equal(template_sms_segments("\xc3", &ucs2), 1);	/* truncated */
	assert_true(ucs2);
	assert_int_equal(template_sms_segments("\xc0\xaf", &ucs2), 1);	/* overlong */
	assert_true(ucs2);
	assert_int_equal(template_sms_segments("\xed\xa0\x80", &ucs2), 1);	/* surrogate */
	assert_true(ucs2);
}

static void
count_bare(void *ctx, size_t off, const char *field)
{
	char *seen = ctx;

	(void)off;
	strcat(seen, field);
	strcat(seen, " ");
}

static void
unguarded_fields_are_the_bare_ones(void **state)
{
	char seen[256] = "";

	(void)state;
	assert_int_equal(template_unguarded("Hi {{first_name}}, {{service|your job}}{{#name}} "
					    "{{name}}{{/name}}{{^phone}}{{phone}}{{/phone}} "
					    "{{#a}}{{#b}}{{a}}{{/b}}{{/a}}", count_bare, seen), 2);
	assert_string_equal(seen, "first_name phone ");
}

static void
assert_greeting(const char *name, const char *want)
{
	char buf[64];

	assert_string_equal(lead_first_name(name, buf, sizeof buf), want);
}

static void
first_names_greet_well(void **state)
{
	char buf[64];

	(void)state;
	assert_greeting("Marcus Johnson", "Marcus");
	assert_greeting("  marcus  ", "Marcus");
	assert_greeting("MARCUS JOHNSON", "Marcus");
	assert_greeting("DeShawn McKay", "DeShawn");
	assert_greeting("Dr. Smith", "Dr. Smith");
	assert_greeting("dr jane doe", "Dr Doe");
	assert_greeting("Mrs. Anna Lee", "Mrs. Lee");
	assert_greeting("Dr.", "");
	assert_greeting(".", "");
	assert_greeting("-", "");
	assert_greeting("n/a", "");
	assert_greeting("J. Smith", "");
	assert_greeting("+1 312 555 0199", "");
	assert_greeting(NULL, "");
	assert_false(lead_name_usable("."));
	assert_false(lead_name_usable("  Unknown "));
	assert_true(lead_name_usable("Zoë"));
	assert_string_equal(lead_last_name("Dr. Jane Smith", buf, sizeof buf), "Smith");
	assert_string_equal(lead_last_name("Marcus", buf, sizeof buf), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(render_plain_text_is_copied),
		cmocka_unit_test(render_fields_are_substituted),
		cmocka_unit_test(render_whitespace_inside_braces_is_allowed),
		cmocka_unit_test(render_missing_field_renders_nothing),
		cmocka_unit_test(render_empty_value_counts_as_missing),
		cmocka_unit_test(render_fallback_is_used_when_missing),
		cmocka_unit_test(render_empty_fallback_renders_nothing),
		cmocka_unit_test(render_section_shows_only_when_field_has_value),
		cmocka_unit_test(render_inverted_section_shows_only_when_field_is_missing),
		cmocka_unit_test(render_nested_sections),
		cmocka_unit_test(render_unterminated_tag_drops_the_braces),
		cmocka_unit_test(render_malformed_tag_prints_its_inside),
		cmocka_unit_test(render_unmatched_section_tags_print_nothing),
		cmocka_unit_test(render_triple_braces_keep_one_literal_brace),
		cmocka_unit_test(render_never_emits_double_open_brace),
		cmocka_unit_test(render_null_lookup_and_template),
		cmocka_unit_test(render_output_is_capped_at_64k_on_a_utf8_boundary),
		cmocka_unit_test(render_exactly_64k_is_not_truncated),
		cmocka_unit_test(check_clean_template_has_no_problems),
		cmocka_unit_test(check_reports_unknown_field_with_offset),
		cmocka_unit_test(custom_fields_are_dotted_names_admitted_by_a_prefix),
		cmocka_unit_test(check_null_known_skips_field_names),
		cmocka_unit_test(check_reports_unterminated_tag),
		cmocka_unit_test(check_reports_unclosed_section),
		cmocka_unit_test(check_reports_stray_close),
		cmocka_unit_test(check_reports_crossed_sections),
		cmocka_unit_test(check_reports_malformed_tag),
		cmocka_unit_test(check_without_callback_still_counts),
		cmocka_unit_test(check_deep_nesting_is_reported),
		cmocka_unit_test(sms_empty_is_zero_segments),
		cmocka_unit_test(sms_gsm_single_and_multipart),
		cmocka_unit_test(sms_gsm_accented_letters_stay_gsm),
		cmocka_unit_test(sms_gsm_extension_chars_count_two),
		cmocka_unit_test(sms_extension_char_is_not_split_across_parts),
		cmocka_unit_test(sms_non_gsm_chars_switch_to_ucs2),
		cmocka_unit_test(sms_one_non_gsm_char_makes_the_whole_message_ucs2),
		cmocka_unit_test(sms_emoji_counts_two_code_units),
		cmocka_unit_test(sms_invalid_utf8_is_counted_as_ucs2),
		cmocka_unit_test(unguarded_fields_are_the_bare_ones),
		cmocka_unit_test(first_names_greet_well),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

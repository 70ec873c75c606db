/*
 * test_rules_diags.c - how the rules loader reports problems: each kind with
 * its exact FILE:LINE:COL and message, all of them (capped, and saying so),
 * from a string or a file, and hostile input (aliases, NUL bytes) refused.
 * Helpers: rules_test.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rules/rules_load.h"
#include "rules_test.h"

static void
unknown_key_names_the_expected_keys(void **state)
{
	(void)state;
	expect_error(BASE "sequnces: {}\n", 1, 4, 1,
		     "unknown key \"sequnces\" in rules (expected one of: business, people, "
		     "routing, stages, lost_reasons, sequences, escalation, cold, limits, "
		     "templates, unanswered_reply, appointments, ...)");
	expect_error(BASE "limits: { max_automated_touches: 4, pre: 10d }\n", 1, 4, 37,
		     "unknown key \"pre\" in limits (expected one of: "
		     "max_automated_touches, per, max_echo_chars, promise_grace)");
}

static void
wrong_types_say_what_was_expected(void **state)
{
	(void)state;
	expect_error(BASE "templates: [ack]\n", 1, 4, 12,
		     "expected a mapping for \"templates\", found a list");
	expect_error(BASE "lost_reasons: { a: b }\n", 1, 4, 15,
		     "expected a list for \"lost_reasons\", found a mapping");
	expect_error(BASE "cold: { status: lost, reason: [x] }\n", 1, 4, 31,
		     "expected a string for \"reason\", found a list");
	expect_error(BASE "stages: [ { name: new, closed: yes } ]\n", 1, 4, 32,
		     "\"closed\" must be true or false");
	expect_error(BASE "limits: { max_automated_touches: four }\n", 1, 4, 34,
		     "\"max_automated_touches\" must be a whole number from 0 to 1000");
}

static void
unknown_template_field_points_at_the_field(void **state)
{
	(void)state;
	/* plain, single-quoted, double-quoted with escapes, and non-ASCII before it */
	expect_error(BASE "templates:\n  ack: Hi {{frist_name}}\n", 1, 5, 13,
		     "template \"ack\" uses unknown field \"frist_name\"");
	expect_error(BASE "templates:\n  ack: 'It''s {{ #frist_name }}x{{/frist_name}}'\n",
		     1, 5, 19, "template \"ack\" uses unknown field \"frist_name\"");
	expect_error(BASE "templates:\n  ack: \"a\\n\\u00e9 {{frist_name}}\"\n", 1, 5, 21,
		     "template \"ack\" uses unknown field \"frist_name\"");
	expect_error(BASE "templates:\n  ack: \"Café – {{frist_name}}\"\n", 1, 5, 18,
		     "template \"ack\" uses unknown field \"frist_name\"");
	/* over several lines: the scalar's start */
	expect_error(BASE "templates:\n  ack: \"Hi\n    {{frist_name}}\"\n", 1, 5, 8,
		     "template \"ack\" uses unknown field \"frist_name\"");
	/* a task title is a template too */
	expect_error(BASE "sequences:\n  s: [ { at: 0m, task: call, title: \"Call {{nmae}}\" } ]\n",
		     1, 5, 45, "task title uses unknown field \"nmae\"");
	expect_error(BASE "templates: { t: \"{{#service}}x\" }\n", 1, 4, 18,
		     "template \"t\": section \"service\" is never closed with {{/service}}");
}

static void
missing_template_is_reported_at_the_reference(void **state)
{
	(void)state;
	expect_error(BASE "sequences:\n  s: [ { at: 0m, send: sms, template: ackk } ]\n"
		     "templates: { ack: Hi }\n", 1, 5, 39,
		     "template \"ackk\" does not exist (known: ack)");
	expect_error(BASE "sequences:\n  s: [ { at: 0m, send: sms } ]\n", 1, 5, 8,
		     "missing required key \"template\" in step");
}

static void
syntax_errors_use_libyaml_positions(void **state)
{
	(void)state;
	expect_error(BASE "templates: { a: \"x\", b\n", 1, 5, 1,
		     "YAML syntax error: did not find expected ',' or '}' (while parsing a "
		     "flow mapping at line 4 column 12)");
	expect_error("", 1, 1, 1, "the rules file is empty");
	expect_error(BASE "---\nx: 1\n", 1, 5, 1,
		     "a rules file holds one YAML document; a second one starts here");
}

static void
all_problems_are_reported_not_just_the_first(void **state)
{
	rules_diags d;
	rules *r = load(BASE "limits: { per: soon }\ncold: { status: warm }\nescalation: 1\n", &d);

	(void)state;
	assert_null(r);
	assert_int_equal(d.nerrors, 3);
	/* in file order, whatever order the sections are read in */
	assert_int_equal(d.items[0].line, 4);
	assert_int_equal(d.items[1].line, 5);
	assert_int_equal(d.items[2].line, 6);
	rules_diags_free(&d);
}

static void
diagnostics_print_as_file_line_col(void **state)
{
	rules_diags d;
	char buf[512] = { 0 };
	FILE *f = fmemopen(buf, sizeof buf - 1, "w");
	rules *r = load(BASE "limits: { per: soon }\nrouting2: 1\n", &d);

	(void)state;
	assert_null(r);
	rules_diags_print(&d, f);
	fclose(f);
	assert_string_equal(buf,
			    "t.yaml:4:16: error: \"per\" must be a duration like 5m, 2h, 3d\n"
			    "t.yaml:5:1: error: unknown key \"routing2\" in rules (expected one of: "
			    "business, people, routing, stages, lost_reasons, sequences, escalation, "
			    "cold, limits, templates, unanswered_reply, appointments, ...)\n");
	rules_diags_free(&d);
}

static void
load_file_uses_the_path_and_caps_the_size(void **state)
{
	char path[] = "/tmp/test_rules_XXXXXX";
	int fd = mkstemp(path);
	rules_diags d;
	rules *r;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(BASE "limits: { per: soon }\n", f);
	fclose(f);
	r = rules_load_file(path, &d);
	assert_null(r);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, path);
	assert_int_equal(d.items[0].line, 4);
	rules_diags_free(&d);

	f = fopen(path, "w");
	for (int i = 0; i < 1024 * 1024 / 16 + 1; i++)
		fputs("# padding......\n", f);
	fclose(f);
	r = rules_load_file(path, &d);
	assert_null(r);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].message, "the rules file is larger than 1 MiB");
	rules_diags_free(&d);
	unlink(path);

	r = rules_load_file("/nonexistent/rules.yaml", &d);
	assert_null(r);
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(d.items[0].line, 0);
	rules_diags_free(&d);
}

static void
aliases_cannot_blow_up_the_walk(void **state)
{
	/* 1000 sequences, each the same 200 steps: 200,000 steps from a few
	 * kilobytes, if aliases were followed freely. */
	size_t cap = 64 * 1024, n = 0;
	char *y = malloc(cap);
	rules_diags d;
	rules *r;

	(void)state;
	assert_non_null(y);
	n += (size_t)snprintf(y, cap, "%s", BASE "sequences:\n  s0: &s [ &t { at: 0m, task: call }");
	for (int i = 1; i < 200; i++)
		n += (size_t)snprintf(y + n, cap - n, ",*t");
	n += (size_t)snprintf(y + n, cap - n, "]\n");
	for (int i = 1; i < 1000; i++)
		n += (size_t)snprintf(y + n, cap - n, "  s%d: *s\n", i);
	r = rules_load_string(y, n, "t.yaml", &d);
	assert_null(r);
	expect_diag(&d, 1, 1, false, "the rules file repeats its aliases too often to check");
	rules_diags_free(&d);

	/* Deep nesting must fail cleanly, not overflow a stack. */
	n = (size_t)snprintf(y, cap, "%s", BASE "templates: ");
	while (n < cap - 1)
		y[n++] = '[';
	y[n] = '\0';
	r = rules_load_string(y, n, "t.yaml", &d);
	assert_null(r);
	assert_true(d.nerrors > 0);
	rules_diags_free(&d);
	free(y);
}

static void
nul_in_a_string_is_an_error(void **state)
{
	(void)state;
	expect_error(BASE "templates: { t: \"a\\0b\" }\n", 1, 4, 17,
		     "\"t\" must not contain a NUL character");
}

static void
empty_strings_are_errors(void **state)
{
	(void)state;
	expect_error(BASE "templates: { t: \"\" }\n", 1, 4, 17, "\"t\" must not be empty");
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: '', name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     2, 2, 17, "\"person id\" must not be empty");
}

static void
diagnostics_are_capped_and_say_so(void **state)
{
	size_t cap = 64 * 1024, n = 0;
	char *y = malloc(cap);
	rules_diags d;
	rules *r;

	(void)state;
	assert_non_null(y);
	n += (size_t)snprintf(y, cap, "%s", BASE "templates:\n");
	for (int i = 0; i < 250; i++)
		n += (size_t)snprintf(y + n, cap - n, "  T%d: x\n", i);
	r = rules_load_string(y, n, "t.yaml", &d);
	assert_null(r);
	assert_int_equal(d.nerrors, 250);
	assert_int_equal(d.n, 201);
	assert_int_equal(d.items[199].line, 204);
	assert_int_equal(d.items[200].line, 0);
	assert_string_equal(d.items[200].message, "50 more problems not shown");
	rules_diags_free(&d);
	free(y);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_key_names_the_expected_keys),
		cmocka_unit_test(wrong_types_say_what_was_expected),
		cmocka_unit_test(unknown_template_field_points_at_the_field),
		cmocka_unit_test(missing_template_is_reported_at_the_reference),
		cmocka_unit_test(syntax_errors_use_libyaml_positions),
		cmocka_unit_test(all_problems_are_reported_not_just_the_first),
		cmocka_unit_test(diagnostics_print_as_file_line_col),
		cmocka_unit_test(load_file_uses_the_path_and_caps_the_size),
		cmocka_unit_test(aliases_cannot_blow_up_the_walk),
		cmocka_unit_test(nul_in_a_string_is_an_error),
		cmocka_unit_test(empty_strings_are_errors),
		cmocka_unit_test(diagnostics_are_capped_and_say_so),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_log.c - logfmt quoting: bare when safe, quoted and escaped otherwise,
 * never longer than the buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/log.h"

static void
safe_values_stay_bare(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(log_quote("/api/v1/leads", buf, sizeof buf), "/api/v1/leads");
}

static void
spaces_quotes_and_equals_are_quoted(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(log_quote("a b", buf, sizeof buf), "\"a b\"");
	assert_string_equal(log_quote("say \"hi\"", buf, sizeof buf), "\"say \\\"hi\\\"\"");
	assert_string_equal(log_quote("k=v", buf, sizeof buf), "\"k=v\"");
	assert_string_equal(log_quote("", buf, sizeof buf), "\"\"");
	assert_string_equal(log_quote(NULL, buf, sizeof buf), "\"\"");
}

static void
control_characters_cannot_forge_a_line(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(log_quote("x\nlevel=error", buf, sizeof buf), "\"x level=error\"");
}

static void
long_values_are_cut_to_the_buffer(void **state)
{
	char buf[8];

	(void)state;
	log_quote("a value with spaces", buf, sizeof buf);
	assert_true(strlen(buf) < sizeof buf);
	assert_int_equal(buf[0], '"');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(safe_values_stay_bare),
		cmocka_unit_test(spaces_quotes_and_equals_are_quoted),
		cmocka_unit_test(control_characters_cannot_forge_a_line),
		cmocka_unit_test(long_values_are_cut_to_the_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_rules_time.c - the rules loader on time: durations, the time zone and
 * business hours, read into the model and their mistakes reported at their
 * place.
 * Helpers: rules_test.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/rules_load.h"
#include "rules_test.h"

static void
bad_duration_is_reported(void **state)
{
	(void)state;
	expect_error(BASE "sequences:\n  s: [ { at: 0m, task: call, within: 5 minutes } ]\n",
		     1, 5, 38, "\"within\" must be a duration like 5m, 2h, 3d");
	expect_error(BASE "limits: { per: 10 }\n", 1, 4, 16,
		     "\"per\" must be a duration like 5m, 2h, 3d");
}

static void
durations_parse_to_seconds(void **state)
{
	rules_diags d;
	rules *r = expect_ok(BASE "sequences:\n  s:\n"
			     "    - { at: 0m, task: call, within: 90s }\n"
			     "    - { at: 2h, task: call, within: 1w }\n"
			     "    - { at: 3650d, task: call }\n", &d);
	const rules_sequence *s = rules_sequence_find(r, "s");

	(void)state;
	assert_int_equal(s->steps[0].at, 0);
	assert_int_equal(s->steps[0].within, 90);
	assert_int_equal(s->steps[1].at, 7200);
	assert_int_equal(s->steps[1].within, 7 * 86400);
	assert_int_equal(s->steps[2].at, 3650LL * 86400);
	assert_int_equal(s->steps[2].within, 15 * 60);	/* the default */
	rules_diags_free(&d);
	rules_free(r);
	expect_error(BASE "limits: { per: 3651d }\n", 1, 4, 16,
		     "\"per\" is too long (at most 3650d)");
	expect_error(BASE "limits: { per: -1h }\n", 1, 4, 16,
		     "\"per\" must be a duration like 5m, 2h, 3d");
}

static void
bad_timezone_is_reported_at_its_position(void **state)
{
	(void)state;
	expect_error("business: { name: Acme, timezone: Mars/Base }\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     1, 1, 35, "unknown time zone \"Mars/Base\" (expected an IANA time zone "
		     "like America/Chicago)");
	expect_error("business: { name: Acme }\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     1, 1, 11, "missing required key \"timezone\" in business");
}

static void
bad_hours_are_reported(void **state)
{
	(void)state;
	expect_error("business:\n  name: Acme\n  timezone: UTC\n"
		     "  hours: { mon-fri: \"8-5\" }\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     1, 4, 21, "hours must look like \"08:00-17:00\", \"08:00-12:00, 13:00-17:00\" "
		     "or \"closed\" (spans in order, at most 4 a day)");
	expect_error("business:\n  name: Acme\n  timezone: UTC\n"
		     "  hours: { mon-fry: closed, sat: \"09:00-12:00\", sat-sun: closed }\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     2, 4, 12, "unknown day \"mon-fry\" in hours (expected mon, tue, wed, thu, "
		     "fri, sat, sun or a range like mon-fri)");
	expect_error("business:\n  name: Acme\n  timezone: UTC\n"
		     "  hours: { sat: \"09:00-12:00\", sat-sun: closed }\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     1, 4, 32, "\"sat-sun\" repeats a day already given by \"sat\"");
	expect_error("business:\n  name: Acme\n  timezone: UTC\n"
		     "  hours: { mon-sun: closed }\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     1, 4, 10, "the business is never open: tasks due in business hours would "
		     "never come due");
	expect_error("business:\n  name: Acme\n  timezone: UTC\n  quiet_hours: 21-8\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     1, 4, 16, "\"quiet_hours\" must look like \"21:00-08:00\"");
}

static void
hours_are_spans_per_weekday(void **state)
{
	rules_diags d;
	rules *r = expect_ok("business:\n  name: Acme\n  timezone: UTC\n"
			     "  hours:\n"
			     "    mon-fri: \"08:00-12:00, 13:00-17:30\"\n"
			     "    sat: \"09:00-12:00\"\n"
			     "    sun: closed\n"
			     "  holidays: [2027-01-01, 2026-12-25]\n"
			     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
			     &d);
	const rules_business *b = &r->business;

	(void)state;
	for (int day = 1; day <= 5; day++) {
		assert_int_equal(b->nspans[day], 2);
		assert_int_equal(b->hours[day][0].open_min, 8 * 60);
		assert_int_equal(b->hours[day][0].close_min, 12 * 60);
		assert_int_equal(b->hours[day][1].open_min, 13 * 60);
		assert_int_equal(b->hours[day][1].close_min, 17 * 60 + 30);
	}
	assert_int_equal(b->nspans[6], 1);
	assert_int_equal(b->hours[6][0].open_min, 9 * 60);
	assert_int_equal(b->nspans[0], 0);
	assert_false(b->has_quiet);
	assert_int_equal(b->holidays[0], 20261225);	/* sorted */
	assert_int_equal(b->holidays[1], 20270101);
	rules_diags_free(&d);
	rules_free(r);
}

static void
hour_ranges_may_wrap_past_sunday(void **state)
{
	rules_diags d;
	rules *r = expect_ok("business:\n  name: Acme\n  timezone: UTC\n"
			     "  hours: { sun-thu: \"07:00-15:00\", fri-sat: closed }\n"
			     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
			     &d);

	(void)state;
	for (int day = 0; day <= 4; day++)
		assert_int_equal(r->business.nspans[day], 1);
	assert_int_equal(r->business.nspans[5], 0);
	assert_int_equal(r->business.nspans[6], 0);
	rules_diags_free(&d);
	rules_free(r);
}

static void
missing_hours_default_to_weekdays(void **state)
{
	rules_diags d;
	rules *r = expect_ok(BASE, &d);

	(void)state;
	assert_int_equal(r->business.nspans[0], 0);
	assert_int_equal(r->business.nspans[1], 1);
	assert_int_equal(r->business.hours[5][0].close_min, 17 * 60);
	assert_int_equal(r->business.nspans[6], 0);
	assert_string_equal(r->business.country, "US");
	assert_int_equal(r->business.duplicate_window, 30 * 86400);
	assert_true(r->business.ack_ignores_quiet);
	rules_diags_free(&d);
	rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_duration_is_reported),
		cmocka_unit_test(durations_parse_to_seconds),
		cmocka_unit_test(bad_timezone_is_reported_at_its_position),
		cmocka_unit_test(bad_hours_are_reported),
		cmocka_unit_test(hours_are_spans_per_weekday),
		cmocka_unit_test(hour_ranges_may_wrap_past_sunday),
		cmocka_unit_test(missing_hours_default_to_weekdays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_health.c - the self-watch's judge (src/health/health.h): each alert
 * kind at, under and over its threshold, a source's silence against its own
 * usual gaps (in wall time and in business hours), the stalled queues'
 * memory, and the rules' `health` section with its FILE:LINE:COL errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "demo_rules.h"
#include "health/health.h"

#define H 3600
#define MAXA 32

static rules_health
defaults(void)
{
	rules_health h;

	rules_health_defaults(&h);
	return h;
}

static int
judge(const rules_health *h, const health_figures *f, health_memory *m, health_alert *out)
{
	health_memory scratch = { 0 };

	return health_judge(h, NULL, f, m ? m : &scratch, out, MAXA);
}

/* A source that sent one lead every `every` seconds, n of them, the last at last. */
static health_source
regular(const char *name, int64_t *times, size_t n, int64_t every, int64_t last)
{
	for (size_t i = 0; i < n; i++)
		times[i] = last - (int64_t)(n - 1 - i) * every;
	return (health_source){ name, times, n };
}

static void
nothing_wrong_no_alert(void **state)
{
	rules_health h = defaults();
	health_figures f = { .now = 1000000, .sent = 100, .failed = 5, .disk_free = 50,
			     .disk_total = 100 };
	health_alert a[MAXA];

	(void)state;
	assert_int_equal(judge(&h, &f, NULL, a), 0);
}

static void
silent_source_alerts_past_its_own_usual_gap(void **state)
{
	rules_health h = defaults();
	int64_t t[12];
	health_source s = regular("web_form", t, 12, H, 100 * H);
	health_figures f = { .now = 100 * H + 3 * H, .sources = &s, .nsources = 1 };
	health_alert a[MAXA];
	int64_t usual, limit;

	(void)state;
	assert_true(health_source_limit(&h, NULL, &s, &usual, &limit));
	assert_int_equal(usual, H);
	assert_int_equal(limit, 3 * H);		/* 90th percentile x 3 */
	assert_int_equal(judge(&h, &f, NULL, a), 0);	/* exactly the limit: not yet */
	f.now += 1;
	assert_int_equal(judge(&h, &f, NULL, a), 1);
	assert_int_equal(a[0].kind, HEALTH_SOURCE_SILENT);
	assert_string_equal(a[0].subject, "web_form");
	assert_true(a[0].value > a[0].limit);
	assert_non_null(strstr(a[0].message, "No lead from web_form for 3h"));
	assert_non_null(strstr(a[0].message, "every 1h"));
}

static void
a_source_with_little_history_is_not_judged(void **state)
{
	rules_health h = defaults();
	int64_t t[10];
	health_source s = regular("facebook", t, 10, H, 100 * H);	/* 9 gaps < 10 */
	health_figures f = { .now = 400 * H, .sources = &s, .nsources = 1 };
	health_alert a[MAXA];
	int64_t usual, limit;

	(void)state;
	assert_false(health_source_limit(&h, NULL, &s, &usual, &limit));
	assert_int_equal(judge(&h, &f, NULL, a), 0);
	h.silence_min_history = 9;
	assert_int_equal(judge(&h, &f, NULL, a), 1);
}

static void
one_long_gap_does_not_raise_the_usual_gap(void **state)
{
	rules_health h = defaults();
	int64_t t[21];
	health_source s = regular("google_ads", t, 21, H, 100 * H);
	int64_t usual, limit;

	(void)state;
	for (size_t i = 0; i < 10; i++)	/* one gap of 21h in the middle */
		t[i] -= 20 * H;
	assert_true(health_source_limit(&h, NULL, &s, &usual, &limit));
	assert_int_equal(usual, H);
	h.silence_percentile = 100;	/* the longest gap ever seen */
	assert_true(health_source_limit(&h, NULL, &s, &usual, &limit));
	assert_int_equal(usual, 21 * H);
}

static void
a_busy_source_is_held_to_the_floor(void **state)
{
	rules_health h = defaults();
	int64_t t[30], usual, limit;
	health_source s = regular("chat", t, 30, 60, 100 * H);	/* one a minute */

	(void)state;
	assert_true(health_source_limit(&h, NULL, &s, &usual, &limit));
	assert_int_equal(usual, 60);
	assert_int_equal(limit, h.silence_min);	/* 3 minutes would be noise */
}

static void
nights_and_weekends_do_not_count_in_business_hours(void **state)
{
	rules_health h = defaults();
	int64_t t[40], usual, limit;
	size_t n = 0;
	health_figures f = { 0 };
	health_alert a[MAXA];
	health_memory m = { 0 };

	(void)state;
	/* Mon 2 .. Fri 6 November 2026: a lead every hour 9:00..16:00 (Chicago). */
	for (int d = 2; d <= 6; d++)
		for (int hr = 9; hr <= 16; hr++)
			t[n++] = local(2026, 11, d, hr, 0);
	health_source s = { "web_form", t, n };
	f.sources = &s;
	f.nsources = 1;
	f.now = local(2026, 11, 9, 9, 30);	/* Monday 9:30: a weekend since the last */
	h.silence_business_hours = true;
	assert_true(health_source_limit(&h, &R->business, &s, &usual, &limit));
	/* Overnight 16:00 -> 9:00 is 2h of hours (17:00 close, 8:00 open): 4 of
	 * 39 gaps, so the 90th percentile is 2h and the limit 6h. */
	assert_int_equal(usual, 2 * H);
	assert_int_equal(limit, 6 * H);
	/* Fri 16-17, Sat 9-12, Mon 8-9:30: 5.5 business hours. */
	assert_int_equal(health_judge(&h, &R->business, &f, &m, a, MAXA), 0);
	f.now = local(2026, 11, 9, 11, 30);	/* 7.5 business hours */
	assert_int_equal(health_judge(&h, &R->business, &f, &m, a, MAXA), 1);
	assert_non_null(strstr(a[0].message, "of business hours"));
	h.silence_business_hours = false;	/* in wall time the weekend is silence */
	f.now = local(2026, 11, 9, 9, 30);
	assert_int_equal(health_judge(&h, &R->business, &f, &m, a, MAXA), 1);
}

static void
failure_rate_over_the_threshold_with_enough_messages(void **state)
{
	rules_health h = defaults();
	health_figures f = { .now = 1000, .sent = 8, .failed = 2 };
	health_alert a[MAXA];

	(void)state;
	assert_int_equal(judge(&h, &f, NULL, a), 0);	/* 20% is the limit, not over it */
	f.sent = 7;
	f.failed = 3;
	assert_int_equal(judge(&h, &f, NULL, a), 1);
	assert_int_equal(a[0].kind, HEALTH_FAILURE_RATE);
	assert_true(a[0].value > 29.9 && a[0].value < 30.1);
	f.sent = 1;
	f.failed = 3;				/* 75%, but only 4 messages */
	assert_int_equal(judge(&h, &f, NULL, a), 0);
}

static void
dead_messages_and_refused_credentials(void **state)
{
	rules_health h = defaults();
	health_figures f = { .now = 1000, .dead = 1, .refused_sms = 2, .refused_email = 1 };
	health_alert a[MAXA];

	(void)state;
	assert_int_equal(judge(&h, &f, NULL, a), 3);
	assert_int_equal(a[0].kind, HEALTH_DEAD_MESSAGES);
	assert_int_equal(a[1].kind, HEALTH_CREDENTIALS);
	assert_string_equal(a[1].subject, "sms");
	assert_non_null(strstr(a[1].message, "auth_token"));
	assert_int_equal(a[2].kind, HEALTH_CREDENTIALS);
	assert_string_equal(a[2].subject, "email");
	assert_false(health_same(&a[1], &a[2]));
	h.dead_count = 2;
	assert_int_equal(judge(&h, &f, NULL, a), 2);
}

static void
late_timers_over_the_threshold(void **state)
{
	rules_health h = defaults();
	health_figures f = { .now = 1000, .late_timers = 3, .max_lateness = 300 };
	health_alert a[MAXA];

	(void)state;
	assert_int_equal(judge(&h, &f, NULL, a), 0);	/* 5m is the limit */
	f.max_lateness = 2 * H;
	assert_int_equal(judge(&h, &f, NULL, a), 1);
	assert_int_equal(a[0].kind, HEALTH_TIMERS_LATE);
	assert_non_null(strstr(a[0].message, "2h after its time"));
}

static void
a_queue_whose_head_does_not_move_is_stalled(void **state)
{
	rules_health h = defaults();
	health_memory m = { 0 };
	health_figures f = { .now = 10000, .timer_head = { 7, 9000 } };
	health_alert a[MAXA];

	(void)state;
	assert_int_equal(judge(&h, &f, &m, a), 0);	/* first seen now */
	f.now += 599;
	assert_int_equal(judge(&h, &f, &m, a), 0);
	f.now += 1;
	assert_int_equal(judge(&h, &f, &m, a), 1);
	assert_int_equal(a[0].kind, HEALTH_QUEUE_STALLED);
	assert_string_equal(a[0].subject, "timers");
	f.timer_head = (health_head){ 8, 9500 };	/* it moved: a new head */
	f.now += 60;
	assert_int_equal(judge(&h, &f, &m, a), 0);
	f.timer_head = (health_head){ 0, 0 };		/* nothing due */
	f.outbox_head = (health_head){ 3, f.now };
	assert_int_equal(judge(&h, &f, &m, a), 0);
	f.now += 600;
	assert_int_equal(judge(&h, &f, &m, a), 1);
	assert_string_equal(a[0].subject, "outbox");
}

static void
disk_nearly_full(void **state)
{
	rules_health h = defaults();
	health_figures f = { .now = 1, .disk_free = 6, .disk_total = 100 };
	health_alert a[MAXA];

	(void)state;
	assert_int_equal(judge(&h, &f, NULL, a), 0);
	f.disk_free = 4;
	assert_int_equal(judge(&h, &f, NULL, a), 1);
	assert_int_equal(a[0].kind, HEALTH_DISK_FULL);
	f.disk_total = 0;	/* unknown */
	assert_int_equal(judge(&h, &f, NULL, a), 0);
}

static void
alerts_past_max_are_dropped(void **state)
{
	rules_health h = defaults();
	health_figures f = { .now = 1000, .dead = 1, .refused_sms = 2, .refused_email = 1 };
	health_alert a[2];
	health_memory m = { 0 };

	(void)state;
	assert_int_equal(health_judge(&h, NULL, &f, &m, a, 2), 2);
	assert_string_equal(health_kind_name(HEALTH_DISK_FULL), "disk_full");
	assert_string_equal(health_kind_name(HEALTH_NKINDS), "unknown");
}

/* --- the rules' health section ------------------------------------------------ */

static rules *
load_with(const char *section, rules_diags *d)
{
	size_t n = strlen(rules_default_yaml) + strlen(section) + 2;
	char *text = malloc(n);
	rules *r;

	assert_non_null(text);
	snprintf(text, n, "%s\n%s", rules_default_yaml, section);
	r = rules_load_string(text, strlen(text), "rules.yaml", d);
	free(text);
	return r;
}

static void
rules_health_section_is_read(void **state)
{
	rules_diags d = { 0 };
	rules *r = load_with("health:\n"
			     "  notify: dan\n"
			     "  window: 2h\n"
			     "  failure_rate: { percent: 30, min_messages: 5 }\n"
			     "  dead_messages: { count: 3, window: 12h }\n"
			     "  timers_late: { after: 10m }\n"
			     "  queue_stalled: { after: 15m }\n"
			     "  disk: { min_free_percent: 10 }\n"
			     "  source_silent: { percentile: 95, factor_percent: 250, min_history: 5,"
			     " min_gap: 2h, lookback: 30d, business_hours: true }\n", &d);

	(void)state;
	assert_non_null(r);
	assert_string_equal(r->health.notify, "dan");
	assert_int_equal(r->health.window, 2 * H);
	assert_int_equal(r->health.failure_percent, 30);
	assert_int_equal(r->health.min_messages, 5);
	assert_int_equal(r->health.dead_count, 3);
	assert_int_equal(r->health.dead_window, 12 * H);
	assert_int_equal(r->health.timer_late, 600);
	assert_int_equal(r->health.stall_after, 900);
	assert_int_equal(r->health.disk_free_percent, 10);
	assert_int_equal(r->health.silence_percentile, 95);
	assert_int_equal(r->health.silence_factor_pct, 250);
	assert_int_equal(r->health.silence_min_history, 5);
	assert_int_equal(r->health.silence_min, 2 * H);
	assert_int_equal(r->health.silence_lookback, 30 * 86400);
	assert_true(r->health.silence_business_hours);
	assert_int_equal(r->health.check_every, 60);	/* the default stays */
	rules_free(r);
	rules_diags_free(&d);
}

static void
rules_health_defaults_without_the_section(void **state)
{
	(void)state;
	assert_null(R->health.notify);
	assert_int_equal(R->health.failure_percent, 20);
	assert_int_equal(R->health.silence_factor_pct, 300);
	assert_int_equal(R->health.silence_min_history, 10);
}

/* The first error's position and text. */
static void
expect_error(const char *section, int line, int col, const char *text)
{
	rules_diags d = { 0 };
	rules *r = load_with(section, &d);
	int base = 2;	/* the section starts on the line after the demo's last */

	for (const char *p = rules_default_yaml; *p; p++)
		base += *p == '\n';
	assert_null(r);
	assert_true(d.n > 0);
	if (strstr(d.items[0].message, text) == NULL || d.items[0].line != base + line ||
	    d.items[0].col != col) {
		char got[400];

		snprintf(got, sizeof got, "%d:%d: %s", d.items[0].line - base, d.items[0].col,
			 d.items[0].message);
		rules_diags_free(&d);
		fail_msg("got %s, expected %d:%d with \"%s\"", got, line, col, text);
	}
	rules_diags_free(&d);
}

static void
rules_health_errors_name_file_line_col(void **state)
{
	(void)state;
	expect_error("health:\n  failure_rate: { percent: 150 }\n", 1, 28, "percent");
	expect_error("health:\n  notify: nobody\n", 1, 11, "nobody");
	expect_error("health:\n  check_every: 1s\n", 1, 16, "check_every");
	expect_error("health:\n  disk: { free: 5 }\n", 1, 11, "free");
	expect_error("health:\n  source_silent: { business_hours: maybe }\n", 1, 36,
		     "business_hours");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_wrong_no_alert),
		cmocka_unit_test(silent_source_alerts_past_its_own_usual_gap),
		cmocka_unit_test(a_source_with_little_history_is_not_judged),
		cmocka_unit_test(one_long_gap_does_not_raise_the_usual_gap),
		cmocka_unit_test(a_busy_source_is_held_to_the_floor),
		cmocka_unit_test(nights_and_weekends_do_not_count_in_business_hours),
		cmocka_unit_test(failure_rate_over_the_threshold_with_enough_messages),
		cmocka_unit_test(dead_messages_and_refused_credentials),
		cmocka_unit_test(late_timers_over_the_threshold),
		cmocka_unit_test(a_queue_whose_head_does_not_move_is_stalled),
		cmocka_unit_test(disk_nearly_full),
		cmocka_unit_test(alerts_past_max_are_dropped),
		cmocka_unit_test(rules_health_section_is_read),
		cmocka_unit_test(rules_health_defaults_without_the_section),
		cmocka_unit_test(rules_health_errors_name_file_line_col),
	};

	return cmocka_run_group_tests(tests, demo_rules_setup, demo_rules_teardown);
}

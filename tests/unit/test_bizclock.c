/*
 * test_bizclock.c - business minutes, opening, holidays, quiet hours, wording.
 *
 * The business is built by hand; zones are read from /usr/share/zoneinfo by the
 * test (bizclock does no I/O). Expected instants come from
 * `TZ=<zone> date -d '<local>' +%s`; each carries the local time it stands for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/bizclock.h"

static int holidays_acme[] = { 20261225 };

static tz_zone *
load_zone(const char *name)
{
	char path[256], err[200] = "";
	unsigned char *buf;
	tz_zone *z;
	FILE *f;
	long n;

	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	z = tz_parse(buf, (size_t)n, err, sizeof err);
	if (z == NULL)
		fail_msg("%s: %s", name, err);
	free(buf);
	return z;
}

static void
set_hours(rules_business *b, int wday, int open_h, int close_h)
{
	b->hours[wday][0].open_min = open_h * 60;
	b->hours[wday][0].close_min = close_h * 60;
	b->nspans[wday] = 1;
}

/* Acme: America/Chicago, Mon-Fri 08-17, Sat 09-12, Dec 25 off, quiet 21-08. */
static rules_business
acme(void)
{
	rules_business b;

	memset(&b, 0, sizeof b);
	b.zone = load_zone("America/Chicago");
	for (int d = 1; d <= 5; d++)
		set_hours(&b, d, 8, 17);
	set_hours(&b, 6, 9, 12);
	b.holidays = holidays_acme;
	b.nholidays = 1;
	b.has_quiet = true;
	b.quiet_start_min = 21 * 60;
	b.quiet_end_min = 8 * 60;
	return b;
}

/* Every day of the week open [open_h, close_h) in `zone`. */
static rules_business
daily(const char *zone, int open_h, int close_h)
{
	rules_business b;

	memset(&b, 0, sizeof b);
	b.zone = load_zone(zone);
	for (int d = 0; d < 7; d++)
		set_hours(&b, d, open_h, close_h);
	return b;
}

static void
assert_add(const rules_business *b, int64_t t, int64_t minutes, int64_t want)
{
	assert_int_equal(bizclock_add_business_minutes(b, t, minutes), want);
}

static void
assert_due_words(const rules_business *b, int64_t now, int64_t due, const char *want)
{
	char buf[64];

	bizclock_describe_due(b, now, due, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void
assert_time_words(const rules_business *b, int64_t t, const char *want)
{
	char buf[16];

	bizclock_format_time(b, t, buf, sizeof buf);
	assert_string_equal(buf, want);
}

/* ---- adding business minutes (Acme, Chicago) ---- */

static void
add_within_open_hours_is_plain_addition(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Tue 2026-06-16 14:02 CDT -> 14:07 CDT */
	assert_add(&b, 1781636520, 5, 1781636820);
	tz_free(b.zone);
}

static void
add_from_saturday_night_lands_monday_morning(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Sat 2026-06-20 23:40 CDT -> Mon 2026-06-22 08:05 CDT */
	assert_add(&b, 1782016800, 5, 1782133500);
	tz_free(b.zone);
}

static void
add_near_friday_close_spills_into_saturday_hours(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Fri 2026-06-19 16:58 CDT: 2 min Friday + 3 min -> Sat 2026-06-20 09:03 CDT */
	assert_add(&b, 1781906280, 5, 1781964180);
	tz_free(b.zone);
}

static void
add_on_christmas_eve_skips_the_holiday(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Thu 2026-12-24 17:30 CST -> (Fri 25th is a holiday) Sat 2026-12-26 09:05 CST */
	assert_add(&b, 1798155000, 5, 1798297500);
	tz_free(b.zone);
}

static void
time_used_up_at_closing_rolls_to_next_opening(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Tue 2026-06-16 16:55 CDT + 5: 17:00 is closed -> Wed 2026-06-17 08:00 CDT */
	assert_add(&b, 1781646900, 5, 1781701200);
	tz_free(b.zone);
}

static void
add_a_full_week_of_business_minutes(void **state)
{
	rules_business b = acme();

	(void)state;
	/* 5 x 9h + 3h = 48h = 2880 min a week: Tue 14:02 -> next Tue 2026-06-23 14:02 CDT */
	assert_add(&b, 1781636520, 2880, 1782241320);
	tz_free(b.zone);
}

static void
negative_minutes_count_as_zero(void **state)
{
	rules_business b = acme();

	(void)state;
	assert_add(&b, 1781636520, -30, 1781636520);
	tz_free(b.zone);
}

/* The definition, one real minute at a time: open when the local wall time is
 * inside a span of a non-holiday date. Slow, obviously right away from
 * spans that start or end inside a repeated hour. */
static bool
wall_open(const rules_business *b, int64_t t)
{
	tz_local lt;
	int key, m;

	tz_to_local(b->zone, t, &lt);
	key = lt.year * 10000 + lt.month * 100 + lt.day;
	for (size_t i = 0; i < b->nholidays; i++)
		if (b->holidays[i] == key)
			return false;
	m = lt.hour * 60 + lt.min;
	for (int i = 0; i < b->nspans[lt.wday]; i++)
		if (m >= b->hours[lt.wday][i].open_min && m < b->hours[lt.wday][i].close_min)
			return true;
	return false;
}

/* The open minute with index `minutes` (0-based) at or after t. */
static int64_t
reference_add(const rules_business *b, int64_t t, int64_t minutes)
{
	int64_t cur = (t + 59) / 60 * 60;

	for (;; cur += 60) {
		if (!wall_open(b, cur))
			continue;
		if (minutes-- == 0)
			return cur;
	}
}

static void
check_against_reference(const rules_business *b, int64_t from, int64_t span, int samples)
{
	uint32_t seed = 2463534242u;

	for (int i = 0; i < samples; i++) {
		int64_t t, minutes;

		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		t = from + (int64_t)(seed % (uint32_t)span);
		minutes = (int64_t)(seed >> 20) % 700;
		assert_int_equal(bizclock_add_business_minutes(b, t, minutes),
				 reference_add(b, t, minutes));
		assert_int_equal(bizclock_is_open(b, t), wall_open(b, t));
	}
}

static void
add_matches_minute_by_minute_reference(void **state)
{
	rules_business b = acme();
	rules_business ny = daily("America/New_York", 0, 24);

	(void)state;
	/* Acme around Christmas 2026, then New York round the clock across both
	 * 2026 changes, where the reference counts real minutes by wall clock. */
	check_against_reference(&b, 1798155000 - 5 * 86400, 10 * 86400, 150);
	check_against_reference(&ny, 1772951400 - 86400, 2 * 86400, 60);
	check_against_reference(&ny, 1793511000 - 86400, 2 * 86400, 60);
	tz_free(b.zone);
	tz_free(ny.zone);
}

/* ---- next open, is open ---- */

static void
next_open_rounds_seconds_up_to_the_minute(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Tue 2026-06-16 14:02:30 CDT -> 14:03 CDT; an open whole minute is itself. */
	assert_int_equal(bizclock_next_open(&b, 1781636550), 1781636580);
	assert_int_equal(bizclock_next_open(&b, 1781636520), 1781636520);
	tz_free(b.zone);
}

static void
next_open_on_sunday_is_monday_opening(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Sun 2026-06-21 10:00 CDT -> Mon 2026-06-22 08:00 CDT */
	assert_int_equal(bizclock_next_open(&b, 1782054000), 1782133200);
	tz_free(b.zone);
}

static void
is_open_follows_spans_and_holidays(void **state)
{
	rules_business b = acme();

	(void)state;
	assert_true(bizclock_is_open(&b, 1781636520));		/* Tue 14:02 */
	assert_true(bizclock_is_open(&b, 1781614800));		/* Tue 08:00 */
	assert_false(bizclock_is_open(&b, 1781614800 - 60));	/* Tue 07:59 */
	assert_false(bizclock_is_open(&b, 1781647200));	/* Tue 17:00 */
	assert_true(bizclock_is_open(&b, 1781964180));		/* Sat 09:03 */
	assert_false(bizclock_is_open(&b, 1782054000));	/* Sun 10:00 */
	assert_false(bizclock_is_open(&b, 1798155000 + 16 * 3600)); /* Fri Dec 25 09:30 */
	tz_free(b.zone);
}

static void
is_holiday_uses_the_local_date(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Thu 2026-12-24 17:30 CST is Dec 24 locally, Dec 24 23:30 UTC. */
	assert_false(bizclock_is_holiday(&b, 1798155000));
	/* Thu 2026-12-24 23:30 CST is already Dec 25 in UTC, still Dec 24 here. */
	assert_false(bizclock_is_holiday(&b, 1798155000 + 6 * 3600));
	/* Fri 2026-12-25 00:30 CST */
	assert_true(bizclock_is_holiday(&b, 1798155000 + 7 * 3600));
	tz_free(b.zone);
}

static void
business_without_hours_returns_minus_one(void **state)
{
	rules_business b;

	(void)state;
	memset(&b, 0, sizeof b);
	b.zone = load_zone("America/Chicago");
	assert_int_equal(bizclock_next_open(&b, 1781636520), -1);
	assert_int_equal(bizclock_add_business_minutes(&b, 1781636520, 5), -1);
	assert_false(bizclock_is_open(&b, 1781636520));
	tz_free(b.zone);
}

static void
business_closed_for_over_400_days_returns_minus_one(void **state)
{
	rules_business b = acme();
	int *days = calloc(450, sizeof *days);

	(void)state;
	assert_non_null(days);
	for (int i = 0; i < 450; i++) {
		int y, m, d;
		tz_civil_from_days(tz_days_from_civil(2026, 6, 16) + i, &y, &m, &d);
		days[i] = y * 10000 + m * 100 + d;
	}
	b.holidays = days;
	b.nholidays = 450;
	assert_int_equal(bizclock_next_open(&b, 1781636520), -1);
	free(days);
	tz_free(b.zone);
}

static void
null_zone_is_utc(void **state)
{
	rules_business b = daily("UTC", 9, 17);

	(void)state;
	tz_free(b.zone);
	b.zone = NULL;
	/* 2026-06-16 19:02 UTC + 5 -> 2026-06-17 09:05 UTC */
	assert_add(&b, 1781636520, 5, 1781686800 + 300);
}

/* ---- daylight saving ---- */

static void
spring_forward_round_the_clock_skips_the_lost_hour(void **state)
{
	rules_business b = daily("America/New_York", 0, 24);

	(void)state;
	/* Sun 2026-03-08 01:30 EST + 60 -> 03:30 EDT: one real hour. */
	assert_add(&b, 1772951400, 60, 1772955000);
	/* + 30 reaches 02:00, which does not exist -> 03:00 EDT. */
	assert_add(&b, 1772951400, 30, 1772953200);
	tz_free(b.zone);
}

static void
spring_forward_day_with_daytime_hours(void **state)
{
	rules_business b = daily("America/New_York", 8, 17);

	(void)state;
	/* Sun 2026-03-08 01:30 EST -> opens 08:00 EDT; + 5 -> 08:05 EDT */
	assert_int_equal(bizclock_next_open(&b, 1772951400), 1772971200);
	assert_add(&b, 1772951400, 5, 1772971500);
	tz_free(b.zone);
}

static void
span_opening_inside_the_gap_opens_shifted_by_the_gap(void **state)
{
	rules_business b;

	(void)state;
	memset(&b, 0, sizeof b);
	b.zone = load_zone("America/New_York");
	b.hours[0][0] = (rules_span){ 150, 300 };	/* Sundays 02:30-05:00 */
	b.nspans[0] = 1;
	/* Sun 2026-03-08 01:00 EST: 02:30 never happens; like a calendar
	 * event at 02:30 (RFC 5545) the span opens an hour later, 03:30 EDT */
	assert_int_equal(bizclock_next_open(&b, 1772949600), 1772953200 + 1800);
	assert_true(bizclock_is_open(&b, 1772953200 + 1800));
	assert_false(bizclock_is_open(&b, 1772953200 + 1740));	/* 03:29 EDT */
	assert_false(bizclock_is_open(&b, 1772953200 - 60));	/* 01:59 EST */
	tz_free(b.zone);
}

static void
fall_back_repeated_hour_counts_as_real_minutes(void **state)
{
	rules_business b = daily("Europe/Berlin", 0, 24);

	(void)state;
	/* Sun 2026-10-25 01:30 CEST + 120 real minutes -> 02:30 CET (the
	 * second 02:30), not 03:30: the repeated hour is open twice. */
	assert_add(&b, 1792884600, 120, 1792891800);
	/* The day has 25 hours: 00:00 CEST + 24h of minutes -> 23:00 CET. */
	assert_add(&b, 1792879200, 24 * 60, 1792965600);
	assert_true(bizclock_is_open(&b, 1792891800));
	tz_free(b.zone);
}

static void
fall_back_weekend_with_weekday_hours(void **state)
{
	rules_business b;

	(void)state;
	memset(&b, 0, sizeof b);
	b.zone = load_zone("Europe/Berlin");
	for (int d = 1; d <= 5; d++)
		set_hours(&b, d, 8, 17);
	/* Fri 2026-10-23 16:58 CEST + 5 -> Mon 2026-10-26 08:03 CET */
	assert_add(&b, 1792767480, 5, 1792998180);
	tz_free(b.zone);
}

/* ---- quiet hours ---- */

static void
after_quiet_late_evening_is_eight_next_morning(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Tue 2026-06-16 22:30 CDT -> Wed 2026-06-17 08:00 CDT */
	assert_true(bizclock_in_quiet(&b, 1781667000));
	assert_int_equal(bizclock_after_quiet(&b, 1781667000), 1781701200);
	tz_free(b.zone);
}

static void
after_quiet_early_morning_is_eight_same_day(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Tue 2026-06-16 03:00 CDT -> 08:00 CDT */
	assert_true(bizclock_in_quiet(&b, 1781596800));
	assert_int_equal(bizclock_after_quiet(&b, 1781596800), 1781614800);
	tz_free(b.zone);
}

static void
after_quiet_outside_quiet_hours_is_unchanged(void **state)
{
	rules_business b = acme();

	(void)state;
	assert_false(bizclock_in_quiet(&b, 1781636550));	/* Tue 14:02:30 */
	assert_int_equal(bizclock_after_quiet(&b, 1781636550), 1781636550);
	assert_false(bizclock_in_quiet(&b, 1781614800));	/* 08:00 is not quiet */
	assert_true(bizclock_in_quiet(&b, 1781658000 + 3600)); /* 21:00 is */
	tz_free(b.zone);
}

static void
after_quiet_across_spring_forward(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Sat 2026-03-07 22:30 CST -> Sun 2026-03-08 08:00 CDT */
	assert_int_equal(bizclock_after_quiet(&b, 1772944200), 1772974800);
	tz_free(b.zone);
}

static void
quiet_hours_disabled_means_never_quiet(void **state)
{
	rules_business b = acme();

	(void)state;
	b.has_quiet = false;
	assert_false(bizclock_in_quiet(&b, 1781667000));
	assert_int_equal(bizclock_after_quiet(&b, 1781667000), 1781667000);
	tz_free(b.zone);
}

/* ---- words ---- */

static void
format_time_is_twelve_hour_without_leading_zero(void **state)
{
	rules_business b = acme();

	(void)state;
	assert_time_words(&b, 1781640300, "3:05 PM");	/* 15:05 CDT */
	assert_time_words(&b, 1781701500, "8:05 AM");
	assert_time_words(&b, 1781586300, "12:05 AM");	/* 00:05 */
	assert_time_words(&b, 1781629200, "12:00 PM");	/* noon */
	tz_free(b.zone);
}

static void
describe_due_today_tomorrow_weekday_and_date(void **state)
{
	rules_business b = acme();
	int64_t now = 1781636520;	/* Tue 2026-06-16 14:02 CDT */

	(void)state;
	assert_due_words(&b, now, 1781640300, "today by 3:05 PM");
	assert_due_words(&b, now, 1781701500, "tomorrow by 8:05 AM");
	assert_due_words(&b, now, 1782133500, "Monday by 8:05 AM");	/* 6 days on */
	assert_due_words(&b, now, 1782219900, "on Jun 23 by 8:05 AM");	/* 7 days on */
	assert_due_words(&b, now, 1798470000, "on Dec 28 by 9:00 AM");
	assert_due_words(&b, now, 1830006000, "on Dec 28, 2027 by 9:00 AM");
	tz_free(b.zone);
}

static void
describe_due_counts_local_days_not_utc_days(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Tue 19:30 CDT is Wednesday in UTC; 20:00 the same evening is "today". */
	assert_due_words(&b, 1781656200, 1781658000, "today by 8:00 PM");
	/* Tue 22:30 CDT -> Wed 08:05 CDT is "tomorrow". */
	assert_due_words(&b, 1781667000, 1781701500, "tomorrow by 8:05 AM");
	tz_free(b.zone);
}

static void
words_fit_small_buffers(void **state)
{
	rules_business b = acme();
	char buf[8];

	(void)state;
	bizclock_describe_due(&b, 1781636520, 1798470000, buf, sizeof buf);
	assert_string_equal(buf, "on Dec ");
	bizclock_format_time(&b, 1781640300, buf, 0);	/* must not write */
	tz_free(b.zone);
}

static void
day_offsets_keep_the_local_time_across_dst(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Wed 2026-11-25 10:00 CST + 180d = Mon 2027-05-24 10:00 CDT, not 11:00. */
	assert_int_equal(bizclock_add_offset(&b, 1795622400, 180 * 86400), 1811170800);
	/* Hours stay exact: + 36h is 36 real hours. */
	assert_int_equal(bizclock_add_offset(&b, 1795622400, 36 * 3600), 1795622400 + 36 * 3600);
	tz_free(b.zone);
}

static void
day_offset_into_a_spring_forward_gap_moves_by_the_gap(void **state)
{
	rules_business b = daily("America/New_York", 8, 17);

	(void)state;
	/* Sat 2026-03-07 02:30 EST + 1d: Sunday 02:30 does not exist (clocks
	 * jump 02:00 -> 03:00), so the step runs at 03:30 EDT, as a calendar
	 * (RFC 5545) places an event at 02:30 - not 03:00, and never twice. */
	assert_int_equal(bizclock_add_offset(&b, 1772868600, 86400), 1772953200 + 1800);
	/* + 2d is Monday 02:30 EDT again: the gap does not carry over. */
	assert_int_equal(bizclock_add_offset(&b, 1772868600, 2 * 86400),
			 1772953200 + 1800 + 86400 - 3600);
	tz_free(b.zone);
}

/* ---- open seconds between two instants (Acme, Chicago) ---- */

static void
open_seconds_count_only_business_hours(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Fri 2026-11-20 16:30 CST -> Mon 2026-11-23 08:15: 30 min Friday, 3 h
	 * Saturday, 15 min Monday. */
	assert_int_equal(bizclock_open_seconds(&b, 1795213800, 1795443300), (30 + 180 + 15) * 60);
	/* Wed 2026-11-25 10:00 -> 10:07: plain difference while open. */
	assert_int_equal(bizclock_open_seconds(&b, 1795622400, 1795622820), 7 * 60);
	/* Thu 2026-12-24 18:00 -> Sat 2026-12-26 08:00: Christmas is closed. */
	assert_int_equal(bizclock_open_seconds(&b, 1798156800, 1798293600), 0);
	/* the wrong way round is nothing */
	assert_int_equal(bizclock_open_seconds(&b, 1795622820, 1795622400), 0);
	tz_free(b.zone);
}

static void
open_seconds_agree_with_adding_business_minutes(void **state)
{
	rules_business b = acme();

	(void)state;
	/* Sat 2026-11-21 22:00 plus n business minutes is an instant whose open
	 * time since the start is exactly n minutes. */
	for (int64_t n = 1; n < 3000; n += 97) {
		int64_t end = bizclock_add_business_minutes(&b, 1795320000, n);

		assert_int_equal(bizclock_open_seconds(&b, 1795320000, end), n * 60);
	}
	tz_free(b.zone);
}

static void
open_intervals_list_the_open_hours_of_a_range(void **state)
{
	rules_business b = acme();
	int64_t iv[8][2];

	(void)state;
	/* Fri 16:30 -> Mon 08:15: Friday to 17:00, Saturday 09-12, Monday from 08:00 */
	assert_int_equal(bizclock_open_intervals(&b, 1795213800, 1795443300, iv, 8), 3);
	assert_int_equal(iv[0][1], 1795215600);			/* Fri 17:00 */
	assert_int_equal(iv[1][1] - iv[1][0], 3 * 3600);	/* Saturday */
	assert_int_equal(iv[2][0], 1795442400);			/* Mon 08:00 */
	assert_int_equal(bizclock_open_intervals(&b, 1795213800, 1795443300, iv, 2), -1);
	tz_free(b.zone);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_within_open_hours_is_plain_addition),
		cmocka_unit_test(add_from_saturday_night_lands_monday_morning),
		cmocka_unit_test(add_near_friday_close_spills_into_saturday_hours),
		cmocka_unit_test(add_on_christmas_eve_skips_the_holiday),
		cmocka_unit_test(time_used_up_at_closing_rolls_to_next_opening),
		cmocka_unit_test(add_a_full_week_of_business_minutes),
		cmocka_unit_test(negative_minutes_count_as_zero),
		cmocka_unit_test(add_matches_minute_by_minute_reference),
		cmocka_unit_test(next_open_rounds_seconds_up_to_the_minute),
		cmocka_unit_test(next_open_on_sunday_is_monday_opening),
		cmocka_unit_test(is_open_follows_spans_and_holidays),
		cmocka_unit_test(is_holiday_uses_the_local_date),
		cmocka_unit_test(business_without_hours_returns_minus_one),
		cmocka_unit_test(business_closed_for_over_400_days_returns_minus_one),
		cmocka_unit_test(null_zone_is_utc),
		cmocka_unit_test(spring_forward_round_the_clock_skips_the_lost_hour),
		cmocka_unit_test(spring_forward_day_with_daytime_hours),
		cmocka_unit_test(span_opening_inside_the_gap_opens_shifted_by_the_gap),
		cmocka_unit_test(fall_back_repeated_hour_counts_as_real_minutes),
		cmocka_unit_test(fall_back_weekend_with_weekday_hours),
		cmocka_unit_test(after_quiet_late_evening_is_eight_next_morning),
		cmocka_unit_test(after_quiet_early_morning_is_eight_same_day),
		cmocka_unit_test(after_quiet_outside_quiet_hours_is_unchanged),
		cmocka_unit_test(after_quiet_across_spring_forward),
		cmocka_unit_test(quiet_hours_disabled_means_never_quiet),
		cmocka_unit_test(format_time_is_twelve_hour_without_leading_zero),
		cmocka_unit_test(describe_due_today_tomorrow_weekday_and_date),
		cmocka_unit_test(describe_due_counts_local_days_not_utc_days),
		cmocka_unit_test(words_fit_small_buffers),
		cmocka_unit_test(day_offsets_keep_the_local_time_across_dst),
		cmocka_unit_test(day_offset_into_a_spring_forward_gap_moves_by_the_gap),
		cmocka_unit_test(open_seconds_count_only_business_hours),
		cmocka_unit_test(open_seconds_agree_with_adding_business_minutes),
		cmocka_unit_test(open_intervals_list_the_open_hours_of_a_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * prove_time.c - the arrival times the prover tries (prove.h): one instant
 * per class, found in the business's zone from now on, and a pair around
 * each daylight-saving change of the year ahead. Pure.
 */
#include <stdlib.h>

#include "core/bizclock.h"
#include "prove.h"

#define DAY 86400
#define LOOK_DAYS 400		/* a year ahead and a little more */

/* The instant of local date day (days since 1970) at min minutes. */
static int64_t
local_at(const rules *r, int64_t day, int min)
{
	int y, m, d;
	int64_t t;

	tz_civil_from_days(day, &y, &m, &d);
	tz_from_local(r->business.zone, y, m, d, min / 60, min % 60, &t);
	return t;
}

static bool
weekday(int wday)
{
	return wday >= 1 && wday <= 5;
}

/* The local date (days since 1970) and weekday of t. */
static int64_t
local_day(const rules *r, int64_t t, int *wday)
{
	tz_local lt;

	tz_to_local(r->business.zone, t, &lt);
	*wday = lt.wday;
	return tz_days_from_civil(lt.year, lt.month, lt.day);
}

/* The last closing minute of a day's spans, or -1 when it is closed. */
static int
last_close(const rules_business *b, int wday)
{
	int close = -1;

	for (int i = 0; i < b->nspans[wday]; i++)
		if (b->hours[wday][i].close_min > close)
			close = b->hours[wday][i].close_min;
	return close;
}

static void
add(prove_arrival *out, size_t *n, size_t max, prove_class cls, int64_t at)
{
	if (*n < max && at > 0)
		out[(*n)++] = (prove_arrival){ cls, at };
}

/* The first five classes, each at its first day from today's next day. */
static void
day_classes(const rules *r, int64_t now, prove_arrival *out, size_t *n, size_t max)
{
	const rules_business *b = &r->business;
	bool have[PROVE_AT_HOLIDAY + 1] = { false };
	int wday;
	int64_t today = local_day(r, now, &wday);

	for (int64_t k = 1; k <= LOOK_DAYS; k++) {
		int64_t day = today + k;
		int wd = (int)((day + 4) % 7);	/* 1970-01-01 was a Thursday */
		int64_t noon = local_at(r, day, 12 * 60);
		bool holiday = bizclock_is_holiday(b, noon);
		int close = last_close(b, wd);
		static const int evening[] = { 21 * 60 + 30, 19 * 60, 23 * 60, 5 * 60 };

		if (!have[PROVE_AT_HOLIDAY] && holiday) {
			have[PROVE_AT_HOLIDAY] = true;
			add(out, n, max, PROVE_AT_HOLIDAY, local_at(r, day, 10 * 60 + 30));
		}
		/* A weekend day the business is closed, if one is: that is the
		 * weekend that can go wrong; else the first. */
		if (!have[PROVE_AT_WEEKEND] && !weekday(wd) && !holiday &&
		    (b->nspans[wd] == 0 || k > 7)) {
			have[PROVE_AT_WEEKEND] = true;
			add(out, n, max, PROVE_AT_WEEKEND, local_at(r, day, 10 * 60 + 30));
		}
		if (!weekday(wd) || holiday)
			continue;
		if (!have[PROVE_AT_OPEN] && b->nspans[wd] > 0) {
			int64_t open = local_at(r, day, b->hours[wd][0].open_min);
			int64_t t = open + 3600;

			have[PROVE_AT_OPEN] = true;
			add(out, n, max, PROVE_AT_OPEN, bizclock_is_open(b, t) ? t : open);
		}
		if (!have[PROVE_AT_CLOSING] && close > 5 && close < 24 * 60) {
			have[PROVE_AT_CLOSING] = true;
			add(out, n, max, PROVE_AT_CLOSING, local_at(r, day, close - 5));
		}
		for (size_t i = 0; !have[PROVE_AT_EVENING] && i < sizeof evening / sizeof *evening;
		     i++) {
			int64_t t = local_at(r, day, evening[i]);

			if (!bizclock_is_open(b, t)) {
				have[PROVE_AT_EVENING] = true;
				add(out, n, max, PROVE_AT_EVENING, t);
			}
		}
		if (have[PROVE_AT_OPEN] && have[PROVE_AT_CLOSING] && have[PROVE_AT_EVENING] &&
		    have[PROVE_AT_WEEKEND] && (have[PROVE_AT_HOLIDAY] || b->nholidays == 0))
			break;
	}
}

/* The instant in (lo, hi] where the UTC offset changes (it differs at lo
 * and hi). */
static int64_t
change_in(const tz_zone *z, int64_t lo, int64_t hi)
{
	tz_local a;

	tz_to_local(z, lo, &a);
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		tz_local m;

		tz_to_local(z, mid, &m);
		if (m.utc_offset == a.utc_offset)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

static void
dst_pairs(const rules *r, int64_t now, prove_arrival *out, size_t *n, size_t max)
{
	const tz_zone *z = r->business.zone;
	tz_local prev, cur;

	if (z == NULL)
		return;
	tz_to_local(z, now, &prev);
	/* Offsets change at most a few times a year and never twice in 6 hours. */
	for (int64_t t = now + 6 * 3600; t <= now + 366 * (int64_t)DAY; t += 6 * 3600) {
		tz_to_local(z, t, &cur);
		if (cur.utc_offset != prev.utc_offset) {
			int64_t c = change_in(z, t - 6 * 3600, t);

			add(out, n, max, PROVE_AT_DST_BEFORE, c - 1800);
			add(out, n, max, PROVE_AT_DST_AFTER, c + 1800);
		}
		prev = cur;
	}
}

static int
by_time(const void *a, const void *b)
{
	const prove_arrival *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

size_t
prove_arrivals(const rules *r, int64_t now, prove_arrival *out, size_t max)
{
	size_t n = 0;

	day_classes(r, now, out, &n, max);
	dst_pairs(r, now, out, &n, max);
	qsort(out, n, sizeof *out, by_time);
	return n;
}

/*
 * bizclock.c - opening hours, holidays and quiet hours in the business's zone.
 *
 * Works a local day at a time: each day's spans become UTC intervals through
 * tz_from_local(), so DST gaps and repeats fall out of the zone data and no
 * loop ever steps minute by minute. Pure: no clock, no I/O, no allocation.
 *
 * The interval model (every query below uses it, so they always agree):
 * a span [open, close) of local date D is the real time from the first
 * occurrence of D open to the first occurrence of D close (a wall time inside a
 * spring-forward gap is read as RFC 5545 does, moved forward by the gap: 02:30
 * is 03:30 when clocks jump 02:00 -> 03:00; see tz.h). Consequences:
 *  - a gap inside a span is skipped: 08:00-17:00 on a day that loses an hour at
 *    noon is 8 real hours, and nothing is ever due at a wall time that does not
 *    exist;
 *  - an hour repeated by a fall-back inside a span is open twice and counts as
 *    real elapsed time: 00:00-24:00 on a fall-back day is 25 hours. People are
 *    at work for both passes, and a lead waiting through them has waited two
 *    real hours, so a "respond within 60 business minutes" promise must not
 *    stretch to two hours.
 * Quiet hours use the same model with one span that may wrap past midnight.
 */
#include "core/bizclock.h"

#include <stdio.h>
#include <stdlib.h>

/* Give up when this many consecutive local days have no open time. */
#define BIZ_SEARCH_DAYS 400
/* And never search further than this in total (about 110 years). */
#define BIZ_TOTAL_DAYS 40000
/* Largest `minutes` accepted: one year of round-the-clock minutes. */
#define BIZ_MAX_MINUTES (INT64_C(366) * 24 * 60)
/* Instants handled: years 0001..9999. */
#define BIZ_T_MIN INT64_C(-62135596800)
#define BIZ_T_MAX INT64_C(253402300799)
#define BIZ_DAY_MAX INT64_C(2932896)	/* 9999-12-31 */

#define DAY_MIN 1440
/* bizclock_open_seconds() looks at most this far (about two years). */
#define BIZ_OPEN_SPAN_MAX (INT64_C(731) * 86400)

typedef struct {
	int64_t s, e;	/* [s, e) in UTC seconds */
} biz_iv;

static int
clamp_min(int m)
{
	return m < 0 ? 0 : (m > DAY_MIN ? DAY_MIN : m);
}

/* Local date of t, as days since 1970-01-01. */
static int64_t
local_day(const rules_business *b, int64_t t)
{
	tz_local lt;

	tz_to_local(b->zone, t, &lt);
	return tz_days_from_civil(lt.year, lt.month, lt.day);
}

/* The instant at which local date `day` reaches `min` minutes past midnight
 * (min may be 1440: the next midnight). A skipped wall time moves forward by
 * the gap (tz_from_local), a repeated one is its first occurrence. */
static int64_t
at_local(const rules_business *b, int64_t day, int min)
{
	int y, m, d;
	int64_t t;

	tz_civil_from_days(day, &y, &m, &d);
	tz_from_local(b->zone, y, m, d, 0, min, &t);
	return t;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static bool
holiday_on(const rules_business *b, int64_t day)
{
	int y, m, d, key;

	if (b->holidays == NULL || b->nholidays == 0)
		return false;
	tz_civil_from_days(day, &y, &m, &d);
	key = y * 10000 + m * 100 + d;
	return bsearch(&key, b->holidays, b->nholidays, sizeof key, cmp_int) != NULL;
}

void
bizclock_sort_holidays(rules_business *b)
{
	if (b->nholidays > 0)
		qsort(b->holidays, b->nholidays, sizeof *b->holidays, cmp_int);
}

static int
nspans(const rules_business *b, int wday)
{
	int n = b->nspans[wday];

	return n < 0 ? 0 : (n > RULES_MAX_SPANS_PER_DAY ? RULES_MAX_SPANS_PER_DAY : n);
}

static bool
has_hours(const rules_business *b)
{
	for (int w = 0; w < 7; w++)
		for (int i = 0; i < nspans(b, w); i++)
			if (clamp_min(b->hours[w][i].open_min) < clamp_min(b->hours[w][i].close_min))
				return true;
	return false;
}

/* The open intervals of local date `day`, sorted and merged; returns how many. */
static int
day_intervals(const rules_business *b, int64_t day, biz_iv iv[RULES_MAX_SPANS_PER_DAY])
{
	int wday = (int)(day + 4 - tz_floor_div(day + 4, 7) * 7);	/* 1970-01-01: Thursday */
	int n = 0, out = 0;

	if (holiday_on(b, day))
		return 0;
	for (int i = 0; i < nspans(b, wday); i++) {
		int o = clamp_min(b->hours[wday][i].open_min);
		int c = clamp_min(b->hours[wday][i].close_min);
		biz_iv v;

		if (o >= c)
			continue;
		v.s = at_local(b, day, o);
		v.e = at_local(b, day, c);
		if (v.e <= v.s)
			continue;	/* the whole span fell into a gap */
		/* Insertion by start: at most four spans. */
		int j = n;
		while (j > 0 && iv[j - 1].s > v.s) {
			iv[j] = iv[j - 1];
			j--;
		}
		iv[j] = v;
		n++;
	}
	for (int i = 0; i < n; i++) {
		if (out > 0 && iv[i].s <= iv[out - 1].e) {
			if (iv[i].e > iv[out - 1].e)
				iv[out - 1].e = iv[i].e;
		} else {
			iv[out++] = iv[i];
		}
	}
	return out;
}

bool
bizclock_is_open(const rules_business *b, int64_t t)
{
	biz_iv iv[RULES_MAX_SPANS_PER_DAY];
	int64_t day;

	if (t < BIZ_T_MIN || t > BIZ_T_MAX)
		return false;
	day = local_day(b, t);
	/* Neighbouring days too: a fall-back across midnight can put an
	 * instant of one local date inside the next date's first span. */
	for (int64_t d = day - 1; d <= day + 1; d++) {
		int n = day_intervals(b, d, iv);
		for (int i = 0; i < n; i++)
			if (iv[i].s <= t && t < iv[i].e)
				return true;
	}
	return false;
}

int64_t
bizclock_add_business_minutes(const rules_business *b, int64_t t, int64_t minutes)
{
	biz_iv iv[RULES_MAX_SPANS_PER_DAY];
	int64_t cur, remaining, day, first;
	int idle = 0;

	if (!has_hours(b) || t < BIZ_T_MIN || t > BIZ_T_MAX || minutes > BIZ_MAX_MINUTES)
		return -1;
	if (minutes < 0)
		minutes = 0;
	cur = tz_floor_div(t + 59, 60) * 60;
	remaining = minutes * 60;
	/* Start a day early: the previous date's last span may still be open. */
	first = local_day(b, cur) - 1;
	for (day = first; day <= BIZ_DAY_MAX && day - first <= BIZ_TOTAL_DAYS; day++) {
		int n = day_intervals(b, day, iv);
		bool used = false;

		for (int i = 0; i < n; i++) {
			int64_t s;

			if (iv[i].e <= cur)
				continue;
			s = iv[i].s > cur ? iv[i].s : cur;
			/* Strictly less: a due time equal to closing time would be
			 * a closed minute, so the last minute rolls to the next open. */
			if (remaining < iv[i].e - s)
				return s + remaining;
			remaining -= iv[i].e - s;
			cur = iv[i].e;
			used = true;
		}
		if (used)
			idle = 0;
		else if (++idle > BIZ_SEARCH_DAYS)
			return -1;
	}
	return -1;
}

int64_t
bizclock_open_seconds(const rules_business *b, int64_t from, int64_t to)
{
	biz_iv iv[RULES_MAX_SPANS_PER_DAY];
	int64_t sum = 0, last;

	if (to <= from || from < BIZ_T_MIN || to > BIZ_T_MAX)
		return 0;
	if (to - from > BIZ_OPEN_SPAN_MAX)
		to = from + BIZ_OPEN_SPAN_MAX;
	last = local_day(b, to);
	/* A day early: the previous date's last span may still be open. */
	for (int64_t day = local_day(b, from) - 1; day <= last; day++) {
		int n = day_intervals(b, day, iv);

		for (int i = 0; i < n; i++) {
			int64_t s = iv[i].s > from ? iv[i].s : from;
			int64_t e = iv[i].e < to ? iv[i].e : to;

			if (e > s)
				sum += e - s;
		}
	}
	return sum;
}

int
bizclock_open_intervals(const rules_business *b, int64_t from, int64_t to, int64_t (*iv)[2],
			int max)
{
	biz_iv day_iv[RULES_MAX_SPANS_PER_DAY];
	int64_t last;
	int n = 0;

	if (to <= from || from < BIZ_T_MIN || to > BIZ_T_MAX)
		return 0;
	last = local_day(b, to);
	for (int64_t day = local_day(b, from) - 1; day <= last; day++) {
		int k = day_intervals(b, day, day_iv);

		for (int i = 0; i < k; i++) {
			if (day_iv[i].e <= from || day_iv[i].s >= to)
				continue;
			/* the previous date's span may run into this one's */
			if (n > 0 && day_iv[i].s <= iv[n - 1][1]) {
				if (day_iv[i].e > iv[n - 1][1])
					iv[n - 1][1] = day_iv[i].e;
				continue;
			}
			if (n == max)
				return -1;
			iv[n][0] = day_iv[i].s;
			iv[n][1] = day_iv[i].e;
			n++;
		}
	}
	return n;
}

int64_t
bizclock_next_open(const rules_business *b, int64_t t)
{
	return bizclock_add_business_minutes(b, t, 0);
}

/* Quiet hours of local date `day` as one interval; false if there are none.
 * A period covering the whole day is ignored: nothing could ever be sent. */
static bool
quiet_interval(const rules_business *b, int64_t day, biz_iv *v)
{
	int s, e;

	if (!b->has_quiet)
		return false;
	s = clamp_min(b->quiet_start_min) % DAY_MIN;
	e = clamp_min(b->quiet_end_min) % DAY_MIN;
	if (s == e)
		return false;
	v->s = at_local(b, day, s);
	v->e = at_local(b, s > e ? day + 1 : day, e);
	return v->e > v->s;
}

/* The quiet interval containing t, if any. */
static bool
quiet_at(const rules_business *b, int64_t t, biz_iv *hit)
{
	int64_t day;

	if (t < BIZ_T_MIN || t > BIZ_T_MAX)
		return false;
	day = local_day(b, t);
	for (int64_t d = day - 1; d <= day + 1; d++)
		if (quiet_interval(b, d, hit) && hit->s <= t && t < hit->e)
			return true;
	return false;
}

bool
bizclock_in_quiet(const rules_business *b, int64_t t)
{
	biz_iv v;

	return quiet_at(b, t, &v);
}

int64_t
bizclock_after_quiet(const rules_business *b, int64_t t)
{
	biz_iv v;

	/* Consecutive quiet periods never touch (they would cover the whole
	 * day, which quiet_interval refuses), but bound the loop anyway. */
	for (int i = 0; i < 4 && quiet_at(b, t, &v); i++)
		t = v.e;
	return t;
}

bool
bizclock_is_holiday(const rules_business *b, int64_t t)
{
	if (t < BIZ_T_MIN || t > BIZ_T_MAX)
		return false;
	return holiday_on(b, local_day(b, t));
}

void
bizclock_format_time(const rules_business *b, int64_t t, char *buf, size_t len)
{
	tz_local lt;
	int h12;

	if (buf == NULL || len == 0)
		return;
	tz_to_local(b->zone, t, &lt);
	h12 = lt.hour % 12 == 0 ? 12 : lt.hour % 12;
	snprintf(buf, len, "%d:%02d %s", h12, lt.min, lt.hour < 12 ? "AM" : "PM");
}

void
bizclock_describe_due(const rules_business *b, int64_t now, int64_t due, char *buf,
		      size_t len)
{
	static const char *const wdays[7] = { "Sunday", "Monday", "Tuesday", "Wednesday",
					      "Thursday", "Friday", "Saturday" };
	static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
						"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	tz_local ln, ld;
	char when[16];
	int64_t diff;

	if (buf == NULL || len == 0)
		return;
	tz_to_local(b->zone, now, &ln);
	tz_to_local(b->zone, due, &ld);
	bizclock_format_time(b, due, when, sizeof when);
	diff = tz_days_from_civil(ld.year, ld.month, ld.day) -
	       tz_days_from_civil(ln.year, ln.month, ln.day);
	if (diff == 0)
		snprintf(buf, len, "today by %s", when);
	else if (diff == 1)
		snprintf(buf, len, "tomorrow by %s", when);
	else if (diff >= 2 && diff <= 6)
		snprintf(buf, len, "%s by %s", wdays[ld.wday], when);
	else if (ld.year != ln.year && (diff < 0 || diff > 180))
		/* Far enough that "Dec 28" alone could mean the wrong year. */
		snprintf(buf, len, "on %s %d, %d by %s", months[ld.month - 1], ld.day, ld.year,
			 when);
	else
		snprintf(buf, len, "on %s %d by %s", months[ld.month - 1], ld.day, when);
}

int64_t
bizclock_add_offset(const rules_business *b, int64_t t, int64_t offset)
{
	tz_local lt;
	int64_t out;

	if (offset <= 0 || offset % 86400 != 0)
		return t + offset;
	tz_to_local(b->zone, t, &lt);
	tz_from_local(b->zone, lt.year, lt.month, lt.day + (int)(offset / 86400), lt.hour, lt.min,
		      &out);
	return out + lt.sec;
}

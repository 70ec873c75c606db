/*
 * bizclock.h - business time: opening hours, holidays, quiet hours, in the
 * business's own time zone.
 *
 * Every due time a human must meet is computed here, and nowhere else. All
 * instants are UTC seconds; the rules_business supplies the zone (b->zone),
 * hours per weekday, holidays and quiet hours. Pure: no clock, no I/O.
 * Granularity is the minute: results are whole minutes (seconds = 0, in UTC,
 * which equals local minutes for every zone in use today).
 *
 * Daylight saving: a span [open, close) of a local date is the real time from
 * the first occurrence of its opening wall time to the first occurrence of its
 * closing one. A spring-forward gap inside it is skipped (nothing is ever due at
 * a wall time that does not exist); an hour repeated by a fall-back inside it
 * is open twice and counts as real elapsed minutes. Quiet hours work the same.
 * A NULL b->zone means UTC. Instants outside years 1..9999 are never open.
 */
#ifndef LK_CORE_BIZCLOCK_H
#define LK_CORE_BIZCLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"

/* True when t falls inside an opening span of a non-holiday day. */
bool bizclock_is_open(const rules_business *b, int64_t t);

/* The first open minute at or after t (t itself, rounded up to a minute, if open).
 * Returns -1 when the business has no opening hours at all. */
int64_t bizclock_next_open(const rules_business *b, int64_t t);

/* t plus `minutes` minutes of open time: closed time, nights, holidays and
 * daylight-saving gaps are skipped. With minutes == 0 this is next_open(t).
 * The result is always an open minute: time used up exactly at closing rolls
 * over to the next opening. Negative minutes count as 0. Cost: a few zone
 * lookups per local day crossed, never per minute.
 * Returns -1 when the business has no opening hours at all, when 400
 * consecutive days are closed (holidays), or when minutes exceeds a year. */
int64_t bizclock_add_business_minutes(const rules_business *b, int64_t t, int64_t minutes);

/* The open seconds in [from, to): how long a wait lasted in business time.
 * 0 when to <= from. Looks at most about two years past from (a longer wait
 * counts its first two years). Cost: a few zone lookups per local day. */
int64_t bizclock_open_seconds(const rules_business *b, int64_t from, int64_t to);

/* The open intervals [iv[i][0], iv[i][1]) that meet [from, to), in order
 * and not overlapping (the first and last may reach outside [from, to)),
 * into iv[max]. Returns how many, or -1 when there are more than max. For
 * many open-time questions over one range (reports): a few zone lookups
 * per local day once, then none. */
int bizclock_open_intervals(const rules_business *b, int64_t from, int64_t to, int64_t (*iv)[2],
			    int max);

/* t plus a rules offset ("24h", "3d", "180d"). Whole days are calendar days
 * in the business's zone, so a step "3d" after 10:00 comes at 10:00 local even
 * across a daylight-saving change; other offsets are exact seconds. */
int64_t bizclock_add_offset(const rules_business *b, int64_t t, int64_t offset);

/* True when t is within the quiet hours for automated texts. */
bool bizclock_in_quiet(const rules_business *b, int64_t t);

/* The first minute at or after t outside quiet hours (t if not quiet). Quiet
 * hours that cover the whole day (start == end) are treated as none. */
int64_t bizclock_after_quiet(const rules_business *b, int64_t t);

/* True when the local date of t is a holiday. */
bool bizclock_is_holiday(const rules_business *b, int64_t t);

/* Puts b->holidays in the order the lookups above search them (ascending
 * yyyymmdd). Whoever fills b->holidays calls it once afterwards. */
void bizclock_sort_holidays(rules_business *b);

/* "3:05 PM" in the business's zone. */
void bizclock_format_time(const rules_business *b, int64_t t, char *buf, size_t len);

/* When `due` is, seen from `now`, in words a customer reads: "today by 3:05 PM",
 * "tomorrow by 8:05 AM", "Monday by 8:05 AM", "on Dec 28 by 9:00 AM". Days are
 * local calendar days; a weekday name is used 2..6 days ahead. The year is added
 * ("on Dec 28, 2027 by ...") when it differs and the date is past or > 180 days off. */
void bizclock_describe_due(const rules_business *b, int64_t now, int64_t due, char *buf,
			   size_t len);

#endif

/*
 * tz.h - IANA time zones from TZif data, without touching the process's TZ.
 *
 * Pure: tz_parse() takes the bytes of a TZif file (v1, v2 or v3, including the
 * POSIX TZ footer used for instants past the last transition). Reading the file
 * is the caller's job (src/rules/tzfile.c). localtime_r()/TZ are process-global,
 * which is why leadkeep does not use them: one process serves many zones.
 */
#ifndef LK_CORE_TZ_H
#define LK_CORE_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tz_zone tz_zone;

typedef struct {
	int year;	/* e.g. 2026 */
	int month;	/* 1..12 */
	int day;	/* 1..31 */
	int hour;	/* 0..23 */
	int min;	/* 0..59 */
	int sec;	/* 0..59 */
	int wday;	/* 0 = Sunday */
	int32_t utc_offset;	/* seconds east of UTC */
	bool dst;
} tz_local;

/* Parses TZif bytes. Returns a new zone (free with tz_free) or NULL with err set.
 * Borrows data. Untrusted input is fine: every count is bounds-checked, offsets
 * must lie within +-26 hours, transitions must ascend, and a v2+ file must end
 * in a valid footer (empty, or a POSIX TZ string with the RFC 8536 extensions).
 * Leap-second records are ignored. */
tz_zone *tz_parse(const unsigned char *data, size_t len, char *err, size_t errlen);

/* The UTC zone (no transitions). Caller frees with tz_free; NULL only when out
 * of memory. */
tz_zone *tz_utc(void);

/* tz_free(NULL) is a no-op. */
void tz_free(tz_zone *z);

/* z again, for one more owner: a zone is never changed once made, so
 * owners on any threads share it (tzfile.c's cache hands the same parsed
 * zone to every business's rules); each calls tz_free, the last one frees. */
tz_zone *tz_share(tz_zone *z);

/* In the functions below a NULL zone means UTC. Instants are clamped to about
 * +-63 million years, far beyond any date leadkeep handles. */

/* UTC instant -> local wall time in zone z. */
void tz_to_local(const tz_zone *z, int64_t t, tz_local *out);

/*
 * Local wall time -> UTC instant. A wall time that does not exist (skipped by a
 * spring-forward change) is read with the UTC offset in effect before the gap,
 * as RFC 5545 (3.3.5) and most calendars do: it moves forward by the length of
 * the gap (02:30 on a night whose clocks jump 02:00 -> 03:00 is 03:30), and the
 * function returns 1. An ambiguous wall time (repeated by a fall-back change)
 * maps to its first occurrence; otherwise returns 0. Fields may be out of range
 * (day 32, minute 90): they are normalised first, like mktime().
 */
int tz_from_local(const tz_zone *z, int year, int month, int day, int hour, int min,
		  int64_t *out);

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. The month
 * may be out of range (13 = January of the next year); the day is added as is. */
int64_t tz_days_from_civil(int year, int month, int day);
void tz_civil_from_days(int64_t days, int *year, int *month, int *day);

/* a / b rounded towards minus infinity (b != 0), so instants before 1970 fall
 * in the right day or minute; C's / rounds towards zero. */
int64_t tz_floor_div(int64_t a, int64_t b);

#endif

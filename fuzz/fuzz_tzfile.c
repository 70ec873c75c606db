// fuzz-sources: src/core/tz.c
/*
 * fuzz_tzfile.c - libFuzzer target for the TZif parser (src/core/tz.c, which
 * src/rules/tzfile.c feeds with a zone file's bytes).
 *
 * The input is a zone file. A refusal must say why; an accepted zone must
 * keep tz.h's promises at instants from before 1900 to past 2100 and at the
 * clamped extremes: local fields in range, offsets within +-26 hours, and a
 * local minute read back through tz_from_local() lands on an instant showing
 * it, or - skipped by a gap - on a later one, read with an offset in range.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_local(const tz_local *l)
{
	if (l->month < 1 || l->month > 12 || l->day < 1 || l->day > 31 || l->hour < 0 ||
	    l->hour > 23 || l->min < 0 || l->min > 59 || l->sec < 0 || l->sec > 60 ||
	    l->wday < 0 || l->wday > 6 || l->utc_offset < -26 * 3600 || l->utc_offset > 26 * 3600)
		abort();
}

/* A wall time as seconds on the local time line. */
static int64_t
wall(const tz_local *l)
{
	return tz_days_from_civil(l->year, l->month, l->day) * 86400 + l->hour * 3600 +
	       l->min * 60 + l->sec;
}

static void
check_instant(const tz_zone *z, int64_t t, bool round_trip)
{
	tz_local l, at;
	int64_t u, want;
	int rc;

	tz_to_local(z, t, &l);
	check_local(&l);
	if (!round_trip)
		return;
	/* The start of the wall minute t shows, back to an instant: one that
	 * shows exactly it, or - when that start was skipped (a transition
	 * inside the minute) - the instant the wall time names under the offset
	 * before the gap (RFC 5545), which shows a later wall time. */
	want = wall(&l) - l.sec;
	rc = tz_from_local(z, l.year, l.month, l.day, l.hour, l.min, &u);
	tz_to_local(z, u, &at);
	check_local(&at);
	if (rc == 0 && wall(&at) != want)
		abort();
	if (rc == 1 && (wall(&at) <= want || want - u < -26 * 3600 || want - u > 26 * 3600))
		abort();
	if (rc != 0 && rc != 1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t probes[] = {
		-2208988800LL,	/* 1900 */
		-1LL, 0, 1699999999LL, 1710054000LL, 1730613600LL, 1774000000LL,
		2147483647LL,	/* where 32-bit transitions end */
		4102444800LL,	/* 2100: the footer's rule */
	};
	char err[256] = "";
	tz_zone *z = tz_parse(data, size, err, sizeof err);

	if (z == NULL) {
		if (err[0] == '\0')
			abort();	/* a refusal says why */
		return 0;
	}
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
		for (int64_t d = -86400; d <= 86400; d += 3600 * 7 + 1)
			check_instant(z, probes[i] + d, true);
	check_instant(z, INT64_MIN, false);
	check_instant(z, INT64_MAX, false);
	tz_free(z);
	return 0;
}

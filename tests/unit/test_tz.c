/*
 * test_tz.c - TZif parsing, POSIX TZ footers, local <-> UTC conversion.
 *
 * Real zones are read from /usr/share/zoneinfo by the test itself (tz.c does no
 * I/O). Expected instants were computed with `TZ=<zone> date -d '<local>' +%s`
 * and are hard-coded with the local time they stand for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/tz.h"

#define ZONEINFO "/usr/share/zoneinfo/"

/* ---- helpers ---- */

static unsigned char *
read_bytes(const char *name, size_t *len)
{
	char path[256];
	unsigned char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof path, ZONEINFO "%s", name);
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
	*len = (size_t)n;
	return buf;
}

static tz_zone *
load(const char *name)
{
	char err[200] = "";
	size_t len;
	unsigned char *data = read_bytes(name, &len);
	tz_zone *z = tz_parse(data, len, err, sizeof err);

	if (z == NULL)
		fail_msg("%s: %s", name, err);
	free(data);
	return z;
}

static void
assert_offset(const tz_zone *z, int64_t t, int32_t utoff, bool dst)
{
	tz_local lt;

	tz_to_local(z, t, &lt);
	assert_int_equal(lt.utc_offset, utoff);
	assert_int_equal(lt.dst, dst);
}

static void
assert_local(const tz_zone *z, int64_t t, int y, int mo, int d, int h, int mi)
{
	tz_local lt;

	tz_to_local(z, t, &lt);
	assert_int_equal(lt.year, y);
	assert_int_equal(lt.month, mo);
	assert_int_equal(lt.day, d);
	assert_int_equal(lt.hour, h);
	assert_int_equal(lt.min, mi);
}

static void
assert_from_local(const tz_zone *z, int y, int mo, int d, int h, int mi, int64_t want,
		  int want_rc)
{
	int64_t t = 0;

	assert_int_equal(tz_from_local(z, y, mo, d, h, mi, &t), want_rc);
	assert_int_equal(t, want);
}

/* A TZif image built by hand. All types share the designation "ABC". */
typedef struct {
	char version;		/* 0, '2', '3' */
	const int64_t *trans;
	const unsigned char *idx;
	size_t ntrans;
	const int32_t *utoff;
	const unsigned char *isdst;
	size_t ntypes;
	const char *footer;	/* v2+: the TZ string, "" for none */
} tzif_spec;

typedef struct {
	unsigned char b[8192];
	size_t n;
} tzif_buf;

static void
put_u32(tzif_buf *o, uint32_t v)
{
	for (int i = 3; i >= 0; i--)
		o->b[o->n++] = (unsigned char)(v >> (8 * i));
}

static void
put_block(tzif_buf *o, const tzif_spec *s, char version, int tsize)
{
	memcpy(o->b + o->n, "TZif", 4);
	o->n += 4;
	o->b[o->n++] = (unsigned char)version;
	memset(o->b + o->n, 0, 15);
	o->n += 15;
	put_u32(o, 0);			/* isutcnt */
	put_u32(o, 0);			/* isstdcnt */
	put_u32(o, 0);			/* leapcnt */
	put_u32(o, (uint32_t)s->ntrans);
	put_u32(o, (uint32_t)s->ntypes);
	put_u32(o, 4);			/* charcnt */
	for (size_t i = 0; i < s->ntrans; i++) {
		uint64_t v = (uint64_t)s->trans[i];
		if (tsize == 8)
			put_u32(o, (uint32_t)(v >> 32));
		put_u32(o, (uint32_t)v);
	}
	for (size_t i = 0; i < s->ntrans; i++)
		o->b[o->n++] = s->idx[i];
	for (size_t i = 0; i < s->ntypes; i++) {
		put_u32(o, (uint32_t)s->utoff[i]);
		o->b[o->n++] = s->isdst[i];
		o->b[o->n++] = 0;
	}
	memcpy(o->b + o->n, "ABC", 4);
	o->n += 4;
}

/* v1 block from `v1` (or from s itself), then for v2+ the 64-bit block and footer. */
static void
build(tzif_buf *o, const tzif_spec *s, const tzif_spec *v1)
{
	o->n = 0;
	put_block(o, v1 ? v1 : s, s->version, 4);
	if (s->version == 0)
		return;
	put_block(o, s, s->version, 8);
	o->n += (size_t)sprintf((char *)o->b + o->n, "\n%s\n", s->footer);
}

static const int32_t one_off[] = { 0 };
static const unsigned char one_dst[] = { 0 };

/* A v2 file with one type and no transitions: the footer is all there is. */
static tz_zone *
footer_zone(const char *footer)
{
	tzif_spec s = { '2', NULL, NULL, 0, one_off, one_dst, 1, footer };
	tzif_buf o;
	char err[200] = "";
	tz_zone *z;

	build(&o, &s, NULL);
	z = tz_parse(o.b, o.n, err, sizeof err);
	if (z == NULL)
		fail_msg("footer \"%s\": %s", footer, err);
	return z;
}

static void
assert_footer_rejected(const char *footer)
{
	tzif_spec s = { '2', NULL, NULL, 0, one_off, one_dst, 1, footer };
	tzif_buf o;
	char err[200] = "";
	tz_zone *z;

	build(&o, &s, NULL);
	z = tz_parse(o.b, o.n, err, sizeof err);
	if (z != NULL) {
		tz_free(z);
		fail_msg("footer \"%s\" was accepted", footer);
	}
	assert_true(strlen(err) > 0);
}

/* ---- calendar ---- */

static void
days_from_civil_matches_known_dates(void **state)
{
	(void)state;
	assert_int_equal(tz_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(tz_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(tz_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(tz_days_from_civil(2026, 3, 8), 20520);	/* 1772928000 / 86400 */
	assert_int_equal(tz_days_from_civil(1600, 1, 1), -135140);
}

static void
days_from_civil_normalises_month_and_day(void **state)
{
	(void)state;
	assert_int_equal(tz_days_from_civil(2025, 13, 1), tz_days_from_civil(2026, 1, 1));
	assert_int_equal(tz_days_from_civil(2026, 0, 1), tz_days_from_civil(2025, 12, 1));
	assert_int_equal(tz_days_from_civil(2026, 1, 32), tz_days_from_civil(2026, 2, 1));
	assert_int_equal(tz_days_from_civil(2028, 3, 0), tz_days_from_civil(2028, 2, 29));
}

static void
civil_from_days_round_trips(void **state)
{
	(void)state;
	for (int64_t d = -800000; d <= 800000; d += 97) {
		int y, m, dd;
		tz_civil_from_days(d, &y, &m, &dd);
		assert_true(m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
		assert_int_equal(tz_days_from_civil(y, m, dd), d);
	}
}

/* ---- UTC ---- */

static void
utc_zone_has_zero_offset(void **state)
{
	tz_zone *z = tz_utc();

	(void)state;
	assert_non_null(z);
	assert_offset(z, 1781636520, 0, false);
	assert_local(z, 1781636520, 2026, 6, 16, 19, 2);	/* 14:02 CDT */
	assert_from_local(z, 2026, 6, 16, 19, 2, 1781636520, 0);
	tz_free(z);
}

/* Shared by three owners: usable until the last tz_free (ASan says
 * whether it was freed early, twice or never). */
static void
shared_zone_lives_until_its_last_owner_frees_it(void **state)
{
	tz_zone *z = tz_utc();

	(void)state;
	assert_non_null(z);
	assert_ptr_equal(tz_share(z), z);
	assert_ptr_equal(tz_share(z), z);
	assert_null(tz_share(NULL));
	tz_free(z);
	tz_free(z);
	assert_offset(z, 1781636520, 0, false);
	tz_free(z);
}

static void
null_zone_means_utc(void **state)
{
	tz_local lt;

	(void)state;
	tz_to_local(NULL, 0, &lt);
	assert_int_equal(lt.year, 1970);
	assert_int_equal(lt.wday, 4);	/* Thursday */
	assert_from_local(NULL, 1970, 1, 1, 0, 0, 0, 0);
	tz_free(NULL);
}

static void
to_local_fills_every_field(void **state)
{
	tz_zone *z = load("America/Chicago");
	tz_local lt;

	(void)state;
	tz_to_local(z, 1781636550, &lt);	/* Tue 2026-06-16 14:02:30 CDT */
	assert_int_equal(lt.year, 2026);
	assert_int_equal(lt.month, 6);
	assert_int_equal(lt.day, 16);
	assert_int_equal(lt.hour, 14);
	assert_int_equal(lt.min, 2);
	assert_int_equal(lt.sec, 30);
	assert_int_equal(lt.wday, 2);
	assert_int_equal(lt.utc_offset, -18000);
	assert_true(lt.dst);
	tz_free(z);
}

/* ---- America/New_York, 2026 ---- */

static void
new_york_is_est_just_before_spring_forward(void **state)
{
	tz_zone *z = load("America/New_York");

	(void)state;
	assert_offset(z, 1772953140, -18000, false);	/* 2026-03-08 01:59 EST */
	assert_offset(z, 1772953199, -18000, false);
	assert_local(z, 1772953140, 2026, 3, 8, 1, 59);
	tz_free(z);
}

static void
new_york_is_edt_from_spring_forward(void **state)
{
	tz_zone *z = load("America/New_York");

	(void)state;
	assert_offset(z, 1772953200, -14400, true);	/* 2026-03-08 03:00 EDT */
	assert_local(z, 1772953200, 2026, 3, 8, 3, 0);
	tz_free(z);
}

static void
new_york_gap_shifts_forward_by_the_gap_like_rfc_5545(void **state)
{
	tz_zone *z = load("America/New_York");
	tz_local lt;

	(void)state;
	/* 02:00..02:59 do not exist on 2026-03-08 (03:00 EDT = 1772953200): a
	 * time in the gap is read with the offset before it (EST), so it moves
	 * forward by the hour the clocks jump, as calendars do. */
	assert_from_local(z, 2026, 3, 8, 2, 0, 1772953200, 1);		/* 03:00 EDT */
	assert_from_local(z, 2026, 3, 8, 2, 30, 1772953200 + 1800, 1);	/* 03:30 EDT */
	assert_from_local(z, 2026, 3, 8, 2, 59, 1772953200 + 3540, 1);	/* 03:59 EDT */
	tz_to_local(z, 1772953200 + 1800, &lt);
	assert_int_equal(lt.hour, 3);
	assert_int_equal(lt.min, 30);
	assert_from_local(z, 2026, 3, 8, 1, 59, 1772953140, 0);
	assert_from_local(z, 2026, 3, 8, 3, 0, 1772953200, 0);
	tz_free(z);
}

static void
new_york_fall_back_switches_to_est(void **state)
{
	tz_zone *z = load("America/New_York");

	(void)state;
	assert_offset(z, 1793512799, -14400, true);	/* 2026-11-01 01:59:59 EDT */
	assert_offset(z, 1793512800, -18000, false);	/* 2026-11-01 01:00 EST */
	assert_local(z, 1793512800, 2026, 11, 1, 1, 0);
	tz_free(z);
}

static void
new_york_ambiguous_time_maps_to_first_occurrence(void **state)
{
	tz_zone *z = load("America/New_York");

	(void)state;
	assert_from_local(z, 2026, 11, 1, 1, 30, 1793511000, 0);	/* 01:30 EDT, not EST */
	assert_from_local(z, 2026, 11, 1, 2, 0, 1793516400, 0);	/* 02:00 EST */
	assert_from_local(z, 2026, 11, 1, 0, 0, 1793505600, 0);	/* 00:00 EDT */
	tz_free(z);
}

static void
new_york_local_round_trip_covers_2026(void **state)
{
	tz_zone *z = load("America/New_York");

	(void)state;
	/* Every quarter hour of 2026: back to the same instant, except the
	 * second pass of the repeated hour, which maps to the first pass. */
	for (int64_t t = 1767243600; t < 1798779600; t += 900) {
		tz_local lt;
		int64_t back;

		tz_to_local(z, t, &lt);
		assert_int_equal(tz_from_local(z, lt.year, lt.month, lt.day, lt.hour, lt.min, &back), 0);
		if (t >= 1793512800 && t < 1793516400)
			assert_int_equal(back, t - 3600);
		else
			assert_int_equal(back, t);
	}
	tz_free(z);
}

/* ---- Europe/Berlin, 2026 ---- */

static void
berlin_spring_forward_offsets_and_gap(void **state)
{
	tz_zone *z = load("Europe/Berlin");

	(void)state;
	assert_offset(z, 1774745940, 3600, false);	/* 2026-03-29 01:59 CET */
	assert_offset(z, 1774746000, 7200, true);	/* 2026-03-29 03:00 CEST */
	assert_from_local(z, 2026, 3, 29, 2, 30, 1774746000 + 1800, 1);	/* 03:30 CEST */
	assert_from_local(z, 2026, 3, 29, 3, 0, 1774746000, 0);
	tz_free(z);
}

static void
berlin_fall_back_offsets_and_ambiguity(void **state)
{
	tz_zone *z = load("Europe/Berlin");

	(void)state;
	assert_offset(z, 1792889999, 7200, true);	/* 2026-10-25 02:59:59 CEST */
	assert_offset(z, 1792890000, 3600, false);	/* 2026-10-25 02:00 CET */
	assert_from_local(z, 2026, 10, 25, 2, 30, 1792888200, 0);	/* 02:30 CEST */
	assert_local(z, 1792891800, 2026, 10, 25, 2, 30);	/* 02:30 CET */
	tz_free(z);
}

/* ---- footer rules ---- */

static void
new_york_footer_rule_governs_2090(void **state)
{
	tz_zone *z = load("America/New_York");

	(void)state;
	assert_offset(z, 3792985199, -18000, false);	/* 2090-03-12 01:59:59 EST */
	assert_offset(z, 3792985200, -14400, true);	/* 2090-03-12 03:00 EDT */
	assert_offset(z, 3813544799, -14400, true);	/* 2090-11-05 01:59:59 EDT */
	assert_offset(z, 3813544800, -18000, false);	/* 2090-11-05 01:00 EST */
	assert_from_local(z, 2090, 3, 12, 2, 15, 3792985200 + 900, 1);	/* 03:15 EDT */
	tz_free(z);
}

static void
berlin_footer_rule_governs_2090(void **state)
{
	tz_zone *z = load("Europe/Berlin");

	(void)state;
	assert_offset(z, 3794173199, 3600, false);	/* 2090-03-26 01:59:59 CET */
	assert_offset(z, 3794173200, 7200, true);	/* 2090-03-26 03:00 CEST */
	assert_offset(z, 3812921999, 7200, true);	/* 2090-10-29 02:59:59 CEST */
	assert_offset(z, 3812922000, 3600, false);	/* 2090-10-29 02:00 CET */
	tz_free(z);
}

static void
footer_only_zone_follows_us_rules(void **state)
{
	tz_zone *z = footer_zone("CST6CDT,M3.2.0,M11.1.0");

	(void)state;
	assert_offset(z, 1772956799, -21600, false);	/* 2026-03-08 01:59:59 CST */
	assert_offset(z, 1772956800, -18000, true);	/* 2026-03-08 03:00 CDT */
	assert_offset(z, 1781636520, -18000, true);	/* 2026-06-16 14:02 CDT */
	assert_offset(z, 1798155000, -21600, false);	/* 2026-12-24 17:30 CST */
	assert_from_local(z, 2026, 6, 16, 14, 2, 1781636520, 0);
	tz_free(z);
}

static void
footer_dst_without_dates_defaults_to_us_rules(void **state)
{
	tz_zone *z = footer_zone("CST6CDT");

	(void)state;
	assert_offset(z, 1772956799, -21600, false);
	assert_offset(z, 1772956800, -18000, true);
	tz_free(z);
}

static void
footer_southern_hemisphere_wraps_the_year(void **state)
{
	tz_zone *z = footer_zone("AEST-10AEDT,M10.1.0,M4.1.0/3");

	(void)state;
	assert_offset(z, 1767232800, 39600, true);	/* 2026-01-01 13:00 AEDT */
	assert_offset(z, 1782864000, 36000, false);	/* 2026-07-01 10:00 AEST */
	assert_from_local(z, 2026, 4, 5, 2, 30, 1775316600, 0);	/* first pass: AEDT */
	assert_local(z, 1775320200, 2026, 4, 5, 2, 30);	/* second pass: AEST */
	assert_offset(z, 1791043140, 36000, false);	/* 2026-10-04 01:59 AEST */
	assert_offset(z, 1791043200, 39600, true);	/* 2026-10-04 03:00 AEDT */
	tz_free(z);
}

static void
footer_angle_bracket_names_and_negative_times(void **state)
{
	tz_zone *fixed = footer_zone("<+03>-3");
	tz_zone *nuuk = footer_zone("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");

	(void)state;
	assert_offset(fixed, 1781636520, 10800, false);
	/* "/-1": 23:00 on the Saturday before the last Sunday of March. */
	assert_offset(nuuk, 1901149199, -7200, false);	/* 2030-03-30 22:59:59 -02 */
	assert_offset(nuuk, 1901149200, -3600, true);	/* 2030-03-31 00:00 -01 */
	assert_local(nuuk, 1901149200, 2030, 3, 31, 0, 0);
	/* "/0": midnight starting the last Sunday of October, in DST. */
	assert_offset(nuuk, 1919293199, -3600, true);	/* 2030-10-26 23:59:59 -01 */
	assert_offset(nuuk, 1919293200, -7200, false);	/* 2030-10-26 23:00 -02 */
	tz_free(fixed);
	tz_free(nuuk);
}

static void
footer_julian_forms_treat_feb_29_differently(void **state)
{
	/* Jn never counts Feb 29; n (zero-based) does. Offsets: +0 / +1h. */
	tz_zone *j = footer_zone("AAA0BBB,J60/0,J300/0");
	tz_zone *n = footer_zone("AAA0BBB,59/0,J300/0");

	(void)state;
	assert_offset(j, 1835395200, 0, false);	/* 2028-02-29 00:00 */
	assert_offset(j, 1835481600, 3600, true);	/* 2028-03-01 00:00 */
	assert_offset(n, 1835395200, 3600, true);	/* 2028-02-29: day 59 of a leap year */
	assert_offset(n, 1803816000, 0, false);	/* 2027-02-28 12:00 */
	assert_offset(n, 1803859200, 3600, true);	/* 2027-03-01: day 59 of 2027 */
	tz_free(j);
	tz_free(n);
}

static void
footer_all_year_dst_stays_in_dst(void **state)
{
	tz_zone *z = footer_zone("EST5EDT,0/0,J365/25");

	(void)state;
	assert_offset(z, 1767232800, -14400, true);	/* 2026-01-01 */
	assert_offset(z, 1782864000, -14400, true);	/* 2026-07-01 */
	assert_offset(z, 1798761600, -14400, true);	/* 2027-01-01 00:00 UTC */
	tz_free(z);
}

static void
footer_with_explicit_dst_offset_and_minutes(void **state)
{
	tz_zone *z = footer_zone("<+0530>-5:30<+0630>-6:30,M3.5.0,M10.5.0");

	(void)state;
	assert_offset(z, 1767232800, 19800, false);
	assert_offset(z, 1782864000, 23400, true);
	tz_free(z);
}

/* ---- TZif structure ---- */

static void
v1_only_file_uses_32_bit_data(void **state)
{
	static const int64_t tr[] = { 1000000000 };
	static const unsigned char idx[] = { 1 };
	static const int32_t off[] = { 3600, -18000 };
	static const unsigned char dst[] = { 0, 0 };
	tzif_spec s = { 0, tr, idx, 1, off, dst, 2, NULL };
	tzif_buf o;
	char err[200];
	tz_zone *z;

	(void)state;
	build(&o, &s, NULL);
	z = tz_parse(o.b, o.n, err, sizeof err);
	assert_non_null(z);
	assert_offset(z, 999999999, 3600, false);	/* before the first: type 0 */
	assert_offset(z, 1000000000, -18000, false);
	assert_offset(z, 4000000000, -18000, false);	/* no footer: last type */
	tz_free(z);
}

static void
v2_file_prefers_64_bit_block(void **state)
{
	static const int64_t tr[] = { INT64_C(-5000000000), INT64_C(5000000000) };
	static const unsigned char idx[] = { 1, 0 };
	static const int32_t off[] = { 0, 7200 };
	static const unsigned char dst[] = { 0, 1 };
	static const int32_t v1off[] = { -36000 };
	tzif_spec s = { '3', tr, idx, 2, off, dst, 2, "" };
	tzif_spec v1 = { '3', NULL, NULL, 0, v1off, one_dst, 1, NULL };
	tzif_buf o;
	char err[200];
	tz_zone *z;

	(void)state;
	build(&o, &s, &v1);
	z = tz_parse(o.b, o.n, err, sizeof err);
	assert_non_null(z);
	assert_offset(z, INT64_C(-6000000000), 0, false);
	assert_offset(z, 0, 7200, true);		/* past 32-bit range on both sides */
	assert_offset(z, INT64_C(6000000000), 0, false);	/* empty footer: last type */
	tz_free(z);
}

static void
rejects_bad_magic_and_short_input(void **state)
{
	unsigned char junk[64] = "TZix2";
	char err[200] = "";

	(void)state;
	assert_null(tz_parse(junk, sizeof junk, err, sizeof err));
	assert_non_null(strstr(err, "magic"));
	assert_null(tz_parse((const unsigned char *)"TZif2", 5, err, sizeof err));
	assert_null(tz_parse(NULL, 0, err, sizeof err));
	assert_null(tz_parse(junk, 0, NULL, 0));	/* no err buffer: still safe */
}

static void
rejects_every_truncation_of_a_real_file(void **state)
{
	size_t len;
	unsigned char *data = read_bytes("America/New_York", &len);
	char err[200];

	(void)state;
	for (size_t n = 0; n < len; n++) {
		/* A fresh copy of exactly n bytes, so ASan sees any overread. */
		unsigned char *cut = malloc(n ? n : 1);
		tz_zone *z;

		assert_non_null(cut);
		memcpy(cut, data, n);
		z = tz_parse(cut, n, err, sizeof err);
		if (z != NULL)
			fail_msg("a %zu-byte prefix of %zu was accepted", n, len);
		free(cut);
	}
	free(data);
}

static void
rejects_bad_transition_tables(void **state)
{
	static const int64_t unsorted[] = { 2000, 1000 };
	static const unsigned char idx_ok[] = { 0, 0 };
	static const unsigned char idx_bad[] = { 5 };
	static const int32_t off_bad[] = { 100000 };
	static const unsigned char dst_bad[] = { 2 };
	tzif_spec a = { '2', unsorted, idx_ok, 2, one_off, one_dst, 1, "" };
	tzif_spec b = { '2', unsorted + 1, idx_bad, 1, one_off, one_dst, 1, "" };
	tzif_spec c = { '2', NULL, NULL, 0, off_bad, one_dst, 1, "" };
	tzif_spec d = { '2', NULL, NULL, 0, one_off, dst_bad, 1, "" };
	tzif_spec e = { '2', NULL, NULL, 0, one_off, one_dst, 0, "" };
	const tzif_spec *bad[] = { &a, &c, &d, &e };
	tzif_buf o;
	char err[200];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		build(&o, bad[i], NULL);
		err[0] = '\0';
		assert_null(tz_parse(o.b, o.n, err, sizeof err));
		assert_true(strlen(err) > 0);
	}
	build(&o, &b, NULL);
	assert_null(tz_parse(o.b, o.n, err, sizeof err));
	assert_non_null(strstr(err, "index"));
}

static void
rejects_missing_or_unterminated_footer(void **state)
{
	tzif_spec s = { '2', NULL, NULL, 0, one_off, one_dst, 1, "EST5" };
	tzif_buf o;
	char err[200];

	(void)state;
	build(&o, &s, NULL);
	assert_null(tz_parse(o.b, o.n - 1, err, sizeof err));	/* no closing newline */
	assert_null(tz_parse(o.b, o.n - 6, err, sizeof err));	/* no footer at all */
	assert_non_null(strstr(err, "footer"));
}

static void
rejects_malformed_footer_strings(void **state)
{
	static const char *const bad[] = {
		"E5", "EST", "EST25", "EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0",
		"EST5EDT,M3.6.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0", "EST5EDT,J0,J365",
		"EST5EDT,366,J365", "EST5EDT,M3.2.0/168,M11.1.0", "EST5EDT,M3.2.0,M11.1.0x",
		"<+03-3", "<+3>-3", "EST5:60", "EST-", "EST5EDT,M3.2.0/2:3:99,M11.1.0",
		"EST5EDT,M3.2.0,,M11.1.0", "EST1234",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_footer_rejected(bad[i]);
}

static void
mutated_real_files_never_crash(void **state)
{
	static const char *const zones[] = { "America/New_York", "Europe/Berlin" };
	uint32_t seed = 12345;

	(void)state;
	for (size_t zi = 0; zi < 2; zi++) {
		size_t len;
		unsigned char *orig = read_bytes(zones[zi], &len);
		unsigned char *data = malloc(len);

		assert_non_null(data);
		for (int iter = 0; iter < 3000; iter++) {
			char err[200];
			tz_zone *z;

			memcpy(data, orig, len);
			for (int k = 0; k < 1 + iter % 4; k++) {
				seed ^= seed << 13;
				seed ^= seed >> 17;
				seed ^= seed << 5;
				/* Hit the headers often: they steer everything else. */
				size_t at = (k == 0 && iter % 3 == 0) ? seed % 44 : seed % len;
				data[at] = (unsigned char)(seed >> 8);
			}
			z = tz_parse(data, len, err, sizeof err);
			if (z != NULL) {
				tz_local lt;
				int64_t t;

				tz_to_local(z, (int64_t)seed * 3, &lt);
				tz_to_local(z, INT64_MAX, &lt);
				tz_to_local(z, INT64_MIN, &lt);
				tz_from_local(z, 2026, 3, 8, 2, 30, &t);
				tz_from_local(z, 2090, 11, 5, 1, 30, &t);
				tz_free(z);
			}
		}
		free(data);
		free(orig);
	}
}

static void
from_local_normalises_out_of_range_fields(void **state)
{
	tz_zone *z = load("America/Chicago");
	int64_t a, b;

	(void)state;
	/* 2026-06-15 38:122 = 2026-06-16 16:02 CDT */
	assert_int_equal(tz_from_local(z, 2026, 6, 15, 38, 122, &a), 0);
	assert_int_equal(tz_from_local(z, 2026, 6, 16, 16, 2, &b), 0);
	assert_int_equal(a, b);
	assert_from_local(z, 2025, 18, 16, 14, 2, 1781636520, 0);	/* month 18 of 2025 */
	assert_from_local(z, 2026, 5, 47, 14, 2, 1781636520, 0);	/* May 47 */
	assert_from_local(z, 2026, 6, 17, -10, 2, 1781636520, 0);	/* hour -10 */
	assert_int_equal(tz_from_local(z, 2147483647, 2147483647, 2147483647, 2147483647,
				       2147483647, &a), 0);
	assert_int_equal(tz_from_local(z, -2147483647 - 1, -2147483647 - 1, -2147483647 - 1,
				       -2147483647 - 1, -2147483647 - 1, &a), 0);
	tz_free(z);
}

static void
extreme_instants_are_clamped_not_overflowed(void **state)
{
	tz_zone *z = load("Europe/Berlin");
	tz_local lt;

	(void)state;
	tz_to_local(z, INT64_MAX, &lt);
	assert_true(lt.year > 60000000);
	tz_to_local(z, INT64_MIN, &lt);
	assert_true(lt.year < -60000000);
	tz_free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(days_from_civil_matches_known_dates),
		cmocka_unit_test(days_from_civil_normalises_month_and_day),
		cmocka_unit_test(civil_from_days_round_trips),
		cmocka_unit_test(utc_zone_has_zero_offset),
		cmocka_unit_test(shared_zone_lives_until_its_last_owner_frees_it),
		cmocka_unit_test(null_zone_means_utc),
		cmocka_unit_test(to_local_fills_every_field),
		cmocka_unit_test(new_york_is_est_just_before_spring_forward),
		cmocka_unit_test(new_york_is_edt_from_spring_forward),
		cmocka_unit_test(new_york_gap_shifts_forward_by_the_gap_like_rfc_5545),
		cmocka_unit_test(new_york_fall_back_switches_to_est),
		cmocka_unit_test(new_york_ambiguous_time_maps_to_first_occurrence),
		cmocka_unit_test(new_york_local_round_trip_covers_2026),
		cmocka_unit_test(berlin_spring_forward_offsets_and_gap),
		cmocka_unit_test(berlin_fall_back_offsets_and_ambiguity),
		cmocka_unit_test(new_york_footer_rule_governs_2090),
		cmocka_unit_test(berlin_footer_rule_governs_2090),
		cmocka_unit_test(footer_only_zone_follows_us_rules),
		cmocka_unit_test(footer_dst_without_dates_defaults_to_us_rules),
		cmocka_unit_test(footer_southern_hemisphere_wraps_the_year),
		cmocka_unit_test(footer_angle_bracket_names_and_negative_times),
		cmocka_unit_test(footer_julian_forms_treat_feb_29_differently),
		cmocka_unit_test(footer_all_year_dst_stays_in_dst),
		cmocka_unit_test(footer_with_explicit_dst_offset_and_minutes),
		cmocka_unit_test(v1_only_file_uses_32_bit_data),
		cmocka_unit_test(v2_file_prefers_64_bit_block),
		cmocka_unit_test(rejects_bad_magic_and_short_input),
		cmocka_unit_test(rejects_every_truncation_of_a_real_file),
		cmocka_unit_test(rejects_bad_transition_tables),
		cmocka_unit_test(rejects_missing_or_unterminated_footer),
		cmocka_unit_test(rejects_malformed_footer_strings),
		cmocka_unit_test(mutated_real_files_never_crash),
		cmocka_unit_test(from_local_normalises_out_of_range_fields),
		cmocka_unit_test(extreme_instants_are_clamped_not_overflowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

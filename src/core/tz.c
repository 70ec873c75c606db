/*
 * tz.c - TZif (RFC 8536, versions 1 to 4) and POSIX TZ strings, evaluated
 * without the C library's localtime()/mktime()/TZ, which are process-global.
 *
 * Pure: bytes in, zone out; no I/O. Input is untrusted (fuzzed): every count is
 * bounds-checked before use and nothing is read past `len`. Leap-second records
 * are skipped: civil time in leadkeep is POSIX time.
 */
#include "core/tz.h"
#include "core/ascii.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 8536 3.2: utoff SHOULD lie in -25:59:59..+25:59:59; we insist. */
#define TZ_UTOFF_MIN (-89999)
#define TZ_UTOFF_MAX 93599

/* Instants are clamped to about +-63 million years so that every derived year
 * fits an int and no arithmetic below can overflow. tz_from_local clamps to a
 * smaller range so its search window stays inside the larger one. */
#define TZ_T_LIMIT INT64_C(2000000000000000)
#define TZ_L_LIMIT INT64_C(1000000000000000)
#define TZ_DAYS_LIMIT INT64_C(700000000000)

#define TZ_FOOTER_MAX 512
#define TZ_HDR_LEN 44

typedef struct {
	int32_t utoff;
	bool isdst;
} tz_type;

/* One end of a daylight-saving period in a POSIX TZ string. */
typedef struct {
	char kind;		/* 'J' (1..365, no Feb 29), 'D' (0..365), 'M' */
	int day;		/* J, D */
	int month, week, wday;	/* M: month 1..12, week 1..5 (5 = last), wday 0..6 */
	int32_t time;		/* seconds after local midnight, -167h..167h */
} tz_ruledate;

typedef struct {
	int32_t std_off;	/* seconds east of UTC */
	int32_t dst_off;
	bool has_dst;
	tz_ruledate start, end;
} tz_rule;

struct tz_zone {
	int64_t *trans;		/* strictly ascending */
	unsigned char *trans_type; /* index into types, one per transition */
	size_t ntrans;
	tz_type *types;
	size_t ntypes;
	bool has_rule;		/* footer governs instants after the last transition */
	tz_rule rule;
	int owners;		/* besides the first (tz_share); atomic */
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int64_t
tz_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t
floor_mod(int64_t a, int64_t b)
{
	return a - tz_floor_div(a, b) * b;
}

static int64_t
clamp64(int64_t v, int64_t lim)
{
	return v < -lim ? -lim : (v > lim ? lim : v);
}

/* ---- civil calendar (Howard Hinnant, "chrono-compatible low-level date
 * algorithms"); valid for the whole clamped range. ---- */

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int64_t y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return (m == 2 && is_leap(y)) ? 29 : len[m - 1];
}

/* m must be 1..12; d is added linearly (day 0 is the last day of the previous month). */
static int64_t
days_from_civil(int64_t y, int m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = tz_floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = tz_floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Year and month are normalised (month 13 = January of the next year). */
static int64_t
days_from_ym_d(int64_t year, int64_t month, int64_t day)
{
	int64_t m0 = month - 1;

	year += tz_floor_div(m0, 12);
	m0 = floor_mod(m0, 12);
	return days_from_civil(year, (int)m0 + 1, day);
}

int64_t
tz_days_from_civil(int year, int month, int day)
{
	return days_from_ym_d(year, month, day);
}

void
tz_civil_from_days(int64_t days, int *year, int *month, int *day)
{
	int64_t y;

	civil_from_days(clamp64(days, TZ_DAYS_LIMIT), &y, month, day);
	*year = (int)y;
}

/* ---- POSIX TZ strings ("CET-1CEST,M3.5.0,M10.5.0/3") ---- */

/* Reads up to `maxdigits` digits into *out; false if there is none. */
static bool
rule_num(const char **s, int maxdigits, int *out)
{
	const char *p = *s;
	int v = 0, n = 0;

	while (ascii_is_digit(*p) && n < maxdigits) {
		v = v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (n == 0 || ascii_is_digit(*p))
		return false;
	*out = v;
	*s = p;
	return true;
}

/* A zone abbreviation: three or more letters, or <...> of [A-Za-z0-9+-]. */
static bool
rule_name(const char **s)
{
	const char *p = *s, *start;

	if (*p == '<') {
		start = ++p;
		while (ascii_is_alpha(*p) || ascii_is_digit(*p) || *p == '+' || *p == '-')
			p++;
		if (*p != '>' || p - start < 3)
			return false;
		*s = p + 1;
		return true;
	}
	start = p;
	while (ascii_is_alpha(*p))
		p++;
	if (p - start < 3)
		return false;
	*s = p;
	return true;
}

/* [+-]hh[:mm[:ss]] with hh <= maxh, in seconds. */
static bool
rule_hms(const char **s, int maxh, int32_t *out)
{
	const char *p = *s;
	int sign = 1, h, m = 0, sec = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!rule_num(&p, 3, &h) || h > maxh)
		return false;
	if (*p == ':') {
		p++;
		if (!rule_num(&p, 2, &m) || m > 59)
			return false;
		if (*p == ':') {
			p++;
			if (!rule_num(&p, 2, &sec) || sec > 59)
				return false;
		}
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	*s = p;
	return true;
}

static bool
rule_date(const char **s, tz_ruledate *d)
{
	const char *p = *s;

	if (*p == 'J') {
		p++;
		d->kind = 'J';
		if (!rule_num(&p, 3, &d->day) || d->day < 1 || d->day > 365)
			return false;
	} else if (*p == 'M') {
		p++;
		d->kind = 'M';
		if (!rule_num(&p, 2, &d->month) || d->month < 1 || d->month > 12 || *p++ != '.')
			return false;
		if (!rule_num(&p, 1, &d->week) || d->week < 1 || d->week > 5 || *p++ != '.')
			return false;
		if (!rule_num(&p, 1, &d->wday) || d->wday > 6)
			return false;
	} else {
		d->kind = 'D';
		if (!rule_num(&p, 3, &d->day) || d->day > 365)
			return false;
	}
	d->time = 7200;
	if (*p == '/') {
		p++;
		/* RFC 8536 4.3 extends the POSIX range to -167..167 hours. */
		if (!rule_hms(&p, 167, &d->time))
			return false;
	}
	*s = p;
	return true;
}

static bool
utoff_ok(int32_t off)
{
	return off >= TZ_UTOFF_MIN && off <= TZ_UTOFF_MAX;
}

/* Parses a whole TZ string; false if anything is left over or out of range. */
static bool
rule_parse(const char *s, tz_rule *r)
{
	int32_t v;

	memset(r, 0, sizeof *r);
	/* POSIX offsets are west-positive: "EST5" is UTC-5. */
	if (!rule_name(&s) || !rule_hms(&s, 24, &v))
		return false;
	r->std_off = -v;
	if (*s == '\0')
		return utoff_ok(r->std_off);
	if (!rule_name(&s))
		return false;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if (!rule_hms(&s, 24, &v))
			return false;
		r->dst_off = -v;
	}
	if (*s == '\0') {
		/* No dates: tzcode's default, the US rules since 2007. */
		r->start = (tz_ruledate){ .kind = 'M', .month = 3, .week = 2, .time = 7200 };
		r->end = (tz_ruledate){ .kind = 'M', .month = 11, .week = 1, .time = 7200 };
	} else {
		if (*s++ != ',' || !rule_date(&s, &r->start) || *s++ != ',' ||
		    !rule_date(&s, &r->end) || *s != '\0')
			return false;
	}
	return utoff_ok(r->std_off) && utoff_ok(r->dst_off);
}

/* Local date (days since the epoch) on which a rule date falls in `year`. */
static int64_t
ruledate_days(const tz_ruledate *d, int64_t year)
{
	int64_t jan1 = days_from_civil(year, 1, 1), first, day;
	int mlen;

	switch (d->kind) {
	case 'J':
		return jan1 + d->day - 1 + (is_leap(year) && d->day >= 60);
	case 'D':
		return jan1 + d->day;
	default:
		first = days_from_civil(year, d->month, 1);
		day = first + floor_mod(d->wday - (first + 4), 7) + 7 * (d->week - 1);
		mlen = month_days(year, d->month);
		while (day >= first + mlen)
			day -= 7;
		return day;
	}
}

/* Offset in effect at t under rule r, and the next change of rule state after t. */
static void
rule_at(const tz_rule *r, int64_t t, int32_t *off, bool *dst, int64_t *next)
{
	struct {
		int64_t at;
		bool dst;
	} ev[8], tmp;
	int64_t y, base;
	int m, d, n = 0;
	bool state = false;

	*next = INT64_MAX;
	if (!r->has_dst) {
		*off = r->std_off;
		*dst = false;
		return;
	}
	civil_from_days(tz_floor_div(t, 86400), &y, &m, &d);
	/* Rule times reach +-167h, so the changes of the neighbouring years
	 * can fall into this one; four years bracket t on both sides. */
	for (int64_t yy = y - 1; yy <= y + 2; yy++) {
		base = ruledate_days(&r->start, yy) * 86400 + r->start.time;
		ev[n].at = base - r->std_off;	/* start is given in standard time */
		ev[n++].dst = true;
		base = ruledate_days(&r->end, yy) * 86400 + r->end.time;
		ev[n].at = base - r->dst_off;	/* end is given in daylight time */
		ev[n++].dst = false;
	}
	/* Insertion sort; on a tie the end sorts first, so "DST all year"
	 * strings like "EST5EDT,0/0,J365/25" stay in DST. */
	for (int i = 1; i < n; i++) {
		tmp = ev[i];
		int j = i - 1;
		while (j >= 0 && (ev[j].at > tmp.at || (ev[j].at == tmp.at && ev[j].dst && !tmp.dst))) {
			ev[j + 1] = ev[j];
			j--;
		}
		ev[j + 1] = tmp;
	}
	for (int i = 0; i < n; i++) {
		if (ev[i].at <= t) {
			state = ev[i].dst;
		} else {
			*next = ev[i].at;
			break;
		}
	}
	*off = state ? r->dst_off : r->std_off;
	*dst = state;
}

/* ---- zones ---- */

/* The offset at t, and the next instant (> t) where it may change. */
static void
zone_at(const tz_zone *z, int64_t t, int32_t *off, bool *dst, int64_t *next)
{
	size_t lo, hi, n;
	const tz_type *ty;

	t = clamp64(t, TZ_T_LIMIT);
	*next = INT64_MAX;
	if (z == NULL) {
		*off = 0;
		*dst = false;
		return;
	}
	n = z->ntrans;
	if (n == 0 || t >= z->trans[n - 1]) {
		/* RFC 8536 3.2: with no transitions the footer covers all time. */
		if (z->has_rule) {
			rule_at(&z->rule, t, off, dst, next);
			return;
		}
		ty = n == 0 ? &z->types[0] : &z->types[z->trans_type[n - 1]];
	} else if (t < z->trans[0]) {
		ty = &z->types[0];
		*next = z->trans[0];
	} else {
		/* Invariant: trans[lo] <= t < trans[hi]. */
		lo = 0;
		hi = n - 1;
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (z->trans[mid] <= t)
				lo = mid;
			else
				hi = mid;
		}
		ty = &z->types[z->trans_type[lo]];
		*next = z->trans[hi];
	}
	*off = ty->utoff;
	*dst = ty->isdst;
}

tz_zone *
tz_share(tz_zone *z)
{
	if (z != NULL)
		__atomic_fetch_add(&z->owners, 1, __ATOMIC_RELAXED);
	return z;
}

void
tz_free(tz_zone *z)
{
	/* another owner still has it */
	if (z == NULL || __atomic_fetch_sub(&z->owners, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	free(z->trans);
	free(z->trans_type);
	free(z->types);
	free(z);
}

tz_zone *
tz_utc(void)
{
	tz_zone *z = calloc(1, sizeof *z);

	if (z == NULL)
		return NULL;
	z->types = calloc(1, sizeof *z->types);
	if (z->types == NULL) {
		free(z);
		return NULL;
	}
	z->ntypes = 1;
	return z;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);

	/* Two's complement without implementation-defined conversion. */
	return v <= INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1;
}

typedef struct {
	char version;
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tz_header;

/* Reads a header at p and checks that its data block (tsize-byte times) fits
 * in `avail` bytes; *blocklen receives the data block's size. The counts are
 * validated by read_block, for the one block actually used. */
static int
read_header(const unsigned char *p, size_t avail, int tsize, tz_header *h, size_t *blocklen,
	    char *err, size_t errlen)
{
	uint64_t need;

	if (avail < TZ_HDR_LEN) {
		set_err(err, errlen, "TZif: truncated header");
		return -1;
	}
	if (memcmp(p, "TZif", 4) != 0) {
		set_err(err, errlen, "TZif: bad magic (not a time zone file)");
		return -1;
	}
	h->version = (char)p[4];
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	/* Counts are 32-bit, so this 64-bit sum cannot overflow. */
	need = (uint64_t)h->timecnt * (uint64_t)(tsize + 1) + (uint64_t)h->typecnt * 6 +
	       h->charcnt + (uint64_t)h->leapcnt * (uint64_t)(tsize + 4) + h->isstdcnt +
	       h->isutcnt;
	if (need > avail - TZ_HDR_LEN) {
		set_err(err, errlen, "TZif: truncated data block");
		return -1;
	}
	*blocklen = (size_t)need;
	return 0;
}

/* Copies transitions and types from the data block at p into z. */
static int
read_block(const unsigned char *p, const tz_header *h, int tsize, tz_zone *z, char *err,
	   size_t errlen)
{
	const unsigned char *times = p;
	const unsigned char *idx = times + (size_t)h->timecnt * (size_t)tsize;
	const unsigned char *types = idx + h->timecnt;

	/* Checked here, not in read_header: a v2+ reader skips the v1 block,
	 * and slim files leave its counts minimal. */
	if (h->typecnt == 0 || h->typecnt > 256) {
		set_err(err, errlen, "TZif: %u local time types (want 1..256)", (unsigned)h->typecnt);
		return -1;
	}
	if (h->charcnt == 0) {
		set_err(err, errlen, "TZif: no time zone designations");
		return -1;
	}
	if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
	    (h->isutcnt != 0 && h->isutcnt != h->typecnt)) {
		set_err(err, errlen, "TZif: standard/UT indicator counts do not match types");
		return -1;
	}
	z->ntypes = h->typecnt;
	z->types = calloc(z->ntypes, sizeof *z->types);
	if (h->timecnt > 0) {
		z->ntrans = h->timecnt;
		z->trans = calloc(z->ntrans, sizeof *z->trans);
		z->trans_type = calloc(z->ntrans, 1);
	}
	if (z->types == NULL || (h->timecnt > 0 && (z->trans == NULL || z->trans_type == NULL))) {
		set_err(err, errlen, "TZif: out of memory");
		return -1;
	}
	for (size_t i = 0; i < z->ntypes; i++) {
		const unsigned char *ty = types + 6 * i;
		uint32_t u = be32(ty);
		int64_t off = u <= INT32_MAX ? (int64_t)u : (int64_t)u - INT64_C(4294967296);

		if (off < TZ_UTOFF_MIN || off > TZ_UTOFF_MAX) {
			set_err(err, errlen, "TZif: UT offset %lld out of range", (long long)off);
			return -1;
		}
		if (ty[4] > 1) {
			set_err(err, errlen, "TZif: bad DST flag %u", (unsigned)ty[4]);
			return -1;
		}
		if (ty[5] >= h->charcnt) {
			set_err(err, errlen, "TZif: designation index out of range");
			return -1;
		}
		z->types[i].utoff = (int32_t)off;
		z->types[i].isdst = ty[4] == 1;
	}
	for (size_t i = 0; i < z->ntrans; i++) {
		if (tsize == 8) {
			z->trans[i] = be64(times + 8 * i);
		} else {
			uint32_t u = be32(times + 4 * i);
			z->trans[i] = u <= INT32_MAX ? (int64_t)u : (int64_t)u - INT64_C(4294967296);
		}
		if (i > 0 && z->trans[i] <= z->trans[i - 1]) {
			set_err(err, errlen, "TZif: transition times not ascending");
			return -1;
		}
		if (idx[i] >= z->ntypes) {
			set_err(err, errlen, "TZif: transition type index out of range");
			return -1;
		}
		z->trans_type[i] = idx[i];
	}
	return 0;
}

/* The footer: "\n" TZ-string "\n". An empty string means no rule. */
static int
read_footer(const unsigned char *p, size_t avail, tz_zone *z, char *err, size_t errlen)
{
	const unsigned char *nl;
	char buf[TZ_FOOTER_MAX + 1];
	size_t n;

	if (avail < 2 || p[0] != '\n' || (nl = memchr(p + 1, '\n', avail - 1)) == NULL) {
		set_err(err, errlen, "TZif: missing or unterminated footer");
		return -1;
	}
	n = (size_t)(nl - (p + 1));
	if (n > TZ_FOOTER_MAX) {
		set_err(err, errlen, "TZif: footer longer than %d bytes", TZ_FOOTER_MAX);
		return -1;
	}
	if (n == 0)
		return 0;
	memcpy(buf, p + 1, n);
	buf[n] = '\0';
	if (memchr(buf, '\0', n) != NULL || !rule_parse(buf, &z->rule)) {
		set_err(err, errlen, "TZif: invalid TZ string in footer");
		return -1;
	}
	z->has_rule = true;
	return 0;
}

tz_zone *
tz_parse(const unsigned char *data, size_t len, char *err, size_t errlen)
{
	tz_header h1, h2;
	size_t b1, b2, off;
	tz_zone *z;

	if (data == NULL || read_header(data, len, 4, &h1, &b1, err, errlen) != 0)
		goto bad_input;
	if (h1.version != 0 && (h1.version < '2' || h1.version > '9')) {
		set_err(err, errlen, "TZif: unsupported version byte 0x%02x",
			(unsigned)(unsigned char)h1.version);
		return NULL;
	}
	z = calloc(1, sizeof *z);
	if (z == NULL) {
		set_err(err, errlen, "TZif: out of memory");
		return NULL;
	}
	if (h1.version == 0) {
		if (read_block(data + TZ_HDR_LEN, &h1, 4, z, err, errlen) != 0)
			goto fail;
		return z;
	}
	/* v2+: skip the 32-bit block; the 64-bit one repeats it in full. */
	off = TZ_HDR_LEN + b1;
	if (read_header(data + off, len - off, 8, &h2, &b2, err, errlen) != 0)
		goto fail;
	if (h2.version < '2') {
		set_err(err, errlen, "TZif: second header has version < 2");
		goto fail;
	}
	off += TZ_HDR_LEN;
	if (read_block(data + off, &h2, 8, z, err, errlen) != 0)
		goto fail;
	off += b2;
	if (read_footer(data + off, len - off, z, err, errlen) != 0)
		goto fail;
	return z;

fail:
	tz_free(z);
	return NULL;
bad_input:
	if (data == NULL)
		set_err(err, errlen, "TZif: no data");
	return NULL;
}

void
tz_to_local(const tz_zone *z, int64_t t, tz_local *out)
{
	int32_t off;
	bool dst;
	int64_t next, local, days, secs, y;

	t = clamp64(t, TZ_T_LIMIT);
	zone_at(z, t, &off, &dst, &next);
	local = t + off;
	days = tz_floor_div(local, 86400);
	secs = local - days * 86400;
	civil_from_days(days, &y, &out->month, &out->day);
	out->year = (int)y;
	out->hour = (int)(secs / 3600);
	out->min = (int)(secs / 60 % 60);
	out->sec = (int)(secs % 60);
	out->wday = (int)floor_mod(days + 4, 7);	/* 1970-01-01 was a Thursday */
	out->utc_offset = off;
	out->dst = dst;
}

int
tz_from_local(const tz_zone *z, int year, int month, int day, int hour, int min,
	      int64_t *out)
{
	int64_t L, t, lo, hi, next, cand, gap = 0;
	int32_t off, prev_off = 0;
	bool dst, have_gap = false;

	L = days_from_ym_d(year, month, day) * 86400 + (int64_t)hour * 3600 + (int64_t)min * 60;
	L = clamp64(L, TZ_L_LIMIT);
	/*
	 * Walk the constant-offset segments that can contain an instant with
	 * local time L (offsets are bounded, so they lie in [lo, hi]). The
	 * earliest segment holding L - off wins: that is the first occurrence of
	 * an ambiguous time. If none holds it, L was skipped: as RFC 5545 says
	 * (3.3.5), it is read with the offset in effect before the gap, which
	 * moves it forward by the gap's length (02:30 on a spring-forward night
	 * whose clocks jump 02:00 -> 03:00 is 03:30).
	 */
	lo = L - TZ_UTOFF_MAX - 1;
	hi = L - TZ_UTOFF_MIN + 1;
	for (t = lo; t <= hi; t = next) {
		zone_at(z, t, &off, &dst, &next);
		cand = L - off;
		if (cand >= t && cand < next) {
			*out = cand;
			return 0;
		}
		if (!have_gap && t > lo && t + off > L) {
			/* Keep walking: a later fall-back may still repeat L. The
			 * segment before this one ended before L (its candidate
			 * was past its end), so L - prev_off is at or after t. */
			have_gap = true;
			gap = L - prev_off;
		}
		prev_off = off;
		if (next <= t)
			break;
	}
	if (have_gap) {
		*out = gap;
		return 1;
	}
	zone_at(z, L, &off, &dst, &next);	/* unreachable for sane offsets */
	*out = L - off;
	return 0;
}

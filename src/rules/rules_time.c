/*
 * rules_time.c - the text forms of time in a rules file: durations ("15m",
 * "3d"), clock times ("08:00"), opening spans ("08:00-12:00, 13:00-17:00"),
 * dates ("2026-12-25") and weekdays ("mon-fri"). Pure string parsing.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "rules_internal.h"

int
rl_parse_duration(const char *s, int64_t *out)
{
	int64_t n = 0, unit;
	size_t i = 0;

	while (isdigit((unsigned char)s[i])) {
		if (i >= 9)
			return -1;
		n = n * 10 + (s[i] - '0');
		i++;
	}
	if (i == 0 || s[i] == '\0' || s[i + 1] != '\0')
		return -1;
	switch (s[i]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -1;
	}
	/* Ten years: longer than any follow-up, short enough that adding it to
	 * a timestamp can never overflow. */
	if (n * unit > RL_MAX_DURATION)
		return -2;
	*out = n * unit;
	return 0;
}

const char *
rl_format_duration(int64_t secs, char *buf, size_t len)
{
	if (secs > 0 && secs % 86400 == 0)
		snprintf(buf, len, "%lldd", (long long)(secs / 86400));
	else if (secs > 0 && secs % 3600 == 0)
		snprintf(buf, len, "%lldh", (long long)(secs / 3600));
	else if (secs % 60 == 0)
		snprintf(buf, len, "%lldm", (long long)(secs / 60));
	else
		snprintf(buf, len, "%llds", (long long)secs);
	return buf;
}

/* "8:00" or "08:00"; "24:00" only as a closing time. Returns the characters
 * used, or 0. */
static size_t
clock_at(const char *s, int *min, bool allow_24)
{
	size_t i = 0;
	int h = 0, m;

	while (i < 2 && isdigit((unsigned char)s[i]))
		h = h * 10 + (s[i++] - '0');
	if (i == 0 || s[i] != ':' || !isdigit((unsigned char)s[i + 1]) ||
	    !isdigit((unsigned char)s[i + 2]))
		return 0;
	m = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24)))
		return 0;
	*min = h * 60 + m;
	return i + 3;
}

int
rl_parse_clock(const char *s, int *min, bool allow_24)
{
	size_t n = clock_at(s, min, allow_24);

	return n > 0 && s[n] == '\0' ? 0 : -1;
}

static const char *
skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "HH:MM-HH:MM" at s; returns the characters used, or 0. */
static size_t
span_at(const char *s, int *start, int *end, bool allow_24)
{
	const char *p = s;
	size_t n;

	if ((n = clock_at(p, start, false)) == 0)
		return 0;
	p = skip_space(p + n);
	if (*p != '-')
		return 0;
	p = skip_space(p + 1);
	if ((n = clock_at(p, end, allow_24)) == 0)
		return 0;
	return (size_t)(p + n - s);
}

int
rl_parse_spans(const char *s, rules_span *spans, int max, int *n)
{
	const char *p = skip_space(s);

	*n = 0;
	for (;;) {
		int open, close;
		size_t used = span_at(p, &open, &close, true);

		if (used == 0 || *n == max || open >= close)
			return -1;
		/* Spans in order and apart, so "is it open" is one pass. */
		if (*n > 0 && open < spans[*n - 1].close_min)
			return -1;
		spans[*n].open_min = open;
		spans[*n].close_min = close;
		(*n)++;
		p = skip_space(p + used);
		if (*p == '\0')
			return 0;
		if (*p != ',')
			return -1;
		p = skip_space(p + 1);
	}
}

int
rl_parse_span(const char *s, int *start, int *end)
{
	const char *p = skip_space(s);
	size_t used = span_at(p, start, end, false);

	if (used == 0 || *skip_space(p + used) != '\0' || *start == *end)
		return -1;
	return 0;
}

int
rl_parse_date(const char *s, int *yyyymmdd)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = 0, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	for (int i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*yyyymmdd = y * 10000 + m * 100 + d;
	return 0;
}

/* Week order as people write it: Monday first. */
static int
day_index(const char *s, size_t len)
{
	static const char *const days[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

	for (int i = 0; i < 7; i++)
		if (len == 3 && strncmp(s, days[i], 3) == 0)
			return i;
	return -1;
}

int
rl_parse_days(const char *s, bool days[7])
{
	const char *dash = strchr(s, '-');
	int from, to;

	memset(days, 0, 7 * sizeof *days);
	if (dash == NULL) {
		from = to = day_index(s, strlen(s));
	} else {
		from = day_index(s, (size_t)(dash - s));
		to = day_index(dash + 1, strlen(dash + 1));
	}
	if (from < 0 || to < 0)
		return -1;
	/* A range may wrap past Sunday ("sun-thu", "fri-mon"). */
	for (int i = from;; i = (i + 1) % 7) {
		days[(i + 1) % 7] = true;	/* Monday-first index -> 0 = Sunday */
		if (i == to)
			break;
	}
	return 0;
}

/*
 * web_time.c - countdown words for due times, and the date and time a form
 * sends (see web_time.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "web_time.h"

void
web_span(int64_t secs, char *buf, size_t len)
{
	int64_t min = (secs > 0 ? secs : 0) / 60, h = min / 60, d = h / 24;

	if (min < 60)
		snprintf(buf, len, "%lld min", (long long)min);
	else if (h < 10 && min % 60 != 0)
		snprintf(buf, len, "%lld h %lld min", (long long)h, (long long)(min % 60));
	else if (h < 48)
		snprintf(buf, len, "%lld h", (long long)h);
	else
		snprintf(buf, len, "%lld d", (long long)d);
}

web_due
web_countdown(int64_t now, int64_t due, char *buf, size_t len)
{
	int64_t d = due - now;
	char s[48];

	if (d > -60 && d < 60) {
		snprintf(buf, len, "due now");
		return d < 0 ? WEB_DUE_LATE : WEB_DUE_SOON;
	}
	if (d > 0) {
		web_span(d, s, sizeof s);
		snprintf(buf, len, "in %s", s);
		return d <= WEB_DUE_SOON_SECS ? WEB_DUE_SOON : WEB_DUE_LATER;
	}
	web_span(-d, s, sizeof s);
	snprintf(buf, len, "%s late", s);
	return WEB_DUE_LATE;
}

const char *
web_due_class(web_due d)
{
	return d == WEB_DUE_LATE ? "late" : d == WEB_DUE_SOON ? "soon" : "later";
}

/* n digits at s into *out; false when one is not a digit. */
static bool
digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

int
web_parse_date(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, y) ||
	    !digits(s + 5, 2, m) || !digits(s + 8, 2, d))
		return -1;
	leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	if (*y < 2000 || *y > 2199 || *m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1] ||
	    (*m == 2 && *d == 29 && !leap))
		return -1;
	return 0;
}

int
web_parse_clock(const char *s, int *h, int *min)
{
	int sec;
	size_t n = s ? strlen(s) : 0;

	if ((n != 5 && n != 8) || s[2] != ':' || !digits(s, 2, h) || !digits(s + 3, 2, min) ||
	    *h > 23 || *min > 59)
		return -1;
	if (n == 8 && (s[5] != ':' || !digits(s + 6, 2, &sec) || sec > 59))
		return -1;
	return 0;
}

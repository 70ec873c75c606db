/*
 * web_time.c - countdown words for due times (see web_time.h).
 */
#include <stdio.h>

#include "web_time.h"

/* "4 min", "2 h 5 min", "3 d" for a positive span. */
static void
span(int64_t secs, char *buf, size_t len)
{
	int64_t min = secs / 60, h = min / 60, d = h / 24;

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
		span(d, s, sizeof s);
		snprintf(buf, len, "in %s", s);
		return d <= WEB_DUE_SOON_SECS ? WEB_DUE_SOON : WEB_DUE_LATER;
	}
	span(-d, s, sizeof s);
	snprintf(buf, len, "%s late", s);
	return WEB_DUE_LATE;
}

const char *
web_due_class(web_due d)
{
	return d == WEB_DUE_LATE ? "late" : d == WEB_DUE_SOON ? "soon" : "later";
}

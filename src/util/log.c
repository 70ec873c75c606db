/*
 * log.c - logfmt lines on stderr, written with one write(2) so lines from
 * different threads never interleave.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

void
log_line(const char *level, const char *msg, const char *fmt, ...)
{
	char line[2048], ts[40];
	struct timespec now;
	struct tm tm;
	size_t n;
	va_list ap;
	int w;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	w = snprintf(line, sizeof line, "ts=%s.%03ldZ level=%s msg=%s ", ts,
		     now.tv_nsec / 1000000, level, msg);
	n = w > 0 && (size_t)w < sizeof line ? (size_t)w : 0;
	va_start(ap, fmt);
	w = vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
	va_end(ap);
	if (w > 0)
		n += (size_t)w < sizeof line - n - 1 ? (size_t)w : sizeof line - n - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;	/* nowhere left to report it */
}

const char *
log_quote(const char *value, char *buf, size_t len)
{
	size_t o = 0;
	bool bare = value && *value;

	if (len < 3) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	for (const char *p = value; p && *p && bare; p++)
		if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || (unsigned char)*p >= 0x7f)
			bare = false;
	if (bare) {
		snprintf(buf, len, "%s", value);
		return buf;
	}
	buf[o++] = '"';
	for (const char *p = value ? value : ""; *p && o + 3 < len; p++) {
		if (*p == '"' || *p == '\\') {
			buf[o++] = '\\';
			buf[o++] = *p;
		} else if ((unsigned char)*p < ' ') {
			buf[o++] = ' ';
		} else {
			buf[o++] = *p;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/*
 * log.h - one line per event, in logfmt (key=value pairs), on stderr.
 *
 * Callers pass the pairs pre-formatted; values with spaces or quotes are
 * quoted by log_kv(). Secrets must never be passed here.
 */
#ifndef LK_UTIL_LOG_H
#define LK_UTIL_LOG_H

#include <stddef.h>

/* log_line("info", "request", "method=GET path=/healthz status=200") prints
 * "ts=... level=info msg=request method=GET ...". Thread-safe (one write). */
void log_line(const char *level, const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats value for logfmt into buf: bare when safe, else quoted and escaped. */
const char *log_quote(const char *value, char *buf, size_t len);

#endif

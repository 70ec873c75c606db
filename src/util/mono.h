/*
 * mono.h - the monotonic clock (CLOCK_MONOTONIC), for delays, rate limits and
 * durations: it never jumps when the wall clock is set. Not for anything
 * stored or shown; wall-clock UTC is read elsewhere. C library only.
 */
#ifndef LK_UTIL_MONO_H
#define LK_UTIL_MONO_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds on CLOCK_MONOTONIC since an unspecified start (boot on Linux).
 * Only differences mean anything. Thread-safe; cannot fail on Linux. */
int64_t mono_ns(void);

/* The CLOCK_MONOTONIC instant ms milliseconds from now (ms >= 0), normalised
 * (tv_nsec < 1e9), for pthread_cond_timedwait on a condition variable whose
 * clock was set to CLOCK_MONOTONIC. */
struct timespec mono_deadline_ms(int64_t ms);

#endif

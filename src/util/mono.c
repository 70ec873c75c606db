/*
 * mono.c - the monotonic clock (see mono.h). The one place that reads
 * CLOCK_MONOTONIC; the wall clock is never read here.
 */
#include "mono.h"

#define NS_PER_S 1000000000LL

int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

struct timespec
mono_deadline_ms(int64_t ms)
{
	int64_t at = mono_ns() + ms * 1000000;

	return (struct timespec){ .tv_sec = (time_t)(at / NS_PER_S),
				  .tv_nsec = (long)(at % NS_PER_S) };
}

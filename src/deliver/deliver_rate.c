/*
 * deliver_rate.c - a channel's send rate (deliver_dispatch_internal.h): a
 * token bucket with a burst of one second's sends (at least one), and the
 * pause a provider's "too many requests" sets. Monotonic time only; no
 * locking (the dispatcher's thread owns every send_rate).
 */
#include "deliver_dispatch_internal.h"
#include "util/bucket.h"
#include "util/mono.h"

void
deliver_rate_init(send_rate *r, double rate)
{
	*r = (send_rate){ .rate = rate };
	bucket_init(&r->tb, 1, mono_ns());
}

static double
rate_burst(const send_rate *r)
{
	return r->rate > 1 ? r->rate : 1;
}

/* Whole sends the rate allows now (a large number when unlimited). */
int
deliver_rate_avail(send_rate *r)
{
	int64_t now = mono_ns();

	if (now < r->paused_until_ns)
		return 0;
	if (r->rate <= 0)
		return 1 << 20;
	return (int)bucket_refill(&r->tb, rate_burst(r), r->rate, now);
}

/* One send started; deliver_rate_avail said there was room for it. */
void
deliver_rate_take(send_rate *r)
{
	if (r->rate > 0)
		bucket_take(&r->tb, rate_burst(r), r->rate, mono_ns());
}

/*
 * deliver_backoff.c - when to try again after a temporary failure:
 * exponential, capped, with jitter so that a provider's outage does not end
 * with every queued message retrying in the same second. Pure.
 */
#include "deliver_internal.h"

int64_t
deliver_backoff(int attempts, int64_t base, int64_t cap, uint32_t rnd)
{
	int64_t d = base > 0 ? base : 1, half;

	if (cap < d)
		cap = d;
	for (int i = 1; i < attempts && d < cap; i++)
		d *= 2;
	if (d > cap)
		d = cap;
	/* "Equal jitter": half of the delay is kept, the other half is random,
	 * so delays still grow but never line up. */
	half = d / 2;
	d = d - half + (int64_t)(rnd % (uint32_t)(half + 1));
	return d < 1 ? 1 : d;
}

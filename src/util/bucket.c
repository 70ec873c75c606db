/*
 * bucket.c - the token bucket (see bucket.h). Pure arithmetic on the time it
 * is given; reads no clock.
 */
#include "bucket.h"

void
bucket_init(bucket *b, double tokens, int64_t now_ns)
{
	b->tokens = tokens;
	b->last_ns = now_ns;
}

double
bucket_refill(bucket *b, double cap, double rate, int64_t now_ns)
{
	if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) / 1e9 * rate;
		b->last_ns = now_ns;
	}
	/* Also when no time passed: a cap lowered since the last call applies. */
	if (b->tokens > cap)
		b->tokens = cap;
	return b->tokens;
}

bool
bucket_take(bucket *b, double cap, double rate, int64_t now_ns)
{
	if (bucket_refill(b, cap, rate, now_ns) < 1.0)
		return false;
	b->tokens -= 1.0;
	return true;
}

double
bucket_wait(const bucket *b, double rate)
{
	return b->tokens >= 1.0 ? 0.0 : (1.0 - b->tokens) / rate;
}

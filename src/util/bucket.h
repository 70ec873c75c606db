/*
 * bucket.h - the token bucket: holds at most `cap` tokens, refilled evenly at
 * `rate` tokens per second; each permitted act takes one. The caller passes
 * the time (monotonic nanoseconds, util/mono.h) so tests can inject it, and
 * passes cap and rate on every call so a changed limit applies at once.
 * No locking and no allocation: the caller owns the struct and serialises.
 */
#ifndef LK_UTIL_BUCKET_H
#define LK_UTIL_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	double tokens;		/* held now; fractional between refills */
	int64_t last_ns;	/* when tokens was last brought up to date */
} bucket;

/* A bucket holding `tokens` at time now_ns. */
void bucket_init(bucket *b, double tokens, int64_t now_ns);

/* Adds what `rate` (tokens per second, > 0) accrued since the last refill,
 * never above cap, and returns the tokens now held. A now_ns not later than
 * the last refill (threads that read the clock before taking the caller's
 * lock) adds nothing and does not move the bucket's time back. */
double bucket_refill(bucket *b, double cap, double rate, int64_t now_ns);

/* Refills as bucket_refill, then takes one token if a whole one is there.
 * True when taken; false leaves the bucket refilled but otherwise as it was. */
bool bucket_take(bucket *b, double cap, double rate, int64_t now_ns);

/* Seconds (fractional) until a whole token is there at `rate` (> 0), as of
 * the last refill; 0 when one is there already. */
double bucket_wait(const bucket *b, double rate);

#endif

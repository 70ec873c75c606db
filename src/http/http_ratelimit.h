/*
 * http_ratelimit.h - token buckets keyed by a string (client IP, API token),
 * in memory: a limit against bots and runaway scripts needs no durability.
 * A fixed table (RATELIMIT_SLOTS); a key whose slot another key took starts
 * a fresh bucket, so under heavy churn the limit is approximate, never stuck.
 */
#ifndef LK_HTTP_RATELIMIT_H
#define LK_HTTP_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#define RATELIMIT_SLOTS 4096

typedef struct ratelimit ratelimit;

ratelimit *ratelimit_new(void);
void ratelimit_free(ratelimit *rl);

/*
 * Takes one token from key's bucket (capacity count, refilled at count per
 * period seconds), at monotonic time now_ns. True when allowed; otherwise
 * *retry_after is how many seconds until a token is back. Thread-safe.
 */
bool ratelimit_take(ratelimit *rl, const char *key, int count, int64_t period,
		    int64_t now_ns, int *retry_after);

/* The same for the one bucket that is not in the table (so no key can take
 * its slot): a limit for all clients together. */
bool ratelimit_take_all(ratelimit *rl, int count, int64_t period, int64_t now_ns,
			int *retry_after);

#endif

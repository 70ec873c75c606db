/*
 * http_ratelimit.c - token buckets (util/bucket.h) in a fixed hash table
 * under one mutex (see http_ratelimit.h). O(1) per request; memory is fixed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_ratelimit.h"
#include "util/bucket.h"

typedef struct {
	char key[64];
	bucket b;
} slot;

struct ratelimit {
	pthread_mutex_t mu;
	slot slots[RATELIMIT_SLOTS];
	slot all;		/* ratelimit_take_all's; key "" until first used */
};

ratelimit *
ratelimit_new(void)
{
	ratelimit *rl = calloc(1, sizeof *rl);

	if (rl != NULL)
		pthread_mutex_init(&rl->mu, NULL);
	return rl;
}

void
ratelimit_free(ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl);
}

static uint32_t
fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Takes a token from sl (a fresh bucket when it held another key). */
static bool
take(slot *sl, const char *k, int count, int64_t period, int64_t now_ns, int *retry_after)
{
	double rate = (double)count / (double)period;	/* tokens per second */
	bool ok;

	if (strcmp(sl->key, k) != 0) {
		snprintf(sl->key, sizeof sl->key, "%s", k);
		bucket_init(&sl->b, count, now_ns);	/* a new key starts full */
	}
	ok = bucket_take(&sl->b, count, rate, now_ns);
	/* +1: whole seconds, and a client that waits them finds a token. */
	if (!ok && retry_after != NULL)
		*retry_after = (int)bucket_wait(&sl->b, rate) + 1;
	return ok;
}

bool
ratelimit_take(ratelimit *rl, const char *key, int count, int64_t period, int64_t now_ns,
	       int *retry_after)
{
	char k[64];
	bool ok;

	if (count <= 0 || period <= 0)
		return true;
	snprintf(k, sizeof k, "%s", key);
	pthread_mutex_lock(&rl->mu);
	ok = take(&rl->slots[fnv1a(k) % RATELIMIT_SLOTS], k, count, period, now_ns, retry_after);
	pthread_mutex_unlock(&rl->mu);
	return ok;
}

bool
ratelimit_take_all(ratelimit *rl, int count, int64_t period, int64_t now_ns, int *retry_after)
{
	bool ok;

	if (count <= 0 || period <= 0)
		return true;
	pthread_mutex_lock(&rl->mu);
	ok = take(&rl->all, "*", count, period, now_ns, retry_after);
	pthread_mutex_unlock(&rl->mu);
	return ok;
}

/*
 * http_ratelimit.c - token buckets in a fixed hash table under one mutex
 * (see http_ratelimit.h). O(1) per request; memory is fixed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_ratelimit.h"

typedef struct {
	char key[64];
	double tokens;
	int64_t last_ns;
} bucket;

struct ratelimit {
	pthread_mutex_t mu;
	bucket slots[RATELIMIT_SLOTS];
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

bool
ratelimit_take(ratelimit *rl, const char *key, int count, int64_t period, int64_t now_ns,
	       int *retry_after)
{
	char k[64];
	bucket *b;
	double rate = (double)count / ((double)period * 1e9);	/* tokens per ns */
	bool ok;

	if (count <= 0 || period <= 0)
		return true;
	snprintf(k, sizeof k, "%s", key);
	pthread_mutex_lock(&rl->mu);
	b = &rl->slots[fnv1a(k) % RATELIMIT_SLOTS];
	if (strcmp(b->key, k) != 0) {
		memcpy(b->key, k, sizeof k);
		b->tokens = count;
		b->last_ns = now_ns;
	}
	b->tokens += (double)(now_ns - b->last_ns) * rate;
	if (b->tokens > count)
		b->tokens = count;
	b->last_ns = now_ns;
	ok = b->tokens >= 1.0;
	if (ok)
		b->tokens -= 1.0;
	else if (retry_after != NULL)
		*retry_after = (int)((1.0 - b->tokens) / rate / 1e9) + 1;
	pthread_mutex_unlock(&rl->mu);
	return ok;
}

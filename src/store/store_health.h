/*
 * store_health.h - what serve's self-watch reads from the database
 * (src/health/health_watch.c): outcomes of outbound messages in a window,
 * dead messages, credentials refused, timers that fired late, the heads of
 * the due queues, and each source's recent lead arrivals. Reads only; no
 * write lock, no policy (the thresholds are the judge's, src/health/health.h).
 */
#ifndef LK_STORE_HEALTH_H
#define LK_STORE_HEALTH_H

#include <stdint.h>

#include "store.h"

typedef struct {
	int64_t sent;		/* rows sent or delivered, updated in [since, now] */
	int64_t failed;		/* failed, dead, unknown, or queued again after an error */
	int64_t dead;		/* dead, updated in [dead_since, now] */
	int64_t refused_sms;	/* after a credentials refusal (Twilio 20003, HTTP
				 * 401/403): queued (however long ago), or dead or
				 * failed since */
	int64_t refused_email;	/* same for SMTP 530/534/535 */
	int64_t late_timers;	/* timers fired in [since, now] more than late_after
				 * after their due time */
	int64_t max_lateness;	/* seconds, the most of those */
	int64_t timer_head_id;	/* the oldest pending timer due at now, 0 none */
	int64_t timer_head_due;
	int64_t outbox_head_id;	/* the oldest queued message due at now, 0 none */
	int64_t outbox_head_due;
} store_health;

/*
 * Fills *out for business_id at now. 0 / -1. Cost: the business's rows of
 * the window only, by index ranges (outbox by business and updated_at, the
 * queued ones retried before the window by the due index, fired timers by
 * business and fired_at), the heads through the due indexes.
 */
int store_health_read(store *s, int64_t business_id, int64_t now, int64_t since,
		      int64_t dead_since, int64_t late_after, store_health *out);

/*
 * Calls fn for the lead arrivals (source, created_at) of business_id in
 * [since, now], sources in name order, each source's oldest first, at most
 * the last max_per_source of each (leads without a source are left out).
 * 0 / -1. Reads the leads created in that span.
 */
int store_health_arrivals(store *s, int64_t business_id, int64_t since, int64_t now,
			  int max_per_source,
			  void (*fn)(void *ctx, const char *source, int64_t at), void *ctx);

#endif

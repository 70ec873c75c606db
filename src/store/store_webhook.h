/*
 * store_webhook.h - outbound webhook deliveries: every lead event, once per
 * configured URL, fed from the events table by a cursor so that events
 * written by any process (serve, the CLI) are posted. Webhooks are
 * at-least-once: a delivery interrupted by a crash is posted again, and the
 * receiver deduplicates by the event id it carries.
 */
#ifndef LK_STORE_WEBHOOK_H
#define LK_STORE_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store.h"

/* Queues a delivery per URL for up to max events newer than the cursor and
 * moves the cursor past them. The first call only places the cursor at the
 * newest event (history is not replayed). In the caller's transaction.
 * Returns how many events were queued, or -1. */
int store_webhook_enqueue(store *s, const char *const *urls, size_t nurls, int64_t now,
			  int max);

/* Ids of up to max queued deliveries due at or before now. Count or -1. */
int store_webhook_due(store *s, int64_t now, int64_t *ids, int max);

/* The earliest send_at of a queued delivery, 0 when none, -1 on error. */
int64_t store_webhook_next_due(store *s);

typedef struct {
	int64_t id;
	int64_t event_id;
	char *url;
	char *type;		/* the event's type, e.g. "task.created" */
	int attempts;		/* including this one */
	json_t *payload;	/* {"id","type","at","actor","text","lead":{...}} */
	int64_t business_id;	/* whose event: its secret signs it */
} store_webhook;

/* One business's webhook URLs (store_webhook_enqueue_each); borrowed. */
typedef struct {
	int64_t business_id;	/* 0: every business's events */
	const char *const *urls;
	size_t nurls;
} store_webhook_target;

#define STORE_WEBHOOK_DEAD 2

/* Claims delivery id (queued -> sending, attempts + 1) and loads it, in the
 * caller's transaction. Text that is not valid UTF-8 (a row stored before
 * the doors checked it) is posted with U+FFFD in its place. Returns 1
 * claimed, 0 not claimable, STORE_WEBHOOK_DEAD when it can never be posted
 * (its event or lead is gone: moved to dead, the reason in last_error),
 * -1 error. */
int store_webhook_claim(store *s, int64_t id, int64_t now, store_webhook *w);

/* A queued delivery whose claim failed for a reason of its own waits until
 * send_at, error in last_error, so the deliveries behind it go first.
 * In the caller's transaction (or none). 0 / -1. */
int store_webhook_defer(store *s, int64_t id, int64_t send_at, const char *error, int64_t now);

/* A queued delivery that cannot be processed goes to dead with error in
 * last_error: visible, and out of the queue. 0 / -1. */
int store_webhook_bury(store *s, int64_t id, const char *error, int64_t now);
void store_webhook_free(store_webhook *w);

/* Ends an attempt: state "sent", "failed", "dead" or "queued" (with send_at);
 * status is the HTTP status or 0. Only from "sending". 0 / -1. */
int store_webhook_finish(store *s, int64_t id, const char *state, int status,
			 const char *error, int64_t send_at, int64_t now);

/* Deliveries left "sending" by a crash go back to "queued". Count or -1. */
int store_webhook_recover(store *s);

#endif

/*
 * store_business.h - the businesses one install serves: each by a slug, its
 * file (rules, people, sources, providers) and whether it is enabled. The
 * install's own business (slug "default") has no file of its own here: it is
 * the one --rules or the server's file names, as before several existed.
 * Policy (who may add one, what a valid slug is) is the caller's.
 */
#ifndef LK_STORE_BUSINESS_H
#define LK_STORE_BUSINESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/rules.h"
#include "store.h"
#include "store_webhook.h"

/* The install's own business: the one every command and serve use when no
 * other is named. */
#define STORE_BUSINESS_DEFAULT "default"

/* One business as read. Strings are borrowed for the callback's duration. */
typedef struct {
	int64_t id;
	const char *slug;
	const char *name;
	const char *timezone;
	const char *file;	/* NULL: the install's own (its file is --rules) */
	bool disabled;
	int64_t created_at;
} store_business_row;

/* store_business_sync for the business `slug`: creates it when new, else
 * updates its name and time zone; its people match the rules. Returns its
 * id or -1 with err set. Call inside a transaction. */
int64_t store_business_sync_slug(store *s, const char *slug, const rules *r, char *err,
				 size_t errlen);

/* Sets the business's file (NULL leaves it) and state (disabled < 0 leaves
 * it). 1 when it exists, 0 when no business has that slug, -1 on an error. */
int store_business_update(store *s, const char *slug, const char *file, int disabled);

/* Calls fn for every business, by id; slug non-NULL: only that one.
 * Returns how many, or -1 on an error. */
int store_businesses_read(store *s, const char *slug,
			  void (*fn)(void *ctx, const store_business_row *r), void *ctx);

/* store_timers_due for one business: up to max of its pending timers due at
 * or before now, in due-time order (serve gives each business its turn, so
 * one's burst never starves another's). Returns how many, or -1. */
int store_timers_due_for(store *s, int64_t business_id, int64_t now, store_timer *out, int max);

/* store_outbox_due for one business: the ids of its queued messages on
 * channel due at or before now, at most max, oldest first. Count or -1. */
int store_outbox_due_for(store *s, int64_t business_id, const char *channel, int64_t now,
			 int64_t *ids, int max);

/* The businesses with a queued message due at or before now, on any
 * channel, ascending, at most max: the dispatcher gives its turns to those
 * only, so a thousand idle businesses cost it one query a round, not two
 * each. Count, or -1. */
int store_outbox_due_businesses(store *s, int64_t now, int64_t *ids, int max);

/* The same for pending timers due at or before now: the scheduler's turns. */
int store_timers_due_businesses(store *s, int64_t now, int64_t *ids, int max);

/* store_webhook_enqueue for one business's URLs: its new events become
 * deliveries to urls; other businesses' events are passed over (the one
 * cursor moves past them). Count of events read, or -1. */
int store_webhook_enqueue_for(store *s, int64_t business_id, const char *const *urls,
			      size_t nurls, int64_t now, int max);

/* store_webhook_enqueue for several businesses at once (one cursor feeds
 * them all): each new event becomes deliveries to the URLs of the target of
 * its business (business_id 0: every business's); an event no target takes
 * is passed over. Count of events read, or -1. */
int store_webhook_enqueue_each(store *s, const store_webhook_target *t, size_t nt, int64_t now,
			       int max);

#endif

/*
 * store_digest.h - the weekly digest's sends (migration 12): one row per
 * business and week, so the digest of a week leaves once whatever restarts.
 * A digest is a message to the business's staff about the business, not a
 * change to any lead: nothing here touches a lead, a timeline or the outbox
 * (which only holds what the engine decided for a lead), and no delivery
 * outcome of a digest is reported to the engine. The store keeps the states
 * the caller names; when to send, and what, is serve_digest.c's.
 *
 * One row per business, week and recipient (an email address).
 * States: sending (claimed before the provider is called), sent, retry (a
 * temporary failure: claimable again from retry_at), failed (never going to
 * work), unknown (the provider may have it: never resent automatically).
 * Each call is one statement of its own (no transaction of the caller's).
 */
#ifndef LK_STORE_DIGEST_H
#define LK_STORE_DIGEST_H

#include <stdint.h>

#include "store.h"

/* Claims the digest of `week` ("2026-11-30": the local date it is due) to
 * recipient for sending: a new row, or one in retry whose retry_at has come, becomes
 * sending (attempts + 1). 1 claimed, 0 not to send (sent, failed, unknown,
 * being sent, or a retry not due yet), -1 error. */
int store_digest_claim(store *s, int64_t business_id, const char *week, const char *recipient,
		       int64_t now);

/* Records how a claimed send ended: state "sent", "retry" (claimable again
 * from retry_at), "failed" or "unknown"; error (may be NULL) is kept as the
 * row's last error, never a secret. 1 recorded, 0 not sending, -1 error. */
int store_digest_finish(store *s, int64_t business_id, const char *week, const char *recipient,
			const char *state, const char *error, int64_t retry_at, int64_t now);

/* Rows a crash left sending become unknown (the provider may have the
 * mail: a second copy is worse than none). How many, or -1. */
int store_digest_recover(store *s, int64_t business_id, int64_t now);

/* The state of the row of week and recipient into state (may be ""), attempts into *attempts
 * (may be NULL). 1 found, 0 none, -1 error. */
int store_digest_get(store *s, int64_t business_id, const char *week, const char *recipient,
		     char *state, size_t statelen, int *attempts);

#endif

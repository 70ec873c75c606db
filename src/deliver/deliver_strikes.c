/*
 * deliver_strikes.c - rows whose claim keeps failing (a row that cannot be
 * read, serialised or reported): each waits 1, 2, 4, 8 s behind the rows
 * after it, and at POISON_STRIKES goes to its dead end, so one poison row
 * never holds up a queue. The counts are the dispatcher's, in memory
 * (struct deliver); the waits and the burial are the store's.
 */
#include <stdio.h>
#include <string.h>

#include "deliver_dispatch_internal.h"
#include "util/log.h"

/* The strikes row id has (kind 1: a webhook delivery), and its slot; with
 * add, one more (a slot is taken, or the oldest reused, when it had none). */
static int
strike_count(deliver *d, int kind, int64_t id, bool add)
{
	strike *t = d->strikes[kind], *free_one = NULL;

	for (int i = 0; i < STRIKE_SLOTS; i++) {
		if (t[i].id == id)
			return add ? ++t[i].n : t[i].n;
		if (t[i].id == 0 && free_one == NULL)
			free_one = &t[i];
	}
	if (!add)
		return 0;
	if (free_one == NULL)	/* full: one row's count starts over */
		free_one = &t[d->strike_next++ % STRIKE_SLOTS];
	free_one->id = id;
	return free_one->n = 1;
}

void
deliver_strike_clear(deliver *d, int kind, int64_t id)
{
	for (int i = 0; i < STRIKE_SLOTS; i++)
		if (d->strikes[kind][i].id == id)
			d->strikes[kind][i] = (strike){ 0 };
}

/* Row id's claim failed (why: the database's or the claim's words): it
 * waits behind the others, and at POISON_STRIKES it is buried. */
void
deliver_claim_failed(deliver *d, const rules *r, int kind, int64_t id, int64_t now,
		     const char *why)
{
	char err[300], reason[400];
	int n = strike_count(d, kind, id, false), rc = -1;
	int64_t until = now + ((int64_t)1 << (n < 4 ? n : 4));

	if (why == NULL || *why == '\0' || strcmp(why, "not an error") == 0)
		why = "the row could not be read, serialised or reported";
	snprintf(reason, sizeof reason, "could not be processed: %.300s", why);
	if (store_begin(d->store) == 0) {
		rc = kind ? store_webhook_defer(d->store, id, until, reason, now) :
			    store_outbox_defer(d->store, id, until, reason, now);
		if (rc < 0 || store_commit(d->store) < 0) {
			store_rollback(d->store);
			rc = -1;
		}
	}
	if (rc >= 0)	/* the database works: the row is to blame */
		n = strike_count(d, kind, id, true);
	log_line("error", "claim_failed", "%s=%lld strikes=%d error=%s", kind ? "delivery" : "outbox",
		 (long long)id, n, log_quote(why, err, sizeof err));
	if (rc < 0 || n < POISON_STRIKES)
		return;
	deliver_strike_clear(d, kind, id);
	if (kind) {
		if (store_begin(d->store) < 0)
			return;
		if (store_webhook_bury(d->store, id, reason, now) < 0 || store_commit(d->store) < 0) {
			store_rollback(d->store);
			return;
		}
		log_line("error", "webhook", "delivery=%lld result=dead error=%s", (long long)id,
			 log_quote(reason, err, sizeof err));
		return;
	}
	rc = deliver_bury(d->store, r, id, reason, now);
	if (rc > 0)
		log_line("error", "message", "outbox=%lld result=failed error=%s%s", (long long)id,
			 log_quote(reason, err, sizeof err), rc == 2 ? " reported=false" : "");
}

/*
 * deliver_dispatch_internal.h - shared by the dispatcher's files only:
 * deliver_dispatch.c (the loop, claims, outcomes, leases, start/stop),
 * deliver_lanes.c (the businesses it serves and their turns),
 * deliver_strikes.c (rows whose claim keeps failing) and deliver_rate.c
 * (send rates). Holds struct deliver, which stays opaque outside src/deliver
 * (deliver.h); the dispatcher's thread owns it, but for what a mutex guards.
 */
#ifndef LK_DELIVER_DISPATCH_INTERNAL_H
#define LK_DELIVER_DISPATCH_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deliver_internal.h"
#include "util/bucket.h"

/* A channel's send rate: a token bucket with a burst of one second's sends
 * (at least one), and a pause a provider's "too many requests" sets. */
typedef struct {
	bucket tb;
	double rate;		/* per second; 0 = unlimited */
	int64_t paused_until_ns; /* the provider said "too many requests" */
} send_rate;

typedef struct {
	deliver_job job;
	bool busy;
	int lane;		/* whose send rates: -1 the install's own, else others[lane] */
} slot;

/* A row the round claimed, to start once the round commits. */
typedef struct claimed_row claimed_row;

/* Another business's providers and send rates (deliver_start_many). */
typedef struct {
	deliver_config *cfg;	/* owned */
	send_rate sms_rate, email_rate;
} lane;

/* A queued row whose claim failed. It waits 1, 2, 4, 8 s behind the rows
 * after it (so they go on); only a wait the database recorded counts, so a
 * database that is down makes no strikes. At POISON_STRIKES the row is
 * poison: it goes to its dead end (outbox: failed, webhook: dead) with the
 * reason. Kept in memory: after a restart a poison row takes its strikes
 * again, while the rows behind it are sent. */
#define POISON_STRIKES 5
#define STRIKE_SLOTS 32

typedef struct {
	int64_t id;
	int n;
} strike;

struct deliver {
	pthread_t thread;
	deliver_config *cfg;
	store *store;
	deliver_clock clock;
	store_bus *bus;
	int sub;		/* the bus subscription, or -1 */
	CURLM *multi;
	slot *slots;
	claimed_row *claimed;	/* the round's claims, as many as slots */
	bool claims_careful;	/* the last round's bare claims failed */
	int inflight;
	send_rate sms_rate, email_rate;
	strike strikes[2][STRIKE_SLOTS];	/* [0] outbox rows, [1] webhook deliveries */
	unsigned strike_next;
	int lockfd;
	bool node;		/* joined as a node: leases to renew, orphans to take */
	int lease_s;		/* the node's lease, seconds */
	int64_t next_lease_ns;	/* monotonic: when to renew and look for orphans */
	pthread_mutex_t pending_mu;	/* guards pending */
	pthread_mutex_t cfg_mu;		/* held to replace cfg, and by a notice using it */
	deliver_config *pending;	/* a reload's, until nothing is in flight */
	lane *others;		/* deliver_start_many: the other businesses */
	size_t nothers;
	size_t first_lane;	/* the lane that picks first next round (deliver_turns_next) */
	lane *pending_others;	/* deliver_set_others', under pending_mu until taken */
	size_t npending_others;
	bool others_pending;
	bool by_business;	/* each business's messages with its own providers only */
	bool stop;		/* __atomic */
	bool running;		/* __atomic */
};

/* --- deliver_rate.c: a channel's send rate ------------------------------ */

/* r at rate (per second, 0 = unlimited), its bucket holding one send now. */
void deliver_rate_init(send_rate *r, double rate);
/* Whole sends the rate allows now (a large number when unlimited); 0 while a
 * provider's "too many requests" pause lasts. */
int deliver_rate_avail(send_rate *r);
/* One send started; deliver_rate_avail said there was room for it. */
void deliver_rate_take(send_rate *r);

/* --- deliver_strikes.c: rows whose claim keeps failing ------------------ */

/* Row id's claim failed (kind 0: an outbox row under rules r, 1: a webhook
 * delivery, r unused; why: the database's or the claim's words): it waits
 * behind the others, and at POISON_STRIKES it is buried, each in a
 * transaction of its own. */
void deliver_claim_failed(deliver *d, const rules *r, int kind, int64_t id, int64_t now,
			  const char *why);
/* Row id (kind as above) was claimed: its strikes are forgotten. */
void deliver_strike_clear(deliver *d, int kind, int64_t id);

/* --- deliver_lanes.c: the businesses served, their lanes and turns ------ */

/* The configuration of business_id's providers (its rules, its webhooks):
 * the install's own, another hosted business's lane (*ln its index, -1 the
 * own; ln may be NULL), or NULL when the dispatcher does not serve it
 * (disabled). Serving one business, every row is its. Borrowed: valid on
 * the dispatcher's thread, or elsewhere while cfg_mu is held. */
deliver_config *deliver_cfg_of(deliver *d, int64_t business_id, int *ln);
/* A deliver_rules_of for deliver_recover_by (ctx: the deliver): each row
 * under its business's rules, NULL for a business not served. */
const rules *deliver_lane_rules(void *ctx, int64_t business_id);
/* Lanes for others[n] (taken: freed on failure), each at its configuration's
 * send rates. NULL when n is 0 or out of memory (*oom). */
lane *deliver_lanes_new(deliver_config **others, size_t n, bool *oom);
/* Frees n lanes and their configurations; NULL is a no-op. */
void deliver_lanes_free(lane *l, size_t n);
/* Swaps in the lanes deliver_set_others left, once nothing is in flight.
 * True while they wait: start nothing new. Dispatcher's thread only. */
bool deliver_others_pending(deliver *d);
/* Whether any business the dispatcher serves has webhook URLs. */
bool deliver_any_webhooks(const deliver *d);

#endif

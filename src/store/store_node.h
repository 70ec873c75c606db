/*
 * store_node.h - several `leadkeep serve` nodes on one database: who claimed
 * a row in flight, for how long, and what happens to it when its node dies.
 *
 * A node is one serve process's dispatcher, named (LEADKEEP_NODE, else
 * host:pid). Intake and timers need nothing here: a lead is decided under its
 * row lock and a timer fires inside the transaction that applies its effects
 * (store_pg_timer.c), so a node that dies mid-way rolls back and another
 * fires it. What outlives a transaction is a claim: an outbox row or webhook
 * delivery in `sending` while the provider is called. Each carries a lease -
 * its node and an expiry on the database's clock - renewed by the node while
 * it lives. A row whose lease expired belongs to a node that died (or lost
 * the database for longer than a lease): another node takes it over exactly
 * as a single server does at start after a crash: an outbox row becomes
 * `unknown` with a task for a person (never sent again: the provider may have
 * it), a webhook delivery is queued again (webhooks are at-least-once).
 *
 * Exactly-once at the provider boundary therefore means: no message is ever
 * handed to a provider twice, by any node, crash or not; every message is
 * handed over once and recorded `sent` - except the few in flight when their
 * node died, which end `unknown` with a task, since no node can know whether
 * the provider got them. Nothing is lost silently and nothing is doubled.
 *
 * The operations are optional in an engine (store_backend.h): SQLite has one
 * dispatcher per database (a file lock, deliver_dispatch.c), and the
 * forwarders below then give the single-server behaviour unchanged.
 */
#ifndef LK_STORE_NODE_H
#define LK_STORE_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

/* Default and least lease, seconds (LEADKEEP_LEASE overrides the default). */
#define STORE_LEASE_DEFAULT 30
#define STORE_LEASE_MIN 2	/* the dispatcher renews about once a second */

/*
 * Makes s the connection of node `node` (borrowed, copied) whose claims hold
 * lease_seconds: until the connection closes no other connection can join
 * as the same node. A name still held (its last holder's session not ended
 * yet: a restart right after a stop or a crash) is waited for, up to
 * lease_seconds. 1 when joined; 0 when the engine has no nodes (the caller
 * keeps the database to itself another way); -1 with err set (the node's
 * name stayed taken for a lease: a running process's; or the database
 * failed).
 */
int store_node_join(store *s, const char *node, int lease_seconds, char *err, size_t errlen);

/* Extends the leases of this node's rows in flight by a lease from now. Rows
 * renewed (0 for an engine without nodes), or -1. Its own short transaction:
 * call outside one. */
int store_lease_renew(store *s);

/*
 * Ids of up to max outbox rows in `sending` that no living node holds, locked
 * for the caller's transaction (another node taking over skips them). At
 * start (at_start) also this node's own rows, left by its previous life.
 * Without nodes: at start every `sending` row, else none. Count or -1.
 */
int store_outbox_orphans(store *s, bool at_start, int64_t *ids, int max);

/* Queues again the webhook deliveries in `sending` that no living node holds
 * (at start also this node's own). Without nodes: at start every one (as
 * store_webhook_recover), else none. Count, or -1. */
int store_webhook_orphans(store *s, bool at_start);

/* Whether store_wait_commit() can wait for other connections' commits. */
bool store_can_wait_commit(store *s);

/* Waits up to timeout_ms for a commit announced by another connection (then
 * store_data_version() changes). 1 something arrived, 0 timed out, -1 the
 * connection failed; 0 at once where it cannot wait. */
int store_wait_commit(store *s, int timeout_ms);

/*
 * Whether this connection holds `duty` (a short name) among all the nodes:
 * the first connection to ask takes it and keeps it until it closes, so one
 * living node does the work that must not be done once per node (telling the
 * owner about health). 1 held, 0 another node holds it, -1 the database
 * failed. 1 always in an engine without nodes. Its own statement: call
 * outside a transaction.
 */
int store_node_duty(store *s, const char *duty);

#endif

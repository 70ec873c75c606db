/*
 * store_pg_node.c - the PostgreSQL engine's nodes (store_node.h): a node's
 * name is a session advisory lock (so two running processes cannot share
 * one, and it frees itself when the process dies), its claims carry a lease
 * on the database's clock, and rows whose lease expired are taken over with
 * FOR UPDATE SKIP LOCKED, so two nodes never take over the same row.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_node.h"
#include "store_pg.h"
#include "util/log.h"
#include "util/mono.h"

/* The advisory lock class of node names; the leads' locks are class 1
 * (store_pg_lead.c), the migrations' a one-key lock (store_pg.c). */
#define NODE_LOCK_CLASS "2"
#define DUTY_LOCK_CLASS "3"

#define JOIN_RETRY_MS 100

int
pg_node_join(store *s, const char *node, int lease_seconds, char *err, size_t errlen)
{
	pg_store *p = pg_of(s);
	int lease = lease_seconds < STORE_LEASE_MIN ? STORE_LEASE_MIN : lease_seconds;
	int64_t until = mono_ns() + (int64_t)lease * 1000000000LL;
	bool got = false, said = false;

	/* The name is free once the session of its last holder has ended. A
	 * restart under the same name right after a stop or a crash can find
	 * that session still there for a moment (its backend has not seen the
	 * socket close yet; after a host crash, until TCP gives up): wait up to
	 * a lease for it, as other nodes wait a lease for its rows, before
	 * calling the name another living process's. */
	for (;;) {
		pg_params pp = { 0 };
		PGresult *r;

		pg_text(&pp, node);
		r = pg_run(p, "SELECT pg_try_advisory_lock(" NODE_LOCK_CLASS ", hashtext($1))",
			   &pp);
		if (r == NULL)
			return pg_fail(p, err, errlen, "joining as a node");
		got = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
		PQclear(r);
		if (got || mono_ns() >= until)
			break;
		if (!said) {
			log_line("warn", "node_waiting", "name=\"%s\" note=\"the name is held by "
				 "another session: waiting up to a lease (%d s) for it to end\"",
				 node, lease);
			said = true;
		}
		poll(NULL, 0, JOIN_RETRY_MS);
	}
	if (!got) {
		snprintf(err, errlen, "another leadkeep is already delivering as node \"%s\" on "
			 "this database (waited %d s): stop it, or give this one its own "
			 "LEADKEEP_NODE", node, lease);
		return -1;
	}
	snprintf(p->node, sizeof p->node, "%s", node);
	p->lease_s = lease;
	return 1;
}

int
pg_lease_renew(store *s)
{
	pg_store *p = pg_of(s);
	pg_params pp = { 0 };
	PGresult *r;
	int n;

	if (p->node[0] == '\0')
		return 0;
	/* Nothing in flight, no UPDATE: the tables' commit-bus triggers are per
	 * statement and would NOTIFY every node (every live page, scheduler and
	 * dispatcher) for an UPDATE of no row, every third of a lease. A row
	 * claimed after this look has a fresh lease from its claim; the next
	 * renewal, a third of a lease away, extends it. */
	pg_text(&pp, p->node);
	r = pg_run(p, "SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'sending'"
		   " AND lease_owner = $1) OR EXISTS (SELECT 1 FROM webhook_deliveries"
		   " WHERE state = 'sending' AND lease_owner = $1)", &pp);
	if (r == NULL)
		return -1;
	n = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!n)
		return 0;
	pp = (pg_params){ 0 };
	pg_int(&pp, p->lease_s);
	pg_text(&pp, p->node);
	/* One statement: its own transaction, no lock held past it. */
	r = pg_run(p, "WITH o AS (UPDATE outbox SET lease_until = " PG_DB_NOW " + $1"
		   " WHERE state = 'sending' AND lease_owner = $2 RETURNING 1),"
		   " w AS (UPDATE webhook_deliveries SET lease_until = " PG_DB_NOW " + $1"
		   " WHERE state = 'sending' AND lease_owner = $2 RETURNING 1)"
		   " SELECT (SELECT count(*) FROM o) + (SELECT count(*) FROM w)", &pp);
	if (r == NULL)
		return -1;
	n = (int)pg_get_int(r, 0, 0);
	PQclear(r);
	return n;
}

/* Rows in flight that no living node holds: the lease expired (not ours
 * while we run: a slow renewal must not turn our own send into an unknown),
 * or at start ours, from before a crash. */
#define ORPHAN "state = 'sending' AND (($2::int = 1 AND lease_owner = $1) OR" \
	" (lease_until < " PG_DB_NOW " AND ($2::int = 1 OR lease_owner IS DISTINCT FROM $1)))"

int
pg_outbox_orphans(store *s, bool at_start, int64_t *ids, int max)
{
	pg_store *p = pg_of(s);
	pg_params pp = { 0 };

	pg_text(&pp, p->node);
	pg_int(&pp, at_start ? 1 : 0);
	pg_int(&pp, max);
	return pg_collect_ids(pg_run(p, "SELECT id FROM outbox WHERE " ORPHAN
				     " ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED", &pp), ids, max);
}

int
pg_webhook_orphans(store *s, bool at_start)
{
	pg_store *p = pg_of(s);
	pg_params pp = { 0 };
	PGresult *r;
	bool any;

	pg_text(&pp, p->node);
	pg_int(&pp, at_start ? 1 : 0);
	/* None, no UPDATE: an UPDATE of no row would still NOTIFY every node
	 * (pg_lease_renew says why that matters). One that appears after this
	 * look is taken over at the next look, a third of a lease away. */
	r = pg_run(p, "SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE " ORPHAN ")", &pp);
	if (r == NULL)
		return -1;
	any = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!any)
		return 0;
	return pg_changed_count(p, "UPDATE webhook_deliveries SET state = 'queued',"
				" lease_owner = NULL, lease_until = 0 WHERE id IN (SELECT id"
				" FROM webhook_deliveries WHERE " ORPHAN
				" FOR UPDATE SKIP LOCKED)", &pp);
}

int
pg_wait_commit(store *s, int timeout_ms)
{
	pg_store *p = pg_of(s);
	struct pollfd fd = { .fd = PQsocket(p->conn), .events = POLLIN };
	int rc;

	if (fd.fd < 0)
		return -1;
	rc = poll(&fd, 1, timeout_ms);
	if (rc < 0)
		return -1;
	return rc > 0 ? 1 : 0;
}

int
pg_node_duty(store *s, const char *duty)
{
	pg_store *p = pg_of(s);
	pg_params pp = { 0 };
	PGresult *r;
	bool got;

	if (strcmp(p->duty, duty) == 0)
		return 1;	/* a session lock: held until the connection closes */
	pg_text(&pp, duty);
	r = pg_run(p, "SELECT pg_try_advisory_lock(" DUTY_LOCK_CLASS ", hashtext($1))", &pp);
	if (r == NULL)
		return -1;
	got = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (got)
		snprintf(p->duty, sizeof p->duty, "%s", duty);
	return got;
}

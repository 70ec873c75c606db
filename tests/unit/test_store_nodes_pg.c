/*
 * test_store_nodes_pg.c - several nodes on one PostgreSQL database
 * (store_node.h) on the throwaway cluster of tests/pg_cluster.sh (LK_PG_URL):
 * a node's name is taken once; a claim carries its node's lease; a live
 * node's rows are nobody else's, an expired lease's are taken over once; a
 * restarted node takes its own back at start; renewal keeps them; the bus's
 * watcher connection wakes on another connection's commit. Leases expire by
 * moving lease_until back in SQL (the lease is on the database's clock),
 * never by sleeping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "store/store_node.h"
#include "store/store_outbox.h"
#include "store/store_pg.h"

#include "pg_test.h"


static char *
value(PGconn *conn, const char *sql)
{
	static char buf[256];
	PGresult *r = PQexec(conn, sql);

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	snprintf(buf, sizeof buf, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return buf;
}

static void
quiet(void *arg, const char *message)
{
}

static store *
open_ok(void)
{
	char err[512];
	store *s = store_pg_open(url(), err, sizeof err);

	if (s == NULL)
		fail_msg("store_pg_open: %s", err);
	return s;
}

static void
join_ok(store *s, const char *node)
{
	char err[256] = "";

	if (store_node_join(s, node, 30, err, sizeof err) != 1)
		fail_msg("join %s: %s", node, err);
}

/* Every test: an empty schema, migrated, with one lead and two outbox rows
 * queued (ids 1 and 2) and one webhook delivery. */
static int
setup(void **state)
{
	PGconn *c = PQconnectdb(url());
	store *s;

	PQsetNoticeProcessor(c, quiet, NULL);
	sql_ok(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	PQfinish(c);
	s = open_ok();
	sql_ok(store_pg_conn(s),
	       "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0);"
	       "INSERT INTO leads (id, business_id, name, created_at, updated_at)"
	       " VALUES (1, 1, 'Lee', 0, 0);"
	       "INSERT INTO outbox (id, business_id, lead_id, channel, recipient, body, purpose,"
	       " send_at, created_at, updated_at) VALUES"
	       " (1, 1, 1, 'sms', '+13125550100', 'hi', 'ack', 0, 0, 0),"
	       " (2, 1, 1, 'sms', '+13125550100', 'hi', 'ack', 0, 0, 0);"
	       "INSERT INTO events (id, business_id, lead_id, type, at)"
	       " VALUES (1, 1, 1, 'created', 0);"
	       "INSERT INTO webhook_deliveries (id, business_id, event_id, url, send_at,"
	       " created_at, updated_at) VALUES (1, 1, 1, 'http://x.example/', 0, 0, 0)");
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	return 0;
}

/* Node a claims row id (queued -> sending, committed). */
static void
claim(store *s, int64_t id)
{
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_outbox_move(s, id, OUTBOX_QUEUED, OUTBOX_SENDING, NULL, 100), 1);
	assert_int_equal(store_commit(s), 0);
}

/* The orphans node s sees, in a transaction of its own (rolled back). */
static int
orphans(store *s, bool at_start, int64_t *ids)
{
	int n;

	assert_int_equal(store_begin(s), 0);
	n = store_outbox_orphans(s, at_start, ids, 8);
	store_rollback(s);
	return n;
}

static void
a_node_name_is_taken_once(void **state)
{
	store *a = *state, *again = open_ok(), *b = open_ok();
	char err[256] = "";

	join_ok(a, "a");
	/* refused after waiting a lease for the name: the least lease */
	assert_int_equal(store_node_join(again, "a", STORE_LEASE_MIN, err, sizeof err), -1);
	assert_non_null(strstr(err, "already delivering as node \"a\""));
	join_ok(b, "b");
	/* A node that died frees its name: a restart joins again. */
	store_close(a);
	*state = open_ok();
	join_ok(again, "a");
	store_close(again);
	store_close(b);
}

static void
a_claim_carries_its_nodes_lease(void **state)
{
	store *a = *state;

	join_ok(a, "a");
	claim(a, 1);
	assert_string_equal(value(store_pg_conn(a), "SELECT lease_owner FROM outbox WHERE id = 1"),
			    "a");
	assert_string_equal(value(store_pg_conn(a), "SELECT lease_until BETWEEN "
				  PG_DB_NOW " + 28 AND " PG_DB_NOW " + 31 FROM outbox WHERE id = 1"),
			    "t");
	/* Out of sending, the lease is gone; the node that sent it is kept. */
	assert_int_equal(store_begin(a), 0);
	assert_int_equal(store_outbox_move(a, 1, OUTBOX_SENDING, OUTBOX_SENT, NULL, 101), 1);
	assert_int_equal(store_commit(a), 0);
	assert_string_equal(value(store_pg_conn(a), "SELECT coalesce(lease_owner, '-') || "
				  "lease_until FROM outbox WHERE id = 1"), "a0");
}

static void
a_live_nodes_rows_are_nobody_elses_an_expired_lease_is_taken_over(void **state)
{
	store *a = *state, *b = open_ok();
	int64_t ids[8];

	join_ok(a, "a");
	join_ok(b, "b");
	claim(a, 1);
	/* b starting, or running, leaves a's live claim alone; a running too. */
	assert_int_equal(orphans(b, true, ids), 0);
	assert_int_equal(orphans(b, false, ids), 0);
	assert_int_equal(orphans(a, false, ids), 0);
	/* a's lease expires (a hung, or died): b takes it over, a does not take
	 * its own while it runs (its send may still be in flight). */
	sql_ok(store_pg_conn(b), "UPDATE outbox SET lease_until = " PG_DB_NOW " - 1 WHERE id = 1");
	assert_int_equal(orphans(a, false, ids), 0);
	assert_int_equal(orphans(b, false, ids), 1);
	assert_int_equal(ids[0], 1);
	/* Two nodes taking over at once: the row is locked by the first. */
	assert_int_equal(store_begin(b), 0);
	assert_int_equal(store_outbox_orphans(b, false, ids, 8), 1);
	{
		store *c = open_ok();

		join_ok(c, "c");
		assert_int_equal(orphans(c, false, ids), 0);
		store_close(c);
	}
	store_rollback(b);
	store_close(b);
}

static void
a_restarted_node_takes_its_own_rows_back_at_start(void **state)
{
	store *a = *state, *again;
	int64_t ids[8];

	join_ok(a, "a");
	claim(a, 2);
	store_close(a);		/* killed: its lease has not expired yet */
	again = open_ok();
	*state = again;
	join_ok(again, "a");
	assert_int_equal(orphans(again, false, ids), 0);
	assert_int_equal(orphans(again, true, ids), 1);
	assert_int_equal(ids[0], 2);
}

static void
renewal_keeps_a_nodes_leases(void **state)
{
	store *a = *state, *b = open_ok();
	int64_t ids[8];

	join_ok(a, "a");
	join_ok(b, "b");
	claim(a, 1);
	claim(b, 2);
	sql_ok(store_pg_conn(a), "UPDATE outbox SET lease_until = " PG_DB_NOW " - 1");
	sql_ok(store_pg_conn(a), "UPDATE webhook_deliveries SET state = 'sending',"
	       " lease_owner = 'a', lease_until = 0");
	/* a renews its own outbox row and webhook delivery, not b's row. */
	assert_int_equal(store_lease_renew(a), 2);
	assert_int_equal(orphans(b, false, ids), 0);
	assert_int_equal(orphans(a, false, ids), 1);
	assert_int_equal(ids[0], 2);
	/* A webhook delivery a dead node held is queued again, once. */
	sql_ok(store_pg_conn(a), "UPDATE webhook_deliveries SET lease_until = 0");
	assert_int_equal(store_webhook_orphans(a, false), 0);	/* its own */
	assert_int_equal(store_webhook_orphans(b, false), 1);
	assert_int_equal(store_webhook_orphans(b, false), 0);
	assert_string_equal(value(store_pg_conn(a), "SELECT state FROM webhook_deliveries"),
			    "queued");
	store_close(b);
}

static void
the_watcher_connection_wakes_on_another_nodes_commit(void **state)
{
	store *w = *state, *other = open_ok();
	int64_t v;

	assert_true(store_can_wait_commit(w));
	v = store_data_version(w);
	assert_int_equal(store_wait_commit(w, 20), 0);	/* nothing committed */
	assert_int_equal(store_data_version(w), v);
	assert_int_equal(store_begin(other), 0);
	sql_ok(store_pg_conn(other), "UPDATE outbox SET body = 'hello' WHERE id = 1");
	assert_int_equal(store_commit(other), 0);
	assert_int_equal(store_wait_commit(w, 5000), 1);
	assert_true(store_data_version(w) != v);
	store_close(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_node_name_is_taken_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_claim_carries_its_nodes_lease, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_live_nodes_rows_are_nobody_elses_an_expired_lease_is_taken_over, setup,
			teardown),
		cmocka_unit_test_setup_teardown(a_restarted_node_takes_its_own_rows_back_at_start,
						setup, teardown),
		cmocka_unit_test_setup_teardown(renewal_keeps_a_nodes_leases, setup, teardown),
		cmocka_unit_test_setup_teardown(the_watcher_connection_wakes_on_another_nodes_commit,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_store_pg.c - the PostgreSQL engine itself on a real server: its
 * migrations (an empty database, an older one upgrading with its data intact,
 * a newer one refused, an unreachable server named), transactions and
 * savepoints, and the commit bus over LISTEN/NOTIFY (own commits and another
 * connection's). Each test starts from an empty schema; the cluster is
 * tests/pg_cluster.sh's (LK_PG_URL; tests/run.sh starts it). Helpers:
 * store_pg_test.h.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/rules_load.h"
#include "store/store.h"
#include "store/store_bus.h"
#include "store/store_pg.h"

#include "pg_test.h"
#include "store_pg_test.h"

static void
an_empty_database_gets_every_migration_once(void **state)
{
	store *s = open_ok(), *again;

	assert_true(store_pg_schema_latest() >= 10);
	assert_int_equal(store_schema_version(s), store_pg_schema_latest());
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM leads"), 0);
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM schema_version"), 1);
	/* Opening a current database changes nothing. */
	again = open_ok();
	assert_int_equal(store_schema_version(again), store_pg_schema_latest());
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM schema_version"), 1);
	store_close(again);
	store_close(s);
}

static void
an_older_database_upgrades_with_data_intact(void **state)
{
	PGconn *c = other_conn();
	store *s;

	/* Version 1 by hand, as the first release of this engine left it. */
	sql_ok(c, store_pg_migrations[0]);
	sql_ok(c, "CREATE TABLE schema_version (version INTEGER NOT NULL);"
		  "INSERT INTO schema_version VALUES (1);"
		  "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'America/Chicago', 0);"
		  "INSERT INTO leads (business_id, name, phone, created_at, updated_at)"
		  " VALUES (1, 'Old Lead', '+13125550100', 5, 5)");
	s = open_ok();
	assert_int_equal(store_schema_version(s), store_pg_schema_latest());
	assert_int_equal(count(c, "SELECT count(*) FROM leads WHERE name = 'Old Lead'"
			       " AND phone = '+13125550100'"), 1);
	assert_int_equal(count(c, "SELECT count(*) FROM api_tokens"), 0);	/* version 2 */
	assert_int_equal(count(c, "SELECT count(*) FROM appointments"), 0);	/* version 9 */
	store_close(s);
	PQfinish(c);
}

static void
a_newer_database_is_refused(void **state)
{
	PGconn *c = other_conn();
	char err[512];

	sql_ok(c, "CREATE TABLE schema_version (version INTEGER NOT NULL);"
		  "INSERT INTO schema_version VALUES (999)");
	assert_null(store_pg_open(url(), err, sizeof err));
	assert_non_null(strstr(err, "newer"));
	assert_non_null(strstr(err, "999"));
	PQfinish(c);
}

static void
an_unreachable_server_is_named(void **state)
{
	char err[512];

	assert_null(store_pg_open("postgres:///leadkeep?host=/nonexistent-lk-dir", err,
				  sizeof err));
	assert_non_null(strstr(err, "cannot connect to PostgreSQL"));
	assert_non_null(strstr(err, "/nonexistent-lk-dir"));
}

static void
rollback_and_savepoints_undo_what_they_cover(void **state)
{
	store *s = open_ok();
	PGconn *c = store_pg_conn(s);

	sql_ok(c, "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0)");
	assert_int_equal(store_begin(s), 0);
	assert_true(store_in_transaction(s));
	sql_ok(c, "INSERT INTO leads (business_id, name, created_at, updated_at)"
		  " VALUES (1, 'Kept', 1, 1)");
	assert_int_equal(store_savepoint(s), 0);
	sql_ok(c, "INSERT INTO leads (business_id, name, created_at, updated_at)"
		  " VALUES (1, 'Undone', 1, 1)");
	store_rollback_savepoint(s);
	assert_int_equal(store_savepoint(s), 0);
	sql_ok(c, "INSERT INTO leads (business_id, name, created_at, updated_at)"
		  " VALUES (1, 'Released', 1, 1)");
	assert_int_equal(store_release(s), 0);
	assert_int_equal(store_commit(s), 0);
	assert_false(store_in_transaction(s));
	assert_int_equal(count(c, "SELECT count(*) FROM leads WHERE name IN ('Kept', 'Released')"), 2);
	assert_int_equal(count(c, "SELECT count(*) FROM leads WHERE name = 'Undone'"), 0);

	assert_int_equal(store_begin(s), 0);
	sql_ok(c, "INSERT INTO leads (business_id, name, created_at, updated_at)"
		  " VALUES (1, 'Ghost', 1, 1)");
	store_rollback(s);
	assert_int_equal(count(c, "SELECT count(*) FROM leads WHERE name = 'Ghost'"), 0);
	store_close(s);
}

static void
a_transaction_an_error_aborted_does_not_commit(void **state)
{
	store *s = open_ok();
	rules *r = demo_rules();
	char err[512];

	assert_int_equal(store_begin(s), 0);
	assert_true(store_business_sync(s, r, err, sizeof err) > 0);
	/* A failing statement (no such lead for the foreign key) aborts it. */
	{
		PGresult *res = PQexec(store_pg_conn(s), "INSERT INTO events (business_id,"
				       " lead_id, at, type) VALUES (1, 424242, 0, 'x')");

		assert_int_equal(PQresultStatus(res), PGRES_FATAL_ERROR);
		PQclear(res);
	}
	assert_int_equal(store_commit(s), -1);
	assert_non_null(strstr(store_errmsg(s), "rolled back"));
	assert_false(store_in_transaction(s));
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM businesses"), 0);
	rules_free(r);
	store_close(s);
}

typedef struct {
	unsigned long calls;
	unsigned kinds;
} heard;

static void
hear(void *arg, unsigned kinds)
{
	heard *h = arg;

	h->calls++;
	h->kinds |= kinds;
}

static void
commits_announce_the_kinds_they_wrote_and_nothing_else(void **state)
{
	store *s = open_ok();
	PGconn *c = store_pg_conn(s);
	store_bus *bus = store_bus_new();
	heard h = { 0 };
	int sub;

	assert_non_null(bus);
	sub = store_bus_subscribe(bus, STORE_BUS_ALL, hear, &h);
	assert_true(sub >= 0);
	store_set_bus(s, bus);

	assert_int_equal(store_begin(s), 0);
	sql_ok(c, "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0)");
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(h.kinds, STORE_BUS_OTHER);

	/* Rolled back: nothing announced. */
	h = (heard){ 0 };
	assert_int_equal(store_begin(s), 0);
	sql_ok(c, "INSERT INTO leads (business_id, name, created_at, updated_at)"
		  " VALUES (1, 'Ghost', 1, 1)");
	store_rollback(s);
	assert_int_equal(h.calls, 0);

	/* A lead and a timer, but the timer's savepoint is rolled back. */
	assert_int_equal(store_begin(s), 0);
	sql_ok(c, "INSERT INTO leads (id, business_id, name, created_at, updated_at)"
		  " VALUES (7, 1, 'Real', 1, 1)");
	assert_int_equal(store_savepoint(s), 0);
	sql_ok(c, "INSERT INTO timers (business_id, lead_id, due_at, kind, created_at)"
		  " VALUES (1, 7, 100, 'step', 1)");
	store_rollback_savepoint(s);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(h.kinds, STORE_BUS_LEADS);

	store_bus_unsubscribe(bus, sub);
	store_set_bus(s, NULL);
	store_bus_free(bus);
	store_close(s);
}

static void
another_connections_commit_is_heard(void **state)
{
	store *s = open_ok();
	PGconn *other = other_conn();
	store_bus *bus = store_bus_new();
	heard h = { 0 };
	int64_t before = store_data_version(s);
	int sub = store_bus_subscribe(bus, STORE_BUS_ALL, hear, &h);

	store_set_bus(s, bus);
	/* Nothing else committed: the version stands. */
	assert_int_equal(store_data_version(s), before);
	sql_ok(other, "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0);"
		      "INSERT INTO leads (id, business_id, created_at, updated_at)"
		      " VALUES (1, 1, 0, 0);"
		      "INSERT INTO outbox (business_id, lead_id, channel, recipient, body, purpose,"
		      " send_at, created_at, updated_at) VALUES (1, 1, 'sms', '+1', 'hi', 'ack',"
		      " 0, 0, 0)");
	/* The server sends the notifications at that commit: wait for them on
	 * our socket (not a sleep: the wait ends when they arrive). */
	while (store_data_version(s) == before) {
		struct pollfd pfd = { .fd = PQsocket(store_pg_conn(s)), .events = POLLIN };

		assert_int_equal(poll(&pfd, 1, 10000), 1);
	}
	assert_true(store_data_version(s) != before);
	/* Our next commit carries what others wrote, too. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(h.kinds, STORE_BUS_OTHER | STORE_BUS_LEADS | STORE_BUS_OUTBOX);

	store_bus_unsubscribe(bus, sub);
	store_set_bus(s, NULL);
	store_bus_free(bus);
	PQfinish(other);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(an_empty_database_gets_every_migration_once, empty_schema),
		cmocka_unit_test_setup(an_older_database_upgrades_with_data_intact, empty_schema),
		cmocka_unit_test_setup(a_newer_database_is_refused, empty_schema),
		cmocka_unit_test(an_unreachable_server_is_named),
		cmocka_unit_test_setup(rollback_and_savepoints_undo_what_they_cover, empty_schema),
		cmocka_unit_test_setup(a_transaction_an_error_aborted_does_not_commit, empty_schema),
		cmocka_unit_test_setup(commits_announce_the_kinds_they_wrote_and_nothing_else,
				       empty_schema),
		cmocka_unit_test_setup(another_connections_commit_is_heard, empty_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

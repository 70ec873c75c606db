/*
 * test_store_pg.c - the PostgreSQL engine on a real server: the throwaway
 * cluster of tests/pg_cluster.sh (LK_PG_URL; tests/run.sh starts it). Its
 * migrations (an empty database, an older one upgrading with its data
 * intact, a newer one refused), transactions and savepoints, the commit bus
 * over LISTEN/NOTIFY (own commits and another connection's), and the store
 * functions the engine implements so far: business_sync, lead_find_open,
 * lead_find_customer. Each test starts from an empty schema.
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

#include "core/engine.h"
#include "core/tz.h"
#include "flow/flow.h"
#include "rules/rules_load.h"
#include "sched/sched.h"
#include "store/store.h"
#include "store/store_api.h"
#include "store/store_bus.h"
#include "store/store_health.h"
#include "store/store_outbox.h"
#include "store/store_pg.h"
#include "store/store_webhook.h"

#include "pg_test.h"


/* The first column of the first row of sql as an integer. */
static int64_t
count(PGconn *conn, const char *sql)
{
	PGresult *r = PQexec(conn, sql);
	int64_t n;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return n;
}

/* A second connection of our own, as another node would have. */
static PGconn *
other_conn(void)
{
	PGconn *c = PQconnectdb(url());

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("connect: %s", PQerrorMessage(c));
	return c;
}

static void
quiet(void *arg, const char *message)
{
}

/* Every test's setup: an empty public schema. */
static int
empty_schema(void **state)
{
	PGconn *c = other_conn();

	PQsetNoticeProcessor(c, quiet, NULL);
	sql_ok(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	PQfinish(c);
	*state = NULL;
	return 0;
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

static rules *
demo_rules(void)
{
	rules_diags diags = { 0 };
	rules *r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml), "default",
				     &diags);

	rules_diags_free(&diags);
	assert_non_null(r);
	return r;
}

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
business_sync_is_idempotent_and_keeps_people_current(void **state)
{
	store *s = open_ok();
	rules *r = demo_rules();
	char err[512];
	int64_t a, b;

	assert_int_equal(store_begin(s), 0);
	a = store_business_sync(s, r, err, sizeof err);
	assert_int_equal(store_commit(s), 0);
	assert_true(a > 0);
	assert_int_equal(store_begin(s), 0);
	b = store_business_sync(s, r, err, sizeof err);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(a, b);
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM businesses"), 1);
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM people WHERE active = 1"),
			 (int64_t)r->npeople);
	/* A person gone from the rules stays, inactive. */
	r->npeople--;
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_business_sync(s, r, err, sizeof err), a);
	assert_int_equal(store_commit(s), 0);
	r->npeople++;
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM people WHERE active = 0"), 1);
	rules_free(r);
	store_close(s);
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

static void
open_leads_and_customers_are_found_by_phone_or_email(void **state)
{
	store *s = open_ok();
	PGconn *c = store_pg_conn(s);

	sql_ok(c, "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0),"
		  " (2, 'other', 'Other', 'UTC', 0);"
		  "INSERT INTO leads (id, business_id, phone, email, status, created_at, updated_at)"
		  " VALUES (10, 1, '+13125550199', NULL, 'open', 100, 100),"
		  " (11, 1, NULL, 'ann@example.com', 'nurture', 200, 200),"
		  " (12, 1, '+13125550100', 'bo@example.com', 'won', 50, 50),"
		  " (13, 2, '+13125550199', NULL, 'open', 300, 300)");
	assert_int_equal(store_lead_find_open(s, 1, "+13125550199", NULL, 0), 10);
	assert_int_equal(store_lead_find_open(s, 1, NULL, "ann@example.com", 0), 11);
	assert_int_equal(store_lead_find_open(s, 1, "+13125550199", "ann@example.com", 0), 11);
	/* Older than the window, another business's, won, or nothing to match. */
	assert_int_equal(store_lead_find_open(s, 1, "+13125550199", NULL, 101), 0);
	assert_int_equal(store_lead_find_open(s, 2, NULL, "ann@example.com", 0), 0);
	assert_int_equal(store_lead_find_open(s, 1, "+13125550100", NULL, 0), 0);
	assert_int_equal(store_lead_find_open(s, 1, "", "", 0), 0);
	assert_int_equal(store_lead_find_customer(s, 1, "+13125550100", NULL), 12);
	assert_int_equal(store_lead_find_customer(s, 1, NULL, "bo@example.com"), 12);
	assert_int_equal(store_lead_find_customer(s, 1, "+13125550199", NULL), 0);
	assert_int_equal(store_lead_find_customer(s, 2, "+13125550100", NULL), 0);
	store_close(s);
}

static void
tokens_are_checked_by_hash_and_revoked_once(void **state)
{
	store *s = open_ok();
	rules *r = demo_rules();
	char err[512], token[STORE_TOKEN_LEN], role[16], bad[STORE_TOKEN_LEN];
	int64_t bid, id, got_bid = 0, got_id = 0;

	assert_int_equal(store_begin(s), 0);
	bid = store_business_sync(s, r, err, sizeof err);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_token_create(s, bid, "zapier", "intake", 100, token, &id, err,
					    sizeof err), 0);
	assert_true(id > 0);
	assert_int_equal(store_token_check(s, token, &got_bid, &got_id, role, sizeof role), 0);
	assert_int_equal(got_bid, bid);
	assert_int_equal(got_id, id);
	assert_string_equal(role, "intake");
	/* Only the hash is stored; a wrong secret with the right prefix fails. */
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM api_tokens"
			       " WHERE length(hash) = 64 AND position('lk_' IN hash) = 0"), 1);
	snprintf(bad, sizeof bad, "%s", token);
	bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(store_token_check(s, bad, &got_bid, &got_id, role, sizeof role), 1);
	assert_int_equal(store_token_check(s, "lk_nonsense", &got_bid, &got_id, role,
					   sizeof role), 1);
	assert_int_equal(store_token_create(s, bid, "x", "owner", 100, token, &id, err,
					    sizeof err), -1);
	assert_non_null(strstr(err, "role"));
	assert_int_equal(store_token_revoke(s, bid + 1, id, 200), 0);	/* not its business */
	assert_int_equal(store_token_revoke(s, bid, id, 200), 1);
	assert_int_equal(store_token_revoke(s, bid, id, 300), 0);
	rules_free(r);
	store_close(s);
}

static void
idempotency_records_replay_and_tell_a_different_request(void **state)
{
	store *s = open_ok();
	char *body = NULL;
	int status = 0;
	bool same = false;

	sql_ok(store_pg_conn(s), "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0)");
	assert_int_equal(store_idem_get(s, 1, "k1", "h1", &status, &body, &same), 0);
	assert_int_equal(store_idem_put(s, 1, "k1", "h1", 201, "{\"id\":7}", 100), 0);
	assert_int_equal(store_idem_get(s, 1, "k1", "h1", &status, &body, &same), 1);
	assert_int_equal(status, 201);
	assert_string_equal(body, "{\"id\":7}");
	assert_true(same);
	free(body);
	assert_int_equal(store_idem_get(s, 1, "k1", "h2", &status, &body, &same), 1);
	assert_false(same);
	free(body);
	/* Put again: replaced, not a second row. */
	assert_int_equal(store_idem_put(s, 1, "k1", "h3", 409, "{}", 200), 0);
	assert_int_equal(store_idem_get(s, 1, "k1", "h3", &status, &body, &same), 1);
	assert_int_equal(status, 409);
	free(body);
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM idempotency_keys"), 1);
	store_close(s);
}

/* A business, lead 1 with an open task 1, and timers 1 (due 100, step),
 * 2 (due 200, escalate of task 1) and 3 (due 900), all pending. */
static void
timers_fixture(PGconn *c)
{
	sql_ok(c, "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0);"
		  "INSERT INTO leads (id, business_id, plan, created_at, updated_at)"
		  " VALUES (1, 1, 2, 0, 0);"
		  "INSERT INTO tasks (id, business_id, lead_id, verb, title, due_at, created_at)"
		  " VALUES (1, 1, 1, 'call', 'Call', 50, 0);"
		  "INSERT INTO timers (id, business_id, lead_id, due_at, kind, sequence, step,"
		  " level, task_id, plan, created_at, step_id) VALUES"
		  " (1, 1, 1, 100, 'step', 'new', 0, -1, NULL, 2, 0, 'first'),"
		  " (2, 1, 1, 200, 'escalate', NULL, -1, 1, 1, 2, 0, NULL),"
		  " (3, 1, 1, 900, 'step', 'new', 1, -1, NULL, 2, 0, 'second')");
}

static void
timers_come_due_in_order_and_fire_once(void **state)
{
	store *s = open_ok();
	store_timer t[4];
	char buf[16];

	timers_fixture(store_pg_conn(s));
	assert_int_equal(store_task_state(s, 1, 1, buf, sizeof buf), 1);
	assert_string_equal(buf, "open");
	assert_int_equal(store_task_state(s, 2, 1, buf, sizeof buf), 0);	/* other business */
	assert_int_equal(store_timer_next_due(s), 100);
	assert_int_equal(store_timers_due(s, 99, t, 4), 0);
	assert_int_equal(store_timers_due(s, 250, t, 4), 2);
	assert_int_equal(t[0].id, 1);
	assert_int_equal(t[0].kind, TIMER_STEP);
	assert_string_equal(t[0].sequence, "new");
	assert_string_equal(t[0].step_id, "first");
	assert_int_equal(t[0].plan, 2);
	assert_int_equal(t[1].id, 2);
	assert_int_equal(t[1].kind, TIMER_ESCALATE);
	assert_int_equal(t[1].task_id, 1);
	assert_int_equal(t[1].level, 1);
	assert_string_equal(t[1].sequence, "");
	assert_int_equal(store_timers_due(s, 250, t, 1), 1);	/* max */

	assert_int_equal(store_lead_pending_step(s, 1, t), 1);
	assert_int_equal(t[0].id, 1);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_timer_claim(s, 1, 120), 1);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_timer_claim(s, 1, 130), 0);	/* fired already */
	assert_int_equal(count(store_pg_conn(s), "SELECT fired_at FROM timers WHERE id = 1"), 120);
	assert_int_equal(store_lead_pending_step(s, 1, t), 1);
	assert_int_equal(t[0].id, 3);
	assert_int_equal(store_timer_set_error(s, 2), 0);
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM timers"
			       " WHERE id = 2 AND state = 'error'"), 1);
	assert_int_equal(store_timer_next_due(s), 900);
	assert_int_equal(store_timer_move(s, 3, TIMER_PENDING, TIMER_CANCELLED, 0), 1);
	assert_int_equal(store_timer_next_due(s), 0);	/* none pending */
	assert_int_equal(store_lead_pending_step(s, 1, t), 0);
	store_close(s);
}

static void
a_timer_another_node_is_firing_is_skipped_then_found_fired(void **state)
{
	store *a = open_ok(), *b = open_ok();
	store_timer t[4];

	timers_fixture(store_pg_conn(a));
	/* Node a takes the due timers in its transaction... */
	assert_int_equal(store_begin(a), 0);
	assert_int_equal(store_timers_due(a, 250, t, 4), 2);
	/* ...node b does not wait for them: it sees none while a holds them. */
	assert_int_equal(store_timers_due(b, 250, t, 4), 0);
	assert_int_equal(store_timers_due(b, 1000, t, 4), 1);
	assert_int_equal(t[0].id, 3);
	assert_int_equal(store_timer_claim(a, 1, 120), 1);
	assert_int_equal(store_timer_claim(a, 2, 120), 1);
	assert_int_equal(store_commit(a), 0);
	/* After a's commit they are fired, for b too. */
	assert_int_equal(store_timers_due(b, 250, t, 4), 0);
	assert_int_equal(store_begin(b), 0);
	assert_int_equal(store_timer_claim(b, 1, 130), 0);
	assert_int_equal(store_commit(b), 0);
	assert_int_equal(count(store_pg_conn(b), "SELECT count(*) FROM timers"
			       " WHERE state = 'fired'"), 2);
	store_close(b);
	store_close(a);
}

/* A business, lead 1 (reachable, owner alice) and lead 2 (opted out of
 * texts); outbox 1 (ack to lead 1) and 2 (follow-up to lead 2) due at 100,
 * 3 (a notice to alice by email) due at 500, 4 (follow-up to lead 1) at 100. */
static void
outbox_fixture(PGconn *c)
{
	sql_ok(c, "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0);"
		  "INSERT INTO leads (id, business_id, owner, sms_opt_out, created_at, updated_at)"
		  " VALUES (1, 1, 'alice', 0, 0, 0), (2, 1, 'bob', 1, 0, 0);"
		  "INSERT INTO outbox (id, business_id, lead_id, person, channel, recipient, body,"
		  " purpose, send_at, created_at, updated_at) VALUES"
		  " (1, 1, 1, NULL, 'sms', '+13125550199', 'Hi', 'ack', 100, 0, 0),"
		  " (2, 1, 2, NULL, 'sms', '+13125550100', 'Still there?', 'followup', 100, 0, 0),"
		  " (3, 1, 1, 'alice', 'email', 'alice@example.com', 'New lead', 'notify', 500,"
		  "  0, 0),"
		  " (4, 1, 1, NULL, 'sms', '+13125550199', 'Later', 'followup', 100, 0, 0)");
}

static void
outbox_rows_are_claimed_once_and_move_along_legal_edges(void **state)
{
	store *s = open_ok();
	outbox_msg m;
	outbox_state st;
	int64_t ids[8], lead_id = 0, task = 0;
	char pid[32];

	outbox_fixture(store_pg_conn(s));
	assert_int_equal(store_outbox_next_due(s), 100);
	assert_int_equal(store_outbox_due(s, "sms", 150, ids, 8), 3);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 2);
	assert_int_equal(ids[2], 4);
	assert_int_equal(store_outbox_due(s, "email", 150, ids, 8), 0);

	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_outbox_claim(s, 1, 150, &m), OUTBOX_CLAIMED);
	assert_int_equal(m.attempts, 1);
	assert_string_equal(m.recipient, "+13125550199");
	assert_string_equal(m.owner, "alice");
	outbox_msg_free(&m);
	assert_int_equal(store_outbox_claim(s, 2, 150, &m), OUTBOX_CANCELED_OPT_OUT);
	outbox_msg_free(&m);
	assert_int_equal(store_outbox_claim(s, 3, 150, &m), OUTBOX_SKIPPED);	/* not due */
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_outbox_claim(s, 1, 160, &m), OUTBOX_SKIPPED);	/* sending */
	assert_int_equal(store_outbox_in_state(s, OUTBOX_SENDING, ids, 8), 1);
	assert_int_equal(ids[0], 1);
	assert_int_equal(store_outbox_move(s, 1, OUTBOX_SENDING, OUTBOX_SENT,
					   &(outbox_update){ .provider_id = "SM1",
							     .provider = "twilio" }, 170), 1);
	assert_int_equal(store_outbox_move(s, 1, OUTBOX_SENDING, OUTBOX_SENT, NULL, 170), 0);
	assert_int_equal(store_outbox_get(s, 1, &st, pid, sizeof pid, &lead_id, &task), 1);
	assert_int_equal(st, OUTBOX_SENT);
	assert_string_equal(pid, "SM1");
	assert_int_equal(lead_id, 1);
	assert_int_equal(task, 0);
	assert_int_equal(store_outbox_get(s, 2, &st, NULL, 0, NULL, NULL), 1);
	assert_int_equal(st, OUTBOX_CANCELLED);
	assert_int_equal(store_outbox_get(s, 99, &st, NULL, 0, NULL, NULL), 0);

	assert_int_equal(store_outbox_defer(s, 3, 600, "provider down", 200), 1);
	assert_int_equal(store_outbox_next_due(s), 100);	/* 4 still queued */
	assert_int_equal(store_outbox_bury(s, 3, "no address", 1, 210), 1);
	assert_int_equal(store_outbox_bury(s, 3, "again", 0, 220), 0);
	assert_int_equal(store_outbox_in_state(s, OUTBOX_FAILED, ids, 8), 1);
	assert_int_equal(ids[0], 3);
	assert_int_equal(store_outbox_load(s, 3, &m), 1);
	assert_int_equal(m.attempts, 1);
	assert_int_equal(m.send_at, 600);
	assert_string_equal(m.channel, "email");
	outbox_msg_free(&m);
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM outbox WHERE id = 3"
			       " AND last_error = 'no address' AND task_id = 1"), 1);
	store_close(s);
}

static void
a_message_another_node_is_claiming_is_skipped_then_found_sending(void **state)
{
	store *a = open_ok(), *b = open_ok();
	outbox_msg m;
	int64_t ids[8];

	outbox_fixture(store_pg_conn(a));
	assert_int_equal(store_begin(a), 0);
	assert_int_equal(store_outbox_claim(a, 4, 150, &m), OUTBOX_CLAIMED);
	outbox_msg_free(&m);
	/* b neither waits for a's claim nor takes the row. */
	assert_int_equal(store_begin(b), 0);
	assert_int_equal(store_outbox_claim(b, 4, 150, &m), OUTBOX_SKIPPED);
	assert_int_equal(store_outbox_due(b, "sms", 150, ids, 8), 2);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 2);
	assert_int_equal(store_commit(b), 0);
	assert_int_equal(store_commit(a), 0);
	assert_int_equal(store_outbox_claim(b, 4, 160, &m), OUTBOX_SKIPPED);
	assert_int_equal(count(store_pg_conn(b), "SELECT attempts FROM outbox WHERE id = 4"), 1);
	store_close(b);
	store_close(a);
}

static void
calendar_tokens_are_one_live_per_person(void **state)
{
	store *s = open_ok();
	char err[512], first[STORE_CAL_TOKEN_LEN], second[STORE_CAL_TOKEN_LEN], who[32];
	int64_t bid = 0;

	sql_ok(store_pg_conn(s), "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0)");
	assert_int_equal(store_calendar_token(s, 1, "alice", 100, first, err, sizeof err), 0);
	assert_int_equal(strlen(first), STORE_CAL_TOKEN_LEN - 1);
	assert_int_equal(store_calendar_check(s, first, &bid, who, sizeof who), 1);
	assert_int_equal(bid, 1);
	assert_string_equal(who, "alice");
	/* A new address revokes the old one. */
	assert_int_equal(store_calendar_token(s, 1, "alice", 200, second, err, sizeof err), 0);
	assert_int_equal(store_calendar_check(s, first, &bid, who, sizeof who), 0);
	assert_int_equal(store_calendar_check(s, second, &bid, who, sizeof who), 1);
	assert_int_equal(store_calendar_check(s, "short", &bid, who, sizeof who), 0);
	assert_int_equal(store_calendar_revoke(s, 1, "alice", 300), 1);
	assert_int_equal(store_calendar_revoke(s, 1, "alice", 400), 0);
	assert_int_equal(store_calendar_check(s, second, &bid, who, sizeof who), 0);
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM calendar_tokens"
			       " WHERE length(hash) = 64"), 2);
	store_close(s);
}

static void
history_row(void *ctx, const store_rules_row *r)
{
	char *out = ctx;

	snprintf(out + strlen(out), 256 - strlen(out), "%s@%lld by %s, %lld leads;", r->hash,
		 (long long)r->at, r->by, (long long)r->leads);
}

static void
rules_versions_are_kept_once_and_every_activation_recorded(void **state)
{
	store *s = open_ok();
	char prev[80], hash[80], by[32], history[256] = "", *text = NULL;
	int64_t at = 0, ids[8], n = -1;

	sql_ok(store_pg_conn(s), "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0);"
		 "INSERT INTO leads (id, business_id, owner, sequence, rules_version, created_at,"
		 " updated_at) VALUES (1, 1, 'alice', 'new', 'aaa', 0, 0),"
		 " (2, 1, 'alice', 'new', 'bbb', 0, 0), (3, 1, 'bob', NULL, NULL, 0, 0);"
		 "INSERT INTO tasks (business_id, lead_id, verb, title, assignee, due_at, created_at)"
		 " VALUES (1, 2, 'call', 'Call', 'bob', 0, 0), (1, 3, 'call', 'Call', 'bob', 0, 0),"
		 " (1, 3, 'visit', 'Visit', 'bob', 0, 0)");
	assert_int_equal(store_rules_active(s, 1, hash, sizeof hash, &at, by, sizeof by), 0);
	assert_int_equal(store_rules_activate(s, 1, "aaa", "v: 1", "serve", 100, prev,
					      sizeof prev), 1);
	assert_string_equal(prev, "");
	assert_int_equal(store_rules_activate(s, 1, "aaa", "v: 1", "serve", 110, prev,
					      sizeof prev), 0);	/* already active */
	assert_int_equal(store_rules_activate(s, 1, "bbb", "v: 2", "ann", 200, prev,
					      sizeof prev), 1);
	assert_string_equal(prev, "aaa");
	assert_int_equal(store_rules_activate(s, 1, "aaa", "v: 1", "ann", 300, prev,
					      sizeof prev), 1);	/* back: the text kept once */
	assert_int_equal(count(store_pg_conn(s), "SELECT count(*) FROM rules_versions"), 2);
	assert_int_equal(store_rules_active(s, 1, hash, sizeof hash, &at, by, sizeof by), 1);
	assert_string_equal(hash, "aaa");
	assert_int_equal(at, 300);
	assert_string_equal(by, "ann");
	assert_int_equal(store_rules_text(s, 1, "bbb", &text), 1);
	assert_string_equal(text, "v: 2");
	free(text);
	assert_int_equal(store_rules_text(s, 1, "ccc", &text), 0);
	assert_int_equal(store_rules_history(s, 1, 10, history_row, history), 3);
	assert_string_equal(history, "aaa@300 by ann, 1 leads;bbb@200 by ann, 1 leads;"
			    "aaa@100 by serve, 1 leads;");
	assert_int_equal(store_leads_off_version(s, 1, "aaa", 0, ids, 8), 1);
	assert_int_equal(ids[0], 2);
	assert_int_equal(store_owner_open_leads(s, 1, "alice", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_assignee_leads(s, 1, "bob", 0, ids, 8), 2);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 3);
	assert_int_equal(store_assignee_leads(s, 1, "bob", 2, ids, 8), 1);
	store_close(s);
}

/* --- leads through the flow, as test_store.c does on SQLite --------------- */

typedef struct {
	store *s;
	rules *r;
	int64_t bid;
	int64_t t0;		/* Tuesday 2026-11-24 14:02 in the demo's Chicago */
} demo;

static int
demo_setup(void **state)
{
	demo *d = calloc(1, sizeof *d);
	char err[512];

	empty_schema(state);
	d->s = open_ok();
	d->r = demo_rules();
	assert_int_equal(store_begin(d->s), 0);
	assert_true((d->bid = store_business_sync(d->s, d->r, err, sizeof err)) > 0);
	assert_int_equal(store_commit(d->s), 0);
	tz_from_local(d->r->business.zone, 2026, 11, 24, 14, 2, &d->t0);
	*state = d;
	return 0;
}

static int
demo_teardown(void **state)
{
	demo *d = *state;

	store_close(d->s);
	rules_free(d->r);
	free(d);
	return 0;
}

static int64_t
add_lead(demo *d, const char *name, const char *phone, const char *source, int64_t now,
	 bool *dup)
{
	intake_lead in = { .name = name, .phone = phone, .source = source,
			   .service = "deck repair" };
	flow_out res;
	char err[256];

	assert_int_equal(store_begin(d->s), 0);
	assert_int_equal(flow_intake(d->s, d->bid, d->r, &in, now, &res, err, sizeof err), FLOW_OK);
	assert_int_equal(store_commit(d->s), 0);
	if (dup)
		*dup = res.duplicate;
	return res.lead_id;
}

static void
intake_commits_lead_owner_task_timers_and_ack_together(void **state)
{
	demo *d = *state;
	PGconn *c = store_pg_conn(d->s);
	int64_t id = add_lead(d, "Marcus Johnson", "(312) 555-0199", "web_form", d->t0, NULL);

	assert_true(id > 0);
	assert_int_equal(count(c, "SELECT count(*) FROM leads WHERE owner = 'alice'"
			       " AND phone = '+13125550199' AND status = 'open'"), 1);
	assert_int_equal(count(c, "SELECT count(*) FROM tasks WHERE state = 'open'"), 1);
	assert_true(count(c, "SELECT count(*) FROM timers WHERE state = 'pending'") >= 2);
	assert_int_equal(count(c, "SELECT count(*) FROM outbox WHERE purpose = 'ack'"), 1);
	assert_true(count(c, "SELECT count(*) FROM events") >= 4);
	assert_int_equal(count(c, "SELECT count(DISTINCT l.id) FROM leads l"
			       " JOIN tasks t ON t.lead_id = l.id JOIN outbox o ON o.lead_id = l.id"), 1);
}

static void
rolled_back_intake_leaves_nothing(void **state)
{
	demo *d = *state;
	PGconn *c = store_pg_conn(d->s);
	intake_lead in = { .name = "Ghost", .phone = "3125550111", .source = "web_form" };
	flow_out res;
	char err[256];

	assert_int_equal(store_begin(d->s), 0);
	assert_int_equal(flow_intake(d->s, d->bid, d->r, &in, d->t0, &res, err, sizeof err),
			 FLOW_OK);
	store_rollback(d->s);
	assert_int_equal(count(c, "SELECT count(*) FROM leads"), 0);
	assert_int_equal(count(c, "SELECT count(*) FROM tasks"), 0);
	assert_int_equal(count(c, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(count(c, "SELECT count(*) FROM timers"), 0);
}

static void
same_phone_again_joins_the_open_lead_without_a_second_ack(void **state)
{
	demo *d = *state;
	PGconn *c = store_pg_conn(d->s);
	bool dup = false;
	int64_t a = add_lead(d, "Marcus Johnson", "(312) 555-0199", "web_form", d->t0, &dup);
	int64_t b;

	assert_false(dup);
	b = add_lead(d, "Marcus", "+1 312 555 0199", "meta_ads", d->t0 + 2 * 86400, &dup);
	assert_true(dup);
	assert_int_equal(a, b);
	assert_int_equal(count(c, "SELECT count(*) FROM leads"), 1);
	assert_int_equal(count(c, "SELECT count(*) FROM outbox WHERE purpose = 'ack'"), 1);
	assert_int_equal(count(c, "SELECT count(*) FROM events WHERE type = 'lead.inquiry_again'"), 1);
	assert_int_equal(count(c, "SELECT count(*) FROM tasks WHERE title LIKE"
			       " '%asked again by Meta ad%'"), 1);
}

typedef struct {
	char src[8][32];
	int64_t at[8][16];
	int n[8], nsrc;
} seen_arrivals;

static void
on_arrival(void *ctx, const char *source, int64_t at)
{
	seen_arrivals *a = ctx;

	if (a->nsrc == 0 || strcmp(a->src[a->nsrc - 1], source) != 0)
		snprintf(a->src[a->nsrc++], sizeof a->src[0], "%s", source);
	a->at[a->nsrc - 1][a->n[a->nsrc - 1]++] = at;
}

static void
health_reads_count_outcomes_heads_and_arrivals(void **state)
{
	demo *d = *state;
	PGconn *c = store_pg_conn(d->s);
	seen_arrivals a = { 0 };
	store_health h;
	char phone[32], sql[300];

	for (int i = 0; i < 4; i++) {	/* web_form every hour, one phone call */
		snprintf(phone, sizeof phone, "312555020%d", i);
		add_lead(d, "Form Lead", phone, "web_form", d->t0 + i * 3600, NULL);
	}
	add_lead(d, "Caller", "3125550299", "phone_call", d->t0 + 600, NULL);
	/* the last three hours: 2 of the 4 leads' most recent per source */
	assert_int_equal(store_health_arrivals(d->s, d->bid, d->t0, d->t0 + 3 * 3600, 3,
					       on_arrival, &a), 0);
	assert_int_equal(a.nsrc, 2);
	assert_string_equal(a.src[0], "phone_call");
	assert_string_equal(a.src[1], "web_form");
	assert_int_equal(a.n[1], 3);
	assert_int_equal(a.at[1][0], d->t0 + 3600);	/* oldest first */
	assert_int_equal(a.at[1][2], d->t0 + 3 * 3600);
	/* One ack dead, one refused for credentials, one sent, in the window. */
	snprintf(sql, sizeof sql, "UPDATE outbox SET state = 'dead', updated_at = %lld WHERE id ="
		 " (SELECT min(id) FROM outbox WHERE purpose = 'ack')", (long long)d->t0 + 7200);
	sql_ok(c, sql);
	snprintf(sql, sizeof sql, "UPDATE outbox SET attempts = 1, error_code = 20003, last_error ="
		 " 'HTTP 401', updated_at = %lld, send_at = %lld WHERE id = (SELECT max(id) FROM"
		 " outbox WHERE purpose = 'ack' AND state = 'queued')", (long long)d->t0 + 7200,
		 (long long)d->t0 + 99999);
	sql_ok(c, sql);
	assert_int_equal(store_health_read(d->s, d->bid, d->t0 + 3 * 3600, d->t0, d->t0, 300, &h),
			 0);
	assert_int_equal(h.dead, 1);
	assert_int_equal(h.refused_sms, 1);
	assert_int_equal(h.refused_email, 0);
	assert_int_equal(h.failed, 2);
	assert_true(h.timer_head_id > 0);	/* the first lead's timers are due by now */
	assert_true(h.timer_head_due <= d->t0 + 3 * 3600);
	assert_true(h.outbox_head_id > 0);	/* the acks still queued */
}

static void
bad_contact_is_stored_and_flagged_not_dropped(void **state)
{
	demo *d = *state;

	add_lead(d, "No Digits", "call me maybe", "web_form", d->t0, NULL);
	assert_int_equal(count(store_pg_conn(d->s), "SELECT count(*) FROM leads"
			       " WHERE phone = 'call me maybe' AND flags <> 0"), 1);
}

static void
due_timers_fire_once_in_order(void **state)
{
	demo *d = *state;
	PGconn *c = store_pg_conn(d->s);
	int64_t t = d->t0;

	add_lead(d, "Marcus Johnson", "(312) 555-0199", "web_form", t, NULL);
	assert_true(count(c, "SELECT count(*) FROM timers WHERE state = 'pending'") >= 2);
	assert_int_equal(sched_run_due(d->s, d->r, t, 16), 0);
	/* 20 minutes on: the first escalation (due + 15m) fires, once. */
	assert_int_equal(sched_run_due(d->s, d->r, t + 20 * 60, 16), 1);
	assert_int_equal(sched_run_due(d->s, d->r, t + 20 * 60, 16), 0);
	assert_int_equal(count(c, "SELECT count(*) FROM events WHERE type = 'task.escalated'"), 1);
	assert_int_equal(count(c, "SELECT count(*) FROM timers WHERE state = 'fired'"), 1);
	assert_true(store_timer_next_due(d->s) > t + 20 * 60);
}

static void
a_task_done_closes_it_and_the_lead_moves_on(void **state)
{
	demo *d = *state;
	PGconn *c = store_pg_conn(d->s);
	int64_t id = add_lead(d, "Marcus Johnson", "(312) 555-0199", "web_form", d->t0, NULL);
	int64_t task = count(c, "SELECT id FROM tasks WHERE state = 'open' ORDER BY id LIMIT 1");
	lead_event ev = lead_event_init(EV_TASK_DONE);
	store_lead_state *ls;
	decision *dec = NULL;
	char err[256];

	ev.task_id = task;
	ev.outcome = "reached";
	assert_int_equal(store_begin(d->s), 0);
	assert_int_equal(store_lead_state_load(d->s, d->bid, id, d->t0, d->r->touch_window, &ls,
					       err, sizeof err), 1);
	assert_int_equal(store_lead_state_get(ls)->ntasks, 1);
	assert_string_equal(store_lead_state_get(ls)->lead.owner, "alice");
	assert_int_equal(decide(store_lead_state_get(ls), &ev, d->r, store_lead_state_rr(ls),
				d->t0 + 60, &dec, err, sizeof err), DECIDE_OK);
	assert_int_equal(store_apply(d->s, d->bid, id, dec, "alice", d->t0 + 60, NULL, err,
				     sizeof err), 0);
	assert_int_equal(store_commit(d->s), 0);
	assert_int_equal(count(c, "SELECT count(*) FROM tasks WHERE state = 'done'"
			       " AND outcome IS NOT NULL"), 1);
	assert_true(count(c, "SELECT last_task_done_at FROM leads") > 0);
	decision_free(dec);
	store_lead_state_free(ls);
	/* A lead that is not there, or not this business's. */
	assert_int_equal(store_lead_state_load(d->s, d->bid + 1, id, d->t0, 0, &ls, err,
					       sizeof err), 0);
	assert_null(ls);
}

static void
decisions_about_one_lead_and_intakes_of_one_business_take_turns(void **state)
{
	demo *d = *state;
	store *b = open_ok();
	int64_t id = add_lead(d, "Marcus Johnson", "(312) 555-0199", "web_form", d->t0, NULL);
	store_lead_state *ls = NULL, *other = NULL;
	char err[256];

	/* Node b waits at most 100 ms for a lock, then reports busy. */
	sql_ok(store_pg_conn(b), "SET lock_timeout = '100ms'");
	assert_int_equal(store_begin(d->s), 0);
	assert_int_equal(store_lead_state_load(d->s, d->bid, id, d->t0, 0, &ls, err, sizeof err), 1);
	assert_int_equal(store_begin(b), 0);
	assert_int_equal(store_lead_state_load(b, d->bid, id, d->t0, 0, &other, err, sizeof err),
			 -1);
	assert_true(store_busy(b));
	assert_null(other);
	store_rollback(b);
	store_rollback(d->s);
	store_lead_state_free(ls);

	assert_int_equal(store_begin(d->s), 0);
	assert_int_equal(store_lead_find_open(d->s, d->bid, "+13125550100", NULL, 0), 0);
	assert_int_equal(store_begin(b), 0);
	assert_int_equal(store_lead_find_open(b, d->bid, "+13125550100", NULL, 0), -1);
	assert_true(store_busy(b));
	store_rollback(b);
	/* Another business's intake does not wait. */
	assert_int_equal(store_begin(b), 0);
	assert_int_equal(store_lead_find_open(b, d->bid + 1, "+13125550100", NULL, 0), 0);
	store_rollback(b);
	store_rollback(d->s);
	/* Once a's transaction ended, b's turn. */
	assert_int_equal(store_begin(b), 0);
	assert_int_equal(store_lead_state_load(b, d->bid, id, d->t0, 0, &other, err, sizeof err), 1);
	store_rollback(b);
	store_lead_state_free(other);
	store_close(b);
}

static void
webhooks_are_queued_per_event_and_url_and_claimed_once(void **state)
{
	demo *d = *state;
	PGconn *c = store_pg_conn(d->s);
	const char *const urls[] = { "https://a.example/hook", "https://b.example/hook" };
	store *b = open_ok();
	store_webhook w;
	int64_t ids[64], events;
	int n;

	/* The first call only places the cursor: no history replayed. */
	add_lead(d, "Old Lead", "(312) 555-0100", "web_form", d->t0, NULL);
	assert_int_equal(store_webhook_enqueue(d->s, urls, 2, d->t0, 100), 0);
	assert_int_equal(count(c, "SELECT count(*) FROM webhook_deliveries"), 0);
	add_lead(d, "Marcus Johnson", "(312) 555-0199", "web_form", d->t0 + 10, NULL);
	events = count(c, "SELECT count(*) FROM events e JOIN leads l ON l.id = e.lead_id"
		       " WHERE l.name = 'Marcus Johnson'");
	assert_true(events >= 1);
	assert_int_equal(store_webhook_enqueue(d->s, urls, 2, d->t0 + 20, 100), events);
	assert_int_equal(store_webhook_enqueue(d->s, urls, 2, d->t0 + 20, 100), 0);
	assert_int_equal(count(c, "SELECT count(*) FROM webhook_deliveries"), 2 * events);
	assert_int_equal(store_webhook_next_due(d->s), d->t0 + 20);

	n = store_webhook_due(d->s, d->t0 + 20, ids, 64);
	assert_int_equal(n, 2 * events);
	assert_int_equal(store_begin(d->s), 0);
	assert_int_equal(store_webhook_claim(d->s, ids[0], d->t0 + 30, &w), 1);
	assert_int_equal(w.attempts, 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(w.payload, "lead"),
							      "name")), "Marcus Johnson");
	assert_string_equal(json_string_value(json_object_get(w.payload, "type")), w.type);
	store_webhook_free(&w);
	/* Another connection neither waits for nor takes what this one claims. */
	assert_int_equal(store_begin(b), 0);
	assert_int_equal(store_webhook_claim(b, ids[0], d->t0 + 30, &w), 0);
	assert_int_equal(store_webhook_due(b, d->t0 + 20, ids + 32, 32), n - 1);
	assert_int_equal(store_commit(b), 0);
	assert_int_equal(store_commit(d->s), 0);
	assert_int_equal(store_webhook_claim(b, ids[0], d->t0 + 40, &w), 0);	/* sending */

	assert_int_equal(store_webhook_finish(d->s, ids[0], "delivered", 200, NULL, 0,
					      d->t0 + 50), 0);
	assert_int_equal(store_webhook_defer(d->s, ids[1], d->t0 + 999, "later", d->t0 + 50), 0);
	assert_int_equal(store_webhook_bury(d->s, ids[n - 1], "gone", d->t0 + 50), 0);
	assert_int_equal(count(c, "SELECT count(*) FROM webhook_deliveries WHERE state = 'dead'"
			       " AND last_error = 'gone'"), 1);
	assert_int_equal(count(c, "SELECT count(*) FROM webhook_deliveries"
			       " WHERE state = 'delivered' AND status = 200"), 1);
	assert_int_equal(store_begin(d->s), 0);
	assert_int_equal(store_webhook_claim(d->s, ids[1], d->t0 + 60, &w), 1);
	store_webhook_free(&w);
	assert_int_equal(store_commit(d->s), 0);
	assert_int_equal(store_webhook_recover(d->s), 1);	/* a crash left it sending */
	assert_int_equal(count(c, "SELECT count(*) FROM webhook_deliveries"
			       " WHERE state = 'sending'"), 0);
	store_close(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(an_empty_database_gets_every_migration_once, empty_schema),
		cmocka_unit_test_setup(an_older_database_upgrades_with_data_intact, empty_schema),
		cmocka_unit_test_setup(a_newer_database_is_refused, empty_schema),
		cmocka_unit_test(an_unreachable_server_is_named),
		cmocka_unit_test_setup(business_sync_is_idempotent_and_keeps_people_current,
				       empty_schema),
		cmocka_unit_test_setup(rollback_and_savepoints_undo_what_they_cover, empty_schema),
		cmocka_unit_test_setup(a_transaction_an_error_aborted_does_not_commit, empty_schema),
		cmocka_unit_test_setup(commits_announce_the_kinds_they_wrote_and_nothing_else,
				       empty_schema),
		cmocka_unit_test_setup(another_connections_commit_is_heard, empty_schema),
		cmocka_unit_test_setup(open_leads_and_customers_are_found_by_phone_or_email,
				       empty_schema),
		cmocka_unit_test_setup(tokens_are_checked_by_hash_and_revoked_once, empty_schema),
		cmocka_unit_test_setup(idempotency_records_replay_and_tell_a_different_request,
				       empty_schema),
		cmocka_unit_test_setup(calendar_tokens_are_one_live_per_person, empty_schema),
		cmocka_unit_test_setup(rules_versions_are_kept_once_and_every_activation_recorded,
				       empty_schema),
		cmocka_unit_test_setup(timers_come_due_in_order_and_fire_once, empty_schema),
		cmocka_unit_test_setup(a_timer_another_node_is_firing_is_skipped_then_found_fired,
				       empty_schema),
		cmocka_unit_test_setup(outbox_rows_are_claimed_once_and_move_along_legal_edges,
				       empty_schema),
		cmocka_unit_test_setup(a_message_another_node_is_claiming_is_skipped_then_found_sending,
				       empty_schema),
		cmocka_unit_test_setup_teardown(intake_commits_lead_owner_task_timers_and_ack_together,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(rolled_back_intake_leaves_nothing, demo_setup,
						demo_teardown),
		cmocka_unit_test_setup_teardown(same_phone_again_joins_the_open_lead_without_a_second_ack,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(bad_contact_is_stored_and_flagged_not_dropped,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(health_reads_count_outcomes_heads_and_arrivals,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(due_timers_fire_once_in_order, demo_setup,
						demo_teardown),
		cmocka_unit_test_setup_teardown(a_task_done_closes_it_and_the_lead_moves_on,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(
			decisions_about_one_lead_and_intakes_of_one_business_take_turns, demo_setup,
			demo_teardown),
		cmocka_unit_test_setup_teardown(webhooks_are_queued_per_event_and_url_and_claimed_once,
						demo_setup, demo_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

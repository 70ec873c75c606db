/*
 * test_store_claims_pg.c - the PostgreSQL engine's claims, as several nodes
 * make them: due timers fire once and in order, outbox rows are claimed once
 * and move along legal edges, and a row another connection holds is skipped,
 * then found fired or sending. Each test starts from an empty schema; the
 * cluster is tests/pg_cluster.sh's (LK_PG_URL; tests/run.sh starts it).
 * Helpers: store_pg_test.h.
 */
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
#include "store/store_outbox.h"
#include "store/store_pg.h"

#include "pg_test.h"
#include "store_pg_test.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(timers_come_due_in_order_and_fire_once, empty_schema),
		cmocka_unit_test_setup(a_timer_another_node_is_firing_is_skipped_then_found_fired,
				       empty_schema),
		cmocka_unit_test_setup(outbox_rows_are_claimed_once_and_move_along_legal_edges,
				       empty_schema),
		cmocka_unit_test_setup(a_message_another_node_is_claiming_is_skipped_then_found_sending,
				       empty_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_store_flow_pg.c - leads through the flow on the PostgreSQL engine, as
 * test_store.c does on SQLite: intake commits together or not at all,
 * duplicates join the open lead, health reads, due timers, tasks done, turns,
 * webhooks. Each test starts from an empty schema; the cluster is
 * tests/pg_cluster.sh's (LK_PG_URL; tests/run.sh starts it). Helpers:
 * store_pg_test.h.
 */
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
#include "store/store_bus.h"
#include "store/store_health.h"
#include "store/store_outbox.h"
#include "store/store_pg.h"
#include "store/store_webhook.h"

#include "pg_test.h"
#include "store_pg_test.h"

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

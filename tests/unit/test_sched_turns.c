/*
 * test_sched_turns.c - the scheduler of several businesses (serve's) gives
 * each its turn: a business with one timer due behind another's burst of
 * hundreds fires within the first round, where one queue in due-time order
 * would have fired the whole burst first. Each business's timers fire under
 * its own rules and business; a business not given to the scheduler is left
 * alone. Injected clock, a real SQLite file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "demo_store.h"
#include "flow/flow.h"
#include "sched/sched.h"
#include "store/store_business.h"

#define BURST 300

static int64_t fake_now;

static int64_t
fake_clock(void)
{
	return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}

static void
add_lead(demo_store *d, int64_t business_id, int i, int64_t at)
{
	char err[256], phone[32];
	flow_out res;
	intake_lead in = { .name = "Lead", .phone = phone, .source = "web_form" };

	snprintf(phone, sizeof phone, "312%07d", 5500000 + i);
	assert_int_equal(flow_intake(d->s, business_id, d->r, &in, at, &res, err, sizeof err),
			 FLOW_OK);
}

/* Business A (the demo's) has BURST leads at t0, B one lead three hours
 * later; a week on, everything is due. The scheduler runs (by turns, or as
 * one queue) until nothing is; returns how many of A's timers fired before
 * B's first, read from the timeline's order (event ids). *c_fired: timers
 * of C, a business the scheduler was not given. */
static int64_t
a_before_b(bool turns, int64_t *c_fired)
{
	demo_store d = { 0 };
	rules_live *la, *lb;
	char err[256], sql[256];
	int64_t b, c, n;
	sched *sc;

	demo_store_open(&d);
	assert_int_equal(store_begin(d.s), 0);
	assert_true((b = store_business_sync_slug(d.s, "bravo", d.r, err, sizeof err)) > 0);
	assert_true((c = store_business_sync_slug(d.s, "charlie", d.r, err, sizeof err)) > 0);
	/* One transaction for the whole set-up: a burst to make, fast. */
	for (int i = 0; i < BURST; i++)
		add_lead(&d, d.bid, i, d.t0);
	add_lead(&d, b, BURST, d.t0 + 3 * 3600);
	add_lead(&d, c, BURST + 1, d.t0 + 3 * 3600);
	assert_int_equal(store_commit(d.s), 0);
	la = rules_live_new(rules_load_string(rules_default_yaml, strlen(rules_default_yaml),
					      "default", &(rules_diags){ 0 }));
	lb = rules_live_new(rules_load_string(rules_default_yaml, strlen(rules_default_yaml),
					      "default", &(rules_diags){ 0 }));
	assert_non_null(la);
	assert_non_null(lb);
	__atomic_store_n(&fake_now, d.t0 + 7 * 86400, __ATOMIC_SEQ_CST);
	sc = turns ? sched_start_many(d.dir, (sched_business[]){ { d.bid, la }, { b, lb } }, 2,
				      fake_clock, NULL, err, sizeof err) :
		     sched_start(d.dir, d.r, fake_clock, NULL, err, sizeof err);
	assert_non_null(sc);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM timers WHERE state = 'pending' AND "
		 "due_at <= %lld AND business_id <> %lld", (long long)fake_clock(),
		 (long long)(turns ? c : 0));
	for (int i = 0; i < 3000 && demo_count(d.s, sql) > 0; i++)
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	sched_stop(sc);
	assert_int_equal(demo_count(d.s, sql), 0);
	snprintf(sql, sizeof sql, "SELECT count(DISTINCT lead_id) FROM events WHERE business_id = "
		 "%lld AND at = %lld", (long long)b, (long long)fake_clock());
	assert_true(demo_count(d.s, sql) == 1);	/* B's lead was decided on */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE business_id = %lld AND at = "
		 "%lld AND id < (SELECT min(id) FROM events WHERE business_id = %lld AND at = %lld)",
		 (long long)d.bid, (long long)fake_clock(), (long long)b, (long long)fake_clock());
	n = demo_count(d.s, sql);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM timers WHERE business_id = %lld AND "
		 "state = 'fired'", (long long)c);
	*c_fired = demo_count(d.s, sql);
	rules_live_free(la);
	rules_live_free(lb);
	demo_store_close(&d);
	return n;
}

static void
a_quiet_business_waits_a_batch_not_the_burst(void **state)
{
	int64_t c_turns, c_queue;
	int64_t queue = a_before_b(false, &c_queue), turns = a_before_b(true, &c_turns);

	print_message("events of the burst before the quiet business's first: one queue %lld, "
		      "by turns %lld\n", (long long)queue, (long long)turns);
	assert_true(queue >= BURST);		/* the whole first wave went first */
	assert_true(turns * 2 <= queue);	/* by turns: a batch, not the burst */
	assert_int_equal(c_turns, 0);		/* not given to the scheduler: left alone */
	assert_true(c_queue > 0);		/* (one queue fires every business's) */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_quiet_business_waits_a_batch_not_the_burst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

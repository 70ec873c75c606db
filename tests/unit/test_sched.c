/*
 * test_sched.c - the scheduler: due timers fire in batches until none is due,
 * each once; the thread picks up rows written through another connection,
 * on an injected clock; a commit announced on the bus wakes it at once, and
 * it announces the batches it fires.
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

static int64_t fake_now;

static int64_t
fake_clock(void)
{
	return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}

typedef demo_store fixture;

static void
add_leads(fixture *f, int n)
{
	char err[256], phone[32];
	flow_out res;

	for (int i = 0; i < n; i++) {
		intake_lead in = { .name = "Lead", .phone = phone, .source = "web_form" };

		snprintf(phone, sizeof phone, "31255501%02d", i);
		assert_int_equal(store_begin(f->s), 0);
		assert_int_equal(flow_intake(f->s, f->bid, f->r, &in, f->t0 + i * 60, &res, err,
					       sizeof err), FLOW_OK);
		assert_int_equal(store_commit(f->s), 0);
	}
}

static void
small_batches_still_fire_everything_due_once(void **state)
{
	fixture *f = *state;
	int64_t later;

	add_leads(f, 5);
	later = f->t0 + 20 * 60 + 5 * 60;	/* every first escalation (due + 15m) is due */
	/* A batch of one: five transactions, one timer each, none skipped. */
	assert_int_equal(sched_run_due(f->s, f->r, later, 1), 5);
	assert_int_equal(sched_run_due(f->s, f->r, later, 1), 0);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM timers WHERE state = 'fired'"), 5);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM events WHERE type = 'task.escalated'"), 5);
	/* In due order: fired rows, read by due time, are the earliest ones. */
	assert_int_equal(demo_count(f->s, "SELECT max(due_at) FROM timers WHERE state = 'fired'") <=
			 demo_count(f->s, "SELECT min(due_at) FROM timers WHERE state = 'pending'"), 1);
}

static void
thread_fires_rows_another_connection_wrote(void **state)
{
	fixture *f = *state;
	char err[256];
	sched *sc;
	int i;

	__atomic_store_n(&fake_now, f->t0, __ATOMIC_SEQ_CST);
	sc = sched_start(demo_address(f), f->r, fake_clock, NULL, err, sizeof err);
	assert_non_null(sc);
	add_leads(f, 1);	/* through this test's own connection */
	__atomic_store_n(&fake_now, f->t0 + 25 * 60, __ATOMIC_SEQ_CST);	/* 5 min past due */
	sched_poke(sc);
	for (i = 0; i < 200; i++) {	/* wait for the thread, not for time to pass */
		if (demo_count(f->s, "SELECT count(*) FROM timers WHERE state = 'fired'") == 1)
			break;
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	assert_true(sched_running(sc));
	sched_stop(sc);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM timers WHERE state = 'fired'"), 1);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM events WHERE type = 'timer.late'"), 1);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned outbox_heard;	/* __atomic */

static void
hear_outbox(void *arg, unsigned kinds)
{
	__atomic_or_fetch(&outbox_heard, kinds, __ATOMIC_SEQ_CST);
}

static void
bus_wakes_the_thread_and_hears_what_it_fired(void **state)
{
	fixture *f = *state;
	store_bus *bus = store_bus_new();
	char err[256];
	int64_t committed, fired_after = -1;
	sched *sc;
	int id;

	assert_non_null(bus);
	id = store_bus_subscribe(bus, STORE_BUS_OUTBOX, hear_outbox, NULL);
	assert_true(id >= 0);
	/* Past the escalation's due time before the lead exists: the thread's
	 * first pass finds nothing and it goes to sleep for a second. */
	__atomic_store_n(&fake_now, f->t0 + 25 * 60, __ATOMIC_SEQ_CST);
	sc = sched_start(demo_address(f), f->r, fake_clock, bus, err, sizeof err);
	assert_non_null(sc);
	while (!sched_running(sc))
		nanosleep(&(struct timespec){ 0, 1000 * 1000 }, NULL);
	add_leads(f, 1);	/* made at t0: its escalation is due at t0 + 20m */
	/* As the writer's connection would announce it (store_set_bus), but
	 * without the intake's outbox rows: OUTBOX heard below is the thread's. */
	committed = mono_ms();
	store_bus_publish(bus, STORE_BUS_LEADS | STORE_BUS_TIMERS);
	for (int i = 0; i < 300; i++) {	/* wait for the thread, not for time to pass */
		if (demo_count(f->s, "SELECT count(*) FROM timers WHERE state = 'fired'") == 1) {
			fired_after = mono_ms() - committed;
			break;
		}
		nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
	}
	sched_stop(sc);
	store_bus_unsubscribe(bus, id);
	store_bus_free(bus);
	assert_true(fired_after >= 0);
	/* Woken by the commit, not by its one-second tick (generous for ASan). */
	assert_true(fired_after < 600);
	/* The escalation queued a text to the manager, announced with its batch. */
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM events WHERE type = 'task.escalated'"), 1);
	assert_true(__atomic_load_n(&outbox_heard, __ATOMIC_SEQ_CST) & STORE_BUS_OUTBOX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(small_batches_still_fire_everything_due_once, demo_setup,
						demo_teardown),
		cmocka_unit_test_setup_teardown(thread_fires_rows_another_connection_wrote, demo_setup,
						demo_teardown),
		cmocka_unit_test_setup_teardown(bus_wakes_the_thread_and_hears_what_it_fired, demo_setup,
						demo_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_deliver_batch.c - the outcomes of the sends that finished together,
 * recorded in one transaction (deliver_record_many): one commit for them
 * all - the commit bus hears one - each row moved and reported as
 * deliver_record moves and reports it alone, and one outcome that cannot be
 * recorded rolled back alone while the others are kept; and a round of
 * claims without a savepoint each (deliver_claim_bare), one commit. A
 * commit each held the dispatcher below the intake rate on PostgreSQL with
 * fsync, and every business's acknowledgments queued behind the backlog
 * (bench/scale_many.sh).
 * On both engines (tests/run.sh's pg_unit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deliver/deliver_internal.h"
#include "demo_store.h"
#include "flow/flow.h"
#include "store/store_bus.h"

#define NLEADS 3

typedef struct {
	demo_store d;
	int64_t now;
	int64_t ack[NLEADS];	/* each lead's SMS acknowledgment row */
	outbox_msg m[NLEADS];	/* claimed */
	deliver_config cfg;
	store_bus *bus;
} fixture;

/* The three leads and their acknowledgments, queued; claimed when claim. */
static int
open_fixture(void **state, bool claim)
{
	fixture *f = calloc(1, sizeof *f);
	char err[256];

	demo_store_open(&f->d);
	f->now = f->d.t0 + 60;
	assert_int_equal(store_begin(f->d.s), 0);
	for (int i = 0; i < NLEADS; i++) {
		char phone[32];
		intake_lead in = { .name = "Marcus Johnson", .service = "deck repair",
				   .owner = "alice" };
		flow_out res;

		snprintf(phone, sizeof phone, "+1312555019%d", i);
		in.phone = phone;
		assert_int_equal(flow_intake(f->d.s, f->d.bid, f->d.r, &in, f->d.t0, &res, err,
					     sizeof err), FLOW_OK);
		f->ack[i] = demo_one(f->d.s, "SELECT id FROM outbox WHERE purpose = 'ack' AND "
				     "channel = 'sms' AND lead_id = ?1", res.lead_id);
		assert_true(f->ack[i] > 0);
	}
	assert_int_equal(store_commit(f->d.s), 0);
	f->cfg = (deliver_config){ .rules = f->d.r, .max_attempts = 3, .backoff_base = 30,
				   .backoff_cap = 3600 };
	assert_non_null(f->bus = store_bus_new());
	store_set_bus(f->d.s, f->bus);
	*state = f;
	if (!claim)
		return 0;
	/* Claimed as the dispatcher claims a round: in one transaction. */
	assert_int_equal(store_begin(f->d.s), 0);
	for (int i = 0; i < NLEADS; i++)
		assert_int_equal(deliver_claim(f->d.s, f->d.r, f->ack[i], f->now, &f->m[i]),
				 OUTBOX_CLAIMED);
	assert_int_equal(store_commit(f->d.s), 0);
	return 0;
}

static int
setup(void **state)
{
	return open_fixture(state, true);
}

static int
setup_queued(void **state)
{
	return open_fixture(state, false);
}

static int
teardown(void **state)
{
	fixture *f = *state;
	int rc;

	store_set_bus(f->d.s, NULL);
	store_bus_free(f->bus);
	for (int i = 0; i < NLEADS; i++)
		outbox_msg_free(&f->m[i]);
	rc = demo_store_close(&f->d);
	free(f);
	return rc;
}

static int64_t
state_is(fixture *f, int64_t id, const char *state)
{
	char sql[160];

	snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE id = ?1 AND state = '%s'",
		 state);
	return demo_one(f->d.s, sql, id);
}

static void
outcomes_that_finished_together_commit_once(void **state)
{
	fixture *f = *state;
	deliver_result res[NLEADS] = { 0 };
	deliver_outcome o[NLEADS];
	bool done[NLEADS];
	char pid[64];
	unsigned long before = store_bus_published(f->bus);

	for (int i = 0; i < NLEADS; i++) {
		res[i].kind = i == 2 ? DELIVER_TEMP : DELIVER_OK;
		snprintf(res[i].provider_id, sizeof res[i].provider_id, "SM%d", i);
		if (i == 2)
			snprintf(res[i].error, sizeof res[i].error, "HTTP 503");
		o[i] = (deliver_outcome){ &f->cfg, &f->m[i], "twilio", &res[i] };
	}
	assert_int_equal(deliver_record_many(f->d.s, o, NLEADS, f->now, done), 0);
	/* One commit for the three: the bus heard one. */
	assert_int_equal(store_bus_published(f->bus) - before, 1);
	for (int i = 0; i < NLEADS; i++)
		assert_true(done[i]);
	assert_int_equal(state_is(f, f->ack[0], "sent"), 1);
	assert_int_equal(state_is(f, f->ack[1], "sent"), 1);
	/* A retry is queued again, later, as deliver_record queues it. */
	assert_int_equal(state_is(f, f->ack[2], "queued"), 1);
	assert_true(demo_one(f->d.s, "SELECT send_at FROM outbox WHERE id = ?1", f->ack[2]) >
		    f->now);
	/* Each sent one reported through the engine: its lead's timeline says so. */
	for (int i = 0; i < 2; i++)
		assert_int_equal(demo_one(f->d.s, "SELECT count(*) FROM events e JOIN outbox o ON "
					  "o.lead_id = e.lead_id WHERE o.id = ?1 AND "
					  "e.type = 'message.sent'", f->ack[i]), 1);
	demo_text(f->d.s, "SELECT provider_id FROM outbox WHERE id = ?1", f->ack[1], pid,
		  sizeof pid);
	assert_string_equal(pid, "SM1");
}

static void
one_that_cannot_be_recorded_leaves_the_others(void **state)
{
	fixture *f = *state;
	deliver_result res = { .kind = DELIVER_OK }, perm = { .kind = DELIVER_PERM };
	outbox_msg gone = f->m[1];
	deliver_outcome o[NLEADS];
	bool done[NLEADS];

	gone.id = f->ack[NLEADS - 1] + 100000;	/* no such row: its failure cannot be recorded */
	o[0] = (deliver_outcome){ &f->cfg, &f->m[0], "twilio", &res };
	o[1] = (deliver_outcome){ &f->cfg, &gone, "twilio", &perm };
	o[2] = (deliver_outcome){ &f->cfg, &f->m[2], "twilio", &res };
	assert_int_equal(deliver_record_many(f->d.s, o, NLEADS, f->now, done), 0);
	assert_true(done[0]);
	assert_false(done[1]);
	assert_true(done[2]);
	assert_int_equal(state_is(f, f->ack[0], "sent"), 1);
	assert_int_equal(state_is(f, f->ack[1], "sending"), 1);	/* untouched */
	assert_int_equal(state_is(f, f->ack[2], "sent"), 1);
	/* Left to the caller, alone, as before. */
	assert_int_equal(deliver_record(f->d.s, &f->cfg, &f->m[1], "twilio", &res, f->now), 0);
	assert_int_equal(state_is(f, f->ack[1], "sent"), 1);
}

/* The dispatcher's round: every row claimed without a savepoint each, one
 * commit; each row `sending` with its message read, as deliver_claim's. */
static void
a_round_of_bare_claims_commits_once(void **state)
{
	fixture *f = *state;
	unsigned long before = store_bus_published(f->bus);

	assert_int_equal(store_begin(f->d.s), 0);
	for (int i = 0; i < NLEADS; i++)
		assert_int_equal(deliver_claim_bare(f->d.s, f->d.r, f->ack[i], f->now, &f->m[i]),
				 OUTBOX_CLAIMED);
	assert_int_equal(store_commit(f->d.s), 0);
	assert_int_equal(store_bus_published(f->bus) - before, 1);
	for (int i = 0; i < NLEADS; i++) {
		assert_int_equal(state_is(f, f->ack[i], "sending"), 1);
		assert_int_equal(f->m[i].id, f->ack[i]);
		assert_non_null(f->m[i].body);
		assert_string_equal(f->m[i].channel, "sms");
	}
	/* Claimed once: a second claim finds none queued. */
	assert_int_equal(store_begin(f->d.s), 0);
	{
		outbox_msg again;

		assert_int_equal(deliver_claim_bare(f->d.s, f->d.r, f->ack[0], f->now, &again),
				 OUTBOX_SKIPPED);
	}
	assert_int_equal(store_commit(f->d.s), 0);
}

static void
none_is_nothing(void **state)
{
	fixture *f = *state;
	unsigned long before = store_bus_published(f->bus);
	bool done[1] = { true };

	assert_int_equal(deliver_record_many(f->d.s, NULL, 0, f->now, done), 0);
	assert_int_equal(store_bus_published(f->bus) - before, 0);
	assert_int_equal(demo_count(f->d.s, "SELECT count(*) FROM outbox WHERE state = 'sending'"),
			 NLEADS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(outcomes_that_finished_together_commit_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(one_that_cannot_be_recorded_leaves_the_others, setup,
						teardown),
		cmocka_unit_test_setup_teardown(none_is_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(a_round_of_bare_claims_commits_once, setup_queued,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_store_business.c - the businesses of one install (store_business.h):
 * each slug its own row and people, its file and state kept, an unknown slug
 * named as such. Runs on SQLite and, with LK_STORE=pg, on PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "demo_store.h"
#include "flow/flow.h"
#include "store/store_business.h"

typedef struct {
	int n;
	store_business_row rows[4];
	char slugs[4][48], files[4][256];
} seen;

static void
keep(void *ctx, const store_business_row *r)
{
	seen *s = ctx;

	if (s->n == 4)
		return;
	s->rows[s->n] = *r;
	snprintf(s->slugs[s->n], sizeof s->slugs[0], "%s", r->slug);
	snprintf(s->files[s->n], sizeof s->files[0], "%s", r->file ? r->file : "(none)");
	s->n++;
}

static void
each_slug_is_its_own_business_with_its_own_people(void **state)
{
	demo_store *d = *state;
	char err[256];
	int64_t bravo;
	seen all = { 0 };

	assert_int_equal(store_begin(d->s), 0);
	assert_true((bravo = store_business_sync_slug(d->s, "bravo", d->r, err, sizeof err)) > 0);
	assert_int_equal(store_commit(d->s), 0);
	assert_true(bravo != d->bid);
	/* Again: the same row, not a third. */
	assert_int_equal(store_begin(d->s), 0);
	assert_int_equal(store_business_sync_slug(d->s, "bravo", d->r, err, sizeof err), bravo);
	assert_int_equal(store_business_sync(d->s, d->r, err, sizeof err), d->bid);
	assert_int_equal(store_commit(d->s), 0);
	assert_int_equal(store_businesses_read(d->s, NULL, keep, &all), 2);
	assert_string_equal(all.slugs[0], STORE_BUSINESS_DEFAULT);
	assert_string_equal(all.files[0], "(none)");
	assert_false(all.rows[0].disabled);
	assert_string_equal(all.slugs[1], "bravo");
	assert_int_equal(all.rows[1].id, bravo);
	assert_int_equal(demo_count(d->s, "SELECT count(*) FROM people WHERE business_id = 2"),
			 (int64_t)d->r->npeople);
}

static void
file_and_state_are_kept_and_an_unknown_slug_is_named(void **state)
{
	demo_store *d = *state;
	char err[256];
	seen one = { 0 };

	assert_int_equal(store_begin(d->s), 0);
	assert_true(store_business_sync_slug(d->s, "bravo", d->r, err, sizeof err) > 0);
	assert_int_equal(store_commit(d->s), 0);
	assert_int_equal(store_business_update(d->s, "bravo", "/etc/b.yaml", -1), 1);
	assert_int_equal(store_business_update(d->s, "bravo", NULL, 1), 1);
	assert_int_equal(store_business_update(d->s, "nope", NULL, 1), 0);
	assert_int_equal(store_businesses_read(d->s, "bravo", keep, &one), 1);
	assert_string_equal(one.files[0], "/etc/b.yaml");	/* NULL left it */
	assert_true(one.rows[0].disabled);
	assert_int_equal(store_business_update(d->s, "bravo", NULL, 0), 1);
	one.n = 0;
	assert_int_equal(store_businesses_read(d->s, "bravo", keep, &one), 1);
	assert_false(one.rows[0].disabled);
	assert_int_equal(store_businesses_read(d->s, "nope", keep, &one), 0);
}

static void
lead_in(demo_store *d, int64_t business_id, const char *phone)
{
	intake_lead in = { .name = "Lead", .phone = phone, .source = "web_form" };
	char err[256];
	flow_out res;

	assert_int_equal(store_begin(d->s), 0);
	assert_int_equal(flow_intake(d->s, business_id, d->r, &in, d->t0, &res, err, sizeof err),
			 FLOW_OK);
	assert_int_equal(store_commit(d->s), 0);
}

/* A business's turn reads its own timers and messages only. */
static void
each_business_reads_only_its_own_timers_and_messages(void **state)
{
	demo_store *d = *state;
	store_timer due[64];
	int64_t ids[64], bravo, later = d->t0 + 30 * 86400;
	char err[256], sql[160];
	int n;

	assert_int_equal(store_begin(d->s), 0);
	assert_true((bravo = store_business_sync_slug(d->s, "bravo", d->r, err, sizeof err)) > 0);
	assert_int_equal(store_commit(d->s), 0);
	lead_in(d, d->bid, "3125550101");
	lead_in(d, bravo, "3125550102");
	lead_in(d, bravo, "3125550103");
	assert_int_equal(store_begin(d->s), 0);
	n = store_timers_due_for(d->s, bravo, later, due, 64);
	assert_true(n > 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(due[i].business_id, bravo);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM timers WHERE business_id = %lld AND "
		 "state = 'pending'", (long long)bravo);
	assert_int_equal(n, demo_count(d->s, sql));
	n = store_outbox_due_for(d->s, d->bid, "sms", later, ids, 64);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE business_id = %lld AND "
		 "state = 'queued' AND channel = 'sms'", (long long)d->bid);
	assert_true(n > 0);
	assert_int_equal(n, demo_count(d->s, sql));
	for (int i = 0; i < n; i++) {
		snprintf(sql, sizeof sql, "SELECT business_id FROM outbox WHERE id = %lld",
			 (long long)ids[i]);
		assert_int_equal(demo_count(d->s, sql), d->bid);
	}
	/* Nobody's due yet: nothing. */
	assert_int_equal(store_timers_due_for(d->s, bravo, d->t0 - 1, due, 64), 0);
	store_rollback(d->s);
}

/* The dispatcher's and the scheduler's one look: the businesses with a
 * message (on either channel) or a timer due, ascending; none queued, or none
 * due yet, is not one. */
static void
the_businesses_with_work_due_in_one_look(void **state)
{
	demo_store *d = *state;
	int64_t ids[8], bravo, charlie, delta;
	char err[256], sql[200];

	assert_int_equal(store_begin(d->s), 0);
	assert_true((bravo = store_business_sync_slug(d->s, "bravo", d->r, err, sizeof err)) > 0);
	assert_true((charlie = store_business_sync_slug(d->s, "charlie", d->r, err,
							sizeof err)) > 0);
	assert_true((delta = store_business_sync_slug(d->s, "delta", d->r, err, sizeof err)) > 0);
	assert_int_equal(store_commit(d->s), 0);
	assert_int_equal(store_outbox_due_businesses(d->s, d->t0, ids, 8), 0);
	lead_in(d, bravo, "3125550102");	/* its acknowledgments: due now */
	lead_in(d, delta, "3125550104");
	/* delta's are emails only, due an hour on; charlie has none */
	snprintf(sql, sizeof sql, "UPDATE outbox SET channel = 'email', send_at = %lld "
		 "WHERE business_id = %lld", (long long)(d->t0 + 3600), (long long)delta);
	demo_exec(d->s, sql);
	assert_int_equal(store_outbox_due_businesses(d->s, d->t0, ids, 8), 1);
	assert_int_equal(ids[0], bravo);
	assert_int_equal(store_outbox_due_businesses(d->s, d->t0 + 3600, ids, 8), 2);
	assert_int_equal(ids[0], bravo);
	assert_int_equal(ids[1], delta);
	assert_int_equal(store_outbox_due_businesses(d->s, d->t0 + 3600, ids, 1), 1);
	/* sent is not queued */
	snprintf(sql, sizeof sql, "UPDATE outbox SET state = 'sent' WHERE business_id = %lld",
		 (long long)bravo);
	demo_exec(d->s, sql);
	assert_int_equal(store_outbox_due_businesses(d->s, d->t0 + 3600, ids, 8), 1);
	assert_int_equal(ids[0], delta);
	/* The scheduler's: their leads' timers, none due before they arrived. */
	assert_int_equal(store_timers_due_businesses(d->s, d->t0 - 1, ids, 8), 0);
	assert_int_equal(store_timers_due_businesses(d->s, d->t0 + 30 * 86400, ids, 8), 2);
	assert_int_equal(ids[0], bravo);
	assert_int_equal(ids[1], delta);
	(void)charlie;
}

/* Whether the transaction open on s has written anything so far: SQLite
 * counts rows changed on the connection (since was its count before),
 * PostgreSQL gives a transaction an id at its first write only. */
static bool
wrote(store *s, int since)
{
	if (demo_on_pg())
		return demo_count(s, "SELECT CASE WHEN pg_current_xact_id_if_assigned() IS NULL"
				  " THEN 0 ELSE 1 END") == 1;
	return sqlite3_total_changes(store_sqlite_db(s)) != since;
}

static int
changes(store *s)
{
	return demo_on_pg() ? 0 : sqlite3_total_changes(store_sqlite_db(s));
}

/* A restart syncs every business hosted: with nothing changed in its file
 * that must write nothing (one commit per business was most of serve's
 * start with thousands), and with a person changed it must write it. */
static void
a_sync_with_nothing_changed_writes_nothing(void **state)
{
	demo_store *d = *state;
	char err[256], *was;
	int64_t bravo;
	int since;

	assert_int_equal(store_begin(d->s), 0);
	assert_true((bravo = store_business_sync_slug(d->s, "bravo", d->r, err, sizeof err)) > 0);
	assert_int_equal(store_commit(d->s), 0);

	assert_int_equal(store_begin(d->s), 0);
	since = changes(d->s);
	assert_false(wrote(d->s, since));
	assert_int_equal(store_business_sync_slug(d->s, "bravo", d->r, err, sizeof err), bravo);
	assert_int_equal(store_business_sync(d->s, d->r, err, sizeof err), d->bid);
	assert_false(wrote(d->s, since));
	assert_int_equal(store_commit(d->s), 0);

	/* One person's phone changed: written, the others kept. */
	assert_true(d->r->npeople > 1);
	was = d->r->people[0].phone;
	d->r->people[0].phone = "+13125550199";
	assert_int_equal(store_begin(d->s), 0);
	since = changes(d->s);
	assert_int_equal(store_business_sync_slug(d->s, "bravo", d->r, err, sizeof err), bravo);
	assert_true(wrote(d->s, since));
	assert_int_equal(store_commit(d->s), 0);
	d->r->people[0].phone = was;
	assert_int_equal(demo_one(d->s, "SELECT count(*) FROM people WHERE business_id = ?1"
				  " AND phone = '+13125550199' AND active = 1", bravo), 1);
	assert_int_equal(demo_one(d->s, "SELECT count(*) FROM people WHERE business_id = ?1"
				  " AND active = 1", bravo), (int64_t)d->r->npeople);

	/* A person gone from the file: the sync writes (deactivates them). */
	d->r->npeople--;
	assert_int_equal(store_begin(d->s), 0);
	since = changes(d->s);
	assert_int_equal(store_business_sync_slug(d->s, "bravo", d->r, err, sizeof err), bravo);
	assert_true(wrote(d->s, since));
	assert_int_equal(store_commit(d->s), 0);
	d->r->npeople++;
	assert_int_equal(demo_one(d->s, "SELECT count(*) FROM people WHERE business_id = ?1"
				  " AND active = 1", bravo), (int64_t)d->r->npeople - 1);
}

/* At every start serve asks each business for its leads in flight on
 * another rules version: a sequence running or an appointment ahead, on no
 * version or one sorting below or above the one in force; ascending, after
 * a given id, at most max. Another business's leads are not its. */
static void
the_leads_in_flight_on_another_version(void **state)
{
	demo_store *d = *state;
	int64_t ids[8], bravo, first;
	char err[256], sql[300];

	assert_int_equal(store_begin(d->s), 0);
	assert_true((bravo = store_business_sync_slug(d->s, "bravo", d->r, err, sizeof err)) > 0);
	assert_int_equal(store_commit(d->s), 0);
	for (int i = 0; i < 6; i++) {
		char phone[24];

		snprintf(phone, sizeof phone, "312555020%d", i);
		lead_in(d, bravo, phone);
	}
	lead_in(d, d->bid, "3125550299");	/* the install's own, on no version */
	first = demo_one(d->s, "SELECT min(id) FROM leads WHERE business_id = ?1", bravo);
	/* first: none; +1: below; +2: in force; +3: above; +4: no sequence, an
	 * appointment ahead, no version; +5: no sequence, nothing ahead */
	snprintf(sql, sizeof sql, "UPDATE leads SET rules_version = CASE id - %lld WHEN 0 THEN NULL"
		 " WHEN 1 THEN 'aaa' WHEN 3 THEN 'zzz' WHEN 4 THEN NULL WHEN 5 THEN 'aaa'"
		 " ELSE 'mmm' END WHERE business_id = %lld", (long long)first, (long long)bravo);
	demo_exec(d->s, sql);
	snprintf(sql, sizeof sql, "UPDATE leads SET sequence = NULL WHERE id >= %lld",
		 (long long)first + 4);
	demo_exec(d->s, sql);
	snprintf(sql, sizeof sql, "UPDATE leads SET rules_version = NULL WHERE business_id = %lld",
		 (long long)d->bid);
	demo_exec(d->s, sql);
	snprintf(sql, sizeof sql, "INSERT INTO appointments (business_id, lead_id, kind, starts_at,"
		 " ends_at, person, state, created_at, updated_at) VALUES (%lld, %lld, 'visit', 0, 0,"
		 " 'alice', 'booked', 0, 0)", (long long)bravo, (long long)first + 4);
	demo_exec(d->s, sql);

	assert_int_equal(store_leads_off_version(d->s, bravo, "mmm", 0, ids, 8), 4);
	assert_int_equal(ids[0], first);
	assert_int_equal(ids[1], first + 1);
	assert_int_equal(ids[2], first + 3);
	assert_int_equal(ids[3], first + 4);
	/* paged: after an id, at most max */
	assert_int_equal(store_leads_off_version(d->s, bravo, "mmm", first, ids, 2), 2);
	assert_int_equal(ids[0], first + 1);
	assert_int_equal(ids[1], first + 3);
	/* the appointment over: no longer in flight */
	snprintf(sql, sizeof sql, "UPDATE appointments SET state = 'done' WHERE lead_id = %lld",
		 (long long)first + 4);
	demo_exec(d->s, sql);
	assert_int_equal(store_leads_off_version(d->s, bravo, "mmm", first + 1, ids, 8), 1);
	assert_int_equal(ids[0], first + 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(each_slug_is_its_own_business_with_its_own_people,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(file_and_state_are_kept_and_an_unknown_slug_is_named,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(each_business_reads_only_its_own_timers_and_messages,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(the_businesses_with_work_due_in_one_look,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(a_sync_with_nothing_changed_writes_nothing,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(the_leads_in_flight_on_another_version,
						demo_setup, demo_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

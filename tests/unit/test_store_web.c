/*
 * test_store_web.c - the web app's lists against a real database, with
 * leads made through the flow: the "new" mark (cleared by a person's act,
 * never by automation or reassignment), walking the queue one task at a
 * time, the pipeline's filters and who sees what, search by name, phone
 * digits and email (LIKE characters taken literally), the team's numbers,
 * first contacts and leads nobody attends to. tests/run.sh runs it on
 * both engines (demo_store.h's LK_STORE=pg).
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
#include "demo_store.h"
#include "flow/flow.h"
#include "store/store_web.h"

typedef demo_store fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	demo_store_open(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	int rc = demo_store_close(*state);

	free(*state);
	return rc;
}

static int64_t
add_lead(fixture *f, const char *name, const char *phone, const char *email, const char *owner,
	 const char *kind, int64_t at)
{
	intake_lead in = { .name = name, .phone = phone, .email = email, .source = "web_form",
			   .owner = owner, .kind = kind };
	flow_out res;
	char err[256];

	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(flow_intake(f->s, f->bid, f->r, &in, at, &res, err, sizeof err), FLOW_OK);
	assert_int_equal(store_commit(f->s), 0);
	return res.lead_id;
}

static void
event(fixture *f, int64_t lead_id, lead_event ev, int64_t at)
{
	char err[256];

	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(flow_event(f->s, f->bid, f->r, lead_id, &ev, at, NULL, err, sizeof err),
			 FLOW_OK);
	assert_int_equal(store_commit(f->s), 0);
}

/* Runs fixed SQL (no parameters) on whichever engine the test runs on. */
static void
exec_sql(fixture *f, const char *sql)
{
	if (demo_on_pg()) {
		PGresult *r = PQexec(store_pg_conn(f->s), sql);

		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fail_msg("%s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
		return;
	}
	assert_int_equal(sqlite3_exec(store_sqlite_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
}

/* --- collecting rows ------------------------------------------------------------- */

typedef struct {
	int n;
	int64_t ids[16];
	bool is_new[16];
	int64_t due[16], task[16];
} seen;

static void
on_queue(void *ctx, const store_queue_row *r)
{
	seen *s = ctx;

	s->ids[s->n] = r->lead_id;
	s->is_new[s->n] = r->is_new;
	s->due[s->n] = r->due_at;
	s->task[s->n] = r->task_id;
	s->n++;
}

static void
on_brief(void *ctx, const store_lead_brief *r)
{
	seen *s = ctx;

	if (s->n < 16) {
		s->ids[s->n] = r->id;
		s->is_new[s->n] = r->is_new;
	}
	s->n++;
}

static bool
has(const seen *s, int64_t id)
{
	for (int i = 0; i < s->n && i < 16; i++)
		if (s->ids[i] == id)
			return true;
	return false;
}

static bool
is_new(fixture *f, int64_t id)
{
	seen s = { 0 };

	assert_true(store_search_read(f->s, f->bid, "", NULL, NULL, 0, on_brief, &s) >= 1);
	for (int i = 0; i < s.n; i++)
		if (s.ids[i] == id)
			return s.is_new[i];
	fail();
	return false;
}

/* --- tests ------------------------------------------------------------------------- */

static void
a_lead_is_new_until_a_person_acts(void **state)
{
	fixture *f = *state;
	int64_t id = add_lead(f, "Marcus Johnson", "3125550199", NULL, "alice", NULL, f->t0);
	lead_event ev = lead_event_init(EV_OWNER);
	seen q = { 0 };

	/* the ack texts, the first task, its notification: all automated */
	assert_true(is_new(f, id));
	assert_int_equal(store_queue_read(f->s, f->bid, "alice", 0, on_queue, &q), 1);
	assert_true(q.is_new[0]);
	/* a reassignment is not acting on the lead */
	ev.owner = "bob";
	ev.actor = "maria";
	event(f, id, ev, f->t0 + 60);
	assert_true(is_new(f, id));
	/* a call attempt is */
	ev = lead_event_init(EV_CALL_LOGGED);
	ev.outcome = "no_answer";
	ev.actor = "bob";
	event(f, id, ev, f->t0 + 120);
	assert_false(is_new(f, id));
}

static void
walking_the_queue_goes_one_task_at_a_time_in_due_order(void **state)
{
	fixture *f = *state;
	int64_t a = add_lead(f, "First Lead", "3125550101", NULL, "alice", NULL, f->t0);
	int64_t b = add_lead(f, "Second Lead", "3125550102", NULL, "alice", NULL, f->t0 + 60);
	int64_t c = add_lead(f, "Bob's Lead", "3125550103", NULL, "bob", NULL, f->t0 + 90);
	int64_t end = f->t0 + 86400;
	seen q = { 0 };

	assert_int_equal(store_queue_next(f->s, f->bid, "alice", INT64_MIN, 0, end, on_queue, &q), 1);
	assert_int_equal(q.ids[0], a);
	assert_int_equal(store_queue_next(f->s, f->bid, "alice", q.due[0], q.task[0], end, on_queue,
					  &q), 1);
	assert_int_equal(q.ids[1], b);
	assert_int_equal(store_queue_next(f->s, f->bid, "alice", q.due[1], q.task[1], end, on_queue,
					  &q), 0);
	/* nothing due by the horizon: nothing */
	assert_int_equal(store_queue_next(f->s, f->bid, "alice", INT64_MIN, 0, f->t0, on_queue, &q),
			 0);
	/* everyone's */
	q.n = 0;
	assert_int_equal(store_queue_next(f->s, f->bid, NULL, q.due[1], q.task[1], end, on_queue,
					  &q), 1);
	assert_int_equal(q.ids[0], c);
}

static void
the_queue_reads_in_pages_after_a_cursor(void **state)
{
	fixture *f = *state;
	int64_t ids[5];
	seen q = { 0 };

	for (int i = 0; i < 5; i++) {
		char name[32], phone[32];

		snprintf(name, sizeof name, "Paged Lead %d", i);
		snprintf(phone, sizeof phone, "31255502%02d", i);
		ids[i] = add_lead(f, name, phone, NULL, "alice", NULL, f->t0 + 60 * i);
	}
	add_lead(f, "Bob's Own", "3125550299", NULL, "bob", NULL, f->t0);
	/* the first page: from the start */
	assert_int_equal(store_queue_page(f->s, f->bid, "alice", INT64_MIN, 0, 2, on_queue, &q), 2);
	assert_int_equal(q.ids[0], ids[0]);
	assert_int_equal(q.ids[1], ids[1]);
	/* the next page starts after the last task shown */
	assert_int_equal(store_queue_page(f->s, f->bid, "alice", q.due[1], q.task[1], 2, on_queue,
					  &q), 2);
	assert_int_equal(q.ids[2], ids[2]);
	assert_int_equal(q.ids[3], ids[3]);
	assert_int_equal(store_queue_page(f->s, f->bid, "alice", q.due[3], q.task[3], 2, on_queue,
					  &q), 1);
	assert_int_equal(q.ids[4], ids[4]);
	assert_int_equal(store_queue_page(f->s, f->bid, "alice", q.due[4], q.task[4], 2, on_queue,
					  &q), 0);
	/* everyone's: bob's task too */
	q.n = 0;
	assert_int_equal(store_queue_page(f->s, f->bid, NULL, INT64_MIN, 0, 0, on_queue, &q), 6);
}

static void
the_pipeline_filters_and_shows_a_person_only_their_leads(void **state)
{
	fixture *f = *state;
	int64_t a = add_lead(f, "Alice One", "3125550111", NULL, "alice", NULL, f->t0);
	int64_t b = add_lead(f, "Bob Estimate", "3125550112", NULL, "bob", "estimate", f->t0);
	store_pipeline_filter all = { 0 }, mine = { .person = "bob" }, kind = { .kind = "estimate" },
			      owner = { .owner = "alice" };
	seen s = { 0 };

	assert_int_equal(store_pipeline_read(f->s, f->bid, &all, on_brief, &s), 2);
	s.n = 0;
	assert_int_equal(store_pipeline_read(f->s, f->bid, &mine, on_brief, &s), 1);
	assert_true(has(&s, b));
	s.n = 0;
	assert_int_equal(store_pipeline_read(f->s, f->bid, &kind, on_brief, &s), 1);
	assert_true(has(&s, b));
	s.n = 0;
	assert_int_equal(store_pipeline_read(f->s, f->bid, &owner, on_brief, &s), 1);
	assert_true(has(&s, a));
}

static void
search_by_name_phone_digits_and_email_within_what_one_may_see(void **state)
{
	fixture *f = *state;
	int64_t a = add_lead(f, "Marcus Johnson", "3125550199", "marcus@example.com", "alice",
			     NULL, f->t0);
	int64_t b = add_lead(f, "Dana 100% Bobson", "3125550142", NULL, "bob", NULL, f->t0);
	seen s = { 0 };

	assert_int_equal(store_search_read(f->s, f->bid, "marcus", NULL, NULL, 0, on_brief, &s), 1);
	assert_true(has(&s, a));
	s.n = 0;	/* "(312) 555-0199" as typed: its digits */
	assert_int_equal(store_search_read(f->s, f->bid, "(312) 555-0199", "3125550199", NULL, 0,
					   on_brief, &s), 1);
	assert_true(has(&s, a));
	s.n = 0;
	assert_int_equal(store_search_read(f->s, f->bid, "@example.com", NULL, NULL, 0, on_brief,
					   &s), 1);
	s.n = 0;	/* % is a character, not a wildcard */
	assert_int_equal(store_search_read(f->s, f->bid, "100%", "100", NULL, 0, on_brief, &s), 1);
	assert_true(has(&s, b));
	s.n = 0;
	assert_int_equal(store_search_read(f->s, f->bid, "0% B", NULL, NULL, 0, on_brief, &s), 1);
	s.n = 0;
	assert_int_equal(store_search_read(f->s, f->bid, "_", NULL, NULL, 0, on_brief, &s), 0);
	s.n = 0;	/* bob searching for alice's lead finds nothing */
	assert_int_equal(store_search_read(f->s, f->bid, "marcus", "3125550199", "bob", 0,
					   on_brief, &s), 0);
	assert_int_equal(store_search_read(f->s, f->bid, "", "555", "bob", 0, on_brief, &s), 1);
	assert_true(has(&s, b));
}

typedef struct {
	int n, open, overdue, due_today, done_today;
} team_seen;

static void
on_team(void *ctx, const store_team_row *r)
{
	team_seen *t = ctx;

	if (r->person && strcmp(r->person, "alice") == 0) {
		t->open = r->open;
		t->overdue = r->overdue;
		t->due_today = r->due_today;
		t->done_today = r->done_today;
	}
	t->n++;
}

static void
on_first(void *ctx, const char *owner, int64_t created_at, int64_t first_at)
{
	int64_t *d = ctx;

	assert_string_equal(owner, "alice");
	*d = first_at ? first_at - created_at : -1;
}

static void
team_numbers_and_first_contact(void **state)
{
	fixture *f = *state;
	int64_t id = add_lead(f, "Marcus Johnson", "3125550199", NULL, "alice", NULL, f->t0);
	lead_event ev = lead_event_init(EV_CALL_LOGGED);
	team_seen t = { 0 };
	int64_t first = 0, day_start = f->t0 - 14 * 3600, day_end = day_start + 86400;

	/* a call task due in 5 minutes */
	assert_true(store_team_read(f->s, f->bid, f->t0, day_start, day_end, on_team, &t) >= 1);
	assert_int_equal(t.open, 1);
	assert_int_equal(t.due_today, 1);
	assert_int_equal(t.overdue, 0);
	/* 20 minutes later it is overdue */
	assert_true(store_team_read(f->s, f->bid, f->t0 + 1200, day_start, day_end, on_team,
				    &t) >= 1);
	assert_int_equal(t.overdue, 1);
	assert_int_equal(t.due_today, 0);
	assert_int_equal(store_first_event_read(f->s, f->bid, day_start, day_end, "contact.first",
						on_first, &first), 1);
	assert_int_equal(first, -1);
	ev.outcome = "talked";
	ev.actor = "alice";
	event(f, id, ev, f->t0 + 600);
	assert_true(store_team_read(f->s, f->bid, f->t0 + 1200, day_start, day_end, on_team,
				    &t) >= 1);
	assert_int_equal(t.done_today, 1);
	assert_int_equal(store_first_event_read(f->s, f->bid, day_start, day_end, "contact.first",
						on_first, &first), 1);
	assert_int_equal(first, 600);
}

static void
every_open_lead_has_an_owner_and_a_next_action(void **state)
{
	fixture *f = *state;
	int64_t id = add_lead(f, "Marcus Johnson", "3125550199", NULL, "alice", NULL, f->t0);
	seen s = { 0 };

	assert_int_equal(store_unattended_read(f->s, f->bid, 0, on_brief, &s), 0);
	/* a lead with neither (only a broken import or the sqlite3 shell makes one) */
	exec_sql(f, "UPDATE tasks SET state = 'done'; UPDATE leads SET sequence = NULL,"
		 " owner = NULL");
	assert_int_equal(store_unattended_read(f->s, f->bid, 0, on_brief, &s), 1);
	assert_true(has(&s, id));
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM leads WHERE owner IS NULL"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_lead_is_new_until_a_person_acts, setup, teardown),
		cmocka_unit_test_setup_teardown(the_queue_reads_in_pages_after_a_cursor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(walking_the_queue_goes_one_task_at_a_time_in_due_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(the_pipeline_filters_and_shows_a_person_only_their_leads,
						setup, teardown),
		cmocka_unit_test_setup_teardown(search_by_name_phone_digits_and_email_within_what_one_may_see,
						setup, teardown),
		cmocka_unit_test_setup_teardown(team_numbers_and_first_contact, setup, teardown),
		cmocka_unit_test_setup_teardown(every_open_lead_has_an_owner_and_a_next_action,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_store.c - the SQLite store on a real file in a temp dir: migrations
 * (an old schema upgrades with its data intact), a decision applied in one
 * transaction, duplicates attached, timers fired exactly once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "demo_store.h"
#include "flow/flow.h"
#include "read/read_json.h"
#include "sched/sched.h"

typedef demo_store fixture;

static int64_t
add_lead(fixture *f, const char *name, const char *phone, const char *source, int64_t now,
	 bool *dup)
{
	intake_lead in = { .name = name, .phone = phone, .source = source,
			   .service = "deck repair" };
	flow_out res;
	char err[256];

	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(flow_intake(f->s, f->bid, f->r, &in, now, &res, err, sizeof err), FLOW_OK);
	assert_int_equal(store_commit(f->s), 0);
	if (dup)
		*dup = res.duplicate;
	return res.lead_id;
}

static void
old_schema_upgrades_with_data_intact(void **state)
{
	char dir[] = "/tmp/lk-migrate.XXXXXX", err[256], cmd[128];
	store *s;
	sqlite3_stmt *st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* Build a version-1 file by hand, as the first release would have left it. */
	{
		sqlite3 *db;
		char path[64];
		extern const char *const store_migrations[];

		snprintf(path, sizeof path, "%s/leadkeep.db", dir);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, store_migrations[0], NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1;"
					      "INSERT INTO businesses VALUES (1, 'default', 'Acme',"
					      " 'America/Chicago', 0);"
					      "INSERT INTO leads (business_id, name, phone, created_at,"
					      " updated_at) VALUES (1, 'Old Lead', '+13125550100', 5, 5);",
					      NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	s = store_open(dir, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_true(store_schema_latest() >= 2);
	assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(s), "SELECT name, phone FROM leads", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "Old Lead");
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "+13125550100");
	sqlite3_finalize(st);
	/* A SQLite file whatever LK_STORE says (test_store_pg has PostgreSQL's). */
	assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(s), "SELECT count(*) FROM api_tokens",
					    -1, &st, NULL), SQLITE_OK);	/* v2 table */
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), 0);
	sqlite3_finalize(st);
	store_close(s);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* --data names a directory or a PostgreSQL address; a log line shows the
 * address without its user, password or parameters. */
static void
an_address_is_told_from_a_directory_and_shown_without_secrets(void **state)
{
	char buf[256];

	(void)state;
	assert_true(store_is_address("postgres://db/leadkeep"));
	assert_true(store_is_address("postgresql://u@db:5433/lk"));
	assert_false(store_is_address("/var/lib/leadkeep"));
	assert_false(store_is_address("./postgres:/x"));
	assert_false(store_is_address(NULL));
	store_data_shown("postgres://lk:s3cr%40t@db.example.com:5433/leadkeep?sslmode=require&"
			 "password=x", buf, sizeof buf);
	assert_string_equal(buf, "postgres://db.example.com:5433/leadkeep");
	store_data_shown("postgresql://a@b@host/db", buf, sizeof buf);
	assert_string_equal(buf, "postgres://host/db");
	store_data_shown("postgres:///leadkeep?host=/tmp/x&user=postgres", buf, sizeof buf);
	assert_string_equal(buf, "postgres:///leadkeep");
	store_data_shown("/var/lib/leadkeep", buf, sizeof buf);
	assert_string_equal(buf, "/var/lib/leadkeep");
}

static void
newer_schema_is_refused(void **state)
{
	char dir[] = "/tmp/lk-newer.XXXXXX", err[256], path[64], cmd[128];
	sqlite3 *db;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/leadkeep.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(store_open(dir, err, sizeof err));
	assert_non_null(strstr(err, "newer"));
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void
intake_commits_lead_owner_task_timers_and_ack_together(void **state)
{
	fixture *f = *state;
	int64_t id = add_lead(f, "Marcus Johnson", "(312) 555-0199", "web_form",
			      f->t0, NULL);
	json_t *l = NULL;

	assert_int_equal(read_lead_json(f->s, f->bid, id, true, &l), 1);

	assert_non_null(l);
	assert_string_equal(json_string_value(json_object_get(l, "owner")), "alice");
	assert_string_equal(json_string_value(json_object_get(l, "phone")), "+13125550199");
	assert_int_equal(json_array_size(json_object_get(l, "tasks")), 1);
	assert_true(json_array_size(json_object_get(l, "timers")) >= 2);
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(l, "messages"), 0), "purpose")), "ack");
	assert_true(json_array_size(json_object_get(l, "timeline")) >= 4);
	json_decref(l);
}

static void
rolled_back_intake_leaves_nothing(void **state)
{
	fixture *f = *state;
	intake_lead in = { .name = "Ghost", .phone = "3125550111", .source = "web_form" };
	flow_out res;
	char err[256];

	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(flow_intake(f->s, f->bid, f->r, &in, f->t0, &res, err,
				       sizeof err), FLOW_OK);
	store_rollback(f->s);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM leads"), 0);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM tasks"), 0);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM timers"), 0);
}

static void
same_phone_again_joins_the_open_lead_without_a_second_ack(void **state)
{
	fixture *f = *state;
	int64_t t = f->t0;
	bool dup = false;
	int64_t a = add_lead(f, "Marcus Johnson", "(312) 555-0199", "web_form", t, &dup);
	int64_t b;

	assert_false(dup);
	b = add_lead(f, "Marcus", "+1 312 555 0199", "meta_ads", t + 2 * 86400, &dup);
	assert_true(dup);
	assert_int_equal(a, b);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM leads"), 1);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM outbox WHERE purpose = 'ack'"), 1);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM events WHERE type = 'lead.inquiry_again'"), 1);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM tasks WHERE title LIKE"
			       " '%asked again by Meta ad%'"), 1);
}

static void
bad_contact_is_stored_and_flagged_not_dropped(void **state)
{
	fixture *f = *state;
	int64_t id = add_lead(f, "No Digits", "call me maybe", "web_form", f->t0, NULL);
	json_t *l = NULL;

	assert_int_equal(read_lead_json(f->s, f->bid, id, false, &l), 1);

	assert_string_equal(json_string_value(json_object_get(l, "phone")), "call me maybe");
	assert_string_equal(json_string_value(json_array_get(json_object_get(l, "flags"), 0)),
			    "phone_invalid");
	json_decref(l);
}

static void
due_timers_fire_once_in_order(void **state)
{
	fixture *f = *state;
	int64_t t = f->t0;
	int64_t pending;

	add_lead(f, "Marcus Johnson", "(312) 555-0199", "web_form", t, NULL);
	pending = demo_count(f->s, "SELECT count(*) FROM timers WHERE state = 'pending'");
	assert_true(pending >= 2);
	/* Nothing is due yet. */
	assert_int_equal(sched_run_due(f->s, f->r, t, 16), 0);
	/* 20 minutes on: the first escalation (due + 15m) fires, once. */
	assert_int_equal(sched_run_due(f->s, f->r, t + 20 * 60, 16), 1);
	assert_int_equal(sched_run_due(f->s, f->r, t + 20 * 60, 16), 0);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM events WHERE type = 'task.escalated'"), 1);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM timers WHERE state = 'fired'"), 1);
	assert_true(store_timer_next_due(f->s) > t + 20 * 60);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(old_schema_upgrades_with_data_intact),
		cmocka_unit_test(newer_schema_is_refused),
		cmocka_unit_test(an_address_is_told_from_a_directory_and_shown_without_secrets),
		cmocka_unit_test_setup_teardown(intake_commits_lead_owner_task_timers_and_ack_together,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(rolled_back_intake_leaves_nothing, demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(same_phone_again_joins_the_open_lead_without_a_second_ack,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(bad_contact_is_stored_and_flagged_not_dropped, demo_setup,
						demo_teardown),
		cmocka_unit_test_setup_teardown(due_timers_fire_once_in_order, demo_setup, demo_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_store_writer.c - the group-commit writer: jobs from many threads are
 * committed, a refused or failing job rolls back alone, a submitter only
 * returns after its job is durable (visible to another connection), and each
 * commit that wrote rows is announced on the bus before that.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store_sqlite.h"
#include "store/store_writer.h"

static char dir[64];

static int
insert_row(store *s, void *arg, char *err, size_t errlen)
{
	int mode = *(int *)arg;
	sqlite3 *db = store_sqlite_db(s);

	if (sqlite3_exec(db, "INSERT INTO t (v) VALUES (1)", NULL, NULL, NULL) != SQLITE_OK)
		return snprintf(err, errlen, "insert failed"), -1;
	if (mode == 1)
		return 7;	/* refuse: the row must disappear */
	if (mode == 2)
		return snprintf(err, errlen, "boom"), -1;
	return 0;
}

static int
count_rows(void)
{
	char e[256];
	store *s = store_open(dir, e, sizeof e);
	sqlite3_stmt *st;
	int n = -1;

	assert_non_null(s);
	assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(s), "SELECT count(*) FROM t", -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	store_close(s);
	return n;
}

static int
setup(void **state)
{
	char e[256];
	store *s;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/lk-writer-XXXXXX");
	assert_non_null(mkdtemp(dir));
	s = store_open(dir, e, sizeof e);
	assert_non_null(s);
	assert_int_equal(sqlite3_exec(store_sqlite_db(s), "CREATE TABLE t (v INTEGER)", NULL, NULL, NULL),
			 SQLITE_OK);
	store_close(s);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static void
refused_and_failed_jobs_roll_back_alone(void **state)
{
	char err[128];
	store_writer *w = store_writer_start(dir, NULL, err, sizeof err);
	int ok = 0, refuse = 1, fail = 2;

	(void)state;
	assert_non_null(w);
	assert_int_equal(store_writer_submit(w, insert_row, &ok, err, sizeof err), 0);
	assert_int_equal(count_rows(), 1);	/* durable when submit returns */
	assert_int_equal(store_writer_submit(w, insert_row, &refuse, err, sizeof err), 7);
	assert_int_equal(store_writer_submit(w, insert_row, &fail, err, sizeof err), -1);
	assert_string_equal(err, "boom");
	assert_int_equal(store_writer_submit(w, insert_row, &ok, err, sizeof err), 0);
	assert_true(store_writer_running(w));
	store_writer_stop(w);
	assert_int_equal(count_rows(), 2);
}

typedef struct {
	store_writer *w;
	int acked;
} worker_arg;

static void *
worker(void *p)
{
	worker_arg *a = p;
	int modes[] = { 0, 0, 1, 0, 2 };

	for (int i = 0; i < 100; i++) {
		int mode = modes[i % 5];

		if (store_writer_submit(a->w, insert_row, &mode, NULL, 0) == 0)
			a->acked++;
	}
	return NULL;
}

static void
concurrent_submitters_get_every_ack_committed(void **state)
{
	char err[128];
	store_writer *w = store_writer_start(dir, NULL, err, sizeof err);
	pthread_t th[8];
	worker_arg args[8];
	int acked = 0;

	(void)state;
	assert_non_null(w);
	for (int i = 0; i < 8; i++) {
		args[i] = (worker_arg){ w, 0 };
		pthread_create(&th[i], NULL, worker, &args[i]);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		acked += args[i].acked;
	}
	store_writer_stop(w);
	assert_int_equal(acked, 8 * 60);
	assert_int_equal(count_rows(), 8 * 60);
}

static unsigned heard_kinds;
static int heard;

static void
hear(void *arg, unsigned kinds)
{
	heard++;	/* on the writer thread, before the submitter is released */
	heard_kinds |= kinds;
}

static void
commits_are_announced_before_the_submitter_returns(void **state)
{
	char err[128];
	store_bus *bus = store_bus_new();
	store_writer *w;
	int ok = 0, refuse = 1, id;

	(void)state;
	assert_non_null(bus);
	id = store_bus_subscribe(bus, STORE_BUS_ALL, hear, NULL);
	assert_true(id >= 0);
	w = store_writer_start(dir, bus, err, sizeof err);
	assert_non_null(w);
	heard = 0;
	heard_kinds = 0;
	assert_int_equal(store_writer_submit(w, insert_row, &ok, err, sizeof err), 0);
	assert_int_equal(heard, 1);
	assert_int_equal(heard_kinds, STORE_BUS_OTHER);	/* table t is none of the named kinds */
	/* A refused job's savepoint is rolled back: its batch wrote nothing. */
	assert_int_equal(store_writer_submit(w, insert_row, &refuse, err, sizeof err), 7);
	assert_int_equal(heard, 1);
	store_writer_stop(w);
	store_bus_unsubscribe(bus, id);
	store_bus_free(bus);
}

static void
stopped_writer_is_a_noop_on_null(void **state)
{
	(void)state;
	store_writer_stop(NULL);
	assert_false(store_writer_running(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(refused_and_failed_jobs_roll_back_alone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(concurrent_submitters_get_every_ack_committed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(commits_are_announced_before_the_submitter_returns,
						setup, teardown),
		cmocka_unit_test(stopped_writer_is_a_noop_on_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

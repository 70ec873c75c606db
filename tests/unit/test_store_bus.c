/*
 * test_store_bus.c - the commit bus: subscribers hear the kinds they asked
 * for and nothing else, unsubscribing is final, the table is capped, many
 * threads publish at once without losing a call, a store connection
 * announces what its committed transaction wrote (and not what it rolled
 * back), and the watcher hears a commit made by another process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"
#include "store/store_bus.h"
#include "store/store_sqlite.h"

typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned long calls;
	unsigned kinds;		/* or of every call's kinds */
	unsigned last;
} listener;

static void
listener_init(listener *l)
{
	memset(l, 0, sizeof *l);
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
}

static void
listener_destroy(listener *l)
{
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
}

/* The kind of callback the header asks for: note and signal, never block. */
static void
hear(void *arg, unsigned kinds)
{
	listener *l = arg;

	pthread_mutex_lock(&l->mu);
	l->calls++;
	l->kinds |= kinds;
	l->last = kinds;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

/* Waits up to ten seconds for l to have heard `calls` calls. */
static unsigned long
wait_calls(listener *l, unsigned long calls)
{
	struct timespec until;
	unsigned long n;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&l->mu);
	while (l->calls < calls && pthread_cond_timedwait(&l->cv, &l->mu, &until) == 0)
		;
	n = l->calls;
	pthread_mutex_unlock(&l->mu);
	return n;
}

static void
subscribers_hear_only_their_kinds(void **state)
{
	store_bus *b = store_bus_new();
	listener timers, outbox;
	int t, o;

	(void)state;
	listener_init(&timers);
	listener_init(&outbox);
	t = store_bus_subscribe(b, STORE_BUS_TIMERS | STORE_BUS_LEADS, hear, &timers);
	o = store_bus_subscribe(b, STORE_BUS_OUTBOX, hear, &outbox);
	assert_true(t >= 0 && o >= 0 && t != o);

	store_bus_publish(b, STORE_BUS_TIMERS | STORE_BUS_OUTBOX);
	assert_int_equal(timers.calls, 1);
	assert_int_equal(timers.last, STORE_BUS_TIMERS);	/* only the asked-for bits */
	assert_int_equal(outbox.calls, 1);
	assert_int_equal(outbox.last, STORE_BUS_OUTBOX);

	store_bus_publish(b, STORE_BUS_WEBHOOKS);		/* nobody's */
	store_bus_publish(b, 0);				/* nothing */
	assert_int_equal(timers.calls, 1);
	assert_int_equal(outbox.calls, 1);

	store_bus_publish(b, STORE_BUS_ALL);
	assert_int_equal(timers.last, STORE_BUS_TIMERS | STORE_BUS_LEADS);
	assert_int_equal(outbox.last, STORE_BUS_OUTBOX);
	assert_int_equal(store_bus_published(b), 3);

	store_bus_unsubscribe(b, t);
	store_bus_publish(b, STORE_BUS_ALL);
	assert_int_equal(timers.calls, 2);	/* not called after unsubscribing */
	assert_int_equal(outbox.calls, 3);
	store_bus_unsubscribe(b, o);
	store_bus_unsubscribe(b, -1);		/* a failed subscribe's id: no-op */
	store_bus_publish(NULL, STORE_BUS_ALL);	/* a store without a bus: no-op */
	store_bus_free(b);
	store_bus_free(NULL);
	listener_destroy(&timers);
	listener_destroy(&outbox);
}

static void
the_table_is_capped_and_slots_are_reused(void **state)
{
	store_bus *b = store_bus_new();
	listener l;
	int ids[STORE_BUS_MAX_SUBSCRIBERS];

	(void)state;
	listener_init(&l);
	assert_int_equal(store_bus_subscribe(b, 0, hear, &l), -1);		/* no kinds */
	assert_int_equal(store_bus_subscribe(b, STORE_BUS_ALL, NULL, &l), -1);	/* no callback */
	for (int i = 0; i < STORE_BUS_MAX_SUBSCRIBERS; i++)
		assert_true((ids[i] = store_bus_subscribe(b, STORE_BUS_LEADS, hear, &l)) >= 0);
	assert_int_equal(store_bus_subscribe(b, STORE_BUS_LEADS, hear, &l), -1);	/* full */
	store_bus_publish(b, STORE_BUS_LEADS);
	assert_int_equal(l.calls, STORE_BUS_MAX_SUBSCRIBERS);
	store_bus_unsubscribe(b, ids[3]);
	assert_int_equal(store_bus_subscribe(b, STORE_BUS_LEADS, hear, &l), ids[3]);
	for (int i = 0; i < STORE_BUS_MAX_SUBSCRIBERS; i++)
		store_bus_unsubscribe(b, ids[i]);
	store_bus_free(b);
	listener_destroy(&l);
}

#define THREADS 8
#define PUBLISHES 2000

typedef struct {
	store_bus *b;
	listener *l;
	int n;
} churn_arg;

static void *
publisher(void *p)
{
	churn_arg *a = p;

	for (int i = 0; i < PUBLISHES; i++)
		store_bus_publish(a->b, i % 2 ? STORE_BUS_OUTBOX : STORE_BUS_TIMERS);
	return NULL;
}

/* Subscribes and unsubscribes while others publish: every call lands on a
 * live listener (ASan would see a call on a freed one). */
static void *
churner(void *p)
{
	churn_arg *a = p;

	for (int i = 0; i < a->n; i++) {
		listener *l = malloc(sizeof *l);
		int id;

		listener_init(l);
		id = store_bus_subscribe(a->b, STORE_BUS_ALL, hear, l);
		store_bus_unsubscribe(a->b, id);
		listener_destroy(l);
		free(l);
	}
	return NULL;
}

static void
many_threads_publish_and_subscribe_at_once(void **state)
{
	store_bus *b = store_bus_new();
	listener timers, all;
	pthread_t th[THREADS + 2];
	churn_arg a;
	int t, x;

	(void)state;
	listener_init(&timers);
	listener_init(&all);
	t = store_bus_subscribe(b, STORE_BUS_TIMERS, hear, &timers);
	x = store_bus_subscribe(b, STORE_BUS_ALL, hear, &all);
	a = (churn_arg){ .b = b, .n = 500 };
	for (int i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, publisher, &a);
	pthread_create(&th[THREADS], NULL, churner, &a);
	pthread_create(&th[THREADS + 1], NULL, churner, &a);
	for (int i = 0; i < THREADS + 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(all.calls, THREADS * PUBLISHES);		/* none lost */
	assert_int_equal(timers.calls, THREADS * PUBLISHES / 2);	/* only its half */
	assert_int_equal(all.kinds, STORE_BUS_TIMERS | STORE_BUS_OUTBOX);
	assert_int_equal(store_bus_published(b), THREADS * PUBLISHES);
	store_bus_unsubscribe(b, t);
	store_bus_unsubscribe(b, x);
	store_bus_free(b);
	listener_destroy(&timers);
	listener_destroy(&all);
}

/* --- with a database ------------------------------------------------------ */

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/lk-bus-XXXXXX");
	assert_non_null(mkdtemp(dir));
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
exec_ok(store *s, const char *sql)
{
	assert_int_equal(sqlite3_exec(store_sqlite_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
}

static void
a_connection_announces_what_its_commit_wrote(void **state)
{
	char err[256];
	store_bus *b = store_bus_new();
	store *s = store_open(dir, err, sizeof err);
	listener l;
	int id;

	(void)state;
	assert_non_null(s);
	listener_init(&l);
	id = store_bus_subscribe(b, STORE_BUS_ALL, hear, &l);
	store_set_bus(s, b);
	/* Rows of tables the bus names, without the rest of a lead. */
	exec_ok(s, "PRAGMA foreign_keys = OFF");
	exec_ok(s, "CREATE TABLE scratch (v INTEGER)");

	assert_int_equal(store_begin(s), 0);
	exec_ok(s, "INSERT INTO timers (business_id, lead_id, kind, due_at, plan, state,"
		" created_at) VALUES (1, 1, 'step', 10, 1, 'pending', 0)");
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(l.calls, 1);
	assert_int_equal(l.last, STORE_BUS_TIMERS);

	/* A rolled-back savepoint's rows are not announced; the kept ones are. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_savepoint(s), 0);
	exec_ok(s, "INSERT INTO scratch VALUES (1)");
	assert_int_equal(store_release(s), 0);
	assert_int_equal(store_savepoint(s), 0);
	exec_ok(s, "UPDATE timers SET due_at = 11");
	store_rollback_savepoint(s);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(l.calls, 2);
	assert_int_equal(l.last, STORE_BUS_OTHER);

	/* A rolled-back transaction announces nothing, now or with the next. */
	assert_int_equal(store_begin(s), 0);
	exec_ok(s, "UPDATE timers SET due_at = 12");
	store_rollback(s);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_commit(s), 0);	/* wrote nothing: no publish */
	assert_int_equal(l.calls, 2);

	store_set_bus(s, NULL);
	assert_int_equal(store_begin(s), 0);
	exec_ok(s, "UPDATE timers SET due_at = 13");
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(l.calls, 2);		/* no bus, no announcement */

	store_close(s);
	store_bus_unsubscribe(b, id);
	store_bus_free(b);
	listener_destroy(&l);
}

/* Forked before the watcher's thread exists, so the child is a plain
 * single-threaded process: it waits for a byte on fd, commits, exits. */
static pid_t
spawn_writer(int *go)
{
	int p[2];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c, err[256];
		store *s;

		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(2);
		if ((s = store_open(dir, err, sizeof err)) == NULL ||
		    store_begin(s) < 0 ||
		    sqlite3_exec(store_sqlite_db(s), "INSERT INTO scratch VALUES (2)", NULL, NULL,
				 NULL) != SQLITE_OK || store_commit(s) < 0)
			_exit(1);
		store_close(s);
		_exit(0);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

static void
the_watcher_hears_another_process_commit(void **state)
{
	char err[256];
	store *s = store_open(dir, err, sizeof err);
	store_bus *b;
	listener l;
	int id, go, status;
	pid_t child;

	(void)state;
	assert_non_null(s);
	exec_ok(s, "CREATE TABLE scratch (v INTEGER)");
	store_close(s);
	child = spawn_writer(&go);

	b = store_bus_new();
	listener_init(&l);
	id = store_bus_subscribe(b, STORE_BUS_TIMERS, hear, &l);
	assert_int_equal(store_bus_watch(b, dir, 20, err, sizeof err), 0);
	assert_int_equal(store_bus_watch(b, dir, 20, err, sizeof err), -1);	/* one per bus */

	assert_int_equal(write(go, "x", 1), 1);
	close(go);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Which rows another process wrote is unknown: every kind is announced. */
	assert_int_equal(wait_calls(&l, 1), 1);
	assert_int_equal(l.last, STORE_BUS_TIMERS);
	store_bus_unsubscribe(b, id);
	store_bus_free(b);	/* stops the watcher */
	listener_destroy(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(subscribers_hear_only_their_kinds),
		cmocka_unit_test(the_table_is_capped_and_slots_are_reused),
		cmocka_unit_test(many_threads_publish_and_subscribe_at_once),
		cmocka_unit_test_setup_teardown(a_connection_announces_what_its_commit_wrote, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_watcher_hears_another_process_commit, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

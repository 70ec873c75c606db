/*
 * test_store_busy.c - a connection waiting for SQLite's write lock takes it
 * in the first short gap the holder leaves, as serve's writer must beside
 * `leadkeep import` (another process that commits and begins again a few
 * milliseconds later: bench/fairness.sh). SQLite's own busy handler slept
 * up to 100 ms between tries and missed such gaps for seconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store_sqlite.h"
#include "util/mono.h"

static char dir[64];

/* The holder: the lock for HOLD1 ms, a GAP ms gap, then the lock again
 * for HOLD2 ms (the import's next batch). A waiter that tries only every
 * 50-100 ms after its first 100 ms (SQLite's schedule: 1, 2, 5, 10, 15, 20,
 * 25, 25, 25, 50, 50, 100 ms) is asleep for the whole gap. */
#define HOLD1 135
#define GAP 20
#define HOLD2 1000

static volatile int holding;

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void *
holder(void *arg)
{
	char e[256];
	store *s = store_open(dir, e, sizeof e);

	(void)arg;
	if (s == NULL || store_begin(s) < 0)
		return NULL;
	sqlite3_exec(store_sqlite_db(s), "INSERT INTO t (v) VALUES (1)", NULL, NULL, NULL);
	__atomic_store_n(&holding, 1, __ATOMIC_RELEASE);
	sleep_ms(HOLD1);
	store_commit(s);
	sleep_ms(GAP);
	if (store_begin(s) == 0) {
		sqlite3_exec(store_sqlite_db(s), "INSERT INTO t (v) VALUES (2)", NULL, NULL, NULL);
		sleep_ms(HOLD2);
		store_commit(s);
	}
	store_close(s);
	return NULL;
}

static void
test_waiter_takes_the_first_gap(void **state)
{
	char e[256];
	store *s = store_open(dir, e, sizeof e);
	pthread_t th;
	int64_t t0, waited_ms;

	(void)state;
	assert_non_null(s);
	assert_int_equal(sqlite3_exec(store_sqlite_db(s), "CREATE TABLE t (v INTEGER)", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_int_equal(pthread_create(&th, NULL, holder, NULL), 0);
	while (!__atomic_load_n(&holding, __ATOMIC_ACQUIRE))
		sleep_ms(1);
	t0 = mono_ns();
	assert_int_equal(store_begin(s), 0);
	waited_ms = (mono_ns() - t0) / 1000000;
	assert_int_equal(store_commit(s), 0);
	pthread_join(th, NULL);
	store_close(s);
	/* In the gap: about HOLD1 ms. Behind the second hold: over HOLD1 + HOLD2. */
	print_message("waited %lld ms for the lock (gap at %d ms)\n", (long long)waited_ms, HOLD1);
	assert_true(waited_ms >= HOLD1 - 20);
	assert_true(waited_ms < HOLD1 + HOLD2 / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_waiter_takes_the_first_gap),
	};
	int rc;

	snprintf(dir, sizeof dir, "/tmp/lk-busy-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	{
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			rc = rc ? rc : 1;
	}
	return rc;
}

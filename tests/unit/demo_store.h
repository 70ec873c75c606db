/*
 * demo_store.h - for the unit tests that need a real database: the embedded
 * demo rules and a fresh store in its own temp dir, and one-value queries.
 * Header-only (static) because each test is one program of one .c file.
 */
#ifndef LK_TEST_DEMO_STORE_H
#define LK_TEST_DEMO_STORE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "rules/rules_load.h"
#include "store/store.h"
#include "store/store_sqlite.h"

typedef struct {
	char dir[64];
	rules *r;
	store *s;
	int64_t bid;
	int64_t t0;		/* Tuesday 2026-11-24 14:02 in the demo's Chicago */
} demo_store;

/* Opens everything or fails the test. */
static void
demo_store_open(demo_store *d)
{
	rules_diags diags = { 0 };
	char err[256];

	snprintf(d->dir, sizeof d->dir, "/tmp/lk-unit.XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	d->r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml), "default",
				 &diags);
	rules_diags_free(&diags);
	assert_non_null(d->r);
	assert_non_null(d->s = store_open(d->dir, err, sizeof err));
	assert_int_equal(store_begin(d->s), 0);
	assert_true((d->bid = store_business_sync(d->s, d->r, err, sizeof err)) > 0);
	assert_int_equal(store_commit(d->s), 0);
	tz_from_local(d->r->business.zone, 2026, 11, 24, 14, 2, &d->t0);
}

/* Closes and removes the temp dir; 0 / -1 for cmocka's teardown. */
static int
demo_store_close(demo_store *d)
{
	char cmd[128];

	store_close(d->s);
	rules_free(d->r);
	snprintf(cmd, sizeof cmd, "rm -rf %s", d->dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* cmocka setup and teardown: *state is a demo_store. */
static inline int
demo_setup(void **state)
{
	demo_store *d = calloc(1, sizeof *d);

	demo_store_open(d);
	*state = d;
	return 0;
}

static inline int
demo_teardown(void **state)
{
	int rc = demo_store_close(*state);

	free(*state);
	return rc;
}

/* The first column of the first row of sql as an integer, -1 when none. */
static int64_t
demo_count(store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

#endif

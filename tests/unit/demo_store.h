/*
 * demo_store.h - for the unit tests that need a real database: the embedded
 * demo rules and a fresh store in its own temp dir, and one-value queries.
 * Header-only (static) because each test is one program of one .c file.
 *
 * With LK_STORE=pg in the environment the store is the PostgreSQL engine
 * instead, on an emptied database at LK_PG_URL (tests/pg_cluster.sh; the
 * tests tests/run.sh runs on both engines say so, see there).
 */
#ifndef LK_TEST_DEMO_STORE_H
#define LK_TEST_DEMO_STORE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "rules/rules_load.h"
#include "store/store.h"
#include "store/store_pg.h"
#include "store/store_sqlite.h"

typedef struct {
	char dir[64];
	rules *r;
	store *s;
	int64_t bid;
	int64_t t0;		/* Tuesday 2026-11-24 14:02 in the demo's Chicago */
} demo_store;

/* Whether the tests run on the PostgreSQL engine (LK_STORE=pg). */
static bool
demo_on_pg(void)
{
	const char *e = getenv("LK_STORE");

	return e != NULL && strcmp(e, "pg") == 0;
}

static void
demo_pg_quiet(void *arg, const char *message)
{
}

/* A store on the database at LK_PG_URL; empty first when fresh. */
static store *
demo_pg_open(bool fresh)
{
	const char *url = getenv("LK_PG_URL");
	char err[512];
	store *s;

	if (url == NULL)
		fail_msg("LK_STORE=pg without LK_PG_URL: run through tests/pg_cluster.sh");
	if (fresh) {
		PGconn *c = PQconnectdb(url);
		PGresult *r;

		PQsetNoticeProcessor(c, demo_pg_quiet, NULL);
		r = PQexec(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fail_msg("emptying the database: %s", PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
	}
	if ((s = store_pg_open(url, err, sizeof err)) == NULL)
		fail_msg("%s", err);
	return s;
}

/* Where another connection opens the same database (store_open's
 * argument): the data directory, or LK_PG_URL on PostgreSQL. */
static inline const char *
demo_address(const demo_store *d)
{
	return demo_on_pg() ? getenv("LK_PG_URL") : d->dir;
}

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
	if (demo_on_pg())
		d->s = demo_pg_open(true);
	else
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

	if (demo_on_pg()) {
		PGresult *r = PQexec(store_pg_conn(s), sql);

		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			fail_msg("%s: %s", sql, PQresultErrorMessage(r));
		if (PQntuples(r) > 0)
			n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		return n;
	}
	assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* sql (SQLite's ?1 for its one parameter) in the engine's words: ?N -> $N. */
static inline void
demo_pg_sql(const char *sql, char *out, size_t len)
{
	snprintf(out, len, "%s", sql);
	for (char *c = out; *c != '\0'; c++)
		if (*c == '?')
			*c = '$';
}

/* The first column of sql's first row as text into buf ("" when none or
 * NULL), with ?1 bound to arg. Returns whether a row came. */
static inline bool
demo_text(store *s, const char *sql, int64_t arg, char *buf, size_t len)
{
	bool row = false;

	buf[0] = '\0';
	if (demo_on_pg()) {
		char q[1024], num[24];
		const char *v[1] = { num };
		PGresult *r;

		demo_pg_sql(sql, q, sizeof q);
		snprintf(num, sizeof num, "%lld", (long long)arg);
		r = PQexecParams(store_pg_conn(s), q, strstr(q, "$1") ? 1 : 0, NULL, v, NULL,
				 NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			fail_msg("%s: %s", q, PQresultErrorMessage(r));
		if ((row = PQntuples(r) > 0) && !PQgetisnull(r, 0, 0))
			snprintf(buf, len, "%s", PQftype(r, 0) != 16 ? PQgetvalue(r, 0, 0) :
				 /* a boolean, as SQLite's 0/1 */
				 strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? "1" : "0");
		PQclear(r);
		return row;
	}
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, arg);
	if ((row = sqlite3_step(st) == SQLITE_ROW) && sqlite3_column_text(st, 0) != NULL)
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return row;
}

/* The first column of sql's first row as an integer, ?1 bound to arg; -1
 * when no row. */
static inline int64_t
demo_one(store *s, const char *sql, int64_t arg)
{
	char buf[64];

	if (!demo_text(s, sql, arg, buf, sizeof buf))
		return -1;
	return strtoll(buf, NULL, 10);
}

/* Runs a statement without parameters or rows, or fails the test. */
static inline void
demo_exec(store *s, const char *sql)
{
	if (demo_on_pg()) {
		PGresult *r = PQexec(store_pg_conn(s), sql);

		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fail_msg("%s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
		return;
	}
	assert_int_equal(sqlite3_exec(store_sqlite_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
}

#endif

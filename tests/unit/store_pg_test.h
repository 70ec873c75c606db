/*
 * store_pg_test.h - what the PostgreSQL engine's store tests
 * (test_store_pg.c, test_store_rows_pg.c, test_store_claims_pg.c,
 * test_store_flow_pg.c) share: counting rows, a second connection, the empty
 * schema each test starts from, opening the store, the demo's rules.
 * Header-only (static inline): each test is one program of one .c file.
 */
#ifndef LK_TEST_STORE_PG_TEST_H
#define LK_TEST_STORE_PG_TEST_H

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "rules/rules_load.h"
#include "store/store.h"
#include "store/store_pg.h"

#include "pg_test.h"

/* The first column of the first row of sql as an integer. */
static inline int64_t
count(PGconn *conn, const char *sql)
{
	PGresult *r = PQexec(conn, sql);
	int64_t n;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return n;
}

/* A second connection of our own, as another node would have. */
static inline PGconn *
other_conn(void)
{
	PGconn *c = PQconnectdb(url());

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("connect: %s", PQerrorMessage(c));
	return c;
}

static inline void
quiet(void *arg, const char *message)
{
}

/* Every test's setup: an empty public schema. */
static inline int
empty_schema(void **state)
{
	PGconn *c = other_conn();

	PQsetNoticeProcessor(c, quiet, NULL);
	sql_ok(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	PQfinish(c);
	*state = NULL;
	return 0;
}

static inline store *
open_ok(void)
{
	char err[512];
	store *s = store_pg_open(url(), err, sizeof err);

	if (s == NULL)
		fail_msg("store_pg_open: %s", err);
	return s;
}

static inline rules *
demo_rules(void)
{
	rules_diags diags = { 0 };
	rules *r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml), "default",
				     &diags);

	rules_diags_free(&diags);
	assert_non_null(r);
	return r;
}

#endif

/*
 * pg_test.h - what the PostgreSQL engine's own unit tests (test_*_pg.c,
 * run through tests/pg_cluster.sh) share: the throwaway cluster's address
 * and running the tests' fixed statements on a connection.
 */
#ifndef LK_TEST_PG_TEST_H
#define LK_TEST_PG_TEST_H

#include <stdlib.h>

#include <libpq-fe.h>

/* LK_PG_URL, set by tests/pg_cluster.sh; the test fails without it. */
static inline const char *
url(void)
{
	const char *u = getenv("LK_PG_URL");

	if (u == NULL)
		fail_msg("LK_PG_URL is not set: run this test through tests/pg_cluster.sh");
	return u;
}

/* Runs sql (no parameters: the tests' own fixed statements) on conn. */
static inline void
sql_ok(PGconn *conn, const char *sql)
{
	PGresult *r = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

#endif

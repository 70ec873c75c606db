/*
 * store_pg_stats.c - the PostgreSQL engine's GET /metrics reads (pending
 * timers, outbox rows by state, the database's size) and its answer to
 * backup and restore: none of its own. A PostgreSQL database is copied with
 * PostgreSQL's tools (pg_dump / pg_restore, or the server's base backups and
 * WAL archiving), which copy one consistent snapshot while leadkeep goes on
 * writing, as the SQLite engine's online backup does; leadkeep writing a
 * second format of its own would be a copy nobody else's tools can check.
 * So both refuse with the command to use (docs/operations.md).
 */
#include <stdio.h>
#include <string.h>

#include "store_pg.h"

int
pg_stats(store *s, int64_t now, int64_t late_after, store_stats *out)
{
	static const char *const timers_sql =
		"SELECT count(*), count(*) FILTER (WHERE due_at <= $1),"
		" count(*) FILTER (WHERE due_at <= $2) FROM timers WHERE state = 'pending'";
	pg_store *p = pg_of(s);
	pg_params pp = { 0 };
	PGresult *r;

	memset(out, 0, sizeof *out);
	pg_int(&pp, now);
	pg_int(&pp, now - late_after);
	if ((r = pg_run(p, timers_sql, &pp)) == NULL)
		return -1;
	out->timers_pending = pg_get_int(r, 0, 0);
	out->timers_due = pg_get_int(r, 0, 1);
	out->timers_late = pg_get_int(r, 0, 2);
	PQclear(r);
	if ((r = pg_run(p, "SELECT state, count(*) FROM outbox GROUP BY state", NULL)) == NULL)
		return -1;
	for (int row = 0; row < PQntuples(r); row++)
		for (int i = 0; i < OUTBOX_NSTATES; i++)
			if (strcmp(PQgetvalue(r, row, 0), outbox_state_name((outbox_state)i)) == 0)
				out->outbox[i] = pg_get_int(r, row, 1);
	PQclear(r);
	/* The whole database's size on the server; its WAL is the server's,
	 * shared with every database there: not ours to report (0). */
	if ((r = pg_run(p, "SELECT pg_database_size(current_database())", NULL)) == NULL)
		return -1;
	out->db_bytes = pg_get_int(r, 0, 0);
	PQclear(r);
	return 0;
}

int
pg_backup(store *s, const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "the database is PostgreSQL (database %s): leadkeep backup copies "
		 "SQLite files only; copy it with pg_dump -Fc -f %s 'postgres://...' "
		 "(docs/operations.md)", PQdb(pg_of(s)->conn), path);
	return -1;
}

int
pg_restore(store *s, const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "the database is PostgreSQL (database %s): leadkeep restore reads "
		 "SQLite copies only; restore a pg_dump copy with pg_restore -d 'postgres://...' "
		 "%s, then start leadkeep, which migrates it (docs/operations.md)",
		 PQdb(pg_of(s)->conn), path);
	return -1;
}
_Static_assert(OUTBOX_NSTATES == 8, "store_stats.outbox has room for every outbox state");

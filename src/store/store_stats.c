/*
 * store_stats.c - what GET /metrics reads from the database at scrape time:
 * pending timers (due, late), outbox rows by state, the file's size. Reads
 * only; no write lock.
 *
 * Cost: the timer counts use the partial index on pending timers; the outbox
 * count by state reads the whole outbox table (about 100 ms per million rows),
 * which a scrape every 15 s or more affords.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "store_internal.h"

int
sqlite_stats(store *s, int64_t now, int64_t late_after, store_stats *out)
{
	static const char *const timers_sql =
		"SELECT count(*), coalesce(sum(due_at <= ?1), 0), coalesce(sum(due_at <= ?2), 0)"
		" FROM timers WHERE state = 'pending'";
	static const char *const outbox_sql =
		"SELECT state, count(*) FROM outbox GROUP BY state";
	static const char *const size_sql =
		"SELECT page_count * page_size FROM pragma_page_count, pragma_page_size";
	sqlite3_stmt *st;
	char wal[4096];
	struct stat sb;
	int rc;

	memset(out, 0, sizeof *out);
	if ((st = store_stmt(s, timers_sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now - late_after);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	out->timers_pending = sqlite3_column_int64(st, 0);
	out->timers_due = sqlite3_column_int64(st, 1);
	out->timers_late = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	if ((st = store_stmt(s, outbox_sql)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		for (int i = 0; name != NULL && i < OUTBOX_NSTATES; i++)
			if (strcmp(name, outbox_state_name((outbox_state)i)) == 0)
				out->outbox[i] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	if ((st = store_stmt(s, size_sql)) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		out->db_bytes = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	snprintf(wal, sizeof wal, "%s-wal", s->path);
	if (stat(wal, &sb) == 0)
		out->wal_bytes = sb.st_size;
	return 0;
}
_Static_assert(OUTBOX_NSTATES == 8, "store_stats.outbox has room for every outbox state");

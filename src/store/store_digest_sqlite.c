/*
 * store_digest_sqlite.c - the SQLite engine's weekly digest rows
 * (store_digest.h): each call one statement, so a claim is atomic on its
 * own (an upsert that only takes a new or a due retry row).
 */
#include <stdio.h>
#include <string.h>

#include "store_internal.h"

int
sqlite_digest_claim(store *s, int64_t business_id, const char *week, const char *recipient,
		 int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO digests (business_id, week, recipient, state,"
				      " attempts, created_at, updated_at) VALUES (?1, ?2, ?4, 'sending',"
				      " 1, ?3, ?3) ON CONFLICT (business_id, week, recipient) DO UPDATE"
				      " SET state = 'sending', attempts = attempts + 1, updated_at = ?3"
				      " WHERE state = 'retry' AND retry_at <= ?3");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, week);
	sqlite3_bind_int64(st, 3, now);
	store_bind_text(st, 4, recipient);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

int
sqlite_digest_finish(store *s, int64_t business_id, const char *week, const char *recipient,
		 const char *state,
		     const char *error, int64_t retry_at, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE digests SET state = ?3, last_error = ?4,"
				      " retry_at = ?5, updated_at = ?6 WHERE business_id = ?1"
				      " AND week = ?2 AND recipient = ?7 AND state = 'sending'");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, week);
	store_bind_text(st, 3, state);
	store_bind_text(st, 4, error);
	sqlite3_bind_int64(st, 5, retry_at);
	sqlite3_bind_int64(st, 6, now);
	store_bind_text(st, 7, recipient);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

int
sqlite_digest_recover(store *s, int64_t business_id, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE digests SET state = 'unknown', updated_at = ?2,"
				      " last_error = 'stopped while sending: the mail may have left'"
				      " WHERE business_id = ?1 AND state = 'sending'");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int64(st, 2, now);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
sqlite_digest_get(store *s, int64_t business_id, const char *week, const char *recipient,
		 char *state,
		  size_t statelen, int *attempts)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT state, attempts FROM digests"
				      " WHERE business_id = ?1 AND week = ?2 AND recipient = ?3");
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, week);
	store_bind_text(st, 3, recipient);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(state, statelen, "%s", (const char *)sqlite3_column_text(st, 0));
		if (attempts != NULL)
			*attempts = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

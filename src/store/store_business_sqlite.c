/*
 * store_business_sqlite.c - the businesses of one install in SQLite
 * (store_business.h): their list, file and state. Syncing a business from
 * its rules is in store_lead.c with the people it writes.
 */
#include <string.h>

#include "store_internal.h"

int
sqlite_business_update(store *s, const char *slug, const char *file, int disabled)
{
	static const char *const sql =
		"UPDATE businesses SET file = coalesce(?2, file),"
		" disabled = CASE WHEN ?3 < 0 THEN disabled ELSE ?3 END WHERE slug = ?1";
	sqlite3_stmt *st = store_stmt(s, sql);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, slug);
	store_bind_text(st, 2, file);
	sqlite3_bind_int(st, 3, disabled < 0 ? -1 : disabled ? 1 : 0);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

int
sqlite_businesses_read(store *s, const char *slug,
		       void (*fn)(void *ctx, const store_business_row *r), void *ctx)
{
	static const char *const sql =
		"SELECT id, slug, name, timezone, file, disabled, created_at FROM businesses"
		" WHERE ?1 IS NULL OR slug = ?1 ORDER BY id";
	sqlite3_stmt *st = store_stmt(s, sql);
	int n = 0, rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, slug);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_business_row r = {
			.id = sqlite3_column_int64(st, 0),
			.slug = (const char *)sqlite3_column_text(st, 1),
			.name = (const char *)sqlite3_column_text(st, 2),
			.timezone = (const char *)sqlite3_column_text(st, 3),
			.file = (const char *)sqlite3_column_text(st, 4),
			.disabled = sqlite3_column_int(st, 5) != 0,
			.created_at = sqlite3_column_int64(st, 6),
		};

		fn(ctx, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

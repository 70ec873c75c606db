/*
 * store_pg_business.c - the businesses of one install in PostgreSQL
 * (store_business.h): their list, file and state. Syncing a business from
 * its rules is in store_pg_lead.c with the people it writes.
 */
#include <string.h>

#include "store_pg.h"

int
pg_business_update(store *s, const char *slug, const char *file, int disabled)
{
	static const char *const sql =
		"UPDATE businesses SET file = coalesce($2, file),"
		" disabled = CASE WHEN $3::int < 0 THEN disabled ELSE $3::int END WHERE slug = $1";
	pg_params pp = { 0 };

	pg_text(&pp, slug);
	pg_text(&pp, file);
	pg_int(&pp, disabled < 0 ? -1 : disabled ? 1 : 0);
	return pg_changed(pg_of(s), sql, &pp);
}

int
pg_businesses_read(store *s, const char *slug,
		   void (*fn)(void *ctx, const store_business_row *r), void *ctx)
{
	static const char *const sql =
		"SELECT id, slug, name, timezone, file, disabled, created_at FROM businesses"
		" WHERE $1::text IS NULL OR slug = $1 ORDER BY id";
	pg_params pp = { 0 };
	PGresult *r;
	int n;

	pg_text(&pp, slug);
	if ((r = pg_run(pg_of(s), sql, &pp)) == NULL)
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		store_business_row row = {
			.id = pg_get_int(r, i, 0),
			.slug = PQgetvalue(r, i, 1),
			.name = PQgetvalue(r, i, 2),
			.timezone = PQgetvalue(r, i, 3),
			.file = PQgetisnull(r, i, 4) ? NULL : PQgetvalue(r, i, 4),
			.disabled = pg_get_int(r, i, 5) != 0,
			.created_at = pg_get_int(r, i, 6),
		};

		fn(ctx, &row);
	}
	PQclear(r);
	return n;
}

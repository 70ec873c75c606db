/*
 * store_pg_health.c - the self-watch's reads (store_health.h) on
 * PostgreSQL: the same counts and times as store_health_sqlite.c, in
 * PostgreSQL's words (FILTER for the conditional counts).
 */
#include <string.h>

#include "store_health.h"
#include "store_pg.h"

int
pg_health_read(store *s, int64_t business_id, int64_t now, int64_t since, int64_t dead_since,
	       int64_t late_after, store_health *out)
{
	/* The credentials codes as in store_health_sqlite.c. */
	static const char *const outbox_sql =
		"SELECT count(*) FILTER (WHERE updated_at >= $2 AND state IN ('sent', 'delivered')),"
		" count(*) FILTER (WHERE updated_at >= $2 AND (state IN ('failed', 'dead', 'unknown')"
		"  OR (state = 'queued' AND attempts > 0 AND last_error IS NOT NULL))),"
		" count(*) FILTER (WHERE updated_at >= $3 AND state = 'dead'),"
		" count(*) FILTER (WHERE (state = 'queued' OR (updated_at >= $2 AND state IN"
		"  ('dead', 'failed'))) AND channel = 'sms' AND error_code IN (20003, 401, 403)),"
		" count(*) FILTER (WHERE (state = 'queued' OR (updated_at >= $2 AND state IN"
		"  ('dead', 'failed'))) AND channel = 'email' AND (error_code IN (530, 534, 535)"
		"  OR last_error LIKE 'SMTP authentication failed%'))"
		" FROM (SELECT state, updated_at, channel, error_code, last_error, attempts"
		"  FROM outbox WHERE business_id = $1 AND updated_at >= LEAST($2::bigint, $3::bigint)"
		"  AND updated_at <= $4"
		"  UNION ALL"
		"  SELECT state, updated_at, channel, error_code, last_error, attempts"
		"  FROM outbox WHERE business_id = $1 AND state = 'queued' AND attempts > 0"
		"  AND updated_at < LEAST($2::bigint, $3::bigint)) w";
	static const char *const timers_sql =
		"SELECT count(*), coalesce(max(fired_at - due_at), 0) FROM timers"
		" WHERE business_id = $1 AND state = 'fired' AND fired_at >= $2 AND fired_at <= $3"
		" AND fired_at - due_at > $4";
	static const char *const heads_sql =
		"SELECT (SELECT id FROM timers WHERE state = 'pending' AND due_at <= $2"
		"  AND business_id = $1 ORDER BY due_at, id LIMIT 1),"
		" (SELECT due_at FROM timers WHERE state = 'pending' AND due_at <= $2"
		"  AND business_id = $1 ORDER BY due_at, id LIMIT 1),"
		" (SELECT id FROM outbox WHERE state = 'queued' AND send_at <= $2"
		"  AND business_id = $1 ORDER BY send_at, id LIMIT 1),"
		" (SELECT send_at FROM outbox WHERE state = 'queued' AND send_at <= $2"
		"  AND business_id = $1 ORDER BY send_at, id LIMIT 1)";
	pg_params a = { 0 }, b = { 0 }, c = { 0 };
	PGresult *r;

	memset(out, 0, sizeof *out);
	pg_int(&a, business_id);
	pg_int(&a, since);
	pg_int(&a, dead_since);
	pg_int(&a, now);
	if ((r = pg_run(pg_of(s), outbox_sql, &a)) == NULL)
		return -1;
	out->sent = pg_get_int(r, 0, 0);
	out->failed = pg_get_int(r, 0, 1);
	out->dead = pg_get_int(r, 0, 2);
	out->refused_sms = pg_get_int(r, 0, 3);
	out->refused_email = pg_get_int(r, 0, 4);
	PQclear(r);
	pg_int(&b, business_id);
	pg_int(&b, since);
	pg_int(&b, now);
	pg_int(&b, late_after);
	if ((r = pg_run(pg_of(s), timers_sql, &b)) == NULL)
		return -1;
	out->late_timers = pg_get_int(r, 0, 0);
	out->max_lateness = pg_get_int(r, 0, 1);
	PQclear(r);
	pg_int(&c, business_id);
	pg_int(&c, now);
	if ((r = pg_run(pg_of(s), heads_sql, &c)) == NULL)
		return -1;
	out->timer_head_id = pg_get_int(r, 0, 0);	/* NULL reads as 0: none */
	out->timer_head_due = pg_get_int(r, 0, 1);
	out->outbox_head_id = pg_get_int(r, 0, 2);
	out->outbox_head_due = pg_get_int(r, 0, 3);
	PQclear(r);
	return 0;
}

int
pg_health_arrivals(store *s, int64_t business_id, int64_t since, int64_t now,
		   int max_per_source, void (*fn)(void *ctx, const char *source, int64_t at),
		   void *ctx)
{
	static const char *const sql =
		"SELECT source, created_at FROM (SELECT source, created_at, row_number()"
		" OVER (PARTITION BY source ORDER BY created_at DESC, id DESC) AS rn FROM leads"
		" WHERE business_id = $1 AND created_at >= $2 AND created_at <= $3"
		" AND source IS NOT NULL AND source <> '') a WHERE rn <= $4"
		" ORDER BY source COLLATE \"C\", created_at";
	pg_params pp = { 0 };
	PGresult *r;

	pg_int(&pp, business_id);
	pg_int(&pp, since);
	pg_int(&pp, now);
	pg_int(&pp, max_per_source);
	if ((r = pg_run(pg_of(s), sql, &pp)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		fn(ctx, PQgetvalue(r, i, 0), pg_get_int(r, i, 1));
	PQclear(r);
	return 0;
}

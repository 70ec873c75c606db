/*
 * store_health_sqlite.c - the self-watch's reads (store_health.h) on SQLite.
 * Counts and times only: what they mean is the judge's (src/health/).
 */
#include <string.h>

#include "store_health.h"
#include "store_internal.h"

/* Two disjoint sets of rows, each read by an index: the window (updated in
 * [min(since, dead_since), now]: outbox_by_business_updated) and the queued
 * rows retried before it (outbox_due_by_business). Then the counts.
 *
 * Error codes that mean "your credentials": Twilio's 20003 (and the bare
 * HTTP 401/403 it answers without a code), SMTP's 530/534/535; an SMTP
 * login curl refused before a reply code is recognised by its message
 * (deliver_smtp.c). A queued message whose last attempt was refused counts
 * however long ago that was (its next attempt may be an hour away: the
 * credentials are no better for the wait); dead and failed ones within the
 * window. */
static const char *const outbox_sql =
	"SELECT coalesce(sum(updated_at >= ?2 AND state IN ('sent', 'delivered')), 0),"
	" coalesce(sum(updated_at >= ?2 AND (state IN ('failed', 'dead', 'unknown') OR"
	"  (state = 'queued' AND attempts > 0 AND last_error IS NOT NULL))), 0),"
	" coalesce(sum(updated_at >= ?3 AND state = 'dead'), 0),"
	" coalesce(sum((state = 'queued' OR (updated_at >= ?2 AND state IN ('dead', 'failed')))"
	"  AND channel = 'sms' AND error_code IN (20003, 401, 403)), 0),"
	" coalesce(sum((state = 'queued' OR (updated_at >= ?2 AND state IN ('dead', 'failed')))"
	"  AND channel = 'email' AND (error_code IN (530, 534, 535)"
	"  OR last_error LIKE 'SMTP authentication failed%')), 0)"
	" FROM (SELECT state, updated_at, channel, error_code, last_error, attempts"
	"  FROM outbox WHERE business_id = ?1 AND updated_at >= min(?2, ?3) AND updated_at <= ?4"
	"  UNION ALL"
	"  SELECT state, updated_at, channel, error_code, last_error, attempts"
	"  FROM outbox INDEXED BY outbox_due_by_business"	/* not all its history */
	"  WHERE business_id = ?1 AND state = 'queued' AND attempts > 0"
	"  AND updated_at < min(?2, ?3))";

static const char *const timers_sql =
	"SELECT count(*), coalesce(max(fired_at - due_at), 0) FROM timers"
	" WHERE business_id = ?1 AND state = 'fired' AND fired_at >= ?2 AND fired_at <= ?3"
	" AND fired_at - due_at > ?4";

static const char *const timer_head_sql =
	"SELECT id, due_at FROM timers WHERE state = 'pending' AND due_at <= ?2"
	" AND business_id = ?1 ORDER BY due_at, id LIMIT 1";

static const char *const outbox_head_sql =
	"SELECT id, send_at FROM outbox WHERE state = 'queued' AND send_at <= ?2"
	" AND business_id = ?1 ORDER BY send_at, id LIMIT 1";

/* One row of two integers into a and b (left alone when no row). 0 / -1. */
static int
head(store *s, const char *sql, int64_t business_id, int64_t now, int64_t *a, int64_t *b)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*a = sqlite3_column_int64(st, 0);
		*b = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
sqlite_health_read(store *s, int64_t business_id, int64_t now, int64_t since,
		   int64_t dead_since, int64_t late_after, store_health *out)
{
	sqlite3_stmt *st;

	memset(out, 0, sizeof *out);
	if ((st = store_stmt(s, outbox_sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, dead_since);
	sqlite3_bind_int64(st, 4, now);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	out->sent = sqlite3_column_int64(st, 0);
	out->failed = sqlite3_column_int64(st, 1);
	out->dead = sqlite3_column_int64(st, 2);
	out->refused_sms = sqlite3_column_int64(st, 3);
	out->refused_email = sqlite3_column_int64(st, 4);
	sqlite3_reset(st);
	if ((st = store_stmt(s, timers_sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, late_after);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	out->late_timers = sqlite3_column_int64(st, 0);
	out->max_lateness = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	if (head(s, timer_head_sql, business_id, now, &out->timer_head_id,
		 &out->timer_head_due) < 0 ||
	    head(s, outbox_head_sql, business_id, now, &out->outbox_head_id,
		 &out->outbox_head_due) < 0)
		return -1;
	return 0;
}

int
sqlite_health_arrivals(store *s, int64_t business_id, int64_t since, int64_t now,
		       int max_per_source,
		       void (*fn)(void *ctx, const char *source, int64_t at), void *ctx)
{
	static const char *const sql =
		"SELECT source, created_at FROM (SELECT source, created_at, row_number()"
		" OVER (PARTITION BY source ORDER BY created_at DESC, id DESC) AS rn FROM leads"
		" WHERE business_id = ?1 AND created_at >= ?2 AND created_at <= ?3"
		" AND source IS NOT NULL AND source <> '') WHERE rn <= ?4"
		" ORDER BY source, created_at";
	sqlite3_stmt *st = store_stmt(s, sql);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int(st, 4, max_per_source);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * store_report_sqlite.c - the SQLite engine's reads for reports
 * (store_report.h): one prepared statement per table, streamed row by row.
 * Reads only; no transaction of its own, so the writer is never held back.
 */
#include <stdio.h>
#include <string.h>

#include "store_internal.h"

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int
emit_leads(sqlite3_stmt *st, void (*fn)(void *ctx, const store_report_lead *r), void *ctx)
{
	int n = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_report_lead r = {
			.id = sqlite3_column_int64(st, 0), .name = col(st, 1), .source = col(st, 2),
			.kind = col(st, 3), .stage = col(st, 4), .status = col(st, 5),
			.owner = col(st, 6), .lost_reason = col(st, 7), .sequence = col(st, 8),
			.has_quote = sqlite3_column_type(st, 9) != SQLITE_NULL,
			.quote_cents = sqlite3_column_int64(st, 9),
			.created_at = sqlite3_column_int64(st, 10),
			.paused_at = sqlite3_column_int64(st, 11),
		};

		fn(ctx, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
sqlite_report_leads(store *s, int64_t business_id,
		    void (*fn)(void *ctx, const store_report_lead *r), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id, name, source, kind, stage, status, owner,"
				      " lost_reason, sequence, quote_cents, created_at, paused_at"
				      " FROM leads WHERE +business_id = ?1 ORDER BY id");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	return emit_leads(st, fn, ctx);
}

static int
emit_events(sqlite3_stmt *st, void (*fn)(void *ctx, const store_report_event *r), void *ctx)
{
	int n = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_report_event r = {
			.lead_id = sqlite3_column_int64(st, 0), .at = sqlite3_column_int64(st, 1),
			.type = col(st, 2),
		};

		fn(ctx, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
sqlite_report_events(store *s, int64_t business_id,
		     void (*fn)(void *ctx, const store_report_event *r), void *ctx)
{
	/* The IN list is migration 9's, word for word: only then is the
	 * partial index usable, and INDEXED BY makes a mismatch an error. */
	sqlite3_stmt *st = store_stmt(s, "SELECT lead_id, at, type FROM events INDEXED BY"
				      " events_report WHERE business_id = ?1 AND type IN"
				      " ('call.logged', 'visit.logged', 'note', 'note.contact',"
				      " 'stage.changed', 'task.done', 'task.snoozed', 'lead.updated',"
				      " 'followup.set', 'message.received', 'contact.first')"
				      " ORDER BY business_id, lead_id, at, type");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	return emit_events(st, fn, ctx);
}

static int
emit_tasks(sqlite3_stmt *st, void (*fn)(void *ctx, const store_report_task *r), void *ctx)
{
	int n = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_report_task r = {
			.id = sqlite3_column_int64(st, 0), .lead_id = sqlite3_column_int64(st, 1),
			.verb = col(st, 2), .assignee = col(st, 3), .state = col(st, 4),
			.outcome = col(st, 5), .due_at = sqlite3_column_int64(st, 6),
			.created_at = sqlite3_column_int64(st, 7), .closed_at = sqlite3_column_int64(st, 8),
		};

		fn(ctx, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
sqlite_report_tasks(store *s, int64_t business_id,
		    void (*fn)(void *ctx, const store_report_task *r), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id, lead_id, verb, assignee, state, outcome,"
				      " due_at, created_at, coalesce(closed_at, 0) FROM tasks"
				      " WHERE +business_id = ?1 ORDER BY id");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	return emit_tasks(st, fn, ctx);
}

static int
emit_timers(sqlite3_stmt *st, void (*fn)(void *ctx, const store_report_timer *r), void *ctx)
{
	int n = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_report_timer r = {
			.lead_id = sqlite3_column_int64(st, 0), .task_id = sqlite3_column_int64(st, 1),
			.due_at = sqlite3_column_int64(st, 2), .kind = col(st, 3),
			.state = col(st, 4),
		};

		fn(ctx, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
sqlite_report_timers(store *s, int64_t business_id,
		     void (*fn)(void *ctx, const store_report_timer *r), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT lead_id, coalesce(task_id, 0), due_at, kind, state"
				      " FROM timers NOT INDEXED WHERE business_id = ?1 AND (state ="
				      " 'pending' OR (kind = 'escalate' AND state = 'fired'))");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	return emit_timers(st, fn, ctx);
}

static int
emit_acks(sqlite3_stmt *st, void (*fn)(void *ctx, const store_report_ack *r), void *ctx)
{
	int n = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_report_ack r = {
			.lead_id = sqlite3_column_int64(st, 0), .send_at = sqlite3_column_int64(st, 1),
			.state = col(st, 2),
		};

		fn(ctx, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
sqlite_report_acks(store *s, int64_t business_id,
		       void (*fn)(void *ctx, const store_report_ack *r), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT lead_id, send_at, state FROM outbox INDEXED BY"
				      " outbox_acks WHERE business_id = ?1 AND purpose = 'ack' AND"
				      " person IS NULL");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	return emit_acks(st, fn, ctx);
}

store *
sqlite_report_reader(store *s)
{
	sqlite3_stmt *st = store_stmt(s, "PRAGMA locking_mode");
	char dir[4096], err[256];
	const char *slash;
	bool exclusive;

	if (st == NULL)
		return NULL;
	exclusive = sqlite3_step(st) == SQLITE_ROW &&
		    strcmp((const char *)sqlite3_column_text(st, 0), "exclusive") == 0;
	sqlite3_reset(st);
	/* DIR/leadkeep.db -> DIR; a second connection would wait on the lock */
	if (exclusive || (slash = strrchr(s->path, '/')) == NULL ||
	    (size_t)(slash - s->path) >= sizeof dir)
		return NULL;
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - s->path), s->path);
	return store_sqlite_open(dir, err, sizeof err);
}

int
sqlite_report_changed(store *s, int64_t *after,
		      void (*fn)(void *ctx, int64_t business_id, int64_t newest), void *ctx)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	if (*after < 0) {
		if ((st = store_stmt(s, "SELECT coalesce(max(id), 0) FROM events")) == NULL)
			return -1;
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*after = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return rc == SQLITE_ROW ? 0 : -1;
	}
	/* By the primary key: only the entries since *after (and the look-back). */
	if ((st = store_stmt(s, "SELECT business_id, max(id) FROM events WHERE id > ?1"
			     " GROUP BY business_id")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, *after - STORE_REPORT_CHANGED_LOOKBACK);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t newest = sqlite3_column_int64(st, 1);

		fn(ctx, sqlite3_column_int64(st, 0), newest);
		if (newest > *after)
			*after = newest;
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

/*
 * store_timer.c - durable timers. A timer row is written with the decision
 * that made it; the flow claims it (pending -> fired) and applies its own
 * decision in the same transaction, so a timer fires exactly once whatever
 * crashes.
 */
#include <stdio.h>
#include <string.h>

#include "store_internal.h"

int
store_timers_due(store *s, int64_t now, store_timer *out, int max)
{
	static const char *const sql =
		"SELECT id, business_id, lead_id, due_at, kind, sequence, step, level,"
		" task_id, plan FROM timers WHERE state = 'pending' AND due_at <= ?1"
		" ORDER BY due_at, id LIMIT ?2";
	sqlite3_stmt *st = store_stmt(s, sql);
	int n = 0, rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max) {
		store_timer *t = &out[n];
		const unsigned char *seq = sqlite3_column_text(st, 5);

		memset(t, 0, sizeof *t);
		t->id = sqlite3_column_int64(st, 0);
		t->business_id = sqlite3_column_int64(st, 1);
		t->lead_id = sqlite3_column_int64(st, 2);
		t->due_at = sqlite3_column_int64(st, 3);
		if (store_timer_kind_parse((const char *)sqlite3_column_text(st, 4), &t->kind) < 0)
			continue;	/* written by a newer leadkeep: leave it alone */
		snprintf(t->sequence, sizeof t->sequence, "%s", seq ? (const char *)seq : "");
		t->step = sqlite3_column_int(st, 6);
		t->level = sqlite3_column_int(st, 7);
		t->task_id = sqlite3_column_int64(st, 8);
		t->plan = sqlite3_column_int64(st, 9);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

int
store_timer_claim(store *s, int64_t timer_id, int64_t now)
{
	static const char *const claim =
		"UPDATE timers SET state = 'fired', fired_at = ?1 WHERE id = ?2 AND state = 'pending'";
	sqlite3_stmt *st = store_stmt(s, claim);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, timer_id);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db) > 0;	/* 0: another process fired or cancelled it */
}

int64_t
store_timer_next_due(store *s)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT min(due_at) FROM timers WHERE state = 'pending'");
	int64_t due = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		due = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return due;
}

int
store_timer_set_error(store *s, int64_t timer_id)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE timers SET state = 'error' WHERE id = ?1");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, timer_id);
	return store_step_done(st);
}

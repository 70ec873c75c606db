/*
 * store_timer.c - durable timers. A timer row is written with the decision
 * that made it; the flow claims it (pending -> fired) and applies its own
 * decision in the same transaction, so a timer fires exactly once whatever
 * crashes. Every state change goes through the table in src/core/states.c.
 */
#include <stdio.h>
#include <string.h>

#include "store_due.h"
#include "store_internal.h"

int
store_timer_read_row(sqlite3_stmt *st, store_timer *t)
{
	const unsigned char *seq = sqlite3_column_text(st, 5);
	const unsigned char *step_id = sqlite3_column_text(st, 10);

	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, 0);
	t->business_id = sqlite3_column_int64(st, 1);
	t->lead_id = sqlite3_column_int64(st, 2);
	t->due_at = sqlite3_column_int64(st, 3);
	if (store_timer_kind_parse((const char *)sqlite3_column_text(st, 4), &t->kind) < 0)
		return -1;
	snprintf(t->sequence, sizeof t->sequence, "%s", seq ? (const char *)seq : "");
	t->step = sqlite3_column_int(st, 6);
	t->level = sqlite3_column_int(st, 7);
	t->task_id = sqlite3_column_int64(st, 8);
	t->plan = sqlite3_column_int64(st, 9);
	snprintf(t->step_id, sizeof t->step_id, "%s", step_id ? (const char *)step_id : "");
	t->appointment_id = sqlite3_column_int64(st, 11);
	return 0;
}

int
sqlite_timers_due(store *s, int64_t now, store_timer *out, int max)
{
	static const char *const sql =
		"SELECT id, business_id, lead_id, due_at, kind, sequence, step, level,"
		" task_id, plan, step_id, appointment_id FROM timers WHERE state = 'pending' AND due_at <= ?1"
		" ORDER BY due_at, id LIMIT ?2";
	sqlite3_stmt *st = store_stmt(s, sql);
	int n = 0, rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max) {
		if (store_timer_read_row(st, &out[n]) < 0)
			continue;	/* written by a newer leadkeep: leave it alone */
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

/* A loose index scan of timers_pending_by_business (store_due.h). */
int
sqlite_timers_due_businesses(store *s, int64_t now, int64_t *ids, int max)
{
	static const char *const sql = STORE_TIMERS_DUE_BUSINESSES_SQL("?1", "?2");

	return store_due_businesses(s, sql, now, ids, max);
}

int
sqlite_timers_due_for(store *s, int64_t business_id, int64_t now, store_timer *out, int max)
{
	static const char *const sql =
		"SELECT id, business_id, lead_id, due_at, kind, sequence, step, level,"
		" task_id, plan, step_id, appointment_id FROM timers"
		" INDEXED BY timers_pending_by_business WHERE business_id = ?3"
		" AND state = 'pending' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2";
	sqlite3_stmt *st = store_stmt(s, sql);
	int n = 0, rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	sqlite3_bind_int64(st, 3, business_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max) {
		if (store_timer_read_row(st, &out[n]) < 0)
			continue;	/* written by a newer leadkeep: leave it alone */
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

int
sqlite_lead_pending_step(store *s, int64_t lead_id, store_timer *out)
{
	static const char *const sql =
		"SELECT t.id, t.business_id, t.lead_id, t.due_at, t.kind, t.sequence, t.step,"
		" t.level, t.task_id, t.plan, t.step_id, t.appointment_id FROM timers t JOIN leads l ON l.id = t.lead_id"
		" WHERE t.lead_id = ?1 AND t.state = 'pending' AND t.kind = 'step'"
		" AND t.plan = l.plan ORDER BY t.due_at, t.id LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql);
	int rc, found = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, lead_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		found = store_timer_read_row(st, out) == 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

int
sqlite_timer_move(store *s, int64_t timer_id, timer_state from, timer_state to, int64_t now)
{
	static const char *const sql =
		"UPDATE timers SET state = ?1,"
		" fired_at = CASE WHEN ?1 = 'fired' THEN ?2 ELSE fired_at END"
		" WHERE id = ?3 AND state = ?4";
	sqlite3_stmt *st;
	int rc;

	if (!timer_state_allowed(from, to))
		store_illegal_edge("timer", timer_id, timer_state_name(from), timer_state_name(to));
	if ((st = store_stmt(s, sql)) == NULL)
		return -1;
	store_bind_text(st, 1, timer_state_name(to));
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, timer_id);
	store_bind_text(st, 4, timer_state_name(from));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	return sqlite3_changes(s->db) > 0;	/* 0: not in `from` (fired or cancelled elsewhere) */
}

int
sqlite_timer_claim(store *s, int64_t timer_id, int64_t now)
{
	return store_timer_move(s, timer_id, TIMER_PENDING, TIMER_FIRED, now);
}

int
store_timers_cancel(store *s, int64_t lead_id, timer_kind kind, int64_t task_id,
		    int64_t appointment_id)
{
	static const char *const all =
		"UPDATE timers SET state = ?3 WHERE lead_id = ?1 AND kind = ?2 AND state = ?4";
	static const char *const of_task =
		"UPDATE timers SET state = ?3 WHERE lead_id = ?1 AND kind = ?2 AND state = ?4"
		" AND task_id = ?5";
	static const char *const of_appt =
		"UPDATE timers SET state = ?3 WHERE lead_id = ?1 AND kind = ?2 AND state = ?4"
		" AND appointment_id = ?5";
	sqlite3_stmt *st;
	int rc;

	if (!timer_state_allowed(TIMER_PENDING, TIMER_CANCELLED))
		store_illegal_edge("timer", 0, timer_state_name(TIMER_PENDING),
				   timer_state_name(TIMER_CANCELLED));
	if ((st = store_stmt(s, task_id > 0 ? of_task : appointment_id > 0 ? of_appt : all)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, lead_id);
	store_bind_text(st, 2, store_timer_kind_name(kind));
	store_bind_text(st, 3, timer_state_name(TIMER_CANCELLED));
	store_bind_text(st, 4, timer_state_name(TIMER_PENDING));
	if (task_id > 0)
		sqlite3_bind_int64(st, 5, task_id);
	else if (appointment_id > 0)
		sqlite3_bind_int64(st, 5, appointment_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int64_t
sqlite_timer_next_due(store *s)
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
sqlite_timer_set_error(store *s, int64_t timer_id)
{
	return store_timer_move(s, timer_id, TIMER_PENDING, TIMER_ERROR, 0) < 0 ? -1 : 0;
}

/*
 * store_apply.c - applying a decision's actions to the tables, inside the
 * caller's transaction. Knows no policy: what to write was decided already.
 *
 * Actions apply in order. Timers are stamped with the lead's plan as it stands
 * when they are applied, which is the plan decide() meant (it bumps its own
 * copy the same way at every ACT_SET_SEQUENCE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

const char *
store_timer_kind_name(timer_kind k)
{
	switch (k) {
	case TIMER_STEP:	return "step";
	case TIMER_ESCALATE:	return "escalate";
	case TIMER_REACTIVATE:	return "reactivate";
	case TIMER_NURTURE:	return "nurture";
	}
	return "step";
}

int
store_timer_kind_parse(const char *name, timer_kind *out)
{
	static const timer_kind kinds[] = { TIMER_STEP, TIMER_ESCALATE, TIMER_REACTIVATE,
					    TIMER_NURTURE };

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (name && strcmp(name, store_timer_kind_name(kinds[i])) == 0) {
			*out = kinds[i];
			return 0;
		}
	}
	return -1;
}

const char *
store_purpose_name(outbox_purpose p)
{
	switch (p) {
	case PURPOSE_ACK:	 return "ack";
	case PURPOSE_FOLLOWUP:	 return "followup";
	case PURPOSE_NOTIFY:	 return "notify";
	case PURPOSE_COMPLIANCE: return "compliance";
	}
	return "followup";
}

/* Runs a one-shot statement; returns 0 or -1. */
static int
step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
set_text(store *s, int64_t lead_id, const char *sql, const char *v, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, v);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, lead_id);
	return step_done(st);
}

static int64_t
insert_task(store *s, int64_t bid, int64_t lead_id, const action *a, int64_t now)
{
	static const char *const sql =
		"INSERT INTO tasks (business_id, lead_id, verb, title, assignee, due_at, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, bid);
	sqlite3_bind_int64(st, 2, lead_id);
	store_bind_text(st, 3, a->verb);
	store_bind_text(st, 4, a->text);
	store_bind_text(st, 5, a->person);
	sqlite3_bind_int64(st, 6, a->at);
	sqlite3_bind_int64(st, 7, now);
	if (step_done(st) < 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

static int64_t
insert_timer(store *s, int64_t bid, int64_t lead_id, const action *a, int64_t task_id,
	     int64_t now)
{
	static const char *const sql =
		"INSERT INTO timers (business_id, lead_id, due_at, kind, sequence, step, level,"
		" task_id, plan, created_at)"
		" SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, plan, ?9 FROM leads WHERE id = ?2";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, bid);
	sqlite3_bind_int64(st, 2, lead_id);
	sqlite3_bind_int64(st, 3, a->at);
	store_bind_text(st, 4, store_timer_kind_name(a->timer));
	store_bind_text(st, 5, a->name);
	sqlite3_bind_int(st, 6, a->step);
	sqlite3_bind_int(st, 7, a->level);
	if (task_id > 0)
		sqlite3_bind_int64(st, 8, task_id);
	else
		sqlite3_bind_null(st, 8);
	sqlite3_bind_int64(st, 9, now);
	if (step_done(st) < 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

static int64_t
insert_outbox(store *s, int64_t bid, int64_t lead_id, const action *a, int64_t now)
{
	static const char *const sql =
		"INSERT INTO outbox (business_id, lead_id, person, channel, recipient, subject,"
		" body, purpose, send_at, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, bid);
	sqlite3_bind_int64(st, 2, lead_id);
	store_bind_text(st, 3, a->person);
	store_bind_text(st, 4, a->channel);
	store_bind_text(st, 5, a->to ? a->to : "");
	store_bind_text(st, 6, a->subject);
	store_bind_text(st, 7, a->text ? a->text : "");
	store_bind_text(st, 8, store_purpose_name(a->purpose));
	sqlite3_bind_int64(st, 9, a->at);
	sqlite3_bind_int64(st, 10, now);
	if (step_done(st) < 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

static int
apply_one(store *s, int64_t bid, int64_t lead_id, const action *a, const char *actor,
	  int64_t now, int64_t *task_ids, size_t ntask_ids, size_t *ntasks, int64_t *row)
{
	sqlite3_stmt *st;

	*row = 0;
	switch (a->kind) {
	case ACT_SET_OWNER:
		return set_text(s, lead_id, "UPDATE leads SET owner = ?1, updated_at = ?2"
				" WHERE id = ?3", a->person, now);
	case ACT_SET_STAGE:
		return set_text(s, lead_id, "UPDATE leads SET stage = ?1, updated_at = ?2"
				" WHERE id = ?3", a->name, now);
	case ACT_SET_STATUS:
		if ((st = store_stmt(s, "UPDATE leads SET status = ?1, lost_reason = ?2,"
				     " reactivate_at = ?3, updated_at = ?4 WHERE id = ?5")) == NULL)
			return -1;
		store_bind_text(st, 1, a->name);
		store_bind_text(st, 2, a->reason);
		sqlite3_bind_int64(st, 3, a->at);
		sqlite3_bind_int64(st, 4, now);
		sqlite3_bind_int64(st, 5, lead_id);
		return step_done(st);
	case ACT_SET_SEQUENCE:
		if ((st = store_stmt(s, "UPDATE leads SET sequence = ?1, sequence_started_at = ?2,"
				     " plan = plan + 1, updated_at = ?2 WHERE id = ?3")) == NULL)
			return -1;
		store_bind_text(st, 1, a->name);
		sqlite3_bind_int64(st, 2, a->at);
		sqlite3_bind_int64(st, 3, lead_id);
		return step_done(st);
	case ACT_SET_QUOTE:
		if ((st = store_stmt(s, "UPDATE leads SET quote_cents = ?1, updated_at = ?2"
				     " WHERE id = ?3")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, a->amount_cents);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, lead_id);
		return step_done(st);
	case ACT_SET_OPT_OUT:
		st = store_stmt(s, strcmp(a->channel, "sms") == 0 ?
				"UPDATE leads SET sms_opt_out = ?1, updated_at = ?2 WHERE id = ?3" :
				"UPDATE leads SET email_opt_out = ?1, updated_at = ?2 WHERE id = ?3");
		if (st == NULL)
			return -1;
		sqlite3_bind_int(st, 1, a->flag);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, lead_id);
		return step_done(st);
	case ACT_SET_FLAGS:
		if ((st = store_stmt(s, "UPDATE leads SET flags = flags | ?1, updated_at = ?2"
				     " WHERE id = ?3")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)a->flags);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, lead_id);
		return step_done(st);
	case ACT_MARK:
		if (strcmp(a->name, "inbound") == 0)
			st = store_stmt(s, "UPDATE leads SET last_inbound_at = ?1, updated_at = ?1"
					" WHERE id = ?2");
		else if (strcmp(a->name, "touch") == 0)
			st = store_stmt(s, "UPDATE leads SET last_touch_at = ?1, updated_at = ?1"
					" WHERE id = ?2");
		else
			st = store_stmt(s, "UPDATE leads SET last_task_done_at = ?1, updated_at = ?1"
					" WHERE id = ?2");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, a->at);
		sqlite3_bind_int64(st, 2, lead_id);
		return step_done(st);
	case ACT_EVENT:
		if ((st = store_stmt(s, "INSERT INTO events (business_id, lead_id, at, type, actor,"
				     " text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, bid);
		sqlite3_bind_int64(st, 2, lead_id);
		sqlite3_bind_int64(st, 3, a->at ? a->at : now);
		store_bind_text(st, 4, a->name);
		store_bind_text(st, 5, actor);
		store_bind_text(st, 6, a->text);
		if (step_done(st) < 0)
			return -1;
		*row = sqlite3_last_insert_rowid(s->db);
		return 0;
	case ACT_TASK_CREATE:
		if ((*row = insert_task(s, bid, lead_id, a, now)) < 0)
			return -1;
		if (*ntasks < ntask_ids)
			task_ids[*ntasks] = *row;
		(*ntasks)++;
		return 0;
	case ACT_TASK_CLOSE:
		if ((st = store_stmt(s, "UPDATE tasks SET state = ?1, outcome = ?2, closed_at = ?3"
				     " WHERE id = ?4 AND lead_id = ?5 AND state = 'open'")) == NULL)
			return -1;
		store_bind_text(st, 1, a->name);
		store_bind_text(st, 2, a->text);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, a->task_id);
		sqlite3_bind_int64(st, 5, lead_id);
		return step_done(st);
	case ACT_TIMER_SET: {
		int64_t task_id = a->task_id;

		if (a->task_ref >= 0 && (size_t)a->task_ref < ntask_ids)
			task_id = task_ids[a->task_ref];
		return (*row = insert_timer(s, bid, lead_id, a, task_id, now)) < 0 ? -1 : 0;
	}
	case ACT_TIMERS_CANCEL:
		if ((st = store_stmt(s, "UPDATE timers SET state = 'cancelled' WHERE lead_id = ?1"
				     " AND kind = ?2 AND state = 'pending'")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, lead_id);
		store_bind_text(st, 2, store_timer_kind_name(a->timer));
		return step_done(st);
	case ACT_OUTBOX:
		return (*row = insert_outbox(s, bid, lead_id, a, now)) < 0 ? -1 : 0;
	case ACT_RR_ADVANCE:
		if ((st = store_stmt(s, "INSERT INTO rr_counters (business_id, pool, value)"
				     " VALUES (?1, ?2, 1) ON CONFLICT(business_id, pool)"
				     " DO UPDATE SET value = value + 1")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, bid);
		store_bind_text(st, 2, a->name);
		return step_done(st);
	}
	return -1;
}

int
store_apply(store *s, int64_t business_id, int64_t lead_id, const decision *d,
	    const char *actor, int64_t now, int64_t *first_task, char *err, size_t errlen)
{
	int64_t task_ids[32];
	size_t ntasks = 0;

	if (first_task != NULL)
		*first_task = 0;
	s->injected = false;
	if (s->fail_applies > 0) {
		s->fail_applies--;
		s->injected = true;
		return store_fail(s, err, errlen, "applying a decision");
	}
	for (size_t i = 0; i < decision_count(d); i++) {
		const action *a = decision_get(d, i);
		int64_t row;

		if (apply_one(s, business_id, lead_id, a, actor, now, task_ids,
			      sizeof task_ids / sizeof task_ids[0], &ntasks, &row) < 0)
			return store_fail(s, err, errlen, "applying a decision");
		if (s->observer != NULL)
			s->observer(s->observer_ctx, lead_id, a, row, now);
		if (a->kind == ACT_TASK_CREATE && first_task != NULL && *first_task == 0)
			*first_task = row;
	}
	return 0;
}

/*
 * store_read.c - read-only queries handing plain rows to a visitor (see
 * store_read.h). Every loop tells the end of the rows from a failed step.
 */
#include <string.h>

#include "store_internal.h"
#include "store_read.h"

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Who gets the rows: one typed callback per kind of row. */
typedef struct {
	store_lead_visitor v;
	void (*token)(void *ctx, const store_token_row *r);
	void (*appointment)(void *ctx, const store_appointment_row *r);
	void *ctx;
} reader;

/* Steps st to the end, calling row(st, rd) for each row, and resets it.
 * Returns how many rows, or -1 when a step failed. */
static int
each_row(sqlite3_stmt *st, void (*row)(sqlite3_stmt *, const reader *), const reader *rd)
{
	int n = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row(st, rd);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

#define LEAD_COLS "id, name, phone, email, source, kind, service, message, neighbourhood," \
	" flags, stage, status, owner, sequence, created_at, updated_at, quote_cents," \
	" lost_reason, reactivate_at, sms_opt_out, email_opt_out, last_inbound_at," \
	" last_touch_at, external_id, custom, timezone, paused_at, paused_step, plan_skip"

static void
lead_row(sqlite3_stmt *st, const reader *rd)
{
	store_lead_row r = {
		.id = sqlite3_column_int64(st, 0), .name = col_text(st, 1),
		.phone = col_text(st, 2), .email = col_text(st, 3), .source = col_text(st, 4),
		.kind = col_text(st, 5), .service = col_text(st, 6), .message = col_text(st, 7),
		.neighbourhood = col_text(st, 8), .flags = (unsigned)sqlite3_column_int(st, 9),
		.stage = col_text(st, 10), .status = col_text(st, 11), .owner = col_text(st, 12),
		.sequence = col_text(st, 13), .created_at = sqlite3_column_int64(st, 14),
		.updated_at = sqlite3_column_int64(st, 15),
		.has_quote = sqlite3_column_type(st, 16) != SQLITE_NULL,
		.quote_cents = sqlite3_column_int64(st, 16), .lost_reason = col_text(st, 17),
		.reactivate_at = sqlite3_column_int64(st, 18),
		.sms_opt_out = sqlite3_column_int(st, 19) != 0,
		.email_opt_out = sqlite3_column_int(st, 20) != 0,
		.last_inbound_at = sqlite3_column_int64(st, 21),
		.last_touch_at = sqlite3_column_int64(st, 22), .external_id = col_text(st, 23),
		.custom = col_text(st, 24), .timezone = col_text(st, 25),
		.paused_at = sqlite3_column_int64(st, 26), .paused_step = col_text(st, 27),
		.plan_skip = col_text(st, 28),
	};

	rd->v.lead(rd->ctx, &r);
}

#define TASK_COLS "id, lead_id, verb, title, assignee, due_at, state, outcome, created_at, closed_at"

static void
task_row(sqlite3_stmt *st, const reader *rd)
{
	store_task_row r = {
		.id = sqlite3_column_int64(st, 0), .lead_id = sqlite3_column_int64(st, 1),
		.verb = col_text(st, 2), .title = col_text(st, 3), .assignee = col_text(st, 4),
		.due_at = sqlite3_column_int64(st, 5), .state = col_text(st, 6),
		.outcome = col_text(st, 7), .created_at = sqlite3_column_int64(st, 8),
		.closed_at = sqlite3_column_int64(st, 9),
	};

	rd->v.task(rd->ctx, &r);
}

static void
timer_row(sqlite3_stmt *st, const reader *rd)
{
	store_timer_row r = {
		.id = sqlite3_column_int64(st, 0), .due_at = sqlite3_column_int64(st, 1),
		.kind = col_text(st, 2), .sequence = col_text(st, 3),
		.has_step = sqlite3_column_type(st, 4) != SQLITE_NULL,
		.step = sqlite3_column_int(st, 4), .step_id = col_text(st, 5),
	};

	rd->v.timer(rd->ctx, &r);
}

static void
message_row(sqlite3_stmt *st, const reader *rd)
{
	store_message_row r = {
		.id = sqlite3_column_int64(st, 0), .channel = col_text(st, 1),
		.to = col_text(st, 2), .person = col_text(st, 3), .purpose = col_text(st, 4),
		.body = col_text(st, 5), .send_at = sqlite3_column_int64(st, 6),
		.state = col_text(st, 7),
	};

	rd->v.message(rd->ctx, &r);
}

static void
event_row(sqlite3_stmt *st, const reader *rd)
{
	store_event_row r = {
		.id = sqlite3_column_int64(st, 0), .at = sqlite3_column_int64(st, 1),
		.type = col_text(st, 2), .actor = col_text(st, 3), .text = col_text(st, 4),
	};

	rd->v.event(rd->ctx, &r);
}

/* One child list of lead id, when wanted: 0, or -1 on an error. */
static int
children(store *s, int64_t id, const char *sql, bool wanted,
	 void (*row)(sqlite3_stmt *, const reader *), const reader *rd)
{
	sqlite3_stmt *st;

	if (!wanted)
		return 0;
	if ((st = store_stmt(s, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return each_row(st, row, rd) < 0 ? -1 : 0;
}

int
sqlite_lead_read(store *s, int64_t business_id, int64_t id, const store_lead_visitor *v,
		void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " LEAD_COLS " FROM leads"
				      " WHERE id = ?1 AND business_id = ?2");
	reader rd = { .v = *v, .ctx = ctx };
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, business_id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	if (v->lead != NULL)
		lead_row(st, &rd);
	sqlite3_reset(st);
	if (children(s, id, "SELECT " TASK_COLS " FROM tasks WHERE lead_id = ?1 ORDER BY id",
		     v->task != NULL, task_row, &rd) < 0 ||
	    children(s, id, "SELECT id, due_at, kind, sequence, step, step_id FROM timers"
		     " WHERE lead_id = ?1 AND state = 'pending' ORDER BY due_at",
		     v->timer != NULL, timer_row, &rd) < 0 ||
	    children(s, id, "SELECT id, channel, recipient, person, purpose, body, send_at,"
		     " state FROM outbox WHERE lead_id = ?1 ORDER BY id",
		     v->message != NULL, message_row, &rd) < 0 ||
	    children(s, id, "SELECT id, at, type, actor, text FROM events"
		     " WHERE lead_id = ?1 ORDER BY id",
		     v->event != NULL, event_row, &rd) < 0)
		return -1;
	return 1;
}

int
sqlite_leads_read(store *s, int64_t business_id, const store_lead_filter *f,
		 void (*fn)(void *ctx, const store_lead_row *r), void *ctx)
{
	static const char *const sql =
		"SELECT " LEAD_COLS " FROM leads WHERE business_id = ?1"
		" AND (?2 IS NULL OR stage = ?2) AND (?3 IS NULL OR status = ?3)"
		" AND (?4 IS NULL OR owner = ?4) AND (?5 IS NULL OR source = ?5)"
		" AND (?6 IS NULL OR instr(lower(coalesce(name,'') || ' ' || coalesce(phone,'')"
		"   || ' ' || coalesce(email,'') || ' ' || coalesce(service,'')), lower(?6)) > 0)"
		" AND (?7 = 0 OR created_at >= ?7) AND (?8 = 0 OR created_at < ?8)"
		" AND (?9 = 0 OR id < ?9)"
		" ORDER BY id DESC LIMIT ?10";
	sqlite3_stmt *st = store_stmt(s, sql);
	reader rd = { .v.lead = fn, .ctx = ctx };

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, f->stage);
	store_bind_text(st, 3, f->status);
	store_bind_text(st, 4, f->owner);
	store_bind_text(st, 5, f->source);
	store_bind_text(st, 6, f->q);
	sqlite3_bind_int64(st, 7, f->created_from);
	sqlite3_bind_int64(st, 8, f->created_to);
	sqlite3_bind_int64(st, 9, f->after_id);
	sqlite3_bind_int(st, 10, f->limit > 0 ? f->limit : 50);
	return each_row(st, lead_row, &rd);
}

int
sqlite_tasks_read(store *s, int64_t business_id, const char *assignee, const char *state,
		 int limit, void (*fn)(void *ctx, const store_task_row *r), void *ctx)
{
	/* The open queue is read all day: it gets the partial index on open
	 * tasks (one person's queue in due order straight from the index). */
	static const char *const open_one =
		"SELECT " TASK_COLS " FROM tasks WHERE business_id = ?1 AND state = 'open'"
		" AND ?2 = 'open' AND assignee = ?3 ORDER BY due_at, id LIMIT ?4";
	static const char *const open_all =
		"SELECT " TASK_COLS " FROM tasks WHERE business_id = ?1 AND state = 'open'"
		" AND ?2 = 'open' AND ?3 IS NULL ORDER BY due_at, id LIMIT ?4";
	static const char *const closed =
		"SELECT " TASK_COLS " FROM tasks WHERE business_id = ?1 AND state = ?2"
		" AND (?3 IS NULL OR assignee = ?3) ORDER BY due_at DESC, id DESC LIMIT ?4";
	bool open = state == NULL || strcmp(state, "open") == 0;
	sqlite3_stmt *st = store_stmt(s, !open ? closed : assignee ? open_one : open_all);
	reader rd = { .v.task = fn, .ctx = ctx };

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, state ? state : "open");
	store_bind_text(st, 3, assignee);
	sqlite3_bind_int(st, 4, limit > 0 ? limit : 100);
	return each_row(st, task_row, &rd);
}

static void
token_row(sqlite3_stmt *st, const reader *rd)
{
	store_token_row r = {
		.id = sqlite3_column_int64(st, 0), .name = col_text(st, 1),
		.role = col_text(st, 2), .prefix = col_text(st, 3),
		.created_at = sqlite3_column_int64(st, 4),
		.revoked_at = sqlite3_column_int64(st, 5),
	};

	rd->token(rd->ctx, &r);
}

int
sqlite_tokens_read(store *s, int64_t business_id,
		  void (*fn)(void *ctx, const store_token_row *r), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id, name, role, prefix, created_at, revoked_at"
				      " FROM api_tokens WHERE business_id = ?1 ORDER BY id DESC");
	reader rd = { .token = fn, .ctx = ctx };

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	return each_row(st, token_row, &rd);
}

int64_t
sqlite_task_lead(store *s, int64_t business_id, int64_t task_id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT lead_id FROM tasks WHERE id = ?1"
				      " AND business_id = ?2");
	int64_t id = 0;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, task_id);
	sqlite3_bind_int64(st, 2, business_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		id = -1;
	sqlite3_reset(st);
	return id;
}

int64_t
sqlite_task_oldest_open(store *s, int64_t lead_id, const char *verb)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id FROM tasks WHERE lead_id = ?1 AND"
				      " state = 'open' AND (?2 IS NULL OR verb = ?2)"
				      " ORDER BY id LIMIT 1");
	int64_t id = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, lead_id);
	store_bind_text(st, 2, verb);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

static void
appointment_row(sqlite3_stmt *st, const reader *rd)
{
	store_appointment_row r = {
		.id = sqlite3_column_int64(st, 0), .lead_id = sqlite3_column_int64(st, 1),
		.kind = col_text(st, 2), .starts_at = sqlite3_column_int64(st, 3),
		.ends_at = sqlite3_column_int64(st, 4), .place = col_text(st, 5),
		.person = col_text(st, 6), .state = col_text(st, 7),
		.paused = sqlite3_column_int(st, 8) != 0, .lead_name = col_text(st, 9),
		.lead_phone = col_text(st, 10), .service = col_text(st, 11),
	};

	rd->appointment(rd->ctx, &r);
}

int
sqlite_appointments_read(store *s, int64_t business_id, const store_appointment_filter *f,
			 void (*fn)(void *ctx, const store_appointment_row *r), void *ctx)
{
	static const char *const sql =
		"SELECT a.id, a.lead_id, a.kind, a.starts_at, a.ends_at, a.place, a.person,"
		" a.state, a.paused, l.name, l.phone, l.service FROM appointments a"
		" JOIN leads l ON l.id = a.lead_id WHERE a.business_id = ?1"
		" AND (?2 IS NULL OR a.person = ?2) AND (?3 IS NULL OR a.state = ?3)"
		" AND (?4 = 0 OR a.lead_id = ?4) AND (?5 = 0 OR a.starts_at >= ?5)"
		" AND (?6 = 0 OR a.starts_at < ?6)"
		" AND (?8 = 0 OR a.state IN ('booked', 'confirmed', 'rescheduled'))"
		" ORDER BY a.starts_at, a.id LIMIT ?7";
	sqlite3_stmt *st = store_stmt(s, sql);
	reader rd = { .appointment = fn, .ctx = ctx };

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, f->person);
	store_bind_text(st, 3, f->state);
	sqlite3_bind_int64(st, 4, f->lead_id);
	sqlite3_bind_int64(st, 5, f->from);
	sqlite3_bind_int64(st, 6, f->to);
	sqlite3_bind_int(st, 7, f->limit > 0 ? f->limit : 200);
	sqlite3_bind_int(st, 8, f->ahead);
	return each_row(st, appointment_row, &rd);
}

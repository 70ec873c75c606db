/*
 * store_pg_read.c - the PostgreSQL engine's read-only queries handing plain
 * rows to a visitor (store_read.h): store_read.c's in PostgreSQL's words.
 * Each reads one result; a failed statement is -1, never a short answer.
 */
#include <stdlib.h>
#include <string.h>

#include "store_pg.h"

/* Column col of row, NULL when SQL NULL (store_read.h's empty). */
static const char *
str(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

#define I(c) pg_get_int(res, i, (c))
#define S(c) str(res, i, (c))

#define LEAD_COLS "id, name, phone, email, source, kind, service, message, neighbourhood," \
	" flags, stage, status, owner, sequence, created_at, updated_at, quote_cents," \
	" lost_reason, reactivate_at, sms_opt_out, email_opt_out, last_inbound_at," \
	" last_touch_at, external_id, custom, timezone, paused_at, paused_step, plan_skip"

static void
lead_rows(const PGresult *res, void (*fn)(void *ctx, const store_lead_row *r), void *ctx)
{
	for (int i = 0; i < PQntuples(res); i++) {
		store_lead_row r = {
			.id = I(0), .name = S(1), .phone = S(2), .email = S(3), .source = S(4),
			.kind = S(5), .service = S(6), .message = S(7), .neighbourhood = S(8),
			.flags = (unsigned)I(9), .stage = S(10), .status = S(11), .owner = S(12),
			.sequence = S(13), .created_at = I(14), .updated_at = I(15),
			.has_quote = !PQgetisnull(res, i, 16), .quote_cents = I(16),
			.lost_reason = S(17), .reactivate_at = I(18), .sms_opt_out = I(19) != 0,
			.email_opt_out = I(20) != 0, .last_inbound_at = I(21),
			.last_touch_at = I(22), .external_id = S(23), .custom = S(24),
			.timezone = S(25), .paused_at = I(26), .paused_step = S(27),
			.plan_skip = S(28),
		};

		fn(ctx, &r);
	}
}

#define TASK_COLS "id, lead_id, verb, title, assignee, due_at, state, outcome, created_at," \
	" closed_at"

static void
task_rows(const PGresult *res, void (*fn)(void *ctx, const store_task_row *r), void *ctx)
{
	for (int i = 0; i < PQntuples(res); i++) {
		store_task_row r = {
			.id = I(0), .lead_id = I(1), .verb = S(2), .title = S(3),
			.assignee = S(4), .due_at = I(5), .state = S(6), .outcome = S(7),
			.created_at = I(8), .closed_at = I(9),
		};

		fn(ctx, &r);
	}
}

static void
timer_rows(const PGresult *res, void (*fn)(void *ctx, const store_timer_row *r), void *ctx)
{
	for (int i = 0; i < PQntuples(res); i++) {
		store_timer_row r = {
			.id = I(0), .due_at = I(1), .kind = S(2), .sequence = S(3),
			.has_step = !PQgetisnull(res, i, 4), .step = (int)I(4), .step_id = S(5),
		};

		fn(ctx, &r);
	}
}

static void
message_rows(const PGresult *res, void (*fn)(void *ctx, const store_message_row *r),
	     void *ctx)
{
	for (int i = 0; i < PQntuples(res); i++) {
		store_message_row r = {
			.id = I(0), .channel = S(1), .to = S(2), .person = S(3),
			.purpose = S(4), .body = S(5), .send_at = I(6), .state = S(7),
		};

		fn(ctx, &r);
	}
}

static void
event_rows(const PGresult *res, void (*fn)(void *ctx, const store_event_row *r), void *ctx)
{
	for (int i = 0; i < PQntuples(res); i++) {
		store_event_row r = {
			.id = I(0), .at = I(1), .type = S(2), .actor = S(3), .text = S(4),
		};

		fn(ctx, &r);
	}
}

/* Runs sql with the one parameter id when wanted: the result, or NULL with
 * *failed set. */
static PGresult *
child(pg_store *p, const char *sql, int64_t id, bool wanted, bool *failed)
{
	pg_params pp = { 0 };
	PGresult *r;

	if (!wanted || *failed)
		return NULL;
	pg_int(&pp, id);
	if ((r = pg_run(p, sql, &pp)) == NULL)
		*failed = true;
	return r;
}

int
pg_lead_read(store *s, int64_t business_id, int64_t id, const store_lead_visitor *v,
	     void *ctx)
{
	pg_store *p = pg_of(s);
	pg_params pp = { 0 };
	PGresult *res, *r;
	bool failed = false;

	pg_int(&pp, id);
	pg_int(&pp, business_id);
	res = pg_run(p, "SELECT " LEAD_COLS " FROM leads WHERE id = $1 AND business_id = $2",
		     &pp);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	if (v->lead != NULL)
		lead_rows(res, v->lead, ctx);
	PQclear(res);
	if ((r = child(p, "SELECT " TASK_COLS " FROM tasks WHERE lead_id = $1 ORDER BY id", id,
		       v->task != NULL, &failed)) != NULL)
		task_rows(r, v->task, ctx);
	PQclear(r);
	if ((r = child(p, "SELECT id, due_at, kind, sequence, step, step_id FROM timers"
		       " WHERE lead_id = $1 AND state = 'pending' ORDER BY due_at", id,
		       v->timer != NULL, &failed)) != NULL)
		timer_rows(r, v->timer, ctx);
	PQclear(r);
	if ((r = child(p, "SELECT id, channel, recipient, person, purpose, body, send_at,"
		       " state FROM outbox WHERE lead_id = $1 ORDER BY id", id,
		       v->message != NULL, &failed)) != NULL)
		message_rows(r, v->message, ctx);
	PQclear(r);
	if ((r = child(p, "SELECT id, at, type, actor, text FROM events WHERE lead_id = $1"
		       " ORDER BY id", id, v->event != NULL, &failed)) != NULL)
		event_rows(r, v->event, ctx);
	PQclear(r);
	return failed ? -1 : 1;
}

/* The rows' count after fn saw each, or -1 when res is NULL; clears res. */
#define EMIT(res, rows, fn, ctx) do {					\
		int n_;							\
		if ((res) == NULL)					\
			return -1;					\
		rows((res), (fn), (ctx));				\
		n_ = PQntuples(res);					\
		PQclear(res);						\
		return n_;						\
	} while (0)

int
pg_leads_read(store *s, int64_t business_id, const store_lead_filter *f,
	      void (*fn)(void *ctx, const store_lead_row *r), void *ctx)
{
	static const char *const sql =
		"SELECT " LEAD_COLS " FROM leads WHERE business_id = $1"
		" AND ($2::text IS NULL OR stage = $2) AND ($3::text IS NULL OR status = $3)"
		" AND ($4::text IS NULL OR owner = $4) AND ($5::text IS NULL OR source = $5)"
		" AND ($6::text IS NULL OR strpos(lower(coalesce(name,'') || ' ' ||"
		"   coalesce(phone,'') || ' ' || coalesce(email,'') || ' ' ||"
		"   coalesce(service,'')), lower($6)) > 0)"
		" AND ($7::bigint = 0 OR created_at >= $7) AND ($8::bigint = 0 OR created_at < $8)"
		" AND ($9::bigint = 0 OR id < $9)"
		" ORDER BY id DESC LIMIT $10";
	pg_params pp = { 0 };
	PGresult *res;

	pg_int(&pp, business_id);
	pg_text(&pp, f->stage);
	pg_text(&pp, f->status);
	pg_text(&pp, f->owner);
	pg_text(&pp, f->source);
	pg_text(&pp, f->q);
	pg_int(&pp, f->created_from);
	pg_int(&pp, f->created_to);
	pg_int(&pp, f->after_id);
	pg_int(&pp, f->limit > 0 ? f->limit : 50);
	res = pg_run(pg_of(s), sql, &pp);
	EMIT(res, lead_rows, fn, ctx);
}

int
pg_tasks_read(store *s, int64_t business_id, const char *assignee, const char *state,
	      int limit, void (*fn)(void *ctx, const store_task_row *r), void *ctx)
{
	/* Open: due order (the partial index on open tasks); else latest first. */
	static const char *const open =
		"SELECT " TASK_COLS " FROM tasks WHERE business_id = $1 AND state = 'open'"
		" AND ($2::text IS NULL OR assignee = $2) ORDER BY due_at, id LIMIT $3";
	static const char *const closed =
		"SELECT " TASK_COLS " FROM tasks WHERE business_id = $1 AND state = $4"
		" AND ($2::text IS NULL OR assignee = $2) ORDER BY due_at DESC, id DESC LIMIT $3";
	bool is_open = state == NULL || strcmp(state, "open") == 0;
	pg_params pp = { 0 };
	PGresult *res;

	pg_int(&pp, business_id);
	pg_text(&pp, assignee);
	pg_int(&pp, limit > 0 ? limit : 100);
	if (!is_open)
		pg_text(&pp, state);
	res = pg_run(pg_of(s), is_open ? open : closed, &pp);
	EMIT(res, task_rows, fn, ctx);
}

static void
token_rows(const PGresult *res, void (*fn)(void *ctx, const store_token_row *r), void *ctx)
{
	for (int i = 0; i < PQntuples(res); i++) {
		store_token_row r = {
			.id = I(0), .name = S(1), .role = S(2), .prefix = S(3),
			.created_at = I(4), .revoked_at = I(5),
		};

		fn(ctx, &r);
	}
}

int
pg_tokens_read(store *s, int64_t business_id,
	       void (*fn)(void *ctx, const store_token_row *r), void *ctx)
{
	pg_params pp = { 0 };
	PGresult *res;

	pg_int(&pp, business_id);
	res = pg_run(pg_of(s), "SELECT id, name, role, prefix, created_at, revoked_at"
		     " FROM api_tokens WHERE business_id = $1 ORDER BY id DESC", &pp);
	EMIT(res, token_rows, fn, ctx);
}

static void
appointment_rows(const PGresult *res, void (*fn)(void *ctx, const store_appointment_row *r),
		 void *ctx)
{
	for (int i = 0; i < PQntuples(res); i++) {
		store_appointment_row r = {
			.id = I(0), .lead_id = I(1), .kind = S(2), .starts_at = I(3),
			.ends_at = I(4), .place = S(5), .person = S(6), .state = S(7),
			.paused = I(8) != 0, .lead_name = S(9), .lead_phone = S(10),
			.service = S(11),
		};

		fn(ctx, &r);
	}
}

int
pg_appointments_read(store *s, int64_t business_id, const store_appointment_filter *f,
		     void (*fn)(void *ctx, const store_appointment_row *r), void *ctx)
{
	static const char *const sql =
		"SELECT a.id, a.lead_id, a.kind, a.starts_at, a.ends_at, a.place, a.person,"
		" a.state, a.paused, l.name, l.phone, l.service FROM appointments a"
		" JOIN leads l ON l.id = a.lead_id WHERE a.business_id = $1"
		" AND ($2::text IS NULL OR a.person = $2) AND ($3::text IS NULL OR a.state = $3)"
		" AND ($4::bigint = 0 OR a.lead_id = $4) AND ($5::bigint = 0 OR a.starts_at >= $5)"
		" AND ($6::bigint = 0 OR a.starts_at < $6)"
		" AND ($8::bigint = 0 OR a.state IN ('booked', 'confirmed', 'rescheduled'))"
		" ORDER BY a.starts_at, a.id LIMIT $7";
	pg_params pp = { 0 };
	PGresult *res;

	pg_int(&pp, business_id);
	pg_text(&pp, f->person);
	pg_text(&pp, f->state);
	pg_int(&pp, f->lead_id);
	pg_int(&pp, f->from);
	pg_int(&pp, f->to);
	pg_int(&pp, f->limit > 0 ? f->limit : 200);
	pg_int(&pp, f->ahead);
	res = pg_run(pg_of(s), sql, &pp);
	EMIT(res, appointment_rows, fn, ctx);
}

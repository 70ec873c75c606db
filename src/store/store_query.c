/*
 * store_query.c - read-only queries returning JSON, shared by the CLI and the
 * HTTP API so both show the same thing. Times are ISO 8601 UTC strings.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

static json_t *
iso_time(int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0)
		return json_null();
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

static json_t *
col_json(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		return json_null();
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, i));
	default:
		return json_stringn((const char *)sqlite3_column_text(st, i),
				    (size_t)sqlite3_column_bytes(st, i));
	}
}

static json_t *
flags_json(unsigned flags)
{
	json_t *a = json_array();

	if (flags & LEAD_PHONE_INVALID)
		json_array_append_new(a, json_string("phone_invalid"));
	if (flags & LEAD_EMAIL_INVALID)
		json_array_append_new(a, json_string("email_invalid"));
	if (flags & LEAD_NO_CONTACT)
		json_array_append_new(a, json_string("no_contact"));
	return a;
}

#define LEAD_COLS "id, name, phone, email, source, kind, service, message, neighbourhood," \
	" flags, stage, status, owner, sequence, created_at, updated_at, quote_cents," \
	" lost_reason, reactivate_at, sms_opt_out, email_opt_out, last_inbound_at," \
	" last_touch_at, external_id"

static json_t *
lead_row(sqlite3_stmt *st)
{
	static const char *const text_cols[] = { "name", "phone", "email", "source", "kind",
						 "service", "message", "neighbourhood" };
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
	for (int i = 0; i < 8; i++)
		json_object_set_new(o, text_cols[i], col_json(st, i + 1));
	json_object_set_new(o, "flags", flags_json((unsigned)sqlite3_column_int(st, 9)));
	json_object_set_new(o, "stage", col_json(st, 10));
	json_object_set_new(o, "status", col_json(st, 11));
	json_object_set_new(o, "owner", col_json(st, 12));
	json_object_set_new(o, "sequence", col_json(st, 13));
	json_object_set_new(o, "created_at", iso_time(sqlite3_column_int64(st, 14)));
	json_object_set_new(o, "updated_at", iso_time(sqlite3_column_int64(st, 15)));
	json_object_set_new(o, "quote_cents", col_json(st, 16));
	json_object_set_new(o, "lost_reason", col_json(st, 17));
	json_object_set_new(o, "reactivate_at", iso_time(sqlite3_column_int64(st, 18)));
	json_object_set_new(o, "sms_opt_out", json_boolean(sqlite3_column_int(st, 19)));
	json_object_set_new(o, "email_opt_out", json_boolean(sqlite3_column_int(st, 20)));
	json_object_set_new(o, "last_inbound_at", iso_time(sqlite3_column_int64(st, 21)));
	json_object_set_new(o, "last_touch_at", iso_time(sqlite3_column_int64(st, 22)));
	json_object_set_new(o, "external_id", col_json(st, 23));
	return o;
}

static json_t *
task_row(sqlite3_stmt *st)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
	json_object_set_new(o, "lead_id", json_integer(sqlite3_column_int64(st, 1)));
	json_object_set_new(o, "verb", col_json(st, 2));
	json_object_set_new(o, "title", col_json(st, 3));
	json_object_set_new(o, "assignee", col_json(st, 4));
	json_object_set_new(o, "due_at", iso_time(sqlite3_column_int64(st, 5)));
	json_object_set_new(o, "state", col_json(st, 6));
	json_object_set_new(o, "outcome", col_json(st, 7));
	json_object_set_new(o, "created_at", iso_time(sqlite3_column_int64(st, 8)));
	json_object_set_new(o, "closed_at", iso_time(sqlite3_column_int64(st, 9)));
	return o;
}

#define TASK_COLS "id, lead_id, verb, title, assignee, due_at, state, outcome, created_at, closed_at"

static json_t *
lead_children(store *s, int64_t id, const char *sql, json_t *(*row)(sqlite3_stmt *))
{
	sqlite3_stmt *st = store_stmt(s, sql);
	json_t *a = json_array();

	if (st == NULL)
		return a;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, row(st));
	sqlite3_reset(st);
	return a;
}

static json_t *
event_row(sqlite3_stmt *st)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
	json_object_set_new(o, "at", iso_time(sqlite3_column_int64(st, 1)));
	json_object_set_new(o, "type", col_json(st, 2));
	json_object_set_new(o, "actor", col_json(st, 3));
	json_object_set_new(o, "text", col_json(st, 4));
	return o;
}

static json_t *
timer_row(sqlite3_stmt *st)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
	json_object_set_new(o, "due_at", iso_time(sqlite3_column_int64(st, 1)));
	json_object_set_new(o, "kind", col_json(st, 2));
	json_object_set_new(o, "sequence", col_json(st, 3));
	json_object_set_new(o, "step", col_json(st, 4));
	return o;
}

static json_t *
outbox_row(sqlite3_stmt *st)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
	json_object_set_new(o, "channel", col_json(st, 1));
	json_object_set_new(o, "to", col_json(st, 2));
	json_object_set_new(o, "person", col_json(st, 3));
	json_object_set_new(o, "purpose", col_json(st, 4));
	json_object_set_new(o, "body", col_json(st, 5));
	json_object_set_new(o, "send_at", iso_time(sqlite3_column_int64(st, 6)));
	json_object_set_new(o, "state", col_json(st, 7));
	return o;
}

json_t *
store_lead_json(store *s, int64_t business_id, int64_t id, bool with_timeline)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " LEAD_COLS " FROM leads"
				      " WHERE id = ?1 AND business_id = ?2");
	json_t *o;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, business_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return NULL;
	}
	o = lead_row(st);
	sqlite3_reset(st);
	json_object_set_new(o, "tasks", lead_children(s, id, "SELECT " TASK_COLS " FROM tasks"
						       " WHERE lead_id = ?1 ORDER BY id", task_row));
	json_object_set_new(o, "timers", lead_children(s, id, "SELECT id, due_at, kind, sequence,"
							" step FROM timers WHERE lead_id = ?1 AND"
							" state = 'pending' ORDER BY due_at",
							timer_row));
	json_object_set_new(o, "messages", lead_children(s, id, "SELECT id, channel, recipient,"
							  " person, purpose, body, send_at, state"
							  " FROM outbox WHERE lead_id = ?1"
							  " ORDER BY id", outbox_row));
	if (with_timeline)
		json_object_set_new(o, "timeline", lead_children(s, id, "SELECT id, at, type,"
								  " actor, text FROM events"
								  " WHERE lead_id = ?1 ORDER BY id",
								  event_row));
	return o;
}

json_t *
store_leads_json(store *s, int64_t business_id, const store_lead_filter *f)
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
	json_t *a;

	if (st == NULL)
		return NULL;
	a = json_array();
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
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, lead_row(st));
	sqlite3_reset(st);
	return a;
}

json_t *
store_tasks_json(store *s, int64_t business_id, const char *assignee, const char *state,
		 int limit)
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
	json_t *a;

	if (st == NULL)
		return NULL;
	a = json_array();
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, state ? state : "open");
	store_bind_text(st, 3, assignee);
	sqlite3_bind_int(st, 4, limit > 0 ? limit : 100);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, task_row(st));
	sqlite3_reset(st);
	return a;
}

int64_t
store_task_lead(store *s, int64_t business_id, int64_t task_id)
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
store_task_oldest_open(store *s, int64_t lead_id, const char *verb)
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

/*
 * store_web.c - the web app's own reads (see store_web.h).
 */
#include <stdio.h>

#include "store_internal.h"
#include "store_web.h"

#define QUEUE_COLS "t.id, t.lead_id, t.verb, t.title, t.assignee, t.due_at, t.created_at," \
	" l.name, l.phone, l.email, l.source, l.kind, l.service, l.stage, l.owner, l.flags," \
	" l.sms_opt_out, l.email_opt_out, e.type, e.text, e.at"
/* the newest event of the lead: one probe of events_by_lead */
#define QUEUE_FROM " FROM tasks t JOIN leads l ON l.id = t.lead_id" \
	" LEFT JOIN events e ON e.id = (SELECT max(id) FROM events WHERE lead_id = t.lead_id)"

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int
store_queue_read(store *s, int64_t business_id, const char *assignee, int limit,
		 void (*fn)(void *ctx, const store_queue_row *r), void *ctx)
{
	static const char *const one =
		"SELECT " QUEUE_COLS QUEUE_FROM " WHERE t.business_id = ?1 AND t.state = 'open'"
		" AND t.assignee = ?2 ORDER BY t.due_at, t.id LIMIT ?3";
	static const char *const all =
		"SELECT " QUEUE_COLS QUEUE_FROM " WHERE t.business_id = ?1 AND t.state = 'open'"
		" AND ?2 IS NULL ORDER BY t.due_at, t.id LIMIT ?3";
	sqlite3_stmt *st = store_stmt(s, assignee ? one : all);
	int n = 0, rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, assignee);
	sqlite3_bind_int(st, 3, limit > 0 ? limit : 100);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_queue_row r = {
			.task_id = sqlite3_column_int64(st, 0), .lead_id = sqlite3_column_int64(st, 1),
			.verb = col(st, 2), .title = col(st, 3), .assignee = col(st, 4),
			.due_at = sqlite3_column_int64(st, 5), .created_at = sqlite3_column_int64(st, 6),
			.name = col(st, 7), .phone = col(st, 8), .email = col(st, 9),
			.source = col(st, 10), .kind = col(st, 11), .service = col(st, 12),
			.stage = col(st, 13), .owner = col(st, 14),
			.flags = (unsigned)sqlite3_column_int(st, 15),
			.sms_opt_out = sqlite3_column_int(st, 16) != 0,
			.email_opt_out = sqlite3_column_int(st, 17) != 0,
			.last_type = col(st, 18), .last_text = col(st, 19),
			.last_at = sqlite3_column_int64(st, 20),
		};

		fn(ctx, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
store_lead_worked_by(store *s, int64_t business_id, int64_t lead_id, const char *person)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT 1 FROM leads l WHERE l.id = ?1"
				      " AND l.business_id = ?2 AND (l.owner = ?3 OR EXISTS"
				      " (SELECT 1 FROM tasks t WHERE t.lead_id = l.id"
				      "  AND t.state = 'open' AND t.assignee = ?3))");
	int rc;

	if (person == NULL || *person == '\0')
		return 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, lead_id);
	sqlite3_bind_int64(st, 2, business_id);
	store_bind_text(st, 3, person);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_task_brief(store *s, int64_t business_id, int64_t task_id, int64_t *lead_id, char *verb,
		 size_t len)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT lead_id, verb FROM tasks WHERE id = ?1"
				      " AND business_id = ?2");
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, task_id);
	sqlite3_bind_int64(st, 2, business_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*lead_id = sqlite3_column_int64(st, 0);
		snprintf(verb, len, "%s", col(st, 1) ? col(st, 1) : "");
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

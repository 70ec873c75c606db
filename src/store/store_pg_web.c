/*
 * store_pg_web.c - the PostgreSQL engine's reads for the staff web app
 * (store_web.h): the queue, task briefs, who works a lead, the pipeline,
 * the team's numbers, first timeline entries of a type, leads nobody
 * attends to, and search. store_user_sqlite.c's and store_web_sqlite.c's
 * statements in PostgreSQL's words, with the same rows in the same order:
 *
 * - SQLite sorts NULL first, PostgreSQL last: orders on a column that may
 *   be NULL say NULLS FIRST; text is ordered by bytes (COLLATE "C"), as
 *   SQLite's BINARY, whatever the database's locale.
 * - Search: SQLite's LIKE is case-insensitive for ASCII letters only;
 *   ILIKE under COLLATE "C" is exactly that (the database's locale would
 *   also fold other letters). No full-text index on either engine: a scan
 *   of the business's leads, as store_web.h says.
 * - "New" (nobody has acted): engine_human_event_types, the engine's list,
 *   goes as one parameter, the types joined by commas (PG_HUMAN).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "store_pg.h"
#include "store_user_backend.h"

/* SQL: lead l has no timeline entry of a type in the comma-separated list
 * parameter $n (human_types()). */
#define PG_IS_NEW(n) "NOT EXISTS (SELECT 1 FROM events h WHERE h.lead_id = l.id" \
	" AND h.type = ANY (string_to_array($" #n "::text, ',')))"

#define PG_HUMAN_LEN 512

/* Appends engine_human_event_types, joined by commas, to pp; its text in
 * buf[len]. */
static void
human_types(pg_params *pp, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; engine_human_event_types[i] != NULL; i++) {
		const char *t = engine_human_event_types[i];
		int n = snprintf(buf + at, len - at, "%s%s", i ? "," : "", t);

		if (strchr(t, ',') != NULL || n < 0 || (size_t)n >= len - at) {
			fprintf(stderr, "leadkeep: bug: a human event type with a comma, or more "
				"than PG_HUMAN_LEN holds\n");
			abort();
		}
		at += (size_t)n;
	}
	pg_text(pp, buf);
}

/* Column c of row as a string, NULL when SQL NULL (borrowed from r). */
static const char *
str(const PGresult *r, int row, int c)
{
	return PQgetisnull(r, row, c) ? NULL : PQgetvalue(r, row, c);
}

/* --- the queue -------------------------------------------------------------------- */

#define QUEUE_COLS "t.id, t.lead_id, t.verb, t.title, t.assignee, t.due_at, t.created_at," \
	" l.name, l.phone, l.email, l.source, l.kind, l.service, l.stage, l.owner, l.flags," \
	" l.sms_opt_out, l.email_opt_out, e.type, e.text, e.at, " PG_IS_NEW(1) ", ack.body"
/* the newest event of the lead: one probe of events_by_lead; the first
 * message of the lead, when it is the acknowledgment to the lead (intake
 * queues it first): one probe of outbox_by_lead and one row */
#define QUEUE_FROM " FROM tasks t JOIN leads l ON l.id = t.lead_id" \
	" LEFT JOIN events e ON e.id = (SELECT max(id) FROM events WHERE lead_id = t.lead_id)" \
	" LEFT JOIN outbox ack ON ack.id = (SELECT min(id) FROM outbox WHERE lead_id = t.lead_id)" \
	"  AND ack.purpose = 'ack' AND ack.person IS NULL"

/* Hands each row of r (QUEUE_COLS) to fn and clears r. How many, or -1. */
static int
queue_rows(PGresult *r, void (*fn)(void *ctx, const store_queue_row *r), void *ctx)
{
	int n;

	if (r == NULL)
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		store_queue_row q = {
			.task_id = pg_get_int(r, i, 0), .lead_id = pg_get_int(r, i, 1),
			.verb = str(r, i, 2), .title = str(r, i, 3), .assignee = str(r, i, 4),
			.due_at = pg_get_int(r, i, 5), .created_at = pg_get_int(r, i, 6),
			.name = str(r, i, 7), .phone = str(r, i, 8), .email = str(r, i, 9),
			.source = str(r, i, 10), .kind = str(r, i, 11), .service = str(r, i, 12),
			.stage = str(r, i, 13), .owner = str(r, i, 14),
			.flags = (unsigned)pg_get_int(r, i, 15),
			.sms_opt_out = pg_get_int(r, i, 16) != 0,
			.email_opt_out = pg_get_int(r, i, 17) != 0,
			.last_type = str(r, i, 18), .last_text = str(r, i, 19),
			.last_at = pg_get_int(r, i, 20),
			.is_new = strcmp(PQgetvalue(r, i, 21), "t") == 0,
			.promise = str(r, i, 22),
		};

		fn(ctx, &q);
	}
	PQclear(r);
	return n;
}

int
pg_queue_read(store *s, int64_t business_id, const char *assignee, int limit,
	      void (*fn)(void *ctx, const store_queue_row *r), void *ctx)
{
	/* Two statements, so each has a plain condition on the assignee for
	 * tasks_open_by_assignee. */
	static const char *const one =
		"SELECT " QUEUE_COLS QUEUE_FROM " WHERE t.business_id = $2 AND t.state = 'open'"
		" AND t.assignee = $4 ORDER BY t.due_at, t.id LIMIT $3";
	static const char *const all =
		"SELECT " QUEUE_COLS QUEUE_FROM " WHERE t.business_id = $2 AND t.state = 'open'"
		" ORDER BY t.due_at, t.id LIMIT $3";
	pg_params pp = { 0 };
	char human[PG_HUMAN_LEN];

	human_types(&pp, human, sizeof human);
	pg_int(&pp, business_id);
	pg_int(&pp, limit > 0 ? limit : 100);
	if (assignee != NULL)
		pg_text(&pp, assignee);
	return queue_rows(pg_run(pg_of(s), assignee ? one : all, &pp), fn, ctx);
}

/* Open tasks of assignee (NULL = everyone's) after (after_due, after_id) in
 * the queue's order and due no later than until, at most limit: each to fn.
 * How many, or -1. */
static int
queue_after(store *s, int64_t business_id, const char *assignee, int64_t after_due,
	    int64_t after_id, int64_t until, int limit,
	    void (*fn)(void *ctx, const store_queue_row *r), void *ctx)
{
	static const char *const one =
		"SELECT " QUEUE_COLS QUEUE_FROM " WHERE t.business_id = $2 AND t.state = 'open'"
		" AND (t.due_at > $3 OR (t.due_at = $3 AND t.id > $4))"
		" AND t.due_at <= $5 AND t.assignee = $7 ORDER BY t.due_at, t.id LIMIT $6";
	static const char *const all =
		"SELECT " QUEUE_COLS QUEUE_FROM " WHERE t.business_id = $2 AND t.state = 'open'"
		" AND (t.due_at > $3 OR (t.due_at = $3 AND t.id > $4))"
		" AND t.due_at <= $5 ORDER BY t.due_at, t.id LIMIT $6";
	pg_params pp = { 0 };
	char human[PG_HUMAN_LEN];

	human_types(&pp, human, sizeof human);
	pg_int(&pp, business_id);
	pg_int(&pp, after_due);
	pg_int(&pp, after_id);
	pg_int(&pp, until);
	pg_int(&pp, limit);
	if (assignee != NULL)
		pg_text(&pp, assignee);
	return queue_rows(pg_run(pg_of(s), assignee ? one : all, &pp), fn, ctx);
}

int
pg_queue_next(store *s, int64_t business_id, const char *assignee, int64_t after_due,
	      int64_t after_id, int64_t until, void (*fn)(void *ctx, const store_queue_row *r),
	      void *ctx)
{
	return queue_after(s, business_id, assignee, after_due, after_id, until, 1, fn, ctx);
}

int
pg_queue_page(store *s, int64_t business_id, const char *assignee, int64_t after_due,
	      int64_t after_id, int limit, void (*fn)(void *ctx, const store_queue_row *r),
	      void *ctx)
{
	return queue_after(s, business_id, assignee, after_due, after_id, INT64_MAX,
			   limit > 0 ? limit : 100, fn, ctx);
}

int
pg_lead_worked_by(store *s, int64_t business_id, int64_t lead_id, const char *person)
{
	pg_params pp = { 0 };
	PGresult *r;
	int found;

	if (person == NULL || *person == '\0')
		return 0;
	pg_int(&pp, lead_id);
	pg_int(&pp, business_id);
	pg_text(&pp, person);
	if ((r = pg_run(pg_of(s), "SELECT 1 FROM leads l WHERE l.id = $1 AND l.business_id = $2"
			" AND (l.owner = $3 OR EXISTS (SELECT 1 FROM tasks t"
			"  WHERE t.lead_id = l.id AND t.state = 'open' AND t.assignee = $3))",
			&pp)) == NULL)
		return -1;
	found = PQntuples(r) > 0;
	PQclear(r);
	return found;
}

int
pg_task_brief(store *s, int64_t business_id, int64_t task_id, int64_t *lead_id, char *verb,
	      size_t len)
{
	pg_params pp = { 0 };
	PGresult *r;
	int found;

	pg_int(&pp, task_id);
	pg_int(&pp, business_id);
	if ((r = pg_run(pg_of(s), "SELECT lead_id, verb FROM tasks WHERE id = $1"
			" AND business_id = $2", &pp)) == NULL)
		return -1;
	if ((found = PQntuples(r) > 0)) {
		*lead_id = pg_get_int(r, 0, 0);
		snprintf(verb, len, "%s", PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	return found;
}

/* --- lists of leads ----------------------------------------------------------------- */

/* The columns of a store_lead_brief, in order; lead l; the human types are
 * $1. */
#define BRIEF_COLS "l.id, l.name, l.phone, l.email, l.source, l.kind, l.stage, l.status," \
	" l.owner, l.sequence, l.quote_cents, l.created_at," \
	" (SELECT e.at FROM events e WHERE e.id = (SELECT max(id) FROM events WHERE lead_id = l.id))," \
	" (SELECT count(*) FROM tasks t WHERE t.lead_id = l.id AND t.state = 'open'), " \
	PG_IS_NEW(1)

/* Lead l is one person $n works (owns, or holds an open task on); NULL:
 * any. */
#define PG_VISIBLE(n) " ($" #n "::text IS NULL OR l.owner = $" #n " OR EXISTS (SELECT 1" \
	" FROM tasks v WHERE v.lead_id = l.id AND v.state = 'open' AND v.assignee = $" #n "))"

/* Hands each row of r (BRIEF_COLS) to fn and clears r. How many, or -1. */
static int
briefs(PGresult *r, void (*fn)(void *ctx, const store_lead_brief *r), void *ctx)
{
	int n;

	if (r == NULL)
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		store_lead_brief b = {
			.id = pg_get_int(r, i, 0), .name = str(r, i, 1), .phone = str(r, i, 2),
			.email = str(r, i, 3), .source = str(r, i, 4), .kind = str(r, i, 5),
			.stage = str(r, i, 6), .status = str(r, i, 7), .owner = str(r, i, 8),
			.sequence = str(r, i, 9),
			.has_quote = !PQgetisnull(r, i, 10),
			.quote_cents = pg_get_int(r, i, 10),
			.created_at = pg_get_int(r, i, 11),
			.last_at = pg_get_int(r, i, 12),
			.open_tasks = (int)pg_get_int(r, i, 13),
			.is_new = strcmp(PQgetvalue(r, i, 14), "t") == 0,
		};

		fn(ctx, &b);
	}
	PQclear(r);
	return n;
}

int
pg_pipeline_read(store *s, int64_t business_id, const store_pipeline_filter *f,
		 void (*fn)(void *ctx, const store_lead_brief *r), void *ctx)
{
	/* the longest idle first: a lead without a timeline entry before all */
	static const char *const sql =
		"SELECT " BRIEF_COLS " FROM leads l WHERE l.business_id = $2"
		" AND l.status <> 'archived' AND ($3::text IS NULL OR l.owner = $3)"
		" AND ($4::text IS NULL OR l.source = $4) AND ($5::text IS NULL OR l.kind = $5)"
		" AND" PG_VISIBLE(7) " ORDER BY 13 NULLS FIRST, l.id LIMIT $6";
	pg_params pp = { 0 };
	char human[PG_HUMAN_LEN];

	human_types(&pp, human, sizeof human);
	pg_int(&pp, business_id);
	pg_text(&pp, f->owner);
	pg_text(&pp, f->source);
	pg_text(&pp, f->kind);
	pg_int(&pp, f->limit > 0 ? f->limit : STORE_PIPELINE_MAX);
	pg_text(&pp, f->person);
	return briefs(pg_run(pg_of(s), sql, &pp), fn, ctx);
}

int
pg_team_read(store *s, int64_t business_id, int64_t now, int64_t day_start, int64_t day_end,
	     void (*fn)(void *ctx, const store_team_row *r), void *ctx)
{
	/* tasks nobody is assigned (NULL) first, then by name's bytes */
	static const char *const sql =
		"SELECT assignee, count(*) FILTER (WHERE state = 'open'),"
		" count(*) FILTER (WHERE state = 'open' AND due_at >= $2 AND due_at < $4),"
		" count(*) FILTER (WHERE state = 'open' AND due_at < $2),"
		" count(*) FILTER (WHERE state = 'done' AND closed_at >= $3 AND closed_at < $4)"
		" FROM tasks WHERE business_id = $1 AND (state = 'open' OR"
		" (state = 'done' AND closed_at >= $3 AND closed_at < $4))"
		" GROUP BY assignee ORDER BY assignee COLLATE \"C\" NULLS FIRST";
	pg_params pp = { 0 };
	PGresult *r;
	int n;

	pg_int(&pp, business_id);
	pg_int(&pp, now);
	pg_int(&pp, day_start);
	pg_int(&pp, day_end);
	if ((r = pg_run(pg_of(s), sql, &pp)) == NULL)
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		store_team_row t = {
			.person = str(r, i, 0), .open = (int)pg_get_int(r, i, 1),
			.due_today = (int)pg_get_int(r, i, 2), .overdue = (int)pg_get_int(r, i, 3),
			.done_today = (int)pg_get_int(r, i, 4),
		};

		fn(ctx, &t);
	}
	PQclear(r);
	return n;
}

int
pg_first_event_read(store *s, int64_t business_id, int64_t from, int64_t to, const char *type,
		    void (*fn)(void *ctx, const char *owner, int64_t created_at, int64_t first_at),
		    void *ctx)
{
	pg_params pp = { 0 };
	PGresult *r;
	int n;

	pg_int(&pp, business_id);
	pg_int(&pp, from);
	pg_int(&pp, to);
	pg_text(&pp, type);
	if ((r = pg_run(pg_of(s), "SELECT l.owner, l.created_at, (SELECT min(e.at) FROM events e"
			" WHERE e.lead_id = l.id AND e.type = $4) FROM leads l"
			" WHERE l.business_id = $1 AND l.created_at >= $2 AND l.created_at < $3"
			" ORDER BY l.id", &pp)) == NULL)
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n; i++)
		fn(ctx, str(r, i, 0), pg_get_int(r, i, 1), pg_get_int(r, i, 2));
	PQclear(r);
	return n;
}

/* Open leads of business $n without an owner or without a next action. */
#define PG_UNATTENDED(n) " WHERE l.business_id = $" #n " AND l.status = 'open'" \
	" AND (l.owner IS NULL OR ((l.sequence IS NULL OR l.paused_at > 0) AND NOT EXISTS" \
	" (SELECT 1 FROM tasks t WHERE t.lead_id = l.id AND t.state = 'open')))"

int
pg_unattended_read(store *s, int64_t business_id, int limit,
		   void (*fn)(void *ctx, const store_lead_brief *r), void *ctx)
{
	pg_store *p = pg_of(s);
	pg_params cp = { 0 }, pp = { 0 };
	char human[PG_HUMAN_LEN];
	PGresult *r;
	int total;

	pg_int(&cp, business_id);
	if ((r = pg_run(p, "SELECT count(*) FROM leads l" PG_UNATTENDED(1), &cp)) == NULL)
		return -1;
	total = (int)pg_get_int(r, 0, 0);
	PQclear(r);
	if (total == 0)
		return 0;
	human_types(&pp, human, sizeof human);
	pg_int(&pp, business_id);
	pg_int(&pp, limit > 0 ? limit : 200);
	if (briefs(pg_run(p, "SELECT " BRIEF_COLS " FROM leads l" PG_UNATTENDED(2)
			  " ORDER BY l.created_at, l.id LIMIT $3", &pp), fn, ctx) < 0)
		return -1;
	return total;
}

/* "%text%" for LIKE ... ESCAPE '\', with % _ and \ in text taken literally.
 * Caller frees; NULL when out of memory. */
static char *
like_pattern(const char *text)
{
	size_t n = strlen(text);
	char *p = malloc(2 * n + 3), *o = p;

	if (p == NULL)
		return NULL;
	*o++ = '%';
	for (; *text; text++) {
		if (*text == '%' || *text == '_' || *text == '\\')
			*o++ = '\\';
		*o++ = *text;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

int
pg_search_read(store *s, int64_t business_id, const char *q, const char *digits,
	       const char *person, int limit,
	       void (*fn)(void *ctx, const store_lead_brief *r), void *ctx)
{
	static const char *const sql =
		"SELECT " BRIEF_COLS " FROM leads l WHERE l.business_id = $2"
		" AND (l.name COLLATE \"C\" ILIKE $3 ESCAPE '\\'"
		" OR l.email COLLATE \"C\" ILIKE $3 ESCAPE '\\'"
		" OR ($4::text IS NOT NULL AND l.phone LIKE $4 ESCAPE '\\'))"
		" AND" PG_VISIBLE(6) " ORDER BY l.id DESC LIMIT $5";
	char *text = like_pattern(q ? q : ""), *num = NULL;
	pg_params pp = { 0 };
	char human[PG_HUMAN_LEN];
	int rc = -1;

	if (text == NULL)
		goto out;
	if (digits != NULL && strlen(digits) >= 3 && (num = like_pattern(digits)) == NULL)
		goto out;
	human_types(&pp, human, sizeof human);
	pg_int(&pp, business_id);
	pg_text(&pp, text);
	pg_text(&pp, num);
	pg_int(&pp, limit > 0 ? limit : 50);
	pg_text(&pp, person);
	rc = briefs(pg_run(pg_of(s), sql, &pp), fn, ctx);
out:
	free(text);
	free(num);
	return rc;
}

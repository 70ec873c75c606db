/*
 * store_web_sqlite.c - the SQLite engine's lists for the staff web app
 * (store_web.h): the pipeline, the team's task numbers, first timeline
 * entries of a type, leads nobody attends to, and search. Reads only;
 * prepared statements only. Which timeline types mean "a person acted" is
 * the engine's list (engine_human_event_types), bound as parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "store_internal.h"
#include "store_user_backend.h"

#define HUMAN_SLOTS 16	/* ?40 .. ?55 in STORE_IS_NEW_SQL */

void
store_bind_human_types(sqlite3_stmt *st)
{
	size_t i;

	for (i = 0; engine_human_event_types[i] != NULL; i++) {
		if (i == HUMAN_SLOTS) {
			fprintf(stderr, "leadkeep: bug: more human event types than STORE_IS_NEW_SQL "
				"has parameters\n");
			abort();
		}
		store_bind_text(st, 40 + (int)i, engine_human_event_types[i]);
	}
}

/* The columns of a store_lead_brief, in order; lead l. */
#define BRIEF_COLS "l.id, l.name, l.phone, l.email, l.source, l.kind, l.stage, l.status," \
	" l.owner, l.sequence, l.quote_cents, l.created_at," \
	" (SELECT e.at FROM events e WHERE e.id = (SELECT max(id) FROM events WHERE lead_id = l.id))," \
	" (SELECT count(*) FROM tasks t WHERE t.lead_id = l.id AND t.state = 'open'), " \
	STORE_IS_NEW_SQL

/* Lead l is one person ?9 works (owns, or holds an open task on); ?9 NULL: any. */
#define VISIBLE_SQL " (?9 IS NULL OR l.owner = ?9 OR EXISTS (SELECT 1 FROM tasks v" \
	" WHERE v.lead_id = l.id AND v.state = 'open' AND v.assignee = ?9))"

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Steps st, handing each row to fn as a brief. How many, or -1. */
static int
briefs(sqlite3_stmt *st, void (*fn)(void *ctx, const store_lead_brief *r), void *ctx)
{
	int n = 0, rc;

	store_bind_human_types(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_lead_brief r = {
			.id = sqlite3_column_int64(st, 0), .name = col(st, 1), .phone = col(st, 2),
			.email = col(st, 3), .source = col(st, 4), .kind = col(st, 5),
			.stage = col(st, 6), .status = col(st, 7), .owner = col(st, 8),
			.sequence = col(st, 9),
			.has_quote = sqlite3_column_type(st, 10) != SQLITE_NULL,
			.quote_cents = sqlite3_column_int64(st, 10),
			.created_at = sqlite3_column_int64(st, 11),
			.last_at = sqlite3_column_int64(st, 12),
			.open_tasks = sqlite3_column_int(st, 13),
			.is_new = sqlite3_column_int(st, 14) != 0,
		};

		fn(ctx, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
sqlite_pipeline_read(store *s, int64_t business_id, const store_pipeline_filter *f,
		     void (*fn)(void *ctx, const store_lead_brief *r), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " BRIEF_COLS " FROM leads l"
				      " WHERE l.business_id = ?1 AND l.status <> 'archived'"
				      " AND (?2 IS NULL OR l.owner = ?2)"
				      " AND (?3 IS NULL OR l.source = ?3)"
				      " AND (?4 IS NULL OR l.kind = ?4) AND" VISIBLE_SQL
				      " ORDER BY 13, l.id LIMIT ?5");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, f->owner);
	store_bind_text(st, 3, f->source);
	store_bind_text(st, 4, f->kind);
	sqlite3_bind_int(st, 5, f->limit > 0 ? f->limit : STORE_PIPELINE_MAX);
	store_bind_text(st, 9, f->person);
	return briefs(st, fn, ctx);
}

int
sqlite_team_read(store *s, int64_t business_id, int64_t now, int64_t day_start, int64_t day_end,
		 void (*fn)(void *ctx, const store_team_row *r), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT assignee, sum(state = 'open'),"
				      " sum(state = 'open' AND due_at >= ?2 AND due_at < ?4),"
				      " sum(state = 'open' AND due_at < ?2),"
				      " sum(state = 'done' AND closed_at >= ?3 AND closed_at < ?4)"
				      " FROM tasks WHERE business_id = ?1 AND (state = 'open' OR"
				      " (state = 'done' AND closed_at >= ?3 AND closed_at < ?4))"
				      " GROUP BY assignee ORDER BY assignee");
	int n = 0, rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, day_start);
	sqlite3_bind_int64(st, 4, day_end);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_team_row r = {
			.person = col(st, 0), .open = sqlite3_column_int(st, 1),
			.due_today = sqlite3_column_int(st, 2), .overdue = sqlite3_column_int(st, 3),
			.done_today = sqlite3_column_int(st, 4),
		};

		fn(ctx, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
sqlite_first_event_read(store *s, int64_t business_id, int64_t from, int64_t to, const char *type,
			void (*fn)(void *ctx, const char *owner, int64_t created_at,
				   int64_t first_at),
			void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT l.owner, l.created_at, (SELECT min(e.at) FROM"
				      " events e WHERE e.lead_id = l.id AND e.type = ?4)"
				      " FROM leads l WHERE l.business_id = ?1"
				      " AND l.created_at >= ?2 AND l.created_at < ?3");
	int n = 0, rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	store_bind_text(st, 4, type);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(ctx, col(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2));
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

#define UNATTENDED_WHERE " WHERE l.business_id = ?1 AND l.status = 'open' AND (l.owner IS NULL" \
	" OR ((l.sequence IS NULL OR l.paused_at > 0) AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.lead_id = l.id" \
	" AND t.state = 'open')))"

int
sqlite_unattended_read(store *s, int64_t business_id, int limit,
		       void (*fn)(void *ctx, const store_lead_brief *r), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM leads l" UNATTENDED_WHERE);
	int total, rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	rc = sqlite3_step(st);
	total = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	if (total == 0)
		return 0;
	if ((st = store_stmt(s, "SELECT " BRIEF_COLS " FROM leads l" UNATTENDED_WHERE
			     " ORDER BY l.created_at, l.id LIMIT ?2")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : 200);
	return briefs(st, fn, ctx) < 0 ? -1 : total;
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
sqlite_search_read(store *s, int64_t business_id, const char *q, const char *digits,
		   const char *person, int limit,
		   void (*fn)(void *ctx, const store_lead_brief *r), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " BRIEF_COLS " FROM leads l"
				      " WHERE l.business_id = ?1 AND (l.name LIKE ?2 ESCAPE '\\'"
				      " OR l.email LIKE ?2 ESCAPE '\\'"
				      " OR (?3 IS NOT NULL AND l.phone LIKE ?3)) AND" VISIBLE_SQL
				      " ORDER BY l.id DESC LIMIT ?4");
	char *text = like_pattern(q ? q : ""), *num = NULL;
	int rc = -1;

	if (st == NULL || text == NULL)
		goto out;
	if (digits != NULL && strlen(digits) >= 3 && (num = like_pattern(digits)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, text);
	store_bind_text(st, 3, num);
	sqlite3_bind_int(st, 4, limit > 0 ? limit : 50);
	store_bind_text(st, 9, person);
	rc = briefs(st, fn, ctx);
out:
	free(text);
	free(num);
	return rc;
}

/*
 * store_rules.c - the rules versions a business has used: each version's
 * text once, under its SHA-256, and every time a version became active -
 * the audit trail of which rules made a decision. Also the reads a rules
 * change needs: the leads whose plans run another version, and a lead's
 * pending step timer; and those people's absences need: open leads per owner,
 * and the leads whose open tasks someone away holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* The id of the latest activation's version and its hash, or 0. */
static int64_t
latest(store *s, int64_t business_id, char *hash, size_t len)
{
	static const char *const sql =
		"SELECT v.id, v.hash FROM rules_activations a JOIN rules_versions v"
		" ON v.id = a.version_id WHERE a.business_id = ?1 ORDER BY a.id DESC LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql);
	int64_t id = -1;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	if (hash != NULL && len > 0)
		hash[0] = '\0';
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (hash != NULL && len > 0)
			snprintf(hash, len, "%s", (const char *)sqlite3_column_text(st, 1));
	} else if (rc == SQLITE_DONE) {
		id = 0;
	}
	sqlite3_reset(st);
	return id;
}

int
sqlite_rules_activate(store *s, int64_t business_id, const char *hash, const char *text,
		      const char *by, int64_t now, char *prev, size_t prevlen)
{
	static const char *const keep =
		"INSERT INTO rules_versions (business_id, hash, text, first_used_at)"
		" VALUES (?1, ?2, ?3, ?4) ON CONFLICT(business_id, hash) DO NOTHING";
	static const char *const find =
		"SELECT id FROM rules_versions WHERE business_id = ?1 AND hash = ?2";
	static const char *const activate =
		"INSERT INTO rules_activations (business_id, version_id, at, by)"
		" VALUES (?1, ?2, ?3, ?4)";
	char cur[80];
	int64_t vid;
	sqlite3_stmt *st;

	if (prev != NULL && prevlen > 0)
		prev[0] = '\0';
	if (latest(s, business_id, cur, sizeof cur) < 0)
		return -1;
	if (prev != NULL && prevlen > 0)
		snprintf(prev, prevlen, "%s", cur);
	if (strcmp(cur, hash) == 0)
		return 0;
	if ((st = store_stmt(s, keep)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, hash);
	store_bind_text(st, 3, text ? text : "");
	sqlite3_bind_int64(st, 4, now);
	if (store_step_done(st) < 0 || (st = store_stmt(s, find)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, hash);
	vid = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	if (vid < 0 || (st = store_stmt(s, activate)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int64(st, 2, vid);
	sqlite3_bind_int64(st, 3, now);
	store_bind_text(st, 4, by ? by : "?");
	return store_step_done(st) < 0 ? -1 : 1;
}

int
sqlite_rules_text(store *s, int64_t business_id, const char *hash, char **text)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT text FROM rules_versions"
				      " WHERE business_id = ?1 AND hash = ?2");
	int rc;

	*text = NULL;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, hash);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW && (*text = store_col_strdup(st, 0)) == NULL)
		rc = SQLITE_NOMEM;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
sqlite_rules_active(store *s, int64_t business_id, char *hash, size_t hashlen, int64_t *at,
		    char *by, size_t bylen)
{
	static const char *const sql =
		"SELECT v.hash, a.at, a.by FROM rules_activations a JOIN rules_versions v"
		" ON v.id = a.version_id WHERE a.business_id = ?1 ORDER BY a.id DESC LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(hash, hashlen, "%s", (const char *)sqlite3_column_text(st, 0));
		if (at != NULL)
			*at = sqlite3_column_int64(st, 1);
		if (by != NULL && bylen > 0)
			snprintf(by, bylen, "%s", (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
sqlite_rules_history(store *s, int64_t business_id, int limit,
		     void (*fn)(void *ctx, const store_rules_row *r), void *ctx)
{
	static const char *const sql =
		"SELECT v.hash, a.at, a.by, v.first_used_at,"
		" (SELECT count(*) FROM leads l WHERE l.business_id = ?1"
		"  AND l.rules_version = v.hash)"
		" FROM rules_activations a JOIN rules_versions v ON v.id = a.version_id"
		" WHERE a.business_id = ?1 ORDER BY a.id DESC LIMIT ?2";
	sqlite3_stmt *st = store_stmt(s, sql);
	int rc, n = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_rules_row r = {
			.hash = (const char *)sqlite3_column_text(st, 0),
			.at = sqlite3_column_int64(st, 1),
			.by = (const char *)sqlite3_column_text(st, 2),
			.first_used_at = sqlite3_column_int64(st, 3),
			.leads = sqlite3_column_int64(st, 4),
		};

		fn(ctx, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
sqlite_leads_off_version(store *s, int64_t business_id, const char *hash, int64_t after,
			 int64_t *ids, int max)
{
	/* in flight: a sequence running, or an appointment ahead (its reminders
	 * come from the rules too). "Another version" as three seeks of
	 * leads_in_flight (none, below, above): with nothing to move, as at
	 * every start of serve, no lead is read. */
	static const char *const sql =
		"SELECT id FROM leads WHERE business_id = ?1 AND sequence IS NOT NULL"
		" AND rules_version IS NULL AND id > ?2"
		" UNION SELECT id FROM leads WHERE business_id = ?1 AND sequence IS NOT NULL"
		" AND rules_version < ?3 AND id > ?2"
		" UNION SELECT id FROM leads WHERE business_id = ?1 AND sequence IS NOT NULL"
		" AND rules_version > ?3 AND id > ?2"
		" UNION SELECT l.id FROM appointments a JOIN leads l ON l.id = a.lead_id"
		" WHERE a.business_id = ?1 AND a.state IN ('booked', 'confirmed', 'rescheduled')"
		" AND l.id > ?2 AND (l.rules_version IS NULL OR l.rules_version <> ?3)"
		" ORDER BY 1 LIMIT ?4";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int64(st, 2, after);
	store_bind_text(st, 3, hash ? hash : "");
	sqlite3_bind_int(st, 4, max);
	return store_collect_ids(st, ids, max);
}

int
sqlite_owner_open_leads(store *s, int64_t business_id, const char *owner, int64_t *count)
{
	/* leads_by_owner (business_id, owner, status): an index range. */
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM leads WHERE business_id = ?1"
				      " AND owner = ?2 AND status = 'open'");
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, owner);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
sqlite_assignee_leads(store *s, int64_t business_id, const char *assignee, int64_t after,
		      int64_t *ids, int max)
{
	/* tasks_open_by_assignee (business_id, assignee, due_at) WHERE open. */
	static const char *const sql =
		"SELECT DISTINCT lead_id FROM tasks WHERE business_id = ?1 AND assignee = ?2"
		" AND state = 'open' AND lead_id > ?3 ORDER BY lead_id LIMIT ?4";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, assignee);
	sqlite3_bind_int64(st, 3, after);
	sqlite3_bind_int(st, 4, max);
	return store_collect_ids(st, ids, max);
}

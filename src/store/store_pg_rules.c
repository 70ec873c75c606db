/*
 * store_pg_rules.c - the PostgreSQL engine's rules versions and the reads a
 * rules change and people's absences need: store_rules.c's operations in
 * PostgreSQL's words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg.h"

/* The latest activation's version hash into cur ("" when none); 0 / -1. */
static int
latest(pg_store *p, int64_t business_id, char *cur, size_t len)
{
	static const char *const sql =
		"SELECT v.hash FROM rules_activations a JOIN rules_versions v"
		" ON v.id = a.version_id WHERE a.business_id = $1 ORDER BY a.id DESC LIMIT 1";
	pg_params pp = { 0 };
	PGresult *r;

	pg_int(&pp, business_id);
	if ((r = pg_run(p, sql, &pp)) == NULL)
		return -1;
	snprintf(cur, len, "%s", PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	return 0;
}

int
pg_rules_activate(store *s, int64_t business_id, const char *hash, const char *text,
		  const char *by, int64_t now, char *prev, size_t prevlen)
{
	/* The version's row, kept once, and its activation in one statement. */
	static const char *const sql =
		"WITH kept AS (INSERT INTO rules_versions (business_id, hash, text, first_used_at)"
		"  VALUES ($1, $2, $3, $4) ON CONFLICT (business_id, hash) DO NOTHING RETURNING id)"
		" INSERT INTO rules_activations (business_id, version_id, at, by)"
		" SELECT $1, id, $4, $5 FROM (SELECT id FROM kept UNION ALL"
		"  SELECT id FROM rules_versions WHERE business_id = $1 AND hash = $2) AS v"
		" LIMIT 1";
	pg_store *p = pg_of(s);
	pg_params pp = { 0 };
	char cur[80];

	if (prev != NULL && prevlen > 0)
		prev[0] = '\0';
	if (latest(p, business_id, cur, sizeof cur) < 0)
		return -1;
	if (prev != NULL && prevlen > 0)
		snprintf(prev, prevlen, "%s", cur);
	if (strcmp(cur, hash) == 0)
		return 0;
	pg_int(&pp, business_id);
	pg_text(&pp, hash);
	pg_text(&pp, text ? text : "");
	pg_int(&pp, now);
	pg_text(&pp, by ? by : "?");
	return pg_changed(p, sql, &pp) == 1 ? 1 : -1;
}

int
pg_rules_text(store *s, int64_t business_id, const char *hash, char **text)
{
	pg_params pp = { 0 };
	PGresult *r;
	int found;

	*text = NULL;
	pg_int(&pp, business_id);
	pg_text(&pp, hash);
	if ((r = pg_run(pg_of(s), "SELECT text FROM rules_versions WHERE business_id = $1"
			" AND hash = $2", &pp)) == NULL)
		return -1;
	found = PQntuples(r) == 1;
	if (found && (*text = pg_get_strdup(r, 0, 0)) == NULL)
		found = -1;
	PQclear(r);
	return found;
}

int
pg_rules_active(store *s, int64_t business_id, char *hash, size_t hashlen, int64_t *at,
		char *by, size_t bylen)
{
	static const char *const sql =
		"SELECT v.hash, a.at, a.by FROM rules_activations a JOIN rules_versions v"
		" ON v.id = a.version_id WHERE a.business_id = $1 ORDER BY a.id DESC LIMIT 1";
	pg_params pp = { 0 };
	PGresult *r;
	int found;

	pg_int(&pp, business_id);
	if ((r = pg_run(pg_of(s), sql, &pp)) == NULL)
		return -1;
	if ((found = PQntuples(r) == 1)) {
		snprintf(hash, hashlen, "%s", PQgetvalue(r, 0, 0));
		if (at != NULL)
			*at = pg_get_int(r, 0, 1);
		if (by != NULL && bylen > 0)
			snprintf(by, bylen, "%s", PQgetvalue(r, 0, 2));
	}
	PQclear(r);
	return found;
}

int
pg_rules_history(store *s, int64_t business_id, int limit,
		 void (*fn)(void *ctx, const store_rules_row *r), void *ctx)
{
	static const char *const sql =
		"SELECT v.hash, a.at, a.by, v.first_used_at,"
		" (SELECT count(*) FROM leads l WHERE l.business_id = $1"
		"  AND l.rules_version = v.hash)"
		" FROM rules_activations a JOIN rules_versions v ON v.id = a.version_id"
		" WHERE a.business_id = $1 ORDER BY a.id DESC LIMIT $2";
	pg_params pp = { 0 };
	PGresult *r;
	int n;

	pg_int(&pp, business_id);
	pg_int(&pp, limit);
	if ((r = pg_run(pg_of(s), sql, &pp)) == NULL)
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		store_rules_row row = {
			.hash = PQgetvalue(r, i, 0),
			.at = pg_get_int(r, i, 1),
			.by = PQgetvalue(r, i, 2),
			.first_used_at = pg_get_int(r, i, 3),
			.leads = pg_get_int(r, i, 4),
		};

		fn(ctx, &row);
	}
	PQclear(r);
	return n;
}

int
pg_leads_off_version(store *s, int64_t business_id, const char *hash, int64_t after,
		     int64_t *ids, int max)
{
	pg_params pp = { 0 };

	pg_int(&pp, business_id);
	pg_int(&pp, after);
	pg_text(&pp, hash ? hash : "");
	pg_int(&pp, max);
	/* in flight: a sequence running, or an appointment ahead; another
	 * version as three seeks of leads_in_flight (store_rules.c) */
	return pg_collect_ids(pg_run(pg_of(s), "SELECT id FROM leads WHERE business_id = $1"
				     " AND sequence IS NOT NULL AND rules_version IS NULL AND id > $2"
				     " UNION SELECT id FROM leads WHERE business_id = $1"
				     " AND sequence IS NOT NULL AND rules_version < $3 AND id > $2"
				     " UNION SELECT id FROM leads WHERE business_id = $1"
				     " AND sequence IS NOT NULL AND rules_version > $3 AND id > $2"
				     " UNION SELECT l.id FROM appointments a"
				     " JOIN leads l ON l.id = a.lead_id WHERE a.business_id = $1"
				     " AND a.state IN ('booked', 'confirmed', 'rescheduled')"
				     " AND l.id > $2 AND (l.rules_version IS NULL"
				     "  OR l.rules_version <> $3) ORDER BY 1 LIMIT $4", &pp),
			      ids, max);
}

int
pg_owner_open_leads(store *s, int64_t business_id, const char *owner, int64_t *count)
{
	pg_params pp = { 0 };
	PGresult *r;

	pg_int(&pp, business_id);
	pg_text(&pp, owner);
	if ((r = pg_run(pg_of(s), "SELECT count(*) FROM leads WHERE business_id = $1"
			" AND owner = $2 AND status = 'open'", &pp)) == NULL)
		return -1;
	*count = pg_get_int(r, 0, 0);
	PQclear(r);
	return 0;
}

int
pg_assignee_leads(store *s, int64_t business_id, const char *assignee, int64_t after,
		  int64_t *ids, int max)
{
	pg_params pp = { 0 };

	pg_int(&pp, business_id);
	pg_text(&pp, assignee);
	pg_int(&pp, after);
	pg_int(&pp, max);
	return pg_collect_ids(pg_run(pg_of(s), "SELECT DISTINCT lead_id FROM tasks"
				     " WHERE business_id = $1 AND assignee = $2 AND state = 'open'"
				     " AND lead_id > $3 ORDER BY lead_id LIMIT $4", &pp), ids, max);
}

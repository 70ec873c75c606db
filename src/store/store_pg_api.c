/*
 * store_pg_api.c - the PostgreSQL engine's API tokens, idempotency records,
 * a task's state, lead and a lead's oldest open task, and calendar feed
 * tokens: store_api.c's, store_read.c's and store_calendar.c's operations
 * in PostgreSQL's words (the tokens' shape
 * and hashing are shared, store_common.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg.h"
#include "store_common.h"

int
pg_token_create(store *s, int64_t business_id, const char *name, const char *role,
		int64_t now, char *token, int64_t *id, char *err, size_t errlen)
{
	static const char *const sql =
		"INSERT INTO api_tokens (business_id, name, role, prefix, hash, created_at)"
		" VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
	char prefix[STORE_TOKEN_PREFIX_HEX + 1], hex[STORE_TOKEN_HASH_HEX + 1];
	pg_store *p = pg_of(s);
	pg_params pp = { 0 };
	PGresult *r;

	if (!store_role_valid(role))
		return snprintf(err, errlen, "role: expected admin, staff or intake"), -1;
	if (store_token_make(token, prefix, hex) < 0)
		return snprintf(err, errlen, "libsodium failed to start"), -1;
	pg_int(&pp, business_id);
	pg_text(&pp, name);
	pg_text(&pp, role);
	pg_text(&pp, prefix);
	pg_text(&pp, hex);
	pg_int(&pp, now);
	if ((r = pg_run(p, sql, &pp)) == NULL)
		return pg_fail(p, err, errlen, "saving the token");
	*id = pg_get_int(r, 0, 0);
	PQclear(r);
	return 0;
}

int
pg_token_check(store *s, const char *token, int64_t *business_id, int64_t *token_id,
	       char *role, size_t rolelen)
{
	static const char *const sql =
		"SELECT id, business_id, role, hash FROM api_tokens"
		" WHERE prefix = $1 AND revoked_at IS NULL";
	char prefix[STORE_TOKEN_PREFIX_HEX + 1];
	pg_params pp = { 0 };
	PGresult *r;
	int ok = 1;

	if (store_token_prefix(token, prefix) < 0)
		return 1;
	pg_text(&pp, prefix);
	if ((r = pg_run(pg_of(s), sql, &pp)) == NULL)
		return -1;
	if (PQntuples(r) == 1 && store_token_matches(token, PQgetvalue(r, 0, 3))) {
		*token_id = pg_get_int(r, 0, 0);
		*business_id = pg_get_int(r, 0, 1);
		snprintf(role, rolelen, "%s", PQgetvalue(r, 0, 2));
		ok = 0;
	}
	PQclear(r);
	return ok;
}

int
pg_token_revoke(store *s, int64_t business_id, int64_t id, int64_t now)
{
	pg_params pp = { 0 };

	pg_int(&pp, id);
	pg_int(&pp, business_id);
	pg_int(&pp, now);
	return pg_changed(pg_of(s), "UPDATE api_tokens SET revoked_at = $3"
			    " WHERE id = $1 AND business_id = $2 AND revoked_at IS NULL", &pp);
}

int
pg_idem_get(store *s, int64_t business_id, const char *key, const char *req_hash,
	    int *status, char **body, bool *same)
{
	pg_params pp = { 0 };
	PGresult *r;
	int rc;

	*body = NULL;
	pg_int(&pp, business_id);
	pg_text(&pp, key);
	if ((r = pg_run(pg_of(s), "SELECT status, body FROM idempotency_keys"
			" WHERE business_id = $1 AND key = $2", &pp)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return 0;
	}
	*status = (int)pg_get_int(r, 0, 0);
	rc = store_idem_unpack(PQgetvalue(r, 0, 1), req_hash, body, same);
	PQclear(r);
	return rc;
}

int
pg_idem_put(store *s, int64_t business_id, const char *key, const char *req_hash,
	    int status, const char *body, int64_t now)
{
	static const char *const sql =
		"INSERT INTO idempotency_keys (business_id, key, status, body, created_at)"
		" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (business_id, key) DO UPDATE"
		" SET status = excluded.status, body = excluded.body,"
		" created_at = excluded.created_at";
	char *txt = store_idem_record(req_hash, body);
	pg_params pp = { 0 };
	int rc;

	if (txt == NULL)
		return -1;
	pg_int(&pp, business_id);
	pg_text(&pp, key);
	pg_int(&pp, status);
	pg_text(&pp, txt);
	pg_int(&pp, now);
	rc = pg_run_done(pg_of(s), sql, &pp);
	free(txt);
	return rc;
}

int
pg_task_state(store *s, int64_t business_id, int64_t task_id, char *buf, size_t len)
{
	pg_params pp = { 0 };
	PGresult *r;
	int found;

	pg_int(&pp, task_id);
	pg_int(&pp, business_id);
	if ((r = pg_run(pg_of(s), "SELECT state FROM tasks WHERE id = $1 AND business_id = $2",
			&pp)) == NULL)
		return -1;
	if ((found = PQntuples(r) == 1))
		snprintf(buf, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return found;
}

/* The first column of sql's first row as an id: 0 when none, -1 on an error. */
static int64_t
first_id(pg_store *p, const char *sql, const pg_params *pp)
{
	PGresult *r = pg_run(p, sql, pp);
	int64_t id;

	if (r == NULL)
		return -1;
	id = PQntuples(r) > 0 ? pg_get_int(r, 0, 0) : 0;
	PQclear(r);
	return id;
}

int64_t
pg_task_lead(store *s, int64_t business_id, int64_t task_id)
{
	pg_params pp = { 0 };

	pg_int(&pp, task_id);
	pg_int(&pp, business_id);
	return first_id(pg_of(s), "SELECT lead_id FROM tasks WHERE id = $1 AND business_id = $2",
			&pp);
}

int64_t
pg_task_oldest_open(store *s, int64_t lead_id, const char *verb)
{
	pg_params pp = { 0 };

	pg_int(&pp, lead_id);
	pg_text(&pp, verb);
	return first_id(pg_of(s), "SELECT id FROM tasks WHERE lead_id = $1 AND state = 'open'"
			" AND ($2::text IS NULL OR verb = $2) ORDER BY id LIMIT 1", &pp);
}

int
pg_calendar_revoke(store *s, int64_t business_id, const char *person, int64_t now)
{
	pg_params pp = { 0 };

	pg_int(&pp, business_id);
	pg_text(&pp, person);
	pg_int(&pp, now);
	return pg_changed(pg_of(s), "UPDATE calendar_tokens SET revoked_at = $3"
			    " WHERE business_id = $1 AND person = $2 AND revoked_at IS NULL", &pp);
}

int
pg_calendar_token(store *s, int64_t business_id, const char *person, int64_t now,
		  char *token, char *err, size_t errlen)
{
	char hex[STORE_TOKEN_HASH_HEX + 1];
	pg_params pp = { 0 };

	if (store_cal_token_make(token, hex) < 0)
		return snprintf(err, errlen, "libsodium failed to start"), -1;
	if (pg_calendar_revoke(s, business_id, person, now) < 0)
		return pg_fail(pg_of(s), err, errlen, "revoking the old calendar address");
	pg_int(&pp, business_id);
	pg_text(&pp, person);
	pg_text(&pp, hex);
	pg_int(&pp, now);
	if (pg_run_done(pg_of(s), "INSERT INTO calendar_tokens (business_id, person, hash,"
			" created_at) VALUES ($1, $2, $3, $4)", &pp) < 0)
		return pg_fail(pg_of(s), err, errlen, "saving the calendar token");
	return 0;
}

int
pg_calendar_check(store *s, const char *token, int64_t *business_id, char *person,
		  size_t personlen)
{
	char hex[STORE_TOKEN_HASH_HEX + 1];
	pg_params pp = { 0 };
	PGresult *r;
	int found;

	if (token == NULL || strlen(token) != STORE_CAL_TOKEN_LEN - 1)
		return 0;
	store_secret_hash(token, hex);
	pg_text(&pp, hex);
	if ((r = pg_run(pg_of(s), "SELECT business_id, person FROM calendar_tokens"
			" WHERE hash = $1 AND revoked_at IS NULL", &pp)) == NULL)
		return -1;
	if ((found = PQntuples(r) == 1)) {
		*business_id = pg_get_int(r, 0, 0);
		snprintf(person, personlen, "%s", PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	return found;
}

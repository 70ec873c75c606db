/*
 * store_pg_user.c - the PostgreSQL engine's users, sessions and
 * set-password links (store_user.h): store_user_sqlite.c's operations in
 * PostgreSQL's words, with the same answers. Tokens are store_user_token.c's
 * (only their hash is kept). Also the engine's table store_user_pg
 * (store_user_backend.h), whose web reads are store_pg_web.c's.
 *
 * Emails are lower-cased here, ASCII only, as SQLite's lower() does: the
 * server's lower() would follow the database's locale, and the unique
 * (business_id, email) index keeps its plain equality.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg.h"
#include "store_common.h"
#include "store_user_backend.h"

#define USER_COLS "u.id, u.business_id, u.email, u.name, u.role, u.person_id," \
	" u.password_hash, u.failed_logins, u.locked_until, u.created_at"

static void
copy_col(const PGresult *r, int row, int c, char *buf, size_t len)
{
	snprintf(buf, len, "%s", PQgetisnull(r, row, c) ? "" : PQgetvalue(r, row, c));
}

/* Fills u from USER_COLS starting at column c of row. */
static void
user_row(const PGresult *r, int row, int c, store_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = pg_get_int(r, row, c);
	u->business_id = pg_get_int(r, row, c + 1);
	copy_col(r, row, c + 2, u->email, sizeof u->email);
	copy_col(r, row, c + 3, u->name, sizeof u->name);
	copy_col(r, row, c + 4, u->role, sizeof u->role);
	copy_col(r, row, c + 5, u->person, sizeof u->person);
	copy_col(r, row, c + 6, u->password_hash, sizeof u->password_hash);
	u->failed_logins = (int)pg_get_int(r, row, c + 7);
	u->locked_until = pg_get_int(r, row, c + 8);
	u->created_at = pg_get_int(r, row, c + 9);
}

/* Runs a statement expected to return at most one user row. */
static int
one_user(pg_store *p, const char *sql, const pg_params *pp, store_user *out)
{
	PGresult *r = pg_run(p, sql, pp);
	int found;

	if (r == NULL)
		return -1;
	if ((found = PQntuples(r) > 0))
		user_row(r, 0, 0, out);
	PQclear(r);
	return found;
}

/* email lower-cased (ASCII) into buf; false when it cannot fit (then no
 * stored email can equal it). */
static bool
lower_email(const char *email, char *buf, size_t len)
{
	size_t i;

	for (i = 0; email[i] != '\0'; i++) {
		if (i + 1 >= len)
			return false;
		buf[i] = email[i] >= 'A' && email[i] <= 'Z' ? (char)(email[i] - 'A' + 'a') : email[i];
	}
	buf[i] = '\0';
	return true;
}

static bool
fits(const char *v, size_t len, const char *field, char *err, size_t errlen)
{
	if (v == NULL || strlen(v) < len)
		return true;
	snprintf(err, errlen, "%s: at most %zu bytes", field, len - 1);
	return false;
}

static int
pg_user_create(store *s, int64_t business_id, const char *email, const char *name,
	       const char *role, const char *person, int64_t now, int64_t *id, char *err,
	       size_t errlen)
{
	static const char *const sql =
		"INSERT INTO users (business_id, email, name, role, person_id, created_at,"
		" updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
		" ON CONFLICT (business_id, email) DO NOTHING RETURNING id";
	pg_store *p = pg_of(s);
	pg_params pp = { 0 };
	store_user u;
	char lower[sizeof u.email];
	PGresult *r;
	int rc;

	if (!fits(email, sizeof u.email, "email", err, errlen) ||
	    !fits(name, sizeof u.name, "name", err, errlen) ||
	    !fits(person, sizeof u.person, "person", err, errlen))
		return -1;
	if (!store_user_role_valid(role))
		return snprintf(err, errlen, "role: expected admin, manager, office, sales or "
				"technician"), -1;
	pg_int(&pp, business_id);
	pg_text(&pp, email && lower_email(email, lower, sizeof lower) ? lower : NULL);
	pg_text(&pp, name);
	pg_text(&pp, role);
	pg_text(&pp, person && *person ? person : NULL);
	pg_int(&pp, now);
	if ((r = pg_run(p, sql, &pp)) == NULL)
		return pg_fail(p, err, errlen, "saving the user");
	rc = PQntuples(r) == 0 ? 1 : 0;
	if (rc == 0)
		*id = pg_get_int(r, 0, 0);
	PQclear(r);
	return rc;
}

static int
pg_user_get(store *s, int64_t business_id, int64_t id, store_user *out)
{
	pg_params pp = { 0 };

	pg_int(&pp, id);
	pg_int(&pp, business_id);
	return one_user(pg_of(s), "SELECT " USER_COLS " FROM users u WHERE u.id = $1"
			" AND u.business_id = $2 AND u.disabled_at IS NULL", &pp, out);
}

/* The sign-in lookup: the enabled users with this email (any case), in
 * business order, at most max - of one business, or of every business when
 * business_id is 0. Returns how many, or -1. */
static int
users_by_email(store *s, int64_t business_id, const char *email, store_user *out, int max)
{
	static const char *const one = "SELECT " USER_COLS " FROM users u"
		" WHERE u.business_id = $3 AND u.email = $1 AND u.disabled_at IS NULL LIMIT $2";
	static const char *const all = "SELECT " USER_COLS " FROM users u WHERE u.email = $1"
		" AND u.disabled_at IS NULL ORDER BY u.business_id LIMIT $2";
	pg_params pp = { 0 };
	char lower[sizeof out->email];
	PGresult *r;
	int n;

	if (email == NULL || !lower_email(email, lower, sizeof lower))
		return 0;
	pg_text(&pp, lower);
	pg_int(&pp, max);
	if (business_id != 0)
		pg_int(&pp, business_id);
	if ((r = pg_run(pg_of(s), business_id != 0 ? one : all, &pp)) == NULL)
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n && i < max; i++)
		user_row(r, i, 0, &out[i]);
	PQclear(r);
	return n < max ? n : max;
}

static int
pg_user_find(store *s, int64_t business_id, const char *email, store_user *out)
{
	return users_by_email(s, business_id, email, out, 1);
}

static int
pg_users_read(store *s, int64_t business_id, void (*fn)(void *ctx, const store_user *u),
	      void *ctx)
{
	pg_params pp = { 0 };
	PGresult *r;
	store_user u;
	int n;

	pg_int(&pp, business_id);
	if ((r = pg_run(pg_of(s), "SELECT " USER_COLS " FROM users u"
			" WHERE u.business_id = $1 AND u.disabled_at IS NULL ORDER BY u.id",
			&pp)) == NULL)
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		user_row(r, i, 0, &u);
		u.password_hash[0] = '\0';
		fn(ctx, &u);
	}
	PQclear(r);
	return n;
}

static int
pg_user_count(store *s, int64_t business_id)
{
	pg_params pp = { 0 };
	PGresult *r;
	int n;

	pg_int(&pp, business_id);
	if ((r = pg_run(pg_of(s), "SELECT count(*) FROM users WHERE business_id = $1",
			&pp)) == NULL)
		return -1;
	n = (int)pg_get_int(r, 0, 0);
	PQclear(r);
	return n;
}

static int
pg_user_set_password(store *s, int64_t business_id, int64_t id, const char *hash, int64_t now)
{
	pg_params pp = { 0 };

	pg_int(&pp, id);
	pg_int(&pp, business_id);
	pg_text(&pp, hash);
	pg_int(&pp, now);
	return pg_changed(pg_of(s), "UPDATE users SET password_hash = $3, failed_logins = 0,"
			  " locked_until = 0, updated_at = $4 WHERE id = $1 AND business_id = $2",
			  &pp);
}

static int
pg_user_sign_in_failed(store *s, int64_t business_id, int64_t id, int max, int64_t lock_secs,
		       int64_t now, int64_t *locked_until)
{
	/* One statement, so concurrent failures each count (the row lock
	 * orders them). */
	static const char *const sql =
		"UPDATE users SET"
		" locked_until = CASE WHEN failed_logins + 1 >= $3::bigint"
		"   THEN $4::bigint + $5::bigint ELSE locked_until END,"
		" failed_logins = CASE WHEN failed_logins + 1 >= $3::bigint"
		"   THEN 0 ELSE failed_logins + 1 END,"
		" updated_at = $4::bigint"
		" WHERE id = $1 AND business_id = $2"
		" RETURNING failed_logins, locked_until";
	pg_params pp = { 0 };
	PGresult *r;

	if (locked_until != NULL)
		*locked_until = 0;
	pg_int(&pp, id);
	pg_int(&pp, business_id);
	pg_int(&pp, max);
	pg_int(&pp, now);
	pg_int(&pp, lock_secs);
	if ((r = pg_run(pg_of(s), sql, &pp)) == NULL)
		return -1;
	if (PQntuples(r) == 1 && locked_until != NULL && pg_get_int(r, 0, 0) == 0 &&
	    pg_get_int(r, 0, 1) > now)
		*locked_until = pg_get_int(r, 0, 1);
	PQclear(r);
	return 0;
}

static int
pg_user_clear_failures(store *s, int64_t business_id, int64_t id, int64_t now)
{
	pg_params pp = { 0 };

	pg_int(&pp, id);
	pg_int(&pp, business_id);
	pg_int(&pp, now);
	return pg_run_done(pg_of(s), "UPDATE users SET failed_logins = 0, locked_until = 0,"
			   " updated_at = $3 WHERE id = $1 AND business_id = $2"
			   " AND (failed_logins <> 0 OR locked_until <> 0)", &pp);
}

/* --- sessions --------------------------------------------------------------------- */

static int
pg_session_create(store *s, int64_t business_id, int64_t user_id, int64_t now, int64_t ttl,
		  char *token, char *csrf, char *err, size_t errlen)
{
	pg_store *p = pg_of(s);
	pg_params purge = { 0 }, pp = { 0 };
	char hex[STORE_TOKEN_HASH_HEX + 1], secret[STORE_CSRF_LEN];

	pg_int(&purge, business_id);
	pg_int(&purge, now);
	if (pg_run_done(p, "DELETE FROM sessions WHERE business_id = $1 AND expires_at <= $2",
			&purge) < 0)
		return pg_fail(p, err, errlen, "removing expired sessions");
	if (store_user_token_new('s', token) < 0 || !store_user_token_hash('s', token, hex) ||
	    store_csrf_new(secret) < 0)
		return snprintf(err, errlen, "libsodium failed to start"), -1;
	pg_int(&pp, business_id);
	pg_int(&pp, user_id);
	pg_text(&pp, hex);
	pg_text(&pp, secret);
	pg_int(&pp, now);
	pg_int(&pp, now + ttl);
	if (pg_run_done(p, "INSERT INTO sessions (business_id, user_id, token_hash, csrf,"
			" created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)", &pp) < 0)
		return pg_fail(p, err, errlen, "saving the session");
	if (csrf != NULL)
		memcpy(csrf, secret, STORE_CSRF_LEN);
	return 0;
}

static int
pg_session_find(store *s, int64_t business_id, const char *token, int64_t now,
		store_session *sess, store_user *user)
{
	pg_params pp = { 0 };
	char hex[STORE_TOKEN_HASH_HEX + 1];
	PGresult *r;
	int found;

	if (!store_user_token_hash('s', token, hex))
		return 0;
	pg_text(&pp, hex);
	pg_int(&pp, business_id);
	pg_int(&pp, now);
	if ((r = pg_run(pg_of(s), "SELECT " USER_COLS ", x.id, x.expires_at, x.csrf"
			" FROM sessions x JOIN users u ON u.id = x.user_id"
			" WHERE x.token_hash = $1 AND x.business_id = $2"
			" AND x.expires_at > $3 AND u.disabled_at IS NULL", &pp)) == NULL)
		return -1;
	if ((found = PQntuples(r) > 0)) {
		user_row(r, 0, 0, user);
		sess->id = pg_get_int(r, 0, 10);
		sess->expires_at = pg_get_int(r, 0, 11);
		copy_col(r, 0, 12, sess->csrf, sizeof sess->csrf);
	}
	PQclear(r);
	return found;
}

static int
pg_session_extend(store *s, int64_t business_id, int64_t id, int64_t expires_at)
{
	pg_params pp = { 0 };

	pg_int(&pp, id);
	pg_int(&pp, business_id);
	pg_int(&pp, expires_at);
	return pg_run_done(pg_of(s), "UPDATE sessions SET expires_at = $3"
			   " WHERE id = $1 AND business_id = $2", &pp);
}

static int
pg_session_end(store *s, int64_t business_id, const char *token)
{
	pg_params pp = { 0 };
	char hex[STORE_TOKEN_HASH_HEX + 1];

	if (!store_user_token_hash('s', token, hex))
		return 0;
	pg_text(&pp, hex);
	pg_int(&pp, business_id);
	return pg_run_done(pg_of(s), "DELETE FROM sessions WHERE token_hash = $1"
			   " AND business_id = $2", &pp);
}

static int
pg_session_end_all(store *s, int64_t business_id, int64_t user_id)
{
	pg_params pp = { 0 };
	PGresult *r;
	int n;

	pg_int(&pp, user_id);
	pg_int(&pp, business_id);
	if ((r = pg_run(pg_of(s), "DELETE FROM sessions WHERE user_id = $1 AND business_id = $2",
			&pp)) == NULL)
		return -1;
	n = atoi(PQcmdTuples(r));
	PQclear(r);
	return n;
}

/* --- set-password links -------------------------------------------------------------- */

static int
pg_pwtoken_create(store *s, int64_t business_id, int64_t user_id, int64_t now, int64_t ttl,
		  char *token, char *err, size_t errlen)
{
	pg_store *p = pg_of(s);
	pg_params old = { 0 }, pp = { 0 };
	char hex[STORE_TOKEN_HASH_HEX + 1];

	pg_int(&old, user_id);
	pg_int(&old, business_id);
	pg_int(&old, now);
	if (pg_run_done(p, "UPDATE password_tokens SET used_at = $3 WHERE user_id = $1"
			" AND business_id = $2 AND used_at IS NULL", &old) < 0)
		return pg_fail(p, err, errlen, "retiring older links");
	if (store_user_token_new('p', token) < 0 || !store_user_token_hash('p', token, hex))
		return snprintf(err, errlen, "libsodium failed to start"), -1;
	pg_int(&pp, business_id);
	pg_int(&pp, user_id);
	pg_text(&pp, hex);
	pg_int(&pp, now);
	pg_int(&pp, now + ttl);
	if (pg_run_done(p, "INSERT INTO password_tokens (business_id, user_id, token_hash,"
			" created_at, expires_at) VALUES ($1, $2, $3, $4, $5)", &pp) < 0)
		return pg_fail(p, err, errlen, "saving the link");
	return 0;
}

/* A statement whose one row (if any) has the link's user id: 1 found, 0
 * none, -1 error. */
static int
link_user(pg_store *p, const char *sql, const char *token, int64_t business_id, int64_t now,
	  int64_t *user_id)
{
	pg_params pp = { 0 };
	char hex[STORE_TOKEN_HASH_HEX + 1];
	PGresult *r;
	int found;

	if (!store_user_token_hash('p', token, hex))
		return 0;
	pg_text(&pp, hex);
	pg_int(&pp, business_id);
	pg_int(&pp, now);
	if ((r = pg_run(p, sql, &pp)) == NULL)
		return -1;
	if ((found = PQntuples(r) > 0))
		*user_id = pg_get_int(r, 0, 0);
	PQclear(r);
	return found;
}

static int
pg_pwtoken_find(store *s, int64_t business_id, const char *token, int64_t now,
		int64_t *user_id)
{
	return link_user(pg_of(s), "SELECT user_id FROM password_tokens WHERE token_hash = $1"
			 " AND business_id = $2 AND used_at IS NULL AND expires_at > $3",
			 token, business_id, now, user_id);
}

static int
pg_pwtoken_use(store *s, int64_t business_id, const char *token, int64_t now, int64_t *user_id)
{
	/* One statement: of two uses at once, the row lock lets one through. */
	return link_user(pg_of(s), "UPDATE password_tokens SET used_at = $3"
			 " WHERE token_hash = $1 AND business_id = $2 AND used_at IS NULL"
			 " AND expires_at > $3 RETURNING user_id", token, business_id, now, user_id);
}

/* --- across businesses: sign-in, grants, the business a session shows ------------- */

static int
pg_user_find_all(store *s, const char *email, store_user *out, int max)
{
	return users_by_email(s, 0, email, out, max);
}

static int
pg_session_find_any(store *s, const char *token, int64_t now, store_session *sess,
		    store_user *user)
{
	pg_params pp = { 0 };
	char hex[STORE_TOKEN_HASH_HEX + 1];
	PGresult *r;
	int found;

	if (!store_user_token_hash('s', token, hex))
		return 0;
	pg_text(&pp, hex);
	pg_int(&pp, now);
	/* the grant of the business shown, if it still holds: a revoked one
	 * leaves the session on its user's own business */
	if ((r = pg_run(pg_of(s), "SELECT " USER_COLS ", x.id, x.expires_at, x.csrf,"
			" coalesce(g.business_id, u.business_id),"
			" CASE WHEN g.user_id IS NULL THEN 0 ELSE 1 END, g.person_id"
			" FROM sessions x JOIN users u ON u.id = x.user_id"
			" LEFT JOIN user_grants g ON g.user_id = u.id"
			"  AND g.business_id = x.shown_business_id"
			" WHERE x.token_hash = $1 AND x.expires_at > $2"
			" AND u.disabled_at IS NULL", &pp)) == NULL)
		return -1;
	if ((found = PQntuples(r) > 0)) {
		user_row(r, 0, 0, user);
		sess->id = pg_get_int(r, 0, 10);
		sess->expires_at = pg_get_int(r, 0, 11);
		copy_col(r, 0, 12, sess->csrf, sizeof sess->csrf);
		sess->business_id = pg_get_int(r, 0, 13);
		if (pg_get_int(r, 0, 14) != 0)
			copy_col(r, 0, 15, user->person, sizeof user->person);
	}
	PQclear(r);
	return found;
}

static int
pg_session_show(store *s, int64_t business_id, int64_t id, int64_t shown)
{
	pg_params pp = { 0 };

	pg_int(&pp, id);
	pg_int(&pp, business_id);
	pg_int(&pp, shown);
	return pg_changed(pg_of(s), "UPDATE sessions SET shown_business_id ="
			  " CASE WHEN $3::bigint = $2::bigint THEN NULL ELSE $3::bigint END"
			  " WHERE id = $1 AND business_id = $2::bigint"
			  " AND ($3::bigint = $2::bigint OR EXISTS (SELECT 1 FROM user_grants g"
			  "  WHERE g.user_id = sessions.user_id AND g.business_id = $3::bigint))",
			  &pp);
}

static int
pg_user_grant(store *s, int64_t business_id, int64_t id, int64_t to, const char *person,
	      int64_t now)
{
	pg_params pp = { 0 };

	pg_int(&pp, id);
	pg_int(&pp, business_id);
	pg_int(&pp, to);
	pg_text(&pp, person && *person ? person : NULL);
	pg_int(&pp, now);
	return pg_changed(pg_of(s), "INSERT INTO user_grants (user_id, business_id, person_id,"
			  " created_at) SELECT u.id, $3::bigint, $4, $5 FROM users u"
			  " WHERE u.id = $1 AND u.business_id = $2 AND u.business_id <> $3::bigint"
			  " ON CONFLICT (user_id, business_id)"
			  " DO UPDATE SET person_id = excluded.person_id", &pp);
}

static int
pg_user_revoke(store *s, int64_t business_id, int64_t id, int64_t from)
{
	pg_store *p = pg_of(s);
	pg_params pp = { 0 };
	int rc;

	pg_int(&pp, id);
	pg_int(&pp, business_id);
	pg_int(&pp, from);
	if ((rc = pg_changed(p, "DELETE FROM user_grants WHERE user_id = $1"
			     " AND business_id = $3 AND EXISTS (SELECT 1 FROM users u"
			     "  WHERE u.id = $1 AND u.business_id = $2)", &pp)) < 0)
		return -1;
	if (pg_run_done(p, "UPDATE sessions SET shown_business_id = NULL WHERE user_id = $1"
			" AND business_id = $2 AND shown_business_id = $3", &pp) < 0)
		return -1;
	return rc;
}

static int
pg_user_grants_read(store *s, int64_t business_id, int64_t id,
		    void (*fn)(void *ctx, int64_t business, const char *person), void *ctx)
{
	pg_params pp = { 0 };
	PGresult *r;
	int n;

	pg_int(&pp, id);
	pg_int(&pp, business_id);
	if ((r = pg_run(pg_of(s), "SELECT g.business_id, g.person_id FROM user_grants g"
			" JOIN users u ON u.id = g.user_id WHERE g.user_id = $1"
			" AND u.business_id = $2 ORDER BY g.business_id", &pp)) == NULL)
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n; i++)
		fn(ctx, pg_get_int(r, i, 0), PQgetisnull(r, i, 1) ? "" : PQgetvalue(r, i, 1));
	PQclear(r);
	return n;
}

static int
pg_pwtoken_find_any(store *s, const char *token, int64_t now, int64_t *business_id,
		    int64_t *user_id)
{
	pg_params pp = { 0 };
	char hex[STORE_TOKEN_HASH_HEX + 1];
	PGresult *r;
	int found;

	if (!store_user_token_hash('p', token, hex))
		return 0;
	pg_text(&pp, hex);
	pg_int(&pp, now);
	if ((r = pg_run(pg_of(s), "SELECT business_id, user_id FROM password_tokens"
			" WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
			&pp)) == NULL)
		return -1;
	if ((found = PQntuples(r) > 0)) {
		*business_id = pg_get_int(r, 0, 0);
		*user_id = pg_get_int(r, 0, 1);
	}
	PQclear(r);
	return found;
}

const store_user_backend store_user_pg = {
	.create = pg_user_create,
	.get = pg_user_get,
	.find = pg_user_find,
	.users_read = pg_users_read,
	.count = pg_user_count,
	.set_password = pg_user_set_password,
	.sign_in_failed = pg_user_sign_in_failed,
	.clear_failures = pg_user_clear_failures,
	.session_create = pg_session_create,
	.session_find = pg_session_find,
	.session_extend = pg_session_extend,
	.session_end = pg_session_end,
	.session_end_all = pg_session_end_all,
	.pwtoken_create = pg_pwtoken_create,
	.pwtoken_find = pg_pwtoken_find,
	.pwtoken_use = pg_pwtoken_use,
	.queue_read = pg_queue_read,
	.task_brief = pg_task_brief,
	.lead_worked_by = pg_lead_worked_by,
	.queue_next = pg_queue_next,
	.queue_page = pg_queue_page,
	.pipeline_read = pg_pipeline_read,
	.team_read = pg_team_read,
	.first_event_read = pg_first_event_read,
	.unattended_read = pg_unattended_read,
	.search_read = pg_search_read,
	.find_all = pg_user_find_all,
	.session_find_any = pg_session_find_any,
	.session_show = pg_session_show,
	.grant = pg_user_grant,
	.revoke = pg_user_revoke,
	.grants_read = pg_user_grants_read,
	.pwtoken_find_any = pg_pwtoken_find_any,
};

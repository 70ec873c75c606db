/*
 * store_user_sqlite.c - the SQLite engine's users, sessions, set-password
 * links (store_user.h) and the web app's reads (store_web.h), as the table
 * store_user_sqlite (store_user_backend.h). Tokens (store_user_token.c): the
 * tables keep only their BLAKE2b hash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "store_common.h"
#include "store_user_backend.h"

static void
copy_col(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	snprintf(buf, len, "%s", v ? (const char *)v : "");
}

#define USER_COLS "u.id, u.business_id, u.email, u.name, u.role, u.person_id," \
	" u.password_hash, u.failed_logins, u.locked_until, u.created_at"

/* Fills u from USER_COLS starting at column c. */
static void
user_row(sqlite3_stmt *st, int c, store_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, c);
	u->business_id = sqlite3_column_int64(st, c + 1);
	copy_col(st, c + 2, u->email, sizeof u->email);
	copy_col(st, c + 3, u->name, sizeof u->name);
	copy_col(st, c + 4, u->role, sizeof u->role);
	copy_col(st, c + 5, u->person, sizeof u->person);
	copy_col(st, c + 6, u->password_hash, sizeof u->password_hash);
	u->failed_logins = sqlite3_column_int(st, c + 7);
	u->locked_until = sqlite3_column_int64(st, c + 8);
	u->created_at = sqlite3_column_int64(st, c + 9);
}

/* Steps a statement expected to return at most one user row. */
static int
one_user(sqlite3_stmt *st, store_user *out)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		user_row(st, 0, out);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
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
sqlite_user_create(store *s, int64_t business_id, const char *email, const char *name,
		  const char *role, const char *person, int64_t now, int64_t *id, char *err,
		  size_t errlen)
{
	static const char *const sql =
		"INSERT INTO users (business_id, email, name, role, person_id, created_at,"
		" updated_at) VALUES (?1, lower(?2), ?3, ?4, ?5, ?6, ?6)"
		" ON CONFLICT (business_id, email) DO NOTHING";
	store_user u;
	sqlite3_stmt *st;

	if (!fits(email, sizeof u.email, "email", err, errlen) ||
	    !fits(name, sizeof u.name, "name", err, errlen) ||
	    !fits(person, sizeof u.person, "person", err, errlen))
		return -1;
	if (!store_user_role_valid(role))
		return snprintf(err, errlen, "role: expected admin, manager, office, sales or "
				"technician"), -1;
	if ((st = store_stmt(s, sql)) == NULL)
		return store_fail(s, err, errlen, "users");
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, email);
	store_bind_text(st, 3, name);
	store_bind_text(st, 4, role);
	store_bind_text(st, 5, person && *person ? person : NULL);
	sqlite3_bind_int64(st, 6, now);
	if (store_step_done(st) < 0)
		return store_fail(s, err, errlen, "saving the user");
	if (sqlite3_changes(s->db) == 0)
		return 1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int
sqlite_user_get(store *s, int64_t business_id, int64_t id, store_user *out)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " USER_COLS " FROM users u WHERE u.id = ?1"
				      " AND u.business_id = ?2 AND u.disabled_at IS NULL");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, business_id);
	return one_user(st, out);
}

/* The sign-in lookup: the enabled users with this email (any case), in
 * business order, at most max - of one business, or of every business when
 * business_id is 0. Returns how many, or -1. */
static int
users_by_email(store *s, int64_t business_id, const char *email, store_user *out, int max)
{
	static const char *const one = "SELECT " USER_COLS " FROM users u"
		" WHERE u.business_id = ?3 AND u.email = lower(?1)"
		" AND u.disabled_at IS NULL LIMIT ?2";
	static const char *const all = "SELECT " USER_COLS " FROM users u"
		" WHERE u.email = lower(?1) AND u.disabled_at IS NULL"
		" ORDER BY u.business_id LIMIT ?2";
	sqlite3_stmt *st = store_stmt(s, business_id != 0 ? one : all);
	int n = 0, rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, email);
	sqlite3_bind_int(st, 2, max);
	if (business_id != 0)
		sqlite3_bind_int64(st, 3, business_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		user_row(st, 0, &out[n++]);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

static int
sqlite_user_find(store *s, int64_t business_id, const char *email, store_user *out)
{
	return users_by_email(s, business_id, email, out, 1);
}

static int
sqlite_users_read(store *s, int64_t business_id, void (*fn)(void *ctx, const store_user *u),
		 void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " USER_COLS " FROM users u"
				      " WHERE u.business_id = ?1 AND u.disabled_at IS NULL"
				      " ORDER BY u.id");
	store_user u;
	int n = 0, rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		user_row(st, 0, &u);
		u.password_hash[0] = '\0';
		fn(ctx, &u);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

static int
sqlite_user_count(store *s, int64_t business_id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM users WHERE business_id = ?1");
	int n = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}

static int
sqlite_user_set_password(store *s, int64_t business_id, int64_t id, const char *hash,
			int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE users SET password_hash = ?3,"
				      " failed_logins = 0, locked_until = 0, updated_at = ?4"
				      " WHERE id = ?1 AND business_id = ?2");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, business_id);
	store_bind_text(st, 3, hash);
	sqlite3_bind_int64(st, 4, now);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

static int
sqlite_user_sign_in_failed(store *s, int64_t business_id, int64_t id, int max,
			  int64_t lock_secs, int64_t now, int64_t *locked_until)
{
	/* One statement, so concurrent failures each count. */
	sqlite3_stmt *st = store_stmt(s, "UPDATE users SET"
				      " locked_until = CASE WHEN failed_logins + 1 >= ?3"
				      "   THEN ?4 + ?5 ELSE locked_until END,"
				      " failed_logins = CASE WHEN failed_logins + 1 >= ?3"
				      "   THEN 0 ELSE failed_logins + 1 END,"
				      " updated_at = ?4"
				      " WHERE id = ?1 AND business_id = ?2"
				      " RETURNING failed_logins, locked_until");
	int rc;

	if (locked_until != NULL)
		*locked_until = 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, business_id);
	sqlite3_bind_int(st, 3, max);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, lock_secs);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && locked_until != NULL && sqlite3_column_int(st, 0) == 0 &&
	    sqlite3_column_int64(st, 1) > now)
		*locked_until = sqlite3_column_int64(st, 1);
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
sqlite_user_clear_failures(store *s, int64_t business_id, int64_t id, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE users SET failed_logins = 0, locked_until = 0,"
				      " updated_at = ?3 WHERE id = ?1 AND business_id = ?2"
				      " AND (failed_logins != 0 OR locked_until != 0)");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, business_id);
	sqlite3_bind_int64(st, 3, now);
	return store_step_done(st);
}

/* --- sessions --------------------------------------------------------------------- */

static int
sqlite_session_create(store *s, int64_t business_id, int64_t user_id, int64_t now, int64_t ttl,
		     char *token, char *csrf, char *err, size_t errlen)
{
	sqlite3_stmt *purge = store_stmt(s, "DELETE FROM sessions WHERE business_id = ?1"
					 " AND expires_at <= ?2");
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO sessions (business_id, user_id, token_hash,"
				      " csrf, created_at, expires_at)"
				      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	char hex[STORE_TOKEN_HASH_HEX + 1], secret[STORE_CSRF_LEN];

	if (purge == NULL || st == NULL)
		return store_fail(s, err, errlen, "sessions");
	sqlite3_bind_int64(purge, 1, business_id);
	sqlite3_bind_int64(purge, 2, now);
	if (store_step_done(purge) < 0)
		return store_fail(s, err, errlen, "removing expired sessions");
	if (store_user_token_new('s', token) < 0 || !store_user_token_hash('s', token, hex))
		return snprintf(err, errlen, "libsodium failed to start"), -1;
	if (store_csrf_new(secret) < 0)
		return snprintf(err, errlen, "libsodium failed to start"), -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int64(st, 2, user_id);
	store_bind_text(st, 3, hex);
	store_bind_text(st, 4, secret);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now + ttl);
	if (store_step_done(st) < 0)
		return store_fail(s, err, errlen, "saving the session");
	if (csrf != NULL)
		memcpy(csrf, secret, STORE_CSRF_LEN);
	return 0;
}

static int
sqlite_session_find(store *s, int64_t business_id, const char *token, int64_t now,
		   store_session *sess, store_user *user)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " USER_COLS ", x.id, x.expires_at, x.csrf"
				      " FROM sessions x JOIN users u ON u.id = x.user_id"
				      " WHERE x.token_hash = ?1 AND x.business_id = ?2"
				      " AND x.expires_at > ?3 AND u.disabled_at IS NULL");
	char hex[STORE_TOKEN_HASH_HEX + 1];
	int rc;

	if (!store_user_token_hash('s', token, hex))
		return 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, hex);
	sqlite3_bind_int64(st, 2, business_id);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		user_row(st, 0, user);
		sess->id = sqlite3_column_int64(st, 10);
		sess->expires_at = sqlite3_column_int64(st, 11);
		copy_col(st, 12, sess->csrf, sizeof sess->csrf);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int
sqlite_session_extend(store *s, int64_t business_id, int64_t id, int64_t expires_at)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE sessions SET expires_at = ?3"
				      " WHERE id = ?1 AND business_id = ?2");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, business_id);
	sqlite3_bind_int64(st, 3, expires_at);
	return store_step_done(st);
}

static int
sqlite_session_end(store *s, int64_t business_id, const char *token)
{
	sqlite3_stmt *st = store_stmt(s, "DELETE FROM sessions WHERE token_hash = ?1"
				      " AND business_id = ?2");
	char hex[STORE_TOKEN_HASH_HEX + 1];

	if (!store_user_token_hash('s', token, hex))
		return 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, hex);
	sqlite3_bind_int64(st, 2, business_id);
	return store_step_done(st);
}

static int
sqlite_session_end_all(store *s, int64_t business_id, int64_t user_id)
{
	sqlite3_stmt *st = store_stmt(s, "DELETE FROM sessions WHERE user_id = ?1"
				      " AND business_id = ?2");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, business_id);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db);
}

/* --- set-password links -------------------------------------------------------------- */

static int
sqlite_pwtoken_create(store *s, int64_t business_id, int64_t user_id, int64_t now, int64_t ttl,
		     char *token, char *err, size_t errlen)
{
	sqlite3_stmt *old = store_stmt(s, "UPDATE password_tokens SET used_at = ?3"
				       " WHERE user_id = ?1 AND business_id = ?2"
				       " AND used_at IS NULL");
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO password_tokens (business_id, user_id,"
				      " token_hash, created_at, expires_at)"
				      " VALUES (?1, ?2, ?3, ?4, ?5)");
	char hex[STORE_TOKEN_HASH_HEX + 1];

	if (old == NULL || st == NULL)
		return store_fail(s, err, errlen, "set-password links");
	sqlite3_bind_int64(old, 1, user_id);
	sqlite3_bind_int64(old, 2, business_id);
	sqlite3_bind_int64(old, 3, now);
	if (store_step_done(old) < 0)
		return store_fail(s, err, errlen, "retiring older links");
	if (store_user_token_new('p', token) < 0 || !store_user_token_hash('p', token, hex))
		return snprintf(err, errlen, "libsodium failed to start"), -1;
	sqlite3_bind_int64(st, 1, business_id);
	sqlite3_bind_int64(st, 2, user_id);
	store_bind_text(st, 3, hex);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now + ttl);
	if (store_step_done(st) < 0)
		return store_fail(s, err, errlen, "saving the link");
	return 0;
}

static int
sqlite_pwtoken_find(store *s, int64_t business_id, const char *token, int64_t now,
		   int64_t *user_id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT user_id FROM password_tokens"
				      " WHERE token_hash = ?1 AND business_id = ?2"
				      " AND used_at IS NULL AND expires_at > ?3");
	char hex[STORE_TOKEN_HASH_HEX + 1];
	int rc;

	if (!store_user_token_hash('p', token, hex))
		return 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, hex);
	sqlite3_bind_int64(st, 2, business_id);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*user_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int
sqlite_pwtoken_use(store *s, int64_t business_id, const char *token, int64_t now,
		  int64_t *user_id)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE password_tokens SET used_at = ?3"
				      " WHERE token_hash = ?1 AND business_id = ?2"
				      " AND used_at IS NULL AND expires_at > ?3"
				      " RETURNING user_id");
	char hex[STORE_TOKEN_HASH_HEX + 1];
	int rc;

	if (!store_user_token_hash('p', token, hex))
		return 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, hex);
	sqlite3_bind_int64(st, 2, business_id);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*user_id = sqlite3_column_int64(st, 0);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = SQLITE_ERROR;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* --- across businesses: sign-in, grants, the business a session shows ------------- */

static int
sqlite_user_find_all(store *s, const char *email, store_user *out, int max)
{
	return users_by_email(s, 0, email, out, max);
}

static int
sqlite_session_find_any(store *s, const char *token, int64_t now, store_session *sess,
			store_user *user)
{
	/* the grant of the business shown, if it still holds: a revoked one
	 * leaves the session on its user's own business */
	sqlite3_stmt *st = store_stmt(s, "SELECT " USER_COLS ", x.id, x.expires_at, x.csrf,"
				      " coalesce(g.business_id, u.business_id),"
				      " g.user_id IS NOT NULL, g.person_id"
				      " FROM sessions x JOIN users u ON u.id = x.user_id"
				      " LEFT JOIN user_grants g ON g.user_id = u.id"
				      "  AND g.business_id = x.shown_business_id"
				      " WHERE x.token_hash = ?1 AND x.expires_at > ?2"
				      " AND u.disabled_at IS NULL");
	char hex[STORE_TOKEN_HASH_HEX + 1];
	int rc;

	if (!store_user_token_hash('s', token, hex))
		return 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, hex);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		user_row(st, 0, user);
		sess->id = sqlite3_column_int64(st, 10);
		sess->expires_at = sqlite3_column_int64(st, 11);
		copy_col(st, 12, sess->csrf, sizeof sess->csrf);
		sess->business_id = sqlite3_column_int64(st, 13);
		if (sqlite3_column_int(st, 14) != 0)
			copy_col(st, 15, user->person, sizeof user->person);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int
sqlite_session_show(store *s, int64_t business_id, int64_t id, int64_t shown)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE sessions SET shown_business_id ="
				      " CASE WHEN ?3 = ?2 THEN NULL ELSE ?3 END"
				      " WHERE id = ?1 AND business_id = ?2 AND (?3 = ?2 OR EXISTS"
				      " (SELECT 1 FROM user_grants g WHERE g.user_id = sessions.user_id"
				      "  AND g.business_id = ?3))");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, business_id);
	sqlite3_bind_int64(st, 3, shown);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

static int
sqlite_user_grant(store *s, int64_t business_id, int64_t id, int64_t to, const char *person,
		  int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO user_grants (user_id, business_id,"
				      " person_id, created_at)"
				      " SELECT u.id, ?3, ?4, ?5 FROM users u WHERE u.id = ?1"
				      " AND u.business_id = ?2 AND u.business_id != ?3"
				      " ON CONFLICT (user_id, business_id)"
				      " DO UPDATE SET person_id = excluded.person_id");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, business_id);
	sqlite3_bind_int64(st, 3, to);
	store_bind_text(st, 4, person && *person ? person : NULL);
	sqlite3_bind_int64(st, 5, now);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

static int
sqlite_user_revoke(store *s, int64_t business_id, int64_t id, int64_t from)
{
	sqlite3_stmt *del = store_stmt(s, "DELETE FROM user_grants WHERE user_id = ?1"
				       " AND business_id = ?3 AND EXISTS (SELECT 1 FROM users u"
				       "  WHERE u.id = ?1 AND u.business_id = ?2)");
	sqlite3_stmt *back = store_stmt(s, "UPDATE sessions SET shown_business_id = NULL"
					" WHERE user_id = ?1 AND business_id = ?2"
					" AND shown_business_id = ?3");
	int n;

	if (del == NULL || back == NULL)
		return -1;
	sqlite3_bind_int64(del, 1, id);
	sqlite3_bind_int64(del, 2, business_id);
	sqlite3_bind_int64(del, 3, from);
	if (store_step_done(del) < 0)
		return -1;
	n = sqlite3_changes(s->db);
	sqlite3_bind_int64(back, 1, id);
	sqlite3_bind_int64(back, 2, business_id);
	sqlite3_bind_int64(back, 3, from);
	if (store_step_done(back) < 0)
		return -1;
	return n > 0 ? 1 : 0;
}

static int
sqlite_user_grants_read(store *s, int64_t business_id, int64_t id,
			void (*fn)(void *ctx, int64_t business, const char *person), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT g.business_id, g.person_id FROM user_grants g"
				      " JOIN users u ON u.id = g.user_id"
				      " WHERE g.user_id = ?1 AND u.business_id = ?2"
				      " ORDER BY g.business_id");
	int n = 0, rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, business_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *p = sqlite3_column_text(st, 1);

		fn(ctx, sqlite3_column_int64(st, 0), p ? (const char *)p : "");
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

static int
sqlite_pwtoken_find_any(store *s, const char *token, int64_t now, int64_t *business_id,
			int64_t *user_id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT business_id, user_id FROM password_tokens"
				      " WHERE token_hash = ?1 AND used_at IS NULL"
				      " AND expires_at > ?2");
	char hex[STORE_TOKEN_HASH_HEX + 1];
	int rc;

	if (!store_user_token_hash('p', token, hex))
		return 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, hex);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*business_id = sqlite3_column_int64(st, 0);
		*user_id = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* --- the web app's reads (store_web.h) --------------------------------------------- */

#define QUEUE_COLS "t.id, t.lead_id, t.verb, t.title, t.assignee, t.due_at, t.created_at," \
	" l.name, l.phone, l.email, l.source, l.kind, l.service, l.stage, l.owner, l.flags," \
	" l.sms_opt_out, l.email_opt_out, e.type, e.text, e.at, " STORE_IS_NEW_SQL ", ack.body"
/* the newest event of the lead: one probe of events_by_lead; the first
 * message of the lead, when it is the acknowledgment to the lead (intake
 * queues it first): one probe of outbox_by_lead and one row */
#define QUEUE_FROM " FROM tasks t JOIN leads l ON l.id = t.lead_id" \
	" LEFT JOIN events e ON e.id = (SELECT max(id) FROM events WHERE lead_id = t.lead_id)" \
	" LEFT JOIN outbox ack ON ack.id = (SELECT min(id) FROM outbox WHERE lead_id = t.lead_id)" \
	"  AND ack.purpose = 'ack' AND ack.person IS NULL"

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static void
queue_row(sqlite3_stmt *st, store_queue_row *r)
{
	*r = (store_queue_row){
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
		.is_new = sqlite3_column_int(st, 21) != 0,
		.promise = col(st, 22),
	};
}

static int
sqlite_queue_read(store *s, int64_t business_id, const char *assignee, int limit,
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
	store_bind_human_types(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_queue_row r;

		queue_row(st, &r);
		fn(ctx, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
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
		"SELECT " QUEUE_COLS QUEUE_FROM " WHERE t.business_id = ?1 AND t.state = 'open'"
		" AND t.assignee = ?2 AND (t.due_at > ?3 OR (t.due_at = ?3 AND t.id > ?4))"
		" AND t.due_at <= ?5 ORDER BY t.due_at, t.id LIMIT ?6";
	static const char *const all =
		"SELECT " QUEUE_COLS QUEUE_FROM " WHERE t.business_id = ?1 AND t.state = 'open'"
		" AND ?2 IS NULL AND (t.due_at > ?3 OR (t.due_at = ?3 AND t.id > ?4))"
		" AND t.due_at <= ?5 ORDER BY t.due_at, t.id LIMIT ?6";
	sqlite3_stmt *st = store_stmt(s, assignee ? one : all);
	int n = 0, rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, assignee);
	sqlite3_bind_int64(st, 3, after_due);
	sqlite3_bind_int64(st, 4, after_id);
	sqlite3_bind_int64(st, 5, until);
	sqlite3_bind_int(st, 6, limit);
	store_bind_human_types(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_queue_row r;

		queue_row(st, &r);
		fn(ctx, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

static int
sqlite_queue_next(store *s, int64_t business_id, const char *assignee, int64_t after_due,
		  int64_t after_id, int64_t until, void (*fn)(void *ctx, const store_queue_row *r),
		  void *ctx)
{
	return queue_after(s, business_id, assignee, after_due, after_id, until, 1, fn, ctx);
}

static int
sqlite_queue_page(store *s, int64_t business_id, const char *assignee, int64_t after_due,
		  int64_t after_id, int limit, void (*fn)(void *ctx, const store_queue_row *r),
		  void *ctx)
{
	return queue_after(s, business_id, assignee, after_due, after_id, INT64_MAX,
			   limit > 0 ? limit : 100, fn, ctx);
}

static int
sqlite_lead_worked_by(store *s, int64_t business_id, int64_t lead_id, const char *person)
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

static int
sqlite_task_brief(store *s, int64_t business_id, int64_t task_id, int64_t *lead_id, char *verb,
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

const store_user_backend store_user_sqlite = {
	.create = sqlite_user_create,
	.get = sqlite_user_get,
	.find = sqlite_user_find,
	.users_read = sqlite_users_read,
	.count = sqlite_user_count,
	.set_password = sqlite_user_set_password,
	.sign_in_failed = sqlite_user_sign_in_failed,
	.clear_failures = sqlite_user_clear_failures,
	.session_create = sqlite_session_create,
	.session_find = sqlite_session_find,
	.session_extend = sqlite_session_extend,
	.session_end = sqlite_session_end,
	.session_end_all = sqlite_session_end_all,
	.pwtoken_create = sqlite_pwtoken_create,
	.pwtoken_find = sqlite_pwtoken_find,
	.pwtoken_use = sqlite_pwtoken_use,
	.queue_read = sqlite_queue_read,
	.task_brief = sqlite_task_brief,
	.lead_worked_by = sqlite_lead_worked_by,
	.queue_next = sqlite_queue_next,
	.queue_page = sqlite_queue_page,
	.pipeline_read = sqlite_pipeline_read,
	.team_read = sqlite_team_read,
	.first_event_read = sqlite_first_event_read,
	.unattended_read = sqlite_unattended_read,
	.search_read = sqlite_search_read,
	.find_all = sqlite_user_find_all,
	.session_find_any = sqlite_session_find_any,
	.session_show = sqlite_session_show,
	.grant = sqlite_user_grant,
	.revoke = sqlite_user_revoke,
	.grants_read = sqlite_user_grants_read,
	.pwtoken_find_any = sqlite_pwtoken_find_any,
};

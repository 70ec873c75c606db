/*
 * store_user.h - the staff web app's accounts: users (linked to a person of
 * the rules), their sign-in sessions and one-time set-password links. The
 * store keeps rows and hashes only: a session or link token is shown once
 * to its holder and only its BLAKE2b hash is stored (256 random bits need no
 * slow hash); passwords arrive already hashed (argon2id, by src/web/).
 * Who may see what is decided by the web app, not here.
 * Prepared SQL only; callers hold the transaction where one is needed.
 */
#ifndef LK_STORE_USER_H
#define LK_STORE_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* A session or set-password token: a letter, '_', 43 base64url characters. */
#define STORE_SECRET_LEN 48
/* A session's CSRF secret: 64 hex digits. */
#define STORE_CSRF_LEN 65

/* admin, manager, office, sales, technician. */
bool store_user_role_valid(const char *role);

typedef struct {
	int64_t id;
	int64_t business_id;
	char email[256];	/* lower-cased */
	char name[128];
	char role[16];
	char person[64];	/* the rules' person id, "" = none */
	char password_hash[128]; /* crypto_pwhash_str form, "" = none set yet */
	int failed_logins;	/* failed sign-ins since the last success or lockout */
	int64_t locked_until;	/* 0 = not locked */
	int64_t created_at;
} store_user;

/*
 * A user without a password. email is stored lower-cased; person may be NULL.
 * Returns 0 (*id set), 1 when the business already has a user with this
 * email, -1 on a storage error (err set). Strings longer than the fields of
 * store_user are refused as -1 with err naming the field.
 */
int store_user_create(store *s, int64_t business_id, const char *email, const char *name,
		      const char *role, const char *person, int64_t now, int64_t *id, char *err,
		      size_t errlen);

/* The user with this id / email (any case). 1 found, 0 none, -1 error.
 * Disabled users are never found. */
int store_user_get(store *s, int64_t business_id, int64_t id, store_user *out);
int store_user_find(store *s, int64_t business_id, const char *email, store_user *out);

/* Sign-in across businesses: the enabled users with this email (any case)
 * in every business, by business id, into out[max]. How many were found
 * (more than max are not returned: at most max), or -1. */
int store_user_find_all(store *s, const char *email, store_user *out, int max);

/* The business's users by id (password_hash left empty). How many, or -1. */
int store_users_read(store *s, int64_t business_id,
		     void (*fn)(void *ctx, const store_user *u), void *ctx);

/* How many users the business has, or -1. */
int store_user_count(store *s, int64_t business_id);

/* Sets the password hash and clears failed sign-ins and any lockout. 1 done,
 * 0 no such user, -1 error. */
int store_user_set_password(store *s, int64_t business_id, int64_t id, const char *hash,
			    int64_t now);

/*
 * Counts a failed sign-in. The max-th in a row locks the account until
 * now + lock_secs and starts the count again; *locked_until (may be NULL)
 * gets the lock's end, 0 when this failure did not lock. 0 / -1.
 */
int store_user_sign_in_failed(store *s, int64_t business_id, int64_t id, int max,
			      int64_t lock_secs, int64_t now, int64_t *locked_until);

/* A successful sign-in: failed sign-ins and the lockout are cleared. 0 / -1. */
int store_user_sign_in_ok(store *s, int64_t business_id, int64_t id, int64_t now);

/* Clears the lockout and the failed count (`leadkeep user link`). 0 / -1. */
int store_user_unlock(store *s, int64_t business_id, int64_t id, int64_t now);

/* --- sessions ----------------------------------------------------------------- */

typedef struct {
	int64_t id;
	int64_t expires_at;
	char csrf[STORE_CSRF_LEN];
	/* The business the session shows: its user's own, or one granted to
	 * them (store_session_show); a grant revoked since: the user's own. */
	int64_t business_id;
} store_session;

/*
 * A new session of user id until now + ttl: its token (shown once, for the
 * cookie) into token[STORE_SECRET_LEN], its CSRF secret into
 * csrf[STORE_CSRF_LEN] (may be NULL). Expired sessions of the business are
 * deleted on the way. 0 / -1 (err set).
 */
int store_session_create(store *s, int64_t business_id, int64_t user_id, int64_t now,
			 int64_t ttl, char *token, char *csrf, char *err, size_t errlen);

/* The unexpired session holding token and its (enabled) user. 1 found, 0 none
 * (unknown, malformed, expired), -1 error. */
int store_session_find(store *s, int64_t business_id, const char *token, int64_t now,
		       store_session *sess, store_user *user);

/* The unexpired session holding token, whatever the business (the cookie
 * names none): sess->business_id the business it shows, user its (enabled)
 * user with person set to who they are in that business (the grant's
 * person in a granted one, "" for none). 1 found, 0 none, -1 error. */
int store_session_find_any(store *s, const char *token, int64_t now, store_session *sess,
			   store_user *user);

/* Makes session id (of a user of business_id) show business `shown`: the
 * user's own or one granted to them. 1 done, 0 when neither (or no such
 * session), -1 error. */
int store_session_show(store *s, int64_t business_id, int64_t id, int64_t shown);

/* Moves session id's expiry to expires_at. 0 / -1. */
int store_session_extend(store *s, int64_t business_id, int64_t id, int64_t expires_at);

/* Ends the session holding token (sign out). 0 / -1. */
int store_session_end(store *s, int64_t business_id, const char *token);

/* Ends every session of the user (sign out everywhere, a new password).
 * How many ended, or -1. */
int store_session_end_all(store *s, int64_t business_id, int64_t user_id);

/* --- grants: a user of one business working others too (agency admins) ---------- */

/* Lets user id of business_id work business `to` too, as person (NULL =
 * none) of to's rules; again for a granted business: its person is
 * replaced. 1 done, 0 no such user (or `to` is the user's own), -1 error. */
int store_user_grant(store *s, int64_t business_id, int64_t id, int64_t to,
		     const char *person, int64_t now);

/* Takes business `from` away from user id of business_id; their sessions
 * showing it show their own business from their next request. 1 done, 0
 * not granted, -1 error. */
int store_user_revoke(store *s, int64_t business_id, int64_t id, int64_t from);

/* The businesses granted to user id of business_id, by business id: each to
 * fn with its person ("" = none). How many, or -1. */
int store_user_grants_read(store *s, int64_t business_id, int64_t id,
			   void (*fn)(void *ctx, int64_t business, const char *person),
			   void *ctx);

/* --- one-time set-password links -------------------------------------------------- */

/* A token for user id valid until now + ttl into token[STORE_SECRET_LEN].
 * Earlier unused tokens of the user stop working. 0 / -1 (err set). */
int store_pwtoken_create(store *s, int64_t business_id, int64_t user_id, int64_t now,
			 int64_t ttl, char *token, char *err, size_t errlen);

/* Whether token is unused and unexpired: 1 (*user_id set), 0 not, -1 error. */
int store_pwtoken_find(store *s, int64_t business_id, const char *token, int64_t now,
		       int64_t *user_id);

/* store_pwtoken_find whatever the business (the link names none): 1 with
 * *business_id (its user's) and *user_id set, 0 not valid, -1 error. */
int store_pwtoken_find_any(store *s, const char *token, int64_t now, int64_t *business_id,
			   int64_t *user_id);

/* Uses token up (once: a second use, even concurrent, gets 0). 1 (*user_id
 * set), 0 unknown / used / expired, -1 error. */
int store_pwtoken_use(store *s, int64_t business_id, const char *token, int64_t now,
		      int64_t *user_id);

#endif

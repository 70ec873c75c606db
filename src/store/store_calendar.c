/*
 * store_calendar.c - calendar feed tokens (see store.h): one live token per
 * person; only BLAKE2b(token) is kept, looked up by that hash. A token is
 * 32 random bytes in base64url (43 characters), so a fast hash suffices.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "store_internal.h"

int
store_cal_token_make(char *token, char hex[STORE_TOKEN_HASH_HEX + 1])
{
	unsigned char secret[32];

	if (sodium_init() < 0)
		return -1;
	randombytes_buf(secret, sizeof secret);
	sodium_bin2base64(token, STORE_CAL_TOKEN_LEN, secret, sizeof secret,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(secret, sizeof secret);
	store_secret_hash(token, hex);
	return 0;
}

int
sqlite_calendar_revoke(store *s, int64_t business_id, const char *person, int64_t now)
{
	static const char *const sql =
		"UPDATE calendar_tokens SET revoked_at = ?3"
		" WHERE business_id = ?1 AND person = ?2 AND revoked_at IS NULL";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, person);
	sqlite3_bind_int64(st, 3, now);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

int
sqlite_calendar_token(store *s, int64_t business_id, const char *person, int64_t now,
		      char *token, char *err, size_t errlen)
{
	static const char *const sql =
		"INSERT INTO calendar_tokens (business_id, person, hash, created_at)"
		" VALUES (?1, ?2, ?3, ?4)";
	char hex[STORE_TOKEN_HASH_HEX + 1];
	sqlite3_stmt *st;

	if (store_cal_token_make(token, hex) < 0)
		return snprintf(err, errlen, "libsodium failed to start"), -1;
	if (sqlite_calendar_revoke(s, business_id, person, now) < 0)
		return store_fail(s, err, errlen, "revoking the old calendar address");
	if ((st = store_stmt(s, sql)) == NULL)
		return store_fail(s, err, errlen, "calendar tokens");
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, person);
	store_bind_text(st, 3, hex);
	sqlite3_bind_int64(st, 4, now);
	if (store_step_done(st) < 0)
		return store_fail(s, err, errlen, "saving the calendar token");
	return 0;
}

int
sqlite_calendar_check(store *s, const char *token, int64_t *business_id, char *person,
		      size_t personlen)
{
	static const char *const sql =
		"SELECT business_id, person FROM calendar_tokens"
		" WHERE hash = ?1 AND revoked_at IS NULL";
	char hex[STORE_TOKEN_HASH_HEX + 1];
	sqlite3_stmt *st;
	int rc;

	if (token == NULL || strlen(token) != STORE_CAL_TOKEN_LEN - 1)
		return 0;
	store_secret_hash(token, hex);
	if ((st = store_stmt(s, sql)) == NULL)
		return -1;
	store_bind_text(st, 1, hex);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*business_id = sqlite3_column_int64(st, 0);
		snprintf(person, personlen, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

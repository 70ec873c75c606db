/*
 * store_api.c - API tokens, idempotency records and a task's state (see
 * store_api.h). Tokens: "lk_" + 12 hex (the lookup prefix) + "_" + 43
 * base64url characters (256 random bits); the table keeps the prefix and
 * BLAKE2b(token) in hex. A fast hash is enough for 256-bit random secrets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store_api.h"
#include "store_internal.h"
#include "store_common.h"

#define PREFIX_HEX STORE_TOKEN_PREFIX_HEX
_Static_assert(STORE_TOKEN_HASH_HEX == crypto_generichash_BYTES * 2, "hash size");

bool
store_role_valid(const char *role)
{
	return role != NULL && (strcmp(role, STORE_ROLE_ADMIN) == 0 ||
				strcmp(role, STORE_ROLE_STAFF) == 0 ||
				strcmp(role, STORE_ROLE_INTAKE) == 0);
}

void
store_secret_hash(const char *token, char hex[STORE_TOKEN_HASH_HEX + 1])
{
	unsigned char h[crypto_generichash_BYTES];

	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(hex, crypto_generichash_BYTES * 2 + 1, h, sizeof h);
}

int
store_token_make(char *token, char prefix[STORE_TOKEN_PREFIX_HEX + 1],
		 char hex[STORE_TOKEN_HASH_HEX + 1])
{
	unsigned char rnd[6], secret[32];
	char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

	if (sodium_init() < 0)
		return -1;
	randombytes_buf(rnd, sizeof rnd);
	randombytes_buf(secret, sizeof secret);
	sodium_bin2hex(prefix, STORE_TOKEN_PREFIX_HEX + 1, rnd, sizeof rnd);
	sodium_bin2base64(b64, sizeof b64, secret, sizeof secret,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(token, STORE_TOKEN_LEN, "lk_%s_%s", prefix, b64);
	sodium_memzero(secret, sizeof secret);
	store_secret_hash(token, hex);
	return 0;
}

int
store_token_prefix(const char *token, char prefix[STORE_TOKEN_PREFIX_HEX + 1])
{
	if (token == NULL || strncmp(token, "lk_", 3) != 0 || strlen(token) < 3 + PREFIX_HEX + 2 ||
	    strlen(token) >= STORE_TOKEN_LEN || token[3 + PREFIX_HEX] != '_')
		return -1;
	memcpy(prefix, token + 3, PREFIX_HEX);
	prefix[PREFIX_HEX] = '\0';
	return 0;
}

bool
store_token_matches(const char *token, const char *stored)
{
	char hex[STORE_TOKEN_HASH_HEX + 1];

	if (sodium_init() < 0 || stored == NULL)
		return false;
	store_secret_hash(token, hex);
	return strlen(stored) == strlen(hex) && sodium_memcmp(stored, hex, strlen(hex)) == 0;
}

int
sqlite_token_create(store *s, int64_t business_id, const char *name, const char *role,
		   int64_t now, char *token, int64_t *id, char *err, size_t errlen)
{
	static const char *const sql =
		"INSERT INTO api_tokens (business_id, name, role, prefix, hash, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	char prefix[PREFIX_HEX + 1], hex[STORE_TOKEN_HASH_HEX + 1];
	sqlite3_stmt *st;

	if (!store_role_valid(role))
		return snprintf(err, errlen, "role: expected admin, staff or intake"), -1;
	if (store_token_make(token, prefix, hex) < 0)
		return snprintf(err, errlen, "libsodium failed to start"), -1;
	if ((st = store_stmt(s, sql)) == NULL)
		return store_fail(s, err, errlen, "api tokens");
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, role);
	store_bind_text(st, 4, prefix);
	store_bind_text(st, 5, hex);
	sqlite3_bind_int64(st, 6, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_fail(s, err, errlen, "saving the token");
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
sqlite_token_check(store *s, const char *token, int64_t *business_id, int64_t *token_id,
		  char *role, size_t rolelen)
{
	static const char *const sql =
		"SELECT id, business_id, role, hash FROM api_tokens"
		" WHERE prefix = ?1 AND revoked_at IS NULL";
	char prefix[PREFIX_HEX + 1];
	sqlite3_stmt *st;
	int rc, ok = 1;

	if (store_token_prefix(token, prefix) < 0)
		return 1;
	if (sodium_init() < 0 || (st = store_stmt(s, sql)) == NULL)
		return -1;
	store_bind_text(st, 1, prefix);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	if (store_token_matches(token, (const char *)sqlite3_column_text(st, 3))) {
		*token_id = sqlite3_column_int64(st, 0);
		*business_id = sqlite3_column_int64(st, 1);
		snprintf(role, rolelen, "%s", (const char *)sqlite3_column_text(st, 2));
		ok = 0;
	}
	sqlite3_reset(st);
	return ok;
}

int
sqlite_token_revoke(store *s, int64_t business_id, int64_t id, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE api_tokens SET revoked_at = ?3"
				      " WHERE id = ?1 AND business_id = ?2 AND revoked_at IS NULL");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, business_id);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

/* --- idempotency: body column holds {"h": request hash, "r": response} ---- */

int
store_idem_unpack(const char *text, const char *req_hash, char **body, bool *same)
{
	json_t *rec = text ? json_loads(text, 0, NULL) : NULL, *r;
	const char *h;

	r = json_object_get(rec, "r");
	h = json_string_value(json_object_get(rec, "h"));
	*same = req_hash == NULL || (h != NULL && strcmp(h, req_hash) == 0);
	*body = r ? json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) : NULL;
	json_decref(rec);
	if (*body == NULL)
		*body = strdup("{}");
	return *body ? 1 : -1;
}

char *
store_idem_record(const char *req_hash, const char *body)
{
	json_t *r = body ? json_loads(body, JSON_DECODE_ANY, NULL) : json_null();
	json_t *rec = json_pack("{s:s?,s:o}", "h", req_hash, "r", r ? r : json_null());
	char *txt = rec ? json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(rec);
	return txt;
}

int
sqlite_idem_get(store *s, int64_t business_id, const char *key, const char *req_hash,
	       int *status, char **body, bool *same)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT status, body FROM idempotency_keys"
				      " WHERE business_id = ?1 AND key = ?2");
	int rc;

	*body = NULL;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, key);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	*status = sqlite3_column_int(st, 0);
	rc = store_idem_unpack((const char *)sqlite3_column_text(st, 1), req_hash, body, same);
	sqlite3_reset(st);
	return rc;
}

int
sqlite_idem_put(store *s, int64_t business_id, const char *key, const char *req_hash,
	       int status, const char *body, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT OR REPLACE INTO idempotency_keys"
				      " (business_id, key, status, body, created_at)"
				      " VALUES (?1, ?2, ?3, ?4, ?5)");
	char *txt = store_idem_record(req_hash, body);
	int rc;

	if (st == NULL || txt == NULL) {
		free(txt);
		return -1;
	}
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, key);
	sqlite3_bind_int(st, 3, status);
	store_bind_text(st, 4, txt);
	sqlite3_bind_int64(st, 5, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	free(txt);
	return rc;
}

/* --- tasks -------------------------------------------------------------------- */

int
sqlite_task_state(store *s, int64_t business_id, int64_t task_id, char *buf, size_t len)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT state FROM tasks WHERE id = ?1"
				      " AND business_id = ?2");
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, task_id);
	sqlite3_bind_int64(st, 2, business_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/*
 * store_api.h - what the HTTP API needs of the store beyond leads and
 * decisions: API tokens (only a hash is kept), idempotency records for
 * retried POSTs and webhooks, a task's state. Every change to a lead is a
 * decision applied by store_apply() (see src/flow/flow.h).
 * Prepared SQL only; callers hold the transaction where one is needed.
 */
#ifndef LK_STORE_API_H
#define LK_STORE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store.h"

/* --- API tokens --------------------------------------------------------- */

#define STORE_TOKEN_LEN 64	/* buffer for a token: "lk_" + 12 + "_" + 43 + NUL fits */

/* Roles, most powerful first. */
#define STORE_ROLE_ADMIN "admin"	/* everything */
#define STORE_ROLE_STAFF "staff"	/* work leads and tasks */
#define STORE_ROLE_INTAKE "intake"	/* create leads only */

/* True for admin, staff, intake. */
bool store_role_valid(const char *role);

/*
 * Creates a token for the business: writes the secret (shown once, never
 * stored) to token (STORE_TOKEN_LEN bytes) and its row id to *id. Stores
 * only a BLAKE2b hash and the public prefix used to find it. 0 / -1 (err).
 */
int store_token_create(store *s, int64_t business_id, const char *name, const char *role,
		       int64_t now, char *token, int64_t *id, char *err, size_t errlen);

/* Who holds token: fills the business, token id and role (rolelen bytes).
 * Returns 0 valid, 1 unknown / revoked / malformed, -1 storage error. The
 * hash compare is constant time. */
int store_token_check(store *s, const char *token, int64_t *business_id, int64_t *token_id,
		      char *role, size_t rolelen);

/* Revokes token id. 1 revoked, 0 no such active token, -1 error. */
int store_token_revoke(store *s, int64_t business_id, int64_t id, int64_t now);

/* --- idempotency ---------------------------------------------------------- */

/*
 * The recorded result for key: 1 found (status, *body - caller frees - and
 * *same = whether req_hash matches the first request), 0 none, -1 error.
 * req_hash may be NULL (webhook dedupe: same is then always true).
 */
int store_idem_get(store *s, int64_t business_id, const char *key, const char *req_hash,
		   int *status, char **body, bool *same);

/* Records key's result in the current transaction. 0 / -1. */
int store_idem_put(store *s, int64_t business_id, const char *key, const char *req_hash,
		   int status, const char *body, int64_t now);

/* --- tasks ------------------------------------------------------------------ */

/* The state of task task_id ("open", "done"...) into buf; 1 found, 0 none, -1. */
int store_task_state(store *s, int64_t business_id, int64_t task_id, char *buf, size_t len);

#endif

/*
 * store_api.h - what the HTTP API needs of the store beyond leads and
 * decisions: API tokens (only a hash is kept), idempotency records for
 * retried POSTs and webhooks, contact-field updates and task snoozing.
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

/* --- lead contact fields -------------------------------------------------- */

/* New values; NULL = unchanged. Strings borrowed. */
typedef struct {
	const char *name;
	const char *phone;
	const char *email;
	const char *service;
	const char *message;
	const char *neighbourhood;
	unsigned flags;		/* the lead's new LEAD_* contact flags */
	const char *actor;
	const char *summary;	/* timeline text, e.g. "Contact details updated: phone" */
} store_lead_update;

/* Updates lead id's contact fields and records a lead.updated event.
 * 1 updated, 0 no such lead, -1 error. */
int store_lead_update_contact(store *s, int64_t business_id, int64_t id,
			      const store_lead_update *u, int64_t now);

/* The lead's phone, email and flags as stored (strings malloc'd, caller
 * frees). 1 found, 0 none, -1 error. */
int store_lead_contact(store *s, int64_t business_id, int64_t id, char **phone, char **email,
		       unsigned *flags);

/* --- tasks ------------------------------------------------------------------ */

typedef enum {
	STORE_SNOOZE_OK = 0,
	STORE_SNOOZE_NOT_FOUND = 1,
	STORE_SNOOZE_NOT_OPEN = 2,
} store_snooze_result;

/*
 * Moves open task task_id's due time to until, shifts its pending escalation
 * timers by the same amount, and records a task.snoozed event with reason.
 * Returns a store_snooze_result, or -1 on a storage error.
 */
int store_task_snooze(store *s, int64_t business_id, int64_t task_id, int64_t until,
		      const char *reason, const char *actor, int64_t now);

/* The state of task task_id ("open", "done"...) into buf; 1 found, 0 none, -1. */
int store_task_state(store *s, int64_t business_id, int64_t task_id, char *buf, size_t len);

#endif

/*
 * store_common.h - what every engine shares, so that only the SQL differs
 * between them: API tokens, calendar tokens and idempotency records
 * (store_api.c, store_calendar.c), what an outbox claim decides
 * (store_outbox.c), timer kinds and the stop on an illegal state
 * transition (store_apply.c). For the store's own files only.
 */
#ifndef LK_STORE_COMMON_H
#define LK_STORE_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "store_backend.h"
#include "store_outbox.h"
#include "store_webhook.h"

/* What people.notify holds for each rules_notify value. */
extern const char *const store_notify_names[3];

/* Whether a people row read back (its columns as text, NULL for NULL) is
 * rules person p already: business_sync_slug then writes nothing for it, so
 * a restart with nothing changed commits no write (one per business was
 * most of serve's start with many businesses). */
bool store_person_same(const rules_person *p, const char *id, const char *name,
		       const char *role, const char *phone, const char *email,
		       const char *notify);

#define STORE_TOKEN_PREFIX_HEX 12	/* the lookup prefix, in hex */
#define STORE_TOKEN_HASH_HEX 64	/* BLAKE2b-256 of the token, in hex */

/* BLAKE2b-256 of a random secret (a token), in hex: what the tables keep.
 * A fast hash suffices for 256-bit random secrets. */
void store_secret_hash(const char *token, char hex[STORE_TOKEN_HASH_HEX + 1]);

/* A new random token into token (STORE_TOKEN_LEN bytes), its lookup prefix
 * and the hash the table keeps. -1 when libsodium cannot start. */
int store_token_make(char *token, char prefix[STORE_TOKEN_PREFIX_HEX + 1],
		     char hex[STORE_TOKEN_HASH_HEX + 1]);
/* The lookup prefix of a well-formed token; -1 when it is not one. */
int store_token_prefix(const char *token, char prefix[STORE_TOKEN_PREFIX_HEX + 1]);
/* Whether token hashes to stored (constant-time compare). */
bool store_token_matches(const char *token, const char *stored);

/* Session and set-password tokens (store_user_token.c): a fresh one of
 * this kind ('s' session, 'p' password link) into out[STORE_SECRET_LEN]
 * (-1 when libsodium cannot start); the hash the table keeps when token has
 * the shape of one of this kind (false when not: nothing can match it); a
 * fresh CSRF secret, 64 hex digits (-1 when libsodium cannot start). */
int store_user_token_new(char kind, char *out);
bool store_user_token_hash(char kind, const char *token, char hex[STORE_TOKEN_HASH_HEX + 1]);
int store_csrf_new(char *out);

/* A new calendar feed token into token (STORE_CAL_TOKEN_LEN bytes) and its
 * hash. -1 when libsodium cannot start. */
int store_cal_token_make(char *token, char hex[STORE_TOKEN_HASH_HEX + 1]);

/* The idempotency record kept for a response (JSON text, malloc'd; NULL
 * when out of memory), and the response read back from one: *body
 * malloc'd, *same whether req_hash is the one it was stored for. 1 / -1. */
char *store_idem_record(const char *req_hash, const char *body);
int store_idem_unpack(const char *text, const char *req_hash, char **body, bool *same);

/* What a claim needs to know of an outbox row's lead. */
typedef struct {
	int sms_opt_out, email_opt_out;
	unsigned flags;
	bool orphan;	/* the lead is gone */
} store_outbox_lead;

/* The rest of store_outbox_claim() once the engine has read queued, due row
 * id into m (attempts already + 1) and its lead into l: bury an orphan,
 * cancel a message to a lead who opted out, else queued -> sending. Frees
 * m when it returns OUTBOX_SKIPPED or -1. */
int store_outbox_claim_row(store *s, int64_t id, int64_t now, outbox_msg *m,
			   const store_outbox_lead *l);

/* Applying a decision (store_apply.c): where its actions put their rows. */
typedef struct {
	int64_t task_ids[32];	/* the tasks it created, for task_ref */
	size_t ntasks;
	int64_t first_task;
	int64_t plan;		/* the plan timers get; -1 = the lead row's */
	int64_t appointment_id;	/* the appointment it booked, 0 none */
} store_applying;

/* Notes a task the decision created. */
void store_applying_task_made(store_applying *ap, int64_t task_id);
/* The task an ACT_TIMER_SET is about (its task_ref resolved), 0 none. */
int64_t store_applying_task(const store_applying *ap, const action *a);
/* The appointment an ACT_TIMER_SET is about (reminders and checks), 0 none. */
int64_t store_applying_appointment(const store_applying *ap, const action *a);

/* A new lead's row as its decision leaves it (store_lead_create). */
typedef struct {
	lead l;
	int64_t reactivate_at;
} store_new_row;

/* Whether a changes the lead row and nothing else. */
bool store_action_row_only(const action *a);
/* Folds a store_action_row_only() action into r. */
void store_new_row_fold(store_new_row *r, const action *a);

/* Loading a lead's state (store_lead.c): takes ownership of v (may be NULL)
 * as one of the lead's strings; the lead's stored custom fields (JSON text,
 * may be NULL) into ls (0 / -1); a prepared lead's fields from nl, with the
 * row's defaults (0 / -1 out of memory; ls's id and counters are the
 * engine's). */
const char *store_lead_own(store_lead_state *ls, char *v);
int store_lead_custom_load(store_lead_state *ls, const char *text);
int store_lead_prepare_fill(store_lead_state *ls, int64_t business_id,
			    const store_new_lead *nl, int64_t now);

/* Which kind of rows a table holds (STORE_BUS_*), for the commit bus
 * (store_sqlite.c). */
unsigned store_table_kind(const char *table);

/* A column's text and length, as a row gives them (v NULL: SQL NULL). */
typedef struct {
	const char *v;
	size_t n;
} store_text;

/* A claimed webhook row's texts: the event's type, actor and text, then its
 * lead's name, phone, email, source, kind, service, stage, status, owner. */
#define STORE_WEBHOOK_NTEXTS 12
/* Fills w->type and w->payload (NULL when out of memory) from the event
 * (w->event_id, at) and its lead (lead_id) (store_webhook.c). */
void store_webhook_payload(store_webhook *w, int64_t at, int64_t lead_id, const store_text *t);

int store_timer_kind_parse(const char *name, timer_kind *out);

/* An illegal state transition of a timer, task or lead ("task", id, "done",
 * "cancelled"): a bug. Says so on stderr and aborts. */
_Noreturn void store_illegal_edge(const char *what, int64_t id, const char *from,
				  const char *to);

#endif

/*
 * store_outbox.h - the outbox's delivery states and the only ways a message
 * row moves between them: delivery's own queue. Nothing here writes to the
 * lead; what an outcome means for it is an EV_DELIVERY event for the engine.
 *
 * The engine inserts rows (state queued); only the dispatcher and the status
 * callbacks move them, through store_outbox_move(). Every function runs in the
 * caller's transaction unless it says otherwise. Prepared SQL only.
 */
#ifndef LK_STORE_OUTBOX_H
#define LK_STORE_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

typedef enum {
	OUTBOX_QUEUED,		/* waiting for send_at */
	OUTBOX_SENDING,		/* claimed (committed) before the provider is called */
	OUTBOX_SENT,		/* the provider accepted it (provider_id set) */
	OUTBOX_DELIVERED,	/* the provider reported delivery (SMS status callback) */
	OUTBOX_FAILED,		/* permanent failure; a task asks a human to step in */
	OUTBOX_DEAD,		/* temporary failures until max attempts; a task too */
	OUTBOX_UNKNOWN,		/* the request may have reached the provider: never resent
				 * automatically; a task asks a human to check */
	OUTBOX_CANCELLED,	/* not sent: the recipient opted out or became unreachable */
} outbox_state;

#define OUTBOX_NSTATES 8

/* "queued", "sending", ... as stored in outbox.state. */
const char *outbox_state_name(outbox_state s);
/* 0 and *out set, or -1 for an unknown name. */
int outbox_state_parse(const char *name, outbox_state *out);
/* Whether from -> to is a legal transition (see store_outbox.c's table). */
bool outbox_state_allowed(outbox_state from, outbox_state to);

/* A claimed message, as the providers need it. Owns its strings. */
typedef struct {
	int64_t id;
	int64_t business_id;
	int64_t lead_id;
	char *person;		/* staff recipient's person id, NULL = the lead */
	char *channel;		/* "sms" / "email" */
	char *recipient;	/* E.164 phone or email address */
	char *subject;
	char *body;
	char *purpose;		/* ack / followup / notify / compliance */
	int64_t send_at;
	int attempts;		/* including the attempt just claimed */
	char *owner;		/* the lead's owner (person id), may be NULL */
	bool texted_before;	/* an earlier text to this lead at this recipient was
				 * accepted by the provider */
} outbox_msg;

/* Frees m's strings (not m). NULL is a no-op. */
void outbox_msg_free(outbox_msg *m);

/* Ids of up to max queued rows of channel due at or before now, oldest send_at
 * first. Returns the count, or -1. No transaction needed. */
int store_outbox_due(store *s, const char *channel, int64_t now, int64_t *ids, int max);

/* The earliest send_at of a queued row, 0 when none, -1 on error. */
int64_t store_outbox_next_due(store *s);

typedef enum {
	OUTBOX_CLAIMED = 1,	/* m filled; the row is now sending, attempts + 1 */
	OUTBOX_SKIPPED = 0,	/* not queued or not due any more: leave it */
	OUTBOX_CANCELED_OPT_OUT = 2, /* the lead opted out / contact flagged: cancelled */
	OUTBOX_UNUSABLE = 3,	/* it can never be sent (its lead is gone): buried
				 * (store_outbox_bury), m filled */
} outbox_claim;

/* Claims row id for sending (queued -> sending) in the current transaction.
 * A lead-facing row (ack, followup) whose lead has opted out of the channel,
 * or whose contact for it is flagged invalid, is cancelled instead (the
 * caller reports it to the engine). Returns an outbox_claim, or -1 on error;
 * m is filled for OUTBOX_CLAIMED, OUTBOX_CANCELED_OPT_OUT and OUTBOX_UNUSABLE
 * (caller frees). */
int store_outbox_claim(store *s, int64_t id, int64_t now, outbox_msg *m);

/* A queued row whose claim failed for a reason of its own waits until
 * send_at with error in last_error, so the rows behind it go first (its
 * state does not change). 1 moved, 0 not queued, -1 error. */
int store_outbox_defer(store *s, int64_t id, int64_t send_at, const char *error, int64_t now);

/* A queued row that can never be processed is failed with error in
 * last_error, through sending (queued -> sending -> failed, attempts + 1),
 * so it leaves the queue and shows why; task_id (0 none) is the task the
 * caller's report to the engine made. 1 moved, 0 not queued, -1 error. */
int store_outbox_bury(store *s, int64_t id, const char *error, int64_t task_id, int64_t now);

/* Loads row id whatever its state (for a callback's consequences). Returns
 * 1 (m filled, attempts as stored), 0 absent, -1 error. */
int store_outbox_load(store *s, int64_t id, outbox_msg *m);

/* What a transition writes besides the state; NULL/0 fields are left as is. */
typedef struct {
	const char *provider_id;
	const char *error;	/* last_error: person-readable, never a secret */
	int error_code;		/* provider's code (Twilio 21610, SMTP 550, HTTP 503) */
	int64_t send_at;	/* OUTBOX_QUEUED (retry): the next attempt */
	int64_t task_id;	/* the task made for a human */
	const char *provider;	/* name of the provider that took it */
} outbox_update;

/* Moves row id from `from` to `to`. An illegal from -> to is a bug and aborts.
 * Returns 1 moved, 0 the row was not in `from` (a callback got there first),
 * -1 on error. */
int store_outbox_move(store *s, int64_t id, outbox_state from, outbox_state to,
		      const outbox_update *u, int64_t now);

/* The row's state, provider id (copied into pid, may be "") and lead.
 * Returns 1 found, 0 absent, -1 error. */
int store_outbox_get(store *s, int64_t id, outbox_state *state, char *pid, size_t pidlen,
		     int64_t *lead_id, int64_t *task_id);

/* Ids of up to max rows in state `sending` (left by a crash). Count or -1. */
int store_outbox_in_state(store *s, outbox_state st, int64_t *ids, int max);

#endif

/*
 * store.h - persistence: one SQLite file per install, in WAL mode, or a
 * PostgreSQL database (store_pg.h) - the same operations either way.
 *
 * The store is the truth. A decision's actions are applied inside the caller's
 * transaction, so lead state, timeline, tasks, timers and outbox commit
 * together or not at all. Every statement is prepared; nothing is formatted
 * into SQL. One store handle belongs to one thread at a time.
 */
#ifndef LK_STORE_H
#define LK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#include "core/engine.h"
#include "core/lead.h"
#include "core/rules.h"
#include "core/states.h"
#include "store/store_bus.h"

typedef struct store store;

/* Opens (creating dir and file if needed) DIR/leadkeep.db and brings its schema
 * up to date. A file from an older leadkeep is first copied (store_backup) to
 * DIR/leadkeep.db.schema-N.<UTC time>.bak, and a line on stderr says so; when
 * the copy fails nothing is migrated and NULL is returned. For a PostgreSQL
 * address (store_is_address) it connects to that database instead and
 * migrates it (no directory, no copy: the database's backups are its own).
 * Returns NULL with err set on failure. */
store *store_open(const char *dir, char *err, size_t errlen);
void store_close(store *s);

/* Whether data (what --data names) is a PostgreSQL address (postgres:// or
 * postgresql://) rather than a data directory: store_open() then connects to
 * that database (store_pg.h), creates no directory and makes no upgrade
 * copy, and leadkeep's own files live in the files directory instead
 * (cli.h's --files). */
bool store_is_address(const char *data);
/* data as a log line or message may show it: a PostgreSQL address without
 * its user, password and parameters (postgres://HOST/DB); a directory as
 * it is. */
void store_data_shown(const char *data, char *buf, size_t len);

/* For throwaway databases only (simulate): commits stop waiting for the disk. */
int store_set_throwaway(store *s);

/* A number that changes when another connection commits to the database
 * (for the bus's watcher); -1 on an error. */
int64_t store_data_version(store *s);

/* Whether the last failure was another writer holding the database. */
bool store_busy(store *s);
/* The last failure, for a log line or an error message. Owned by the store. */
const char *store_errmsg(store *s);

/* The newest schema version this build knows, and the file's version. */
int store_schema_latest(void);
int store_schema_version(store *s);
/* Applies migrations up to `version` only (for the upgrade test). */
int store_migrate_to(store *s, int version, char *err, size_t errlen);

/* --- copies ------------------------------------------------------------ */

/*
 * Writes a consistent copy of the whole database to path: SQLite's online
 * backup API, all pages from one read snapshot, so other connections and
 * processes (serve's intake) keep writing meanwhile; it never takes the write
 * lock. The copy is written beside path (path.tmp-PID, mode 0600), checked
 * (quick_check), made self-contained (no -wal file) and fsynced, then renamed
 * over path: a reader of path sees the whole copy or the file that was there.
 * Outside a transaction only. 0, or -1 with err set (path untouched). A
 * database of N bytes needs N free bytes beside path and holds one read
 * snapshot while it copies (the WAL cannot be checkpointed past it).
 */
int store_backup(store *s, const char *path, char *err, size_t errlen);

/*
 * Replaces s's database with the copy at path (store_backup's, or the
 * sqlite3 shell's .backup), then migrates it to this build's schema. For a
 * store just opened on a new data directory that nothing else uses: the
 * caller makes sure of that. Refuses, changing nothing, a file that is
 * damaged (quick_check), not a leadkeep database, or from a newer leadkeep.
 * 0 / -1 with err set.
 */
int store_restore(store *s, const char *path, char *err, size_t errlen);

/* What the database holds now, for GET /metrics. */
typedef struct {
	int64_t timers_pending;	/* pending timers */
	int64_t timers_due;	/* of them, due at or before now */
	int64_t timers_late;	/* of them, due before now - late_after */
	int64_t outbox[8];	/* outbox rows per outbox_state (store_outbox.h) */
	int64_t db_bytes;	/* the database file's pages */
	int64_t wal_bytes;	/* its write-ahead log, 0 when none */
} store_stats;

/* Fills *out (reads only, outside or inside a transaction). 0 / -1. The
 * outbox count reads the whole outbox table. */
int store_stats_read(store *s, int64_t now, int64_t late_after, store_stats *out);

/* --- calendar feeds ------------------------------------------------------ */

#define STORE_CAL_TOKEN_LEN 44	/* 43 base64url characters (256 random bits) + NUL */

/* A new secret calendar address for person (any earlier one stops working):
 * the token (STORE_CAL_TOKEN_LEN bytes) is written to token and shown once;
 * only its hash is kept. In the caller's transaction. 0 / -1 (err set). */
int store_calendar_token(store *s, int64_t business_id, const char *person, int64_t now,
			 char *token, char *err, size_t errlen);
/* Revokes person's calendar address: 1 revoked, 0 there was none, -1 error. */
int store_calendar_revoke(store *s, int64_t business_id, const char *person, int64_t now);
/* Whose live calendar token this is: 1 (business and person filled, person
 * cut to personlen), 0 unknown, revoked or malformed, -1 storage error. */
int store_calendar_check(store *s, const char *token, int64_t *business_id, char *person,
			 size_t personlen);

/* Transactions. begin takes the write lock at once (BEGIN IMMEDIATE), waiting
 * up to the busy timeout when another process holds it. 0 / -1. */
int store_begin(store *s);

/* Whether the database takes a write now, without waiting for a lock (for
 * health checks): 0 yes (a write transaction began and was rolled back),
 * 1 another connection holds the write lock, -1 an error. Outside a
 * transaction only. */
int store_probe(store *s);
int store_commit(store *s);
void store_rollback(store *s);
/* False when no transaction is open, e.g. after SQLite aborted one on an
 * I/O error or a full disk. */
bool store_in_transaction(store *s);
/* Savepoints inside a transaction: one per lead in a batched commit. */
int store_savepoint(store *s);
int store_release(store *s);
void store_rollback_savepoint(store *s);

/*
 * Announces this connection's commits on bus (borrowed; NULL stops it): after
 * every successful store_commit() that wrote rows, the STORE_BUS_* kinds of
 * the tables written (leads/events/tasks, timers, outbox, webhook_deliveries,
 * other) are published, on the committing thread. A rolled-back savepoint's
 * writes may still be announced (a superset is harmless); a rolled-back
 * transaction's are not. Writes made outside store_begin() are announced with
 * the next commit. The bus must outlive the connection or be cleared first.
 */
void store_set_bus(store *s, store_bus *bus);

/* Makes sure the business of these rules exists and its people match the
 * rules; returns its id or -1. Call inside a transaction. */
int64_t store_business_sync(store *s, const rules *r, char *err, size_t errlen);

/* --- leads ------------------------------------------------------------ */

/* What intake knows of a new lead. Strings are borrowed. */
typedef struct {
	const char *name;
	const char *phone;	/* normalised, or raw when LEAD_PHONE_INVALID */
	const char *email;
	const char *source;
	const char *kind;
	const char *service;
	const char *message;
	const char *neighbourhood;
	const char *owner;	/* preset owner, NULL = route */
	const char *external_id; /* the source's own id (MessageSid, leadgen_id...) */
	unsigned flags;
	const lead_custom *custom; /* custom fields (stored as one JSON object; a
				    * value that is not UTF-8 is left out) */
	size_t ncustom;
} store_new_lead;

/* The newest open lead of the business with this phone or email, created
 * after `since`; 0 when none, -1 on error. NULL/empty keys are ignored. */
int64_t store_lead_find_open(store *s, int64_t business_id, const char *phone,
			     const char *email, int64_t since);
/* The newest won lead (a customer) of the business with this phone or email,
 * however old; 0 when none, -1 on error. NULL/empty keys are ignored. */
int64_t store_lead_find_customer(store *s, int64_t business_id, const char *phone,
				 const char *email);

/* Loaded state of one lead for decide(). Owns all the strings it points to. */
typedef struct store_lead_state store_lead_state;

/* Loads lead `id` of the business with what decide() reads beside it (open
 * tasks, automated touches since now - touch_window, round-robin counters).
 * Returns 1 with *out set (caller frees), 0 when there is no such lead, -1 on
 * a storage error (err set). */
int store_lead_state_load(store *s, int64_t business_id, int64_t id, int64_t now,
			  int64_t touch_window, store_lead_state **out, char *err,
			  size_t errlen);

/*
 * A new lead is written once, with everything decided for it: prepare its
 * state as decide() sees a new lead (the id it will get, the fields of nl -
 * copied -, the round-robin counters), decide, then store_lead_create() the
 * row with the decision's changes to it folded in, and the rest of the
 * decision. Both in the same transaction. 1 / -1 (err set).
 */
int store_lead_prepare(store *s, int64_t business_id, const store_new_lead *nl, int64_t now,
		       store_lead_state **out, char *err, size_t errlen);
int store_lead_create(store *s, store_lead_state *ls, const decision *d, const char *actor,
		      int64_t now, int64_t *first_task, char *err, size_t errlen);

const lead_state *store_lead_state_get(const store_lead_state *ls);
const rr_counters *store_lead_state_rr(const store_lead_state *ls);
void store_lead_state_free(store_lead_state *ls);

/* --- applying decisions --------------------------------------------------- */

/* Called for every action applied, e.g. by simulate to print what happened.
 * ids: the lead, and the row the action made (task, timer, outbox) or 0. */
typedef void (*store_observer)(void *ctx, int64_t lead_id, const action *a, int64_t row_id,
			       int64_t now);
void store_set_observer(store *s, store_observer fn, void *ctx);

/* Applies d to lead_id in the current transaction; *first_task (may be NULL)
 * gets the id of the first task it created, or 0. 0 / -1 (err set).
 * Test seam: LEADKEEP_FAULT_APPLY=N in the environment at store_open() makes
 * the connection's first N calls fail as a refused write would. */
int store_apply(store *s, int64_t business_id, int64_t lead_id, const decision *d,
		const char *actor, int64_t now, int64_t *first_task, char *err,
		size_t errlen);

/* --- timers ------------------------------------------------------------- */

typedef struct {
	int64_t id;
	int64_t business_id;
	int64_t lead_id;
	int64_t due_at;
	timer_kind kind;
	char sequence[64];
	int step;
	int level;
	int64_t task_id;
	int64_t plan;
	char step_id[72];	/* TIMER_STEP: the step's id; "" for a timer from
				 * before step ids (step is its position) */
	int64_t appointment_id;	/* TIMER_APPT_*: the appointment; 0 none */
} store_timer;

/* Up to max pending timers due at or before now, in due-time order. Returns
 * how many were written to out, or -1. */
int store_timers_due(store *s, int64_t now, store_timer *out, int max);

/* Moves timer_id from `from` to `to` in the current transaction (fired_at =
 * now when it fires). An illegal from -> to (src/core/states.h) is a bug and
 * aborts. 1 moved, 0 the timer was not in `from`, -1 storage error. */
int store_timer_move(store *s, int64_t timer_id, timer_state from, timer_state to,
		     int64_t now);

/* Claims one timer in the current transaction: pending -> fired, so it
 * fires once. 1 claimed, 0 already fired or cancelled, -1 storage error. */
int store_timer_claim(store *s, int64_t timer_id, int64_t now);

/* The earliest pending due time, 0 when there is none, -1 on error. */
int64_t store_timer_next_due(store *s);

/* Sets aside a pending timer whose decision cannot be applied (pending ->
 * error), so it cannot block the queue. 0 / -1. */
int store_timer_set_error(store *s, int64_t timer_id);

/* The names stored in timers.kind and outbox.purpose. */
const char *store_timer_kind_name(timer_kind k);
const char *store_purpose_name(outbox_purpose p);

/* --- rules versions (store_rules.c) ------------------------------------ */

/*
 * Records that rules version `hash` (SHA-256 hex of `text`) is in use by `by`
 * ("serve", "serve reload", "cli", ...) at now: the text is kept the first
 * time the version is seen, and an activation is added when the latest one
 * was another version. prev (may be NULL) receives the version active before
 * ("" when none). Inside a transaction. 1 = it became active now, 0 = it was
 * active already, -1 storage error.
 */
int store_rules_activate(store *s, int64_t business_id, const char *hash, const char *text,
			 const char *by, int64_t now, char *prev, size_t prevlen);

/* The text of a kept rules version: 1 with *text (caller frees), 0 when the
 * version is not kept, -1 storage error. */
int store_rules_text(store *s, int64_t business_id, const char *hash, char **text);

/* The latest activation: 1 with hash, its time and who (may be NULL), 0 none,
 * -1 storage error. */
int store_rules_active(store *s, int64_t business_id, char *hash, size_t hashlen,
		       int64_t *at, char *by, size_t bylen);

/* One activation, newest first, for `rules history`. Borrowed for the call. */
typedef struct {
	const char *hash;
	int64_t at;
	const char *by;
	int64_t first_used_at;
	int64_t leads;		/* leads whose plan runs this version */
} store_rules_row;
int store_rules_history(store *s, int64_t business_id, int limit,
			void (*fn)(void *ctx, const store_rules_row *r), void *ctx);

/* Leads of the business in flight - a running sequence or an appointment
 * ahead of an outcome - whose plan does not run
 * version hash (or records none), with ids above `after`, ascending: up to
 * max ids into ids. Returns how many, or -1. */
int store_leads_off_version(store *s, int64_t business_id, const char *hash, int64_t after,
			    int64_t *ids, int max);

/* The lead's pending step timer of its current plan: 1 with *out, 0 none,
 * -1 storage error. */
int store_lead_pending_step(store *s, int64_t lead_id, store_timer *out);

/* --- people at work (store_rules.c) --------------------------------------- */

/* How many open leads `owner` owns: 0 with *count, or -1. */
int store_owner_open_leads(store *s, int64_t business_id, const char *owner, int64_t *count);

/* Leads of the business with an open task assigned to `assignee`, ids above
 * `after`, ascending: up to max into ids. How many, or -1. */
int store_assignee_leads(store *s, int64_t business_id, const char *assignee, int64_t after,
			 int64_t *ids, int max);

/* --- small reads used by the doors (rows: store_read.h) --------------- */

/* The lead a task belongs to, or 0 when the task does not exist / -1. */
int64_t store_task_lead(store *s, int64_t business_id, int64_t task_id);

/* The lead's oldest open task, with this verb unless verb is NULL; 0 none. */
int64_t store_task_oldest_open(store *s, int64_t lead_id, const char *verb);

#endif

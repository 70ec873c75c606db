/*
 * store_internal.h - the SQLite engine's own: its struct store, statement
 * helpers and the functions of its table (store_backend.h). Not a contract
 * for anyone outside src/store/.
 */
#ifndef LK_STORE_INTERNAL_H
#define LK_STORE_INTERNAL_H

#include "store_backend.h"
#include "store_bus.h"
#include "store_common.h"
#include "store_sqlite.h"

#define STMT_CACHE 160	/* distinct statements per connection; more aborts */

/* Prepared statements, keyed by the SQL literal's address. */
typedef struct {
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} items[STMT_CACHE];
	int n;
} stmt_cache;

struct store {
	const store_backend *be;	/* first: see store_backend_of() */
	stmt_cache stmts;
	sqlite3 *db;
	char *path;
	store_observer observer;
	void *observer_ctx;
	int fail_applies;	/* test seam: fail this many store_apply() calls */
	bool injected;		/* the last failure was the seam's */
	store_bus *bus;		/* borrowed; announced to after each commit, or NULL */
	unsigned changed;	/* STORE_BUS_* kinds written since the last commit */
	unsigned changed_at_savepoint; /* changed when the savepoint was taken */
	int busy_ms;		/* how long a lock is waited for (on_busy); 0: not at all */
	int64_t busy_since;	/* mono_ns() at the first try of the current wait */
};

extern const char *const store_migrations[];
extern const int store_nmigrations;

/* A prepared, reset statement for sql, which must be a string literal (the
 * cache is keyed by its address). Owned by the store; NULL on error. */
sqlite3_stmt *store_stmt(store *s, const char *sql);

/* Steps a bound statement that returns no rows, then resets it (so it holds
 * no read snapshot). 0 when it ran to completion, -1 on an error. */
int store_step_done(sqlite3_stmt *st);

/* Binds a string or NULL. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Steps a bound statement whose first column is an id, filling ids (at most
 * max), and resets it. Returns how many, or -1 on an error. */
int store_collect_ids(sqlite3_stmt *st, int64_t *ids, int max);
/* Runs sql, a store_due.h statement with ?1 = now and ?2 = max, filling ids
 * with the businesses it names (at most max). Returns how many, or -1. */
int store_due_businesses(store *s, const char *sql, int64_t now, int64_t *ids, int max);

/* Copies column i as a malloc'd string or NULL. */
char *store_col_strdup(sqlite3_stmt *st, int i);

/* "sqlite: <message>" into err. Returns -1. */
int store_fail(store *s, char *err, size_t errlen, const char *what);

/* SQL: lead l has no timeline entry of a type in engine_human_event_types
 * (core/engine.h) - nobody has acted on it. The types are parameters ?40 to
 * ?55, bound by store_bind_human_types(): the policy stays the engine's. */
#define STORE_IS_NEW_SQL "NOT EXISTS (SELECT 1 FROM events h WHERE h.lead_id = l.id" \
	" AND h.type IN (?40, ?41, ?42, ?43, ?44, ?45, ?46, ?47, ?48, ?49, ?50, ?51, ?52," \
	" ?53, ?54, ?55))"
void store_bind_human_types(sqlite3_stmt *st);

/* Cancels the lead's pending timers of kind (only task_id's when > 0):
 * pending -> cancelled. 0 / -1. */
/* Cancels the lead's pending timers of kind: only task task_id's (> 0), or
 * only appointment appointment_id's (> 0), else all. */
int store_timers_cancel(store *s, int64_t lead_id, timer_kind kind, int64_t task_id,
			int64_t appointment_id);

/* The SQLite engine's functions in store_sqlite_backend (see the public
 * headers for each one's contract). */
void sqlite_close(store *s);
int sqlite_set_throwaway(store *s);
int64_t sqlite_data_version(store *s);
bool sqlite_busy(store *s);
const char *sqlite_errmsg(store *s);
int sqlite_schema_version(store *s);
int sqlite_migrate_to(store *s, int version, char *err, size_t errlen);
int sqlite_begin(store *s);
int sqlite_commit(store *s);
void sqlite_rollback(store *s);
bool sqlite_in_transaction(store *s);
int sqlite_savepoint(store *s);
int sqlite_release(store *s);
void sqlite_rollback_savepoint(store *s);
void sqlite_set_bus(store *s, store_bus *bus);
int64_t sqlite_business_sync(store *s, const rules *r, char *err, size_t errlen);
/* store_business_sqlite.c and store_lead.c: store_business.h */
int64_t sqlite_business_sync_slug(store *s, const char *slug, const rules *r, char *err,
				  size_t errlen);
int sqlite_business_update(store *s, const char *slug, const char *file, int disabled);
int sqlite_timers_due_for(store *s, int64_t business_id, int64_t now, store_timer *out,
			  int max);
int sqlite_timers_due_businesses(store *s, int64_t now, int64_t *ids, int max);
int sqlite_outbox_due_businesses(store *s, int64_t now, int64_t *ids, int max);
int sqlite_outbox_due_for(store *s, int64_t business_id, const char *channel, int64_t now,
			  int64_t *ids, int max);
int sqlite_webhook_enqueue_each(store *s, const store_webhook_target *t, size_t nt,
				int64_t now, int max);
int sqlite_businesses_read(store *s, const char *slug,
			   void (*fn)(void *ctx, const store_business_row *r), void *ctx);
int64_t sqlite_lead_find_open(store *s, int64_t business_id, const char *phone,
			      const char *email, int64_t since);
int64_t sqlite_lead_find_customer(store *s, int64_t business_id, const char *phone,
				  const char *email);
int sqlite_lead_state_load(store *s, int64_t business_id, int64_t id, int64_t now,
			   int64_t touch_window, store_lead_state **out, char *err,
			   size_t errlen);
int sqlite_lead_prepare(store *s, int64_t business_id, const store_new_lead *nl, int64_t now,
			store_lead_state **out, char *err, size_t errlen);
int sqlite_lead_create(store *s, store_lead_state *ls, const decision *d, const char *actor,
		       int64_t now, int64_t *first_task, char *err, size_t errlen);
void sqlite_set_observer(store *s, store_observer fn, void *ctx);
int sqlite_apply(store *s, int64_t business_id, int64_t lead_id, const decision *d,
		 const char *actor, int64_t now, int64_t *first_task, char *err, size_t errlen);
int sqlite_timers_due(store *s, int64_t now, store_timer *out, int max);
int sqlite_timer_move(store *s, int64_t timer_id, timer_state from, timer_state to,
		      int64_t now);
int sqlite_timer_claim(store *s, int64_t timer_id, int64_t now);
int64_t sqlite_timer_next_due(store *s);
int sqlite_timer_set_error(store *s, int64_t timer_id);
int64_t sqlite_task_lead(store *s, int64_t business_id, int64_t task_id);
int64_t sqlite_task_oldest_open(store *s, int64_t lead_id, const char *verb);
int sqlite_token_create(store *s, int64_t business_id, const char *name, const char *role,
			int64_t now, char *token, int64_t *id, char *err, size_t errlen);
int sqlite_token_check(store *s, const char *token, int64_t *business_id, int64_t *token_id,
		       char *role, size_t rolelen);
int sqlite_token_revoke(store *s, int64_t business_id, int64_t id, int64_t now);
int sqlite_idem_get(store *s, int64_t business_id, const char *key, const char *req_hash,
		    int *status, char **body, bool *same);
int sqlite_idem_put(store *s, int64_t business_id, const char *key, const char *req_hash,
		    int status, const char *body, int64_t now);
int sqlite_task_state(store *s, int64_t business_id, int64_t task_id, char *buf, size_t len);
int sqlite_outbox_due(store *s, const char *channel, int64_t now, int64_t *ids, int max);
int64_t sqlite_outbox_next_due(store *s);
int sqlite_outbox_claim(store *s, int64_t id, int64_t now, outbox_msg *m);
int sqlite_outbox_load(store *s, int64_t id, outbox_msg *m);
int sqlite_outbox_move(store *s, int64_t id, outbox_state from, outbox_state to,
		       const outbox_update *u, int64_t now);
int sqlite_outbox_get(store *s, int64_t id, outbox_state *state, char *pid, size_t pidlen,
		      int64_t *lead_id, int64_t *task_id);
int sqlite_outbox_in_state(store *s, outbox_state st, int64_t *ids, int max);
int sqlite_webhook_enqueue(store *s, const char *const *urls, size_t nurls, int64_t now,
			   int max);
int sqlite_webhook_due(store *s, int64_t now, int64_t *ids, int max);
int64_t sqlite_webhook_next_due(store *s);
int sqlite_webhook_claim(store *s, int64_t id, int64_t now, store_webhook *w);
int sqlite_webhook_finish(store *s, int64_t id, const char *state, int status, const char *error,
			  int64_t send_at, int64_t now);
int sqlite_webhook_recover(store *s);
int sqlite_lead_read(store *s, int64_t business_id, int64_t id, const store_lead_visitor *v,
		     void *ctx);
int sqlite_leads_read(store *s, int64_t business_id, const store_lead_filter *f,
		      void (*fn)(void *ctx, const store_lead_row *r), void *ctx);
int sqlite_appointments_read(store *s, int64_t business_id, const store_appointment_filter *f,
			     void (*fn)(void *ctx, const store_appointment_row *r), void *ctx);
int sqlite_tasks_read(store *s, int64_t business_id, const char *assignee, const char *state,
		      int limit, void (*fn)(void *ctx, const store_task_row *r), void *ctx);
int sqlite_tokens_read(store *s, int64_t business_id, void (*fn)(void *ctx,
		       const store_token_row *r), void *ctx);
/* store_web_sqlite.c: the web app's lists (store_web.h) */
int sqlite_pipeline_read(store *s, int64_t business_id, const store_pipeline_filter *f,
			 void (*fn)(void *ctx, const store_lead_brief *r), void *ctx);
int sqlite_team_read(store *s, int64_t business_id, int64_t now, int64_t day_start,
		     int64_t day_end, void (*fn)(void *ctx, const store_team_row *r), void *ctx);
int sqlite_first_event_read(store *s, int64_t business_id, int64_t from, int64_t to,
			    const char *type,
			    void (*fn)(void *ctx, const char *owner, int64_t created_at,
				       int64_t first_at),
			    void *ctx);
int sqlite_unattended_read(store *s, int64_t business_id, int limit,
			   void (*fn)(void *ctx, const store_lead_brief *r), void *ctx);
int sqlite_search_read(store *s, int64_t business_id, const char *q, const char *digits,
		       const char *person, int limit,
		       void (*fn)(void *ctx, const store_lead_brief *r), void *ctx);


int sqlite_probe(store *s);
int sqlite_outbox_defer(store *s, int64_t id, int64_t send_at, const char *error, int64_t now);
int sqlite_outbox_bury(store *s, int64_t id, const char *error, int64_t task_id, int64_t now);
int sqlite_webhook_defer(store *s, int64_t id, int64_t send_at, const char *error, int64_t now);
int sqlite_webhook_bury(store *s, int64_t id, const char *error, int64_t now);
int sqlite_backup(store *s, const char *path, char *err, size_t errlen);
int sqlite_restore(store *s, const char *path, char *err, size_t errlen);
int sqlite_stats(store *s, int64_t now, int64_t late_after, store_stats *out);
int sqlite_health_read(store *s, int64_t business_id, int64_t now, int64_t since,
		       int64_t dead_since, int64_t late_after, store_health *out);
int sqlite_health_arrivals(store *s, int64_t business_id, int64_t since, int64_t now,
			   int max_per_source,
			   void (*fn)(void *ctx, const char *source, int64_t at), void *ctx);
int sqlite_calendar_token(store *s, int64_t business_id, const char *person, int64_t now,
			  char *token, char *err, size_t errlen);
int sqlite_calendar_revoke(store *s, int64_t business_id, const char *person, int64_t now);
int sqlite_calendar_check(store *s, const char *token, int64_t *business_id, char *person,
			  size_t personlen);

/* Copies the database before a migration from schema version `from`, to
 * DIR/leadkeep.db.schema-FROM.<UTC time>.bak (the path into path). 0 / -1. */
int store_upgrade_backup(store *s, const char *dir, int from, char *path, size_t pathlen,
			 char *err, size_t errlen);
int sqlite_rules_activate(store *s, int64_t business_id, const char *hash, const char *text,
			  const char *by, int64_t now, char *prev, size_t prevlen);
int sqlite_rules_text(store *s, int64_t business_id, const char *hash, char **text);
int sqlite_rules_active(store *s, int64_t business_id, char *hash, size_t hashlen,
			int64_t *at, char *by, size_t bylen);
int sqlite_rules_history(store *s, int64_t business_id, int limit,
			 void (*fn)(void *ctx, const store_rules_row *r), void *ctx);
int sqlite_leads_off_version(store *s, int64_t business_id, const char *hash, int64_t after,
			     int64_t *ids, int max);
int sqlite_lead_pending_step(store *s, int64_t lead_id, store_timer *out);
int sqlite_owner_open_leads(store *s, int64_t business_id, const char *owner, int64_t *count);
int sqlite_assignee_leads(store *s, int64_t business_id, const char *assignee, int64_t after,
			  int64_t *ids, int max);
int sqlite_report_leads(store *s, int64_t business_id,
			void (*fn)(void *ctx, const store_report_lead *r), void *ctx);
int sqlite_report_events(store *s, int64_t business_id,
			 void (*fn)(void *ctx, const store_report_event *r), void *ctx);
int sqlite_report_tasks(store *s, int64_t business_id,
			void (*fn)(void *ctx, const store_report_task *r), void *ctx);
int sqlite_report_timers(store *s, int64_t business_id,
			 void (*fn)(void *ctx, const store_report_timer *r), void *ctx);
int sqlite_report_acks(store *s, int64_t business_id,
			   void (*fn)(void *ctx, const store_report_ack *r), void *ctx);
store *sqlite_report_reader(store *s);
int sqlite_report_changed(store *s, int64_t *after,
			  void (*fn)(void *ctx, int64_t business_id, int64_t newest), void *ctx);
/* store_digest.h (store_digest_sqlite.c) */
int sqlite_digest_claim(store *s, int64_t business_id, const char *week,
			const char *recipient, int64_t now);
int sqlite_digest_finish(store *s, int64_t business_id, const char *week,
			const char *recipient, const char *state,
			 const char *error, int64_t retry_at, int64_t now);
int sqlite_digest_recover(store *s, int64_t business_id, int64_t now);
int sqlite_digest_get(store *s, int64_t business_id, const char *week,
			const char *recipient, char *state,
		      size_t statelen, int *attempts);
/* A timer row's columns id, business_id, lead_id, due_at, kind, sequence,
 * step, level, task_id, plan, step_id (in this order from column 0) into t.
 * 0, or -1 for a kind this build does not know. */
int store_timer_read_row(sqlite3_stmt *st, store_timer *t);
#endif

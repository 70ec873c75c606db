/*
 * store_pg.h - the PostgreSQL engine's own (libpq): its store, opening one,
 * its statement helpers and the functions of its table (store_backend.h).
 * Not a contract for anyone outside src/store/ and the store's tests.
 *
 * store_open() picks this engine for a postgres:// or postgresql://
 * address; the store's tests open one with store_pg_open() on a throwaway
 * cluster (tests/pg_cluster.sh).
 *
 * SQL is sent with values as parameters ($1, $2, ...) only: never built
 * from values; each text is prepared once per connection and executed by
 * name after (store_pg_prepared.c). Statements without parameters (BEGIN,
 * the migrations) go through PQexec.
 */
#ifndef LK_STORE_PG_H
#define LK_STORE_PG_H

#include <libpq-fe.h>

#include "store_backend.h"

#define PG_MAXPARAMS 32
#define PG_PREPARED_MAX 1024	/* statement texts named per connection */

/* The database's clock in UTC seconds: leases are measured on it, so the
 * nodes' clocks (skewed, or a test's fixed one) do not matter. */
#define PG_DB_NOW "extract(epoch from clock_timestamp())::bigint"

typedef struct {
	const store_backend *be;	/* first: see store_backend_of() */
	PGconn *conn;
	store_bus *bus;		/* borrowed; announced to after each commit, or NULL */
	unsigned heard;		/* STORE_BUS_* kinds notified, not yet published */
	int64_t others;		/* commit notifications from other connections */
	store_observer observer;
	void *observer_ctx;
	int64_t due_floor[2];	/* the outbox due scan's start, per channel (sms,
				 * email; store_pg_outbox.c), 0 = the start */
	int64_t due_full_ns;	/* monotonic: when it next starts from the start */
	char node[128];		/* store_node_join()'s name, "" when not joined */
	char duty[32];		/* the store_node_duty() this connection holds, "" none */
	int lease_s;		/* its claims' lease, seconds */
	char sqlstate[6];	/* of the last error, "" when none */
	char err[512];		/* the last error */
	int fail_applies;	/* test seam: LEADKEEP_FAULT_APPLY (store.h) */
	struct pg_prepared *prepared;	/* the texts named on conn, or NULL */
} pg_store;

/* The values of one statement's parameters, as text (NULL = SQL NULL). */
typedef struct {
	const char *v[PG_MAXPARAMS];
	char num[PG_MAXPARAMS][24];
	int n;
} pg_params;

extern const char *const store_pg_migrations[];
extern const int store_pg_nmigrations;
extern const store_backend store_pg_backend;

/* Connects to conninfo (a postgres:// URI or key=value string) and brings
 * the database to the latest schema. NULL with err set. */
store *store_pg_open(const char *conninfo, char *err, size_t errlen);

/* The engine's latest schema version (its own numbering). */
int store_pg_schema_latest(void);

/* The connection, for the store's tests. */
PGconn *store_pg_conn(store *s);

static inline pg_store *
pg_of(store *s)
{
	return (pg_store *)(void *)s;
}

/* Appends a parameter. */
void pg_int(pg_params *p, int64_t v);
void pg_text(pg_params *p, const char *v);

/* Runs sql with params (NULL = none). The result when it succeeded (the
 * caller PQclear()s it), else NULL with the error kept for store_errmsg(). */
PGresult *pg_run(pg_store *p, const char *sql, const pg_params *params);
/* PQexecParams(sql, params), by the name sql was prepared under on p's
 * connection the first time (store_pg_prepared.c). */
PGresult *pg_exec_prepared(pg_store *p, const char *sql, const pg_params *params);
/* Forgets the names: the connection was reset, or is closed. */
void pg_prepared_forget(pg_store *p);
/* pg_run() for a statement whose rows are not wanted: 0 / -1. */
int pg_run_done(pg_store *p, const char *sql, const pg_params *params);

/* pg_run() for an UPDATE: 1 when it changed a row, 0 none, -1 on an error. */
int pg_changed(pg_store *p, const char *sql, const pg_params *params);
/* The same, with how many rows it changed. */
int pg_changed_count(pg_store *p, const char *sql, const pg_params *params);
/* The ids in the first column of r (from pg_run(), may be NULL: -1), at
 * most max; clears r. Returns the count. */
int pg_collect_ids(PGresult *r, int64_t *ids, int max);
/* Runs sql, a store_due.h statement with $1 = now and $2 = max, filling ids
 * with the businesses it names (at most max). Returns how many, or -1. */
int pg_due_businesses(pg_store *p, const char *sql, int64_t now, int64_t *ids, int max);

/* Column col of row as an integer (0 when NULL), or as a malloc'd string
 * (NULL when NULL). */
int64_t pg_get_int(const PGresult *r, int row, int col);
char *pg_get_strdup(const PGresult *r, int row, int col);

/* "postgres: <what>: <message>" into err. Returns -1. */
int pg_fail(pg_store *p, char *err, size_t errlen, const char *what);

/* The table's functions (store_backend.h says what each does). */
int64_t pg_business_sync(store *s, const rules *r, char *err, size_t errlen);
/* store_pg_business.c and store_pg_lead.c: store_business.h */
int64_t pg_business_sync_slug(store *s, const char *slug, const rules *r, char *err,
			      size_t errlen);
int pg_business_update(store *s, const char *slug, const char *file, int disabled);
int pg_timers_due_for(store *s, int64_t business_id, int64_t now, store_timer *out, int max);
int pg_timers_due_businesses(store *s, int64_t now, int64_t *ids, int max);
int pg_outbox_due_businesses(store *s, int64_t now, int64_t *ids, int max);
int pg_outbox_due_for(store *s, int64_t business_id, const char *channel, int64_t now, int64_t *ids,
		      int max);
int pg_webhook_enqueue_each(store *s, const store_webhook_target *t, size_t nt, int64_t now,
			    int max);
int pg_businesses_read(store *s, const char *slug,
		       void (*fn)(void *ctx, const store_business_row *r), void *ctx);
int64_t pg_lead_find_open(store *s, int64_t business_id, const char *phone,
			  const char *email, int64_t since);
int64_t pg_lead_find_customer(store *s, int64_t business_id, const char *phone,
			      const char *email);
int pg_lead_state_load(store *s, int64_t business_id, int64_t id, int64_t now,
		       int64_t touch_window, store_lead_state **out, char *err, size_t errlen);
int pg_lead_prepare(store *s, int64_t business_id, const store_new_lead *nl, int64_t now,
		    store_lead_state **out, char *err, size_t errlen);
int pg_lead_create(store *s, store_lead_state *ls, const decision *d, const char *actor,
		   int64_t now, int64_t *first_task, char *err, size_t errlen);
int pg_apply(store *s, int64_t business_id, int64_t lead_id, const decision *d,
	     const char *actor, int64_t now, int64_t *first_task, char *err, size_t errlen);
int pg_token_create(store *s, int64_t business_id, const char *name, const char *role,
		    int64_t now, char *token, int64_t *id, char *err, size_t errlen);
int pg_token_check(store *s, const char *token, int64_t *business_id, int64_t *token_id,
		   char *role, size_t rolelen);
int pg_token_revoke(store *s, int64_t business_id, int64_t id, int64_t now);
int pg_idem_get(store *s, int64_t business_id, const char *key, const char *req_hash,
		int *status, char **body, bool *same);
int pg_idem_put(store *s, int64_t business_id, const char *key, const char *req_hash,
		int status, const char *body, int64_t now);
int pg_task_state(store *s, int64_t business_id, int64_t task_id, char *buf, size_t len);
int64_t pg_task_lead(store *s, int64_t business_id, int64_t task_id);
int64_t pg_task_oldest_open(store *s, int64_t lead_id, const char *verb);
int pg_calendar_token(store *s, int64_t business_id, const char *person, int64_t now,
		      char *token, char *err, size_t errlen);
int pg_calendar_revoke(store *s, int64_t business_id, const char *person, int64_t now);
int pg_digest_claim(store *s, int64_t business_id, const char *week,
			const char *recipient, int64_t now);
int pg_digest_finish(store *s, int64_t business_id, const char *week,
			const char *recipient, const char *state,
		     const char *error, int64_t retry_at, int64_t now);
int pg_digest_recover(store *s, int64_t business_id, int64_t now);
int pg_digest_get(store *s, int64_t business_id, const char *week,
			const char *recipient, char *state, size_t statelen,
		  int *attempts);
int pg_calendar_check(store *s, const char *token, int64_t *business_id, char *person,
		      size_t personlen);
int pg_timers_due(store *s, int64_t now, store_timer *out, int max);
int pg_lead_pending_step(store *s, int64_t lead_id, store_timer *out);
int pg_timer_move(store *s, int64_t timer_id, timer_state from, timer_state to, int64_t now);
int pg_timer_claim(store *s, int64_t timer_id, int64_t now);
int64_t pg_timer_next_due(store *s);
int pg_timer_set_error(store *s, int64_t timer_id);
int pg_outbox_due(store *s, const char *channel, int64_t now, int64_t *ids, int max);
int64_t pg_outbox_next_due(store *s);
int pg_outbox_claim(store *s, int64_t id, int64_t now, outbox_msg *m);
int pg_outbox_defer(store *s, int64_t id, int64_t send_at, const char *error, int64_t now);
int pg_outbox_bury(store *s, int64_t id, const char *error, int64_t task_id, int64_t now);
int pg_health_read(store *s, int64_t business_id, int64_t now, int64_t since,
		   int64_t dead_since, int64_t late_after, store_health *out);
int pg_health_arrivals(store *s, int64_t business_id, int64_t since, int64_t now,
		       int max_per_source,
		       void (*fn)(void *ctx, const char *source, int64_t at), void *ctx);
int pg_outbox_load(store *s, int64_t id, outbox_msg *m);
int pg_outbox_move(store *s, int64_t id, outbox_state from, outbox_state to,
		   const outbox_update *u, int64_t now);
int pg_outbox_get(store *s, int64_t id, outbox_state *state, char *pid, size_t pidlen,
		  int64_t *lead_id, int64_t *task_id);
int pg_outbox_in_state(store *s, outbox_state st, int64_t *ids, int max);
int pg_webhook_enqueue(store *s, const char *const *urls, size_t nurls, int64_t now,
		       int max);
int pg_webhook_due(store *s, int64_t now, int64_t *ids, int max);
int64_t pg_webhook_next_due(store *s);
int pg_webhook_claim(store *s, int64_t id, int64_t now, store_webhook *w);
int pg_webhook_finish(store *s, int64_t id, const char *state, int status, const char *error,
		      int64_t send_at, int64_t now);
int pg_webhook_defer(store *s, int64_t id, int64_t send_at, const char *error, int64_t now);
int pg_webhook_bury(store *s, int64_t id, const char *error, int64_t now);
int pg_webhook_recover(store *s);

/* store_pg_node.c (store_node.h) */
int pg_node_join(store *s, const char *node, int lease_seconds, char *err, size_t errlen);
int pg_lease_renew(store *s);
int pg_outbox_orphans(store *s, bool at_start, int64_t *ids, int max);
int pg_webhook_orphans(store *s, bool at_start);
int pg_wait_commit(store *s, int timeout_ms);
int pg_node_duty(store *s, const char *duty);
int pg_rules_activate(store *s, int64_t business_id, const char *hash, const char *text,
		      const char *by, int64_t now, char *prev, size_t prevlen);
int pg_rules_text(store *s, int64_t business_id, const char *hash, char **text);
int pg_rules_active(store *s, int64_t business_id, char *hash, size_t hashlen, int64_t *at,
		    char *by, size_t bylen);
int pg_rules_history(store *s, int64_t business_id, int limit,
		     void (*fn)(void *ctx, const store_rules_row *r), void *ctx);
int pg_leads_off_version(store *s, int64_t business_id, const char *hash, int64_t after,
			 int64_t *ids, int max);
int pg_owner_open_leads(store *s, int64_t business_id, const char *owner, int64_t *count);
int pg_assignee_leads(store *s, int64_t business_id, const char *assignee, int64_t after,
		      int64_t *ids, int max);
int pg_lead_read(store *s, int64_t business_id, int64_t id, const store_lead_visitor *v,
		 void *ctx);
int pg_leads_read(store *s, int64_t business_id, const store_lead_filter *f,
		  void (*fn)(void *ctx, const store_lead_row *r), void *ctx);
int pg_tasks_read(store *s, int64_t business_id, const char *assignee, const char *state,
		  int limit, void (*fn)(void *ctx, const store_task_row *r), void *ctx);
int pg_tokens_read(store *s, int64_t business_id,
		   void (*fn)(void *ctx, const store_token_row *r), void *ctx);
int pg_appointments_read(store *s, int64_t business_id, const store_appointment_filter *f,
			 void (*fn)(void *ctx, const store_appointment_row *r), void *ctx);
int pg_report_leads(store *s, int64_t business_id,
		    void (*fn)(void *ctx, const store_report_lead *r), void *ctx);
int pg_report_events(store *s, int64_t business_id,
		     void (*fn)(void *ctx, const store_report_event *r), void *ctx);
int pg_report_tasks(store *s, int64_t business_id,
		    void (*fn)(void *ctx, const store_report_task *r), void *ctx);
int pg_report_timers(store *s, int64_t business_id,
		     void (*fn)(void *ctx, const store_report_timer *r), void *ctx);
int pg_report_acks(store *s, int64_t business_id,
		   void (*fn)(void *ctx, const store_report_ack *r), void *ctx);
int pg_report_changed(store *s, int64_t *after,
		      void (*fn)(void *ctx, int64_t business_id, int64_t newest), void *ctx);
int pg_stats(store *s, int64_t now, int64_t late_after, store_stats *out);
/* Refuse, naming PostgreSQL's own tools (store_pg_stats.c says why). */
int pg_backup(store *s, const char *path, char *err, size_t errlen);
int pg_restore(store *s, const char *path, char *err, size_t errlen);

/* The web app's reads (store_pg_web.c; store_web.h says what each does), in
 * the engine's table store_user_pg (store_pg_user.c) with its users,
 * sessions and set-password links. */
int pg_queue_read(store *s, int64_t business_id, const char *assignee, int limit,
		  void (*fn)(void *ctx, const store_queue_row *r), void *ctx);
int pg_queue_next(store *s, int64_t business_id, const char *assignee, int64_t after_due,
		  int64_t after_id, int64_t until,
		  void (*fn)(void *ctx, const store_queue_row *r), void *ctx);
int pg_queue_page(store *s, int64_t business_id, const char *assignee, int64_t after_due,
		  int64_t after_id, int limit,
		  void (*fn)(void *ctx, const store_queue_row *r), void *ctx);
int pg_task_brief(store *s, int64_t business_id, int64_t task_id, int64_t *lead_id,
		  char *verb, size_t len);
int pg_lead_worked_by(store *s, int64_t business_id, int64_t lead_id, const char *person);
int pg_pipeline_read(store *s, int64_t business_id, const store_pipeline_filter *f,
		     void (*fn)(void *ctx, const store_lead_brief *r), void *ctx);
int pg_team_read(store *s, int64_t business_id, int64_t now, int64_t day_start,
		 int64_t day_end, void (*fn)(void *ctx, const store_team_row *r), void *ctx);
int pg_first_event_read(store *s, int64_t business_id, int64_t from, int64_t to,
			const char *type,
			void (*fn)(void *ctx, const char *owner, int64_t created_at,
				   int64_t first_at),
			void *ctx);
int pg_unattended_read(store *s, int64_t business_id, int limit,
		       void (*fn)(void *ctx, const store_lead_brief *r), void *ctx);
int pg_search_read(store *s, int64_t business_id, const char *q, const char *digits,
		   const char *person, int limit,
		   void (*fn)(void *ctx, const store_lead_brief *r), void *ctx);

#endif

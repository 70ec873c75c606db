/*
 * store_backend.h - what a storage engine provides: one table of functions,
 * one for each operation the store's headers declare on a store (store.h,
 * store_api.h, store_outbox.h, store_webhook.h, store_read.h). store.c
 * forwards every call through the table of the store it is given;
 * store_sqlite.c fills the first table. A second engine (PostgreSQL) fills
 * its own and no caller changes. For the store's own files only.
 */
#ifndef LK_STORE_BACKEND_H
#define LK_STORE_BACKEND_H

#include <jansson.h>

#include "store.h"
#include "store_api.h"
#include "store_digest.h"
#include "store_business.h"
#include "store_outbox.h"
#include "store_read.h"
#include "store_health.h"
#include "store_report.h"
#include "store_webhook.h"
#include "store_user_backend.h"

typedef struct store_backend store_backend;

struct store_backend {
	const char *name;
	void (*close)(store *s);
	int (*set_throwaway)(store *s);
	int64_t (*data_version)(store *s);
	bool (*busy)(store *s);
	const char *(*errmsg)(store *s);
	int (*schema_version)(store *s);
	int (*migrate_to)(store *s, int version, char *err, size_t errlen);
	int (*begin)(store *s);
	int (*commit)(store *s);
	void (*rollback)(store *s);
	bool (*in_transaction)(store *s);
	int (*savepoint)(store *s);
	int (*release)(store *s);
	void (*rollback_savepoint)(store *s);
	void (*set_bus)(store *s, store_bus *bus);
	int64_t (*business_sync)(store *s, const rules *r, char *err, size_t errlen);
	int64_t (*lead_find_open)(store *s, int64_t business_id, const char *phone,
				  const char *email, int64_t since);
	int64_t (*lead_find_customer)(store *s, int64_t business_id, const char *phone,
				      const char *email);
	int (*lead_state_load)(store *s, int64_t business_id, int64_t id, int64_t now,
			       int64_t touch_window, store_lead_state **out, char *err,
			       size_t errlen);
	int (*lead_prepare)(store *s, int64_t business_id, const store_new_lead *nl, int64_t now,
			    store_lead_state **out, char *err, size_t errlen);
	int (*lead_create)(store *s, store_lead_state *ls, const decision *d, const char *actor,
			   int64_t now, int64_t *first_task, char *err, size_t errlen);
	void (*set_observer)(store *s, store_observer fn, void *ctx);
	int (*apply)(store *s, int64_t business_id, int64_t lead_id, const decision *d,
		     const char *actor, int64_t now, int64_t *first_task, char *err,
		     size_t errlen);
	int (*timers_due)(store *s, int64_t now, store_timer *out, int max);
	int (*timer_move)(store *s, int64_t timer_id, timer_state from, timer_state to,
			  int64_t now);
	int (*timer_claim)(store *s, int64_t timer_id, int64_t now);
	int64_t (*timer_next_due)(store *s);
	int (*timer_set_error)(store *s, int64_t timer_id);
	int64_t (*task_lead)(store *s, int64_t business_id, int64_t task_id);
	int64_t (*task_oldest_open)(store *s, int64_t lead_id, const char *verb);
	int (*token_create)(store *s, int64_t business_id, const char *name, const char *role,
			    int64_t now, char *token, int64_t *id, char *err, size_t errlen);
	int (*token_check)(store *s, const char *token, int64_t *business_id, int64_t *token_id,
			   char *role, size_t rolelen);
	int (*token_revoke)(store *s, int64_t business_id, int64_t id, int64_t now);
	int (*idem_get)(store *s, int64_t business_id, const char *key, const char *req_hash,
			int *status, char **body, bool *same);
	int (*idem_put)(store *s, int64_t business_id, const char *key, const char *req_hash,
			int status, const char *body, int64_t now);
	int (*task_state)(store *s, int64_t business_id, int64_t task_id, char *buf,
			  size_t len);
	int (*outbox_due)(store *s, const char *channel, int64_t now, int64_t *ids, int max);
	int64_t (*outbox_next_due)(store *s);
	int (*outbox_claim)(store *s, int64_t id, int64_t now, outbox_msg *m);
	int (*outbox_load)(store *s, int64_t id, outbox_msg *m);
	int (*outbox_move)(store *s, int64_t id, outbox_state from, outbox_state to,
			   const outbox_update *u, int64_t now);
	int (*outbox_get)(store *s, int64_t id, outbox_state *state, char *pid, size_t pidlen,
			  int64_t *lead_id, int64_t *task_id);
	int (*outbox_in_state)(store *s, outbox_state st, int64_t *ids, int max);
	int (*webhook_enqueue)(store *s, const char *const *urls, size_t nurls, int64_t now,
			       int max);
	int (*webhook_due)(store *s, int64_t now, int64_t *ids, int max);
	int64_t (*webhook_next_due)(store *s);
	int (*webhook_claim)(store *s, int64_t id, int64_t now, store_webhook *w);
	int (*webhook_finish)(store *s, int64_t id, const char *state, int status,
			      const char *error, int64_t send_at, int64_t now);
	int (*webhook_recover)(store *s);
	int (*lead_read)(store *s, int64_t business_id, int64_t id, const store_lead_visitor *v,
			 void *ctx);
	int (*leads_read)(store *s, int64_t business_id, const store_lead_filter *f,
			  void (*fn)(void *ctx, const store_lead_row *r), void *ctx);
	int (*tasks_read)(store *s, int64_t business_id, const char *assignee, const char *state,
			  int limit, void (*fn)(void *ctx, const store_task_row *r), void *ctx);
	int (*tokens_read)(store *s, int64_t business_id, void (*fn)(void *ctx,
			   const store_token_row *r), void *ctx);
	const store_user_backend *user;	/* store_user.h, store_web.h */
	int (*probe)(store *s);
	int (*outbox_defer)(store *s, int64_t id, int64_t send_at, const char *error,
			    int64_t now);
	int (*outbox_bury)(store *s, int64_t id, const char *error, int64_t task_id,
			   int64_t now);
	int (*webhook_defer)(store *s, int64_t id, int64_t send_at, const char *error,
			     int64_t now);
	int (*webhook_bury)(store *s, int64_t id, const char *error, int64_t now);
	int (*backup)(store *s, const char *path, char *err, size_t errlen);
	int (*restore)(store *s, const char *path, char *err, size_t errlen);
	int (*stats)(store *s, int64_t now, int64_t late_after, store_stats *out);
	int (*calendar_token)(store *s, int64_t business_id, const char *person, int64_t now,
			      char *token, char *err, size_t errlen);
	int (*calendar_revoke)(store *s, int64_t business_id, const char *person, int64_t now);
	int (*calendar_check)(store *s, const char *token, int64_t *business_id, char *person,
			      size_t personlen);
	int (*rules_activate)(store *s, int64_t business_id, const char *hash, const char *text,
			      const char *by, int64_t now, char *prev, size_t prevlen);
	int (*rules_text)(store *s, int64_t business_id, const char *hash, char **text);
	int (*rules_active)(store *s, int64_t business_id, char *hash, size_t hashlen,
			    int64_t *at, char *by, size_t bylen);
	int (*rules_history)(store *s, int64_t business_id, int limit,
			     void (*fn)(void *ctx, const store_rules_row *r), void *ctx);
	int (*leads_off_version)(store *s, int64_t business_id, const char *hash, int64_t after,
				 int64_t *ids, int max);
	int (*lead_pending_step)(store *s, int64_t lead_id, store_timer *out);
	int (*owner_open_leads)(store *s, int64_t business_id, const char *owner,
				int64_t *count);
	int (*assignee_leads)(store *s, int64_t business_id, const char *assignee, int64_t after,
			      int64_t *ids, int max);
	int (*appointments_read)(store *s, int64_t business_id,
				 const store_appointment_filter *f,
				 void (*fn)(void *ctx, const store_appointment_row *r), void *ctx);
	/* store_report.h */
	int (*report_leads)(store *s, int64_t business_id,
			    void (*fn)(void *ctx, const store_report_lead *r), void *ctx);
	int (*report_events)(store *s, int64_t business_id,
			     void (*fn)(void *ctx, const store_report_event *r), void *ctx);
	int (*report_tasks)(store *s, int64_t business_id,
			    void (*fn)(void *ctx, const store_report_task *r), void *ctx);
	int (*report_timers)(store *s, int64_t business_id,
			     void (*fn)(void *ctx, const store_report_timer *r), void *ctx);
	int (*report_acks)(store *s, int64_t business_id,
			       void (*fn)(void *ctx, const store_report_ack *r), void *ctx);
	/* store_health.h */
	int (*health_read)(store *s, int64_t business_id, int64_t now, int64_t since,
			   int64_t dead_since, int64_t late_after, store_health *out);
	int (*health_arrivals)(store *s, int64_t business_id, int64_t since, int64_t now,
			       int max_per_source,
			       void (*fn)(void *ctx, const char *source, int64_t at), void *ctx);
	/* store_node.h: several nodes on one database. Optional: NULL in an
	 * engine whose database has one dispatcher (SQLite: a file lock). */
	int (*node_join)(store *s, const char *node, int lease_seconds, char *err,
			 size_t errlen);
	int (*lease_renew)(store *s);
	int (*outbox_orphans)(store *s, bool at_start, int64_t *ids, int max);
	int (*webhook_orphans)(store *s, bool at_start);
	int (*wait_commit)(store *s, int timeout_ms);
	int (*node_duty)(store *s, const char *duty);
	store *(*report_reader)(store *s);	/* NULL: none */
	/* store_digest.h */
	int (*digest_claim)(store *s, int64_t business_id, const char *week,
			const char *recipient, int64_t now);
	int (*digest_finish)(store *s, int64_t business_id, const char *week,
			const char *recipient, const char *state,
			     const char *error, int64_t retry_at, int64_t now);
	int (*digest_recover)(store *s, int64_t business_id, int64_t now);
	int (*digest_get)(store *s, int64_t business_id, const char *week,
			const char *recipient, char *state,
			  size_t statelen, int *attempts);
	/* store_business.h */
	int64_t (*business_sync_slug)(store *s, const char *slug, const rules *r, char *err,
				      size_t errlen);
	int (*business_update)(store *s, const char *slug, const char *file, int disabled);
	int (*businesses_read)(store *s, const char *slug,
			       void (*fn)(void *ctx, const store_business_row *r), void *ctx);
	int (*timers_due_for)(store *s, int64_t business_id, int64_t now, store_timer *out,
			      int max);
	int (*outbox_due_for)(store *s, int64_t business_id, const char *channel, int64_t now,
			      int64_t *ids, int max);
	int (*webhook_enqueue_each)(store *s, const store_webhook_target *t, size_t nt,
				    int64_t now, int max);
	/* store_report.h: which businesses' timelines grew */
	int (*report_changed)(store *s, int64_t *after,
			      void (*fn)(void *ctx, int64_t business_id, int64_t newest),
			      void *ctx);
	/* store_business.h */
	int (*outbox_due_businesses)(store *s, int64_t now, int64_t *ids, int max);
	int (*timers_due_businesses)(store *s, int64_t now, int64_t *ids, int max);
};

/* Every engine's struct store begins with a pointer to its table, so the
 * table is found whatever the engine (a pointer to a struct, converted,
 * points to its first member). */
static inline const store_backend *
store_backend_of(store *s)
{
	return *(const store_backend *const *)(void *)s;
}

/* Loaded (or prepared) state of one lead for decide(); every engine fills
 * the same one. */
struct store_lead_state {
	lead_state st;
	char *strs[16];		/* the lead's strings */
	int nstrs;
	lead_task *tasks;
	char **task_strs;	/* 3 per task */
	int64_t *touches;
	char *rr_keys[64];	/* the business's round-robin counters */
	int64_t rr_values[64];
	rr_counters rr;
	lead_appointment *appts; /* the lead's appointments ahead of an outcome */
	char **appt_strs;	/* 4 per appointment */
	json_t *custom_obj;	/* the lead's custom fields; owns the strings of: */
	lead_custom *custom;
	/* A prepared lead (store_lead_prepare), not written yet: */
	const char *external_id;
	int64_t business_id;
	char *custom_json;	/* custom_obj as stored, NULL = none */
};

/* The engines. */
extern const store_backend store_sqlite_backend;
/* Opens (creating it if needed) DIR/leadkeep.db; NULL with err set. */
store *store_sqlite_open(const char *dir, char *err, size_t errlen);

#endif

/*
 * store_internal.h - shared by the store's own files; not a contract for
 * anyone outside src/store/.
 */
#ifndef LK_STORE_INTERNAL_H
#define LK_STORE_INTERNAL_H

#include <jansson.h>

#include "store.h"
#include "store_sqlite.h"

#define STMT_CACHE 96

/* Prepared statements, keyed by the SQL literal's address. */
typedef struct {
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} items[STMT_CACHE];
	int n;
} stmt_cache;

struct store {
	stmt_cache stmts;
	sqlite3 *db;
	char *path;
	store_observer observer;
	void *observer_ctx;
	int fail_applies;	/* test seam: fail this many store_apply() calls */
	bool injected;		/* the last failure was the seam's */
};

/* Loaded (or prepared) state of one lead for decide(). */
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
	json_t *custom_obj;	/* the lead's custom fields; owns the strings of: */
	lead_custom *custom;
	/* A prepared lead (store_lead_prepare), not written yet: */
	const char *external_id;
	int64_t business_id;
	char *custom_json;	/* custom_obj as stored, NULL = none */
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

/* Copies column i as a malloc'd string or NULL. */
char *store_col_strdup(sqlite3_stmt *st, int i);

/* "sqlite: <message>" into err. Returns -1. */
int store_fail(store *s, char *err, size_t errlen, const char *what);

int store_timer_kind_parse(const char *name, timer_kind *out);

/* Cancels the lead's pending timers of kind (only task_id's when > 0):
 * pending -> cancelled. 0 / -1. */
int store_timers_cancel(store *s, int64_t lead_id, timer_kind kind, int64_t task_id);

/* An illegal state transition of a timer, task or lead ("task", id, "done",
 * "cancelled"): a bug. Says so on stderr and aborts. */
_Noreturn void store_illegal_edge(const char *what, int64_t id, const char *from,
				  const char *to);

#endif

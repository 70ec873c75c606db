/*
 * store_internal.h - shared by the store's own files; not a contract for
 * anyone outside src/store/.
 */
#ifndef LK_STORE_INTERNAL_H
#define LK_STORE_INTERNAL_H

#include "store.h"
#include "store_bus.h"

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
	store_bus *bus;		/* borrowed; announced to after each commit, or NULL */
	unsigned changed;	/* STORE_BUS_* kinds written since the last commit */
	unsigned changed_at_savepoint; /* changed when the savepoint was taken */
};

extern const char *const store_migrations[];
extern const int store_nmigrations;

/* A prepared, reset statement for sql, which must be a string literal (the
 * cache is keyed by its address). Owned by the store; NULL on error. */
sqlite3_stmt *store_stmt(store *s, const char *sql);

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

#endif

/*
 * store_sqlite.c - opening the database, migrations, transactions and the
 * prepared-statement cache. Durability first: WAL with synchronous=FULL, so a
 * committed decision survives power loss, not only a crash of the process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_internal.h"
#include "util/mono.h"

int
store_fail(store *s, char *err, size_t errlen, const char *what)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", what, s && s->db ? store_errmsg(s) : "no database");
	return -1;
}

sqlite3_stmt *
store_stmt(store *s, const char *sql)
{
	stmt_cache *c = &s->stmts;
	sqlite3_stmt *st;

	for (int i = 0; i < c->n; i++) {
		if (c->items[i].sql == sql) {
			sqlite3_reset(c->items[i].st);
			sqlite3_clear_bindings(c->items[i].st);
			return c->items[i].st;
		}
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "leadkeep: sqlite prepare failed: %s\n", sqlite3_errmsg(s->db));
		return NULL;
	}
	if (c->n == STMT_CACHE)
		abort();	/* more distinct statements than the cache holds: a bug */
	c->items[c->n].sql = sql;
	c->items[c->n].st = st;
	c->n++;
	return st;
}

void
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

int
store_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_collect_ids(sqlite3_stmt *st, int64_t *ids, int max)
{
	int n = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

int
store_due_businesses(store *s, const char *sql, int64_t now, int64_t *ids, int max)
{
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	return store_collect_ids(st, ids, max);
}

char *
store_col_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? strdup((const char *)v) : NULL;
}

static int
exec(store *s, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "sqlite: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
store_schema_latest(void)
{
	return store_nmigrations;
}

int
sqlite_schema_version(store *s)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
sqlite_migrate_to(store *s, int version, char *err, size_t errlen)
{
	int have = store_schema_version(s);

	if (have < 0)
		return store_fail(s, err, errlen, "reading the schema version");
	if (have > store_nmigrations) {
		snprintf(err, errlen, "%s has schema version %d, newer than this leadkeep "
			 "knows (%d): upgrade leadkeep", s->path, have, store_nmigrations);
		return -1;
	}
	for (int v = have + 1; v <= version && v <= store_nmigrations; v++) {
		char pragma[64];

		if (exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
			return -1;
		/* Another process may have migrated while we waited for the lock. */
		if (store_schema_version(s) >= v) {
			exec(s, "COMMIT", err, errlen);
			continue;
		}
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v);
		if (exec(s, store_migrations[v - 1], err, errlen) < 0 ||
		    exec(s, pragma, err, errlen) < 0) {
			exec(s, "ROLLBACK", NULL, 0);
			return -1;
		}
		if (exec(s, "COMMIT", err, errlen) < 0)
			return -1;
	}
	return 0;
}

unsigned
store_table_kind(const char *table)
{
	static const struct {
		const char *name;
		unsigned kind;
	} kinds[] = {
		{ "leads", STORE_BUS_LEADS },
		{ "events", STORE_BUS_LEADS },
		{ "tasks", STORE_BUS_LEADS },
		{ "timers", STORE_BUS_TIMERS },
		{ "outbox", STORE_BUS_OUTBOX },
		{ "webhook_deliveries", STORE_BUS_WEBHOOKS },
	};

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(table, kinds[i].name) == 0)
			return kinds[i].kind;
	return STORE_BUS_OTHER;
}

/* SQLite's update hook: every row inserted, updated or deleted. Only notes
 * the kind; the hook must not touch the connection. */
static void
on_row_change(void *arg, int op, const char *dbname, const char *table, sqlite3_int64 rowid)
{
	store *s = arg;

	s->changed |= store_table_kind(table);
}

/* Any end of a transaction other than COMMIT, also SQLite's own (I/O error,
 * full disk): nothing of it is durable, nothing is announced. */
static void
on_rollback(void *arg)
{
	store *s = arg;

	s->changed = 0;
	s->changed_at_savepoint = 0;
}

/* A database from an older leadkeep is copied before it is migrated, and
 * the copy's path said on stderr: an upgrade can always be undone by
 * installing the old binary and restoring the copy. A copy that cannot be
 * made stops the upgrade (nothing is migrated). A new, empty file (version
 * 0) and a current one are left alone. */
static int
upgrade_backup(store *s, const char *dir, char *err, size_t errlen)
{
	char path[4096];
	int have = store_schema_version(s);

	if (have <= 0 || have >= store_nmigrations)
		return 0;
	if (store_upgrade_backup(s, dir, have, path, sizeof path, err, errlen) < 0) {
		char why[512];

		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errlen, "%s has schema version %d and this leadkeep %d: not "
			 "upgraded, because the copy made first failed: %s", s->path, have,
			 store_nmigrations, why);
		return -1;
	}
	fprintf(stderr, "leadkeep: upgrading %s from schema version %d to %d; a copy of it "
		"as it was is at %s\n", s->path, have, store_nmigrations, path);
	return 0;
}

/* How long a connection waits for a lock another connection or process
 * holds before it gives up with "database is busy". */
#define BUSY_MS 10000

/* Tries again every millisecond until BUSY_MS have passed. SQLite's own
 * handler (sqlite3_busy_timeout) sleeps longer and longer between tries, up to
 * 100 ms, so a writer waiting behind another process that commits and begins
 * again a moment later - `leadkeep import` beside serve - kept missing the
 * gap: serve's writer waited for whole seconds while a quiet business's
 * leads queued behind it (bench/fairness.sh). A try costs a few system calls. */
static int
on_busy(void *ctx, int count)
{
	store *s = ctx;
	struct timespec ms = { 0, 1000000 };

	if (count == 0)
		s->busy_since = mono_ns();
	if (mono_ns() - s->busy_since >= (int64_t)s->busy_ms * 1000000)
		return 0;
	nanosleep(&ms, NULL);
	return 1;
}

store *
store_sqlite_open(const char *dir, char *err, size_t errlen)
{
	store *s;
	size_t n;
	int fd;

	/* Leads are personal data: only the owner may enter or read (and the
	 * database's -wal and -shm files take the database file's mode). */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create data directory %s: %s", dir, strerror(errno));
		return NULL;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->be = &store_sqlite_backend;
	n = strlen(dir) + sizeof "/leadkeep.db";
	s->path = malloc(n);
	if (s->path == NULL) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(s->path, n, "%s/leadkeep.db", dir);
	if ((fd = open(s->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0)
		close(fd);	/* a new database file: 0600 whatever the umask lets through */
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", s->path,
			 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		sqlite_close(s);
		return NULL;
	}
	s->busy_ms = BUSY_MS;
	sqlite3_busy_handler(s->db, on_busy, s);
	sqlite3_update_hook(s->db, on_row_change, s);
	sqlite3_rollback_hook(s->db, on_rollback, s);
	/* The test seam for storage errors inside a decision (tests only). */
	if (getenv("LEADKEEP_FAULT_APPLY") != NULL)
		s->fail_applies = atoi(getenv("LEADKEEP_FAULT_APPLY"));
	if (exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
		 "PRAGMA foreign_keys = ON;", err, errlen) < 0 ||
	    upgrade_backup(s, dir, err, errlen) < 0 ||
	    store_migrate_to(s, store_nmigrations, err, errlen) < 0) {
		sqlite_close(s);
		return NULL;
	}
	return s;
}

void
sqlite_close(store *s)
{
	stmt_cache *c;

	if (s == NULL)
		return;
	c = &s->stmts;
	for (int i = 0; i < c->n; i++)
		sqlite3_finalize(c->items[i].st);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

int
sqlite_set_throwaway(store *s)
{
	return exec(s, "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY;"
		    "PRAGMA synchronous = OFF; PRAGMA cache_size = -65536", NULL, 0);
}

sqlite3 *
store_sqlite_db(store *s)
{
	return s->db;
}

bool
sqlite_busy(store *s)
{
	int rc = sqlite3_errcode(s->db);

	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

const char *
sqlite_errmsg(store *s)
{
	return s->injected ? "injected fault (LEADKEEP_FAULT_APPLY)" : sqlite3_errmsg(s->db);
}

int
sqlite_begin(store *s)
{
	return exec(s, "BEGIN IMMEDIATE", NULL, 0);
}

int
sqlite_probe(store *s)
{
	int rc;

	s->busy_ms = 0;
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	s->busy_ms = BUSY_MS;
	if (rc == SQLITE_OK) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return 0;
	}
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? 1 : -1;
}

int
sqlite_commit(store *s)
{
	unsigned changed;

	if (exec(s, "COMMIT", NULL, 0) < 0)
		return -1;
	changed = s->changed;
	s->changed = 0;
	s->changed_at_savepoint = 0;
	/* Durable now: whoever waits for these rows may look. */
	store_bus_publish(s->bus, changed);
	return 0;
}

bool
sqlite_in_transaction(store *s)
{
	return !sqlite3_get_autocommit(s->db);
}

void
sqlite_rollback(store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK", NULL, 0);
}

int
sqlite_savepoint(store *s)
{
	s->changed_at_savepoint = s->changed;
	return exec(s, "SAVEPOINT lead", NULL, 0);
}

int
sqlite_release(store *s)
{
	return exec(s, "RELEASE lead", NULL, 0);
}

void
sqlite_rollback_savepoint(store *s)
{
	exec(s, "ROLLBACK TO lead", NULL, 0);
	exec(s, "RELEASE lead", NULL, 0);
	/* One level is remembered: after a nested savepoint this keeps more
	 * kinds than were written, never fewer. */
	s->changed = s->changed_at_savepoint;
}

void
sqlite_set_bus(store *s, store_bus *bus)
{
	s->bus = bus;
}

void
sqlite_set_observer(store *s, store_observer fn, void *ctx)
{
	s->observer = fn;
	s->observer_ctx = ctx;
}

int64_t
sqlite_data_version(store *s)
{
	sqlite3_stmt *st = store_stmt(s, "PRAGMA data_version");
	int64_t v = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

const store_backend store_sqlite_backend = {
	.name = "sqlite",
	.close = sqlite_close,
	.set_throwaway = sqlite_set_throwaway,
	.data_version = sqlite_data_version,
	.busy = sqlite_busy,
	.errmsg = sqlite_errmsg,
	.schema_version = sqlite_schema_version,
	.migrate_to = sqlite_migrate_to,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.in_transaction = sqlite_in_transaction,
	.savepoint = sqlite_savepoint,
	.release = sqlite_release,
	.rollback_savepoint = sqlite_rollback_savepoint,
	.set_bus = sqlite_set_bus,
	.business_sync = sqlite_business_sync,
	.lead_find_open = sqlite_lead_find_open,
	.lead_find_customer = sqlite_lead_find_customer,
	.lead_state_load = sqlite_lead_state_load,
	.lead_prepare = sqlite_lead_prepare,
	.lead_create = sqlite_lead_create,
	.set_observer = sqlite_set_observer,
	.apply = sqlite_apply,
	.timers_due = sqlite_timers_due,
	.timer_move = sqlite_timer_move,
	.timer_claim = sqlite_timer_claim,
	.timer_next_due = sqlite_timer_next_due,
	.timer_set_error = sqlite_timer_set_error,
	.task_lead = sqlite_task_lead,
	.task_oldest_open = sqlite_task_oldest_open,
	.token_create = sqlite_token_create,
	.token_check = sqlite_token_check,
	.token_revoke = sqlite_token_revoke,
	.idem_get = sqlite_idem_get,
	.idem_put = sqlite_idem_put,
	.task_state = sqlite_task_state,
	.outbox_due = sqlite_outbox_due,
	.outbox_next_due = sqlite_outbox_next_due,
	.outbox_claim = sqlite_outbox_claim,
	.outbox_load = sqlite_outbox_load,
	.outbox_move = sqlite_outbox_move,
	.outbox_get = sqlite_outbox_get,
	.outbox_in_state = sqlite_outbox_in_state,
	.webhook_enqueue = sqlite_webhook_enqueue,
	.webhook_due = sqlite_webhook_due,
	.webhook_next_due = sqlite_webhook_next_due,
	.webhook_claim = sqlite_webhook_claim,
	.webhook_finish = sqlite_webhook_finish,
	.webhook_recover = sqlite_webhook_recover,
	.lead_read = sqlite_lead_read,
	.leads_read = sqlite_leads_read,
	.tasks_read = sqlite_tasks_read,
	.tokens_read = sqlite_tokens_read,
	.user = &store_user_sqlite,
	.probe = sqlite_probe,
	.outbox_defer = sqlite_outbox_defer,
	.outbox_bury = sqlite_outbox_bury,
	.webhook_defer = sqlite_webhook_defer,
	.webhook_bury = sqlite_webhook_bury,
	.backup = sqlite_backup,
	.restore = sqlite_restore,
	.stats = sqlite_stats,
	.calendar_token = sqlite_calendar_token,
	.calendar_revoke = sqlite_calendar_revoke,
	.calendar_check = sqlite_calendar_check,
	.rules_activate = sqlite_rules_activate,
	.rules_text = sqlite_rules_text,
	.rules_active = sqlite_rules_active,
	.rules_history = sqlite_rules_history,
	.leads_off_version = sqlite_leads_off_version,
	.lead_pending_step = sqlite_lead_pending_step,
	.owner_open_leads = sqlite_owner_open_leads,
	.assignee_leads = sqlite_assignee_leads,
	.appointments_read = sqlite_appointments_read,
	.report_leads = sqlite_report_leads,
	.report_events = sqlite_report_events,
	.report_tasks = sqlite_report_tasks,
	.report_timers = sqlite_report_timers,
	.report_acks = sqlite_report_acks,
	.health_read = sqlite_health_read,
	.health_arrivals = sqlite_health_arrivals,
	.report_reader = sqlite_report_reader,
	.digest_claim = sqlite_digest_claim,
	.digest_finish = sqlite_digest_finish,
	.digest_recover = sqlite_digest_recover,
	.digest_get = sqlite_digest_get,
	.business_sync_slug = sqlite_business_sync_slug,
	.business_update = sqlite_business_update,
	.businesses_read = sqlite_businesses_read,
	.timers_due_for = sqlite_timers_due_for,
	.outbox_due_for = sqlite_outbox_due_for,
	.webhook_enqueue_each = sqlite_webhook_enqueue_each,
	.report_changed = sqlite_report_changed,
	.outbox_due_businesses = sqlite_outbox_due_businesses,
	.timers_due_businesses = sqlite_timers_due_businesses,
};

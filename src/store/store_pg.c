/*
 * store_pg.c - the PostgreSQL engine: connecting, the numbered migrations
 * (store_pg_schema.c), transactions and savepoints, the commit bus through
 * LISTEN/NOTIFY, the statement helpers, and the engine's table.
 *
 * Where each operation is: this file; business_sync,
 * lead_find_open, lead_find_customer, lead_state_load and lead_prepare
 * (store_pg_lead.c); lead_create and apply (store_pg_apply.c); tokens,
 * idempotency records, task_state, task_lead, task_oldest_open and
 * calendar tokens (store_pg_api.c); timers (store_pg_timer.c); the outbox
 * (store_pg_outbox.c); webhook deliveries (store_pg_webhook.c); rules
 * versions and the reads a rules change and people's absences need
 * (store_pg_rules.c); the readers (store_pg_read.c) and reports
 * (store_pg_report.c); stats, and backup and restore, which refuse in
 * favour of PostgreSQL's own tools (store_pg_stats.c); the health watch's
 * reads (store_pg_health.c); several nodes' names, leases and takeovers
 * (store_pg_node.c, store_node.h); the weekly digest's sends
 * (store_pg_digest.c). Users, sessions, set-password links
 * (store_pg_user.c) and the web app's reads (store_pg_web.c) are the
 * table's .user, store_user_pg.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_bus.h"
#include "store_common.h"
#include "store_pg.h"

/* Serialises migrations of several nodes starting at once (any constant
 * that no other user of the database takes). */
#define MIGRATE_LOCK "7413001"

void
pg_int(pg_params *p, int64_t v)
{
	if (p->n >= PG_MAXPARAMS)
		abort();	/* a statement with more parameters: raise PG_MAXPARAMS */
	snprintf(p->num[p->n], sizeof p->num[p->n], "%lld", (long long)v);
	p->v[p->n] = p->num[p->n];
	p->n++;
}

void
pg_text(pg_params *p, const char *v)
{
	if (p->n >= PG_MAXPARAMS)
		abort();
	p->v[p->n++] = v;
}

static void
keep_error(pg_store *p, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(p->conn);
	size_t n;

	snprintf(p->sqlstate, sizeof p->sqlstate, "%s", state ? state : "");
	snprintf(p->err, sizeof p->err, "%s", msg && *msg ? msg : PQerrorMessage(p->conn));
	n = strlen(p->err);
	while (n > 0 && (p->err[n - 1] == '\n' || p->err[n - 1] == ' '))
		p->err[--n] = '\0';
}

PGresult *
pg_run(pg_store *p, const char *sql, const pg_params *params)
{
	PGresult *r;
	ExecStatusType st;

	if (params != NULL)
		r = pg_exec_prepared(p, sql, params);
	else
		r = PQexec(p->conn, sql);
	st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		p->sqlstate[0] = '\0';
		return r;
	}
	keep_error(p, r);
	PQclear(r);
	return NULL;
}

int
pg_run_done(pg_store *p, const char *sql, const pg_params *params)
{
	PGresult *r = pg_run(p, sql, params);

	PQclear(r);
	return r != NULL ? 0 : -1;
}

int
pg_changed(pg_store *p, const char *sql, const pg_params *params)
{
	PGresult *r = pg_run(p, sql, params);
	int n;

	if (r == NULL)
		return -1;
	n = atoi(PQcmdTuples(r));
	PQclear(r);
	return n > 0;
}

int
pg_changed_count(pg_store *p, const char *sql, const pg_params *params)
{
	PGresult *r = pg_run(p, sql, params);
	int n;

	if (r == NULL)
		return -1;
	n = atoi(PQcmdTuples(r));
	PQclear(r);
	return n;
}

int
pg_collect_ids(PGresult *r, int64_t *ids, int max)
{
	int n = 0;

	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && n < max; i++)
		ids[n++] = pg_get_int(r, i, 0);
	PQclear(r);
	return n;
}

int
pg_due_businesses(pg_store *p, const char *sql, int64_t now, int64_t *ids, int max)
{
	pg_params pp = { 0 };

	pg_int(&pp, now);
	pg_int(&pp, max);
	return pg_collect_ids(pg_run(p, sql, &pp), ids, max);
}

int64_t
pg_get_int(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

char *
pg_get_strdup(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : strdup(PQgetvalue(r, row, col));
}

int
pg_fail(pg_store *p, char *err, size_t errlen, const char *what)
{
	if (err != NULL)
		snprintf(err, errlen, "postgres: %s: %s", what, p->err);
	return -1;
}

/* Takes in the notifications the server has sent: our own commits' and
 * other connections' (any node's). */
static void
drain_notifications(pg_store *p)
{
	PGnotify *n;

	PQconsumeInput(p->conn);
	while ((n = PQnotifies(p->conn)) != NULL) {
		p->heard |= store_table_kind(n->extra);
		if (n->be_pid != PQbackendPID(p->conn))
			p->others++;
		PQfreemem(n);
	}
}

/* The server's notices (NOTICE, WARNING) are not ours to print. */
static void
ignore_notice(void *arg, const char *message)
{
}

int
store_pg_schema_latest(void)
{
	return store_pg_nmigrations;
}

static int
pg_schema_version(store *s)
{
	pg_store *p = pg_of(s);
	PGresult *r = pg_run(p, "SELECT to_regclass('schema_version') IS NOT NULL", NULL);
	int v = -1;

	if (r == NULL)
		return -1;
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0)
		v = 0;	/* a new, empty database */
	PQclear(r);
	if (v == 0)
		return 0;
	if ((r = pg_run(p, "SELECT version FROM schema_version", NULL)) == NULL)
		return -1;
	v = PQntuples(r) == 1 ? (int)pg_get_int(r, 0, 0) : 0;
	PQclear(r);
	return v;
}

/* BEGIN, and the migration lock until the transaction ends. */
static int
begin_migration(pg_store *p)
{
	if (pg_run_done(p, "BEGIN", NULL) < 0)
		return -1;
	if (pg_run_done(p, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", NULL) < 0) {
		pg_run_done(p, "ROLLBACK", NULL);
		return -1;
	}
	return 0;
}

static int
pg_migrate_to(store *s, int version, char *err, size_t errlen)
{
	pg_store *p = pg_of(s);
	int have;

	if (begin_migration(p) < 0 ||
	    pg_run_done(p, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
			"INSERT INTO schema_version SELECT 0"
			" WHERE NOT EXISTS (SELECT 1 FROM schema_version)", NULL) < 0 ||
	    pg_run_done(p, "COMMIT", NULL) < 0) {
		pg_run_done(p, "ROLLBACK", NULL);
		return pg_fail(p, err, errlen, "creating the schema_version table");
	}
	if ((have = pg_schema_version(s)) < 0)
		return pg_fail(p, err, errlen, "reading the schema version");
	if (have > store_pg_nmigrations) {
		snprintf(err, errlen, "the PostgreSQL database %s has schema version %d, newer "
			 "than this leadkeep knows (%d): upgrade leadkeep", PQdb(p->conn), have,
			 store_pg_nmigrations);
		return -1;
	}
	for (int v = have + 1; v <= version && v <= store_pg_nmigrations; v++) {
		pg_params pv = { 0 };
		char what[64];

		snprintf(what, sizeof what, "migration %d", v);
		if (begin_migration(p) < 0)
			return pg_fail(p, err, errlen, what);
		/* Another node may have migrated while we waited for the lock. */
		if (pg_schema_version(s) >= v) {
			pg_run_done(p, "COMMIT", NULL);
			continue;
		}
		pg_int(&pv, v);
		if (pg_run_done(p, store_pg_migrations[v - 1], NULL) < 0 ||
		    pg_run_done(p, "UPDATE schema_version SET version = $1", &pv) < 0 ||
		    pg_run_done(p, "COMMIT", NULL) < 0) {
			pg_fail(p, err, errlen, what);
			pg_run_done(p, "ROLLBACK", NULL);
			return -1;
		}
	}
	return 0;
}

static void
pg_close(store *s)
{
	pg_store *p = pg_of(s);

	if (p == NULL)
		return;
	PQfinish(p->conn);
	pg_prepared_forget(p);
	free(p);
}

store *
store_pg_open(const char *conninfo, char *err, size_t errlen)
{
	pg_store *p = calloc(1, sizeof *p);

	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->be = &store_pg_backend;
	p->conn = PQconnectdb(conninfo);
	if (p->conn == NULL || PQstatus(p->conn) != CONNECTION_OK) {
		/* libpq's message names the host or socket, never the password. */
		snprintf(err, errlen, "cannot connect to PostgreSQL: %s",
			 p->conn ? PQerrorMessage(p->conn) : "out of memory");
		err[strcspn(err, "\n")] = '\0';
		pg_close((store *)(void *)p);
		return NULL;
	}
	PQsetNoticeProcessor(p->conn, ignore_notice, NULL);
	if (getenv("LEADKEEP_FAULT_APPLY") != NULL)
		p->fail_applies = atoi(getenv("LEADKEEP_FAULT_APPLY"));
	if (pg_run_done(p, "LISTEN leadkeep_commit", NULL) < 0) {
		pg_fail(p, err, errlen, "LISTEN");
		pg_close((store *)(void *)p);
		return NULL;
	}
	if (pg_migrate_to((store *)(void *)p, store_pg_nmigrations, err, errlen) < 0) {
		pg_close((store *)(void *)p);
		return NULL;
	}
	return (store *)(void *)p;
}

PGconn *
store_pg_conn(store *s)
{
	return pg_of(s)->conn;
}

/* Commits need no file tuning here; a throwaway store skips waiting for
 * the WAL flush. */
static int
pg_set_throwaway(store *s)
{
	return pg_run_done(pg_of(s), "SET synchronous_commit = off", NULL);
}

/* Changes when another connection (any node) has committed since the last
 * call, as SQLite's PRAGMA data_version. A lost connection is -1 (the
 * watcher then publishes everything: polling is the fallback) and is
 * opened again, LISTENing, for the next call. */
static int64_t
pg_data_version(store *s)
{
	pg_store *p = pg_of(s);

	drain_notifications(p);
	if (PQstatus(p->conn) != CONNECTION_OK) {
		snprintf(p->err, sizeof p->err, "the connection to PostgreSQL was lost");
		PQreset(p->conn);
		pg_prepared_forget(p);
		if (PQstatus(p->conn) == CONNECTION_OK)
			pg_run_done(p, "LISTEN leadkeep_commit", NULL);
		return -1;
	}
	return p->others;
}

/* Serialization failures, deadlocks and lock timeouts: worth a retry. */
static bool
pg_busy(store *s)
{
	const char *st = pg_of(s)->sqlstate;

	return strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 ||
	       strcmp(st, "55P03") == 0;
}

static const char *
pg_errmsg(store *s)
{
	return pg_of(s)->err;
}

static int
pg_begin(store *s)
{
	return pg_run_done(pg_of(s), "BEGIN", NULL);
}

static int
pg_commit(store *s)
{
	pg_store *p = pg_of(s);
	PGresult *r = pg_run(p, "COMMIT", NULL);
	bool committed;
	unsigned kinds;

	if (r == NULL)
		return -1;
	/* COMMIT of a transaction an error aborted succeeds, as a ROLLBACK. */
	committed = strcmp(PQcmdStatus(r), "COMMIT") == 0;
	PQclear(r);
	if (!committed) {
		snprintf(p->err, sizeof p->err, "the transaction was rolled back by an "
			 "earlier error");
		return -1;
	}
	/* Our own NOTIFYs arrive with the COMMIT's reply: durable now. */
	drain_notifications(p);
	kinds = p->heard;
	p->heard = 0;
	store_bus_publish(p->bus, kinds);
	return 0;
}

static bool
pg_in_transaction(store *s)
{
	return PQtransactionStatus(pg_of(s)->conn) != PQTRANS_IDLE;
}

static void
pg_rollback(store *s)
{
	if (pg_in_transaction(s))
		pg_run_done(pg_of(s), "ROLLBACK", NULL);
}

static int
pg_savepoint(store *s)
{
	return pg_run_done(pg_of(s), "SAVEPOINT lead", NULL);
}

static int
pg_release(store *s)
{
	return pg_run_done(pg_of(s), "RELEASE lead", NULL);
}

/* The server drops the NOTIFYs of a rolled-back savepoint itself. */
static void
pg_rollback_savepoint(store *s)
{
	pg_run_done(pg_of(s), "ROLLBACK TO lead", NULL);
	pg_run_done(pg_of(s), "RELEASE lead", NULL);
}

static void
pg_set_bus(store *s, store_bus *bus)
{
	pg_of(s)->bus = bus;
}

static void
pg_set_observer(store *s, store_observer fn, void *ctx)
{
	pg_of(s)->observer = fn;
	pg_of(s)->observer_ctx = ctx;
}

/* 0 when the database answers, -1 when not (a PostgreSQL writer never
 * waits for a whole-database lock, so never 1, "busy"). */
static int
pg_probe(store *s)
{
	return pg_run_done(pg_of(s), "SELECT 1", NULL);
}

const store_backend store_pg_backend = {
	.name = "postgres",
	.close = pg_close,
	.set_throwaway = pg_set_throwaway,
	.data_version = pg_data_version,
	.busy = pg_busy,
	.errmsg = pg_errmsg,
	.schema_version = pg_schema_version,
	.migrate_to = pg_migrate_to,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = pg_in_transaction,
	.savepoint = pg_savepoint,
	.release = pg_release,
	.rollback_savepoint = pg_rollback_savepoint,
	.set_bus = pg_set_bus,
	.set_observer = pg_set_observer,
	.probe = pg_probe,
	.business_sync = pg_business_sync,
	.lead_find_open = pg_lead_find_open,
	.lead_find_customer = pg_lead_find_customer,
	.lead_state_load = pg_lead_state_load,
	.lead_prepare = pg_lead_prepare,
	.lead_create = pg_lead_create,
	.apply = pg_apply,
	.token_create = pg_token_create,
	.token_check = pg_token_check,
	.token_revoke = pg_token_revoke,
	.idem_get = pg_idem_get,
	.idem_put = pg_idem_put,
	.task_state = pg_task_state,
	.task_lead = pg_task_lead,
	.task_oldest_open = pg_task_oldest_open,
	.calendar_token = pg_calendar_token,
	.calendar_revoke = pg_calendar_revoke,
	.calendar_check = pg_calendar_check,
	.timers_due = pg_timers_due,
	.lead_pending_step = pg_lead_pending_step,
	.timer_move = pg_timer_move,
	.timer_claim = pg_timer_claim,
	.timer_next_due = pg_timer_next_due,
	.timer_set_error = pg_timer_set_error,
	.outbox_due = pg_outbox_due,
	.outbox_next_due = pg_outbox_next_due,
	.outbox_claim = pg_outbox_claim,
	.outbox_defer = pg_outbox_defer,
	.outbox_bury = pg_outbox_bury,
	.outbox_load = pg_outbox_load,
	.outbox_move = pg_outbox_move,
	.outbox_get = pg_outbox_get,
	.outbox_in_state = pg_outbox_in_state,
	.webhook_enqueue = pg_webhook_enqueue,
	.webhook_due = pg_webhook_due,
	.webhook_next_due = pg_webhook_next_due,
	.webhook_claim = pg_webhook_claim,
	.webhook_finish = pg_webhook_finish,
	.webhook_defer = pg_webhook_defer,
	.webhook_bury = pg_webhook_bury,
	.webhook_recover = pg_webhook_recover,
	.rules_activate = pg_rules_activate,
	.rules_text = pg_rules_text,
	.rules_active = pg_rules_active,
	.rules_history = pg_rules_history,
	.leads_off_version = pg_leads_off_version,
	.owner_open_leads = pg_owner_open_leads,
	.assignee_leads = pg_assignee_leads,
	.health_read = pg_health_read,
	.health_arrivals = pg_health_arrivals,
	.node_join = pg_node_join,
	.lease_renew = pg_lease_renew,
	.outbox_orphans = pg_outbox_orphans,
	.webhook_orphans = pg_webhook_orphans,
	.wait_commit = pg_wait_commit,
	.node_duty = pg_node_duty,
	.user = &store_user_pg,
	.digest_claim = pg_digest_claim,
	.digest_finish = pg_digest_finish,
	.digest_recover = pg_digest_recover,
	.digest_get = pg_digest_get,
	.lead_read = pg_lead_read,
	.leads_read = pg_leads_read,
	.tasks_read = pg_tasks_read,
	.tokens_read = pg_tokens_read,
	.appointments_read = pg_appointments_read,
	.report_leads = pg_report_leads,
	.report_events = pg_report_events,
	.report_tasks = pg_report_tasks,
	.report_timers = pg_report_timers,
	.report_acks = pg_report_acks,
	.stats = pg_stats,
	.backup = pg_backup,
	.restore = pg_restore,
	.business_sync_slug = pg_business_sync_slug,
	.business_update = pg_business_update,
	.businesses_read = pg_businesses_read,
	.timers_due_for = pg_timers_due_for,
	.outbox_due_for = pg_outbox_due_for,
	.webhook_enqueue_each = pg_webhook_enqueue_each,
	.report_changed = pg_report_changed,
	.outbox_due_businesses = pg_outbox_due_businesses,
	.timers_due_businesses = pg_timers_due_businesses,
};

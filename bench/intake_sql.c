/*
 * intake_sql.c - SQL statements per new web-form lead. Runs the writer's job
 * for POST /in/form/KEY exactly as serve does (the urlencoded body parsed into
 * fields, intake_form, then job_run inside a savepoint of a transaction) on a
 * fresh database with the demo rules, and counts every statement SQLite starts
 * with sqlite3_trace_v2 on the store's connection. Links the project's
 * release objects, so nothing in src/ is changed to be counted.
 *
 *   intake_sql DIR [LEADS]
 *
 * The form path does no SQL outside the writer's job (no token check, no read
 * back for the answer), so the job's statements, plus its SAVEPOINT and
 * RELEASE, are what one web-form lead costs; the batch's BEGIN and COMMIT are
 * shared by the leads of a group commit and reported apart ("other" is the
 * SAVEPOINT and RELEASE). Each lead has its own phone and email (no
 * repeat-inquiry shortcut). Prints one JSON line; the statements by SQL text,
 * per lead, most frequent first, go to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http/http_jobs.h"
#include "intake/intake_form.h"
#include "rules/rules_load.h"
#include "store/store.h"
#include "store/store_sqlite.h"

#define MAX_SQL 512

typedef struct {
	char *sql;
	long n;
} sql_count;

typedef struct {
	bool on;
	long stmts, selects, inserts, updates, deletes, other, triggers;
	long long vm_steps;
	int nsql;
	sql_count sql[MAX_SQL];
} counter;

static int
trace(unsigned type, void *ctx, void *p, void *x)
{
	counter *c = ctx;
	const char *sql = x;

	if (!c->on)
		return 0;
	if (type == SQLITE_TRACE_PROFILE) {
		c->vm_steps += sqlite3_stmt_status(p, SQLITE_STMTSTATUS_VM_STEP, 1);
		return 0;
	}
	if (strncmp(sql, "--", 2) == 0) {	/* a trigger's program, inside its statement */
		c->triggers++;
		return 0;
	}
	c->stmts++;
	if (strncasecmp(sql, "SELECT", 6) == 0 || strncasecmp(sql, "WITH", 4) == 0)
		c->selects++;
	else if (strncasecmp(sql, "INSERT", 6) == 0)
		c->inserts++;
	else if (strncasecmp(sql, "UPDATE", 6) == 0)
		c->updates++;
	else if (strncasecmp(sql, "DELETE", 6) == 0)
		c->deletes++;
	else
		c->other++;
	for (int i = 0; i < c->nsql; i++)
		if (strcmp(c->sql[i].sql, sql) == 0) {
			c->sql[i].n++;
			return 0;
		}
	if (c->nsql < MAX_SQL) {
		c->sql[c->nsql].sql = strdup(sql);
		c->sql[c->nsql++].n = 1;
	}
	return 0;
}

static int
by_count(const void *a, const void *b)
{
	long x = ((const sql_count *)a)->n, y = ((const sql_count *)b)->n;

	return (y > x) - (y < x);
}

/* One lead as a browser would post it, and the writer's job for it. */
static int
one_lead(store *s, const rules *r, int64_t bid, long n, char *err, size_t errlen)
{
	static const char *const services[] = { "deck+repair", "water+heater", "roof+leak",
						"AC+tune-up", "drain+cleaning" };
	static const form_source contact = { .key = "contact" };
	char body[512];
	fields f;
	job j;
	int rc;

	snprintf(body, sizeof body, "your-name=Lead+Number%ld&your-phone=%%2B1312%03ld%04ld"
		 "&your-email=form%ld%%40example.com&service=%s&your-message=Need+a+quote%%2C+any"
		 "+weekday+after+3pm+works", n, 200 + (n / 10000) % 800, n % 10000, n,
		 services[n % 5]);
	fields_init(&f);
	memset(&j, 0, sizeof j);
	j.op = JOB_SUBMIT;
	j.rules = r;
	j.business_id = bid;
	j.now = (int64_t)time(NULL);
	j.ev = lead_event_init(EV_NOTE);
	j.status = 200;
	if (fields_parse_urlencoded(&f, body, strlen(body)) < 0 ||
	    intake_form(&f, &contact, &j.req) != INTAKE_OK) {
		snprintf(err, errlen, "intake_form failed");
		fields_free(&f);
		return -1;
	}
	rc = job_run(s, &j, err, errlen);
	fields_free(&f);
	return rc;
}

int
main(int argc, char **argv)
{
	char err[512] = "";
	rules_diags diags = { 0 };
	static counter c;
	long leads, warm = 20, batch_stmts;
	rules *r;
	store *s;
	int64_t bid;

	if (argc < 2) {
		fprintf(stderr, "usage: intake_sql DIR [LEADS]\n");
		return 2;
	}
	leads = argc > 2 ? atol(argv[2]) : 1000;
	if (leads < 1)
		leads = 1;
	r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml), RULES_DEFAULT_NAME,
			      &diags);
	rules_diags_free(&diags);
	if (r == NULL || (s = store_open(argv[1], err, sizeof err)) == NULL) {
		fprintf(stderr, "intake_sql: %s\n", r == NULL ? "the demo rules do not load" : err);
		return 1;
	}
	if (store_begin(s) < 0 || (bid = store_business_sync(s, r, err, sizeof err)) < 0 ||
	    store_commit(s) < 0) {
		fprintf(stderr, "intake_sql: %s\n", err);
		return 1;
	}
	sqlite3_trace_v2(store_sqlite_db(s), SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE, trace, &c);
	/* The first leads prepare the statements the store caches: not counted. */
	for (long i = 0; i < warm + leads; i++) {
		int rc;

		if (store_begin(s) < 0) {
			fprintf(stderr, "intake_sql: cannot begin\n");
			return 1;
		}
		c.on = i >= warm;	/* from the job's SAVEPOINT to its RELEASE */
		if (store_savepoint(s) < 0) {
			fprintf(stderr, "intake_sql: cannot begin\n");
			return 1;
		}
		rc = one_lead(s, r, bid, i, err, sizeof err);
		if (rc != 0 || store_release(s) < 0) {
			c.on = false;
			fprintf(stderr, "intake_sql: lead %ld: %s\n", i, err[0] ? err : "refused");
			return 1;
		}
		c.on = false;
		if (store_commit(s) < 0) {
			fprintf(stderr, "intake_sql: commit failed\n");
			return 1;
		}
	}
	batch_stmts = 2;	/* BEGIN IMMEDIATE, COMMIT: once per group commit */
	printf("{\"figure\":\"intake_form_sql\",\"value\":%.1f,\"unit\":\"stmts/lead\","
	       "\"selects\":%.1f,\"inserts\":%.1f,\"updates\":%.1f,\"deletes\":%.1f,"
	       "\"other\":%.1f,\"triggers\":%.1f,\"vm_steps\":%.0f,"
	       "\"per_group_commit\":%ld,\"leads\":%ld,\"distinct_statements\":%d}\n",
	       (double)c.stmts / (double)leads, (double)c.selects / (double)leads,
	       (double)c.inserts / (double)leads, (double)c.updates / (double)leads,
	       (double)c.deletes / (double)leads, (double)c.other / (double)leads,
	       (double)c.triggers / (double)leads,
	       (double)c.vm_steps / (double)leads, batch_stmts, leads, c.nsql);
	qsort(c.sql, (size_t)c.nsql, sizeof c.sql[0], by_count);
	for (int i = 0; i < c.nsql; i++) {
		fprintf(stderr, "%6.2f  %.*s\n", (double)c.sql[i].n / (double)leads, 160,
			c.sql[i].sql);
		free(c.sql[i].sql);
	}
	store_close(s);
	rules_free(r);
	return 0;
}

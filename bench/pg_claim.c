/*
 * pg_claim.c - what one outbox claim costs on PostgreSQL, through the
 * dispatcher's own store calls (store_outbox_due, then store_outbox_claim:
 * the row locked FOR UPDATE SKIP LOCKED, its lead read, moved to `sending`
 * under this node's lease), one short transaction per claim - first on a
 * quiet database, then while another session keeps a transaction open (as a
 * forgotten psql, a long report or a stuck client would), which stops
 * PostgreSQL from cleaning up the rows the claims leave behind.
 *
 *   pg_claim URL ROWS QUIET_SECONDS OPEN_SECONDS
 *
 * Seeds ROWS leads with one queued text each, claims for QUIET_SECONDS
 * without and then OPEN_SECONDS with the open transaction (which stays open
 * all that time), and prints one line per phase:
 * "PHASE claims=N p50_ms=X p99_ms=Y max_ms=Z". Run by bench/pg_claim.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "store/store_node.h"
#include "store/store_outbox.h"
#include "store/store_pg.h"

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
sql(PGconn *c, const char *q)
{
	PGresult *r = PQexec(c, q);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "pg_claim: %s: %s", q, PQresultErrorMessage(r));
		exit(1);
	}
	PQclear(r);
}

/* Claims for `seconds`, one claim per transaction; prints the phase's line. */
static void
phase(store *s, const char *name, double seconds)
{
	size_t cap = 1 << 20, n = 0;
	double *lat = malloc(cap * sizeof *lat), end = now_ms() + seconds * 1e3;
	int64_t now = (int64_t)time(NULL);

	if (lat == NULL)
		exit(1);
	while (now_ms() < end && n < cap) {
		double t0 = now_ms();
		int64_t id;
		outbox_msg m;
		int rc;

		if (store_begin(s) < 0 || store_outbox_due(s, "sms", now, &id, 1) != 1) {
			fprintf(stderr, "pg_claim: nothing left to claim: raise ROWS\n");
			store_rollback(s);
			break;
		}
		rc = store_outbox_claim(s, id, now, &m);
		if (rc == OUTBOX_CLAIMED)
			outbox_msg_free(&m);
		if (rc != OUTBOX_CLAIMED || store_commit(s) < 0) {
			fprintf(stderr, "pg_claim: claim %lld: %d %s\n", (long long)id, rc,
				store_errmsg(s));
			exit(1);
		}
		lat[n++] = now_ms() - t0;
	}
	qsort(lat, n, sizeof *lat, cmp);
	printf("%s claims=%zu p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", name, n,
	       n ? lat[n / 2] : 0, n ? lat[n * 99 / 100] : 0, n ? lat[n - 1] : 0);
	fflush(stdout);
	free(lat);
}

int
main(int argc, char **argv)
{
	char err[512], q[1024];
	store *s;
	PGconn *other;
	long rows;
	double quiet_s, open_s;

	if (argc != 5) {
		fprintf(stderr, "usage: pg_claim URL ROWS QUIET_SECONDS OPEN_SECONDS\n");
		return 2;
	}
	rows = atol(argv[2]);
	quiet_s = atof(argv[3]);
	open_s = atof(argv[4]);
	if ((s = store_pg_open(argv[1], err, sizeof err)) == NULL ||
	    store_node_join(s, "bench", STORE_LEASE_DEFAULT, err, sizeof err) != 1) {
		fprintf(stderr, "pg_claim: %s\n", err);
		return 1;
	}
	snprintf(q, sizeof q,
		 "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0)"
		 " ON CONFLICT DO NOTHING;"
		 "INSERT INTO leads (id, business_id, name, phone, created_at, updated_at)"
		 " SELECT g, 1, 'Lead ' || g, '+1312' || lpad(g::text, 7, '0'), 0, 0"
		 " FROM generate_series(1, %ld) g;"
		 "INSERT INTO outbox (business_id, lead_id, channel, recipient, body, purpose,"
		 " send_at, created_at, updated_at) SELECT 1, g, 'sms',"
		 " '+1312' || lpad(g::text, 7, '0'), 'Thanks, we got your request', 'ack', g / 1000,"
		 " 0, 0 FROM generate_series(1, %ld) g;"
		 "VACUUM ANALYZE outbox; VACUUM ANALYZE leads; CHECKPOINT", rows, rows);
	{
		PGconn *c = PQconnectdb(argv[1]);
		char *one = strtok(q, ";");

		/* VACUUM cannot run inside the implicit transaction of a
		 * multi-statement string: one statement at a time. */
		for (; one != NULL; one = strtok(NULL, ";"))
			sql(c, one);
		PQfinish(c);
	}
	phase(s, "quiet", quiet_s);
	/* Another session opens a transaction and leaves it open: its snapshot
	 * holds back the cleanup of every row version the claims leave. */
	other = PQconnectdb(argv[1]);
	sql(other, "BEGIN ISOLATION LEVEL REPEATABLE READ");
	sql(other, "SELECT count(*) FROM leads");
	phase(s, "open_transaction", open_s);
	sql(other, "ROLLBACK");
	PQfinish(other);
	store_close(s);
	return 0;
}

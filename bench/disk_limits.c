/*
 * disk_limits.c - what this machine's disk allows, measured in the same run as
 * leadkeep so every figure can be read as a ratio to it (shared machines are
 * noisy; ratios taken together are stable).
 *
 *   disk_limits fsync   DIR SECONDS   200-byte appends + fdatasync  -> syncs/s
 *   disk_limits naive   DIR SECONDS   SQLite WAL, synchronous=FULL,
 *                                     one lead row per transaction  -> commits/s
 *   disk_limits storage DIR SECONDS   the same, 100 rows per txn    -> rows/s
 *
 * Prints one JSON line. Touches nothing outside DIR; leadkeep's code is not
 * used, so this is the ceiling of any server that commits each lead itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "disk_limits: %s: %s\n", what, why);
	exit(1);
}

/* The raw limit: how often this file system makes an append durable. */
static void
bench_fsync(const char *dir, double secs)
{
	char path[4096], rec[200];
	double t0, t;
	long n = 0;
	int fd;

	snprintf(path, sizeof path, "%s/fsync.bin", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600)) < 0)
		die(path, strerror(errno));
	memset(rec, 'x', sizeof rec);
	rec[sizeof rec - 1] = '\n';
	t0 = now_s();
	do {
		if (write(fd, rec, sizeof rec) != (ssize_t)sizeof rec)
			die("write", strerror(errno));
		if (fdatasync(fd) < 0)
			die("fdatasync", strerror(errno));
		n++;
	} while ((t = now_s()) - t0 < secs);
	close(fd);
	unlink(path);
	printf("{\"figure\":\"fsync_limit\",\"value\":%.0f,\"unit\":\"syncs/s\",\"n\":%ld,"
	       "\"seconds\":%.2f}\n", (double)n / (t - t0), n, t - t0);
}

static void
exec_or_die(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die(sql, msg ? msg : "error");
}

/*
 * A lead row shaped like leadkeep's (the columns a new lead fills, the
 * phone/email/owner indexes it keeps), so the naive rate is a fair baseline:
 * "a server that does nothing but commit each lead on its own".
 */
static void
bench_sqlite(const char *dir, double secs, int rows_per_txn)
{
	static const char *const names[] = { "Marcus Johnson", "Ana Lopez", "Wei Chen",
					     "Priya Patel", "Tom O'Brien", "Fatima Noor" };
	static const char *const services[] = { "deck repair", "water heater", "roof leak",
						"AC tune-up", "drain cleaning", "new windows" };
	char path[4096];
	sqlite3 *db;
	sqlite3_stmt *ins;
	double t0, t;
	long rows = 0, txns = 0;

	snprintf(path, sizeof path, "%s/naive.db", dir);
	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, sqlite3_errmsg(db));
	exec_or_die(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
		    "CREATE TABLE leads (id INTEGER PRIMARY KEY, name TEXT, phone TEXT,"
		    " email TEXT, source TEXT, kind TEXT, service TEXT, message TEXT,"
		    " status TEXT NOT NULL DEFAULT 'open', owner TEXT,"
		    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
		    "CREATE INDEX leads_by_phone ON leads(phone);"
		    "CREATE INDEX leads_by_email ON leads(email);"
		    "CREATE INDEX leads_by_owner ON leads(owner, status);");
	if (sqlite3_prepare_v2(db, "INSERT INTO leads (name, phone, email, source, kind,"
			       " service, message, owner, created_at, updated_at)"
			       " VALUES (?1, ?2, ?3, 'web_form', 'new_inquiry', ?4, ?5, ?6, ?7, ?7)",
			       -1, &ins, NULL) != SQLITE_OK)
		die("prepare", sqlite3_errmsg(db));
	t0 = now_s();
	do {
		exec_or_die(db, "BEGIN IMMEDIATE");
		for (int i = 0; i < rows_per_txn; i++, rows++) {
			char phone[16], email[64], msg[96];

			snprintf(phone, sizeof phone, "+1312%07ld", 5550000 + rows % 4000000);
			snprintf(email, sizeof email, "lead%ld@example.com", rows);
			snprintf(msg, sizeof msg, "Need a quote for %s, any day after 3pm",
				 services[rows % 6]);
			sqlite3_bind_text(ins, 1, names[rows % 6], -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 2, phone, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 3, email, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 4, services[rows % 6], -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 5, msg, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 6, rows % 2 ? "alice" : "bob", -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 7, (sqlite3_int64)time(NULL));
			if (sqlite3_step(ins) != SQLITE_DONE)
				die("insert", sqlite3_errmsg(db));
			sqlite3_reset(ins);
		}
		exec_or_die(db, "COMMIT");
		txns++;
	} while ((t = now_s()) - t0 < secs);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	unlink(path);
	snprintf(path, sizeof path, "%s/naive.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/naive.db-shm", dir);
	unlink(path);
	if (rows_per_txn == 1)
		printf("{\"figure\":\"naive_insert\",\"value\":%.0f,\"unit\":\"commits/s\","
		       "\"n\":%ld,\"seconds\":%.2f}\n", (double)txns / (t - t0), txns, t - t0);
	else
		printf("{\"figure\":\"storage_limit\",\"value\":%.0f,\"unit\":\"rows/s\","
		       "\"n\":%ld,\"rows_per_txn\":%d,\"commits_per_s\":%.0f,\"seconds\":%.2f}\n",
		       (double)rows / (t - t0), rows, rows_per_txn, (double)txns / (t - t0), t - t0);
}

int
main(int argc, char **argv)
{
	double secs;

	if (argc != 4) {
		fprintf(stderr, "usage: disk_limits fsync|naive|storage DIR SECONDS\n");
		return 2;
	}
	secs = atof(argv[3]);
	if (secs <= 0)
		secs = 1;
	if (strcmp(argv[1], "fsync") == 0)
		bench_fsync(argv[2], secs);
	else if (strcmp(argv[1], "naive") == 0)
		bench_sqlite(argv[2], secs, 1);
	else if (strcmp(argv[1], "storage") == 0)
		bench_sqlite(argv[2], secs, 100);
	else {
		fprintf(stderr, "disk_limits: unknown mode %s\n", argv[1]);
		return 2;
	}
	return 0;
}

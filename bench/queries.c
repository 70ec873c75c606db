/*
 * queries.c - the two reads staff make all day, timed inside the process:
 * one person's Today queue (read_tasks_json: open tasks by due time) and a
 * lead page with its whole timeline (read_lead_json), each including the
 * JSON serialisation a server would send. Links the project's release
 * objects, so it times exactly the production queries on the production
 * schema, without HTTP in the way.
 *
 *   queries DIR LEAD_ID [ITERATIONS]
 *
 * Prints one JSON line per query. Read-only: opens the store (which brings
 * the schema up to date, as serve would) and never writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "read/read_json.h"
#include "store/store.h"
#include "store/store_sqlite.h"

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
report(const char *figure, int64_t *ns, int n, size_t bytes, long rows)
{
	qsort(ns, (size_t)n, sizeof *ns, cmp_i64);
	printf("{\"figure\":\"%s\",\"value\":%.3f,\"unit\":\"ms p99\",\"p50_ms\":%.3f,"
	       "\"p99_ms\":%.3f,\"max_ms\":%.3f,\"n\":%d,\"json_bytes\":%zu,\"rows\":%ld}\n",
	       figure, (double)ns[(n - 1) * 99 / 100] / 1e6, (double)ns[(n - 1) / 2] / 1e6,
	       (double)ns[(n - 1) * 99 / 100] / 1e6, (double)ns[n - 1] / 1e6, n, bytes, rows);
}

int
main(int argc, char **argv)
{
	char err[512], assignees[64][64];
	int nassignees = 0, iters;
	int64_t lead_id, *ns;
	size_t bytes = 0;
	long rows = 0;
	sqlite3_stmt *st;
	store *s;

	if (argc < 3) {
		fprintf(stderr, "usage: queries DIR LEAD_ID [ITERATIONS]\n");
		return 2;
	}
	lead_id = strtoll(argv[2], NULL, 10);
	iters = argc > 3 ? atoi(argv[3]) : 1000;
	if (iters < 1)
		iters = 1;
	if ((s = store_open(argv[1], err, sizeof err)) == NULL) {
		fprintf(stderr, "queries: %s\n", err);
		return 1;
	}
	/* The people who hold tasks; each iteration asks for the next one's queue,
	 * so no answer is simply the previous one still in the CPU cache. */
	if (sqlite3_prepare_v2(store_sqlite_db(s), "SELECT id FROM people WHERE business_id = 1"
			       " AND role <> 'manager' ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return 1;
	while (sqlite3_step(st) == SQLITE_ROW && nassignees < 64)
		snprintf(assignees[nassignees++], sizeof assignees[0], "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (nassignees == 0) {
		fprintf(stderr, "queries: no people in %s\n", argv[1]);
		return 1;
	}
	ns = calloc((size_t)iters, sizeof *ns);

	for (int i = 0; i < iters; i++) {
		int64_t t0 = mono_ns();
		json_t *j = read_tasks_json(s, 1, assignees[i % nassignees], "open", 0);
		char *txt = json_dumps(j, JSON_COMPACT);

		ns[i] = mono_ns() - t0;
		if (i == 0) {
			bytes = strlen(txt);
			rows = (long)json_array_size(j);
		}
		free(txt);
		json_decref(j);
	}
	report("today_queue_store", ns, iters, bytes, rows);

	for (int i = 0; i < iters; i++) {
		int64_t t0 = mono_ns();
		json_t *j = NULL;
		char *txt;

		read_lead_json(s, 1, lead_id, true, &j);
		txt = j ? json_dumps(j, JSON_COMPACT) : NULL;

		ns[i] = mono_ns() - t0;
		if (j == NULL) {
			fprintf(stderr, "queries: no lead %lld\n", (long long)lead_id);
			return 1;
		}
		if (i == 0) {
			bytes = strlen(txt);
			rows = (long)json_array_size(json_object_get(j, "timeline"));
		}
		free(txt);
		json_decref(j);
	}
	report("lead_page_store", ns, iters, bytes, rows);
	free(ns);
	store_close(s);
	return 0;
}

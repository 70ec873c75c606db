/*
 * web_reports_cache.h - the Reports page's figures, computed off the
 * request's thread: a report over a million leads takes seconds (src/report/
 * reads every lead of the business), the page must answer in milliseconds,
 * and a manager reading the weekly figures is not served worse by figures a
 * little old - the page says when they were taken.
 *
 * One document per business, period and split (its key, "7d/source"), and
 * the rules version it was computed under. Serve starts the warmer
 * (web_reports_warm_start): one thread, its own store connection, that
 *
 *  - computes the default view (WEB_REPORTS_DEFAULT_KEY) of every business
 *    it is given (serve: those whose page the web app shows) at start, so
 *    the first request after a start finds it;
 *  - computes a business's default view again when its leads changed (the
 *    commit bus wakes it; store_report_changed names the businesses whose
 *    timelines grew - every change to a lead writes an entry), at most once
 *    every WEB_REPORTS_REFRESH_AT seconds per business, and when a reload
 *    put other rules in force;
 *  - computes what requests ask for (another view, or a view older than
 *    WEB_REPORTS_MAX_AGE: the newest figures are shown meanwhile, with their
 *    time), before any of the above;
 *  - runs at a lower priority than the requests (nice 10, its report's
 *    reader thread too), so a report in the background does not slow the
 *    pages served meanwhile;
 *  - does one computation at a time, and after each one it did on its own
 *    (not asked for by a request) pauses as long as it took, so it never
 *    takes more than half of its time: an agency's thousand businesses are
 *    refreshed at that pace, only those whose leads changed.
 *
 * An idle install (no commit, no request) does no work: nothing reads the
 * database until the bus or a request wakes the thread.
 *
 * A request never computes a report while the warmer runs: it gets the kept
 * document, or waits up to WEB_REPORTS_WAIT_MS for one being computed, or
 * hears WEB_REPORTS_COMPUTING (the page then says so and reloads itself).
 * Without the warmer (nothing started it) a request computes what it lacks,
 * as before, and keeps it up to WEB_REPORTS_MAX_AGE.
 *
 * Memory: while a report is computed, its working set (report.h: one
 * record per lead and per task of the business - about 380 MiB at
 * 1,000,000 of each), so serve's peak RSS includes it from its start on;
 * returned to the system after each report (malloc_trim). Kept: the
 * default view of each business given, plus at most
 * WEB_REPORTS_CACHE_MAX other documents (the oldest dropped first); a
 * document is what report_build returns with lists of at most
 * WEB_REPORTS_LIST_MAX leads. Thread-safe; the documents are shared
 * read-only.
 */
#ifndef LK_WEB_REPORTS_CACHE_H
#define LK_WEB_REPORTS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/rules.h"
#include "report/report.h"
#include "rules/rules_live.h"
#include "store/store.h"
#include "store/store_bus.h"

#define WEB_REPORTS_MAX_AGE 60		/* a view asked for when older: computed again */
#define WEB_REPORTS_REFRESH_AT 30	/* a changed business's default view, at most this often */
#define WEB_REPORTS_WAIT_MS 100		/* what a page waits for figures being computed
					 * (LEADKEEP_REPORTS_WAIT_MS in serve's environment:
					 * a test seam, web_reports.c) */
#define WEB_REPORTS_CACHE_MAX 64	/* other views kept, besides the default views */
#define WEB_REPORTS_LIST_MAX 25		/* leads in each list of the page */
#define WEB_REPORTS_DEFAULT_KEY "7d/"	/* the page's default: the last 7 days, no split */
#define WEB_REPORTS_DEFAULT_PERIOD (7 * 86400)

/* A business the warmer keeps warm: its id and its rules in force
 * (borrowed; must outlive web_reports_warm_stop). */
typedef struct {
	int64_t id;
	const rules_live *live;
} web_reports_business;

typedef struct {
	const char *dir;			/* the database (store_open's argument) */
	const web_reports_business *businesses;	/* copied */
	size_t n;
	int64_t (*clock)(void);			/* wall-clock UTC seconds (injected in tests) */
	store_bus *bus;				/* borrowed; NULL: only requests wake it */
} web_reports_warm_config;

/*
 * Starts the warmer (see above); it begins with every business's default
 * view. One warmer per process. 0, or -1 with err set (the database cannot
 * be opened, the bus has no free slot, a thread cannot start, a warmer
 * already runs).
 */
int web_reports_warm_start(const web_reports_warm_config *cfg, char *err, size_t errlen);

/* Stops the warmer after the computation in progress and closes its
 * connection; the documents stay. Before the rules and the database it
 * reads go away. No-op when none runs. */
void web_reports_warm_stop(void);

/* Tests: wakes the warmer and returns once it has nothing left to do now
 * (including pausing: the pause is skipped). No-op when none runs. */
void web_reports_warm_settle(void);

typedef enum {
	WEB_REPORTS_READY,	/* *doc and *as_of set */
	WEB_REPORTS_COMPUTING,	/* being computed in the background: ask again */
	WEB_REPORTS_FAILED,	/* the store could not be read: err set */
} web_reports_state;

/*
 * The view `key` ("7d/source": the period and split's words; o: its options
 * at the request's now) of business_id under rules r. READY: *doc is a new
 * reference (caller json_decref) computed at *as_of (its period is [as_of -
 * (o->to - o->from), as_of)), perhaps older than WEB_REPORTS_MAX_AGE (then
 * it is being computed again). COMPUTING: none under r yet; asked for.
 * Waits at most wait_ms while the warmer runs (WEB_REPORTS_WAIT_MS for a
 * page); computes on s in the request when it does not.
 */
web_reports_state web_reports_get(store *s, int64_t business_id, const rules *r,
				  const report_options *o, const char *key, int wait_ms,
				  json_t **doc, int64_t *as_of, char *err, size_t errlen);

/* What was computed since the start (tests, logs). */
typedef struct {
	unsigned long warmed;		/* by the warmer on its own (start, changes, rules) */
	unsigned long asked;		/* by the warmer for a request */
	unsigned long in_request;	/* in a request's thread (no warmer) */
} web_reports_counts;

web_reports_counts web_reports_count(void);

/* Waits for a computation in progress (serve, before the rules and the
 * database it reads go away; tests). Stops the warmer. */
void web_reports_cache_wait(void);

/* web_reports_cache_wait(), then drops every document (tests). */
void web_reports_cache_clear(void);

#endif

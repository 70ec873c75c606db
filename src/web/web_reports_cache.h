/*
 * web_reports_cache.h - the Reports page's figures, computed at most once a
 * minute: a report over a million leads takes seconds (src/report/ reads
 * every lead of the business), the page must answer in milliseconds, and a
 * manager reading the weekly figures is not served worse by ones up to a
 * minute old - the page says when they were taken.
 *
 * One document per business, rules in force, period and split. An entry is
 * used while the clock is at most WEB_REPORTS_MAX_AGE seconds past the time
 * it was computed for (and not before it), under the same rules (a reload
 * puts new rules in force: a new entry); else it is computed again. While
 * one request computes an entry the others asking for it wait for it instead
 * of computing it again. An entry asked for when it is WEB_REPORTS_REFRESH_AT
 * seconds old or more is computed again in the background (one at a time,
 * on a second connection: store_report_reader), so that a page read now and
 * then seldom waits. At most WEB_REPORTS_CACHE_MAX entries, the oldest
 * dropped first. Thread-safe; the documents are shared read-only.
 */
#ifndef LK_WEB_REPORTS_CACHE_H
#define LK_WEB_REPORTS_CACHE_H

#include <stdint.h>

#include <jansson.h>

#include "core/rules.h"
#include "report/report.h"
#include "store/store.h"

#define WEB_REPORTS_MAX_AGE 60
#define WEB_REPORTS_REFRESH_AT 30
#define WEB_REPORTS_CACHE_MAX 64

/*
 * The report for o (report_build) over business_id, from the cache when an
 * entry of the same key (the period and split's words), business and rules
 * is fresh for o->now; else computed on s and kept. *as_of is the `now` the
 * document was computed for (its period is [as_of - (o->to - o->from),
 * as_of)). Returns a new reference (caller json_decref), or NULL with err
 * set when the store could not be read (nothing is kept then).
 */
json_t *web_reports_doc(store *s, int64_t business_id, const rules *r, const report_options *o,
			const char *key, int64_t *as_of, char *err, size_t errlen);

/* Waits for a background computation to end (serve, before the rules and
 * the database it reads go away; tests). */
void web_reports_cache_wait(void);

/* web_reports_cache_wait(), then drops every entry (tests; a data change
 * that must show at once). */
void web_reports_cache_clear(void);

#endif

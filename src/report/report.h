/*
 * report.h - what really happened to the leads, measured from their
 * timelines (events, tasks, timers, messages to the lead), never from a
 * stage someone typed: speed to lead, response windows, unworked and stale
 * leads, owner accountability, conversion and loss, stage accuracy, the cost
 * of missed leads, and the four-element scorecard. Every figure's exact
 * definition is in docs/reports.md.
 *
 * Reads the store only through store_report.h (one statement per table, no
 * transaction that would hold the writer back) and never writes. Pure apart
 * from that: `now` is passed in.
 */
#ifndef LK_REPORT_REPORT_H
#define LK_REPORT_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "core/rules.h"
#include "store/store.h"

/* How figures are split besides the overall one. */
typedef enum {
	REPORT_BY_NONE,
	REPORT_BY_SOURCE,
	REPORT_BY_OWNER,
	REPORT_BY_KIND,
	REPORT_BY_HOUR,		/* the hour of the week the lead arrived, local: "Tue 14" */
} report_by;

typedef struct {
	int64_t from, to;	/* leads that arrived in [from, to), tasks due in it */
	int64_t now;		/* "overdue now", ages, the scorecard */
	report_by by;
	int list_max;		/* most leads in each list; 0 = 50 (counts are whole) */
} report_options;

/* "source" -> REPORT_BY_SOURCE, ...; 0, or -1 for an unknown word. */
int report_by_parse(const char *word, report_by *out);
const char *report_by_name(report_by by);

/* A lead in this stage is stale after this long with no activity: the
 * stage's stale_after in the rules (the pipeline page marks the same); 0 =
 * never (no threshold, a closed stage, a stage the rules lack). */
int64_t report_stale_after(const rules *r, const char *stage);

/*
 * The report for o, as one JSON document (its shape: docs/reports.md), the
 * scorecard included.
 * Returns a new reference (caller json_decref), or NULL with err set on a
 * storage error. Memory: one small record per lead of the business, freed
 * before it returns.
 */
json_t *report_build(store *s, int64_t business_id, const rules *r, const report_options *o,
		     char *err, size_t errlen);

/* The scorecard alone (o->from/to/by unused): every active lead's owner,
 * next action, timing and recovery, the grade, the defects. As above. */
json_t *report_scorecard(store *s, int64_t business_id, const rules *r,
			 const report_options *o, char *err, size_t errlen);

/* Renderers of a document from report_build() or report_scorecard():
 * a table for a terminal, or CSV (section,group,figure,value rows; lists as
 * one row per lead). 0, or -1 when writing failed. */
int report_write_table(FILE *out, const json_t *doc);
int report_write_csv(FILE *out, const json_t *doc);

#endif

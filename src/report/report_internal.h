/*
 * report_internal.h - the report's own: one record per lead, built from the
 * store's rows in one pass over each table (report_collect.c), and the
 * sections that turn the records into figures, each a file of its own.
 * Not a contract for anyone outside src/report/.
 */
#ifndef LK_REPORT_INTERNAL_H
#define LK_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

/* What one lead's rows say. Strings are interned in the data's pool. */
typedef struct {
	int64_t id;
	const char *name, *source, *kind, *stage, *status, *owner, *lost_reason;
	char status_code;	/* 'o' open, 'w' won, 'l' lost, 'x' anything else */
	bool in_period;		/* arrived in [o.from, o.to) */
	bool has_quote, has_sequence;
	int64_t quote_cents, created_at, paused_at;
	/* from the timeline (0 = never) */
	int64_t ack_at;		/* the automated acknowledgment left (or was due to) */
	int64_t attempt_at;	/* a person's first attempt to reach the lead */
	int64_t contact_at;	/* the first time a person reached the lead */
	int64_t human_at;	/* the newest entry a person's act wrote */
	int64_t first_human_at;	/* the oldest one, with its type: */
	const char *first_human_type;
	int64_t activity_at;	/* newest of: arrival, a person's act, a message from the lead */
	int64_t inbound_at;	/* the newest message from the lead */
	int64_t stage_at;	/* when the lead entered its stage (arrival if never changed) */
	int64_t won_at;		/* the last change of stage to won */
	int calls;		/* calls logged up to (and with) the first contact */
	/* tasks and timers, now */
	int open_tasks;
	int64_t next_due;	/* the open task due first, else the next step timer */
	bool next_is_task;
	bool has_escalation;	/* a pending escalation timer on an open task */
	bool has_timer;		/* any pending timer that takes over (step, reply, reactivate, ...) */
} report_lead;

typedef struct {
	int64_t id;
	const char *assignee, *state;
	const char *outcome;	/* "superseded" or NULL: the rest is a person's words */
	int64_t lead_id, due_at, created_at, closed_at;
	int escalations;
	bool attempt;		/* closed as done by a person who reached out (not a review) */
} report_task;

typedef struct report_data report_data;
struct report_data {
	const rules *r;
	report_options o;
	report_lead *leads;
	size_t n, cap;
	report_task *tasks;
	size_t ntasks, taskcap;
	int64_t min_id, max_id;
	int32_t *index;		/* lead id - min_id -> leads[] index, -1 none */
	/* interned strings: a hash table, NULL = free slot */
	char **pool;
	size_t npool, poolcap;
	bool oom;
};

/* Reads everything; 0, or -1 with err set. Free with report_data_free. */
int report_data_load(report_data *d, store *s, int64_t business_id, const rules *r,
		     const report_options *o, char *err, size_t errlen);
void report_data_free(report_data *d);
/* The record of lead id, or NULL. */
report_lead *report_data_lead(const report_data *d, int64_t id);
/* Whether l arrived in the period / is active now (status open). */
#define report_in_period(d, l) ((void)(d), (l)->in_period)
#define report_active(l) ((l)->status_code == 'o')
/* The group of l under d->o.by ("all" for REPORT_BY_NONE; "(none)" when the
 * field is empty); buf holds the hour's words. */
const char *report_group(const report_data *d, const report_lead *l, char *buf, size_t len);

/* Group numbers for d->o.by: the same group always gets the same number,
 * in order of first appearance; names[i] is group i's name. */
typedef struct {
	char **names;
	size_t n, cap;
	const char *last_key;	/* interned word of the last lookup, and its group */
	int last;
} report_groups;

void report_groups_init(report_groups *g);
int report_groups_of(report_groups *g, const report_data *d, const report_lead *l);
void report_groups_free(report_groups *g);

/* Sections: each adds its object to doc. */
void report_speed(const report_data *d, json_t *doc);
void report_people(const report_data *d, json_t *doc);	/* windows and owners */
void report_attention(const report_data *d, json_t *doc);	/* unworked, stale, cost */
void report_conversion(const report_data *d, json_t *doc);
void report_accuracy(const report_data *d, json_t *doc);
void report_card(const report_data *d, json_t *doc);

/* Helpers the sections share (report_stats.c). */
/* The p-th percentile (0..100, nearest rank) of v[n], which it reorders
 * (a selection, not a sort: O(n) on average); 0 when n == 0. */
int64_t report_pctl(int64_t *v, size_t n, int p);
/* {"id":..,"name":..} plus the given fields: a lead as lists show it. */
json_t *report_lead_json(const report_lead *l);
/* The list cap (o.list_max or 50). */
size_t report_list_max(const report_data *d);
/* "2026-11-24T20:02:00Z". */
void report_iso(int64_t t, char *buf, size_t len);

#endif

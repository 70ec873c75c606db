/*
 * store_web.h - what the staff web app reads beyond store_read.h: a person's
 * queue of open tasks with the lead of each in one query (whole, or one task
 * at a time for walking it), whether a lead is one a person works on, the
 * pipeline, the team's numbers, leads nobody attends to, and search. Rows as
 * in store_read.h: strings borrowed for the callback only, NULL = empty,
 * times UTC seconds (0 = none). The web app decides who may see what; the
 * store answers the questions. "New" (is_new) is a lead none of whose
 * timeline entries has a type of engine_human_event_types (core/engine.h):
 * the policy is the engine's, the store only looks.
 */
#ifndef LK_STORE_WEB_H
#define LK_STORE_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct {
	int64_t task_id, lead_id;
	const char *verb, *title, *assignee;
	int64_t due_at, created_at;
	/* the task's lead */
	const char *name, *phone, *email, *source, *kind, *service, *stage, *owner;
	unsigned flags;		/* LEAD_* contact flags */
	bool sms_opt_out, email_opt_out;
	/* the newest entry of the lead's timeline */
	const char *last_type, *last_text;
	int64_t last_at;
	bool is_new;		/* nobody has acted on the lead yet */
	const char *promise;	/* the acknowledgment the lead was first sent -
				 * what it promised them ("Alice will call you
				 * today by 2:07 PM"); NULL when none was */
} store_queue_row;

/* Open tasks of the business assigned to assignee (NULL = everyone's), due
 * soonest first (so the overdue come first), at most limit (0 = 100).
 * Returns how many, or -1. */
int store_queue_read(store *s, int64_t business_id, const char *assignee, int limit,
		     void (*fn)(void *ctx, const store_queue_row *r), void *ctx);

/* The first open task of assignee (NULL = everyone's) after the task
 * (after_due, after_id) in the queue's order (due time, then id) and due no
 * later than until: fn is called once with it. 1 found, 0 none, -1 error. */
int store_queue_next(store *s, int64_t business_id, const char *assignee, int64_t after_due,
		     int64_t after_id, int64_t until,
		     void (*fn)(void *ctx, const store_queue_row *r), void *ctx);

/* A page of the queue: the open tasks of assignee (NULL = everyone's) after
 * the task (after_due, after_id) in the queue's order (INT64_MIN, 0: from
 * the start), at most limit (0 = 100), each to fn. Returns how many, or -1.
 * A cursor, not an offset: any page costs the same. */
int store_queue_page(store *s, int64_t business_id, const char *assignee, int64_t after_due,
		     int64_t after_id, int limit,
		     void (*fn)(void *ctx, const store_queue_row *r), void *ctx);

/* Task task_id of the business: its lead into *lead_id and its verb into
 * verb[len]. 1 found, 0 none, -1 error. */
int store_task_brief(store *s, int64_t business_id, int64_t task_id, int64_t *lead_id,
		     char *verb, size_t len);

/* 1 when lead_id of the business is owned by person or has an open task
 * assigned to them; 0 when not (or no such lead); -1 on a storage error. */
int store_lead_worked_by(store *s, int64_t business_id, int64_t lead_id, const char *person);

/* A lead as lists show it: the pipeline, search, leads nobody attends to. */
typedef struct {
	int64_t id;
	const char *name, *phone, *email, *source, *kind, *stage, *status, *owner, *sequence;
	bool has_quote;
	int64_t quote_cents;
	int64_t created_at;
	int64_t last_at;	/* the newest timeline entry, 0 = none */
	int open_tasks;
	bool is_new;		/* nobody has acted on the lead yet */
} store_lead_brief;

/* Which leads: NULL fields match any. */
typedef struct {
	const char *owner, *source, *kind;
	const char *person;	/* NULL: every lead; else only leads person works
				 * (owns, or holds an open task on) */
	int limit;		/* most rows; 0 = STORE_PIPELINE_MAX */
} store_pipeline_filter;

#define STORE_PIPELINE_MAX 100000

/* The business's leads that are not archived and match f, the longest idle
 * first (oldest newest timeline entry). Returns how many, or -1. Known
 * limit: a scan of the business's leads with one probe of the timeline
 * each; the cap keeps a page's memory bounded. */
int store_pipeline_read(store *s, int64_t business_id, const store_pipeline_filter *f,
			void (*fn)(void *ctx, const store_lead_brief *r), void *ctx);

/* Tasks per assignee: open, open and due in [now, day_end) (due today, not
 * late yet), open and due before now (overdue), done in [day_start, day_end)
 * (done today). */
typedef struct {
	const char *person;	/* NULL: tasks nobody is assigned */
	int open, due_today, overdue, done_today;
} store_team_row;

/* One row per assignee with an open task or a task done today. How many, or
 * -1. */
int store_team_read(store *s, int64_t business_id, int64_t now, int64_t day_start,
		    int64_t day_end, void (*fn)(void *ctx, const store_team_row *r), void *ctx);

/* Leads of the business created in [from, to): their owner, when they were
 * created and when their first timeline entry of this type was (0 = none
 * yet). How many, or -1. */
int store_first_event_read(store *s, int64_t business_id, int64_t from, int64_t to,
			   const char *type,
			   void (*fn)(void *ctx, const char *owner, int64_t created_at,
				      int64_t first_at),
			   void *ctx);

/* Open leads without an owner, or without a next action (no open task and
 * no sequence running - a paused one runs nothing): the first limit (0 =
 * 200), oldest first. Returns how many there are in all (may exceed limit),
 * or -1. */
int store_unattended_read(store *s, int64_t business_id, int limit,
			  void (*fn)(void *ctx, const store_lead_brief *r), void *ctx);

/* Leads of the business whose name or email contains q (case-insensitive
 * for ASCII), or whose phone contains digits (when at least 3 are given),
 * newest first, at most limit (0 = 50); person as in store_pipeline_filter.
 * Returns how many, or -1. */
int store_search_read(store *s, int64_t business_id, const char *q, const char *digits,
		      const char *person, int limit,
		      void (*fn)(void *ctx, const store_lead_brief *r), void *ctx);

#endif

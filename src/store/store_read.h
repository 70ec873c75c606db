/*
 * store_read.h - reading what the store holds, as plain rows handed to a
 * visitor. The store knows no presentation: the JSON the API and the CLI show
 * is shaped in src/read/ from these rows, and later pages and reports read
 * the same rows.
 *
 * Strings in a row are borrowed for the duration of the callback only; NULL
 * means the column is empty. Times are UTC seconds, 0 = none. Every function
 * returns -1 on a storage error, never a partial answer as if it were whole.
 */
#ifndef LK_STORE_READ_H
#define LK_STORE_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

typedef struct {
	int64_t id;
	const char *name, *phone, *email, *source, *kind, *service, *message,
		*neighbourhood;
	unsigned flags;		/* LEAD_* contact flags */
	const char *stage, *status, *owner, *sequence;
	int64_t created_at, updated_at;
	bool has_quote;
	int64_t quote_cents;
	const char *lost_reason;
	int64_t reactivate_at;
	bool sms_opt_out, email_opt_out;
	int64_t last_inbound_at, last_touch_at;
	const char *external_id;
	const char *custom;	/* custom fields as a JSON object of strings, NULL = none */
	const char *timezone;	/* the lead's own zone, NULL = unknown (the business's) */
	int64_t paused_at;	/* its automation is paused since (0 = it runs) */
	const char *paused_step; /* paused: the id of the step of .sequence a resume
				  * starts with; NULL = none */
	const char *plan_skip;	/* step ids the running plan never runs (lead.h) */
} store_lead_row;

typedef struct {
	int64_t id, lead_id;
	const char *verb, *title, *assignee;
	int64_t due_at;
	const char *state, *outcome;
	int64_t created_at, closed_at;
} store_task_row;

typedef struct {
	int64_t id;
	int64_t due_at;
	const char *kind, *sequence;
	bool has_step;
	int step;		/* the step's position when the timer was written */
	const char *step_id;	/* the step's id (NULL: a timer from before ids) */
} store_timer_row;

typedef struct {
	int64_t id;
	const char *channel, *to, *person, *purpose, *body;
	int64_t send_at;
	const char *state;
} store_message_row;

typedef struct {
	int64_t id;
	int64_t at;
	const char *type, *actor, *text;
} store_event_row;

/* What a reader wants to see; a NULL callback skips those rows (and their
 * query). */
typedef struct {
	void (*lead)(void *ctx, const store_lead_row *r);
	void (*task)(void *ctx, const store_task_row *r);		/* all, by id */
	void (*timer)(void *ctx, const store_timer_row *r);		/* pending, by due */
	void (*message)(void *ctx, const store_message_row *r);	/* all, by id */
	void (*event)(void *ctx, const store_event_row *r);		/* the timeline */
} store_lead_visitor;

/* Lead id of the business: the lead row first, then its tasks, pending
 * timers, messages and timeline. 1 found, 0 no such lead, -1 error. */
int store_lead_read(store *s, int64_t business_id, int64_t id, const store_lead_visitor *v,
		    void *ctx);

typedef struct {
	const char *stage;
	const char *status;
	const char *owner;
	const char *source;
	const char *q;		/* text search in name, phone, email, service */
	int64_t created_from;	/* 0 = no bound */
	int64_t created_to;
	int64_t after_id;	/* cursor: leads with id < after_id (newest first); 0 = start */
	int limit;		/* 0 = 50 */
} store_lead_filter;

/* The business's leads matching f, newest first. Returns how many, or -1. */
int store_leads_read(store *s, int64_t business_id, const store_lead_filter *f,
		     void (*fn)(void *ctx, const store_lead_row *r), void *ctx);

/* Tasks of the business; assignee NULL = everyone; state NULL = "open" (in
 * due order), else that state (latest due first); limit 0 = 100. Returns how
 * many, or -1. */
int store_tasks_read(store *s, int64_t business_id, const char *assignee, const char *state,
		     int limit, void (*fn)(void *ctx, const store_task_row *r), void *ctx);

typedef struct {
	int64_t id;
	const char *name, *role, *prefix;
	int64_t created_at, revoked_at;	/* revoked_at 0 = active */
} store_token_row;

/* An appointment with what a technician needs of its lead. */
typedef struct {
	int64_t id, lead_id;
	const char *kind, *place, *person, *state;
	int64_t starts_at, ends_at;
	bool paused;
	const char *lead_name, *lead_phone, *service;
} store_appointment_row;

typedef struct {
	const char *person;	/* NULL = everyone */
	const char *state;	/* NULL = any */
	bool ahead;		/* only those ahead of an outcome (booked, confirmed,
				 * rescheduled) */
	int64_t lead_id;	/* 0 = any */
	int64_t from, to;	/* starts in [from, to); 0 = no bound */
	int limit;		/* 0 = 200 */
} store_appointment_filter;

/* The business's appointments matching f, in start order. How many, or -1. */
int store_appointments_read(store *s, int64_t business_id, const store_appointment_filter *f,
			    void (*fn)(void *ctx, const store_appointment_row *r), void *ctx);

/* The business's API tokens (no secrets), newest first. How many, or -1. */
int store_tokens_read(store *s, int64_t business_id,
		      void (*fn)(void *ctx, const store_token_row *r), void *ctx);

#endif

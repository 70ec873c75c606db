/*
 * store_report.h - what reports read: every row of one kind of the business,
 * streamed once, in one statement each (src/report/ aggregates them). Reads
 * only, no transaction: each call is one statement, so in WAL mode it never
 * holds the writer back; a report's calls may straddle a commit (a lead made
 * between two calls is seen by one and not the other - reports skip events
 * of leads they have not read). Rows as in store_read.h: strings borrowed for
 * the callback only, NULL = empty, times UTC seconds (0 = none).
 * Known limit: each call reads all of its kind of the business (leads,
 * tasks and pending timers by scanning their tables; timeline entries and
 * acknowledgments through the narrow indexes of migration 9).
 */
#ifndef LK_STORE_REPORT_H
#define LK_STORE_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

typedef struct {
	int64_t id;
	const char *name, *source, *kind, *stage, *status, *owner, *lost_reason, *sequence;
	bool has_quote;
	int64_t quote_cents;
	int64_t created_at, paused_at;
} store_report_lead;

/* Every lead of the business, by id. How many, or -1. */
int store_report_leads(store *s, int64_t business_id,
		       void (*fn)(void *ctx, const store_report_lead *r), void *ctx);

typedef struct {
	int64_t lead_id, at;
	const char *type;
} store_report_event;

/* The timeline entries of the business a report reads - a person's act
 * (engine_human_event_types), a message from the lead (message.received),
 * a first contact (contact.first) - lead by lead, each lead's in time order.
 * Reads an index of these alone (migration 9). How many, or -1. */
int store_report_events(store *s, int64_t business_id,
			void (*fn)(void *ctx, const store_report_event *r), void *ctx);

typedef struct {
	int64_t id, lead_id;
	const char *verb, *assignee, *state, *outcome;
	int64_t due_at, created_at, closed_at;	/* closed_at 0: open */
} store_report_task;

/* Every task of the business, by id. How many, or -1. */
int store_report_tasks(store *s, int64_t business_id,
		       void (*fn)(void *ctx, const store_report_task *r), void *ctx);

typedef struct {
	int64_t lead_id, task_id, due_at;
	const char *kind;	/* store_timer_kind_name(): "step", "escalate", ... */
	const char *state;	/* "pending", or "fired" (an escalation) */
} store_report_timer;

/* Every pending timer of the business, and every escalation that fired
 * (one scan of the table). How many, or -1. */
int store_report_timers(store *s, int64_t business_id,
			void (*fn)(void *ctx, const store_report_timer *r), void *ctx);

typedef struct {
	int64_t lead_id, send_at;
	const char *state;	/* outbox_state_name() */
} store_report_ack;

/* Every acknowledgment to a lead (purpose ack, not to staff) of the
 * business. Reads an index of these alone (migration 9). How many, or -1. */
int store_report_acks(store *s, int64_t business_id,
			  void (*fn)(void *ctx, const store_report_ack *r), void *ctx);

/*
 * Which businesses' timelines grew: *after < 0 sets *after to the newest
 * timeline entry's id (0 when none) and calls nothing; else fn(ctx,
 * business_id, newest) for every business with entries whose id is above
 * *after - STORE_REPORT_CHANGED_LOOKBACK (newest: its highest such id), and
 * *after becomes the highest id seen. The look-back sees an entry whose id
 * was taken before a higher one but committed after it (PostgreSQL's
 * identity in concurrent transactions): the caller compares newest with
 * what it already knew, so an entry seen twice is news once. One statement
 * over the table's primary key: its cost is the entries since *after, plus
 * the look-back. Every change to a lead writes a timeline entry (the one
 * door), so this is how a report kept in memory knows it is out of date.
 * How many businesses, or -1.
 */
#define STORE_REPORT_CHANGED_LOOKBACK 1000
int store_report_changed(store *s, int64_t *after,
			 void (*fn)(void *ctx, int64_t business_id, int64_t newest), void *ctx);

/* A second connection to s's database, for a report that reads two tables
 * at once (one thread each; each connection used by one thread at a time).
 * NULL when the engine has none to give (PostgreSQL, or a database held
 * exclusively, as simulate's throwaway one): read everything on s then.
 * Close it with store_close(). */
store *store_report_reader(store *s);

#endif

/*
 * store_web.h - what the staff web app reads beyond store_read.h: a person's
 * queue of open tasks with the lead of each in one query, and whether a
 * lead is one a person works on. Rows as in store_read.h: strings borrowed
 * for the callback only, NULL = empty, times UTC seconds (0 = none). The web
 * app decides who may see what; the store answers the questions.
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
} store_queue_row;

/* Open tasks of the business assigned to assignee (NULL = everyone's), due
 * soonest first (so the overdue come first), at most limit (0 = 100).
 * Returns how many, or -1. */
int store_queue_read(store *s, int64_t business_id, const char *assignee, int limit,
		     void (*fn)(void *ctx, const store_queue_row *r), void *ctx);

/* Task task_id of the business: its lead into *lead_id and its verb into
 * verb[len]. 1 found, 0 none, -1 error. */
int store_task_brief(store *s, int64_t business_id, int64_t task_id, int64_t *lead_id,
		     char *verb, size_t len);

/* 1 when lead_id of the business is owned by person or has an open task
 * assigned to them; 0 when not (or no such lead); -1 on a storage error. */
int store_lead_worked_by(store *s, int64_t business_id, int64_t lead_id, const char *person);

#endif

/*
 * prove.h - the rules prover's judgement: what `leadkeep rules check` proves
 * beyond syntax (docs/rules.md, "What `rules check` proves").
 *
 * The command enumerates lead classes (source x kind x contact channels x
 * arrival-time class), runs one synthetic lead of each through the real
 * engine on a virtual clock to the end of its plan, and fills a prove_obs
 * with what happened to it. This module is pure (no store, no clock, no I/O):
 * it picks the arrival times (prove_arrivals), judges one lead
 * (prove_judge) and keeps the smallest example of each gap (prove_report).
 */
#ifndef LK_PROVE_PROVE_H
#define LK_PROVE_PROVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rules.h"

/* How the lead can be reached. */
typedef enum {
	PROVE_PHONE_ONLY,
	PROVE_EMAIL_ONLY,
	PROVE_BOTH,
	PROVE_NCHANNELS,
} prove_channels;

/* When the lead arrives, in the business's zone. */
typedef enum {
	PROVE_AT_OPEN,		/* an hour into a weekday's opening */
	PROVE_AT_CLOSING,	/* five minutes before a weekday's closing */
	PROVE_AT_EVENING,	/* a weekday, after hours */
	PROVE_AT_WEEKEND,	/* a Saturday or Sunday, mid-morning: one the
				 * business is closed, if it is on one */
	PROVE_AT_HOLIDAY,	/* the next holiday of the rules, mid-morning */
	PROVE_AT_DST_BEFORE,	/* 30 minutes before a daylight-saving change */
	PROVE_AT_DST_AFTER,	/* 30 minutes after it */
	PROVE_NCLASSES,
} prove_class;

/* The gaps a lead can end with. */
typedef enum {
	PROVE_NO_OWNER,		/* no routing rule gave it an owner */
	PROVE_NO_NEXT_ACTION,	/* on arrival neither a person got a task nor a
				 * message went to the lead; or its plan ended open
				 * with no task and nothing pending */
	PROVE_CLOSED_MINUTE,	/* a person's task due outside the assignee's hours
				 * (their own `hours:`, else the business's) */
	PROVE_NO_RECOVERY,	/* a task stalled and nothing took over (no
				 * escalation fired for it) */
	PROVE_OVER_CAP,		/* more automated follow-ups in a window than
				 * limits.max_automated_touches */
	PROVE_QUIET_TEXT,	/* a text to the lead in its quiet hours (the one
				 * acknowledgment `ack_any_hour` allows aside) */
	PROVE_NFINDINGS,
} prove_finding;

#define PROVE_MAX_ARRIVALS 16	/* arrival times per run: 5 classes, DST pairs */
#define PROVE_MAX_TASKS 32	/* tasks of one lead kept; later ones are not judged */
#define PROVE_MAX_TEXTS 64	/* messages to one lead kept; later ones are not judged */

typedef struct {
	prove_class cls;
	int64_t at;		/* UTC seconds */
} prove_arrival;

/* A task as the engine made it (or moved its due time). */
typedef struct {
	char verb[16];
	char person[64];
	int64_t made;		/* when the engine made it */
	int64_t due;
} prove_task;

/* A message to the lead (not to staff) as the engine queued it. */
typedef struct {
	bool sms;		/* else email */
	bool ack;		/* PURPOSE_ACK: the reply to the lead's own inquiry */
	bool followup;		/* PURPOSE_FOLLOWUP: counts toward the touch cap */
	int64_t queued;		/* when the engine queued it */
	int64_t at;		/* when it goes (after any quiet-hours hold) */
} prove_text;

/* One synthetic lead, and what the sandbox saw happen to it. Strings "" = none. */
typedef struct {
	const char *source, *kind;	/* borrowed */
	prove_channels channels;
	prove_class cls;
	int64_t arrived;
	char zone[64];		/* the lead's zone (its phone's), "" = the business's */
	char owner[64];		/* its owner at the end */
	char status[16];	/* its status at the end */
	int open_tasks;		/* open tasks at the end */
	bool pending;		/* a step of its plan still waits at the end */
	prove_task tasks[PROVE_MAX_TASKS];
	size_t ntasks;
	prove_text texts[PROVE_MAX_TEXTS];
	size_t ntexts;
	int escalations;	/* task.escalated events */
} prove_obs;

/* "phone only", "email only", "phone and email". */
const char *prove_channels_name(prove_channels c);
/* "business hours", "just before closing", "after hours", "weekend",
 * "holiday", "before a daylight-saving change", "after a ...". */
const char *prove_class_name(prove_class c);
/* "no_owner", "no_next_action", "closed_minute", "no_recovery",
 * "over_cap", "quiet_text": stable, for --json. */
const char *prove_finding_name(prove_finding f);

/* The arrival times to try from now (UTC) on, in the business's zone: one per
 * class of the first five that the business has (no holiday ahead: none;
 * open every minute: no after-hours, ...), then a pair around each
 * daylight-saving change in the year ahead. Sorted by time. Returns how many
 * (at most max). */
size_t prove_arrivals(const rules *r, int64_t now, prove_arrival *out, size_t max);

/* Judges one lead: for each gap it ended with, sets found[f] and writes what
 * happened into why[f] (a sentence, local times). Returns how many gaps. */
int prove_judge(const rules *r, const prove_obs *o, bool found[PROVE_NFINDINGS],
		char why[PROVE_NFINDINGS][256]);

/* One gap of a class of leads: its kind and channels, the smallest example
 * (the first lead found with it: sources and arrival classes are tried in
 * the order above) and how many leads of the run had it. */
typedef struct {
	prove_finding finding;
	char kind[64];
	prove_channels channels;
	char source[64];	/* the example's */
	prove_class cls;
	int64_t arrived;
	char local[32];		/* its arrival, "Sat 2026-12-05 10:30" local */
	char what[256];		/* what happened */
	int leads;
	unsigned classes;	/* the arrival classes it was found in: bit 1 << cls */
} prove_gap;

#define PROVE_MAX_GAPS 256	/* distinct (finding, kind, channels); more are counted only */

typedef struct {
	prove_gap gaps[PROVE_MAX_GAPS];
	size_t ngaps;
	size_t dropped;		/* gaps past PROVE_MAX_GAPS */
	size_t leads;		/* leads judged */
} prove_report;

/* Judges o and adds its gaps to rep (zeroed by the caller first). */
void prove_add(prove_report *rep, const rules *r, const prove_obs *o);

#endif

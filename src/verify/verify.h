/*
 * verify.h - the verdicts of `leadkeep verify`: what a synthetic lead that
 * nobody acted on went through in the sandbox (verify_lead, filled by the
 * command from the engine's actions), judged against the five tests of the
 * checklist (docs/reports.md, "verify"). Pure: no store, no clock, no I/O.
 */
#ifndef LK_VERIFY_VERIFY_H
#define LK_VERIFY_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/rules.h"

typedef enum {
	VERIFY_OWNERSHIP,	/* the lead gets an owner */
	VERIFY_NEXT_STEP,	/* a person's task with a due time, from the start */
	VERIFY_REMINDER,	/* follow-ups fire with nobody acting */
	VERIFY_STALE,		/* it reaches the cold path, and comes back if the rules say */
	VERIFY_PIPELINE,	/* the stage it reports matches its timeline */
	VERIFY_NTESTS,
} verify_test;

/* What the sandbox saw of one synthetic lead (times UTC seconds, 0 = never;
 * strings "" = none). */
typedef struct {
	const char *source, *kind;	/* borrowed */
	int64_t arrived;
	char owner[64];		/* its owner once it arrived */
	char sequence[64];	/* the sequence it started on arrival */
	char task_verb[16];	/* the first task made on arrival */
	char task_person[64];
	int64_t task_due;
	int followups;		/* messages, tasks and notifications after arrival,
				 * before it went cold */
	int64_t cold_at;	/* when it went cold (the lead.cold event) */
	char cold_status[16];	/* the status it got then */
	int64_t reactivate_at;	/* the return date set then */
	int64_t reopened_at;	/* when its status went back to open after cold */
	char stage_events[64];	/* the last stage its actions set */
	char stage_told[64];	/* the stage the store reports at the end */
	char contradiction[200]; /* the report's stage-accuracy finding, "" none */
} verify_lead;

typedef struct {
	bool pass;
	char reason[256];	/* why, in words, pass or fail */
} verify_verdict;

/* "ownership", "next_step", "reminder", "stale", "pipeline". */
const char *verify_test_name(verify_test t);

/* Judges l against the rules r it ran under: one verdict per test. */
void verify_judge(const rules *r, const verify_lead *l, verify_verdict out[VERIFY_NTESTS]);

#endif

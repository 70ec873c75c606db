/*
 * cmd_replay.h - what `leadkeep replay` (cmd_replay.c) holds of a run, for
 * cmd_replay_print.c to show: the real leads of the period, the inputs read
 * back from their timelines and what each sandbox run did.
 */
#ifndef LK_CMD_REPLAY_H
#define LK_CMD_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "core/rules.h"
#include "replay/replay.h"

/* A real lead: its arrival fields, and what the rows and each run say. */
typedef struct {
	int64_t id;
	char *name, *phone, *email, *source, *kind, *service, *message, *neighbourhood;
	char *custom;		/* JSON object of strings, NULL none */
	int64_t created_at;
	replay_lead real, side[2];
	int64_t sid[2];		/* its id in each sandbox, 0 none */
} rlead;

typedef struct {
	rlead *leads;		/* by id, ascending */
	size_t n, cap;
	replay_input *in;
	size_t nin, cap_in;
	replay_skipped left_out;	/* timeline entries no input is made of */
	replay_skipped refused[2];	/* inputs a run's rules refused */
	int64_t from, to;
	const rules *was;	/* for names in the timeline */
} replay_run;

/* The table: per lead what NEW changes, then the totals; times in the
 * business's zone of r. was_name and new_name say which rules ran. */
void replay_print_text(const replay_run *run, const rules *r, const replay_diff *diffs,
		       const replay_totals *t, const char *was_name, const char *new_name);
/* The same as one JSON document (docs/reports.md) on stdout. */
void replay_print_json(const replay_run *run, const replay_diff *diffs, const replay_totals *t,
		       const char *was_version, const char *new_version);

#endif

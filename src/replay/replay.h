/*
 * replay.h - the pure half of `leadkeep replay` (rehearsal on real history):
 * reading a lead's real timeline back as the outside events that made it
 * (what a person, the lead or a carrier did - never what the automation
 * did), and comparing what two runs of the same events under two sets of
 * rules did to each lead. No store, no clock, no I/O: the command
 * (src/cli/cmd_replay.c) reads the rows, drives the sandboxes through the
 * flow and fills the replay_lead summaries; this module decides what the
 * rows mean and what differs.
 */
#ifndef LK_REPLAY_REPLAY_H
#define LK_REPLAY_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/lead.h"
#include "core/rules.h"

/* --- the history: timeline rows read back as outside events ---------------- */

/* One timeline entry of a real lead, as the store hands it (borrowed). */
typedef struct {
	int64_t at;
	const char *type, *actor, *text;	/* actor NULL = the lead or the system */
} replay_row;

/* One task of a real lead (borrowed): a completion's verb and outcome. */
typedef struct {
	const char *verb, *state, *outcome;
	int64_t closed_at;
} replay_task_row;

/* What an outside event is; the command turns each into a flow call. */
typedef enum {
	REPLAY_ARRIVAL,		/* the lead arrived (the command fills it from the lead row) */
	REPLAY_AGAIN,		/* it asked again: an intake with its own fields */
	REPLAY_REPLY,		/* it wrote to us (.channel, .text) */
	REPLAY_CALL,		/* a person logged a call (.outcome, .text) */
	REPLAY_VISIT,		/* a person logged a visit (.outcome, .amount_cents, .text) */
	REPLAY_NOTE,		/* a note (.contact) */
	REPLAY_STAGE,		/* a person moved the stage (.stage, .reason) */
	REPLAY_OWNER,		/* a person gave the lead to .owner (a person id) */
	REPLAY_TASK_DONE,	/* a person completed a .verb task (.outcome) */
	REPLAY_OPT_OUT,		/* the lead opted out of .channel (not by a texted STOP: that
				 * is the REPLY whose words the engine reads) */
	REPLAY_OPT_IN,
	REPLAY_PAUSE,		/* a person paused the automation */
	REPLAY_RESUME,
	REPLAY_DELIVERY,	/* delivery found a contact unusable: .outcome is
				 * not_textable, invalid_phone (.channel sms) or
				 * bounced (email) */
} replay_what;

/* Caps: a reply's text is cut to REPLAY_TEXT_MAX - 1 bytes (the engine reads
 * the words at its start); names and ids to 63. */
#define REPLAY_TEXT_MAX 1024

typedef struct {
	int64_t lead;		/* the real lead's id */
	int64_t at;
	size_t seq;		/* order among inputs of the same time */
	replay_what what;
	char actor[64];		/* "" = none */
	char channel[16], outcome[64], stage[64], reason[64], owner[64], verb[16];
	char text[REPLAY_TEXT_MAX];
	int64_t amount_cents;	/* -1 = none */
	bool contact;
} replay_input;

/* The timeline entries no input is made of although a person or the lead
 * was behind them (appointments, snoozes, promised callbacks, contact
 * edits...): counted by type, so the report says what it left out. */
#define REPLAY_SKIP_TYPES 24
typedef struct {
	char type[REPLAY_SKIP_TYPES][40];
	long count[REPLAY_SKIP_TYPES];
	size_t n;
	long other;		/* counted past REPLAY_SKIP_TYPES types */
} replay_skipped;

/* Counts one more of type. */
void replay_skip(replay_skipped *sk, const char *type);

/*
 * Reads lead lead_id's timeline rows (in the order written) and tasks into
 * outside events, appended to out (at most max; returns how many were added,
 * the rest dropped and counted in sk as "(over the cap)"). Only what a person,
 * the lead or delivery did is an input: an entry the automation wrote, or one
 * that is the consequence of an input just read (a stage or owner a call set,
 * the opt-out a texted STOP made - same lead, same second, same actor), is
 * not. owner names are turned into ids through people (the rules the history
 * ran; may be NULL: then a hand-set owner is skipped). lead.created makes no
 * input (the command makes REPLAY_ARRIVAL from the lead row).
 */
size_t replay_read_timeline(int64_t lead_id, const replay_row *rows, size_t nrows,
			    const replay_task_row *tasks, size_t ntasks, const rules *people,
			    replay_input *out, size_t max, replay_skipped *sk);

/* The event an input stands for (borrows in's strings); for REPLAY_ARRIVAL
 * and REPLAY_AGAIN the command makes an intake instead. */
lead_event replay_input_event(const replay_input *in);

/* "arrival", "again", "reply", "call", ... */
const char *replay_what_name(replay_what w);

/* Orders inputs by time, then by seq. */
void replay_inputs_sort(replay_input *in, size_t n);

/* --- what a run did to a lead ---------------------------------------------- */

#define REPLAY_MAX_MSGS 32	/* messages listed per lead (more are counted) */
#define REPLAY_MAX_WINDOWS 16	/* missed windows listed per lead */

/* An automated message to the lead. */
typedef struct {
	char channel[8];	/* sms, email */
	char purpose[12];	/* ack, followup */
	int64_t at;		/* when it goes out */
} replay_msg;

/* A task that was not done by its due time (open past it at the end, or
 * closed after it). */
typedef struct {
	char verb[16];
	char person[64];
	int64_t due;
	int64_t closed;		/* 0 = still open */
} replay_window;

typedef struct {
	int64_t id;		/* the real lead's id */
	char name[64], source[32], kind[32];
	int64_t arrived;
	char owner[64];		/* at the end of the period, "" = none */
	replay_msg msgs[REPLAY_MAX_MSGS];
	size_t nmsgs;		/* listed */
	int touches;		/* automated messages to the lead (ack, followup) */
	int notifications;	/* messages to staff about it */
	int tasks;		/* tasks made for people */
	replay_window missed[REPLAY_MAX_WINDOWS];
	size_t nmissed;		/* listed */
	int windows_missed;
	int64_t cold_at;	/* when it went cold (lead.cold), 0 = not in the period */
} replay_lead;

/* Counts a message (purpose "ack", "followup", "notify", "compliance") of
 * the lead; person non-NULL = to staff. Only those going out by end count. */
void replay_lead_message(replay_lead *l, const char *channel, const char *purpose,
			 const char *person, int64_t at, int64_t end);
/* Counts a task (state open/done/cancelled/reassigned, closed 0 = open)
 * made by end: a window is missed when it was due by end and was still
 * open at end or closed after its due time. */
void replay_lead_task(replay_lead *l, const char *verb, const char *person, const char *state,
		      int64_t created, int64_t due, int64_t closed, int64_t end);

/* --- the difference -------------------------------------------------------- */

typedef struct {
	replay_msg from, to;
} replay_moved;

typedef struct {
	bool owner_changed;
	replay_msg added[REPLAY_MAX_MSGS];	/* sent under the new rules only */
	size_t nadded;
	replay_msg removed[REPLAY_MAX_MSGS];	/* sent under the old rules only */
	size_t nremoved;
	replay_moved moved[REPLAY_MAX_MSGS];	/* same channel and purpose, another time */
	size_t nmoved;
	replay_window now_missed[REPLAY_MAX_WINDOWS];	/* missed under the new rules only */
	size_t nnow_missed;
	replay_window now_met[REPLAY_MAX_WINDOWS];	/* missed under the old rules only */
	size_t nnow_met;
	int touches_delta, notifications_delta, tasks_delta;
	bool cold_changed;	/* went cold in one run and not the other, or at
				 * another time */
	bool any;		/* anything above differs */
} replay_diff;

/* Compares what the old rules (was) and the new rules (now) did to one lead.
 * Messages match on channel, purpose and time, then on channel and purpose
 * in order (moved); missed windows match on verb and due time, then on verb
 * in order (the same task under another window counts as missed in both). */
void replay_compare(const replay_lead *was, const replay_lead *now, replay_diff *out);

typedef struct {
	long leads, changed;
	long owners_changed;
	long touches_was, touches_now;
	long notifications_was, notifications_now;
	long tasks_was, tasks_now;
	long missed_was, missed_now;
	long cold_was, cold_now;
	long msgs_added, msgs_removed, msgs_moved;
	/* How faithful the old-rules run is to what the database says
	 * happened: leads whose owner, and whose count of automated messages,
	 * are the same in both. */
	long real_owner_same, real_touches_same;
} replay_totals;

/* Adds one lead to t: was, now, their diff d, and the real record (may be
 * NULL: nothing counted for fidelity). */
void replay_total_add(replay_totals *t, const replay_lead *was, const replay_lead *now,
		      const replay_diff *d, const replay_lead *real);

#endif

/*
 * states.h - the life cycles of timers, tasks and a lead's status: each an
 * enum, the names stored in the database, and the only legal edges.
 *
 * Pure tables. The store checks every transition it applies against them and
 * stops loudly on an illegal edge (a bug, never bad input); the engine asks
 * them before it plans a change. The outbox's delivery states follow the same
 * pattern in src/store/store_outbox.h.
 */
#ifndef LK_CORE_STATES_H
#define LK_CORE_STATES_H

#include <stdbool.h>

/* --- timers (timers.state) ---------------------------------------------------
 *
 *   pending -> fired       the scheduler claimed it and applied its decision
 *   pending -> cancelled   a decision re-planned (ACT_TIMERS_CANCEL)
 *   pending -> error       the engine refuses its event for good: set aside
 *
 * fired, cancelled and error are final.
 */
typedef enum {
	TIMER_PENDING,
	TIMER_FIRED,
	TIMER_CANCELLED,
	TIMER_ERROR,
} timer_state;

#define TIMER_NSTATES 4

/* "pending", "fired", "cancelled", "error"; "invalid" out of range. */
const char *timer_state_name(timer_state s);
/* 0 and *out set, or -1 for an unknown name (NULL included). */
int timer_state_parse(const char *name, timer_state *out);
/* Whether from -> to is a legal edge. Staying put is not an edge. */
bool timer_state_allowed(timer_state from, timer_state to);

/* --- tasks (tasks.state) -------------------------------------------------------
 *
 *   open -> done         a person did it (or logged the call/visit it asked for)
 *   open -> cancelled    the lead went cold or moved to a closed stage
 *   open -> reassigned   escalation or a new owner: a new task replaces it
 *
 * Only an open task's due time moves (snooze). done, cancelled and reassigned
 * are final.
 */
typedef enum {
	TASK_OPEN,
	TASK_DONE,
	TASK_CANCELLED,
	TASK_REASSIGNED,
} task_state;

#define TASK_NSTATES 4

const char *task_state_name(task_state s);
int task_state_parse(const char *name, task_state *out);
bool task_state_allowed(task_state from, task_state to);

/* --- lead status (leads.status; the strings are LEAD_STATUS_* in lead.h) ------
 *
 * The edges are what the engine does, and nothing else:
 *
 *   open     -> won | lost            a person moves the stage to a closed one
 *   open     -> lost | archived | nurture   the last follow-up went unanswered
 *   lost     -> open                  reactivation, a reply, a stage moved back
 *   archived, nurture -> open         a reply, an inquiry, a stage moved back
 *   won      -> open                  a stage moved back
 *   any      -> won | lost            a stage moved to a closed one
 *   lost, nurture -> lost | archived | nurture   a sequence that runs while lost
 *                                     or nurtured ends unanswered (go cold)
 *
 * A won customer never goes cold: won -> archived / nurture is illegal, and
 * won -> lost happens by a stage change only (the engine checks the cause).
 * An archived lead runs no sequence (archived -> archived / nurture is
 * illegal), and open -> open is no change at all. A same-status write that is
 * legal (lost -> lost with a new reason, won -> won) is in the table.
 */
typedef enum {
	STATUS_OPEN,
	STATUS_WON,
	STATUS_LOST,
	STATUS_ARCHIVED,
	STATUS_NURTURE,
} lead_status;

#define LEAD_NSTATUSES 5

const char *lead_status_name(lead_status s);
int lead_status_parse(const char *name, lead_status *out);
bool lead_status_allowed(lead_status from, lead_status to);
/* The same over names: false when either is unknown or NULL. */
bool lead_status_allowed_names(const char *from, const char *to);

#endif

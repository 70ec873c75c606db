/*
 * states.c - the transition tables of timers, tasks and lead status (see
 * states.h for the edges and why). Pure: no I/O, no globals but constants.
 */
#include <string.h>

#include "lead.h"
#include "states.h"

#define B(s) (1u << (s))

/* --- timers ------------------------------------------------------------------ */

static const char *const timer_names[TIMER_NSTATES] = {
	[TIMER_PENDING] = "pending",	[TIMER_FIRED] = "fired",
	[TIMER_CANCELLED] = "cancelled", [TIMER_ERROR] = "error",
};

/* timer_next[from] = bit set of legal `to` states. Final states have none. */
static const unsigned timer_next[TIMER_NSTATES] = {
	[TIMER_PENDING] = B(TIMER_FIRED) | B(TIMER_CANCELLED) | B(TIMER_ERROR),
};

/* --- tasks ------------------------------------------------------------------- */

static const char *const task_names[TASK_NSTATES] = {
	[TASK_OPEN] = "open",		[TASK_DONE] = "done",
	[TASK_CANCELLED] = "cancelled", [TASK_REASSIGNED] = "reassigned",
};

static const unsigned task_next[TASK_NSTATES] = {
	[TASK_OPEN] = B(TASK_DONE) | B(TASK_CANCELLED) | B(TASK_REASSIGNED),
};

/* --- lead status ------------------------------------------------------------- */

static const char *const status_names[LEAD_NSTATUSES] = {
	[STATUS_OPEN] = LEAD_STATUS_OPEN,	  [STATUS_WON] = LEAD_STATUS_WON,
	[STATUS_LOST] = LEAD_STATUS_LOST,	  [STATUS_ARCHIVED] = LEAD_STATUS_ARCHIVED,
	[STATUS_NURTURE] = LEAD_STATUS_NURTURE,
};

/* Every status can be moved to won or lost by a stage change; the rest is the
 * way back to open and going cold (engine_go_cold) from where a sequence runs. */
#define CLOSE (B(STATUS_WON) | B(STATUS_LOST))
#define COLD (B(STATUS_LOST) | B(STATUS_ARCHIVED) | B(STATUS_NURTURE))
static const unsigned status_next[LEAD_NSTATUSES] = {
	[STATUS_OPEN] = CLOSE | COLD,
	[STATUS_WON] = B(STATUS_OPEN) | CLOSE,
	[STATUS_LOST] = B(STATUS_OPEN) | CLOSE | COLD,
	[STATUS_ARCHIVED] = B(STATUS_OPEN) | CLOSE,
	[STATUS_NURTURE] = B(STATUS_OPEN) | CLOSE | COLD,
};
#undef CLOSE
#undef COLD
#undef B

/* --- shared ------------------------------------------------------------------ */

static int
parse(const char *const *names, int n, const char *name)
{
	for (int i = 0; name != NULL && i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

static bool
allowed(const unsigned *next, int n, int from, int to)
{
	if (from < 0 || from >= n || to < 0 || to >= n)
		return false;
	return (next[from] & (1u << to)) != 0;
}

const char *
timer_state_name(timer_state s)
{
	return (unsigned)s < TIMER_NSTATES ? timer_names[s] : "invalid";
}

int
timer_state_parse(const char *name, timer_state *out)
{
	int i = parse(timer_names, TIMER_NSTATES, name);

	if (i < 0)
		return -1;
	*out = (timer_state)i;
	return 0;
}

bool
timer_state_allowed(timer_state from, timer_state to)
{
	return allowed(timer_next, TIMER_NSTATES, (int)from, (int)to);
}

const char *
task_state_name(task_state s)
{
	return (unsigned)s < TASK_NSTATES ? task_names[s] : "invalid";
}

int
task_state_parse(const char *name, task_state *out)
{
	int i = parse(task_names, TASK_NSTATES, name);

	if (i < 0)
		return -1;
	*out = (task_state)i;
	return 0;
}

bool
task_state_allowed(task_state from, task_state to)
{
	return allowed(task_next, TASK_NSTATES, (int)from, (int)to);
}

const char *
lead_status_name(lead_status s)
{
	return (unsigned)s < LEAD_NSTATUSES ? status_names[s] : "invalid";
}

int
lead_status_parse(const char *name, lead_status *out)
{
	int i = parse(status_names, LEAD_NSTATUSES, name);

	if (i < 0)
		return -1;
	*out = (lead_status)i;
	return 0;
}

bool
lead_status_allowed(lead_status from, lead_status to)
{
	return allowed(status_next, LEAD_NSTATUSES, (int)from, (int)to);
}

bool
lead_status_allowed_names(const char *from, const char *to)
{
	lead_status f, t;

	return lead_status_parse(from, &f) == 0 && lead_status_parse(to, &t) == 0 &&
	       lead_status_allowed(f, t);
}

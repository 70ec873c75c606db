/*
 * engine.h - decide(lead, event, rules, now) -> actions.
 *
 * The engine is pure: no I/O, no clock, no globals. Everything it may look at
 * is passed in; everything it wants done comes back as a list of actions that
 * the store applies in one transaction. simulate, verify, the linter and
 * production all run this very code.
 */
#ifndef LK_CORE_ENGINE_H
#define LK_CORE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lead.h"
#include "rules.h"

typedef enum {
	ACT_SET_OWNER,		/* .person */
	ACT_SET_STAGE,		/* .name */
	ACT_SET_STATUS,		/* .name, .reason, .at = reactivation time or 0 */
	ACT_SET_SEQUENCE,	/* .name (NULL = none), .at = start, .text = the rules
				 * version the new plan runs; bumps lead.plan and clears
				 * its plan_skip */
	ACT_SET_QUOTE,		/* .amount_cents */
	ACT_SET_OPT_OUT,	/* .channel, .flag = opted out */
	ACT_SET_FLAGS,		/* .flags: LEAD_* contact flags to add (none are cleared) */
	ACT_EVENT,		/* timeline entry: .name = type, .text = summary */
	ACT_TASK_CREATE,	/* .verb .text(title) .person .at(due) */
	ACT_TASK_CLOSE,		/* .task_id .name = done|cancelled|reassigned, .text = outcome */
	ACT_TIMER_SET,		/* .timer .at .name(sequence) .step .step_id .level
				 * .task_id|.task_ref */
	ACT_TIMERS_CANCEL,	/* cancel the lead's pending timers of kind .timer
				 * (only task .task_id's when .task_id > 0) */
	ACT_OUTBOX,		/* .channel .to .text(body) .subject .purpose .at(send at) .person */
	ACT_RR_ADVANCE,		/* .name = pool key; the pool's counter moves on by one */
	ACT_MARK,		/* .name = inbound|touch|task_done: lead.last_<name>_at = .at */
	ACT_TASK_DUE,		/* open task .task_id is now due at .at */
	ACT_SET_CONTACT,	/* .fields (NULL = unchanged, normalised) and .flags = the
				 * lead's LEAD_* contact flags */
	ACT_TASK_RETITLE,	/* open task .task_id's title is now .text */
	ACT_SET_PLAN,		/* the running plan now follows rules version .text, and
				 * never runs the steps in .name (space-separated ids,
				 * NULL = none); the plan number is unchanged */
	ACT_SET_TIMEZONE,	/* the lead's zone is now .name (NULL = unknown) */
	ACT_APPOINTMENT,	/* .appt: .appt.id 0 = a new appointment of the lead (at
				 * most one per decision), else that appointment's
				 * kind, times, place, person, state and pause now */
	ACT_SET_PAUSED,		/* lead.paused_at = .at (0 = the automation runs),
				 * lead.paused_step = .step_id (NULL = none held) */
} action_kind;

/* Why a message is sent: only lead-facing automated touches count toward limits. */
typedef enum {
	PURPOSE_ACK,		/* the immediate reply to the lead's own inquiry */
	PURPOSE_FOLLOWUP,	/* an automated sequence touch to the lead */
	PURPOSE_NOTIFY,		/* a notification to a staff member */
	PURPOSE_COMPLIANCE,	/* opt-out / opt-in confirmation */
} outbox_purpose;

typedef struct {
	action_kind kind;
	const char *name;
	const char *text;
	const char *subject;
	const char *person;	/* person id */
	const char *verb;
	const char *channel;	/* "sms" / "email" */
	const char *to;
	const char *reason;
	int64_t at;
	int64_t amount_cents;
	int64_t task_id;
	int task_ref;		/* index of an ACT_TASK_CREATE in this decision, -1 none */
	timer_kind timer;
	int step;
	int level;
	outbox_purpose purpose;
	unsigned flags;		/* ACT_SET_FLAGS, ACT_SET_CONTACT: LEAD_* contact flags */
	bool flag;
	lead_fields fields;	/* ACT_SET_CONTACT */
	const char *step_id;	/* ACT_TIMER_SET of TIMER_STEP: the step's id (.step
				 * is its position, for people reading the row) */
	lead_appointment appt;	/* ACT_APPOINTMENT */
	int64_t appointment_id;	/* ACT_TIMER_SET, ACT_TIMERS_CANCEL of TIMER_APPT_*:
				 * the appointment (0 = the one this decision books;
				 * ACT_TIMERS_CANCEL: 0 = all of the lead's) */
} action;

/* Round-robin counters the engine reads; the store keeps them per business. */
typedef struct {
	const char *const *keys;
	const int64_t *values;
	size_t n;
} rr_counters;

/* A decision: the actions plus the memory their strings live in. */
typedef struct decision decision;

/* Error kinds for an event that cannot be applied (nothing changes). */
typedef enum {
	DECIDE_OK = 0,
	DECIDE_INVALID,		/* bad request: err names the field */
	DECIDE_NOT_FOUND,	/* unknown task, stage or person */
	DECIDE_CONFLICT,	/* the lead's state forbids it now (a task that is not open) */
} decide_result;

/*
 * Decides what follows event ev for the lead in st, at time now.
 * On DECIDE_OK *out is a new decision (caller frees with decision_free);
 * otherwise *out is NULL and err (if given) holds a message naming the field.
 * Out of memory: calls abort() and prints nothing (core does no I/O); the
 * process ends with SIGABRT, which is what its supervisor reports.
 */
decide_result decide(const lead_state *st, const lead_event *ev, const rules *r,
		     const rr_counters *rr, int64_t now, decision **out, char *err,
		     size_t errlen);

size_t decision_count(const decision *d);
const action *decision_get(const decision *d, size_t i);
void decision_free(decision *d);

/*
 * The timeline types only a person's action writes (NULL-terminated): a call,
 * a visit, a note, a stage change, a task done or snoozed, a contact edit, a
 * follow-up set. A lead none of whose timeline entries has one of these is
 * "new": nobody has acted on it yet - automated messages, routing and
 * reassignment never clear that.
 */
extern const char *const engine_human_event_types[];
/* The timeline type of the first time a person reached a lead (after its
 * first call answered, visit, contact note...): how long it took is in its
 * text, and its time minus the lead's arrival is the time to first contact. */
#define ENGINE_EVENT_FIRST_CONTACT "contact.first"

/* Whether type is one of engine_human_event_types. */
bool engine_event_type_human(const char *type);

/* The verbs a follow-up task may have (NULL-terminated): call, text, email,
 * visit, review. */
extern const char *const engine_followup_verbs[];

/* The fields a template may use (NULL-terminated), for `rules check`. */
extern const char *const engine_template_fields[];

/* Owner routing alone: the index of the person who owns l, or -1. When the
 * matching rule is a round-robin pool, its counter's key is written to pool_key
 * (else ""). */
int engine_route(const rules *r, const lead *l, const rr_counters *rr, int64_t now,
		 char *pool_key, size_t keylen);

#endif

/*
 * engine_internal.h - shared between the engine's files; not a public contract.
 *
 * One decide() call owns one engine_ctx: the inputs, the decision being built,
 * and the lead as it will be once the decision's actions are applied (owner,
 * sequence, plan), so later steps in the same call see earlier changes.
 */
#ifndef LK_CORE_ENGINE_INTERNAL_H
#define LK_CORE_ENGINE_INTERNAL_H

#include <stdarg.h>

#include "engine.h"

struct decision {
	action *items;
	size_t n, cap;
	char **strs;		/* every string the actions point to */
	size_t nstrs, capstrs;
};

typedef struct {
	const lead_state *st;
	const lead *l;		/* = &self */
	lead self;		/* the lead's fields as this decision leaves them (a repeat
				 * inquiry fills what it lacked); strings borrowed */
	const rules *r;
	const rr_counters *rr;
	int64_t now;
	decision *d;
	/* The lead as this decision leaves it. */
	const char *owner;
	const char *stage;
	const char *status;
	const char *sequence;
	int64_t seq_started;
	int64_t plan;
	int64_t quote_cents;
	bool replied;		/* the lead spoke in this event */
	bool touched;		/* a human touched the lead in this event */
	bool task_done;
	bool sms_opt_out;
	bool email_opt_out;
	unsigned flags;		/* LEAD_* contact flags */
	const char *unreachable; /* person id whose notifications fail: not notified again
				  * in this decision (their failure's own task would loop) */
	int64_t next_contact_due; /* for {{next_contact_window}}; 0 = unknown */
	const char *next_contact_verb; /* for {{next_contact_verb}}; NULL = from the channels */
	size_t followups_added;	/* automated touches queued by this decision */
	int new_tasks;		/* ACT_TASK_CREATE count, for task_ref */
	int esc_from;		/* escalation level new tasks start at */
	const char *plan_skip;	/* step ids the running plan never runs */
	bool urgent;		/* this decision's notifications go at once (an
				 * urgent routing rule took the lead) */
	const lead_appointment *appt; /* the appointment a message being rendered is
				       * about ({{appointment_*}}), NULL = none */
	const char *reply_asks;	/* the call time the lead's reply asks for and what
				 * to do about it ("asks for a call Thursday, Dec 3
				 * at 5:00 PM: log it ..."), for its reply task's
				 * title; NULL = none */
	int64_t paused_at;	/* the automation is paused since (0 = it runs) */
} engine_ctx;

/* The title of the task the promise makes ("Decide the next step for Marcus
 * Johnson (stage contacted)", engine.c); a follow-up a person sets is that
 * decision, so it closes such a task (engine_followup.c). */
#define ENGINE_DECIDE_TITLE "Decide the next step for "

/* How long a person has to answer a lead who wrote back, in business minutes. */
#define REPLY_WINDOW (15 * 60)
/* The middle of a reply task's title: "Marcus replied - answer by text or call". */
#define REPLY_TITLE " replied - answer "

/* The engine's one way out when memory runs out: abort(), without a message.
 * Not a hook to set (core keeps no globals) and not an error to return:
 * decide() would have to unwind half-built decisions for a failure the
 * process cannot recover from anyway; its SIGABRT is the report. */
_Noreturn void engine_oom(void);

/* decision building (engine_decision.c); all call engine_oom() when out of
 * memory */
decision *decision_new(void);
action *engine_push(engine_ctx *c, action_kind kind);
/* The lead's open task with this id, or NULL (done, closed, another lead's,
 * or beyond the open tasks the state holds). */
const lead_task *engine_open_task(const engine_ctx *c, int64_t task_id);
const char *engine_str(engine_ctx *c, const char *s);
const char *engine_fmt(engine_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void engine_event(engine_ctx *c, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* who can take work now (engine_cover.c) */
typedef struct {
	const rules *r;
	int64_t now;
	const lead_state *st;	/* open-lead counts (loads); NULL: no limits known */
} engine_avail;
/* Whether person p can take work now: at work (active, not away), and -
 * strict - under their max_open_leads. */
bool engine_can_take(const engine_avail *av, int p, bool strict);
/* The first person on p's fallback chain (not p) who can take work, other
 * than avoid; -1 for none. */
int engine_fallback(const engine_avail *av, int p, bool strict, const char *avoid);
/* Who does person id's work now: id itself when at work, else the first at
 * work on their fallback chain, else id. With note, a change says so on the
 * timeline. Borrowed from the rules. */
const char *engine_assignee(engine_ctx *c, const char *id, bool note);
/* "away until Jan 2", "not active": why person p cannot take work now. */
const char *engine_absence(engine_ctx *c, int p);
/* A pick that passed over whose turn it was (first) says why. */
void engine_note_skipped(engine_ctx *c, int first, int picked);

/* routing and people (engine_route.c) */
int64_t engine_rr_value(const rr_counters *rr, const char *key);
int engine_pick(engine_ctx *c, const rules_owner *o, const char *pool_key,
		const char *avoid);
void engine_set_owner(engine_ctx *c, int person, const char *why);
/* Routing for this decision's lead, with open-lead limits (engine_route()
 * knows only who is away). */
int engine_route_in(engine_ctx *c, char *pool_key, size_t keylen);
const rules_person *engine_person(const engine_ctx *c, const char *id);
const rules_person *engine_notify_target(engine_ctx *c, const char *target);

/* plans, steps, messages (engine_plan.c) */
void engine_start_sequence(engine_ctx *c, const char *name, bool on_intake, const char *why);
void engine_stop_sequence(engine_ctx *c, const char *why);
void engine_run_step(engine_ctx *c, const rules_sequence *seq, int k, bool on_intake);
void engine_chain(engine_ctx *c, const rules_sequence *seq, int k);
/* Whether the running plan skips step id (lead.plan_skip). */
bool engine_plan_skips(const engine_ctx *c, const char *id);
/* Sets the step timer for step k of seq, due at `at`. */
void engine_step_timer(engine_ctx *c, const rules_sequence *seq, int k, int64_t at);
/* The end of a sequence after its last step ran: cold (then: cold, and the
 * lead has not spoken) or finished. */
void engine_sequence_end(engine_ctx *c, const rules_sequence *seq);
void engine_go_cold(engine_ctx *c);
/* Creates a task for assignee due `within` from now (in business minutes when
 * business_hours), with its escalation timer and a notification. title NULL
 * composes "Call Marcus Johnson by 3:05 PM <what>". Returns its task_ref. */
int engine_create_task(engine_ctx *c, const char *verb, const char *title,
		       const char *assignee, int64_t within, bool business_hours,
		       const char *fallback_what);
/* The escalation timer of a task due at `due`: the first level new tasks
 * start at (esc_from), measured from the due time. For stored task task_id,
 * or (task_id 0) the task_ref-th task this decision creates. */
void engine_escalate_from(engine_ctx *c, int64_t due, int64_t task_id, int task_ref);
/* "by 3:05 PM" today, "by tomorrow 8:05 AM", "by Monday 8:05 AM", "by Dec 28 9:00 AM". */
const char *engine_due_phrase(engine_ctx *c, int64_t due);
/* A notification to p; it waits for p's working hours unless urgent (see
 * engine_notify_time). engine_notify_due: about something due at `due`. */
void engine_notify(engine_ctx *c, const rules_person *p, const char *text);
void engine_notify_due(engine_ctx *c, const rules_person *p, const char *text, int64_t due);
void engine_queue_to_lead(engine_ctx *c, const char *channel, const char *body,
			  outbox_purpose purpose, bool respect_quiet);
/* The rendered template, caller frees; engine_oom() when out of memory. */
char *engine_render(engine_ctx *c, const char *tpl);
/* A message to the lead: rendered with each lead-typed field capped
 * (limits.max_echo_chars); owned by the decision. */
const char *engine_render_to_lead(engine_ctx *c, const char *tpl);
/* Queues the `missed_call` template to the lead by text, if both exist. */
void engine_missed_call_text(engine_ctx *c);
void engine_money(int64_t cents, char *buf, size_t len);
bool engine_lead_reachable(const engine_ctx *c, const char *channel);
/* Whether an automated text may go to the lead: reachable by text, and the
 * phone's country is one of business.sms_countries. */
bool engine_sms_allowed(const engine_ctx *c);
/* "US, CA" (or "none"), for timeline and task text; owned by the decision. */
const char *engine_sms_countries(engine_ctx *c);
/* Automated touches to the lead within the limit window, this decision's too. */
size_t engine_recent_touches(const engine_ctx *c);

/* timing (engine_timing.c) */
/* The business's clock with p's working hours (people[].hours, else the
 * business's): the zone and holidays stay. */
rules_business engine_person_clock(const engine_ctx *c, const rules_person *p);
/* Whether a call p makes at `at` is one the rules can keep: at itself when p
 * is at work then (engine_person_clock; its closing minute counts, "after 5"
 * with hours to 17:00), else the first time p is (-1: never). */
int64_t engine_call_keepable(const engine_ctx *c, const rules_person *p, int64_t at);
/* When a notification to p may go: now when urgent (c->urgent, or due > 0
 * and before p's working hours begin) or p is at work, else when p's working
 * hours (people[].hours, else the business's) next begin. */
int64_t engine_notify_time(const engine_ctx *c, const rules_person *p, int64_t due);
/* Whether step k of seq, due now, must wait for the contact time the lead
 * was promised (its earliest open call, text or email task) plus
 * limits.promise_grace: if so its timer is set to then, the timeline says
 * why, and true is returned. */
bool engine_wait_for_promise(engine_ctx *c, const rules_sequence *seq, int k);

/* the lead's own time zone (engine_zone.c; read it through lead_zone.h) */
/* Sets the lead's zone (NULL = unknown) if it changes; why ends up on the
 * timeline ("from the phone number") unless it is the business's zone. */
void engine_set_zone(engine_ctx *c, const char *zone, const char *why);
/* The lead's zone from its phone number, when the number says for certain
 * and the rules loaded that zone; else the lead keeps the one it has. */
void engine_infer_zone(engine_ctx *c);

/* the lead's channels (engine_channel.c) */
bool engine_phone_usable(const engine_ctx *c);
/* The verb a task really takes: a call or text to a lead without a usable
 * phone is an email when the lead has one, and so on. */
const char *engine_task_verb(const engine_ctx *c, const char *verb);
/* "call", "email", "text" or "contact": how the lead will next hear from us. */
const char *engine_contact_verb(const engine_ctx *c);
/* At a `then: cold` end: when no automated follow-up of seq reached the lead,
 * stops the sequence and gives its owner a task instead; true if it did. */
bool engine_hold_unreached(engine_ctx *c, const rules_sequence *seq);

/* the lead as this decision leaves it (engine_lead.c) */
bool engine_streq(const char *a, const char *b);
const char *engine_display_name(const lead *l);
const char *engine_first_name(engine_ctx *c);
void engine_set_status(engine_ctx *c, const char *status, const char *reason, int64_t at);
void engine_mark(engine_ctx *c, const char *what);
bool engine_is_open(const engine_ctx *c);
void engine_reopen_if_cold(engine_ctx *c, const char *why);
void engine_stop_if_moot(engine_ctx *c, unsigned cause, const char *why);
void engine_task_for_owner(engine_ctx *c, const char *verb, const char *title);
/* Closes the open tasks (with this verb unless NULL) that this decision does
 * not close already: a task is closed once (open -> state, see states.h). */
void engine_close_tasks(engine_ctx *c, const char *verb, const char *state, const char *outcome);
/* Whether this decision already closes task_id. */
bool engine_task_closing(const engine_ctx *c, int64_t task_id);
void engine_human_touch(engine_ctx *c, const char *why);
/* An outcome that moves the conversation on (a call that reached the lead, a
 * visit, a quote, a stage a person chose) closes the open tasks of these verbs
 * it makes moot - done, outcome "superseded: why", with why on the timeline
 * and their escalation stopped - except the ones no outcome answers (fixing the contact details,
 * confirming a possible opt-out). */
enum {
	SUPERSEDE_CALL = 1 << 0, SUPERSEDE_TEXT = 1 << 1, SUPERSEDE_EMAIL = 1 << 2,
	SUPERSEDE_VISIT = 1 << 3, SUPERSEDE_REVIEW = 1 << 4,
	SUPERSEDE_CONTACT = SUPERSEDE_CALL | SUPERSEDE_TEXT | SUPERSEDE_EMAIL,
};
void engine_supersede_tasks(engine_ctx *c, unsigned verbs, const char *why);
bool engine_outcome_reached(const char *outcome);

/* Who told us of an opt-out: the lead (a keyword text, an unsubscribe link, a
 * person on their behalf) or the carrier refusing our text because the lead
 * texted it STOP. One policy for both (engine_inbound.c). */
typedef enum { OPT_BY_LEAD, OPT_BY_CARRIER } opt_source;

/* What a lead's words are (engine_words.c). */
typedef enum {
	WORDS_REPLY,		/* the lead speaking */
	WORDS_STOP,		/* a carrier opt-out keyword, said exactly (SMS) */
	WORDS_START,		/* an opt-in keyword from a lead who opted out (SMS) */
	WORDS_HELP,		/* HELP / INFO (SMS) */
	WORDS_MAYBE_STOP,	/* a plain-language request to stop: a person confirms */
	WORDS_AUTO_REPLY,	/* an auto-reply ("I'm driving", out of office): not the lead */
} engine_words_kind;
engine_words_kind engine_words(const char *text, bool sms, bool opted_out);

/* Says on the timeline what intake had to cut or change to keep the lead
 * (ev->cut; engine_intake.c). */
void engine_note_cut(engine_ctx *c, const lead_event *ev);

/* How staff read a source: "web form", "phone call", "text" (engine_again.c). */
const char *engine_source_words(engine_ctx *c, const char *source);

/* event handlers: one file per family (engine_intake.c, engine_inbound.c,
 * engine_people.c, engine_stage.c, engine_timer.c, engine_edit.c, engine_delivery.c) */
decide_result engine_on_created(engine_ctx *c, const lead_event *ev);
decide_result engine_on_inquiry_again(engine_ctx *c, const lead_event *ev);
decide_result engine_on_opt(engine_ctx *c, const char *channel, bool out, opt_source by);
decide_result engine_on_delivery(engine_ctx *c, const lead_event *ev);
/* The SMS provider says the lead's phone cannot take texts (engine_textable.c):
 * flags it LEAD_NO_TEXTS, makes the owner's task a call, and sends an
 * acknowledgment the text carried by email when the lead has one. name: how
 * the timeline names the lead; err: the provider's words. */
decide_result engine_on_not_textable(engine_ctx *c, const lead_event *ev, const char *name,
				     const char *err);
decide_result engine_on_message_in(engine_ctx *c, const lead_event *ev);
/* A won lead wrote or asked again by `via` ("text", "web form"): a service
 * request, a task for the office (the first person with role office, else the
 * owner) with verb, no sequence (engine_customer.c). */
void engine_customer_request(engine_ctx *c, const char *via, const char *text, const char *verb);
/* The owner's task to answer the lead, who wrote on channel (engine_inbound.c). */
void engine_reply_task(engine_ctx *c, const char *channel);
/* Possible opt-outs (engine_optout.c): the lead's words flag the lead
 * (LEAD_MAYBE_OPT_OUT_*), pause automated messages and ask its owner to
 * confirm or dismiss them; the person's answer. */
void engine_possible_opt_out(engine_ctx *c, const char *channel, const char *text);
decide_result engine_on_opt_out_review(engine_ctx *c, const lead_event *ev, char *err,
				       size_t errlen);
decide_result engine_on_call(engine_ctx *c, const lead_event *ev);
decide_result engine_on_visit(engine_ctx *c, const lead_event *ev);
decide_result engine_on_note(engine_ctx *c, const lead_event *ev);
decide_result engine_on_task_done(engine_ctx *c, const lead_event *ev, char *err, size_t errlen);
decide_result engine_on_owner(engine_ctx *c, const lead_event *ev, char *err, size_t errlen);
decide_result engine_stage_error(engine_ctx *c, const lead_event *ev, const char *stage,
				 char *err, size_t errlen);
decide_result engine_change_stage(engine_ctx *c, const lead_event *ev, const char *name);
decide_result engine_on_timer(engine_ctx *c, const lead_event *ev);
/* leads from old records (engine_import.c) */
decide_result engine_on_imported(engine_ctx *c, const lead_event *ev, char *err, size_t errlen);
decide_result engine_on_imported_again(engine_ctx *c, const lead_event *ev);
/* edits by a person (engine_edit.c) */
decide_result engine_on_task_snooze(engine_ctx *c, const lead_event *ev, char *err,
				    size_t errlen);
decide_result engine_on_contact(engine_ctx *c, const lead_event *ev, char *err, size_t errlen);
/* the next follow-up a person sets (engine_followup.c) */
/* "Thursday, Dec 3 at 5:00 PM" in the lead's zone; owned by the decision. */
const char *engine_lead_time_words(engine_ctx *c, int64_t t);
decide_result engine_on_followup(engine_ctx *c, const lead_event *ev, char *err, size_t errlen);
/* someone went away: their open tasks on this lead go to who covers
 * (engine_cover.c) */
decide_result engine_on_people(engine_ctx *c);
/* appointments (engine_appointment.c) */
decide_result engine_on_appointment(engine_ctx *c, const lead_event *ev, char *err,
				    size_t errlen);
decide_result engine_on_appt_timer(engine_ctx *c, const lead_event *ev);
/* The lead answers about its next appointment ("yes", "C", "cancel", "can we
 * do Thursday instead?"): true when handled; false for anything else (the
 * ordinary reply task) or when it has none ahead. */
bool engine_appointment_reply(engine_ctx *c, const lead_event *ev);
/* The lead texted the carrier keyword CANCEL (an opt-out, decided by
 * engine_on_opt): its next appointment is off too, and the person going is
 * told; the opt-out's own task asks the owner to reach the lead. */
void engine_appointment_keyword_cancel(engine_ctx *c, const lead_event *ev);
/* The call time a lead's words ask for, for a person to confirm as a
 * promised callback ("call me after 5" -> "asks for a call Thursday, Dec 3 at
 * 5:00 PM: log it as a callback to keep it"), or, when the owner is not at
 * work then, the first time the rules can keep to offer instead; NULL when
 * the words ask for none (a time needs a word about
 * calling next to it: "call", "ring", "phone", "reach", "talk"). */
const char *engine_promise_asked(engine_ctx *c, const char *text);
/* The rules changed under the lead (old = the rules it ran): when they plan
 * other reminders or another outcome check, those of its appointments ahead
 * are planned again from the new rules - never one the lead already had. */
void engine_appointments_rules(engine_ctx *c, const rules *old);
/* {{appointment_kind|day|window|person|place}} of c->appt; NULL when none. */
const char *engine_appt_field(engine_ctx *c, const char *field);

/* the rules changed: re-plan the running sequence (engine_rules.c) */
decide_result engine_on_rules(engine_ctx *c, const lead_event *ev);
/* The step a step timer names in seq: by its id (a timer from before step
 * ids: by position). A step the rules no longer have is not run: the
 * timeline says so and the plan goes on with the next step due after it.
 * Returns its index, or -1 (handled). */
int engine_step_of_timer(engine_ctx *c, const rules_sequence *seq, const lead_event *ev);
/* pausing and resuming the lead's automation (engine_pause.c) */
decide_result engine_on_pause(engine_ctx *c, const lead_event *ev, char *err, size_t errlen);
decide_result engine_on_resume(engine_ctx *c, const lead_event *ev, char *err, size_t errlen);
/* A sequence started while the automation is paused: none of its steps runs
 * now; its first one is what a resume starts with. */
void engine_pause_hold(engine_ctx *c);
/* lead.paused_at = at (0 = the automation runs), the held step = step_id. */
void engine_set_paused(engine_ctx *c, int64_t at, const char *step_id);

#endif

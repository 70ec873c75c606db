/*
 * lead.h - a lead as the engine sees it, and the events that happen to it.
 *
 * Pure data. The store fills a lead_state from its tables; intake fills a
 * lead_event from a source. Nothing here allocates: strings are borrowed from
 * whoever filled the struct and must outlive the decide() call.
 */
#ifndef LK_CORE_LEAD_H
#define LK_CORE_LEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Contact problems found at intake: the lead is kept, the problem flagged. */
enum {
	LEAD_PHONE_INVALID = 1 << 0,	/* phone kept as given, not E.164 */
	LEAD_EMAIL_INVALID = 1 << 1,	/* email kept as given */
	LEAD_NO_CONTACT = 1 << 2,	/* neither a usable phone nor email */
	LEAD_PHONE_ABROAD = 1 << 3,	/* phone outside business.sms_countries: no
					 * automated texts (a person reaches them) */
	/* The lead wrote something like "stop texting me": automated messages wait
	 * until a person confirms the opt-out or dismisses it (EV_OPT_OUT_REVIEW). */
	LEAD_MAYBE_OPT_OUT_SMS = 1 << 4,
	LEAD_MAYBE_OPT_OUT_EMAIL = 1 << 5,
	/* The SMS provider says the phone cannot take texts (a landline: Twilio
	 * 30006, 21614): it is still called, never texted by automation. */
	LEAD_NO_TEXTS = 1 << 6,
};

/* Lead status: where it is relative to the active pipeline. */
#define LEAD_STATUS_OPEN "open"
#define LEAD_STATUS_WON "won"
#define LEAD_STATUS_LOST "lost"
#define LEAD_STATUS_ARCHIVED "archived"
#define LEAD_STATUS_NURTURE "nurture"

/* A custom field: something a source sent that the lead has no field for
 * ("zip", "budget", "address.city"), kept on the lead as given. */
typedef struct {
	const char *name;
	const char *value;
} lead_custom;

typedef struct {
	int64_t id;		/* 0 for a lead not stored yet */
	const char *name;
	const char *phone;	/* E.164 when valid, else as given */
	const char *email;	/* lower-cased when valid, else as given */
	const char *source;	/* web_form, phone_call, sms, email, ad, api, ... */
	const char *kind;	/* new_inquiry, estimate, ... */
	const char *service;
	const char *message;
	const char *neighbourhood;
	unsigned flags;		/* LEAD_* contact flags */
	const char *stage;
	const char *status;	/* LEAD_STATUS_* */
	const char *owner;	/* person id, NULL before routing */
	const char *sequence;	/* sequence running now, NULL if none */
	int64_t sequence_started_at;
	int64_t plan;		/* bumped at each re-plan; stale step timers are ignored */
	int64_t created_at;
	int64_t last_inbound_at;	/* last message from the lead, 0 = never */
	int64_t last_touch_at;		/* last human contact logged, 0 = never */
	int64_t last_task_done_at;	/* 0 = never */
	bool sms_opt_out;
	bool email_opt_out;
	int64_t quote_cents;	/* -1 = none */
	const char *lost_reason;
	const lead_custom *custom;	/* custom fields, in the order given */
	size_t ncustom;
	const char *rules_version; /* the rules version (rules.version) its plan
				    * runs; NULL before any was recorded */
	const char *plan_skip;	/* step ids of the running sequence never to run
				 * (space-separated): steps a rules change moved past
				 * the point the lead reached, or added after their
				 * time; NULL = none. Cleared when a sequence starts. */
	const char *timezone;	/* the lead's IANA zone (from its phone number, or set
				 * by a person); NULL = unknown. Read it through
				 * lead_zone.h, which falls back to the business's. */
	int64_t paused_at;	/* a person paused the lead's automation then; 0 = it runs */
	const char *paused_step; /* paused: the id of the step of .sequence that runs
				  * first when it is resumed; NULL = none was waiting */
} lead;

/* An open task of the lead, as the engine needs it. */
typedef struct {
	int64_t id;
	const char *verb;
	const char *title;
	const char *assignee;	/* person id */
	int64_t due_at;
} lead_task;

/* An appointment of the lead that is still ahead of an outcome: booked,
 * confirmed or rescheduled (src/core/appointment.h has the states). Times
 * are UTC instants; the business's zone shows them. */
typedef struct {
	int64_t id;
	const char *kind;	/* an id of rules.appointments.kinds */
	int64_t starts_at;
	int64_t ends_at;
	const char *place;	/* address, or NULL */
	const char *person;	/* the assigned person's id */
	const char *state;	/* "booked", "confirmed", "rescheduled" */
	bool paused;		/* the lead asked to move it: reminders wait for a person */
} lead_appointment;

/* How many open leads a person owns (for people.max_open_leads). */
typedef struct {
	const char *person;	/* person id */
	int64_t open_leads;
} lead_load;

/* Everything decide() may look at for one lead. */
typedef struct {
	lead lead;
	const lead_task *tasks;	/* open tasks only */
	size_t ntasks;
	const int64_t *touches;	/* send times of automated touches to the lead, recent first */
	size_t ntouches;
	const lead_load *loads;	/* the open leads of each person who has a
				 * max_open_leads (NULL: none known, no limit
				 * applies) */
	size_t nloads;
	const lead_appointment *appointments; /* ahead of an outcome, soonest first */
	size_t nappointments;
} lead_state;

typedef enum {
	EV_CREATED,		/* a new lead arrived; fields are in state.lead */
	EV_INQUIRY_AGAIN,	/* an open lead asked again (duplicate intake) */
	EV_MESSAGE_IN,		/* the lead wrote to us (sms/email reply) */
	EV_CALL_LOGGED,		/* a human call was logged (outcome) */
	EV_VISIT_LOGGED,	/* a visit was logged (outcome, maybe a quote) */
	EV_NOTE,		/* a note; counts as contact when .contact */
	EV_STAGE,		/* a person asks to move the lead to .stage */
	EV_OWNER,		/* a person sets the owner to .owner */
	EV_TASK_DONE,		/* task .task_id completed with .outcome */
	EV_OPT_OUT,		/* lead opted out of .channel ("sms"/"email") */
	EV_OPT_IN,		/* lead opted back in to .channel */
	EV_TIMER,		/* a durable timer fired */
	EV_TASK_SNOOZE,		/* a person moves open task .task_id to .until, for .reason */
	EV_CONTACT,		/* a person edits the contact fields in .fields */
	EV_DELIVERY,		/* what became of a message the engine queued (.delivery) */
	EV_FOLLOWUP,		/* a person sets the next follow-up: a .verb task due .until */
	EV_OPT_OUT_REVIEW,	/* a person read a possible opt-out: .outcome "confirm" or
				 * "dismiss" */
	EV_PEOPLE,		/* someone may have gone away (rules: active, away): the
				 * lead's open tasks of people who cannot take work now
				 * go to who covers for them */
	EV_RULES,		/* the rules changed: re-plan the running sequence from
				 * .old_rules (the version the plan ran; may be the new
				 * rules themselves) with the pending step timer in
				 * .sequence, .step_id (.step for a timer written before
				 * step ids), .due_at; .sequence NULL: none pending */
	EV_APPOINTMENT,		/* an appointment changes: .outcome is book, confirm,
				 * reschedule, cancel, done or no_show (.appointment_id,
				 * 0 = the lead's next one; book and reschedule read
				 * .appt_kind, .starts_at, .ends_at, .place, .assignee) */
	EV_PAUSE,		/* a person pauses the lead's automation (.reason: why) */
	EV_RESUME,		/* a person resumes it: the held steps are planned again */
} lead_event_kind;

/* A lead from old records (`leadkeep import`), not someone asking now, and
 * what the owner chose to happen to it (engine_import.c). */
typedef enum {
	IMPORT_NONE = 0,	/* not imported: a lead asking now */
	IMPORT_QUIET,		/* owner, stage and a quiet task to review it; nothing sent */
	IMPORT_TODAY,		/* its stage's follow-ups from today, without the
				 * first-contact message */
} lead_import;

/* EV_DELIVERY: the outcome delivery reports for one outbox message. */
typedef enum {
	DELIVERY_SENT,		/* the provider accepted it */
	DELIVERY_FAILED,	/* a permanent failure that says nothing about the contact */
	DELIVERY_DEAD,		/* temporary failures until delivery gave up (.attempts) */
	DELIVERY_UNKNOWN,	/* interrupted mid-send: it may have gone out; not resent */
	DELIVERY_CONFIRMED,	/* the provider confirmed an unknown one did go out */
	DELIVERY_CARRIER_OPT_OUT, /* the carrier refused: the recipient texted it STOP
				   * (Twilio 21610) */
	DELIVERY_INVALID_PHONE,	/* the recipient is not a phone number (21211, 30005) */
	DELIVERY_BOUNCED,	/* hard bounce: no such mailbox, or an unusable address */
	DELIVERY_CANCELLED,	/* not sent: at its turn the lead had opted out of the
				 * channel or its contact for it was flagged */
	DELIVERY_NOT_TEXTABLE,	/* a phone number that cannot take texts: a landline
				 * (Twilio 30006, 21614) */
} delivery_outcome;

typedef enum {
	TIMER_STEP,		/* run step .step of sequence .sequence */
	TIMER_ESCALATE,		/* escalation level .level of task .task_id */
	TIMER_REACTIVATE,	/* a lost lead comes back */
	TIMER_NURTURE,		/* periodic check-in of a nurtured lead */
	TIMER_UNANSWERED,	/* the lead's reply task .task_id may still be open:
				 * rules.unanswered applies */
	TIMER_APPT_REMIND,	/* reminder .level of rules.appointments.reminders for
				 * appointment .appointment_id */
	TIMER_APPT_CHECK,	/* appointment .appointment_id ended a while ago: was
				 * an outcome logged? */
} timer_kind;

/* Contact fields as a person edits them: NULL = unchanged, "" = cleared.
 * Phone and email as typed; the engine normalises them. */
typedef struct {
	const char *name;
	const char *phone;
	const char *email;
	const char *service;
	const char *message;
	const char *neighbourhood;
	const char *timezone;	/* an IANA zone; "" = infer it from the phone again */
} lead_fields;

typedef struct {
	lead_event_kind kind;
	const char *source;	/* EV_INQUIRY_AGAIN: where it came from */
	const char *channel;	/* sms, email, call ... */
	const char *text;	/* message body, note text */
	const char *outcome;	/* call/visit/task outcome */
	const char *stage;	/* EV_STAGE */
	const char *reason;	/* EV_STAGE to a lost stage; EV_TASK_SNOOZE: why it waits */
	const char *owner;	/* EV_OWNER */
	const char *actor;	/* person id who did it, NULL = system / the lead */
	int64_t amount_cents;	/* -1 = none */
	int64_t task_id;	/* EV_TASK_DONE, EV_TASK_SNOOZE, TIMER_ESCALATE */
	bool contact;		/* EV_NOTE counts as a human touch */
	/* EV_TIMER */
	timer_kind timer;
	const char *sequence;
	int step;
	int level;
	int64_t plan;		/* the lead's plan when the timer was set */
	int64_t due_at;		/* when the timer was due (lateness = now - due_at) */
	int64_t until;		/* EV_TASK_SNOOZE: the task's new due time; EV_FOLLOWUP: when */
	const char *verb;	/* EV_FOLLOWUP: call, text, email, visit or review; NULL = call */
	lead_fields fields;	/* EV_CONTACT */
	/* EV_DELIVERY (also .channel; .text = a snippet of the body; .task_id = a
	 * task delivery opened earlier for this message, 0 none) */
	delivery_outcome delivery;
	const char *person;	/* staff recipient (person id); NULL = the lead */
	const char *to;		/* the recipient's phone or address */
	const char *error;	/* the provider's words (no secrets), NULL none */
	int attempts;		/* send attempts made */
	/* EV_INQUIRY_AGAIN: the repeat inquiry's own custom fields (the lead's
	 * stay as they are; these go into the timeline) */
	const lead_custom *custom;
	size_t ncustom;
	const char *cut;	/* EV_CREATED, EV_INQUIRY_AGAIN: what intake had to cut
				 * or change to keep the input ("message cut to 4000
				 * bytes"), NULL = nothing */
	/* EV_CREATED, EV_INQUIRY_AGAIN: from old records. EV_CREATED also reads
	 * .stage (NULL = the first stage) and .reason (a lost stage's);
	 * EV_INQUIRY_AGAIN reads .fields (the record as it was found again). */
	lead_import import;
	bool sms_opt_out;	/* EV_CREATED imported: the records say the lead opted */
	bool email_opt_out;	/* out of texts / email: kept, and nothing goes there */
	const char *step_id;	/* EV_TIMER (TIMER_STEP), EV_RULES: the step's id;
				 * NULL for a timer written before step ids (then
				 * .step is its position) */
	const struct rules *old_rules; /* EV_RULES */
	const char *purpose;	/* EV_DELIVERY: what the message was for (ack,
				 * followup, notify, compliance), NULL unknown */
	/* EV_APPOINTMENT; .appointment_id also EV_TIMER (TIMER_APPT_*) */
	int64_t appointment_id;
	const char *appt_kind;	/* NULL = the first of rules.appointments.kinds */
	int64_t starts_at;
	int64_t ends_at;	/* 0 = starts_at + the kind's minutes */
	const char *place;
	const char *assignee;	/* person id; NULL = the lead's owner */
	/* EV_FOLLOWUP: what a person promised the lead, in their words ("after
	 * 5 pm", "Thursday morning"): .until is read from it (engine_promise.c)
	 * and the automation stays quiet until then. NULL = none. */
	const char *promise;
} lead_event;

/* "sent", "failed", "dead", "unknown", "confirmed", "carrier_opt_out",
 * "invalid_phone", "bounced", "cancelled", "not_textable". */
const char *delivery_outcome_name(delivery_outcome o);
/* 0 and *out set, or -1 for an unknown name. */
int delivery_outcome_parse(const char *name, delivery_outcome *out);

/* A zeroed event of the given kind with "none" markers set. */
lead_event lead_event_init(lead_event_kind kind);

/* The value of custom field name of l, or NULL. Names compare as the
 * template syntax writes them: case-insensitively, with ' ' and '-' read as
 * '_' ({{custom.budget_range}} finds "Budget Range"). Borrowed from l. */
const char *lead_custom_get(const lead *l, const char *name);

/* Whether name names someone: not NULL, and not junk like ".", "-", "n/a". */
bool lead_name_usable(const char *name);
/* Whether id is one of the space-separated ids of list (may be NULL): a
 * step of lead.plan_skip, say. */
bool lead_id_listed(const char *list, const char *id);

/* How to greet the person: "Marcus" from "Marcus Johnson" (or "MARCUS
 * JOHNSON"), "Dr. Smith" from "Dr. Smith" or "Dr. Jane Smith" (a title greets
 * by title and surname); "" for a junk name (".", "n/a"), a bare title or an
 * initial ("J. Smith"), so a template's fallback is used. Writes into buf,
 * returns buf. */
const char *lead_first_name(const char *name, char *buf, size_t buflen);
/* "Smith" from "Dr. Jane Smith"; "" for one word, junk or an initial. */
const char *lead_last_name(const char *name, char *buf, size_t buflen);

#endif

/*
 * rules.h - the in-memory model of a business's rules file.
 *
 * This is what the engine reads; it is built by src/rules/ (from YAML) and owned
 * by whoever loaded it. Pure data: no I/O, no parsing here. All strings are
 * owned by the rules object and freed by rules_free().
 */
#ifndef LK_CORE_RULES_H
#define LK_CORE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz.h"

#define RULES_MAX_SPANS_PER_DAY 4

/* An opening span in local minutes from midnight: [open_min, close_min). */
typedef struct {
	int open_min;
	int close_min;
} rules_span;

typedef struct {
	char *name;
	char *timezone;		/* IANA name, e.g. "America/Chicago" */
	char *country;		/* ISO 3166 alpha-2 default for phone numbers, "US" */
	char *phone;		/* business's public phone, for HELP replies */
	rules_span hours[7][RULES_MAX_SPANS_PER_DAY]; /* index 0 = Sunday */
	int nspans[7];
	int *holidays;		/* local dates as yyyymmdd, sorted */
	size_t nholidays;
	bool has_quiet;
	int quiet_start_min;	/* quiet hours for automated texts, local */
	int quiet_end_min;	/* may wrap midnight (start > end) */
	bool ack_ignores_quiet;	/* the immediate ack may go at any hour */
	int64_t duplicate_window; /* seconds; 0 disables duplicate merging */
	tz_zone *zone;		/* loaded time zone, owned */
	/* Countries automated texts may go to (ISO alpha-2, upper-case); by
	 * default the business's own. sms_anywhere: no restriction. */
	char **sms_countries;
	size_t nsms_countries;
	bool sms_anywhere;
} rules_business;

typedef enum { NOTIFY_NONE, NOTIFY_SMS, NOTIFY_EMAIL } rules_notify;

/* A time a person is away: [from, to) in UTC (read from local dates or
 * times in the business's zone). */
typedef struct {
	int64_t from;
	int64_t to;
	int line;
} rules_away;

typedef struct {
	char *id;
	char *name;
	char *role;
	char *phone;
	char *email;
	rules_notify notify;
	/* Who can take work (docs/rules.md, "people"). A person who is not
	 * active, or away, gets no new leads and no tasks: their fallback (or
	 * its fallback, ...) does, and their open tasks go to it. */
	bool inactive;		/* active: false */
	rules_away *away;	/* sorted by from */
	size_t naway;
	int max_open_leads;	/* 0 = no limit: at the limit, no new leads */
	int fallback;		/* index of the person who covers, or -1 */
	/* Working hours, in the business's zone and holidays: notifications wait
	 * for them unless urgent (engine_hours.c). has_hours false: the
	 * business's hours. */
	bool has_hours;
	rules_span hours[7][RULES_MAX_SPANS_PER_DAY];
	int nspans[7];
} rules_person;

/* An owner choice: one person or a round-robin pool (indices into people). */
typedef struct {
	int *people;
	size_t npeople;		/* 1 = fixed owner, >1 = round robin */
	char *role;		/* alternatively: round robin over everyone with this role */
} rules_owner;

/* A custom field's expected value in a routing condition. */
typedef struct {
	char *name;		/* compared as lead_custom_get() does */
	char *value;		/* equal, ignoring case */
} rules_custom_match;

#define RULES_MAX_CUSTOM_MATCH 16	/* custom fields one routing rule may test */

typedef struct {
	char *source;		/* NULL = any */
	char *kind;		/* NULL = any */
	char *service;		/* case-insensitive substring; NULL = any */
	int after_hours;	/* -1 any, 0 during business hours, 1 after hours */
	rules_custom_match *custom;	/* all must hold; none = any */
	size_t ncustom;
	rules_owner owner;
	int line;		/* for diagnostics */
	bool urgent;		/* the notifications of the decision that routes a
				 * lead here go at once, whatever the hours */
} rules_route;

typedef enum { STEP_SEND, STEP_TASK, STEP_NOTIFY } rules_step_kind;
typedef enum { CHANNEL_SMS, CHANNEL_EMAIL } rules_channel;

/* unless: bit flags checked when the step comes due. */
enum {
	UNLESS_REPLIED = 1 << 0,	/* lead sent us something since the sequence began */
	UNLESS_TOUCHED = 1 << 1,	/* a human logged a call/visit/contact note */
	UNLESS_TASK_DONE = 1 << 2,	/* a task of this lead was completed */
};

typedef enum { THEN_NONE, THEN_COLD } rules_then;

typedef struct {
	int64_t at;		/* offset from sequence start, seconds */
	rules_step_kind kind;
	rules_channel channel;	/* STEP_SEND: the first of channels */
	rules_channel channels[2]; /* STEP_SEND: tried in this order, the first that can
				    * reach the lead sends (send: [sms, email]) */
	size_t nchannels;	/* STEP_SEND: 1 or 2 */
	char *template_name;	/* STEP_SEND, STEP_NOTIFY; STEP_SEND: the first channel's */
	char *channel_template[2]; /* STEP_SEND: per channel (index rules_channel) when the
				    * step names one per channel; NULL = template_name */
	char *verb;		/* STEP_TASK: call/text/email/visit/review */
	char *title;		/* STEP_TASK: optional title template */
	int64_t within;		/* STEP_TASK: window to do it, seconds */
	bool business_hours;	/* STEP_TASK: window counted in business minutes */
	char *notify;		/* STEP_NOTIFY: "owner", "manager" (a role) or person id */
	unsigned unless;
	rules_then then;
	int line;
	/* The step's identity within its sequence: its `id:`, or one derived
	 * from what it does ("sms.checkin", "call", "call.1f3a09c2", a second
	 * identical step "sms.checkin~2") - never from `at`, so a step whose
	 * timing changes is the same step. Pending timers name it, so editing
	 * the rules never shifts a lead's plan. Unique within the sequence. */
	char *id;
} rules_step;

typedef struct {
	char *name;
	rules_step *steps;
	size_t nsteps;
} rules_sequence;

typedef struct {
	char *name;
	char *owner_role;	/* NULL: owner unchanged */
	bool requires_amount;
	bool requires_reason;
	char *sequence;		/* sequence started on entry, may be NULL */
	bool closed;		/* leaving the active pipeline (won, lost) */
	int64_t stale_after;	/* a lead here with no activity for longer is stale
				 * (the pipeline marks it, reports count it); 0 = never */
} rules_stage;

typedef enum { ESC_NOTIFY, ESC_REASSIGN } rules_esc_kind;

typedef struct {
	int64_t overdue;	/* seconds after the task's due time */
	rules_esc_kind kind;
	char *notify;		/* ESC_NOTIFY: role or person id */
	rules_owner reassign;	/* ESC_REASSIGN */
	bool urgent;		/* ESC_NOTIFY: goes at once, whatever the hours */
} rules_escalation;

typedef enum { COLD_LOST, COLD_ARCHIVE, COLD_NURTURE } rules_cold_kind;

typedef struct {
	rules_cold_kind kind;
	char *reason;		/* reason code recorded, e.g. "no_response" */
	int64_t reactivate_after; /* COLD_LOST: 0 = never */
	int64_t nurture_every;	/* COLD_NURTURE: periodic check-in */
	char *sequence;		/* sequence started on reactivation / nurture */
} rules_cold;

/* A reply nobody answered: its task still open `after` past its due time
 * returns the lead to follow-up (a sequence) or to the cold path. */
typedef struct {
	int64_t after;		/* seconds; 0 = no such rule */
	bool cold;		/* then: cold */
	char *sequence;		/* else: the sequence started */
} rules_unanswered;

typedef struct {
	char *name;
	char *text;
	int line;
} rules_template;

/* A time zone a lead may be in, loaded with the rules (lead_zone.h). */
typedef struct {
	char *name;		/* IANA name */
	tz_zone *zone;		/* owned */
} rules_zone;
/* A kind of appointment (rules `appointments.kinds`): "estimate visit". */
typedef struct {
	char *id;		/* estimate_visit */
	char *name;		/* "estimate visit", for people and templates */
	int64_t length;		/* seconds, when a booking gives no end */
} rules_appt_kind;

/* A reminder before an appointment: `before` it (exact seconds), or the day
 * before at a local time (day_before_at_min >= 0). */
typedef struct {
	int64_t before;
	int day_before_at_min;	/* local minutes from midnight, -1 = use before */
	char *template_name;
	int line;
} rules_reminder;

/* What a booking plans (docs/appointments.md). No kinds = no appointments. */
typedef struct {
	rules_appt_kind *kinds;
	size_t nkinds;
	char *stage;		/* the stage a booking moves the lead to, NULL = unchanged */
	char *confirm_template;	/* sent at booking and at a new time, NULL = none */
	rules_reminder *reminders;
	size_t nreminders;
	int64_t check_after;	/* after the end with no outcome: ask the person; 0 = never */
	char *done_stage;	/* done with a quote amount: the stage, NULL = "quoted" if any */
	char *no_show_sequence;	/* started on a no-show, NULL = "no_show" if any */
} rules_appointments;

/* health: when serve tells the owner that something is wrong with the
 * system itself (docs/rules.md, "health"; the judge is src/health/health.h).
 * Durations in seconds. */
typedef struct {
	int64_t check_every;	/* how often the watcher looks */
	char *notify;		/* person id or role told; NULL = the role "owner", else
				 * "business_owner", else "manager" */
	int failure_percent;	/* outbound failures of the messages finished in window */
	int min_messages;	/* fewer finished than this: no rate judged */
	int64_t window;		/* failure rate, refused credentials, late timers */
	int dead_count;		/* dead messages in dead_window that raise the alert */
	int64_t dead_window;
	int64_t timer_late;	/* a timer that fired later than this is late */
	int64_t stall_after;	/* the same due item at the head of a queue this long */
	int disk_free_percent;	/* below this much free space in the data dir */
	int silence_percentile;	/* of a source's past gaps between leads */
	int silence_factor_pct;	/* times the percentile, in percent (300 = 3x) */
	int silence_min_history; /* gaps a source needs before it is judged */
	int64_t silence_min;	/* never alert on a gap shorter than this */
	int64_t silence_lookback; /* how far back gaps are read */
	bool silence_business_hours; /* gaps counted in business hours only */
} rules_health;

/* The defaults of every health threshold (no notify). */
void rules_health_defaults(rules_health *h);
/* The weekly digest: who gets it (person ids or roles, each reaching the
 * people of that role), and when, in the business's zone. */
typedef struct {
	bool on;
	char **to;
	size_t nto;
	int wday;		/* 0 Sunday ... 6 Saturday */
	int at_min;		/* minutes after local midnight */
} rules_digest;

typedef struct rules {
	rules_business business;
	rules_person *people;
	size_t npeople;
	rules_route *routes;
	size_t nroutes;
	rules_sequence *sequences;
	size_t nsequences;
	rules_stage *stages;
	size_t nstages;
	char **lost_reasons;
	size_t nlost_reasons;
	rules_escalation *escalations;
	size_t nescalations;
	rules_cold cold;
	rules_unanswered unanswered;
	int max_touches;	/* automated touches per window, 0 = unlimited */
	int64_t touch_window;	/* seconds */
	int max_echo;		/* characters of one lead-typed field a message to
				 * the lead repeats; 0 = no limit */
	rules_template *templates;
	size_t ntemplates;
	/* reports: what a job is worth on average (cents) and the share of
	 * leads that become one (percent); 0 = not given. What unworked and
	 * stale leads cost is computed from them (docs/reports.md). */
	int64_t job_value_cents;
	int close_rate_pct;
	/* The file these rules were read from, and its SHA-256 in hex: the
	 * version a lead's plan records and the database keeps. NULL when the
	 * rules were built by hand. */
	char *text;
	char *version;
	/* How long past the contact time a lead was promised (the due time of
	 * an open call, text or email task) a sequence's message waits. */
	int64_t promise_grace;	/* seconds */
	/* The zones leads may be in (contact_zone_name()), loaded with the rules
	 * by rules_load (a zone the system lacks is left out); none when the
	 * rules were built by hand. */
	rules_zone *zones;
	size_t nzones;
	rules_appointments appointments;
	rules_health health;
	/* reports.digest: the weekly digest email (docs/reports.md, "Weekly
	 * digest"); on = false when the rules have none. */
	rules_digest digest;
} rules;

/* Frees everything rules owns, then r itself. rules_free(NULL) is a no-op. */
void rules_free(rules *r);

/* Lookups. Return NULL / -1 when absent. The pointers borrow from r. */
int rules_person_index(const rules *r, const char *id);
const rules_person *rules_person_find(const rules *r, const char *id);
const rules_sequence *rules_sequence_find(const rules *r, const char *name);
/* The index of the step with this id in seq, or -1. */
int rules_step_index(const rules_sequence *seq, const char *id);
/* The first 12 characters of a version, for people ("3f2a9c1b0d4e"); "none"
 * for NULL. Borrows v or a literal. */
const char *rules_version_short(const char *v, char buf[13]);
const rules_stage *rules_stage_find(const rules *r, const char *name);
const rules_template *rules_template_find(const rules *r, const char *name);
/* The template a send step uses on channel ch (NULL when it does not send there). */
const char *rules_step_template(const rules_step *s, rules_channel ch);
/* Whether an automated text may go to e164 (a normalised number):
 * business.sms_countries holds its country. */
bool rules_sms_allowed(const rules *r, const char *e164);
/* First person with this role, or NULL. */
const rules_person *rules_person_by_role(const rules *r, const char *role);
/* Whether p can take work at t: active and not away. */
bool rules_person_present(const rules_person *p, int64_t t);
/* When p's absence at t ends (the end of the away time t falls in), 0 when
 * p is present at t, INT64_MAX when p is not active. */
int64_t rules_person_back(const rules_person *p, int64_t t);
/* The first time after t at which someone's presence changes (an away time
 * begins or ends), or 0 when none does. */
int64_t rules_presence_change(const rules *r, int64_t t);
/* Whether anyone can be absent (not active, or away at some time). */
bool rules_anyone_absent(const rules *r);
/* Whether anyone has max_open_leads. */
bool rules_anyone_capped(const rules *r);
/* The appointment kind with this id, or NULL. */
const rules_appt_kind *rules_appt_kind_find(const rules *r, const char *id);
/* True when reason (not NULL) is one of r's lost reasons, compared exactly. */
bool rules_lost_reason_known(const rules *r, const char *reason);

#endif

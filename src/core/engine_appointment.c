/*
 * engine_appointment.c - appointments (docs/appointments.md): a booking
 * stops the inquiry follow-ups, moves the stage, confirms and plans the
 * reminders and the check after the end; the lead's answers to them; the
 * outcomes a person logs (done, no-show); a change tells the assigned
 * person. Pure, like every engine file: the store writes what is decided.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "appointment.h"
#include "bizclock.h"
#include "engine_internal.h"
#include "lead_zone.h"

/* The lead's open appointment with this id (0: the soonest), or NULL. */
static const lead_appointment *
find_appt(const engine_ctx *c, int64_t id)
{
	for (size_t i = 0; i < c->st->nappointments; i++)
		if (id == 0 || c->st->appointments[i].id == id)
			return &c->st->appointments[i];
	return NULL;
}

static const char *
kind_name(const engine_ctx *c, const lead_appointment *a)
{
	const rules_appt_kind *k = rules_appt_kind_find(c->r, a->kind);

	return k ? k->name : a->kind ? a->kind : "appointment";
}

static const char *
person_name(const engine_ctx *c, const char *id)
{
	const rules_person *p = engine_person(c, id);

	return p ? p->name : id ? id : "someone";
}

const char *
engine_appt_field(engine_ctx *c, const char *field)
{
	const lead_appointment *a = c->appt;
	char buf[64];

	if (a == NULL)
		return NULL;
	if (strcmp(field, "appointment_kind") == 0)
		return kind_name(c, a);
	if (strcmp(field, "appointment_day") == 0) {
		appt_day_words(lead_zone(c->r, c->l), a->starts_at, buf, sizeof buf);
		return engine_str(c, buf);
	}
	if (strcmp(field, "appointment_window") == 0) {
		appt_window_words(lead_zone(c->r, c->l), a->starts_at, a->ends_at, buf, sizeof buf);
		return engine_str(c, buf);
	}
	if (strcmp(field, "appointment_person") == 0)
		return person_name(c, a->person);
	if (strcmp(field, "appointment_place") == 0)
		return a->place;
	return NULL;
}

/* "Tuesday, Dec 8, 10:00 AM - 11:00 AM" */
static const char *
when_words(engine_ctx *c, const lead_appointment *a)
{
	char day[64], win[64];

	appt_day_words(lead_zone(c->r, c->l), a->starts_at, day, sizeof day);
	appt_window_words(lead_zone(c->r, c->l), a->starts_at, a->ends_at, win, sizeof win);
	return engine_fmt(c, "%s, %s", day, win);
}

/* "estimate visit on Tuesday, Dec 8, 10:00 AM - 11:00 AM with Bob Smith at 12 Oak St" */
static const char *
appt_words(engine_ctx *c, const lead_appointment *a)
{
	return engine_fmt(c, "%s on %s with %s%s%s", kind_name(c, a), when_words(c, a),
			  person_name(c, a->person), a->place ? " at " : "", a->place ? a->place : "");
}

static void
push_appt(engine_ctx *c, const lead_appointment *a)
{
	engine_push(c, ACT_APPOINTMENT)->appt = *a;
}

/* Tells the person going what changed, unless they made the change. */
static void
notify_person(engine_ctx *c, const lead_appointment *a, const char *what, const char *actor)
{
	if (engine_streq(a->person, actor))
		return;
	engine_notify(c, engine_person(c, a->person),
		      engine_fmt(c, "%s: %s - %s, lead #%lld%s%s", what, appt_words(c, a),
				 engine_display_name(c->l), (long long)c->l->id,
				 c->l->phone ? ", " : "", c->l->phone ? c->l->phone : ""));
}

/* A message about appointment a to the lead, from template tpl: by text when
 * texts may go, else by email; a reminder (PURPOSE_FOLLOWUP) counts toward
 * the touch limit. When none can go, the timeline says why. */
static void
message_lead(engine_ctx *c, const lead_appointment *a, const char *tpl, outbox_purpose purpose,
	     const char *what)
{
	const rules_template *t = tpl ? rules_template_find(c->r, tpl) : NULL;
	const char *ch = NULL, *why = NULL, *body;

	if (t == NULL)
		return;
	if (c->flags & (LEAD_MAYBE_OPT_OUT_SMS | LEAD_MAYBE_OPT_OUT_EMAIL))
		why = "the lead may have asked to stop, a person confirms it first";
	else if (engine_sms_allowed(c))
		ch = "sms";
	else if (engine_lead_reachable(c, "email"))
		ch = "email";
	else
		why = "no phone or email it can go to";
	if (why == NULL && purpose == PURPOSE_FOLLOWUP && c->r->max_touches > 0 &&
	    engine_recent_touches(c) >= (size_t)c->r->max_touches)
		why = engine_fmt(c, "touch limit reached (%d automated messages per %lld days)",
				 c->r->max_touches, (long long)(c->r->touch_window / 86400));
	if (why != NULL) {
		engine_event(c, "appointment.message_skipped", "No %s to the lead: %s", what, why);
		return;
	}
	c->appt = a;
	body = engine_render_to_lead(c, t->text);
	c->appt = NULL;
	engine_queue_to_lead(c, ch, body, purpose, true);
}

/* Whether the lead already had a reminder from template tpl for appointment
 * a under the reminders `had` (a rules change's old ones): its time passed. */
static bool
reminded_with(engine_ctx *c, const rules_appointments *had, const lead_appointment *a,
	      const char *tpl)
{
	for (size_t i = 0; had != NULL && i < had->nreminders; i++)
		if (engine_streq(had->reminders[i].template_name, tpl) &&
		    appt_reminder_at(lead_zone(c->r, c->l), &had->reminders[i], a->starts_at) <=
		    c->now)
			return true;
	return false;
}

/* The reminders and the outcome check of appointment a (id 0 = the one this
 * decision books). A reminder whose time has passed, or falls in quiet hours,
 * is not planned: the timeline says so. After a rules change (had = the old
 * reminders) one the lead already had is not planned again. */
static void
plan_timers(engine_ctx *c, const lead_appointment *a, const rules_appointments *had)
{
	const rules_appointments *ra = &c->r->appointments;
	rules_business lead_time = lead_clock(c->r, c->l);	/* quiet hours are the lead's */
	action *t;

	for (size_t i = 0; i < ra->nreminders; i++) {
		int64_t at = appt_reminder_at(lead_zone(c->r, c->l), &ra->reminders[i], a->starts_at);
		char when[64];

		if (at <= c->now)
			continue;
		if (reminded_with(c, had, a, ra->reminders[i].template_name)) {
			engine_event(c, "appointment.reminder_skipped", "Reminder %zu (%s) is not sent "
				     "again: the lead had it", i + 1, ra->reminders[i].template_name);
			continue;
		}
		if (bizclock_in_quiet(&lead_time, at)) {
			bizclock_describe_due(&lead_time, c->now, at, when, sizeof when);
			engine_event(c, "appointment.reminder_skipped", "Reminder %zu would go %s "
				     "(the lead's time), in quiet hours: not sent", i + 1, when);
			continue;
		}
		t = engine_push(c, ACT_TIMER_SET);
		t->timer = TIMER_APPT_REMIND;
		t->at = at;
		t->level = (int)i;
		t->appointment_id = a->id;
	}
	if (ra->check_after > 0) {
		t = engine_push(c, ACT_TIMER_SET);
		t->timer = TIMER_APPT_CHECK;
		t->at = a->ends_at + ra->check_after;
		t->appointment_id = a->id;
	}
}

static void
cancel_timers(engine_ctx *c, int64_t id)
{
	action *t = engine_push(c, ACT_TIMERS_CANCEL);

	t->timer = TIMER_APPT_REMIND;
	t->appointment_id = id;
	t = engine_push(c, ACT_TIMERS_CANCEL);
	t->timer = TIMER_APPT_CHECK;
	t->appointment_id = id;
}

/* The visit task of appointment a: the assigned person's open "visit" task
 * due at its start, or NULL. */
static const lead_task *
visit_task(const engine_ctx *c, const lead_appointment *a)
{
	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *t = &c->st->tasks[i];

		if (engine_streq(t->verb, "visit") && t->due_at == a->starts_at &&
		    !engine_task_closing(c, t->id))
			return t;
	}
	return NULL;
}

static const char *
visit_title(engine_ctx *c, const lead_appointment *a)
{
	return engine_fmt(c, "%s with %s on %s%s%s", kind_name(c, a), engine_display_name(c->l),
			  when_words(c, a), a->place ? " at " : "", a->place ? a->place : "");
}

/* The appointment is the next action: a task for the assigned person due at
 * its start (in the Today list and the calendar feed), without escalation -
 * the outcome check asks what happened. */
static void
create_visit_task(engine_ctx *c, const lead_appointment *a)
{
	action *t = engine_push(c, ACT_TASK_CREATE);
	const char *title = visit_title(c, a);

	t->verb = "visit";
	t->text = engine_fmt(c, "%c%s", toupper((unsigned char)title[0]), title + 1);
	t->person = a->person;
	t->at = a->starts_at;
	c->new_tasks++;
}

static decide_result invalid(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static decide_result
invalid(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return DECIDE_INVALID;
}

/* The details of a booking or a new time, checked. */
static decide_result
read_details(engine_ctx *c, const lead_event *ev, const lead_appointment *old,
	     lead_appointment *a, char *err, size_t errlen)
{
	const rules_appt_kind *k;

	if (c->r->appointments.nkinds == 0)
		return invalid(err, errlen, "%s", "appointments: the rules define no appointment "
			       "kinds (rules: appointments.kinds)");
	a->kind = ev->appt_kind ? ev->appt_kind : old ? old->kind : c->r->appointments.kinds[0].id;
	if ((k = rules_appt_kind_find(c->r, a->kind)) == NULL)
		return invalid(err, errlen, "kind: no appointment kind \"%s\" in the rules", a->kind);
	a->kind = k->id;
	if (ev->starts_at <= c->now)
		return invalid(err, errlen, "%s", "start: must be in the future");
	a->starts_at = ev->starts_at;
	a->ends_at = ev->ends_at > 0 ? ev->ends_at :
		     old ? ev->starts_at + (old->ends_at - old->starts_at) : ev->starts_at + k->length;
	if (a->ends_at <= a->starts_at)
		return invalid(err, errlen, "%s", "end: must be after the start");
	a->place = ev->place && *ev->place ? ev->place : old ? old->place : NULL;
	a->person = ev->assignee ? ev->assignee : old ? old->person : c->owner;
	if (a->person == NULL)
		return invalid(err, errlen, "%s", "person: the lead has no owner; name who is coming");
	if (engine_person(c, a->person) == NULL)
		return invalid(err, errlen, "person: no person \"%s\" in the rules", a->person);
	a->person = engine_person(c, a->person)->id;
	return DECIDE_OK;
}

static decide_result
book(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
{
	const rules_appointments *ra = &c->r->appointments;
	lead_appointment a = { .state = appt_state_name(APPT_BOOKED) };
	decide_result res;

	if ((res = read_details(c, ev, NULL, &a, err, errlen)) != DECIDE_OK)
		return res;
	if (!engine_is_open(c)) {
		if (!engine_streq(c->status, LEAD_STATUS_WON)) {
			engine_set_status(c, LEAD_STATUS_OPEN, NULL, 0);
			engine_push(c, ACT_TIMERS_CANCEL)->timer = TIMER_REACTIVATE;
		}
	}
	push_appt(c, &a);
	engine_event(c, "appointment.booked", "Booked: %s%s%s", appt_words(c, &a),
		     ev->actor ? " by " : "", ev->actor ? person_name(c, ev->actor) : "");
	engine_supersede_tasks(c, SUPERSEDE_CONTACT | SUPERSEDE_REVIEW,
			       engine_fmt(c, "%s booked", kind_name(c, &a)));
	engine_human_touch(c, engine_fmt(c, "%s booked", kind_name(c, &a)));
	/* the inquiry follow-ups are moot: the lead has a visit (stopped first,
	 * so a sequence the booked stage starts runs) */
	engine_stop_sequence(c, engine_fmt(c, "%s booked", kind_name(c, &a)));
	if (ra->stage != NULL && !engine_streq(c->stage, ra->stage)) {
		lead_event st = lead_event_init(EV_STAGE);

		st.actor = ev->actor;
		engine_change_stage(c, &st, ra->stage);
	}
	create_visit_task(c, &a);
	message_lead(c, &a, ra->confirm_template, PURPOSE_ACK, "confirmation");
	plan_timers(c, &a, NULL);
	notify_person(c, &a, "New", ev->actor);
	return DECIDE_OK;
}

static decide_result
move(engine_ctx *c, const lead_event *ev, const lead_appointment *old, char *err, size_t errlen)
{
	lead_appointment a = *old;
	const lead_task *t = visit_task(c, old);
	decide_result res;
	action *x;

	if ((res = read_details(c, ev, old, &a, err, errlen)) != DECIDE_OK)
		return res;
	a.state = appt_state_name(APPT_RESCHEDULED);
	a.paused = false;
	push_appt(c, &a);
	engine_event(c, "appointment.rescheduled", "Rescheduled: %s (was %s)", appt_words(c, &a),
		     appt_words(c, old));
	cancel_timers(c, a.id);
	if (t != NULL) {
		x = engine_push(c, ACT_TASK_CLOSE);
		x->task_id = t->id;
		x->name = "cancelled";
		x->text = "the appointment moved";
	}
	create_visit_task(c, &a);
	message_lead(c, &a, c->r->appointments.confirm_template, PURPOSE_ACK, "confirmation");
	plan_timers(c, &a, NULL);
	notify_person(c, &a, "Moved", ev->actor);
	if (!engine_streq(old->person, a.person))
		notify_person(c, old, "Taken off your day", ev->actor);
	return DECIDE_OK;
}

/* Ends appointment a in state `to`, with its timers and visit task. */
static void
close_appt(engine_ctx *c, const lead_appointment *old, appt_state to, const char *task_state,
	   const char *why)
{
	lead_appointment a = *old;
	const lead_task *t = visit_task(c, old);
	action *x;

	a.state = appt_state_name(to);
	push_appt(c, &a);
	cancel_timers(c, a.id);
	if (t != NULL) {
		x = engine_push(c, ACT_TASK_CLOSE);
		x->task_id = t->id;
		x->name = task_state;
		x->text = why;
	}
}

/* rebook: the owner gets a task to rebook (not when another task already
 * asks them to reach the lead). */
static decide_result
cancel_appt(engine_ctx *c, const lead_event *ev, const lead_appointment *old, bool rebook)
{
	close_appt(c, old, APPT_CANCELLED, "cancelled", "the appointment was cancelled");
	engine_event(c, "appointment.cancelled", "Cancelled: %s%s%s%s%s", appt_words(c, old),
		     ev->actor ? " by " : " by the lead", ev->actor ? person_name(c, ev->actor) : "",
		     ev->text && *ev->text ? " - " : "", ev->text ? ev->text : "");
	notify_person(c, old, "Cancelled", ev->actor);
	if (rebook && engine_is_open(c) && c->owner != NULL)
		engine_task_for_owner(c, "call", engine_fmt(c, "Call %s to rebook the cancelled %s",
							    engine_display_name(c->l),
							    kind_name(c, old)));
	return DECIDE_OK;
}

/* done and no_show are the visit's outcome: the visit path decides what
 * follows (a quote starts its follow-up, a no-show its sequence). */
static decide_result
outcome(engine_ctx *c, const lead_event *ev, const lead_appointment *old, bool shown)
{
	const rules_appointments *ra = &c->r->appointments;
	lead_event v = *ev;

	close_appt(c, old, shown ? APPT_DONE : APPT_NO_SHOW, "done",
		   shown ? "the appointment is done" : "the lead was not there");
	v.kind = EV_VISIT_LOGGED;
	v.actor = ev->actor ? ev->actor : old->person;
	if (!shown) {
		const char *seq = ra->no_show_sequence ? ra->no_show_sequence :
				  rules_sequence_find(c->r, "no_show") ? "no_show" : NULL;

		engine_event(c, "appointment.no_show", "No-show: %s", appt_words(c, old));
		/* never the inquiry sequence again: the no-show path, or a task */
		if (seq != NULL)
			engine_start_sequence(c, seq, false, "the lead was not there");
		else if (c->owner != NULL)
			engine_task_for_owner(c, "call", engine_fmt(c, "Call %s to rebook the missed %s",
								    engine_display_name(c->l),
								    kind_name(c, old)));
		return DECIDE_OK;
	}
	engine_event(c, "appointment.done", "Done: %s", appt_words(c, old));
	v.outcome = ev->amount_cents >= 0 ? "quoted" : "done";
	if (ev->amount_cents >= 0 && ra->done_stage != NULL && !engine_streq(c->stage, ra->done_stage)) {
		engine_on_visit(c, &(lead_event){ .kind = EV_VISIT_LOGGED, .actor = v.actor,
						  .outcome = "done", .amount_cents = -1,
						  .text = ev->text });
		return engine_change_stage(c, &v, ra->done_stage);
	}
	return engine_on_visit(c, &v);
}

decide_result
engine_on_appointment(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
{
	const char *what = ev->outcome ? ev->outcome : "book";
	const lead_appointment *a;
	lead_appointment next;

	if (strcmp(what, "book") == 0)
		return book(c, ev, err, errlen);
	if ((a = find_appt(c, ev->appointment_id)) == NULL) {
		if (ev->appointment_id > 0)
			snprintf(err, errlen, "appointment %lld is not ahead of an outcome (done, "
				 "cancelled or another lead's)", (long long)ev->appointment_id);
		else
			snprintf(err, errlen, "the lead has no appointment ahead");
		return DECIDE_CONFLICT;
	}
	if (strcmp(what, "reschedule") == 0)
		return move(c, ev, a, err, errlen);
	if (strcmp(what, "cancel") == 0)
		return cancel_appt(c, ev, a, true);
	if (strcmp(what, "done") == 0 || strcmp(what, "no_show") == 0)
		return outcome(c, ev, a, strcmp(what, "done") == 0);
	if (strcmp(what, "confirm") == 0) {
		if (engine_streq(a->state, appt_state_name(APPT_CONFIRMED)))
			return DECIDE_OK;
		next = *a;
		next.state = appt_state_name(APPT_CONFIRMED);
		next.paused = false;
		push_appt(c, &next);
		engine_event(c, "appointment.confirmed", "Confirmed: %s", appt_words(c, a));
		return DECIDE_OK;
	}
	snprintf(err, errlen, "outcome: \"%s\" is not one of book, confirm, reschedule, cancel, "
		 "done, no_show", what);
	return DECIDE_INVALID;
}

/* --- the lead answers ----------------------------------------------------- */

/* Whether text, as words, is one of the NULL-terminated list (whole message,
 * ignoring case, blanks and trailing punctuation). */
static bool
says_only(const char *text, const char *const *words)
{
	char buf[32];
	size_t n = 0;

	while (isspace((unsigned char)*text))
		text++;
	while (*text && n + 1 < sizeof buf)
		buf[n++] = (char)tolower((unsigned char)*text++);
	if (*text)
		return false;
	while (n > 0 && (isspace((unsigned char)buf[n - 1]) || ispunct((unsigned char)buf[n - 1])))
		n--;
	buf[n] = '\0';
	for (size_t i = 0; words[i]; i++)
		if (strcmp(buf, words[i]) == 0)
			return true;
	return false;
}

/* Whether one of the words (lower case) appears in text as a word start. */
static bool
mentions(const char *text, const char *const *words)
{
	for (const char *p = text; *p; p++) {
		if (p != text && isalnum((unsigned char)p[-1]))
			continue;
		for (size_t i = 0; words[i]; i++)
			if (strncasecmp(p, words[i], strlen(words[i])) == 0)
				return true;
	}
	return false;
}

static const char *const cancel_words[] = { "cancel", NULL };

bool
engine_appointment_reply(engine_ctx *c, const lead_event *ev)
{
	static const char *const yes[] = { "yes", "y", "c", "confirm", "confirmed", "yes confirm",
					   "ok", "yep", "see you then", NULL };
	static const char *const move_words[] = {
		"reschedule", "re-schedule", "instead", "another day", "another time",
		"different day", "different time", "move it", "can't make it", "cant make it",
		"can we do", "push it", NULL,
	};
	const lead_appointment *a = find_appt(c, 0);
	const char *text = ev->text ? ev->text : "";
	lead_appointment next;
	const rules_person *p;

	if (a == NULL)
		return false;
	if (says_only(text, yes)) {
		engine_event(c, "message.received", "%s replied: %s", engine_first_name(c), text);
		engine_mark(c, "inbound");
		if (!engine_streq(a->state, appt_state_name(APPT_CONFIRMED))) {
			next = *a;
			next.state = appt_state_name(APPT_CONFIRMED);
			push_appt(c, &next);
			engine_event(c, "appointment.confirmed", "Confirmed by the lead: %s",
				     appt_words(c, a));
		}
		return true;
	}
	if (mentions(text, cancel_words)) {
		engine_event(c, "message.received", "%s replied: %s", engine_first_name(c), text);
		engine_mark(c, "inbound");
		c->replied = true;
		cancel_appt(c, &(lead_event){ .kind = EV_APPOINTMENT, .text = text, .amount_cents = -1 },
			    a, true);
		return true;
	}
	if (mentions(text, move_words)) {
		engine_event(c, "message.received", "%s replied: %s", engine_first_name(c), text);
		engine_mark(c, "inbound");
		c->replied = true;
		next = *a;
		next.paused = true;
		push_appt(c, &next);
		engine_event(c, "appointment.reschedule_asked", "The lead asks to move the %s: "
			     "reminders paused until a person sets the new time", kind_name(c, a));
		p = engine_person(c, c->owner ? c->owner : a->person);
		if (p != NULL)
			engine_create_task(c, "call", engine_fmt(c, "%s asks to reschedule the %s (%s): "
								"\"%s\"", engine_display_name(c->l),
								kind_name(c, a), appt_words(c, a),
								text),
					   p->id, REPLY_WINDOW, true, NULL);
		return true;
	}
	return false;	/* anything else: the ordinary reply task */
}

void
engine_appointment_keyword_cancel(engine_ctx *c, const lead_event *ev)
{
	const lead_appointment *a = find_appt(c, 0);

	if (a != NULL && ev->text != NULL && mentions(ev->text, cancel_words))
		cancel_appt(c, &(lead_event){ .kind = EV_APPOINTMENT, .text = ev->text,
					      .amount_cents = -1 }, a, false);
}

const char *
engine_promise_asked(engine_ctx *c, const char *text)
{
	static const char *const call_words[] = { "call", "ring", "phone", "reach", "talk", NULL };
	const rules_person *p = engine_person(c, c->owner);
	const char *when;
	int64_t at, keep;

	if (text == NULL || !mentions(text, call_words) ||
	    appt_promise_parse(lead_zone(c->r, c->l), &c->r->business, text, c->now, &at) < 0)
		return NULL;
	when = engine_fmt(c, "a call %s", engine_lead_time_words(c, at));
	keep = p != NULL ? engine_call_keepable(c, p, at) : at;
	if (keep != at) {
		const char *offer = keep > 0 ? engine_fmt(c, ": offer %s",
							  engine_lead_time_words(c, keep)) : "";

		engine_event(c, "callback.asked", "%s asks for %s, when %s is not at work%s",
			     engine_first_name(c), when, p->name, offer);
		return engine_fmt(c, "asks for %s, when %s is not at work%s", when, p->name, offer);
	}
	engine_event(c, "callback.asked", "%s asks for %s; a person logs it as a promised callback "
		     "to keep it", engine_first_name(c), when);
	return engine_fmt(c, "asks for %s: log it as a callback to keep it", when);
}

/* Whether two rules plan the same reminders and outcome check. */
static bool
same_timers(const rules_appointments *x, const rules_appointments *y)
{
	if (x->nreminders != y->nreminders || x->check_after != y->check_after)
		return false;
	for (size_t i = 0; i < x->nreminders; i++)
		if (x->reminders[i].before != y->reminders[i].before ||
		    x->reminders[i].day_before_at_min != y->reminders[i].day_before_at_min ||
		    !engine_streq(x->reminders[i].template_name, y->reminders[i].template_name))
			return false;
	return true;
}

void
engine_appointments_rules(engine_ctx *c, const rules *old)
{
	if (old == NULL || old == c->r || same_timers(&old->appointments, &c->r->appointments))
		return;
	for (size_t i = 0; i < c->st->nappointments; i++) {
		const lead_appointment *a = &c->st->appointments[i];

		if (a->starts_at <= c->now)
			continue;	/* under way: its check stays as planned */
		engine_event(c, "appointment.replanned", "Rules changed: the reminders of the %s "
			     "are planned again", appt_words(c, a));
		cancel_timers(c, a->id);
		plan_timers(c, a, &old->appointments);
	}
}

/* --- the appointment's timers --------------------------------------------- */

decide_result
engine_on_appt_timer(engine_ctx *c, const lead_event *ev)
{
	const rules_appointments *ra = &c->r->appointments;
	const lead_appointment *a = ev->appointment_id > 0 ? find_appt(c, ev->appointment_id) : NULL;
	rules_business lead_time;

	if (a == NULL)
		return DECIDE_OK;	/* cancelled or done since: nothing to remind of */
	/* a lead that went lost or archived is not reminded of it (a won
	 * customer's service call is) */
	if (engine_streq(c->status, LEAD_STATUS_LOST) || engine_streq(c->status, LEAD_STATUS_ARCHIVED))
		return DECIDE_OK;
	if (ev->timer == TIMER_APPT_CHECK) {
		const lead_task *t = visit_task(c, a);
		action *x;

		if (ev->due_at != a->ends_at + ra->check_after)
			return DECIDE_OK;	/* the appointment moved: its own check comes */
		if (t != NULL) {
			x = engine_push(c, ACT_TASK_CLOSE);
			x->task_id = t->id;
			x->name = "done";
			x->text = "no outcome logged";
		}
		engine_event(c, "appointment.no_outcome", "No outcome logged for the %s",
			     appt_words(c, a));
		engine_create_task(c, "review", engine_fmt(c, "What happened at the %s with %s (%s)? "
							  "Log done, no-show or a new time",
							  kind_name(c, a), engine_display_name(c->l),
							  when_words(c, a)), a->person, REPLY_WINDOW, true, NULL);
		return DECIDE_OK;
	}
	if (ev->level < 0 || (size_t)ev->level >= ra->nreminders ||
	    appt_reminder_at(lead_zone(c->r, c->l), &ra->reminders[ev->level], a->starts_at) !=
	    ev->due_at)
		return DECIDE_OK;	/* moved, or the rules changed: not this reminder */
	if (a->paused) {
		engine_event(c, "appointment.message_skipped", "No reminder %d: the lead asked to "
			     "move the %s, a person sets the new time", ev->level + 1, kind_name(c, a));
		return DECIDE_OK;
	}
	lead_time = lead_clock(c->r, c->l);	/* quiet hours are the lead's */
	if (bizclock_in_quiet(&lead_time, c->now)) {
		engine_event(c, "appointment.message_skipped", "No reminder %d: quiet hours",
			     ev->level + 1);
		return DECIDE_OK;
	}
	message_lead(c, a, ra->reminders[ev->level].template_name, PURPOSE_FOLLOWUP, "reminder");
	return DECIDE_OK;
}

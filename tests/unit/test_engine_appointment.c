/*
 * test_engine_appointment.c - appointments in the engine (EV_APPOINTMENT,
 * engine_appointment.c) and their pure core (appointment.c): what a booking
 * decides, the refusals, the lead's answers, the reminder and check timers
 * (paused, moved, the touch limit), the outcomes, the states' legal edges,
 * reminder times across daylight saving, and promised times read from a
 * person's words. On the embedded default rules and an injected clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/appointment.h"
#include "core/engine_internal.h"
#include "core/tz.h"
#include "rules/rules_load.h"
#include "demo_rules.h"

/* An open lead owned by alice in the new_inquiry sequence, created Thu Dec 3
 * 2026 14:00. */
static lead_state
a_lead(void)
{
	lead_state st;

	memset(&st, 0, sizeof st);
	st.lead.id = 1;
	st.lead.name = "Marcus Johnson";
	st.lead.phone = "+13125550199";
	st.lead.source = "web_form";
	st.lead.service = "deck repair";
	st.lead.status = LEAD_STATUS_OPEN;
	st.lead.stage = "new";
	st.lead.owner = "alice";
	st.lead.sequence = "new_inquiry";
	st.lead.sequence_started_at = local(2026, 12, 3, 14, 0);
	st.lead.quote_cents = -1;
	st.lead.created_at = local(2026, 12, 3, 14, 0);
	return st;
}

/* Booked for Tuesday Dec 8 10:00-11:00 with bob, with its visit task. */
static const lead_appointment *
booked(void)
{
	static lead_appointment a;

	a = (lead_appointment){ .id = 5, .kind = "estimate_visit", .person = "bob",
				.place = "12 Oak St", .state = "booked" };
	a.starts_at = local(2026, 12, 8, 10, 0);
	a.ends_at = local(2026, 12, 8, 11, 0);
	return &a;
}

static lead_task visit_task[1];

static lead_state
with_appointment(const lead_appointment *a)
{
	lead_state st = a_lead();

	st.lead.sequence = NULL;
	st.lead.stage = "scheduled";
	visit_task[0] = (lead_task){ .id = 9, .verb = "visit", .title = "Estimate visit",
				     .assignee = "bob", .due_at = a->starts_at };
	st.tasks = visit_task;
	st.ntasks = 1;
	st.appointments = a;
	st.nappointments = 1;
	return st;
}

static const action *
find(const decision *d, action_kind kind, int nth)
{
	for (size_t i = 0; i < decision_count(d); i++) {
		const action *a = decision_get(d, i);

		if (a->kind == kind && nth-- == 0)
			return a;
	}
	return NULL;
}

static const action *
timer(const decision *d, timer_kind k, int nth)
{
	for (size_t i = 0; i < decision_count(d); i++) {
		const action *a = decision_get(d, i);

		if (a->kind == ACT_TIMER_SET && a->timer == k && nth-- == 0)
			return a;
	}
	return NULL;
}

static const action *
event(const decision *d, const char *type)
{
	for (size_t i = 0; i < decision_count(d); i++) {
		const action *a = decision_get(d, i);

		if (a->kind == ACT_EVENT && strcmp(a->name, type) == 0)
			return a;
	}
	return NULL;
}

/* The first message to the lead (person NULL). */
static const action *
to_lead(const decision *d)
{
	for (size_t i = 0; i < decision_count(d); i++) {
		const action *a = decision_get(d, i);

		if (a->kind == ACT_OUTBOX && a->person == NULL)
			return a;
	}
	return NULL;
}

static lead_event
appt(const char *what)
{
	lead_event ev = lead_event_init(EV_APPOINTMENT);

	ev.outcome = what;
	ev.actor = "alice";
	return ev;
}

static void
a_booking_stops_the_inquiry_confirms_and_plans_reminders(void **state)
{
	lead_state st = a_lead();
	lead_event ev = appt("book");
	int64_t now = local(2026, 12, 4, 11, 0);
	decision *d = NULL;
	const action *a, *t;
	char err[256];

	(void)state;
	ev.starts_at = local(2026, 12, 8, 10, 0);
	ev.place = "12 Oak St";
	ev.assignee = "bob";
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_non_null(a = find(d, ACT_APPOINTMENT, 0));
	assert_int_equal(a->appt.id, 0);
	assert_string_equal(a->appt.state, "booked");
	assert_string_equal(a->appt.kind, "estimate_visit");	/* the first kind */
	assert_int_equal(a->appt.ends_at, a->appt.starts_at + 3600);	/* its length */
	assert_string_equal(find(d, ACT_SET_STAGE, 0)->name, "scheduled");
	assert_non_null(event(d, "sequence.stopped"));
	assert_null(find(d, ACT_SET_SEQUENCE, 0)->name);
	assert_non_null(t = find(d, ACT_TASK_CREATE, 0));
	assert_string_equal(t->verb, "visit");
	assert_string_equal(t->person, "bob");
	assert_int_equal(t->at, ev.starts_at);
	assert_non_null(a = to_lead(d));
	assert_int_equal(a->purpose, PURPOSE_ACK);
	assert_non_null(strstr(a->text, "booked for Tuesday, Dec 8, 10:00 AM - 11:00 AM. "
				"Bob Tran is coming"));
	assert_non_null(t = timer(d, TIMER_APPT_REMIND, 0));
	assert_int_equal(t->at, local(2026, 12, 7, 18, 0));
	assert_int_equal(t->level, 0);
	assert_int_equal(t->appointment_id, 0);		/* the one booked here */
	assert_int_equal(timer(d, TIMER_APPT_REMIND, 1)->at, local(2026, 12, 8, 9, 0));
	assert_int_equal(timer(d, TIMER_APPT_CHECK, 0)->at, local(2026, 12, 8, 12, 0));
	decision_free(d);
}

static void
a_booking_refused_names_the_field(void **state)
{
	lead_state st = a_lead();
	int64_t now = local(2026, 12, 4, 11, 0);
	lead_event ev = appt("book");
	decision *d = NULL;
	char err[256];

	(void)state;
	ev.starts_at = now - 60;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_INVALID);
	assert_string_equal(err, "start: must be in the future");
	ev.starts_at = now + 86400;
	ev.appt_kind = "hottub";
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_INVALID);
	assert_string_equal(err, "kind: no appointment kind \"hottub\" in the rules");
	ev.appt_kind = NULL;
	ev.assignee = "zed";
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_INVALID);
	assert_string_equal(err, "person: no person \"zed\" in the rules");
	ev.assignee = NULL;
	ev.ends_at = ev.starts_at - 60;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_INVALID);
	assert_string_equal(err, "end: must be after the start");
	ev = appt("done");
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_CONFLICT);
	assert_string_equal(err, "the lead has no appointment ahead");
	ev = appt("dance");
	st = with_appointment(booked());
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_INVALID);
	assert_null(d);
}

static decision *
reply(const lead_state *st, const char *text, int64_t now)
{
	lead_event ev = lead_event_init(EV_MESSAGE_IN);
	decision *d = NULL;

	ev.channel = "sms";
	ev.text = text;
	assert_int_equal(decide(st, &ev, R, NULL, now, &d, NULL, 0), DECIDE_OK);
	return d;
}

static void
the_leads_answers_confirm_pause_cancel_or_ask(void **state)
{
	lead_state st = with_appointment(booked());
	int64_t now = local(2026, 12, 5, 9, 0);
	decision *d;
	const action *a, *t;

	(void)state;
	d = reply(&st, " c. ", now);
	assert_string_equal(find(d, ACT_APPOINTMENT, 0)->appt.state, "confirmed");
	assert_null(find(d, ACT_TASK_CREATE, 0));
	decision_free(d);

	d = reply(&st, "Can we do Thursday instead?", now);
	assert_non_null(a = find(d, ACT_APPOINTMENT, 0));
	assert_true(a->appt.paused);
	assert_string_equal(a->appt.state, "booked");
	assert_non_null(t = find(d, ACT_TASK_CREATE, 0));
	assert_string_equal(t->person, "alice");
	assert_non_null(strstr(t->text, "asks to reschedule the estimate visit"));
	assert_non_null(strstr(t->text, "\"Can we do Thursday instead?\""));
	decision_free(d);

	d = reply(&st, "Please CANCEL it", now);
	assert_string_equal(find(d, ACT_APPOINTMENT, 0)->appt.state, "cancelled");
	assert_non_null(strstr(find(d, ACT_TASK_CREATE, 0)->text, "to rebook the cancelled"));
	assert_string_equal(find(d, ACT_TASK_CLOSE, 0)->name, "cancelled");	/* the visit */
	decision_free(d);

	/* the carrier keyword CANCEL: an opt-out first, and the visit is off too */
	d = reply(&st, "CANCEL", now);
	assert_true(find(d, ACT_SET_OPT_OUT, 0)->flag);
	assert_string_equal(find(d, ACT_APPOINTMENT, 0)->appt.state, "cancelled");
	assert_non_null(strstr(find(d, ACT_TASK_CREATE, 0)->text, "opted out of texts"));
	assert_null(find(d, ACT_TASK_CREATE, 1));	/* the opt-out's task asks to call */
	decision_free(d);

	/* "yes" inside a sentence is not a confirmation: a person answers it */
	d = reply(&st, "yes but what should I prepare?", now);
	assert_null(find(d, ACT_APPOINTMENT, 0));
	assert_non_null(strstr(find(d, ACT_TASK_CREATE, 0)->text, "replied"));
	decision_free(d);

	/* without an appointment ahead, "C" is an ordinary reply */
	st = a_lead();
	d = reply(&st, "C", now);
	assert_null(find(d, ACT_APPOINTMENT, 0));
	decision_free(d);
}

static decision *
fire(const lead_state *st, timer_kind k, int level, int64_t due, int64_t now)
{
	lead_event ev = lead_event_init(EV_TIMER);
	decision *d = NULL;

	ev.timer = k;
	ev.level = level;
	ev.due_at = due;
	ev.appointment_id = 5;
	assert_int_equal(decide(st, &ev, R, NULL, now, &d, NULL, 0), DECIDE_OK);
	return d;
}

static void
a_reminder_goes_unless_paused_moved_or_over_the_limit(void **state)
{
	lead_appointment a = *booked();
	lead_state st = with_appointment(&a);
	int64_t due = local(2026, 12, 7, 18, 0);
	int64_t touches[4];
	decision *d;
	const action *m;

	(void)state;
	d = fire(&st, TIMER_APPT_REMIND, 0, due, due);
	assert_non_null(m = to_lead(d));
	assert_int_equal(m->purpose, PURPOSE_FOLLOWUP);
	assert_non_null(strstr(m->text, "Reminder: Bob Tran from Northside Home Services comes "
				"Tuesday, Dec 8, 10:00 AM - 11:00 AM"));
	decision_free(d);

	a.paused = true;
	d = fire(&st, TIMER_APPT_REMIND, 0, due, due);
	assert_null(to_lead(d));
	assert_non_null(strstr(event(d, "appointment.message_skipped")->text, "asked to move"));
	decision_free(d);
	a.paused = false;

	/* a timer of the old time after a move: not this reminder */
	d = fire(&st, TIMER_APPT_REMIND, 0, due - 86400, due - 86400);
	assert_int_equal(decision_count(d), 0);
	decision_free(d);

	for (size_t i = 0; i < 4; i++)
		touches[i] = due - (int64_t)(i + 1) * 3600;
	st.touches = touches;
	st.ntouches = 4;
	d = fire(&st, TIMER_APPT_REMIND, 0, due, due);
	assert_null(to_lead(d));
	assert_non_null(strstr(event(d, "appointment.message_skipped")->text, "touch limit"));
	decision_free(d);

	/* the lead was lost since: not reminded, nobody asked */
	st.ntouches = 0;
	st.lead.status = LEAD_STATUS_LOST;
	d = fire(&st, TIMER_APPT_REMIND, 0, due, due);
	assert_int_equal(decision_count(d), 0);
	decision_free(d);
	st.lead.status = LEAD_STATUS_WON;	/* a customer's service call is */
	d = fire(&st, TIMER_APPT_REMIND, 0, due, due);
	assert_non_null(to_lead(d));
	decision_free(d);

	/* cancelled since: nothing to remind of */
	st.nappointments = 0;
	d = fire(&st, TIMER_APPT_REMIND, 0, due, due);
	assert_int_equal(decision_count(d), 0);
	decision_free(d);
}

static void
no_outcome_after_the_window_asks_the_person_going(void **state)
{
	lead_state st = with_appointment(booked());
	int64_t due = local(2026, 12, 8, 12, 0);
	decision *d = fire(&st, TIMER_APPT_CHECK, -1, due, due);
	const action *t;

	(void)state;
	assert_non_null(t = find(d, ACT_TASK_CREATE, 0));
	assert_string_equal(t->verb, "review");
	assert_string_equal(t->person, "bob");
	assert_string_equal(t->text, "What happened at the estimate visit with Marcus Johnson "
			    "(Tuesday, Dec 8, 10:00 AM - 11:00 AM)? Log done, no-show or a new time");
	assert_int_equal(find(d, ACT_TASK_CLOSE, 0)->task_id, 9);
	assert_non_null(event(d, "appointment.no_outcome"));
	decision_free(d);
}

static void
outcomes_start_the_quote_or_the_no_show_path(void **state)
{
	lead_state st = with_appointment(booked());
	int64_t now = local(2026, 12, 8, 11, 10);
	lead_event ev = appt("done");
	decision *d = NULL;

	(void)state;
	ev.actor = "bob";
	ev.amount_cents = 120000;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, NULL, 0), DECIDE_OK);
	assert_string_equal(find(d, ACT_APPOINTMENT, 0)->appt.state, "done");
	assert_string_equal(find(d, ACT_SET_STAGE, 0)->name, "quoted");
	assert_string_equal(find(d, ACT_SET_SEQUENCE, 0)->name, "quote_sent");
	assert_int_equal(find(d, ACT_SET_QUOTE, 0)->amount_cents, 120000);
	decision_free(d);

	ev = appt("no_show");
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, NULL, 0), DECIDE_OK);
	assert_string_equal(find(d, ACT_APPOINTMENT, 0)->appt.state, "no_show");
	assert_string_equal(find(d, ACT_SET_SEQUENCE, 0)->name, "no_show");
	assert_non_null(strstr(to_lead(d)->text, "sorry we missed you"));
	decision_free(d);
}

static void
a_new_time_replans_and_tells_both_people(void **state)
{
	lead_state st = with_appointment(booked());
	int64_t now = local(2026, 12, 5, 9, 0);
	lead_event ev = appt("reschedule");
	decision *d = NULL;
	const action *a;
	int notified = 0;

	(void)state;
	ev.starts_at = local(2026, 12, 10, 14, 0);
	ev.assignee = "maria";
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, NULL, 0), DECIDE_OK);
	assert_non_null(a = find(d, ACT_APPOINTMENT, 0));
	assert_int_equal(a->appt.id, 5);
	assert_string_equal(a->appt.state, "rescheduled");
	assert_int_equal(a->appt.ends_at, ev.starts_at + 3600);	/* the same length */
	assert_int_equal(find(d, ACT_TIMERS_CANCEL, 0)->appointment_id, 5);
	assert_int_equal(timer(d, TIMER_APPT_REMIND, 0)->appointment_id, 5);
	assert_int_equal(timer(d, TIMER_APPT_REMIND, 0)->at, local(2026, 12, 9, 18, 0));
	for (size_t i = 0; i < decision_count(d); i++)
		notified += decision_get(d, i)->kind == ACT_OUTBOX && decision_get(d, i)->person;
	assert_int_equal(notified, 2);		/* maria, and bob whose day it left */
	decision_free(d);
}

static void
states_have_only_their_legal_edges(void **state)
{
	appt_state s;

	(void)state;
	assert_true(appt_state_allowed(APPT_BOOKED, APPT_CONFIRMED));
	assert_true(appt_state_allowed(APPT_RESCHEDULED, APPT_RESCHEDULED));
	assert_true(appt_state_allowed(APPT_CONFIRMED, APPT_NO_SHOW));
	assert_false(appt_state_allowed(APPT_CONFIRMED, APPT_BOOKED));
	assert_false(appt_state_allowed(APPT_DONE, APPT_CANCELLED));
	assert_false(appt_state_allowed(APPT_CANCELLED, APPT_BOOKED));
	assert_false(appt_state_allowed(APPT_NO_SHOW, APPT_DONE));
	for (int i = 0; i < APPT_NSTATES; i++) {
		assert_int_equal(appt_state_parse(appt_state_name((appt_state)i), &s), 0);
		assert_int_equal(s, i);
	}
	assert_int_equal(appt_state_parse("gone", &s), -1);
	assert_int_equal(appt_state_parse(NULL, &s), -1);
	assert_true(appt_state_open(APPT_RESCHEDULED));
	assert_false(appt_state_open(APPT_DONE));
}

static void
a_day_before_reminder_keeps_local_time_across_daylight_saving(void **state)
{
	rules_reminder day = { .day_before_at_min = 18 * 60 };
	rules_reminder hour = { .before = 3600, .day_before_at_min = -1 };
	int64_t start = local(2027, 3, 15, 10, 0);	/* the Monday after the change */
	tz_local lt;

	(void)state;
	tz_to_local(R->business.zone, appt_reminder_at(R->business.zone, &day, start), &lt);
	assert_int_equal(lt.day, 14);
	assert_int_equal(lt.hour, 18);
	assert_int_equal(lt.utc_offset, -5 * 3600);
	assert_int_equal(appt_reminder_at(R->business.zone, &hour, start), start - 3600);
	/* the first of a month: the day before is in the month before */
	tz_to_local(R->business.zone, appt_reminder_at(R->business.zone, &day,
						       local(2027, 3, 1, 9, 0)), &lt);
	assert_int_equal(lt.month, 2);
	assert_int_equal(lt.day, 28);
}

static int64_t
promised(const char *words, int64_t now)
{
	int64_t at = 0;

	return appt_promise_parse(R->business.zone, &R->business, words, now, &at) == 0 ? at : -1;
}

static void
a_promised_time_is_read_from_the_words(void **state)
{
	int64_t thu_10 = local(2026, 12, 3, 10, 0);	/* a Thursday */

	(void)state;
	assert_int_equal(promised("call me after 5", thu_10), local(2026, 12, 3, 17, 0));
	assert_int_equal(promised("after 5 pm", thu_10), local(2026, 12, 3, 17, 0));
	assert_int_equal(promised("at 5:30pm", thu_10), local(2026, 12, 3, 17, 30));
	assert_int_equal(promised("17:00", thu_10), local(2026, 12, 3, 17, 0));
	assert_int_equal(promised("9am", thu_10), local(2026, 12, 4, 9, 0));	/* passed: tomorrow */
	assert_int_equal(promised("after 5", local(2026, 12, 3, 18, 0)), local(2026, 12, 4, 17, 0));
	assert_int_equal(promised("tomorrow 10:30", thu_10), local(2026, 12, 4, 10, 30));
	assert_int_equal(promised("try again Friday morning", thu_10), local(2026, 12, 4, 9, 0));
	assert_int_equal(promised("Thursday afternoon", thu_10), local(2026, 12, 10, 13, 0));
	assert_int_equal(promised("at 12pm", thu_10), local(2026, 12, 3, 12, 0));
	assert_int_equal(promised("monday", thu_10), local(2026, 12, 7, 8, 0));	/* opening */
	assert_int_equal(promised("sunday", thu_10), local(2026, 12, 6, 9, 0));	/* closed */
	assert_int_equal(promised("whenever", thu_10), -1);
	assert_int_equal(promised("", thu_10), -1);
	assert_int_equal(promised("at 25:00", thu_10), -1);
	assert_int_equal(promised(NULL, thu_10), -1);
}

static void
a_promise_makes_the_call_due_then_and_stops_the_automation(void **state)
{
	lead_state st = a_lead();
	lead_event ev = lead_event_init(EV_FOLLOWUP);
	int64_t now = local(2026, 12, 3, 15, 0);
	decision *d = NULL;
	char err[256];

	(void)state;
	ev.promise = ev.text = "after 5 pm";
	ev.actor = "alice";
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_int_equal(find(d, ACT_TASK_CREATE, 0)->at, local(2026, 12, 3, 17, 0));
	assert_null(find(d, ACT_SET_SEQUENCE, 0)->name);
	assert_non_null(strstr(event(d, "sequence.stopped")->text, "promised the lead: after 5 pm"));
	decision_free(d);
	ev.promise = "sometime";
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_INVALID);
	assert_non_null(strstr(err, "promise: no time in \"sometime\""));
}

static void
a_lead_asking_for_a_call_later_is_shown_to_a_person_to_confirm(void **state)
{
	lead_state st = a_lead();
	int64_t now = local(2026, 12, 3, 15, 0);
	decision *d;
	const action *t;

	(void)state;
	d = reply(&st, "Busy now, call me after 5", now);
	assert_non_null(t = find(d, ACT_TASK_CREATE, 0));
	assert_string_equal(t->text, "Marcus replied - answer by text or call (asks for a call "
			    "Thursday, Dec 3 at 5:00 PM: log it as a callback to keep it)");
	assert_int_equal(t->at, local(2026, 12, 3, 15, 15));	/* a person answers first */
	assert_non_null(event(d, "callback.asked"));
	decision_free(d);
	/* a time with no word about calling is not a request for a call */
	d = reply(&st, "We have 2 dogs, is that ok?", now);
	assert_string_equal(find(d, ACT_TASK_CREATE, 0)->text,
			    "Marcus replied - answer by text or call");
	assert_null(event(d, "callback.asked"));
	decision_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_booking_stops_the_inquiry_confirms_and_plans_reminders),
		cmocka_unit_test(a_booking_refused_names_the_field),
		cmocka_unit_test(the_leads_answers_confirm_pause_cancel_or_ask),
		cmocka_unit_test(a_reminder_goes_unless_paused_moved_or_over_the_limit),
		cmocka_unit_test(no_outcome_after_the_window_asks_the_person_going),
		cmocka_unit_test(outcomes_start_the_quote_or_the_no_show_path),
		cmocka_unit_test(a_new_time_replans_and_tells_both_people),
		cmocka_unit_test(states_have_only_their_legal_edges),
		cmocka_unit_test(a_day_before_reminder_keeps_local_time_across_daylight_saving),
		cmocka_unit_test(a_promised_time_is_read_from_the_words),
		cmocka_unit_test(a_promise_makes_the_call_due_then_and_stops_the_automation),
		cmocka_unit_test(a_lead_asking_for_a_call_later_is_shown_to_a_person_to_confirm),
	};

	return cmocka_run_group_tests(tests, demo_rules_setup, demo_rules_teardown);
}

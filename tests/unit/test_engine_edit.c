/*
 * test_engine_edit.c - a person's edits as engine events (engine_edit.c):
 * snoozing a task re-plans its escalation; editing contact details
 * normalises them and recomputes the flags; plus the engine's side of the
 * state machines (a task closed once, a won customer never goes cold). On the
 * embedded default rules and an injected clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/engine_internal.h"
#include "core/tz.h"
#include "rules/rules_load.h"
#include "demo_rules.h"

static const lead_task TASKS[] = {
	{ .id = 7, .verb = "call", .title = "Call Marcus Johnson by 2:07 PM about deck repair",
	  .assignee = "alice" },
	{ .id = 9, .verb = "review", .title = "Fix the contact details", .assignee = "alice" },
};

/* An open lead owned by alice with open tasks 7 and 9, no sequence. */
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
	st.lead.quote_cents = -1;
	st.tasks = TASKS;
	st.ntasks = 2;
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

static size_t
count(const decision *d, action_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < decision_count(d); i++)
		n += decision_get(d, i)->kind == kind;
	return n;
}

/* --- snooze ------------------------------------------------------------------- */

static void
snooze_moves_the_due_time_and_restarts_escalation_from_it(void **state)
{
	lead_state st = a_lead();
	lead_event ev = lead_event_init(EV_TASK_SNOOZE);
	int64_t now = local(2026, 11, 24, 14, 2), until = local(2026, 11, 25, 9, 0);
	decision *d = NULL;
	const action *due, *cancel, *timer, *event;
	char err[256];

	(void)state;
	ev.task_id = 7;
	ev.until = until;
	ev.reason = "customer at work";
	ev.actor = "bob";
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_non_null(due = find(d, ACT_TASK_DUE, 0));
	assert_int_equal(due->task_id, 7);
	assert_int_equal(due->at, until);
	assert_non_null(cancel = find(d, ACT_TIMERS_CANCEL, 0));
	assert_int_equal(cancel->timer, TIMER_ESCALATE);
	assert_int_equal(cancel->task_id, 7);	/* this task's timers only */
	assert_non_null(timer = find(d, ACT_TIMER_SET, 0));
	assert_int_equal(timer->timer, TIMER_ESCALATE);
	assert_int_equal(timer->task_id, 7);
	assert_int_equal(timer->task_ref, -1);
	assert_int_equal(timer->level, 0);
	assert_int_equal(timer->at, until + R->escalations[0].overdue);
	assert_non_null(event = find(d, ACT_EVENT, 0));
	assert_string_equal(event->name, "task.snoozed");
	assert_string_equal(event->text, "Snoozed: Call Marcus Johnson by 2:07 PM about deck "
			    "repair - customer at work (now due tomorrow 9:00 AM)");
	/* Nothing else: no task closed, none created, no message. */
	assert_int_equal(decision_count(d), 4);
	decision_free(d);
}

static void
snooze_of_a_task_that_is_not_open_is_a_conflict(void **state)
{
	lead_state st = a_lead();
	lead_event ev = lead_event_init(EV_TASK_SNOOZE);
	int64_t now = local(2026, 11, 24, 14, 2);
	decision *d = NULL;
	char err[256];

	(void)state;
	ev.task_id = 8;
	ev.until = now + 3600;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_CONFLICT);
	assert_null(d);
	assert_string_equal(err, "task 8 is not an open task of lead 1");
}

static void
snooze_into_the_past_is_refused_naming_until(void **state)
{
	lead_state st = a_lead();
	lead_event ev = lead_event_init(EV_TASK_SNOOZE);
	int64_t now = local(2026, 11, 24, 14, 2);
	decision *d = NULL;
	char err[256];

	(void)state;
	ev.task_id = 7;
	ev.until = now;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_INVALID);
	assert_null(d);
	assert_string_equal(err, "until: must be in the future");
}

static void
snooze_beyond_a_year_or_to_a_garbage_time_is_refused(void **state)
{
	lead_state st = a_lead();
	lead_event ev = lead_event_init(EV_TASK_SNOOZE);
	int64_t now = local(2026, 11, 24, 14, 2);
	decision *d = NULL;
	char err[256];

	(void)state;
	ev.task_id = 7;
	ev.until = now + 366 * 86400LL + 1;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_INVALID);
	assert_string_equal(err, "until: must be within a year from now");
	ev.until = INT64_MAX;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_INVALID);
	assert_null(d);
	ev.until = now + 365 * 86400LL;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	decision_free(d);
}

/* --- contact -------------------------------------------------------------------- */

static decision *
edit(const lead_state *st, lead_fields f)
{
	lead_event ev = lead_event_init(EV_CONTACT);
	decision *d = NULL;
	char err[256];

	ev.fields = f;
	ev.actor = "alice";
	assert_int_equal(decide(st, &ev, R, NULL, local(2026, 11, 24, 14, 2), &d, err, sizeof err),
			 DECIDE_OK);
	return d;
}

static void
contact_edit_normalises_and_clears_the_flags_it_fixes(void **state)
{
	lead_state st = a_lead();
	decision *d;
	const action *a, *ev;

	(void)state;
	st.lead.phone = "call me maybe";
	st.lead.flags = LEAD_PHONE_INVALID | LEAD_NO_CONTACT;
	d = edit(&st, (lead_fields){ .phone = "(312) 555-0100", .email = " MARCUS@Example.COM " });
	assert_non_null(a = find(d, ACT_SET_CONTACT, 0));
	assert_string_equal(a->fields.phone, "+13125550100");
	assert_string_equal(a->fields.email, "marcus@example.com");
	assert_null(a->fields.name);	/* unchanged */
	assert_null(a->fields.service);
	assert_int_equal(a->flags, 0);
	assert_non_null(ev = find(d, ACT_EVENT, 0));
	assert_string_equal(ev->name, "lead.updated");
	assert_string_equal(ev->text, "Contact details updated: phone, email");
	decision_free(d);
}

static void
contact_edit_keeps_an_unreadable_phone_and_flags_it(void **state)
{
	lead_state st = a_lead();
	decision *d;
	const action *a, *ev;

	(void)state;
	d = edit(&st, (lead_fields){ .name = "Marcus J.", .phone = "ring the bell" });
	assert_non_null(a = find(d, ACT_SET_CONTACT, 0));
	assert_string_equal(a->fields.name, "Marcus J.");
	assert_string_equal(a->fields.phone, "ring the bell");
	assert_int_equal(a->flags, LEAD_PHONE_INVALID | LEAD_NO_CONTACT);
	assert_non_null(ev = find(d, ACT_EVENT, 0));
	assert_string_equal(ev->text, "Contact details updated: name, phone; no phone number or "
			    "email we can use is left");
	decision_free(d);

	/* With an email still usable, only the phone is flagged. */
	st.lead.email = "marcus@example.com";
	d = edit(&st, (lead_fields){ .phone = "ring the bell" });
	assert_int_equal(find(d, ACT_SET_CONTACT, 0)->flags, LEAD_PHONE_INVALID);
	assert_string_equal(find(d, ACT_EVENT, 0)->text, "Contact details updated: phone; the "
			    "phone number could not be read (\"ring the bell\")");
	decision_free(d);
}

static void
contact_edit_clearing_the_only_contact_flags_no_contact(void **state)
{
	lead_state st = a_lead();
	decision *d = edit(&st, (lead_fields){ .phone = "" });
	const action *a = find(d, ACT_SET_CONTACT, 0);

	(void)state;
	assert_string_equal(a->fields.phone, "");
	assert_int_equal(a->flags, LEAD_NO_CONTACT);
	decision_free(d);
}

/* A number moved abroad (outside business.sms_countries, US here) is
 * flagged and said; moved back, the flag goes. */
static void
contact_edit_flags_a_phone_outside_the_texted_countries(void **state)
{
	lead_state st = a_lead();
	decision *d;
	const action *a;

	(void)state;
	d = edit(&st, (lead_fields){ .phone = "+44 7911 123456" });
	assert_non_null(a = find(d, ACT_SET_CONTACT, 0));
	assert_string_equal(a->fields.phone, "+447911123456");
	assert_int_equal(a->flags & LEAD_PHONE_ABROAD, LEAD_PHONE_ABROAD);
	assert_non_null(strstr(find(d, ACT_EVENT, 0)->text,
			       "no automated texts go to +447911123456 (outside US)"));
	decision_free(d);
	st.lead.phone = "+447911123456";
	st.lead.flags = LEAD_PHONE_ABROAD;
	d = edit(&st, (lead_fields){ .phone = "312-555-0100" });
	assert_int_equal(find(d, ACT_SET_CONTACT, 0)->flags & LEAD_PHONE_ABROAD, 0);
	decision_free(d);
}

static void
contact_edit_without_a_field_is_refused(void **state)
{
	lead_state st = a_lead();
	lead_event ev = lead_event_init(EV_CONTACT);
	decision *d = NULL;
	char err[256];

	(void)state;
	assert_int_equal(decide(&st, &ev, R, NULL, local(2026, 11, 24, 14, 2), &d, err, sizeof err),
			 DECIDE_INVALID);
	assert_null(d);
	assert_string_equal(err, "name: give at least one field to change");
}

/* The lead's zone: a person sets one the rules know (an unknown one is
 * refused, naming the field); a new number that places the lead moves it;
 * "" asks the phone again. A landline flag goes with the old number. */
static void
contact_edit_sets_the_lead_time_zone(void **state)
{
	lead_state st = a_lead();
	lead_event ev = lead_event_init(EV_CONTACT);
	decision *d = NULL;
	const action *a;
	char err[256];

	(void)state;
	d = edit(&st, (lead_fields){ .timezone = "America/Denver" });
	assert_non_null(a = find(d, ACT_SET_TIMEZONE, 0));
	assert_string_equal(a->name, "America/Denver");
	decision_free(d);

	ev.fields.timezone = "Mars/Olympus";
	assert_int_equal(decide(&st, &ev, R, NULL, local(2026, 11, 24, 14, 2), &d, err, sizeof err),
			 DECIDE_INVALID);
	assert_non_null(strstr(err, "timezone: \"Mars/Olympus\" is not a time zone"));

	st.lead.timezone = "America/Chicago";
	st.lead.flags = LEAD_NO_TEXTS;
	d = edit(&st, (lead_fields){ .phone = "(212) 555-0100" });
	assert_string_equal(find(d, ACT_SET_TIMEZONE, 0)->name, "America/New_York");
	assert_int_equal(find(d, ACT_SET_CONTACT, 0)->flags & LEAD_NO_TEXTS, 0);
	decision_free(d);

	st.lead.timezone = "America/Denver";
	d = edit(&st, (lead_fields){ .timezone = "" });
	assert_string_equal(find(d, ACT_SET_TIMEZONE, 1)->name, "America/Chicago");
	decision_free(d);
}

/* --- the engine's side of the state machines ------------------------------------- */

static void
a_task_is_closed_once_per_decision(void **state)
{
	lead_state st = a_lead();
	engine_ctx c;

	(void)state;
	memset(&c, 0, sizeof c);
	c.st = &st;
	c.l = &st.lead;
	c.r = R;
	c.d = decision_new();
	engine_close_tasks(&c, "call", "done", "reached");
	engine_close_tasks(&c, NULL, "cancelled", "the lead went cold");
	assert_int_equal(count(c.d, ACT_TASK_CLOSE), 2);
	assert_int_equal(find(c.d, ACT_TASK_CLOSE, 0)->task_id, 7);
	assert_string_equal(find(c.d, ACT_TASK_CLOSE, 0)->name, "done");
	assert_int_equal(find(c.d, ACT_TASK_CLOSE, 1)->task_id, 9);
	assert_string_equal(find(c.d, ACT_TASK_CLOSE, 1)->name, "cancelled");
	decision_free(c.d);
}

static void
a_won_customer_never_goes_cold(void **state)
{
	lead_state st = a_lead();
	lead_event ev = lead_event_init(EV_TIMER);
	const rules_sequence *seq = rules_sequence_find(R, "new_inquiry");
	int64_t now = local(2026, 12, 1, 14, 2);
	decision *d = NULL;
	char err[256];
	bool finished = false;

	(void)state;
	/* Won while the inquiry sequence still ran; its last step says then: cold. */
	st.lead.status = LEAD_STATUS_WON;
	st.lead.sequence = "new_inquiry";
	st.lead.sequence_started_at = local(2026, 11, 24, 14, 2);
	st.lead.plan = 3;
	st.ntasks = 0;
	ev.timer = TIMER_STEP;
	ev.sequence = "new_inquiry";
	ev.step = (int)seq->nsteps - 1;
	ev.plan = 3;
	ev.due_at = now;
	assert_int_equal(seq->steps[seq->nsteps - 1].then, THEN_COLD);
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_null(find(d, ACT_SET_STATUS, 0));
	for (size_t i = 0; i < decision_count(d); i++)
		finished |= decision_get(d, i)->kind == ACT_EVENT &&
			    strcmp(decision_get(d, i)->name, "sequence.finished") == 0;
	assert_true(finished);
	decision_free(d);

	/* The same step for an open lead does go cold. */
	st.lead.status = LEAD_STATUS_OPEN;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_non_null(find(d, ACT_SET_STATUS, 0));
	assert_string_equal(find(d, ACT_SET_STATUS, 0)->name, LEAD_STATUS_LOST);
	decision_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snooze_moves_the_due_time_and_restarts_escalation_from_it),
		cmocka_unit_test(snooze_of_a_task_that_is_not_open_is_a_conflict),
		cmocka_unit_test(snooze_into_the_past_is_refused_naming_until),
		cmocka_unit_test(snooze_beyond_a_year_or_to_a_garbage_time_is_refused),
		cmocka_unit_test(contact_edit_normalises_and_clears_the_flags_it_fixes),
		cmocka_unit_test(contact_edit_keeps_an_unreadable_phone_and_flags_it),
		cmocka_unit_test(contact_edit_clearing_the_only_contact_flags_no_contact),
		cmocka_unit_test(contact_edit_flags_a_phone_outside_the_texted_countries),
		cmocka_unit_test(contact_edit_without_a_field_is_refused),
		cmocka_unit_test(contact_edit_sets_the_lead_time_zone),
		cmocka_unit_test(a_task_is_closed_once_per_decision),
		cmocka_unit_test(a_won_customer_never_goes_cold),
	};

	return cmocka_run_group_tests(tests, demo_rules_setup, demo_rules_teardown);
}

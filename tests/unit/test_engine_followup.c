/*
 * test_engine_followup.c - the next follow-up a person picks (EV_FOLLOWUP,
 * engine_followup.c): a task for the owner at the time picked, or the open
 * attempt of that verb moved there; closed hours; the refusals. Also which
 * timeline entries say a person acted (the "new" mark) and the first human
 * contact's own entry. On the embedded default rules and an injected clock.
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
	{ .id = 7, .verb = "call", .title = "Call Marcus Johnson again", .assignee = "alice" },
	{ .id = 9, .verb = "review", .title = "Fix the contact details", .assignee = "alice" },
	{ .id = 11, .verb = "review", .title = "Decide the next step for Marcus Johnson (stage "
	  "contacted)", .assignee = "alice" },
};

/* An open lead owned by alice, created Tue Nov 24 2026 14:00, no tasks. */
static lead_state
a_lead(void)
{
	lead_state st;

	memset(&st, 0, sizeof st);
	st.lead.id = 1;
	st.lead.name = "Marcus Johnson";
	st.lead.phone = "+13125550199";
	st.lead.source = "web_form";
	st.lead.status = LEAD_STATUS_OPEN;
	st.lead.stage = "new";
	st.lead.owner = "alice";
	st.lead.quote_cents = -1;
	st.lead.created_at = local(2026, 11, 24, 14, 0);
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

static lead_event
followup(const char *verb, int64_t until, const char *actor)
{
	lead_event ev = lead_event_init(EV_FOLLOWUP);

	ev.verb = verb;
	ev.until = until;
	ev.actor = actor;
	return ev;
}

static void
followup_makes_a_task_for_the_owner_at_the_time_picked(void **state)
{
	lead_state st = a_lead();
	int64_t now = local(2026, 11, 24, 14, 2), until = local(2026, 11, 27, 10, 0);
	lead_event ev = followup(NULL, until, "alice");
	decision *d = NULL;
	const action *task, *timer;
	char err[256];

	(void)state;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_non_null(task = find(d, ACT_TASK_CREATE, 0));
	assert_string_equal(task->verb, "call");		/* the default verb */
	assert_string_equal(task->person, "alice");
	assert_int_equal(task->at, until);
	assert_string_equal(task->text, "Call Marcus Johnson by Friday 10:00 AM");
	assert_non_null(timer = find(d, ACT_TIMER_SET, 0));
	assert_int_equal(timer->timer, TIMER_ESCALATE);
	assert_int_equal(timer->task_ref, 0);
	assert_int_equal(timer->at, until + R->escalations[0].overdue);
	assert_non_null(event(d, "followup.set"));
	assert_non_null(event(d, "task.created"));
	/* alice set it for herself: nobody is notified */
	assert_int_equal(count(d, ACT_OUTBOX), 0);
	assert_int_equal(count(d, ACT_TASK_CREATE), 1);
	decision_free(d);
}

static void
followup_set_by_someone_else_notifies_the_owner(void **state)
{
	lead_state st = a_lead();
	int64_t now = local(2026, 11, 24, 14, 2);
	lead_event ev = followup("email", local(2026, 11, 25, 9, 0), "bob");
	decision *d = NULL;
	const action *msg;
	char err[256];

	(void)state;
	ev.text = "send the brochure";
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_string_equal(find(d, ACT_TASK_CREATE, 0)->text,
			    "Email Marcus Johnson by tomorrow 9:00 AM - send the brochure");
	assert_non_null(msg = find(d, ACT_OUTBOX, 0));
	assert_string_equal(msg->person, "alice");
	assert_int_equal(msg->purpose, PURPOSE_NOTIFY);
	decision_free(d);
}

static void
followup_replaces_the_open_attempt_instead_of_adding_one(void **state)
{
	lead_state st = a_lead();
	int64_t now = local(2026, 11, 24, 14, 2), until = local(2026, 11, 25, 14, 2);
	lead_event ev = followup("call", until, "alice");
	decision *d = NULL;
	const action *cancel, *close;
	char err[256];

	(void)state;
	st.tasks = TASKS;
	st.ntasks = 3;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_int_equal(count(d, ACT_TASK_CREATE), 1);
	assert_int_equal(find(d, ACT_TASK_CREATE, 0)->at, until);
	assert_string_equal(find(d, ACT_TASK_CREATE, 0)->text,
			    "Call Marcus Johnson by tomorrow 2:02 PM");
	assert_non_null(cancel = find(d, ACT_TIMERS_CANCEL, 0));
	assert_int_equal(cancel->task_id, 7);
	assert_int_equal(find(d, ACT_TIMER_SET, 0)->task_ref, 0);
	assert_string_equal(event(d, "followup.set")->text,
			    "Next follow-up: Call Marcus Johnson by tomorrow 2:02 PM (instead of: "
			    "Call Marcus Johnson again)");
	/* the next step is decided: that task is done; the attempt is replaced;
	 * another review task stays */
	assert_int_equal(count(d, ACT_TASK_CLOSE), 2);
	assert_int_equal((close = find(d, ACT_TASK_CLOSE, 0))->task_id, 11);
	assert_string_equal(close->name, "done");
	assert_int_equal((close = find(d, ACT_TASK_CLOSE, 1))->task_id, 7);
	assert_string_equal(close->name, "cancelled");
	decision_free(d);
}

static void
followup_in_closed_hours_moves_to_the_next_opening_but_a_visit_keeps_its_time(void **state)
{
	lead_state st = a_lead();
	int64_t now = local(2026, 11, 24, 14, 2), sat = local(2026, 11, 28, 14, 0);
	lead_event ev = followup("call", sat, "alice");
	decision *d = NULL;
	char err[256];

	(void)state;
	/* Saturday's hours end at noon: Monday 8:00 */
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_int_equal(find(d, ACT_TASK_CREATE, 0)->at, local(2026, 11, 30, 8, 0));
	decision_free(d);
	/* a visit is an appointment: the time agreed with the customer */
	ev.verb = "visit";
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_int_equal(find(d, ACT_TASK_CREATE, 0)->at, sat);
	assert_string_equal(find(d, ACT_TASK_CREATE, 0)->verb, "visit");
	decision_free(d);
}

static void
followup_refusals_name_what_is_wrong(void **state)
{
	lead_state st = a_lead();
	int64_t now = local(2026, 11, 24, 14, 2);
	lead_event ev = followup("call", now, "alice");
	decision *d = NULL;
	char err[256];

	(void)state;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_INVALID);
	assert_null(d);
	assert_string_equal(err, "until: must be in the future");
	ev.until = now + 3600;
	ev.verb = "fax";
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_INVALID);
	assert_true(strncmp(err, "verb:", 5) == 0);
	ev.verb = NULL;
	st.lead.status = LEAD_STATUS_LOST;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_CONFLICT);
	assert_non_null(strstr(err, "lost"));
	st.lead.status = LEAD_STATUS_OPEN;
	st.lead.owner = NULL;
	ev.actor = NULL;
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_INVALID);
	assert_true(strncmp(err, "owner:", 6) == 0);
	/* without an owner, the person who set it does it */
	ev.actor = "bob";
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_string_equal(find(d, ACT_TASK_CREATE, 0)->person, "bob");
	decision_free(d);
}

static void
human_event_types_are_what_people_do(void **state)
{
	(void)state;
	assert_true(engine_event_type_human("call.logged"));
	assert_true(engine_event_type_human("task.snoozed"));
	assert_true(engine_event_type_human("followup.set"));
	assert_true(engine_event_type_human("stage.changed"));
	/* automation, routing and the lead's own messages are not */
	assert_false(engine_event_type_human("message.queued"));
	assert_false(engine_event_type_human("lead.created"));
	assert_false(engine_event_type_human("owner.assigned"));
	assert_false(engine_event_type_human("message.received"));
	assert_false(engine_event_type_human("contact.first"));
	assert_false(engine_event_type_human(NULL));
}

static void
the_first_human_contact_has_its_own_entry(void **state)
{
	lead_state st = a_lead();
	lead_event ev = lead_event_init(EV_CALL_LOGGED);
	int64_t now = local(2026, 11, 24, 14, 12);
	decision *d = NULL;
	char err[256];

	(void)state;
	ev.actor = "alice";
	ev.outcome = "no_answer";	/* an attempt is not contact */
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_null(event(d, "contact.first"));
	decision_free(d);
	ev.outcome = "talked";
	assert_int_equal(decide(&st, &ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
	assert_non_null(event(d, "contact.first"));
	assert_string_equal(event(d, "contact.first")->text,
			    "First contact, 12 min after the lead arrived");
	decision_free(d);
	/* once reached, never again */
	st.lead.last_touch_at = now;
	assert_int_equal(decide(&st, &ev, R, NULL, now + 86400 + 3 * 3600, &d, err, sizeof err),
			 DECIDE_OK);
	assert_null(event(d, "contact.first"));
	decision_free(d);
	st.lead.last_touch_at = 0;
	assert_int_equal(decide(&st, &ev, R, NULL, now + 86400 + 3 * 3600, &d, err, sizeof err),
			 DECIDE_OK);
	assert_string_equal(event(d, "contact.first")->text,
			    "First contact, 1 d 3 h after the lead arrived");
	decision_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(followup_makes_a_task_for_the_owner_at_the_time_picked),
		cmocka_unit_test(followup_set_by_someone_else_notifies_the_owner),
		cmocka_unit_test(followup_replaces_the_open_attempt_instead_of_adding_one),
		cmocka_unit_test(followup_in_closed_hours_moves_to_the_next_opening_but_a_visit_keeps_its_time),
		cmocka_unit_test(followup_refusals_name_what_is_wrong),
		cmocka_unit_test(human_event_types_are_what_people_do),
		cmocka_unit_test(the_first_human_contact_has_its_own_entry),
	};

	return cmocka_run_group_tests(tests, demo_rules_setup, demo_rules_teardown);
}

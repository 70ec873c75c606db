/*
 * test_engine_rules.c - a lead's plan when the rules change under it
 * (EV_RULES, engine_rules.c): pending steps are found by id, removed steps
 * cancelled, moved steps re-planned from the sequence start - never in the
 * past, never twice - and new steps added only while their time is to come.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/engine.h"
#include "core/tz.h"
#include "rules/rules_load.h"

#define DAY 86400

/* One business in UTC, open round the clock; one sequence s whose steps the
 * tests write. */
static rules *
load(const char *steps)
{
	char yaml[2048];
	rules_diags d;
	rules *r;

	snprintf(yaml, sizeof yaml,
		 "business: { name: Acme, timezone: UTC, hours: { mon-sun: \"00:00-24:00\" } }\n"
		 "people: [ { id: alice, name: Alice, role: office } ]\n"
		 "routing: [ { owner: alice } ]\n"
		 "stages: [ { name: new, sequence: s }, { name: lost, requires: [reason], closed: true } ]\n"
		 "limits: { max_automated_touches: 0 }\n"
		 "templates: { a: \"A\", b: \"B\", c: \"C\", d: \"D\", e: \"E\" }\n"
		 "sequences:\n  s:\n%s", steps);
	r = rules_load_string(yaml, strlen(yaml), "t.yaml", &d);
	if (r == NULL)
		for (size_t i = 0; i < d.n; i++)
			print_message("%d:%d: %s\n", d.items[i].line, d.items[i].col,
				      d.items[i].message);
	rules_diags_free(&d);
	assert_non_null(r);
	return r;
}

static const int64_t T0 = 1795622400;	/* the sequence started */

static lead_state
running(const rules *old, const char *skip)
{
	lead_state st;

	memset(&st, 0, sizeof st);
	st.lead.id = 7;
	st.lead.name = "Sam Lee";
	st.lead.phone = "+13125550177";
	st.lead.source = "web_form";
	st.lead.status = LEAD_STATUS_OPEN;
	st.lead.owner = "alice";
	st.lead.stage = "new";
	st.lead.quote_cents = -1;
	st.lead.sequence = "s";
	st.lead.sequence_started_at = T0;
	st.lead.plan = 1;
	st.lead.rules_version = old->version;
	st.lead.plan_skip = skip;
	return st;
}

static decision *
rules_change(const lead_state *st, const rules *old, const rules *cur, const char *pending,
	     int64_t due, int64_t now)
{
	lead_event ev = lead_event_init(EV_RULES);
	decision *d = NULL;

	ev.old_rules = old;
	ev.sequence = "s";
	ev.step_id = pending;
	ev.due_at = due;
	assert_int_equal(decide(st, &ev, cur, NULL, now, &d, NULL, 0), DECIDE_OK);
	return d;
}

static decision *
fire(const lead_state *st, const rules *r, const char *step_id, int64_t due, int64_t now)
{
	lead_event ev = lead_event_init(EV_TIMER);
	decision *d = NULL;

	ev.timer = TIMER_STEP;
	ev.sequence = "s";
	ev.step_id = step_id;
	ev.plan = st->lead.plan;
	ev.due_at = due;
	assert_int_equal(decide(st, &ev, r, NULL, now, &d, NULL, 0), DECIDE_OK);
	return d;
}

static const action *
find(const decision *d, action_kind kind, const char *name)
{
	for (size_t i = 0; i < decision_count(d); i++) {
		const action *a = decision_get(d, i);

		if (a->kind == kind && (name == NULL || (a->name && strcmp(a->name, name) == 0)))
			return a;
	}
	return NULL;
}

static size_t
count(const decision *d, action_kind kind, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < decision_count(d); i++) {
		const action *a = decision_get(d, i);

		n += a->kind == kind && (name == NULL || (a->name && strcmp(a->name, name) == 0));
	}
	return n;
}

static void
deleting_a_step_shifts_nothing(void **state)
{
	rules *v1 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 3d, send: sms, template: b }\n"
			 "    - { at: 7d, send: sms, template: c, then: cold }\n");
	rules *v2 = load("    - { at: 3d, send: sms, template: b }\n"
			 "    - { at: 7d, send: sms, template: c, then: cold }\n");
	lead_state st = running(v1, NULL);
	decision *d;
	const action *a;

	(void)state;
	/* Day 2: the 3d text is pending. The step before it is gone: nothing
	 * to say, nothing moves, the plan records the new version. */
	d = rules_change(&st, v1, v2, "sms.b", T0 + 3 * DAY, T0 + 2 * DAY);
	assert_null(find(d, ACT_TIMER_SET, NULL));
	assert_null(find(d, ACT_TIMERS_CANCEL, NULL));
	assert_null(find(d, ACT_EVENT, "rules.changed"));
	assert_non_null(a = find(d, ACT_SET_PLAN, NULL));
	assert_string_equal(a->text, v2->version);
	assert_null(a->name);
	decision_free(d);
	/* When it fires under v2 it is still the 3d text, by id - at index 0
	 * now - and the next is the final one at 7d. */
	st.lead.rules_version = v2->version;
	d = fire(&st, v2, "sms.b", T0 + 3 * DAY, T0 + 3 * DAY);
	assert_non_null(a = find(d, ACT_OUTBOX, NULL));
	assert_string_equal(a->text, "B");
	assert_non_null(a = find(d, ACT_TIMER_SET, NULL));
	assert_string_equal(a->step_id, "sms.c");
	assert_int_equal(a->at, T0 + 7 * DAY);
	decision_free(d);
	rules_free(v1);
	rules_free(v2);
}

static void
removed_pending_step_is_cancelled_and_the_plan_goes_on(void **state)
{
	rules *v1 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 3d, send: sms, template: b }\n"
			 "    - { at: 7d, send: sms, template: c, then: cold }\n");
	rules *v2 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 7d, send: sms, template: c, then: cold }\n");
	lead_state st = running(v1, NULL);
	decision *d;
	const action *a;

	(void)state;
	d = rules_change(&st, v1, v2, "sms.b", T0 + 3 * DAY, T0 + 2 * DAY);
	assert_non_null(a = find(d, ACT_EVENT, "step.cancelled"));
	assert_non_null(strstr(a->text, "Cancelled step sms.b of s"));
	assert_non_null(find(d, ACT_TIMERS_CANCEL, NULL));
	assert_non_null(a = find(d, ACT_TIMER_SET, NULL));
	assert_string_equal(a->step_id, "sms.c");
	assert_int_equal(a->at, T0 + 7 * DAY);
	/* the 1d text it had is not sent again */
	assert_null(find(d, ACT_OUTBOX, NULL));
	decision_free(d);
	rules_free(v1);
	rules_free(v2);
}

static void
moved_steps_never_run_in_the_past_or_twice(void **state)
{
	rules *v1 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 2d, send: sms, template: b }\n"
			 "    - { at: 3d, send: sms, template: c }\n"
			 "    - { at: 4d, send: sms, template: d, then: cold }\n");
	/* c moves before b; b, which the lead had, moves after it. */
	rules *v2 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 2d, send: sms, template: c }\n"
			 "    - { at: 5d, send: sms, template: b }\n"
			 "    - { at: 6d, send: sms, template: d, then: cold }\n");
	lead_state st = running(v1, NULL);
	int64_t now = T0 + 2 * DAY + DAY / 2;
	decision *d;
	const action *a;
	char skip[64];

	(void)state;
	/* Day 2.5, c (3d) pending: c's new time (2d) has passed: due now. */
	d = rules_change(&st, v1, v2, "sms.c", T0 + 3 * DAY, now);
	assert_non_null(a = find(d, ACT_TIMER_SET, NULL));
	assert_string_equal(a->step_id, "sms.c");
	assert_int_equal(a->at, now);
	assert_non_null(a = find(d, ACT_SET_PLAN, NULL));
	assert_string_equal(a->name, "sms.b");	/* had it: never again */
	snprintf(skip, sizeof skip, "%s", a->name);
	assert_int_equal(count(d, ACT_EVENT, "step.moved"), 2);	/* c and d */
	decision_free(d);
	/* c runs; the next is d, not b. */
	st.lead.rules_version = v2->version;
	st.lead.plan_skip = skip;
	d = fire(&st, v2, "sms.c", now, now);
	assert_string_equal(find(d, ACT_OUTBOX, NULL)->text, "C");
	assert_non_null(a = find(d, ACT_TIMER_SET, NULL));
	assert_string_equal(a->step_id, "sms.d");
	assert_int_equal(a->at, T0 + 6 * DAY);
	decision_free(d);
	rules_free(v1);
	rules_free(v2);
}

static void
new_steps_only_while_their_time_is_to_come(void **state)
{
	rules *v1 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 5d, send: sms, template: c, then: cold }\n");
	rules *v2 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 2d, send: sms, template: b }\n"
			 "    - { at: 4d, send: email, template: d }\n"
			 "    - { at: 5d, send: sms, template: c, then: cold }\n");
	lead_state st = running(v1, NULL);
	decision *d;
	const action *a;

	(void)state;
	/* Day 3: the 2d step is past for this lead, the 4d one is not. */
	d = rules_change(&st, v1, v2, "sms.c", T0 + 5 * DAY, T0 + 3 * DAY);
	assert_non_null(a = find(d, ACT_EVENT, "step.not_applied"));
	assert_non_null(strstr(a->text, "sms.b"));
	assert_non_null(a = find(d, ACT_EVENT, "step.added"));
	assert_non_null(strstr(a->text, "email.d"));
	assert_non_null(a = find(d, ACT_TIMER_SET, NULL));
	assert_string_equal(a->step_id, "email.d");
	assert_int_equal(a->at, T0 + 4 * DAY);
	decision_free(d);
	rules_free(v1);
	rules_free(v2);
}

static void
a_shorter_sequence_can_send_a_lead_cold_at_once(void **state)
{
	rules *v1 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 7d, send: sms, template: c, then: cold }\n");
	rules *v2 = load("    - { at: 1d, send: sms, template: a, then: cold }\n");
	lead_state st = running(v1, NULL);
	static const int64_t sent[] = { T0 + DAY };	/* step a reached the lead */
	decision *d;

	(void)state;
	st.touches = sent;
	st.ntouches = 1;
	d = rules_change(&st, v1, v2, "sms.c", T0 + 7 * DAY, T0 + 3 * DAY);
	assert_non_null(find(d, ACT_EVENT, "step.cancelled"));
	assert_non_null(find(d, ACT_EVENT, "plan.cold_sooner"));
	assert_non_null(find(d, ACT_EVENT, "lead.cold"));
	assert_non_null(find(d, ACT_SET_STATUS, NULL));
	decision_free(d);
	rules_free(v1);
	rules_free(v2);
}

static void
a_removed_sequence_stops_and_a_timer_from_before_ids_gets_one(void **state)
{
	rules *v1 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 3d, send: sms, template: b }\n");
	rules *v2 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 3d, send: sms, template: b }\n");
	lead_state st = running(v1, NULL);
	lead_event ev = lead_event_init(EV_RULES);
	decision *d;
	const action *a;

	(void)state;
	/* A timer written before step ids: its position, in the rules that
	 * wrote it; it is written again with its id, due as it was. */
	st.lead.rules_version = NULL;
	ev.sequence = "s";
	ev.step = 1;
	ev.due_at = T0 + 3 * DAY;
	assert_int_equal(decide(&st, &ev, v2, NULL, T0 + 2 * DAY, &d, NULL, 0), DECIDE_OK);
	assert_non_null(a = find(d, ACT_TIMER_SET, NULL));
	assert_string_equal(a->step_id, "sms.b");
	assert_int_equal(a->at, T0 + 3 * DAY);
	decision_free(d);
	/* A lead whose sequence the new rules no longer have stops it. */
	st.lead.sequence = "gone";
	ev.sequence = "gone";
	assert_int_equal(decide(&st, &ev, v2, NULL, T0 + 2 * DAY, &d, NULL, 0), DECIDE_OK);
	assert_non_null(a = find(d, ACT_EVENT, "sequence.stopped"));
	assert_non_null(strstr(a->text, "no longer in the rules"));
	assert_non_null(find(d, ACT_SET_SEQUENCE, NULL));
	decision_free(d);
	rules_free(v1);
	rules_free(v2);
}

static void
a_timer_for_a_step_the_rules_lack_goes_on_with_the_next(void **state)
{
	rules *v2 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 5d, send: sms, template: c }\n");
	lead_state st = running(v2, NULL);
	decision *d;
	const action *a;

	(void)state;
	d = fire(&st, v2, "sms.b", T0 + 3 * DAY, T0 + 3 * DAY);
	assert_non_null(find(d, ACT_EVENT, "step.cancelled"));
	assert_null(find(d, ACT_OUTBOX, NULL));
	assert_non_null(a = find(d, ACT_TIMER_SET, NULL));
	assert_string_equal(a->step_id, "sms.c");
	decision_free(d);
	rules_free(v2);
}

/* --- a paused lead: the held step is named by id too ------------------------ */

static decision *
rules_change_paused(const lead_state *st, const rules *old, const rules *cur, int64_t now)
{
	lead_event ev = lead_event_init(EV_RULES);	/* no pending timer: it is paused */
	decision *d = NULL;

	ev.old_rules = old;
	assert_int_equal(decide(st, &ev, cur, NULL, now, &d, NULL, 0), DECIDE_OK);
	return d;
}

static decision *
resume(const lead_state *st, const rules *r, int64_t now)
{
	decision *d = NULL;

	assert_int_equal(decide(st, &(lead_event){ .kind = EV_RESUME }, r, NULL, now, &d, NULL, 0),
			 DECIDE_OK);
	return d;
}

static void
a_step_inserted_while_paused_shifts_the_held_step_nowhere(void **state)
{
	rules *v1 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 3d, send: sms, template: b }\n"
			 "    - { at: 7d, send: sms, template: c, then: cold }\n");
	/* a new step before the held one: b is at index 2 now */
	rules *v2 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 2d, send: sms, template: d }\n"
			 "    - { at: 3d, send: sms, template: b }\n"
			 "    - { at: 7d, send: sms, template: c, then: cold }\n");
	lead_state st = running(v1, NULL);
	decision *d;
	const action *a;

	(void)state;
	st.lead.paused_at = T0 + 2 * DAY + 3600;	/* paused on day 2: b held */
	st.lead.paused_step = "sms.b";
	d = rules_change_paused(&st, v1, v2, T0 + 2 * DAY + 7200);
	/* d's time has passed for this lead: not run; b stays held, no timer */
	assert_non_null(find(d, ACT_EVENT, "step.not_applied"));
	assert_null(find(d, ACT_SET_PAUSED, NULL));
	assert_null(find(d, ACT_TIMER_SET, NULL));
	assert_non_null(a = find(d, ACT_SET_PLAN, NULL));
	assert_string_equal(a->name, "sms.d");
	decision_free(d);
	/* resumed a day later: b, by id, a day later than planned; then c */
	st.lead.rules_version = v2->version;
	st.lead.plan_skip = "sms.d";
	d = resume(&st, v2, T0 + 3 * DAY + 3600);
	assert_non_null(a = find(d, ACT_TIMER_SET, NULL));
	assert_string_equal(a->step_id, "sms.b");
	assert_int_equal(a->step, 2);
	assert_int_equal(a->at, T0 + 4 * DAY);
	assert_non_null(a = find(d, ACT_SET_PLAN, NULL));	/* the skip is kept */
	assert_string_equal(a->name, "sms.d");
	assert_null(find(d, ACT_OUTBOX, NULL));
	decision_free(d);
	rules_free(v1);
	rules_free(v2);
}

static void
the_held_step_removed_while_paused_hands_the_hold_on(void **state)
{
	rules *v1 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 3d, send: sms, template: b }\n"
			 "    - { at: 7d, send: sms, template: c, then: cold }\n");
	rules *v2 = load("    - { at: 1d, send: sms, template: a }\n"
			 "    - { at: 7d, send: sms, template: c, then: cold }\n");
	rules *v3 = load("    - { at: 1d, send: sms, template: a }\n");
	lead_state st = running(v1, NULL);
	decision *d;
	const action *a;

	(void)state;
	st.lead.paused_at = T0 + 2 * DAY;
	st.lead.paused_step = "sms.b";
	d = rules_change_paused(&st, v1, v2, T0 + 2 * DAY + 60);
	assert_non_null(find(d, ACT_EVENT, "step.cancelled"));
	assert_non_null(a = find(d, ACT_SET_PAUSED, NULL));
	assert_int_equal(a->at, st.lead.paused_at);		/* still paused */
	assert_string_equal(a->step_id, "sms.c");
	assert_non_null(a = find(d, ACT_EVENT, "rules.changed"));
	assert_non_null(strstr(a->text, "goes on with step sms.c when the automation is resumed"));
	assert_null(find(d, ACT_TIMER_SET, NULL));		/* paused: nothing planned */
	decision_free(d);
	/* every step after the pause gone: nothing held; a resume ends it */
	st.lead.paused_step = "sms.c";
	st.lead.rules_version = v2->version;
	d = rules_change_paused(&st, v2, v3, T0 + 2 * DAY + 120);
	assert_non_null(a = find(d, ACT_SET_PAUSED, NULL));
	assert_null(a->step_id);
	assert_null(find(d, ACT_TIMER_SET, NULL));
	assert_null(find(d, ACT_SET_STATUS, NULL));		/* not cold while paused */
	decision_free(d);
	st.lead.paused_step = NULL;
	d = resume(&st, v3, T0 + 3 * DAY);
	assert_non_null(find(d, ACT_EVENT, "sequence.finished"));
	decision_free(d);
	rules_free(v1);
	rules_free(v2);
	rules_free(v3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deleting_a_step_shifts_nothing),
		cmocka_unit_test(removed_pending_step_is_cancelled_and_the_plan_goes_on),
		cmocka_unit_test(moved_steps_never_run_in_the_past_or_twice),
		cmocka_unit_test(new_steps_only_while_their_time_is_to_come),
		cmocka_unit_test(a_shorter_sequence_can_send_a_lead_cold_at_once),
		cmocka_unit_test(a_removed_sequence_stops_and_a_timer_from_before_ids_gets_one),
		cmocka_unit_test(a_timer_for_a_step_the_rules_lack_goes_on_with_the_next),
		cmocka_unit_test(a_step_inserted_while_paused_shifts_the_held_step_nowhere),
		cmocka_unit_test(the_held_step_removed_while_paused_hands_the_hold_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

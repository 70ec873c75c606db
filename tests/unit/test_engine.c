/*
 * test_engine.c - decide(): routing, the first task and acknowledgment, stage
 * requirements, stop rules, opt-out, stale timers and touch limits, on the
 * embedded default rules and an injected clock.
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
#include "demo_rules.h"

static lead_state
new_lead(const char *source, const char *kind)
{
	lead_state st;

	memset(&st, 0, sizeof st);
	st.lead.id = 1;
	st.lead.name = "Marcus Johnson";
	st.lead.phone = "+13125550199";
	st.lead.source = source;
	st.lead.kind = kind;
	st.lead.service = "deck repair";
	st.lead.status = LEAD_STATUS_OPEN;
	st.lead.quote_cents = -1;
	return st;
}

static decision *
run(const lead_state *st, const lead_event *ev, int64_t now, const rr_counters *rr)
{
	decision *d = NULL;
	char err[256];

	assert_int_equal(decide(st, ev, R, rr, now, &d, err, sizeof err), DECIDE_OK);
	return d;
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
find_event(const decision *d, const char *type)
{
	for (size_t i = 0; i < decision_count(d); i++) {
		const action *a = decision_get(d, i);

		if (a->kind == ACT_EVENT && strcmp(a->name, type) == 0)
			return a;
	}
	return NULL;
}

static void
intake_cuts_and_custom_fields_reach_the_timeline(void **state)
{
	static const lead_custom custom[] = { { "Preferred Time", "mornings" },
					      { "zip", "60601" } };
	lead_state st = new_lead("api", "new_inquiry");
	lead_event ev = lead_event_init(EV_CREATED);
	const action *a;
	decision *d;

	(void)state;
	st.lead.custom = custom;
	st.lead.ncustom = 2;
	assert_string_equal(lead_custom_get(&st.lead, "preferred_time"), "mornings");
	assert_string_equal(lead_custom_get(&st.lead, "ZIP"), "60601");
	assert_null(lead_custom_get(&st.lead, "zi"));
	ev.cut = "message cut to 4000 bytes (5000 given)";
	d = run(&st, &ev, local(2026, 11, 24, 14, 2), NULL);
	assert_non_null(a = find_event(d, "lead.input_cut"));
	assert_string_equal(a->text, "Kept with changes: message cut to 4000 bytes (5000 given)");
	decision_free(d);

	ev = lead_event_init(EV_INQUIRY_AGAIN);
	ev.source = "api";
	ev.text = "again";
	ev.custom = custom;
	ev.ncustom = 2;
	d = run(&st, &ev, local(2026, 11, 24, 14, 2), NULL);
	assert_non_null(a = find_event(d, "lead.inquiry_again"));
	assert_non_null(strstr(a->text, "again\nPreferred Time: mornings\nzip: 60601"));
	assert_null(find_event(d, "lead.input_cut"));
	decision_free(d);
}

static void
routing_sends_phone_calls_to_alice(void **state)
{
	lead_state st = new_lead("phone_call", "new_inquiry");
	char key[32];

	(void)state;
	assert_string_equal(R->people[engine_route(R, &st.lead, NULL, local(2026, 11, 24, 14, 2),
						   key, sizeof key)].id, "alice");
	assert_string_equal(key, "");
}

static void
routing_sends_estimates_to_bob(void **state)
{
	lead_state st = new_lead("web_form", "estimate");
	char key[32];

	(void)state;
	assert_string_equal(R->people[engine_route(R, &st.lead, NULL, local(2026, 11, 24, 14, 2),
						   key, sizeof key)].id, "bob");
}

static void
routing_round_robin_follows_the_counter(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	const char *keys[] = { "route:3" };
	int64_t vals[] = { 1 };
	rr_counters rr = { keys, vals, 1 };
	char key[32];
	int p;

	(void)state;
	p = engine_route(R, &st.lead, &rr, local(2026, 11, 24, 14, 2), key, sizeof key);
	assert_string_equal(R->people[p].id, "bob");
	assert_string_equal(key, "route:3");
	vals[0] = 2;
	p = engine_route(R, &st.lead, &rr, local(2026, 11, 24, 14, 2), key, sizeof key);
	assert_string_equal(R->people[p].id, "alice");
}

static void
routing_after_hours_uses_its_own_pool(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	char key[32];

	(void)state;
	engine_route(R, &st.lead, NULL, local(2026, 11, 24, 22, 0), key, sizeof key);
	assert_string_equal(key, "route:2");
}

static void
new_lead_gets_owner_ack_and_call_task_due_in_five_minutes(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_CREATED);
	int64_t now = local(2026, 11, 24, 14, 2);	/* a Tuesday */
	decision *d = run(&st, &ev, now, NULL);
	const action *owner = find(d, ACT_SET_OWNER, 0);
	const action *task = find(d, ACT_TASK_CREATE, 0);
	const action *ack = find(d, ACT_OUTBOX, 0);

	(void)state;
	assert_non_null(owner);
	assert_string_equal(owner->person, "alice");
	assert_non_null(find_event(d, "lead.created"));
	assert_non_null(find_event(d, "owner.assigned"));
	assert_non_null(task);
	assert_string_equal(task->verb, "call");
	assert_string_equal(task->person, "alice");
	assert_int_equal(task->at, local(2026, 11, 24, 14, 7));
	assert_string_equal(task->text, "Call Marcus Johnson by 2:07 PM about deck repair");
	assert_non_null(ack);
	assert_int_equal(ack->purpose, PURPOSE_ACK);
	assert_string_equal(ack->channel, "sms");
	assert_int_equal(ack->at, now);
	assert_non_null(strstr(ack->text, "Hi Marcus"));
	assert_non_null(strstr(ack->text, "Alice will call you today by 2:07 PM"));
	decision_free(d);
}

static void
saturday_night_lead_is_acked_at_once_and_called_monday(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_CREATED);
	int64_t now = local(2026, 11, 28, 23, 40);	/* Saturday */
	decision *d = run(&st, &ev, now, NULL);
	const action *task = find(d, ACT_TASK_CREATE, 0);
	const action *ack = find(d, ACT_OUTBOX, 0);

	(void)state;
	assert_int_equal(task->at, local(2026, 11, 30, 8, 5));
	assert_int_equal(ack->at, now);	/* a reply to their own inquiry: any hour */
	assert_non_null(strstr(ack->text, "Monday by 8:05 AM"));
	decision_free(d);
}

/* The owner is not texted at 23:40 on Saturday about a Monday task: the
 * notification waits for their working hours (the business's: Monday 8:00). */
static void
saturday_night_task_is_notified_when_work_begins(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_CREATED);
	int64_t now = local(2026, 11, 28, 23, 40);	/* Saturday */
	decision *d = run(&st, &ev, now, NULL);
	const action *a;

	(void)state;
	for (size_t i = 0; (a = find(d, ACT_OUTBOX, (int)i)) != NULL; i++)
		if (a->purpose == PURPOSE_NOTIFY)
			break;
	assert_non_null(a);
	assert_int_equal(a->at, local(2026, 11, 30, 8, 0));
	assert_non_null(find_event(d, "notify.held"));
	decision_free(d);

	/* during business hours it goes at once */
	now = local(2026, 11, 30, 10, 0);
	d = run(&st, &ev, now, NULL);
	for (size_t i = 0; (a = find(d, ACT_OUTBOX, (int)i)) != NULL; i++)
		if (a->purpose == PURPOSE_NOTIFY)
			break;
	assert_non_null(a);
	assert_int_equal(a->at, now);
	assert_null(find_event(d, "notify.held"));
	decision_free(d);
}

static void
unreadable_phone_is_kept_and_gets_a_fix_task(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_CREATED);
	decision *d;

	(void)state;
	st.lead.phone = "555-01";
	st.lead.flags = LEAD_PHONE_INVALID | LEAD_NO_CONTACT;
	d = run(&st, &ev, local(2026, 11, 24, 14, 2), NULL);
	assert_non_null(find_event(d, "lead.flagged"));
	assert_non_null(find_event(d, "step.skipped"));	/* no text to an unusable number */
	for (int i = 0; find(d, ACT_OUTBOX, i) != NULL; i++)
		assert_int_not_equal(find(d, ACT_OUTBOX, i)->purpose, PURPOSE_ACK);
	assert_non_null(strstr(find(d, ACT_TASK_CREATE, 1)->text, "Fix the contact details"));
	decision_free(d);
}

/* A public form must not make the business text any number in the world:
 * the demo business serves US (business.sms_countries defaults to country). */
static void
phone_abroad_is_kept_flagged_and_called_not_texted(void **state)
{
	const char *abroad[] = { "+447911123456", "+14165550123", "+18765550123",
				 "+19005550123" };

	(void)state;
	for (size_t i = 0; i < sizeof abroad / sizeof abroad[0]; i++) {
		lead_state st = new_lead("web_form", "new_inquiry");
		lead_event ev = lead_event_init(EV_CREATED);
		const action *flag, *skipped, *task;
		decision *d;
		int calls = 0;

		st.lead.phone = abroad[i];
		d = run(&st, &ev, local(2026, 11, 24, 14, 2), NULL);
		for (int k = 0; find(d, ACT_OUTBOX, k) != NULL; k++)
			assert_string_not_equal(find(d, ACT_OUTBOX, k)->to, abroad[i]);
		flag = find(d, ACT_SET_FLAGS, 0);
		assert_non_null(flag);
		assert_int_equal(flag->flags, LEAD_PHONE_ABROAD);
		assert_non_null(strstr(find_event(d, "lead.flagged")->text,
				       "outside the countries automated texts go to"));
		skipped = find_event(d, "step.skipped");
		assert_non_null(skipped);
		assert_non_null(strstr(skipped->text, "is outside the countries automated texts "
				       "go to (US)"));
		for (int k = 0; (task = find(d, ACT_TASK_CREATE, k)) != NULL; k++)
			calls += strstr(task->text, "Reach Marcus Johnson yourself: no automated "
					"texts go to") != NULL;
		assert_int_equal(calls, 1);
		decision_free(d);
	}
}

static void
phone_at_home_is_texted_and_not_flagged(void **state)
{
	const char *home[] = { "+13125550199", "+18005550123" };	/* toll-free is US */

	(void)state;
	for (size_t i = 0; i < sizeof home / sizeof home[0]; i++) {
		lead_state st = new_lead("web_form", "new_inquiry");
		lead_event ev = lead_event_init(EV_CREATED);
		decision *d;

		st.lead.phone = home[i];
		d = run(&st, &ev, local(2026, 11, 24, 14, 2), NULL);
		assert_null(find(d, ACT_SET_FLAGS, 0));
		assert_string_equal(find(d, ACT_OUTBOX, 0)->to, home[i]);
		decision_free(d);
	}
}

/* A message to the lead repeats at most limits.max_echo_chars (40) of each
 * field the lead typed; staff see it all. */
static void
lead_input_echoed_in_a_text_is_capped(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_CREATED);
	const char *bait = "deck repair. URGENT: your bank account is locked, go to "
			   "http://evil.example/unlock now";
	const action *ack;
	decision *d;

	(void)state;
	st.lead.name = "Zoë Ñandú-Ramírez de la Peña y Fernández-Castellanos Grande";
	st.lead.service = bait;
	d = run(&st, &ev, local(2026, 11, 24, 14, 2), NULL);
	ack = find(d, ACT_OUTBOX, 0);
	assert_non_null(ack);
	assert_non_null(strstr(ack->text, "about deck repair. URGENT: your bank account i. "));
	assert_null(strstr(ack->text, "evil.example"));
	assert_non_null(strstr(ack->text, "Hi Zoë,"));	/* short fields whole */
	assert_non_null(strstr(find(d, ACT_TASK_CREATE, 0)->text, "evil.example"));
	decision_free(d);
}

static void
quoted_without_amount_is_refused_naming_the_field(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_STAGE);
	decision *d = NULL;
	char err[256];

	(void)state;
	ev.stage = "quoted";
	assert_int_equal(decide(&st, &ev, R, NULL, 0, &d, err, sizeof err), DECIDE_INVALID);
	assert_null(d);
	assert_non_null(strstr(err, "amount"));
}

static void
lost_without_reason_is_refused_listing_the_reasons(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_STAGE);
	decision *d = NULL;
	char err[256];

	(void)state;
	ev.stage = "lost";
	assert_int_equal(decide(&st, &ev, R, NULL, 0, &d, err, sizeof err), DECIDE_INVALID);
	assert_non_null(strstr(err, "reason"));
	assert_non_null(strstr(err, "no_response"));
	ev.reason = "price";
	d = run(&st, &ev, 0, NULL);
	assert_string_equal(find(d, ACT_SET_STATUS, 0)->name, LEAD_STATUS_LOST);
	decision_free(d);
}

static void
unknown_stage_is_not_found(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_STAGE);
	decision *d = NULL;
	char err[256];

	(void)state;
	ev.stage = "qouted";
	assert_int_equal(decide(&st, &ev, R, NULL, 0, &d, err, sizeof err), DECIDE_NOT_FOUND);
	assert_non_null(strstr(err, "quoted"));
}

static void
reply_stops_the_follow_ups_and_asks_the_owner_to_answer(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_MESSAGE_IN);
	int64_t start = local(2026, 11, 24, 14, 2);
	decision *d;

	(void)state;
	st.lead.owner = "alice";
	st.lead.sequence = "new_inquiry";
	st.lead.sequence_started_at = start;
	ev.channel = "sms";
	ev.text = "Yes, tomorrow works";
	d = run(&st, &ev, start + 7200, NULL);
	assert_non_null(find_event(d, "sequence.stopped"));
	assert_int_equal(find(d, ACT_TIMERS_CANCEL, 0)->timer, TIMER_STEP);
	assert_non_null(strstr(find(d, ACT_TASK_CREATE, 0)->text, "Marcus replied"));
	decision_free(d);
}

static void
stop_keyword_opts_out_once_and_tells_the_owner(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_MESSAGE_IN);
	decision *d;

	(void)state;
	st.lead.owner = "alice";
	st.lead.sequence = "new_inquiry";
	ev.channel = "sms";
	ev.text = "  stop ";
	d = run(&st, &ev, local(2026, 11, 24, 14, 2), NULL);
	assert_true(find(d, ACT_SET_OPT_OUT, 0)->flag);
	assert_int_equal(find(d, ACT_OUTBOX, 0)->purpose, PURPOSE_COMPLIANCE);
	assert_int_equal(find(d, ACT_OUTBOX, 1)->purpose, PURPOSE_NOTIFY);
	decision_free(d);

	st.lead.sms_opt_out = true;	/* a second STOP: no second confirmation */
	d = run(&st, &ev, local(2026, 11, 24, 14, 3), NULL);
	assert_null(find(d, ACT_OUTBOX, 0));
	decision_free(d);
}

static void
timer_of_an_old_plan_does_nothing(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_TIMER);
	decision *d;

	(void)state;
	st.lead.sequence = "new_inquiry";
	st.lead.plan = 3;
	ev.timer = TIMER_STEP;
	ev.sequence = "new_inquiry";
	ev.step = 3;
	ev.plan = 2;
	d = run(&st, &ev, local(2026, 11, 25, 14, 2), NULL);
	assert_int_equal(decision_count(d), 0);
	decision_free(d);
}

static void
touch_limit_skips_the_step_and_says_why(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_TIMER);
	int64_t now = local(2026, 11, 25, 14, 2);
	int64_t touches[] = { now - 3600, now - 7200, now - 86400, now - 2 * 86400 };
	decision *d;
	const action *skip;

	(void)state;
	st.lead.owner = "alice";
	st.lead.sequence = "new_inquiry";
	st.lead.sequence_started_at = now - 86400;
	st.touches = touches;
	st.ntouches = 4;
	ev.timer = TIMER_STEP;
	ev.sequence = "new_inquiry";
	ev.step = 3;
	ev.due_at = now;
	d = run(&st, &ev, now, NULL);
	skip = find_event(d, "step.skipped");
	assert_non_null(skip);
	assert_non_null(strstr(skip->text, "touch limit"));
	assert_null(find(d, ACT_OUTBOX, 0));
	assert_non_null(find(d, ACT_TIMER_SET, 0));	/* the plan goes on */
	decision_free(d);
}

static void
followup_in_quiet_hours_waits_for_morning(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_event ev = lead_event_init(EV_TIMER);
	int64_t now = local(2026, 11, 25, 22, 30);
	decision *d;

	(void)state;
	st.lead.owner = "alice";
	st.lead.sequence = "new_inquiry";
	st.lead.sequence_started_at = now - 86400;
	ev.timer = TIMER_STEP;
	ev.sequence = "new_inquiry";
	ev.step = 3;
	ev.due_at = now;
	d = run(&st, &ev, now, NULL);
	assert_int_equal(find(d, ACT_OUTBOX, 0)->at, local(2026, 11, 26, 8, 0));
	decision_free(d);
}

static void
lead_left_without_a_next_step_gets_one(void **state)
{
	lead_state st = new_lead("web_form", "new_inquiry");
	lead_task call = { .id = 7, .verb = "call", .title = "Call Marcus Johnson",
			   .assignee = "alice", .due_at = 0 };
	lead_event ev = lead_event_init(EV_TASK_DONE);
	decision *d;
	const action *t;

	(void)state;
	st.lead.owner = "alice";
	st.lead.stage = "contacted";
	st.tasks = &call;
	st.ntasks = 1;
	ev.task_id = 7;
	ev.outcome = "reached";
	d = run(&st, &ev, local(2026, 11, 24, 14, 2), NULL);
	t = find(d, ACT_TASK_CREATE, 0);
	assert_non_null(t);
	assert_string_equal(t->text, "Decide the next step for Marcus Johnson (stage contacted)");
	assert_string_equal(t->person, "alice");
	decision_free(d);

	st.lead.status = LEAD_STATUS_WON;	/* out of the pipeline: nothing to chase */
	d = run(&st, &ev, local(2026, 11, 24, 14, 2), NULL);
	assert_null(find(d, ACT_TASK_CREATE, 0));
	decision_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routing_sends_phone_calls_to_alice),
		cmocka_unit_test(intake_cuts_and_custom_fields_reach_the_timeline),
		cmocka_unit_test(routing_sends_estimates_to_bob),
		cmocka_unit_test(routing_round_robin_follows_the_counter),
		cmocka_unit_test(routing_after_hours_uses_its_own_pool),
		cmocka_unit_test(new_lead_gets_owner_ack_and_call_task_due_in_five_minutes),
		cmocka_unit_test(saturday_night_lead_is_acked_at_once_and_called_monday),
		cmocka_unit_test(saturday_night_task_is_notified_when_work_begins),
		cmocka_unit_test(phone_abroad_is_kept_flagged_and_called_not_texted),
		cmocka_unit_test(phone_at_home_is_texted_and_not_flagged),
		cmocka_unit_test(lead_input_echoed_in_a_text_is_capped),
		cmocka_unit_test(unreadable_phone_is_kept_and_gets_a_fix_task),
		cmocka_unit_test(quoted_without_amount_is_refused_naming_the_field),
		cmocka_unit_test(lost_without_reason_is_refused_listing_the_reasons),
		cmocka_unit_test(unknown_stage_is_not_found),
		cmocka_unit_test(reply_stops_the_follow_ups_and_asks_the_owner_to_answer),
		cmocka_unit_test(stop_keyword_opts_out_once_and_tells_the_owner),
		cmocka_unit_test(timer_of_an_old_plan_does_nothing),
		cmocka_unit_test(touch_limit_skips_the_step_and_says_why),
		cmocka_unit_test(followup_in_quiet_hours_waits_for_morning),
		cmocka_unit_test(lead_left_without_a_next_step_gets_one),
	};

	return cmocka_run_group_tests(tests, demo_rules_setup, demo_rules_teardown);
}

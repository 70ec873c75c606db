/*
 * test_replay.c - the pure half of `leadkeep replay` (src/replay): a real
 * timeline read back as the outside events that made it (what people, the
 * lead and delivery did; never what the automation did, nor the
 * consequences of an event), and the difference between two runs of one
 * lead. (The sandbox runs themselves: tests/e2e/test_replay.sh.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "demo_rules.h"
#include "replay/replay.h"

#define T0 INT64_C(1793635200)	/* Mon 2026-11-02 10:00 in Chicago */
#define MIN 60
#define HOUR 3600
#define DAY 86400

/* The words the engine writes, as a lead's timeline holds them. */
static const replay_row timeline[] = {
	{ T0, "lead.created", NULL, "New lead from web_form: Web One - roof leak" },
	{ T0, "owner.assigned", NULL, "Owner: Alice Moreno (by routing rules)" },
	{ T0, "message.queued", NULL, "Text to the lead: Hi Web, thanks..." },
	{ T0, "task.created", NULL, "Task for Alice Moreno: Call Web One (due 11:00 AM)" },
	{ T0 + 5 * MIN, "task.done", "alice", "Done: Call Web One - reached" },
	{ T0 + 5 * MIN, "contact.first", "alice", "First contact, 5 min after the lead arrived" },
	{ T0 + DAY, "call.logged", "alice", "Alice Moreno called: no_answer - left a message" },
	{ T0 + 2 * DAY, "visit.logged", "bob", "Bob Tran visited: done, quote $1,200.50 - roof" },
	{ T0 + 2 * DAY, "stage.changed", "bob", "Stage new -> quoted by bob, amount $1,200.50" },
	{ T0 + 3 * DAY, "stage.changed", "maria", "Stage quoted -> lost by maria, reason price" },
	{ T0 + 3 * DAY + 1, "appointment.booked", "tom", "Booked: a visit Thu Nov 5 9:00 AM" },
	{ T0 + 3 * DAY + 1, "task.created", "tom", "Task for Tom Becker: Visit" },
	{ T0 + 3 * DAY + 1, "stage.changed", "tom", "Stage lost -> scheduled by tom" },
	{ T0 + 4 * DAY, "message.received", NULL, "Text from the lead: STOP" },
	{ T0 + 4 * DAY, "consent.opted_out", NULL, "Web One opted out of texts" },
	{ T0 + 5 * DAY, "message.received", NULL, "Web replied by email: Thursday works" },
	{ T0 + 6 * DAY, "consent.opted_out", "delivery", "Web One opted out of email" },
	{ T0 + 7 * DAY, "owner.assigned", "bob", "Owner: Maria Olsen (set by bob)" },
	{ T0 + 7 * DAY + 1, "owner.assigned", "bob", "Owner: Nobody Known (set by bob)" },
	{ T0 + 8 * DAY, "appointment.booked", "bob", "Booked: a visit Tue Nov 10 9:00 AM" },
	{ T0 + 8 * DAY + 1, "note.contact", "bob", "Bob Tran: spoke at the door" },
	{ T0 + 9 * DAY, "automation.paused", "maria", "Automation paused: waits" },
	{ T0 + 9 * DAY, "contact.flagged", "delivery", "Phone number +13125550301 flagged: it cannot take texts (a landline)" },
	{ T0 + 10 * DAY, "lead.inquiry_again", NULL, "Web One asked again by the web form: any news?" },
	{ T0 + 11 * DAY, "contact.flagged", "delivery", "Email address flagged: the message bounced" },
	{ T0 + 11 * DAY + 1, "contact.flagged", NULL, "Web One has no usable phone or email" },
	/* The CLI's --by is optional: a person's entries without an actor. */
	{ T0 + 12 * DAY, "stage.changed", NULL, "Stage new -> won, amount $980.00" },
	{ T0 + 12 * DAY + 1, "call.logged", NULL, "Someone called: reached" },
};

static const replay_task_row tasks[] = {
	{ "call", "done", "reached", T0 + 5 * MIN },
	{ "review", "open", NULL, 0 },
};

static void
timeline_becomes_outside_events(void **state)
{
	replay_input in[32];
	replay_skipped sk = { 0 };
	size_t n = replay_read_timeline(7, timeline, sizeof timeline / sizeof timeline[0], tasks, 2,
					R, in, 32, &sk);
	static const replay_what want[] = {
		REPLAY_TASK_DONE, REPLAY_CALL, REPLAY_VISIT, REPLAY_STAGE, REPLAY_REPLY, REPLAY_REPLY,
		REPLAY_OPT_OUT, REPLAY_OWNER, REPLAY_NOTE, REPLAY_PAUSE, REPLAY_DELIVERY,
		REPLAY_AGAIN, REPLAY_DELIVERY, REPLAY_STAGE, REPLAY_CALL,
	};

	(void)state;
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(in[i].what, want[i]);
		assert_int_equal(in[i].lead, 7);
	}
	/* A task done: its verb and outcome from the task closed then. */
	assert_string_equal(in[0].verb, "call");
	assert_string_equal(in[0].outcome, "reached");
	assert_string_equal(in[0].actor, "alice");
	assert_int_equal(in[0].at, T0 + 5 * MIN);
	/* A call: the outcome and the words. */
	assert_string_equal(in[1].outcome, "no_answer");
	assert_string_equal(in[1].text, "left a message");
	/* A visit with a quote; the stage it moved is its consequence, not an input. */
	assert_string_equal(in[2].outcome, "done");
	assert_int_equal(in[2].amount_cents, 120050);
	assert_string_equal(in[2].text, "roof");
	/* A stage a person chose, with the reason; the engine's own move is not. */
	assert_string_equal(in[3].stage, "lost");
	assert_string_equal(in[3].reason, "price");
	assert_string_equal(in[3].actor, "maria");
	/* A texted STOP is the reply whose words the engine reads again. */
	assert_string_equal(in[4].channel, "sms");
	assert_string_equal(in[4].text, "STOP");
	assert_string_equal(in[5].channel, "email");
	assert_string_equal(in[5].text, "Thursday works");
	/* An opt-out nobody texted (the carrier's, a person's): the channel. */
	assert_string_equal(in[6].channel, "email");
	/* An owner set by hand, by name -> id; an unknown name is no input. */
	assert_string_equal(in[7].owner, "maria");
	assert_true(in[8].contact);
	assert_string_equal(in[8].text, "spoke at the door");
	assert_string_equal(in[10].outcome, "not_textable");
	assert_string_equal(in[11].text, "any news?");
	assert_string_equal(in[12].outcome, "bounced");
	assert_string_equal(in[12].channel, "email");
	assert_string_equal(in[13].stage, "won");
	assert_int_equal(in[13].amount_cents, 98000);
	assert_int_equal(in[3].amount_cents, -1);
	assert_string_equal(in[13].actor, "");
	assert_string_equal(in[14].outcome, "reached");
	/* What a person did that is not replayed is counted by type. */
	assert_int_equal(sk.n, 1);
	assert_string_equal(sk.type[0], "appointment.booked");
	assert_int_equal(sk.count[0], 2);
}

static void
inputs_make_the_events_they_stand_for(void **state)
{
	replay_input in[32];
	replay_skipped sk = { 0 };
	size_t n = replay_read_timeline(7, timeline, sizeof timeline / sizeof timeline[0], tasks, 2,
					R, in, 32, &sk);
	lead_event ev;

	(void)state;
	assert_true(n > 10);
	ev = replay_input_event(&in[1]);
	assert_int_equal(ev.kind, EV_CALL_LOGGED);
	assert_string_equal(ev.actor, "alice");
	assert_string_equal(ev.outcome, "no_answer");
	assert_null(ev.stage);
	ev = replay_input_event(&in[4]);
	assert_int_equal(ev.kind, EV_MESSAGE_IN);
	assert_null(ev.actor);
	ev = replay_input_event(&in[10]);
	assert_int_equal(ev.kind, EV_DELIVERY);
	assert_int_equal(ev.delivery, DELIVERY_NOT_TEXTABLE);
	assert_string_equal(ev.channel, "sms");
	ev = replay_input_event(&in[12]);
	assert_int_equal(ev.delivery, DELIVERY_BOUNCED);
	assert_string_equal(replay_what_name(REPLAY_TASK_DONE), "task_done");
}

static void
inputs_over_the_cap_are_counted(void **state)
{
	replay_input in[3];
	replay_skipped sk = { 0 };
	size_t n = replay_read_timeline(7, timeline, sizeof timeline / sizeof timeline[0], tasks, 2,
					R, in, 3, &sk);

	(void)state;
	assert_int_equal(n, 3);
	assert_string_equal(sk.type[0], "(over the cap)");
	assert_int_equal(sk.count[0], 12);	/* the 15 inputs less 3 */
}

static void
inputs_sort_by_time_then_order(void **state)
{
	replay_input in[3] = {
		{ .at = 20, .seq = 0 }, { .at = 10, .seq = 2 }, { .at = 10, .seq = 1 },
	};

	(void)state;
	replay_inputs_sort(in, 3);
	assert_int_equal(in[0].seq, 1);
	assert_int_equal(in[1].seq, 2);
	assert_int_equal(in[2].seq, 0);
}

/* --- what a run did, and what differs ------------------------------------- */

static void
messages_and_windows_are_counted(void **state)
{
	replay_lead l = { 0 };
	int64_t end = T0 + 10 * DAY;

	(void)state;
	replay_lead_message(&l, "sms", "ack", NULL, T0, end);
	replay_lead_message(&l, "sms", "followup", NULL, T0 + DAY, end);
	replay_lead_message(&l, "sms", "followup", NULL, end + 1, end);	/* after the period */
	replay_lead_message(&l, "sms", "notify", "alice", T0, end);
	replay_lead_message(&l, "sms", "compliance", NULL, T0, end);
	assert_int_equal(l.touches, 2);
	assert_int_equal(l.nmsgs, 2);
	assert_int_equal(l.notifications, 1);

	replay_lead_task(&l, "call", "alice", "done", T0, T0 + 5 * MIN, T0 + 4 * MIN, end);
	replay_lead_task(&l, "call", "alice", "done", T0, T0 + 5 * MIN, T0 + 25 * MIN, end);
	replay_lead_task(&l, "review", "bob", "open", T0, T0 + HOUR, 0, end);
	replay_lead_task(&l, "review", "bob", "open", T0, end + HOUR, 0, end);	/* not due yet */
	replay_lead_task(&l, "call", "bob", "cancelled", T0, T0 + HOUR, T0 + 30 * MIN, end);
	replay_lead_task(&l, "call", "bob", "open", end + 1, end + 2, 0, end);	/* made later */
	assert_int_equal(l.tasks, 5);
	assert_int_equal(l.windows_missed, 2);
	assert_string_equal(l.missed[0].verb, "call");
	assert_int_equal(l.missed[0].closed, T0 + 25 * MIN);
	assert_int_equal(l.missed[1].closed, 0);
}

static replay_lead
run_of(const char *owner)
{
	replay_lead l = { .id = 1 };
	int64_t end = T0 + 10 * DAY;

	snprintf(l.owner, sizeof l.owner, "%s", owner);
	replay_lead_message(&l, "sms", "ack", NULL, T0, end);
	replay_lead_message(&l, "sms", "followup", NULL, T0 + DAY, end);
	replay_lead_message(&l, "sms", "followup", NULL, T0 + 3 * DAY, end);
	replay_lead_task(&l, "call", owner, "done", T0, T0 + HOUR, T0 + 25 * MIN, end);
	return l;
}

static void
the_same_run_differs_in_nothing(void **state)
{
	replay_lead a = run_of("alice"), b = run_of("alice");
	replay_diff d;
	replay_totals t = { 0 };

	(void)state;
	replay_compare(&a, &b, &d);
	assert_false(d.any);
	replay_total_add(&t, &a, &b, &d, &a);
	assert_int_equal(t.changed, 0);
	assert_int_equal(t.touches_was, 3);
	assert_int_equal(t.real_owner_same, 1);
	assert_int_equal(t.real_touches_same, 1);
}

static void
each_difference_is_named(void **state)
{
	replay_lead was = run_of("alice"), now = run_of("maria");
	replay_diff d;
	replay_totals t = { 0 };

	(void)state;
	/* New rules: the 3-day text is gone, the 24h one goes an hour later as
	 * an email, the call's window is 15 minutes, the lead goes cold. */
	now.nmsgs = 1;
	now.touches = 1;
	replay_lead_message(&now, "sms", "followup", NULL, T0 + DAY + HOUR, T0 + 10 * DAY);
	replay_lead_message(&now, "email", "followup", NULL, T0 + 2 * DAY, T0 + 10 * DAY);
	now.tasks = 0;
	replay_lead_task(&now, "call", "maria", "done", T0, T0 + 15 * MIN, T0 + 25 * MIN,
			 T0 + 10 * DAY);
	now.cold_at = T0 + 7 * DAY;

	replay_compare(&was, &now, &d);
	assert_true(d.any);
	assert_true(d.owner_changed);
	assert_int_equal(d.nmoved, 1);
	assert_int_equal(d.moved[0].from.at, T0 + DAY);
	assert_int_equal(d.moved[0].to.at, T0 + DAY + HOUR);
	assert_int_equal(d.nadded, 1);
	assert_string_equal(d.added[0].channel, "email");
	assert_int_equal(d.nremoved, 1);
	assert_int_equal(d.removed[0].at, T0 + 3 * DAY);
	assert_int_equal(d.nnow_missed, 1);
	assert_int_equal(d.now_missed[0].due, T0 + 15 * MIN);
	assert_int_equal(d.nnow_met, 0);
	assert_true(d.cold_changed);
	assert_int_equal(d.touches_delta, 0);

	/* The other way round: the window is met again. */
	replay_compare(&now, &was, &d);
	assert_int_equal(d.nnow_met, 1);
	assert_int_equal(d.nnow_missed, 0);

	replay_total_add(&t, &was, &now, &d, NULL);
	assert_int_equal(t.changed, 1);
	assert_int_equal(t.owners_changed, 1);
	assert_int_equal(t.cold_was, 0);
	assert_int_equal(t.cold_now, 1);
	assert_int_equal(t.real_owner_same, 0);
}

static void
a_window_missed_in_both_is_no_difference(void **state)
{
	replay_lead was = { 0 }, now = { 0 };
	replay_diff d;

	(void)state;
	/* Nobody called: missed under both rules, due at another time. */
	replay_lead_task(&was, "call", "alice", "open", T0, T0 + HOUR, 0, T0 + DAY);
	replay_lead_task(&now, "call", "alice", "open", T0, T0 + 15 * MIN, 0, T0 + DAY);
	replay_compare(&was, &now, &d);
	assert_int_equal(d.nnow_missed, 0);
	assert_int_equal(d.nnow_met, 0);
	assert_false(d.any);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timeline_becomes_outside_events),
		cmocka_unit_test(inputs_make_the_events_they_stand_for),
		cmocka_unit_test(inputs_over_the_cap_are_counted),
		cmocka_unit_test(inputs_sort_by_time_then_order),
		cmocka_unit_test(messages_and_windows_are_counted),
		cmocka_unit_test(the_same_run_differs_in_nothing),
		cmocka_unit_test(each_difference_is_named),
		cmocka_unit_test(a_window_missed_in_both_is_no_difference),
	};

	return cmocka_run_group_tests(tests, demo_rules_setup, demo_rules_teardown);
}

/*
 * test_engine_delivery.c - decide() on EV_DELIVERY: each outcome's timeline
 * entry, contact flags and task (due in business time, escalated, notified
 * like any other task), the task it settles, and a carrier opt-out that is
 * the very decision a texted STOP makes. Embedded default rules, an
 * injected clock.
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

/* A lead two hours into its new_inquiry sequence, owned by alice. */
static lead_state
lead_in_sequence(void)
{
	lead_state st;

	memset(&st, 0, sizeof st);
	st.lead.id = 12;
	st.lead.name = "Marcus Johnson";
	st.lead.phone = "+13125550199";
	st.lead.email = "marcus@example.com";
	st.lead.source = "web_form";
	st.lead.kind = "new_inquiry";
	st.lead.service = "deck repair";
	st.lead.stage = "new";
	st.lead.status = LEAD_STATUS_OPEN;
	st.lead.owner = "alice";
	st.lead.sequence = "new_inquiry";
	st.lead.sequence_started_at = local(2026, 11, 24, 12, 0);
	st.lead.quote_cents = -1;
	return st;
}

static lead_event
delivery(delivery_outcome o, const char *channel)
{
	lead_event ev = lead_event_init(EV_DELIVERY);

	ev.delivery = o;
	ev.channel = channel;
	ev.to = strcmp(channel, "sms") == 0 ? "+13125550199" : "marcus@example.com";
	ev.text = "Hi Marcus, thanks for contacting...";
	ev.attempts = 1;
	ev.actor = "delivery";
	return ev;
}

static decision *
run(const lead_state *st, const lead_event *ev, int64_t now)
{
	decision *d = NULL;
	char err[256];

	assert_int_equal(decide(st, ev, R, NULL, now, &d, err, sizeof err), DECIDE_OK);
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

static int
count(const decision *d, action_kind kind)
{
	int n = 0;

	for (size_t i = 0; i < decision_count(d); i++)
		n += decision_get(d, i)->kind == kind;
	return n;
}

/* The task's escalation timer and its owner's notification, as every task has. */
static void
assert_task_like_any_other(const decision *d, const action *task)
{
	const action *esc = find(d, ACT_TIMER_SET, 0);
	const action *note = find(d, ACT_OUTBOX, 0);

	assert_non_null(esc);
	assert_int_equal(esc->timer, TIMER_ESCALATE);
	assert_int_equal(esc->level, 0);
	assert_int_equal(esc->task_ref, 0);
	assert_int_equal(esc->at, task->at + R->escalations[0].overdue);
	assert_non_null(note);
	assert_int_equal(note->purpose, PURPOSE_NOTIFY);
	assert_string_equal(note->person, task->person);
	assert_non_null(strstr(note->text, task->text));
	assert_non_null(find_event(d, "task.created"));
}

static void
sent_is_one_timeline_line(void **state)
{
	lead_state st = lead_in_sequence();
	lead_event ev = delivery(DELIVERY_SENT, "sms");
	decision *d;

	(void)state;
	d = run(&st, &ev, local(2026, 11, 24, 14, 2));
	assert_int_equal(decision_count(d), 1);
	assert_string_equal(find_event(d, "message.sent")->text, "Text to Marcus Johnson sent");
	decision_free(d);

	ev.person = "bob";
	ev.channel = "email";
	d = run(&st, &ev, local(2026, 11, 24, 14, 2));
	assert_string_equal(find_event(d, "message.sent")->text,
			    "Email notification to Bob Tran sent");
	decision_free(d);
}

static void
failed_asks_the_owner_to_reach_them_another_way_in_business_time(void **state)
{
	lead_state st = lead_in_sequence();
	lead_event ev = delivery(DELIVERY_FAILED, "sms");
	decision *d;
	const action *task;

	(void)state;
	ev.error = "the carrier reported undelivered, error 30003";
	/* Tuesday 4:55 PM: 15 business minutes end Wednesday 8:10 AM. */
	d = run(&st, &ev, local(2026, 11, 24, 16, 55));
	assert_string_equal(find_event(d, "message.failed")->text,
			    "Text to Marcus Johnson failed: the carrier reported undelivered, error 30003");
	task = find(d, ACT_TASK_CREATE, 0);
	assert_non_null(task);
	assert_string_equal(task->verb, "call");
	assert_string_equal(task->person, "alice");
	assert_string_equal(task->text, "The text to Marcus Johnson failed (the carrier reported "
			    "undelivered, error 30003): reach them another way");
	assert_int_equal(task->at, local(2026, 11, 25, 8, 10));
	assert_task_like_any_other(d, task);
	assert_int_equal(count(d, ACT_SET_FLAGS), 0);
	assert_int_equal(count(d, ACT_SET_OPT_OUT), 0);
	decision_free(d);
}

static void
dead_says_how_many_tries(void **state)
{
	lead_state st = lead_in_sequence();
	lead_event ev = delivery(DELIVERY_DEAD, "sms");
	decision *d;
	const action *task;

	(void)state;
	ev.error = "SMS provider HTTP 503";
	ev.attempts = 8;
	d = run(&st, &ev, local(2026, 11, 24, 14, 2));
	assert_non_null(find_event(d, "message.dead"));
	task = find(d, ACT_TASK_CREATE, 0);
	assert_string_equal(task->text, "The text to Marcus Johnson could not be sent after 8 tries "
			    "(SMS provider HTTP 503): reach them another way");
	assert_int_equal(task->at, local(2026, 11, 24, 14, 17));
	assert_task_like_any_other(d, task);
	decision_free(d);
}

static void
unknown_asks_a_person_to_check_and_never_resends(void **state)
{
	lead_state st = lead_in_sequence();
	lead_event ev = delivery(DELIVERY_UNKNOWN, "sms");
	decision *d;
	const action *task;

	(void)state;
	d = run(&st, &ev, local(2026, 11, 24, 14, 2));
	assert_non_null(strstr(find_event(d, "message.unknown")->text, "Hi Marcus"));
	task = find(d, ACT_TASK_CREATE, 0);
	assert_string_equal(task->verb, "review");
	assert_string_equal(task->text, "Check whether Marcus Johnson got the text \"Hi Marcus, "
			    "thanks for contacting...\": sending was interrupted and it was not resent");
	assert_task_like_any_other(d, task);
	/* Only the owner's notification: nothing goes to the lead again. */
	assert_int_equal(count(d, ACT_OUTBOX), 1);
	decision_free(d);
}

static void
confirmed_closes_the_check_task(void **state)
{
	lead_state st = lead_in_sequence();
	lead_task check = { .id = 42, .verb = "review", .title = "Check whether Marcus Johnson got "
			    "the text", .assignee = "alice", .due_at = local(2026, 11, 24, 14, 17) };
	lead_event ev = delivery(DELIVERY_CONFIRMED, "sms");
	decision *d;
	const action *close;

	(void)state;
	st.tasks = &check;
	st.ntasks = 1;
	ev.task_id = 42;
	d = run(&st, &ev, local(2026, 11, 24, 14, 30));
	close = find(d, ACT_TASK_CLOSE, 0);
	assert_non_null(close);
	assert_int_equal(close->task_id, 42);
	assert_string_equal(close->name, "done");
	assert_non_null(strstr(close->text, "provider confirmed"));
	assert_string_equal(find_event(d, "message.confirmed")->text, "Text to the lead confirmed by "
			    "the provider after an interrupted send: it did go out");
	assert_int_equal(count(d, ACT_TASK_CREATE), 0);
	decision_free(d);

	ev.task_id = 41;	/* not an open task of the lead: nothing to close */
	d = run(&st, &ev, local(2026, 11, 24, 14, 30));
	assert_null(find(d, ACT_TASK_CLOSE, 0));
	decision_free(d);
}

static void
a_failure_after_unknown_supersedes_the_check_task(void **state)
{
	lead_state st = lead_in_sequence();
	lead_task check = { .id = 42, .verb = "review", .title = "Check whether Marcus Johnson got "
			    "the text", .assignee = "alice", .due_at = local(2026, 11, 24, 14, 17) };
	lead_event ev = delivery(DELIVERY_FAILED, "sms");
	decision *d;
	const action *close;

	(void)state;
	st.tasks = &check;
	st.ntasks = 1;
	ev.task_id = 42;
	ev.error = "the carrier reported failed, error 30008";
	d = run(&st, &ev, local(2026, 11, 24, 14, 30));
	close = find(d, ACT_TASK_CLOSE, 0);
	assert_int_equal(close->task_id, 42);
	assert_string_equal(close->name, "cancelled");
	assert_non_null(strstr(close->text, "superseded"));
	assert_non_null(strstr(find(d, ACT_TASK_CREATE, 0)->text, "reach them another way"));
	decision_free(d);
}

static void
an_invalid_phone_is_flagged_once_with_a_fix_task(void **state)
{
	lead_state st = lead_in_sequence();
	lead_event ev = delivery(DELIVERY_INVALID_PHONE, "sms");
	decision *d;
	const action *task;

	(void)state;
	ev.error = "SMS provider HTTP 400, error 21211";
	d = run(&st, &ev, local(2026, 11, 24, 14, 2));
	assert_int_equal(find(d, ACT_SET_FLAGS, 0)->flags, LEAD_PHONE_INVALID);
	assert_non_null(find_event(d, "contact.flagged"));
	assert_non_null(find_event(d, "message.failed"));
	task = find(d, ACT_TASK_CREATE, 0);
	assert_string_equal(task->verb, "review");
	assert_string_equal(task->text, "Fix Marcus Johnson's phone number +13125550199: the SMS "
			    "provider says it is not valid");
	assert_task_like_any_other(d, task);
	decision_free(d);

	st.lead.flags = LEAD_PHONE_INVALID;	/* already flagged: the timeline only */
	d = run(&st, &ev, local(2026, 11, 24, 14, 3));
	assert_null(find(d, ACT_SET_FLAGS, 0));
	assert_null(find(d, ACT_TASK_CREATE, 0));
	assert_non_null(find_event(d, "message.failed"));
	decision_free(d);
}

static void
a_bounce_flags_the_address_and_asks_for_a_call_or_text(void **state)
{
	lead_state st = lead_in_sequence();
	lead_event ev = delivery(DELIVERY_BOUNCED, "email");
	decision *d;
	const action *task;

	(void)state;
	ev.error = "SMTP 550: no such user";
	d = run(&st, &ev, local(2026, 11, 24, 14, 2));
	assert_int_equal(find(d, ACT_SET_FLAGS, 0)->flags, LEAD_EMAIL_INVALID);
	assert_string_equal(find_event(d, "contact.flagged")->text,
			    "Email address flagged: the message bounced");
	task = find(d, ACT_TASK_CREATE, 0);
	assert_string_equal(task->text, "Email to Marcus Johnson bounced (SMTP 550: no such user): "
			    "call or text them and fix the address");
	assert_task_like_any_other(d, task);
	decision_free(d);

	st.lead.sms_opt_out = true;	/* no texts either: only a call is left */
	d = run(&st, &ev, local(2026, 11, 24, 14, 2));
	assert_non_null(strstr(find(d, ACT_TASK_CREATE, 0)->text, ": call them and fix"));
	decision_free(d);
}

static void
a_cancelled_message_says_why(void **state)
{
	lead_state st = lead_in_sequence();
	lead_event ev = delivery(DELIVERY_CANCELLED, "sms");
	decision *d;

	(void)state;
	st.lead.sms_opt_out = true;
	d = run(&st, &ev, local(2026, 11, 24, 14, 2));
	assert_int_equal(decision_count(d), 1);
	assert_string_equal(find_event(d, "message.cancelled")->text,
			    "Text to the lead not sent: Marcus Johnson opted out of texts");
	decision_free(d);

	st.lead.sms_opt_out = false;
	st.lead.flags = LEAD_PHONE_INVALID;
	d = run(&st, &ev, local(2026, 11, 24, 14, 2));
	assert_string_equal(find_event(d, "message.cancelled")->text,
			    "Text to the lead not sent: the phone number is not usable");
	decision_free(d);
}

static void
a_failed_staff_notification_is_checked_once_without_looping(void **state)
{
	lead_state st = lead_in_sequence();
	lead_event ev = delivery(DELIVERY_INVALID_PHONE, "sms");
	lead_task open;
	char title[256];
	decision *d;
	const action *task;

	(void)state;
	ev.person = "alice";	/* the owner's own notification number is wrong */
	ev.to = "+13125550101";
	ev.text = "Call Marcus Johnson by 2:07 PM about deck repair - lead #12...";
	ev.error = "SMS provider HTTP 400, error 21211";
	d = run(&st, &ev, local(2026, 11, 24, 14, 2));
	assert_null(find(d, ACT_SET_FLAGS, 0));	/* says nothing about the lead */
	assert_string_equal(find_event(d, "message.failed")->text, "Text notification to Alice "
			    "Moreno failed: SMS provider HTTP 400, error 21211");
	task = find(d, ACT_TASK_CREATE, 0);
	assert_string_equal(task->verb, "review");
	assert_string_equal(task->person, "alice");
	assert_string_equal(task->text, "Notification to Alice Moreno by text failed (SMS provider "
			    "HTTP 400, error 21211): \"Call Marcus Johnson by 2:07 PM about deck "
			    "repair - lead #12...\"");
	/* Escalated like any task, but not sent by the channel that just failed. */
	assert_int_equal(find(d, ACT_TIMER_SET, 0)->timer, TIMER_ESCALATE);
	assert_null(find(d, ACT_OUTBOX, 0));
	snprintf(title, sizeof title, "%s", task->text);
	open = (lead_task){ .id = 50, .verb = "review", .title = title, .assignee = "alice",
			    .due_at = task->at };
	st.tasks = &open;
	st.ntasks = 1;
	decision_free(d);

	/* The next one (an escalation's notice, say) finds that task open. */
	d = run(&st, &ev, local(2026, 11, 24, 14, 40));
	assert_non_null(find_event(d, "message.failed"));
	assert_null(find(d, ACT_TASK_CREATE, 0));
	assert_null(find(d, ACT_OUTBOX, 0));
	decision_free(d);
}

/* The parts of two decisions that must agree: consent, state, tasks, timers,
 * notifications. Messages to the lead are compared by the caller. */
static void
assert_same_policy(const decision *a, const decision *b)
{
	static const action_kind kinds[] = { ACT_SET_OPT_OUT, ACT_SET_FLAGS, ACT_SET_STATUS,
					     ACT_SET_STAGE, ACT_SET_SEQUENCE, ACT_SET_OWNER,
					     ACT_TASK_CREATE, ACT_TASK_CLOSE, ACT_TIMER_SET,
					     ACT_TIMERS_CANCEL };

	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		assert_int_equal(count(a, kinds[k]), count(b, kinds[k]));
	for (int i = 0; find(a, ACT_TASK_CREATE, i); i++) {
		const action *x = find(a, ACT_TASK_CREATE, i), *y = find(b, ACT_TASK_CREATE, i);

		assert_string_equal(x->verb, y->verb);
		assert_string_equal(x->text, y->text);
		assert_string_equal(x->person, y->person);
		assert_int_equal(x->at, y->at);
	}
	for (int i = 0; find(a, ACT_TIMER_SET, i); i++) {
		const action *x = find(a, ACT_TIMER_SET, i), *y = find(b, ACT_TIMER_SET, i);

		assert_int_equal(x->timer, y->timer);
		assert_int_equal(x->at, y->at);
		assert_int_equal(x->level, y->level);
	}
	for (int i = 0; find(a, ACT_SET_OPT_OUT, i); i++) {
		assert_string_equal(find(a, ACT_SET_OPT_OUT, i)->channel,
				    find(b, ACT_SET_OPT_OUT, i)->channel);
		assert_int_equal(find(a, ACT_SET_OPT_OUT, i)->flag, find(b, ACT_SET_OPT_OUT, i)->flag);
	}
}

static int
count_purpose(const decision *d, outbox_purpose p)
{
	int n = 0;

	for (int i = 0; find(d, ACT_OUTBOX, i); i++)
		n += find(d, ACT_OUTBOX, i)->purpose == p;
	return n;
}

static void
carrier_opt_out_is_the_decision_a_texted_stop_makes(void **state)
{
	lead_state st = lead_in_sequence();
	lead_event stop = lead_event_init(EV_MESSAGE_IN);
	lead_event carrier = delivery(DELIVERY_CARRIER_OPT_OUT, "sms");
	int64_t now = local(2026, 11, 24, 15, 0);
	decision *a, *b;
	const action *task;

	(void)state;
	stop.channel = "sms";
	stop.text = "STOP";
	carrier.error = "SMS provider HTTP 400, error 21610: Attempt to send to unsubscribed recipient";
	a = run(&st, &stop, now);
	b = run(&st, &carrier, now);
	assert_same_policy(a, b);
	assert_true(find(b, ACT_SET_OPT_OUT, 0)->flag);
	assert_non_null(find_event(a, "consent.opted_out"));
	assert_non_null(find_event(b, "consent.opted_out"));
	task = find(b, ACT_TASK_CREATE, 0);
	assert_string_equal(task->verb, "call");
	assert_string_equal(task->person, "alice");
	assert_string_equal(task->text, "Call or email Marcus Johnson: they opted out of texts");
	assert_int_equal(task->at, local(2026, 11, 24, 15, 15));
	assert_task_like_any_other(b, task);
	/* The owner hears of it the same way. */
	assert_int_equal(count_purpose(a, PURPOSE_NOTIFY), count_purpose(b, PURPOSE_NOTIFY));
	assert_string_equal(find(b, ACT_OUTBOX, 0)->text, find(a, ACT_OUTBOX, 1)->text);
	/* One confirmation rule: where it can still reach the lead. Their STOP
	 * reached us: one confirmation. The carrier refused our text: it has
	 * confirmed the STOP itself and would refuse ours too. */
	assert_int_equal(count_purpose(a, PURPOSE_COMPLIANCE), 1);
	assert_int_equal(count_purpose(b, PURPOSE_COMPLIANCE), 0);
	decision_free(a);
	decision_free(b);

	/* Already opted out (the carrier refusing our confirmation of their
	 * STOP): the same as a second STOP - no second task, nothing sent. */
	st.lead.sms_opt_out = true;
	a = run(&st, &stop, now);
	b = run(&st, &carrier, now);
	assert_same_policy(a, b);
	assert_int_equal(count(b, ACT_TASK_CREATE), 0);
	assert_int_equal(count(b, ACT_OUTBOX), 0);
	assert_non_null(find_event(b, "message.failed"));
	decision_free(a);
	decision_free(b);
}

static void
an_opt_out_of_a_closed_lead_is_a_note_not_a_task(void **state)
{
	lead_state st = lead_in_sequence();
	lead_event carrier = delivery(DELIVERY_CARRIER_OPT_OUT, "sms");
	decision *d;

	(void)state;
	st.lead.status = LEAD_STATUS_WON;
	st.lead.sequence = NULL;
	d = run(&st, &carrier, local(2026, 11, 24, 15, 0));
	assert_true(find(d, ACT_SET_OPT_OUT, 0)->flag);
	assert_null(find(d, ACT_TASK_CREATE, 0));
	assert_int_equal(find(d, ACT_OUTBOX, 0)->purpose, PURPOSE_NOTIFY);
	assert_non_null(strstr(find(d, ACT_OUTBOX, 0)->text, "opted out of texts"));
	decision_free(d);
}

/* A landline (30006, 21614): flagged no_texts once; an open text task
 * becomes a call; an acknowledgment goes by email only when the lead did not
 * get the email one already (the demo rules send both). */
static void
a_number_that_cannot_take_texts_is_called_not_texted(void **state)
{
	lead_state st = lead_in_sequence();
	lead_task text = { .id = 41, .verb = "text", .title = "Text Marcus Johnson",
			   .assignee = "alice", .due_at = local(2026, 11, 24, 15, 0) };
	lead_event ev = delivery(DELIVERY_NOT_TEXTABLE, "sms");
	int64_t now = local(2026, 11, 24, 14, 0);
	const action *a;
	decision *d;

	(void)state;
	st.tasks = &text;
	st.ntasks = 1;
	ev.purpose = "ack";
	ev.error = "the carrier reported undelivered, error 30006";
	d = run(&st, &ev, now);
	assert_non_null(a = find(d, ACT_SET_FLAGS, 0));
	assert_int_equal(a->flags, LEAD_NO_TEXTS);
	assert_non_null(a = find(d, ACT_TASK_CLOSE, 0));
	assert_int_equal(a->task_id, 41);
	assert_non_null(a = find(d, ACT_TASK_CREATE, 0));
	assert_string_equal(a->verb, "call");
	assert_non_null(strstr(a->text, "cannot take texts"));
	/* the demo rules' ack_email step went out at intake: not sent twice */
	assert_null(find(d, ACT_OUTBOX, 1));
	decision_free(d);

	/* once flagged, a second report changes nothing but the timeline */
	st.lead.flags = LEAD_NO_TEXTS;
	d = run(&st, &ev, now);
	assert_null(find(d, ACT_SET_FLAGS, 0));
	assert_null(find(d, ACT_TASK_CREATE, 0));
	decision_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sent_is_one_timeline_line),
		cmocka_unit_test(failed_asks_the_owner_to_reach_them_another_way_in_business_time),
		cmocka_unit_test(dead_says_how_many_tries),
		cmocka_unit_test(unknown_asks_a_person_to_check_and_never_resends),
		cmocka_unit_test(confirmed_closes_the_check_task),
		cmocka_unit_test(a_failure_after_unknown_supersedes_the_check_task),
		cmocka_unit_test(an_invalid_phone_is_flagged_once_with_a_fix_task),
		cmocka_unit_test(a_bounce_flags_the_address_and_asks_for_a_call_or_text),
		cmocka_unit_test(a_cancelled_message_says_why),
		cmocka_unit_test(a_failed_staff_notification_is_checked_once_without_looping),
		cmocka_unit_test(carrier_opt_out_is_the_decision_a_texted_stop_makes),
		cmocka_unit_test(an_opt_out_of_a_closed_lead_is_a_note_not_a_task),
		cmocka_unit_test(a_number_that_cannot_take_texts_is_called_not_texted),
	};

	return cmocka_run_group_tests(tests, demo_rules_setup, demo_rules_teardown);
}

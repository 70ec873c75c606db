/*
 * test_engine_pause.c - pausing and resuming a lead's automation (EV_PAUSE,
 * EV_RESUME, engine_pause.c): the step waiting is held and its timer
 * cancelled, tasks stay, a paused lead runs no step and holds a sequence
 * started meanwhile, a resume plans the held step later by the pause (never
 * past a contact made meanwhile) or runs it now, the refusals. Then the same
 * through the flow on a real store: what is written and read back. On the
 * embedded default rules and an injected clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/bizclock.h"
#include "core/engine_internal.h"
#include "demo_store.h"
#include "flow/flow.h"

static rules *R;

static int
setup(void **state)
{
	rules_diags d = { 0 };

	(void)state;
	R = rules_load_string(rules_default_yaml, strlen(rules_default_yaml), "default", &d);
	rules_diags_free(&d);
	return R ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	rules_free(R);
	return 0;
}

static int64_t
local(int y, int mo, int d, int h, int mi)
{
	int64_t t;

	tz_from_local(R->business.zone, y, mo, d, h, mi, &t);
	return t;
}

static const lead_task TASKS[] = {
	{ .id = 7, .verb = "call", .title = "Call Marcus Johnson by 2:10 PM", .assignee = "alice" },
};

/* An open lead owned by alice whose new_inquiry sequence started Tue Nov 24
 * 2026 14:00 (its immediate steps ran; step 4, the 24 h check-in, waits),
 * with one open call task. */
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
	st.lead.sequence = "new_inquiry";
	st.lead.sequence_started_at = st.lead.created_at;
	st.lead.plan = 1;
	st.tasks = TASKS;
	st.ntasks = 1;
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

static decision *
run(const lead_state *st, lead_event ev, int64_t now, decide_result want, char *err,
    size_t errlen)
{
	decision *d = NULL;

	assert_int_equal(decide(st, &ev, R, NULL, now, &d, err, errlen), want);
	return d;
}

static int64_t
step_at(const char *seq, int k, int64_t start)
{
	const rules_sequence *s = rules_sequence_find(R, seq);

	assert_non_null(s);
	return bizclock_add_offset(&R->business, start, s->steps[k].at);
}

/* The id of step k of sequence seq: what a pause holds. */
static const char *
step_id(const char *seq, int k)
{
	const rules_sequence *s = rules_sequence_find(R, seq);

	assert_non_null(s);
	return s->steps[k].id;
}

/* --- pausing -------------------------------------------------------------------------- */

static void
pause_holds_the_waiting_step_and_cancels_its_timer(void **state)
{
	lead_state st = a_lead();
	int64_t now = local(2026, 11, 24, 16, 0);
	lead_event ev = lead_event_init(EV_PAUSE);
	const action *a;
	char err[256];
	decision *d;

	(void)state;
	ev.actor = "alice";
	ev.reason = "away until Friday";
	d = run(&st, ev, now, DECIDE_OK, err, sizeof err);
	assert_non_null(a = find(d, ACT_TIMERS_CANCEL, 0));
	assert_int_equal(a->timer, TIMER_STEP);
	assert_int_equal(a->task_id, 0);
	assert_non_null(a = find(d, ACT_SET_PAUSED, 0));
	assert_int_equal(a->at, now);
	assert_string_equal(a->step_id, step_id("new_inquiry", 3));	/* the 24 h check-in */
	assert_non_null(a = event(d, "automation.paused"));
	assert_non_null(strstr(a->text, "away until Friday"));
	assert_non_null(strstr(a->text, "step 4 of new_inquiry (a text, checkin)"));
	/* tasks stay: nothing closed, no escalation cancelled, no new task */
	assert_int_equal(count(d, ACT_TASK_CLOSE), 0);
	assert_int_equal(count(d, ACT_TASK_CREATE), 0);
	assert_int_equal(count(d, ACT_TIMERS_CANCEL), 1);
	/* nothing sent, the sequence kept */
	assert_int_equal(count(d, ACT_OUTBOX), 0);
	assert_int_equal(count(d, ACT_SET_SEQUENCE), 0);
	decision_free(d);
}

static void
pause_holds_the_step_its_pending_timer_names(void **state)
{
	lead_state st = a_lead();
	lead_event ev = lead_event_init(EV_PAUSE);
	decision *d;

	(void)state;
	/* the flow passes the pending step timer: step 5, say (the check-in was
	 * skipped), not the first step not due yet */
	ev.sequence = "new_inquiry";
	ev.step_id = step_id("new_inquiry", 4);
	ev.step = 4;
	d = run(&st, ev, local(2026, 11, 24, 16, 0), DECIDE_OK, NULL, 0);
	assert_string_equal(find(d, ACT_SET_PAUSED, 0)->step_id, step_id("new_inquiry", 4));
	assert_non_null(strstr(event(d, "automation.paused")->text, "step 5 of new_inquiry"));
	decision_free(d);
}

static void
pause_with_no_task_gives_the_owner_the_next_step_to_decide(void **state)
{
	lead_state st = a_lead();
	const action *a;
	decision *d;

	(void)state;
	st.ntasks = 0;
	d = run(&st, lead_event_init(EV_PAUSE), local(2026, 11, 24, 16, 0), DECIDE_OK, NULL, 0);
	assert_non_null(a = find(d, ACT_TASK_CREATE, 0));
	assert_string_equal(a->person, "alice");
	assert_non_null(strstr(a->text, ENGINE_DECIDE_TITLE));
	decision_free(d);
}

static void
pause_without_a_sequence_holds_nothing(void **state)
{
	lead_state st = a_lead();
	const action *a;
	decision *d;

	(void)state;
	st.lead.sequence = NULL;
	d = run(&st, lead_event_init(EV_PAUSE), local(2026, 11, 24, 16, 0), DECIDE_OK, NULL, 0);
	assert_int_equal(count(d, ACT_TIMERS_CANCEL), 0);
	assert_non_null(a = find(d, ACT_SET_PAUSED, 0));
	assert_null(a->step_id);
	assert_non_null(strstr(event(d, "automation.paused")->text, "no automated step was waiting"));
	decision_free(d);
}

static void
pause_twice_and_resume_unpaused_are_refused(void **state)
{
	lead_state st = a_lead();
	char err[256];

	(void)state;
	assert_null(run(&st, lead_event_init(EV_RESUME), local(2026, 11, 24, 16, 0),
			DECIDE_CONFLICT, err, sizeof err));
	assert_string_equal(err, "The automation of this lead is not paused.");
	st.lead.paused_at = local(2026, 11, 24, 15, 0);
	st.lead.paused_step = step_id("new_inquiry", 3);
	assert_null(run(&st, lead_event_init(EV_PAUSE), local(2026, 11, 24, 16, 0),
			DECIDE_CONFLICT, err, sizeof err));
	assert_string_equal(err, "The automation of this lead is paused already.");
}

static void
a_paused_lead_runs_no_step(void **state)
{
	lead_state st = a_lead();
	lead_event ev = lead_event_init(EV_TIMER);
	decision *d;

	(void)state;
	st.lead.paused_at = local(2026, 11, 24, 15, 0);
	st.lead.paused_step = step_id("new_inquiry", 3);
	ev.timer = TIMER_STEP;
	ev.sequence = "new_inquiry";
	ev.step = 3;
	ev.step_id = step_id("new_inquiry", 3);
	ev.plan = st.lead.plan;
	ev.due_at = step_at("new_inquiry", 3, st.lead.sequence_started_at);
	d = run(&st, ev, ev.due_at, DECIDE_OK, NULL, 0);
	assert_int_equal(count(d, ACT_OUTBOX), 0);
	assert_int_equal(count(d, ACT_TIMER_SET), 0);
	decision_free(d);
}

static void
a_sequence_started_while_paused_is_held_from_its_first_step(void **state)
{
	lead_state st = a_lead();
	int64_t paused = local(2026, 11, 24, 15, 0);
	lead_event ev = lead_event_init(EV_STAGE);
	const action *a;
	decision *d;

	(void)state;
	st.lead.paused_at = paused;
	st.lead.paused_step = step_id("new_inquiry", 3);
	ev.stage = "quoted";
	ev.amount_cents = 125000;
	ev.actor = "bob";
	d = run(&st, ev, local(2026, 11, 25, 10, 0), DECIDE_OK, NULL, 0);
	assert_non_null(a = find(d, ACT_SET_SEQUENCE, 0));
	assert_string_equal(a->name, "quote_sent");
	for (size_t i = 0; i < decision_count(d); i++)		/* no step planned */
		assert_false(decision_get(d, i)->kind == ACT_TIMER_SET &&
			     decision_get(d, i)->timer == TIMER_STEP);
	assert_non_null(a = find(d, ACT_SET_PAUSED, 0));
	assert_int_equal(a->at, paused);			/* still paused since then */
	assert_string_equal(a->step_id, step_id("quote_sent", 0));
	assert_non_null(strstr(event(d, "sequence.started")->text, "held"));
	decision_free(d);
}

/* --- resuming --------------------------------------------------------------------------- */

static void
resume_plans_the_held_step_later_by_the_pause(void **state)
{
	lead_state st = a_lead();
	int64_t start = st.lead.sequence_started_at;
	int64_t paused = local(2026, 11, 24, 16, 0), now = local(2026, 11, 27, 16, 0);
	const action *a;
	decision *d;

	(void)state;
	st.lead.paused_at = paused;
	st.lead.paused_step = step_id("new_inquiry", 3);
	d = run(&st, lead_event_init(EV_RESUME), now, DECIDE_OK, NULL, 0);
	assert_non_null(a = find(d, ACT_SET_PAUSED, 0));
	assert_int_equal(a->at, 0);
	assert_null(a->step_id);
	assert_non_null(a = find(d, ACT_SET_SEQUENCE, 0));
	assert_string_equal(a->name, "new_inquiry");
	assert_int_equal(a->at, start + (now - paused));	/* the schedule moves by 3 days */
	assert_non_null(a = find(d, ACT_TIMER_SET, 0));
	assert_int_equal(a->timer, TIMER_STEP);
	assert_string_equal(a->name, "new_inquiry");
	assert_int_equal(a->step, 3);
	assert_string_equal(a->step_id, step_id("new_inquiry", 3));
	assert_int_equal(a->at, step_at("new_inquiry", 3, start + (now - paused)));
	assert_true(a->at > now);
	assert_int_equal(count(d, ACT_OUTBOX), 0);
	assert_non_null(strstr(event(d, "automation.resumed")->text,
			       "Automation resumed after 3 d: step 4 of new_inquiry (a text, checkin) "
			       "is due"));
	decision_free(d);
}

static void
resume_keeps_a_contact_made_while_paused_in_view(void **state)
{
	lead_state st = a_lead();
	int64_t touched = local(2026, 11, 25, 9, 0);
	const action *a;
	decision *d;

	(void)state;
	st.lead.paused_at = local(2026, 11, 24, 16, 0);
	st.lead.paused_step = step_id("new_inquiry", 3);
	st.lead.last_touch_at = touched;	/* alice called them meanwhile */
	d = run(&st, lead_event_init(EV_RESUME), local(2026, 11, 27, 16, 0), DECIDE_OK, NULL, 0);
	/* the start moves no further than the call: `unless: touched` still sees
	 * it, so the check-in (due by then) is skipped now and the next planned */
	assert_non_null(a = find(d, ACT_SET_SEQUENCE, 0));
	assert_int_equal(a->at, touched);
	assert_non_null(strstr(event(d, "step.skipped")->text, "someone already contacted the lead"));
	assert_int_equal(count(d, ACT_OUTBOX), 0);
	assert_non_null(a = find(d, ACT_TIMER_SET, 0));
	assert_int_equal(a->step, 4);
	assert_int_equal(a->at, step_at("new_inquiry", 4, touched));
	decision_free(d);
}

static void
resume_moves_the_schedule_past_a_task_no_step_asks_about(void **state)
{
	lead_state st = a_lead();
	int64_t start = st.lead.sequence_started_at;
	int64_t paused = local(2026, 11, 24, 16, 0), now = local(2026, 11, 27, 16, 0);
	const action *a;
	decision *d;

	(void)state;
	st.lead.paused_at = paused;
	st.lead.paused_step = step_id("new_inquiry", 3);
	/* "no answer" on the first call: a task done, not a contact; no step of
	 * new_inquiry has `unless: task_done`, so it does not hold the start
	 * back, and the check-in and the 3 d text do not both go out at once */
	st.lead.last_task_done_at = local(2026, 11, 24, 14, 10);
	d = run(&st, lead_event_init(EV_RESUME), now, DECIDE_OK, NULL, 0);
	assert_int_equal(find(d, ACT_SET_SEQUENCE, 0)->at, start + (now - paused));
	assert_int_equal(count(d, ACT_OUTBOX), 0);
	assert_non_null(a = find(d, ACT_TIMER_SET, 0));
	assert_string_equal(a->step_id, step_id("new_inquiry", 3));
	decision_free(d);
}

static void
resume_runs_the_immediate_steps_of_a_sequence_started_while_paused(void **state)
{
	lead_state st = a_lead();
	int64_t now = local(2026, 11, 26, 10, 0);
	const action *a;
	decision *d;

	(void)state;
	st.lead.sequence = "no_show";		/* a text and a call task, both at 0m */
	st.lead.sequence_started_at = local(2026, 11, 25, 11, 0);
	st.lead.paused_at = local(2026, 11, 24, 16, 0);
	st.lead.paused_step = step_id("no_show", 0);
	st.ntasks = 0;
	d = run(&st, lead_event_init(EV_RESUME), now, DECIDE_OK, NULL, 0);
	assert_non_null(a = find(d, ACT_SET_SEQUENCE, 0));
	assert_int_equal(a->at, now);		/* held since it started: from now */
	assert_non_null(a = find(d, ACT_OUTBOX, 0));
	assert_string_equal(a->channel, "sms");
	assert_non_null(a = find(d, ACT_TASK_CREATE, 0));
	assert_string_equal(a->verb, "call");
	assert_non_null(strstr(event(d, "automation.resumed")->text, "step 1 of no_show (a text, "
			       "no_show) runs now"));
	assert_non_null(event(d, "sequence.finished"));	/* its last step ran */
	decision_free(d);
}

static void
resume_with_nothing_held(void **state)
{
	lead_state st = a_lead();
	decision *d;

	(void)state;
	st.lead.sequence = NULL;
	st.lead.paused_at = local(2026, 11, 24, 16, 0);
	d = run(&st, lead_event_init(EV_RESUME), local(2026, 11, 24, 18, 0), DECIDE_OK, NULL, 0);
	assert_int_equal(find(d, ACT_SET_PAUSED, 0)->at, 0);
	assert_int_equal(count(d, ACT_TIMER_SET), 0);
	assert_non_null(strstr(event(d, "automation.resumed")->text,
			       "Automation resumed after 2 h: no sequence runs"));
	decision_free(d);
}

/* --- through the flow, on a real store ------------------------------------------------------ */

static int64_t
one(demo_store *f, const char *sql, int64_t arg)
{
	return demo_one(f->s, sql, arg);
}

/* The first column of sql's first row as text (kept until the next call). */
static const char *
text(demo_store *f, const char *sql, int64_t arg)
{
	static char buf[128];

	demo_text(f->s, sql, arg, buf, sizeof buf);
	return buf;
}

static flow_result
event_at(demo_store *f, int64_t lead_id, lead_event_kind kind, int64_t at, char *err,
	 size_t errlen)
{
	lead_event ev = lead_event_init(kind);
	flow_result rc;

	ev.actor = "alice";
	assert_int_equal(store_begin(f->s), 0);
	rc = flow_event(f->s, f->bid, f->r, lead_id, &ev, at, NULL, err, errlen);
	if (rc == FLOW_OK)
		assert_int_equal(store_commit(f->s), 0);
	else
		store_rollback(f->s);
	return rc;
}

static void
pause_and_resume_through_the_flow(void **state)
{
	demo_store f = { 0 };
	intake_lead in = { .name = "Marcus Johnson", .phone = "(312) 555-0199",
			   .source = "web_form", .owner = "alice" };
	const char *pending = "SELECT count(*) FROM timers WHERE lead_id = ?1 AND kind = 'step'"
			      " AND state = 'pending'";
	flow_out out;
	char err[256];
	int64_t id, later;

	(void)state;
	demo_store_open(&f);
	assert_int_equal(store_begin(f.s), 0);
	assert_int_equal(flow_intake(f.s, f.bid, f.r, &in, f.t0, &out, err, sizeof err), FLOW_OK);
	assert_int_equal(store_commit(f.s), 0);
	id = out.lead_id;
	assert_int_equal(one(&f, pending, id), 1);
	assert_int_equal(event_at(&f, id, EV_PAUSE, f.t0 + 3600, err, sizeof err), FLOW_OK);
	assert_int_equal(one(&f, pending, id), 0);
	assert_int_equal(one(&f, "SELECT paused_at FROM leads WHERE id = ?1", id), f.t0 + 3600);
	assert_string_equal(text(&f, "SELECT paused_step FROM leads WHERE id = ?1", id),
			    step_id("new_inquiry", 3));
	assert_int_equal(one(&f, "SELECT count(*) FROM tasks WHERE lead_id = ?1 AND state = 'open'",
			     id), 1);
	assert_int_equal(one(&f, "SELECT count(*) FROM events WHERE lead_id = ?1"
			     " AND type = 'automation.paused' AND actor = 'alice'", id), 1);
	/* the lead as the engine reads it back */
	assert_int_equal(event_at(&f, id, EV_PAUSE, f.t0 + 7200, err, sizeof err), FLOW_CONFLICT);
	later = f.t0 + 3600 + 2 * 86400;
	assert_int_equal(event_at(&f, id, EV_RESUME, later, err, sizeof err), FLOW_OK);
	assert_int_equal(one(&f, "SELECT paused_at FROM leads WHERE id = ?1", id), 0);
	assert_int_equal(one(&f, "SELECT paused_step IS NULL FROM leads WHERE id = ?1", id), 1);
	assert_int_equal(one(&f, pending, id), 1);
	assert_int_equal(one(&f, "SELECT step FROM timers WHERE lead_id = ?1 AND kind = 'step'"
			     " AND state = 'pending'", id), 3);
	/* the new timer belongs to the lead's plan: it will run */
	assert_int_equal(one(&f, "SELECT t.plan = l.plan FROM timers t JOIN leads l ON l.id = t.lead_id"
			     " WHERE t.lead_id = ?1 AND t.kind = 'step' AND t.state = 'pending'", id), 1);
	assert_true(one(&f, "SELECT due_at FROM timers WHERE lead_id = ?1 AND kind = 'step'"
			" AND state = 'pending'", id) > later);
	assert_int_equal(demo_count(f.s, "SELECT count(*) FROM events WHERE type = 'automation.resumed'"),
			 1);
	assert_int_equal(event_at(&f, id, EV_RESUME, later + 60, err, sizeof err), FLOW_CONFLICT);
	assert_int_equal(demo_store_close(&f), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pause_holds_the_waiting_step_and_cancels_its_timer),
		cmocka_unit_test(pause_holds_the_step_its_pending_timer_names),
		cmocka_unit_test(pause_with_no_task_gives_the_owner_the_next_step_to_decide),
		cmocka_unit_test(pause_without_a_sequence_holds_nothing),
		cmocka_unit_test(pause_twice_and_resume_unpaused_are_refused),
		cmocka_unit_test(a_paused_lead_runs_no_step),
		cmocka_unit_test(a_sequence_started_while_paused_is_held_from_its_first_step),
		cmocka_unit_test(resume_plans_the_held_step_later_by_the_pause),
		cmocka_unit_test(resume_keeps_a_contact_made_while_paused_in_view),
		cmocka_unit_test(resume_moves_the_schedule_past_a_task_no_step_asks_about),
		cmocka_unit_test(resume_runs_the_immediate_steps_of_a_sequence_started_while_paused),
		cmocka_unit_test(resume_with_nothing_held),
		cmocka_unit_test(pause_and_resume_through_the_flow),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

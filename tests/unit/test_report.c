/*
 * test_report.c - the report's figures against values computed by hand, on
 * one fixed week of six leads made through the real flow and engine on a
 * virtual clock (never rows written by hand); and, on its own database, a
 * lead nobody calls with the scheduler run on that clock (escalations). The demo business: Chicago,
 * open Mon-Fri 08:00-17:00 and Sat 09:00-12:00.
 *
 *   A  Tue 14:02 alice   reached by a call at 14:06
 *   B  Tue 14:12 alice   no answer at 14:42, reached at 16:12 (2 calls)
 *   C  Tue 16:50 bob     nobody acts
 *   D  Tue 14:03 bob     lost (price) Wed 14:03, nobody called
 *   E  Tue 14:04 alice   visited Wed 10:00 (quote $1,200), won Thu 10:00
 *   F  Tue 18:00 bob     arrived after closing, reached Wed 08:30
 *
 * The report runs at Fri 2026-11-27 16:00 over Mon 11-23 00:00 .. now.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/engine.h"
#include "demo_store.h"
#include "flow/flow.h"
#include "report/report.h"
#include "sched/sched.h"

typedef struct {
	demo_store d;
	int64_t a, b, c, dd, e, f;
	json_t *doc, *card;
} fixture;

static int64_t
at(fixture *x, int day, int h, int m)
{
	int64_t t;

	tz_from_local(x->d.r->business.zone, 2026, 11, day, h, m, &t);
	return t;
}

static int64_t
new_lead(fixture *x, const char *name, const char *phone, const char *owner, int64_t when)
{
	intake_lead in = { .name = name, .phone = phone, .source = "web_form", .owner = owner };
	flow_out res;
	char err[256];

	assert_int_equal(store_begin(x->d.s), 0);
	assert_int_equal(flow_intake(x->d.s, x->d.bid, x->d.r, &in, when, &res, err, sizeof err),
			 FLOW_OK);
	assert_int_equal(store_commit(x->d.s), 0);
	return res.lead_id;
}

static void
event(fixture *x, int64_t id, lead_event ev, int64_t when)
{
	char err[256];

	assert_int_equal(store_begin(x->d.s), 0);
	if (flow_event(x->d.s, x->d.bid, x->d.r, id, &ev, when, NULL, err, sizeof err) != FLOW_OK)
		fail_msg("%s", err);
	assert_int_equal(store_commit(x->d.s), 0);
}

static void
call(fixture *x, int64_t id, const char *who, const char *outcome, int64_t when)
{
	lead_event ev = lead_event_init(EV_CALL_LOGGED);

	ev.actor = who;
	ev.outcome = outcome;
	event(x, id, ev, when);
}

static void
stage(fixture *x, int64_t id, const char *who, const char *to, const char *reason,
      int64_t amount, int64_t when)
{
	lead_event ev = lead_event_init(EV_STAGE);

	ev.actor = who;
	ev.stage = to;
	ev.reason = reason;
	ev.amount_cents = amount;
	event(x, id, ev, when);
}

static int
setup(void **state)
{
	fixture *x = calloc(1, sizeof *x);
	lead_event ev;
	report_options o = { .by = REPORT_BY_OWNER };
	char err[256];

	demo_store_open(&x->d);
	x->a = new_lead(x, "Ann Able", "3125550201", "alice", at(x, 24, 14, 2));
	x->dd = new_lead(x, "Dee Dunn", "3125550204", "bob", at(x, 24, 14, 3));
	x->e = new_lead(x, "Eve Eng", "3125550205", "alice", at(x, 24, 14, 4));
	call(x, x->a, "alice", "reached", at(x, 24, 14, 6));
	x->b = new_lead(x, "Ben Best", "3125550202", "alice", at(x, 24, 14, 12));
	call(x, x->b, "alice", "no_answer", at(x, 24, 14, 42));
	call(x, x->b, "alice", "reached", at(x, 24, 16, 12));
	x->c = new_lead(x, "Cy Cole", "3125550203", "bob", at(x, 24, 16, 50));
	x->f = new_lead(x, "Fay Fox", "3125550206", "bob", at(x, 24, 18, 0));
	call(x, x->f, "bob", "reached", at(x, 25, 8, 30));
	ev = lead_event_init(EV_VISIT_LOGGED);
	ev.actor = "alice";
	ev.outcome = "quoted";
	ev.amount_cents = 120000;
	event(x, x->e, ev, at(x, 25, 10, 0));
	stage(x, x->dd, "bob", "lost", "price", -1, at(x, 25, 14, 3));
	stage(x, x->e, "alice", "won", NULL, 120000, at(x, 26, 10, 0));

	o.from = at(x, 23, 0, 0);
	o.now = o.to = at(x, 27, 16, 0);
	x->doc = report_build(x->d.s, x->d.bid, x->d.r, &o, err, sizeof err);
	if (x->doc == NULL)
		fail_msg("%s", err);
	x->card = report_scorecard(x->d.s, x->d.bid, x->d.r, &o, err, sizeof err);
	if (x->card == NULL)
		fail_msg("%s", err);
	if (getenv("LK_REPORT_DUMP")) {
		json_dumpf(x->doc, stdout, JSON_INDENT(1));
		json_dumpf(x->card, stdout, JSON_INDENT(1));
	}
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	fixture *x = *state;
	int rc;

	json_decref(x->doc);
	json_decref(x->card);
	rc = demo_store_close(&x->d);
	free(x);
	return rc;
}

/* doc at a dotted path ("a.b.0.c"). */
static json_t *
get(json_t *doc, const char *path)
{
	char buf[256], *save = NULL;
	json_t *v = doc;

	snprintf(buf, sizeof buf, "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k != NULL && v != NULL;
	     k = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(k)) : json_object_get(v, k);
	if (v == NULL)
		fail_msg("no %s in the report", path);
	return v;
}

static void
assert_int_at(json_t *doc, const char *path, json_int_t want)
{
	json_t *v = get(doc, path);

	if (!json_is_integer(v) || json_integer_value(v) != want)
		fail_msg("%s: want %lld, got %s", path, (long long)want,
			 json_is_integer(v) ? "another number" : "not an integer");
}

static void
assert_share(json_t *doc, const char *path, int num, int den)
{
	json_t *v = get(doc, path);
	double want = (double)num / den;

	if (!json_is_real(v) || json_real_value(v) < want - 1e-9 || json_real_value(v) > want + 1e-9)
		fail_msg("%s: want %d/%d", path, num, den);
}

/* Arrival to the automated acknowledgment: every lead's ack left at once
 * (ack_any_hour: F's too, at 18:00). */
static void
speed_acknowledged_is_immediate_for_all(void **state)
{
	fixture *x = *state;

	assert_int_at(x->doc, "speed_to_lead.acknowledged.all.leads", 6);
	assert_int_at(x->doc, "speed_to_lead.acknowledged.all.wall.count", 6);
	assert_int_at(x->doc, "speed_to_lead.acknowledged.all.wall.max_s", 0);
	assert_share(x->doc, "speed_to_lead.acknowledged.all.wall.share.5m", 6, 6);
	assert_share(x->doc, "speed_to_lead.acknowledged.all.business.share.never", 0, 6);
}

/* First attempts: A 4 min, B 30 min, F 14 h 30 min (Tue 18:00 -> Wed
 * 08:30), E 19 h 56 min (the visit, Tue 14:04 -> Wed 10:00); C and D never.
 * Sorted 240, 1800, 52200, 71760: median (rank 2) 1800, p90 (rank 4) 71760.
 * Business time: A 240, B 1800, F 30 min (Wed 08:00-08:30), E 2 h 56 min
 * Tuesday + 2 h Wednesday = 17760. */
static void
speed_attempted_wall_and_business(void **state)
{
	fixture *x = *state;

	assert_int_at(x->doc, "speed_to_lead.attempted.all.wall.count", 4);
	assert_int_at(x->doc, "speed_to_lead.attempted.all.wall.median_s", 1800);
	assert_int_at(x->doc, "speed_to_lead.attempted.all.wall.p90_s", 71760);
	assert_int_at(x->doc, "speed_to_lead.attempted.all.wall.max_s", 71760);
	assert_share(x->doc, "speed_to_lead.attempted.all.wall.share.5m", 1, 6);
	assert_share(x->doc, "speed_to_lead.attempted.all.wall.share.15m", 1, 6);
	assert_share(x->doc, "speed_to_lead.attempted.all.wall.share.1h", 2, 6);
	assert_share(x->doc, "speed_to_lead.attempted.all.wall.share.24h", 4, 6);
	assert_share(x->doc, "speed_to_lead.attempted.all.wall.share.never", 2, 6);
	assert_int_at(x->doc, "speed_to_lead.attempted.all.business.median_s", 1800);
	assert_int_at(x->doc, "speed_to_lead.attempted.all.business.max_s", 17760);
	assert_share(x->doc, "speed_to_lead.attempted.all.business.share.1h", 3, 6);
}

/* First contact: B was reached only at 16:12 (2 h after arrival; its 14:42
 * call got no answer). Sorted 240, 7200, 52200, 71760; business 240, 1800,
 * 7200, 17760. By owner: alice's A, B, E (median 7200), bob's F only. */
static void
speed_reached_and_by_owner(void **state)
{
	fixture *x = *state;

	assert_int_at(x->doc, "speed_to_lead.reached.all.wall.median_s", 7200);
	assert_share(x->doc, "speed_to_lead.reached.all.wall.share.1h", 1, 6);
	assert_int_at(x->doc, "speed_to_lead.reached.all.business.median_s", 1800);
	assert_share(x->doc, "speed_to_lead.reached.all.business.share.1h", 2, 6);
	assert_int_at(x->doc, "speed_to_lead.reached.by.alice.leads", 3);
	assert_int_at(x->doc, "speed_to_lead.reached.by.alice.wall.median_s", 7200);
	assert_int_at(x->doc, "speed_to_lead.reached.by.bob.leads", 3);
	assert_int_at(x->doc, "speed_to_lead.reached.by.bob.wall.count", 1);
	assert_int_at(x->doc, "speed_to_lead.reached.by.bob.wall.median_s", 52200);
}

/* Tasks due in the period. alice: A's call (due 14:07, done 14:06: in
 * time), B's first call (due 14:17, done 14:42: late), B's call again (due
 * 16:42, done 16:12: in time), E's call (due 14:09, superseded by the visit
 * Wed 10:00: late), and A's and B's "decide the next step" (open, past due).
 * bob: D's call (cancelled when D was lost: in none of the columns), C's call
 * (open, past due), F's call (due Wed 08:05, done 08:30: late), F's next
 * step (open, past due). No timer fired in this test: no escalations. */
static void
response_windows_per_person(void **state)
{
	fixture *x = *state;

	assert_int_at(x->doc, "response_windows.due", 10);
	assert_int_at(x->doc, "response_windows.done_in_window", 2);
	assert_int_at(x->doc, "response_windows.done_late", 3);
	assert_int_at(x->doc, "response_windows.open_past_due", 4);
	assert_int_at(x->doc, "response_windows.escalations", 0);
	assert_share(x->doc, "response_windows.compliance", 2, 10);
	assert_string_equal(json_string_value(get(x->doc, "response_windows.by_person.0.person")),
			    "alice");
	assert_int_at(x->doc, "response_windows.by_person.0.due", 6);
	assert_int_at(x->doc, "response_windows.by_person.0.done_in_window", 2);
	assert_int_at(x->doc, "response_windows.by_person.1.due", 4);
	assert_int_at(x->doc, "response_windows.by_person.1.done_late", 1);
	assert_int_at(x->doc, "response_windows.by_person.1.open_past_due", 2);
}

/* alice: done 4, taking 240, 1800, 5400 and 71760 s from creation: median
 * (rank 2) 1800; 3 calls (A 1, B 2) for 3 leads reached (E by a visit). */
static void
owners_accountability(void **state)
{
	fixture *x = *state;

	assert_int_at(x->doc, "owners.0.open", 2);
	assert_int_at(x->doc, "owners.0.done", 4);
	assert_int_at(x->doc, "owners.0.overdue", 2);
	assert_int_at(x->doc, "owners.0.median_completion_s", 1800);
	assert_int_at(x->doc, "owners.0.leads_reached", 3);
	assert_true(json_real_value(get(x->doc, "owners.0.calls_per_reach")) == 1.0);
	assert_int_at(x->doc, "owners.1.done", 1);
	assert_int_at(x->doc, "owners.1.median_completion_s", 52200);
}

/* C: nobody acted, 2 d 23 h 10 min old. All four open leads are still in
 * stage new (a call does not move the stage), whose stale_after is 2 d: A idle
 * since Tue 14:06 (3 d 1 h 54 min), B since 16:12 (2 d 23 h 48 min), C since
 * 16:50 (2 d 23 h 10 min), F since Wed 08:30 (2 d 7 h 30 min) - all stale,
 * listed by arrival. Cost: 4 leads (C is unworked and stale, counted once) x
 * $850 x 30% = $1,020. */
static void
unworked_stale_and_their_cost(void **state)
{
	fixture *x = *state;

	assert_int_at(x->doc, "unworked.count", 1);
	assert_int_at(x->doc, "unworked.leads.0.id", x->c);
	assert_int_at(x->doc, "unworked.leads.0.age_s", 256200);
	assert_int_at(x->doc, "stale.count", 4);
	assert_int_at(x->doc, "stale.leads.0.id", x->a);
	assert_int_at(x->doc, "stale.leads.0.idle_s", 266040);
	assert_int_at(x->doc, "stale.leads.1.id", x->b);
	assert_int_at(x->doc, "stale.leads.1.idle_s", 258480);
	assert_int_at(x->doc, "stale.leads.2.id", x->c);
	assert_int_at(x->doc, "stale.leads.2.idle_s", 256200);
	assert_int_at(x->doc, "stale.leads.3.id", x->f);
	assert_int_at(x->doc, "stale.leads.3.idle_s", 199800);
	assert_int_at(x->doc, "missed_lead_cost.leads", 4);
	assert_int_at(x->doc, "missed_lead_cost.value_cents", 102000);
}

/* Won 1 (E, $1,200, Tue 14:04 -> Thu 10:00 = 43 h 56 min), lost 1 (D,
 * price), open 4. */
static void
conversion_and_loss(void **state)
{
	fixture *x = *state;

	assert_int_at(x->doc, "conversion.all.leads", 6);
	assert_int_at(x->doc, "conversion.all.won", 1);
	assert_int_at(x->doc, "conversion.all.lost", 1);
	assert_int_at(x->doc, "conversion.all.open", 4);
	assert_int_at(x->doc, "conversion.all.value_won_cents", 120000);
	assert_int_at(x->doc, "conversion.all.median_time_to_win_s", 158160);
	assert_int_at(x->doc, "conversion.all.lost_reasons.price", 1);
	assert_int_at(x->doc, "conversion.by_source.web_form.won", 1);
}

/* A, B and F were called, yet nobody moved their stage off "new". */
static void
stage_accuracy_lists_contradictions(void **state)
{
	fixture *x = *state;

	assert_int_at(x->doc, "stage_accuracy.count", 3);
	assert_int_at(x->doc, "stage_accuracy.leads.0.id", x->a);
	assert_string_equal(json_string_value(get(x->doc, "stage_accuracy.leads.0.contradiction")),
			    "stage new, but a person acted on it (call.logged)");
	assert_int_at(x->doc, "stage_accuracy.leads.1.id", x->b);
	assert_int_at(x->doc, "stage_accuracy.leads.2.id", x->f);
}

/* The engine keeps every active lead (A, B, C, F) whole: grade 4. */
static void
scorecard_grades_the_active_leads(void **state)
{
	fixture *x = *state;

	assert_int_at(x->card, "scorecard.active_leads", 4);
	assert_int_at(x->card, "scorecard.complete", 4);
	assert_int_at(x->card, "scorecard.defect_count", 0);
	assert_int_at(x->card, "scorecard.grade", 4);
}

/* The report reads the timeline through migration 9's partial index: every
 * type the engine counts as a person's act must be in it. */
static void
the_report_index_holds_every_human_type(void **state)
{
	fixture *x = *state;
	char sql[1024];

	assert_true(demo_text(x->d.s, demo_on_pg() ?
			      "SELECT indexdef FROM pg_indexes WHERE indexname = 'events_report'" :
			      "SELECT sql FROM sqlite_master WHERE name = 'events_report'", 0, sql,
			      sizeof sql));
	for (size_t i = 0; engine_human_event_types[i] != NULL; i++) {
		char quoted[64];

		snprintf(quoted, sizeof quoted, "'%s'", engine_human_event_types[i]);
		if (strstr(sql, quoted) == NULL)
			fail_msg("events_report lacks %s", quoted);
	}
	assert_non_null(strstr(sql, "'" ENGINE_EVENT_FIRST_CONTACT "'"));
	assert_non_null(strstr(sql, "'message.received'"));
	(void)demo_count;
}

/* A lead nobody calls, on its own database, with the scheduler run on the
 * virtual clock: its call task (due Tue 14:07) escalates to the manager at
 * 14:22 (15 min overdue) and is handed to the next person at 16:07 (2 h):
 * one task due in the day, handed on, two escalations fired on it. */
static void
escalations_fired_and_tasks_handed_on(void **state)
{
	fixture x = { 0 };
	report_options o = { .by = REPORT_BY_NONE };
	const json_t *rows, *r;
	char err[256];
	json_t *doc;
	size_t i;
	bool seen = false;

	(void)state;
	demo_store_open(&x.d);
	x.a = new_lead(&x, "Ann Able", "3125550201", "alice", at(&x, 24, 14, 2));
	o.from = at(&x, 24, 0, 0);
	o.now = o.to = at(&x, 24, 14, 30);
	assert_true(sched_run_due(x.d.s, x.d.r, o.now, 16) >= 1);
	doc = report_build(x.d.s, x.d.bid, x.d.r, &o, err, sizeof err);
	assert_non_null(doc);
	assert_int_at(doc, "response_windows.due", 1);
	assert_int_at(doc, "response_windows.open_past_due", 1);
	assert_int_at(doc, "response_windows.escalations", 1);
	assert_share(doc, "response_windows.compliance", 0, 1);
	assert_int_at(doc, "unworked.count", 1);
	assert_int_at(doc, "unworked.leads.0.age_s", 28 * 60);
	json_decref(doc);

	o.now = o.to = at(&x, 24, 16, 30);
	assert_true(sched_run_due(x.d.s, x.d.r, o.now, 16) >= 1);
	doc = report_build(x.d.s, x.d.bid, x.d.r, &o, err, sizeof err);
	assert_non_null(doc);
	rows = get(doc, "response_windows.by_person");
	json_array_foreach(rows, i, r) {
		if (strcmp(json_string_value(json_object_get(r, "person")), "alice") != 0)
			continue;
		seen = true;
		assert_int_equal(json_integer_value(json_object_get(r, "due")), 1);
		assert_int_equal(json_integer_value(json_object_get(r, "handed_on")), 1);
		assert_int_equal(json_integer_value(json_object_get(r, "escalations")), 2);
	}
	assert_true(seen);
	json_decref(doc);
	assert_int_equal(demo_store_close(&x.d), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(speed_acknowledged_is_immediate_for_all),
		cmocka_unit_test(speed_attempted_wall_and_business),
		cmocka_unit_test(speed_reached_and_by_owner),
		cmocka_unit_test(response_windows_per_person),
		cmocka_unit_test(owners_accountability),
		cmocka_unit_test(unworked_stale_and_their_cost),
		cmocka_unit_test(conversion_and_loss),
		cmocka_unit_test(stage_accuracy_lists_contradictions),
		cmocka_unit_test(scorecard_grades_the_active_leads),
		cmocka_unit_test(the_report_index_holds_every_human_type),
		cmocka_unit_test(escalations_fired_and_tasks_handed_on),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

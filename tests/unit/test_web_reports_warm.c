/*
 * test_web_reports_warm.c - the Reports page's warmer (web_reports_cache.h)
 * on an injected clock, two businesses on one real database (SQLite, or
 * PostgreSQL with LK_STORE=pg): the first request after a start is served
 * from figures computed in the background, never in the request; a change
 * to one business's leads is reflected after WEB_REPORTS_REFRESH_AT, in that
 * business's figures only; an idle install computes nothing however long it
 * waits; another view is asked for and computed in the background; other
 * rules in force are computed at once. web_reports_warm_settle() waits until
 * the warmer has nothing left to do, so no test sleeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "demo_store.h"
#include "flow/flow.h"
#include "store/store_business.h"
#include "web/web_reports_cache.h"

static int64_t fake_now;

static int64_t
fake_clock(void)
{
	return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}

static void
set_clock(int64_t t)
{
	__atomic_store_n(&fake_now, t, __ATOMIC_SEQ_CST);
}

typedef struct {
	demo_store d;
	int64_t other;		/* the second business */
	rules_live *live[2];
	store_bus *bus;
} fixture;

static rules *
demo_rules(void)
{
	rules_diags diags = { 0 };
	rules *r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml), "default",
				     &diags);

	rules_diags_free(&diags);
	assert_non_null(r);
	return r;
}

static void
add_lead(fixture *x, int64_t business_id, const char *phone, int64_t when)
{
	intake_lead in = { .name = "Pat", .phone = phone, .source = "web_form" };
	const rules *r = rules_live_get(x->live[business_id == x->d.bid ? 0 : 1]);
	flow_out res;
	char err[256];

	assert_int_equal(store_begin(x->d.s), 0);
	assert_int_equal(flow_intake(x->d.s, business_id, r, &in, when, &res, err, sizeof err),
			 FLOW_OK);
	assert_int_equal(store_commit(x->d.s), 0);
	/* what serve's writer does after every commit */
	store_bus_publish(x->bus, STORE_BUS_LEADS);
}

static int
setup(void **state)
{
	fixture *x = calloc(1, sizeof *x);
	char err[256];

	demo_store_open(&x->d);
	assert_int_equal(store_begin(x->d.s), 0);
	assert_true((x->other = store_business_sync_slug(x->d.s, "other", x->d.r, err,
							  sizeof err)) > 0);
	assert_int_equal(store_commit(x->d.s), 0);
	x->live[0] = rules_live_new(demo_rules());
	x->live[1] = rules_live_new(demo_rules());
	assert_non_null(x->live[0]);
	assert_non_null(x->live[1]);
	assert_non_null(x->bus = store_bus_new());
	set_clock(x->d.t0 + 3600);
	web_reports_cache_clear();
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	fixture *x = *state;
	int rc;

	web_reports_cache_clear();	/* stops the warmer */
	store_bus_free(x->bus);
	rules_live_free(x->live[0]);
	rules_live_free(x->live[1]);
	rc = demo_store_close(&x->d);
	free(x);
	return rc;
}

static void
start(fixture *x)
{
	web_reports_business b[2] = { { x->d.bid, x->live[0] }, { x->other, x->live[1] } };
	char err[256];

	if (web_reports_warm_start(&(web_reports_warm_config){ .dir = demo_address(&x->d),
			.businesses = b, .n = 2, .clock = fake_clock, .bus = x->bus }, err,
			sizeof err) < 0)
		fail_msg("%s", err);
}

static long long
leads_of(const json_t *doc)
{
	return (long long)json_integer_value(json_object_get(json_object_get(json_object_get(
		json_object_get(doc, "speed_to_lead"), "reached"), "all"), "leads"));
}

/* The page's view key of business id, as a request at the fake clock asks
 * for it without waiting: its state, *leads and *as_of when READY. */
static web_reports_state
view(fixture *x, int64_t id, const char *key, int64_t period, report_by by, long long *leads,
     int64_t *as_of)
{
	const rules *r = rules_live_get(x->live[id == x->d.bid ? 0 : 1]);
	int64_t now = fake_clock();
	report_options o = { .now = now, .to = now, .from = now - period, .by = by,
			     .list_max = WEB_REPORTS_LIST_MAX };
	char err[256] = "";
	json_t *doc = NULL;
	web_reports_state st = web_reports_get(x->d.s, id, r, &o, key, 0, &doc, as_of, err,
					       sizeof err);

	if (st == WEB_REPORTS_FAILED)
		fail_msg("%s", err);
	*leads = doc != NULL ? leads_of(doc) : -1;
	json_decref(doc);
	return st;
}

static web_reports_state
default_view(fixture *x, int64_t id, long long *leads, int64_t *as_of)
{
	return view(x, id, WEB_REPORTS_DEFAULT_KEY, WEB_REPORTS_DEFAULT_PERIOD, REPORT_BY_NONE,
		    leads, as_of);
}

static void
the_first_request_after_start_is_served_warm(void **state)
{
	fixture *x = *state;
	int64_t t = fake_clock(), as_of = 0;
	web_reports_counts before = web_reports_count(), now;
	long long leads;

	add_lead(x, x->d.bid, "3125550101", x->d.t0);
	assert_int_equal(demo_count(x->d.s, "SELECT count(*) FROM leads"), 1);
	start(x);
	web_reports_warm_settle();
	now = web_reports_count();
	/* both businesses' default views, computed by the warmer at start */
	assert_int_equal(now.warmed - before.warmed, 2);
	assert_int_equal(default_view(x, x->d.bid, &leads, &as_of), WEB_REPORTS_READY);
	assert_int_equal(leads, 1);
	assert_int_equal(as_of, t);
	assert_int_equal(default_view(x, x->other, &leads, &as_of), WEB_REPORTS_READY);
	assert_int_equal(leads, 0);
	/* and nothing was computed for the requests */
	now = web_reports_count();
	assert_int_equal(now.in_request, before.in_request);
	assert_int_equal(now.asked, before.asked);
}

static void
a_change_is_reflected_after_the_refresh_in_its_business_only(void **state)
{
	fixture *x = *state;
	int64_t t = fake_clock(), as_of = 0;
	web_reports_counts c0, c;
	long long leads;

	start(x);
	web_reports_warm_settle();
	c0 = web_reports_count();
	add_lead(x, x->d.bid, "3125550102", x->d.t0 + 60);
	/* seen at once, but computed again only REFRESH_AT after the last time */
	set_clock(t + WEB_REPORTS_REFRESH_AT - 1);
	web_reports_warm_settle();
	assert_int_equal(web_reports_count().warmed, c0.warmed);
	assert_int_equal(default_view(x, x->d.bid, &leads, &as_of), WEB_REPORTS_READY);
	assert_int_equal(leads, 0);
	assert_int_equal(as_of, t);
	set_clock(t + WEB_REPORTS_REFRESH_AT);
	web_reports_warm_settle();
	c = web_reports_count();
	assert_int_equal(c.warmed - c0.warmed, 1);	/* the business that changed, only */
	assert_int_equal(default_view(x, x->d.bid, &leads, &as_of), WEB_REPORTS_READY);
	assert_int_equal(leads, 1);
	assert_int_equal(as_of, t + WEB_REPORTS_REFRESH_AT);
	assert_int_equal(default_view(x, x->other, &leads, &as_of), WEB_REPORTS_READY);
	assert_int_equal(as_of, t);
	/* the other business's change is the other business's */
	add_lead(x, x->other, "3125550103", x->d.t0 + 120);
	set_clock(t + 2 * WEB_REPORTS_REFRESH_AT);
	web_reports_warm_settle();
	assert_int_equal(web_reports_count().warmed - c.warmed, 1);
	assert_int_equal(default_view(x, x->other, &leads, &as_of), WEB_REPORTS_READY);
	assert_int_equal(leads, 1);
	assert_int_equal(default_view(x, x->d.bid, &leads, &as_of), WEB_REPORTS_READY);
	assert_int_equal(as_of, t + WEB_REPORTS_REFRESH_AT);
	assert_int_equal(web_reports_count().in_request, c0.in_request);
}

static void
an_idle_install_computes_nothing(void **state)
{
	fixture *x = *state;
	int64_t t = fake_clock(), as_of = 0;
	web_reports_counts c0, c;
	long long leads;

	start(x);
	web_reports_warm_settle();
	c0 = web_reports_count();
	/* a commit elsewhere (the bus says "leads", no timeline entry came) */
	store_bus_publish(x->bus, STORE_BUS_LEADS);
	set_clock(t + 86400);
	web_reports_warm_settle();
	c = web_reports_count();
	assert_int_equal(c.warmed, c0.warmed);
	assert_int_equal(c.asked, c0.asked);
	/* a day later someone looks: the figures at once, with their time, and
	 * newer ones asked for */
	assert_int_equal(default_view(x, x->d.bid, &leads, &as_of), WEB_REPORTS_READY);
	assert_int_equal(as_of, t);
	web_reports_warm_settle();
	assert_int_equal(web_reports_count().asked - c0.asked, 1);
	assert_int_equal(default_view(x, x->d.bid, &leads, &as_of), WEB_REPORTS_READY);
	assert_int_equal(as_of, t + 86400);
	assert_int_equal(web_reports_count().in_request, c0.in_request);
}

static void
another_view_is_computed_in_the_background(void **state)
{
	fixture *x = *state;
	int64_t as_of = 0;
	web_reports_counts c0;
	long long leads;

	add_lead(x, x->d.bid, "3125550104", x->d.t0);
	start(x);
	web_reports_warm_settle();
	c0 = web_reports_count();
	assert_int_equal(view(x, x->d.bid, "30d/source", 30 * 86400, REPORT_BY_SOURCE, &leads,
			      &as_of), WEB_REPORTS_COMPUTING);
	web_reports_warm_settle();
	assert_int_equal(web_reports_count().asked - c0.asked, 1);
	assert_int_equal(view(x, x->d.bid, "30d/source", 30 * 86400, REPORT_BY_SOURCE, &leads,
			      &as_of), WEB_REPORTS_READY);
	assert_int_equal(leads, 1);
	assert_int_equal(web_reports_count().in_request, c0.in_request);
}

static void
other_rules_in_force_are_computed_at_once(void **state)
{
	fixture *x = *state;
	int64_t as_of = 0;
	web_reports_counts c0;
	long long leads;

	start(x);
	web_reports_warm_settle();
	c0 = web_reports_count();
	assert_int_equal(rules_live_set(x->live[0], demo_rules()), 0);
	/* the request under the new rules does not get the old figures */
	assert_int_equal(default_view(x, x->d.bid, &leads, &as_of), WEB_REPORTS_COMPUTING);
	web_reports_warm_settle();
	assert_int_equal(default_view(x, x->d.bid, &leads, &as_of), WEB_REPORTS_READY);
	assert_int_equal(web_reports_count().in_request, c0.in_request);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_first_request_after_start_is_served_warm,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_change_is_reflected_after_the_refresh_in_its_business_only, setup,
			teardown),
		cmocka_unit_test_setup_teardown(an_idle_install_computes_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(another_view_is_computed_in_the_background, setup,
						teardown),
		cmocka_unit_test_setup_teardown(other_rules_in_force_are_computed_at_once, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

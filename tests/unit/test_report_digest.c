/*
 * test_report_digest.c - the weekly digest's time (report_digest_slot and
 * _next, in the business's zone, across a change of clocks), its rules
 * (reports.digest: who, which day, what time, and the errors a wrong one
 * gets), its store rows (a week and address claimed once), and the Reports
 * page's cache of report documents (fresh for a minute, then computed again;
 * computed again in the background when half a minute old; a new rules
 * version computes at once).
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
#include "report/report_digest.h"
#include "store/store_digest.h"
#include "web/web_reports_cache.h"

/* The demo rules with `reports:` replaced by the given line. */
static rules *
with_reports(const char *line, rules_diags *d)
{
	const char *at = strstr(rules_default_yaml, "\nreports:");
	char *text;
	rules *r;

	assert_non_null(at);
	assert_int_not_equal(asprintf(&text, "%.*s\n%s\n", (int)(at - rules_default_yaml),
				      rules_default_yaml, line), -1);
	memset(d, 0, sizeof *d);
	r = rules_load_string(text, strlen(text), "test.yaml", d);
	free(text);
	return r;
}

static int64_t
chicago(const rules *r, int y, int mo, int d, int h, int mi)
{
	int64_t t;

	tz_from_local(r->business.zone, y, mo, d, h, mi, &t);
	return t;
}

static void
the_slot_is_the_last_monday_at_eight_local(void **state)
{
	rules_diags d;
	rules *r = with_reports("reports: { digest: { to: [manager] } }", &d);
	char week[16];
	int64_t slot;

	(void)state;
	assert_non_null(r);
	assert_int_equal(d.n, 0);
	assert_true(r->digest.on);
	assert_int_equal(r->digest.wday, 1);
	assert_int_equal(r->digest.at_min, 8 * 60);
	/* Monday 2026-11-30 08:00 in Chicago is 14:00 UTC (CST). */
	assert_int_equal(report_digest_slot(r, chicago(r, 2026, 11, 30, 8, 0), &slot, week,
					    sizeof week), 0);
	assert_int_equal(slot, 1796047200);
	assert_string_equal(week, "2026-11-30");
	/* a minute before it: last week's */
	report_digest_slot(r, chicago(r, 2026, 11, 30, 7, 59), &slot, week, sizeof week);
	assert_string_equal(week, "2026-11-23");
	/* any day of the week after: this Monday's */
	report_digest_slot(r, chicago(r, 2026, 12, 6, 23, 59), &slot, week, sizeof week);
	assert_string_equal(week, "2026-11-30");
	assert_int_equal(report_digest_next(r, chicago(r, 2026, 11, 30, 8, 0)),
			 chicago(r, 2026, 12, 7, 8, 0));
	assert_int_equal(report_digest_next(r, chicago(r, 2026, 11, 30, 7, 59)),
			 chicago(r, 2026, 11, 30, 8, 0));
	/* The clocks went back on Sunday 2026-11-01: Monday 08:00 is 14:00 UTC,
	 * the Monday before 13:00 UTC. */
	report_digest_slot(r, chicago(r, 2026, 11, 2, 9, 0), &slot, week, sizeof week);
	assert_int_equal(slot % 86400, 14 * 3600);
	report_digest_slot(r, chicago(r, 2026, 11, 2, 7, 0), &slot, week, sizeof week);
	assert_string_equal(week, "2026-10-26");
	assert_int_equal(slot % 86400, 13 * 3600);
	rules_free(r);
	rules_diags_free(&d);
}

static void
digest_day_and_time_and_its_errors(void **state)
{
	rules_diags d;
	rules *r;

	(void)state;
	r = with_reports("reports: { digest: { to: [dan, maria], day: friday, at: \"17:30\" } }", &d);
	assert_non_null(r);
	assert_int_equal(r->digest.nto, 2);
	assert_int_equal(r->digest.wday, 5);
	assert_int_equal(r->digest.at_min, 17 * 60 + 30);
	rules_free(r);
	rules_diags_free(&d);
	r = with_reports("reports: { average_job_value: 850 }", &d);
	assert_false(r->digest.on);
	assert_int_equal(report_digest_next(r, 0), 0);
	rules_free(r);
	rules_diags_free(&d);
	{
		static const char *const bad[][2] = {
			{ "reports: { digest: { to: [nobody] } }", "is not a person or a role" },
			{ "reports: { digest: { day: monday } }", "missing required key \"to\"" },
			{ "reports: { digest: { to: [maria], day: someday } }", "\"day\" must be one of" },
			{ "reports: { digest: { to: [maria], at: \"8am\" } }", "a time of day like" },
			{ "reports: { digest: { to: [] } }", "name 1 to" },
			{ "reports: { digest: { to: [maria], when: now } }", "when" },
		};

		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			r = with_reports(bad[i][0], &d);
			assert_null(r);
			assert_true(d.n > 0);
			bool found = false;

			for (size_t k = 0; k < d.n; k++)
				found |= strstr(d.items[k].message, bad[i][1]) != NULL;
			if (!found)
				fail_msg("%s: got \"%s\"", bad[i][0], d.items[0].message);
			rules_diags_free(&d);
		}
	}
}

static void
a_week_and_address_is_claimed_once(void **state)
{
	demo_store *x = *state;
	char st[16];
	int attempts;

	assert_int_equal(store_digest_claim(x->s, x->bid, "2026-11-30", "m@x", 100), 1);
	assert_int_equal(store_digest_claim(x->s, x->bid, "2026-11-30", "m@x", 101), 0);
	assert_int_equal(store_digest_claim(x->s, x->bid, "2026-11-30", "d@x", 101), 1);
	/* a temporary failure: claimable again from retry_at, not before */
	assert_int_equal(store_digest_finish(x->s, x->bid, "2026-11-30", "m@x", "retry", "SMTP 451",
					     400, 102), 1);
	assert_int_equal(store_digest_claim(x->s, x->bid, "2026-11-30", "m@x", 399), 0);
	assert_int_equal(store_digest_claim(x->s, x->bid, "2026-11-30", "m@x", 400), 1);
	assert_int_equal(store_digest_finish(x->s, x->bid, "2026-11-30", "m@x", "sent", NULL, 0,
					     401), 1);
	assert_int_equal(store_digest_claim(x->s, x->bid, "2026-11-30", "m@x", 10000), 0);
	assert_int_equal(store_digest_get(x->s, x->bid, "2026-11-30", "m@x", st, sizeof st,
					  &attempts), 1);
	assert_string_equal(st, "sent");
	assert_int_equal(attempts, 2);
	/* d@x was left sending (a crash): unknown, never claimed again */
	assert_int_equal(store_digest_recover(x->s, x->bid, 500), 1);
	assert_int_equal(store_digest_claim(x->s, x->bid, "2026-11-30", "d@x", 600), 0);
	assert_int_equal(store_digest_get(x->s, x->bid, "2026-11-30", "d@x", st, sizeof st, NULL),
			 1);
	assert_string_equal(st, "unknown");
	assert_int_equal(store_digest_get(x->s, x->bid, "2026-12-07", "m@x", st, sizeof st, NULL),
			 0);
	assert_int_equal(demo_count(x->s, "SELECT count(*) FROM digests"), 2);
}

static void
add_lead(demo_store *x, const char *phone, int64_t when)
{
	intake_lead in = { .name = "Pat", .phone = phone, .source = "web_form" };
	flow_out res;
	char err[256];

	assert_int_equal(store_begin(x->s), 0);
	assert_int_equal(flow_intake(x->s, x->bid, x->r, &in, when, &res, err, sizeof err), FLOW_OK);
	assert_int_equal(store_commit(x->s), 0);
}

static long long
leads_of(const json_t *doc)
{
	return (long long)json_integer_value(json_object_get(json_object_get(json_object_get(
		json_object_get(doc, "speed_to_lead"), "reached"), "all"), "leads"));
}

static json_t *
page_doc(demo_store *x, const rules *r, int64_t now, int64_t *as_of)
{
	report_options o = { .from = now - 7 * 86400, .to = now, .now = now };
	char err[256];
	json_t *doc = NULL;

	/* No warmer runs here: a missing or old document is computed at once. */
	if (web_reports_get(x->s, x->bid, r, &o, "7d/", 0, &doc, as_of, err, sizeof err) !=
	    WEB_REPORTS_READY)
		fail_msg("%s", err);
	return doc;
}

static void
the_page_cache_keeps_figures_a_minute(void **state)
{
	demo_store *x = *state;
	int64_t t = x->t0 + 3600, as_of;
	rules_diags d;
	rules *other;
	json_t *doc;

	web_reports_cache_clear();
	add_lead(x, "3125550101", x->t0);
	doc = page_doc(x, x->r, t, &as_of);
	assert_int_equal(leads_of(doc), 1);
	assert_int_equal(as_of, t);
	json_decref(doc);
	add_lead(x, "3125550102", x->t0 + 60);
	/* within the minute: the kept figures, as of when they were taken */
	doc = page_doc(x, x->r, t + WEB_REPORTS_MAX_AGE, &as_of);
	assert_int_equal(leads_of(doc), 1);
	assert_int_equal(as_of, t);
	json_decref(doc);
	/* past it: computed again */
	doc = page_doc(x, x->r, t + 61, &as_of);
	assert_int_equal(leads_of(doc), 2);
	assert_int_equal(as_of, t + 61);
	json_decref(doc);
	/* a clock that went back is no reason to trust them */
	doc = page_doc(x, x->r, t + 30, &as_of);
	assert_int_equal(as_of, t + 30);
	assert_int_equal(leads_of(doc), 2);
	json_decref(doc);
	/* other rules in force: computed at once, though the kept ones are fresh */
	add_lead(x, "3125550103", x->t0 + 120);
	other = with_reports("reports: { average_job_value: 900, close_rate_percent: 30 }", &d);
	assert_non_null(other);
	doc = page_doc(x, other, t + 31, &as_of);
	assert_int_equal(leads_of(doc), 3);
	json_decref(doc);
	web_reports_cache_clear();
	rules_free(other);
	rules_diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_slot_is_the_last_monday_at_eight_local),
		cmocka_unit_test(digest_day_and_time_and_its_errors),
		cmocka_unit_test_setup_teardown(a_week_and_address_is_claimed_once, demo_setup,
						demo_teardown),
		cmocka_unit_test_setup_teardown(the_page_cache_keeps_figures_a_minute, demo_setup,
						demo_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

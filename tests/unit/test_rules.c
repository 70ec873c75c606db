/*
 * test_rules.c - the rules loader: the embedded default loads clean, and what
 * is read lands in the model as the engine expects it (the business, people,
 * stages, reports, lookups).
 * Helpers: rules_test.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/rules_load.h"
#include "rules_test.h"

/* Automated texts go to the business's own country unless sms_countries
 * says more (or any); unknown codes are errors at their position. */
static void
sms_countries_default_to_the_business_country(void **state)
{
	rules_diags d;
	rules *r;

	(void)state;
	r = expect_ok("business: { name: A, timezone: UTC, country: GB }\n" PEOPLE, &d);
	assert_int_equal(r->business.nsms_countries, 1);
	assert_string_equal(r->business.sms_countries[0], "GB");
	assert_false(r->business.sms_anywhere);
	assert_true(rules_sms_allowed(r, "+447911123456"));
	assert_false(rules_sms_allowed(r, "+13125550100"));
	assert_int_equal(r->max_echo, 40);
	rules_free(r);
	rules_diags_free(&d);
	r = expect_ok("business: { name: A, timezone: UTC, sms_countries: [US, CA] }\n" PEOPLE
		      "limits: { max_echo_chars: 0 }\n", &d);
	assert_int_equal(r->business.nsms_countries, 2);
	assert_true(rules_sms_allowed(r, "+14165550123"));	/* Toronto */
	assert_false(rules_sms_allowed(r, "+18765550123"));	/* Jamaica, also +1 */
	assert_int_equal(r->max_echo, 0);
	rules_free(r);
	rules_diags_free(&d);
	r = expect_ok("business: { name: A, timezone: UTC, sms_countries: any }\n" PEOPLE, &d);
	assert_true(rules_sms_allowed(r, "+8613800138000"));
	rules_free(r);
	rules_diags_free(&d);
	r = expect_ok("business: { name: A, timezone: UTC, sms_countries: [] }\n" PEOPLE, &d);
	assert_false(rules_sms_allowed(r, "+13125550100"));	/* texts to nobody */
	rules_free(r);
	rules_diags_free(&d);
	expect_error("business: { name: A, timezone: UTC, sms_countries: [US, ZZ] }\n" PEOPLE,
		     1, 1, 57, "\"sms_countries\": unknown country code \"ZZ\" (ISO 3166, like "
		     "US, CA, GB)");
	expect_error("business: { name: A, timezone: UTC, sms_countries: [usa] }\n" PEOPLE,
		     1, 1, 53, "\"sms_countries\" must be a two-letter code like US");
	expect_error("business: { name: A, timezone: UTC, sms_countries: everywhere }\n" PEOPLE,
		     1, 1, 52, "\"sms_countries\" must be a list of country codes like [US, CA], "
		     "or any");
	expect_error("business: { name: A, timezone: UTC }\n" PEOPLE
		     "limits: { max_echo_chars: 5000 }\n", 1, 4, 27,
		     "\"max_echo_chars\" must be a whole number from 0 to 1000");
}

/* reports: what a job is worth and the close rate; none by default. */
static void
reports_keys_give_the_job_value_and_close_rate(void **state)
{
	rules_diags d;
	rules *r;

	(void)state;
	r = expect_ok("business: { name: A, timezone: UTC }\n" PEOPLE, &d);
	assert_int_equal(r->job_value_cents, 0);
	assert_int_equal(r->close_rate_pct, 0);
	rules_free(r);
	rules_diags_free(&d);
	r = expect_ok("business: { name: A, timezone: UTC }\n" PEOPLE
		      "reports: { average_job_value: 850, close_rate_percent: 30 }\n", &d);
	assert_int_equal(r->job_value_cents, 85000);
	assert_int_equal(r->close_rate_pct, 30);
	rules_free(r);
	rules_diags_free(&d);
	expect_error("business: { name: A, timezone: UTC }\n" PEOPLE
		     "reports: { close_rate_percent: 130 }\n", 1, 4, 32,
		     "\"close_rate_percent\" must be a whole number from 0 to 100");
}

static void
default_rules_load_without_errors_or_warnings(void **state)
{
	rules_diags d;
	rules *r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml),
				     RULES_DEFAULT_NAME, &d);

	(void)state;
	dump(&d);
	assert_non_null(r);
	assert_int_equal(d.nerrors, 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(r->business.name, "Northside Home Services");
	assert_non_null(r->business.zone);
	assert_string_equal(r->business.country, "US");
	assert_string_equal(r->business.phone, "+13125550100");
	assert_int_equal(r->npeople, 5);
	assert_int_equal(r->people[1].notify, NOTIFY_EMAIL);
	assert_string_equal(r->people[3].role, "business_owner");
	assert_string_equal(r->people[4].role, "technician");	/* no routing rule names him */
	assert_int_equal(r->nroutes, 4);
	assert_int_equal(r->routes[2].after_hours, 1);
	assert_int_equal(r->routes[3].after_hours, -1);
	assert_int_equal(r->nstages, 7);
	assert_int_equal(r->nlost_reasons, 6);
	assert_int_equal(r->nsequences, 7);
	assert_int_equal(r->ntemplates, 15);
	assert_int_equal(r->nescalations, 4);
	assert_string_equal(r->escalations[3].notify, "business_owner");
	assert_int_equal(r->unanswered.after, 2 * 86400);
	assert_string_equal(r->unanswered.sequence, "reply_followup");
	assert_int_equal(r->escalations[0].overdue, 15 * 60);
	assert_int_equal(r->escalations[0].kind, ESC_NOTIFY);
	assert_string_equal(r->escalations[0].notify, "manager");
	assert_int_equal(r->escalations[1].kind, ESC_REASSIGN);
	assert_int_equal(r->escalations[1].reassign.npeople, 2);
	assert_int_equal(r->cold.kind, COLD_LOST);
	assert_string_equal(r->cold.reason, "no_response");
	assert_int_equal(r->cold.reactivate_after, 90 * 86400);
	assert_string_equal(r->cold.sequence, "reactivation");
	assert_int_equal(r->max_touches, 4);
	assert_int_equal(r->touch_window, 10 * 86400);
	assert_true(r->business.ack_ignores_quiet);
	assert_int_equal(r->business.duplicate_window, 30 * 86400);
	assert_true(r->business.has_quiet);
	assert_int_equal(r->business.quiet_start_min, 21 * 60);
	assert_int_equal(r->business.quiet_end_min, 8 * 60);
	assert_int_equal(r->business.nholidays, 2);
	assert_int_equal(r->business.holidays[0], 20261225);
	assert_int_equal(r->business.holidays[1], 20270101);
	rules_diags_free(&d);
	rules_free(r);
}

static void
default_sequences_are_parsed_step_by_step(void **state)
{
	rules_diags d;
	rules *r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml),
				     RULES_DEFAULT_NAME, &d);
	const rules_sequence *s;

	(void)state;
	assert_non_null(r);
	s = rules_sequence_find(r, "new_inquiry");
	assert_non_null(s);
	assert_int_equal(s->nsteps, 6);
	assert_int_equal(s->steps[0].kind, STEP_SEND);
	assert_int_equal(s->steps[0].channel, CHANNEL_SMS);
	assert_string_equal(s->steps[0].template_name, "ack");
	assert_int_equal(s->steps[1].channel, CHANNEL_EMAIL);
	assert_int_equal(s->steps[2].kind, STEP_TASK);
	assert_string_equal(s->steps[2].verb, "call");
	assert_int_equal(s->steps[2].within, 5 * 60);
	assert_true(s->steps[2].business_hours);
	assert_int_equal(s->steps[3].at, 24 * 3600);
	assert_int_equal(s->steps[3].unless, UNLESS_REPLIED | UNLESS_TOUCHED);
	assert_int_equal(s->steps[4].then, THEN_NONE);
	assert_int_equal(s->steps[5].at, 7 * 86400);
	assert_int_equal(s->steps[5].then, THEN_COLD);
	s = rules_sequence_find(r, "quote_sent");
	assert_non_null(s);
	assert_string_equal(s->steps[0].title, "Follow up with {{name|the lead}} on the "
			    "{{#service}}{{service}} {{/service}}quote");
	assert_int_equal(s->steps[0].within, 2 * 3600);
	rules_diags_free(&d);
	rules_free(r);
}

static void
people_can_be_away(void **state)
{
	rules_diags d;
	rules *r = expect_ok("business: { name: Acme, timezone: America/Chicago }\n"
			     "people:\n"
			     "  - { id: alice, name: Alice, role: office, fallback: maria,\n"
			     "      away: [ { from: 2026-12-21, to: 2026-12-27 },\n"
			     "              { from: \"2027-01-05 13:30\", to: \"2027-01-05 17:00\" } ] }\n"
			     "  - { id: bob, name: Bob, role: sales, max_open_leads: 20, fallback: maria }\n"
			     "  - { id: carl, name: Carl, role: office, active: false, fallback: alice }\n"
			     "  - { id: maria, name: Maria, role: manager }\n"
			     "routing: [ { owner: { round_robin: [alice, bob, carl] } } ]\n", &d);
	const rules_person *a = &r->people[0];

	(void)state;
	assert_int_equal(d.n, 0);
	assert_int_equal(a->naway, 2);
	assert_int_equal(a->fallback, 3);
	/* Dec 21 00:00 CST through the end of Dec 27 (Dec 28 00:00 CST) */
	assert_int_equal(a->away[0].from, 1797832800);
	assert_int_equal(a->away[0].to, 1797832800 + 7 * 86400);
	assert_false(rules_person_present(a, 1797832800));
	assert_true(rules_person_present(a, 1797832800 - 1));
	assert_true(rules_person_present(a, 1797832800 + 7 * 86400));
	assert_int_equal(rules_person_back(a, 1797832800 + 3600), 1797832800 + 7 * 86400);
	assert_int_equal(rules_presence_change(r, 0), 1797832800);
	assert_int_equal(r->people[1].max_open_leads, 20);
	assert_true(r->people[2].inactive);
	assert_int_equal(rules_person_back(&r->people[2], 0), INT64_MAX);
	assert_true(rules_anyone_absent(r));
	assert_true(rules_anyone_capped(r));
	rules_free(r);
	rules_diags_free(&d);
}

static void
away_mistakes_are_reported(void **state)
{
	(void)state;
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: alice, name: Alice, role: office, fallback: zed } ]\n"
		     "routing: [ { owner: alice } ]\n", 1, 2, 61,
		     "person \"zed\" does not exist (known: alice)");
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: alice, name: Alice, role: office, fallback: alice } ]\n"
		     "routing: [ { owner: alice } ]\n", 1, 2, 61,
		     "alice cannot be their own fallback");
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: alice, name: Alice, role: office, fallback: bob,\n"
		     "            away: [ { from: 2026-12-21, to: 2026-12-20 } ] },\n"
		     "          { id: bob, name: Bob, role: office } ]\n"
		     "routing: [ { owner: alice } ]\n", 1, 3, 45,
		     "\"to\" must come after \"from\"");
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: alice, name: Alice, role: office, fallback: bob,\n"
		     "            away: [ { from: next week, to: 2026-12-20 } ] },\n"
		     "          { id: bob, name: Bob, role: office } ]\n"
		     "routing: [ { owner: alice } ]\n", 1, 3, 29,
		     "\"from\" must be a date like 2026-12-24 or a time like \"2026-12-24 13:30\"");
}

static void
stage_requirements_are_parsed(void **state)
{
	rules_diags d;
	rules *r = expect_ok(BASE "sequences: { q: [ { at: 1d, task: call } ] }\n"
			     "stages:\n"
			     "  - { name: new, stale_after: 36h }\n"
			     "  - { name: quoted, requires: [amount], sequence: q, owner_role: sales }\n"
			     "  - { name: lost, requires: [reason, amount], closed: true }\n", &d);
	const rules_stage *st;

	(void)state;
	assert_int_equal(r->nstages, 3);
	st = rules_stage_find(r, "quoted");
	assert_true(st->requires_amount);
	assert_false(st->requires_reason);
	assert_string_equal(st->sequence, "q");
	assert_string_equal(st->owner_role, "sales");
	assert_false(st->closed);
	st = rules_stage_find(r, "lost");
	assert_true(st->requires_amount);
	assert_true(st->requires_reason);
	assert_true(st->closed);
	assert_null(rules_stage_find(r, "new")->sequence);
	assert_int_equal(rules_stage_find(r, "new")->stale_after, 36 * 3600);
	assert_int_equal(st->stale_after, 0);			/* never stale */
	rules_diags_free(&d);
	rules_free(r);
	expect_error(BASE "stages: [ { name: new }, { name: lost, closed: true, stale_after: 2d } ]\n",
		     1, 4, 67, "stage \"lost\" is closed: its leads are never stale, so it takes no "
		     "\"stale_after\"");
	expect_error(BASE "stages: [ { name: new, stale_after: 0m } ]\n", 1, 4, 37,
		     "\"stale_after\" must be longer than 0m (leave it out: leads in \"new\" are "
		     "never stale)");
	expect_error(BASE "stages: [ { name: new, requires: [money] } ]\n", 1, 4, 35,
		     "\"requires\" must be one of: amount, reason");
	expect_error(BASE "stages: [ { name: new, sequence: nope } ]\n", 1, 4, 34,
		     "sequence \"nope\" does not exist (known: no sequences are defined)");
}

static void
default_stages_when_none_are_given(void **state)
{
	rules_diags d;
	rules *r = expect_ok(BASE "sequences: { new_inquiry: [ { at: 0m, task: call } ] }\n", &d);

	(void)state;
	assert_int_equal(r->nstages, 7);
	assert_string_equal(r->stages[0].name, "new");
	assert_string_equal(r->stages[0].sequence, "new_inquiry");
	assert_true(rules_stage_find(r, "quoted")->requires_amount);
	assert_true(rules_stage_find(r, "won")->closed);
	assert_false(rules_stage_find(r, "won")->requires_amount);
	assert_true(rules_stage_find(r, "lost")->requires_reason);
	assert_true(rules_stage_find(r, "lost")->closed);
	assert_int_equal(rules_stage_find(r, "new")->stale_after, 2 * 86400);
	assert_int_equal(rules_stage_find(r, "quoted")->stale_after, 7 * 86400);
	assert_int_equal(rules_stage_find(r, "lost")->stale_after, 0);
	assert_int_equal(rules_stage_find(r, "nurture")->stale_after, 0);
	assert_int_equal(r->nlost_reasons, 6);
	assert_string_equal(r->lost_reasons[5], "spam");
	rules_diags_free(&d);
	rules_free(r);
}

static void
round_robin_is_parsed_to_indices(void **state)
{
	rules_diags d;
	rules *r = expect_ok("business: { name: Acme, timezone: UTC }\n"
			     "people: [ { id: alice, name: A, role: office },"
			     " { id: bob, name: B, role: sales }, { id: maria, name: M, role: sales } ]\n"
			     "routing:\n"
			     "  - { when: { source: phone_call, after_hours: false }, owner: bob }\n"
			     "  - { when: { service: roof }, owner: { role: sales } }\n"
			     "  - { owner: { round_robin: [maria, alice] } }\n", &d);

	(void)state;
	assert_int_equal(r->nroutes, 3);
	assert_string_equal(r->routes[0].source, "phone_call");
	assert_int_equal(r->routes[0].after_hours, 0);
	assert_int_equal(r->routes[0].owner.npeople, 1);
	assert_int_equal(r->routes[0].owner.people[0], 1);
	assert_string_equal(r->routes[1].service, "roof");
	assert_string_equal(r->routes[1].owner.role, "sales");
	assert_int_equal(r->routes[1].owner.npeople, 0);
	assert_int_equal(r->routes[2].owner.npeople, 2);
	assert_int_equal(r->routes[2].owner.people[0], 2);
	assert_int_equal(r->routes[2].owner.people[1], 0);
	assert_int_equal(r->routes[2].line, 6);
	rules_diags_free(&d);
	rules_free(r);
}

static void
people_are_checked(void **state)
{
	(void)state;
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people:\n"
		     "  - { id: alice, name: A, role: office, notify: sms }\n"
		     "routing: [ { owner: alice } ]\n", 1, 3, 49,
		     "notify: sms needs a \"phone\" for alice");
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people:\n"
		     "  - { id: alice, name: A, role: office }\n"
		     "  - { id: alice, name: B, role: office }\n"
		     "routing: [ { owner: alice } ]\n", 1, 4, 11,
		     "person \"alice\" is defined twice");
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people:\n"
		     "  - { id: Alice, name: A, role: office }\n"
		     "routing: [ { owner: Alice } ]\n", 1, 3, 11,
		     "person id \"Alice\" may only use a-z, 0-9 and _.-");
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people:\n"
		     "  - { id: alice, role: office }\n"
		     "routing: [ { owner: alice } ]\n", 1, 3, 5,
		     "missing required key \"name\" in person");
}

static void
lookups_find_and_miss(void **state)
{
	rules_diags d;
	rules *r = expect_ok(BASE "templates: { t: x }\n", &d);

	(void)state;
	assert_int_equal(rules_person_index(r, "bob"), 1);
	assert_int_equal(rules_person_index(r, "carol"), -1);
	assert_string_equal(rules_person_find(r, "maria")->role, "manager");
	assert_null(rules_person_find(r, NULL));
	assert_string_equal(rules_person_by_role(r, "sales")->id, "bob");
	assert_null(rules_person_by_role(r, "ceo"));
	assert_string_equal(rules_template_find(r, "t")->text, "x");
	assert_int_equal(rules_template_find(r, "t")->line, 4);
	assert_null(rules_template_find(r, "u"));
	assert_null(rules_sequence_find(r, "s"));
	assert_string_equal(r->people[0].phone, "+13125550101");
	assert_int_equal(r->people[0].notify, NOTIFY_SMS);	/* default with a phone */
	assert_int_equal(r->people[1].notify, NOTIFY_NONE);
	rules_free(NULL);
	rules_diags_free(&d);
	rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sms_countries_default_to_the_business_country),
		cmocka_unit_test(default_rules_load_without_errors_or_warnings),
		cmocka_unit_test(reports_keys_give_the_job_value_and_close_rate),
		cmocka_unit_test(default_sequences_are_parsed_step_by_step),
		cmocka_unit_test(people_can_be_away),
		cmocka_unit_test(away_mistakes_are_reported),
		cmocka_unit_test(stage_requirements_are_parsed),
		cmocka_unit_test(default_stages_when_none_are_given),
		cmocka_unit_test(round_robin_is_parsed_to_indices),
		cmocka_unit_test(people_are_checked),
		cmocka_unit_test(lookups_find_and_miss),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

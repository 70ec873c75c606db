/*
 * test_rules_routing.c - the rules loader on routing: who owns a lead, the
 * check that someone covers every lead, and the gaps and unreachable rules it
 * reports.
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

static void
rules_check_proves_someone_covers(void **state)
{
	rules_diags d;
	rules *r;

	(void)state;
	/* Away with nobody to cover: named, with when. */
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: alice, name: Alice, role: office,\n"
		     "            away: [ { from: 2026-12-21, to: 2026-12-27 } ] } ]\n"
		     "routing: [ { owner: alice } ]\n", 1, 4, 21,
		     "nobody can take its leads from 2026-12-21 00:00: alice (away); give one of "
		     "them a \"fallback\" who is at work then");
	/* Not active, and so is the fallback. */
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: carl, name: Carl, role: office, active: false, fallback: dee },\n"
		     "          { id: dee, name: Dee, role: office, active: false } ]\n"
		     "routing: [ { owner: carl } ]\n", 1, 4, 21,
		     "nobody can take its leads: carl (not active), fallback dee (not active); "
		     "give one of them a \"fallback\" who is active");
	/* Two away at once in a pool, and their fallback too. */
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: a, name: A, role: x, away: [ { from: 2026-12-20, to: 2026-12-31 } ] },\n"
		     "          { id: b, name: B, role: x, fallback: m, away: [ { from: 2026-12-24, to: 2026-12-26 } ] },\n"
		     "          { id: m, name: M, role: y, away: [ { from: 2026-12-25, to: 2026-12-25 } ] } ]\n"
		     "routing: [ { owner: { round_robin: [a, b] } } ]\n", 1, 5, 21,
		     "nobody can take its leads from 2026-12-25 00:00: a (away), b (away), fallback m "
		     "(away); give one of them a \"fallback\" who is at work then");
	/* Away at different times, or covered: proven. */
	r = expect_ok("business: { name: Acme, timezone: UTC }\n"
		      "people: [ { id: a, name: A, role: x, away: [ { from: 2026-12-20, to: 2026-12-23 } ] },\n"
		      "          { id: b, name: B, role: x, away: [ { from: 2026-12-24, to: 2026-12-26 } ] } ]\n"
		      "routing: [ { owner: { round_robin: [a, b] } } ]\n"
		      "escalation: [ { task_overdue: 1h, reassign: { round_robin: [b, a] } },\n"
		      "              { task_overdue: 4h, notify: owner } ]\n", &d);
	assert_int_equal(d.n, 0);
	rules_free(r);
	rules_diags_free(&d);
}

static void
routing_gap_names_the_smallest_lead_it_leaves_out(void **state)
{
	(void)state;
	/* The commonest lead first: a web form's new inquiry in opening hours
	 * (Monday 08:00-17:00 by default; an hour after opening). */
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: alice, name: Alice, role: office } ]\n"
		     "routing:\n"
		     "  - { when: { source: phone_call }, owner: alice }\n"
		     "  - { when: { kind: estimate }, owner: alice }\n", 1, 4, 3,
		     "routing can leave a lead without an owner: a web_form lead of kind "
		     "new_inquiry arriving Monday 09:00 (business hours) matches no rule; add a "
		     "rule for it or a last rule without \"when\"");
	/* Covered in opening hours only: the gap is after hours. */
	expect_error("business: { name: Acme, timezone: UTC, hours: { mon-fri: \"08:00-17:00\" } }\n"
		     "people: [ { id: alice, name: Alice, role: office } ]\n"
		     "routing:\n"
		     "  - { when: { after_hours: false }, owner: alice }\n"
		     "  - { when: { source: web_form, after_hours: true }, owner: alice }\n", 1, 4, 3,
		     "routing can leave a lead without an owner: a phone_call lead of kind "
		     "new_inquiry arriving Monday 22:00 (after hours) matches no rule; add a "
		     "rule for it or a last rule without \"when\"");
	/* Every door's source named: the gap is a source of a hook's own. */
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: alice, name: Alice, role: office } ]\n"
		     "routing:\n"
		     "  - { when: { source: web_form }, owner: alice }\n"
		     "  - { when: { source: phone_call }, owner: alice }\n"
		     "  - { when: { source: sms }, owner: alice }\n"
		     "  - { when: { source: email }, owner: alice }\n"
		     "  - { when: { source: api }, owner: alice }\n"
		     "  - { when: { source: meta_ads }, owner: alice }\n"
		     "  - { when: { source: google_ads }, owner: alice }\n", 1, 4, 3,
		     "routing can leave a lead without an owner: a lead from a source no rule "
		     "names of kind new_inquiry arriving Monday 09:00 (business hours) matches no "
		     "rule; add a rule for it or a last rule without \"when\"");
	/* A service condition never covers a lead that names no service. */
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: alice, name: Alice, role: office } ]\n"
		     "routing:\n"
		     "  - { when: { service: roof }, owner: alice }\n", 1, 4, 3,
		     "routing can leave a lead without an owner: a web_form lead of kind "
		     "new_inquiry arriving Monday 09:00 (business hours) matches no rule; add a "
		     "rule for it or a last rule without \"when\"");
}

static void
routing_after_hours_true_and_false_is_no_gap(void **state)
{
	rules_diags d;
	rules *r = expect_ok("business: { name: Acme, timezone: UTC }\n"
			     "people: [ { id: alice, name: Alice, role: office },"
			     " { id: bob, name: Bob, role: sales } ]\n"
			     "routing:\n"
			     "  - { when: { source: phone_call }, owner: bob }\n"
			     "  - { when: { after_hours: true }, owner: alice }\n"
			     "  - { when: { after_hours: false }, owner: bob }\n", &d);

	(void)state;
	assert_int_equal(d.n, 0);
	rules_free(r);
	rules_diags_free(&d);
	/* A rule after the complete pair is never used. */
	r = expect_ok("business: { name: Acme, timezone: UTC }\n"
		      "people: [ { id: alice, name: Alice, role: office } ]\n"
		      "routing:\n"
		      "  - { when: { after_hours: false }, owner: alice }\n"
		      "  - { when: { after_hours: true }, owner: alice }\n"
		      "  - { when: { kind: estimate }, owner: alice }\n", &d);
	expect_diag(&d, 6, 5, true, "this rule is never used: rule 2 above and the rules "
		    "before it take every lead");
	rules_free(r);
	rules_diags_free(&d);
	/* A business open round the clock has no after hours: false alone is
	 * every lead. */
	r = expect_ok("business: { name: Acme, timezone: UTC, hours: { mon-sun: \"00:00-24:00\" } }\n"
		      "people: [ { id: alice, name: Alice, role: office } ]\n"
		      "routing:\n"
		      "  - { when: { after_hours: false }, owner: alice }\n", &d);
	assert_int_equal(d.n, 0);
	rules_free(r);
	rules_diags_free(&d);
}

static void
routing_on_custom_fields(void **state)
{
	rules_diags d;
	rules *r = expect_ok("business: { name: Acme, timezone: UTC }\n"
			     "people: [ { id: alice, name: Alice, role: office } ]\n"
			     "routing:\n"
			     "  - { when: { custom: { zip: \"60601\", Budget Range: high } }, owner: alice }\n"
			     "  - { owner: alice }\n", &d);

	(void)state;
	assert_int_equal(r->routes[0].ncustom, 2);
	assert_string_equal(r->routes[0].custom[1].name, "Budget Range");
	assert_string_equal(r->routes[0].custom[1].value, "high");
	rules_diags_free(&d);
	rules_free(r);
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: alice, name: Alice, role: office } ]\n"
		     "routing:\n"
		     "  - { when: { custom: {} }, owner: alice }\n"
		     "  - { owner: alice }\n", 1, 4, 23,
		     "\"custom\" must name at least one field, e.g. { zip: \"60601\" }");
}

static void
routing_rule_after_catch_all_is_a_warning(void **state)
{
	rules_diags d;
	rules *r = expect_ok("business: { name: Acme, timezone: UTC }\n"
			     "people: [ { id: alice, name: Alice, role: office } ]\n"
			     "routing:\n"
			     "  - { owner: alice }\n"
			     "  - { when: { kind: estimate }, owner: alice }\n", &d);

	(void)state;
	expect_diag(&d, 5, 5, true, "this rule is never used: rule 1 above has no \"when\" "
		    "and takes every lead");
	assert_int_equal(d.n, 1);
	rules_diags_free(&d);
	rules_free(r);
}

static void
unknown_person_lists_the_known_ones(void **state)
{
	(void)state;
	expect_error(BASE "escalation: [ { task_overdue: 1h, reassign: carol } ]\n", 1, 4, 45,
		     "person \"carol\" does not exist (known: alice, bob, maria)");
	expect_error(BASE "escalation: [ { task_overdue: 1h, reassign: { round_robin: "
		     "[alice, carol] } } ]\n", 1, 4, 68,
		     "person \"carol\" does not exist (known: alice, bob, maria)");
	expect_error(BASE "stages: [ { name: new, owner_role: boss } ]\n", 1, 4, 36,
		     "no person has role \"boss\" (roles: office, sales, manager)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules_check_proves_someone_covers),
		cmocka_unit_test(routing_gap_names_the_smallest_lead_it_leaves_out),
		cmocka_unit_test(routing_after_hours_true_and_false_is_no_gap),
		cmocka_unit_test(routing_rule_after_catch_all_is_a_warning),
		cmocka_unit_test(routing_on_custom_fields),
		cmocka_unit_test(unknown_person_lists_the_known_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_rules_steps.c - the rules loader on sequences, steps, escalation and
 * the cold path: step ids, timing keys, sends and templates, and the mistakes
 * in them reported at their FILE:LINE:COL.
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
steps_have_ids_from_what_they_do(void **state)
{
	rules_diags d;
	rules *r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml),
				     "default", &d);
	const rules_sequence *seq;
	static const char *const want[] = {
		"sms.ack", "email.ack_email", "call", "sms.checkin", "sms.second", "sms.final",
	};

	(void)state;
	assert_non_null(r);
	seq = rules_sequence_find(r, "new_inquiry");
	assert_int_equal(seq->nsteps, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(seq->steps[i].id, want[i]);
	assert_int_equal(rules_step_index(seq, "sms.final"), 5);
	assert_int_equal(rules_step_index(seq, "sms.nope"), -1);
	/* A titled task is named by its verb and its title's hash. */
	seq = rules_sequence_find(r, "quote_sent");
	assert_int_equal(strncmp(seq->steps[0].id, "call.", 5), 0);
	assert_int_equal(strlen(seq->steps[0].id), 13);
	/* The version is the file's SHA-256: the same text, the same version. */
	assert_int_equal(strlen(r->version), 64);
	assert_string_equal(r->text, rules_default_yaml);
	rules_free(r);
	rules_diags_free(&d);
}

static void
step_ids_do_not_depend_on_timing(void **state)
{
	rules_diags d1, d2;
	rules *a = expect_ok(BASE "sequences:\n"
			     "  s:\n"
			     "    - { at: 1d, send: sms, template: t }\n"
			     "    - { at: 2d, send: sms, template: u }\n"
			     "templates: { t: \"hi\", u: \"again\" }\n", &d1);
	rules *b = expect_ok(BASE "sequences:\n"
			     "  s:\n"
			     "    - { at: 3d, send: sms, template: u }\n"
			     "templates: { t: \"hi\", u: \"again\" }\n", &d2);

	(void)state;
	assert_string_equal(a->sequences[0].steps[1].id, "sms.u");
	assert_string_equal(b->sequences[0].steps[0].id, "sms.u");
	assert_string_not_equal(a->version, b->version);
	rules_free(a);
	rules_free(b);
	rules_diags_free(&d1);
	rules_diags_free(&d2);
}

static void
step_ids_given_repeated_or_alike(void **state)
{
	rules_diags d;
	rules *r = expect_ok(BASE "sequences:\n"
			     "  s:\n"
			     "    - { at: 1d, task: call, id: first_call }\n"
			     "    - { at: 2d, send: sms, template: t }\n"
			     "    - { at: 3d, send: sms, template: t }\n"
			     "templates: { t: \"hi\" }\n", &d);

	(void)state;
	assert_string_equal(r->sequences[0].steps[0].id, "first_call");
	assert_string_equal(r->sequences[0].steps[1].id, "sms.t");
	assert_string_equal(r->sequences[0].steps[2].id, "sms.t~2");
	expect_diag(&d, 8, 7, true, "step 3 of \"s\" does the same as step 2; give repeated "
		    "steps an \"id\" each, so that an edit never takes one for another");
	rules_free(r);
	rules_diags_free(&d);
	expect_error(BASE "sequences:\n"
		     "  s:\n"
		     "    - { at: 1d, task: call, id: x }\n"
		     "    - { at: 2d, task: text, id: x }\n", 1, 7, 33,
		     "step id \"x\" is used twice in sequence \"s\"");
}

/* Working hours per person, urgent routing and escalation, the grace after a
 * promised contact; mistakes are reported where they are written. */
static void
timing_keys_are_read_and_checked(void **state)
{
	rules_diags d;
	rules *r;

	(void)state;
	r = expect_ok("business: { name: Acme, timezone: UTC }\n"
		      "people: [ { id: oz, name: Oz, role: oncall, hours: { mon-sun: \"07:00-23:00\" } },\n"
		      "          { id: ny, name: Ny, role: office } ]\n"
		      "routing: [ { when: { kind: emergency }, owner: oz, urgent: true }, { owner: ny } ]\n"
		      "escalation: [ { task_overdue: 15m, notify: oz, urgent: true } ]\n"
		      "limits: { promise_grace: 3h }\n", &d);
	assert_true(r->people[0].has_hours);
	assert_int_equal(r->people[0].nspans[0], 1);
	assert_int_equal(r->people[0].hours[0][0].close_min, 23 * 60);
	assert_false(r->people[1].has_hours);
	assert_true(r->routes[0].urgent);
	assert_false(r->routes[1].urgent);
	assert_true(r->escalations[0].urgent);
	assert_int_equal(r->promise_grace, 3 * 3600);
	rules_free(r);
	rules_diags_free(&d);
	r = expect_ok("business: { name: Acme, timezone: UTC }\n" PEOPLE, &d);
	assert_int_equal(r->promise_grace, 3600);	/* the default */
	rules_free(r);
	rules_diags_free(&d);

	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: oz, name: Oz, role: oncall, hours: { mon-sun: closed } } ]\n"
		     "routing: [ { owner: oz } ]\n", 1, 2, 52,
		     "oz is never open: their notifications would never go");
	expect_error("business: { name: Acme, timezone: UTC }\n" PEOPLE
		     "escalation: [ { task_overdue: 15m, reassign: alice, urgent: true } ]\n", 1, 4, 61,
		     "\"urgent\" applies to \"notify\", not \"reassign\"");
}

static void
sequence_over_the_touch_limit_is_a_warning(void **state)
{
	rules_diags d;
	rules *r = expect_ok(BASE "sequences:\n"
			     "  chase:\n"
			     "    - { at: 0m, send: sms, template: t }\n"	/* the ack: not counted */
			     "    - { at: 1d, send: sms, template: t }\n"
			     "    - { at: 2d, send: email, template: t }\n"
			     "    - { at: 3d, task: call }\n"
			     "    - { at: 4d, send: sms, template: t }\n"
			     "    - { at: 5d, send: sms, template: t }\n"
			     "    - { at: 6d, send: sms, template: t }\n"
			     "    - { at: 7d, send: sms, template: t }\n"
			     "    - { at: 30d, send: sms, template: t }\n"
			     "  calm: [ { at: 1d, send: sms, template: t }, { at: 11d, send: sms, "
			     "template: t } ]\n"
			     "templates: { t: Hi }\n"
			     "limits: { max_automated_touches: 4, per: 10d }\n", &d);

	(void)state;
	expect_diag(&d, 5, 3, true, "sequence \"chase\" would send 6 automated messages "
		    "within 10d; only 4 will be sent (limits.max_automated_touches)");
	/* and, once per sequence, that its repeated steps want ids */
	expect_diag(&d, 7, 7, true, "step 2 of \"chase\" does the same as step 1; give "
		    "repeated steps an \"id\" each, so that an edit never takes one for "
		    "another");
	assert_int_equal(d.n, 3);
	rules_diags_free(&d);
	rules_free(r);
}

static void
then_is_only_allowed_on_the_last_step(void **state)
{
	(void)state;
	expect_error(BASE "sequences:\n  s:\n"
		     "    - { at: 0m, task: call, then: cold }\n"
		     "    - { at: 1d, task: call }\n", 1, 6, 29,
		     "\"then\" is only allowed on the last step of a sequence");
}

static void
send_may_list_channels_and_a_template_per_channel(void **state)
{
	rules_diags d;
	rules *r;
	const rules_step *st;

	(void)state;
	r = expect_ok(BASE "sequences:\n  s:\n"
		      "    - { at: 1d, send: [email, sms], template: { sms: a, email: b } }\n"
		      "    - { at: 2d, send: [sms, email], template: a }\n"
		      "templates: { a: x, b: y }\n", &d);
	st = &rules_sequence_find(r, "s")->steps[0];
	assert_int_equal(st->nchannels, 2);
	assert_int_equal(st->channel, CHANNEL_EMAIL);
	assert_int_equal(st->channels[1], CHANNEL_SMS);
	assert_string_equal(rules_step_template(st, CHANNEL_SMS), "a");
	assert_string_equal(rules_step_template(st, CHANNEL_EMAIL), "b");
	st++;
	assert_string_equal(rules_step_template(st, CHANNEL_EMAIL), "a");
	rules_free(r);
	rules_diags_free(&d);
	expect_error(BASE "sequences:\n  s: [ { at: 0m, send: [sms, sms], template: a } ]\n"
		     "templates: { a: x }\n", 1, 5, 30, "channel \"sms\" is named twice in \"send\"");
	expect_error(BASE "sequences:\n  s: [ { at: 0m, send: [], template: a } ]\n"
		     "templates: { a: x }\n", 1, 5, 24,
		     "\"send\" lists one or two channels to try in order: sms, email");
	expect_error(BASE "sequences:\n  s: [ { at: 0m, send: sms, template: { sms: a, email: a } } ]\n"
		     "templates: { a: x }\n", 1, 5, 49,
		     "\"template\" names a template for email, which this step does not send");
	expect_error(BASE "sequences:\n  s: [ { at: 0m, send: [sms, email], template: { sms: a } } ]\n"
		     "templates: { a: x }\n", 1, 5, 48,
		     "\"template\" needs a template for email, which this step sends");
}

static void
optional_field_without_a_fallback_is_a_warning(void **state)
{
	rules_diags d;
	rules *r;

	(void)state;
	r = expect_ok(BASE "sequences:\n  s: [ { at: 0m, task: call, title: \"Call {{name}}\" } ]\n"
		      "templates:\n"
		      "  a: \"Hi {{first_name}}, {{owner_first_name}} - {{business_name}}\"\n"
		      "  b: \"Hi {{first_name|there}}{{#service}} about {{service}}{{/service}}\"\n"
		      "  c: \"{{^service}}{{service}}{{/service}} {{#name}}{{#service}}{{name}}"
		      "{{/service}}{{/name}}\"\n", &d);
	expect_diag(&d, 5, 45, true, "task title uses {{name}} without a fallback: a lead "
		    "without one reads it as nothing; write {{name|...}} or put it in "
		    "{{#name}}...{{/name}}");
	expect_diag(&d, 7, 12, true, "template \"a\" uses {{first_name}} without a fallback: a "
		    "lead without one reads it as nothing; write {{first_name|...}} or put it in "
		    "{{#first_name}}...{{/first_name}}");
	expect_diag(&d, 9, 21, true, "template \"c\" uses {{service}} without a fallback: a "
		    "lead without one reads it as nothing; write {{service|...}} or put it in "
		    "{{#service}}...{{/service}}");
	assert_int_equal(d.n, 3);	/* the owner, the business name: always there */
	rules_free(r);
	rules_diags_free(&d);
}

static void
escalation_ending_in_a_reassign_is_a_warning(void **state)
{
	rules_diags d;
	rules *r;

	(void)state;
	r = expect_ok(BASE "escalation:\n  - { task_overdue: 15m, notify: manager }\n"
		      "  - { task_overdue: 2h, reassign: bob }\n", &d);
	expect_diag(&d, 6, 5, true, "the last escalation level reassigns: a task it hands over "
		    "is never escalated again; end the chain with a notify (a manager, the "
		    "business owner)");
	rules_free(r);
	rules_diags_free(&d);
}

static void
unanswered_reply_is_checked(void **state)
{
	rules_diags d;
	rules *r;

	(void)state;
	r = expect_ok(BASE "unanswered_reply: { after: 1d, then: cold }\n", &d);
	assert_int_equal(r->unanswered.after, 86400);
	assert_true(r->unanswered.cold);
	rules_free(r);
	rules_diags_free(&d);
	expect_error(BASE "unanswered_reply: { after: 1d, sequence: nope }\n", 1, 4, 42,
		     "sequence \"nope\" does not exist (known: no sequences are defined)");
	expect_error(BASE "unanswered_reply: { after: 1d }\n", 1, 4, 19,
		     "unanswered_reply takes exactly one of \"then: cold\" or \"sequence\"");
	expect_error(BASE "unanswered_reply: { after: 0m, then: cold }\n", 1, 4, 28,
		     "\"after\" must be longer than 0m");
}

static void
steps_must_be_in_order(void **state)
{
	(void)state;
	expect_error(BASE "sequences:\n  s:\n"
		     "    - { at: 3d, task: call }\n"
		     "    - { at: 1d, task: call }\n", 1, 7, 13,
		     "step at 1d comes after a step at 3d; steps must be in order of \"at\"");
	expect_error(BASE "sequences:\n  s: [ { at: 0m, send: sms, task: call } ]\n", 2, 5, 8,
		     "a step takes only one of \"send\", \"task\" or \"notify\"");
	expect_error(BASE "sequences:\n  s: [ { at: 0m, send: fax } ]\n", 2, 5, 24,
		     "\"send\" must be one of: sms, email");
	expect_error(BASE "sequences:\n  s: [ { at: 0m, notify: owner, template: t, "
		     "within: 5m } ]\ntemplates: { t: x }\n", 1, 5, 46,
		     "\"within\" is for task steps only");
}

static void
notify_targets_must_exist(void **state)
{
	(void)state;
	expect_error(BASE "escalation: [ { task_overdue: 15m, notify: boss } ]\n", 1, 4, 44,
		     "notify \"boss\" is not \"owner\", a person or a role (people: alice, "
		     "bob, maria; roles: office, sales, manager)");
	expect_error(BASE "escalation:\n  - { task_overdue: 2h, notify: manager }\n"
		     "  - { task_overdue: 15m, notify: owner }\n", 1, 6, 21,
		     "escalation levels must be in increasing order of \"task_overdue\": 15m "
		     "is not after 2h");
}

static void
cold_is_checked(void **state)
{
	rules_diags d;
	rules *r;

	(void)state;
	expect_error(BASE "cold: { status: lost, reason: bored }\n", 1, 4, 31,
		     "cold reason \"bored\" is not one of lost_reasons (no_response, price, "
		     "timing, competitor, not_a_fit, spam)");
	expect_error(BASE "lost_reasons: [price]\n", 1, 4, 15,
		     "the default cold reason \"no_response\" is not one of lost_reasons "
		     "(price): add it, or set cold.reason");
	expect_error(BASE "cold: { status: archive, nurture_every: 30d }\n", 1, 4, 26,
		     "\"nurture_every\" is for status nurture only");
	r = expect_ok(BASE "cold: { status: nurture, nurture_every: 30d }\n", &d);
	assert_int_equal(r->cold.kind, COLD_NURTURE);
	assert_int_equal(r->cold.nurture_every, 30 * 86400);
	rules_diags_free(&d);
	rules_free(r);
}

static void
long_sms_template_is_a_warning(void **state)
{
	rules_diags d;
	rules *r = expect_ok(BASE "sequences:\n  s: [ { at: 1d, send: sms, template: long } ]\n"
			     "templates:\n  long: \"{{message|}} {{message|}} {{message|}} "
			     "{{message|}} {{message|}} {{message|}}\"\n"
			     "  unused_long: \"{{message|}} {{message|}} {{message|}} {{message|}} "
			     "{{message|}} {{message|}}\"\n", &d);

	(void)state;
	expect_diag(&d, 7, 9, true, "template \"long\" would be 3 SMS segments with typical "
		    "values; more than 2 cost more and may arrive out of order");
	assert_int_equal(d.n, 1);	/* not for a template no SMS step sends */
	rules_diags_free(&d);
	rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steps_have_ids_from_what_they_do),
		cmocka_unit_test(step_ids_do_not_depend_on_timing),
		cmocka_unit_test(step_ids_given_repeated_or_alike),
		cmocka_unit_test(timing_keys_are_read_and_checked),
		cmocka_unit_test(sequence_over_the_touch_limit_is_a_warning),
		cmocka_unit_test(then_is_only_allowed_on_the_last_step),
		cmocka_unit_test(steps_must_be_in_order),
		cmocka_unit_test(escalation_ending_in_a_reassign_is_a_warning),
		cmocka_unit_test(optional_field_without_a_fallback_is_a_warning),
		cmocka_unit_test(unanswered_reply_is_checked),
		cmocka_unit_test(send_may_list_channels_and_a_template_per_channel),
		cmocka_unit_test(notify_targets_must_exist),
		cmocka_unit_test(cold_is_checked),
		cmocka_unit_test(long_sms_template_is_a_warning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_rules.c - the rules loader: the embedded default loads clean, each kind
 * of problem is reported with its exact FILE:LINE:COL and message, and what is
 * read lands in the model as the engine expects it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rules/rules_load.h"

/* Three lines every small test starts from: one business, three people, one
 * catch-all route. Sections a test adds begin on line 4. */
#define BASE \
	"business: { name: Acme, timezone: UTC }\n" \
	"people: [ { id: alice, name: Alice, role: office, phone: \"+13125550101\" }," \
	" { id: bob, name: Bob, role: sales }, { id: maria, name: Maria, role: manager } ]\n" \
	"routing: [ { owner: alice } ]\n"

static rules *
load(const char *yaml, rules_diags *d)
{
	return rules_load_string(yaml, strlen(yaml), "t.yaml", d);
}

static void
dump(const rules_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("  %d:%d: %s: %s\n", d->items[i].line, d->items[i].col,
			      d->items[i].warning ? "warning" : "error", d->items[i].message);
}

/* Asserts that d holds exactly this problem at exactly this place. */
static void
expect_diag(const rules_diags *d, int line, int col, bool warning, const char *msg)
{
	for (size_t i = 0; i < d->n; i++) {
		const rules_diag *it = &d->items[i];

		if (strcmp(it->message, msg) == 0 && it->line == line && it->col == col &&
		    it->warning == warning) {
			assert_string_equal(it->file, "t.yaml");
			return;
		}
	}
	print_message("expected %d:%d: %s: %s\nbut got:\n", line, col,
		      warning ? "warning" : "error", msg);
	dump(d);
	fail();
}

/* Loads yaml expecting failure with exactly nerrors errors, one of them msg. */
static void
expect_error(const char *yaml, size_t nerrors, int line, int col, const char *msg)
{
	rules_diags d;
	rules *r = load(yaml, &d);

	assert_null(r);
	expect_diag(&d, line, col, false, msg);
	if (d.nerrors != nerrors) {
		dump(&d);
		assert_int_equal(d.nerrors, nerrors);
	}
	rules_diags_free(&d);
}

/* Loads yaml expecting success; the caller frees both. */
static rules *
expect_ok(const char *yaml, rules_diags *d)
{
	rules *r = load(yaml, d);

	if (r == NULL)
		dump(d);
	assert_non_null(r);
	assert_int_equal(d->nerrors, 0);
	return r;
}

#define PEOPLE \
	"people: [ { id: alice, name: Alice, role: office } ]\nrouting: [ { owner: alice } ]\n"

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
unknown_key_names_the_expected_keys(void **state)
{
	(void)state;
	expect_error(BASE "sequnces: {}\n", 1, 4, 1,
		     "unknown key \"sequnces\" in rules (expected one of: business, people, "
		     "routing, stages, lost_reasons, sequences, escalation, cold, limits, "
		     "templates, unanswered_reply, appointments, ...)");
	expect_error(BASE "limits: { max_automated_touches: 4, pre: 10d }\n", 1, 4, 37,
		     "unknown key \"pre\" in limits (expected one of: "
		     "max_automated_touches, per, max_echo_chars, promise_grace)");
}

static void
wrong_types_say_what_was_expected(void **state)
{
	(void)state;
	expect_error(BASE "templates: [ack]\n", 1, 4, 12,
		     "expected a mapping for \"templates\", found a list");
	expect_error(BASE "lost_reasons: { a: b }\n", 1, 4, 15,
		     "expected a list for \"lost_reasons\", found a mapping");
	expect_error(BASE "cold: { status: lost, reason: [x] }\n", 1, 4, 31,
		     "expected a string for \"reason\", found a list");
	expect_error(BASE "stages: [ { name: new, closed: yes } ]\n", 1, 4, 32,
		     "\"closed\" must be true or false");
	expect_error(BASE "limits: { max_automated_touches: four }\n", 1, 4, 34,
		     "\"max_automated_touches\" must be a whole number from 0 to 1000");
}

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

static void
unknown_template_field_points_at_the_field(void **state)
{
	(void)state;
	/* plain, single-quoted, double-quoted with escapes, and non-ASCII before it */
	expect_error(BASE "templates:\n  ack: Hi {{frist_name}}\n", 1, 5, 13,
		     "template \"ack\" uses unknown field \"frist_name\"");
	expect_error(BASE "templates:\n  ack: 'It''s {{ #frist_name }}x{{/frist_name}}'\n",
		     1, 5, 19, "template \"ack\" uses unknown field \"frist_name\"");
	expect_error(BASE "templates:\n  ack: \"a\\n\\u00e9 {{frist_name}}\"\n", 1, 5, 21,
		     "template \"ack\" uses unknown field \"frist_name\"");
	expect_error(BASE "templates:\n  ack: \"Café – {{frist_name}}\"\n", 1, 5, 18,
		     "template \"ack\" uses unknown field \"frist_name\"");
	/* over several lines: the scalar's start */
	expect_error(BASE "templates:\n  ack: \"Hi\n    {{frist_name}}\"\n", 1, 5, 8,
		     "template \"ack\" uses unknown field \"frist_name\"");
	/* a task title is a template too */
	expect_error(BASE "sequences:\n  s: [ { at: 0m, task: call, title: \"Call {{nmae}}\" } ]\n",
		     1, 5, 45, "task title uses unknown field \"nmae\"");
	expect_error(BASE "templates: { t: \"{{#service}}x\" }\n", 1, 4, 18,
		     "template \"t\": section \"service\" is never closed with {{/service}}");
}

static void
missing_template_is_reported_at_the_reference(void **state)
{
	(void)state;
	expect_error(BASE "sequences:\n  s: [ { at: 0m, send: sms, template: ackk } ]\n"
		     "templates: { ack: Hi }\n", 1, 5, 39,
		     "template \"ackk\" does not exist (known: ack)");
	expect_error(BASE "sequences:\n  s: [ { at: 0m, send: sms } ]\n", 1, 5, 8,
		     "missing required key \"template\" in step");
}

static void
bad_duration_is_reported(void **state)
{
	(void)state;
	expect_error(BASE "sequences:\n  s: [ { at: 0m, task: call, within: 5 minutes } ]\n",
		     1, 5, 38, "\"within\" must be a duration like 5m, 2h, 3d");
	expect_error(BASE "limits: { per: 10 }\n", 1, 4, 16,
		     "\"per\" must be a duration like 5m, 2h, 3d");
}

static void
durations_parse_to_seconds(void **state)
{
	rules_diags d;
	rules *r = expect_ok(BASE "sequences:\n  s:\n"
			     "    - { at: 0m, task: call, within: 90s }\n"
			     "    - { at: 2h, task: call, within: 1w }\n"
			     "    - { at: 3650d, task: call }\n", &d);
	const rules_sequence *s = rules_sequence_find(r, "s");

	(void)state;
	assert_int_equal(s->steps[0].at, 0);
	assert_int_equal(s->steps[0].within, 90);
	assert_int_equal(s->steps[1].at, 7200);
	assert_int_equal(s->steps[1].within, 7 * 86400);
	assert_int_equal(s->steps[2].at, 3650LL * 86400);
	assert_int_equal(s->steps[2].within, 15 * 60);	/* the default */
	rules_diags_free(&d);
	rules_free(r);
	expect_error(BASE "limits: { per: 3651d }\n", 1, 4, 16,
		     "\"per\" is too long (at most 3650d)");
	expect_error(BASE "limits: { per: -1h }\n", 1, 4, 16,
		     "\"per\" must be a duration like 5m, 2h, 3d");
}

static void
bad_timezone_is_reported_at_its_position(void **state)
{
	(void)state;
	expect_error("business: { name: Acme, timezone: Mars/Base }\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     1, 1, 35, "unknown time zone \"Mars/Base\" (expected an IANA time zone "
		     "like America/Chicago)");
	expect_error("business: { name: Acme }\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     1, 1, 11, "missing required key \"timezone\" in business");
}

static void
bad_hours_are_reported(void **state)
{
	(void)state;
	expect_error("business:\n  name: Acme\n  timezone: UTC\n"
		     "  hours: { mon-fri: \"8-5\" }\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     1, 4, 21, "hours must look like \"08:00-17:00\", \"08:00-12:00, 13:00-17:00\" "
		     "or \"closed\" (spans in order, at most 4 a day)");
	expect_error("business:\n  name: Acme\n  timezone: UTC\n"
		     "  hours: { mon-fry: closed, sat: \"09:00-12:00\", sat-sun: closed }\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     2, 4, 12, "unknown day \"mon-fry\" in hours (expected mon, tue, wed, thu, "
		     "fri, sat, sun or a range like mon-fri)");
	expect_error("business:\n  name: Acme\n  timezone: UTC\n"
		     "  hours: { sat: \"09:00-12:00\", sat-sun: closed }\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     1, 4, 32, "\"sat-sun\" repeats a day already given by \"sat\"");
	expect_error("business:\n  name: Acme\n  timezone: UTC\n"
		     "  hours: { mon-sun: closed }\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     1, 4, 10, "the business is never open: tasks due in business hours would "
		     "never come due");
	expect_error("business:\n  name: Acme\n  timezone: UTC\n  quiet_hours: 21-8\n"
		     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     1, 4, 16, "\"quiet_hours\" must look like \"21:00-08:00\"");
}

static void
hours_are_spans_per_weekday(void **state)
{
	rules_diags d;
	rules *r = expect_ok("business:\n  name: Acme\n  timezone: UTC\n"
			     "  hours:\n"
			     "    mon-fri: \"08:00-12:00, 13:00-17:30\"\n"
			     "    sat: \"09:00-12:00\"\n"
			     "    sun: closed\n"
			     "  holidays: [2027-01-01, 2026-12-25]\n"
			     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
			     &d);
	const rules_business *b = &r->business;

	(void)state;
	for (int day = 1; day <= 5; day++) {
		assert_int_equal(b->nspans[day], 2);
		assert_int_equal(b->hours[day][0].open_min, 8 * 60);
		assert_int_equal(b->hours[day][0].close_min, 12 * 60);
		assert_int_equal(b->hours[day][1].open_min, 13 * 60);
		assert_int_equal(b->hours[day][1].close_min, 17 * 60 + 30);
	}
	assert_int_equal(b->nspans[6], 1);
	assert_int_equal(b->hours[6][0].open_min, 9 * 60);
	assert_int_equal(b->nspans[0], 0);
	assert_false(b->has_quiet);
	assert_int_equal(b->holidays[0], 20261225);	/* sorted */
	assert_int_equal(b->holidays[1], 20270101);
	rules_diags_free(&d);
	rules_free(r);
}

static void
hour_ranges_may_wrap_past_sunday(void **state)
{
	rules_diags d;
	rules *r = expect_ok("business:\n  name: Acme\n  timezone: UTC\n"
			     "  hours: { sun-thu: \"07:00-15:00\", fri-sat: closed }\n"
			     "people: [ { id: a, name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
			     &d);

	(void)state;
	for (int day = 0; day <= 4; day++)
		assert_int_equal(r->business.nspans[day], 1);
	assert_int_equal(r->business.nspans[5], 0);
	assert_int_equal(r->business.nspans[6], 0);
	rules_diags_free(&d);
	rules_free(r);
}

static void
missing_hours_default_to_weekdays(void **state)
{
	rules_diags d;
	rules *r = expect_ok(BASE, &d);

	(void)state;
	assert_int_equal(r->business.nspans[0], 0);
	assert_int_equal(r->business.nspans[1], 1);
	assert_int_equal(r->business.hours[5][0].close_min, 17 * 60);
	assert_int_equal(r->business.nspans[6], 0);
	assert_string_equal(r->business.country, "US");
	assert_int_equal(r->business.duplicate_window, 30 * 86400);
	assert_true(r->business.ack_ignores_quiet);
	rules_diags_free(&d);
	rules_free(r);
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

static void
syntax_errors_use_libyaml_positions(void **state)
{
	(void)state;
	expect_error(BASE "templates: { a: \"x\", b\n", 1, 5, 1,
		     "YAML syntax error: did not find expected ',' or '}' (while parsing a "
		     "flow mapping at line 4 column 12)");
	expect_error("", 1, 1, 1, "the rules file is empty");
	expect_error(BASE "---\nx: 1\n", 1, 5, 1,
		     "a rules file holds one YAML document; a second one starts here");
}

static void
all_problems_are_reported_not_just_the_first(void **state)
{
	rules_diags d;
	rules *r = load(BASE "limits: { per: soon }\ncold: { status: warm }\nescalation: 1\n", &d);

	(void)state;
	assert_null(r);
	assert_int_equal(d.nerrors, 3);
	/* in file order, whatever order the sections are read in */
	assert_int_equal(d.items[0].line, 4);
	assert_int_equal(d.items[1].line, 5);
	assert_int_equal(d.items[2].line, 6);
	rules_diags_free(&d);
}

static void
diagnostics_print_as_file_line_col(void **state)
{
	rules_diags d;
	char buf[512] = { 0 };
	FILE *f = fmemopen(buf, sizeof buf - 1, "w");
	rules *r = load(BASE "limits: { per: soon }\nrouting2: 1\n", &d);

	(void)state;
	assert_null(r);
	rules_diags_print(&d, f);
	fclose(f);
	assert_string_equal(buf,
			    "t.yaml:4:16: error: \"per\" must be a duration like 5m, 2h, 3d\n"
			    "t.yaml:5:1: error: unknown key \"routing2\" in rules (expected one of: "
			    "business, people, routing, stages, lost_reasons, sequences, escalation, "
			    "cold, limits, templates, unanswered_reply, appointments, ...)\n");
	rules_diags_free(&d);
}

static void
load_file_uses_the_path_and_caps_the_size(void **state)
{
	char path[] = "/tmp/test_rules_XXXXXX";
	int fd = mkstemp(path);
	rules_diags d;
	rules *r;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(BASE "limits: { per: soon }\n", f);
	fclose(f);
	r = rules_load_file(path, &d);
	assert_null(r);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, path);
	assert_int_equal(d.items[0].line, 4);
	rules_diags_free(&d);

	f = fopen(path, "w");
	for (int i = 0; i < 1024 * 1024 / 16 + 1; i++)
		fputs("# padding......\n", f);
	fclose(f);
	r = rules_load_file(path, &d);
	assert_null(r);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].message, "the rules file is larger than 1 MiB");
	rules_diags_free(&d);
	unlink(path);

	r = rules_load_file("/nonexistent/rules.yaml", &d);
	assert_null(r);
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(d.items[0].line, 0);
	rules_diags_free(&d);
}

static void
aliases_cannot_blow_up_the_walk(void **state)
{
	/* 1000 sequences, each the same 200 steps: 200,000 steps from a few
	 * kilobytes, if aliases were followed freely. */
	size_t cap = 64 * 1024, n = 0;
	char *y = malloc(cap);
	rules_diags d;
	rules *r;

	(void)state;
	assert_non_null(y);
	n += (size_t)snprintf(y, cap, "%s", BASE "sequences:\n  s0: &s [ &t { at: 0m, task: call }");
	for (int i = 1; i < 200; i++)
		n += (size_t)snprintf(y + n, cap - n, ",*t");
	n += (size_t)snprintf(y + n, cap - n, "]\n");
	for (int i = 1; i < 1000; i++)
		n += (size_t)snprintf(y + n, cap - n, "  s%d: *s\n", i);
	r = rules_load_string(y, n, "t.yaml", &d);
	assert_null(r);
	expect_diag(&d, 1, 1, false, "the rules file repeats its aliases too often to check");
	rules_diags_free(&d);

	/* Deep nesting must fail cleanly, not overflow a stack. */
	n = (size_t)snprintf(y, cap, "%s", BASE "templates: ");
	while (n < cap - 1)
		y[n++] = '[';
	y[n] = '\0';
	r = rules_load_string(y, n, "t.yaml", &d);
	assert_null(r);
	assert_true(d.nerrors > 0);
	rules_diags_free(&d);
	free(y);
}

static void
nul_in_a_string_is_an_error(void **state)
{
	(void)state;
	expect_error(BASE "templates: { t: \"a\\0b\" }\n", 1, 4, 17,
		     "\"t\" must not contain a NUL character");
}

static void
empty_strings_are_errors(void **state)
{
	(void)state;
	expect_error(BASE "templates: { t: \"\" }\n", 1, 4, 17, "\"t\" must not be empty");
	expect_error("business: { name: Acme, timezone: UTC }\n"
		     "people: [ { id: '', name: A, role: r } ]\nrouting: [ { owner: a } ]\n",
		     2, 2, 17, "\"person id\" must not be empty");
}

static void
diagnostics_are_capped_and_say_so(void **state)
{
	size_t cap = 64 * 1024, n = 0;
	char *y = malloc(cap);
	rules_diags d;
	rules *r;

	(void)state;
	assert_non_null(y);
	n += (size_t)snprintf(y, cap, "%s", BASE "templates:\n");
	for (int i = 0; i < 250; i++)
		n += (size_t)snprintf(y + n, cap - n, "  T%d: x\n", i);
	r = rules_load_string(y, n, "t.yaml", &d);
	assert_null(r);
	assert_int_equal(d.nerrors, 250);
	assert_int_equal(d.n, 201);
	assert_int_equal(d.items[199].line, 204);
	assert_int_equal(d.items[200].line, 0);
	assert_string_equal(d.items[200].message, "50 more problems not shown");
	rules_diags_free(&d);
	free(y);
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
		cmocka_unit_test(unknown_key_names_the_expected_keys),
		cmocka_unit_test(wrong_types_say_what_was_expected),
		cmocka_unit_test(steps_have_ids_from_what_they_do),
		cmocka_unit_test(step_ids_do_not_depend_on_timing),
		cmocka_unit_test(step_ids_given_repeated_or_alike),
		cmocka_unit_test(people_can_be_away),
		cmocka_unit_test(away_mistakes_are_reported),
		cmocka_unit_test(timing_keys_are_read_and_checked),
		cmocka_unit_test(rules_check_proves_someone_covers),
		cmocka_unit_test(routing_gap_names_the_smallest_lead_it_leaves_out),
		cmocka_unit_test(routing_after_hours_true_and_false_is_no_gap),
		cmocka_unit_test(routing_rule_after_catch_all_is_a_warning),
		cmocka_unit_test(routing_on_custom_fields),
		cmocka_unit_test(unknown_person_lists_the_known_ones),
		cmocka_unit_test(unknown_template_field_points_at_the_field),
		cmocka_unit_test(missing_template_is_reported_at_the_reference),
		cmocka_unit_test(bad_duration_is_reported),
		cmocka_unit_test(durations_parse_to_seconds),
		cmocka_unit_test(bad_timezone_is_reported_at_its_position),
		cmocka_unit_test(bad_hours_are_reported),
		cmocka_unit_test(hours_are_spans_per_weekday),
		cmocka_unit_test(hour_ranges_may_wrap_past_sunday),
		cmocka_unit_test(missing_hours_default_to_weekdays),
		cmocka_unit_test(sequence_over_the_touch_limit_is_a_warning),
		cmocka_unit_test(then_is_only_allowed_on_the_last_step),
		cmocka_unit_test(steps_must_be_in_order),
		cmocka_unit_test(escalation_ending_in_a_reassign_is_a_warning),
		cmocka_unit_test(optional_field_without_a_fallback_is_a_warning),
		cmocka_unit_test(unanswered_reply_is_checked),
		cmocka_unit_test(send_may_list_channels_and_a_template_per_channel),
		cmocka_unit_test(stage_requirements_are_parsed),
		cmocka_unit_test(default_stages_when_none_are_given),
		cmocka_unit_test(round_robin_is_parsed_to_indices),
		cmocka_unit_test(people_are_checked),
		cmocka_unit_test(notify_targets_must_exist),
		cmocka_unit_test(cold_is_checked),
		cmocka_unit_test(long_sms_template_is_a_warning),
		cmocka_unit_test(syntax_errors_use_libyaml_positions),
		cmocka_unit_test(all_problems_are_reported_not_just_the_first),
		cmocka_unit_test(diagnostics_print_as_file_line_col),
		cmocka_unit_test(load_file_uses_the_path_and_caps_the_size),
		cmocka_unit_test(aliases_cannot_blow_up_the_walk),
		cmocka_unit_test(nul_in_a_string_is_an_error),
		cmocka_unit_test(empty_strings_are_errors),
		cmocka_unit_test(diagnostics_are_capped_and_say_so),
		cmocka_unit_test(lookups_find_and_miss),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_verify.c - the five verdicts of `leadkeep verify` (src/verify) on
 * what a synthetic lead went through, against the demo rules: a lead that
 * did everything passes each test, and each missing piece fails its test
 * with its reason. (The sandbox run itself: tests/e2e/test_verify.sh.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "demo_rules.h"
#include "verify/verify.h"

/* Tue 2026-11-24 10:00 in Chicago, and what the demo rules do with a web
 * lead nobody answers: cold a week later, back 90 days on. */
#define ARRIVED local(2026, 11, 24, 10, 0)
#define DAY 86400

static verify_lead
worked(void)
{
	verify_lead l = { .source = "web_form", .kind = "new_inquiry", .arrived = ARRIVED,
			  .task_due = ARRIVED + 300, .followups = 3, .cold_at = ARRIVED + 7 * DAY,
			  .reactivate_at = ARRIVED + 97 * DAY, .reopened_at = ARRIVED + 97 * DAY };

	strcpy(l.owner, "alice");
	strcpy(l.sequence, "new_inquiry");
	strcpy(l.task_verb, "call");
	strcpy(l.task_person, "alice");
	strcpy(l.cold_status, "lost");
	strcpy(l.stage_events, "new");
	strcpy(l.stage_told, "new");
	return l;
}

static void
all_pass(void **state)
{
	verify_lead l = worked();
	verify_verdict v[VERIFY_NTESTS];

	(void)state;
	verify_judge(R, &l, v);
	for (int t = 0; t < VERIFY_NTESTS; t++)
		assert_true(v[t].pass);
	assert_string_equal(v[VERIFY_OWNERSHIP].reason, "owner alice");
	assert_string_equal(v[VERIFY_NEXT_STEP].reason, "call task for alice, due 2026-11-24 10:05");
	assert_string_equal(v[VERIFY_REMINDER].reason, "3 follow-ups fired with nobody acting");
	assert_string_equal(v[VERIFY_STALE].reason,
			    "went cold 2026-12-01 10:00 (lost), came back 2027-03-01 10:00");
	assert_string_equal(v[VERIFY_PIPELINE].reason, "stage new matches its timeline");
	assert_string_equal(verify_test_name(VERIFY_NEXT_STEP), "next_step");
}

static void
each_gap_fails_its_test(void **state)
{
	verify_lead l;
	verify_verdict v[VERIFY_NTESTS];

	(void)state;
	l = worked();
	l.owner[0] = '\0';
	verify_judge(R, &l, v);
	assert_false(v[VERIFY_OWNERSHIP].pass);
	assert_string_equal(v[VERIFY_OWNERSHIP].reason,
			    "no owner: no routing rule gives source web_form, kind new_inquiry an owner");
	assert_true(v[VERIFY_NEXT_STEP].pass);

	l = worked();
	l.task_due = 0;
	verify_judge(R, &l, v);
	assert_false(v[VERIFY_NEXT_STEP].pass);
	assert_string_equal(v[VERIFY_NEXT_STEP].reason,
			    "no first action: sequence new_inquiry gives no person a task on arrival");

	l = worked();
	l.followups = 0;
	verify_judge(R, &l, v);
	assert_false(v[VERIFY_REMINDER].pass);
	assert_non_null(strstr(v[VERIFY_REMINDER].reason, "sequence new_inquiry has no follow-up"));

	l = worked();
	l.cold_at = 0;
	l.cold_status[0] = '\0';
	verify_judge(R, &l, v);
	assert_false(v[VERIFY_STALE].pass);
	/* the demo's new_inquiry does end in then: cold: it just never came */
	assert_string_equal(v[VERIFY_STALE].reason,
			    "never went cold: sequence new_inquiry did not reach its `then: cold` step");

	l = worked();
	strcpy(l.cold_status, "archived");
	verify_judge(R, &l, v);
	assert_false(v[VERIFY_STALE].pass);
	assert_non_null(strstr(v[VERIFY_STALE].reason, "as archived, but the rules' cold path says lost"));

	l = worked();
	l.reopened_at = 0;
	verify_judge(R, &l, v);
	assert_false(v[VERIFY_STALE].pass);
	assert_non_null(strstr(v[VERIFY_STALE].reason, "did not come back on 2027-03-01 10:00"));

	l = worked();
	strcpy(l.stage_told, "contacted");
	verify_judge(R, &l, v);
	assert_false(v[VERIFY_PIPELINE].pass);
	assert_string_equal(v[VERIFY_PIPELINE].reason,
			    "reports stage contacted, but its events set new");

	l = worked();
	strcpy(l.contradiction, "stage new, but a person acted on it (call.logged)");
	verify_judge(R, &l, v);
	assert_false(v[VERIFY_PIPELINE].pass);
	assert_string_equal(v[VERIFY_PIPELINE].reason, l.contradiction);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_pass),
		cmocka_unit_test(each_gap_fails_its_test),
	};

	return cmocka_run_group_tests(tests, demo_rules_setup, demo_rules_teardown);
}

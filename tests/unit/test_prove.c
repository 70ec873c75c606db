/*
 * test_prove.c - the rules prover's judgement (src/prove) on what a synthetic
 * lead went through, against the demo rules: a lead the demo rules look after
 * has no gap, and each planted gap - a weekend phone lead no routing rule
 * takes, an email-only lead nothing reaches, a task due in a closed minute, a
 * text in quiet hours, a stalled task nothing takes over, too many follow-ups
 * - is found with its example. The arrival times, and the grouping of gaps.
 * (The sandbox run itself: tests/e2e/test_rules_prove.sh.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/lead.h"
#include "core/lead_zone.h"
#include "demo_rules.h"
#include "prove/prove.h"

#define DAY 86400
/* Wed 2026-12-02 10:00 in Chicago: the business is open. */
#define ARRIVED local(2026, 12, 2, 10, 0)

/* What the demo rules do to a web lead with a phone nobody answers: an ack,
 * a call task for alice in five minutes, escalations, and a task still open
 * at the end. */
static prove_obs
looked_after(void)
{
	prove_obs o = { .source = "web_form", .kind = "new_inquiry", .channels = PROVE_BOTH,
			.cls = PROVE_AT_OPEN, .arrived = ARRIVED, .zone = "America/Chicago",
			.owner = "alice", .status = LEAD_STATUS_OPEN, .open_tasks = 1,
			.escalations = 4 };

	o.tasks[o.ntasks++] = (prove_task){ "call", "alice", ARRIVED, ARRIVED + 300 };
	o.texts[o.ntexts++] = (prove_text){ .sms = true, .ack = true, .queued = ARRIVED,
					    .at = ARRIVED };
	o.texts[o.ntexts++] = (prove_text){ .sms = true, .followup = true,
					    .queued = ARRIVED + DAY, .at = ARRIVED + DAY };
	return o;
}

static int
judge(const prove_obs *o, bool found[PROVE_NFINDINGS], char why[PROVE_NFINDINGS][256])
{
	return prove_judge(R, o, found, why);
}

static void
a_lead_looked_after_has_no_gap(void **state)
{
	prove_obs o = looked_after();
	bool found[PROVE_NFINDINGS];
	char why[PROVE_NFINDINGS][256];

	(void)state;
	assert_int_equal(judge(&o, found, why), 0);
	/* the night ack `ack_any_hour` allows is not a gap either */
	o.texts[0].at = o.texts[0].queued = local(2026, 12, 2, 23, 0);
	assert_int_equal(judge(&o, found, why), 0);
}

/* (a) Routing that takes phone leads in business hours only, and nothing
 * after: a weekend phone lead has no owner; a weekday one has. */
static void
weekend_phone_lead_without_owner(void **state)
{
	prove_obs o = looked_after();
	bool found[PROVE_NFINDINGS];
	char why[PROVE_NFINDINGS][256];
	size_t nroutes = R->nroutes;

	(void)state;
	R->routes[0].after_hours = 0;	/* phone_call in business hours only */
	R->nroutes = 2;			/* ... and no after-hours or last rule */
	o.source = "phone_call";
	o.channels = PROVE_PHONE_ONLY;
	assert_int_equal(judge(&o, found, why), 0);
	o.cls = PROVE_AT_WEEKEND;
	o.arrived = local(2026, 12, 6, 10, 30);	/* Sunday: closed */
	judge(&o, found, why);
	R->nroutes = nroutes;
	R->routes[0].after_hours = -1;
	assert_true(found[PROVE_NO_OWNER]);
	assert_non_null(strstr(why[PROVE_NO_OWNER], "no routing rule takes it"));
}

/* (b) A kind whose sequence only texts: an email-only lead gets nothing on
 * arrival (a person is handed it two days later), or nothing ever. */
static void
email_only_lead_nothing_reaches(void **state)
{
	prove_obs o = looked_after();
	bool found[PROVE_NFINDINGS];
	char why[PROVE_NFINDINGS][256];

	(void)state;
	o.kind = "estimate";
	o.channels = PROVE_EMAIL_ONLY;
	o.ntexts = 0;
	o.tasks[0] = (prove_task){ "review", "bob", ARRIVED + 2 * DAY, ARRIVED + 2 * DAY + 300 };
	judge(&o, found, why);
	assert_true(found[PROVE_NO_NEXT_ACTION]);
	assert_non_null(strstr(why[PROVE_NO_NEXT_ACTION], "nothing reached it on arrival"));
	assert_non_null(strstr(why[PROVE_NO_NEXT_ACTION], "email only"));
	assert_non_null(strstr(why[PROVE_NO_NEXT_ACTION], "Fri 2026-12-04 10:00"));
	o.ntasks = 0;
	o.open_tasks = 0;
	judge(&o, found, why);
	assert_non_null(strstr(why[PROVE_NO_NEXT_ACTION], "nothing of its plan ever reached"));
	/* a plan that ends with the lead open and nothing to do */
	o = looked_after();
	o.open_tasks = 0;
	judge(&o, found, why);
	assert_true(found[PROVE_NO_NEXT_ACTION]);
	assert_non_null(strstr(why[PROVE_NO_NEXT_ACTION], "ended with the lead open"));
	o.pending = true;
	judge(&o, found, why);
	assert_false(found[PROVE_NO_NEXT_ACTION]);
}

/* (c) A task due five minutes after a lead that came at 16:58 - at 17:03,
 * after closing; and one due in the assignee's own closed hours. */
static void
task_due_in_a_closed_minute(void **state)
{
	prove_obs o = looked_after();
	bool found[PROVE_NFINDINGS];
	char why[PROVE_NFINDINGS][256];
	rules_person *bob = (rules_person *)rules_person_find(R, "bob");

	(void)state;
	o.cls = PROVE_AT_CLOSING;
	o.arrived = local(2026, 12, 2, 16, 58);
	o.tasks[0] = (prove_task){ "call", "alice", o.arrived, o.arrived + 300 };
	o.texts[0].queued = o.texts[0].at = o.arrived;
	judge(&o, found, why);
	assert_true(found[PROVE_CLOSED_MINUTE]);
	assert_string_equal(why[PROVE_CLOSED_MINUTE], "a call task for alice is due Wed "
			    "2026-12-02 17:03, outside business hours");
	/* bob works mornings only: Wednesday 15:00 is open for the business, not him */
	o.tasks[0] = (prove_task){ "call", "bob", ARRIVED, local(2026, 12, 2, 15, 0) };
	assert_int_equal(judge(&o, found, why), 0);
	bob->has_hours = true;
	memset(bob->nspans, 0, sizeof bob->nspans);
	for (int d = 1; d <= 5; d++) {
		bob->hours[d][0] = (rules_span){ 8 * 60, 12 * 60 };
		bob->nspans[d] = 1;
	}
	judge(&o, found, why);
	bob->has_hours = false;
	assert_true(found[PROVE_CLOSED_MINUTE]);
	assert_non_null(strstr(why[PROVE_CLOSED_MINUTE], "outside their working hours"));
}

/* (d) Two immediate texts at 23:00: ack_any_hour lets the first go, not the
 * second; a follow-up at night is a gap whatever ack_any_hour says. */
static void
text_in_quiet_hours(void **state)
{
	prove_obs o = looked_after();
	bool found[PROVE_NFINDINGS];
	char why[PROVE_NFINDINGS][256];
	int64_t night = local(2026, 12, 2, 23, 0);

	(void)state;
	o.texts[0].at = o.texts[0].queued = night;
	o.texts[o.ntexts++] = (prove_text){ .sms = true, .ack = true, .queued = night,
					    .at = night };
	judge(&o, found, why);
	assert_true(found[PROVE_QUIET_TEXT]);
	assert_string_equal(why[PROVE_QUIET_TEXT], "a second immediate text goes Wed 2026-12-02 "
			    "23:00 (America/Chicago), in its quiet hours: ack_any_hour allows one "
			    "acknowledgment, not more");
	o = looked_after();
	o.texts[1].at = night + DAY;
	judge(&o, found, why);
	assert_true(found[PROVE_QUIET_TEXT]);
	assert_non_null(strstr(why[PROVE_QUIET_TEXT], "a follow-up text goes Thu 2026-12-03 23:00"));
	/* an email at night is no text */
	o.texts[1].sms = false;
	assert_int_equal(judge(&o, found, why), 0);
	/* the lead's own zone: 23:00 in Chicago is 21:00 in Los Angeles, quiet too;
	 * 07:30 in Chicago is 05:30 there */
	o = looked_after();
	snprintf(o.zone, sizeof o.zone, "America/Los_Angeles");
	o.texts[1].at = local(2026, 12, 3, 8, 30);
	judge(&o, found, why);
	if (R->nzones > 0 && rules_lead_zone_find(R, "America/Los_Angeles") != NULL)
		assert_true(found[PROVE_QUIET_TEXT]);
}

static void
stalled_task_without_recovery(void **state)
{
	prove_obs o = looked_after();
	bool found[PROVE_NFINDINGS];
	char why[PROVE_NFINDINGS][256];
	size_t nesc = R->nescalations;

	(void)state;
	o.escalations = 0;
	R->nescalations = 0;
	judge(&o, found, why);
	R->nescalations = nesc;
	assert_true(found[PROVE_NO_RECOVERY]);
	assert_string_equal(why[PROVE_NO_RECOVERY], "its call task for alice stayed open and "
			    "nothing took over (the rules have no escalation)");
}

static void
more_follow_ups_than_the_cap(void **state)
{
	prove_obs o = looked_after();
	bool found[PROVE_NFINDINGS];
	char why[PROVE_NFINDINGS][256];

	(void)state;
	/* the demo cap: 4 per 10 days; the ack does not count */
	for (int i = 2; i <= 4; i++)
		o.texts[o.ntexts++] = (prove_text){ .sms = true, .followup = true,
						    .queued = ARRIVED + i * DAY,
						    .at = ARRIVED + i * DAY };
	assert_int_equal(judge(&o, found, why), 0);
	o.texts[o.ntexts++] = (prove_text){ .followup = true, .queued = ARRIVED + 9 * DAY,
					    .at = ARRIVED + 9 * DAY };
	judge(&o, found, why);
	assert_true(found[PROVE_OVER_CAP]);
	assert_non_null(strstr(why[PROVE_OVER_CAP], "5 automated follow-ups within 10 days"));
	o.texts[o.ntexts - 1].at = ARRIVED + 11 * DAY + 60;	/* the window moved on */
	judge(&o, found, why);
	assert_false(found[PROVE_OVER_CAP]);
}

static void
arrivals_cover_every_class(void **state)
{
	prove_arrival a[PROVE_MAX_ARRIVALS];
	size_t n = prove_arrivals(R, local(2026, 11, 30, 12, 0), a, PROVE_MAX_ARRIVALS);
	bool seen[PROVE_NCLASSES] = { false };
	int dst = 0;

	(void)state;
	assert_int_equal(n, 9);	/* five classes, a holiday, two changes x 2 */
	for (size_t i = 0; i < n; i++) {
		seen[a[i].cls] = true;
		dst += a[i].cls == PROVE_AT_DST_BEFORE || a[i].cls == PROVE_AT_DST_AFTER;
		if (i > 0)
			assert_true(a[i - 1].at <= a[i].at);
	}
	for (int c = 0; c < PROVE_NCLASSES; c++)
		assert_true(seen[c]);
	assert_int_equal(dst, 4);
	for (size_t i = 0; i < n; i++) {
		if (a[i].cls == PROVE_AT_OPEN)
			assert_int_equal(a[i].at, local(2026, 12, 1, 9, 0));
		if (a[i].cls == PROVE_AT_CLOSING)
			assert_int_equal(a[i].at, local(2026, 12, 1, 16, 55));
		if (a[i].cls == PROVE_AT_EVENING)
			assert_int_equal(a[i].at, local(2026, 12, 1, 21, 30));
		if (a[i].cls == PROVE_AT_WEEKEND)
			assert_int_equal(a[i].at, local(2026, 12, 6, 10, 30)); /* closed Sunday */
		if (a[i].cls == PROVE_AT_HOLIDAY)
			assert_int_equal(a[i].at, local(2026, 12, 25, 10, 30));
	}
	/* spring forward in Chicago: 2027-03-14 02:00 CST = 08:00 UTC */
	for (size_t i = 0; i < n; i++)
		if (a[i].cls == PROVE_AT_DST_BEFORE) {
			assert_int_equal(a[i].at, 1805011200 - 1800);
			break;
		}
}

static void
gaps_keep_the_first_example(void **state)
{
	static prove_report rep;
	prove_obs o = looked_after();

	(void)state;
	memset(&rep, 0, sizeof rep);
	prove_add(&rep, R, &o);
	assert_int_equal(rep.ngaps, 0);
	o.open_tasks = 0;
	o.escalations = 0;
	prove_add(&rep, R, &o);		/* no next action */
	o.source = "api";
	o.cls = PROVE_AT_WEEKEND;
	prove_add(&rep, R, &o);		/* the same class again */
	o.channels = PROVE_PHONE_ONLY;
	prove_add(&rep, R, &o);		/* another channel: another gap */
	assert_int_equal(rep.leads, 4);
	assert_int_equal(rep.ngaps, 2);
	assert_int_equal(rep.gaps[0].finding, PROVE_NO_NEXT_ACTION);
	assert_string_equal(rep.gaps[0].source, "web_form");
	assert_string_equal(rep.gaps[0].local, "Wed 2026-12-02 10:00");
	assert_int_equal(rep.gaps[0].leads, 2);
	assert_int_equal(rep.gaps[0].classes, (1u << PROVE_AT_OPEN) | (1u << PROVE_AT_WEEKEND));
	assert_int_equal(rep.gaps[1].channels, PROVE_PHONE_ONLY);
	assert_string_equal(prove_finding_name(PROVE_QUIET_TEXT), "quiet_text");
	assert_string_equal(prove_channels_name(PROVE_EMAIL_ONLY), "email only");
	assert_string_equal(prove_class_name(PROVE_AT_WEEKEND), "weekend");
}

/* rules check's loader: a routing gap alone keeps the model (and is still an
 * error); a routing gap with another error does not. */
static void
routing_gap_keeps_the_model_for_the_prover(void **state)
{
	static const char gap[] =
		"business: { name: X, timezone: America/Chicago, hours: { mon-fri: \"08:00-17:00\" } }\n"
		"people: [ { id: alice, name: Alice, role: office } ]\n"
		"routing: [ { when: { after_hours: false }, owner: alice } ]\n";
	char path[] = "/tmp/test_prove.XXXXXX";
	int fd = mkstemp(path);
	rules_diags d;
	bool had = false;
	rules *r;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, gap, sizeof gap - 1), (ssize_t)(sizeof gap - 1));
	close(fd);
	assert_null(rules_load_file(path, &d));
	rules_diags_free(&d);
	r = rules_load_file_proving(path, &d, &had);
	assert_non_null(r);
	assert_true(had);
	assert_int_equal(d.nerrors, 1);
	assert_non_null(strstr(d.items[0].message, "routing can leave a lead without an owner"));
	rules_diags_free(&d);
	rules_free(r);
	/* another error as well: no model */
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "sequnces: {}\n", 13), 13);
	close(fd);
	assert_null(rules_load_file_proving(path, &d, &had));
	assert_int_equal(d.nerrors, 2);
	rules_diags_free(&d);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_lead_looked_after_has_no_gap),
		cmocka_unit_test(weekend_phone_lead_without_owner),
		cmocka_unit_test(email_only_lead_nothing_reaches),
		cmocka_unit_test(task_due_in_a_closed_minute),
		cmocka_unit_test(text_in_quiet_hours),
		cmocka_unit_test(stalled_task_without_recovery),
		cmocka_unit_test(more_follow_ups_than_the_cap),
		cmocka_unit_test(arrivals_cover_every_class),
		cmocka_unit_test(gaps_keep_the_first_example),
		cmocka_unit_test(routing_gap_keeps_the_model_for_the_prover),
	};

	return cmocka_run_group_tests(tests, demo_rules_setup, demo_rules_teardown);
}

/*
 * test_rules_appointments.c - the `appointments` section of the rules: read
 * into the model as the engine expects it, and each problem reported at its
 * key with a message a person can act on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rules/rules_load.h"

/* One business with quiet hours, a template, a sequence and a stage; the
 * appointments section a test adds begins on line 7. */
#define BASE \
	"business: { name: Acme, timezone: UTC, quiet_hours: \"21:00-08:00\" }\n" \
	"people: [ { id: alice, name: Alice, role: office } ]\n" \
	"routing: [ { owner: alice } ]\n" \
	"templates: { t: \"See you {{appointment_day}}, {{appointment_window}}\" }\n" \
	"sequences: { ns: [ { at: 0m, task: call } ] }\n" \
	"stages: [ { name: new }, { name: booked } ]\n"

/* Loads BASE + yaml; expects a diagnostic at line:col with msg (NULL: none
 * at all) and returns the rules (NULL when there were errors). */
static rules *
load(const char *yaml, int line, int col, const char *msg)
{
	char buf[4096];
	rules_diags d;
	rules *r;
	bool seen = msg == NULL;

	snprintf(buf, sizeof buf, "%s%s", BASE, yaml);
	r = rules_load_string(buf, strlen(buf), "t.yaml", &d);
	for (size_t i = 0; i < d.n; i++) {
		print_message("  %d:%d: %s\n", d.items[i].line, d.items[i].col, d.items[i].message);
		if (msg && d.items[i].line == line && d.items[i].col == col &&
		    strcmp(d.items[i].message, msg) == 0)
			seen = true;
	}
	if (msg == NULL)
		assert_int_equal(d.n, 0);
	assert_true(seen);
	rules_diags_free(&d);
	return r;
}

static void
appointments_are_read_into_the_model(void **state)
{
	rules *r = load("appointments:\n"
			"  kinds: [ { id: visit, name: estimate visit, length: 90m }, { id: call } ]\n"
			"  stage: booked\n"
			"  confirm: t\n"
			"  reminders: [ { day_before_at: \"18:30\", template: t }, { before: 2h, template: t } ]\n"
			"  check_after: 1h\n"
			"  no_show_sequence: ns\n", 0, 0, NULL);
	const rules_appointments *a;

	(void)state;
	assert_non_null(r);
	a = &r->appointments;
	assert_int_equal(a->nkinds, 2);
	assert_string_equal(a->kinds[0].name, "estimate visit");
	assert_int_equal(a->kinds[0].length, 90 * 60);
	assert_string_equal(a->kinds[1].name, "call");		/* the id when unnamed */
	assert_int_equal(a->kinds[1].length, 3600);		/* the default length */
	assert_string_equal(a->stage, "booked");
	assert_string_equal(a->confirm_template, "t");
	assert_int_equal(a->nreminders, 2);
	assert_int_equal(a->reminders[0].day_before_at_min, 18 * 60 + 30);
	assert_int_equal(a->reminders[1].day_before_at_min, -1);
	assert_int_equal(a->reminders[1].before, 7200);
	assert_int_equal(a->check_after, 3600);
	assert_string_equal(a->no_show_sequence, "ns");
	assert_ptr_equal(rules_appt_kind_find(r, "call"), &a->kinds[1]);
	assert_null(rules_appt_kind_find(r, "nope"));
	rules_free(r);
}

static void
problems_are_named_where_they_are(void **state)
{
	(void)state;
	assert_null(load("appointments: { stage: booked }\n", 7, 15,
			 "missing required key \"kinds\" in appointments"));
	assert_null(load("appointments: { kinds: [ { id: v } ], stage: gone }\n", 7, 46,
			 "stage: no stage \"gone\""));
	assert_null(load("appointments: { kinds: [ { id: v }, { id: v } ] }\n", 7, 43,
			 "appointment kind \"v\" is defined twice"));
	assert_null(load("appointments: { kinds: [ { id: v, length: 2d } ] }\n", 7, 43,
			 "\"length\" must be between 1m and 24h"));
	assert_null(load("appointments: { kinds: [ { id: v } ], reminders: [ { before: 1h, "
			 "day_before_at: \"18:00\", template: t } ] }\n", 7, 52,
			 "a reminder takes exactly one of \"before\" (1h) or \"day_before_at\" "
			 "(\"18:00\")"));
	assert_null(load("appointments: { kinds: [ { id: v } ], reminders: [ { day_before_at: "
			 "\"6pm\", template: t } ] }\n", 7, 69,
			 "\"day_before_at\" must be a local time like \"18:00\", not \"6pm\""));
	assert_null(load("appointments: { kinds: [ { id: v } ], no_show_sequence: nope }\n", 7, 57,
			 "sequence \"nope\" does not exist (known: ns)"));
}

static void
a_reminder_in_quiet_hours_is_a_warning(void **state)
{
	rules *r;

	(void)state;
	r = load("appointments: { kinds: [ { id: v } ], reminders: [ { day_before_at: "
		 "\"22:00\", template: t } ] }\n", 7, 69,
		 "\"day_before_at\" falls in quiet hours: this reminder would never be sent");
	assert_non_null(r);	/* a warning: the rules load */
	rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(appointments_are_read_into_the_model),
		cmocka_unit_test(problems_are_named_where_they_are),
		cmocka_unit_test(a_reminder_in_quiet_hours_is_a_warning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

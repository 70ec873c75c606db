/*
 * test_flow_edit.c - snoozing a task and editing contact details through the
 * one door (flow_edit.c) on a real store: what is written, and the refusals
 * (no such task or lead, a task not open, a time in the past) that write
 * nothing.
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

typedef demo_store fixture;

static int64_t
add_lead(fixture *f, const char *phone)
{
	intake_lead in = { .name = "Marcus Johnson", .phone = phone, .source = "web_form",
			   .service = "deck repair" };
	flow_out res;
	char err[256];

	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(flow_intake(f->s, f->bid, f->r, &in, f->t0, &res, err, sizeof err), FLOW_OK);
	assert_int_equal(store_commit(f->s), 0);
	return res.lead_id;
}

typedef struct {
	fixture *f;
	int64_t task_id, lead_id, until;
	lead_fields fields;
	flow_out out;
} edit;

static flow_result
snooze_fn(store *s, void *arg, char *err, size_t errlen)
{
	edit *e = arg;

	return flow_task_snooze(s, e->f->bid, e->f->r, e->task_id, e->until, "customer at work",
				"bob", e->f->t0 + 60, &e->out, err, errlen);
}

static flow_result
contact_fn(store *s, void *arg, char *err, size_t errlen)
{
	edit *e = arg;

	return flow_contact(s, e->f->bid, e->f->r, e->lead_id, &e->fields, "alice",
			    e->f->t0 + 60, &e->out, err, errlen);
}

/* The first column of sql's first row, with ?1 bound to arg; -1 when none. */
static int64_t
one(fixture *f, const char *sql, int64_t arg)
{
	return demo_one(f->s, sql, arg);
}

static void
snooze_moves_the_task_and_replaces_its_escalation(void **state)
{
	fixture *f = *state;
	int64_t lid = add_lead(f, "(312) 555-0199");
	edit e = { .f = f, .until = f->t0 + 3 * 3600 };
	char err[256] = "", text[256];

	e.task_id = one(f, "SELECT id FROM tasks WHERE lead_id = ?1 AND state = 'open'", lid);
	assert_int_equal(one(f, "SELECT count(*) FROM timers WHERE task_id = ?1 AND kind ="
			     " 'escalate' AND state = 'pending'", e.task_id), 1);
	assert_int_equal(flow_run(f->s, snooze_fn, &e, err, sizeof err), FLOW_OK);
	assert_int_equal(e.out.lead_id, lid);
	assert_int_equal(e.out.task_id, e.task_id);
	assert_int_equal(one(f, "SELECT due_at FROM tasks WHERE id = ?1", e.task_id), e.until);
	/* The old escalation is cancelled; one new one counts from the new due time. */
	assert_int_equal(one(f, "SELECT count(*) FROM timers WHERE task_id = ?1 AND kind ="
			     " 'escalate' AND state = 'cancelled'", e.task_id), 1);
	assert_int_equal(one(f, "SELECT due_at FROM timers WHERE task_id = ?1 AND kind ="
			     " 'escalate' AND state = 'pending'", e.task_id),
			 e.until + f->r->escalations[0].overdue);
	assert_true(demo_text(f->s, "SELECT text FROM events WHERE type = 'task.snoozed' AND"
			      " actor = 'bob'", 0, text, sizeof text));
	assert_string_equal(text, "Snoozed: Call Marcus Johnson by 2:07 PM about deck repair -"
			    " customer at work (now due 5:02 PM)");
	/* Other timers of the lead (its sequence) are untouched. */
	assert_true(demo_count(f->s, "SELECT count(*) FROM timers WHERE kind = 'step'"
			       " AND state = 'pending'") >= 1);
}

static void
snooze_refusals_write_nothing(void **state)
{
	fixture *f = *state;
	int64_t lid = add_lead(f, "(312) 555-0199");
	int64_t events = demo_count(f->s, "SELECT count(*) FROM events");
	edit e = { .f = f, .until = f->t0 + 3600 };
	char err[256] = "";

	e.task_id = 999;
	assert_int_equal(flow_run(f->s, snooze_fn, &e, err, sizeof err), FLOW_NOT_FOUND);
	e.task_id = one(f, "SELECT id FROM tasks WHERE lead_id = ?1 AND state = 'open'", lid);
	e.until = f->t0;	/* before now (t0 + 60) */
	assert_int_equal(flow_run(f->s, snooze_fn, &e, err, sizeof err), FLOW_INVALID);
	assert_string_equal(err, "until: must be in the future");
	demo_exec(f->s, "UPDATE tasks SET state = 'done'");
	e.until = f->t0 + 3600;
	assert_int_equal(flow_run(f->s, snooze_fn, &e, err, sizeof err), FLOW_CONFLICT);
	assert_non_null(strstr(err, "is done, not open"));
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM events"), events);
}

static void
contact_edit_is_normalised_flagged_and_on_the_timeline(void **state)
{
	fixture *f = *state;
	int64_t lid = add_lead(f, "call me maybe");
	edit e = { .f = f, .lead_id = lid };
	char err[256] = "";

	assert_int_equal(one(f, "SELECT flags FROM leads WHERE id = ?1", lid),
			 LEAD_PHONE_INVALID | LEAD_NO_CONTACT);
	e.fields = (lead_fields){ .phone = "312.555.0100", .email = "MARCUS@Example.COM" };
	assert_int_equal(flow_run(f->s, contact_fn, &e, err, sizeof err), FLOW_OK);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM leads WHERE phone = '+13125550100'"
				    " AND email = 'marcus@example.com' AND flags = 0"
				    " AND name = 'Marcus Johnson'"), 1);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM events WHERE type = 'lead.updated'"
				    " AND actor = 'alice'"
				    " AND text = 'Contact details updated: phone, email'"), 1);
	e.lead_id = 999;
	assert_int_equal(flow_run(f->s, contact_fn, &e, err, sizeof err), FLOW_NOT_FOUND);
	e.lead_id = lid;
	e.fields = (lead_fields){ 0 };
	assert_int_equal(flow_run(f->s, contact_fn, &e, err, sizeof err), FLOW_INVALID);
	assert_string_equal(err, "name: give at least one field to change");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(snooze_moves_the_task_and_replaces_its_escalation,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(snooze_refusals_write_nothing, demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(contact_edit_is_normalised_flagged_and_on_the_timeline,
						demo_setup, demo_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

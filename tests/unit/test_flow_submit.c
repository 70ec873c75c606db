/*
 * test_flow_submit.c - intake requests through the one door (flow_submit)
 * on a real store: a new lead, a repeat inquiry by the matching policy, a
 * message or call on the sender's lead, and a message from nobody known
 * that creates nothing.
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

/* Submits rq at t0 + dt in a transaction of its own; the result. */
static flow_result
submit(fixture *f, const intake_request *rq, int64_t dt, flow_out *out)
{
	char err[256] = "";
	flow_result res;

	assert_int_equal(store_begin(f->s), 0);
	res = flow_submit(f->s, f->bid, f->r, rq, f->t0 + dt, out, err, sizeof err);
	if (res == FLOW_OK)
		assert_int_equal(store_commit(f->s), 0);
	else
		store_rollback(f->s);
	return res;
}

/* A text from phone, creating a lead when create. */
static intake_request
text(const char *phone, const char *body, bool create)
{
	intake_request rq;

	intake_request_init(&rq, INTAKE_MESSAGE);
	rq.match_phone = phone;
	rq.ev = lead_event_init(EV_MESSAGE_IN);
	rq.ev.channel = "sms";
	rq.ev.text = body;
	rq.create_if_unknown = create;
	rq.lead.phone = phone;
	rq.lead.source = "sms";
	rq.lead.message = body;
	return rq;
}

static void
lead_then_repeat_inquiry(void **state)
{
	fixture *f = *state;
	intake_request rq;
	flow_out a, b;

	intake_request_init(&rq, INTAKE_LEAD);
	rq.lead.name = "Jane Doe";
	rq.lead.phone = "(415) 555-0123";
	rq.lead.source = "phone_call";
	rq.lead.message = "Missed call (no-answer)";
	assert_int_equal(submit(f, &rq, 0, &a), FLOW_OK);
	assert_true(a.lead_id > 0);
	assert_false(a.duplicate);
	assert_int_equal(a.flags, 0);
	/* the same caller again: "asked again" on the same lead, no second lead */
	rq.lead.message = "Missed call (busy)";
	assert_int_equal(submit(f, &rq, 600, &b), FLOW_OK);
	assert_int_equal(b.lead_id, a.lead_id);
	assert_true(b.duplicate);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM leads"), 1);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM events WHERE type="
				    "'lead.inquiry_again' AND text LIKE '%Missed call (busy)%'"), 1);
}

static void
message_goes_to_the_senders_lead_or_makes_one(void **state)
{
	fixture *f = *state;
	intake_request rq = text("+13125550177", "Need a plumber today", true);
	flow_out a, b;

	assert_int_equal(submit(f, &rq, 0, &a), FLOW_OK);
	assert_true(a.lead_id > 0);
	assert_false(a.duplicate);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM leads WHERE source='sms' AND "
				    "message='Need a plumber today'"), 1);
	rq = text("+1 312 555 0177", "Tomorrow works", false);
	assert_int_equal(submit(f, &rq, 60, &b), FLOW_OK);
	assert_int_equal(b.lead_id, a.lead_id);
	assert_true(b.duplicate);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM events WHERE type="
				    "'message.received' AND text LIKE '%Tomorrow works%'"), 1);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM leads"), 1);
}

static void
message_from_nobody_known_that_creates_nothing_is_ok(void **state)
{
	fixture *f = *state;
	intake_request rq = text("+13125550199", "STOP", false);
	flow_out out;

	assert_int_equal(submit(f, &rq, 0, &out), FLOW_OK);
	assert_int_equal(out.lead_id, 0);
	assert_false(out.duplicate);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM leads"), 0);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM events"), 0);
}

static void
answered_call_is_logged_on_the_callers_lead(void **state)
{
	fixture *f = *state;
	intake_request rq = text("+13125550177", "Hi", true);
	flow_out a, b;

	assert_int_equal(submit(f, &rq, 0, &a), FLOW_OK);
	intake_request_init(&rq, INTAKE_CALL);
	rq.match_phone = "+13125550177";
	rq.ev = lead_event_init(EV_CALL_LOGGED);
	rq.ev.outcome = "answered";
	rq.ev.text = "Inbound call answered";
	assert_int_equal(submit(f, &rq, 120, &b), FLOW_OK);
	assert_int_equal(b.lead_id, a.lead_id);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM events WHERE type='call.logged'"),
			 1);
	/* from a number we do not know: nothing */
	rq.match_phone = "+13125550100";
	assert_int_equal(submit(f, &rq, 180, &b), FLOW_OK);
	assert_int_equal(b.lead_id, 0);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM leads"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(lead_then_repeat_inquiry, demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(message_goes_to_the_senders_lead_or_makes_one, demo_setup,
						demo_teardown),
		cmocka_unit_test_setup_teardown(message_from_nobody_known_that_creates_nothing_is_ok,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(answered_call_is_logged_on_the_callers_lead, demo_setup,
						demo_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

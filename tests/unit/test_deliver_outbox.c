/*
 * test_deliver_outbox.c - the outbox state machine on a real SQLite file:
 * legal edges only, claims committed once, opt-outs honoured at claim time,
 * each outcome (sent, retry with backoff, dead, permanent failure with its
 * lead flags, unknown) reported to the engine and applied with the row's
 * move, crash recovery, status callbacks that are idempotent and resolve or
 * supersede unknown outcomes, and a carrier's opt-out that leaves the lead as
 * a texted STOP does.
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

#include "core/tz.h"
#include "deliver/deliver_internal.h"
#include "flow/flow.h"
#include "rules/rules_load.h"
#include "store/store_sqlite.h"

typedef struct {
	char dir[64];
	rules *r;
	store *s;
	int64_t bid, lead, now;
	int64_t ack;		/* the lead's SMS acknowledgment row */
	deliver_config cfg;
} fixture;

static int64_t
one(store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static const char *
text(store *s, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *st;

	buf[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	rules_diags d = { 0 };
	intake_lead in = { .name = "Marcus Johnson", .phone = "+13125550199",
			   .service = "deck repair", .owner = "alice" };
	flow_out res;
	char err[256];

	snprintf(f->dir, sizeof f->dir, "/tmp/lk-outbox.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml), "default", &d);
	rules_diags_free(&d);
	assert_non_null(f->r);
	assert_non_null(f->s = store_open(f->dir, err, sizeof err));
	tz_from_local(f->r->business.zone, 2026, 11, 24, 14, 2, &f->now);
	assert_int_equal(store_begin(f->s), 0);
	assert_true((f->bid = store_business_sync(f->s, f->r, err, sizeof err)) > 0);
	assert_int_equal(flow_intake(f->s, f->bid, f->r, &in, f->now, &res, err, sizeof err), FLOW_OK);
	assert_int_equal(store_commit(f->s), 0);
	f->lead = res.lead_id;
	f->ack = one(f->s, "SELECT id FROM outbox WHERE purpose = 'ack' AND channel = 'sms'");
	assert_true(f->ack > 0);
	f->cfg = (deliver_config){ .rules = f->r, .max_attempts = 3, .backoff_base = 30,
				   .backoff_cap = 3600 };
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;
	char cmd[128];

	store_close(f->s);
	rules_free(f->r);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Claims row id in a transaction, as the dispatcher claims a batch. */
static int
claim_row(store *s, const rules *r, int64_t id, int64_t now, outbox_msg *m)
{
	int rc;

	assert_int_equal(store_begin(s), 0);
	if ((rc = deliver_claim(s, r, id, now, m)) < 0 || store_commit(s) < 0) {
		store_rollback(s);
		return -1;
	}
	return rc;
}

/* Claims the ack. */
static int
claim(fixture *f, outbox_msg *m)
{
	return claim_row(f->s, f->r, f->ack, f->now, m);
}

/* A provider's status callback for row id, as the HTTP door applies it. */
static flow_result
status(fixture *f, int64_t id, const char *sid, const char *what, int code)
{
	char err[256];

	return deliver_status_apply(f->s, f->r, id, sid, what, code, f->now, err, sizeof err);
}

static void
only_legal_edges_exist(void **state)
{
	(void)state;
	assert_true(outbox_state_allowed(OUTBOX_QUEUED, OUTBOX_SENDING));
	assert_true(outbox_state_allowed(OUTBOX_SENDING, OUTBOX_QUEUED));	/* a retry */
	assert_true(outbox_state_allowed(OUTBOX_SENDING, OUTBOX_UNKNOWN));
	assert_true(outbox_state_allowed(OUTBOX_UNKNOWN, OUTBOX_DELIVERED));	/* a callback */
	assert_false(outbox_state_allowed(OUTBOX_QUEUED, OUTBOX_SENT));	/* skipping the claim */
	assert_false(outbox_state_allowed(OUTBOX_UNKNOWN, OUTBOX_QUEUED));	/* never resent */
	assert_false(outbox_state_allowed(OUTBOX_UNKNOWN, OUTBOX_SENDING));
	assert_false(outbox_state_allowed(OUTBOX_DELIVERED, OUTBOX_SENT));	/* no going back */
	for (int to = 0; to < OUTBOX_NSTATES; to++) {
		assert_false(outbox_state_allowed(OUTBOX_DELIVERED, (outbox_state)to));
		assert_false(outbox_state_allowed(OUTBOX_FAILED, (outbox_state)to));
		assert_false(outbox_state_allowed(OUTBOX_DEAD, (outbox_state)to));
		assert_false(outbox_state_allowed(OUTBOX_CANCELLED, (outbox_state)to));
	}
	for (int s = 0; s < OUTBOX_NSTATES; s++) {
		outbox_state back;

		assert_int_equal(outbox_state_parse(outbox_state_name((outbox_state)s), &back), 0);
		assert_int_equal(back, s);
	}
}

static void
a_row_is_claimed_once(void **state)
{
	fixture *f = *state;
	outbox_msg m, again;

	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	assert_int_equal(m.attempts, 1);
	assert_string_equal(m.recipient, "+13125550199");
	assert_string_equal(m.owner, "alice");
	assert_int_equal(one(f->s, "SELECT attempts FROM outbox WHERE purpose = 'ack' AND channel = 'sms'"), 1);
	assert_int_equal(claim(f, &again), OUTBOX_SKIPPED);
	outbox_msg_free(&m);
}

static void
a_row_is_not_claimed_before_its_time(void **state)
{
	fixture *f = *state;
	outbox_msg m;

	f->now -= 1;	/* one second before send_at */
	assert_int_equal(claim(f, &m), OUTBOX_SKIPPED);
	assert_int_equal(store_outbox_due(f->s, "sms", f->now, (int64_t[1]){ 0 }, 1), 0);
}

static void
opted_out_leads_get_no_automated_text_but_do_get_compliance(void **state)
{
	fixture *f = *state;
	outbox_msg m;
	char sql[200];

	snprintf(sql, sizeof sql, "UPDATE leads SET sms_opt_out = 1 WHERE id = %lld", (long long)f->lead);
	assert_int_equal(sqlite3_exec(store_sqlite_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(claim(f, &m), OUTBOX_CANCELED_OPT_OUT);
	assert_int_equal(one(f->s, "SELECT count(*) FROM outbox WHERE state = 'cancelled'"), 1);
	assert_int_equal(one(f->s, "SELECT count(*) FROM events WHERE type = 'message.cancelled'"), 1);
	/* The opt-out confirmation itself still goes. */
	assert_int_equal(sqlite3_exec(store_sqlite_db(f->s), "UPDATE outbox SET purpose = 'compliance',"
				      " state = 'queued' WHERE state = 'cancelled'", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	outbox_msg_free(&m);
}

static void
sent_records_the_provider_id_and_an_event(void **state)
{
	fixture *f = *state;
	deliver_result res = { .kind = DELIVER_OK, .provider_id = "SM123" };
	outbox_msg m;
	char buf[128];

	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	assert_int_equal(deliver_record(f->s, &f->cfg, &m, "twilio", &res, f->now), 0);
	assert_string_equal(text(f->s, "SELECT state || ' ' || provider_id || ' ' || provider FROM"
				 " outbox WHERE purpose = 'ack' AND channel = 'sms'", buf, sizeof buf),
			    "sent SM123 twilio");
	assert_string_equal(text(f->s, "SELECT text FROM events WHERE type = 'message.sent'", buf,
				 sizeof buf), "Text to Marcus Johnson sent");
	outbox_msg_free(&m);
}

/* The Lookup asks only before a lead's number is first texted: a claim says
 * whether a text to it was accepted before. */
static void
a_number_is_new_until_a_text_to_it_was_accepted(void **state)
{
	fixture *f = *state;
	deliver_result res = { .kind = DELIVER_OK, .provider_id = "SM123" };
	outbox_msg m;
	int64_t next;

	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	assert_false(m.texted_before);
	assert_int_equal(deliver_record(f->s, &f->cfg, &m, "twilio", &res, f->now), 0);
	outbox_msg_free(&m);
	assert_int_equal(sqlite3_exec(store_sqlite_db(f->s), "INSERT INTO outbox (business_id,"
				      " lead_id, channel, recipient, body, purpose, send_at, created_at,"
				      " updated_at) SELECT business_id, lead_id, channel, recipient,"
				      " 'Still there?', 'followup', send_at, created_at, updated_at"
				      " FROM outbox WHERE purpose = 'ack' AND channel = 'sms'",
				      NULL, NULL, NULL), SQLITE_OK);
	next = one(f->s, "SELECT max(id) FROM outbox");
	assert_int_equal(claim_row(f->s, f->r, next, f->now, &m), OUTBOX_CLAIMED);
	assert_true(m.texted_before);
	outbox_msg_free(&m);
}

/* Lookup v2's answer (Twilio's documented shape): the line type, or none. */
static void
the_line_type_is_read_from_a_lookup_answer(void **state)
{
	static const char answer[] =
		"{\"calling_country_code\": \"1\", \"country_code\": \"US\", \"phone_number\":"
		" \"+13125550920\", \"valid\": true, \"validation_errors\": [],"
		" \"line_type_intelligence\": {\"error_code\": null, \"mobile_country_code\": null,"
		" \"mobile_network_code\": null, \"carrier_name\": \"AT&T\", \"type\": \"landline\"},"
		" \"url\": \"https://lookups.twilio.com/v2/PhoneNumbers/+13125550920\"}";
	char type[32];

	(void)state;
	assert_int_equal(deliver_lookup_line_type(answer, strlen(answer), type, sizeof type), 0);
	assert_string_equal(type, "landline");
	/* Fields not asked for: line_type_intelligence is null */
	assert_int_equal(deliver_lookup_line_type("{\"line_type_intelligence\": null}", 32, type,
						  sizeof type), -1);
	assert_int_equal(deliver_lookup_line_type("<html>", 6, type, sizeof type), -1);
	assert_int_equal(deliver_lookup_line_type(NULL, 0, type, sizeof type), -1);
	{
		const char *long_type = "{\"line_type_intelligence\": {\"type\": "
					"\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}";

		assert_int_equal(deliver_lookup_line_type(long_type, strlen(long_type), type,
							  sizeof type), -1);
	}
}

static void
temporary_failures_back_off_then_die_with_a_task(void **state)
{
	fixture *f = *state;
	deliver_result res = { .kind = DELIVER_TEMP, .code = 503, .error = "SMS provider HTTP 503" };
	outbox_msg m;
	int64_t at;
	char buf[256];

	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	assert_int_equal(deliver_record(f->s, &f->cfg, &m, "twilio", &res, f->now), 0);
	outbox_msg_free(&m);
	at = one(f->s, "SELECT send_at FROM outbox WHERE purpose = 'ack' AND channel = 'sms'");
	assert_true(at >= f->now + 15 + 1 && at <= f->now + 30 + 1);
	assert_string_equal(text(f->s, "SELECT state || ' ' || error_code || ' ' || last_error FROM"
				 " outbox WHERE purpose = 'ack' AND channel = 'sms'", buf, sizeof buf),
			    "queued 503 SMS provider HTTP 503");
	/* Attempts 2 and 3: the third failure is the last. */
	for (int i = 2; i <= 3; i++) {
		f->now = one(f->s, "SELECT send_at FROM outbox WHERE purpose = 'ack' AND channel = 'sms'");
		assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
		assert_int_equal(m.attempts, i);
		assert_int_equal(deliver_record(f->s, &f->cfg, &m, "twilio", &res, f->now), 0);
		outbox_msg_free(&m);
	}
	assert_string_equal(text(f->s, "SELECT state FROM outbox WHERE purpose = 'ack' AND"
				 " channel = 'sms'", buf, sizeof buf), "dead");
	assert_string_equal(text(f->s, "SELECT t.assignee || ': ' || t.title FROM tasks t JOIN outbox o"
				 " ON o.task_id = t.id", buf, sizeof buf),
			    "alice: The text to Marcus Johnson could not be sent after 3 tries "
			    "(SMS provider HTTP 503): reach them another way");
	assert_int_equal(one(f->s, "SELECT count(*) FROM events WHERE type = 'message.dead'"), 1);
}

static void
a_retry_after_longer_than_the_backoff_is_honoured(void **state)
{
	fixture *f = *state;
	deliver_result res = { .kind = DELIVER_TEMP, .code = 429, .retry_after = 600 };
	outbox_msg m;

	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	assert_int_equal(deliver_record(f->s, &f->cfg, &m, "twilio", &res, f->now), 0);
	outbox_msg_free(&m);
	assert_int_equal(one(f->s, "SELECT send_at FROM outbox WHERE purpose = 'ack' AND"
			     " channel = 'sms'") - f->now, 601);
}

static void
unsubscribed_at_the_carrier_opts_the_lead_out(void **state)
{
	fixture *f = *state;
	deliver_result res = { .kind = DELIVER_PERM, .code = 21610, .contact = DELIVER_OPTED_OUT,
			       .error = "Attempt to send to unsubscribed recipient" };
	outbox_msg m;
	char buf[256];

	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	assert_int_equal(deliver_record(f->s, &f->cfg, &m, "twilio", &res, f->now), 0);
	outbox_msg_free(&m);
	assert_int_equal(one(f->s, "SELECT sms_opt_out FROM leads"), 1);
	assert_int_equal(one(f->s, "SELECT count(*) FROM events WHERE type = 'consent.opted_out'"), 1);
	assert_string_equal(text(f->s, "SELECT state FROM outbox WHERE purpose = 'ack' AND"
				 " channel = 'sms'", buf, sizeof buf), "failed");
	assert_string_equal(text(f->s, "SELECT t.verb || ': ' || t.title FROM tasks t JOIN outbox o"
				 " ON o.task_id = t.id", buf, sizeof buf),
			    "call: Call Marcus Johnson: they opted out of texts");
}

static void
a_crash_while_sending_becomes_unknown_with_a_task_once(void **state)
{
	fixture *f = *state;
	outbox_msg m;
	char buf[256];

	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	outbox_msg_free(&m);	/* ...and the process dies here */
	assert_int_equal(deliver_recover(f->s, f->r, f->now), 1);
	assert_int_equal(deliver_recover(f->s, f->r, f->now), 0);
	assert_string_equal(text(f->s, "SELECT state FROM outbox WHERE purpose = 'ack' AND"
				 " channel = 'sms'", buf, sizeof buf), "unknown");
	assert_string_equal(text(f->s, "SELECT t.title FROM tasks t JOIN outbox o ON o.task_id = t.id",
				 buf, sizeof buf),
			    "Check whether Marcus Johnson got the text \"Hi Marcus, thanks for "
			    "contacting Northside Home Services abo...\": sending was interrupted "
			    "and it was not resent");
	/* Never claimed again. */
	{
		int64_t ids[8];
		int n = store_outbox_due(f->s, "sms", f->now + 86400, ids, 8);

		assert_true(n >= 0);
		for (int i = 0; i < n; i++)
			assert_true(ids[i] != f->ack);
	}
}

/* A callback that does not name the message cannot be matched to it: it
 * never skips the check (a forged 21610 would opt the lead out). */
static void
news_without_a_message_sid_changes_nothing(void **state)
{
	fixture *f = *state;
	deliver_result res = { .kind = DELIVER_OK, .provider_id = "SM1" };
	outbox_msg m;
	char buf[64];
	const char *q = "SELECT state FROM outbox WHERE purpose = 'ack' AND channel = 'sms'";

	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	assert_int_equal(deliver_record(f->s, &f->cfg, &m, "twilio", &res, f->now), 0);
	outbox_msg_free(&m);
	assert_int_equal(status(f, f->ack, NULL, "undelivered", 21610), FLOW_NOT_FOUND);
	assert_int_equal(status(f, f->ack, "", "undelivered", 21610), FLOW_NOT_FOUND);
	assert_string_equal(text(f->s, q, buf, sizeof buf), "sent");
	assert_int_equal(one(f->s, "SELECT sms_opt_out FROM leads"), 0);
}

static void
status_callbacks_are_idempotent_and_move_forward_only(void **state)
{
	fixture *f = *state;
	deliver_result res = { .kind = DELIVER_OK, .provider_id = "SM1" };
	outbox_msg m;
	char buf[64];
	const char *q = "SELECT state FROM outbox WHERE purpose = 'ack' AND channel = 'sms'";

	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	assert_int_equal(deliver_record(f->s, &f->cfg, &m, "twilio", &res, f->now), 0);
	outbox_msg_free(&m);
	assert_int_equal(status(f, f->ack, "SM1", "delivered", 0), FLOW_OK);
	assert_string_equal(text(f->s, q, buf, sizeof buf), "delivered");
	assert_int_equal(status(f, f->ack, "SM1", "delivered", 0), FLOW_OK);
	assert_int_equal(status(f, f->ack, "SM1", "sent", 0), FLOW_OK);
	assert_int_equal(status(f, f->ack, "SM1", "failed", 30003), FLOW_OK);
	assert_string_equal(text(f->s, q, buf, sizeof buf), "delivered");
	assert_int_equal(status(f, f->ack, "SM2", "delivered", 0), FLOW_NOT_FOUND);
	assert_int_equal(status(f, 999999, "SM1", "delivered", 0), FLOW_NOT_FOUND);
	assert_int_equal(status(f, f->ack, "SM1", "weird", 0), FLOW_OK);
	assert_int_equal(one(f->s, "SELECT count(*) FROM tasks WHERE title LIKE '%failed%'"), 0);
}

static void
a_callback_resolves_an_unknown_outcome(void **state)
{
	fixture *f = *state;
	outbox_msg m;
	char buf[128];

	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	outbox_msg_free(&m);
	assert_int_equal(deliver_recover(f->s, f->r, f->now), 1);
	assert_int_equal(status(f, f->ack, "SM9", "sent", 0), FLOW_OK);
	assert_string_equal(text(f->s, "SELECT state || ' ' || provider_id FROM outbox WHERE"
				 " purpose = 'ack' AND channel = 'sms'", buf, sizeof buf), "sent SM9");
	assert_string_equal(text(f->s, "SELECT t.state FROM tasks t JOIN outbox o ON o.task_id = t.id",
				 buf, sizeof buf), "done");
	assert_int_equal(one(f->s, "SELECT count(*) FROM events WHERE type = 'message.confirmed'"), 1);
}

static void
a_failure_reported_after_an_unknown_outcome_supersedes_its_task(void **state)
{
	fixture *f = *state;
	outbox_msg m;
	int64_t check;
	char sql[128], buf[256];

	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	outbox_msg_free(&m);
	assert_int_equal(deliver_recover(f->s, f->r, f->now), 1);
	check = one(f->s, "SELECT task_id FROM outbox WHERE purpose = 'ack' AND channel = 'sms'");
	assert_int_equal(status(f, f->ack, "SM9", "undelivered", 30003), FLOW_OK);
	snprintf(sql, sizeof sql, "SELECT state || ': ' || outcome FROM tasks WHERE id = %lld",
		 (long long)check);
	assert_string_equal(text(f->s, sql, buf, sizeof buf),
			    "cancelled: superseded: the provider reported the message failed");
	assert_string_equal(text(f->s, "SELECT o.state || ' ' || t.state || ' ' || t.title FROM"
				 " outbox o JOIN tasks t ON t.id = o.task_id WHERE o.purpose = 'ack'"
				 " AND o.channel = 'sms'", buf, sizeof buf),
			    "failed open The text to Marcus Johnson failed (the carrier reported "
			    "undelivered, error 30003): reach them another way");
}

static void
a_record_after_a_faster_callback_changes_nothing(void **state)
{
	fixture *f = *state;
	deliver_result res = { .kind = DELIVER_UNKNOWN, .error = "timeout" };
	outbox_msg m;
	char buf[64];

	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	assert_int_equal(status(f, f->ack, "SM5", "delivered", 0), FLOW_OK);
	assert_int_equal(deliver_record(f->s, &f->cfg, &m, "twilio", &res, f->now), 0);
	outbox_msg_free(&m);
	assert_string_equal(text(f->s, "SELECT state FROM outbox WHERE purpose = 'ack' AND"
				 " channel = 'sms'", buf, sizeof buf), "delivered");
	assert_int_equal(one(f->s, "SELECT count(*) FROM tasks WHERE title LIKE 'Check whether%'"), 0);
}

/* --- one opt-out policy ----------------------------------------------------- */

/* A lead like the fixture's (same name, owner and time), with its own phone. */
static int64_t
add_lead(fixture *f, const char *phone)
{
	intake_lead in = { .name = "Marcus Johnson", .phone = phone, .service = "deck repair",
			   .owner = "alice" };
	flow_out out;
	char err[256];

	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(flow_intake(f->s, f->bid, f->r, &in, f->now, &out, err, sizeof err),
			 FLOW_OK);
	assert_int_equal(store_commit(f->s), 0);
	return out.lead_id;
}

/* Claims lead_id's SMS acknowledgment at now, as the dispatcher does. */
static void
claim_ack(fixture *f, int64_t lead_id, int64_t now, outbox_msg *m)
{
	char sql[160];
	int64_t id;

	snprintf(sql, sizeof sql, "SELECT id FROM outbox WHERE lead_id = %lld AND purpose = 'ack'"
		 " AND channel = 'sms'", (long long)lead_id);
	id = one(f->s, sql);
	assert_int_equal(claim_row(f->s, f->r, id, now, m), OUTBOX_CLAIMED);
}

/* What the lead is left with, times relative to t0, ids left out: its
 * consent, status, stage, owner, sequence and plan; its pending timers; its
 * open tasks; the staff notifications queued since t0. */
static void
lead_after(fixture *f, int64_t lead_id, int64_t t0, char *out, size_t len)
{
	static const char *const parts[] = {
		"SELECT sms_opt_out || ' ' || email_opt_out || ' ' || flags || ' ' || status || ' '"
		" || stage || ' ' || owner || ' ' || coalesce(sequence, '-') || ' '"
		" || (sequence_started_at - ?2) || ' ' || plan FROM leads WHERE id = ?1",
		"SELECT group_concat(x, '; ') FROM (SELECT kind || ' at ' || (due_at - ?2)"
		" || ' level ' || coalesce(level, '-') || ' step ' || coalesce(step, '-')"
		" || ' ' || coalesce(sequence, '-') AS x FROM timers WHERE lead_id = ?1"
		" AND state = 'pending' ORDER BY due_at, kind, level, step)",
		"SELECT group_concat(x, '; ') FROM (SELECT verb || ': ' || title || ' for '"
		" || assignee || ' due ' || (due_at - ?2) AS x FROM tasks"
		" WHERE lead_id = ?1 AND state = 'open' ORDER BY due_at, title)",
		"SELECT group_concat(x, '; ') FROM (SELECT purpose || ' to '"
		" || coalesce(person, 'the lead') || ': ' || replace(replace(body, '#' || lead_id,"
		" '#N'), (SELECT phone FROM leads WHERE id = ?1), 'PHONE') AS x"
		" FROM outbox WHERE lead_id = ?1 AND created_at >= ?2"
		" AND purpose = 'notify' ORDER BY id)",
	};
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		sqlite3_stmt *st;
		const char *v = NULL;

		assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(f->s), parts[i], -1, &st, NULL),
				 SQLITE_OK);
		sqlite3_bind_int64(st, 1, lead_id);
		sqlite3_bind_int64(st, 2, t0);
		if (sqlite3_step(st) == SQLITE_ROW)
			v = (const char *)sqlite3_column_text(st, 0);
		off += (size_t)snprintf(out + off, len - off, "%s\n", v ? v : "");
		sqlite3_finalize(st);
		assert_true(off < len);
	}
}

static void
a_carrier_opt_out_and_a_texted_stop_leave_the_lead_alike(void **state)
{
	fixture *f = *state;
	int64_t texted = add_lead(f, "+13125550201"), refused = add_lead(f, "+13125550202");
	int64_t reported = add_lead(f, "+13125550203"), t1 = f->now + 3600;
	deliver_result stop21610 = { .kind = DELIVER_PERM, .code = 21610,
				     .contact = DELIVER_OPTED_OUT,
				     .error = "SMS provider HTTP 400, error 21610: Attempt to send "
					      "to unsubscribed recipient" };
	deliver_result ok = { .kind = DELIVER_OK, .provider_id = "SM77" };
	lead_event stop = lead_event_init(EV_MESSAGE_IN);
	char a[4096], b[4096], c[4096], err[256];
	outbox_msg m;

	/* An hour later: the lead texts STOP to us... */
	stop.channel = "sms";
	stop.text = "STOP";
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(flow_event(f->s, f->bid, f->r, texted, &stop, t1, NULL, err, sizeof err),
			 FLOW_OK);
	assert_int_equal(store_commit(f->s), 0);
	/* ...the SMS API refuses our text with 21610 (the dispatcher's result)... */
	claim_ack(f, refused, t1, &m);
	assert_int_equal(deliver_record(f->s, &f->cfg, &m, "twilio", &stop21610, t1), 0);
	outbox_msg_free(&m);
	/* ...or takes it, and the carrier's status callback says 21610. */
	claim_ack(f, reported, t1, &m);
	assert_int_equal(deliver_record(f->s, &f->cfg, &m, "twilio", &ok, t1), 0);
	outbox_msg_free(&m);
	assert_int_equal(deliver_status_apply(f->s, f->r, one(f->s, "SELECT id FROM outbox WHERE"
							     " provider_id = 'SM77'"), "SM77",
					      "undelivered", 21610, t1, err, sizeof err), FLOW_OK);

	lead_after(f, texted, t1, a, sizeof a);
	lead_after(f, refused, t1, b, sizeof b);
	lead_after(f, reported, t1, c, sizeof c);
	/* The same owner task, due in business time, escalated and notified. */
	assert_non_null(strstr(b, "call: Call Marcus Johnson: they opted out of texts for alice "
			       "due 900"));
	assert_non_null(strstr(b, "escalate at 1800 level 0"));
	assert_non_null(strstr(b, "notify to alice: Call Marcus Johnson: they opted out of texts"));
	assert_string_equal(b, c);
	/* The lead who texted STOP is left exactly alike. */
	assert_string_equal(a, b);
	/* The one confirmation rule: the lead who texted STOP to us gets it; a
	 * lead the carrier refuses us for has had the carrier's and would not
	 * get ours. */
	snprintf(err, sizeof err, "SELECT group_concat(lead_id || ': ' || body) FROM outbox"
		 " WHERE purpose = 'compliance' AND created_at >= %lld", (long long)t1);
	text(f->s, err, a, sizeof a);
	snprintf(b, sizeof b, "%lld: You're unsubscribed from Northside Home Services texts. "
		 "Reply START to resubscribe.", (long long)texted);
	assert_string_equal(a, b);
}

static void
a_row_that_cannot_be_processed_leaves_the_queue_saying_why(void **state)
{
	fixture *f = *state;
	sqlite3 *db = store_sqlite_db(f->s);
	outbox_msg m;
	char buf[128];
	int64_t orphan;

	/* a text for a lead that is gone (foreign keys off, as a hand edit) */
	assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = OFF; INSERT INTO outbox (business_id,"
				      " lead_id, channel, recipient, body, purpose, send_at, created_at,"
				      " updated_at) VALUES (1, 999, 'sms', '+13125550100', 'x', 'ack', 0,"
				      " 0, 0); PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
	orphan = sqlite3_last_insert_rowid(db);
	assert_int_equal(claim_row(f->s, f->r, orphan, f->now, &m), OUTBOX_UNUSABLE);
	assert_string_equal(text(f->s, "SELECT state || ': ' || last_error FROM outbox WHERE id ="
				 " (SELECT max(id) FROM outbox)", buf, sizeof buf),
			    "failed: its lead no longer exists");
	/* the row behind it is claimed as ever */
	assert_int_equal(claim(f, &m), OUTBOX_CLAIMED);
	outbox_msg_free(&m);
}

static void
a_buried_row_is_failed_and_reported_with_a_task(void **state)
{
	fixture *f = *state;
	int64_t tasks = one(f->s, "SELECT count(*) FROM tasks");
	char buf[128];

	assert_int_equal(deliver_bury(f->s, f->r, f->ack, "could not be processed: x", f->now), 1);
	assert_string_equal(text(f->s, "SELECT state || ': ' || last_error FROM outbox WHERE purpose"
				 " = 'ack' AND channel = 'sms'", buf, sizeof buf),
			    "failed: could not be processed: x");
	assert_int_equal(one(f->s, "SELECT count(*) FROM tasks"), tasks + 1);
	assert_true(one(f->s, "SELECT task_id FROM outbox WHERE purpose = 'ack' AND channel = 'sms'")
		    > 0);
	/* only a queued row is buried */
	assert_int_equal(deliver_bury(f->s, f->r, f->ack, "again", f->now), 0);
}


int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_legal_edges_exist),
		T(a_row_is_claimed_once),
		T(a_row_is_not_claimed_before_its_time),
		T(opted_out_leads_get_no_automated_text_but_do_get_compliance),
		T(sent_records_the_provider_id_and_an_event),
		T(a_number_is_new_until_a_text_to_it_was_accepted),
		cmocka_unit_test(the_line_type_is_read_from_a_lookup_answer),
		T(temporary_failures_back_off_then_die_with_a_task),
		T(a_retry_after_longer_than_the_backoff_is_honoured),
		T(unsubscribed_at_the_carrier_opts_the_lead_out),
		T(news_without_a_message_sid_changes_nothing),
		T(a_crash_while_sending_becomes_unknown_with_a_task_once),
		T(status_callbacks_are_idempotent_and_move_forward_only),
		T(a_callback_resolves_an_unknown_outcome),
		T(a_failure_reported_after_an_unknown_outcome_supersedes_its_task),
		T(a_record_after_a_faster_callback_changes_nothing),
		T(a_carrier_opt_out_and_a_texted_stop_leave_the_lead_alike),
		T(a_row_that_cannot_be_processed_leaves_the_queue_saying_why),
		T(a_buried_row_is_failed_and_reported_with_a_task),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

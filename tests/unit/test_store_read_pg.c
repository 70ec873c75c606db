/*
 * test_store_read_pg.c - the PostgreSQL engine's readers, report reads,
 * /metrics figures and its backup/restore answer, on the throwaway cluster
 * of tests/pg_cluster.sh (LK_PG_URL; tests/run.sh starts it). Rows are
 * written by hand so each column's value (and NULL) is known; the same
 * readers run through the flow in the store tests tests/run.sh also runs
 * with LK_STORE=pg. Each test starts from an empty schema.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "store/store_outbox.h"
#include "store/store_pg.h"
#include "store/store_read.h"
#include "store/store_report.h"

#include "pg_test.h"


static void
quiet(void *arg, const char *message)
{
}

/* An empty schema, then a store on it (migrated to the latest) in *state,
 * holding two businesses' rows. */
static int
setup(void **state)
{
	PGconn *c = PQconnectdb(url());
	char err[512];
	store *s;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("connect: %s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet, NULL);
	sql_ok(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	PQfinish(c);
	if ((s = store_pg_open(url(), err, sizeof err)) == NULL)
		fail_msg("store_pg_open: %s", err);
	sql_ok(store_pg_conn(s),
	       "INSERT INTO businesses VALUES (1, 'default', 'Acme', 'UTC', 0),"
	       " (2, 'other', 'Other', 'UTC', 0);"
	       "INSERT INTO leads (id, business_id, name, phone, email, source, service, owner,"
	       " stage, sequence, quote_cents, custom, created_at, updated_at) VALUES"
	       " (1, 1, 'Marcus Johnson', '+13125550101', NULL, 'web', 'Deck Repair', 'alice',"
	       "  'new', 'new_inquiry', 150000, '{\"gate\":\"blue\"}', 100, 110),"
	       " (2, 1, 'Ana Ruiz', '+13125550102', 'ana@example.com', 'phone', 'Fence', 'bob',"
	       "  'quoted', NULL, NULL, NULL, 200, 210),"
	       " (3, 1, 'Lee Park', NULL, 'lee@example.com', 'web', 'Deck', 'alice',"
	       "  'won', NULL, NULL, NULL, 300, 310),"
	       " (4, 2, 'Someone Else', '+13125550104', NULL, 'web', 'Deck', 'zed',"
	       "  'new', NULL, NULL, NULL, 400, 410);"
	       "INSERT INTO tasks (id, business_id, lead_id, verb, title, assignee, due_at, state,"
	       " outcome, created_at, closed_at) VALUES"
	       " (1, 1, 1, 'call', 'Call Marcus', 'alice', 500, 'open', NULL, 100, NULL),"
	       " (2, 1, 2, 'call', 'Call Ana', 'bob', 400, 'open', NULL, 200, NULL),"
	       " (3, 1, 1, 'text', 'Text Marcus', 'alice', 300, 'done', 'reached', 100, 350),"
	       " (4, 2, 4, 'call', 'Call', 'zed', 100, 'open', NULL, 400, NULL);"
	       "INSERT INTO timers (business_id, lead_id, due_at, kind, sequence, step, step_id,"
	       " task_id, state, created_at) VALUES"
	       " (1, 1, 900, 'step', 'new_inquiry', 2, 's2', NULL, 'pending', 100),"
	       " (1, 1, 600, 'escalate', NULL, -1, NULL, 1, 'pending', 100),"
	       " (1, 1, 450, 'escalate', NULL, -1, NULL, 3, 'fired', 100),"
	       " (1, 1, 460, 'escalate', NULL, -1, NULL, 3, 'fired', 100),"
	       " (2, 4, 100, 'step', 'x', 0, 's0', NULL, 'pending', 400);"
	       "INSERT INTO outbox (business_id, lead_id, person, channel, recipient, body,"
	       " purpose, send_at, state, created_at, updated_at) VALUES"
	       " (1, 1, NULL, 'sms', '+13125550101', 'Thanks', 'ack', 101, 'sent', 100, 101),"
	       " (1, 1, 'alice', 'sms', '+13125550000', 'New lead', 'notify', 101, 'queued',"
	       "  100, 100),"
	       " (1, 2, NULL, 'email', 'ana@example.com', 'Thanks', 'ack', 201, 'failed', 200,"
	       "  201);"
	       "INSERT INTO events (business_id, lead_id, at, type, actor, text) VALUES"
	       " (1, 1, 100, 'lead.created', 'intake', 'New lead'),"
	       " (1, 1, 350, 'call.logged', 'alice', 'Reached'),"
	       " (1, 1, 120, 'contact.first', NULL, NULL),"
	       " (1, 2, 250, 'note', 'bob', 'Wants a quote'),"
	       " (2, 4, 400, 'note', 'zed', 'Other business');"
	       "INSERT INTO api_tokens (business_id, name, role, prefix, hash, created_at,"
	       " revoked_at) VALUES (1, 'zapier', 'intake', 'lk_aaaa', 'h1', 10, NULL),"
	       " (1, 'old', 'admin', 'lk_bbbb', 'h2', 20, 30),"
	       " (2, 'theirs', 'admin', 'lk_cccc', 'h3', 40, NULL);"
	       "INSERT INTO appointments (business_id, lead_id, kind, starts_at, ends_at, place,"
	       " person, state, created_at, updated_at) VALUES"
	       " (1, 1, 'visit', 2000, 5600, '12 Oak St', 'alice', 'booked', 100, 100),"
	       " (1, 2, 'call', 1000, 1900, NULL, 'bob', 'done', 200, 200),"
	       " (1, 2, 'visit', 3000, 6600, NULL, 'alice', 'confirmed', 200, 200);");
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	return 0;
}

/* What the visitors saw, as text. */
static char seen[2048];

static void
add(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(seen);

	va_start(ap, fmt);
	vsnprintf(seen + n, sizeof seen - n, fmt, ap);
	va_end(ap);
}

#define OR(s) ((s) ? (s) : "NULL")

static void
on_lead(void *ctx, const store_lead_row *r)
{
	add("lead %lld %s %s %s q=%d:%lld %s;", (long long)r->id, OR(r->name), OR(r->email),
	    OR(r->sequence), r->has_quote, (long long)r->quote_cents, OR(r->custom));
}

static void
on_task(void *ctx, const store_task_row *r)
{
	add("task %lld %s %s %s %lld;", (long long)r->id, r->verb, r->state, OR(r->outcome),
	    (long long)r->closed_at);
}

static void
on_timer(void *ctx, const store_timer_row *r)
{
	add("timer %s %lld %s %s;", r->kind, (long long)r->due_at, OR(r->sequence),
	    OR(r->step_id));
}

static void
on_message(void *ctx, const store_message_row *r)
{
	add("msg %s %s %s %s;", r->channel, OR(r->person), r->purpose, r->state);
}

static void
on_event(void *ctx, const store_event_row *r)
{
	add("event %s %s;", r->type, OR(r->actor));
}

static void
a_lead_is_read_with_its_tasks_timers_messages_and_timeline(void **state)
{
	store *s = *state;
	store_lead_visitor v = { on_lead, on_task, on_timer, on_message, on_event };
	store_lead_visitor only_lead = { .lead = on_lead };

	seen[0] = '\0';
	assert_int_equal(store_lead_read(s, 1, 1, &v, NULL), 1);
	assert_string_equal(seen,
			    "lead 1 Marcus Johnson NULL new_inquiry q=1:150000 {\"gate\":\"blue\"};"
			    "task 1 call open NULL 0;task 3 text done reached 350;"
			    "timer escalate 600 NULL NULL;timer step 900 new_inquiry s2;"
			    "msg sms NULL ack sent;msg sms alice notify queued;"
			    "event lead.created intake;event call.logged alice;"
			    "event contact.first NULL;");
	seen[0] = '\0';
	assert_int_equal(store_lead_read(s, 1, 2, &only_lead, NULL), 1);
	assert_string_equal(seen, "lead 2 Ana Ruiz ana@example.com NULL q=0:0 NULL;");
	/* Another business's lead, and none at all. */
	assert_int_equal(store_lead_read(s, 1, 4, &v, NULL), 0);
	assert_int_equal(store_lead_read(s, 1, 99, &v, NULL), 0);
}

static void
leads_are_filtered_searched_and_paged_newest_first(void **state)
{
	store *s = *state;

	seen[0] = '\0';
	assert_int_equal(store_leads_read(s, 1, &(store_lead_filter){ 0 }, on_lead, NULL), 3);
	assert_non_null(strstr(seen, "lead 3 Lee Park"));
	assert_true(strstr(seen, "lead 3") < strstr(seen, "lead 1"));
	assert_null(strstr(seen, "Someone Else"));
	/* Text search, case-insensitive, in name, phone, email, service. */
	seen[0] = '\0';
	assert_int_equal(store_leads_read(s, 1, &(store_lead_filter){ .q = "DECK" }, on_lead,
					  NULL), 2);
	assert_int_equal(store_leads_read(s, 1, &(store_lead_filter){ .q = "ana@EX" }, on_lead,
					  NULL), 1);
	assert_int_equal(store_leads_read(s, 1, &(store_lead_filter){ .owner = "alice",
					  .stage = "won" }, on_lead, NULL), 1);
	assert_int_equal(store_leads_read(s, 1, &(store_lead_filter){ .source = "web",
					  .created_from = 150, .created_to = 301 }, on_lead, NULL), 1);
	/* Cursor and page size. */
	seen[0] = '\0';
	assert_int_equal(store_leads_read(s, 1, &(store_lead_filter){ .after_id = 3, .limit = 1 },
					  on_lead, NULL), 1);
	assert_non_null(strstr(seen, "lead 2 "));
}

static void
tasks_come_in_queue_order_or_latest_first(void **state)
{
	store *s = *state;

	seen[0] = '\0';
	assert_int_equal(store_tasks_read(s, 1, NULL, NULL, 0, on_task, NULL), 2);
	assert_string_equal(seen, "task 2 call open NULL 0;task 1 call open NULL 0;");
	seen[0] = '\0';
	assert_int_equal(store_tasks_read(s, 1, "alice", "open", 0, on_task, NULL), 1);
	assert_string_equal(seen, "task 1 call open NULL 0;");
	seen[0] = '\0';
	assert_int_equal(store_tasks_read(s, 1, NULL, "done", 0, on_task, NULL), 1);
	assert_string_equal(seen, "task 3 text done reached 350;");
	assert_int_equal(store_tasks_read(s, 1, "bob", "done", 0, on_task, NULL), 0);
	assert_int_equal(store_tasks_read(s, 1, NULL, NULL, 1, on_task, NULL), 1);
}

static void
on_token(void *ctx, const store_token_row *r)
{
	add("token %s %s %s %lld;", r->name, r->role, r->prefix, (long long)r->revoked_at);
}

static void
on_appointment(void *ctx, const store_appointment_row *r)
{
	add("appt %s %lld %s %s %s %s %s;", r->kind, (long long)r->starts_at, OR(r->place),
	    r->person, r->state, OR(r->lead_name), OR(r->service));
}

static void
tokens_and_appointments_are_read_per_business(void **state)
{
	store *s = *state;

	seen[0] = '\0';
	assert_int_equal(store_tokens_read(s, 1, on_token, NULL), 2);
	assert_string_equal(seen, "token old admin lk_bbbb 30;token zapier intake lk_aaaa 0;");
	seen[0] = '\0';
	assert_int_equal(store_appointments_read(s, 1, &(store_appointment_filter){ 0 },
						 on_appointment, NULL), 3);
	assert_string_equal(seen, "appt call 1000 NULL bob done Ana Ruiz Fence;"
			    "appt visit 2000 12 Oak St alice booked Marcus Johnson Deck Repair;"
			    "appt visit 3000 NULL alice confirmed Ana Ruiz Fence;");
	assert_int_equal(store_appointments_read(s, 1, &(store_appointment_filter){ .ahead = true },
						 on_appointment, NULL), 2);
	assert_int_equal(store_appointments_read(s, 1, &(store_appointment_filter){
						 .person = "alice", .from = 2500, .to = 4000 },
						 on_appointment, NULL), 1);
	assert_int_equal(store_appointments_read(s, 1, &(store_appointment_filter){ .lead_id = 2,
						 .state = "done" }, on_appointment, NULL), 1);
	assert_int_equal(store_appointments_read(s, 2, &(store_appointment_filter){ 0 },
						 on_appointment, NULL), 0);
}

static void
rep_lead(void *ctx, const store_report_lead *r)
{
	add("L%lld %s %s q%d;", (long long)r->id, r->stage, r->owner, r->has_quote);
}

static void
rep_event(void *ctx, const store_report_event *r)
{
	add("E%lld@%lld %s;", (long long)r->lead_id, (long long)r->at, r->type);
}

static void
rep_task(void *ctx, const store_report_task *r)
{
	add("T%lld %s closed%lld;", (long long)r->id, r->state, (long long)r->closed_at);
}

static void
rep_timer(void *ctx, const store_report_timer *r)
{
	add("R%lld/%lld %s %s;", (long long)r->lead_id, (long long)r->task_id, r->kind, r->state);
}

static void
rep_ack(void *ctx, const store_report_ack *r)
{
	add("A%lld %s;", (long long)r->lead_id, r->state);
}

static void
reports_read_each_table_of_one_business(void **state)
{
	store *s = *state;

	seen[0] = '\0';
	assert_int_equal(store_report_leads(s, 1, rep_lead, NULL), 3);
	assert_string_equal(seen, "L1 new alice q1;L2 quoted bob q0;L3 won alice q0;");
	/* Only the entries a report counts, lead by lead in time order. */
	seen[0] = '\0';
	assert_int_equal(store_report_events(s, 1, rep_event, NULL), 3);
	assert_string_equal(seen, "E1@120 contact.first;E1@350 call.logged;E2@250 note;");
	seen[0] = '\0';
	assert_int_equal(store_report_tasks(s, 1, rep_task, NULL), 3);
	assert_string_equal(seen, "T1 open closed0;T2 open closed0;T3 done closed350;");
	seen[0] = '\0';
	/* the pending ones, and the escalations that fired (task 3's two) */
	assert_int_equal(store_report_timers(s, 1, rep_timer, NULL), 4);
	assert_non_null(strstr(seen, "R1/1 escalate pending;"));
	assert_non_null(strstr(seen, "R1/0 step pending;"));
	assert_non_null(strstr(strstr(seen, "R1/3 escalate fired;") + 1, "R1/3 escalate fired;"));
	seen[0] = '\0';
	assert_int_equal(store_report_acks(s, 1, rep_ack, NULL), 2);
	assert_non_null(strstr(seen, "A1 sent;"));
	assert_non_null(strstr(seen, "A2 failed;"));
}

/* The plan of sql (business 1) with sequential scans priced out: it names
 * the partial index only when the statement's predicate implies the
 * index's (migration 12). */
static void
assert_plan_uses(store *s, const char *sql, const char *index)
{
	PGconn *c = store_pg_conn(s);
	const char *v[1] = { "1" };
	char plan[4096] = "";
	PGresult *r;

	sql_ok(c, "SET enable_seqscan = off");
	r = PQexecParams(c, sql, 1, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	for (int i = 0; i < PQntuples(r); i++)
		snprintf(plan + strlen(plan), sizeof plan - strlen(plan), "%s\n",
			 PQgetvalue(r, i, 0));
	PQclear(r);
	sql_ok(c, "RESET enable_seqscan");
	if (strstr(plan, index) == NULL)
		fail_msg("the plan does not use %s:\n%s", index, plan);
}

static void
report_reads_can_use_the_partial_indexes(void **state)
{
	store *s = *state;

	assert_int_equal(store_schema_version(s), store_pg_schema_latest());
	/* store_pg_report.c's statements, word for word. */
	assert_plan_uses(s, "EXPLAIN SELECT lead_id, at, type FROM events WHERE business_id = $1"
			 " AND type IN ('call.logged', 'visit.logged', 'note', 'note.contact',"
			 " 'stage.changed', 'task.done', 'task.snoozed', 'lead.updated',"
			 " 'followup.set', 'message.received', 'contact.first')"
			 " ORDER BY business_id, lead_id, at, type", "events_report");
	assert_plan_uses(s, "EXPLAIN SELECT lead_id, send_at, state FROM outbox WHERE"
			 " business_id = $1 AND purpose = 'ack' AND person IS NULL", "outbox_acks");
}

static void
stats_count_timers_and_messages_and_size_the_database(void **state)
{
	store *s = *state;
	store_stats st;

	assert_int_equal(store_stats_read(s, 600, 100, &st), 0);
	assert_int_equal(st.timers_pending, 3);	/* both businesses' */
	assert_int_equal(st.timers_due, 2);	/* 100 and 600 */
	assert_int_equal(st.timers_late, 1);	/* before 500 */
	assert_int_equal(st.outbox[OUTBOX_SENT], 1);
	assert_int_equal(st.outbox[OUTBOX_QUEUED], 1);
	assert_int_equal(st.outbox[OUTBOX_FAILED], 1);
	assert_true(st.db_bytes > 0);
	assert_int_equal(st.wal_bytes, 0);
}

static void
backup_and_restore_refuse_and_name_postgresqls_tools(void **state)
{
	store *s = *state;
	char err[512];

	assert_int_equal(store_backup(s, "/tmp/lk-never.db", err, sizeof err), -1);
	assert_non_null(strstr(err, "pg_dump"));
	assert_non_null(strstr(err, "leadkeep"));	/* the database's name */
	assert_int_equal(store_restore(s, "/tmp/lk-never.db", err, sizeof err), -1);
	assert_non_null(strstr(err, "pg_restore"));
	/* Nothing was touched. */
	assert_int_equal(store_leads_read(s, 1, &(store_lead_filter){ 0 }, on_lead, NULL), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			a_lead_is_read_with_its_tasks_timers_messages_and_timeline, setup, teardown),
		cmocka_unit_test_setup_teardown(leads_are_filtered_searched_and_paged_newest_first,
						setup, teardown),
		cmocka_unit_test_setup_teardown(tasks_come_in_queue_order_or_latest_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(tokens_and_appointments_are_read_per_business, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reports_read_each_table_of_one_business, setup,
						teardown),
		cmocka_unit_test_setup_teardown(report_reads_can_use_the_partial_indexes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(stats_count_timers_and_messages_and_size_the_database,
						setup, teardown),
		cmocka_unit_test_setup_teardown(backup_and_restore_refuse_and_name_postgresqls_tools,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

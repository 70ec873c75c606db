/*
 * store_pg_report.c - the PostgreSQL engine's reads for reports
 * (store_report.h), store_report_sqlite.c's in PostgreSQL's words. The
 * timeline and acknowledgment reads match the partial indexes of migration
 * 12 (events_report, outbox_acks) word for word, so the planner can use
 * them; test_store_pg_read checks it does. Reads only, no transaction.
 */
#include "store_pg.h"

static const char *
str(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

#define I(c) pg_get_int(res, i, (c))
#define S(c) str(res, i, (c))

/* Runs sql for business_id: the result, or NULL (an error). */
static PGresult *
run(store *s, const char *sql, int64_t business_id)
{
	pg_params pp = { 0 };

	pg_int(&pp, business_id);
	return pg_run(pg_of(s), sql, &pp);
}

int
pg_report_leads(store *s, int64_t business_id,
		void (*fn)(void *ctx, const store_report_lead *r), void *ctx)
{
	PGresult *res = run(s, "SELECT id, name, source, kind, stage, status, owner,"
			    " lost_reason, sequence, quote_cents, created_at, paused_at"
			    " FROM leads WHERE business_id = $1 ORDER BY id", business_id);
	int n;

	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		store_report_lead r = {
			.id = I(0), .name = S(1), .source = S(2), .kind = S(3), .stage = S(4),
			.status = S(5), .owner = S(6), .lost_reason = S(7), .sequence = S(8),
			.has_quote = !PQgetisnull(res, i, 9), .quote_cents = I(9),
			.created_at = I(10), .paused_at = I(11),
		};

		fn(ctx, &r);
	}
	n = PQntuples(res);
	PQclear(res);
	return n;
}

int
pg_report_events(store *s, int64_t business_id,
		 void (*fn)(void *ctx, const store_report_event *r), void *ctx)
{
	PGresult *res = run(s, "SELECT lead_id, at, type FROM events WHERE business_id = $1"
			    " AND type IN ('call.logged', 'visit.logged', 'note', 'note.contact',"
			    " 'stage.changed', 'task.done', 'task.snoozed', 'lead.updated',"
			    " 'followup.set', 'message.received', 'contact.first')"
			    " ORDER BY business_id, lead_id, at, type", business_id);
	int n;

	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		store_report_event r = { .lead_id = I(0), .at = I(1), .type = S(2) };

		fn(ctx, &r);
	}
	n = PQntuples(res);
	PQclear(res);
	return n;
}

int
pg_report_tasks(store *s, int64_t business_id,
		void (*fn)(void *ctx, const store_report_task *r), void *ctx)
{
	PGresult *res = run(s, "SELECT id, lead_id, verb, assignee, state, outcome, due_at,"
			    " created_at, coalesce(closed_at, 0) FROM tasks"
			    " WHERE business_id = $1 ORDER BY id", business_id);
	int n;

	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		store_report_task r = {
			.id = I(0), .lead_id = I(1), .verb = S(2), .assignee = S(3),
			.state = S(4), .outcome = S(5), .due_at = I(6), .created_at = I(7),
			.closed_at = I(8),
		};

		fn(ctx, &r);
	}
	n = PQntuples(res);
	PQclear(res);
	return n;
}

int
pg_report_timers(store *s, int64_t business_id,
		 void (*fn)(void *ctx, const store_report_timer *r), void *ctx)
{
	PGresult *res = run(s, "SELECT lead_id, coalesce(task_id, 0), due_at, kind, state"
			    " FROM timers WHERE business_id = $1 AND (state = 'pending' OR"
			    " (kind = 'escalate' AND state = 'fired'))", business_id);
	int n;

	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		store_report_timer r = {
			.lead_id = I(0), .task_id = I(1), .due_at = I(2), .kind = S(3),
			.state = S(4),
		};

		fn(ctx, &r);
	}
	n = PQntuples(res);
	PQclear(res);
	return n;
}

int
pg_report_acks(store *s, int64_t business_id,
	       void (*fn)(void *ctx, const store_report_ack *r), void *ctx)
{
	PGresult *res = run(s, "SELECT lead_id, send_at, state FROM outbox WHERE"
			    " business_id = $1 AND purpose = 'ack' AND person IS NULL",
			    business_id);
	int n;

	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		store_report_ack r = { .lead_id = I(0), .send_at = I(1), .state = S(2) };

		fn(ctx, &r);
	}
	n = PQntuples(res);
	PQclear(res);
	return n;
}

int
pg_report_changed(store *s, int64_t *after,
		  void (*fn)(void *ctx, int64_t business_id, int64_t newest), void *ctx)
{
	PGresult *res;
	int n;

	if (*after < 0) {
		if ((res = pg_run(pg_of(s), "SELECT coalesce(max(id), 0) FROM events", NULL)) ==
		    NULL)
			return -1;
		*after = PQntuples(res) > 0 ? pg_get_int(res, 0, 0) : 0;
		PQclear(res);
		return 0;
	}
	/* By the primary key; the look-back sees an identity taken before a
	 * higher one and committed after it. */
	if ((res = run(s, "SELECT business_id, max(id) FROM events WHERE id > $1"
		       " GROUP BY business_id", *after - STORE_REPORT_CHANGED_LOOKBACK)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t newest = I(1);

		fn(ctx, I(0), newest);
		if (newest > *after)
			*after = newest;
	}
	n = PQntuples(res);
	PQclear(res);
	return n;
}

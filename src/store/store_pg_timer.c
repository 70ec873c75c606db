/*
 * store_pg_timer.c - the PostgreSQL engine's durable timers: store_timer.c's
 * operations in PostgreSQL's words. Several nodes may fire timers of one
 * database: a timer is fired by the UPDATE pending -> fired inside the
 * flow's transaction, which waits for another node's claim of the same row
 * and then finds it fired (0 rows: not fired twice). So that nodes do not
 * queue behind each other's claims, the due list skips rows another
 * transaction holds (FOR UPDATE SKIP LOCKED) and, inside the caller's
 * transaction, keeps the rows it returns locked until it ends. That
 * transaction is the claim's lease (store_node.h): a node killed mid-batch
 * drops its connection, the server rolls the batch back, and the timers are
 * due again for whichever node looks next - fired once, never half.
 */
#include <stdio.h>
#include <string.h>

#include "core/states.h"
#include "store_common.h"
#include "store_due.h"
#include "store_pg.h"

#define TIMER_COLUMNS "t.id, t.business_id, t.lead_id, t.due_at, t.kind, t.sequence," \
	" t.step, t.level, t.task_id, t.plan, t.step_id, t.appointment_id"

/* Row i of a result of TIMER_COLUMNS into t; -1 when its kind is unknown
 * (written by a newer leadkeep). */
static int
read_timer(const PGresult *r, int i, store_timer *t)
{
	memset(t, 0, sizeof *t);
	t->id = pg_get_int(r, i, 0);
	t->business_id = pg_get_int(r, i, 1);
	t->lead_id = pg_get_int(r, i, 2);
	t->due_at = pg_get_int(r, i, 3);
	if (store_timer_kind_parse(PQgetvalue(r, i, 4), &t->kind) < 0)
		return -1;
	snprintf(t->sequence, sizeof t->sequence, "%s", PQgetvalue(r, i, 5));
	t->step = (int)pg_get_int(r, i, 6);
	t->level = (int)pg_get_int(r, i, 7);
	t->task_id = pg_get_int(r, i, 8);
	t->plan = pg_get_int(r, i, 9);
	snprintf(t->step_id, sizeof t->step_id, "%s", PQgetvalue(r, i, 10));
	t->appointment_id = pg_get_int(r, i, 11);
	return 0;
}

int
pg_timers_due(store *s, int64_t now, store_timer *out, int max)
{
	static const char *const sql =
		"SELECT " TIMER_COLUMNS " FROM timers t WHERE t.state = 'pending'"
		" AND t.due_at <= $1 ORDER BY t.due_at, t.id LIMIT $2 FOR UPDATE SKIP LOCKED";
	pg_params pp = { 0 };
	PGresult *r;
	int n = 0;

	pg_int(&pp, now);
	pg_int(&pp, max);
	if ((r = pg_run(pg_of(s), sql, &pp)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && n < max; i++)
		if (read_timer(r, i, &out[n]) == 0)
			n++;	/* else leave it alone */
	PQclear(r);
	return n;
}

/* A loose index scan of timers_pending_by_business (store_due.h). */
int
pg_timers_due_businesses(store *s, int64_t now, int64_t *ids, int max)
{
	return pg_due_businesses(pg_of(s), STORE_TIMERS_DUE_BUSINESSES_SQL("$1", "$2"), now,
				 ids, max);
}

int
pg_timers_due_for(store *s, int64_t business_id, int64_t now, store_timer *out, int max)
{
	static const char *const sql =
		"SELECT " TIMER_COLUMNS " FROM timers t WHERE t.business_id = $3"
		" AND t.state = 'pending' AND t.due_at <= $1 ORDER BY t.due_at, t.id LIMIT $2"
		" FOR UPDATE SKIP LOCKED";
	pg_params pp = { 0 };
	PGresult *r;
	int n = 0;

	pg_int(&pp, now);
	pg_int(&pp, max);
	pg_int(&pp, business_id);
	if ((r = pg_run(pg_of(s), sql, &pp)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && n < max; i++)
		if (read_timer(r, i, &out[n]) == 0)
			n++;	/* else leave it alone */
	PQclear(r);
	return n;
}

int
pg_lead_pending_step(store *s, int64_t lead_id, store_timer *out)
{
	static const char *const sql =
		"SELECT " TIMER_COLUMNS " FROM timers t JOIN leads l ON l.id = t.lead_id"
		" WHERE t.lead_id = $1 AND t.state = 'pending' AND t.kind = 'step'"
		" AND t.plan = l.plan ORDER BY t.due_at, t.id LIMIT 1";
	pg_params pp = { 0 };
	PGresult *r;
	int found;

	pg_int(&pp, lead_id);
	if ((r = pg_run(pg_of(s), sql, &pp)) == NULL)
		return -1;
	found = PQntuples(r) == 1 && read_timer(r, 0, out) == 0;
	PQclear(r);
	return found;
}

int
pg_timer_move(store *s, int64_t timer_id, timer_state from, timer_state to, int64_t now)
{
	static const char *const sql =
		"UPDATE timers SET state = $1,"
		" fired_at = CASE WHEN $1 = 'fired' THEN $2::bigint ELSE fired_at END"
		" WHERE id = $3 AND state = $4";
	pg_params pp = { 0 };

	if (!timer_state_allowed(from, to))
		store_illegal_edge("timer", timer_id, timer_state_name(from), timer_state_name(to));
	pg_text(&pp, timer_state_name(to));
	pg_int(&pp, now);
	pg_int(&pp, timer_id);
	pg_text(&pp, timer_state_name(from));
	/* 0: not in `from` (fired or cancelled elsewhere) */
	return pg_changed(pg_of(s), sql, &pp);
}

int
pg_timer_claim(store *s, int64_t timer_id, int64_t now)
{
	return pg_timer_move(s, timer_id, TIMER_PENDING, TIMER_FIRED, now);
}

int64_t
pg_timer_next_due(store *s)
{
	PGresult *r = pg_run(pg_of(s), "SELECT min(due_at) FROM timers WHERE state = 'pending'",
			     NULL);
	int64_t due;

	if (r == NULL)
		return -1;
	due = pg_get_int(r, 0, 0);	/* NULL, none pending: 0 */
	PQclear(r);
	return due;
}

int
pg_timer_set_error(store *s, int64_t timer_id)
{
	return pg_timer_move(s, timer_id, TIMER_PENDING, TIMER_ERROR, 0) < 0 ? -1 : 0;
}

/*
 * store_pg_apply.c - the PostgreSQL engine applying a decision's actions to
 * the tables, inside the caller's transaction: store_apply.c's statements
 * in PostgreSQL's words. What is not SQL - which task or appointment a
 * timer is about, folding a new lead's row, the legal edges - is shared
 * (store_common.h, core/states.h). Knows no policy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/appointment.h"
#include "core/states.h"
#include "store_common.h"
#include "store_pg.h"

/* Runs an INSERT ... RETURNING id: the id, or -1. */
static int64_t
insert_id(pg_store *p, const char *sql, const pg_params *pp)
{
	PGresult *r = pg_run(p, sql, pp);
	int64_t id;

	if (r == NULL)
		return -1;
	id = PQntuples(r) == 1 ? pg_get_int(r, 0, 0) : -1;
	PQclear(r);
	return id;
}

/* An integer parameter, or NULL when v <= 0. */
static void
pg_id_or_null(pg_params *pp, int64_t v)
{
	if (v > 0)
		pg_int(pp, v);
	else
		pg_text(pp, NULL);
}

/* One column of one text value and updated_at, of lead_id (sql: $1 value,
 * $2 now, $3 id). */
static int
set_text(pg_store *p, int64_t lead_id, const char *sql, const char *v, int64_t now)
{
	pg_params pp = { 0 };

	pg_text(&pp, v);
	pg_int(&pp, now);
	pg_int(&pp, lead_id);
	return pg_run_done(p, sql, &pp);
}

/* An UPDATE of (value, now, lead_id). */
static int
set_int(pg_store *p, int64_t lead_id, const char *sql, int64_t v, int64_t now)
{
	pg_params pp = { 0 };

	pg_int(&pp, v);
	pg_int(&pp, now);
	pg_int(&pp, lead_id);
	return pg_run_done(p, sql, &pp);
}

static int64_t
insert_task(pg_store *p, int64_t bid, int64_t lead_id, const action *a, int64_t now)
{
	pg_params pp = { 0 };

	pg_int(&pp, bid);
	pg_int(&pp, lead_id);
	pg_text(&pp, a->verb);
	pg_text(&pp, a->text);
	pg_text(&pp, a->person);
	pg_int(&pp, a->at);
	pg_int(&pp, now);
	return insert_id(p, "INSERT INTO tasks (business_id, lead_id, verb, title, assignee,"
			 " due_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
			 &pp);
}

/* plan: the lead's plan the timer belongs to, or -1 for the row's current one. */
static int64_t
insert_timer(pg_store *p, int64_t bid, int64_t lead_id, const action *a, int64_t task_id,
	     int64_t plan, int64_t appointment_id, int64_t now)
{
	static const char *const sql =
		"INSERT INTO timers (business_id, lead_id, due_at, kind, sequence, step, level,"
		" task_id, plan, created_at, step_id, appointment_id)"
		" SELECT $1, $2, $3, $4, $5, $6, $7, $8::bigint,"
		" CASE WHEN $10::bigint >= 0 THEN $10::bigint ELSE plan END, $9, $11, $12::bigint"
		" FROM leads WHERE id = $2 RETURNING id";
	pg_params pp = { 0 };

	pg_int(&pp, bid);
	pg_int(&pp, lead_id);
	pg_int(&pp, a->at);
	pg_text(&pp, store_timer_kind_name(a->timer));
	pg_text(&pp, a->name);
	pg_int(&pp, a->step);
	pg_int(&pp, a->level);
	pg_id_or_null(&pp, task_id);
	pg_int(&pp, now);
	pg_int(&pp, plan);
	pg_text(&pp, a->step_id);
	pg_id_or_null(&pp, appointment_id);
	return insert_id(p, sql, &pp);
}

/* ACT_APPOINTMENT: a new appointment (its id into *row), or a change of one
 * along a legal edge of its states. */
static int
apply_appointment(pg_store *p, int64_t bid, int64_t lead_id, const action *a, int64_t now,
		  int64_t *row)
{
	const lead_appointment *ap = &a->appt;
	pg_params pp = { 0 };
	appt_state from, to;
	char cur[32] = "";

	if (appt_state_parse(ap->state, &to) < 0)
		store_illegal_edge("appointment", ap->id, "(new)", ap->state);
	if (ap->id != 0) {
		PGresult *r;

		pg_int(&pp, ap->id);
		pg_int(&pp, lead_id);
		if ((r = pg_run(p, "SELECT state FROM appointments WHERE id = $1 AND lead_id = $2",
				&pp)) == NULL)
			return -1;
		if (PQntuples(r) == 1)
			snprintf(cur, sizeof cur, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		if (appt_state_parse(cur, &from) < 0 || (from != to && !appt_state_allowed(from, to)))
			store_illegal_edge("appointment", ap->id, cur[0] ? cur : "(none)", ap->state);
	} else {
		if (to != APPT_BOOKED)
			store_illegal_edge("appointment", 0, "(new)", ap->state);
		pg_int(&pp, bid);
		pg_int(&pp, lead_id);
	}
	pg_text(&pp, ap->kind);
	pg_int(&pp, ap->starts_at);
	pg_int(&pp, ap->ends_at);
	pg_text(&pp, ap->place);
	pg_text(&pp, ap->person);
	pg_text(&pp, appt_state_name(to));
	pg_int(&pp, ap->paused);
	pg_int(&pp, now);
	if (ap->id != 0) {
		*row = ap->id;
		return pg_run_done(p, "UPDATE appointments SET kind = $3, starts_at = $4,"
				   " ends_at = $5, place = $6, person = $7, state = $8, paused = $9,"
				   " updated_at = $10 WHERE id = $1 AND lead_id = $2", &pp);
	}
	*row = insert_id(p, "INSERT INTO appointments (business_id, lead_id, kind, starts_at,"
			 " ends_at, place, person, state, paused, created_at, updated_at)"
			 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id", &pp);
	return *row < 0 ? -1 : 0;
}

static int64_t
insert_outbox(pg_store *p, int64_t bid, int64_t lead_id, const action *a, int64_t now)
{
	pg_params pp = { 0 };

	pg_int(&pp, bid);
	pg_int(&pp, lead_id);
	pg_text(&pp, a->person);
	pg_text(&pp, a->channel);
	pg_text(&pp, a->to ? a->to : "");
	pg_text(&pp, a->subject);
	pg_text(&pp, a->text ? a->text : "");
	pg_text(&pp, store_purpose_name(a->purpose));
	pg_int(&pp, a->at);
	pg_int(&pp, now);
	return insert_id(p, "INSERT INTO outbox (business_id, lead_id, person, channel,"
			 " recipient, subject, body, purpose, send_at, created_at, updated_at)"
			 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id", &pp);
}

/* ACT_SET_STATUS: the lead's status moves along a legal edge only. */
static int
set_status(pg_store *p, int64_t lead_id, const action *a, int64_t now)
{
	pg_params pq = { 0 }, pp = { 0 };
	lead_status from, to;
	char cur[32] = "";
	PGresult *r;

	pg_int(&pq, lead_id);
	if ((r = pg_run(p, "SELECT status FROM leads WHERE id = $1", &pq)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return -1;
	}
	snprintf(cur, sizeof cur, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (lead_status_parse(cur, &from) < 0 || lead_status_parse(a->name, &to) < 0 ||
	    !lead_status_allowed(from, to))
		store_illegal_edge("lead", lead_id, cur, a->name);
	pg_text(&pp, lead_status_name(to));
	pg_text(&pp, a->reason);
	pg_int(&pp, a->at);
	pg_int(&pp, now);
	pg_int(&pp, lead_id);
	return pg_run_done(p, "UPDATE leads SET status = $1, lost_reason = $2,"
			   " reactivate_at = $3, updated_at = $4 WHERE id = $5", &pp);
}

/* A task the decision expected open is not (or is not this lead's): the
 * decision was made from a state the store does not hold. Does not return. */
static int
task_not_open(pg_store *p, int64_t lead_id, int64_t task_id, const char *to)
{
	pg_params pp = { 0 };
	char cur[48];
	PGresult *r;

	pg_int(&pp, task_id);
	pg_int(&pp, lead_id);
	if ((r = pg_run(p, "SELECT state FROM tasks WHERE id = $1 AND lead_id = $2", &pp)) == NULL)
		return -1;
	if (PQntuples(r) == 1)
		snprintf(cur, sizeof cur, "%s", PQgetvalue(r, 0, 0));
	else
		snprintf(cur, sizeof cur, "not of lead %lld", (long long)lead_id);
	PQclear(r);
	store_illegal_edge("task", task_id, cur, to);
}

/* An UPDATE of an open task of lead_id ($1 value, $2 task, $3 lead, $4
 * 'open'); one that finds it not open is a bug (task_not_open). */
static int
open_task_update(pg_store *p, int64_t lead_id, const char *sql, pg_params *pp,
		 int64_t task_id, const char *to)
{
	int rc;

	pg_int(pp, task_id);
	pg_int(pp, lead_id);
	pg_text(pp, task_state_name(TASK_OPEN));
	if ((rc = pg_changed(p, sql, pp)) < 0)
		return -1;
	return rc == 1 ? 0 : task_not_open(p, lead_id, task_id, to);
}

/* ACT_TASK_CLOSE: open -> done | cancelled | reassigned. */
static int
close_task(pg_store *p, int64_t lead_id, const action *a, int64_t now)
{
	pg_params pp = { 0 };
	task_state to;

	if (task_state_parse(a->name, &to) < 0 || !task_state_allowed(TASK_OPEN, to))
		store_illegal_edge("task", a->task_id, task_state_name(TASK_OPEN), a->name);
	pg_text(&pp, task_state_name(to));
	pg_text(&pp, a->text);
	pg_int(&pp, now);
	return open_task_update(p, lead_id, "UPDATE tasks SET state = $1, outcome = $2,"
				" closed_at = $3 WHERE id = $4 AND lead_id = $5 AND state = $6", &pp,
				a->task_id, a->name);
}

static int
set_contact(pg_store *p, int64_t lead_id, const action *a, int64_t now)
{
	static const char *const sql =
		"UPDATE leads SET name = coalesce($1, name), phone = coalesce($2, phone),"
		" email = coalesce($3, email), service = coalesce($4, service),"
		" message = coalesce($5, message), neighbourhood = coalesce($6, neighbourhood),"
		" flags = $7, updated_at = $8 WHERE id = $9";
	pg_params pp = { 0 };

	pg_text(&pp, a->fields.name);
	pg_text(&pp, a->fields.phone);
	pg_text(&pp, a->fields.email);
	pg_text(&pp, a->fields.service);
	pg_text(&pp, a->fields.message);
	pg_text(&pp, a->fields.neighbourhood);
	pg_int(&pp, (int)a->flags);
	pg_int(&pp, now);
	pg_int(&pp, lead_id);
	return pg_run_done(p, sql, &pp);
}

/* Cancels the lead's pending timers of kind: only task task_id's (> 0), or
 * only appointment appointment_id's (> 0), else all. */
static int
timers_cancel(pg_store *p, int64_t lead_id, timer_kind kind, int64_t task_id,
	      int64_t appointment_id)
{
	pg_params pp = { 0 };

	if (!timer_state_allowed(TIMER_PENDING, TIMER_CANCELLED))
		store_illegal_edge("timer", 0, timer_state_name(TIMER_PENDING),
				   timer_state_name(TIMER_CANCELLED));
	pg_int(&pp, lead_id);
	pg_text(&pp, store_timer_kind_name(kind));
	pg_text(&pp, timer_state_name(TIMER_CANCELLED));
	pg_text(&pp, timer_state_name(TIMER_PENDING));
	if (task_id > 0 || appointment_id > 0)
		pg_int(&pp, task_id > 0 ? task_id : appointment_id);
	return pg_run_done(p, task_id > 0 ?
			   "UPDATE timers SET state = $3 WHERE lead_id = $1 AND kind = $2"
			   " AND state = $4 AND task_id = $5" : appointment_id > 0 ?
			   "UPDATE timers SET state = $3 WHERE lead_id = $1 AND kind = $2"
			   " AND state = $4 AND appointment_id = $5" :
			   "UPDATE timers SET state = $3 WHERE lead_id = $1 AND kind = $2"
			   " AND state = $4", &pp);
}

static int
apply_one(pg_store *p, int64_t bid, int64_t lead_id, const action *a, const char *actor,
	  int64_t now, store_applying *ap, int64_t *row)
{
	pg_params pp = { 0 };

	*row = 0;
	switch (a->kind) {
	case ACT_SET_OWNER:
		return set_text(p, lead_id, "UPDATE leads SET owner = $1, updated_at = $2"
				" WHERE id = $3", a->person, now);
	case ACT_SET_STAGE:
		return set_text(p, lead_id, "UPDATE leads SET stage = $1, updated_at = $2"
				" WHERE id = $3", a->name, now);
	case ACT_SET_STATUS:
		return set_status(p, lead_id, a, now);
	case ACT_SET_SEQUENCE:
		pg_text(&pp, a->name);
		pg_int(&pp, a->at);
		pg_int(&pp, lead_id);
		pg_text(&pp, a->text);
		return pg_run_done(p, "UPDATE leads SET sequence = $1, sequence_started_at = $2,"
				   " plan = plan + 1, updated_at = $2, rules_version = $4,"
				   " plan_skip = NULL WHERE id = $3", &pp);
	case ACT_SET_PLAN:
		pg_text(&pp, a->text);
		pg_text(&pp, a->name);
		pg_int(&pp, now);
		pg_int(&pp, lead_id);
		return pg_run_done(p, "UPDATE leads SET rules_version = $1, plan_skip = $2,"
				   " updated_at = $3 WHERE id = $4", &pp);
	case ACT_SET_QUOTE:
		return set_int(p, lead_id, "UPDATE leads SET quote_cents = $1, updated_at = $2"
			       " WHERE id = $3", a->amount_cents, now);
	case ACT_SET_OPT_OUT:
		return set_int(p, lead_id, strcmp(a->channel, "sms") == 0 ?
			       "UPDATE leads SET sms_opt_out = $1, updated_at = $2 WHERE id = $3" :
			       "UPDATE leads SET email_opt_out = $1, updated_at = $2 WHERE id = $3",
			       a->flag, now);
	case ACT_SET_FLAGS:
		return set_int(p, lead_id, "UPDATE leads SET flags = flags | $1, updated_at = $2"
			       " WHERE id = $3", (int64_t)a->flags, now);
	case ACT_MARK:
		pg_int(&pp, a->at);
		pg_int(&pp, lead_id);
		return pg_run_done(p, strcmp(a->name, "inbound") == 0 ?
				   "UPDATE leads SET last_inbound_at = $1, updated_at = $1"
				   " WHERE id = $2" : strcmp(a->name, "touch") == 0 ?
				   "UPDATE leads SET last_touch_at = $1, updated_at = $1"
				   " WHERE id = $2" :
				   "UPDATE leads SET last_task_done_at = $1, updated_at = $1"
				   " WHERE id = $2", &pp);
	case ACT_EVENT:
		pg_int(&pp, bid);
		pg_int(&pp, lead_id);
		pg_int(&pp, a->at ? a->at : now);
		pg_text(&pp, a->name);
		pg_text(&pp, actor);
		pg_text(&pp, a->text);
		*row = insert_id(p, "INSERT INTO events (business_id, lead_id, at, type, actor,"
				 " text) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", &pp);
		return *row < 0 ? -1 : 0;
	case ACT_TASK_CREATE:
		if ((*row = insert_task(p, bid, lead_id, a, now)) < 0)
			return -1;
		store_applying_task_made(ap, *row);
		return 0;
	case ACT_TASK_CLOSE:
		return close_task(p, lead_id, a, now);
	case ACT_TIMER_SET:
		return (*row = insert_timer(p, bid, lead_id, a, store_applying_task(ap, a), ap->plan,
					    store_applying_appointment(ap, a), now)) < 0 ? -1 : 0;
	case ACT_TIMERS_CANCEL:
		return timers_cancel(p, lead_id, a->timer, a->task_id, a->appointment_id);
	case ACT_APPOINTMENT:
		if (apply_appointment(p, bid, lead_id, a, now, row) < 0)
			return -1;
		if (a->appt.id == 0)
			ap->appointment_id = *row;
		return 0;
	case ACT_OUTBOX:
		return (*row = insert_outbox(p, bid, lead_id, a, now)) < 0 ? -1 : 0;
	case ACT_TASK_DUE:
		pg_int(&pp, a->at);
		return open_task_update(p, lead_id, "UPDATE tasks SET due_at = $1 WHERE id = $2"
					" AND lead_id = $3 AND state = $4", &pp, a->task_id,
					task_state_name(TASK_OPEN));
	case ACT_SET_CONTACT:
		return set_contact(p, lead_id, a, now);
	case ACT_SET_TIMEZONE:
		return set_text(p, lead_id, "UPDATE leads SET timezone = $1, updated_at = $2"
				" WHERE id = $3", a->name, now);
	case ACT_SET_PAUSED:
		pg_int(&pp, a->at);
		pg_text(&pp, a->step_id);
		pg_int(&pp, now);
		pg_int(&pp, lead_id);
		return pg_run_done(p, "UPDATE leads SET paused_at = $1, paused_step = $2,"
				   " updated_at = $3 WHERE id = $4", &pp);
	case ACT_TASK_RETITLE:
		pg_text(&pp, a->text);
		return open_task_update(p, lead_id, "UPDATE tasks SET title = $1 WHERE id = $2"
					" AND lead_id = $3 AND state = $4", &pp, a->task_id,
					task_state_name(TASK_OPEN));
	case ACT_RR_ADVANCE:
		pg_int(&pp, bid);
		pg_text(&pp, a->name);
		return pg_run_done(p, "INSERT INTO rr_counters (business_id, pool, value)"
				   " VALUES ($1, $2, 1) ON CONFLICT (business_id, pool)"
				   " DO UPDATE SET value = rr_counters.value + 1", &pp);
	}
	return -1;
}

/* The test seam's refusal (store.h: LEADKEEP_FAULT_APPLY), or 0. */
static int
injected_fault(pg_store *p, char *err, size_t errlen)
{
	if (p->fail_applies <= 0)
		return 0;
	p->fail_applies--;
	p->sqlstate[0] = '\0';
	snprintf(p->err, sizeof p->err, "injected fault (LEADKEEP_FAULT_APPLY)");
	return pg_fail(p, err, errlen, "applying a decision");
}

int
pg_apply(store *s, int64_t business_id, int64_t lead_id, const decision *d,
	 const char *actor, int64_t now, int64_t *first_task, char *err, size_t errlen)
{
	pg_store *p = pg_of(s);
	store_applying ap = { .plan = -1 };

	if (first_task != NULL)
		*first_task = 0;
	if (injected_fault(p, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < decision_count(d); i++) {
		const action *a = decision_get(d, i);
		int64_t row;

		if (apply_one(p, business_id, lead_id, a, actor, now, &ap, &row) < 0)
			return pg_fail(p, err, errlen, "applying a decision");
		if (p->observer != NULL)
			p->observer(p->observer_ctx, lead_id, a, row, now);
	}
	if (first_task != NULL)
		*first_task = ap.first_task;
	return 0;
}

static int
insert_lead(pg_store *p, const store_lead_state *ls, const store_new_row *r, int64_t now)
{
	static const char *const sql =
		"INSERT INTO leads (id, business_id, name, phone, email, source, kind, service,"
		" message, neighbourhood, external_id, flags, stage, status, owner, sequence,"
		" sequence_started_at, plan, created_at, updated_at, last_inbound_at,"
		" last_touch_at, last_task_done_at, sms_opt_out, email_opt_out, quote_cents,"
		" lost_reason, reactivate_at, custom, rules_version, plan_skip, timezone) VALUES ($1,"
		" $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,"
		" $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31)";
	const lead *l = &r->l;
	pg_params pp = { 0 };

	pg_int(&pp, l->id);
	pg_int(&pp, ls->business_id);
	pg_text(&pp, l->name);
	pg_text(&pp, l->phone);
	pg_text(&pp, l->email);
	pg_text(&pp, l->source);
	pg_text(&pp, l->kind);
	pg_text(&pp, l->service);
	pg_text(&pp, l->message);
	pg_text(&pp, l->neighbourhood);
	pg_text(&pp, ls->external_id);
	pg_int(&pp, (int)l->flags);
	pg_text(&pp, l->stage);
	pg_text(&pp, l->status);
	pg_text(&pp, l->owner);
	pg_text(&pp, l->sequence);
	pg_int(&pp, l->sequence_started_at);
	pg_int(&pp, l->plan);
	pg_int(&pp, now);
	pg_int(&pp, l->last_inbound_at);
	pg_int(&pp, l->last_touch_at);
	pg_int(&pp, l->last_task_done_at);
	pg_int(&pp, l->sms_opt_out);
	pg_int(&pp, l->email_opt_out);
	if (l->quote_cents >= 0)
		pg_int(&pp, l->quote_cents);
	else
		pg_text(&pp, NULL);
	pg_text(&pp, l->lost_reason);
	pg_int(&pp, r->reactivate_at);
	pg_text(&pp, ls->custom_json);
	pg_text(&pp, l->rules_version);
	pg_text(&pp, l->plan_skip);
	pg_text(&pp, l->timezone);
	return pg_run_done(p, sql, &pp);
}

int
pg_lead_create(store *s, store_lead_state *ls, const decision *d, const char *actor,
	       int64_t now, int64_t *first_task, char *err, size_t errlen)
{
	pg_store *p = pg_of(s);
	store_new_row r = { .l = ls->st.lead };	/* strings: the state's and the decision's */
	store_applying ap = { .plan = r.l.plan };
	size_t n = decision_count(d);

	if (first_task != NULL)
		*first_task = 0;
	if (injected_fault(p, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (store_action_row_only(decision_get(d, i)))
			store_new_row_fold(&r, decision_get(d, i));
	if (insert_lead(p, ls, &r, now) < 0)
		return pg_fail(p, err, errlen, "storing the lead");
	/* The rest in order; timers get the plan as it stood at their place. */
	for (size_t i = 0; i < n; i++) {
		const action *a = decision_get(d, i);
		int64_t row = 0;

		if (a->kind == ACT_SET_SEQUENCE)
			ap.plan++;
		if (!store_action_row_only(a) &&
		    apply_one(p, ls->business_id, r.l.id, a, actor, now, &ap, &row) < 0)
			return pg_fail(p, err, errlen, "applying a decision");
		if (p->observer != NULL)
			p->observer(p->observer_ctx, r.l.id, a, row, now);
	}
	if (first_task != NULL)
		*first_task = ap.first_task;
	return 0;
}

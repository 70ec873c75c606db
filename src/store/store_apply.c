/*
 * store_apply.c - applying a decision's actions to the tables, inside the
 * caller's transaction. Knows no policy: what to write was decided already.
 *
 * Actions apply in order. Timers are stamped with the lead's plan as it stands
 * when they are applied, which is the plan decide() meant (it bumps its own
 * copy the same way at every ACT_SET_SEQUENCE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/appointment.h"
#include "core/states.h"
#include "store_internal.h"

const char *
store_timer_kind_name(timer_kind k)
{
	switch (k) {
	case TIMER_STEP:	return "step";
	case TIMER_ESCALATE:	return "escalate";
	case TIMER_REACTIVATE:	return "reactivate";
	case TIMER_NURTURE:	return "nurture";
	case TIMER_UNANSWERED:	return "unanswered";
	case TIMER_APPT_REMIND:	return "appt_remind";
	case TIMER_APPT_CHECK:	return "appt_check";
	}
	return "step";
}

int
store_timer_kind_parse(const char *name, timer_kind *out)
{
	static const timer_kind kinds[] = { TIMER_STEP, TIMER_ESCALATE, TIMER_REACTIVATE,
					    TIMER_NURTURE, TIMER_UNANSWERED, TIMER_APPT_REMIND,
					    TIMER_APPT_CHECK };

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (name && strcmp(name, store_timer_kind_name(kinds[i])) == 0) {
			*out = kinds[i];
			return 0;
		}
	}
	return -1;
}

const char *
store_purpose_name(outbox_purpose p)
{
	switch (p) {
	case PURPOSE_ACK:	 return "ack";
	case PURPOSE_FOLLOWUP:	 return "followup";
	case PURPOSE_NOTIFY:	 return "notify";
	case PURPOSE_COMPLIANCE: return "compliance";
	}
	return "followup";
}

static int
set_text(store *s, int64_t lead_id, const char *sql, const char *v, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, v);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, lead_id);
	return store_step_done(st);
}

static int64_t
insert_task(store *s, int64_t bid, int64_t lead_id, const action *a, int64_t now)
{
	static const char *const sql =
		"INSERT INTO tasks (business_id, lead_id, verb, title, assignee, due_at, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, bid);
	sqlite3_bind_int64(st, 2, lead_id);
	store_bind_text(st, 3, a->verb);
	store_bind_text(st, 4, a->text);
	store_bind_text(st, 5, a->person);
	sqlite3_bind_int64(st, 6, a->at);
	sqlite3_bind_int64(st, 7, now);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

/* plan: the lead's plan the timer belongs to, or -1 for the row's current one.
 * appointment_id: the appointment it is about, 0 none. */
static int64_t
insert_timer(store *s, int64_t bid, int64_t lead_id, const action *a, int64_t task_id,
	     int64_t plan, int64_t appointment_id, int64_t now)
{
	static const char *const sql =
		"INSERT INTO timers (business_id, lead_id, due_at, kind, sequence, step, level,"
		" task_id, plan, created_at, step_id, appointment_id)"
		" SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, iif(?10 >= 0, ?10, plan), ?9, ?11, ?12"
		" FROM leads WHERE id = ?2";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, bid);
	sqlite3_bind_int64(st, 2, lead_id);
	sqlite3_bind_int64(st, 3, a->at);
	store_bind_text(st, 4, store_timer_kind_name(a->timer));
	store_bind_text(st, 5, a->name);
	sqlite3_bind_int(st, 6, a->step);
	sqlite3_bind_int(st, 7, a->level);
	if (task_id > 0)
		sqlite3_bind_int64(st, 8, task_id);
	else
		sqlite3_bind_null(st, 8);
	sqlite3_bind_int64(st, 9, now);
	sqlite3_bind_int64(st, 10, plan);
	store_bind_text(st, 11, a->step_id);
	if (appointment_id > 0)
		sqlite3_bind_int64(st, 12, appointment_id);
	else
		sqlite3_bind_null(st, 12);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

/* ACT_APPOINTMENT: a new appointment (its id into *row), or a change of one
 * along a legal edge of its states (appointment.h); staying in its state
 * (a pause, say) is no edge. */
static int
apply_appointment(store *s, int64_t bid, int64_t lead_id, const action *a, int64_t now,
		  int64_t *row)
{
	const lead_appointment *p = &a->appt;
	sqlite3_stmt *st;
	appt_state from, to;
	char cur[32] = "";
	int rc;

	if (appt_state_parse(p->state, &to) < 0)
		store_illegal_edge("appointment", p->id, "(new)", p->state);
	if (p->id == 0) {
		if (to != APPT_BOOKED)
			store_illegal_edge("appointment", 0, "(new)", p->state);
		if ((st = store_stmt(s, "INSERT INTO appointments (business_id, lead_id, kind,"
				     " starts_at, ends_at, place, person, state, paused, created_at,"
				     " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
				     " ?10)")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, bid);
		sqlite3_bind_int64(st, 2, lead_id);
	} else {
		if ((st = store_stmt(s, "SELECT state FROM appointments WHERE id = ?1"
				     " AND lead_id = ?2")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, p->id);
		sqlite3_bind_int64(st, 2, lead_id);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			snprintf(cur, sizeof cur, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return -1;
		if (appt_state_parse(cur, &from) < 0 || (from != to && !appt_state_allowed(from, to)))
			store_illegal_edge("appointment", p->id, cur[0] ? cur : "(none)", p->state);
		if ((st = store_stmt(s, "UPDATE appointments SET kind = ?3, starts_at = ?4,"
				     " ends_at = ?5, place = ?6, person = ?7, state = ?8, paused = ?9,"
				     " updated_at = ?10 WHERE id = ?1 AND lead_id = ?2")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, p->id);
		sqlite3_bind_int64(st, 2, lead_id);
	}
	store_bind_text(st, 3, p->kind);
	sqlite3_bind_int64(st, 4, p->starts_at);
	sqlite3_bind_int64(st, 5, p->ends_at);
	store_bind_text(st, 6, p->place);
	store_bind_text(st, 7, p->person);
	store_bind_text(st, 8, appt_state_name(to));
	sqlite3_bind_int(st, 9, p->paused);
	sqlite3_bind_int64(st, 10, now);
	if (store_step_done(st) < 0)
		return -1;
	*row = p->id ? p->id : sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int64_t
insert_outbox(store *s, int64_t bid, int64_t lead_id, const action *a, int64_t now)
{
	static const char *const sql =
		"INSERT INTO outbox (business_id, lead_id, person, channel, recipient, subject,"
		" body, purpose, send_at, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, bid);
	sqlite3_bind_int64(st, 2, lead_id);
	store_bind_text(st, 3, a->person);
	store_bind_text(st, 4, a->channel);
	store_bind_text(st, 5, a->to ? a->to : "");
	store_bind_text(st, 6, a->subject);
	store_bind_text(st, 7, a->text ? a->text : "");
	store_bind_text(st, 8, store_purpose_name(a->purpose));
	sqlite3_bind_int64(st, 9, a->at);
	sqlite3_bind_int64(st, 10, now);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

void
store_applying_task_made(store_applying *ap, int64_t task_id)
{
	if (ap->ntasks < sizeof ap->task_ids / sizeof ap->task_ids[0])
		ap->task_ids[ap->ntasks] = task_id;
	ap->ntasks++;
	if (ap->first_task == 0)
		ap->first_task = task_id;
}

int64_t
store_applying_task(const store_applying *ap, const action *a)
{
	if (a->task_ref >= 0 && (size_t)a->task_ref < ap->ntasks &&
	    (size_t)a->task_ref < sizeof ap->task_ids / sizeof ap->task_ids[0])
		return ap->task_ids[a->task_ref];
	return a->task_id;
}

int64_t
store_applying_appointment(const store_applying *ap, const action *a)
{
	if (a->timer != TIMER_APPT_REMIND && a->timer != TIMER_APPT_CHECK)
		return 0;
	return a->appointment_id > 0 ? a->appointment_id : ap->appointment_id;
}

/* --- state transitions: every one checked against src/core/states.c ------- */

void
store_illegal_edge(const char *what, int64_t id, const char *from, const char *to)
{
	/* The engine planned a change its own tables forbid, or a row is not in
	 * the state the decision was made from: applying it would corrupt the
	 * lead's history. Stop loudly, as the outbox does. */
	fprintf(stderr, "leadkeep: bug: %s %lld: illegal transition %s -> %s\n", what,
		(long long)id, from ? from : "(none)", to ? to : "(none)");
	abort();
}

/* ACT_SET_STATUS: the lead's status moves along a legal edge only. */
static int
set_status(store *s, int64_t lead_id, const action *a, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT status FROM leads WHERE id = ?1");
	char cur[32] = "";
	lead_status from, to;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, lead_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(cur, sizeof cur, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	if (lead_status_parse(cur, &from) < 0 || lead_status_parse(a->name, &to) < 0 ||
	    !lead_status_allowed(from, to))
		store_illegal_edge("lead", lead_id, cur, a->name);
	if ((st = store_stmt(s, "UPDATE leads SET status = ?1, lost_reason = ?2,"
			     " reactivate_at = ?3, updated_at = ?4 WHERE id = ?5")) == NULL)
		return -1;
	store_bind_text(st, 1, lead_status_name(to));
	store_bind_text(st, 2, a->reason);
	sqlite3_bind_int64(st, 3, a->at);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, lead_id);
	return store_step_done(st);
}

/* A task the decision expected open is not (or is not this lead's): the
 * decision was made from a state the store does not hold. Does not return. */
static int
task_not_open(store *s, int64_t lead_id, int64_t task_id, const char *to)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT state FROM tasks WHERE id = ?1 AND lead_id = ?2");
	char cur[32] = "";

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, task_id);
	sqlite3_bind_int64(st, 2, lead_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(cur, sizeof cur, "%s", (const char *)sqlite3_column_text(st, 0));
	else
		snprintf(cur, sizeof cur, "not of lead %lld", (long long)lead_id);
	sqlite3_reset(st);
	store_illegal_edge("task", task_id, cur, to);
	return -1;
}

/* ACT_TASK_CLOSE: open -> done | cancelled | reassigned. */
static int
close_task(store *s, int64_t lead_id, const action *a, int64_t now)
{
	sqlite3_stmt *st;
	task_state to;

	if (task_state_parse(a->name, &to) < 0 || !task_state_allowed(TASK_OPEN, to))
		store_illegal_edge("task", a->task_id, task_state_name(TASK_OPEN), a->name);
	if ((st = store_stmt(s, "UPDATE tasks SET state = ?1, outcome = ?2, closed_at = ?3"
			     " WHERE id = ?4 AND lead_id = ?5 AND state = ?6")) == NULL)
		return -1;
	store_bind_text(st, 1, task_state_name(to));
	store_bind_text(st, 2, a->text);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, a->task_id);
	sqlite3_bind_int64(st, 5, lead_id);
	store_bind_text(st, 6, task_state_name(TASK_OPEN));
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db) == 1 ? 0 : task_not_open(s, lead_id, a->task_id, a->name);
}

/* ACT_TASK_DUE: only an open task's due time moves. */
static int
move_due(store *s, int64_t lead_id, const action *a)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE tasks SET due_at = ?1 WHERE id = ?2"
				      " AND lead_id = ?3 AND state = ?4");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a->at);
	sqlite3_bind_int64(st, 2, a->task_id);
	sqlite3_bind_int64(st, 3, lead_id);
	store_bind_text(st, 4, task_state_name(TASK_OPEN));
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db) == 1 ? 0 :
	       task_not_open(s, lead_id, a->task_id, task_state_name(TASK_OPEN));
}

/* ACT_TASK_RETITLE: only an open task's title changes. */
static int
retitle(store *s, int64_t lead_id, const action *a)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE tasks SET title = ?1 WHERE id = ?2"
				      " AND lead_id = ?3 AND state = ?4");

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, a->text);
	sqlite3_bind_int64(st, 2, a->task_id);
	sqlite3_bind_int64(st, 3, lead_id);
	store_bind_text(st, 4, task_state_name(TASK_OPEN));
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db) == 1 ? 0 :
	       task_not_open(s, lead_id, a->task_id, task_state_name(TASK_OPEN));
}

static int
set_contact(store *s, int64_t lead_id, const action *a, int64_t now)
{
	static const char *const sql =
		"UPDATE leads SET name = coalesce(?1, name), phone = coalesce(?2, phone),"
		" email = coalesce(?3, email), service = coalesce(?4, service),"
		" message = coalesce(?5, message), neighbourhood = coalesce(?6, neighbourhood),"
		" flags = ?7, updated_at = ?8 WHERE id = ?9";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, a->fields.name);
	store_bind_text(st, 2, a->fields.phone);
	store_bind_text(st, 3, a->fields.email);
	store_bind_text(st, 4, a->fields.service);
	store_bind_text(st, 5, a->fields.message);
	store_bind_text(st, 6, a->fields.neighbourhood);
	sqlite3_bind_int(st, 7, (int)a->flags);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int64(st, 9, lead_id);
	return store_step_done(st);
}

static int
apply_one(store *s, int64_t bid, int64_t lead_id, const action *a, const char *actor,
	  int64_t now, store_applying *ap, int64_t *row)
{
	sqlite3_stmt *st;

	*row = 0;
	switch (a->kind) {
	case ACT_SET_OWNER:
		return set_text(s, lead_id, "UPDATE leads SET owner = ?1, updated_at = ?2"
				" WHERE id = ?3", a->person, now);
	case ACT_SET_STAGE:
		return set_text(s, lead_id, "UPDATE leads SET stage = ?1, updated_at = ?2"
				" WHERE id = ?3", a->name, now);
	case ACT_SET_STATUS:
		return set_status(s, lead_id, a, now);
	case ACT_SET_SEQUENCE:
		if ((st = store_stmt(s, "UPDATE leads SET sequence = ?1, sequence_started_at = ?2,"
				     " plan = plan + 1, updated_at = ?2, rules_version = ?4,"
				     " plan_skip = NULL WHERE id = ?3")) == NULL)
			return -1;
		store_bind_text(st, 1, a->name);
		sqlite3_bind_int64(st, 2, a->at);
		sqlite3_bind_int64(st, 3, lead_id);
		store_bind_text(st, 4, a->text);
		return store_step_done(st);
	case ACT_SET_PLAN:
		if ((st = store_stmt(s, "UPDATE leads SET rules_version = ?1, plan_skip = ?2,"
				     " updated_at = ?3 WHERE id = ?4")) == NULL)
			return -1;
		store_bind_text(st, 1, a->text);
		store_bind_text(st, 2, a->name);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, lead_id);
		return store_step_done(st);
	case ACT_SET_QUOTE:
		if ((st = store_stmt(s, "UPDATE leads SET quote_cents = ?1, updated_at = ?2"
				     " WHERE id = ?3")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, a->amount_cents);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, lead_id);
		return store_step_done(st);
	case ACT_SET_OPT_OUT:
		st = store_stmt(s, strcmp(a->channel, "sms") == 0 ?
				"UPDATE leads SET sms_opt_out = ?1, updated_at = ?2 WHERE id = ?3" :
				"UPDATE leads SET email_opt_out = ?1, updated_at = ?2 WHERE id = ?3");
		if (st == NULL)
			return -1;
		sqlite3_bind_int(st, 1, a->flag);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, lead_id);
		return store_step_done(st);
	case ACT_SET_FLAGS:
		if ((st = store_stmt(s, "UPDATE leads SET flags = flags | ?1, updated_at = ?2"
				     " WHERE id = ?3")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)a->flags);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, lead_id);
		return store_step_done(st);
	case ACT_MARK:
		if (strcmp(a->name, "inbound") == 0)
			st = store_stmt(s, "UPDATE leads SET last_inbound_at = ?1, updated_at = ?1"
					" WHERE id = ?2");
		else if (strcmp(a->name, "touch") == 0)
			st = store_stmt(s, "UPDATE leads SET last_touch_at = ?1, updated_at = ?1"
					" WHERE id = ?2");
		else
			st = store_stmt(s, "UPDATE leads SET last_task_done_at = ?1, updated_at = ?1"
					" WHERE id = ?2");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, a->at);
		sqlite3_bind_int64(st, 2, lead_id);
		return store_step_done(st);
	case ACT_EVENT:
		if ((st = store_stmt(s, "INSERT INTO events (business_id, lead_id, at, type, actor,"
				     " text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, bid);
		sqlite3_bind_int64(st, 2, lead_id);
		sqlite3_bind_int64(st, 3, a->at ? a->at : now);
		store_bind_text(st, 4, a->name);
		store_bind_text(st, 5, actor);
		store_bind_text(st, 6, a->text);
		if (store_step_done(st) < 0)
			return -1;
		*row = sqlite3_last_insert_rowid(s->db);
		return 0;
	case ACT_TASK_CREATE:
		if ((*row = insert_task(s, bid, lead_id, a, now)) < 0)
			return -1;
		store_applying_task_made(ap, *row);
		return 0;
	case ACT_TASK_CLOSE:
		return close_task(s, lead_id, a, now);
	case ACT_TIMER_SET:
		return (*row = insert_timer(s, bid, lead_id, a, store_applying_task(ap, a), ap->plan,
					    store_applying_appointment(ap, a), now)) < 0 ? -1 : 0;
	case ACT_TIMERS_CANCEL:
		return store_timers_cancel(s, lead_id, a->timer, a->task_id, a->appointment_id);
	case ACT_APPOINTMENT:
		if (apply_appointment(s, bid, lead_id, a, now, row) < 0)
			return -1;
		if (a->appt.id == 0)
			ap->appointment_id = *row;
		return 0;
	case ACT_OUTBOX:
		return (*row = insert_outbox(s, bid, lead_id, a, now)) < 0 ? -1 : 0;
	case ACT_TASK_DUE:
		return move_due(s, lead_id, a);
	case ACT_SET_CONTACT:
		return set_contact(s, lead_id, a, now);
	case ACT_SET_TIMEZONE:
		return set_text(s, lead_id, "UPDATE leads SET timezone = ?1, updated_at = ?2"
				" WHERE id = ?3", a->name, now);
	case ACT_TASK_RETITLE:
		return retitle(s, lead_id, a);
	case ACT_SET_PAUSED:
		if ((st = store_stmt(s, "UPDATE leads SET paused_at = ?1, paused_step = ?2,"
				     " updated_at = ?3 WHERE id = ?4")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, a->at);
		store_bind_text(st, 2, a->step_id);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, lead_id);
		return store_step_done(st);
	case ACT_RR_ADVANCE:
		if ((st = store_stmt(s, "INSERT INTO rr_counters (business_id, pool, value)"
				     " VALUES (?1, ?2, 1) ON CONFLICT(business_id, pool)"
				     " DO UPDATE SET value = value + 1")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, bid);
		store_bind_text(st, 2, a->name);
		return store_step_done(st);
	}
	return -1;
}

/* The seam's refusal (see store.h), or 0. */
static int
injected_fault(store *s, char *err, size_t errlen)
{
	s->injected = false;
	if (s->fail_applies <= 0)
		return 0;
	s->fail_applies--;
	s->injected = true;
	return store_fail(s, err, errlen, "applying a decision");
}

int
sqlite_apply(store *s, int64_t business_id, int64_t lead_id, const decision *d,
	    const char *actor, int64_t now, int64_t *first_task, char *err, size_t errlen)
{
	store_applying ap = { .plan = -1 };

	if (first_task != NULL)
		*first_task = 0;
	if (injected_fault(s, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < decision_count(d); i++) {
		const action *a = decision_get(d, i);
		int64_t row;

		if (apply_one(s, business_id, lead_id, a, actor, now, &ap, &row) < 0)
			return store_fail(s, err, errlen, "applying a decision");
		if (s->observer != NULL)
			s->observer(s->observer_ctx, lead_id, a, row, now);
	}
	if (first_task != NULL)
		*first_task = ap.first_task;
	return 0;
}

bool
store_action_row_only(const action *a)
{
	switch (a->kind) {
	case ACT_SET_OWNER: case ACT_SET_STAGE: case ACT_SET_STATUS: case ACT_SET_SEQUENCE:
	case ACT_SET_QUOTE: case ACT_SET_OPT_OUT: case ACT_MARK: case ACT_SET_PLAN:
	case ACT_SET_TIMEZONE:
		return true;
	default:
		return false;
	}
}

void
store_new_row_fold(store_new_row *r, const action *a)
{
	lead *l = &r->l;

	switch (a->kind) {
	case ACT_SET_OWNER:	l->owner = a->person; break;
	case ACT_SET_STAGE:	l->stage = a->name; break;
	case ACT_SET_STATUS: {
		lead_status from, to;

		if (lead_status_parse(l->status, &from) < 0 || lead_status_parse(a->name, &to) < 0 ||
		    !lead_status_allowed(from, to))
			store_illegal_edge("lead", l->id, l->status, a->name);
		l->status = a->name;
		l->lost_reason = a->reason;
		r->reactivate_at = a->at;
		break;
	}
	case ACT_SET_SEQUENCE:
		l->sequence = a->name;
		l->sequence_started_at = a->at;
		l->plan++;
		l->rules_version = a->text;
		l->plan_skip = NULL;
		break;
	case ACT_SET_PLAN:
		l->rules_version = a->text;
		l->plan_skip = a->name;
		break;
	case ACT_SET_QUOTE:	l->quote_cents = a->amount_cents; break;
	case ACT_SET_TIMEZONE:	l->timezone = a->name; break;
	case ACT_SET_OPT_OUT:
		if (strcmp(a->channel, "sms") == 0)
			l->sms_opt_out = a->flag;
		else
			l->email_opt_out = a->flag;
		break;
	case ACT_MARK:
		if (strcmp(a->name, "inbound") == 0)
			l->last_inbound_at = a->at;
		else if (strcmp(a->name, "touch") == 0)
			l->last_touch_at = a->at;
		else
			l->last_task_done_at = a->at;
		break;
	default:
		break;
	}
}

static int
insert_lead(store *s, const store_lead_state *ls, const store_new_row *r, int64_t now)
{
	const lead *l = &r->l;
	static const char *const sql =
		"INSERT INTO leads (id, business_id, name, phone, email, source, kind, service,"
		" message, neighbourhood, external_id, flags, stage, status, owner, sequence,"
		" sequence_started_at, plan, created_at, updated_at, last_inbound_at,"
		" last_touch_at, last_task_done_at, sms_opt_out, email_opt_out, quote_cents,"
		" lost_reason, reactivate_at, custom, rules_version, plan_skip, timezone) VALUES (?1,"
		" ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
		" ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, l->id);
	sqlite3_bind_int64(st, 2, ls->business_id);
	store_bind_text(st, 3, l->name);
	store_bind_text(st, 4, l->phone);
	store_bind_text(st, 5, l->email);
	store_bind_text(st, 6, l->source);
	store_bind_text(st, 7, l->kind);
	store_bind_text(st, 8, l->service);
	store_bind_text(st, 9, l->message);
	store_bind_text(st, 10, l->neighbourhood);
	store_bind_text(st, 11, ls->external_id);
	sqlite3_bind_int(st, 12, (int)l->flags);
	store_bind_text(st, 13, l->stage);
	store_bind_text(st, 14, l->status);
	store_bind_text(st, 15, l->owner);
	store_bind_text(st, 16, l->sequence);
	sqlite3_bind_int64(st, 17, l->sequence_started_at);
	sqlite3_bind_int64(st, 18, l->plan);
	sqlite3_bind_int64(st, 19, now);
	sqlite3_bind_int64(st, 20, l->last_inbound_at);
	sqlite3_bind_int64(st, 21, l->last_touch_at);
	sqlite3_bind_int64(st, 22, l->last_task_done_at);
	sqlite3_bind_int(st, 23, l->sms_opt_out);
	sqlite3_bind_int(st, 24, l->email_opt_out);
	if (l->quote_cents >= 0)
		sqlite3_bind_int64(st, 25, l->quote_cents);
	else
		sqlite3_bind_null(st, 25);
	store_bind_text(st, 26, l->lost_reason);
	sqlite3_bind_int64(st, 27, r->reactivate_at);
	store_bind_text(st, 28, ls->custom_json);
	store_bind_text(st, 29, l->rules_version);
	store_bind_text(st, 30, l->plan_skip);
	store_bind_text(st, 31, l->timezone);
	return store_step_done(st);
}

int
sqlite_lead_create(store *s, store_lead_state *ls, const decision *d, const char *actor,
		  int64_t now, int64_t *first_task, char *err, size_t errlen)
{
	store_new_row r = { .l = ls->st.lead };	/* strings: the state's and the decision's */
	store_applying ap = { .plan = r.l.plan };
	size_t n = decision_count(d);

	if (first_task != NULL)
		*first_task = 0;
	if (injected_fault(s, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (store_action_row_only(decision_get(d, i)))
			store_new_row_fold(&r, decision_get(d, i));
	if (insert_lead(s, ls, &r, now) < 0)
		return store_fail(s, err, errlen, "storing the lead");
	/* The rest in order; timers get the plan as it stood at their place. */
	for (size_t i = 0; i < n; i++) {
		const action *a = decision_get(d, i);
		int64_t row = 0;

		if (a->kind == ACT_SET_SEQUENCE)
			ap.plan++;
		if (!store_action_row_only(a) &&
		    apply_one(s, ls->business_id, r.l.id, a, actor, now, &ap, &row) < 0)
			return store_fail(s, err, errlen, "applying a decision");
		if (s->observer != NULL)
			s->observer(s->observer_ctx, r.l.id, a, row, now);
	}
	if (first_task != NULL)
		*first_task = ap.first_task;
	return 0;
}

/*
 * store_pg_lead.c - the PostgreSQL engine's lead rows: the business and its
 * people, finding an open lead or a customer by contact, loading a lead's
 * state for decide() and preparing a new one. The same queries as
 * store_lead.c's, in PostgreSQL's words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_common.h"
#include "store_pg.h"

int64_t
pg_business_sync(store *s, const rules *r, char *err, size_t errlen)
{
	return pg_business_sync_slug(s, STORE_BUSINESS_DEFAULT, r, err, errlen);
}

/* slug's id when its row and its active people are r's already (a sync
 * would change nothing), 0 when something differs or it is new, -1 on an
 * error. One read. */
static int64_t
already(pg_store *p, const char *slug, const rules *r)
{
	static const char *const sql =
		"SELECT b.id, b.name IS NOT DISTINCT FROM $1 AND b.timezone IS NOT DISTINCT"
		" FROM $2, pe.id, pe.name, pe.role, pe.phone, pe.email, pe.notify"
		" FROM businesses b LEFT JOIN people pe ON pe.business_id = b.id"
		" AND pe.active = 1 WHERE b.slug = $3";
	pg_params pp = { 0 };
	PGresult *res;
	int64_t id = 0;
	size_t n = 0;
	int rows;

	pg_text(&pp, r->business.name);
	pg_text(&pp, r->business.timezone);
	pg_text(&pp, slug);
	if ((res = pg_run(p, sql, &pp)) == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows > 0 && strcmp(PQgetvalue(res, 0, 1), "t") == 0)
		id = pg_get_int(res, 0, 0);
#define COL(i) (PQgetisnull(res, k, (i)) ? NULL : PQgetvalue(res, k, (i)))
	for (int k = 0; id != 0 && k < rows && !PQgetisnull(res, k, 2); k++) {
		const char *who = PQgetvalue(res, k, 2);
		size_t i;

		for (i = 0; i < r->npeople && strcmp(r->people[i].id, who) != 0; i++)
			;
		if (i == r->npeople || !store_person_same(&r->people[i], who, COL(3), COL(4),
							  COL(5), COL(6), COL(7)))
			id = 0;
		n++;
	}
#undef COL
	PQclear(res);
	/* ids are unique per business: n matches and no other row means the same set */
	return n == r->npeople ? id : 0;
}

int64_t
pg_business_sync_slug(store *s, const char *slug, const rules *r, char *err, size_t errlen)
{
	static const char *const upsert_biz =
		"INSERT INTO businesses (slug, name, timezone, created_at)"
		" VALUES ($3, $1, $2, extract(epoch FROM now())::bigint)"
		" ON CONFLICT (slug) DO UPDATE SET name = excluded.name,"
		" timezone = excluded.timezone RETURNING id";
	static const char *const deactivate =
		"UPDATE people SET active = 0 WHERE business_id = $1";
	static const char *const upsert_person =
		"INSERT INTO people (business_id, id, name, role, phone, email, notify, active)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, 1)"
		" ON CONFLICT (business_id, id) DO UPDATE SET name = excluded.name,"
		" role = excluded.role, phone = excluded.phone, email = excluded.email,"
		" notify = excluded.notify, active = 1";
	pg_store *p = pg_of(s);
	pg_params pb = { 0 }, pd = { 0 };
	PGresult *res;
	int64_t id;

	/* Nothing changed (a restart): no write, so no commit to wait for. */
	if ((id = already(p, slug, r)) != 0)
		return id < 0 ? pg_fail(p, err, errlen, "reading the business") : id;
	pg_text(&pb, r->business.name);
	pg_text(&pb, r->business.timezone);
	pg_text(&pb, slug);
	if ((res = pg_run(p, upsert_biz, &pb)) == NULL)
		return pg_fail(p, err, errlen, "saving the business");
	id = pg_get_int(res, 0, 0);
	PQclear(res);

	pg_int(&pd, id);
	if (pg_run_done(p, deactivate, &pd) < 0)
		return pg_fail(p, err, errlen, "saving people");
	for (size_t i = 0; i < r->npeople; i++) {
		const rules_person *rp = &r->people[i];
		pg_params pp = { 0 };

		pg_int(&pp, id);
		pg_text(&pp, rp->id);
		pg_text(&pp, rp->name);
		pg_text(&pp, rp->role);
		pg_text(&pp, rp->phone);
		pg_text(&pp, rp->email);
		pg_text(&pp, store_notify_names[rp->notify]);
		if (pg_run_done(p, upsert_person, &pp) < 0)
			return pg_fail(p, err, errlen, "saving people");
	}
	return id;
}

/* The first column of sql's one row as an id: 0 when NULL (none), -1 on an
 * error. */
static int64_t
one_id(pg_store *p, const char *sql, const pg_params *params)
{
	PGresult *r = pg_run(p, sql, params);
	int64_t id;

	if (r == NULL)
		return -1;
	id = PQntuples(r) == 1 ? pg_get_int(r, 0, 0) : 0;
	PQclear(r);
	return id;
}

/* Inside a transaction, finding a lead by contact is the start of an
 * intake: the business's intakes take turns until the transaction ends, on
 * every node, so two inquiries from one phone at once cannot both make a
 * lead (SQLite gets the same from its one writer). Key space (1, business):
 * the two-key advisory locks do not overlap the migrations' one-key lock. */
static int
intake_turn(pg_store *p, int64_t business_id)
{
	pg_params pp = { 0 };

	if (PQtransactionStatus(p->conn) == PQTRANS_IDLE)
		return 0;
	pg_int(&pp, business_id);
	return pg_run_done(p, "SELECT pg_advisory_xact_lock(1, $1::int)", &pp);
}

int64_t
pg_lead_find_open(store *s, int64_t business_id, const char *phone, const char *email,
		  int64_t since)
{
	static const char *const sql =
		/* Two index searches, not one OR that scans every lead. */
		"SELECT max(id) FROM ("
		" SELECT id FROM leads WHERE business_id = $1 AND phone = $2 AND created_at >= $4"
		"  AND status IN ('open', 'nurture', 'lost')"
		" UNION ALL"
		" SELECT id FROM leads WHERE business_id = $1 AND email = $3 AND created_at >= $4"
		"  AND status IN ('open', 'nurture', 'lost')) AS found";
	pg_params pp = { 0 };

	if ((phone == NULL || !*phone) && (email == NULL || !*email))
		return 0;
	if (intake_turn(pg_of(s), business_id) < 0)
		return -1;
	pg_int(&pp, business_id);
	pg_text(&pp, phone && *phone ? phone : NULL);
	pg_text(&pp, email && *email ? email : NULL);
	pg_int(&pp, since);
	return one_id(pg_of(s), sql, &pp);
}

int64_t
pg_lead_find_customer(store *s, int64_t business_id, const char *phone, const char *email)
{
	static const char *const sql =
		"SELECT max(id) FROM ("
		" SELECT id FROM leads WHERE business_id = $1 AND phone = $2 AND status = 'won'"
		" UNION ALL"
		" SELECT id FROM leads WHERE business_id = $1 AND email = $3 AND status = 'won')"
		" AS found";
	pg_params pp = { 0 };

	if ((phone == NULL || !*phone) && (email == NULL || !*email))
		return 0;
	pg_int(&pp, business_id);
	pg_text(&pp, phone && *phone ? phone : NULL);
	pg_text(&pp, email && *email ? email : NULL);
	return one_id(pg_of(s), sql, &pp);
}

/* --- state for decide() --------------------------------------------------- */

/* Column col of row r as one of the lead's strings. */
static const char *
keep(store_lead_state *ls, const PGresult *r, int col)
{
	return store_lead_own(ls, pg_get_strdup(r, 0, col));
}

/* At most this many of each are seen by the engine, as store_lead.c. */
#define MAX_TASKS 64
#define MAX_APPTS 16

static int
load_tasks(pg_store *p, store_lead_state *ls, int64_t id)
{
	pg_params pp = { 0 };
	PGresult *r;
	int n;

	ls->tasks = calloc(MAX_TASKS, sizeof *ls->tasks);
	ls->task_strs = calloc(MAX_TASKS * 3, sizeof *ls->task_strs);
	if (ls->tasks == NULL || ls->task_strs == NULL)
		return -1;
	pg_int(&pp, id);
	if ((r = pg_run(p, "SELECT id, verb, title, assignee, due_at FROM tasks"
			" WHERE lead_id = $1 AND state = 'open' ORDER BY due_at LIMIT 64",
			&pp)) == NULL)
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		lead_task *t = &ls->tasks[i];

		t->id = pg_get_int(r, i, 0);
		t->verb = ls->task_strs[i * 3] = pg_get_strdup(r, i, 1);
		t->title = ls->task_strs[i * 3 + 1] = pg_get_strdup(r, i, 2);
		t->assignee = ls->task_strs[i * 3 + 2] = pg_get_strdup(r, i, 3);
		t->due_at = pg_get_int(r, i, 4);
	}
	PQclear(r);
	ls->st.tasks = ls->tasks;
	ls->st.ntasks = (size_t)n;
	return 0;
}

static int
load_appointments(pg_store *p, store_lead_state *ls, int64_t id)
{
	pg_params pp = { 0 };
	PGresult *r;
	int n;

	ls->appts = calloc(MAX_APPTS, sizeof *ls->appts);
	ls->appt_strs = calloc(MAX_APPTS * 4, sizeof *ls->appt_strs);
	if (ls->appts == NULL || ls->appt_strs == NULL)
		return -1;
	pg_int(&pp, id);
	if ((r = pg_run(p, "SELECT id, kind, starts_at, ends_at, place, person, state, paused"
			" FROM appointments WHERE lead_id = $1"
			" AND state IN ('booked', 'confirmed', 'rescheduled')"
			" ORDER BY starts_at, id LIMIT 16", &pp)) == NULL) /* MAX_APPTS */
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		lead_appointment *a = &ls->appts[i];

		a->id = pg_get_int(r, i, 0);
		a->kind = ls->appt_strs[i * 4] = pg_get_strdup(r, i, 1);
		a->starts_at = pg_get_int(r, i, 2);
		a->ends_at = pg_get_int(r, i, 3);
		a->place = ls->appt_strs[i * 4 + 1] = pg_get_strdup(r, i, 4);
		a->person = ls->appt_strs[i * 4 + 2] = pg_get_strdup(r, i, 5);
		a->state = ls->appt_strs[i * 4 + 3] = pg_get_strdup(r, i, 6);
		a->paused = pg_get_int(r, i, 7) != 0;
	}
	PQclear(r);
	ls->st.appointments = ls->appts;
	ls->st.nappointments = (size_t)n;
	return 0;
}

static int
load_touches(pg_store *p, store_lead_state *ls, int64_t id, int64_t since)
{
	pg_params pp = { 0 };
	PGresult *r;
	int n;

	if ((ls->touches = calloc(64, sizeof *ls->touches)) == NULL)
		return -1;
	pg_int(&pp, id);
	pg_int(&pp, since);
	if ((r = pg_run(p, "SELECT send_at FROM outbox WHERE lead_id = $1"
			" AND purpose = 'followup' AND send_at > $2"
			" AND state NOT IN ('cancelled', 'failed') ORDER BY send_at DESC LIMIT 64",
			&pp)) == NULL)
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n; i++)
		ls->touches[i] = pg_get_int(r, i, 0);
	PQclear(r);
	ls->st.touches = ls->touches;
	ls->st.ntouches = (size_t)n;
	return 0;
}

static int
load_rr(pg_store *p, store_lead_state *ls, int64_t business_id)
{
	pg_params pp = { 0 };
	PGresult *r;
	size_t n = 0;

	pg_int(&pp, business_id);
	if ((r = pg_run(p, "SELECT pool, value FROM rr_counters WHERE business_id = $1"
			" ORDER BY pool LIMIT 64", &pp)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		if ((ls->rr_keys[n] = pg_get_strdup(r, i, 0)) == NULL)
			continue;
		ls->rr_values[n++] = pg_get_int(r, i, 1);
	}
	PQclear(r);
	ls->rr = (rr_counters){ (const char *const *)ls->rr_keys, ls->rr_values, n };
	return 0;
}

int
pg_lead_state_load(store *s, int64_t business_id, int64_t id, int64_t now,
		   int64_t touch_window, store_lead_state **out, char *err, size_t errlen)
{
	static const char *const sql =
		"SELECT name, phone, email, source, kind, service, message, neighbourhood,"
		" flags, stage, status, owner, sequence, sequence_started_at, plan, created_at,"
		" last_inbound_at, last_touch_at, last_task_done_at, sms_opt_out, email_opt_out,"
		" quote_cents, lost_reason, custom, rules_version, plan_skip, timezone, paused_at,"
		" paused_step FROM leads WHERE id = $1 AND business_id = $2"
		/* Decisions about one lead take turns, as under SQLite's one
		 * writer: the row stays locked until the caller's transaction
		 * ends, so no other node decides from the same state. */
		" FOR UPDATE";
	pg_store *p = pg_of(s);
	pg_params pp = { 0 };
	store_lead_state *ls;
	PGresult *r;
	lead *l;

	*out = NULL;
	pg_int(&pp, id);
	pg_int(&pp, business_id);
	if ((r = pg_run(p, sql, &pp)) == NULL)
		return pg_fail(p, err, errlen, "loading a lead");
	if (PQntuples(r) != 1) {
		PQclear(r);
		snprintf(err, errlen, "no lead %lld", (long long)id);
		return 0;
	}
	if ((ls = calloc(1, sizeof *ls)) == NULL) {
		PQclear(r);
		snprintf(err, errlen, "out of memory loading a lead");
		return -1;
	}
	l = &ls->st.lead;
	l->id = id;
	l->name = keep(ls, r, 0);
	l->phone = keep(ls, r, 1);
	l->email = keep(ls, r, 2);
	l->source = keep(ls, r, 3);
	l->kind = keep(ls, r, 4);
	l->service = keep(ls, r, 5);
	l->message = keep(ls, r, 6);
	l->neighbourhood = keep(ls, r, 7);
	l->flags = (unsigned)pg_get_int(r, 0, 8);
	l->stage = keep(ls, r, 9);
	l->status = keep(ls, r, 10);
	l->owner = keep(ls, r, 11);
	l->sequence = keep(ls, r, 12);
	l->sequence_started_at = pg_get_int(r, 0, 13);
	l->plan = pg_get_int(r, 0, 14);
	l->created_at = pg_get_int(r, 0, 15);
	l->last_inbound_at = pg_get_int(r, 0, 16);
	l->last_touch_at = pg_get_int(r, 0, 17);
	l->last_task_done_at = pg_get_int(r, 0, 18);
	l->sms_opt_out = pg_get_int(r, 0, 19) != 0;
	l->email_opt_out = pg_get_int(r, 0, 20) != 0;
	l->quote_cents = PQgetisnull(r, 0, 21) ? -1 : pg_get_int(r, 0, 21);
	l->lost_reason = keep(ls, r, 22);
	l->rules_version = keep(ls, r, 24);
	l->plan_skip = keep(ls, r, 25);
	l->timezone = keep(ls, r, 26);
	l->paused_at = pg_get_int(r, 0, 27);
	l->paused_step = keep(ls, r, 28);
	if (store_lead_custom_load(ls, PQgetisnull(r, 0, 23) ? NULL : PQgetvalue(r, 0, 23)) < 0) {
		PQclear(r);
		store_lead_state_free(ls);
		snprintf(err, errlen, "out of memory loading a lead");
		return -1;
	}
	PQclear(r);
	if (load_tasks(p, ls, id) < 0 || load_touches(p, ls, id, now - touch_window) < 0 ||
	    load_appointments(p, ls, id) < 0 || load_rr(p, ls, business_id) < 0) {
		pg_fail(p, err, errlen, "loading a lead");
		store_lead_state_free(ls);
		return -1;
	}
	*out = ls;
	return 1;
}

int
pg_lead_prepare(store *s, int64_t business_id, const store_new_lead *nl, int64_t now,
		store_lead_state **out, char *err, size_t errlen)
{
	pg_store *p = pg_of(s);
	store_lead_state *ls;
	PGresult *r;

	*out = NULL;
	if ((ls = calloc(1, sizeof *ls)) == NULL) {
		snprintf(err, errlen, "out of memory preparing a lead");
		return -1;
	}
	/* The id the INSERT will use, taken from the identity's sequence: no
	 * other connection (or node) can be given it, committed or not. */
	if ((r = pg_run(p, "SELECT nextval(pg_get_serial_sequence('leads', 'id'))",
			NULL)) == NULL || load_rr(p, ls, business_id) < 0) {
		PQclear(r);
		store_lead_state_free(ls);
		return pg_fail(p, err, errlen, "preparing a lead");
	}
	ls->st.lead.id = pg_get_int(r, 0, 0);
	PQclear(r);
	if (store_lead_prepare_fill(ls, business_id, nl, now) < 0) {
		store_lead_state_free(ls);
		snprintf(err, errlen, "out of memory preparing a lead");
		return -1;
	}
	*out = ls;
	return 1;
}

/*
 * store_lead.c - lead rows: the business and its people, inserting a lead,
 * finding an open lead by contact, and loading a lead's state for decide().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

int64_t
sqlite_business_sync(store *s, const rules *r, char *err, size_t errlen)
{
	return sqlite_business_sync_slug(s, STORE_BUSINESS_DEFAULT, r, err, errlen);
}

/* slug's id when its row and its active people are r's already (a sync
 * would change nothing), 0 when something differs or it is new, -1 on an
 * error. Reads only. */
static int64_t
already(store *s, const char *slug, const rules *r)
{
	static const char *const biz =
		"SELECT id, name IS ?1 AND timezone IS ?2 FROM businesses WHERE slug = ?3";
	static const char *const people =
		"SELECT id, name, role, phone, email, notify FROM people"
		" WHERE business_id = ?1 AND active = 1";
	sqlite3_stmt *st = store_stmt(s, biz);
	int64_t id = 0;
	size_t n = 0;
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, r->business.name);
	store_bind_text(st, 2, r->business.timezone);
	store_bind_text(st, 3, slug);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_int(st, 1) == 1)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (id == 0 || (st = store_stmt(s, people)) == NULL)
		return id == 0 ? 0 : -1;
	sqlite3_bind_int64(st, 1, id);
#define COL(i) ((const char *)sqlite3_column_text(st, (i)))
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && COL(0) != NULL) {
		const char *who = COL(0);
		size_t i;

		for (i = 0; i < r->npeople && strcmp(r->people[i].id, who) != 0; i++)
			;
		if (i == r->npeople || !store_person_same(&r->people[i], who, COL(1), COL(2),
							  COL(3), COL(4), COL(5)))
			break;
		n++;
	}
#undef COL
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	/* ids are unique per business: n matches and no other row means the same set */
	return rc == SQLITE_DONE && n == r->npeople ? id : 0;
}

int64_t
sqlite_business_sync_slug(store *s, const char *slug, const rules *r, char *err,
			  size_t errlen)
{
	static const char *const upsert_biz =
		"INSERT INTO businesses (slug, name, timezone, created_at)"
		" VALUES (?3, ?1, ?2, strftime('%s','now'))"
		" ON CONFLICT(slug) DO UPDATE SET name = excluded.name, timezone = excluded.timezone"
		" RETURNING id";
	static const char *const deactivate =
		"UPDATE people SET active = 0 WHERE business_id = ?1";
	static const char *const upsert_person =
		"INSERT INTO people (business_id, id, name, role, phone, email, notify, active)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)"
		" ON CONFLICT(business_id, id) DO UPDATE SET name = excluded.name,"
		" role = excluded.role, phone = excluded.phone, email = excluded.email,"
		" notify = excluded.notify, active = 1";
	sqlite3_stmt *st;
	int64_t id;

	/* Nothing changed (a restart): no write, so no commit to wait for. */
	if ((id = already(s, slug, r)) != 0)
		return id < 0 ? store_fail(s, err, errlen, "reading the business") : id;
	if ((st = store_stmt(s, upsert_biz)) == NULL)
		return store_fail(s, err, errlen, "business");
	store_bind_text(st, 1, r->business.name);
	store_bind_text(st, 2, r->business.timezone);
	store_bind_text(st, 3, slug);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_fail(s, err, errlen, "saving the business");
	id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);

	if ((st = store_stmt(s, deactivate)) == NULL)
		return store_fail(s, err, errlen, "people");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_fail(s, err, errlen, "saving people");
	for (size_t i = 0; i < r->npeople; i++) {
		const rules_person *p = &r->people[i];

		if ((st = store_stmt(s, upsert_person)) == NULL)
			return store_fail(s, err, errlen, "people");
		sqlite3_bind_int64(st, 1, id);
		store_bind_text(st, 2, p->id);
		store_bind_text(st, 3, p->name);
		store_bind_text(st, 4, p->role);
		store_bind_text(st, 5, p->phone);
		store_bind_text(st, 6, p->email);
		store_bind_text(st, 7, store_notify_names[p->notify]);
		if (sqlite3_step(st) != SQLITE_DONE)
			return store_fail(s, err, errlen, "saving people");
	}
	return id;
}

int64_t
sqlite_lead_find_open(store *s, int64_t business_id, const char *phone, const char *email,
		     int64_t since)
{
	static const char *const sql =
		/* Two index searches, not one OR that scans every lead. */
		"SELECT max(id) FROM ("
		" SELECT id FROM leads WHERE business_id = ?1 AND phone = ?2 AND created_at >= ?4"
		"  AND status IN ('open', 'nurture', 'lost')"
		" UNION ALL"
		" SELECT id FROM leads WHERE business_id = ?1 AND email = ?3 AND created_at >= ?4"
		"  AND status IN ('open', 'nurture', 'lost'))";
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if ((phone == NULL || !*phone) && (email == NULL || !*email))
		return 0;
	if ((st = store_stmt(s, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, phone && *phone ? phone : NULL);
	store_bind_text(st, 3, email && *email ? email : NULL);
	sqlite3_bind_int64(st, 4, since);
	rc = sqlite3_step(st);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;	/* NULL reads as 0: none */
	sqlite3_reset(st);	/* a statement left active pins a read snapshot */
	return id;
}

int64_t
sqlite_lead_find_customer(store *s, int64_t business_id, const char *phone, const char *email)
{
	static const char *const sql =
		"SELECT max(id) FROM ("
		" SELECT id FROM leads WHERE business_id = ?1 AND phone = ?2 AND status = 'won'"
		" UNION ALL"
		" SELECT id FROM leads WHERE business_id = ?1 AND email = ?3 AND status = 'won')";
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if ((phone == NULL || !*phone) && (email == NULL || !*email))
		return 0;
	if ((st = store_stmt(s, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	store_bind_text(st, 2, phone && *phone ? phone : NULL);
	store_bind_text(st, 3, email && *email ? email : NULL);
	rc = sqlite3_step(st);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;	/* NULL reads as 0: none */
	sqlite3_reset(st);
	return id;
}

/* --- state for decide() --------------------------------------------------- */

/* Points ls's lead at the custom fields of obj (taken). 0 / -1. */
static int
custom_adopt(store_lead_state *ls, json_t *obj)
{
	const char *k;
	json_t *v;
	size_t n = 0;

	ls->custom_obj = obj;
	if (obj == NULL || json_object_size(obj) == 0)
		return 0;
	if ((ls->custom = calloc(json_object_size(obj), sizeof *ls->custom)) == NULL)
		return -1;
	json_object_foreach(obj, k, v) {
		if (!json_is_string(v))
			continue;
		ls->custom[n].name = k;
		ls->custom[n].value = json_string_value(v);
		n++;
	}
	ls->st.lead.custom = ls->custom;
	ls->st.lead.ncustom = n;
	return 0;
}

int
store_lead_custom_load(store_lead_state *ls, const char *text)
{
	json_t *o;

	if (text == NULL || *text == '\0')
		return 0;
	o = json_loads(text, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);	/* unreadable: the lead goes on without them */
		return 0;
	}
	return custom_adopt(ls, o);
}

const char *
store_lead_own(store_lead_state *ls, char *v)
{
	if (v != NULL && ls->nstrs < (int)(sizeof ls->strs / sizeof ls->strs[0]))
		ls->strs[ls->nstrs++] = v;
	else if (v != NULL) {
		free(v);
		return NULL;
	}
	return v;
}

static const char *
keep(store_lead_state *ls, sqlite3_stmt *st, int col)
{
	return store_lead_own(ls, store_col_strdup(st, col));
}

static const char *
copy(store_lead_state *ls, const char *v)
{
	return v != NULL && *v ? store_lead_own(ls, strdup(v)) : NULL;
}

static int
load_tasks(store *s, store_lead_state *ls, int64_t id)
{
	static const char *const sql =
		"SELECT id, verb, title, assignee, due_at FROM tasks"
		" WHERE lead_id = ?1 AND state = 'open' ORDER BY due_at LIMIT 64";
	sqlite3_stmt *st = store_stmt(s, sql);
	size_t n = 0;
	int rc = SQLITE_DONE;

	if (st == NULL)
		return -1;
	ls->tasks = calloc(64, sizeof *ls->tasks);
	ls->task_strs = calloc(64 * 3, sizeof *ls->task_strs);
	if (ls->tasks == NULL || ls->task_strs == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (n < 64 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		lead_task *t = &ls->tasks[n];

		t->id = sqlite3_column_int64(st, 0);
		t->verb = ls->task_strs[n * 3] = store_col_strdup(st, 1);
		t->title = ls->task_strs[n * 3 + 1] = store_col_strdup(st, 2);
		t->assignee = ls->task_strs[n * 3 + 2] = store_col_strdup(st, 3);
		t->due_at = sqlite3_column_int64(st, 4);
		n++;
	}
	sqlite3_reset(st);
	ls->st.tasks = ls->tasks;
	ls->st.ntasks = n;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* At most this many appointments ahead per lead are seen by the engine. */
#define MAX_APPTS 16

static int
load_appointments(store *s, store_lead_state *ls, int64_t id)
{
	static const char *const sql =
		"SELECT id, kind, starts_at, ends_at, place, person, state, paused FROM appointments"
		" WHERE lead_id = ?1 AND state IN ('booked', 'confirmed', 'rescheduled')"
		" ORDER BY starts_at, id LIMIT 16"; /* MAX_APPTS */
	sqlite3_stmt *st = store_stmt(s, sql);
	size_t n = 0;
	int rc = SQLITE_DONE;

	if (st == NULL)
		return -1;
	ls->appts = calloc(MAX_APPTS, sizeof *ls->appts);
	ls->appt_strs = calloc(MAX_APPTS * 4, sizeof *ls->appt_strs);
	if (ls->appts == NULL || ls->appt_strs == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (n < MAX_APPTS && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		lead_appointment *a = &ls->appts[n];

		a->id = sqlite3_column_int64(st, 0);
		a->kind = ls->appt_strs[n * 4] = store_col_strdup(st, 1);
		a->starts_at = sqlite3_column_int64(st, 2);
		a->ends_at = sqlite3_column_int64(st, 3);
		a->place = ls->appt_strs[n * 4 + 1] = store_col_strdup(st, 4);
		a->person = ls->appt_strs[n * 4 + 2] = store_col_strdup(st, 5);
		a->state = ls->appt_strs[n * 4 + 3] = store_col_strdup(st, 6);
		a->paused = sqlite3_column_int(st, 7) != 0;
		n++;
	}
	sqlite3_reset(st);
	ls->st.appointments = ls->appts;
	ls->st.nappointments = n;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
load_touches(store *s, store_lead_state *ls, int64_t id, int64_t since)
{
	static const char *const sql =
		"SELECT send_at FROM outbox WHERE lead_id = ?1 AND purpose = 'followup'"
		" AND send_at > ?2 AND state NOT IN ('cancelled', 'failed')"
		" ORDER BY send_at DESC LIMIT 64";
	sqlite3_stmt *st = store_stmt(s, sql);
	size_t n = 0;
	int rc = SQLITE_DONE;

	if (st == NULL)
		return -1;
	if ((ls->touches = calloc(64, sizeof *ls->touches)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, since);
	while (n < 64 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ls->touches[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	ls->st.touches = ls->touches;
	ls->st.ntouches = n;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
load_rr(store *s, store_lead_state *ls, int64_t business_id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT pool, value FROM rr_counters"
				      " WHERE business_id = ?1 LIMIT 64");
	size_t n = 0;
	int rc = SQLITE_DONE;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, business_id);
	while (n < 64 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((ls->rr_keys[n] = store_col_strdup(st, 0)) == NULL)
			continue;
		ls->rr_values[n++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	ls->rr = (rr_counters){ (const char *const *)ls->rr_keys, ls->rr_values, n };
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
sqlite_lead_state_load(store *s, int64_t business_id, int64_t id, int64_t now,
		      int64_t touch_window, store_lead_state **out, char *err, size_t errlen)
{
	static const char *const sql =
		"SELECT name, phone, email, source, kind, service, message, neighbourhood,"
		" flags, stage, status, owner, sequence, sequence_started_at, plan, created_at,"
		" last_inbound_at, last_touch_at, last_task_done_at, sms_opt_out, email_opt_out,"
		" quote_cents, lost_reason, custom, rules_version, plan_skip, timezone, paused_at,"
		" paused_step FROM leads"
		" WHERE id = ?1 AND business_id = ?2";
	sqlite3_stmt *st = store_stmt(s, sql);
	store_lead_state *ls;
	lead *l;
	int rc;

	*out = NULL;
	if (st == NULL)
		return store_fail(s, err, errlen, "loading a lead");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, business_id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_fail(s, err, errlen, "loading a lead");
		snprintf(err, errlen, "no lead %lld", (long long)id);
		return 0;
	}
	if ((ls = calloc(1, sizeof *ls)) == NULL) {
		sqlite3_reset(st);
		snprintf(err, errlen, "out of memory loading a lead");
		return -1;
	}
	l = &ls->st.lead;
	l->id = id;
	l->name = keep(ls, st, 0);
	l->phone = keep(ls, st, 1);
	l->email = keep(ls, st, 2);
	l->source = keep(ls, st, 3);
	l->kind = keep(ls, st, 4);
	l->service = keep(ls, st, 5);
	l->message = keep(ls, st, 6);
	l->neighbourhood = keep(ls, st, 7);
	l->flags = (unsigned)sqlite3_column_int(st, 8);
	l->stage = keep(ls, st, 9);
	l->status = keep(ls, st, 10);
	l->owner = keep(ls, st, 11);
	l->sequence = keep(ls, st, 12);
	l->sequence_started_at = sqlite3_column_int64(st, 13);
	l->plan = sqlite3_column_int64(st, 14);
	l->created_at = sqlite3_column_int64(st, 15);
	l->last_inbound_at = sqlite3_column_int64(st, 16);
	l->last_touch_at = sqlite3_column_int64(st, 17);
	l->last_task_done_at = sqlite3_column_int64(st, 18);
	l->sms_opt_out = sqlite3_column_int(st, 19) != 0;
	l->email_opt_out = sqlite3_column_int(st, 20) != 0;
	l->quote_cents = sqlite3_column_type(st, 21) == SQLITE_NULL ? -1 :
			 sqlite3_column_int64(st, 21);
	l->lost_reason = keep(ls, st, 22);
	l->rules_version = keep(ls, st, 24);
	l->plan_skip = keep(ls, st, 25);
	l->timezone = keep(ls, st, 26);
	l->paused_at = sqlite3_column_int64(st, 27);
	l->paused_step = keep(ls, st, 28);
	if (store_lead_custom_load(ls, (const char *)sqlite3_column_text(st, 23)) < 0) {
		sqlite3_reset(st);
		store_lead_state_free(ls);
		snprintf(err, errlen, "out of memory loading a lead");
		return -1;
	}
	sqlite3_reset(st);
	if (load_tasks(s, ls, id) < 0 || load_touches(s, ls, id, now - touch_window) < 0 ||
	    load_appointments(s, ls, id) < 0 || load_rr(s, ls, business_id) < 0) {
		store_fail(s, err, errlen, "loading a lead");
		store_lead_state_free(ls);
		return -1;
	}
	*out = ls;
	return 1;
}

int
sqlite_lead_prepare(store *s, int64_t business_id, const store_new_lead *nl, int64_t now,
		   store_lead_state **out, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT coalesce(max(id), 0) + 1 FROM leads");
	store_lead_state *ls;
	lead *l;
	int rc;

	*out = NULL;
	if (st == NULL)
		return store_fail(s, err, errlen, "reserving a lead id");
	if ((ls = calloc(1, sizeof *ls)) == NULL) {
		snprintf(err, errlen, "out of memory preparing a lead");
		return -1;
	}
	l = &ls->st.lead;
	/* The id the INSERT will get: the write lock is held (BEGIN IMMEDIATE),
	 * so nobody else can take it before store_lead_create(). */
	rc = sqlite3_step(st);
	l->id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW || load_rr(s, ls, business_id) < 0) {
		store_lead_state_free(ls);
		return store_fail(s, err, errlen, "preparing a lead");
	}
	if (store_lead_prepare_fill(ls, business_id, nl, now) < 0) {
		store_lead_state_free(ls);
		snprintf(err, errlen, "out of memory preparing a lead");
		return -1;
	}
	*out = ls;
	return 1;
}

int
store_lead_prepare_fill(store_lead_state *ls, int64_t business_id, const store_new_lead *nl,
			int64_t now)
{
	lead *l = &ls->st.lead;

	/* What the row's defaults say (store_schema.c), as a loaded lead would be. */
	l->name = copy(ls, nl->name);
	l->phone = copy(ls, nl->phone);
	l->email = copy(ls, nl->email);
	l->source = copy(ls, nl->source ? nl->source : "api");
	l->kind = copy(ls, nl->kind ? nl->kind : "new_inquiry");
	l->service = copy(ls, nl->service);
	l->message = copy(ls, nl->message);
	l->neighbourhood = copy(ls, nl->neighbourhood);
	l->flags = nl->flags;
	l->status = LEAD_STATUS_OPEN;
	l->owner = copy(ls, nl->owner);
	l->created_at = now;
	l->quote_cents = -1;
	ls->external_id = copy(ls, nl->external_id);
	ls->business_id = business_id;
	if (nl->ncustom > 0) {
		json_t *o = json_object();

		for (size_t i = 0; o != NULL && i < nl->ncustom; i++) {
			json_t *v = json_string(nl->custom[i].value ? nl->custom[i].value : "");

			if (v != NULL && nl->custom[i].name != NULL)	/* NULL: not UTF-8 */
				json_object_set_new(o, nl->custom[i].name, v);
			else
				json_decref(v);
		}
		if (o == NULL || (json_object_size(o) > 0 &&
				  (ls->custom_json = json_dumps(o, JSON_COMPACT)) == NULL) ||
		    custom_adopt(ls, o) < 0) {
			if (ls->custom_obj == NULL)
				json_decref(o);
			return -1;
		}
	}
	return 0;
}

const lead_state *
store_lead_state_get(const store_lead_state *ls)
{
	return &ls->st;
}

const rr_counters *
store_lead_state_rr(const store_lead_state *ls)
{
	return &ls->rr;
}

void
store_lead_state_free(store_lead_state *ls)
{
	if (ls == NULL)
		return;
	for (int i = 0; i < ls->nstrs; i++)
		free(ls->strs[i]);
	if (ls->task_strs != NULL)
		for (size_t i = 0; i < 64 * 3; i++)
			free(ls->task_strs[i]);
	for (size_t i = 0; i < ls->rr.n; i++)
		free(ls->rr_keys[i]);
	free(ls->task_strs);
	free(ls->tasks);
	if (ls->appt_strs != NULL)
		for (size_t i = 0; i < MAX_APPTS * 4; i++)
			free(ls->appt_strs[i]);
	free(ls->appt_strs);
	free(ls->appts);
	free(ls->touches);
	free(ls->custom);
	json_decref(ls->custom_obj);
	free(ls->custom_json);
	free(ls);
}

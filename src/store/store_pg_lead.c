/*
 * store_pg_lead.c - the PostgreSQL engine's lead rows: the business and its
 * people, finding an open lead or a customer by contact. The same queries
 * as store_lead.c's, in PostgreSQL's words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg.h"

int64_t
pg_business_sync(store *s, const rules *r, char *err, size_t errlen)
{
	static const char *const upsert_biz =
		"INSERT INTO businesses (slug, name, timezone, created_at)"
		" VALUES ('default', $1, $2, extract(epoch FROM now())::bigint)"
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
	static const char *const notify_names[] = { "none", "sms", "email" };
	pg_store *p = pg_of(s);
	pg_params pb = { 0 }, pd = { 0 };
	PGresult *res;
	int64_t id;

	pg_text(&pb, r->business.name);
	pg_text(&pb, r->business.timezone);
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
		pg_text(&pp, notify_names[rp->notify]);
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

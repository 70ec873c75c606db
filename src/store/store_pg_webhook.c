/*
 * store_pg_webhook.c - the PostgreSQL engine's webhook delivery rows and the
 * events cursor that feeds them: store_webhook.c's operations in
 * PostgreSQL's words (the payload is built by the same code). A claim locks
 * its row (FOR UPDATE SKIP LOCKED): a delivery another connection is
 * claiming is skipped, and once claimed it is `sending`, under its node's
 * lease (store_node.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_common.h"
#include "store_node.h"
#include "store_pg.h"

int
pg_webhook_enqueue(store *s, const char *const *urls, size_t nurls, int64_t now, int max)
{
	store_webhook_target t = { 0, urls, nurls };

	return pg_webhook_enqueue_each(s, &t, 1, now, max);
}

/* The target that takes business bid's events, or NULL. */
static const store_webhook_target *
target_of(const store_webhook_target *t, size_t nt, int64_t bid)
{
	for (size_t i = 0; i < nt; i++)
		if (t[i].business_id == 0 || t[i].business_id == bid)
			return &t[i];
	return NULL;
}

int
pg_webhook_enqueue_each(store *s, const store_webhook_target *tg, size_t nt, int64_t now,
			int max)
{
	static const char *const place =
		"INSERT INTO deliver_cursors (name, value) SELECT 'webhooks', coalesce(max(id), 0)"
		" FROM events ON CONFLICT (name) DO NOTHING";
	static const char *const queue =
		"INSERT INTO webhook_deliveries (business_id, event_id, url, send_at, created_at,"
		" updated_at) VALUES ($1, $2, $3, $4, $4, $4) ON CONFLICT (event_id, url) DO NOTHING";
	pg_store *p = pg_of(s);
	pg_params pc = { 0 };
	PGresult *cur, *evs;
	int n;

	/* The cursor's row, locked: enqueuers on several nodes take turns. */
	cur = pg_run(p, "SELECT value FROM deliver_cursors WHERE name = 'webhooks' FOR UPDATE",
		     NULL);
	if (cur == NULL)
		return -1;
	if (PQntuples(cur) == 0) {
		/* The first call only places it at the newest event. */
		PQclear(cur);
		return pg_run_done(p, place, NULL);
	}
	pg_int(&pc, pg_get_int(cur, 0, 0));
	PQclear(cur);
	pg_int(&pc, max);
	if ((evs = pg_run(p, "SELECT id, business_id FROM events WHERE id > $1 ORDER BY id"
			  " LIMIT $2", &pc)) == NULL)
		return -1;
	n = PQntuples(evs);
	for (int i = 0; i < n; i++) {
		const store_webhook_target *t = target_of(tg, nt, pg_get_int(evs, i, 1));

		/* A business no target names: its events pass (the cursor moves on). */
		for (size_t u = 0; t != NULL && u < t->nurls; u++) {
			pg_params pq = { 0 };

			pg_int(&pq, pg_get_int(evs, i, 1));
			pg_int(&pq, pg_get_int(evs, i, 0));
			pg_text(&pq, t->urls[u]);
			pg_int(&pq, now);
			if (pg_run_done(p, queue, &pq) < 0) {
				PQclear(evs);
				return -1;
			}
		}
	}
	if (n > 0) {
		pg_params pv = { 0 };

		pg_int(&pv, pg_get_int(evs, n - 1, 0));
		if (pg_run_done(p, "UPDATE deliver_cursors SET value = $1 WHERE name = 'webhooks'",
				&pv) < 0)
			n = -1;
	}
	PQclear(evs);
	return n;
}

int
pg_webhook_due(store *s, int64_t now, int64_t *ids, int max)
{
	pg_params pp = { 0 };

	pg_int(&pp, now);
	pg_int(&pp, max);
	return pg_collect_ids(pg_run(pg_of(s), "SELECT id FROM webhook_deliveries"
				     " WHERE state = 'queued' AND send_at <= $1"
				     " ORDER BY send_at, id LIMIT $2 FOR UPDATE SKIP LOCKED", &pp),
			      ids, max);
}

int64_t
pg_webhook_next_due(store *s)
{
	PGresult *r = pg_run(pg_of(s), "SELECT min(send_at) FROM webhook_deliveries"
			     " WHERE state = 'queued'", NULL);
	int64_t v;

	if (r == NULL)
		return -1;
	v = pg_get_int(r, 0, 0);	/* NULL, none queued: 0 */
	PQclear(r);
	return v;
}

int
pg_webhook_claim(store *s, int64_t id, int64_t now, store_webhook *w)
{
	static const char *const sel =
		"SELECT d.url, d.attempts, e.id, e.type, e.at, e.actor, e.text, l.id, l.name,"
		" l.phone, l.email, l.source, l.kind, l.service, l.stage, l.status, l.owner,"
		" d.event_id, d.business_id"
		" FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id"
		" LEFT JOIN leads l ON l.id = e.lead_id WHERE d.id = $1 AND d.state = 'queued'"
		" FOR UPDATE OF d SKIP LOCKED";
	static const int text_cols[STORE_WEBHOOK_NTEXTS] = { 3, 5, 6, 8, 9, 10, 11, 12, 13, 14,
							     15, 16 };
	store_text t[STORE_WEBHOOK_NTEXTS];
	pg_store *p = pg_of(s);
	pg_params pp = { 0 }, pu = { 0 };
	PGresult *r;

	memset(w, 0, sizeof *w);
	pg_int(&pp, id);
	if ((r = pg_run(p, sel, &pp)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;	/* absent, not queued, or another node's claim holds it */
	}
	if (PQgetisnull(r, 0, 2) || PQgetisnull(r, 0, 7)) {
		char why[96];

		snprintf(why, sizeof why, "event %lld or its lead no longer exists: nothing to post",
			 (long long)pg_get_int(r, 0, 17));
		PQclear(r);
		return pg_webhook_bury(s, id, why, now) < 0 ? -1 : STORE_WEBHOOK_DEAD;
	}
	w->id = id;
	w->url = pg_get_strdup(r, 0, 0);
	w->attempts = (int)pg_get_int(r, 0, 1) + 1;
	w->event_id = pg_get_int(r, 0, 2);
	w->business_id = pg_get_int(r, 0, 18);
	for (int i = 0; i < STORE_WEBHOOK_NTEXTS; i++)
		t[i] = (store_text){ PQgetisnull(r, 0, text_cols[i]) ? NULL :
				     PQgetvalue(r, 0, text_cols[i]),
				     (size_t)PQgetlength(r, 0, text_cols[i]) };
	store_webhook_payload(w, pg_get_int(r, 0, 4), pg_get_int(r, 0, 7), t);
	PQclear(r);
	if (w->url == NULL || w->type == NULL || w->payload == NULL)
		goto fail;
	pg_int(&pu, now);
	pg_int(&pu, id);
	pg_text(&pu, p->node[0] ? p->node : NULL);
	pg_int(&pu, p->lease_s > 0 ? p->lease_s : STORE_LEASE_DEFAULT);
	if (pg_run_done(p, "UPDATE webhook_deliveries SET state = 'sending',"
			" attempts = attempts + 1, updated_at = $1, lease_owner = $3,"
			" lease_until = " PG_DB_NOW " + $4"
			" WHERE id = $2 AND state = 'queued'", &pu) < 0)
		goto fail;
	return 1;
fail:
	store_webhook_free(w);
	return -1;
}

int
pg_webhook_finish(store *s, int64_t id, const char *state, int status, const char *error,
		  int64_t send_at, int64_t now)
{
	pg_params pp = { 0 };

	pg_text(&pp, state);
	if (status != 0)
		pg_int(&pp, status);
	else
		pg_text(&pp, NULL);
	pg_text(&pp, error);
	if (send_at > 0)
		pg_int(&pp, send_at);
	else
		pg_text(&pp, NULL);
	pg_int(&pp, now);
	pg_int(&pp, id);
	return pg_run_done(pg_of(s), "UPDATE webhook_deliveries SET state = $1, status = $2,"
			   " last_error = $3, send_at = coalesce($4::bigint, send_at),"
			   " updated_at = $5 WHERE id = $6 AND state = 'sending'", &pp);
}

int
pg_webhook_defer(store *s, int64_t id, int64_t send_at, const char *error, int64_t now)
{
	pg_params pp = { 0 };

	pg_int(&pp, send_at);
	pg_text(&pp, error);
	pg_int(&pp, now);
	pg_int(&pp, id);
	return pg_run_done(pg_of(s), "UPDATE webhook_deliveries SET send_at = $1,"
			   " last_error = $2, updated_at = $3 WHERE id = $4 AND state = 'queued'",
			   &pp);
}

int
pg_webhook_bury(store *s, int64_t id, const char *error, int64_t now)
{
	pg_params pp = { 0 };

	pg_text(&pp, error);
	pg_int(&pp, now);
	pg_int(&pp, id);
	return pg_run_done(pg_of(s), "UPDATE webhook_deliveries SET state = 'dead',"
			   " last_error = $1, updated_at = $2 WHERE id = $3 AND state = 'queued'",
			   &pp);
}

int
pg_webhook_recover(store *s)
{
	PGresult *r = pg_run(pg_of(s), "UPDATE webhook_deliveries SET state = 'queued'"
			     " WHERE state = 'sending'", NULL);
	int n;

	if (r == NULL)
		return -1;
	n = atoi(PQcmdTuples(r));
	PQclear(r);
	return n;
}

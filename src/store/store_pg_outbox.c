/*
 * store_pg_outbox.c - the PostgreSQL engine's outbox rows: store_outbox.c's
 * operations in PostgreSQL's words (the states, their edges and what a
 * claim decides are shared). Several nodes may dispatch one outbox: a claim
 * locks its row (FOR UPDATE SKIP LOCKED), so a row another node is claiming
 * right now is skipped, not waited for, and one that node has claimed is
 * found `sending`, not queued: each message is claimed once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_common.h"
#include "store_pg.h"

int
pg_outbox_due(store *s, const char *channel, int64_t now, int64_t *ids, int max)
{
	pg_params pp = { 0 };

	pg_int(&pp, now);
	pg_text(&pp, channel);
	pg_int(&pp, max);
	return pg_collect_ids(pg_run(pg_of(s), "SELECT id FROM outbox WHERE state = 'queued'"
				  " AND send_at <= $1 AND channel = $2 ORDER BY send_at, id"
				  " LIMIT $3 FOR UPDATE SKIP LOCKED", &pp), ids, max);
}

int
pg_outbox_due_for(store *s, int64_t business_id, const char *channel, int64_t now, int64_t *ids,
		  int max)
{
	pg_params pp = { 0 };

	pg_int(&pp, now);
	pg_text(&pp, channel);
	pg_int(&pp, max);
	pg_int(&pp, business_id);
	return pg_collect_ids(pg_run(pg_of(s), "SELECT id FROM outbox WHERE business_id = $4"
				  " AND state = 'queued' AND send_at <= $1 AND channel = $2"
				  " ORDER BY send_at, id LIMIT $3 FOR UPDATE SKIP LOCKED", &pp),
			      ids, max);
}

int64_t
pg_outbox_next_due(store *s)
{
	PGresult *r = pg_run(pg_of(s), "SELECT min(send_at) FROM outbox WHERE state = 'queued'",
			     NULL);
	int64_t v;

	if (r == NULL)
		return -1;
	v = pg_get_int(r, 0, 0);	/* NULL, none queued: 0 */
	PQclear(r);
	return v;
}

int
pg_outbox_claim(store *s, int64_t id, int64_t now, outbox_msg *m)
{
	static const char *const sel =
		"SELECT o.state, o.send_at, o.purpose, o.channel, o.person, o.recipient,"
		" o.subject, o.body, o.business_id, o.lead_id, o.attempts, l.owner,"
		" l.sms_opt_out, l.email_opt_out, l.flags, (l.id IS NULL)::int,"
		" EXISTS (SELECT 1 FROM outbox p WHERE p.lead_id = o.lead_id"
		"  AND p.channel = 'sms' AND p.recipient = o.recipient"
		"  AND p.state IN ('sent', 'delivered'))::int"
		" FROM outbox o LEFT JOIN leads l ON l.id = o.lead_id WHERE o.id = $1"
		" FOR UPDATE OF o SKIP LOCKED";
	pg_params pp = { 0 };
	store_outbox_lead l;
	PGresult *r;

	memset(m, 0, sizeof *m);
	pg_int(&pp, id);
	if ((r = pg_run(pg_of(s), sel, &pp)) == NULL)
		return -1;
	/* Absent, held by another node's claim, not queued or not due. */
	if (PQntuples(r) != 1 || strcmp(PQgetvalue(r, 0, 0), "queued") != 0 ||
	    pg_get_int(r, 0, 1) > now) {
		PQclear(r);
		return OUTBOX_SKIPPED;
	}
	m->id = id;
	m->send_at = pg_get_int(r, 0, 1);
	m->purpose = pg_get_strdup(r, 0, 2);
	m->channel = pg_get_strdup(r, 0, 3);
	m->person = pg_get_strdup(r, 0, 4);
	m->recipient = pg_get_strdup(r, 0, 5);
	m->subject = pg_get_strdup(r, 0, 6);
	m->body = pg_get_strdup(r, 0, 7);
	m->business_id = pg_get_int(r, 0, 8);
	m->lead_id = pg_get_int(r, 0, 9);
	m->attempts = (int)pg_get_int(r, 0, 10) + 1;
	m->owner = pg_get_strdup(r, 0, 11);
	m->texted_before = pg_get_int(r, 0, 16) != 0;
	l = (store_outbox_lead){ .sms_opt_out = (int)pg_get_int(r, 0, 12),
				 .email_opt_out = (int)pg_get_int(r, 0, 13),
				 .flags = (unsigned)pg_get_int(r, 0, 14),
				 .orphan = pg_get_int(r, 0, 15) != 0 };
	PQclear(r);
	return store_outbox_claim_row(s, id, now, m, &l);
}

int
pg_outbox_defer(store *s, int64_t id, int64_t send_at, const char *error, int64_t now)
{
	pg_params pp = { 0 };

	pg_int(&pp, send_at);
	pg_text(&pp, error);
	pg_int(&pp, now);
	pg_int(&pp, id);
	return pg_changed(pg_of(s), "UPDATE outbox SET send_at = $1, last_error = $2,"
		       " updated_at = $3 WHERE id = $4 AND state = 'queued'", &pp);
}

int
pg_outbox_bury(store *s, int64_t id, const char *error, int64_t task_id, int64_t now)
{
	int rc = pg_outbox_move(s, id, OUTBOX_QUEUED, OUTBOX_SENDING, NULL, now);

	if (rc != 1)
		return rc;
	return pg_outbox_move(s, id, OUTBOX_SENDING, OUTBOX_FAILED,
			      &(outbox_update){ .error = error, .task_id = task_id }, now);
}

int
pg_outbox_load(store *s, int64_t id, outbox_msg *m)
{
	static const char *const sel =
		"SELECT o.send_at, o.purpose, o.channel, o.person, o.recipient, o.subject, o.body,"
		" o.business_id, o.lead_id, o.attempts, l.owner"
		" FROM outbox o LEFT JOIN leads l ON l.id = o.lead_id WHERE o.id = $1";
	pg_params pp = { 0 };
	PGresult *r;

	memset(m, 0, sizeof *m);
	pg_int(&pp, id);
	if ((r = pg_run(pg_of(s), sel, &pp)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;
	}
	m->id = id;
	m->send_at = pg_get_int(r, 0, 0);
	m->purpose = pg_get_strdup(r, 0, 1);
	m->channel = pg_get_strdup(r, 0, 2);
	m->person = pg_get_strdup(r, 0, 3);
	m->recipient = pg_get_strdup(r, 0, 4);
	m->subject = pg_get_strdup(r, 0, 5);
	m->body = pg_get_strdup(r, 0, 6);
	m->business_id = pg_get_int(r, 0, 7);
	m->lead_id = pg_get_int(r, 0, 8);
	m->attempts = (int)pg_get_int(r, 0, 9);
	m->owner = pg_get_strdup(r, 0, 10);
	PQclear(r);
	if (m->channel == NULL || m->recipient == NULL || m->body == NULL) {
		outbox_msg_free(m);
		return -1;
	}
	return 1;
}

int
pg_outbox_move(store *s, int64_t id, outbox_state from, outbox_state to,
	       const outbox_update *u, int64_t now)
{
	static const char *const sql =
		"UPDATE outbox SET state = $1, updated_at = $2,"
		" attempts = attempts + $3,"
		" provider_id = coalesce($4, provider_id),"
		" last_error = coalesce($5, last_error),"
		" error_code = coalesce($6::bigint, error_code),"
		" send_at = coalesce($7::bigint, send_at),"
		" task_id = coalesce($8::bigint, task_id),"
		" provider = coalesce($9, provider)"
		" WHERE id = $10 AND state = $11";
	static const outbox_update none;
	pg_params pp = { 0 };

	if (!outbox_state_allowed(from, to)) {
		/* As store_outbox.c: continuing could send a message twice. */
		fprintf(stderr, "leadkeep: bug: outbox %lld: illegal transition %s -> %s\n",
			(long long)id, outbox_state_name(from), outbox_state_name(to));
		abort();
	}
	if (u == NULL)
		u = &none;
	pg_text(&pp, outbox_state_name(to));
	pg_int(&pp, now);
	pg_int(&pp, to == OUTBOX_SENDING ? 1 : 0);
	pg_text(&pp, u->provider_id && *u->provider_id ? u->provider_id : NULL);
	pg_text(&pp, u->error);
	if (u->error_code != 0)
		pg_int(&pp, u->error_code);
	else
		pg_text(&pp, NULL);
	if (u->send_at > 0)
		pg_int(&pp, u->send_at);
	else
		pg_text(&pp, NULL);
	if (u->task_id > 0)
		pg_int(&pp, u->task_id);
	else
		pg_text(&pp, NULL);
	pg_text(&pp, u->provider);
	pg_int(&pp, id);
	pg_text(&pp, outbox_state_name(from));
	return pg_changed(pg_of(s), sql, &pp);
}

int
pg_outbox_get(store *s, int64_t id, outbox_state *state, char *pid, size_t pidlen,
	      int64_t *lead_id, int64_t *task_id)
{
	pg_params pp = { 0 };
	PGresult *r;

	pg_int(&pp, id);
	if ((r = pg_run(pg_of(s), "SELECT state, provider_id, lead_id, task_id FROM outbox"
			" WHERE id = $1", &pp)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;
	}
	if (outbox_state_parse(PQgetvalue(r, 0, 0), state) < 0) {
		PQclear(r);
		return -1;
	}
	if (pid != NULL && pidlen > 0)
		snprintf(pid, pidlen, "%s", PQgetvalue(r, 0, 1));
	if (lead_id != NULL)
		*lead_id = pg_get_int(r, 0, 2);
	if (task_id != NULL)
		*task_id = pg_get_int(r, 0, 3);
	PQclear(r);
	return 1;
}

int
pg_outbox_in_state(store *s, outbox_state state, int64_t *ids, int max)
{
	pg_params pp = { 0 };

	pg_text(&pp, outbox_state_name(state));
	pg_int(&pp, max);
	return pg_collect_ids(pg_run(pg_of(s), "SELECT id FROM outbox WHERE state = $1"
				  " ORDER BY id LIMIT $2", &pp), ids, max);
}

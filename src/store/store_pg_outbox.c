/*
 * store_pg_outbox.c - the PostgreSQL engine's outbox rows: store_outbox.c's
 * operations in PostgreSQL's words (the states, their edges and what a
 * claim decides are shared). Several nodes may dispatch one outbox: a claim
 * locks its row (FOR UPDATE SKIP LOCKED), so a row another node is claiming
 * right now is skipped, not waited for, and one that node has claimed is
 * found `sending`, not queued: each message is claimed once. A claim carries
 * its node's lease (store_node.h, store_pg_node.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_common.h"
#include "store_due.h"
#include "store_node.h"
#include "store_pg.h"
#include "util/mono.h"

/*
 * Where the due scan starts. Each claim leaves the row's queued version
 * behind in the queued rows' index; vacuum removes it, but not while any
 * session anywhere keeps a transaction open, and a scan from the start of
 * the index then walks past every claim made since (bench/pg_claim.sh). So
 * the scan starts DUE_MARGIN seconds before the earliest row it last
 * returned: what was claimed longer ago is skipped. A row that appears
 * below that floor - committed more than DUE_MARGIN after its send_at was
 * set, from a node whose clock is that far behind, or released by a claim
 * rolled back on another node - waits for the next scan from the start,
 * every DUE_RESCAN seconds (and at every new connection).
 */
#define DUE_MARGIN 10
#define DUE_RESCAN 10

/* The floor for channel (1 email, 0 sms); 0 when the next scan must start
 * from the start (then the next one after it is due in DUE_RESCAN). */
static int64_t
due_floor(pg_store *p, int ch)
{
	if (mono_ns() >= p->due_full_ns) {
		p->due_full_ns = mono_ns() + (int64_t)DUE_RESCAN * 1000000000;
		p->due_floor[0] = p->due_floor[1] = 0;
	}
	return p->due_floor[ch];
}

int
pg_outbox_due(store *s, const char *channel, int64_t now, int64_t *ids, int max)
{
	pg_store *p = pg_of(s);
	int ch = strcmp(channel, "email") == 0, n = 0;
	pg_params pp = { 0 };
	PGresult *r;

	pg_int(&pp, now);
	pg_text(&pp, channel);
	pg_int(&pp, max);
	pg_int(&pp, due_floor(p, ch));
	if ((r = pg_run(p, "SELECT id, send_at FROM outbox WHERE state = 'queued'"
			" AND send_at <= $1 AND send_at >= $4 AND channel = $2"
			" ORDER BY send_at, id LIMIT $3 FOR UPDATE SKIP LOCKED", &pp)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && n < max; i++)
		ids[n++] = pg_get_int(r, i, 0);
	if (n > 0)	/* in send_at order: row 0 is the earliest */
		p->due_floor[ch] = pg_get_int(r, 0, 1) - DUE_MARGIN;
	PQclear(r);
	return n;
}

/* A loose index scan of outbox_due_by_business (store_due.h). */
int
pg_outbox_due_businesses(store *s, int64_t now, int64_t *ids, int max)
{
	return pg_due_businesses(pg_of(s), STORE_OUTBOX_DUE_BUSINESSES_SQL("$1", "$2"), now,
				 ids, max);
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
	pg_store *p = pg_of(s);
	pg_params pp = { 0 };
	PGresult *r;
	int64_t v;

	/* From the lower floor, for the reason above. */
	pg_int(&pp, p->due_floor[0] < p->due_floor[1] ? p->due_floor[0] : p->due_floor[1]);
	if ((r = pg_run(p, "SELECT min(send_at) FROM outbox WHERE state = 'queued'"
			" AND send_at >= $1", &pp)) == NULL)
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
		" provider = coalesce($9, provider),"
		" lease_owner = CASE WHEN $1 = 'sending' THEN $12 ELSE lease_owner END,"
		" lease_until = CASE WHEN $1 = 'sending' THEN " PG_DB_NOW " + $13 ELSE 0 END"
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
	/* A claim holds a lease (store_node.h); a connection that did not join
	 * as a node claims for the default lease, in no node's name. The lease
	 * ends when the row leaves `sending`; its owner stays, saying which
	 * node sent it (or held it when it died). */
	pg_text(&pp, pg_of(s)->node[0] ? pg_of(s)->node : NULL);
	pg_int(&pp, pg_of(s)->lease_s > 0 ? pg_of(s)->lease_s : STORE_LEASE_DEFAULT);
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

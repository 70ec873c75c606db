/*
 * store_outbox.c - outbox delivery states and their transitions: delivery's
 * own queue. It writes nothing about the lead: what an outcome means for the
 * lead is decided by the engine and applied by store_apply(). This file only
 * guarantees that rows move along legal edges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_due.h"
#include "store_internal.h"
#include "store_outbox.h"

static const char *const state_names[OUTBOX_NSTATES] = {
	[OUTBOX_QUEUED] = "queued",	[OUTBOX_SENDING] = "sending",
	[OUTBOX_SENT] = "sent",		[OUTBOX_DELIVERED] = "delivered",
	[OUTBOX_FAILED] = "failed",	[OUTBOX_DEAD] = "dead",
	[OUTBOX_UNKNOWN] = "unknown",	[OUTBOX_CANCELLED] = "cancelled",
};

/* allowed[from] = bit set of legal `to` states. Terminal states have none. */
#define B(s) (1u << (s))
static const unsigned allowed[OUTBOX_NSTATES] = {
	[OUTBOX_QUEUED] = B(OUTBOX_SENDING) | B(OUTBOX_CANCELLED),
	[OUTBOX_SENDING] = B(OUTBOX_QUEUED) | B(OUTBOX_SENT) | B(OUTBOX_DELIVERED) |
			   B(OUTBOX_FAILED) | B(OUTBOX_DEAD) | B(OUTBOX_UNKNOWN),
	/* A status callback may report what happened after acceptance... */
	[OUTBOX_SENT] = B(OUTBOX_DELIVERED) | B(OUTBOX_FAILED),
	/* ...and it is how an unknown outcome is resolved without a human. */
	[OUTBOX_UNKNOWN] = B(OUTBOX_SENT) | B(OUTBOX_DELIVERED) | B(OUTBOX_FAILED),
};
#undef B

const char *
outbox_state_name(outbox_state s)
{
	return (unsigned)s < OUTBOX_NSTATES ? state_names[s] : "invalid";
}

int
outbox_state_parse(const char *name, outbox_state *out)
{
	for (int i = 0; name != NULL && i < OUTBOX_NSTATES; i++) {
		if (strcmp(name, state_names[i]) == 0) {
			*out = (outbox_state)i;
			return 0;
		}
	}
	return -1;
}

bool
outbox_state_allowed(outbox_state from, outbox_state to)
{
	if ((unsigned)from >= OUTBOX_NSTATES || (unsigned)to >= OUTBOX_NSTATES)
		return false;
	return (allowed[from] & (1u << to)) != 0;
}

void
outbox_msg_free(outbox_msg *m)
{
	if (m == NULL)
		return;
	free(m->person);
	free(m->channel);
	free(m->recipient);
	free(m->subject);
	free(m->body);
	free(m->purpose);
	free(m->owner);
	memset(m, 0, sizeof *m);
}

int
sqlite_outbox_due(store *s, const char *channel, int64_t now, int64_t *ids, int max)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id FROM outbox WHERE state = 'queued'"
				      " AND send_at <= ?1 AND channel = ?2"
				      " ORDER BY send_at, id LIMIT ?3");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	store_bind_text(st, 2, channel);
	sqlite3_bind_int(st, 3, max);
	return store_collect_ids(st, ids, max);
}

/* A loose index scan of outbox_due_by_business (store_due.h). */
int
sqlite_outbox_due_businesses(store *s, int64_t now, int64_t *ids, int max)
{
	static const char *const sql = STORE_OUTBOX_DUE_BUSINESSES_SQL("?1", "?2");

	return store_due_businesses(s, sql, now, ids, max);
}

int
sqlite_outbox_due_for(store *s, int64_t business_id, const char *channel, int64_t now,
		      int64_t *ids, int max)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id FROM outbox INDEXED BY outbox_due_by_business"
				      " WHERE business_id = ?4 AND state = 'queued'"
				      " AND send_at <= ?1 AND channel = ?2"
				      " ORDER BY send_at, id LIMIT ?3");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	store_bind_text(st, 2, channel);
	sqlite3_bind_int(st, 3, max);
	sqlite3_bind_int64(st, 4, business_id);
	return store_collect_ids(st, ids, max);
}

int64_t
sqlite_outbox_next_due(store *s)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT min(send_at) FROM outbox WHERE state = 'queued'");
	int64_t v = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

/* Whether a lead-facing message on this channel may no longer go out. */
static bool
lead_unreachable(const char *channel, int sms_out, int email_out, unsigned flags)
{
	if (flags & (LEAD_MAYBE_OPT_OUT_SMS | LEAD_MAYBE_OPT_OUT_EMAIL))
		return true;	/* the lead may have asked to stop: a person decides first */
	if (strcmp(channel, "sms") == 0)
		return sms_out || (flags & (LEAD_PHONE_INVALID | LEAD_NO_TEXTS));
	return email_out || (flags & LEAD_EMAIL_INVALID);
}

int
store_outbox_claim_row(store *s, int64_t id, int64_t now, outbox_msg *m,
		       const store_outbox_lead *l)
{
	const char *purpose = m->purpose ? m->purpose : "";
	bool lead_facing = strcmp(purpose, "ack") == 0 || strcmp(purpose, "followup") == 0;
	bool blocked = lead_facing && m->channel &&
		       lead_unreachable(m->channel, l->sms_opt_out, l->email_opt_out, l->flags);
	int rc;

	if (l->orphan) {
		/* Nobody to send it to or to tell: out of the queue, saying why. */
		if ((rc = store_outbox_bury(s, id, "its lead no longer exists", 0, now)) != 1) {
			outbox_msg_free(m);
			return rc < 0 ? -1 : OUTBOX_SKIPPED;
		}
		return OUTBOX_UNUSABLE;
	}
	if (m->channel == NULL || m->recipient == NULL || m->body == NULL) {
		outbox_msg_free(m);
		return -1;
	}
	if (blocked) {
		/* Opt-out is honoured at once, even for rows queued before it. */
		rc = store_outbox_move(s, id, OUTBOX_QUEUED, OUTBOX_CANCELLED,
				       &(outbox_update){ .error = "recipient opted out or unreachable" },
				       now);
		if (rc < 0) {
			outbox_msg_free(m);
			return -1;
		}
		return OUTBOX_CANCELED_OPT_OUT;
	}
	if ((rc = store_outbox_move(s, id, OUTBOX_QUEUED, OUTBOX_SENDING, NULL, now)) != 1) {
		outbox_msg_free(m);
		return rc < 0 ? -1 : OUTBOX_SKIPPED;
	}
	return OUTBOX_CLAIMED;
}

int
sqlite_outbox_claim(store *s, int64_t id, int64_t now, outbox_msg *m)
{
	static const char *const sel =
		"SELECT o.state, o.send_at, o.purpose, o.channel, o.person, o.recipient,"
		" o.subject, o.body, o.business_id, o.lead_id, o.attempts, l.owner,"
		" l.sms_opt_out, l.email_opt_out, l.flags, l.id IS NULL,"
		" EXISTS (SELECT 1 FROM outbox p WHERE p.lead_id = o.lead_id"
		"  AND p.channel = 'sms' AND p.recipient = o.recipient"
		"  AND p.state IN ('sent', 'delivered'))"
		" FROM outbox o LEFT JOIN leads l ON l.id = o.lead_id WHERE o.id = ?1";
	sqlite3_stmt *st = store_stmt(s, sel);
	const char *state;
	store_outbox_lead l;
	int rc;

	memset(m, 0, sizeof *m);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? OUTBOX_SKIPPED : -1;
	}
	state = (const char *)sqlite3_column_text(st, 0);
	if (state == NULL || strcmp(state, "queued") != 0 || sqlite3_column_int64(st, 1) > now) {
		sqlite3_reset(st);
		return OUTBOX_SKIPPED;
	}
	m->id = id;
	m->send_at = sqlite3_column_int64(st, 1);
	m->purpose = store_col_strdup(st, 2);
	m->channel = store_col_strdup(st, 3);
	m->person = store_col_strdup(st, 4);
	m->recipient = store_col_strdup(st, 5);
	m->subject = store_col_strdup(st, 6);
	m->body = store_col_strdup(st, 7);
	m->business_id = sqlite3_column_int64(st, 8);
	m->lead_id = sqlite3_column_int64(st, 9);
	m->attempts = sqlite3_column_int(st, 10) + 1;
	m->owner = store_col_strdup(st, 11);
	m->texted_before = sqlite3_column_int(st, 16) != 0;
	l = (store_outbox_lead){ .sms_opt_out = sqlite3_column_int(st, 12),
				 .email_opt_out = sqlite3_column_int(st, 13),
				 .flags = (unsigned)sqlite3_column_int(st, 14),
				 .orphan = sqlite3_column_int(st, 15) != 0 };
	sqlite3_reset(st);
	return store_outbox_claim_row(s, id, now, m, &l);
}

int
sqlite_outbox_defer(store *s, int64_t id, int64_t send_at, const char *error, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE outbox SET send_at = ?1, last_error = ?2,"
				      " updated_at = ?3 WHERE id = ?4 AND state = 'queued'");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, send_at);
	store_bind_text(st, 2, error);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, id);
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

int
sqlite_outbox_bury(store *s, int64_t id, const char *error, int64_t task_id, int64_t now)
{
	int rc = store_outbox_move(s, id, OUTBOX_QUEUED, OUTBOX_SENDING, NULL, now);

	if (rc != 1)
		return rc;
	return store_outbox_move(s, id, OUTBOX_SENDING, OUTBOX_FAILED,
				 &(outbox_update){ .error = error, .task_id = task_id }, now);
}

int
sqlite_outbox_load(store *s, int64_t id, outbox_msg *m)
{
	static const char *const sel =
		"SELECT o.send_at, o.purpose, o.channel, o.person, o.recipient, o.subject, o.body,"
		" o.business_id, o.lead_id, o.attempts, l.owner"
		" FROM outbox o LEFT JOIN leads l ON l.id = o.lead_id WHERE o.id = ?1";
	sqlite3_stmt *st = store_stmt(s, sel);
	int rc;

	memset(m, 0, sizeof *m);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	m->id = id;
	m->send_at = sqlite3_column_int64(st, 0);
	m->purpose = store_col_strdup(st, 1);
	m->channel = store_col_strdup(st, 2);
	m->person = store_col_strdup(st, 3);
	m->recipient = store_col_strdup(st, 4);
	m->subject = store_col_strdup(st, 5);
	m->body = store_col_strdup(st, 6);
	m->business_id = sqlite3_column_int64(st, 7);
	m->lead_id = sqlite3_column_int64(st, 8);
	m->attempts = sqlite3_column_int(st, 9);
	m->owner = store_col_strdup(st, 10);
	sqlite3_reset(st);
	if (m->channel == NULL || m->recipient == NULL || m->body == NULL) {
		outbox_msg_free(m);
		return -1;
	}
	return 1;
}

int
sqlite_outbox_move(store *s, int64_t id, outbox_state from, outbox_state to,
		  const outbox_update *u, int64_t now)
{
	static const char *const sql =
		"UPDATE outbox SET state = ?1, updated_at = ?2,"
		" attempts = attempts + ?3,"
		" provider_id = coalesce(?4, provider_id),"
		" last_error = coalesce(?5, last_error),"
		" error_code = coalesce(?6, error_code),"
		" send_at = coalesce(?7, send_at),"
		" task_id = coalesce(?8, task_id),"
		" provider = coalesce(?9, provider)"
		" WHERE id = ?10 AND state = ?11";
	static const outbox_update none;
	sqlite3_stmt *st;

	if (!outbox_state_allowed(from, to)) {
		/* A delivery state machine that takes an impossible edge is broken:
		 * continuing could send a message twice. Stop loudly. */
		fprintf(stderr, "leadkeep: bug: outbox %lld: illegal transition %s -> %s\n",
			(long long)id, outbox_state_name(from), outbox_state_name(to));
		abort();
	}
	if (u == NULL)
		u = &none;
	if ((st = store_stmt(s, sql)) == NULL)
		return -1;
	store_bind_text(st, 1, outbox_state_name(to));
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, to == OUTBOX_SENDING ? 1 : 0);
	store_bind_text(st, 4, u->provider_id && *u->provider_id ? u->provider_id : NULL);
	store_bind_text(st, 5, u->error);
	if (u->error_code != 0)
		sqlite3_bind_int(st, 6, u->error_code);
	if (u->send_at > 0)
		sqlite3_bind_int64(st, 7, u->send_at);
	if (u->task_id > 0)
		sqlite3_bind_int64(st, 8, u->task_id);
	store_bind_text(st, 9, u->provider);
	sqlite3_bind_int64(st, 10, id);
	store_bind_text(st, 11, outbox_state_name(from));
	if (store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

int
sqlite_outbox_get(store *s, int64_t id, outbox_state *state, char *pid, size_t pidlen,
		 int64_t *lead_id, int64_t *task_id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT state, provider_id, lead_id, task_id"
				      " FROM outbox WHERE id = ?1");
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	if (outbox_state_parse((const char *)sqlite3_column_text(st, 0), state) < 0) {
		sqlite3_reset(st);
		return -1;
	}
	if (pid != NULL && pidlen > 0) {
		const char *p = (const char *)sqlite3_column_text(st, 1);

		snprintf(pid, pidlen, "%s", p ? p : "");
	}
	if (lead_id != NULL)
		*lead_id = sqlite3_column_int64(st, 2);
	if (task_id != NULL)
		*task_id = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	return 1;
}

int
sqlite_outbox_in_state(store *s, outbox_state state, int64_t *ids, int max)
{
	/* For the states outbox_by_state covers, the IN term lets the planner use
	 * that partial index (SQLite does not infer it from "state = ?1" alone);
	 * without it the start-up recovery scans the whole outbox (0.3 s at
	 * 3,000,000 rows, growing with it). */
	static const char *const indexed =
		"SELECT id FROM outbox WHERE state IN ('sending', 'unknown') AND state = ?1"
		" ORDER BY id LIMIT ?2";
	static const char *const any = "SELECT id FROM outbox WHERE state = ?1 ORDER BY id LIMIT ?2";
	sqlite3_stmt *st = store_stmt(s, state == OUTBOX_SENDING || state == OUTBOX_UNKNOWN ?
				      indexed : any);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, outbox_state_name(state));
	sqlite3_bind_int(st, 2, max);
	return store_collect_ids(st, ids, max);
}

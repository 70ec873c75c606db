/*
 * store_webhook.c - webhook delivery rows and the events cursor that feeds
 * them (see store_webhook.h). Prepared SQL only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_common.h"
#include "store_internal.h"
#include "store_webhook.h"
#include "util/utf8.h"

/* The cursor's value, or -1 when it was never placed (-2 on error). */
static int64_t
cursor_get(store *s)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT value FROM deliver_cursors WHERE name = 'webhooks'");
	int64_t v;
	int rc;

	if (st == NULL)
		return -2;
	rc = sqlite3_step(st);
	v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? -1 : -2;
	sqlite3_reset(st);
	return v;
}

static int
cursor_set(store *s, int64_t v)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO deliver_cursors (name, value)"
				      " VALUES ('webhooks', ?1) ON CONFLICT(name)"
				      " DO UPDATE SET value = excluded.value");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, v);
	return store_step_done(st);
}

int
sqlite_webhook_enqueue(store *s, const char *const *urls, size_t nurls, int64_t now, int max)
{
	store_webhook_target t = { 0, urls, nurls };

	return sqlite_webhook_enqueue_each(s, &t, 1, now, max);
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
sqlite_webhook_enqueue_each(store *s, const store_webhook_target *tg, size_t nt, int64_t now,
			    int max)
{
	sqlite3_stmt *st, *ins;
	int64_t cur = cursor_get(s), last = 0;
	int n = 0, rc;

	if (cur == -2)
		return -1;
	if (cur == -1) {
		if ((st = store_stmt(s, "SELECT coalesce(max(id), 0) FROM events")) == NULL ||
		    sqlite3_step(st) != SQLITE_ROW)
			return -1;
		last = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return cursor_set(s, last) < 0 ? -1 : 0;
	}
	if ((st = store_stmt(s, "SELECT id, business_id FROM events WHERE id > ?1"
			     " ORDER BY id LIMIT ?2")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, cur);
	sqlite3_bind_int(st, 2, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t ev = sqlite3_column_int64(st, 0), bid = sqlite3_column_int64(st, 1);
		const store_webhook_target *t = target_of(tg, nt, bid);

		/* A business no target names: its events pass (the cursor moves on). */
		for (size_t i = 0; t != NULL && i < t->nurls; i++) {
			if ((ins = store_stmt(s, "INSERT OR IGNORE INTO webhook_deliveries"
					      " (business_id, event_id, url, send_at, created_at,"
					      " updated_at) VALUES (?1, ?2, ?3, ?4, ?4, ?4)")) == NULL)
				goto fail;
			sqlite3_bind_int64(ins, 1, bid);
			sqlite3_bind_int64(ins, 2, ev);
			store_bind_text(ins, 3, t->urls[i]);
			sqlite3_bind_int64(ins, 4, now);
			if (store_step_done(ins) < 0)
				goto fail;
		}
		last = ev;
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	return n > 0 && cursor_set(s, last) < 0 ? -1 : n;
fail:
	sqlite3_reset(st);
	return -1;
}

int
sqlite_webhook_due(store *s, int64_t now, int64_t *ids, int max)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id FROM webhook_deliveries WHERE state = 'queued'"
				      " AND send_at <= ?1 ORDER BY send_at, id LIMIT ?2");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	return store_collect_ids(st, ids, max);
}

int64_t
sqlite_webhook_next_due(store *s)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT min(send_at) FROM webhook_deliveries"
				      " WHERE state = 'queued'");
	int64_t v = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

/* A value as a JSON string; bytes that are not UTF-8 become U+FFFD, so one
 * bad byte never keeps an event from being posted. NULL only on OOM. */
static json_t *
col(store_text t)
{
	char *clean;
	size_t n = t.n;
	json_t *j;

	if (t.v == NULL)
		return json_null();
	if ((j = json_stringn(t.v, n)) != NULL)
		return j;
	if ((clean = utf8_sanitize(t.v, n, &n, NULL)) == NULL)
		return NULL;
	j = json_stringn(clean, n);
	free(clean);
	return j;
}

static json_t *
iso(int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

void
store_webhook_payload(store_webhook *w, int64_t at, int64_t lead_id, const store_text *t)
{
	static const char *const names[] = { "name", "phone", "email", "source", "kind",
					     "service", "stage", "status", "owner" };
	json_t *who = json_pack("{s:I}", "id", (json_int_t)lead_id);

	for (int i = 0; who && i < 9; i++)
		json_object_set_new(who, names[i], col(t[3 + i]));
	w->type = t[0].v ? strndup(t[0].v, t[0].n) : NULL;
	w->payload = who ? json_pack("{s:I,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)w->event_id,
				      "type", col(t[0]), "at", iso(at), "actor", col(t[1]),
				      "text", col(t[2]), "lead", who) : NULL;
}

int
sqlite_webhook_claim(store *s, int64_t id, int64_t now, store_webhook *w)
{
	static const char *const sel =
		"SELECT d.url, d.attempts, e.id, e.type, e.at, e.actor, e.text, l.id, l.name,"
		" l.phone, l.email, l.source, l.kind, l.service, l.stage, l.status, l.owner,"
		" d.event_id, d.business_id"
		" FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id"
		" LEFT JOIN leads l ON l.id = e.lead_id WHERE d.id = ?1 AND d.state = 'queued'";
	static const int text_cols[STORE_WEBHOOK_NTEXTS] = { 3, 5, 6, 8, 9, 10, 11, 12, 13, 14,
							     15, 16 };
	store_text t[STORE_WEBHOOK_NTEXTS];
	sqlite3_stmt *st;
	int rc;

	memset(w, 0, sizeof *w);
	if ((st = store_stmt(s, sel)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	if (sqlite3_column_type(st, 2) == SQLITE_NULL || sqlite3_column_type(st, 7) == SQLITE_NULL) {
		char why[96];

		snprintf(why, sizeof why, "event %lld or its lead no longer exists: nothing to post",
			 (long long)sqlite3_column_int64(st, 17));
		sqlite3_reset(st);
		return store_webhook_bury(s, id, why, now) < 0 ? -1 : STORE_WEBHOOK_DEAD;
	}
	w->id = id;
	w->url = store_col_strdup(st, 0);
	w->attempts = sqlite3_column_int(st, 1) + 1;
	w->event_id = sqlite3_column_int64(st, 2);
	w->business_id = sqlite3_column_int64(st, 18);
	for (int i = 0; i < STORE_WEBHOOK_NTEXTS; i++)
		t[i] = (store_text){ (const char *)sqlite3_column_text(st, text_cols[i]),
				     (size_t)sqlite3_column_bytes(st, text_cols[i]) };
	store_webhook_payload(w, sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 7), t);
	sqlite3_reset(st);
	if (w->url == NULL || w->type == NULL || w->payload == NULL)
		goto fail;
	if ((st = store_stmt(s, "UPDATE webhook_deliveries SET state = 'sending',"
			     " attempts = attempts + 1, updated_at = ?1"
			     " WHERE id = ?2 AND state = 'queued'")) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	if (store_step_done(st) < 0)
		goto fail;
	return 1;
fail:
	store_webhook_free(w);
	return -1;
}

void
store_webhook_free(store_webhook *w)
{
	if (w == NULL)
		return;
	free(w->url);
	free(w->type);
	json_decref(w->payload);
	memset(w, 0, sizeof *w);
}

int
sqlite_webhook_finish(store *s, int64_t id, const char *state, int status, const char *error,
		     int64_t send_at, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE webhook_deliveries SET state = ?1, status = ?2,"
				      " last_error = ?3, send_at = coalesce(?4, send_at),"
				      " updated_at = ?5 WHERE id = ?6 AND state = 'sending'");

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, state);
	if (status != 0)
		sqlite3_bind_int(st, 2, status);
	store_bind_text(st, 3, error);
	if (send_at > 0)
		sqlite3_bind_int64(st, 4, send_at);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, id);
	return store_step_done(st);
}

int
sqlite_webhook_defer(store *s, int64_t id, int64_t send_at, const char *error, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE webhook_deliveries SET send_at = ?1,"
				      " last_error = ?2, updated_at = ?3"
				      " WHERE id = ?4 AND state = 'queued'");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, send_at);
	store_bind_text(st, 2, error);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, id);
	return store_step_done(st);
}

int
sqlite_webhook_bury(store *s, int64_t id, const char *error, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE webhook_deliveries SET state = 'dead',"
				      " last_error = ?1, updated_at = ?2"
				      " WHERE id = ?3 AND state = 'queued'");

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, error);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, id);
	return store_step_done(st);
}

int
sqlite_webhook_recover(store *s)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE webhook_deliveries SET state = 'queued'"
				      " WHERE state = 'sending'");

	if (st == NULL || store_step_done(st) < 0)
		return -1;
	return sqlite3_changes(s->db);
}

/*
 * store.c - the store's operations, each forwarded to the engine behind the
 * store (store_backend.h). Opening picks the engine; nothing else here
 * knows one.
 */
#include <stdio.h>
#include <string.h>

#include "store_backend.h"
#include "store_pg.h"

static inline const store_backend *
be(store *s)
{
	return store_backend_of(s);
}

bool
store_is_address(const char *data)
{
	return data != NULL && (strncmp(data, "postgres://", 11) == 0 ||
				strncmp(data, "postgresql://", 13) == 0);
}

void
store_data_shown(const char *data, char *buf, size_t len)
{
	const char *rest;
	size_t host, end;

	if (!store_is_address(data)) {
		snprintf(buf, len, "%s", data ? data : "");
		return;
	}
	rest = strstr(data, "://") + 3;
	/* user:password@ ends at the last @ of the part before the path. */
	host = strcspn(rest, "/?#");
	for (size_t i = host; i > 0; i--)
		if (rest[i - 1] == '@') {
			rest += i;
			break;
		}
	end = strcspn(rest, "?#");
	snprintf(buf, len, "postgres://%.*s", (int)end, rest);
}

store *
store_open(const char *dir, char *err, size_t errlen)
{
	if (store_is_address(dir))
		return store_pg_open(dir, err, errlen);
	return store_sqlite_open(dir, err, errlen);
}

void
store_close(store *s)
{
	if (s != NULL)
		be(s)->close(s);
}

int
store_set_throwaway(store *s)
{
	return be(s)->set_throwaway(s);
}

int64_t
store_data_version(store *s)
{
	return be(s)->data_version(s);
}

bool
store_busy(store *s)
{
	return be(s)->busy(s);
}

const char *
store_errmsg(store *s)
{
	return be(s)->errmsg(s);
}

int
store_schema_version(store *s)
{
	return be(s)->schema_version(s);
}

int
store_migrate_to(store *s, int version, char *err, size_t errlen)
{
	return be(s)->migrate_to(s, version, err, errlen);
}

int
store_begin(store *s)
{
	return be(s)->begin(s);
}

int
store_commit(store *s)
{
	return be(s)->commit(s);
}

void
store_rollback(store *s)
{
	be(s)->rollback(s);
}

bool
store_in_transaction(store *s)
{
	return be(s)->in_transaction(s);
}

int
store_savepoint(store *s)
{
	return be(s)->savepoint(s);
}

int
store_release(store *s)
{
	return be(s)->release(s);
}

void
store_rollback_savepoint(store *s)
{
	be(s)->rollback_savepoint(s);
}

void
store_set_bus(store *s, store_bus *bus)
{
	be(s)->set_bus(s, bus);
}

int64_t
store_business_sync(store *s, const rules *r, char *err, size_t errlen)
{
	return be(s)->business_sync(s, r, err, errlen);
}

int64_t
store_lead_find_open(store *s, int64_t business_id, const char *phone, const char *email,
		     int64_t since)
{
	return be(s)->lead_find_open(s, business_id, phone, email, since);
}

int64_t
store_lead_find_customer(store *s, int64_t business_id, const char *phone, const char *email)
{
	return be(s)->lead_find_customer(s, business_id, phone, email);
}

int
store_lead_state_load(store *s, int64_t business_id, int64_t id, int64_t now,
		      int64_t touch_window, store_lead_state **out, char *err, size_t errlen)
{
	return be(s)->lead_state_load(s, business_id, id, now, touch_window, out, err, errlen);
}

int
store_lead_prepare(store *s, int64_t business_id, const store_new_lead *nl, int64_t now,
		   store_lead_state **out, char *err, size_t errlen)
{
	return be(s)->lead_prepare(s, business_id, nl, now, out, err, errlen);
}

int
store_lead_create(store *s, store_lead_state *ls, const decision *d, const char *actor,
		  int64_t now, int64_t *first_task, char *err, size_t errlen)
{
	return be(s)->lead_create(s, ls, d, actor, now, first_task, err, errlen);
}

void
store_set_observer(store *s, store_observer fn, void *ctx)
{
	be(s)->set_observer(s, fn, ctx);
}

int
store_apply(store *s, int64_t business_id, int64_t lead_id, const decision *d, const char *actor,
	    int64_t now, int64_t *first_task, char *err, size_t errlen)
{
	return be(s)->apply(s, business_id, lead_id, d, actor, now, first_task, err, errlen);
}

int
store_timers_due(store *s, int64_t now, store_timer *out, int max)
{
	return be(s)->timers_due(s, now, out, max);
}

int
store_timer_move(store *s, int64_t timer_id, timer_state from, timer_state to, int64_t now)
{
	return be(s)->timer_move(s, timer_id, from, to, now);
}

int
store_timer_claim(store *s, int64_t timer_id, int64_t now)
{
	return be(s)->timer_claim(s, timer_id, now);
}

int64_t
store_timer_next_due(store *s)
{
	return be(s)->timer_next_due(s);
}

int
store_timer_set_error(store *s, int64_t timer_id)
{
	return be(s)->timer_set_error(s, timer_id);
}

int64_t
store_task_lead(store *s, int64_t business_id, int64_t task_id)
{
	return be(s)->task_lead(s, business_id, task_id);
}

int64_t
store_task_oldest_open(store *s, int64_t lead_id, const char *verb)
{
	return be(s)->task_oldest_open(s, lead_id, verb);
}

int
store_token_create(store *s, int64_t business_id, const char *name, const char *role,
		   int64_t now, char *token, int64_t *id, char *err, size_t errlen)
{
	return be(s)->token_create(s, business_id, name, role, now, token, id, err, errlen);
}

int
store_token_check(store *s, const char *token, int64_t *business_id, int64_t *token_id,
		  char *role, size_t rolelen)
{
	return be(s)->token_check(s, token, business_id, token_id, role, rolelen);
}

int
store_token_revoke(store *s, int64_t business_id, int64_t id, int64_t now)
{
	return be(s)->token_revoke(s, business_id, id, now);
}

int
store_idem_get(store *s, int64_t business_id, const char *key, const char *req_hash, int *status,
	       char **body, bool *same)
{
	return be(s)->idem_get(s, business_id, key, req_hash, status, body, same);
}

int
store_idem_put(store *s, int64_t business_id, const char *key, const char *req_hash, int status,
	       const char *body, int64_t now)
{
	return be(s)->idem_put(s, business_id, key, req_hash, status, body, now);
}

int
store_task_state(store *s, int64_t business_id, int64_t task_id, char *buf, size_t len)
{
	return be(s)->task_state(s, business_id, task_id, buf, len);
}

int
store_outbox_due(store *s, const char *channel, int64_t now, int64_t *ids, int max)
{
	return be(s)->outbox_due(s, channel, now, ids, max);
}

int64_t
store_outbox_next_due(store *s)
{
	return be(s)->outbox_next_due(s);
}

int
store_outbox_claim(store *s, int64_t id, int64_t now, outbox_msg *m)
{
	return be(s)->outbox_claim(s, id, now, m);
}

int
store_outbox_load(store *s, int64_t id, outbox_msg *m)
{
	return be(s)->outbox_load(s, id, m);
}

int
store_outbox_move(store *s, int64_t id, outbox_state from, outbox_state to,
		  const outbox_update *u, int64_t now)
{
	return be(s)->outbox_move(s, id, from, to, u, now);
}

int
store_outbox_get(store *s, int64_t id, outbox_state *state, char *pid, size_t pidlen,
		 int64_t *lead_id, int64_t *task_id)
{
	return be(s)->outbox_get(s, id, state, pid, pidlen, lead_id, task_id);
}

int
store_outbox_in_state(store *s, outbox_state st, int64_t *ids, int max)
{
	return be(s)->outbox_in_state(s, st, ids, max);
}

int
store_webhook_enqueue(store *s, const char *const *urls, size_t nurls, int64_t now, int max)
{
	return be(s)->webhook_enqueue(s, urls, nurls, now, max);
}

int
store_webhook_due(store *s, int64_t now, int64_t *ids, int max)
{
	return be(s)->webhook_due(s, now, ids, max);
}

int64_t
store_webhook_next_due(store *s)
{
	return be(s)->webhook_next_due(s);
}

int
store_webhook_claim(store *s, int64_t id, int64_t now, store_webhook *w)
{
	return be(s)->webhook_claim(s, id, now, w);
}

int
store_webhook_finish(store *s, int64_t id, const char *state, int status, const char *error,
		     int64_t send_at, int64_t now)
{
	return be(s)->webhook_finish(s, id, state, status, error, send_at, now);
}

int
store_webhook_recover(store *s)
{
	return be(s)->webhook_recover(s);
}

int
store_lead_read(store *s, int64_t business_id, int64_t id, const store_lead_visitor *v,
		void *ctx)
{
	return be(s)->lead_read(s, business_id, id, v, ctx);
}

int
store_leads_read(store *s, int64_t business_id, const store_lead_filter *f, void (*fn)(void *ctx,
		 const store_lead_row *r), void *ctx)
{
	return be(s)->leads_read(s, business_id, f, fn, ctx);
}

int
store_appointments_read(store *s, int64_t business_id, const store_appointment_filter *f,
			void (*fn)(void *ctx, const store_appointment_row *r), void *ctx)
{
	return be(s)->appointments_read(s, business_id, f, fn, ctx);
}

int
store_tasks_read(store *s, int64_t business_id, const char *assignee, const char *state,
		 int limit, void (*fn)(void *ctx, const store_task_row *r), void *ctx)
{
	return be(s)->tasks_read(s, business_id, assignee, state, limit, fn, ctx);
}

int
store_tokens_read(store *s, int64_t business_id, void (*fn)(void *ctx, const store_token_row *r),
		  void *ctx)
{
	return be(s)->tokens_read(s, business_id, fn, ctx);
}

int
store_probe(store *s)
{
	return be(s)->probe(s);
}

int
store_outbox_defer(store *s, int64_t id, int64_t send_at, const char *error, int64_t now)
{
	return be(s)->outbox_defer(s, id, send_at, error, now);
}

int
store_outbox_bury(store *s, int64_t id, const char *error, int64_t task_id, int64_t now)
{
	return be(s)->outbox_bury(s, id, error, task_id, now);
}

int
store_webhook_defer(store *s, int64_t id, int64_t send_at, const char *error, int64_t now)
{
	return be(s)->webhook_defer(s, id, send_at, error, now);
}

int
store_webhook_bury(store *s, int64_t id, const char *error, int64_t now)
{
	return be(s)->webhook_bury(s, id, error, now);
}

int
store_backup(store *s, const char *path, char *err, size_t errlen)
{
	return be(s)->backup(s, path, err, errlen);
}

int
store_restore(store *s, const char *path, char *err, size_t errlen)
{
	return be(s)->restore(s, path, err, errlen);
}

int
store_stats_read(store *s, int64_t now, int64_t late_after, store_stats *out)
{
	return be(s)->stats(s, now, late_after, out);
}

int
store_health_read(store *s, int64_t business_id, int64_t now, int64_t since, int64_t dead_since,
		  int64_t late_after, store_health *out)
{
	if (be(s)->health_read == NULL)
		return -1;	/* an engine without it yet */
	return be(s)->health_read(s, business_id, now, since, dead_since, late_after, out);
}

int
store_health_arrivals(store *s, int64_t business_id, int64_t since, int64_t now,
		      int max_per_source, void (*fn)(void *ctx, const char *source, int64_t at),
		      void *ctx)
{
	if (be(s)->health_arrivals == NULL)
		return -1;
	return be(s)->health_arrivals(s, business_id, since, now, max_per_source, fn, ctx);
}

int
store_calendar_token(store *s, int64_t business_id, const char *person, int64_t now, char *token,
		     char *err, size_t errlen)
{
	return be(s)->calendar_token(s, business_id, person, now, token, err, errlen);
}

int
store_calendar_revoke(store *s, int64_t business_id, const char *person, int64_t now)
{
	return be(s)->calendar_revoke(s, business_id, person, now);
}

int
store_calendar_check(store *s, const char *token, int64_t *business_id, char *person,
		     size_t personlen)
{
	return be(s)->calendar_check(s, token, business_id, person, personlen);
}

int
store_rules_activate(store *s, int64_t business_id, const char *hash, const char *text,
		     const char *by, int64_t now, char *prev, size_t prevlen)
{
	return be(s)->rules_activate(s, business_id, hash, text, by, now, prev, prevlen);
}

int
store_rules_text(store *s, int64_t business_id, const char *hash, char **text)
{
	return be(s)->rules_text(s, business_id, hash, text);
}

int
store_rules_active(store *s, int64_t business_id, char *hash, size_t hashlen, int64_t *at,
		   char *by, size_t bylen)
{
	return be(s)->rules_active(s, business_id, hash, hashlen, at, by, bylen);
}

int
store_rules_history(store *s, int64_t business_id, int limit,
		    void (*fn)(void *ctx, const store_rules_row *r), void *ctx)
{
	return be(s)->rules_history(s, business_id, limit, fn, ctx);
}

int
store_leads_off_version(store *s, int64_t business_id, const char *hash, int64_t after,
			int64_t *ids, int max)
{
	return be(s)->leads_off_version(s, business_id, hash, after, ids, max);
}

int
store_lead_pending_step(store *s, int64_t lead_id, store_timer *out)
{
	return be(s)->lead_pending_step(s, lead_id, out);
}

int
store_owner_open_leads(store *s, int64_t business_id, const char *owner, int64_t *count)
{
	return be(s)->owner_open_leads(s, business_id, owner, count);
}

int
store_assignee_leads(store *s, int64_t business_id, const char *assignee, int64_t after,
		     int64_t *ids, int max)
{
	return be(s)->assignee_leads(s, business_id, assignee, after, ids, max);
}

int
store_report_leads(store *s, int64_t business_id,
		   void (*fn)(void *ctx, const store_report_lead *r), void *ctx)
{
	/* an engine without reports (PostgreSQL, for now) fails the read */
	return be(s)->report_leads != NULL ? be(s)->report_leads(s, business_id, fn, ctx) : -1;
}

int
store_report_events(store *s, int64_t business_id,
		    void (*fn)(void *ctx, const store_report_event *r), void *ctx)
{
	return be(s)->report_events != NULL ? be(s)->report_events(s, business_id, fn, ctx) : -1;
}

int
store_report_tasks(store *s, int64_t business_id,
		   void (*fn)(void *ctx, const store_report_task *r), void *ctx)
{
	return be(s)->report_tasks != NULL ? be(s)->report_tasks(s, business_id, fn, ctx) : -1;
}

int
store_report_timers(store *s, int64_t business_id,
		    void (*fn)(void *ctx, const store_report_timer *r), void *ctx)
{
	return be(s)->report_timers != NULL ? be(s)->report_timers(s, business_id, fn, ctx) : -1;
}

int
store_report_acks(store *s, int64_t business_id,
		      void (*fn)(void *ctx, const store_report_ack *r), void *ctx)
{
	return be(s)->report_acks != NULL ? be(s)->report_acks(s, business_id, fn, ctx) : -1;
}

int
store_report_changed(store *s, int64_t *after,
		     void (*fn)(void *ctx, int64_t business_id, int64_t newest), void *ctx)
{
	return be(s)->report_changed != NULL ? be(s)->report_changed(s, after, fn, ctx) : -1;
}

store *
store_report_reader(store *s)
{
	return be(s)->report_reader != NULL ? be(s)->report_reader(s) : NULL;
}

int
store_digest_claim(store *s, int64_t business_id, const char *week, const char *recipient,
		 int64_t now)
{
	return be(s)->digest_claim(s, business_id, week, recipient, now);
}

int
store_digest_finish(store *s, int64_t business_id, const char *week, const char *recipient,
		 const char *state,
		    const char *error, int64_t retry_at, int64_t now)
{
	return be(s)->digest_finish(s, business_id, week, recipient, state, error, retry_at, now);
}

int
store_digest_recover(store *s, int64_t business_id, int64_t now)
{
	return be(s)->digest_recover(s, business_id, now);
}

int
store_digest_get(store *s, int64_t business_id, const char *week, const char *recipient,
		 char *state, size_t statelen,
		 int *attempts)
{
	return be(s)->digest_get(s, business_id, week, recipient, state, statelen, attempts);
}

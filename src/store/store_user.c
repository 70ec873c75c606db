/*
 * store_user.c - the web app's store operations (store_user.h,
 * store_web.h), each forwarded to the engine behind the store
 * (store_user_backend.h, reached through store_backend.h). Nothing here
 * knows an engine.
 */
#include <string.h>

#include "store_backend.h"

static inline const store_user_backend *
be(store *s)
{
	return store_backend_of(s)->user;
}

bool
store_user_role_valid(const char *role)
{
	static const char *const roles[] = { "admin", "manager", "office", "sales", "technician",
					     NULL };

	for (size_t i = 0; role != NULL && roles[i]; i++)
		if (strcmp(role, roles[i]) == 0)
			return true;
	return false;
}

int
store_user_create(store *s, int64_t business_id, const char *email, const char *name,
		  const char *role, const char *person, int64_t now, int64_t *id, char *err,
		  size_t errlen)
{
	return be(s)->create(s, business_id, email, name, role, person, now, id, err, errlen);
}

int
store_user_get(store *s, int64_t business_id, int64_t id, store_user *out)
{
	return be(s)->get(s, business_id, id, out);
}

int
store_user_find(store *s, int64_t business_id, const char *email, store_user *out)
{
	return be(s)->find(s, business_id, email, out);
}

int
store_users_read(store *s, int64_t business_id, void (*fn)(void *ctx, const store_user *u),
		 void *ctx)
{
	return be(s)->users_read(s, business_id, fn, ctx);
}

int
store_user_count(store *s, int64_t business_id)
{
	return be(s)->count(s, business_id);
}

int
store_user_set_password(store *s, int64_t business_id, int64_t id, const char *hash,
			int64_t now)
{
	return be(s)->set_password(s, business_id, id, hash, now);
}

int
store_user_sign_in_failed(store *s, int64_t business_id, int64_t id, int max,
			  int64_t lock_secs, int64_t now, int64_t *locked_until)
{
	return be(s)->sign_in_failed(s, business_id, id, max, lock_secs, now, locked_until);
}

int
store_user_sign_in_ok(store *s, int64_t business_id, int64_t id, int64_t now)
{
	return be(s)->clear_failures(s, business_id, id, now);
}

int
store_user_unlock(store *s, int64_t business_id, int64_t id, int64_t now)
{
	return be(s)->clear_failures(s, business_id, id, now);
}

int
store_session_create(store *s, int64_t business_id, int64_t user_id, int64_t now, int64_t ttl,
		     char *token, char *csrf, char *err, size_t errlen)
{
	return be(s)->session_create(s, business_id, user_id, now, ttl, token, csrf, err, errlen);
}

int
store_session_find(store *s, int64_t business_id, const char *token, int64_t now,
		   store_session *sess, store_user *user)
{
	return be(s)->session_find(s, business_id, token, now, sess, user);
}

int
store_session_extend(store *s, int64_t business_id, int64_t id, int64_t expires_at)
{
	return be(s)->session_extend(s, business_id, id, expires_at);
}

int
store_session_end(store *s, int64_t business_id, const char *token)
{
	return be(s)->session_end(s, business_id, token);
}

int
store_session_end_all(store *s, int64_t business_id, int64_t user_id)
{
	return be(s)->session_end_all(s, business_id, user_id);
}

int
store_pwtoken_create(store *s, int64_t business_id, int64_t user_id, int64_t now, int64_t ttl,
		     char *token, char *err, size_t errlen)
{
	return be(s)->pwtoken_create(s, business_id, user_id, now, ttl, token, err, errlen);
}

int
store_pwtoken_find(store *s, int64_t business_id, const char *token, int64_t now,
		   int64_t *user_id)
{
	return be(s)->pwtoken_find(s, business_id, token, now, user_id);
}

int
store_pwtoken_use(store *s, int64_t business_id, const char *token, int64_t now,
		  int64_t *user_id)
{
	return be(s)->pwtoken_use(s, business_id, token, now, user_id);
}

int
store_queue_read(store *s, int64_t business_id, const char *assignee, int limit,
		 void (*fn)(void *ctx, const store_queue_row *r), void *ctx)
{
	return be(s)->queue_read(s, business_id, assignee, limit, fn, ctx);
}

int
store_task_brief(store *s, int64_t business_id, int64_t task_id, int64_t *lead_id, char *verb,
		 size_t len)
{
	return be(s)->task_brief(s, business_id, task_id, lead_id, verb, len);
}

int
store_lead_worked_by(store *s, int64_t business_id, int64_t lead_id, const char *person)
{
	return be(s)->lead_worked_by(s, business_id, lead_id, person);
}

int
store_queue_next(store *s, int64_t business_id, const char *assignee, int64_t after_due,
		 int64_t after_id, int64_t until, void (*fn)(void *ctx, const store_queue_row *r),
		 void *ctx)
{
	return be(s)->queue_next(s, business_id, assignee, after_due, after_id, until, fn, ctx);
}

int
store_queue_page(store *s, int64_t business_id, const char *assignee, int64_t after_due,
		 int64_t after_id, int limit, void (*fn)(void *ctx, const store_queue_row *r),
		 void *ctx)
{
	return be(s)->queue_page(s, business_id, assignee, after_due, after_id, limit, fn, ctx);
}

int
store_pipeline_read(store *s, int64_t business_id, const store_pipeline_filter *f,
		    void (*fn)(void *ctx, const store_lead_brief *r), void *ctx)
{
	return be(s)->pipeline_read(s, business_id, f, fn, ctx);
}

int
store_team_read(store *s, int64_t business_id, int64_t now, int64_t day_start, int64_t day_end,
		void (*fn)(void *ctx, const store_team_row *r), void *ctx)
{
	return be(s)->team_read(s, business_id, now, day_start, day_end, fn, ctx);
}

int
store_first_event_read(store *s, int64_t business_id, int64_t from, int64_t to,
		       const char *type,
		       void (*fn)(void *ctx, const char *owner, int64_t created_at,
				  int64_t first_at),
		       void *ctx)
{
	return be(s)->first_event_read(s, business_id, from, to, type, fn, ctx);
}

int
store_unattended_read(store *s, int64_t business_id, int limit,
		      void (*fn)(void *ctx, const store_lead_brief *r), void *ctx)
{
	return be(s)->unattended_read(s, business_id, limit, fn, ctx);
}

int
store_search_read(store *s, int64_t business_id, const char *q, const char *digits,
		  const char *person, int limit,
		  void (*fn)(void *ctx, const store_lead_brief *r), void *ctx)
{
	return be(s)->search_read(s, business_id, q, digits, person, limit, fn, ctx);
}

/* --- across businesses ------------------------------------------------------------ */

int
store_user_find_all(store *s, const char *email, store_user *out, int max)
{
	return be(s)->find_all(s, email, out, max);
}

int
store_session_find_any(store *s, const char *token, int64_t now, store_session *sess,
		       store_user *user)
{
	return be(s)->session_find_any(s, token, now, sess, user);
}

int
store_session_show(store *s, int64_t business_id, int64_t id, int64_t shown)
{
	return be(s)->session_show(s, business_id, id, shown);
}

int
store_user_grant(store *s, int64_t business_id, int64_t id, int64_t to, const char *person,
		 int64_t now)
{
	return be(s)->grant(s, business_id, id, to, person, now);
}

int
store_user_revoke(store *s, int64_t business_id, int64_t id, int64_t from)
{
	return be(s)->revoke(s, business_id, id, from);
}

int
store_user_grants_read(store *s, int64_t business_id, int64_t id,
		       void (*fn)(void *ctx, int64_t business, const char *person), void *ctx)
{
	return be(s)->grants_read(s, business_id, id, fn, ctx);
}

int
store_pwtoken_find_any(store *s, const char *token, int64_t now, int64_t *business_id,
		       int64_t *user_id)
{
	return be(s)->pwtoken_find_any(s, token, now, business_id, user_id);
}

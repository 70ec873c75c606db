/*
 * store_user_backend.h - the staff web app's part of an engine's table of
 * functions (store_backend.h): one entry for each operation of store_user.h
 * and store_web.h. store_user.c forwards every call through the table of
 * the store it is given; store_user_sqlite.c is the SQLite engine's. For
 * the store's own files only.
 */
#ifndef LK_STORE_USER_BACKEND_H
#define LK_STORE_USER_BACKEND_H

#include "store_user.h"
#include "store_web.h"

typedef struct {
	int (*create)(store *s, int64_t business_id, const char *email, const char *name,
		      const char *role, const char *person, int64_t now, int64_t *id, char *err,
		      size_t errlen);
	int (*get)(store *s, int64_t business_id, int64_t id, store_user *out);
	int (*find)(store *s, int64_t business_id, const char *email, store_user *out);
	int (*users_read)(store *s, int64_t business_id,
			  void (*fn)(void *ctx, const store_user *u), void *ctx);
	int (*count)(store *s, int64_t business_id);
	int (*set_password)(store *s, int64_t business_id, int64_t id, const char *hash,
			    int64_t now);
	int (*sign_in_failed)(store *s, int64_t business_id, int64_t id, int max,
			      int64_t lock_secs, int64_t now, int64_t *locked_until);
	int (*clear_failures)(store *s, int64_t business_id, int64_t id, int64_t now);
	int (*session_create)(store *s, int64_t business_id, int64_t user_id, int64_t now,
			      int64_t ttl, char *token, char *csrf, char *err, size_t errlen);
	int (*session_find)(store *s, int64_t business_id, const char *token, int64_t now,
			    store_session *sess, store_user *user);
	int (*session_extend)(store *s, int64_t business_id, int64_t id, int64_t expires_at);
	int (*session_end)(store *s, int64_t business_id, const char *token);
	int (*session_end_all)(store *s, int64_t business_id, int64_t user_id);
	int (*pwtoken_create)(store *s, int64_t business_id, int64_t user_id, int64_t now,
			      int64_t ttl, char *token, char *err, size_t errlen);
	int (*pwtoken_find)(store *s, int64_t business_id, const char *token, int64_t now,
			    int64_t *user_id);
	int (*pwtoken_use)(store *s, int64_t business_id, const char *token, int64_t now,
			   int64_t *user_id);
	/* store_web.h */
	int (*queue_read)(store *s, int64_t business_id, const char *assignee, int limit,
			  void (*fn)(void *ctx, const store_queue_row *r), void *ctx);
	int (*task_brief)(store *s, int64_t business_id, int64_t task_id, int64_t *lead_id,
			  char *verb, size_t len);
	int (*lead_worked_by)(store *s, int64_t business_id, int64_t lead_id,
			      const char *person);
	int (*queue_next)(store *s, int64_t business_id, const char *assignee,
			  int64_t after_due, int64_t after_id, int64_t until,
			  void (*fn)(void *ctx, const store_queue_row *r), void *ctx);
	int (*queue_page)(store *s, int64_t business_id, const char *assignee,
			  int64_t after_due, int64_t after_id, int limit,
			  void (*fn)(void *ctx, const store_queue_row *r), void *ctx);
	int (*pipeline_read)(store *s, int64_t business_id, const store_pipeline_filter *f,
			     void (*fn)(void *ctx, const store_lead_brief *r), void *ctx);
	int (*team_read)(store *s, int64_t business_id, int64_t now, int64_t day_start,
			 int64_t day_end, void (*fn)(void *ctx, const store_team_row *r),
			 void *ctx);
	int (*first_event_read)(store *s, int64_t business_id, int64_t from, int64_t to,
				const char *type,
				void (*fn)(void *ctx, const char *owner, int64_t created_at,
					   int64_t first_at),
				void *ctx);
	int (*unattended_read)(store *s, int64_t business_id, int limit,
			       void (*fn)(void *ctx, const store_lead_brief *r), void *ctx);
	int (*search_read)(store *s, int64_t business_id, const char *q, const char *digits,
			   const char *person, int limit,
			   void (*fn)(void *ctx, const store_lead_brief *r), void *ctx);
	/* store_user.h: across businesses */
	int (*find_all)(store *s, const char *email, store_user *out, int max);
	int (*session_find_any)(store *s, const char *token, int64_t now, store_session *sess,
				store_user *user);
	int (*session_show)(store *s, int64_t business_id, int64_t id, int64_t shown);
	int (*grant)(store *s, int64_t business_id, int64_t id, int64_t to, const char *person,
		     int64_t now);
	int (*revoke)(store *s, int64_t business_id, int64_t id, int64_t from);
	int (*grants_read)(store *s, int64_t business_id, int64_t id,
			   void (*fn)(void *ctx, int64_t business, const char *person), void *ctx);
	int (*pwtoken_find_any)(store *s, const char *token, int64_t now, int64_t *business_id,
				int64_t *user_id);
} store_user_backend;

/* The SQLite engine's (store_user_sqlite.c) and the PostgreSQL engine's
 * (store_pg_user.c, store_pg_web.c). */
extern const store_user_backend store_user_sqlite;
extern const store_user_backend store_user_pg;

#endif

/*
 * store_business.c - the businesses' store operations (store_business.h),
 * forwarded to the engine behind the store. Nothing here knows an engine.
 */
#include <string.h>

#include "store_backend.h"
#include "store_business.h"
#include "store_common.h"

const char *const store_notify_names[3] = { "none", "sms", "email" };

static bool
same_text(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

bool
store_person_same(const rules_person *p, const char *id, const char *name, const char *role,
		  const char *phone, const char *email, const char *notify)
{
	return same_text(p->id, id) && same_text(p->name, name) && same_text(p->role, role) &&
	       same_text(p->phone, phone) && same_text(p->email, email) &&
	       (unsigned)p->notify < 3 && same_text(store_notify_names[p->notify], notify);
}

int64_t
store_business_sync_slug(store *s, const char *slug, const rules *r, char *err,
			 size_t errlen)
{
	return store_backend_of(s)->business_sync_slug(s, slug, r, err, errlen);
}

int
store_timers_due_for(store *s, int64_t business_id, int64_t now, store_timer *out, int max)
{
	return store_backend_of(s)->timers_due_for(s, business_id, now, out, max);
}

int
store_outbox_due_for(store *s, int64_t business_id, const char *channel, int64_t now,
		     int64_t *ids, int max)
{
	return store_backend_of(s)->outbox_due_for(s, business_id, channel, now, ids, max);
}

int
store_outbox_due_businesses(store *s, int64_t now, int64_t *ids, int max)
{
	return store_backend_of(s)->outbox_due_businesses(s, now, ids, max);
}

int
store_timers_due_businesses(store *s, int64_t now, int64_t *ids, int max)
{
	return store_backend_of(s)->timers_due_businesses(s, now, ids, max);
}

int
store_webhook_enqueue_for(store *s, int64_t business_id, const char *const *urls,
			  size_t nurls, int64_t now, int max)
{
	store_webhook_target t = { business_id, urls, nurls };

	return store_backend_of(s)->webhook_enqueue_each(s, &t, 1, now, max);
}

int
store_webhook_enqueue_each(store *s, const store_webhook_target *t, size_t nt, int64_t now,
			   int max)
{
	return store_backend_of(s)->webhook_enqueue_each(s, t, nt, now, max);
}

int
store_business_update(store *s, const char *slug, const char *file, int disabled)
{
	return store_backend_of(s)->business_update(s, slug, file, disabled);
}

int
store_businesses_read(store *s, const char *slug,
		      void (*fn)(void *ctx, const store_business_row *r), void *ctx)
{
	return store_backend_of(s)->businesses_read(s, slug, fn, ctx);
}

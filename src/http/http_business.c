/*
 * http_business.c - which of the install's businesses a request acts for,
 * from what it carries that names one: a source key of its own (its token:
 * http_auth.c). Nothing here guesses: what names no business hosted here is
 * refused by the door.
 */
#include <string.h>

#include "http_internal.h"
#include "intake/intake_sig.h"

/* The businesses hosted now (a SIGHUP may add some: http_set_businesses). */
static size_t
nothers(const http_server *srv)
{
	return __atomic_load_n(&srv->cfg.nothers, __ATOMIC_ACQUIRE);
}

/* b's rules in force, NULL while it is disabled (http_set_businesses). */
static const rules_live *
live_of(const http_business *b)
{
	return __atomic_load_n(&b->live, __ATOMIC_ACQUIRE);
}

const rules_live *
http_business_live(const http_server *srv, int64_t id)
{
	if (id == srv->cfg.business_id)
		return srv->cfg.live;
	for (size_t i = 0; i < nothers(srv); i++)
		if (srv->cfg.others[i].id == id)
			return live_of(&srv->cfg.others[i]);
	return NULL;
}

void
http_set_businesses(http_server *s, size_t n)
{
	__atomic_store_n(&s->cfg.nothers, n, __ATOMIC_RELEASE);
}

const settings_source *
http_source_find(http_req *rq, const char *type, const char *key)
{
	const http_server *srv = rq->srv;
	const settings_source *src = settings_source_find(http_settings(rq), type, key);

	if (src != NULL)
		return src;
	/* serve refused to host a business whose key another already has: at
	 * most one matches. */
	for (size_t i = 0; i < nothers(srv); i++) {
		const http_business *b = &srv->cfg.others[i];

		if (b->sources == NULL || live_of(b) == NULL ||
		    (src = settings_source_find(b->sources, type, key)) == NULL)
			continue;
		rq->business_id = b->id;
		rq->biz_live = live_of(b);
		rq->biz_settings = b->sources;
		http_note(rq, "business=%lld", (long long)b->id);
		return src;
	}
	return NULL;
}

bool
http_twilio_business(http_req *rq, const char *to)
{
	const http_server *srv = rq->srv;
	const settings *own = http_settings(rq);

	if (nothers(srv) == 0)
		return true;	/* one business: every number is its own, as ever */
	if (to != NULL && own->twilio_number != NULL && strcmp(to, own->twilio_number) == 0)
		return true;
	for (size_t i = 0; to != NULL && i < nothers(srv); i++) {
		const http_business *b = &srv->cfg.others[i];

		if (b->sources == NULL || live_of(b) == NULL || b->sources->twilio_number == NULL ||
		    strcmp(to, b->sources->twilio_number) != 0)
			continue;
		rq->business_id = b->id;
		rq->biz_live = live_of(b);
		rq->biz_settings = b->sources;
		http_note(rq, "business=%lld", (long long)b->id);
		return true;
	}
	return false;
}

void
http_keyed_business(http_req *rq, const char *(*key_of)(const settings *st), const char *key)
{
	const http_server *srv = rq->srv;
	const char *own = key_of(http_settings(rq));

	if (key == NULL || nothers(srv) == 0 || (own != NULL && sig_equal(key, own)))
		return;
	for (size_t i = 0; i < nothers(srv); i++) {
		const http_business *b = &srv->cfg.others[i];
		const char *theirs = b->sources != NULL && live_of(b) != NULL ?
				     key_of(b->sources) : NULL;

		if (theirs == NULL || !sig_equal(key, theirs))
			continue;
		rq->business_id = b->id;
		rq->biz_live = live_of(b);
		rq->biz_settings = b->sources;
		http_note(rq, "business=%lld", (long long)b->id);
		return;
	}
}

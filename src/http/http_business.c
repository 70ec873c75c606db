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

/* The request acts for b from here on (noted on its log line when note). */
static void
act_for(http_req *rq, const http_business *b, bool note)
{
	rq->business_id = b->id;
	rq->biz_live = live_of(b);
	rq->biz_settings = b->sources;
	if (note)
		http_note(rq, "business=%lld", (long long)b->id);
}

/* The install's own business again (a notification's next entry). */
static void
act_for_own(http_req *rq)
{
	rq->business_id = rq->srv->cfg.business_id;
	rq->biz_live = NULL;
	rq->biz_settings = NULL;
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
		act_for(rq, b, true);
		return src;
	}
	return NULL;
}

static bool
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

bool
http_twilio_business(http_req *rq, const char *to, const char *service)
{
	const http_server *srv = rq->srv;
	const settings *own = http_settings(rq);

	if (nothers(srv) == 0)
		return true;	/* one business: every number is its own, as ever */
	/* A messaging service names its business before the number does: its
	 * numbers are a pool the business may not list. serve refused to host
	 * a business whose service another has: at most one matches. */
	if (service != NULL && *service != '\0') {
		if (same(service, own->twilio_service))
			return true;
		for (size_t i = 0; i < nothers(srv); i++) {
			const http_business *b = &srv->cfg.others[i];

			if (b->sources != NULL && live_of(b) != NULL &&
			    same(service, b->sources->twilio_service)) {
				act_for(rq, b, true);
				return true;
			}
		}
	}
	if (same(to, own->twilio_number))
		return true;
	for (size_t i = 0; i < nothers(srv); i++) {
		const http_business *b = &srv->cfg.others[i];

		if (b->sources != NULL && live_of(b) != NULL && same(to, b->sources->twilio_number)) {
			act_for(rq, b, true);
			return true;
		}
	}
	return false;
}

bool
http_meta_business(http_req *rq, const char *page_id)
{
	const http_server *srv = rq->srv;
	const settings *own = http_settings(rq);

	act_for_own(rq);
	/* One business that names no page: every page is its own, as ever. */
	if (nothers(srv) == 0 && own->nmeta_pages == 0)
		return true;
	if (settings_meta_page(own, page_id))
		return true;
	/* serve refused to host a business whose page another has: at most one */
	for (size_t i = 0; i < nothers(srv); i++) {
		const http_business *b = &srv->cfg.others[i];

		if (b->sources != NULL && live_of(b) != NULL &&
		    settings_meta_page(b->sources, page_id)) {
			act_for(rq, b, false);
			return true;
		}
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
		act_for(rq, b, true);
		return;
	}
}

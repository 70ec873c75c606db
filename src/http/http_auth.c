/*
 * http_auth.c - bearer tokens for /api/v1: who is calling, may they do this,
 * and have they called too often. The token itself is never logged: only
 * its row id.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_internal.h"
#include "store/store_api.h"
#include "util/mono.h"

static int
rank(const char *role)
{
	if (strcmp(role, STORE_ROLE_ADMIN) == 0)
		return HTTP_ROLE_ADMIN;
	if (strcmp(role, STORE_ROLE_STAFF) == 0)
		return HTTP_ROLE_STAFF;
	if (strcmp(role, STORE_ROLE_INTAKE) == 0)
		return HTTP_ROLE_INTAKE;
	return 0;
}

void
http_auth_business(http_req *rq)
{
	const char *h = http_header(rq, "Authorization");
	int64_t bid = 0, tid = 0;
	char role[16];
	const rules_live *live;
	store *s;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0 || (s = http_store(rq)) == NULL)
		return;
	for (h += 7; *h == ' '; h++)
		;
	if (store_token_check(s, h, &bid, &tid, role, sizeof role) == 0 &&
	    bid != rq->srv->cfg.business_id && (live = http_business_live(rq->srv, bid)) != NULL) {
		rq->business_id = bid;
		rq->biz_live = live;
	}
}

bool
http_auth(http_req *rq, http_role need, enum MHD_Result *ret)
{
	const char *h = http_header(rq, "Authorization");
	const settings *st = http_settings(rq);
	store *s = http_store(rq);
	int64_t bid = 0, tid = 0;
	char key[32];
	int retry = 1, rc;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		*ret = http_error(rq, 401, "unauthorized", "send an API token: \"Authorization: "
				  "Bearer lk_...\" (create one with `leadkeep token create`)", NULL);
		return false;
	}
	if (s == NULL) {
		*ret = http_error(rq, 503, "unavailable", "the database cannot be opened", NULL);
		return false;
	}
	h += 7;
	while (*h == ' ')
		h++;
	rc = store_token_check(s, h, &bid, &tid, rq->role, sizeof rq->role);
	if (rc < 0) {
		*ret = http_error(rq, 503, "unavailable", "the database cannot be read", NULL);
		return false;
	}
	/* A token acts for its own business only; one not hosted here
	 * (disabled) is as good as revoked. */
	if (rc > 0 || (bid != rq->srv->cfg.business_id && http_business_live(rq->srv, bid) == NULL)) {
		*ret = http_error(rq, 401, "unauthorized", "this API token is unknown or revoked",
				  NULL);
		return false;
	}
	if (bid != rq->srv->cfg.business_id) {
		rq->business_id = bid;
		rq->biz_live = http_business_live(rq->srv, bid);
	}
	rq->token_id = tid;
	http_note(rq, "token=%lld", (long long)tid);
	if (rank(rq->role) < (int)need) {
		*ret = http_error(rq, 403, "forbidden", "this token's role may not do this; ask "
				  "for a staff or admin token", NULL);
		return false;
	}
	snprintf(key, sizeof key, "token:%lld", (long long)tid);
	if (!ratelimit_take(rq->srv->limits, key, st->api_rate_count, st->api_rate_period,
			    mono_ns(), &retry)) {
		*ret = http_too_many(rq, retry);
		return false;
	}
	return true;
}

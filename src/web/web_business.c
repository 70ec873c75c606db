/*
 * web_business.c - one web app for every business the install hosts: the
 * business a page shows (in the header of every page), and the switcher of
 * a user granted other businesses (an agency's admins). Which business a
 * session may show is the store's to check (store_session_show: the user's
 * own or one granted); whether this server hosts it, the server's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

#define SWITCH_MAX 64	/* businesses listed in the switcher: the first 64 granted */

const rules *
web_business_rules(const http_server *srv, int64_t id)
{
	const rules_live *l;

	if (id == srv->cfg.business_id)
		return http_rules(srv);
	return (l = http_business_live(srv, id)) != NULL ? rules_live_get(l) : NULL;
}

typedef struct {
	const http_server *srv;
	int64_t ids[SWITCH_MAX];
	int n;
} granted;

static void
on_grant(void *ctx, int64_t business, const char *person)
{
	granted *g = ctx;

	(void)person;
	/* a business not hosted here (disabled, its file broken) is not offered */
	if (g->n < SWITCH_MAX && web_business_rules(g->srv, business) != NULL)
		g->ids[g->n++] = business;
}

static const char *
business_name(const http_server *srv, int64_t id)
{
	const rules *r = web_business_rules(srv, id);

	return r != NULL && r->business.name != NULL ? r->business.name : "leadkeep";
}

void
web_business_bar(web_ctx *c)
{
	granted g = { .srv = c->rq->srv };
	html *h = &c->h;
	store *s = http_store(c->rq);
	html_url u;
	char id[24];

	html_open(h, "span");
	html_attr(h, "class", "business");
	html_attr(h, "id", "business");
	html_text(h, business_name(c->rq->srv, c->business_id));
	html_close(h);
	/* only a user with a grant has a choice; a failed read shows none */
	if (s == NULL || store_user_grants_read(s, c->user.business_id, c->user.id, on_grant,
						&g) <= 0 || g.n == 0)
		return;
	html_url_path(&u, "/app/business");
	html_open(h, "form");
	html_attr(h, "method", "post");
	html_url_attr(h, "action", &u);
	html_attr(h, "class", "switcher");
	web_csrf_field(c);
	html_open(h, "label");
	html_attr(h, "for", "switch-business");
	html_attr(h, "class", "visually-hidden");
	html_text(h, "Business shown");
	html_close(h);
	html_open(h, "select");
	html_attr(h, "id", "switch-business");
	html_attr(h, "name", "business");
	for (int i = -1; i < g.n; i++) {
		int64_t b = i < 0 ? c->user.business_id : g.ids[i];

		if (i < 0 && web_business_rules(c->rq->srv, b) == NULL)
			continue;	/* the user's own, not hosted: only granted ones */
		snprintf(id, sizeof id, "%lld", (long long)b);
		html_open(h, "option");
		html_attr(h, "value", id);
		html_flag(h, "selected", b == c->business_id);
		html_text(h, business_name(c->rq->srv, b));
		html_close(h);
	}
	html_close(h);	/* select */
	html_open(h, "button");
	html_attr(h, "class", "link");
	html_text(h, "Switch");
	html_close(h);
	html_close(h);	/* form */
}

typedef struct {
	int64_t business_id, session_id, shown;
	int rc;
} show_job;

static int
run_show(store *s, void *arg, char *err, size_t errlen)
{
	show_job *j = arg;

	if ((j->rc = store_session_show(s, j->business_id, j->session_id, j->shown)) < 0)
		return snprintf(err, errlen, "%s", store_errmsg(s)), -1;
	return 0;
}

enum MHD_Result
web_business_switch(http_req *rq)
{
	enum MHD_Result ret;
	const char *v;
	char *end = NULL, err[256];
	show_job j = { 0 };
	web_ctx c;
	long long id;

	if (!web_begin_post(&c, rq, &ret))
		goto out;
	v = web_form_get(&c.form, "business");
	id = v != NULL && *v != '\0' ? strtoll(v, &end, 10) : 0;
	/* not a business of this user's, or not hosted here: as if it did not
	 * exist, whichever it is */
	if (id <= 0 || end == NULL || *end != '\0' || web_business_rules(rq->srv, id) == NULL) {
		ret = web_error_page(&c, 404, "Not found", "There is no such business for you.");
		goto out;
	}
	j = (show_job){ c.user.business_id, c.sess.id, id, 0 };
	if (web_write(&c, run_show, &j, err, sizeof err) != FLOW_OK) {
		ret = web_error_page(&c, 503, "Unavailable", "Switching did not work just now. "
				     "Try again in a moment.");
		goto out;
	}
	if (j.rc == 0) {
		http_note(rq, "error=not_granted business=%lld", id);
		ret = web_error_page(&c, 404, "Not found", "There is no such business for you.");
		goto out;
	}
	http_note(rq, "switched_to=%lld", id);
	ret = web_redirect(&c, "/app/", NULL);
out:
	web_end(&c);
	return ret;
}

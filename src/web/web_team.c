/*
 * web_team.c - the team (office, managers, admins): per person, open tasks,
 * due today (not late yet), overdue, done today, and the median time to the
 * first human contact of the leads they own that arrived this week (Monday
 * to now, the business's time); then the promise kept or not - open leads
 * without an owner or without a next action, which must read 0 (when not,
 * they are listed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/tz.h"
#include "store/store_web.h"
#include "web.h"
#include "web_time.h"

#define UNATTENDED_SHOWN 200

typedef struct {
	const char *person;	/* NULL: nobody */
	int open, due_today, overdue, done_today;
	int64_t *firsts;	/* seconds to the first contact, per lead reached */
	size_t nfirsts, capfirsts;
	int arrived;		/* leads that arrived this week */
} member;

typedef struct {
	web_ctx *c;
	member *m;
	size_t n, cap;
	bool failed;
} team;

static member *
member_of(team *t, const char *person)
{
	for (size_t i = 0; i < t->n; i++)
		if ((person == NULL && t->m[i].person == NULL) ||
		    (person && t->m[i].person && strcmp(person, t->m[i].person) == 0))
			return &t->m[i];
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		member *m = realloc(t->m, cap * sizeof *m);

		if (m == NULL) {
			t->failed = true;
			return NULL;
		}
		t->m = m;
		t->cap = cap;
	}
	memset(&t->m[t->n], 0, sizeof t->m[t->n]);
	t->m[t->n].person = web_keep(t->c, person);
	return &t->m[t->n++];
}

static void
on_row(void *ctx, const store_team_row *r)
{
	team *t = ctx;
	member *m = member_of(t, r->person);

	if (m == NULL)
		return;
	m->open = r->open;
	m->due_today = r->due_today;
	m->overdue = r->overdue;
	m->done_today = r->done_today;
}

static void
on_first(void *ctx, const char *owner, int64_t created_at, int64_t first_at)
{
	team *t = ctx;
	member *m = member_of(t, owner);

	if (m == NULL)
		return;
	m->arrived++;
	if (first_at <= 0)
		return;
	if (m->nfirsts == m->capfirsts) {
		size_t cap = m->capfirsts ? m->capfirsts * 2 : 16;
		int64_t *f = realloc(m->firsts, cap * sizeof *f);

		if (f == NULL) {
			t->failed = true;
			return;
		}
		m->firsts = f;
		m->capfirsts = cap;
	}
	m->firsts[m->nfirsts++] = first_at - created_at;
}

static int
cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Monday 00:00 of the business's week around c->now. */
static int64_t
week_start(const web_ctx *c)
{
	tz_local lt;
	int64_t t;

	tz_to_local(c->rules->business.zone, c->now, &lt);
	tz_from_local(c->rules->business.zone, lt.year, lt.month, lt.day - (lt.wday + 6) % 7, 0, 0,
		      &t);
	return t;
}

static void
num(html *h, int v, bool alarm)
{
	html_open(h, "td");
	html_attr(h, "class", alarm && v > 0 ? "num late" : "num");
	html_int(h, v);
	html_close(h);
}

static void
member_row(web_ctx *c, member *m)
{
	html *h = &c->h;
	char med[48];

	html_open(h, "tr");
	html_open(h, "th");
	html_attr(h, "scope", "row");
	html_text(h, m->person ? web_person_name(c, m->person) : "Nobody (unassigned)");
	html_close(h);
	num(h, m->open, false);
	num(h, m->due_today, false);
	num(h, m->overdue, true);
	num(h, m->done_today, false);
	html_open(h, "td");
	html_attr(h, "class", "num");
	if (m->nfirsts > 0) {
		qsort(m->firsts, m->nfirsts, sizeof *m->firsts, cmp_int64);
		web_span(m->nfirsts % 2 ? m->firsts[m->nfirsts / 2] :
			 (m->firsts[m->nfirsts / 2 - 1] + m->firsts[m->nfirsts / 2]) / 2, med,
			 sizeof med);
		html_text(h, med);
	} else {
		html_text(h, "-");
	}
	html_open(h, "span");
	html_attr(h, "class", "meta");
	html_textf(h, " (%zu of %d reached)", m->nfirsts, m->arrived);
	html_close(h);
	html_close(h);	/* td */
	html_close(h);	/* tr */
}

typedef struct {
	int64_t id;
	const char *name, *stage;
	bool owned;
} stray;

typedef struct {
	web_ctx *c;
	stray rows[UNATTENDED_SHOWN];
	int n;
} unattended;

static void
on_unattended(void *ctx, const store_lead_brief *r)
{
	unattended *u = ctx;
	stray *s;

	if (u->n == UNATTENDED_SHOWN)
		return;
	s = &u->rows[u->n++];
	s->id = r->id;
	s->name = web_keep(u->c, r->name);
	s->stage = web_keep(u->c, r->stage);
	s->owned = r->owner != NULL;
}

static void
strays(web_ctx *c, const unattended *u)
{
	html *h = &c->h;

	html_open(h, "ul");
	html_attr(h, "class", "leads");
	for (int i = 0; i < u->n; i++) {
		const stray *s = &u->rows[i];
		html_url url;

		html_open(h, "li");
		html_url_pathf(&url, "/app/leads/%lld", (long long)s->id);
		html_open(h, "a");
		html_url_attr(h, "href", &url);
		html_text(h, s->name && *s->name ? s->name : "(no name)");
		html_close(h);
		html_open(h, "span");
		html_attr(h, "class", "meta");
		html_textf(h, " \xc2\xb7 stage %s \xc2\xb7 %s", s->stage ? s->stage : "-",
			   s->owned ? "no next action" : "no owner");
		html_close(h);
		html_close(h);
	}
	html_close(h);
}

enum MHD_Result
web_team(http_req *rq)
{
	enum MHD_Result ret;
	team t = { 0 };
	unattended *u = calloc(1, sizeof *u);
	int64_t day_start, day_end, week;
	store *s;
	web_ctx c;
	html *h;
	int missing;

	if (!web_begin(&c, rq, true, &ret))
		goto out;
	if (!web_role_sees_team(c.user.role)) {
		ret = web_error_page(&c, 403, "Not allowed", "The team page is for office staff, "
				     "managers and admins.");
		goto out;
	}
	h = &c.h;
	t.c = &c;
	if (u == NULL) {
		ret = web_error_page(&c, 503, "Unavailable", "Out of memory. Try again.");
		goto out;
	}
	u->c = &c;
	web_day_bounds(&c, c.now, &day_start, &day_end);
	week = week_start(&c);
	for (size_t i = 0; i < c.rules->npeople; i++)
		member_of(&t, c.rules->people[i].id);
	if ((s = http_store(rq)) == NULL ||
	    store_team_read(s, c.business_id, c.now, day_start, day_end, on_row, &t) < 0 ||
	    store_first_event_read(s, c.business_id, week, c.now + 1, ENGINE_EVENT_FIRST_CONTACT, on_first,
				   &t) < 0 || t.failed) {
		ret = web_error_page(&c, 503, "Unavailable", "The team's numbers cannot be read just "
				     "now. Try again in a moment.");
		goto done;
	}
	web_page_start(&c, "Team", "team");
	html_open(h, "div");
	html_attr_int(h, "data-now", c.now);
	html_elem(h, "h1", "Team");
	html_open(h, "div");
	html_attr(h, "id", "team");
	html_flag(h, "data-live", true);
	html_open(h, "div");
	html_attr(h, "class", "scroll");
	/* A region that scrolls sideways on a phone must take the keyboard focus. */
	html_attr(h, "tabindex", "0");
	html_attr(h, "role", "region");
	html_attr(h, "aria-label", "Team table");
	html_open(h, "table");
	html_open(h, "caption");
	html_attr(h, "class", "meta");
	html_text(h, "Tasks now and today; first contact for the leads that arrived this week "
		  "(since Monday), by their owner.");
	html_close(h);
	html_open(h, "thead");
	html_open(h, "tr");
	html_th(h, "Person", false);
	html_th(h, "Open", true);
	html_th(h, "Due today", true);
	html_th(h, "Overdue", true);
	html_th(h, "Done today", true);
	html_th(h, "Median to first contact", true);
	html_close(h);
	html_close(h);
	html_open(h, "tbody");
	for (size_t i = 0; i < t.n; i++)
		member_row(&c, &t.m[i]);
	html_close(h);
	html_close(h);	/* table */
	html_close(h);	/* scroll */

	html_elem(h, "h2", "Leads without an owner or a next action");
	html_open(h, "div");
	html_attr(h, "id", "unattended");
	if ((missing = store_unattended_read(s, c.business_id, UNATTENDED_SHOWN, on_unattended,
					     u)) < 0) {
		html_open(h, "p");
		html_attr(h, "class", "notice error");
		html_text(h, "They cannot be counted just now.");
		html_close(h);
	} else if (missing == 0) {
		html_open(h, "p");
		html_attr(h, "class", "notice ok");
		html_text(h, "0 - every open lead has an owner and a next action.");
		html_close(h);
	} else {
		html_open(h, "p");
		html_attr(h, "class", "notice error");
		html_textf(h, "%d open %s without an owner or a next action%s. Give each an owner "
			   "or a task on its page.", missing, missing == 1 ? "lead" : "leads",
			   missing > u->n ? " (the oldest are listed)" : "");
		html_close(h);
		strays(&c, u);
	}
	html_close(h);	/* unattended */
	html_close(h);	/* team */
	html_close(h);	/* div */
	web_page_end(&c);
	ret = web_send(&c, 200, NULL);
done:
	for (size_t i = 0; i < t.n; i++)
		free(t.m[i].firsts);
	free(t.m);
out:
	free(u);
	web_end(&c);
	return ret;
}

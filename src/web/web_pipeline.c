/*
 * web_pipeline.c - the pipeline: leads by stage (the rules' order), each
 * stage with its count, total quote value, median age and the leads in it,
 * longest idle first; stale leads marked. Filters by owner, source and kind.
 * Who sees what as everywhere: office, managers and admins every lead, sales
 * and technicians the leads they work.
 *
 * Stale: no activity on the lead's timeline for longer than its stage's
 * `stale_after` in the rules (a stage without one, and a closed stage, is
 * never stale). A lead's "Move" opens the same stage form as its page
 * (?move=ID): it posts to /app/leads/ID/stage, through the same gates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_api.h"
#include "store/store_web.h"
#include "web.h"
#include "web_time.h"

#define STAGE_SHOWN 25			/* leads listed per stage */
#define VALUES_SHOWN 20			/* sources and kinds offered in the filters */

typedef struct {
	int64_t id, quote_cents, created_at, idle;
	const char *name, *owner, *source, *kind, *status;
	bool has_quote, is_new;
} shown_lead;

typedef struct {
	const char *name;	/* the rules' (borrowed), or a kept copy for others */
	bool closed;
	int64_t stale_after;	/* the rules' threshold; 0 = never stale */
	int count, nquoted;
	int64_t value;
	int64_t *ages;		/* every lead's age, for the median */
	size_t nages, capages;
	shown_lead shown[STAGE_SHOWN];
	int nshown;
} stage_sum;

typedef struct {
	web_ctx *c;
	stage_sum *stages;	/* the rules' stages, then others as met */
	size_t n, cap;
	const char *sources[VALUES_SHOWN], *kinds[VALUES_SHOWN];
	size_t nsources, nkinds;
	int total;
	bool failed;
	const store_pipeline_filter *f;
	int64_t move;		/* the lead whose stage form is open, 0 none */
} pipeline;

static stage_sum *
stage_of(pipeline *p, const char *name)
{
	const char *key = name ? name : "(none)";

	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->stages[i].name, key) == 0)
			return &p->stages[i];
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		stage_sum *s = realloc(p->stages, cap * sizeof *s);

		if (s == NULL)
			return NULL;
		p->stages = s;
		p->cap = cap;
	}
	memset(&p->stages[p->n], 0, sizeof p->stages[p->n]);
	p->stages[p->n].name = web_keep(p->c, key);
	return p->stages[p->n].name ? &p->stages[p->n++] : NULL;
}

/* Adds v to a small list of distinct values (kept copies). */
static void
remember(web_ctx *c, const char **list, size_t *n, const char *v)
{
	if (v == NULL || *n == VALUES_SHOWN)
		return;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(list[i], v) == 0)
			return;
	if ((list[*n] = web_keep(c, v)) != NULL)
		(*n)++;
}

static void
on_lead(void *ctx, const store_lead_brief *r)
{
	pipeline *p = ctx;
	web_ctx *c = p->c;
	stage_sum *s = stage_of(p, r->stage);
	int64_t last = r->last_at > 0 ? r->last_at : r->created_at;

	p->total++;
	remember(c, p->sources, &p->nsources, r->source);
	remember(c, p->kinds, &p->nkinds, r->kind);
	if (s == NULL) {
		p->failed = true;
		return;
	}
	s->count++;
	if (r->has_quote) {
		s->value += r->quote_cents;
		s->nquoted++;
	}
	if (s->nages == s->capages) {
		size_t cap = s->capages ? s->capages * 2 : 64;
		int64_t *a = realloc(s->ages, cap * sizeof *a);

		if (a == NULL) {
			p->failed = true;
			return;
		}
		s->ages = a;
		s->capages = cap;
	}
	s->ages[s->nages++] = c->now - r->created_at;
	if (s->nshown < STAGE_SHOWN) {
		shown_lead *l = &s->shown[s->nshown++];

		l->id = r->id;
		l->name = web_keep(c, r->name);
		l->owner = web_keep(c, r->owner);
		l->source = web_keep(c, r->source);
		l->kind = web_keep(c, r->kind);
		l->status = web_keep(c, r->status);
		l->has_quote = r->has_quote;
		l->quote_cents = r->quote_cents;
		l->created_at = r->created_at;
		l->idle = c->now - last;
		l->is_new = r->is_new;
	}
}

static int
cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int64_t
median(int64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_int64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A filter's value from the query: NULL when absent or blank. */
static const char *
arg(web_ctx *c, const char *name)
{
	const char *v = http_arg(c->rq, name);

	return v && *v && strlen(v) <= 100 ? v : NULL;
}

static void
select_of(html *h, const char *id, const char *label, const char *name, const char *const *values,
	  const char *const *labels, size_t n, const char *current)
{
	bool seen = false;

	html_open(h, "div");
	html_open(h, "label");
	html_attr(h, "for", id);
	html_text(h, label);
	html_close(h);
	html_open(h, "select");
	html_attr(h, "id", id);
	html_attr(h, "name", name);
	html_open(h, "option");
	html_attr(h, "value", "");
	html_text(h, "Any");
	html_close(h);
	for (size_t i = 0; i < n; i++) {
		bool on = current && strcmp(current, values[i]) == 0;

		seen |= on;
		html_open(h, "option");
		html_attr(h, "value", values[i]);
		html_flag(h, "selected", on);
		html_text(h, labels ? labels[i] : values[i]);
		html_close(h);
	}
	if (current && !seen) {	/* a value no lead has (any more): still shown */
		html_open(h, "option");
		html_attr(h, "value", current);
		html_flag(h, "selected", true);
		html_text(h, current);
		html_close(h);
	}
	html_close(h);	/* select */
	html_close(h);	/* div */
}

static void
filters(web_ctx *c, const pipeline *p, const store_pipeline_filter *f)
{
	html *h = &c->h;
	const char *ids[64], *names[64];
	size_t n = 0;
	html_url u;

	for (size_t i = 0; i < c->rules->npeople && n < 64; i++, n++) {
		ids[n] = c->rules->people[i].id;
		names[n] = c->rules->people[i].name;
	}
	html_url_path(&u, "/app/pipeline");
	html_open(h, "form");
	html_attr(h, "method", "get");
	html_url_attr(h, "action", &u);
	html_attr(h, "class", "card row filters");
	select_of(h, "f-owner", "Owner", "owner", ids, names, n, f->owner);
	select_of(h, "f-source", "Source", "source", p->sources, NULL, p->nsources, f->source);
	select_of(h, "f-kind", "Kind", "kind", p->kinds, NULL, p->nkinds, f->kind);
	html_open(h, "button");
	html_text(h, "Show");
	html_close(h);
	html_close(h);
}

/* /app/pipeline with the filters in use (and ?move=ID#lead-ID: its form). */
static void
pipeline_url(html_url *u, const pipeline *p, int64_t move)
{
	html_url_path(u, "/app/pipeline");
	if (p->f->owner)
		html_url_query(u, "owner", p->f->owner);
	if (p->f->source)
		html_url_query(u, "source", p->f->source);
	if (p->f->kind)
		html_url_query(u, "kind", p->f->kind);
	if (move > 0) {
		char frag[32];

		html_url_query_int(u, "move", move);
		snprintf(frag, sizeof frag, "lead-%lld", (long long)move);
		html_url_fragment(u, frag);
	}
}

static void
lead_item(web_ctx *c, const pipeline *p, const stage_sum *s, const shown_lead *l)
{
	html *h = &c->h;
	bool stale = s->stale_after > 0 && l->idle > s->stale_after;
	char idle[48], money[48], id[32];
	html_url u;

	web_span(l->idle, idle, sizeof idle);
	snprintf(id, sizeof id, "lead-%lld", (long long)l->id);
	html_open(h, "li");
	html_attr(h, "id", id);
	html_url_pathf(&u, "/app/leads/%lld", (long long)l->id);
	html_open(h, "a");
	html_url_attr(h, "href", &u);
	html_text(h, l->name && *l->name ? l->name : "(no name)");
	html_close(h);
	if (l->is_new) {
		html_text(h, " ");
		web_badge(c, "new", "New");
	}
	if (stale) {
		html_text(h, " ");
		web_badge(c, "stale", "Stale");
	}
	html_open(h, "span");
	html_attr(h, "class", "meta");
	html_text(h, " \xc2\xb7 ");
	html_text(h, web_person_name(c, l->owner));
	html_textf(h, " \xc2\xb7 %s \xc2\xb7 last activity %s ago", l->source ? l->source : "-",
		   idle);
	if (l->has_quote) {
		web_money(l->quote_cents, money, sizeof money);
		html_textf(h, " \xc2\xb7 %s", money);
	}
	html_close(h);
	if (l->id == p->move) {
		web_stage_form(c, l->id, s->name, WEB_BACK_PIPELINE);
	} else {
		html_text(h, " ");
		pipeline_url(&u, p, l->id);
		html_open(h, "a");
		html_url_attr(h, "href", &u);
		html_attr(h, "class", "move");
		html_text(h, "Move");
		html_open(h, "span");
		html_attr(h, "class", "visually-hidden");
		html_textf(h, " %s to another stage", l->name && *l->name ? l->name : "this lead");
		html_close(h);
		html_close(h);
	}
	html_close(h);	/* li */
}

static void
stage_section(web_ctx *c, const pipeline *p, stage_sum *s)
{
	html *h = &c->h;
	int64_t med = median(s->ages, s->nages);
	char value[48], age[48], after[48];
	int nstale = 0;

	for (int i = 0; i < s->nshown; i++)
		nstale += s->stale_after > 0 && s->shown[i].idle > s->stale_after;
	web_money(s->value, value, sizeof value);
	web_span(med, age, sizeof age);
	web_span(s->stale_after, after, sizeof after);
	html_open(h, "section");
	html_attr(h, "class", "card stage");
	html_open(h, "h2");
	html_open(h, "span");
	html_text(h, s->name);
	html_close(h);
	html_open(h, "span");
	html_attr(h, "class", "meta");
	html_textf(h, "%d %s", s->count, s->count == 1 ? "lead" : "leads");
	html_close(h);
	html_close(h);
	if (s->count == 0) {
		html_open(h, "p");
		html_attr(h, "class", "meta");
		html_text(h, "No leads.");
		html_close(h);
		html_close(h);	/* section */
		return;
	}
	html_open(h, "p");
	html_attr(h, "class", "meta");
	if (s->nquoted > 0)
		html_textf(h, "%s quoted (%d) \xc2\xb7 ", value, s->nquoted);
	html_textf(h, "median age %s", age);
	if (s->stale_after > 0)
		html_textf(h, " \xc2\xb7 stale after %s without activity%s", after,
			   nstale ? "" : ": none shown is stale");
	else if (!s->closed)
		html_text(h, " \xc2\xb7 never stale (the rules give this stage no stale_after)");
	html_close(h);
	html_open(h, "ul");
	html_attr(h, "class", "leads");
	for (int i = 0; i < s->nshown; i++)
		lead_item(c, p, s, &s->shown[i]);
	html_close(h);	/* ul */
	if (s->count > s->nshown) {
		html_open(h, "p");
		html_attr(h, "class", "meta");
		html_textf(h, "and %d more (the longest idle are shown)", s->count - s->nshown);
		html_close(h);
	}
	html_close(h);	/* section */
}

int
web_pipeline_render(web_ctx *c, int64_t move)
{
	store_pipeline_filter f = { 0 };
	pipeline p = { .c = c, .f = &f, .move = move };
	html *h = &c->h;
	store *s = http_store(c->rq);
	int rc = 0;

	f.owner = arg(c, "owner");
	f.source = arg(c, "source");
	f.kind = arg(c, "kind");
	f.person = web_role_sees_all(c->user.role) ? NULL : web_person(c);
	/* the rules' stages first, in their order */
	for (size_t i = 0; i < c->rules->nstages; i++) {
		stage_sum *st = stage_of(&p, c->rules->stages[i].name);

		if (st != NULL) {
			st->closed = c->rules->stages[i].closed;
			st->stale_after = c->rules->stages[i].stale_after;
		}
	}
	if (f.person != NULL && *f.person == '\0')
		rc = 0;	/* not linked to a person: nothing is theirs */
	else if (s == NULL || (rc = store_pipeline_read(s, c->business_id, &f, on_lead, &p)) < 0 ||
		 p.failed)
		rc = -1;
	if (rc >= 0) {
		web_page_start(c, "Pipeline", "pipeline");
		html_open(h, "div");
		html_attr_int(h, "data-now", c->now);
		html_elem(h, "h1", f.person ? "Pipeline: my leads" : "Pipeline");
		web_notice_show(c, "");
		filters(c, &p, &f);
		html_open(h, "div");
		html_attr(h, "id", "pipeline");
		html_flag(h, "data-live", true);
		html_open(h, "p");
		html_attr(h, "class", "meta");
		html_textf(h, "%d %s (archived leads are not shown).", rc, rc == 1 ? "lead" : "leads");
		if (rc >= STORE_PIPELINE_MAX)
			html_textf(h, " Only the first %d are counted.", STORE_PIPELINE_MAX);
		html_close(h);
		for (size_t i = 0; i < p.n; i++)
			if (p.stages[i].count > 0 || i < c->rules->nstages)
				stage_section(c, &p, &p.stages[i]);
		html_close(h);	/* pipeline */
		html_close(h);	/* div */
		web_page_end(c);
	}
	for (size_t i = 0; i < p.n; i++)
		free(p.stages[i].ages);
	free(p.stages);
	return rc < 0 ? -1 : 0;
}

enum MHD_Result
web_pipeline(http_req *rq)
{
	enum MHD_Result ret;
	const char *move;
	web_ctx c;

	if (!web_begin(&c, rq, true, &ret))
		goto out;
	web_notice_from_query(&c);
	move = http_arg(rq, "move");
	if (web_pipeline_render(&c, move ? api_id(move) : 0) < 0)
		ret = web_error_page(&c, 503, "Unavailable", "The pipeline cannot be read just now. "
				     "Try again in a moment.");
	else
		ret = web_send(&c, 200, NULL);
out:
	web_end(&c);
	return ret;
}

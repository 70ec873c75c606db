/*
 * web_today.c - Today, the home page: my open tasks, overdue first, then
 * due soonest, each with its lead, countdown, why and the one-tap outcome
 * buttons, TODAY_PAGE at a time ("Show more" goes on after the last one
 * shown). A card's note and snooze open on request (?open=TASK), so a queue
 * of thousands stays a small page. Office, managers and admins may look at
 * everyone's queue (?who=all); sales and technicians only ever see their own.
 * Above the tasks, the person's own visits of today (web_appointments.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_web.h"
#include "web.h"

#define TODAY_PAGE 50	/* tasks a page shows; the whole page stays well under 100 KB */

/* Where in the queue a page starts (the task before it: ?due=&after=), its
 * number (?page=, for the words only), whose queue, and the card opened. */
typedef struct {
	int64_t after_due, after_id;
	int64_t page;
	bool all;
	int64_t open;
} today_at;

typedef struct {
	web_ctx *c;
	const today_at *at;
	bool show_assignee;
	int n;
	int64_t last_due, last_id;	/* the last task shown: the next page's cursor */
} today_list;

/* /app/ with the page's query (who, due, after, page) and, when given, more. */
static void
today_url(html_url *u, const today_at *at, int64_t after_due, int64_t after_id, int64_t page)
{
	html_url_path(u, "/app/");
	if (at->all)
		html_url_query(u, "who", "all");
	if (page > 1) {
		html_url_query_int(u, "due", after_due);
		html_url_query_int(u, "after", after_id);
		html_url_query_int(u, "page", page);
	}
}

static void
row(void *ctx, const store_queue_row *r)
{
	today_list *l = ctx;
	const char *fid = l->c->notice.form;
	char mine[32];
	html_url more;
	web_task_view t = {
		.id = r->task_id, .lead_id = r->lead_id, .verb = r->verb, .title = r->title,
		.assignee = r->assignee, .due_at = r->due_at, .name = r->name, .phone = r->phone,
		.email = r->email, .source = r->source, .stage = r->stage,
		.sms_opt_out = r->sms_opt_out, .email_opt_out = r->email_opt_out,
		.last_text = r->last_text, .last_at = r->last_at, .show_lead = true,
		.promise = r->promise,
		.is_new = r->is_new,
		.show_assignee = l->show_assignee,
	};

	if (l->n >= TODAY_PAGE) {	/* the one past the page: only says there are more */
		l->n++;
		return;
	}
	/* opened: asked for, or a refusal is to be shown next to its fields */
	snprintf(mine, sizeof mine, "task-%lld", (long long)r->task_id);
	t.opened = r->task_id == l->at->open || (l->c->notice.error && strcmp(fid, mine) == 0);
	if (!t.opened) {
		today_url(&more, l->at, l->at->after_due, l->at->after_id, l->at->page);
		html_url_query_int(&more, "open", r->task_id);
		html_url_fragment(&more, mine);
		t.more = &more;
	}
	web_task_card(l->c, &t, WEB_BACK_TODAY);
	l->n++;
	l->last_due = r->due_at;
	l->last_id = r->task_id;
}

static int64_t
arg_int(web_ctx *c, const char *name, int64_t dflt)
{
	const char *v = http_arg(c->rq, name);
	char *end;
	long long n;

	if (v == NULL || *v == '\0')
		return dflt;
	n = strtoll(v, &end, 10);
	return *end == '\0' ? (int64_t)n : dflt;
}

static void
filter_link(web_ctx *c, const char *label, bool all, bool current)
{
	html_url u;

	html_url_path(&u, "/app/");
	if (all)
		html_url_query(&u, "who", "all");
	html_open(&c->h, "a");
	html_url_attr(&c->h, "href", &u);
	if (current)
		html_attr(&c->h, "aria-current", "page");
	html_text(&c->h, label);
	html_close(&c->h);
}

/* "Show more" after a full page; on a later page, the way back to the start. */
static void
pager(web_ctx *c, const today_list *l, bool more)
{
	html *h = &c->h;
	html_url u;

	if (!more && l->at->page <= 1)
		return;
	html_open(h, "p");
	html_attr(h, "class", "pager");
	if (l->at->page > 1) {
		today_url(&u, l->at, 0, 0, 1);
		html_open(h, "a");
		html_attr(h, "class", "button secondary");
		html_url_attr(h, "href", &u);
		html_text(h, "Back to the first tasks");
		html_close(h);
	}
	if (more) {
		today_url(&u, l->at, l->last_due, l->last_id, l->at->page + 1);
		html_open(h, "a");
		html_attr(h, "class", "button");
		html_url_attr(h, "href", &u);
		html_textf(h, "Show more (from task %" PRId64 ")", l->at->page * TODAY_PAGE + 1);
		html_close(h);
	}
	html_close(h);
}

void
web_today_render(web_ctx *c)
{
	html *h = &c->h;
	const char *who = http_arg(c->rq, "who");
	bool sees_all = web_role_sees_all(c->user.role);
	bool mine = *web_person(c) != '\0';
	bool all = sees_all && (!mine || (who && strcmp(who, "all") == 0));
	today_at at = {
		.after_due = arg_int(c, "due", INT64_MIN), .after_id = arg_int(c, "after", 0),
		.page = arg_int(c, "page", 1), .all = all, .open = arg_int(c, "open", 0),
	};
	today_list l = { .c = c, .at = &at, .show_assignee = all };
	store *s = http_store(c->rq);
	int n = 0;

	if (at.after_id <= 0 || at.page < 2 || at.page > 1000000) {	/* the first page */
		at.after_due = INT64_MIN;
		at.after_id = 0;
		at.page = 1;
	}
	web_page_start(c, "Today", "today");
	html_open(h, "div");
	html_attr_int(h, "data-now", c->now);
	html_open(h, "div");
	html_attr(h, "class", "heading");
	html_elem(h, "h1", all ? "Today: everyone's tasks" : "Today: my tasks");
	if (sees_all || mine) {
		html_url u;

		html_url_path(&u, "/app/walk");
		html_open(h, "a");
		html_attr(h, "class", "button start");
		html_url_attr(h, "href", &u);
		html_text(h, "Start");
		html_close(h);
	}
	{
		html_url u;

		html_url_path(&u, "/app/leads/new");
		html_open(h, "a");
		html_attr(h, "class", "button secondary");
		html_url_attr(h, "href", &u);
		html_text(h, "New lead");
		html_close(h);
	}
	html_close(h);
	web_health_banner(c);
	web_notice_show(c, "");
	web_my_day(c);
	if (sees_all && mine) {
		html_open(h, "p");
		html_attr(h, "class", "filter");
		filter_link(c, "Mine", false, !all);
		filter_link(c, "Everyone", true, all);
		html_close(h);
	}
	html_open(h, "div");
	html_attr(h, "id", "today-list");
	html_flag(h, "data-live", true);	/* app.js swaps it when something changes */
	if (at.page > 1) {
		html_open(h, "p");
		html_attr(h, "class", "meta");
		html_textf(h, "Tasks from number %" PRId64 " on, in the order to do them.",
			   (at.page - 1) * TODAY_PAGE + 1);
		html_close(h);
	}
	/* one more than a page: whether there is a next one */
	if (!sees_all && !mine) {
		html_elem(h, "p", "Your account is not linked to a person in the rules, so no task "
			  "is yours yet. Ask a manager to link it (leadkeep user add --person).");
	} else if (s == NULL || (n = store_queue_page(s, c->business_id, all ? NULL : web_person(c),
						      at.after_due, at.after_id, TODAY_PAGE + 1,
						      row, &l)) < 0) {
		html_open(h, "p");
		html_attr(h, "class", "notice error");
		html_attr(h, "role", "alert");
		html_text(h, "The tasks cannot be read just now. Reload in a moment.");
		html_close(h);
	} else if (n == 0) {
		html_open(h, "p");
		html_attr(h, "class", "empty");
		html_text(h, at.page > 1 ? "No more tasks after these." :
			  "Nothing to do right now. New leads and their first tasks appear "
			  "here the moment they arrive.");
		html_close(h);
		pager(c, &l, false);
	} else {
		pager(c, &l, n > TODAY_PAGE);
	}
	html_close(h);	/* today-list */
	html_close(h);	/* div */
	web_page_end(c);
}

enum MHD_Result
web_today(http_req *rq)
{
	enum MHD_Result ret;
	web_ctx c;

	if (!web_begin(&c, rq, true, &ret))
		goto out;
	web_notice_from_query(&c);
	web_today_render(&c);
	ret = web_send(&c, 200, NULL);
out:
	web_end(&c);
	return ret;
}

enum MHD_Result
web_root(http_req *rq)
{
	return web_respond(rq, 303, "text/plain; charset=utf-8", "", 0, NULL, NULL, NULL, "/app/");
}

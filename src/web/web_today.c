/*
 * web_today.c - Today, the home page: my open tasks, overdue first, then
 * due soonest, each with its lead, countdown, why and buttons. Office,
 * managers and admins may look at everyone's queue (?who=all); sales and
 * technicians only ever see their own.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_web.h"
#include "web.h"

#define TODAY_LIMIT 200

typedef struct {
	web_ctx *c;
	bool show_assignee;
	int n;
} today_list;

static void
row(void *ctx, const store_queue_row *r)
{
	today_list *l = ctx;
	web_task_view t = {
		.id = r->task_id, .lead_id = r->lead_id, .verb = r->verb, .title = r->title,
		.assignee = r->assignee, .due_at = r->due_at, .name = r->name, .phone = r->phone,
		.email = r->email, .source = r->source, .stage = r->stage,
		.sms_opt_out = r->sms_opt_out, .email_opt_out = r->email_opt_out,
		.last_text = r->last_text, .last_at = r->last_at, .show_lead = true,
		.is_new = r->is_new,
		.show_assignee = l->show_assignee,
	};

	web_task_card(l->c, &t, WEB_BACK_TODAY);
	l->n++;
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

void
web_today_render(web_ctx *c)
{
	html *h = &c->h;
	const char *who = http_arg(c->rq, "who");
	bool sees_all = web_role_sees_all(c->user.role);
	bool mine = *web_person(c) != '\0';
	bool all = sees_all && (!mine || (who && strcmp(who, "all") == 0));
	today_list l = { .c = c, .show_assignee = all };
	store *s = http_store(c->rq);
	int n;

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
	html_close(h);
	web_notice_show(c, "");
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
	if (!sees_all && !mine) {
		html_elem(h, "p", "Your account is not linked to a person in the rules, so no task "
			  "is yours yet. Ask a manager to link it (leadkeep user add --person).");
	} else if (s == NULL || (n = store_queue_read(s, c->business_id, all ? NULL :
						      web_person(c), TODAY_LIMIT, row,
						      &l)) < 0) {
		html_open(h, "p");
		html_attr(h, "class", "notice error");
		html_attr(h, "role", "alert");
		html_text(h, "The tasks cannot be read just now. Reload in a moment.");
		html_close(h);
	} else if (n == 0) {
		html_open(h, "p");
		html_attr(h, "class", "empty");
		html_text(h, "Nothing to do right now. New leads and their first tasks appear "
			  "here the moment they arrive.");
		html_close(h);
	} else if (n == TODAY_LIMIT) {
		html_open(h, "p");
		html_attr(h, "class", "meta");
		html_textf(h, "Showing the first %d tasks.", TODAY_LIMIT);
		html_close(h);
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

/*
 * web_layout.c - what every page shares: the document around it (one CSS,
 * one JS, the manifest), the nav and the signed-in person, notices, the
 * CSRF field, times in the business's zone and people's names.
 */
#include <stdio.h>
#include <string.h>

#include "core/tz.h"
#include "web.h"
#include "web_assets.h"
#include "web_time.h"

void
web_asset_url(html_url *u, const char *name)
{
	const web_asset *a = web_asset_find(name);

	if (a == NULL || !html_url_pathf(u, "/app/assets/%s", a->name)) {
		u->ok = false;
		return;
	}
	html_url_query(u, "v", web_asset_version(a));
}

static void
head(web_ctx *c, const char *title)
{
	html *h = &c->h;
	html_url u;

	html_raw(h, "<!doctype html>\n");
	html_open(h, "html");
	html_attr(h, "lang", "en");
	html_open(h, "head");
	html_void(h, "meta");
	html_attr(h, "charset", "utf-8");
	html_void(h, "meta");
	html_attr(h, "name", "viewport");
	html_attr(h, "content", "width=device-width, initial-scale=1");
	html_void(h, "meta");
	html_attr(h, "name", "theme-color");
	html_attr(h, "content", "#0b4f8a");
	if (c->refresh_s > 0) {	/* a page whose content is on its way */
		html_void(h, "meta");
		html_attr(h, "http-equiv", "refresh");
		html_attr_int(h, "content", c->refresh_s);
	}
	html_open(h, "title");
	html_text(h, title);
	html_text(h, " - leadkeep");
	html_close(h);
	web_asset_url(&u, "app.css");
	html_void(h, "link");
	html_attr(h, "rel", "stylesheet");
	html_url_attr(h, "href", &u);
	html_url_path(&u, "/app/manifest.webmanifest");
	html_void(h, "link");
	html_attr(h, "rel", "manifest");
	html_url_attr(h, "href", &u);
	web_asset_url(&u, "icon.svg");
	html_void(h, "link");
	html_attr(h, "rel", "icon");
	html_attr(h, "type", "image/svg+xml");
	html_url_attr(h, "href", &u);
	web_asset_url(&u, "app.js");
	html_open(h, "script");
	html_url_attr(h, "src", &u);
	html_flag(h, "defer", true);
	html_close(h);
	html_close(h);	/* head */
}

/* A link of the nav; the current page's is marked. path: a literal. */
static void
nav_link(web_ctx *c, const char *path, const char *label, const char *name,
	 const char *current)
{
	html *h = &c->h;
	html_url u;

	html_url_pathf(&u, "%s", path);
	html_open(h, "a");
	html_url_attr(h, "href", &u);
	if (current && strcmp(current, name) == 0)
		html_attr(h, "aria-current", "page");
	html_text(h, label);
	html_close(h);
}

static void
nav(web_ctx *c, const char *current)
{
	html *h = &c->h;
	html_url u;

	html_open(h, "header");
	html_attr(h, "class", "top");
	html_open(h, "nav");
	html_attr(h, "aria-label", "Main");
	html_url_path(&u, "/app/");
	html_open(h, "a");
	html_url_attr(h, "href", &u);
	html_attr(h, "class", "brand");
	html_text(h, "leadkeep");
	html_close(h);
	nav_link(c, "/app/", "Today", "today", current);
	nav_link(c, "/app/pipeline", "Pipeline", "pipeline", current);
	if (web_role_sees_team(c->user.role))
		nav_link(c, "/app/team", "Team", "team", current);
	if (web_role_sees_reports(c->user.role))
		nav_link(c, "/app/reports", "Reports", "reports", current);
	if (web_role_sees_rules(c->user.role))
		nav_link(c, "/app/rules", "Rules", "rules", current);
	html_url_path(&u, "/app/search");
	html_open(h, "form");
	html_attr(h, "method", "get");
	html_url_attr(h, "action", &u);
	html_attr(h, "role", "search");
	html_attr(h, "class", "search");
	html_void(h, "input");
	html_attr(h, "type", "search");
	html_attr(h, "name", "q");
	html_attr(h, "aria-label", "Search leads by name, phone or email");
	html_attr(h, "placeholder", "Search leads");
	html_attr(h, "maxlength", "100");
	html_close(h);	/* form */
	html_close(h);	/* nav */
	html_open(h, "div");
	html_attr(h, "class", "who");
	web_business_bar(c);
	html_open(h, "span");
	html_text(h, c->user.name);
	html_textf(h, " (%s)", c->user.role);
	html_close(h);
	html_url_path(&u, "/app/logout");
	html_open(h, "form");
	html_attr(h, "method", "post");
	html_url_attr(h, "action", &u);
	web_csrf_field(c);
	html_open(h, "button");
	html_attr(h, "class", "link");
	html_text(h, "Sign out");
	html_close(h);
	html_close(h);	/* form */
	html_close(h);	/* div */
	html_close(h);	/* header */
}

void
web_page_start(web_ctx *c, const char *title, const char *current)
{
	head(c, title);
	html_open(&c->h, "body");
	if (c->signed_in)
		nav(c, current);
	html_open(&c->h, "main");
	html_attr(&c->h, "id", "main");
}

void
web_page_end(web_ctx *c)
{
	html_close(&c->h);	/* main */
	html_close(&c->h);	/* body */
	html_close(&c->h);	/* html */
}

void
web_csrf_field(web_ctx *c)
{
	html_void(&c->h, "input");
	html_attr(&c->h, "type", "hidden");
	html_attr(&c->h, "name", "csrf");
	html_attr(&c->h, "value", c->csrf);
}

void
web_label(html *h, const char *for_id, const char *text)
{
	html_open(h, "label");
	html_attr(h, "for", for_id);
	html_text(h, text);
	html_close(h);
}

void
web_notice_show(web_ctx *c, const char *form)
{
	if (c->notice.text[0] == '\0' || strcmp(c->notice.form, form) != 0)
		return;
	html_open(&c->h, "p");
	html_attr(&c->h, "class", c->notice.error ? "notice error" : "notice ok");
	html_attr(&c->h, "role", c->notice.error ? "alert" : "status");
	html_text(&c->h, c->notice.text);
	html_close(&c->h);
}

void
web_notice_from_query(web_ctx *c)
{
	static const struct {
		const char *code, *text;
	} oks[] = {
		{ "done", "Saved. The task is done." },
		{ "call", "Saved. The call is logged." },
		{ "snoozed", "Saved. The task waits." },
		{ "logged", "Saved. It is in the timeline." },
		{ "stage", "Saved. The stage changed." },
		{ "owner", "Saved. The lead has a new owner." },
		{ "paused", "Saved. The lead's automation is paused: no automated step runs "
		  "until it is resumed." },
		{ "resumed", "Saved. The lead's automation runs again." },
		{ "optout", "Saved. The lead is opted out: no automated message goes to them on "
		  "that channel." },
		{ "kept", "Saved. Not an opt-out: automated messages go to the lead again." },
		{ "added", "Saved. The lead is in: it has an owner, its acknowledgment and a "
		  "first task." },
		{ "attached", "Saved. This contact already had an open lead: the inquiry joined "
		  "it (see the timeline)." },
		{ "booked", "Saved. The visit is booked: the lead is sent a confirmation and "
		  "reminders, and the person going is told." },
		{ "appointment", "Saved. The appointment changed." },
		{ "password", "Your password is set. You are signed in." },
	};
	const char *ok = http_arg(c->rq, "ok");

	if (ok == NULL || c->notice.text[0] != '\0')
		return;
	for (size_t i = 0; i < sizeof oks / sizeof oks[0]; i++)
		if (strcmp(ok, oks[i].code) == 0) {
			c->notice.error = false;
			snprintf(c->notice.text, sizeof c->notice.text, "%s", oks[i].text);
			c->notice.form[0] = '\0';
		}
}

void
web_local_time(const web_ctx *c, int64_t t, char *buf, size_t len)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
					   "Aug", "Sep", "Oct", "Nov", "Dec" };
	tz_local lt;

	if (t <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	tz_to_local(c->rules->business.zone, t, &lt);
	snprintf(buf, len, "%s %s %d, %d:%02d %s", wd[lt.wday % 7], mon[(lt.month + 11) % 12],
		 lt.day, lt.hour % 12 ? lt.hour % 12 : 12, lt.min, lt.hour < 12 ? "AM" : "PM");
}

const char *
web_person_name(const web_ctx *c, const char *id)
{
	const rules_person *p = id ? rules_person_find(c->rules, id) : NULL;

	return p ? p->name : id ? id : "nobody";
}

void
web_badge(web_ctx *c, const char *kind, const char *text)
{
	html_open(&c->h, "span");
	if (strcmp(kind, "new") == 0)
		html_attr(&c->h, "class", "badge new");
	else if (strcmp(kind, "stale") == 0)
		html_attr(&c->h, "class", "badge stale");
	else if (strcmp(kind, "paused") == 0)
		html_attr(&c->h, "class", "badge paused");
	else
		html_attr(&c->h, "class", "badge");
	html_text(&c->h, text);
	html_close(&c->h);
}

void
web_day_bounds(const web_ctx *c, int64_t t, int64_t *start, int64_t *end)
{
	tz_local lt;

	tz_to_local(c->rules->business.zone, t, &lt);
	tz_from_local(c->rules->business.zone, lt.year, lt.month, lt.day, 0, 0, start);
	tz_from_local(c->rules->business.zone, lt.year, lt.month, lt.day + 1, 0, 0, end);
}

int
web_local_instant(const web_ctx *c, const char *date, const char *time, int64_t *out)
{
	int y, m, d, h = 9, min = 0;

	if (web_parse_date(date, &y, &m, &d) < 0 || (time && web_parse_clock(time, &h, &min) < 0))
		return -1;
	tz_from_local(c->rules->business.zone, y, m, d, h, min, out);
	return 0;
}

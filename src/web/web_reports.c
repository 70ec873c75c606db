/*
 * web_reports.c - the Reports page (managers and admins): the figures of
 * `leadkeep report` for a chosen period (src/report/, docs/reports.md),
 * with charts drawn here as inline SVG through the HTML writer - speed to
 * lead as stacked bars of how soon leads were acknowledged, attempted and
 * reached, response-window compliance per person, and where each source's
 * leads went. Reads only; every number comes from the report document,
 * computed in the background (web_reports_cache.h), and the page says when
 * it was - or, while a view nobody asked for before is computed, says so
 * and reloads itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "web.h"
#include "web_reports_cache.h"
#include "web_time.h"

static const char *const period_values[] = { "1d", "7d", "30d", "90d" };
static const char *const period_labels[] = { "Last 24 hours", "Last 7 days", "Last 30 days",
					     "Last 90 days" };
static const int64_t period_secs[] = { 86400, 7 * 86400, 30 * 86400, 90 * 86400 };
static const char *const by_values[] = { "", "source", "owner", "kind", "hour" };
static const char *const by_labels[] = { "Nothing", "Source", "Owner", "Kind",
					 "Hour of the week" };

#define CHART_W 640	/* the charts' own units; they scale to the page */
#define LABEL_W 130

static long long
num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static double
real(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/* The index of v in values[n], or dflt. */
static size_t
pick(const char *v, const char *const *values, size_t n, size_t dflt)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		if (strcmp(v, values[i]) == 0)
			return i;
	return dflt;
}

static void
choice(html *h, const char *id, const char *label, const char *name, const char *const *values,
       const char *const *labels, size_t n, size_t current)
{
	html_open(h, "div");
	html_open(h, "label");
	html_attr(h, "for", id);
	html_text(h, label);
	html_close(h);
	html_open(h, "select");
	html_attr(h, "id", id);
	html_attr(h, "name", name);
	for (size_t i = 0; i < n; i++) {
		html_open(h, "option");
		html_attr(h, "value", values[i]);
		html_flag(h, "selected", i == current);
		html_text(h, labels[i]);
		html_close(h);
	}
	html_close(h);
	html_close(h);
}

static void
td_text(html *h, const char *text)
{
	html_open(h, "td");
	html_attr(h, "class", "num");
	html_text(h, text);
	html_close(h);
}

static void
td_int(html *h, long long v)
{
	html_open(h, "td");
	html_attr(h, "class", "num");
	html_int(h, v);
	html_close(h);
}

static void
td_share(html *h, const json_t *v)
{
	char buf[16] = "-";

	if (json_is_number(v))
		snprintf(buf, sizeof buf, "%.0f%%", json_number_value(v) * 100);
	td_text(h, buf);
}

static void
td_span(html *h, const json_t *v)
{
	char buf[48] = "-";

	if (json_is_integer(v))
		web_span(json_integer_value(v), buf, sizeof buf);
	td_text(h, buf);
}

static void
row_head(html *h, const char *text)
{
	html_open(h, "th");
	html_attr(h, "scope", "row");
	html_text(h, text);
	html_close(h);
}

/* A table that scrolls sideways on a phone (and so takes the focus). */
static void
table_start(html *h, const char *label)
{
	html_open(h, "div");
	html_attr(h, "class", "scroll");
	html_attr(h, "tabindex", "0");
	html_attr(h, "role", "region");
	html_attr(h, "aria-label", label);
	html_open(h, "table");
}

static void
table_end(html *h)
{
	html_close(h);	/* table */
	html_close(h);	/* div */
}

/* <svg> of rows bars, described for people who cannot see it. */
static void
chart_start(html *h, int rows, const char *label)
{
	html_open(h, "svg");
	html_attr(h, "class", "chart");
	html_attr(h, "role", "img");
	html_attr(h, "aria-label", label);
	{
		char box[48];

		snprintf(box, sizeof box, "0 0 %d %d", CHART_W, rows * 28 + 34);
		html_attr(h, "viewbox", box);	/* the HTML parser makes it viewBox */
	}
	html_attr(h, "preserveaspectratio", "xMinYMin meet");
	html_elem(h, "title", label);
}

static void
bar_label(html *h, int y, const char *text)
{
	html_open(h, "text");
	html_attr_int(h, "x", 0);
	html_attr_int(h, "y", y + 15);
	html_text(h, text);
	html_close(h);
}

/* One stacked bar at row y: parts[n] as shares of the bar (0..1), part i
 * in colour class c<colors[i]> (app.css: c0 green ... c5 red), each with a
 * tooltip. */
static void
stacked_bar(html *h, int y, const char *label, const double *parts, const char *const *names,
	    const int *colors, size_t n)
{
	double x = LABEL_W, w = CHART_W - LABEL_W - 10;

	bar_label(h, y, label);
	for (size_t i = 0; i < n; i++) {
		char cls[24], tip[96];
		double pw = parts[i] > 0 ? parts[i] * w : 0;

		if (pw < 0.5)
			continue;
		snprintf(cls, sizeof cls, "c%d", colors[i]);
		html_open(h, "rect");
		html_attr(h, "class", cls);
		html_attr_int(h, "x", (int64_t)x);
		html_attr_int(h, "y", y);
		html_attr_int(h, "width", (int64_t)(pw + 0.5));
		html_attr_int(h, "height", 20);
		snprintf(tip, sizeof tip, "%s: %s %.0f%%", label, names[i], parts[i] * 100);
		html_elem(h, "title", tip);
		html_close(h);
		x += pw;
	}
}

/* The legend under a chart, at row y. */
static void
legend(html *h, int y, const char *const *names, const int *colors, size_t n)
{
	int x = LABEL_W;

	for (size_t i = 0; i < n; i++) {
		char cls[24];

		snprintf(cls, sizeof cls, "c%d", colors[i]);
		html_open(h, "rect");
		html_attr(h, "class", cls);
		html_attr_int(h, "x", x);
		html_attr_int(h, "y", y + 4);
		html_attr_int(h, "width", 12);
		html_attr_int(h, "height", 12);
		html_close(h);
		html_open(h, "text");
		html_attr_int(h, "x", x + 16);
		html_attr_int(h, "y", y + 15);
		html_text(h, names[i]);
		html_close(h);
		x += 16 + 9 * (int)strlen(names[i]) + 14;
	}
}

static void
speed(web_ctx *c, const json_t *doc)
{
	static const char *const measures[] = { "acknowledged", "attempted", "reached" };
	static const char *const words[] = { "Acknowledged (automated)", "First attempt (a person)",
					     "First contact (a person)" };
	static const char *const bars[] = { "Acknowledged", "First attempt", "First contact" };
	static const char *const bands[] = { "5 min", "15 min", "1 h", "24 h", "later", "never" };
	static const int colors[] = { 0, 1, 2, 3, 4, 5 };
	const json_t *sp = json_object_get(doc, "speed_to_lead");
	html *h = &c->h;

	html_elem(h, "h2", "Speed to lead");
	html_open(h, "p");
	html_attr(h, "class", "meta");
	html_text(h, "How soon the leads that arrived in the period were acknowledged, attempted "
		  "and reached, in wall-clock time. Automated messages never count as a person.");
	html_close(h);
	chart_start(h, 4, "How soon leads were acknowledged, attempted and reached");
	for (int m = 0; m < 3; m++) {
		const json_t *all = json_object_get(json_object_get(sp, measures[m]), "all");
		const json_t *sh = json_object_get(json_object_get(all, "wall"), "share");
		double s5 = real(sh, "5m"), s15 = real(sh, "15m"), s1h = real(sh, "1h");
		double s24 = real(sh, "24h"), never = real(sh, "never");
		double parts[6] = { s5, s15 - s5, s1h - s15, s24 - s1h, 1 - never - s24, never };

		if (num(all, "leads") == 0)
			parts[5] = 0;
		stacked_bar(h, 6 + m * 28, bars[m], parts, bands, colors, 6);
	}
	legend(h, 6 + 3 * 28, bands, colors, 6);
	html_close(h);	/* svg */

	table_start(h, "Speed to lead table");
	html_open(h, "thead");
	html_open(h, "tr");
	html_th(h, "Arrival to", false);
	html_th(h, "Clock", false);
	html_th(h, "Median", true);
	html_th(h, "90%", true);
	html_th(h, "Longest", true);
	html_th(h, "In 5 min", true);
	html_th(h, "In 1 h", true);
	html_th(h, "Never", true);
	html_close(h);
	html_close(h);
	html_open(h, "tbody");
	for (int m = 0; m < 3; m++) {
		const json_t *all = json_object_get(json_object_get(sp, measures[m]), "all");

		for (int k = 0; k < 2; k++) {
			const json_t *f = json_object_get(all, k ? "business" : "wall");
			const json_t *sh = json_object_get(f, "share");

			html_open(h, "tr");
			row_head(h, k ? "" : words[m]);
			html_open(h, "td");
			html_text(h, k ? "business hours" : "wall clock");
			html_close(h);
			td_span(h, json_object_get(f, "median_s"));
			td_span(h, json_object_get(f, "p90_s"));
			td_span(h, json_object_get(f, "max_s"));
			td_share(h, json_object_get(sh, "5m"));
			td_share(h, json_object_get(sh, "1h"));
			td_share(h, json_object_get(sh, "never"));
			html_close(h);
		}
	}
	html_close(h);
	table_end(h);
}

/* First contact per group, when the page is split by something. */
static void
groups(web_ctx *c, const json_t *doc, const char *by_label)
{
	const json_t *by = json_object_get(json_object_get(json_object_get(doc, "speed_to_lead"),
							    "reached"), "by");
	html *h = &c->h;
	const char *k;
	const json_t *g;
	char title[80];

	if (json_object_size(by) == 0)
		return;
	snprintf(title, sizeof title, "First contact by %s", by_label);
	html_elem(h, "h3", title);
	table_start(h, title);
	html_open(h, "thead");
	html_open(h, "tr");
	html_th(h, by_label, false);
	html_th(h, "Leads", true);
	html_th(h, "Reached", true);
	html_th(h, "Median", true);
	html_th(h, "Median, business hours", true);
	html_th(h, "In 1 h", true);
	html_close(h);
	html_close(h);
	html_open(h, "tbody");
	json_object_foreach((json_t *)by, k, g) {
		const json_t *w = json_object_get(g, "wall"), *b = json_object_get(g, "business");

		html_open(h, "tr");
		row_head(h, k);
		td_int(h, num(g, "leads"));
		td_int(h, num(w, "count"));
		td_span(h, json_object_get(w, "median_s"));
		td_span(h, json_object_get(b, "median_s"));
		td_share(h, json_object_get(json_object_get(w, "share"), "1h"));
		html_close(h);
	}
	html_close(h);
	table_end(h);
}

static void
windows(web_ctx *c, const json_t *doc)
{
	static const char *const parts_names[] = { "in time", "late", "open past due", "other" };
	static const int colors[] = { 0, 3, 5, 4 };
	const json_t *w = json_object_get(doc, "response_windows");
	const json_t *rows = json_object_get(w, "by_person"), *r;
	html *h = &c->h;
	size_t i, n = json_array_size(rows);

	html_elem(h, "h2", "Response windows");
	html_open(h, "p");
	html_attr(h, "class", "meta");
	html_textf(h, "Tasks due in the period: %lld, %lld done in their window; %lld escalations "
		   "fired; %lld tasks overdue now.", num(w, "due"), num(w, "done_in_window"),
		   num(w, "escalations"), num(w, "overdue_now"));
	html_close(h);
	if (n == 0)
		return;
	chart_start(h, (int)n + 1, "Tasks done in their window, per person");
	json_array_foreach(rows, i, r) {
		double due = (double)num(r, "due");
		double parts[4] = { 0 };

		if (due > 0) {
			parts[0] = (double)num(r, "done_in_window") / due;
			parts[1] = (double)num(r, "done_late") / due;
			parts[2] = (double)num(r, "open_past_due") / due;
			parts[3] = 1 - parts[0] - parts[1] - parts[2];
		}
		stacked_bar(h, 6 + (int)i * 28, web_person_name(c, json_string_value(
				    json_object_get(r, "person"))), parts, parts_names, colors, 4);
	}
	legend(h, 6 + (int)n * 28, parts_names, colors, 4);
	html_close(h);	/* svg */

	table_start(h, "Response windows table");
	html_open(h, "thead");
	html_open(h, "tr");
	html_th(h, "Person", false);
	html_th(h, "Due", true);
	html_th(h, "In time", true);
	html_th(h, "Late", true);
	html_th(h, "Handed on", true);
	html_th(h, "Open past due", true);
	html_th(h, "Overdue now", true);
	html_th(h, "Escalations", true);
	html_th(h, "Compliance", true);
	html_close(h);
	html_close(h);
	html_open(h, "tbody");
	json_array_foreach(rows, i, r) {
		html_open(h, "tr");
		row_head(h, web_person_name(c, json_string_value(json_object_get(r, "person"))));
		td_int(h, num(r, "due"));
		td_int(h, num(r, "done_in_window"));
		td_int(h, num(r, "done_late"));
		td_int(h, num(r, "handed_on"));
		td_int(h, num(r, "open_past_due"));
		td_int(h, num(r, "overdue_now"));
		td_int(h, num(r, "escalations"));
		td_share(h, json_object_get(r, "compliance"));
		html_close(h);
	}
	html_close(h);
	table_end(h);
}

static void
owners(web_ctx *c, const json_t *doc)
{
	const json_t *rows = json_object_get(doc, "owners"), *r;
	html *h = &c->h;
	size_t i;

	html_elem(h, "h2", "Owners");
	table_start(h, "Owners table");
	html_open(h, "thead");
	html_open(h, "tr");
	html_th(h, "Person", false);
	html_th(h, "Open", true);
	html_th(h, "Done", true);
	html_th(h, "Overdue", true);
	html_th(h, "Median to done", true);
	html_th(h, "Leads reached", true);
	html_th(h, "Calls per reach", true);
	html_close(h);
	html_close(h);
	html_open(h, "tbody");
	json_array_foreach(rows, i, r) {
		char calls[16] = "-";

		if (json_is_number(json_object_get(r, "calls_per_reach")))
			snprintf(calls, sizeof calls, "%.1f", real(r, "calls_per_reach"));
		html_open(h, "tr");
		row_head(h, web_person_name(c, json_string_value(json_object_get(r, "person"))));
		td_int(h, num(r, "open"));
		td_int(h, num(r, "done"));
		td_int(h, num(r, "overdue"));
		td_span(h, json_object_get(r, "median_completion_s"));
		td_int(h, num(r, "leads_reached"));
		td_text(h, calls);
		html_close(h);
	}
	html_close(h);
	table_end(h);
}

/* A list of leads, each linked, with what field says about it. */
static void
lead_list(web_ctx *c, const json_t *list, const char *field, bool span)
{
	html *h = &c->h;
	const json_t *l;
	size_t i;

	if (json_array_size(list) == 0)
		return;
	html_open(h, "ul");
	html_attr(h, "class", "leads");
	json_array_foreach(list, i, l) {
		const char *name = json_string_value(json_object_get(l, "name"));
		const json_t *v = json_object_get(l, field);
		html_url url;
		char buf[200] = "";

		html_open(h, "li");
		html_url_pathf(&url, "/app/leads/%lld", num(l, "id"));
		html_open(h, "a");
		html_url_attr(h, "href", &url);
		html_text(h, name && *name ? name : "(no name)");
		html_close(h);
		if (span && json_is_integer(v))
			web_span(json_integer_value(v), buf, sizeof buf);
		else if (json_is_string(v))
			snprintf(buf, sizeof buf, "%s", json_string_value(v));
		else if (json_is_array(v)) {
			size_t k;
			const json_t *x;
			size_t used = 0;

			json_array_foreach(v, k, x)
				used += (size_t)snprintf(buf + used, used < sizeof buf ? sizeof buf - used : 0,
							 "%s%s", k ? ", " : "no ",
							 json_string_value(x));
		}
		html_open(h, "span");
		html_attr(h, "class", "meta");
		html_textf(h, " \xc2\xb7 %s \xc2\xb7 %s", web_person_name(c, json_string_value(
				   json_object_get(l, "owner"))), buf);
		html_close(h);
		html_close(h);
	}
	html_close(h);
}

static void
attention(web_ctx *c, const json_t *doc)
{
	const json_t *u = json_object_get(doc, "unworked"), *s = json_object_get(doc, "stale");
	const json_t *cost = json_object_get(doc, "missed_lead_cost");
	html *h = &c->h;

	html_elem(h, "h2", "Leads that need someone");
	html_open(h, "p");
	html_attr(h, "class", json_integer_value(json_object_get(cost, "leads")) ? "notice error" :
		  "notice ok");
	if (json_is_integer(json_object_get(cost, "value_cents"))) {
		long long v = num(cost, "value_cents");

		html_textf(h, "%lld unworked or stale leads, worth about $%lld.%02lld (%lld x the "
			   "average job of $%lld x a close rate of %lld%%).", num(cost, "leads"),
			   v / 100, v % 100, num(cost, "leads"),
			   num(cost, "average_job_value_cents") / 100,
			   num(cost, "close_rate_percent"));
	} else {
		html_textf(h, "%lld unworked or stale leads. Set reports.average_job_value and "
			   "reports.close_rate_percent in the rules to see what they are worth.",
			   num(cost, "leads"));
	}
	html_close(h);
	html_open(h, "h3");
	html_textf(h, "Unworked: %lld (nobody has acted on them yet)", num(u, "count"));
	html_close(h);
	lead_list(c, json_object_get(u, "leads"), "age_s", true);
	html_open(h, "h3");
	html_textf(h, "Stale: %lld", num(s, "count"));
	html_close(h);
	lead_list(c, json_object_get(s, "leads"), "why", false);
}

/* Won, lost, open and other as shares of t's leads. */
static void
fates(const json_t *t, double parts[4])
{
	double n = (double)num(t, "leads");

	parts[0] = n > 0 ? (double)num(t, "won") / n : 0;
	parts[1] = n > 0 ? (double)num(t, "lost") / n : 0;
	parts[2] = n > 0 ? (double)num(t, "open") / n : 0;
	parts[3] = n > 0 ? (double)num(t, "other") / n : 0;
}

static void
conversion_row(html *h, const char *name, const json_t *t)
{
	char v[32];
	long long cents = num(t, "value_won_cents");
	const char *reason;
	const json_t *cnt;
	bool first = true;

	html_open(h, "tr");
	row_head(h, name);
	td_int(h, num(t, "leads"));
	td_int(h, num(t, "won"));
	td_int(h, num(t, "lost"));
	td_int(h, num(t, "open"));
	td_share(h, json_object_get(t, "win_rate"));
	td_span(h, json_object_get(t, "median_time_to_win_s"));
	snprintf(v, sizeof v, "$%lld.%02lld", cents / 100, cents % 100);
	td_text(h, v);
	html_open(h, "td");
	json_object_foreach((json_t *)json_object_get(t, "lost_reasons"), reason, cnt) {
		html_textf(h, "%s%s %lld", first ? "" : ", ", reason,
			   (long long)json_integer_value(cnt));
		first = false;
	}
	html_close(h);
	html_close(h);
}

static void
conversion(web_ctx *c, const json_t *doc)
{
	static const char *const parts_names[] = { "won", "lost", "open", "other" };
	static const int colors[] = { 0, 5, 2, 4 };
	const json_t *conv = json_object_get(doc, "conversion");
	const json_t *all = json_object_get(conv, "all");
	const json_t *by = json_object_get(conv, "by_source"), *t;
	html *h = &c->h;
	double parts[4];
	const char *k;
	int i = 1;

	html_elem(h, "h2", "Where the leads went");
	chart_start(h, (int)json_object_size(by) + 2, "Won, lost and open leads, all and per source");
	fates(all, parts);
	stacked_bar(h, 6, "all sources", parts, parts_names, colors, 4);
	json_object_foreach((json_t *)by, k, t) {
		fates(t, parts);
		stacked_bar(h, 6 + i * 28, k, parts, parts_names, colors, 4);
		i++;
	}
	legend(h, 6 + i * 28, parts_names, colors, 4);
	html_close(h);	/* svg */

	table_start(h, "Conversion table");
	html_open(h, "thead");
	html_open(h, "tr");
	html_th(h, "Source", false);
	html_th(h, "Leads", true);
	html_th(h, "Won", true);
	html_th(h, "Lost", true);
	html_th(h, "Open", true);
	html_th(h, "Win rate", true);
	html_th(h, "Median to win", true);
	html_th(h, "Value won", true);
	html_th(h, "Lost because", false);
	html_close(h);
	html_close(h);
	html_open(h, "tbody");
	conversion_row(h, "All sources", all);
	json_object_foreach((json_t *)by, k, t)
		conversion_row(h, k, t);
	html_close(h);
	table_end(h);
}

static void
accuracy(web_ctx *c, const json_t *doc)
{
	const json_t *a = json_object_get(doc, "stage_accuracy");
	html *h = &c->h;

	html_elem(h, "h2", "Stage accuracy");
	html_open(h, "p");
	html_attr(h, "class", num(a, "count") ? "notice error" : "notice ok");
	html_textf(h, "%lld active leads whose stage contradicts their timeline.", num(a, "count"));
	html_close(h);
	lead_list(c, json_object_get(a, "leads"), "contradiction", false);
}

static void
scorecard(web_ctx *c, const json_t *doc)
{
	const json_t *card = json_object_get(doc, "scorecard");
	html *h = &c->h;

	html_elem(h, "h2", "Scorecard");
	html_open(h, "p");
	html_attr(h, "class", num(card, "defect_count") ? "notice error" : "notice ok");
	html_textf(h, "Grade %lld: %s. %lld of %lld active leads have an owner, a next action, a "
		   "due time and a recovery.", num(card, "grade"),
		   json_string_value(json_object_get(card, "grade_words")), num(card, "complete"),
		   num(card, "active_leads"));
	html_close(h);
	lead_list(c, json_object_get(card, "defects"), "missing", false);
}

/* WEB_REPORTS_WAIT_MS; test seam: LEADKEEP_REPORTS_WAIT_MS=0 in serve's
 * environment shows "computing" at once for a view not computed yet, so a
 * test sees that page whatever the machine's speed. */
static int
wait_ms(void)
{
	const char *v = getenv("LEADKEEP_REPORTS_WAIT_MS");

	return v != NULL && *v != '\0' ? atoi(v) : WEB_REPORTS_WAIT_MS;
}

enum MHD_Result
web_reports(http_req *rq)
{
	enum MHD_Result ret;
	report_options o = { 0 };
	size_t period, by;
	char err[256], from[64], to[64], asof[64], key[32];
	int64_t as_of;
	json_t *doc = NULL;
	web_reports_state got;
	store *s;
	web_ctx c;
	html *h;

	if (!web_begin(&c, rq, true, &ret))
		goto out;
	if (!web_role_sees_reports(c.user.role)) {
		ret = web_error_page(&c, 403, "Not allowed", "Reports are for managers and admins.");
		goto out;
	}
	period = pick(http_arg(rq, "period"), period_values, 4, 1);
	by = pick(http_arg(rq, "by"), by_values, 5, 0);
	o.now = o.to = c.now;
	o.from = c.now - period_secs[period];
	if (by > 0)
		report_by_parse(by_values[by], &o.by);
	o.list_max = WEB_REPORTS_LIST_MAX;
	snprintf(key, sizeof key, "%s/%s", period_values[period], by_values[by]);
	if ((s = http_store(rq)) == NULL ||
	    (got = web_reports_get(s, c.business_id, c.rules, &o, key, wait_ms(), &doc, &as_of,
				   err, sizeof err)) == WEB_REPORTS_FAILED) {
		ret = web_error_page(&c, 503, "Unavailable", "The report cannot be read just now. "
				     "Try again in a moment.");
		goto out;
	}
	h = &c.h;
	if (got == WEB_REPORTS_COMPUTING)
		c.refresh_s = 2;	/* the figures are on their way: ask again */
	web_page_start(&c, "Reports", "reports");
	html_elem(h, "h1", "Reports");
	web_health_banner(&c);
	{
		html_url u;

		html_url_path(&u, "/app/reports");
		html_open(h, "form");
		html_attr(h, "method", "get");
		html_url_attr(h, "action", &u);
		html_attr(h, "class", "card row filters");
		choice(h, "r-period", "Leads that arrived", "period", period_values, period_labels, 4,
		       period);
		choice(h, "r-by", "Split by", "by", by_values, by_labels, 5, by);
		html_open(h, "button");
		html_text(h, "Show");
		html_close(h);
		html_close(h);
	}
	if (got == WEB_REPORTS_COMPUTING) {
		html_open(h, "p");
		html_attr(h, "class", "notice");
		html_attr(h, "role", "status");
		html_text(h, "Computing these figures... This page shows them when they are "
			  "ready (it reloads itself every 2 seconds).");
		html_close(h);
		web_page_end(&c);
		ret = web_send(&c, 200, NULL);
		goto out;
	}
	/* The figures' own period: a kept document's may be older than now. */
	web_local_time(&c, as_of - period_secs[period], from, sizeof from);
	web_local_time(&c, as_of, to, sizeof to);
	web_local_time(&c, as_of, asof, sizeof asof);
	html_open(h, "p");
	html_attr(h, "class", "meta");
	html_textf(h, "From %s to %s. Measured from what happened to each lead (its timeline), "
		   "never from the stage someone set. Figures as of %s", from, to, asof);
	if (c.now - as_of > WEB_REPORTS_MAX_AGE) {
		char age[48];

		web_span(c.now - as_of, age, sizeof age);
		html_textf(h, " (%s ago; newer ones are being computed)", age);
	}
	html_text(h, "; they are computed again when leads change.");
	html_close(h);
	scorecard(&c, doc);
	speed(&c, doc);
	if (by > 0)
		groups(&c, doc, by_labels[by]);
	attention(&c, doc);
	windows(&c, doc);
	owners(&c, doc);
	conversion(&c, doc);
	accuracy(&c, doc);
	web_page_end(&c);
	ret = web_send(&c, 200, NULL);
out:
	json_decref(doc);
	web_end(&c);
	return ret;
}

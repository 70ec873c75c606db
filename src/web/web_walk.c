/*
 * web_walk.c - Start: my queue one lead at a time. GET /app/walk shows the
 * first open task due by the end of today (after the one just handled):
 * its lead, what to do, call/text/email, and one form for what happened -
 * no answer, left a message, talked, booked (a time), quote sent (an
 * amount), lost (a reason from the rules), snooze (a reason) - and the next
 * follow-up (+1 day, +3 days, +1 week, a date, none). POST /app/walk/ID
 * records it through the engine in one write (the outcome, the task done,
 * the follow-up: EV_FOLLOWUP), then shows the next lead with what the
 * engine made next for this one. Technicians and sales reps walk their own
 * queue; nobody reaches a task of a lead they may not see.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_api.h"
#include "store/store_api.h"
#include "store/store_read.h"
#include "store/store_web.h"
#include "web.h"
#include "web_time.h"

#define MAX_NOTE 500
#define WALK_STEPS 6

static const struct {
	const char *value, *label;
} outcomes[] = {
	{ "no_answer", "No answer" },
	{ "left_voicemail", "Left a message" },
	{ "talked", "Talked" },
	{ "booked", "Booked a visit" },
	{ "quoted", "Quote sent" },
	{ "lost", "Lost" },
	{ "snooze", "Snooze" },
};

static const struct {
	const char *value, *label;
	int64_t secs;
} nexts[] = {
	{ "none", "None", 0 },
	{ "1d", "In 1 day", 86400 },
	{ "3d", "In 3 days", 3 * 86400 },
	{ "7d", "In 1 week", 7 * 86400 },
	{ "date", "On a date", 0 },
};

/* The person whose queue is walked: theirs, or everyone's for office,
 * managers and admins without a person. NULL with *none when the user has
 * no queue at all. */
static const char *
walker(web_ctx *c, bool *none)
{
	*none = false;
	if (*web_person(c))
		return web_person(c);
	if (!web_role_sees_all(c->user.role))
		*none = true;
	return NULL;
}

/* --- the page ------------------------------------------------------------------- */

typedef struct {
	web_ctx *c;
	bool found;
	store_queue_row r;
} next_task;

static void
on_next(void *ctx, const store_queue_row *r)
{
	next_task *n = ctx;
	web_ctx *c = n->c;

	n->found = true;
	n->r = *r;
	n->r.verb = web_keep(c, r->verb);
	n->r.title = web_keep(c, r->title);
	n->r.assignee = web_keep(c, r->assignee);
	n->r.name = web_keep(c, r->name);
	n->r.phone = web_keep(c, r->phone);
	n->r.email = web_keep(c, r->email);
	n->r.source = web_keep(c, r->source);
	n->r.kind = web_keep(c, r->kind);
	n->r.service = web_keep(c, r->service);
	n->r.stage = web_keep(c, r->stage);
	n->r.owner = web_keep(c, r->owner);
	n->r.last_type = web_keep(c, r->last_type);
	n->r.last_text = web_keep(c, r->last_text);
	n->r.promise = web_keep(c, r->promise);
}

/* What the engine made next for the lead just handled. */
typedef struct {
	web_ctx *c;
	const char *name;
	const char *title;
	int64_t due;
	const char *status, *stage;
} after_lead;

static void
on_after_lead(void *ctx, const store_lead_row *r)
{
	after_lead *a = ctx;

	a->name = web_keep(a->c, r->name);
	a->status = web_keep(a->c, r->status);
	a->stage = web_keep(a->c, r->stage);
}

static void
on_after_task(void *ctx, const store_task_row *r)
{
	after_lead *a = ctx;

	if (r->state == NULL || strcmp(r->state, "open") != 0 ||
	    (a->title != NULL && r->due_at >= a->due))
		return;
	a->title = web_keep(a->c, r->title);
	a->due = r->due_at;
}

static void
show_after(web_ctx *c, int64_t lead_id)
{
	static const store_lead_visitor v = { .lead = on_after_lead, .task = on_after_task };
	after_lead a = { .c = c };
	html *h = &c->h;
	store *s = http_store(c->rq);
	char due[48];

	if (lead_id <= 0 || s == NULL || web_may_see_lead(c, lead_id) != 1 ||
	    store_lead_read(s, c->business_id, lead_id, &v, &a) != 1)
		return;
	html_open(h, "p");
	html_attr(h, "class", "notice ok");
	html_attr(h, "role", "status");
	html_text(h, "Saved. ");
	if (a.title != NULL) {
		web_countdown(c->now, a.due, due, sizeof due);
		html_textf(h, "Next for %s: %s (%s).", a.name ? a.name : "the lead", a.title, due);
	} else {
		html_textf(h, "%s is now %s, stage %s, with no open task.",
			   a.name ? a.name : "The lead", a.status ? a.status : "-",
			   a.stage ? a.stage : "-");
	}
	html_close(h);
}

static void
radio(html *h, const char *name, const char *value, const char *label, bool checked,
      bool required)
{
	html_open(h, "label");
	html_attr(h, "class", "inline choice");
	html_void(h, "input");
	html_attr(h, "type", "radio");
	html_attr(h, "name", name);
	html_attr(h, "value", value);
	html_flag(h, "checked", checked);
	html_flag(h, "required", required);
	html_text(h, label);
	html_close(h);
}

static void
field(html *h, const char *id, const char *label, const char *type, const char *name,
      const char *hint)
{
	web_label(h, id, label);
	html_void(h, "input");
	html_attr(h, "id", id);
	html_attr(h, "type", type);
	html_attr(h, "name", name);
	if (hint != NULL)
		html_attr(h, "placeholder", hint);
}

static void
outcome_form(web_ctx *c, const store_queue_row *t)
{
	html *h = &c->h;
	const rules *r = c->rules;
	html_url u;

	html_url_pathf(&u, "/app/walk/%lld", (long long)t->task_id);
	html_open(h, "form");
	html_attr(h, "method", "post");
	html_url_attr(h, "action", &u);
	html_attr(h, "class", "card walk");
	web_csrf_field(c);
	html_void(h, "input");
	html_attr(h, "type", "hidden");
	html_attr(h, "name", "due");
	html_attr_int(h, "value", t->due_at);
	web_notice_show(c, "walk");

	html_open(h, "fieldset");
	html_elem(h, "legend", "What happened");
	for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
		radio(h, "outcome", outcomes[i].value, outcomes[i].label, false, i == 0);
	html_close(h);

	html_open(h, "details");
	html_open(h, "summary");
	html_text(h, "Booked, quote, lost or snooze: the details");
	html_close(h);
	html_open(h, "div");
	html_attr(h, "class", "row");
	html_open(h, "div");
	field(h, "walk-book-date", "Booked for (date)", "date", "book_date", NULL);
	html_close(h);
	html_open(h, "div");
	field(h, "walk-book-time", "at", "time", "book_time", "09:00");
	html_close(h);
	html_close(h);
	field(h, "walk-amount", "Quote amount", "text", "amount", "e.g. 1250");
	html_attr(h, "inputmode", "decimal");
	if (r->nlost_reasons > 0) {
		html_open(h, "label");
		html_attr(h, "for", "walk-reason");
		html_text(h, "Lost because");
		html_close(h);
		html_open(h, "select");
		html_attr(h, "id", "walk-reason");
		html_attr(h, "name", "reason");
		html_open(h, "option");
		html_attr(h, "value", "");
		html_text(h, "-");
		html_close(h);
		for (size_t i = 0; i < r->nlost_reasons; i++) {
			html_open(h, "option");
			html_attr(h, "value", r->lost_reasons[i]);
			html_text(h, r->lost_reasons[i]);
			html_close(h);
		}
		html_close(h);
	}
	field(h, "walk-snooze", "Why it waits (snooze; it comes back at the next follow-up)",
	      "text", "snooze_reason", NULL);
	html_attr(h, "maxlength", "500");
	html_close(h);	/* details */

	html_open(h, "fieldset");
	html_elem(h, "legend", "Next follow-up");
	for (size_t i = 0; i < sizeof nexts / sizeof nexts[0]; i++)
		radio(h, "next", nexts[i].value, nexts[i].label, i == 0, false);
	html_open(h, "div");
	html_attr(h, "class", "row");
	html_open(h, "div");
	field(h, "walk-next-date", "Date", "date", "next_date", NULL);
	html_close(h);
	html_open(h, "div");
	field(h, "walk-next-time", "at", "time", "next_time", "09:00");
	html_close(h);
	html_close(h);
	html_close(h);	/* fieldset */

	html_open(h, "label");
	html_attr(h, "for", "walk-text");
	html_text(h, "Notes");
	html_close(h);
	html_void(h, "input");
	html_attr(h, "id", "walk-text");
	html_attr(h, "name", "text");
	html_attr(h, "maxlength", "500");
	html_attr(h, "autocomplete", "off");
	html_open(h, "div");
	html_attr(h, "class", "actions");
	html_open(h, "button");
	html_text(h, "Save and next");
	html_close(h);
	html_url_path(&u, "/app/walk");
	html_url_query_int(&u, "due", t->due_at);
	html_url_query_int(&u, "task", t->task_id);
	html_open(h, "a");
	html_attr(h, "class", "button secondary");
	html_url_attr(h, "href", &u);
	html_text(h, "Skip");
	html_close(h);
	html_url_path(&u, "/app/");
	html_open(h, "a");
	html_attr(h, "class", "button secondary");
	html_url_attr(h, "href", &u);
	html_text(h, "Stop");
	html_close(h);
	html_close(h);	/* actions */
	html_close(h);	/* form */
}

static void
lead_card(web_ctx *c, const store_queue_row *t)
{
	html *h = &c->h;
	char due[48], when[64];
	web_due urgency = web_countdown(c->now, t->due_at, due, sizeof due);
	html_url u;

	html_open(h, "article");
	html_attr(h, "class", "card walk-lead");
	html_attr(h, "id", "walk-lead");
	html_open(h, "h2");
	html_url_pathf(&u, "/app/leads/%lld", (long long)t->lead_id);
	html_open(h, "a");
	html_url_attr(h, "href", &u);
	html_text(h, t->name && *t->name ? t->name : "(no name)");
	html_close(h);
	if (t->is_new) {
		html_text(h, " ");
		web_badge(c, "new", "New");
	}
	html_close(h);
	html_open(h, "p");
	html_attr(h, "class", "meta");
	html_textf(h, "Stage %s \xc2\xb7 from %s", t->stage ? t->stage : "-",
		   t->source ? t->source : "-");
	if (t->service) {
		html_text(h, " \xc2\xb7 ");
		html_text(h, t->service);
	}
	html_close(h);
	html_open(h, "p");
	html_attr(h, "class", "what");
	html_text(h, t->title);
	html_close(h);
	web_local_time(c, t->due_at, when, sizeof when);
	html_open(h, "p");
	html_attr(h, "class", "meta");
	html_open(h, "span");
	html_attr(h, "class", urgency == WEB_DUE_LATE ? "due late" : urgency == WEB_DUE_SOON ?
		  "due soon" : "due later");
	html_attr_int(h, "data-due", t->due_at);
	html_text(h, due);
	html_close(h);
	html_text(h, " \xc2\xb7 ");
	html_text(h, when);
	html_close(h);
	if (t->last_text) {
		html_open(h, "p");
		html_attr(h, "class", "why overflow");
		html_text(h, "Last: ");
		html_text(h, t->last_text);
		html_close(h);
	}
	if (t->promise) {
		html_open(h, "p");
		html_attr(h, "class", "why overflow");
		html_text(h, "We told them: ");
		html_text(h, t->promise);
		html_close(h);
	}
	web_contact_links(c, t->phone, t->email, t->sms_opt_out, t->email_opt_out);
	html_close(h);	/* article */
}

/* The walk page after (after_due, after_id), with the lead just handled. */
static int
walk_render(web_ctx *c, int64_t after_due, int64_t after_id, int64_t prev_lead)
{
	html *h = &c->h;
	store *s = http_store(c->rq);
	next_task n = { .c = c };
	int64_t day_start, day_end;
	bool none;
	const char *who = walker(c, &none);
	int rc = 0;
	html_url u;

	web_day_bounds(c, c->now, &day_start, &day_end);
	web_page_start(c, "Start", "today");
	html_open(h, "div");
	html_attr_int(h, "data-now", c->now);
	html_elem(h, "h1", who ? "Start: my queue, one lead at a time" :
		  "Start: everyone's queue, one lead at a time");
	web_notice_show(c, "");
	show_after(c, prev_lead);
	if (none) {
		html_elem(h, "p", "Your account is not linked to a person in the rules, so no task "
			  "is yours yet. Ask a manager to link it (leadkeep user add --person).");
	} else if (s == NULL || (rc = store_queue_next(s, c->business_id, who, after_due, after_id,
						       day_end - 1, on_next, &n)) < 0) {
		html_open(h, "p");
		html_attr(h, "class", "notice error");
		html_attr(h, "role", "alert");
		html_text(h, "The queue cannot be read just now. Reload in a moment.");
		html_close(h);
	} else if (!n.found) {
		html_open(h, "p");
		html_attr(h, "class", "empty");
		html_text(h, "You are through today's queue. New leads appear on Today the moment "
			  "they arrive.");
		html_close(h);
		html_url_path(&u, "/app/");
		html_open(h, "a");
		html_attr(h, "class", "button");
		html_url_attr(h, "href", &u);
		html_text(h, "Back to Today");
		html_close(h);
	} else {
		lead_card(c, &n.r);
		outcome_form(c, &n.r);
	}
	html_close(h);	/* div */
	web_page_end(c);
	return rc < 0 ? -1 : 0;
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

enum MHD_Result
web_walk(http_req *rq)
{
	enum MHD_Result ret;
	web_ctx c;

	if (!web_begin(&c, rq, true, &ret))
		goto out;
	walk_render(&c, arg_int(&c, "due", INT64_MIN), arg_int(&c, "task", 0),
		    arg_int(&c, "prev", 0));
	ret = web_send(&c, 200, NULL);
out:
	web_end(&c);
	return ret;
}

/* --- recording what happened --------------------------------------------------------- */

/* The steps of one outcome, run in one savepoint of the writer: all or
 * nothing. A step marked if_open runs only while the task is still open
 * (a logged call may have closed it already). */
typedef struct {
	web_job w[WALK_STEPS];
	bool if_open[WALK_STEPS];
	int n;
	int64_t task_id;
} walk_job;

static int
walk_run(store *s, void *arg, char *err, size_t errlen)
{
	walk_job *wj = arg;

	for (int i = 0; i < wj->n; i++) {
		int rc;

		if (wj->if_open[i]) {
			char state[16] = "";

			if (store_task_state(s, wj->w[i].j.business_id, wj->task_id, state,
					     sizeof state) < 0)
				return snprintf(err, errlen, "reading the task: %s", store_errmsg(s)),
				       FLOW_STORAGE;
			if (strcmp(state, "open") != 0)
				continue;
		}
		if ((rc = web_job_run(s, &wj->w[i], err, errlen)) != FLOW_OK)
			return rc;
	}
	return FLOW_OK;
}

/* A new step: an event on lead_id, or (kind EV_TASK_DONE / EV_TASK_SNOOZE)
 * about the walked task. */
static lead_event *
step(web_ctx *c, walk_job *wj, lead_event_kind kind, int64_t lead_id, bool if_open)
{
	web_job *w = &wj->w[wj->n];

	web_job_init(c, w, kind == EV_TASK_DONE ? JOB_TASK_DONE : kind == EV_TASK_SNOOZE ?
		     JOB_SNOOZE : JOB_EVENT);
	w->j.ev = lead_event_init(kind);
	w->j.ev.actor = *web_person(c) ? web_person(c) : NULL;
	w->j.lead_id = lead_id;
	w->j.task_id = wj->task_id;
	if (kind == EV_TASK_DONE || kind == EV_TASK_SNOOZE)
		w->check_task = wj->task_id;
	wj->if_open[wj->n] = if_open;
	return &wj->w[wj->n++].j.ev;
}

/* The rules' stage for a quote (named "quoted", else the first open stage
 * that needs an amount) and for a loss ("lost", else the first closed stage
 * that needs a reason). NULL when the rules have none. */
static const char *
quote_stage(const rules *r)
{
	if (rules_stage_find(r, "quoted"))
		return "quoted";
	for (size_t i = 0; i < r->nstages; i++)
		if (r->stages[i].requires_amount && !r->stages[i].closed)
			return r->stages[i].name;
	return NULL;
}

static const char *
lost_stage(const rules *r)
{
	if (rules_stage_find(r, "lost"))
		return "lost";
	for (size_t i = 0; i < r->nstages; i++)
		if (r->stages[i].requires_reason && r->stages[i].closed)
			return r->stages[i].name;
	return NULL;
}

typedef struct {
	web_ctx *c;
	const char *stage;
} lead_stage;

static void
on_stage(void *ctx, const store_lead_row *r)
{
	lead_stage *ls = ctx;

	ls->stage = web_keep(ls->c, r->stage);
}

/* The page again with the reason next to the form, for the same task. */
static enum MHD_Result
walk_again(web_ctx *c, int64_t due, int64_t task_id, int status, const char *text)
{
	if (text != NULL) {
		c->notice.error = true;
		snprintf(c->notice.text, sizeof c->notice.text, "%s", text);
		snprintf(c->notice.form, sizeof c->notice.form, "walk");
	}
	html_free(&c->h);
	html_init(&c->h, 0);
	/* just before the task in the queue's order: the same task again (a
	 * task no longer open is simply passed) */
	walk_render(c, due, task_id - 1, 0);
	return web_send(c, status, NULL);
}

enum MHD_Result
web_walk_outcome(http_req *rq)
{
	enum MHD_Result ret;
	const char *outcome, *next, *text, *reason, *snooze_reason, *amount;
	int64_t task_id, lead_id = 0, due, follow = 0, booked = 0, cents = -1;
	char verb[32] = "", err[512] = "", loc[128];
	walk_job wj;
	lead_event *ev;
	flow_result rc;
	web_ctx c;
	int found;

	memset(&wj, 0, sizeof wj);
	if (!web_begin_post(&c, rq, &ret))
		goto out;
	task_id = api_id(rq->params[0]);
	due = strtoll(web_form_get(&c.form, "due") ? web_form_get(&c.form, "due") : "0", NULL, 10);
	if (task_id <= 0 || http_store(rq) == NULL ||
	    (found = store_task_brief(http_store(rq), c.business_id, task_id, &lead_id, verb,
				      sizeof verb)) == 0 ||
	    (found > 0 && (found = web_may_see_lead(&c, lead_id)) == 0)) {
		ret = web_error_page(&c, 404, "Not found", "There is no such task, or it is not one "
				     "of yours.");
		goto out;
	}
	if (found < 0) {
		ret = web_error_page(&c, 503, "Unavailable", "Try again in a moment.");
		goto out;
	}
	outcome = web_form_get(&c.form, "outcome");
	next = web_form_get(&c.form, "next");
	text = web_form_get(&c.form, "text");
	reason = web_form_get(&c.form, "reason");
	snooze_reason = web_form_get(&c.form, "snooze_reason");
	amount = web_form_get(&c.form, "amount");
	if ((text && strlen(text) > MAX_NOTE) || (snooze_reason && strlen(snooze_reason) > MAX_NOTE)) {
		ret = walk_again(&c, due, task_id, 422, "Notes and reasons: at most 500 characters.");
		goto out;
	}

	/* the next follow-up: when, if any */
	if (next == NULL || strcmp(next, "none") == 0) {
		follow = 0;
	} else if (strcmp(next, "date") == 0) {
		if (web_local_instant(&c, web_form_get(&c.form, "next_date"),
				      web_form_get(&c.form, "next_time"), &follow) < 0) {
			ret = walk_again(&c, due, task_id, 422, "Next follow-up: pick a date (and a "
					 "time, or 9:00 AM is used).");
			goto out;
		}
	} else {
		for (size_t i = 0; i < sizeof nexts / sizeof nexts[0]; i++)
			if (strcmp(next, nexts[i].value) == 0)
				follow = c.now + nexts[i].secs;
		if (follow == 0) {
			ret = walk_again(&c, due, task_id, 422, "Next follow-up: pick one from the "
					 "list.");
			goto out;
		}
	}
	if (follow != 0 && follow <= c.now) {
		ret = walk_again(&c, due, task_id, 422, "Next follow-up: pick a time in the future.");
		goto out;
	}

	wj.task_id = task_id;
	if (outcome && (strcmp(outcome, "talked") == 0 || strcmp(outcome, "no_answer") == 0 ||
			strcmp(outcome, "left_voicemail") == 0)) {
		/* a logged call: no answer and a message left are attempts, not contact */
		ev = step(&c, &wj, EV_CALL_LOGGED, lead_id, false);
		ev->outcome = outcome;
		ev->text = text;
		wj.w[0].check_task = task_id;
		ev = step(&c, &wj, EV_TASK_DONE, lead_id, true);
		ev->outcome = outcome;
	} else if (outcome && strcmp(outcome, "booked") == 0) {
		const char *sched_stage = rules_stage_find(c.rules, "scheduled") ? "scheduled" : NULL;
		lead_stage ls = { .c = &c };
		static const store_lead_visitor v = { .lead = on_stage };

		if (web_local_instant(&c, web_form_get(&c.form, "book_date"),
				      web_form_get(&c.form, "book_time"), &booked) < 0 ||
		    booked <= c.now) {
			ret = walk_again(&c, due, task_id, 422, "Booked: pick the date and time of "
					 "the visit, in the future.");
			goto out;
		}
		if (sched_stage && store_lead_read(http_store(rq), c.business_id, lead_id, &v, &ls) == 1 &&
		    ls.stage != NULL && strcmp(ls.stage, sched_stage) == 0)
			sched_stage = NULL;	/* there already */
		ev = step(&c, &wj, EV_CALL_LOGGED, lead_id, false);
		ev->outcome = "booked";
		ev->text = text;
		wj.w[0].check_task = task_id;
		ev = step(&c, &wj, EV_TASK_DONE, lead_id, true);
		ev->outcome = "booked";
		if (c.rules->appointments.nkinds > 0) {
			/* a real appointment: its stage, visit task, confirmation and
			 * reminders are the engine's (docs/appointments.md) */
			ev = step(&c, &wj, EV_APPOINTMENT, lead_id, false);
			ev->outcome = "book";
			ev->starts_at = booked;
		} else {
			if (sched_stage) {
				ev = step(&c, &wj, EV_STAGE, lead_id, false);
				ev->stage = sched_stage;
			}
			ev = step(&c, &wj, EV_FOLLOWUP, lead_id, false);
			ev->verb = "visit";
			ev->until = booked;
			ev->text = "booked";
		}
	} else if (outcome && strcmp(outcome, "quoted") == 0) {
		const char *stage = quote_stage(c.rules);

		if (stage == NULL) {
			ret = walk_again(&c, due, task_id, 422, "This business's rules have no stage "
					 "for a quote.");
			goto out;
		}
		if (amount == NULL || (cents = web_parse_amount(amount)) < 0) {
			ret = walk_again(&c, due, task_id, 422, "Quote sent: give the amount in "
					 "dollars, e.g. 1250 or 1,250.50.");
			goto out;
		}
		ev = step(&c, &wj, EV_STAGE, lead_id, false);
		ev->stage = stage;
		ev->amount_cents = cents;
		wj.w[0].check_task = task_id;
		ev = step(&c, &wj, EV_TASK_DONE, lead_id, true);
		ev->outcome = text ? text : "quote sent";
	} else if (outcome && strcmp(outcome, "lost") == 0) {
		const char *stage = lost_stage(c.rules);

		if (stage == NULL) {
			ret = walk_again(&c, due, task_id, 422, "This business's rules have no stage "
					 "for a lost lead.");
			goto out;
		}
		if (reason == NULL || !rules_lost_reason_known(c.rules, reason)) {
			ret = walk_again(&c, due, task_id, 422, "Lost: pick the reason from the list.");
			goto out;
		}
		/* a lost lead's tasks are cancelled by the engine; no follow-up */
		ev = step(&c, &wj, EV_STAGE, lead_id, false);
		ev->stage = stage;
		ev->reason = reason;
		wj.w[0].check_task = task_id;
		follow = 0;
	} else if (outcome && strcmp(outcome, "snooze") == 0) {
		if (snooze_reason == NULL) {
			ret = walk_again(&c, due, task_id, 422, "Snooze: say why it waits.");
			goto out;
		}
		if (follow == 0) {
			ret = walk_again(&c, due, task_id, 422, "Snooze: pick when it comes back "
					 "(the next follow-up).");
			goto out;
		}
		ev = step(&c, &wj, EV_TASK_SNOOZE, lead_id, false);
		ev->until = follow;
		ev->reason = snooze_reason;
		follow = 0;	/* the task itself comes back then */
	} else {
		ret = walk_again(&c, due, task_id, 422, "Pick what happened.");
		goto out;
	}
	if (follow != 0) {
		ev = step(&c, &wj, EV_FOLLOWUP, lead_id, false);
		ev->verb = "call";
		ev->until = follow;
	}
	rc = web_write(&c, walk_run, &wj, err, sizeof err);
	if (rc != FLOW_OK) {
		/* a task finished meanwhile has no form to show the reason by */
		int status = web_flow_notice(&c, rc, err, rc == FLOW_CONFLICT ? "" : "walk");

		ret = walk_again(&c, due, task_id, status, NULL);
		goto out;
	}
	snprintf(loc, sizeof loc, "/app/walk?due=%lld&task=%lld&prev=%lld", (long long)due,
		 (long long)task_id, (long long)lead_id);
	ret = web_redirect(&c, loc, NULL);
out:
	web_end(&c);
	return ret;
}

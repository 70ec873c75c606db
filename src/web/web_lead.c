/*
 * web_lead.c - the lead page: contact with tap-to-call/text/email, stage
 * and owner, custom fields, open tasks with their buttons, the automated
 * steps still to come (held ones marked paused), every message with its
 * delivery state, the whole timeline (newest first), and the forms to log a
 * call/visit/note, change the stage, pause or resume the automation (office,
 * managers, admins, the owner) and - for office, managers and admins - the
 * owner; its appointments, with their buttons and a booking form
 * (web_appointments.c). A lead the user may not see is answered exactly like
 * one that does not exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/engine.h"
#include "core/rules.h"
#include "http/http_api.h"
#include "store/store_read.h"
#include "web.h"
#include "web_time.h"

typedef struct {
	int64_t id, due_at, closed_at;
	const char *verb, *title, *assignee, *state, *outcome;
} task_copy;

typedef struct {
	int64_t due_at;
	const char *kind, *sequence;
	bool has_step;
	int step;
	const char *step_id;
} timer_copy;

typedef struct {
	int64_t send_at;
	const char *channel, *to, *person, *purpose, *body, *state;
} message_copy;

typedef struct {
	int64_t at;
	const char *type, *actor, *text;
} event_copy;

typedef struct {
	web_ctx *c;
	store_lead_row lead;
	task_copy *tasks;
	size_t ntasks, captasks;
	timer_copy *timers;
	size_t ntimers, captimers;
	message_copy *messages;
	size_t nmessages, capmessages;
	event_copy *events;
	size_t nevents, capevents;
	bool is_new;		/* no timeline entry says a person acted */
} lead_page;

/* A new zeroed slot at the end of *arr, or NULL (the page then fails). */
static void *
push(web_ctx *c, void **arr, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *p = realloc(*arr, ncap * size);

		if (p == NULL) {
			c->keep_failed = true;
			return NULL;
		}
		*arr = p;
		*cap = ncap;
	}
	memset((char *)*arr + *n * size, 0, size);
	return (char *)*arr + (*n)++ * size;
}

static void
on_lead(void *ctx, const store_lead_row *r)
{
	lead_page *p = ctx;
	web_ctx *c = p->c;

	p->lead = *r;
	p->lead.name = web_keep(c, r->name);
	p->lead.phone = web_keep(c, r->phone);
	p->lead.email = web_keep(c, r->email);
	p->lead.source = web_keep(c, r->source);
	p->lead.kind = web_keep(c, r->kind);
	p->lead.service = web_keep(c, r->service);
	p->lead.message = web_keep(c, r->message);
	p->lead.neighbourhood = web_keep(c, r->neighbourhood);
	p->lead.timezone = web_keep(c, r->timezone);
	p->lead.stage = web_keep(c, r->stage);
	p->lead.status = web_keep(c, r->status);
	p->lead.owner = web_keep(c, r->owner);
	p->lead.sequence = web_keep(c, r->sequence);
	p->lead.lost_reason = web_keep(c, r->lost_reason);
	p->lead.external_id = web_keep(c, r->external_id);
	p->lead.custom = web_keep(c, r->custom);
	p->lead.paused_step = web_keep(c, r->paused_step);
	p->lead.plan_skip = web_keep(c, r->plan_skip);
}

static void
on_task(void *ctx, const store_task_row *r)
{
	lead_page *p = ctx;
	task_copy *t = push(p->c, (void **)&p->tasks, &p->ntasks, &p->captasks, sizeof *t);

	if (t == NULL)
		return;
	t->id = r->id;
	t->due_at = r->due_at;
	t->closed_at = r->closed_at;
	t->verb = web_keep(p->c, r->verb);
	t->title = web_keep(p->c, r->title);
	t->assignee = web_keep(p->c, r->assignee);
	t->state = web_keep(p->c, r->state);
	t->outcome = web_keep(p->c, r->outcome);
}

static void
on_timer(void *ctx, const store_timer_row *r)
{
	lead_page *p = ctx;
	timer_copy *t = push(p->c, (void **)&p->timers, &p->ntimers, &p->captimers, sizeof *t);

	if (t == NULL)
		return;
	t->due_at = r->due_at;
	t->kind = web_keep(p->c, r->kind);
	t->sequence = web_keep(p->c, r->sequence);
	t->has_step = r->has_step;
	t->step = r->step;
	t->step_id = web_keep(p->c, r->step_id);
}

static void
on_message(void *ctx, const store_message_row *r)
{
	lead_page *p = ctx;
	message_copy *m = push(p->c, (void **)&p->messages, &p->nmessages, &p->capmessages,
			       sizeof *m);

	if (m == NULL)
		return;
	m->send_at = r->send_at;
	m->channel = web_keep(p->c, r->channel);
	m->to = web_keep(p->c, r->to);
	m->person = web_keep(p->c, r->person);
	m->purpose = web_keep(p->c, r->purpose);
	m->body = web_keep(p->c, r->body);
	m->state = web_keep(p->c, r->state);
}

static void
on_event(void *ctx, const store_event_row *r)
{
	lead_page *p = ctx;
	event_copy *e = push(p->c, (void **)&p->events, &p->nevents, &p->capevents, sizeof *e);

	if (engine_event_type_human(r->type))
		p->is_new = false;
	if (e == NULL)
		return;
	e->at = r->at;
	e->type = web_keep(p->c, r->type);
	e->actor = web_keep(p->c, r->actor);
	e->text = web_keep(p->c, r->text);
}

static void
fact(html *h, const char *term, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	html_elem(h, "dt", term);
	html_elem(h, "dd", value);
}

/* The start of a form posting to /app/leads/ID/<what>. */
static void
lead_form(web_ctx *c, int64_t id, const char *what)
{
	html_url u;

	if (strcmp(what, "stage") == 0)
		html_url_pathf(&u, "/app/leads/%lld/stage", (long long)id);
	else if (strcmp(what, "pause") == 0)
		html_url_pathf(&u, "/app/leads/%lld/pause", (long long)id);
	else if (strcmp(what, "resume") == 0)
		html_url_pathf(&u, "/app/leads/%lld/resume", (long long)id);
	else if (strcmp(what, "owner") == 0)
		html_url_pathf(&u, "/app/leads/%lld/owner", (long long)id);
	else if (strcmp(what, "opt-out") == 0)
		html_url_pathf(&u, "/app/leads/%lld/opt-out", (long long)id);
	else
		html_url_pathf(&u, "/app/leads/%lld/log", (long long)id);
	html_open(&c->h, "form");
	html_attr(&c->h, "method", "post");
	html_url_attr(&c->h, "action", &u);
	html_attr(&c->h, "class", "card");
	web_csrf_field(c);
}

static void
option(html *h, const char *value, const char *text, bool selected)
{
	html_open(h, "option");
	html_attr(h, "value", value);
	html_flag(h, "selected", selected);
	html_text(h, text);
	html_close(h);
}

static void
submit(html *h, const char *text)
{
	html_open(h, "button");
	html_text(h, text);
	html_close(h);
}

static void
log_form(web_ctx *c, const lead_page *p)
{
	html *h = &c->h;

	html_open(h, "h2");
	html_attr(h, "id", "log");
	html_text(h, "Log what happened");
	html_close(h);
	lead_form(c, p->lead.id, "log");
	web_notice_show(c, "log");
	web_label(h, "log-type", "What");
	html_open(h, "select");
	html_attr(h, "id", "log-type");
	html_attr(h, "name", "type");
	option(h, "call", "A call", true);
	option(h, "visit", "A visit", false);
	option(h, "note", "A note", false);
	option(h, "reply", "A message from them (text it in Notes)", false);
	option(h, "stop_sms", "They asked us to stop texting", false);
	option(h, "stop_email", "They asked us to stop emailing", false);
	html_close(h);
	web_label(h, "log-outcome", "Outcome");
	html_open(h, "select");
	html_attr(h, "id", "log-outcome");
	html_attr(h, "name", "outcome");
	option(h, "", "-", true);
	option(h, "talked", "Talked / met them", false);
	option(h, "no_answer", "No answer", false);
	option(h, "left_voicemail", "Left a message", false);
	option(h, "no_show", "Visit: they were not there", false);
	html_close(h);
	web_label(h, "log-amount", "Quote amount (a visit with a quote)");
	html_void(h, "input");
	html_attr(h, "id", "log-amount");
	html_attr(h, "name", "amount");
	html_attr(h, "inputmode", "decimal");
	html_attr(h, "placeholder", "e.g. 1250");
	web_label(h, "log-text", "Notes");
	html_open(h, "textarea");
	html_attr(h, "id", "log-text");
	html_attr(h, "name", "text");
	html_attr(h, "rows", "3");
	html_attr(h, "maxlength", "4000");
	html_close(h);
	html_open(h, "label");
	html_attr(h, "class", "inline");
	html_void(h, "input");
	html_attr(h, "type", "checkbox");
	html_attr(h, "name", "contact");
	html_attr(h, "value", "1");
	html_text(h, "A note that counts as contact with the lead");
	html_close(h);
	submit(h, "Save");
	html_close(h);	/* form */
}

void
web_stage_form(web_ctx *c, int64_t lead_id, const char *current, const char *back)
{
	html *h = &c->h;
	const rules *r = c->rules;
	char needs[256] = "";
	size_t n = 0;

	for (size_t i = 0; i < r->nstages && n < sizeof needs; i++)
		if (r->stages[i].requires_amount)
			n += (size_t)snprintf(needs + n, sizeof needs - n, "%s%s", n ? ", " : "",
					      r->stages[i].name);
	lead_form(c, lead_id, "stage");
	if (back != NULL && strcmp(back, WEB_BACK_LEAD) != 0) {
		html_void(h, "input");
		html_attr(h, "type", "hidden");
		html_attr(h, "name", "back");
		html_attr(h, "value", back);
	}
	web_notice_show(c, "stage");
	web_label(h, "stage-name", "Move to");
	html_open(h, "select");
	html_attr(h, "id", "stage-name");
	html_attr(h, "name", "stage");
	for (size_t i = 0; i < r->nstages; i++)
		option(h, r->stages[i].name, r->stages[i].name,
		       current && strcmp(current, r->stages[i].name) == 0);
	html_close(h);
	web_label(h, "stage-amount", "Amount");
	html_void(h, "input");
	html_attr(h, "id", "stage-amount");
	html_attr(h, "name", "amount");
	html_attr(h, "inputmode", "decimal");
	html_attr(h, "aria-describedby", "stage-amount-hint");
	html_open(h, "p");
	html_attr(h, "class", "meta");
	html_attr(h, "id", "stage-amount-hint");
	html_text(h, n ? "Needed for: " : "No stage needs an amount.");
	html_text(h, needs);
	html_close(h);
	if (r->nlost_reasons > 0) {
		web_label(h, "stage-reason", "Reason (when lost)");
		html_open(h, "select");
		html_attr(h, "id", "stage-reason");
		html_attr(h, "name", "reason");
		option(h, "", "-", true);
		for (size_t i = 0; i < r->nlost_reasons; i++)
			option(h, r->lost_reasons[i], r->lost_reasons[i], false);
		html_close(h);
	}
	submit(h, "Change stage");
	html_close(h);
}

static void
owner_form(web_ctx *c, const lead_page *p)
{
	html *h = &c->h;

	html_elem(h, "h2", "Owner");
	if (!web_role_may_assign(c->user.role)) {
		html_open(h, "p");
		html_text(h, web_person_name(c, p->lead.owner));
		html_close(h);
		return;
	}
	lead_form(c, p->lead.id, "owner");
	web_notice_show(c, "owner");
	web_label(h, "owner-id", "Give the lead to");
	html_open(h, "select");
	html_attr(h, "id", "owner-id");
	html_attr(h, "name", "owner");
	for (size_t i = 0; i < c->rules->npeople; i++) {
		const rules_person *pp = &c->rules->people[i];
		char text[200];

		snprintf(text, sizeof text, "%s (%s)", pp->name, pp->role ? pp->role : "-");
		option(h, pp->id, text, p->lead.owner && strcmp(p->lead.owner, pp->id) == 0);
	}
	html_close(h);
	submit(h, "Change owner");
	html_close(h);
}

/* What step k of seq does, in words: "Automatic text "checkin" (new_inquiry,
 * step 4)". */
static void
step_words(const rules_sequence *seq, int k, char *buf, size_t len)
{
	const rules_step *st = &seq->steps[k];

	if (st->kind == STEP_SEND)
		snprintf(buf, len, "Automatic %s \"%s\" (%s, step %d)",
			 st->nchannels > 1 ? (st->channel == CHANNEL_SMS ? "text or email" :
			 "email or text") : st->channel == CHANNEL_SMS ? "text" : "email",
			 st->template_name ? st->template_name : "", seq->name, k + 1);
	else if (st->kind == STEP_TASK)
		snprintf(buf, len, "A %s task (%s, step %d)", st->verb ? st->verb : "", seq->name,
			 k + 1);
	else
		snprintf(buf, len, "A notice to %s (%s, step %d)", st->notify ? st->notify : "",
			 seq->name, k + 1);
}

/* What a pending timer will do, in words. */
static void
timer_words(web_ctx *c, const timer_copy *t, char *buf, size_t len)
{
	const rules_sequence *seq = t->sequence ? rules_sequence_find(c->rules, t->sequence) : NULL;
	/* By id: the position a timer was written with may have moved since. */
	int k = seq == NULL ? -1 : t->step_id != NULL ? rules_step_index(seq, t->step_id) :
		t->has_step && t->step >= 0 && (size_t)t->step < seq->nsteps ? t->step : -1;

	if (t->kind && strcmp(t->kind, "step") == 0 && k >= 0) {
		step_words(seq, k, buf, len);
	} else if (t->kind && strcmp(t->kind, "escalate") == 0) {
		snprintf(buf, len, "Escalation, if the task is still open");
	} else if (t->kind && strcmp(t->kind, "reactivate") == 0) {
		snprintf(buf, len, "The lead comes back for another try");
	} else if (t->kind && strcmp(t->kind, "nurture") == 0) {
		snprintf(buf, len, "A nurture check-in");
	} else if (t->kind && strcmp(t->kind, "unanswered") == 0) {
		snprintf(buf, len, "Back to follow-up, if the lead's reply is still unanswered");
	} else {
		snprintf(buf, len, "%s", t->kind ? t->kind : "a step");
	}
}

/* Pause or resume, for those who may (office, managers, admins, the owner). */
static void
automation_form(web_ctx *c, const lead_page *p, bool paused)
{
	html *h = &c->h;

	if (!web_may_pause(c->user.role, web_person(c), p->lead.owner))
		return;
	lead_form(c, p->lead.id, paused ? "resume" : "pause");
	web_notice_show(c, "automation");
	if (paused) {
		html_open(h, "button");
		html_text(h, "Resume the automation");
		html_close(h);
	} else {
		web_label(h, "pause-reason", "Pause this lead's automated steps (tasks stay) - why?");
		html_open(h, "div");
		html_attr(h, "class", "row");
		html_void(h, "input");
		html_attr(h, "id", "pause-reason");
		html_attr(h, "name", "reason");
		html_attr(h, "maxlength", "500");
		html_attr(h, "placeholder", "optional, e.g. away until Friday");
		html_attr(h, "autocomplete", "off");
		html_open(h, "button");
		html_attr(h, "class", "secondary");
		html_text(h, "Pause");
		html_close(h);
		html_close(h);	/* row */
	}
	html_close(h);	/* form */
}

static void
upcoming(web_ctx *c, const lead_page *p)
{
	html *h = &c->h;
	const store_lead_row *l = &p->lead;
	bool paused = l->paused_at > 0;
	const rules_sequence *seq = paused && l->sequence ?
				    rules_sequence_find(c->rules, l->sequence) : NULL;
	/* the held step and those after it the plan still runs */
	int from = seq != NULL && l->paused_step != NULL ? rules_step_index(seq, l->paused_step) : -1;
	size_t held = 0;

	html_elem(h, "h2", "Coming up automatically");
	if (paused) {
		char since[64];

		web_local_time(c, l->paused_at, since, sizeof since);
		html_open(h, "p");
		html_attr(h, "class", "notice paused");
		html_attr(h, "id", "paused");
		html_textf(h, "Automation paused since %s: no automated step runs until it is "
			   "resumed. Tasks stay as they are.", since);
		html_close(h);
	}
	if (from >= 0)
		held = seq->nsteps - (size_t)from;
	if (p->ntimers == 0 && held == 0) {
		html_open(h, "p");
		html_attr(h, "class", "empty");
		html_text(h, "Nothing scheduled.");
		html_close(h);
	} else {
		html_open(h, "ul");
		html_attr(h, "class", "upcoming");
		/* the held steps, in order: what a resume plans again */
		for (size_t k = 0; k < held; k++) {
			char what[256];

			if (lead_id_listed(l->plan_skip, seq->steps[(size_t)from + k].id))
				continue;
			step_words(seq, from + (int)k, what, sizeof what);
			html_open(h, "li");
			html_text(h, what);
			html_text(h, " ");
			web_badge(c, "paused", "paused");
			html_close(h);
		}
		for (size_t i = 0; i < p->ntimers; i++) {
			char what[256], due[48], when[64];

			timer_words(c, &p->timers[i], what, sizeof what);
			web_countdown(c->now, p->timers[i].due_at, due, sizeof due);
			web_local_time(c, p->timers[i].due_at, when, sizeof when);
			html_open(h, "li");
			html_text(h, what);
			html_open(h, "span");
			html_attr(h, "class", "meta");
			html_textf(h, " - %s, %s", due, when);
			html_close(h);
			html_close(h);
		}
		html_close(h);
	}
	automation_form(c, p, paused);
}

static void
messages(web_ctx *c, const lead_page *p)
{
	html *h = &c->h;

	html_elem(h, "h2", "Messages");
	if (p->nmessages == 0) {
		html_open(h, "p");
		html_attr(h, "class", "empty");
		html_text(h, "No messages.");
		html_close(h);
		return;
	}
	for (size_t i = p->nmessages; i-- > 0;) {
		const message_copy *m = &p->messages[i];
		char when[64];

		web_local_time(c, m->send_at, when, sizeof when);
		html_open(h, "div");
		html_attr(h, "class", "card msg");
		html_open(h, "time");
		html_text(h, when);
		html_close(h);
		html_open(h, "strong");
		html_text(h, m->channel && strcmp(m->channel, "sms") == 0 ? "Text" : "Email");
		html_text(h, m->person ? " to " : " to the lead ");
		html_text(h, m->person ? web_person_name(c, m->person) : m->to);
		html_close(h);
		html_text(h, " ");
		html_open(h, "span");
		if (m->state && strcmp(m->state, "failed") == 0)
			html_attr(h, "class", "badge failed");
		else if (m->state && strcmp(m->state, "dead") == 0)
			html_attr(h, "class", "badge dead");
		else if (m->state && strcmp(m->state, "unknown") == 0)
			html_attr(h, "class", "badge unknown");
		else if (m->state && strcmp(m->state, "sent") == 0)
			html_attr(h, "class", "badge sent");
		else
			html_attr(h, "class", "badge");
		html_text(h, m->state);
		html_close(h);
		html_open(h, "span");
		html_attr(h, "class", "meta");
		html_textf(h, " (%s)", m->purpose ? m->purpose : "");
		html_close(h);
		html_open(h, "p");
		html_attr(h, "class", "overflow");
		html_text(h, m->body);
		html_close(h);
		html_close(h);
	}
}

static void
timeline(web_ctx *c, const lead_page *p)
{
	html *h = &c->h;

	html_elem(h, "h2", "Timeline");
	html_open(h, "ol");
	html_attr(h, "class", "timeline");
	html_flag(h, "reversed", true);
	for (size_t i = p->nevents; i-- > 0;) {
		const event_copy *e = &p->events[i];
		char when[64];

		web_local_time(c, e->at, when, sizeof when);
		html_open(h, "li");
		html_open(h, "time");
		html_text(h, when);
		if (e->actor) {
			html_text(h, " \xc2\xb7 ");
			html_text(h, web_person_name(c, e->actor));
		}
		html_close(h);
		html_open(h, "span");
		html_attr(h, "class", "overflow");
		html_text(h, e->text ? e->text : e->type);
		html_close(h);
		html_close(h);
	}
	html_close(h);
}

static void
closed_tasks(web_ctx *c, const lead_page *p)
{
	html *h = &c->h;
	size_t n = 0;

	for (size_t i = 0; i < p->ntasks; i++)
		n += p->tasks[i].state && strcmp(p->tasks[i].state, "open") != 0;
	if (n == 0)
		return;
	html_open(h, "details");
	html_open(h, "summary");
	html_textf(h, "Finished tasks (%zu)", n);
	html_close(h);
	html_open(h, "ul");
	for (size_t i = p->ntasks; i-- > 0;) {
		const task_copy *t = &p->tasks[i];
		char when[64];

		if (t->state == NULL || strcmp(t->state, "open") == 0)
			continue;
		web_local_time(c, t->closed_at, when, sizeof when);
		html_open(h, "li");
		html_text(h, t->title);
		html_open(h, "span");
		html_attr(h, "class", "meta");
		html_textf(h, " - %s%s%s, %s", t->state, t->outcome ? ": " : "",
			   t->outcome ? t->outcome : "", when);
		html_close(h);
		html_close(h);
	}
	html_close(h);
	html_close(h);
}

/*
 * The lead's custom fields (what a source sent that the lead has no field
 * for), as the store keeps them: one JSON object of strings. Names and values
 * are text like any other - escaped, never a link, whatever they hold
 * (`javascript:...` is shown as typed). A value that is not a string (not
 * written by intake, but the column is plain JSON) is shown as its JSON text;
 * text that is not an object shows nothing.
 */
static void
custom_fields(web_ctx *c, const char *json)
{
	html *h = &c->h;
	json_t *o = json ? json_loads(json, 0, NULL) : NULL;
	const char *name;
	json_t *v;

	if (json_is_object(o) && json_object_size(o) > 0) {
		html_open(h, "h3");
		html_attr(h, "id", "custom");
		html_text(h, "Custom fields");
		html_close(h);
		html_open(h, "dl");
		html_attr(h, "class", "facts custom");
		json_object_foreach(o, name, v) {
			char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);

			html_elem(h, "dt", name);
			html_elem(h, "dd", json_is_string(v) ? json_string_value(v) :
				  text ? text : "");
			free(text);
		}
		html_close(h);
	}
	json_decref(o);
}

static void
details(web_ctx *c, const lead_page *p)
{
	html *h = &c->h;
	const store_lead_row *l = &p->lead;
	char created[64], quote[48];

	web_local_time(c, l->created_at, created, sizeof created);
	html_elem(h, "h2", "Details");
	html_open(h, "dl");
	html_attr(h, "class", "facts");
	fact(h, "Phone", l->phone);
	fact(h, "Email", l->email);
	fact(h, "Service", l->service);
	fact(h, "Message", l->message);
	fact(h, "Area", l->neighbourhood);
	fact(h, "Time zone", l->timezone);
	fact(h, "Source", l->source);
	fact(h, "Kind", l->kind);
	fact(h, "Created", created);
	if (l->has_quote) {
		snprintf(quote, sizeof quote, "$%lld.%02lld", (long long)(l->quote_cents / 100),
			 (long long)(l->quote_cents % 100));
		fact(h, "Quote", quote);
	}
	fact(h, "Lost because", l->lost_reason);
	if (l->flags & LEAD_PHONE_INVALID)
		fact(h, "Check", "The phone number does not look valid.");
	if (l->flags & LEAD_EMAIL_INVALID)
		fact(h, "Check", "The email address does not look valid.");
	if (l->sms_opt_out)
		fact(h, "Texts", "Opted out: no texts.");
	if (l->email_opt_out)
		fact(h, "Email", "Opted out: no emails.");
	html_close(h);
	custom_fields(c, l->custom);
}

/* The lead's words may ask to stop ("stop texting me"): a person decides -
 * the same EV_OPT_OUT_REVIEW as `leadkeep lead opt-out ID --confirm|--dismiss`. */
static void
opt_out_review(web_ctx *c, const store_lead_row *l)
{
	html *h = &c->h;

	if (!(l->flags & (LEAD_MAYBE_OPT_OUT_SMS | LEAD_MAYBE_OPT_OUT_EMAIL)))
		return;
	lead_form(c, l->id, "opt-out");
	html_elem(h, "h2", "Did they ask to stop?");
	web_notice_show(c, "opt-out");
	html_elem(h, "p", "Something the lead wrote may ask us to stop messaging them (the "
		  "timeline shows it). Until someone decides, no automated message goes to them "
		  "on that channel.");
	html_open(h, "div");
	html_attr(h, "class", "row");
	html_open(h, "button");
	html_attr(h, "name", "outcome");
	html_attr(h, "value", "confirm");
	html_text(h, "Yes: opt them out");
	html_close(h);
	html_open(h, "button");
	html_attr(h, "name", "outcome");
	html_attr(h, "value", "dismiss");
	html_attr(h, "class", "secondary");
	html_text(h, "No: keep messaging them");
	html_close(h);
	html_close(h);	/* row */
	html_close(h);	/* form */
}

/* A part of the page app.js swaps when something changes (data-live). */
static void
live_part(html *h, const char *id)
{
	html_open(h, "div");
	html_attr(h, "id", id);
	html_flag(h, "data-live", true);
}

static void
render(web_ctx *c, lead_page *p)
{
	html *h = &c->h;
	const store_lead_row *l = &p->lead;
	size_t open = 0;

	web_page_start(c, l->name && *l->name ? l->name : "Lead", "lead");
	html_open(h, "div");
	html_attr_int(h, "data-now", c->now);
	html_elem(h, "h1", l->name && *l->name ? l->name : "(no name)");
	live_part(h, "lead-head");
	html_open(h, "p");
	html_attr(h, "class", "meta");
	if (p->is_new) {
		web_badge(c, "new", "New");
		html_text(h, " ");
	}
	html_textf(h, "Lead #%lld \xc2\xb7 stage %s \xc2\xb7 %s \xc2\xb7 owner ", (long long)l->id,
		   l->stage ? l->stage : "-", l->status ? l->status : "-");
	html_text(h, web_person_name(c, l->owner));
	if (l->paused_at > 0) {
		html_text(h, " ");
		web_badge(c, "paused", "Automation paused");
	}
	html_close(h);
	html_close(h);	/* lead-head */
	web_contact_links(c, l->phone, l->email, l->sms_opt_out, l->email_opt_out);
	web_notice_show(c, "");
	opt_out_review(c, l);
	html_open(h, "div");
	html_attr(h, "class", "columns");
	html_open(h, "section");
	html_elem(h, "h2", "Open tasks");
	live_part(h, "lead-tasks");
	for (size_t i = 0; i < p->ntasks; i++) {
		const task_copy *t = &p->tasks[i];
		web_task_view v = {
			.id = t->id, .lead_id = l->id, .verb = t->verb, .title = t->title,
			.assignee = t->assignee, .due_at = t->due_at,
			.phone = l->phone, .email = l->email, .sms_opt_out = l->sms_opt_out,
			.email_opt_out = l->email_opt_out, .show_assignee = true,
		};

		if (t->state == NULL || strcmp(t->state, "open") != 0)
			continue;
		web_task_card(c, &v, WEB_BACK_LEAD);
		open++;
	}
	if (open == 0) {
		html_open(h, "p");
		html_attr(h, "class", "empty");
		html_text(h, "No open task.");
		html_close(h);
	}
	closed_tasks(c, p);
	html_close(h);	/* lead-tasks */
	log_form(c, p);
	live_part(h, "lead-timeline");
	timeline(c, p);
	html_close(h);
	html_close(h);	/* section */
	html_open(h, "section");
	web_lead_appointments(c, l);
	details(c, p);
	html_elem(&c->h, "h2", "Stage");
	web_stage_form(c, p->lead.id, p->lead.stage, WEB_BACK_LEAD);
	owner_form(c, p);
	live_part(h, "lead-upcoming");
	upcoming(c, p);
	messages(c, p);
	html_close(h);
	html_close(h);	/* section */
	html_close(h);	/* columns */
	html_close(h);	/* div */
	web_page_end(c);
}

int
web_lead_render(web_ctx *c, int64_t id)
{
	static const store_lead_visitor v = { on_lead, on_task, on_timer, on_message, on_event };
	lead_page p = { .c = c, .is_new = true };
	store *s = http_store(c->rq);
	int rc = web_may_see_lead(c, id);

	if (rc <= 0)
		return rc;
	if (s == NULL)
		return -1;
	if ((rc = store_lead_read(s, c->business_id, id, &v, &p)) == 1)
		render(c, &p);
	free(p.tasks);
	free(p.timers);
	free(p.messages);
	free(p.events);
	return rc;
}

enum MHD_Result
web_lead(http_req *rq)
{
	enum MHD_Result ret;
	int64_t id = api_id(rq->params[0]);
	web_ctx c;
	int rc;

	if (!web_begin(&c, rq, true, &ret))
		goto out;
	web_notice_from_query(&c);
	rc = id > 0 ? web_lead_render(&c, id) : 0;
	if (rc == 1)
		ret = web_send(&c, 200, NULL);
	else if (rc == 0)
		ret = web_error_page(&c, 404, "Not found", "There is no such lead, or it is not "
				     "one of yours.");
	else
		ret = web_error_page(&c, 503, "Unavailable", "The lead cannot be read just now. "
				     "Try again in a moment.");
out:
	web_end(&c);
	return ret;
}

/*
 * web_task.c - a task as Today and the lead page show it: who, what, by
 * when (a countdown), why, tap-to-call/text/email, and the buttons that
 * record an outcome or snooze it. Every button is a plain form post.
 */
#include <stdio.h>
#include <string.h>

#include "web.h"
#include "web_time.h"

/* Snooze choices: the form's value and how long. */
static const struct {
	const char *value, *label;
	int64_t secs;
} snoozes[] = {
	{ "1h", "1 hour", 3600 },
	{ "3h", "3 hours", 3 * 3600 },
	{ "1d", "1 day", 86400 },
	{ "3d", "3 days", 3 * 86400 },
	{ "7d", "1 week", 7 * 86400 },
};

int64_t
web_snooze_secs(const char *value)
{
	for (size_t i = 0; value && i < sizeof snoozes / sizeof snoozes[0]; i++)
		if (strcmp(value, snoozes[i].value) == 0)
			return snoozes[i].secs;
	return 0;
}

void
web_contact_links(web_ctx *c, const char *phone, const char *email, bool sms_opt_out,
		  bool email_opt_out)
{
	html *h = &c->h;
	html_url u;

	html_open(h, "div");
	html_attr(h, "class", "contact");
	if (html_url_tel(&u, phone)) {
		html_open(h, "a");
		html_attr(h, "class", "button secondary");
		html_url_attr(h, "href", &u);
		html_text(h, "Call");
		html_close(h);
	}
	if (!sms_opt_out && html_url_sms(&u, phone)) {
		html_open(h, "a");
		html_attr(h, "class", "button secondary");
		html_url_attr(h, "href", &u);
		html_text(h, "Text");
		html_close(h);
	}
	if (!email_opt_out && html_url_mailto(&u, email)) {
		html_open(h, "a");
		html_attr(h, "class", "button secondary");
		html_url_attr(h, "href", &u);
		html_text(h, "Email");
		html_close(h);
	}
	html_close(h);
}

static void
button(web_ctx *c, const char *name, const char *value, const char *label, bool secondary)
{
	html_open(&c->h, "button");
	html_attr(&c->h, "name", name);
	html_attr(&c->h, "value", value);
	if (secondary)
		html_attr(&c->h, "class", "secondary");
	html_text(&c->h, label);
	html_close(&c->h);
}

/* A label and, in a row, a text input and what comes after it (the caller
 * closes the row). */
static void
labelled_input(web_ctx *c, const char *id, const char *label, const char *name)
{
	html *h = &c->h;

	html_open(h, "label");
	html_attr(h, "for", id);
	html_text(h, label);
	html_close(h);
	html_open(h, "div");
	html_attr(h, "class", "row");
	html_void(h, "input");
	html_attr(h, "id", id);
	html_attr(h, "name", name);
	html_attr(h, "maxlength", "500");
	html_attr(h, "autocomplete", "off");
}

/* Done with a note, and snooze, inside the card's form: "Snooze" posts the
 * same form to /app/tasks/ID/snooze (formaction). The reason is checked by
 * the server (422 next to the card), not with `required`, which would stop
 * the outcome buttons of the same form too. */
static void
more_fields(web_ctx *c, const web_task_view *t)
{
	html *h = &c->h;
	char id[48];
	html_url u;

	snprintf(id, sizeof id, "t%lld-text", (long long)t->id);
	labelled_input(c, id, "What happened", "text");
	button(c, "outcome", "done", "Mark done", false);
	html_close(h);	/* row */
	snprintf(id, sizeof id, "t%lld-for", (long long)t->id);
	html_open(h, "label");
	html_attr(h, "for", id);
	html_text(h, "Snooze for");
	html_close(h);
	html_open(h, "select");
	html_attr(h, "id", id);
	html_attr(h, "name", "for");
	for (size_t i = 0; i < sizeof snoozes / sizeof snoozes[0]; i++) {
		html_open(h, "option");
		html_attr(h, "value", snoozes[i].value);
		html_text(h, snoozes[i].label);
		html_close(h);
	}
	html_close(h);
	snprintf(id, sizeof id, "t%lld-reason", (long long)t->id);
	labelled_input(c, id, "Why it waits", "reason");
	html_url_pathf(&u, "/app/tasks/%lld/snooze", (long long)t->id);
	html_open(h, "button");
	html_url_attr(h, "formaction", &u);
	html_attr(h, "class", "secondary");
	html_text(h, "Snooze");
	html_close(h);
	html_close(h);	/* row */
}

/* text cut to about max bytes on a character boundary, with an ellipsis. */
static void
snippet(html *h, const char *text, size_t max)
{
	size_t n = strlen(text);

	if (n <= max) {
		html_text(h, text);
		return;
	}
	while (max > 0 && ((unsigned char)text[max] & 0xc0) == 0x80)
		max--;	/* not inside a UTF-8 sequence */
	html_textn(h, text, max);
	html_text(h, "\xe2\x80\xa6");
}

void
web_task_card(web_ctx *c, const web_task_view *t, const char *back)
{
	html *h = &c->h;
	char when[64], due[48], fid[32];
	web_due urgency = web_countdown(c->now, t->due_at, due, sizeof due);
	bool call = t->verb && strcmp(t->verb, "call") == 0;
	html_url u;

	snprintf(fid, sizeof fid, "task-%lld", (long long)t->id);
	html_open(h, "article");
	html_attr(h, "class", urgency == WEB_DUE_LATE ? "card task late" :
		  urgency == WEB_DUE_SOON ? "card task soon" : "card task");
	html_attr(h, "id", fid);
	if (t->show_lead) {
		html_open(h, "h3");
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
	}
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
	if (t->show_assignee) {
		html_text(h, " \xc2\xb7 for ");
		html_text(h, web_person_name(c, t->assignee));
	}
	html_close(h);
	if (t->source || t->last_text) {
		html_open(h, "p");
		html_attr(h, "class", "why");
		if (t->source) {
			html_text(h, "From ");
			html_text(h, t->source);
		}
		if (t->last_text) {
			html_text(h, t->source ? ". Last: " : "Last: ");
			snippet(h, t->last_text, 200);
		}
		html_close(h);
	}
	if (t->promise) {
		html_open(h, "p");
		html_attr(h, "class", "why");
		html_text(h, "We told them: ");
		snippet(h, t->promise, 160);
		html_close(h);
	}
	web_contact_links(c, t->phone, t->email, t->sms_opt_out, t->email_opt_out);
	web_notice_show(c, fid);

	/* One form per card: the one-tap outcomes, then (opened) a note or a
	 * snooze; on a compact card a link opens it instead. */
	html_url_pathf(&u, "/app/tasks/%lld/outcome", (long long)t->id);
	html_open(h, "form");
	html_attr(h, "method", "post");
	html_url_attr(h, "action", &u);
	html_attr(h, "class", "task-form");
	web_csrf_field(c);
	html_void(h, "input");
	html_attr(h, "type", "hidden");
	html_attr(h, "name", "back");
	html_attr(h, "value", back);
	html_open(h, "div");
	html_attr(h, "class", "actions");
	if (call) {
		button(c, "outcome", "talked", "Talked", false);
		button(c, "outcome", "no_answer", "No answer", true);
		button(c, "outcome", "left_voicemail", "Left message", true);
	} else {
		button(c, "outcome", "done", "Done", false);
	}
	if (t->more != NULL) {
		html_open(h, "a");
		html_attr(h, "class", "button secondary");
		html_url_attr(h, "href", t->more);
		html_text(h, "Note or snooze");
		html_close(h);
	}
	html_close(h);	/* actions */
	if (t->more == NULL) {
		html_open(h, "details");
		html_flag(h, "open", t->opened);
		html_open(h, "summary");
		html_text(h, "Done with a note, or snooze");
		html_close(h);
		more_fields(c, t);
		html_close(h);	/* details */
	}
	html_close(h);	/* form */
	html_close(h);	/* article */
}

/*
 * web_new_lead.c - a lead taken by hand: someone rang the office, walked in,
 * or was met on a job. GET /app/leads/new is the form, POST /app/leads takes
 * it in through the same door as every lead (an intake request through
 * flow_submit: normalised, matched against the open leads - a known phone or
 * email makes it "asked again" on that lead -, routed, acknowledged, its
 * first task and follow-ups planned), as `leadkeep lead add` does. A lead is
 * never refused for a bad field: a phone that is not a number is kept as
 * typed and flagged. Office, managers and admins may name its owner; a sales
 * rep's or technician's lead is their own.
 */
#include <stdio.h>
#include <string.h>

#include "web.h"

#define MAX_FIELD 200
#define MAX_MESSAGE 4000

/* Where a lead taken by hand came from (the rules may route on it). */
static const struct {
	const char *value, *label;
} sources[] = {
	{ "phone_call", "A phone call" },
	{ "walk_in", "Walked in" },
	{ "referral", "A referral" },
	{ "on_the_job", "Met on a job" },
	{ "other", "Other" },
};

static bool
source_known(const char *v)
{
	for (size_t i = 0; v && i < sizeof sources / sizeof sources[0]; i++)
		if (strcmp(v, sources[i].value) == 0)
			return true;
	return false;
}

static void
input(html *h, const char *id, const char *label, const char *type, const char *mode,
      const char *value)
{
	web_label(h, id, label);
	html_void(h, "input");
	html_attr(h, "id", id);
	html_attr(h, "name", id);
	html_attr(h, "type", type);
	if (mode != NULL)
		html_attr(h, "inputmode", mode);
	html_attr(h, "maxlength", "200");
	if (value != NULL)
		html_attr(h, "value", value);
}

static void
form(web_ctx *c)
{
	html *h = &c->h;
	const char *source = web_form_get(&c->form, "source");
	const char *owner = web_form_get(&c->form, "owner");
	html_url u;

	web_page_start(c, "New lead", "today");
	html_elem(h, "h1", "New lead");
	html_url_path(&u, "/app/leads");
	html_open(h, "form");
	html_attr(h, "method", "post");
	html_url_attr(h, "action", &u);
	html_attr(h, "class", "card");
	web_csrf_field(c);
	web_notice_show(c, "new");
	html_elem(h, "p", "A name, a phone or an email is enough. The lead gets an owner, its "
		  "acknowledgment and a first task at once, as a lead from the web form does.");
	input(h, "name", "Name", "text", NULL, web_form_get(&c->form, "name"));
	input(h, "phone", "Phone", "tel", "tel", web_form_get(&c->form, "phone"));
	input(h, "email", "Email", "email", "email", web_form_get(&c->form, "email"));
	input(h, "service", "What they need", "text", NULL, web_form_get(&c->form, "service"));
	web_label(h, "message", "Notes (what they said)");
	html_open(h, "textarea");
	html_attr(h, "id", "message");
	html_attr(h, "name", "message");
	html_attr(h, "rows", "3");
	html_attr(h, "maxlength", "4000");
	html_text(h, web_form_get(&c->form, "message") ? web_form_get(&c->form, "message") : "");
	html_close(h);
	web_label(h, "source", "How they reached us");
	html_open(h, "select");
	html_attr(h, "id", "source");
	html_attr(h, "name", "source");
	for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
		html_open(h, "option");
		html_attr(h, "value", sources[i].value);
		html_flag(h, "selected", source && strcmp(source, sources[i].value) == 0);
		html_text(h, sources[i].label);
		html_close(h);
	}
	html_close(h);
	if (web_role_may_assign(c->user.role)) {
		web_label(h, "owner", "Owner");
		html_open(h, "select");
		html_attr(h, "id", "owner");
		html_attr(h, "name", "owner");
		html_open(h, "option");
		html_attr(h, "value", "");
		html_text(h, "As the routing rules say");
		html_close(h);
		for (size_t i = 0; i < c->rules->npeople; i++) {
			const rules_person *p = &c->rules->people[i];

			html_open(h, "option");
			html_attr(h, "value", p->id);
			html_flag(h, "selected", owner && strcmp(owner, p->id) == 0);
			html_text(h, p->name);
			html_close(h);
		}
		html_close(h);
	}
	html_open(h, "button");
	html_text(h, "Add the lead");
	html_close(h);
	html_close(h);	/* form */
	web_page_end(c);
}

enum MHD_Result
web_new_lead_form(http_req *rq)
{
	enum MHD_Result ret;
	web_ctx c;

	if (!web_begin(&c, rq, true, &ret))
		goto out;
	form(&c);
	ret = web_send(&c, 200, NULL);
out:
	web_end(&c);
	return ret;
}

/* The form again, its fields kept, the reason (text, or the notice already
 * set when NULL) above them. */
static enum MHD_Result
refuse(web_ctx *c, int status, const char *text)
{
	if (text != NULL) {
		c->notice.error = true;
		snprintf(c->notice.text, sizeof c->notice.text, "%s", text);
		snprintf(c->notice.form, sizeof c->notice.form, "new");
	}
	html_free(&c->h);
	html_init(&c->h, 0);
	form(c);
	return web_send(c, status, NULL);
}

enum MHD_Result
web_new_lead(http_req *rq)
{
	static const char *const limited[] = { "name", "phone", "email", "service" };
	enum MHD_Result ret;
	const char *owner, *source, *message;
	char err[512] = "", loc[64];
	intake_lead *in;
	flow_result rc;
	web_job w;
	web_ctx c;

	if (!web_begin_post(&c, rq, &ret))
		goto out;
	for (size_t i = 0; i < sizeof limited / sizeof limited[0]; i++)
		if (web_form_get(&c.form, limited[i]) && strlen(web_form_get(&c.form, limited[i])) >
		    MAX_FIELD) {
			ret = refuse(&c, 422, "At most 200 characters in a field.");
			goto out;
		}
	message = web_form_get(&c.form, "message");
	if (message && strlen(message) > MAX_MESSAGE) {
		ret = refuse(&c, 422, "Notes: at most 4000 characters.");
		goto out;
	}
	if (!web_form_get(&c.form, "name") && !web_form_get(&c.form, "phone") &&
	    !web_form_get(&c.form, "email")) {
		ret = refuse(&c, 422, "Give at least a name, a phone or an email.");
		goto out;
	}
	source = web_form_get(&c.form, "source");
	owner = web_form_get(&c.form, "owner");
	if (!web_role_may_assign(c.user.role))
		owner = *web_person(&c) ? web_person(&c) : NULL;	/* their own */
	else if (owner && rules_person_find(c.rules, owner) == NULL) {
		ret = refuse(&c, 422, "Owner: pick a person from the list.");
		goto out;
	}
	web_job_init(&c, &w, JOB_SUBMIT);
	w.person = NULL;	/* no lead to check yet: the flow makes or matches it */
	w.j.req.kind = INTAKE_LEAD;
	in = &w.j.req.lead;
	in->name = web_form_get(&c.form, "name");
	in->phone = web_form_get(&c.form, "phone");
	in->email = web_form_get(&c.form, "email");
	in->service = web_form_get(&c.form, "service");
	in->message = message;
	in->source = source_known(source) ? source : "phone_call";
	in->owner = owner;
	in->actor = *web_person(&c) ? web_person(&c) : NULL;
	rc = web_write(&c, web_job_run, &w, err, sizeof err);
	if (rc != FLOW_OK) {
		ret = refuse(&c, web_flow_notice(&c, rc, err, "new"), NULL);
		goto out;
	}
	/* Its page, when the user may see it (a known contact may have joined
	 * someone else's open lead: then Today, saying no more than "added"). */
	if (web_may_see_lead(&c, w.j.lead_id) == 1)
		snprintf(loc, sizeof loc, "/app/leads/%lld?ok=%s", (long long)w.j.lead_id,
			 w.j.duplicate ? "attached" : "added");
	else
		snprintf(loc, sizeof loc, "/app/?ok=added");
	ret = web_redirect(&c, loc, NULL);
out:
	web_end(&c);
	return ret;
}

/*
 * web_actions.c - what the pages' forms do: record a task's outcome, snooze
 * it, log a call/visit/note, change a lead's stage or owner, decide a
 * possible opt-out, pause or resume its automation, book or change an
 * appointment. Each is an engine event through the flow, written by the
 * group-commit writer as a web_job (which checks, in its own transaction,
 * that the user may touch the lead). Success answers 303 back to the page (post/redirect/get); a
 * refusal shows the same page again with the reason next to the form.
 */
#include <stdio.h>
#include <string.h>

#include "http/http_api.h"
#include "store/store_web.h"
#include "web.h"

#define MAX_NOTE 4000
#define MAX_SHORT 500

/* 303 to the page the form was on, with a confirmation code. */
static enum MHD_Result
back_to(web_ctx *c, const char *back, int64_t lead_id, const char *ok)
{
	char loc[96];

	if (back && strcmp(back, WEB_BACK_LEAD) == 0 && lead_id > 0)
		snprintf(loc, sizeof loc, "/app/leads/%lld?ok=%s", (long long)lead_id, ok);
	else if (back && strcmp(back, WEB_BACK_PIPELINE) == 0)
		snprintf(loc, sizeof loc, "/app/pipeline?ok=%s#lead-%lld", ok, (long long)lead_id);
	else
		snprintf(loc, sizeof loc, "/app/?ok=%s", ok);
	return web_redirect(c, loc, NULL);
}

/* The page the form was on again, with c->notice, answered with status. */
static enum MHD_Result
again(web_ctx *c, const char *back, int64_t lead_id, int status)
{
	html_free(&c->h);
	html_init(&c->h, 0);
	if (status == 404)
		return web_error_page(c, 404, "Not found", "There is no such lead or task, or it "
				      "is not one of yours.");
	if (back && strcmp(back, WEB_BACK_LEAD) == 0 && lead_id > 0) {
		int rc = web_lead_render(c, lead_id);

		if (rc == 0)
			return web_error_page(c, 404, "Not found", "There is no such lead, or it is "
					      "not one of yours.");
		if (rc < 0)
			return web_error_page(c, 503, "Unavailable", "The lead cannot be read just "
					      "now. Try again in a moment.");
	} else if (back && strcmp(back, WEB_BACK_PIPELINE) == 0) {
		if (web_pipeline_render(c, lead_id) < 0)
			return web_error_page(c, 503, "Unavailable", "The pipeline cannot be read just "
					      "now. Try again in a moment.");
	} else {
		web_today_render(c);
	}
	return web_send(c, status, NULL);
}

/* A form value that must fit max bytes; false with a 422 notice. */
static bool
short_enough(web_ctx *c, const char *v, size_t max, const char *what, const char *form)
{
	if (v == NULL || strlen(v) <= max)
		return true;
	c->notice.error = true;
	snprintf(c->notice.text, sizeof c->notice.text, "%s: at most %zu characters.", what, max);
	snprintf(c->notice.form, sizeof c->notice.form, "%s", form);
	return false;
}

static int
invalid(web_ctx *c, const char *form, const char *text)
{
	c->notice.error = true;
	snprintf(c->notice.text, sizeof c->notice.text, "%s", text);
	snprintf(c->notice.form, sizeof c->notice.form, "%s", form);
	return 422;
}

static const char *
actor(web_ctx *c)
{
	return *web_person(c) ? web_person(c) : NULL;
}

/* --- tasks ---------------------------------------------------------------------------- */

/* The task named by the path: its lead and verb, and whether the user may
 * see it. 1 yes, 0 answer 404, -1 answer 503. */
static int
find_task(web_ctx *c, int64_t *task_id, int64_t *lead_id, char *verb, size_t len)
{
	store *s = http_store(c->rq);
	int rc;

	if ((*task_id = api_id(c->rq->params[0])) < 0)
		return 0;
	if (s == NULL)
		return -1;
	if ((rc = store_task_brief(s, c->business_id, *task_id, lead_id, verb, len)) <= 0)
		return rc;
	return web_may_see_lead(c, *lead_id);
}

static bool
call_outcome(const char *o)
{
	return o && (strcmp(o, "talked") == 0 || strcmp(o, "no_answer") == 0 ||
		     strcmp(o, "left_voicemail") == 0);
}

enum MHD_Result
web_task_outcome(http_req *rq)
{
	enum MHD_Result ret;
	const char *outcome, *text, *back;
	int64_t task_id = 0, lead_id = 0;
	char verb[32] = "", err[512] = "", form[32];
	flow_result rc;
	web_job w;
	web_ctx c;
	int status, found;

	if (!web_begin_post(&c, rq, &ret))
		goto out;
	outcome = web_form_get(&c.form, "outcome");
	text = web_form_get(&c.form, "text");
	back = web_form_get(&c.form, "back");
	if ((found = find_task(&c, &task_id, &lead_id, verb, sizeof verb)) <= 0) {
		ret = found == 0 ? again(&c, back, 0, 404) :
		      web_error_page(&c, 503, "Unavailable", "Try again in a moment.");
		goto out;
	}
	snprintf(form, sizeof form, "task-%lld", (long long)task_id);
	if (!call_outcome(outcome) && (outcome == NULL || strcmp(outcome, "done") != 0)) {
		ret = again(&c, back, lead_id, invalid(&c, form, "Pick an outcome."));
		goto out;
	}
	if (!short_enough(&c, text, MAX_SHORT, "What happened", form)) {
		ret = again(&c, back, lead_id, 422);
		goto out;
	}
	if (call_outcome(outcome) && strcmp(verb, "call") == 0) {
		/* A call's outcome is a logged call: "no answer" and "left a message"
		 * count as attempts (the engine sets the next one), not contact. */
		web_job_init(&c, &w, JOB_EVENT);
		w.j.ev = lead_event_init(EV_CALL_LOGGED);
		w.j.ev.outcome = outcome;
		w.j.ev.text = text;
	} else {
		web_job_init(&c, &w, JOB_TASK_DONE);
		w.j.task_id = task_id;
		w.j.ev = lead_event_init(EV_TASK_DONE);
		w.j.ev.outcome = strcmp(outcome, "done") != 0 ? outcome : text ? text : "done";
	}
	w.j.ev.actor = actor(&c);
	w.check_task = task_id;
	rc = web_write(&c, web_job_run, &w, err, sizeof err);
	if (rc == FLOW_OK) {
		ret = back_to(&c, back, lead_id, strcmp(outcome, "done") == 0 ? "done" : "call");
		goto out;
	}
	/* a task that is no longer open has no card to show the reason next to */
	status = web_flow_notice(&c, rc, err, rc == FLOW_CONFLICT ? "" : form);
	ret = again(&c, back, lead_id, status);
out:
	web_end(&c);
	return ret;
}

enum MHD_Result
web_task_snooze(http_req *rq)
{
	enum MHD_Result ret;
	const char *reason, *back;
	int64_t task_id = 0, lead_id = 0, secs;
	char verb[32] = "", err[512] = "", form[32];
	flow_result rc;
	web_job w;
	web_ctx c;
	int found;

	if (!web_begin_post(&c, rq, &ret))
		goto out;
	reason = web_form_get(&c.form, "reason");
	back = web_form_get(&c.form, "back");
	if ((found = find_task(&c, &task_id, &lead_id, verb, sizeof verb)) <= 0) {
		ret = found == 0 ? again(&c, back, 0, 404) :
		      web_error_page(&c, 503, "Unavailable", "Try again in a moment.");
		goto out;
	}
	snprintf(form, sizeof form, "task-%lld", (long long)task_id);
	if ((secs = web_snooze_secs(web_form_get(&c.form, "for"))) <= 0) {
		ret = again(&c, back, lead_id, invalid(&c, form, "Pick how long it waits."));
		goto out;
	}
	if (reason == NULL) {
		ret = again(&c, back, lead_id, invalid(&c, form, "Say why it waits."));
		goto out;
	}
	if (!short_enough(&c, reason, MAX_SHORT, "Why it waits", form)) {
		ret = again(&c, back, lead_id, 422);
		goto out;
	}
	web_job_init(&c, &w, JOB_SNOOZE);
	w.j.task_id = task_id;
	w.j.ev = lead_event_init(EV_TASK_SNOOZE);
	w.j.ev.until = c.now + secs;
	w.j.ev.reason = reason;
	w.j.ev.actor = actor(&c);
	w.check_task = task_id;
	rc = web_write(&c, web_job_run, &w, err, sizeof err);
	if (rc == FLOW_OK) {
		ret = back_to(&c, back, lead_id, "snoozed");
		goto out;
	}
	ret = again(&c, back, lead_id, web_flow_notice(&c, rc, err,
							rc == FLOW_CONFLICT ? "" : form));
out:
	web_end(&c);
	return ret;
}

/* --- leads ------------------------------------------------------------------------------ */

/* Starts a lead form's handler: the POST checks and the lead named by the
 * path, which the user must be allowed to see. */
static bool
lead_begin(web_ctx *c, http_req *rq, int64_t *id, enum MHD_Result *ret)
{
	int rc;

	if (!web_begin_post(c, rq, ret))
		return false;
	if ((*id = api_id(rq->params[0])) < 0 || (rc = web_may_see_lead(c, *id)) == 0) {
		*ret = again(c, WEB_BACK_LEAD, 0, 404);
		return false;
	}
	if (rc < 0) {
		*ret = web_error_page(c, 503, "Unavailable", "Try again in a moment.");
		return false;
	}
	return true;
}

/* Runs w for lead id and answers: 303 back to the page the form was on
 * (back: WEB_BACK_LEAD or WEB_BACK_PIPELINE), or that page again. */
static enum MHD_Result
run_lead_from(web_ctx *c, web_job *w, int64_t id, const char *back, const char *form,
	      const char *ok)
{
	char err[512] = "";
	flow_result rc;

	w->j.lead_id = id;
	w->j.ev.actor = actor(c);
	rc = web_write(c, web_job_run, w, err, sizeof err);
	if (rc == FLOW_OK)
		return back_to(c, back, id, ok);
	return again(c, back, id, web_flow_notice(c, rc, err, form));
}

static enum MHD_Result
run_lead(web_ctx *c, web_job *w, int64_t id, const char *form, const char *ok)
{
	return run_lead_from(c, w, id, WEB_BACK_LEAD, form, ok);
}

enum MHD_Result
web_lead_log(http_req *rq)
{
	enum MHD_Result ret;
	const char *type, *outcome, *text, *amount;
	int64_t id, cents = -1;
	web_job w;
	web_ctx c;

	if (!lead_begin(&c, rq, &id, &ret))
		goto out;
	type = web_form_get(&c.form, "type");
	outcome = web_form_get(&c.form, "outcome");
	text = web_form_get(&c.form, "text");
	amount = web_form_get(&c.form, "amount");
	web_job_init(&c, &w, JOB_EVENT);
	if (outcome && !call_outcome(outcome) && strcmp(outcome, "no_show") != 0) {
		ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "log", "Pick an outcome from "
							   "the list."));
		goto out;
	}
	if (!short_enough(&c, text, MAX_NOTE, "Notes", "log")) {
		ret = again(&c, WEB_BACK_LEAD, id, 422);
		goto out;
	}
	if (amount && (type == NULL || strcmp(type, "visit") != 0)) {
		ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "log", "amount: only a visit "
							   "carries a quote amount."));
		goto out;
	}
	if (amount && (cents = web_parse_amount(amount)) < 0) {
		ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "log", "amount: expected dollars, "
							   "e.g. 1250 or 1,250.50."));
		goto out;
	}
	if (type && strcmp(type, "call") == 0) {
		w.j.ev = lead_event_init(EV_CALL_LOGGED);
	} else if (type && strcmp(type, "visit") == 0) {
		w.j.ev = lead_event_init(EV_VISIT_LOGGED);
		w.j.ev.amount_cents = cents;
	} else if (type && strcmp(type, "note") == 0) {
		if (text == NULL) {
			ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "log", "Write the note."));
			goto out;
		}
		w.j.ev = lead_event_init(EV_NOTE);
		w.j.ev.contact = web_form_get(&c.form, "contact") != NULL;
	} else if (type && strcmp(type, "reply") == 0) {
		/* the lead wrote to someone directly (a personal phone): as a reply
		 * through the business's number, it stops the automation */
		if (text == NULL) {
			ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "log", "Write what they wrote."));
			goto out;
		}
		w.j.ev = lead_event_init(EV_MESSAGE_IN);
		w.j.ev.channel = "sms";
	} else if (type && (strcmp(type, "stop_sms") == 0 || strcmp(type, "stop_email") == 0)) {
		w.j.ev = lead_event_init(EV_OPT_OUT);
		w.j.ev.channel = strcmp(type, "stop_sms") == 0 ? "sms" : "email";
	} else {
		ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "log", "Pick a call, a visit, a note, "
							   "a message or an opt-out."));
		goto out;
	}
	w.j.ev.outcome = outcome;
	w.j.ev.text = text;
	ret = run_lead(&c, &w, id, "log", "logged");
out:
	web_end(&c);
	return ret;
}

enum MHD_Result
web_lead_stage(http_req *rq)
{
	enum MHD_Result ret;
	const char *stage, *amount, *reason, *back;
	int64_t id;
	web_job w;
	web_ctx c;

	if (!lead_begin(&c, rq, &id, &ret))
		goto out;
	stage = web_form_get(&c.form, "stage");
	amount = web_form_get(&c.form, "amount");
	reason = web_form_get(&c.form, "reason");
	/* from the lead's page, or from the pipeline: back there either way */
	back = web_form_get(&c.form, "back");
	back = back && strcmp(back, WEB_BACK_PIPELINE) == 0 ? WEB_BACK_PIPELINE : WEB_BACK_LEAD;
	web_job_init(&c, &w, JOB_EVENT);
	w.j.ev = lead_event_init(EV_STAGE);
	if (stage == NULL || rules_stage_find(c.rules, stage) == NULL) {
		ret = again(&c, back, id, invalid(&c, "stage", "stage: pick one from the list."));
		goto out;
	}
	if (amount && (w.j.ev.amount_cents = web_parse_amount(amount)) < 0) {
		ret = again(&c, back, id, invalid(&c, "stage", "amount: expected dollars, e.g. 1250 "
						  "or 1,250.50."));
		goto out;
	}
	if (reason && !rules_lost_reason_known(c.rules, reason)) {
		ret = again(&c, back, id, invalid(&c, "stage", "reason: pick one from the list."));
		goto out;
	}
	w.j.ev.stage = stage;
	w.j.ev.reason = reason;
	ret = run_lead_from(&c, &w, id, back, "stage", "stage");
out:
	web_end(&c);
	return ret;
}

enum MHD_Result
web_lead_owner(http_req *rq)
{
	enum MHD_Result ret;
	const char *owner;
	int64_t id;
	web_job w;
	web_ctx c;

	if (!lead_begin(&c, rq, &id, &ret))
		goto out;
	if (!web_role_may_assign(c.user.role)) {
		ret = web_error_page(&c, 403, "Not allowed", "Only office staff, managers and "
				     "admins may give a lead to someone else.");
		goto out;
	}
	owner = web_form_get(&c.form, "owner");
	if (owner == NULL || rules_person_find(c.rules, owner) == NULL) {
		ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "owner", "owner: pick a person from "
							   "the list."));
		goto out;
	}
	web_job_init(&c, &w, JOB_EVENT);
	w.j.ev = lead_event_init(EV_OWNER);
	w.j.ev.owner = owner;
	ret = run_lead(&c, &w, id, "owner", "owner");
out:
	web_end(&c);
	return ret;
}

/* A possible opt-out decided: EV_OPT_OUT_REVIEW, outcome "confirm" or
 * "dismiss" (409 when there is none to decide any more). */
enum MHD_Result
web_lead_opt_out(http_req *rq)
{
	enum MHD_Result ret;
	const char *outcome;
	int64_t id;
	web_job w;
	web_ctx c;

	if (!lead_begin(&c, rq, &id, &ret))
		goto out;
	outcome = web_form_get(&c.form, "outcome");
	if (outcome == NULL || (strcmp(outcome, "confirm") != 0 && strcmp(outcome, "dismiss") != 0)) {
		ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "opt-out", "Pick yes or no."));
		goto out;
	}
	web_job_init(&c, &w, JOB_EVENT);
	w.j.ev = lead_event_init(EV_OPT_OUT_REVIEW);
	w.j.ev.outcome = outcome;
	ret = run_lead(&c, &w, id, "opt-out", strcmp(outcome, "confirm") == 0 ? "optout" : "kept");
out:
	web_end(&c);
	return ret;
}

/* Pause or resume the lead's automation: EV_PAUSE (with an optional reason)
 * or EV_RESUME. Office, managers, admins and the lead's owner (403 for
 * anyone else who may see it); checked again inside the writer's job. */
static enum MHD_Result
automation(http_req *rq, bool pause)
{
	enum MHD_Result ret;
	const char *reason;
	int64_t id;
	web_job w;
	web_ctx c;
	int rc;

	if (!lead_begin(&c, rq, &id, &ret))
		goto out;
	if ((rc = web_may_pause_lead(&c, id)) <= 0) {
		ret = rc < 0 ? web_error_page(&c, 503, "Unavailable", "Try again in a moment.") :
		      web_error_page(&c, 403, "Not allowed", "Only the lead's owner, office staff, "
				     "managers and admins may pause or resume its automation.");
		goto out;
	}
	reason = web_form_get(&c.form, "reason");
	if (!short_enough(&c, reason, MAX_SHORT, "Why", "automation")) {
		ret = again(&c, WEB_BACK_LEAD, id, 422);
		goto out;
	}
	web_job_init(&c, &w, JOB_EVENT);
	w.j.ev = lead_event_init(pause ? EV_PAUSE : EV_RESUME);
	w.j.ev.reason = pause ? reason : NULL;
	w.owner_only = true;
	ret = run_lead(&c, &w, id, "automation", pause ? "paused" : "resumed");
out:
	web_end(&c);
	return ret;
}

enum MHD_Result
web_lead_pause(http_req *rq)
{
	return automation(rq, true);
}

enum MHD_Result
web_lead_resume(http_req *rq)
{
	return automation(rq, false);
}

/* --- appointments ------------------------------------------------------------------------ */

/* A datetime-local value "YYYY-MM-DDTHH:MM" of the business's zone into *out:
 * 0, or -1 when it is not one. */
static int
local_datetime(web_ctx *c, const char *v, int64_t *out)
{
	char date[16];
	const char *t = v ? strchr(v, 'T') : NULL;

	if (t == NULL || (size_t)(t - v) >= sizeof date)
		return -1;
	memcpy(date, v, (size_t)(t - v));
	date[t - v] = '\0';
	return web_local_instant(c, date, t + 1, out);
}

/*
 * Book, confirm, reschedule, cancel, done or no_show: the EV_APPOINTMENT
 * `leadkeep appointments` and POST /api/v1/leads/{id}/appointments send,
 * with the same fields (action, kind, start, place, person, appointment id,
 * quote amount). The engine checks the action, kind, person and times and
 * says what is wrong; here only the form's own formats are read.
 */
enum MHD_Result
web_lead_appointment(http_req *rq)
{
	enum MHD_Result ret;
	const char *what, *start, *amount, *appt;
	int64_t id;
	web_job w;
	web_ctx c;

	if (!lead_begin(&c, rq, &id, &ret))
		goto out;
	what = web_form_get(&c.form, "action");
	start = web_form_get(&c.form, "start");
	amount = web_form_get(&c.form, "amount");
	appt = web_form_get(&c.form, "appointment");
	web_job_init(&c, &w, JOB_EVENT);
	w.j.ev = lead_event_init(EV_APPOINTMENT);
	w.j.ev.outcome = what;
	w.j.ev.appt_kind = web_form_get(&c.form, "kind");
	w.j.ev.place = web_form_get(&c.form, "place");
	w.j.ev.assignee = web_form_get(&c.form, "person");
	if (!short_enough(&c, w.j.ev.place, MAX_SHORT, "Place", "appointments")) {
		ret = again(&c, WEB_BACK_LEAD, id, 422);
		goto out;
	}
	if (appt && (w.j.ev.appointment_id = api_id(appt)) < 0) {
		ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "appointments", "appointment: not "
							   "one of this lead's."));
		goto out;
	}
	if (what && (strcmp(what, "book") == 0 || strcmp(what, "reschedule") == 0) &&
	    start == NULL) {
		ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "appointments", "start: give the "
							   "day and time of the visit."));
		goto out;
	}
	if (start && local_datetime(&c, start, &w.j.ev.starts_at) < 0) {
		ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "appointments", "start: expected a "
							   "day and a time."));
		goto out;
	}
	if (amount && (what == NULL || strcmp(what, "done") != 0)) {
		ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "appointments", "amount: only a "
							   "visit done carries a quote amount."));
		goto out;
	}
	if (amount && (w.j.ev.amount_cents = web_parse_amount(amount)) < 0) {
		ret = again(&c, WEB_BACK_LEAD, id, invalid(&c, "appointments", "amount: expected "
							   "dollars, e.g. 1250 or 1,250.50."));
		goto out;
	}
	ret = run_lead(&c, &w, id, "appointments",
		       what && strcmp(what, "book") == 0 ? "booked" : "appointment");
out:
	web_end(&c);
	return ret;
}

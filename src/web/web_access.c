/*
 * web_access.c - who may see which lead, checked on every request, and the
 * web app's writes: a flow job that checks the same again inside its own
 * transaction, so a lead reassigned between the page and the click is not
 * changed by someone who no longer works it.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_read.h"
#include "store/store_web.h"
#include "util/log.h"
#include "web.h"

const char *
web_person(const web_ctx *c)
{
	return c->signed_in ? c->user.person : "";
}

int
web_may_see_lead(web_ctx *c, int64_t lead_id)
{
	store *s;

	if (!c->signed_in)
		return 0;
	if (web_role_sees_all(c->user.role))
		return 1;
	if ((s = http_store(c->rq)) == NULL)
		return -1;
	return store_lead_worked_by(s, c->business_id, lead_id, c->user.person);
}

typedef struct {
	const char *person;
	bool owns;
} owner_check;

static void
on_owner(void *ctx, const store_lead_row *r)
{
	owner_check *o = ctx;

	o->owns = r->owner != NULL && strcmp(r->owner, o->person) == 0;
}

/* 1 when person owns lead_id, 0 when not (or no such lead), -1 on an error. */
static int
lead_owned_by(store *s, int64_t business_id, int64_t lead_id, const char *person)
{
	static const store_lead_visitor v = { .lead = on_owner };
	owner_check o = { .person = person };
	int rc;

	if (person == NULL || *person == '\0')
		return 0;
	if ((rc = store_lead_read(s, business_id, lead_id, &v, &o)) <= 0)
		return rc;
	return o.owns;
}

int
web_may_pause_lead(web_ctx *c, int64_t lead_id)
{
	store *s;

	if (!c->signed_in)
		return 0;
	if (web_role_sees_all(c->user.role))
		return 1;
	if ((s = http_store(c->rq)) == NULL)
		return -1;
	return lead_owned_by(s, c->business_id, lead_id, c->user.person);
}

void
web_job_init(web_ctx *c, web_job *w, job_op op)
{
	memset(w, 0, sizeof *w);
	w->j.op = op;
	w->j.rules = c->rules;
	w->j.business_id = c->business_id;
	w->j.now = c->now;
	w->j.ev = lead_event_init(EV_NOTE);
	w->person = web_role_sees_all(c->user.role) ? NULL : c->user.person;
}

int
web_job_run(store *s, void *arg, char *err, size_t errlen)
{
	web_job *w = arg;
	int64_t lead_id = w->j.lead_id;
	char state[16] = "";
	int rc;

	if (w->check_task > 0) {
		if ((lead_id = store_task_lead(s, w->j.business_id, w->check_task)) < 0)
			return snprintf(err, errlen, "reading the task: %s", store_errmsg(s)),
			       FLOW_STORAGE;
		if (lead_id == 0)
			return snprintf(err, errlen, "no such task"), FLOW_NOT_FOUND;
	}
	if (w->person != NULL) {
		if ((rc = store_lead_worked_by(s, w->j.business_id, lead_id, w->person)) < 0)
			return snprintf(err, errlen, "reading the lead: %s", store_errmsg(s)),
			       FLOW_STORAGE;
		if (rc == 0)	/* not theirs: as if it did not exist */
			return snprintf(err, errlen, "no such lead"), FLOW_NOT_FOUND;
		if (w->owner_only &&
		    (rc = lead_owned_by(s, w->j.business_id, lead_id, w->person)) <= 0)
			return rc < 0 ? (snprintf(err, errlen, "reading the lead: %s", store_errmsg(s)),
					 FLOW_STORAGE) :
			       (snprintf(err, errlen, "Only the lead's owner, the office or a manager "
					 "may do this."), FLOW_CONFLICT);
	}
	if (w->check_task > 0) {
		if ((rc = store_task_state(s, w->j.business_id, w->check_task, state,
					   sizeof state)) < 0)
			return snprintf(err, errlen, "reading the task: %s", store_errmsg(s)),
			       FLOW_STORAGE;
		if (strcmp(state, "open") != 0)
			return snprintf(err, errlen, "This task is no longer open (%s): someone "
					"or something finished it first.", state), FLOW_CONFLICT;
		if (w->j.op == JOB_EVENT)
			w->j.lead_id = lead_id;
	}
	return job_run(s, &w->j, err, errlen);
}

int
web_flow_notice(web_ctx *c, flow_result rc, const char *err, const char *form)
{
	const char *text;

	if (rc == FLOW_OK)
		return 0;
	switch (rc) {
	case FLOW_INVALID:
	case FLOW_CONFLICT:
		text = err && *err ? err : "This change cannot be made now.";
		break;
	case FLOW_NOT_FOUND:
		text = "This lead or task does not exist, or is not one of yours.";
		break;
	default:
		log_line("error", "write_failed", "req_id=%s result=%s error=\"%s\"", c->rq->id,
			 flow_result_name(rc), err ? err : "");
		text = "The change could not be saved; nothing was stored. Try again.";
		break;
	}
	c->notice.error = true;
	snprintf(c->notice.text, sizeof c->notice.text, "%s", text);
	snprintf(c->notice.form, sizeof c->notice.form, "%s", form ? form : "");
	return http_flow_status(rc);
}

/*
 * http_jobs.c - the server's writes (see http_jobs.h). Runs on the writer
 * thread only, inside the batch transaction's savepoint for this job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contact.h"
#include "http_jobs.h"

/* The idempotency record's body: enough to answer a retry. */
static int
record(store *s, job *j)
{
	char body[96];

	if (j->idem_key == NULL)
		return 0;
	snprintf(body, sizeof body, "{\"lead_id\":%lld,\"task_id\":%lld,\"duplicate\":%s}",
		 (long long)j->lead_id, (long long)j->task_id, j->duplicate ? "true" : "false");
	return store_idem_put(s, j->business_id, j->idem_key, j->req_hash, j->status, body,
			      j->now);
}

/* 1 when the key was seen (j filled from the record), 0 new, or a refusal. */
static int
replay(store *s, job *j)
{
	char *body = NULL;
	bool same = true;
	int status = 0, rc;
	json_t *o;

	if (j->idem_key == NULL)
		return 0;
	rc = store_idem_get(s, j->business_id, j->idem_key, j->req_hash, &status, &body, &same);
	if (rc <= 0)
		return rc;
	if (!same) {
		free(body);
		return -JOB_E_IDEM_CONFLICT;
	}
	o = json_loads(body, 0, NULL);
	j->lead_id = (int64_t)json_integer_value(json_object_get(o, "lead_id"));
	j->task_id = (int64_t)json_integer_value(json_object_get(o, "task_id"));
	j->duplicate = json_is_true(json_object_get(o, "duplicate"));
	j->status = status;
	j->replayed = true;
	json_decref(o);
	free(body);
	return 1;
}

static int
decided(int rc)
{
	switch (rc) {
	case DECIDE_OK:		return 0;
	case DECIDE_INVALID:	return JOB_E_INVALID;
	case DECIDE_NOT_FOUND:	return JOB_E_UNKNOWN;
	default:		return -1;
	}
}

static int
lead_exists(store *s, job *j)
{
	char *phone, *email;
	unsigned flags;
	int rc = store_lead_contact(s, j->business_id, j->lead_id, &phone, &email, &flags);

	free(phone);
	free(email);
	return rc;
}

static int
run_intake(store *s, job *j, char *err, size_t errlen)
{
	intake_result res;

	if (intake_submit(s, j->business_id, j->rules, &j->in, j->now, &res, err, errlen) < 0)
		return -1;
	j->lead_id = res.lead_id;
	j->duplicate = res.duplicate;
	j->flags = res.flags;
	return 0;
}

static int
run_event(store *s, job *j, char *err, size_t errlen)
{
	int rc = lead_exists(s, j);

	if (rc <= 0)
		return rc < 0 ? -1 : JOB_E_LEAD_NOT_FOUND;
	return decided(store_process(s, j->business_id, j->rules, j->lead_id, &j->ev, j->now,
				     err, errlen));
}

static int
run_task_done(store *s, job *j, char *err, size_t errlen)
{
	char state[32];
	int rc = store_task_state(s, j->business_id, j->task_id, state, sizeof state);

	if (rc <= 0)
		return rc < 0 ? -1 : JOB_E_TASK_NOT_FOUND;
	if (strcmp(state, "open") != 0)
		return snprintf(err, errlen, "task %lld is %s, not open", (long long)j->task_id,
				state), JOB_E_TASK_NOT_OPEN;
	if ((j->lead_id = store_task_lead(s, j->business_id, j->task_id)) <= 0)
		return -1;
	j->ev.kind = EV_TASK_DONE;
	j->ev.task_id = j->task_id;
	return decided(store_process(s, j->business_id, j->rules, j->lead_id, &j->ev, j->now,
				     err, errlen));
}

static int
run_snooze(store *s, job *j, char *err, size_t errlen)
{
	int rc = store_task_snooze(s, j->business_id, j->task_id, j->until, j->reason,
				   j->ev.actor, j->now);

	if (rc == STORE_SNOOZE_NOT_FOUND)
		return JOB_E_TASK_NOT_FOUND;
	if (rc == STORE_SNOOZE_NOT_OPEN)
		return snprintf(err, errlen, "task %lld is not open", (long long)j->task_id),
		       JOB_E_TASK_NOT_OPEN;
	if (rc < 0)
		return -1;
	j->lead_id = store_task_lead(s, j->business_id, j->task_id);
	return j->lead_id > 0 ? 0 : -1;
}

/* Re-checks one contact field: sets or clears its flag. */
static void
check_field(const char *v, bool phone, const char *country, unsigned bit, unsigned *flags,
	    char *norm, size_t normlen, const char **out)
{
	if (v == NULL)
		return;
	*flags &= ~bit;
	if (*v == '\0') {
		*out = "";
		return;
	}
	if ((phone ? contact_phone_normalize(v, country, norm, normlen) :
		     contact_email_normalize(v, norm, normlen)) == 0) {
		*out = norm;
	} else {
		*out = v;
		*flags |= bit;
	}
}

static int
run_update(store *s, job *j, char *err, size_t errlen)
{
	char *phone = NULL, *email = NULL, np[32], ne[256];
	unsigned flags = 0;
	const char *p, *e;
	bool has_phone, has_email;
	int rc = store_lead_contact(s, j->business_id, j->lead_id, &phone, &email, &flags);

	if (rc <= 0)
		return rc < 0 ? -1 : JOB_E_LEAD_NOT_FOUND;
	p = phone;
	e = email;
	check_field(j->upd.phone, true, j->rules->business.country, LEAD_PHONE_INVALID, &flags,
		    np, sizeof np, &p);
	check_field(j->upd.email, false, NULL, LEAD_EMAIL_INVALID, &flags, ne, sizeof ne, &e);
	if (j->upd.phone != NULL)
		j->upd.phone = p;
	if (j->upd.email != NULL)
		j->upd.email = e;
	has_phone = p && *p && !(flags & LEAD_PHONE_INVALID);
	has_email = e && *e && !(flags & LEAD_EMAIL_INVALID);
	flags = has_phone || has_email ? flags & ~(unsigned)LEAD_NO_CONTACT :
		flags | LEAD_NO_CONTACT;
	j->upd.flags = flags;
	j->flags = flags;
	rc = store_lead_update_contact(s, j->business_id, j->lead_id, &j->upd, j->now);
	free(phone);
	free(email);
	if (rc < 0)
		return snprintf(err, errlen, "updating the lead failed"), -1;
	return rc == 0 ? JOB_E_LEAD_NOT_FOUND : 0;
}

static int
run_inbound(store *s, job *j, char *err, size_t errlen)
{
	char np[32], ne[256];
	const char *phone = NULL, *email = NULL;
	int64_t id;

	if (j->match_phone && contact_phone_normalize(j->match_phone, j->rules->business.country,
						      np, sizeof np) == 0)
		phone = np;
	if (j->match_email && contact_email_normalize(j->match_email, ne, sizeof ne) == 0)
		email = ne;
	id = store_lead_find_open(s, j->business_id, phone, email, 0);
	if (id < 0)
		return -1;
	if (id > 0) {
		j->lead_id = id;
		j->attached = true;
		return decided(store_process(s, j->business_id, j->rules, id, &j->ev, j->now, err,
					     errlen));
	}
	if (!j->create_if_unknown)
		return 0;
	return run_intake(s, j, err, errlen);
}

int
job_run(store *s, void *arg, char *err, size_t errlen)
{
	job *j = arg;
	int rc = replay(s, j);

	if (rc != 0)
		return rc < 0 ? (rc == -1 ? -1 : -rc) : 0;
	switch (j->op) {
	case JOB_INTAKE:	rc = run_intake(s, j, err, errlen); break;
	case JOB_EVENT:		rc = run_event(s, j, err, errlen); break;
	case JOB_TASK_DONE:	rc = run_task_done(s, j, err, errlen); break;
	case JOB_SNOOZE:	rc = run_snooze(s, j, err, errlen); break;
	case JOB_UPDATE:	rc = run_update(s, j, err, errlen); break;
	case JOB_INBOUND:	rc = run_inbound(s, j, err, errlen); break;
	default:		rc = -1; break;
	}
	if (rc == 0 && record(s, j) < 0)
		return snprintf(err, errlen, "recording the idempotency key failed"), -1;
	return rc;
}

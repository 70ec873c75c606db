/*
 * flow.c - load, decide, apply (see flow.h). The only caller of decide()
 * outside simulate's printing and the tests, and the only place a storage
 * error is told apart from a lead that does not exist.
 */
#include <stdio.h>
#include <string.h>

#include "core/engine.h"
#include "core/states.h"
#include "store/store_api.h"
#include "flow.h"
#include "flow_metrics.h"

const char *
flow_result_name(flow_result r)
{
	switch (r) {
	case FLOW_OK:		return "ok";
	case FLOW_NOT_FOUND:	return "not_found";
	case FLOW_INVALID:	return "invalid";
	case FLOW_CONFLICT:	return "conflict";
	case FLOW_BUSY:		return "busy";
	case FLOW_STORAGE:	return "storage_error";
	}
	return "storage_error";
}

/* A failed store call: busy when another writer held the lock, else storage. */
static flow_result
failed(store *s)
{
	return store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
}

/* EV_PAUSE holds the step the lead's pending step timer names: ev with it
 * (in *copy), or NULL on a storage error. */
static const lead_event *
with_pending_step(store *s, int64_t lead_id, const lead_event *ev, lead_event *copy,
		  store_timer *t)
{
	int rc = store_lead_pending_step(s, lead_id, t);

	if (rc < 0)
		return NULL;
	*copy = *ev;
	if (rc == 1) {
		copy->sequence = t->sequence[0] ? t->sequence : NULL;
		copy->step_id = t->step_id[0] ? t->step_id : NULL;
		copy->step = t->step;
		copy->due_at = t->due_at;
	}
	return copy;
}

flow_result
flow_event(store *s, int64_t business_id, const rules *r, int64_t lead_id,
	   const lead_event *ev, int64_t now, flow_out *out, char *err, size_t errlen)
{
	store_lead_state *ls;
	decision *d = NULL;
	flow_out dummy;
	flow_result res;
	lead_state st;
	lead_load loads[64];
	lead_event paused;
	store_timer t;
	int rc;

	if (out == NULL)
		out = &dummy;
	out->lead_id = lead_id;
	out->task_id = 0;
	rc = store_lead_state_load(s, business_id, lead_id, now, r->touch_window, &ls, err,
				   errlen);
	if (rc <= 0)
		return rc == 0 ? FLOW_NOT_FOUND : failed(s);
	if (flow_state_loads(s, business_id, r, store_lead_state_get(ls), &st, loads,
			     sizeof loads / sizeof loads[0]) < 0) {
		store_lead_state_free(ls);
		return failed(s);
	}
	if (ev->kind == EV_PAUSE && (ev = with_pending_step(s, lead_id, ev, &paused, &t)) == NULL) {
		store_lead_state_free(ls);
		return failed(s);
	}
	switch (decide(&st, ev, r, store_lead_state_rr(ls), now, &d, err, errlen)) {
	case DECIDE_OK:
		res = store_apply(s, business_id, lead_id, d, ev->actor, now, &out->task_id, err,
				  errlen) == 0 ? FLOW_OK : failed(s);
		if (res == FLOW_OK)
			flow_count_decision(ev);
		break;
	case DECIDE_CONFLICT:	/* e.g. a task that is not open any more */
		res = FLOW_CONFLICT;
		break;
	case DECIDE_INVALID:
	case DECIDE_NOT_FOUND:	/* a stage, person or task the event names: bad input */
	default:
		res = FLOW_INVALID;
		break;
	}
	decision_free(d);
	store_lead_state_free(ls);
	return res;
}

flow_result
flow_task_event(store *s, int64_t business_id, const rules *r, int64_t task_id,
		const lead_event *ev, int64_t now, flow_out *out, char *err, size_t errlen)
{
	lead_event tev = *ev;
	char state[32];
	task_state ts;
	int64_t lead_id;
	flow_result res;
	int rc = store_task_state(s, business_id, task_id, state, sizeof state);

	if (rc <= 0) {
		if (rc == 0)
			snprintf(err, errlen, "no task #%lld", (long long)task_id);
		return rc == 0 ? FLOW_NOT_FOUND : failed(s);
	}
	if (task_state_parse(state, &ts) < 0 || ts != TASK_OPEN) {
		snprintf(err, errlen, "task %lld is %s, not open", (long long)task_id, state);
		return FLOW_CONFLICT;
	}
	if ((lead_id = store_task_lead(s, business_id, task_id)) <= 0)
		return failed(s);
	tev.task_id = task_id;
	res = flow_event(s, business_id, r, lead_id, &tev, now, out, err, errlen);
	if (out != NULL)
		out->task_id = task_id;
	return res;
}

flow_result
flow_task_done(store *s, int64_t business_id, const rules *r, int64_t task_id,
	       const lead_event *ev, int64_t now, flow_out *out, char *err, size_t errlen)
{
	lead_event done = *ev;

	done.kind = EV_TASK_DONE;
	return flow_task_event(s, business_id, r, task_id, &done, now, out, err, errlen);
}

flow_result
flow_timer(store *s, const rules *r, const store_timer *t, int64_t now, char *err,
	   size_t errlen)
{
	lead_event ev = lead_event_init(EV_TIMER);
	flow_result res;
	int rc = store_timer_claim(s, t->id, now);

	if (rc <= 0) {
		if (rc < 0)
			snprintf(err, errlen, "claiming timer %lld: %s", (long long)t->id,
				 store_errmsg(s));
		return rc == 0 ? FLOW_OK : failed(s);
	}
	ev.timer = t->kind;
	ev.sequence = t->sequence[0] ? t->sequence : NULL;
	ev.step = t->step;
	ev.level = t->level;
	ev.task_id = t->task_id;
	ev.plan = t->plan;
	ev.due_at = t->due_at;
	ev.step_id = t->step_id[0] ? t->step_id : NULL;
	ev.appointment_id = t->appointment_id;
	res = flow_event(s, t->business_id, r, t->lead_id, &ev, now, NULL, err, errlen);
	/* The lead is gone: the timer has nothing left to do. */
	return res == FLOW_NOT_FOUND ? FLOW_OK : res;
}

flow_result
flow_run(store *s, flow_fn fn, void *arg, char *err, size_t errlen)
{
	flow_result res;

	if (store_begin(s) < 0) {
		snprintf(err, errlen, "the database is busy: %s", store_errmsg(s));
		return failed(s);
	}
	res = fn(s, arg, err, errlen);
	if (res == FLOW_OK && store_commit(s) < 0) {
		snprintf(err, errlen, "the change could not be committed: %s", store_errmsg(s));
		res = failed(s);
	}
	if (res != FLOW_OK)
		store_rollback(s);
	return res;
}

/*
 * report_collect.c - one pass over each of the business's tables (leads,
 * timeline, tasks, pending timers, messages to leads) into one record per
 * lead: when it was acknowledged, attempted, reached, last active, when it
 * entered its stage, what is due next and what takes over. Which timeline
 * types are a person's act is the engine's list (engine_human_event_types).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/lead.h"
#include "report_internal.h"
#include "store/store_report.h"

/* The few distinct words of a column (sources, owners, stages...), kept once. */
static const char *
intern(report_data *d, const char *s)
{
	char **p;

	if (s == NULL || *s == '\0')
		return NULL;
	for (size_t i = d->npool; i-- > 0;)
		if (strcmp(d->pool[i], s) == 0)
			return d->pool[i];
	if (d->npool == d->poolcap) {
		size_t cap = d->poolcap ? d->poolcap * 2 : 64;

		if ((p = realloc(d->pool, cap * sizeof *p)) == NULL) {
			d->oom = true;
			return NULL;
		}
		d->pool = p;
		d->poolcap = cap;
	}
	if ((d->pool[d->npool] = strdup(s)) == NULL) {
		d->oom = true;
		return NULL;
	}
	return d->pool[d->npool++];
}

static void
on_lead(void *ctx, const store_report_lead *r)
{
	report_data *d = ctx;
	report_lead *l;

	if (d->oom)
		return;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1024;
		report_lead *p = realloc(d->leads, cap * sizeof *p);

		if (p == NULL) {
			d->oom = true;
			return;
		}
		d->leads = p;
		d->cap = cap;
	}
	l = &d->leads[d->n];
	memset(l, 0, sizeof *l);
	l->id = r->id;
	l->name = r->name ? strdup(r->name) : NULL;
	if (r->name != NULL && l->name == NULL) {
		d->oom = true;
		return;
	}
	l->source = intern(d, r->source);
	l->kind = intern(d, r->kind);
	l->stage = intern(d, r->stage);
	l->status = intern(d, r->status);
	l->owner = intern(d, r->owner);
	l->lost_reason = intern(d, r->lost_reason);
	l->has_quote = r->has_quote;
	l->quote_cents = r->quote_cents;
	l->has_sequence = r->sequence != NULL;
	l->created_at = r->created_at;
	l->paused_at = r->paused_at;
	l->stage_at = r->created_at;
	l->activity_at = r->created_at;
	d->n++;
}

static bool
type_is(const char *type, const char *want)
{
	return type != NULL && strcmp(type, want) == 0;
}

/* The stage a "stage.changed" entry moved to: "Stage new -> won by bob, ..." */
static bool
moved_to(const char *text, const char *stage)
{
	const char *p = text ? strstr(text, " -> ") : NULL;
	size_t n = strlen(stage);

	return p != NULL && strncmp(p + 4, stage, n) == 0 &&
	       (p[4 + n] == '\0' || p[4 + n] == ' ' || p[4 + n] == ',');
}

static void
on_event(void *ctx, const store_report_event *r)
{
	report_data *d = ctx;
	report_lead *l = report_data_lead(d, r->lead_id);
	const char *t = r->type;

	if (l == NULL || t == NULL)
		return;
	if (engine_event_type_human(t)) {
		if (r->at > l->human_at)
			l->human_at = r->at;
		if (l->first_human_at == 0) {
			l->first_human_at = r->at;
			l->first_human_type = engine_human_event_types[0];
			for (size_t i = 0; engine_human_event_types[i]; i++)
				if (strcmp(t, engine_human_event_types[i]) == 0)
					l->first_human_type = engine_human_event_types[i];
		}
		if (r->at > l->activity_at)
			l->activity_at = r->at;
	}
	if (type_is(t, "message.received")) {
		if (r->at > l->inbound_at)
			l->inbound_at = r->at;
		if (r->at > l->activity_at)
			l->activity_at = r->at;
	}
	/* A person's attempt: a call or visit logged, a contact noted. */
	if ((type_is(t, "call.logged") || type_is(t, "visit.logged") ||
	     type_is(t, "note.contact")) && (l->attempt_at == 0 || r->at < l->attempt_at))
		l->attempt_at = r->at;
	if (type_is(t, "call.logged") && l->contact_at == 0)
		l->calls++;
	if (type_is(t, ENGINE_EVENT_FIRST_CONTACT) && l->contact_at == 0) {
		l->contact_at = r->at;
		if (l->attempt_at == 0 || r->at < l->attempt_at)
			l->attempt_at = r->at;
	}
	if (type_is(t, "stage.changed")) {
		l->stage_at = r->at;
		if (moved_to(r->text, "won"))
			l->won_at = r->at;
	}
}

static void
on_task(void *ctx, const store_report_task *r)
{
	report_data *d = ctx;
	report_lead *l = report_data_lead(d, r->lead_id);
	report_task *t;

	if (l == NULL || d->oom)
		return;
	if (d->ntasks == d->taskcap) {
		size_t cap = d->taskcap ? d->taskcap * 2 : 1024;
		report_task *p = realloc(d->tasks, cap * sizeof *p);

		if (p == NULL) {
			d->oom = true;
			return;
		}
		d->tasks = p;
		d->taskcap = cap;
	}
	t = &d->tasks[d->ntasks++];
	*t = (report_task){
		.assignee = intern(d, r->assignee), .verb = intern(d, r->verb),
		.state = intern(d, r->state), .lead_id = r->lead_id, .due_at = r->due_at,
		.created_at = r->created_at, .closed_at = r->closed_at,
		.escalations = r->escalations,
		/* only whether it was superseded matters: the rest is a person's words */
		.outcome = r->outcome && strncmp(r->outcome, "superseded", 10) == 0 ?
			   "superseded" : NULL,
	};
	if (type_is(r->state, "open")) {
		l->open_tasks++;
		if (!l->next_is_task || r->due_at < l->next_due) {
			l->next_due = r->due_at;
			l->next_is_task = true;
		}
	}
	/* A task a person closed as done that reached out is an attempt too. */
	if (type_is(r->state, "done") && t->outcome == NULL && r->closed_at > 0 &&
	    r->verb != NULL && strcmp(r->verb, "review") != 0 &&
	    (l->attempt_at == 0 || r->closed_at < l->attempt_at))
		l->attempt_at = r->closed_at;
}

static void
on_timer(void *ctx, const store_report_timer *r)
{
	report_data *d = ctx;
	report_lead *l = report_data_lead(d, r->lead_id);

	if (l == NULL || r->kind == NULL)
		return;
	if (strcmp(r->kind, "escalate") == 0) {
		l->has_escalation = true;
		return;
	}
	l->has_timer = true;
	if (strcmp(r->kind, "step") == 0 && !l->next_is_task &&
	    (l->next_due == 0 || r->due_at < l->next_due))
		l->next_due = r->due_at;
}

static void
on_message(void *ctx, const store_report_message *r)
{
	report_data *d = ctx;
	report_lead *l = report_data_lead(d, r->lead_id);

	if (l == NULL || r->purpose == NULL || strcmp(r->purpose, "ack") != 0 || r->state == NULL)
		return;
	/* Left, or still on its way: a failed, dead or cancelled one never
	 * acknowledged anybody. A queued one counts from when it is due. */
	if (strcmp(r->state, "failed") == 0 || strcmp(r->state, "dead") == 0 ||
	    strcmp(r->state, "cancelled") == 0 || r->send_at > d->o.now)
		return;
	if (l->ack_at == 0 || r->send_at < l->ack_at)
		l->ack_at = r->send_at;
}

static int
build_index(report_data *d)
{
	size_t span;

	if (d->n == 0)
		return 0;
	d->min_id = d->leads[0].id;
	d->max_id = d->leads[d->n - 1].id;
	span = (size_t)(d->max_id - d->min_id + 1);
	if ((d->index = malloc(span * sizeof *d->index)) == NULL)
		return -1;
	memset(d->index, 0xff, span * sizeof *d->index);
	for (size_t i = 0; i < d->n; i++)
		d->index[d->leads[i].id - d->min_id] = (int32_t)i;
	return 0;
}

report_lead *
report_data_lead(const report_data *d, int64_t id)
{
	int32_t i;

	if (d->index == NULL || id < d->min_id || id > d->max_id)
		return NULL;
	i = d->index[id - d->min_id];
	return i < 0 ? NULL : &d->leads[i];
}

int
report_data_load(report_data *d, store *s, int64_t business_id, const rules *r,
		 const report_options *o, char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	d->r = r;
	d->o = *o;
	if (store_report_leads(s, business_id, on_lead, d) < 0)
		goto storage;
	if (d->oom || build_index(d) < 0)
		goto oom;
	if (store_report_events(s, business_id, on_event, d) < 0 ||
	    store_report_tasks(s, business_id, on_task, d) < 0 ||
	    store_report_timers(s, business_id, on_timer, d) < 0 ||
	    store_report_messages(s, business_id, on_message, d) < 0)
		goto storage;
	if (d->oom)
		goto oom;
	return 0;
storage:
	snprintf(err, errlen, "reading the store for the report failed: %s", store_errmsg(s));
	report_data_free(d);
	return -1;
oom:
	snprintf(err, errlen, "out of memory reading %zu leads for the report", d->n);
	report_data_free(d);
	return -1;
}

void
report_data_free(report_data *d)
{
	for (size_t i = 0; i < d->n; i++)
		free((char *)d->leads[i].name);
	for (size_t i = 0; i < d->npool; i++)
		free(d->pool[i]);
	free(d->pool);
	free(d->leads);
	free(d->tasks);
	free(d->index);
	memset(d, 0, sizeof *d);
}

bool
report_in_period(const report_data *d, const report_lead *l)
{
	return l->created_at >= d->o.from && l->created_at < d->o.to;
}

bool
report_active(const report_lead *l)
{
	return l->status != NULL && strcmp(l->status, LEAD_STATUS_OPEN) == 0;
}

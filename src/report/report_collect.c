/*
 * report_collect.c - one pass over each of the business's tables (leads,
 * timeline, tasks, pending timers, acknowledgments) into one record per
 * lead: when it was acknowledged, attempted, reached, last active, when it
 * entered its stage, what is due next and what takes over. Which timeline
 * types are a person's act is the engine's list (engine_human_event_types).
 * The timeline comes lead by lead, each lead's entries in time order.
 * Tasks, pending timers and acknowledgments are read on a second connection
 * in a thread of their own when the store gives one (store_report_reader).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/lead.h"
#include "report_internal.h"
#include "store/store_report.h"

static uint32_t
hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The few distinct words of a column (sources, owners, stages...), kept once
 * in an open-addressing table (power-of-two size, at most half full). */
static const char *
intern(report_data *d, const char *s)
{
	size_t mask, i;

	if (s == NULL || *s == '\0')
		return NULL;
	if (2 * (d->npool + 1) > d->poolcap) {
		size_t cap = d->poolcap ? d->poolcap * 2 : 256;
		char **p = calloc(cap, sizeof *p);

		if (p == NULL) {
			d->oom = true;
			return NULL;
		}
		for (size_t k = 0; k < d->poolcap; k++)
			if (d->pool[k] != NULL) {
				for (i = hash(d->pool[k]) & (cap - 1); p[i] != NULL; i = (i + 1) & (cap - 1))
					;
				p[i] = d->pool[k];
			}
		free(d->pool);
		d->pool = p;
		d->poolcap = cap;
	}
	mask = d->poolcap - 1;
	for (i = hash(s) & mask; d->pool[i] != NULL; i = (i + 1) & mask)
		if (strcmp(d->pool[i], s) == 0)
			return d->pool[i];
	if ((d->pool[i] = strdup(s)) == NULL) {
		d->oom = true;
		return NULL;
	}
	d->npool++;
	return d->pool[i];
}

static bool
type_is(const char *type, const char *want)
{
	return type != NULL && strcmp(type, want) == 0;
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
	l->in_period = r->created_at >= d->o.from && r->created_at < d->o.to;
	l->status_code = type_is(r->status, LEAD_STATUS_OPEN) ? 'o' :
			 type_is(r->status, LEAD_STATUS_WON) ? 'w' :
			 type_is(r->status, LEAD_STATUS_LOST) ? 'l' : 'x';
	l->stage_at = r->created_at;
	l->activity_at = r->created_at;
	d->n++;
}

/* What a timeline entry of each type the store hands over means here. */
enum {
	RE_HUMAN = 1,		/* a person's act (the engine's list) */
	RE_ATTEMPT = 2,		/* a person reached out: call, visit, contact noted */
	RE_CALL = 4,
	RE_CONTACT = 8,		/* the first contact */
	RE_INBOUND = 16,	/* the lead wrote */
	RE_STAGE = 32,
};

static const struct {
	const char *type;
	unsigned bits;		/* RE_HUMAN is added from the engine's list */
} event_kinds[] = {
	{ "call.logged", RE_ATTEMPT | RE_CALL },
	{ "visit.logged", RE_ATTEMPT },
	{ "note.contact", RE_ATTEMPT },
	{ ENGINE_EVENT_FIRST_CONTACT, RE_CONTACT },
	{ "message.received", RE_INBOUND },
	{ "stage.changed", RE_STAGE },
};

/* The bits of type: the first character picks the candidates, so a row
 * costs one or two string compares, not one per known type. */
static unsigned
event_bits(const char *type, const char **human)
{
	unsigned bits = 0;

	*human = NULL;
	for (size_t i = 0; engine_human_event_types[i]; i++)
		if (engine_human_event_types[i][0] == type[0] &&
		    strcmp(engine_human_event_types[i], type) == 0) {
			bits |= RE_HUMAN;
			*human = engine_human_event_types[i];
			break;
		}
	for (size_t i = 0; i < sizeof event_kinds / sizeof event_kinds[0]; i++)
		if (event_kinds[i].type[0] == type[0] && strcmp(event_kinds[i].type, type) == 0)
			return bits | event_kinds[i].bits;
	return bits;
}

static void
on_event(void *ctx, const store_report_event *r)
{
	report_data *d = ctx;
	report_lead *l = report_data_lead(d, r->lead_id);
	const char *human;
	unsigned bits;

	if (l == NULL || r->type == NULL)
		return;
	bits = event_bits(r->type, &human);
	if (bits & RE_HUMAN) {
		if (r->at > l->human_at)
			l->human_at = r->at;
		if (l->first_human_at == 0) {
			l->first_human_at = r->at;
			l->first_human_type = human;
		}
	}
	if ((bits & (RE_HUMAN | RE_INBOUND)) && r->at > l->activity_at)
		l->activity_at = r->at;
	if ((bits & RE_INBOUND) && r->at > l->inbound_at)
		l->inbound_at = r->at;
	if ((bits & (RE_ATTEMPT | RE_CONTACT)) && (l->attempt_at == 0 || r->at < l->attempt_at))
		l->attempt_at = r->at;
	if ((bits & RE_CALL) && l->contact_at == 0)
		l->calls++;
	if ((bits & RE_CONTACT) && l->contact_at == 0)
		l->contact_at = r->at;
	if ((bits & RE_STAGE) && r->at >= l->stage_at)
		l->stage_at = r->at;
}

/* The side's reads (tasks, pending timers, acknowledgments) are collected
 * as rows, on a connection and thread of their own when the store gives
 * one, and applied to the leads once both sides are done: the leads' index
 * exists only then. */
typedef struct {
	int64_t lead_id, task_id, due_at;
	char kind;		/* 'e' escalate, 's' step, 'o' any other, 'f' a fired escalation */
} side_timer;

typedef struct {
	int64_t lead_id, send_at;
} side_ack;

typedef struct {
	store *s;
	int64_t business_id, now;
	report_data rows;	/* its own interned words and tasks */
	side_timer *timers;
	size_t ntimers, timercap;
	side_ack *acks;
	size_t nacks, ackcap;
	bool failed;
	char err[256];
} side;

/* Grows *p (n used of *cap, each size bytes) for one more; false when out of memory. */
static bool
grow(void *p, size_t n, size_t *cap, size_t size)
{
	void **v = p, *np;

	if (n < *cap)
		return true;
	if ((np = realloc(*v, (*cap ? *cap * 2 : 1024) * size)) == NULL)
		return false;
	*v = np;
	*cap = *cap ? *cap * 2 : 1024;
	return true;
}

static void
on_task(void *ctx, const store_report_task *r)
{
	report_data *d = ctx;
	report_task *t;

	if (d->oom)
		return;
	if (!grow(&d->tasks, d->ntasks, &d->taskcap, sizeof *d->tasks)) {
		d->oom = true;
		return;
	}
	t = &d->tasks[d->ntasks++];
	*t = (report_task){
		.id = r->id, .assignee = intern(d, r->assignee), .state = intern(d, r->state),
		.lead_id = r->lead_id, .due_at = r->due_at,
		.created_at = r->created_at, .closed_at = r->closed_at,
		.outcome = r->outcome && strncmp(r->outcome, "superseded", 10) == 0 ?
			   "superseded" : NULL,
	};
	/* A task a person closed as done that reached out is an attempt too. */
	t->attempt = type_is(r->state, "done") && t->outcome == NULL && r->closed_at > 0 &&
		     r->verb != NULL && strcmp(r->verb, "review") != 0;
}

static void
on_timer(void *ctx, const store_report_timer *r)
{
	side *sd = ctx;

	if (r->kind == NULL || sd->rows.oom)
		return;
	if (!grow(&sd->timers, sd->ntimers, &sd->timercap, sizeof *sd->timers)) {
		sd->rows.oom = true;
		return;
	}
	sd->timers[sd->ntimers++] = (side_timer){
		.lead_id = r->lead_id, .task_id = r->task_id, .due_at = r->due_at,
		.kind = strcmp(r->kind, "escalate") == 0 ?
			(r->state != NULL && strcmp(r->state, "fired") == 0 ? 'f' : 'e') :
			strcmp(r->kind, "step") == 0 ? 's' : 'o',
	};
}

static void
on_ack(void *ctx, const store_report_ack *r)
{
	side *sd = ctx;

	if (r->state == NULL || sd->rows.oom)
		return;
	/* Left, or still on its way: a failed, dead or cancelled one never
	 * acknowledged anybody. A queued one counts from when it is due. */
	if (r->send_at > sd->now ||
	    (r->state[0] == 'f' && strcmp(r->state, "failed") == 0) ||
	    (r->state[0] == 'd' && strcmp(r->state, "dead") == 0) ||
	    (r->state[0] == 'c' && strcmp(r->state, "cancelled") == 0))
		return;
	if (!grow(&sd->acks, sd->nacks, &sd->ackcap, sizeof *sd->acks)) {
		sd->rows.oom = true;
		return;
	}
	sd->acks[sd->nacks++] = (side_ack){ .lead_id = r->lead_id, .send_at = r->send_at };
}

static void *
side_run(void *arg)
{
	side *sd = arg;

	if (store_report_tasks(sd->s, sd->business_id, on_task, &sd->rows) < 0 ||
	    store_report_timers(sd->s, sd->business_id, on_timer, sd) < 0 ||
	    store_report_acks(sd->s, sd->business_id, on_ack, sd) < 0) {
		sd->failed = true;
		snprintf(sd->err, sizeof sd->err, "%s", store_errmsg(sd->s));
	}
	return NULL;
}

/* The side's rows onto the leads, in the order a single pass would have
 * read them: tasks, then timers (a step counts as next only without an open
 * task), then acknowledgments. The tasks move into d, their words interned
 * in d's pool (owners and assignees compare by address); a task whose lead
 * was not read is dropped. */
/* The task of id among the n read (in id order), or NULL. */
static report_task *
task_of(report_task *t, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && t[lo].id == id ? &t[lo] : NULL;
}

static void
side_apply(report_data *d, side *sd)
{
	size_t k = 0;

	/* escalations that fired, counted on their tasks */
	for (size_t i = 0; i < sd->ntimers; i++) {
		report_task *t;

		if (sd->timers[i].kind == 'f' &&
		    (t = task_of(sd->rows.tasks, sd->rows.ntasks, sd->timers[i].task_id)) != NULL)
			t->escalations++;
	}

	free(d->tasks);
	d->tasks = sd->rows.tasks;
	d->taskcap = sd->rows.taskcap;
	sd->rows.tasks = NULL;
	sd->rows.taskcap = 0;
	for (size_t i = 0; i < sd->rows.ntasks; i++) {
		report_task t = d->tasks[i];
		report_lead *l = report_data_lead(d, t.lead_id);

		if (l == NULL)
			continue;
		t.assignee = intern(d, t.assignee);
		t.state = intern(d, t.state);
		if (type_is(t.state, "open")) {
			l->open_tasks++;
			if (!l->next_is_task || t.due_at < l->next_due) {
				l->next_due = t.due_at;
				l->next_is_task = true;
			}
		}
		if (t.attempt && (l->attempt_at == 0 || t.closed_at < l->attempt_at))
			l->attempt_at = t.closed_at;
		d->tasks[k++] = t;
	}
	d->ntasks = k;
	sd->rows.ntasks = 0;
	for (size_t i = 0; i < sd->ntimers; i++) {
		const side_timer *r = &sd->timers[i];
		report_lead *l = report_data_lead(d, r->lead_id);

		if (l == NULL || r->kind == 'f')
			continue;
		if (r->kind == 'e') {
			l->has_escalation = true;
			continue;
		}
		l->has_timer = true;
		if (r->kind == 's' && !l->next_is_task && (l->next_due == 0 || r->due_at < l->next_due))
			l->next_due = r->due_at;
	}
	for (size_t i = 0; i < sd->nacks; i++) {
		report_lead *l = report_data_lead(d, sd->acks[i].lead_id);

		if (l != NULL && (l->ack_at == 0 || sd->acks[i].send_at < l->ack_at))
			l->ack_at = sd->acks[i].send_at;
	}
}

static void
side_free(side *sd)
{
	report_data_free(&sd->rows);
	free(sd->timers);
	free(sd->acks);
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
	side sd = { .business_id = business_id, .now = o->now };
	store *reader = store_report_reader(s);
	pthread_t th;
	bool threaded = false;
	int rc = -1;

	memset(d, 0, sizeof *d);
	d->r = r;
	d->o = *o;
	/* Two connections, two threads: the leads and the timeline here, the
	 * tasks, timers and acknowledgments beside (a report over a million
	 * leads is two thirds reading). Else all of it here, one after the
	 * other. */
	sd.s = reader != NULL ? reader : s;
	if (reader != NULL)
		threaded = pthread_create(&th, NULL, side_run, &sd) == 0;
	if (store_report_leads(s, business_id, on_lead, d) < 0)
		goto storage;
	if (d->oom || build_index(d) < 0)
		goto oom;
	if (store_report_events(s, business_id, on_event, d) < 0)
		goto storage;
	if (threaded) {
		pthread_join(th, NULL);
		threaded = false;
	} else {
		sd.s = s;
		side_run(&sd);
	}
	if (sd.failed) {
		snprintf(err, errlen, "reading the store for the report failed: %s", sd.err);
		goto fail;
	}
	if (d->oom || sd.rows.oom)
		goto oom;
	side_apply(d, &sd);
	if (d->oom)
		goto oom;
	/* A won lead's last stage change is the one that won it: won is a
	 * closed stage, and leaving it would have changed the status. */
	for (size_t i = 0; i < d->n; i++)
		if (d->leads[i].status_code == 'w' &&
		    d->leads[i].stage_at > d->leads[i].created_at)
			d->leads[i].won_at = d->leads[i].stage_at;
	rc = 0;
	goto out;
storage:
	snprintf(err, errlen, "reading the store for the report failed: %s", store_errmsg(s));
	goto fail;
oom:
	snprintf(err, errlen, "out of memory reading %zu leads for the report", d->n);
fail:
	report_data_free(d);
out:
	if (threaded)
		pthread_join(th, NULL);
	side_free(&sd);
	store_close(reader);
	return rc;
}

void
report_data_free(report_data *d)
{
	for (size_t i = 0; i < d->n; i++)
		free((char *)d->leads[i].name);
	for (size_t i = 0; i < d->poolcap; i++)
		free(d->pool[i]);
	free(d->pool);
	free(d->leads);
	free(d->tasks);
	free(d->index);
	memset(d, 0, sizeof *d);
}

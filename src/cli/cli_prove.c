/*
 * cli_prove.c - the rules prover's sandbox (cli_prove.h): the lead classes,
 * one throwaway database, the real flow and scheduler on a virtual clock, and
 * what the store's observer saw of each synthetic lead. The judging is
 * src/prove's; nothing here decides what a gap is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_prove.h"
#include "core/lead.h"
#include "sched/sched.h"

#define MAX_KINDS 32
#define MAX_SOURCES 64
#define MAX_LEADS 9999		/* one synthetic phone number each */
#define MAX_FIRINGS 20000000L

typedef struct {
	prove_obs obs;
	int64_t task_ids[PROVE_MAX_TASKS];
	const char *owner_preset;	/* a form's preset owner, borrowed */
	int64_t id;
} prove_lead;

typedef struct {
	prove_lead *leads;
	size_t n;
	int64_t *case_of_id;	/* lead id -> index + 1; ids are 1, 2, ... */
	size_t nids;
	int pending;		/* the lead being made, -1 none */
} prove_run;

typedef struct {
	const char *source, *kind, *owner;
} source_kind;

static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static prove_lead *
lead_of(prove_run *p, int64_t id)
{
	if (id <= 0)
		return NULL;
	if ((size_t)id <= p->nids && p->case_of_id[id - 1] > 0)
		return &p->leads[p->case_of_id[id - 1] - 1];
	if (p->pending < 0 || (size_t)id > p->nids)
		return NULL;
	p->case_of_id[id - 1] = p->pending + 1;	/* the lead being made */
	p->leads[p->pending].id = id;
	p->pending = -1;
	return &p->leads[p->case_of_id[id - 1] - 1];
}

/* The store's observer: what the engine did to each synthetic lead. */
static void
observe(void *ctx, int64_t lead_id, const action *a, int64_t row, int64_t now)
{
	prove_lead *pl = lead_of(ctx, lead_id);
	prove_obs *o;

	if (pl == NULL)
		return;
	o = &pl->obs;
	switch (a->kind) {
	case ACT_SET_OWNER:
		copy(o->owner, sizeof o->owner, a->person);
		break;
	case ACT_SET_TIMEZONE:
		copy(o->zone, sizeof o->zone, a->name);
		break;
	case ACT_TASK_CREATE:
		if (o->ntasks < PROVE_MAX_TASKS) {
			prove_task *t = &o->tasks[o->ntasks];

			copy(t->verb, sizeof t->verb, a->verb);
			copy(t->person, sizeof t->person, a->person);
			t->made = now;
			t->due = a->at;
			pl->task_ids[o->ntasks++] = row;
		}
		break;
	case ACT_TASK_DUE:
		for (size_t i = 0; i < o->ntasks; i++)
			if (pl->task_ids[i] == a->task_id)
				o->tasks[i].due = a->at;
		break;
	case ACT_OUTBOX:
		if (a->purpose == PURPOSE_NOTIFY || a->person != NULL ||
		    o->ntexts == PROVE_MAX_TEXTS)
			break;
		o->texts[o->ntexts++] = (prove_text){
			.sms = a->channel != NULL && strcmp(a->channel, "sms") == 0,
			.ack = a->purpose == PURPOSE_ACK,
			.followup = a->purpose == PURPOSE_FOLLOWUP,
			.queued = now,
			.at = a->at > now ? a->at : now,
		};
		break;
	case ACT_EVENT:
		if (a->name != NULL && strcmp(a->name, "task.escalated") == 0)
			o->escalations++;
		break;
	default:
		break;
	}
}

static void
add_source(source_kind *out, size_t *n, const char *source, const char *kind, const char *owner)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(out[i].source, source) == 0 && strcmp(out[i].kind, kind) == 0 &&
		    (out[i].owner == owner ||
		     (owner && out[i].owner && strcmp(out[i].owner, owner) == 0)))
			return;
	if (*n < MAX_SOURCES * MAX_KINDS)
		out[(*n)++] = (source_kind){ source, kind, owner };
}

/* As verify does: the built-in doors times every kind the rules route (and
 * new_inquiry), then each form and hook with its own kind. */
static size_t
source_kinds(const rules *r, const settings *st, source_kind *out)
{
	static const char *const doors[] = { "web_form", "phone_call", "sms", "email", "api" };
	const char *kinds[MAX_KINDS] = { "new_inquiry" };
	size_t nkinds = 1, n = 0;

	for (size_t i = 0; i < r->nroutes && nkinds < MAX_KINDS; i++) {
		const char *k = r->routes[i].kind;
		bool seen = k == NULL;

		for (size_t j = 0; j < nkinds && !seen; j++)
			seen = strcmp(kinds[j], k) == 0;
		if (!seen)
			kinds[nkinds++] = k;
	}
	for (size_t d = 0; d < sizeof doors / sizeof doors[0]; d++)
		for (size_t k = 0; k < nkinds; k++)
			add_source(out, &n, doors[d], kinds[k], NULL);
	if (st != NULL && (st->meta_app_secret || st->meta_verify_token))
		for (size_t k = 0; k < nkinds; k++)
			add_source(out, &n, "meta_ads", kinds[k], NULL);
	if (st != NULL && st->google_key)
		for (size_t k = 0; k < nkinds; k++)
			add_source(out, &n, "google_ads", kinds[k], NULL);
	for (size_t i = 0; st != NULL && i < st->nsources && i < MAX_SOURCES; i++) {
		const settings_source *so = &st->sources[i];
		const char *source = so->source ? so->source :
				     strcmp(so->type, "hook") == 0 ? so->key : "web_form";

		add_source(out, &n, source, so->lead_kind ? so->lead_kind : "new_inquiry",
			   so->owner);
	}
	return n;
}

/* What a source can carry: a call or a text has a phone only, an email an
 * address (and maybe a phone in its signature); forms and APIs any. */
static bool
carries(const char *source, prove_channels c)
{
	if (strcmp(source, "phone_call") == 0 || strcmp(source, "sms") == 0)
		return c == PROVE_PHONE_ONLY;
	if (strcmp(source, "email") == 0)
		return c != PROVE_PHONE_ONLY;
	return true;
}

/* Every class, arrival by arrival (so in time order); the order of the
 * sources and channels within one is the order of the examples. */
static int
plan(prove_run *p, const rules *r, const settings *st, int64_t now, char *err, size_t errlen)
{
	source_kind *sk = calloc(MAX_SOURCES * MAX_KINDS, sizeof *sk);
	prove_arrival arr[PROVE_MAX_ARRIVALS];
	size_t nsk, narr = prove_arrivals(r, now, arr, PROVE_MAX_ARRIVALS);

	if (sk == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	nsk = source_kinds(r, st, sk);
	p->leads = calloc(narr * nsk * PROVE_NCHANNELS + 1, sizeof *p->leads);
	if (p->leads == NULL) {
		free(sk);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t a = 0; a < narr; a++)
		for (size_t i = 0; i < nsk; i++)
			for (int c = 0; c < PROVE_NCHANNELS; c++) {
				prove_lead *pl;

				if (!carries(sk[i].source, (prove_channels)c))
					continue;
				if (p->n == MAX_LEADS) {
					free(sk);
					snprintf(err, errlen, "more than %d lead classes to prove",
						 MAX_LEADS);
					return -1;
				}
				pl = &p->leads[p->n++];
				pl->obs.source = sk[i].source;
				pl->obs.kind = sk[i].kind;
				pl->owner_preset = sk[i].owner;
				pl->obs.channels = (prove_channels)c;
				pl->obs.cls = arr[a].cls;
				pl->obs.arrived = arr[a].at;
			}
	free(sk);
	p->nids = p->n;
	if ((p->case_of_id = calloc(p->nids + 1, sizeof *p->case_of_id)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* A synthetic number near the business's own (its zone, its country), or a
 * fictional Chicago one. */
static void
phone_for(const rules *r, size_t i, char *buf, size_t len)
{
	const char *bp = r->business.phone;
	size_t n = bp ? strlen(bp) : 0;

	if (n >= 10 && bp[0] == '+')
		snprintf(buf, len, "%.*s9%04zu", (int)(n - 5), bp, i);
	else
		snprintf(buf, len, "+1312559%04zu", i);
}

static int
inject(prove_run *p, store *s, int64_t bid, const rules *r, size_t i, char *err, size_t errlen)
{
	prove_lead *pl = &p->leads[i];
	bool phone = pl->obs.channels != PROVE_EMAIL_ONLY;
	bool email = pl->obs.channels != PROVE_PHONE_ONLY;
	char ph[40], em[48], name[40];
	intake_lead il = {
		.name = name, .phone = phone ? ph : NULL, .email = email ? em : NULL,
		.source = pl->obs.source, .kind = pl->obs.kind, .owner = pl->owner_preset,
		.message = "A synthetic lead of leadkeep rules check",
	};
	flow_out res;

	phone_for(r, i, ph, sizeof ph);
	snprintf(em, sizeof em, "prove%zu@example.com", i);
	snprintf(name, sizeof name, "Prove Lead %zu", i + 1);
	p->pending = (int)i;
	if (store_begin(s) < 0 ||
	    flow_intake(s, bid, r, &il, pl->obs.arrived, &res, err, errlen) != FLOW_OK ||
	    store_commit(s) < 0) {
		store_rollback(s);
		if (err[0] == '\0')
			snprintf(err, errlen, "%s", store_errmsg(s));
		return -1;
	}
	p->pending = -1;
	return 0;
}

/* Where each lead ended: status, owner, open tasks, a step still waiting. */
static int
read_back(prove_run *p, store *s, int64_t bid, const rules *r, int64_t now, char *err,
	  size_t errlen)
{
	for (size_t i = 0; i < p->n; i++) {
		prove_obs *o = &p->leads[i].obs;
		store_lead_state *ls;
		const lead_state *st;
		store_timer t;
		int rc;

		if (p->leads[i].id <= 0)
			continue;	/* merged into another (never with distinct contacts) */
		if (store_lead_state_load(s, bid, p->leads[i].id, now, r->touch_window, &ls, err,
					  errlen) != 1)
			return -1;
		st = store_lead_state_get(ls);
		copy(o->status, sizeof o->status, st->lead.status);
		copy(o->owner, sizeof o->owner, st->lead.owner);
		o->open_tasks = (int)st->ntasks;
		store_lead_state_free(ls);
		if ((rc = store_lead_pending_step(s, p->leads[i].id, &t)) < 0) {
			snprintf(err, errlen, "%s", store_errmsg(s));
			return -1;
		}
		o->pending = rc == 1;
	}
	return 0;
}

/* How long a plan can run with nobody acting: its longest sequence twice
 * (the first plan, then the one it comes back to), the way back from cold,
 * the last escalation and a month to spare. */
static int64_t
plan_span(const rules *r)
{
	int64_t at = 0, esc = 0;

	for (size_t i = 0; i < r->nsequences; i++)
		for (size_t j = 0; j < r->sequences[i].nsteps; j++)
			if (r->sequences[i].steps[j].at > at)
				at = r->sequences[i].steps[j].at;
	for (size_t i = 0; i < r->nescalations; i++)
		if (r->escalations[i].overdue > esc)
			esc = r->escalations[i].overdue;
	return 2 * at + r->cold.reactivate_after + r->unanswered.after + esc + 30 * 86400;
}

static int
sandbox(prove_run *p, store *s, const rules *r, int64_t now, char *err, size_t errlen)
{
	int64_t bid, clock = now, until = now;
	long firings = 0;

	if (store_begin(s) < 0 || (bid = store_business_sync(s, r, err, errlen)) < 0 ||
	    store_rules_activate(s, bid, r->version, r->text, "rules check", now, NULL, 0) < 0 ||
	    store_commit(s) < 0) {
		store_rollback(s);
		return -1;
	}
	store_set_observer(s, observe, p);
	for (size_t i = 0; i < p->n; i++) {
		int64_t at = p->leads[i].obs.arrived;

		/* Leads of one arrival are made together; the ones before it have
		 * lived until then. */
		if (at > clock && sched_run_until(s, r, bid, &clock, at, &firings,
						  MAX_FIRINGS) < 0)
			goto never_settled;
		if (inject(p, s, bid, r, i, err, errlen) < 0)
			return -1;
		until = at;
	}
	until += plan_span(r);
	if (sched_run_until(s, r, bid, &clock, until, &firings, MAX_FIRINGS) < 0)
		goto never_settled;
	store_set_observer(s, NULL, NULL);
	return read_back(p, s, bid, r, until, err, errlen);
never_settled:
	store_set_observer(s, NULL, NULL);
	snprintf(err, errlen, "the scheduler failed or never settled");
	return -1;
}

int
cli_prove_run(const rules *r, const settings *st, int64_t now, prove_report *rep, char *err,
	      size_t errlen)
{
	char dir[] = "/tmp/leadkeep-prove.XXXXXX", path[64];
	prove_run p = { .pending = -1 };
	store *s = NULL;
	int rc = -1;

	memset(rep, 0, sizeof *rep);
	err[0] = '\0';
	if (plan(&p, r, st, now, err, errlen) < 0)
		goto out;
	if (mkdtemp(dir) == NULL) {
		snprintf(err, errlen, "cannot create the throwaway database");
		goto out;
	}
	if ((s = store_open(dir, err, errlen)) == NULL)
		goto clean;
	store_set_throwaway(s);
	if (sandbox(&p, s, r, now, err, errlen) < 0) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s", store_errmsg(s));
		goto clean;
	}
	/* The examples: the earliest class first (business hours before
	 * weekends), and within one the sources and channels in order. */
	for (int c = 0; c < PROVE_NCLASSES; c++)
		for (size_t i = 0; i < p.n; i++)
			if (p.leads[i].obs.cls == (prove_class)c && p.leads[i].id > 0)
				prove_add(rep, r, &p.leads[i].obs);
	rc = 0;
clean:
	store_close(s);
	for (const char *suffix = "/leadkeep.db\0/leadkeep.db-wal\0/leadkeep.db-shm\0";
	     *suffix; suffix += strlen(suffix) + 1) {
		snprintf(path, sizeof path, "%s%s", dir, suffix);
		unlink(path);
	}
	rmdir(dir);
out:
	free(p.leads);
	free(p.case_of_id);
	return rc;
}

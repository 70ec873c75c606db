/*
 * cmd_replay.c - `leadkeep replay`: rehearse new rules on the business's real
 * history.
 *
 * The real database is only read, from a copy (store_backup into a
 * throwaway directory): the leads that arrived in the period and what
 * people, the leads and delivery did to them (src/replay reads the
 * timeline back into outside events). Those events then run twice, each
 * time in a fresh sandbox store through the flow and the real engine on the
 * virtual clock of simulate (sched_run_until): under the rules the history
 * ran (the version the database records as active, or --was FILE) and under
 * the new rules. src/replay compares what each run did to each lead.
 * Comparing two runs, not the new run with the rows, keeps what the rules
 * did apart from what the server did (a timer that fired late while it was
 * down); how close the old-rules run comes to the rows is reported too.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/tz.h"
#include "replay/replay.h"
#include "sched/sched.h"
#include "store/store_business.h"
#include "store/store_read.h"

static const char replay_help[] =
	"Usage: leadkeep replay --rules NEW [--since 30d] [--was FILE] [--json]\n"
	"\n"
	"Rehearses the rules file NEW on the business's real history: the leads that\n"
	"arrived in the period (--since: Nd, Nh or Nw back from now; default 30d) and\n"
	"what really happened to them from outside - the leads' replies and opt-outs,\n"
	"calls, visits, notes, stage and owner changes and tasks done by staff - run\n"
	"again in a sandbox (throwaway databases, the real engine, a virtual clock),\n"
	"once under the rules the history ran (the version the database records as\n"
	"active, or --was FILE) and once under NEW. Prints per lead and in total what\n"
	"NEW changes: the owner, the messages sent (channel, time), the response\n"
	"windows missed, the automated touches, the leads that go cold. The database\n"
	"is never changed: a data directory is read from a copy, a PostgreSQL\n"
	"database where it is, by reads only. --business: that business's history.\n"
	"Exit codes: 0 done (whatever differs), 1 the sandbox failed, 2 usage error,\n"
	"3 bad rules (FILE:LINE:COL).\n"
	"Details: docs/reports.md, \"Rehearsal: leadkeep replay\".\n"
	"\n" CLI_COMMON_HELP;

static const struct option replay_options[] = {
	{ "since", required_argument, NULL, 's' },
	{ "was", required_argument, NULL, 'w' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

#define MAX_FIRINGS 50000000L
#define MAX_INPUTS_PER_LEAD 200
#define PAGE 500

/* A real lead: its arrival fields, and what the rows and each run say. */
typedef struct {
	int64_t id;
	char *name, *phone, *email, *source, *kind, *service, *message, *neighbourhood;
	char *custom;		/* JSON object of strings, NULL none */
	int64_t created_at;
	replay_lead real, side[2];
	int64_t sid[2];		/* its id in each sandbox, 0 none */
} rlead;

typedef struct {
	rlead *leads;		/* by id, ascending */
	size_t n, cap;
	replay_input *in;
	size_t nin, cap_in;
	replay_skipped left_out;	/* timeline entries no input is made of */
	replay_skipped refused[2];	/* inputs a run's rules refused */
	int64_t from, to;
	const rules *was;	/* for names in the timeline */
} replay_run;

static char *
sdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* --- reading the history ------------------------------------------------ */

static void
got_id(void *ctx, const store_lead_row *r)
{
	replay_run *run = ctx;
	rlead *l;

	if (run->n == run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 256;
		rlead *m = realloc(run->leads, cap * sizeof *m);

		if (m == NULL)
			return;
		run->leads = m;
		run->cap = cap;
	}
	l = &run->leads[run->n++];
	memset(l, 0, sizeof *l);
	l->id = r->id;
}

/* One lead's rows, copied while the store hands them over. */
typedef struct {
	rlead *l;
	int64_t end;
	replay_row *rows;
	size_t nrows, caprows;
	replay_task_row *tasks;
	size_t ntasks, captasks;
	bool oom;
} lead_rows;

static void
got_lead(void *ctx, const store_lead_row *r)
{
	lead_rows *lr = ctx;
	rlead *l = lr->l;

	if (l == NULL)
		return;
	l->name = sdup(r->name);
	l->phone = sdup(r->phone);
	l->email = sdup(r->email);
	l->source = sdup(r->source);
	l->kind = sdup(r->kind);
	l->service = sdup(r->service);
	l->message = sdup(r->message);
	l->neighbourhood = sdup(r->neighbourhood);
	l->custom = sdup(r->custom);
	l->created_at = r->created_at;
}

/* Fills a summary from any store's rows: the real one or a sandbox. */
static void
sum_lead(void *ctx, const store_lead_row *r)
{
	replay_lead *s = ctx;

	s->id = r->id;
	copy_str(s->owner, sizeof s->owner, r->owner);
	copy_str(s->name, sizeof s->name, r->name);
	copy_str(s->source, sizeof s->source, r->source);
	copy_str(s->kind, sizeof s->kind, r->kind);
	s->arrived = r->created_at;
}

typedef struct {
	replay_lead *s;
	int64_t end;
	lead_rows *rows;	/* the real lead's: also keep the rows */
} summing;

static void
sum_task(void *ctx, const store_task_row *r)
{
	summing *sm = ctx;

	replay_lead_task(sm->s, r->verb, r->assignee, r->state, r->created_at, r->due_at,
			 r->closed_at, sm->end);
	if (sm->rows) {
		lead_rows *lr = sm->rows;

		if (lr->ntasks == lr->captasks) {
			size_t cap = lr->captasks ? lr->captasks * 2 : 16;
			replay_task_row *m = realloc(lr->tasks, cap * sizeof *m);

			if (m == NULL) {
				lr->oom = true;
				return;
			}
			lr->tasks = m;
			lr->captasks = cap;
		}
		lr->tasks[lr->ntasks++] = (replay_task_row){ sdup(r->verb), sdup(r->state),
							     sdup(r->outcome), r->closed_at };
	}
}

static void
sum_message(void *ctx, const store_message_row *r)
{
	summing *sm = ctx;

	if (r->state && strcmp(r->state, "cancelled") == 0)
		return;		/* never went out */
	replay_lead_message(sm->s, r->channel, r->purpose, r->person, r->send_at, sm->end);
}

static void
sum_event(void *ctx, const store_event_row *r)
{
	summing *sm = ctx;

	if (r->at <= sm->end && sm->s->cold_at == 0 && r->type &&
	    strcmp(r->type, "lead.cold") == 0)
		sm->s->cold_at = r->at;
	if (sm->rows) {
		lead_rows *lr = sm->rows;

		if (lr->nrows == lr->caprows) {
			size_t cap = lr->caprows ? lr->caprows * 2 : 32;
			replay_row *m = realloc(lr->rows, cap * sizeof *m);

			if (m == NULL) {
				lr->oom = true;
				return;
			}
			lr->rows = m;
			lr->caprows = cap;
		}
		lr->rows[lr->nrows++] = (replay_row){ r->at, sdup(r->type), sdup(r->actor),
						      sdup(r->text) };
	}
}

static void
sum_lead_real(void *ctx, const store_lead_row *r)
{
	summing *sm = ctx;

	sum_lead(sm->s, r);
	got_lead(sm->rows, r);
}

static void
sum_lead_any(void *ctx, const store_lead_row *r)
{
	sum_lead(((summing *)ctx)->s, r);
}

static void
rows_free(lead_rows *lr)
{
	for (size_t i = 0; i < lr->nrows; i++) {
		free((char *)lr->rows[i].type);
		free((char *)lr->rows[i].actor);
		free((char *)lr->rows[i].text);
	}
	for (size_t i = 0; i < lr->ntasks; i++) {
		free((char *)lr->tasks[i].verb);
		free((char *)lr->tasks[i].state);
		free((char *)lr->tasks[i].outcome);
	}
	free(lr->rows);
	free(lr->tasks);
}

static int
add_inputs(replay_run *run, const replay_input *in, size_t n)
{
	if (run->nin + n > run->cap_in) {
		size_t cap = run->cap_in ? run->cap_in : 1024;
		replay_input *m;

		while (cap < run->nin + n)
			cap *= 2;
		if ((m = realloc(run->in, cap * sizeof *m)) == NULL)
			return -1;
		run->in = m;
		run->cap_in = cap;
	}
	memcpy(run->in + run->nin, in, n * sizeof *in);
	for (size_t i = 0; i < n; i++)
		run->in[run->nin + i].seq = run->nin + i;
	run->nin += n;
	return 0;
}

/* Reads lead l of the history: its fields, its summary, its inputs. */
static int
read_lead(replay_run *run, store *h, int64_t bid, rlead *l, replay_input *buf, char *err,
	  size_t errlen)
{
	lead_rows lr = { .l = l };
	summing sm = { .s = &l->real, .end = run->to, .rows = &lr };
	store_lead_visitor v = { .lead = sum_lead_real, .task = sum_task,
				 .message = sum_message, .event = sum_event };
	size_t n;
	int rc;

	if ((rc = store_lead_read(h, bid, l->id, &v, &sm)) != 1 || lr.oom) {
		rows_free(&lr);
		snprintf(err, errlen, "reading lead %lld of the history failed",
			 (long long)l->id);
		return -1;
	}
	buf[0] = (replay_input){ .lead = l->id, .at = l->created_at, .what = REPLAY_ARRIVAL,
				 .amount_cents = -1 };
	n = 1 + replay_read_timeline(l->id, lr.rows, lr.nrows, lr.tasks, lr.ntasks, run->was,
				     buf + 1, MAX_INPUTS_PER_LEAD - 1, &run->left_out);
	rows_free(&lr);
	/* Only what happened in the period runs. */
	for (size_t i = 0; i < n; i++)
		if (buf[i].at > run->to)
			n = i;
	return add_inputs(run, buf, n);
}

static int
by_id(const void *a, const void *b)
{
	const rlead *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int
read_history(replay_run *run, store *h, int64_t bid, char *err, size_t errlen)
{
	store_lead_filter f = { .created_from = run->from, .created_to = run->to + 1,
				.limit = PAGE };
	replay_input *buf = malloc(MAX_INPUTS_PER_LEAD * sizeof *buf);
	int got;

	if (buf == NULL)
		return -1;
	do {
		size_t before = run->n;

		if ((got = store_leads_read(h, bid, &f, got_id, run)) < 0 ||
		    run->n - before != (size_t)got) {
			snprintf(err, errlen, "reading the leads of the history failed");
			free(buf);
			return -1;
		}
		if (got > 0)
			f.after_id = run->leads[run->n - 1].id;
	} while (got == PAGE);
	qsort(run->leads, run->n, sizeof *run->leads, by_id);
	for (size_t i = 0; i < run->n; i++)
		if (read_lead(run, h, bid, &run->leads[i], buf, err, errlen) < 0) {
			free(buf);
			return -1;
		}
	free(buf);
	replay_inputs_sort(run->in, run->nin);
	return 0;
}

/* --- one run in a sandbox ----------------------------------------------- */

static rlead *
lead_of(replay_run *run, int64_t id)
{
	rlead key = { .id = id };

	return bsearch(&key, run->leads, run->n, sizeof *run->leads, by_id);
}

/* The lead's custom fields (parsed from its JSON) into c (at most max);
 * *doc keeps the strings. */
static size_t
customs(const rlead *l, json_t **doc, lead_custom *c, size_t max)
{
	const char *k;
	json_t *v;
	size_t n = 0;

	*doc = l->custom ? json_loads(l->custom, 0, NULL) : NULL;
	json_object_foreach(*doc, k, v) {
		if (n < max && json_is_string(v))
			c[n++] = (lead_custom){ k, json_string_value(v) };
	}
	return n;
}

static flow_result
apply_intake(store *s, int64_t bid, const rules *r, rlead *l, const replay_input *in, int side,
	     char *err, size_t errlen)
{
	lead_custom c[64];
	json_t *doc;
	intake_lead il = {
		.name = l->name, .phone = l->phone, .email = l->email, .source = l->source,
		.kind = l->kind, .service = l->service, .neighbourhood = l->neighbourhood,
		.message = in->what == REPLAY_AGAIN ? (in->text[0] ? in->text : NULL) : l->message,
	};
	flow_out res = { 0 };
	flow_result rc;

	il.ncustom = customs(l, &doc, c, sizeof c / sizeof c[0]);
	il.custom = il.ncustom ? c : NULL;
	rc = flow_intake(s, bid, r, &il, in->at, &res, err, errlen);
	if (rc == FLOW_OK && in->what == REPLAY_ARRIVAL)
		l->sid[side] = res.lead_id;
	json_decref(doc);
	return rc;
}

static flow_result
apply_input(store *s, int64_t bid, const rules *r, rlead *l, const replay_input *in, int side,
	    char *err, size_t errlen)
{
	lead_event ev;
	int64_t task;

	if (in->what == REPLAY_ARRIVAL || in->what == REPLAY_AGAIN)
		return apply_intake(s, bid, r, l, in, side, err, errlen);
	if (l->sid[side] <= 0)
		return FLOW_NOT_FOUND;
	ev = replay_input_event(in);
	if (in->what != REPLAY_TASK_DONE)
		return flow_event(s, bid, r, l->sid[side], &ev, in->at, NULL, err, errlen);
	/* The same kind of task, else whatever the lead has open then. */
	if ((task = store_task_oldest_open(s, l->sid[side], in->verb)) <= 0 &&
	    (task = store_task_oldest_open(s, l->sid[side], NULL)) <= 0)
		return FLOW_NOT_FOUND;
	return flow_task_done(s, bid, r, task, &ev, in->at, NULL, err, errlen);
}

static int
collect(replay_run *run, store *s, int64_t bid, int side)
{
	for (size_t i = 0; i < run->n; i++) {
		rlead *l = &run->leads[i];
		summing sm = { .s = &l->side[side], .end = run->to };
		store_lead_visitor v = { .lead = sum_lead_any, .task = sum_task,
					 .message = sum_message, .event = sum_event };

		if (l->sid[side] <= 0)
			continue;
		if (store_lead_read(s, bid, l->sid[side], &v, &sm) < 0)
			return -1;
		/* Named as the real lead, whatever the sandbox numbered it. */
		l->side[side].id = l->id;
	}
	return 0;
}

static void
remove_db(const char *dir)
{
	char path[128];

	for (const char *suffix = "/leadkeep.db\0/leadkeep.db-wal\0/leadkeep.db-shm\0";
	     *suffix; suffix += strlen(suffix) + 1) {
		snprintf(path, sizeof path, "%s%s", dir, suffix);
		unlink(path);
	}
	rmdir(dir);
}

static int
run_side(replay_run *run, const rules *r, int side, char *err, size_t errlen)
{
	char dir[] = "/tmp/leadkeep-replay.XXXXXX";
	int64_t clock = run->from, bid;
	long firings = 0;
	store *s;
	int rc = -1;

	if (mkdtemp(dir) == NULL || (s = store_open(dir, err, errlen)) == NULL) {
		snprintf(err, errlen, "cannot create the sandbox database");
		return -1;
	}
	store_set_throwaway(s);
	if (store_begin(s) < 0 || (bid = store_business_sync(s, r, err, errlen)) < 0 ||
	    store_rules_activate(s, bid, r->version, r->text, "replay", run->from, NULL, 0) < 0 ||
	    store_commit(s) < 0) {
		store_rollback(s);
		goto out;
	}
	for (size_t i = 0; i < run->nin; i++) {
		const replay_input *in = &run->in[i];
		rlead *l = lead_of(run, in->lead);
		char why[256] = "";

		if (sched_run_until(s, r, bid, &clock, in->at, &firings, MAX_FIRINGS) < 0) {
			snprintf(err, errlen, "the scheduler failed or never settled");
			goto out;
		}
		if (store_begin(s) < 0)
			goto out;
		if (l == NULL || apply_input(s, bid, r, l, in, side, why, sizeof why) != FLOW_OK ||
		    store_commit(s) < 0) {
			store_rollback(s);
			replay_skip(&run->refused[side], replay_what_name(in->what));
		}
	}
	if (sched_run_until(s, r, bid, &clock, run->to, &firings, MAX_FIRINGS) < 0) {
		snprintf(err, errlen, "the scheduler failed or never settled");
		goto out;
	}
	if (collect(run, s, bid, side) < 0) {
		snprintf(err, errlen, "reading the sandbox back failed");
		goto out;
	}
	rc = 0;
out:
	store_close(s);
	remove_db(dir);
	return rc;
}

/* The two runs at once, each on its own thread and store: they share only
 * what they read (the inputs, the leads) and write their own side's fields. */
typedef struct {
	replay_run *run;
	const rules *r;
	int side, rc;
	char err[512];
} side_job;

static void *
side_thread(void *arg)
{
	side_job *j = arg;

	j->rc = run_side(j->run, j->r, j->side, j->err, sizeof j->err);
	return NULL;
}

static int
run_sides(replay_run *run, const rules *was, const rules *now, char *err, size_t errlen)
{
	side_job jobs[2] = { { run, was, 0, -1, "" }, { run, now, 1, -1, "" } };
	pthread_t t;
	bool threaded = pthread_create(&t, NULL, side_thread, &jobs[1]) == 0;

	side_thread(&jobs[0]);
	if (threaded)
		pthread_join(t, NULL);
	else
		side_thread(&jobs[1]);
	for (int i = 0; i < 2; i++)
		if (jobs[i].rc < 0) {
			snprintf(err, errlen, "%s", jobs[i].err);
			return -1;
		}
	return 0;
}

/* --- the history's copy and its rules ------------------------------------ */

/* The history to read. A data directory: its database copied into dir
 * (store_backup: a consistent snapshot that takes no write lock) and the copy
 * opened. A PostgreSQL database: opened where it is, for reads only (what
 * happened after the replay's end is cut from each lead's inputs). */
static store *
open_history(const char *data, const char *dir, char *err, size_t errlen)
{
	char path[4096];
	store *real, *copy;

	if (store_is_address(data))
		return store_open(data, err, errlen);
	if (access(data, F_OK) != 0) {
		snprintf(err, errlen, "no data directory %s", data);
		return NULL;
	}
	snprintf(path, sizeof path, "%s/leadkeep.db", data);
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "no database in %s", data);
		return NULL;
	}
	if ((real = store_open(data, err, errlen)) == NULL)
		return NULL;
	snprintf(path, sizeof path, "%s/leadkeep.db", dir);
	if (store_backup(real, path, err, errlen) < 0) {
		store_close(real);
		return NULL;
	}
	store_close(real);
	if ((copy = store_open(dir, err, errlen)) != NULL)
		store_set_throwaway(copy);
	return copy;
}

static void
found_business(void *ctx, const store_business_row *r)
{
	*(int64_t *)ctx = r->id;
}

/* The id of the business whose history is replayed (--business), read only. */
static int64_t
history_business(store *h, const char *slug, char *err, size_t errlen)
{
	int64_t id = -1;
	int n = store_businesses_read(h, slug, found_business, &id);

	if (n < 0)
		snprintf(err, errlen, "reading the businesses: %s", store_errmsg(h));
	else if (n == 0)
		snprintf(err, errlen, "the database has no history of the business %s", slug);
	return n == 1 ? id : -1;
}

/* The rules the history ran: --was FILE, else the version the copy records
 * as active. */
static rules *
history_rules(store *h, int64_t bid, const char *was_path, char *err, size_t errlen)
{
	rules_diags d = { 0 };
	char hash[128];
	char *text = NULL;
	rules *r;

	if (was_path != NULL) {
		r = rules_load_file(was_path, &d);
		if (r == NULL)
			rules_diags_print(&d, stderr);
		rules_diags_free(&d);
		if (r == NULL)
			snprintf(err, errlen, "--was %s: the rules have errors", was_path);
		return r;
	}
	if (store_rules_active(h, bid, hash, sizeof hash, NULL, NULL, 0) != 1 ||
	    store_rules_text(h, bid, hash, &text) != 1) {
		snprintf(err, errlen, "the database records no rules version in use: "
			 "give the rules the history ran with --was FILE");
		return NULL;
	}
	r = rules_load_string(text, strlen(text), "(the rules in use)", &d);
	if (r == NULL) {
		rules_diags_print(&d, stderr);
		snprintf(err, errlen, "the rules in use cannot be read: give --was FILE");
	}
	rules_diags_free(&d);
	free(text);
	return r;
}

/* --- printing ------------------------------------------------------------ */

static void
local(const rules *r, int64_t t, char *buf, size_t len)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	tz_local lt;

	tz_to_local(r->business.zone, t, &lt);
	snprintf(buf, len, "%s %d %02d:%02d", mon[(lt.month - 1) % 12], lt.day, lt.hour, lt.min);
}

static json_t *
utc(int64_t t)
{
	int y, mo, d;
	char buf[32];
	int64_t days = tz_floor_div(t, 86400), rem = t - days * 86400;

	if (t == 0)
		return json_null();
	tz_civil_from_days(days, &y, &mo, &d);
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, (int)(rem / 3600),
		 (int)(rem / 60 % 60), (int)(rem % 60));
	return json_string(buf);
}

static json_t *
msg_json(const replay_msg *m)
{
	return json_pack("{s:s,s:s,s:o}", "channel", m->channel, "purpose", m->purpose, "at",
			 utc(m->at));
}

static json_t *
window_json(const replay_window *w)
{
	return json_pack("{s:s,s:s,s:o,s:o}", "verb", w->verb, "person", w->person, "due",
			 utc(w->due), "closed", utc(w->closed));
}

static json_t *
side_json(const replay_lead *l)
{
	json_t *msgs = json_array(), *missed = json_array();

	for (size_t i = 0; i < l->nmsgs; i++)
		json_array_append_new(msgs, msg_json(&l->msgs[i]));
	for (size_t i = 0; i < l->nmissed; i++)
		json_array_append_new(missed, window_json(&l->missed[i]));
	return json_pack("{s:s?,s:i,s:i,s:i,s:i,s:o,s:o,s:o}", "owner",
			 l->owner[0] ? l->owner : NULL, "touches", l->touches, "notifications",
			 l->notifications, "tasks", l->tasks, "windows_missed", l->windows_missed,
			 "cold_at", utc(l->cold_at), "messages", msgs, "missed", missed);
}

static json_t *
diff_json(const replay_diff *d)
{
	json_t *added = json_array(), *removed = json_array(), *moved = json_array();
	json_t *nm = json_array(), *met = json_array();

	for (size_t i = 0; i < d->nadded; i++)
		json_array_append_new(added, msg_json(&d->added[i]));
	for (size_t i = 0; i < d->nremoved; i++)
		json_array_append_new(removed, msg_json(&d->removed[i]));
	for (size_t i = 0; i < d->nmoved; i++)
		json_array_append_new(moved, json_pack("{s:o,s:o}", "from",
						       msg_json(&d->moved[i].from), "to",
						       msg_json(&d->moved[i].to)));
	for (size_t i = 0; i < d->nnow_missed; i++)
		json_array_append_new(nm, window_json(&d->now_missed[i]));
	for (size_t i = 0; i < d->nnow_met; i++)
		json_array_append_new(met, window_json(&d->now_met[i]));
	return json_pack("{s:b,s:o,s:o,s:o,s:o,s:o,s:i,s:b}", "owner_changed", d->owner_changed,
			 "messages_added", added, "messages_removed", removed, "messages_moved",
			 moved, "windows_now_missed", nm, "windows_now_met", met,
			 "touches_delta", d->touches_delta, "cold_changed", d->cold_changed);
}

static json_t *
skipped_json(const replay_skipped *sk)
{
	json_t *o = json_object();

	for (size_t i = 0; i < sk->n; i++)
		json_object_set_new(o, sk->type[i], json_integer(sk->count[i]));
	if (sk->other)
		json_object_set_new(o, "(other)", json_integer(sk->other));
	return o;
}

static void
print_skipped(const char *what, const replay_skipped *sk)
{
	if (sk->n == 0 && sk->other == 0)
		return;
	printf("%s:", what);
	for (size_t i = 0; i < sk->n; i++)
		printf("%s %s %ld", i ? "," : "", sk->type[i], sk->count[i]);
	if (sk->other)
		printf(", other %ld", sk->other);
	printf("\n");
}

static void
print_msgs(const rules *r, const char *sign, const replay_msg *m, size_t n)
{
	char t[32];

	for (size_t i = 0; i < n; i++) {
		local(r, m[i].at, t, sizeof t);
		printf("      %s %s %s %s\n", sign, m[i].channel, m[i].purpose, t);
	}
}

static void
print_windows(const rules *r, const char *what, const replay_window *w, size_t n)
{
	char t[32];

	for (size_t i = 0; i < n; i++) {
		local(r, w[i].due, t, sizeof t);
		printf("      %s: %s by %s due %s\n", what, w[i].verb, w[i].person[0] ? w[i].person :
		       "nobody", t);
	}
}

static void
print_text(const replay_run *run, const rules *r, const replay_diff *diffs,
	   const replay_totals *t, const char *was_name, const char *new_name)
{
	char from[32], to[32], c[32];
	bool head = false;

	local(r, run->from, from, sizeof from);
	local(r, run->to, to, sizeof to);
	printf("Replay of %zu leads from %s to %s: %s (was) against %s (new)\n\n", run->n, from,
	       to, was_name, new_name);
	for (size_t i = 0; i < run->n; i++) {
		const rlead *l = &run->leads[i];
		const replay_lead *w = &l->side[0], *n = &l->side[1];
		const replay_diff *d = &diffs[i];
		char owner[80], touches[24], missed[24], cold[24];

		if (!d->any)
			continue;
		if (!head)
			printf("%-6s %-20s %-10s %-22s %-8s %-8s %s\n", "LEAD", "NAME", "SOURCE",
			       "OWNER", "TOUCHES", "MISSED", "COLD");
		head = true;
		snprintf(owner, sizeof owner, d->owner_changed ? "%s -> %s" : "%s",
			 w->owner[0] ? w->owner : "-", n->owner[0] ? n->owner : "-");
		snprintf(touches, sizeof touches, "%d -> %d", w->touches, n->touches);
		snprintf(missed, sizeof missed, "%d -> %d", w->windows_missed, n->windows_missed);
		snprintf(cold, sizeof cold, "%s -> %s", w->cold_at ? "yes" : "no",
			 n->cold_at ? "yes" : "no");
		printf("%-6lld %-20.20s %-10.10s %-22s %-8s %-8s %s\n", (long long)l->id,
		       l->name ? l->name : "-", l->source ? l->source : "-", owner, touches,
		       missed, cold);
		print_msgs(r, "+", d->added, d->nadded);
		print_msgs(r, "-", d->removed, d->nremoved);
		for (size_t k = 0; k < d->nmoved; k++) {
			char a[32], b[32];

			local(r, d->moved[k].from.at, a, sizeof a);
			local(r, d->moved[k].to.at, b, sizeof b);
			printf("      ~ %s %s %s -> %s\n", d->moved[k].to.channel,
			       d->moved[k].to.purpose, a, b);
		}
		print_windows(r, "now missed", d->now_missed, d->nnow_missed);
		print_windows(r, "now met", d->now_met, d->nnow_met);
		if (d->cold_changed && n->cold_at) {
			local(r, n->cold_at, c, sizeof c);
			printf("      goes cold %s\n", c);
		}
	}
	if (!head)
		printf("No lead would have been handled differently.\n");
	printf("\n%ld of %ld leads handled differently, %ld with another owner\n", t->changed,
	       t->leads, t->owners_changed);
	printf("%-24s %8s %8s\n", "TOTAL", "WAS", "NEW");
	printf("%-24s %8ld %8ld\n", "automated touches", t->touches_was, t->touches_now);
	printf("%-24s %8ld %8ld\n", "staff notifications", t->notifications_was,
	       t->notifications_now);
	printf("%-24s %8ld %8ld\n", "tasks", t->tasks_was, t->tasks_now);
	printf("%-24s %8ld %8ld\n", "windows missed", t->missed_was, t->missed_now);
	printf("%-24s %8ld %8ld\n", "leads gone cold", t->cold_was, t->cold_now);
	printf("messages: %ld added, %ld removed, %ld moved\n", t->msgs_added, t->msgs_removed,
	       t->msgs_moved);
	printf("the was-run matches the database: owner %ld of %ld leads, touches %ld of %ld\n",
	       t->real_owner_same, t->leads, t->real_touches_same, t->leads);
	print_skipped("not replayed (not read from the timeline)", &run->left_out);
	print_skipped("refused under the was rules", &run->refused[0]);
	print_skipped("refused under the new rules", &run->refused[1]);
}

static void
print_json(const replay_run *run, const replay_diff *diffs, const replay_totals *t,
	   const char *was_version, const char *new_version)
{
	json_t *leads = json_array(), *doc;

	for (size_t i = 0; i < run->n; i++) {
		const rlead *l = &run->leads[i];

		json_array_append_new(leads, json_pack(
			"{s:I,s:s?,s:s?,s:s?,s:o,s:b,s:o,s:o,s:o,s:o}", "id", (json_int_t)l->id,
			"name", l->name, "source", l->source, "kind", l->kind, "arrived",
			utc(l->created_at), "changed", diffs[i].any, "real",
			side_json(&l->real), "was", side_json(&l->side[0]), "new",
			side_json(&l->side[1]), "changes", diff_json(&diffs[i])));
	}
	doc = json_pack("{s:{s:o,s:o},s:{s:s,s:s},s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
			"s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:o,s:{s:o,s:o}}",
			"period", "from", utc(run->from), "to", utc(run->to),
			"rules", "was", was_version, "new", new_version,
			"leads", leads,
			"totals",
			"leads", (json_int_t)t->leads, "changed", (json_int_t)t->changed,
			"owners_changed", (json_int_t)t->owners_changed,
			"touches_was", (json_int_t)t->touches_was,
			"touches_new", (json_int_t)t->touches_now,
			"notifications_was", (json_int_t)t->notifications_was,
			"notifications_new", (json_int_t)t->notifications_now,
			"tasks_was", (json_int_t)t->tasks_was, "tasks_new", (json_int_t)t->tasks_now,
			"windows_missed_was", (json_int_t)t->missed_was,
			"windows_missed_new", (json_int_t)t->missed_now,
			"cold_was", (json_int_t)t->cold_was, "cold_new", (json_int_t)t->cold_now,
			"messages_added", (json_int_t)t->msgs_added,
			"messages_removed", (json_int_t)t->msgs_removed,
			"messages_moved", (json_int_t)t->msgs_moved,
			"real_owner_same", (json_int_t)t->real_owner_same,
			"real_touches_same", (json_int_t)t->real_touches_same,
			"inputs", (json_int_t)run->nin,
			"not_replayed", skipped_json(&run->left_out),
			"refused", "was", skipped_json(&run->refused[0]), "new",
			skipped_json(&run->refused[1]));
	cli_print_json(doc);
	json_decref(doc);
}

/* --- the command ---------------------------------------------------------- */

/* "30d", "12h", "2w" -> seconds, or -1. */
static int64_t
parse_since(const char *s)
{
	char *end;
	long long n = strtoll(s, &end, 10);

	if (end == s || n <= 0 || n > 3660 || *end == '\0' || end[1] != '\0')
		return -1;
	switch (*end) {
	case 'h': return n * 3600;
	case 'd': return n * 86400;
	case 'w': return n * 7 * 86400;
	}
	return -1;
}

static void
run_free(replay_run *run)
{
	for (size_t i = 0; i < run->n; i++) {
		rlead *l = &run->leads[i];

		free(l->name);
		free(l->phone);
		free(l->email);
		free(l->source);
		free(l->kind);
		free(l->service);
		free(l->message);
		free(l->neighbourhood);
		free(l->custom);
	}
	free(run->leads);
	free(run->in);
}

static int
replay(cli_env *e, const char *was_path, int64_t since, char *err, size_t errlen)
{
	char dir[] = "/tmp/leadkeep-replay.XXXXXX", vw[13], vn[13];
	replay_run run = { 0 };
	replay_diff *diffs = NULL;
	replay_totals t = { 0 };
	rules *was = NULL;
	store *h = NULL;
	int64_t bid;
	int rc = -1;

	run.to = cli_now();
	run.from = run.to - since;
	if (mkdtemp(dir) == NULL) {
		snprintf(err, errlen, "cannot create a throwaway directory");
		return -1;
	}
	if ((h = open_history(e->data, dir, err, errlen)) == NULL ||
	    (bid = history_business(h, cli_business_slug(e), err, errlen)) < 0)
		goto out;
	if ((was = history_rules(h, bid, was_path, err, errlen)) == NULL)
		goto out;
	run.was = was;
	if (read_history(&run, h, bid, err, errlen) < 0)
		goto out;
	store_close(h);
	h = NULL;
	if (run_sides(&run, was, e->rules, err, errlen) < 0)
		goto out;
	if ((diffs = calloc(run.n ? run.n : 1, sizeof *diffs)) == NULL)
		goto out;
	for (size_t i = 0; i < run.n; i++) {
		replay_compare(&run.leads[i].side[0], &run.leads[i].side[1], &diffs[i]);
		replay_total_add(&t, &run.leads[i].side[0], &run.leads[i].side[1], &diffs[i],
				 &run.leads[i].real);
	}
	rules_version_short(was->version, vw);
	rules_version_short(e->rules->version, vn);
	if (e->json) {
		print_json(&run, diffs, &t, vw, vn);
	} else {
		char wn[64], nn[4200];

		snprintf(wn, sizeof wn, "%s %s", was_path ? was_path : "rules in use", vw);
		snprintf(nn, sizeof nn, "%s %s", e->rules_file[0] ? e->rules_file : "built-in",
			 vn);
		print_text(&run, e->rules, diffs, &t, wn, nn);
	}
	rc = 0;
out:
	store_close(h);
	remove_db(dir);
	rules_free(was);
	free(diffs);
	run_free(&run);
	return rc;
}

int
cmd_replay(int argc, char **argv)
{
	cli_env e;
	const char *was = NULL;
	int64_t since = 30 * 86400;
	char err[512] = "";
	int opt, rc;

	cli_env_init(&e);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", replay_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 's':
			if ((since = parse_since(optarg)) < 0)
				return cli_usage(replay_help, "replay: --since \"%s\": a period "
						 "like 30d, 12h or 2w", optarg);
			continue;
		case 'w':
			was = optarg;
			continue;
		case 'h':
			fputs(replay_help, stdout);
			return EXIT_OK;
		}
		return cli_usage(replay_help, "replay: bad option");
	}
	if (optind < argc)
		return cli_usage(replay_help, "replay: unexpected argument \"%s\"", argv[optind]);
	if (e.rules_path == NULL)
		return cli_usage(replay_help, "replay: --rules NEW: the rules file to rehearse");
	/* The new rules only: nothing is recorded in the data directory. */
	if ((rc = cli_open(&e, false)) != EXIT_OK)
		return rc;
	rc = EXIT_OK;
	if (replay(&e, was, since, err, sizeof err) < 0)
		rc = cli_fail(strncmp(err, "--was", 5) == 0 ? EXIT_CONFIG : EXIT_RUNTIME,
			      "replay: %s", err[0] ? err : "out of memory");
	cli_close(&e);
	return rc;
}

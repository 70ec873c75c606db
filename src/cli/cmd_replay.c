/*
 * cmd_replay.c - `leadkeep replay`: rehearse new rules on the business's real
 * history.
 *
 * The real database is only read (a SQLite data directory from a copy,
 * store_backup into a throwaway directory): the leads that arrived in the period and what
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
#include "cmd_replay.h"
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
		replay_print_json(&run, diffs, &t, vw, vn);
	} else {
		char wn[64], nn[4200];

		snprintf(wn, sizeof wn, "%s %s", was_path ? was_path : "rules in use", vw);
		snprintf(nn, sizeof nn, "%s %s", e->rules_file[0] ? e->rules_file : "built-in",
			 vn);
		replay_print_text(&run, e->rules, diffs, &t, wn, nn);
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

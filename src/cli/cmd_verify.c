/*
 * cmd_verify.c - `leadkeep verify`: the verification checklist, end to end,
 * in a sandbox.
 *
 * For every source leads can come from (the built-in doors and the business
 * file's forms and hooks) and every kind of lead the rules know, one
 * synthetic lead arrives at a business-hours time in a throwaway database;
 * nobody acts on it, and the virtual clock of `simulate` (sched_run_until)
 * fires every timer of the real engine and flow until the lead has gone
 * cold and come back. What the engine did to each lead is gathered from the
 * store's observer into a verify_lead, and src/verify judges it; the stage
 * accuracy check is the report's own (report_build's stage_accuracy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/bizclock.h"
#include "core/lead.h"
#include "http/http_settings.h"
#include "report/report.h"
#include "sched/sched.h"
#include "verify/verify.h"

static const char verify_help[] =
	"Usage: leadkeep verify [--rules FILE] [--json]\n"
	"\n"
	"Runs the verification checklist in a sandbox (a throwaway database, the real\n"
	"engine, a virtual clock): for every source (web form, missed call, text, email,\n"
	"API and the forms and hooks of the business file's sources:) and every kind of\n"
	"lead the rules route, a synthetic lead arrives in business hours and nobody acts\n"
	"on it. Tests: ownership (it gets an owner), next_step (a person's task with a\n"
	"due time), reminder (follow-ups fire), stale (it reaches the cold path and comes\n"
	"back on its reactivation date) and pipeline (its stage matches its timeline).\n"
	"Prints pass or fail per test and source with the reason.\n"
	"Exit codes: 0 every test passed, 1 a test failed (or the sandbox failed),\n"
	"2 usage error or bad rules (FILE:LINE:COL).\n"
	"Details: docs/reports.md, \"verify\".\n"
	"\n" CLI_COMMON_HELP;

static const struct option verify_options[] = {
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

#define MAX_CASES 100		/* one fictional phone each: 312-555-0100..0199 */
#define MAX_FIRINGS 5000000L

/* A source and kind a synthetic lead is sent as. */
typedef struct {
	const char *source, *kind, *owner;	/* borrowed; owner: a form's preset */
} verify_case;

typedef struct {
	verify_case cases[MAX_CASES];
	size_t ncases;
	bool too_many;
	verify_lead leads[MAX_CASES];
	int64_t ids[MAX_CASES];
	int pending;		/* the case whose lead is being made, -1 none */
} verify_run;

static void
add_case(verify_run *v, const char *source, const char *kind, const char *owner)
{
	for (size_t i = 0; i < v->ncases; i++)
		if (strcmp(v->cases[i].source, source) == 0 && strcmp(v->cases[i].kind, kind) == 0 &&
		    (v->cases[i].owner == owner ||
		     (owner && v->cases[i].owner && strcmp(v->cases[i].owner, owner) == 0)))
			return;
	if (v->ncases == MAX_CASES) {
		v->too_many = true;
		return;
	}
	v->cases[v->ncases++] = (verify_case){ source, kind, owner };
}

/* The built-in doors times every kind the rules route (and new_inquiry, the
 * kind of a lead that names none); each form and hook with its own kind. */
static void
collect_cases(verify_run *v, const rules *r, const settings *st)
{
	static const char *const doors[] = { "web_form", "phone_call", "sms", "email", "api" };
	const char *kinds[MAX_CASES] = { "new_inquiry" };
	size_t nkinds = 1;

	for (size_t i = 0; i < r->nroutes && nkinds < MAX_CASES; i++) {
		const char *k = r->routes[i].kind;
		bool seen = k == NULL;

		for (size_t j = 0; j < nkinds && !seen; j++)
			seen = strcmp(kinds[j], k) == 0;
		if (!seen)
			kinds[nkinds++] = k;
	}
	for (size_t d = 0; d < sizeof doors / sizeof doors[0]; d++)
		for (size_t k = 0; k < nkinds; k++)
			add_case(v, doors[d], kinds[k], NULL);
	if (st != NULL && (st->meta_app_secret || st->meta_verify_token))
		for (size_t k = 0; k < nkinds; k++)
			add_case(v, "meta_ads", kinds[k], NULL);
	if (st != NULL && st->google_key)
		for (size_t k = 0; k < nkinds; k++)
			add_case(v, "google_ads", kinds[k], NULL);
	for (size_t i = 0; st != NULL && i < st->nsources; i++) {
		const settings_source *so = &st->sources[i];
		const char *source = so->source ? so->source :
				     strcmp(so->type, "hook") == 0 ? so->key : "web_form";

		add_case(v, source, so->lead_kind ? so->lead_kind : "new_inquiry", so->owner);
	}
}

static int
case_of(const verify_run *v, int64_t lead_id)
{
	for (size_t i = 0; i < v->ncases; i++)
		if (v->ids[i] == lead_id)
			return (int)i;
	return -1;
}

static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* The store's observer: what the engine did to each synthetic lead. */
static void
observe(void *ctx, int64_t lead_id, const action *a, int64_t row, int64_t now)
{
	verify_run *v = ctx;
	int i = case_of(v, lead_id);
	verify_lead *l;
	bool first, before_cold;

	if (i < 0 && v->pending >= 0) {
		v->ids[v->pending] = lead_id;	/* the lead being made */
		i = v->pending;
		v->pending = -1;
	}
	if (i < 0)
		return;
	l = &v->leads[i];
	first = now == l->arrived;
	before_cold = l->cold_status[0] == '\0';
	switch (a->kind) {
	case ACT_SET_OWNER:
		if (first)
			copy(l->owner, sizeof l->owner, a->person);
		break;
	case ACT_SET_SEQUENCE:
		if (first && a->name)
			copy(l->sequence, sizeof l->sequence, a->name);
		break;
	case ACT_SET_STAGE:
		copy(l->stage_events, sizeof l->stage_events, a->name);
		break;
	case ACT_TASK_CREATE:
		if (first && l->task_due == 0) {
			copy(l->task_verb, sizeof l->task_verb, a->verb);
			copy(l->task_person, sizeof l->task_person, a->person);
			l->task_due = a->at;
		} else if (!first && before_cold) {
			l->followups++;
		}
		break;
	case ACT_OUTBOX:
		if (!first && before_cold)
			l->followups++;
		break;
	case ACT_SET_STATUS:
		if (before_cold && a->name && strcmp(a->name, LEAD_STATUS_OPEN) != 0) {
			copy(l->cold_status, sizeof l->cold_status, a->name);
			l->reactivate_at = a->at;
		} else if (!before_cold && a->name && strcmp(a->name, LEAD_STATUS_OPEN) == 0 &&
			   l->reopened_at == 0) {
			l->reopened_at = now;
		}
		break;
	case ACT_EVENT:
		if (a->name && strcmp(a->name, "lead.cold") == 0 && l->cold_at == 0)
			l->cold_at = now;
		break;
	default:
		break;
	}
}

/* A business-hours minute: an hour after the business next opens from now. */
static int64_t
arrival_time(const rules *r, int64_t now)
{
	int64_t open = bizclock_next_open(&r->business, now);

	return bizclock_is_open(&r->business, open + 3600) ? open + 3600 : open;
}

static int
inject(verify_run *v, store *s, int64_t bid, const rules *r, int64_t at, char *err,
       size_t errlen)
{
	for (size_t i = 0; i < v->ncases; i++) {
		const verify_case *c = &v->cases[i];
		bool phone_only = strcmp(c->source, "phone_call") == 0 || strcmp(c->source, "sms") == 0;
		bool email_only = strcmp(c->source, "email") == 0;
		char phone[24], email[48], name[40];
		intake_lead il = {
			.name = phone_only ? NULL : name,
			.phone = email_only ? NULL : phone,
			.email = phone_only ? NULL : email,
			.source = c->source, .kind = c->kind, .owner = c->owner,
			.service = "verification", .message = "A synthetic lead of leadkeep verify",
		};
		flow_out res;

		snprintf(phone, sizeof phone, "+1312555%04d", 100 + (int)i);
		snprintf(email, sizeof email, "verify%d@example.com", (int)i);
		snprintf(name, sizeof name, "Verify Lead %d", (int)i + 1);
		v->leads[i].source = c->source;
		v->leads[i].kind = c->kind;
		v->leads[i].arrived = at;
		v->pending = (int)i;
		if (store_begin(s) < 0 ||
		    flow_intake(s, bid, r, &il, at, &res, err, errlen) != FLOW_OK ||
		    store_commit(s) < 0) {
			store_rollback(s);
			return -1;
		}
		v->ids[i] = res.lead_id;
		v->pending = -1;
	}
	return 0;
}

/* The stage each lead reports, and the report's stage-accuracy finding. */
static int
read_back(verify_run *v, store *s, int64_t bid, const rules *r, int64_t now, char *err,
	  size_t errlen)
{
	report_options o = { .from = 0, .to = now + 1, .now = now, .list_max = MAX_CASES };
	json_t *doc, *j;
	size_t k;

	for (size_t i = 0; i < v->ncases; i++) {
		store_lead_state *ls;

		if (store_lead_state_load(s, bid, v->ids[i], now, r->touch_window, &ls, err,
					  errlen) != 1)
			return -1;
		copy(v->leads[i].stage_told, sizeof v->leads[i].stage_told,
		     store_lead_state_get(ls)->lead.stage);
		store_lead_state_free(ls);
	}
	if ((doc = report_build(s, bid, r, &o, err, errlen)) == NULL)
		return -1;
	json_array_foreach(json_object_get(json_object_get(doc, "stage_accuracy"), "leads"), k, j) {
		int i = case_of(v, json_integer_value(json_object_get(j, "id")));

		if (i >= 0)
			copy(v->leads[i].contradiction, sizeof v->leads[i].contradiction,
			     cli_str(j, "contradiction", ""));
	}
	json_decref(doc);
	return 0;
}

static int
sandbox_run(verify_run *v, cli_env *e, char *err, size_t errlen)
{
	const rules *r = e->rules;
	int64_t at = arrival_time(r, cli_now()), clock = at, until;
	long firings = 0;

	/* Past the cold path's return date, with a year for the plan to run out. */
	until = at + 366 * 86400 + (r->cold.reactivate_after > 0 ? r->cold.reactivate_after : 0);
	if (store_begin(e->store) < 0 ||
	    (e->business_id = store_business_sync(e->store, r, err, errlen)) < 0 ||
	    store_rules_activate(e->store, e->business_id, r->version, r->text, "verify", at,
				 NULL, 0) < 0 ||
	    store_commit(e->store) < 0) {
		store_rollback(e->store);
		return -1;
	}
	store_set_observer(e->store, observe, v);
	if (inject(v, e->store, e->business_id, r, at, err, errlen) < 0)
		return -1;
	if (sched_run_until(e->store, r, e->business_id, &clock, until, &firings,
			    MAX_FIRINGS) < 0) {
		snprintf(err, errlen, "the scheduler failed or never settled");
		return -1;
	}
	store_set_observer(e->store, NULL, NULL);
	return read_back(v, e->store, e->business_id, r, until, err, errlen);
}

static int
print_results(const verify_run *v, const rules *r, bool json)
{
	json_t *list = json ? json_array() : NULL;
	size_t failed = 0, passed = 0;
	int ws = 6, wk = 4;	/* the columns as wide as their longest name */

	for (size_t i = 0; i < v->ncases; i++) {
		ws = (int)strlen(v->cases[i].source) > ws ? (int)strlen(v->cases[i].source) : ws;
		wk = (int)strlen(v->cases[i].kind) > wk ? (int)strlen(v->cases[i].kind) : wk;
	}
	if (!json)
		printf("%-*s  %-*s  %-9s  %-6s  %s\n", ws, "SOURCE", wk, "KIND", "TEST", "RESULT",
		       "REASON");
	for (size_t i = 0; i < v->ncases; i++) {
		verify_verdict out[VERIFY_NTESTS];

		verify_judge(r, &v->leads[i], out);
		for (int t = 0; t < VERIFY_NTESTS; t++) {
			out[t].pass ? passed++ : failed++;
			if (!json) {
				printf("%-*s  %-*s  %-9s  %-6s  %s\n", ws, v->cases[i].source,
				       wk, v->cases[i].kind, verify_test_name(t),
				       out[t].pass ? "pass" : "FAIL", out[t].reason);
				continue;
			}
			json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:b,s:s}", "source",
							      v->cases[i].source, "kind",
							      v->cases[i].kind, "test",
							      verify_test_name(t), "pass",
							      out[t].pass, "reason",
							      out[t].reason));
		}
	}
	if (json) {
		json_t *doc = json_pack("{s:b,s:I,s:I,s:o}", "pass", failed == 0, "passed",
					(json_int_t)passed, "failed", (json_int_t)failed,
					"results", list);

		cli_print_json(doc);
		json_decref(doc);
	} else
		printf("\n%zu passed, %zu failed\n", passed, failed);
	if (v->too_many)
		fprintf(stderr, "verify: only the first %d sources and kinds were checked\n",
			MAX_CASES);
	return failed == 0 ? EXIT_OK : EXIT_RUNTIME;
}

/* The business file's sources (NULL when there is none), or -1 with their
 * problems printed. */
static int
load_sources(const cli_env *e, settings **out)
{
	rules_diags d = { 0 };
	settings *st;

	*out = NULL;
	if (e->rules_file[0] == '\0')
		return 0;
	st = settings_load(NULL, &d);
	rules_diags_free(&d);
	if (st == NULL)
		return 0;
	if (settings_load_sources(st, e->rules_file, true, &d) < 0 || d.nerrors > 0) {
		rules_diags_print(&d, stderr);
		rules_diags_free(&d);
		settings_free(st);
		return -1;
	}
	rules_diags_free(&d);
	*out = st;
	return 0;
}

int
cmd_verify(int argc, char **argv)
{
	cli_env e;
	char dir[] = "/tmp/leadkeep-verify.XXXXXX", err[512] = "", path[64];
	verify_run *v = calloc(1, sizeof *v);
	settings *st = NULL;
	int opt, rc;

	if (v == NULL)
		return cli_fail(EXIT_RUNTIME, "out of memory");
	v->pending = -1;
	cli_env_init(&e);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", verify_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		free(v);
		if (opt == 'h') {
			fputs(verify_help, stdout);
			return EXIT_OK;
		}
		return cli_usage(verify_help, "verify: bad option");
	}
	if (optind < argc) {
		free(v);
		return cli_usage(verify_help, "verify: unexpected argument \"%s\"", argv[optind]);
	}
	/* Bad rules exit as for every command (3): nothing can be checked. */
	if ((rc = cli_open(&e, false)) != EXIT_OK || (rc = load_sources(&e, &st)) < 0) {
		cli_close(&e);
		free(v);
		return rc > 0 ? rc : EXIT_CONFIG;
	}
	collect_cases(v, e.rules, st);
	if (mkdtemp(dir) == NULL || (e.store = store_open(dir, err, sizeof err)) == NULL) {
		rc = cli_fail(EXIT_RUNTIME, "cannot create the throwaway database: %s", err);
		goto out;
	}
	store_set_throwaway(e.store);
	if (sandbox_run(v, &e, err, sizeof err) < 0)
		rc = cli_fail(EXIT_RUNTIME, "verify: the sandbox failed: %s",
			      err[0] ? err : store_errmsg(e.store));
	else
		rc = print_results(v, e.rules, e.json);
out:
	cli_close(&e);
	settings_free(st);
	for (const char *suffix = "/leadkeep.db\0/leadkeep.db-wal\0/leadkeep.db-shm\0";
	     *suffix; suffix += strlen(suffix) + 1) {
		snprintf(path, sizeof path, "%s%s", dir, suffix);
		unlink(path);
	}
	rmdir(dir);
	free(v);
	return rc;
}

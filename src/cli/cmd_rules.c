/*
 * cmd_rules.c - `leadkeep rules check FILE`, `rules diff NEW` (what a new
 * rules file would do to the leads in flight, before anything is applied),
 * `rules history` (the versions kept) and `rules show-default`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_prove.h"
#include "core/engine.h"
#include "rules/rules_load.h"
#include "util/mono.h"

/* rules check: the rules load, but the prover found a lead class with a gap
 * (docs/rules.md, "What `rules check` proves"). */
#define EXIT_GAPS 4

static const char rules_help[] =
	"Usage: leadkeep rules check [--syntax] [FILE]\n"
	"                                     validate a rules file (default: the one in use)\n"
	"                                     and prove what it does to every class of lead\n"
	"       leadkeep rules diff NEW       what NEW would do to the leads in flight: steps\n"
	"                                     cancelled, moved, added; leads going cold sooner\n"
	"       leadkeep rules history        the rules versions used, newest first\n"
	"       leadkeep rules show-default   print the built-in demo rules to start from\n"
	"\n"
	"check prints every problem as FILE:LINE:COL: error|warning: message and exits 3\n"
	"when there is an error (warnings alone do not fail); it reads the file's sources\n"
	"and providers too (secrets: their env:/file: form). Then it proves the rules: a\n"
	"synthetic lead of every source, kind, contact channels and arrival time (business\n"
	"hours, just before closing, after hours, weekend, a holiday, around each\n"
	"daylight-saving change) runs through the real engine in a throwaway database to\n"
	"the end of its plan, and every gap is printed as FILE: gap: FINDING: the smallest\n"
	"example (no_owner, no_next_action, closed_minute, no_recovery, over_cap,\n"
	"quiet_text). Exit 4 when a gap is found, 1 when the sandbox failed, 0 when clean.\n"
	"--syntax checks the file only. Details: docs/rules.md, \"What rules check proves\".\n"
	"\n"
	"diff changes nothing: it compares NEW with the rules serve runs (the active\n"
	"version in the database) and replays the change for every lead in a sequence;\n"
	"apply it by putting NEW in DIR/rules.yaml and sending serve SIGHUP. It exits 3\n"
	"when NEW has an error.\n"
	"\n" CLI_COMMON_HELP;

static const struct option rules_options[] = {
	CLI_COMMON_OPTIONS,
	{ "syntax", no_argument, NULL, 'S' },
	{ NULL, 0, NULL, 0 },
};

/* The business file's forms and hooks beside path (NULL: none): the
 * prover sends a lead through each. Their problems were reported already. */
static settings *
check_sources(const char *path)
{
	rules_diags d = { 0 };
	settings *st;

	if (path == NULL)
		return NULL;
	st = settings_load(NULL, &d);
	rules_diags_free(&d);
	if (st != NULL && settings_load_sources(st, path, true, &d) < 0) {
		settings_free(st);
		st = NULL;
	}
	rules_diags_free(&d);
	return st;
}

static json_t *
gaps_json(const prove_report *rep)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < rep->ngaps; i++) {
		const prove_gap *g = &rep->gaps[i];
		json_t *classes = json_array();

		for (int c = 0; c < PROVE_NCLASSES; c++)
			if (g->classes & (1u << c))
				json_array_append_new(classes, json_string(prove_class_name(c)));
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:i,s:o}",
						     "finding", prove_finding_name(g->finding),
						     "kind", g->kind,
						     "channels", prove_channels_name(g->channels),
						     "source", g->source,
						     "arrival_class", prove_class_name(g->cls),
						     "arrival_local", g->local,
						     "arrival", (json_int_t)g->arrived,
						     "what", g->what, "leads", g->leads,
						     "arrival_classes", classes));
	}
	return arr;
}

/* "an" before a vowel ("an email task"), else "a". */
static const char *
article(const char *word)
{
	return word[0] != '\0' && strchr("aeiou", word[0]) != NULL ? "an" : "a";
}

static void
print_gaps(const char *name, const prove_report *rep, double secs)
{
	for (size_t i = 0; i < rep->ngaps; i++) {
		const prove_gap *g = &rep->gaps[i];

		printf("%s: gap: %s: %s %s lead of kind %s (%s) arriving %s (%s): %s\n", name,
		       prove_finding_name(g->finding),
		       article(g->source), g->source, g->kind,
		       prove_channels_name(g->channels), g->local, prove_class_name(g->cls),
		       g->what);
		if (g->leads > 1) {
			printf("  (and %d more leads of kind %s with %s; arriving", g->leads - 1,
			       g->kind, prove_channels_name(g->channels));
			for (int c = 0, n = 0; c < PROVE_NCLASSES; c++)
				if (g->classes & (1u << c))
					printf("%s %s", n++ ? "," : "", prove_class_name(c));
			printf(")\n");
		}
	}
	if (rep->dropped > 0)
		printf("%s: %zu more gaps not listed\n", name, rep->dropped);
	printf("%s: proved %zu lead classes to the end of their plans in %.1fs: %s\n", name,
	       rep->leads, secs, rep->ngaps == 0 ? "no gaps" : "gaps found");
}

static int
check(const char *path, bool json, bool syntax_only)
{
	rules_diags d = { 0 };
	prove_report *rep = NULL;
	const char *name = path ? path : RULES_DEFAULT_NAME;
	double secs = 0;
	bool gap = false;	/* the one error is a routing gap */
	rules *r;
	int rc;

	if (path != NULL) {
		/* A routing gap is an error, but the prover runs all the same to
		 * show the leads it leaves without an owner. */
		r = rules_load_file_proving(path, &d, &gap);
		if (r != NULL)
			cli_sections_check(path, &d);
		if (d.nerrors > (gap && !syntax_only ? 1u : 0u)) {
			rules_free(r);
			r = NULL;
		}
	} else
		r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml),
				      RULES_DEFAULT_NAME, &d);
	rc = r != NULL && d.nerrors == 0 ? EXIT_OK : EXIT_CONFIG;
	if (r != NULL && !syntax_only) {
		settings *st = check_sources(path);
		char err[512] = "";
		int64_t t0 = mono_ns();

		if ((rep = malloc(sizeof *rep)) == NULL ||
		    cli_prove_run(r, st, cli_now(), rep, err, sizeof err) < 0) {
			int f = cli_fail(EXIT_RUNTIME, "rules check: the prover's sandbox failed: "
					 "%s", rep ? err : "out of memory");

			rc = rc == EXIT_OK ? f : rc;
			free(rep);
			rep = NULL;
		} else if (rc == EXIT_OK && (rep->ngaps > 0 || rep->dropped > 0)) {
			rc = EXIT_GAPS;
		}
		secs = (double)(mono_ns() - t0) / 1e9;
		settings_free(st);
	}
	if (json) {
		json_t *arr = json_array(), *doc;

		for (size_t i = 0; i < d.n; i++)
			json_array_append_new(arr, json_pack("{s:s,s:i,s:i,s:s,s:s}",
							     "file", d.items[i].file,
							     "line", d.items[i].line,
							     "col", d.items[i].col,
							     "severity", d.items[i].warning ?
							     "warning" : "error",
							     "message", d.items[i].message));
		doc = json_pack("{s:s,s:b,s:o}", "file", name, "ok", rc == EXIT_OK,
				"diagnostics", arr);
		if (rep != NULL) {
			json_object_set_new(doc, "proved", json_pack("{s:I,s:f}", "lead_classes",
								     (json_int_t)rep->leads,
								     "seconds", secs));
			json_object_set_new(doc, "gaps", gaps_json(rep));
		}
		cli_print_json(doc);
		json_decref(doc);
	} else {
		rules_diags_print(&d, stdout);
		if (r != NULL && d.nerrors == 0)
			printf("%s: ok (%zu people, %zu routing rules, %zu sequences, %zu warnings)\n",
			       name, r->npeople, r->nroutes, r->nsequences, d.n - d.nerrors);
		if (rep != NULL)
			print_gaps(name, rep, secs);
	}
	free(rep);
	rules_free(r);
	rules_diags_free(&d);
	return rc;
}

/* --- rules diff ------------------------------------------------------------ */

/* "24h", "3d": an offset as the rules file writes it. */
static const char *
offset(int64_t secs, char *buf, size_t len)
{
	if (secs > 0 && secs % 86400 == 0)
		snprintf(buf, len, "%lldd", (long long)(secs / 86400));
	else if (secs > 0 && secs % 3600 == 0)
		snprintf(buf, len, "%lldh", (long long)(secs / 3600));
	else
		snprintf(buf, len, "%lldm", (long long)(secs / 60));
	return buf;
}

/* What changed in each sequence, by step id: removed, added, moved. */
static json_t *
sequence_changes(const rules *old, const rules *cur)
{
	json_t *out = json_array();
	char a[32], b[32], line[512];

	for (size_t i = 0; i < old->nsequences; i++)
		if (rules_sequence_find(cur, old->sequences[i].name) == NULL) {
			snprintf(line, sizeof line, "%s: removed (its leads stop it)",
				 old->sequences[i].name);
			json_array_append_new(out, json_string(line));
		}
	for (size_t i = 0; i < cur->nsequences; i++) {
		const rules_sequence *n = &cur->sequences[i];
		const rules_sequence *o = rules_sequence_find(old, n->name);
		size_t len = 0;

		if (o == NULL) {
			snprintf(line, sizeof line, "%s: new sequence", n->name);
			json_array_append_new(out, json_string(line));
			continue;
		}
		line[0] = '\0';
		for (size_t j = 0; j < o->nsteps && len + 80 < sizeof line; j++)
			if (rules_step_index(n, o->steps[j].id) < 0)
				len += (size_t)snprintf(line + len, sizeof line - len, "%s%s removed "
							"(was at %s)", len ? "; " : "",
							o->steps[j].id, offset(o->steps[j].at, a, sizeof a));
		for (size_t j = 0; j < n->nsteps && len + 80 < sizeof line; j++) {
			int k = rules_step_index(o, n->steps[j].id);

			if (k < 0)
				len += (size_t)snprintf(line + len, sizeof line - len, "%s%s added at %s",
							len ? "; " : "", n->steps[j].id,
							offset(n->steps[j].at, a, sizeof a));
			else if (o->steps[k].at != n->steps[j].at)
				len += (size_t)snprintf(line + len, sizeof line - len, "%s%s moved %s -> %s",
							len ? "; " : "", n->steps[j].id,
							offset(o->steps[k].at, a, sizeof a),
							offset(n->steps[j].at, b, sizeof b));
		}
		if (len > 0) {
			char *full;

			if (asprintf(&full, "%s: %s", n->name, line) >= 0) {
				json_array_append_new(out, json_string(full));
				free(full);
			}
		}
	}
	return out;
}

typedef struct {
	json_t *leads;		/* the leads whose plan changes */
	json_t *cold;		/* ids of leads going cold sooner */
} diff_seen;

/* The timeline a lead would get, as the change decides it. */
static void
diff_lead(void *ctx, const lead_state *st, const decision *d)
{
	diff_seen *ds = ctx;
	json_t *lines = json_array(), *o;
	bool sooner = false, now = false;

	for (size_t i = 0; i < decision_count(d); i++) {
		const action *a = decision_get(d, i);

		if (a->kind != ACT_EVENT || a->name == NULL)
			continue;
		if (strncmp(a->name, "step.", 5) == 0 || strcmp(a->name, "plan.cold_sooner") == 0 ||
		    strcmp(a->name, "lead.cold") == 0 || strcmp(a->name, "sequence.stopped") == 0 ||
		    strcmp(a->name, "sequence.finished") == 0 ||
		    strncmp(a->name, "appointment.", 12) == 0)
			json_array_append_new(lines, json_pack("{s:s,s:s}", "event", a->name, "text",
							       a->text ? a->text : ""));
		sooner |= strcmp(a->name, "plan.cold_sooner") == 0;
		now |= strcmp(a->name, "lead.cold") == 0;
	}
	if (json_array_size(lines) == 0) {
		json_decref(lines);
		return;
	}
	o = json_pack("{s:I,s:s?,s:s?,s:o,s:b,s:b}", "id", (json_int_t)st->lead.id,
		      "name", st->lead.name, "sequence", st->lead.sequence, "changes", lines,
		      "cold_sooner", sooner || now, "cold_now", now);
	json_array_append_new(ds->leads, o);
	if (sooner || now)
		json_array_append_new(ds->cold, json_integer((json_int_t)st->lead.id));
}

static void
print_diff(json_t *j)
{
	json_t *v, *ld;
	size_t i, k, shown = 0;
	const json_t *st = json_object_get(j, "steps");

	printf("Rules change: %s (%s) -> %s (%s)\n", cli_str(j, "from", "none"),
	       cli_str(j, "from_source", "-"), cli_str(j, "to", "-"), cli_str(j, "to_file", "-"));
	if (json_array_size(json_object_get(j, "sequences")) > 0) {
		puts("Sequences:");
		json_array_foreach(json_object_get(j, "sequences"), i, v)
			printf("  %s\n", json_string_value(v));
	} else {
		puts("Sequences: no step added, removed or moved");
	}
	printf("Leads in flight on another version: %lld, of which %lld change\n",
	       (long long)json_integer_value(json_object_get(j, "leads_in_flight")),
	       (long long)json_integer_value(json_object_get(j, "leads_changed")));
	printf("  steps cancelled:  %lld\n",
	       (long long)json_integer_value(json_object_get(st, "cancelled")));
	printf("  steps moved:      %lld\n",
	       (long long)json_integer_value(json_object_get(st, "moved")));
	printf("  steps added:      %lld (and %lld not run: the lead is past its time)\n",
	       (long long)json_integer_value(json_object_get(st, "added")),
	       (long long)json_integer_value(json_object_get(st, "not_applied")));
	printf("  go cold sooner:   %lld (%lld at once)\n",
	       (long long)json_integer_value(json_object_get(j, "cold_sooner")),
	       (long long)json_integer_value(json_object_get(j, "cold_now")));
	json_array_foreach(json_object_get(j, "leads"), i, ld) {
		if (shown++ == 200) {
			printf("... and %zu more leads (--json lists them all)\n",
			       json_array_size(json_object_get(j, "leads")) - 200);
			break;
		}
		printf("Lead #%lld %s (%s)%s\n",
		       (long long)json_integer_value(json_object_get(ld, "id")),
		       cli_str(ld, "name", "(no name)"), cli_str(ld, "sequence", "-"),
		       json_is_true(json_object_get(ld, "cold_now")) ? ": goes cold at once" :
		       json_is_true(json_object_get(ld, "cold_sooner")) ? ": goes cold sooner" : "");
		json_array_foreach(json_object_get(ld, "changes"), k, v)
			printf("  %s\n", cli_str(v, "text", ""));
	}
	puts("Nothing was changed. To apply: put the file in DIR/rules.yaml and send serve SIGHUP "
	     "(kill -HUP PID), or restart it.");
}

/* The rules serve runs: the latest active version kept in the database, else
 * the file a command would read. Caller frees; *source says which. */
static rules *
active_rules(cli_env *e, char *hash, size_t hashlen, char *source, size_t srclen)
{
	rules_diags d;
	char *text = NULL;
	char by[32] = "";
	rules *r = NULL;

	if (store_rules_active(e->store, e->business_id, hash, hashlen, NULL, by, sizeof by) == 1 &&
	    store_rules_text(e->store, e->business_id, hash, &text) == 1) {
		r = rules_load_string(text, strlen(text), "<active rules>", &d);
		rules_diags_free(&d);
		free(text);
		snprintf(source, srclen, "active, used by %s", by);
	}
	if (r == NULL) {
		r = cli_rules_read(e, &d, source, srclen);
		rules_diags_free(&d);
	}
	return r;
}

static int
diff(cli_env *e, const char *path)
{
	rules_diags d;
	rules *cur, *now_r = NULL;
	char hash[80] = "", src[300] = "", err[512] = "", v1[13], v2[13];
	diff_seen ds = { json_array(), json_array() };
	flow_rules_stats st;
	cli_versions *vs = NULL;
	flow_result res;
	json_t *j;
	int rc = EXIT_OK;

	if ((cur = rules_load_file(path, &d)) == NULL) {
		rules_diags_print(&d, stderr);
		rules_diags_free(&d);
		json_decref(ds.leads);
		json_decref(ds.cold);
		return EXIT_CONFIG;
	}
	rules_diags_free(&d);
	if ((e->store = store_open(e->data, err, sizeof err)) == NULL) {
		rc = cli_fail(EXIT_RUNTIME, "%s", err);
		goto out;
	}
	/* The business row only: nothing of the change is written. */
	e->business_id = 0;
	if ((now_r = active_rules(e, hash, sizeof hash, src, sizeof src)) == NULL) {
		rc = cli_fail(EXIT_CONFIG, "the rules in use cannot be read: run rules check");
		goto out;
	}
	if (store_begin(e->store) < 0 ||
	    (e->business_id = store_business_sync(e->store, now_r, err, sizeof err)) < 0 ||
	    store_commit(e->store) < 0) {
		store_rollback(e->store);
		rc = cli_fail(EXIT_RUNTIME, "cannot read the database: %s", err);
		goto out;
	}
	/* business_sync found the business; a version kept for it may differ
	 * from the one read before it was known: read again. */
	rules_free(now_r);
	if ((now_r = active_rules(e, hash, sizeof hash, src, sizeof src)) == NULL) {
		rc = cli_fail(EXIT_CONFIG, "the rules in use cannot be read: run rules check");
		goto out;
	}
	if ((vs = cli_versions_new(e->store, e->business_id, cur, now_r)) == NULL) {
		rc = cli_fail(EXIT_RUNTIME, "out of memory");
		goto out;
	}
	res = flow_rules_change(e->store, e->business_id, cur, cli_versions_get, vs, true, diff_lead,
				&ds, cli_now(), &st, err, sizeof err);
	if (res != FLOW_OK) {
		rc = cli_flow_fail(res, err);
		goto out;
	}
	j = json_pack("{s:s,s:s,s:s,s:s,s:o,s:I,s:I,s:{s:I,s:I,s:I,s:I},s:I,s:I,s:O,s:O}",
		      "from", rules_version_short(now_r->version, v1), "from_source", src,
		      "to", rules_version_short(cur->version, v2), "to_file", path,
		      "sequences", sequence_changes(now_r, cur),
		      "leads_in_flight", (json_int_t)st.leads, "leads_changed", (json_int_t)st.changed,
		      "steps", "cancelled", (json_int_t)st.cancelled, "moved", (json_int_t)st.moved,
		      "added", (json_int_t)st.added, "not_applied", (json_int_t)st.not_applied,
		      "cold_sooner", (json_int_t)st.cold_sooner, "cold_now", (json_int_t)st.cold_now,
		      "cold_sooner_leads", ds.cold, "leads", ds.leads);
	if (e->json)
		cli_print_json(j);
	else
		print_diff(j);
	json_decref(j);
out:
	json_decref(ds.leads);
	json_decref(ds.cold);
	cli_versions_free(vs);
	rules_free(now_r);
	rules_free(cur);
	store_close(e->store);
	e->store = NULL;
	return rc;
}

/* --- rules history ---------------------------------------------------------- */

typedef struct {
	const rules *r;
	json_t *rows;
} history_ctx;

static void
history_row(void *ctx, const store_rules_row *row)
{
	history_ctx *h = ctx;

	json_array_append_new(h->rows, json_pack("{s:s,s:I,s:s,s:I,s:I}", "version", row->hash,
						 "active_from", (json_int_t)row->at, "by", row->by,
						 "first_used_at", (json_int_t)row->first_used_at,
						 "leads", (json_int_t)row->leads));
}

static int
history(cli_env *e)
{
	history_ctx h = { NULL, json_array() };
	size_t i;
	json_t *v;
	int rc;

	e->rules_by = "cli";
	if ((rc = cli_open(e, true)) != EXIT_OK) {
		json_decref(h.rows);
		return rc;
	}
	h.r = e->rules;
	if (store_rules_history(e->store, e->business_id, 1000, history_row, &h) < 0) {
		json_decref(h.rows);
		cli_close(e);
		return cli_fail(EXIT_RUNTIME, "cannot read the rules versions: %s",
				store_errmsg(e->store));
	}
	if (e->json) {
		cli_print_json(h.rows);
	} else {
		puts("Active from           Version       By            Leads on it");
		json_array_foreach(h.rows, i, v) {
			char when[40], iso[32], vs[13];
			time_t t = (time_t)json_integer_value(json_object_get(v, "active_from"));
			struct tm tm;

			gmtime_r(&t, &tm);
			strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
			cli_local_time(e->rules, iso, when, sizeof when);
			printf("%-21s %-13s %-13s %lld\n", when,
			       rules_version_short(cli_str(v, "version", NULL), vs),
			       cli_str(v, "by", "?"),
			       (long long)json_integer_value(json_object_get(v, "leads")));
		}
	}
	json_decref(h.rows);
	cli_close(e);
	return EXIT_OK;
}

int
cmd_rules(int argc, char **argv)
{
	cli_env e;
	const char *sub = argc > 1 ? argv[1] : NULL;
	char path[4096];
	FILE *f;
	bool syntax_only = false;
	int opt;

	cli_env_init(&e);
	if (sub == NULL)
		return cli_usage(rules_help, "rules: missing subcommand");
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(rules_help, stdout);
		return EXIT_OK;
	}
	optind = 1;
	while ((opt = getopt_long(argc - 1, argv + 1, "", rules_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		if (opt == 'h') {
			fputs(rules_help, stdout);
			return EXIT_OK;
		}
		if (opt == 'S' && strcmp(sub, "check") == 0) {
			syntax_only = true;
			continue;
		}
		return cli_usage(rules_help, "rules %s: bad option", sub);
	}
	argv += 1 + optind;
	argc -= 1 + optind;
	if (strcmp(sub, "show-default") == 0) {
		fputs(rules_default_yaml, stdout);
		return EXIT_OK;
	}
	if (strcmp(sub, "diff") == 0) {
		if (argc != 1)
			return cli_usage(rules_help, "rules diff: give the new rules file");
		return diff(&e, argv[0]);
	}
	if (strcmp(sub, "history") == 0)
		return history(&e);
	if (strcmp(sub, "check") != 0)
		return cli_usage(rules_help, "rules: unknown subcommand \"%s\"", sub);
	if (argc > 0)
		return check(argv[0], e.json, syntax_only);
	if (e.rules_path != NULL)
		return check(e.rules_path, e.json, syntax_only);
	snprintf(path, sizeof path, "%s/rules.yaml", cli_files_dir(&e));
	if ((f = fopen(path, "r")) != NULL) {
		fclose(f);
		return check(path, e.json, syntax_only);
	}
	return check(NULL, e.json, syntax_only);
}

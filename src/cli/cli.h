/*
 * cli.h - what every subcommand shares: exit codes, the common options
 * (--data, --rules, --json, --help), opening the rules and the store, the
 * clock, and printing.
 */
#ifndef LK_CLI_H
#define LK_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/rules.h"
#include "flow/flow.h"
#include "rules/rules_load.h"
#include "store/store.h"

/* Stable exit codes, documented in `leadkeep --help`. */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,	/* the command could not do its work */
	EXIT_USAGE = 2,		/* wrong arguments */
	EXIT_CONFIG = 3,	/* bad rules file or configuration */
};

typedef struct {
	const char *data;	/* --data, $LEADKEEP_DATA, ./leadkeep-data: a data
				 * directory or a PostgreSQL address */
	const char *files;	/* --files, $LEADKEEP_FILES; NULL = see cli_files_dir() */
	const char *rules_path;	/* --rules; NULL = DATA/rules.yaml, else the default */
	char rules_file[4096];	/* after cli_open: the file loaded, "" = the built-in rules */
	bool json;
	rules *rules;
	store *store;
	int64_t business_id;
	const char *rules_by;	/* who uses the rules, for the versions kept in the
				 * database: "cli" unless the command says */
	const char *business;	/* --business SLUG; NULL = the install's own */
	char business_file[4096]; /* after cli_open: that business's file */
} cli_env;

/* Options every subcommand accepts; 'D', 'F', 'R', 'j', 'B', 'h' are reserved. */
#define CLI_COMMON_OPTIONS \
	{ "data", required_argument, NULL, 'D' }, \
	{ "files", required_argument, NULL, 'F' }, \
	{ "rules", required_argument, NULL, 'R' }, \
	{ "json", no_argument, NULL, 'j' }, \
	{ "business", required_argument, NULL, 'B' }, \
	{ "help", no_argument, NULL, 'h' }

#define CLI_COMMON_HELP \
	"Common options:\n" \
	"  --data DIR     data directory (default $LEADKEEP_DATA or ./leadkeep-data), or a\n" \
	"                 PostgreSQL database: postgres://[USER@]HOST[:PORT]/DB[?...]\n" \
	"  --files DIR    leadkeep's own files (rules.yaml, link.key, outbox.log); default\n" \
	"                 $LEADKEEP_FILES, else the data directory, else ./leadkeep-data\n" \
	"  --rules FILE   rules file (default FILES/rules.yaml, else the built-in demo)\n" \
	"  --json         machine-readable output\n" \
	"  --business SLUG  one of the install's businesses (leadkeep business list);\n" \
	"                 its file is the rules unless --rules says (default: the\n" \
	"                 install's own business)\n" \
	"  --help         this help\n" \
	"Exit codes: 0 ok, 1 runtime or storage error, 2 usage error (also an ID that names\n" \
	"nothing), 3 bad rules or configuration.\n"

void cli_env_init(cli_env *e);
/* Where leadkeep keeps its own files - the rules file it reads by default,
 * the link key, the outbox log, the dispatcher's lock, spilled request
 * bodies: --files, else the data directory, else (the data is a PostgreSQL
 * address, store_is_address) ./leadkeep-data. */
const char *cli_files_dir(const cli_env *e);

/* The slug of the business a command works on: --business, else the
 * install's own ("default"). */
const char *cli_business_slug(const cli_env *e);
/* Handles a common option; returns true when opt was one. */
bool cli_common_option(cli_env *e, int opt, const char *arg);

/* Loads the rules (printing every problem) and, when want_store, opens the
 * store, syncs the business and records the rules version in use (see
 * store_rules_activate; by e->rules_by). Returns EXIT_OK or the code to exit
 * with; on failure nothing is left open. */
int cli_open(cli_env *e, bool want_store);
void cli_close(cli_env *e);

/* --- rules files and versions (cli_rules.c) ------------------------------ */

/* Reads the rules a command uses: --rules FILE, else DATA/rules.yaml when it
 * exists, else the built-in default. NULL when they have errors (diags says
 * which; the caller frees diags either way). name (may be NULL) receives the
 * file's name as diagnostics print it. */
rules *cli_rules_read(const cli_env *e, rules_diags *diags, char *name, size_t namelen);

/* Appends to d the problems of the business file's other sections, as serve
 * reads them: the sources and the providers, secrets checked for their
 * env:/file: form only (the variables and files are the server's). */
void cli_sections_check(const char *path, rules_diags *d);

/* Rules versions read back from the database and parsed once each, for a
 * rules change (flow_rules_version_fn). `known` rules (may be NULL) are
 * found without the database; they are borrowed. */
typedef struct cli_versions cli_versions;
cli_versions *cli_versions_new(store *s, int64_t business_id, const rules *known1,
			       const rules *known2);
const rules *cli_versions_get(void *versions, const char *version);
void cli_versions_free(cli_versions *v);

/*
 * Makes r the active rules of e's business: keeps its version (by `by`) and
 * moves every lead whose plan runs another version onto it (prev: the rules
 * that were active, when the caller still has them; may be NULL). Runs its
 * own transactions. 0, or -1 with err set; *st (may be NULL) says what moved.
 */
int cli_rules_activate(cli_env *e, const rules *r, const rules *prev, const char *by,
		       int64_t now, flow_rules_stats *st, char *err, size_t errlen);

/* Now, as UTC seconds. $LEADKEEP_NOW (ISO 8601, e.g. 2026-11-24T20:02:00Z)
 * overrides the clock: the seam the tests use. */
int64_t cli_now(void);

/* Parses "2026-11-24T20:02:00Z" / "2026-11-24 14:02" (local to the rules'
 * zone when no Z or offset) into UTC seconds. Returns 0 / -1. */
int cli_parse_time(const rules *r, const char *s, int64_t *out);

/* "1200", "1,200.50", "$1200" -> cents; -1 when not an amount. */
int64_t cli_parse_amount(const char *s);
/* A positive decimal id, or -1. */
int64_t cli_parse_id(const char *s);

/* An ISO UTC string from the store as local time "Tue Nov 24 2:02 PM". */
void cli_local_time(const rules *r, const char *iso, char *buf, size_t len);

int cli_usage(const char *help, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The one mapping of a refused change to an exit code: not found, invalid
 * or conflict is the command's fault (2); busy or a storage error is not (1).
 * Prints err and returns the code. */
int cli_flow_fail(flow_result r, const char *err);
void cli_print_json(json_t *j);
/* o[key] as a string, or dflt when absent or not a string. */
const char *cli_str(const json_t *o, const char *key, const char *dflt);

/* Subcommands: argc/argv start at the subcommand's own name. */
int cmd_serve(int argc, char **argv);
int cmd_lead(int argc, char **argv);
int cmd_task(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_demo_users(int argc, char **argv);
int cmd_demo_seed(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_appointments(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_business(int argc, char **argv);

#endif

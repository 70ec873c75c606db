/*
 * cmd_rules.c - `leadkeep rules check FILE` and `rules show-default`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "rules/rules_load.h"

static const char rules_help[] =
	"Usage: leadkeep rules check [FILE]   validate a rules file (default: the one in use)\n"
	"       leadkeep rules show-default   print the built-in demo rules to start from\n"
	"\n"
	"check prints every problem as FILE:LINE:COL: error|warning: message and exits 3\n"
	"when there is an error, 0 otherwise (warnings alone do not fail).\n"
	"\n" CLI_COMMON_HELP;

static const struct option rules_options[] = {
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static int
check(const char *path, bool json)
{
	rules_diags d = { 0 };
	rules *r;
	int rc;

	if (path != NULL)
		r = rules_load_file(path, &d);
	else
		r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml),
				      RULES_DEFAULT_NAME, &d);
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < d.n; i++)
			json_array_append_new(arr, json_pack("{s:s,s:i,s:i,s:s,s:s}",
							     "file", d.items[i].file,
							     "line", d.items[i].line,
							     "col", d.items[i].col,
							     "severity", d.items[i].warning ?
							     "warning" : "error",
							     "message", d.items[i].message));
		cli_print_json(arr);
		json_decref(arr);
	} else {
		rules_diags_print(&d, stdout);
		if (r != NULL)
			printf("%s: ok (%zu people, %zu routing rules, %zu sequences, %zu warnings)\n",
			       path ? path : RULES_DEFAULT_NAME, r->npeople, r->nroutes,
			       r->nsequences, d.n - d.nerrors);
	}
	rc = r != NULL ? EXIT_OK : EXIT_CONFIG;
	rules_free(r);
	rules_diags_free(&d);
	return rc;
}

int
cmd_rules(int argc, char **argv)
{
	cli_env e;
	const char *sub = argc > 1 ? argv[1] : NULL;
	char path[4096];
	FILE *f;
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
		return cli_usage(rules_help, "rules %s: bad option", sub);
	}
	argv += 1 + optind;
	argc -= 1 + optind;
	if (strcmp(sub, "show-default") == 0) {
		fputs(rules_default_yaml, stdout);
		return EXIT_OK;
	}
	if (strcmp(sub, "check") != 0)
		return cli_usage(rules_help, "rules: unknown subcommand \"%s\"", sub);
	if (argc > 0)
		return check(argv[0], e.json);
	if (e.rules_path != NULL)
		return check(e.rules_path, e.json);
	snprintf(path, sizeof path, "%s/rules.yaml", e.data);
	if ((f = fopen(path, "r")) != NULL) {
		fclose(f);
		return check(path, e.json);
	}
	return check(NULL, e.json);
}

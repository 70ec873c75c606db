/*
 * cmd_calendar.c - `leadkeep calendar token PERSON [--revoke]`: a person's
 * private calendar address (GET /cal/TOKEN.ics, their open tasks). A new
 * address replaces the old one; it is printed once, only its hash is kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char calendar_help[] =
	"Usage: leadkeep calendar token PERSON [--revoke] [--base URL]\n"
	"\n"
	"Prints a new private calendar address for PERSON (a person id of the rules):\n"
	"their open tasks as an iCalendar feed, to subscribe to in a phone's calendar.\n"
	"Anyone with the address sees the tasks: a new one ends the old one, and\n"
	"--revoke ends it without a new one.\n"
	"\n"
	"  --revoke      end PERSON's calendar address\n"
	"  --base URL    the server's address as the phone reaches it (default\n"
	"                $LEADKEEP_PUBLIC_URL, else http://127.0.0.1:8080)\n"
	"\n" CLI_COMMON_HELP;

static const struct option calendar_options[] = {
	{ "revoke", no_argument, NULL, 'r' },
	{ "base", required_argument, NULL, 'b' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

int
cmd_calendar(int argc, char **argv)
{
	cli_env e;
	const char *person, *base = getenv("LEADKEEP_PUBLIC_URL");
	char token[STORE_CAL_TOKEN_LEN], err[256];
	bool revoke = false;
	int opt, rc;

	cli_env_init(&e);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", calendar_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(calendar_help, stdout); return EXIT_OK;
		case 'r': revoke = true; break;
		case 'b': base = optarg; break;
		default: return cli_usage(calendar_help, "calendar: bad option");
		}
	}
	if (optind >= argc || strcmp(argv[optind], "token") != 0)
		return cli_usage(calendar_help, "calendar: expected \"token PERSON\"");
	if (optind + 1 >= argc)
		return cli_usage(calendar_help, "calendar token: missing PERSON");
	if (optind + 2 < argc)
		return cli_usage(calendar_help, "calendar: unexpected argument \"%s\"",
				 argv[optind + 2]);
	person = argv[optind + 1];
	if ((rc = cli_open(&e, true)) != EXIT_OK)
		return rc;
	if (rules_person_find(e.rules, person) == NULL) {
		cli_close(&e);
		return cli_fail(EXIT_USAGE, "calendar: no person \"%s\" in the rules", person);
	}
	if (revoke) {
		rc = store_calendar_revoke(e.store, e.business_id, person, cli_now());
		cli_close(&e);
		if (rc < 0)
			return cli_fail(EXIT_RUNTIME, "cannot revoke: the database failed");
		if (rc == 0)
			return cli_fail(EXIT_USAGE, "%s has no calendar address", person);
		printf("The calendar address of %s no longer works\n", person);
		return EXIT_OK;
	}
	if (store_begin(e.store) < 0 ||
	    store_calendar_token(e.store, e.business_id, person, cli_now(), token, err,
				 sizeof err) < 0 || store_commit(e.store) < 0) {
		store_rollback(e.store);
		cli_close(&e);
		return cli_fail(EXIT_RUNTIME, "calendar address not saved: %s", err);
	}
	if (base == NULL || *base == '\0')
		base = "http://127.0.0.1:8080";
	printf("%.*s/cal/%s.ics\n", (int)(strlen(base) - (base[strlen(base) - 1] == '/')), base,
	       token);
	fprintf(stderr, "A calendar address for %s: it is shown only now, and any earlier one "
		"stopped working.\n", person);
	cli_close(&e);
	return EXIT_OK;
}

/*
 * main.c - leadkeep's entry point: git-style subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef LK_VERSION
#define LK_VERSION "0.1.0"
#endif

static const char usage[] =
	"leadkeep - every lead gets an owner, a next action, a due time and a recovery path.\n"
	"\n"
	"Usage: leadkeep COMMAND [OPTIONS]\n"
	"\n"
	"Commands:\n"
	"  serve                 run the server: intake, scheduler, delivery\n"
	"  lead add|list|show|edit|stage|log|owner|opt-out|callback|pause|resume|followup\n"
	"                        work with leads\n"
	"  task list|done        the task queue\n"
	"  appointments list|book|reschedule|confirm|cancel|done|no-show\n"
	"                        a technician's day; book and follow up visits\n"
	"  rules check|diff|history|show-default\n"
	"                        validate a rules file, see what an edit does to the leads\n"
	"                        in flight, the versions used, the built-in demo\n"
	"  simulate              rehearse rules on a virtual clock\n"
	"  verify                the verification checklist per source, in a sandbox\n"
	"  business add|list|show|disable|enable\n"
	"                        the businesses one install serves, each from its file\n"
	"  replay                rehearse new rules (--rules NEW) on the real history of the\n"
	"                        last 30 days: owners, messages, windows missed, cold leads\n"
	"  token create|list|revoke             API tokens for /api/v1\n"
	"  user add|list|link|grant|revoke\n"
	"                        people who sign in to the staff web app (/app/), and\n"
	"                        the other businesses an agency's admins may work\n"
	"  demo-users            sign-ins for the built-in demo (make run)\n"
	"  demo-seed             a week of leads for the built-in demo, through the engine\n"
	"  backup FILE           a consistent copy of the database, while serve runs\n"
	"  restore FILE          that copy into a new data directory (--data DIR)\n"
	"  export                every lead as CSV or JSON lines\n"
	"  report                speed to lead, windows, owners, conversion, stage accuracy,\n"
	"                        measured from the timeline; --scorecard: the four elements\n"
	"  import FILE.csv       leads from a spreadsheet or another CRM\n"
	"  calendar token PERSON a person's private calendar address of their tasks\n"
	"  config migrate        an old serve.conf into the YAML files serve reads\n"
	"  version               print the version\n"
	"\n"
	"Run `leadkeep COMMAND --help` for a command's options.\n"
	CLI_COMMON_HELP;

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (cmd == NULL)
		return cli_usage(usage, "missing command");
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		if (argc > 2 && strcmp(argv[2], "--help") == 0) {
			puts("Usage: leadkeep version\nPrints the version and exits 0.");
			return EXIT_OK;
		}
		printf("leadkeep %s\n", LK_VERSION);
		return EXIT_OK;
	}
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(cmd, "lead") == 0)
		return cmd_lead(argc - 1, argv + 1);
	if (strcmp(cmd, "task") == 0)
		return cmd_task(argc - 1, argv + 1);
	if (strcmp(cmd, "rules") == 0)
		return cmd_rules(argc - 1, argv + 1);
	if (strcmp(cmd, "simulate") == 0)
		return cmd_simulate(argc - 1, argv + 1);
	if (strcmp(cmd, "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(cmd, "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (strcmp(cmd, "token") == 0)
		return cmd_token(argc - 1, argv + 1);
	if (strcmp(cmd, "user") == 0)
		return cmd_user(argc - 1, argv + 1);
	if (strcmp(cmd, "demo-users") == 0)
		return cmd_demo_users(argc - 1, argv + 1);
	if (strcmp(cmd, "demo-seed") == 0)
		return cmd_demo_seed(argc - 1, argv + 1);
	if (strcmp(cmd, "backup") == 0)
		return cmd_backup(argc - 1, argv + 1);
	if (strcmp(cmd, "restore") == 0)
		return cmd_restore(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "export") == 0)
		return cmd_export(argc - 1, argv + 1);
	if (strcmp(cmd, "import") == 0)
		return cmd_import(argc - 1, argv + 1);
	if (strcmp(cmd, "calendar") == 0)
		return cmd_calendar(argc - 1, argv + 1);
	if (strcmp(cmd, "appointments") == 0)
		return cmd_appointments(argc - 1, argv + 1);
	if (strcmp(cmd, "business") == 0)
		return cmd_business(argc - 1, argv + 1);
	if (strcmp(cmd, "config") == 0)
		return cmd_config(argc - 1, argv + 1);
	return cli_usage(usage, "unknown command \"%s\"", cmd);
}

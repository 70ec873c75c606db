/*
 * cmd_task.c - `leadkeep task list|done`: the queue people work from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "read/read_json.h"

static const char task_help[] =
	"Usage: leadkeep task SUBCOMMAND [OPTIONS]\n"
	"\n"
	"  list [--owner ID] [--state open|done|cancelled|reassigned] [--limit N]\n"
	"                      tasks by due time, most urgent first\n"
	"  done ID [--outcome TEXT] [--by PERSON]\n"
	"                      complete a task; the lead's automation follows it\n"
	"\n" CLI_COMMON_HELP;

static const struct option task_options[] = {
	{ "owner", required_argument, NULL, 'o' },
	{ "state", required_argument, NULL, 's' },
	{ "limit", required_argument, NULL, 'l' },
	{ "outcome", required_argument, NULL, 'O' },
	{ "by", required_argument, NULL, 'b' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static int
list(cli_env *e, const char *owner, const char *state, int limit)
{
	json_t *arr = read_tasks_json(e->store, e->business_id, owner, state, limit);
	json_t *v;
	size_t i;
	char when[48];
	int64_t now = cli_now();

	if (arr == NULL)
		return cli_fail(EXIT_RUNTIME, "cannot list tasks");
	if (e->json) {
		cli_print_json(arr);
		json_decref(arr);
		return EXIT_OK;
	}
	json_array_foreach(arr, i, v) {
		int64_t due = 0;

		cli_parse_time(NULL, cli_str(v, "due_at", ""), &due);
		cli_local_time(e->rules, cli_str(v, "due_at", NULL), when, sizeof when);
		printf("#%-5lld %-8s %-20s %s%s (lead #%lld)\n",
		       (long long)json_integer_value(json_object_get(v, "id")),
		       cli_str(v, "assignee", "-"), when,
		       strcmp(cli_str(v, "state", ""), "open") == 0 && due < now ? "OVERDUE " : "",
		       cli_str(v, "title", ""),
		       (long long)json_integer_value(json_object_get(v, "lead_id")));
	}
	if (json_array_size(arr) == 0)
		puts("No tasks.");
	json_decref(arr);
	return EXIT_OK;
}

typedef struct {
	cli_env *e;
	int64_t task_id;
	lead_event ev;
} done_change;

static flow_result
run_done(store *s, void *arg, char *err, size_t errlen)
{
	done_change *c = arg;

	return flow_task_done(s, c->e->business_id, c->e->rules, c->task_id, &c->ev, cli_now(),
			      NULL, err, errlen);
}

static int
done(cli_env *e, int64_t task_id, const char *outcome, const char *by)
{
	done_change c = { .e = e, .task_id = task_id, .ev = lead_event_init(EV_TASK_DONE) };
	char err[512] = "";
	flow_result rc;

	c.ev.outcome = outcome;
	c.ev.actor = by;
	if ((rc = flow_run(e->store, run_done, &c, err, sizeof err)) != FLOW_OK)
		return cli_flow_fail(rc, err);
	printf("Task #%lld done\n", (long long)task_id);
	return EXIT_OK;
}

int
cmd_task(int argc, char **argv)
{
	cli_env e;
	const char *sub = argc > 1 ? argv[1] : NULL;
	const char *owner = NULL, *state = NULL, *outcome = NULL, *by = NULL;
	int limit = 0, opt, rc;
	char *end;
	long long id = 0;

	cli_env_init(&e);
	if (sub == NULL)
		return cli_usage(task_help, "task: missing subcommand");
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(task_help, stdout);
		return EXIT_OK;
	}
	optind = 1;
	while ((opt = getopt_long(argc - 1, argv + 1, "", task_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(task_help, stdout); return EXIT_OK;
		case 'o': owner = optarg; break;
		case 's': state = optarg; break;
		case 'l': limit = atoi(optarg); break;
		case 'O': outcome = optarg; break;
		case 'b': by = optarg; break;
		default: return cli_usage(task_help, "task %s: bad option", sub);
		}
	}
	argv += 1 + optind;
	argc -= 1 + optind;
	if (strcmp(sub, "done") == 0) {
		if (argc < 1 || (id = strtoll(argv[0], &end, 10)) <= 0 || *end != '\0')
			return cli_usage(task_help, "task done: expected a task ID");
	} else if (strcmp(sub, "list") != 0) {
		return cli_usage(task_help, "task: unknown subcommand \"%s\"", sub);
	}
	if ((rc = cli_open(&e, true)) == EXIT_OK)
		rc = strcmp(sub, "list") == 0 ? list(&e, owner, state, limit) :
		     done(&e, id, outcome, by);
	cli_close(&e);
	return rc;
}

/*
 * cmd_report.c - `leadkeep report`: what really happened to the leads of a
 * period, from their timelines (src/report/), as a table, JSON or CSV; and
 * `--scorecard`, the four elements of every active lead now. Reads only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report/report.h"

static const char report_help[] =
	"Usage: leadkeep report [--period 7d | --since TIME [--until TIME]]\n"
	"                       [--by source|owner|kind|hour] [--csv] [--limit N]\n"
	"       leadkeep report --scorecard [--csv] [--limit N]\n"
	"\n"
	"Measured from what happened (the timeline), never from stages typed by hand:\n"
	"speed to lead (acknowledged, attempted, reached; wall and business time),\n"
	"response windows, owners, unworked and stale leads, their cost, conversion\n"
	"and loss, stage accuracy. Every figure is defined in docs/reports.md.\n"
	"\n"
	"  --period N[h|d|w]  the leads that arrived in the last N hours, days, weeks\n"
	"                     (default 7d)\n"
	"  --since TIME       from TIME (2026-11-24, 2026-11-24 14:02 local, or ...Z)\n"
	"  --until TIME       to TIME, not included (default now)\n"
	"  --by WHAT          also split by source, owner, kind or hour of the week\n"
	"  --csv              figure,value rows (--json: the whole document)\n"
	"  --limit N          most leads in each list (default 50; counts are whole)\n"
	"  --scorecard        owner, next action, timing and recovery of every active\n"
	"                     lead, the grade (1-4) and the defects\n"
	"\n" CLI_COMMON_HELP;

static const struct option report_options_long[] = {
	{ "period", required_argument, NULL, 'p' },
	{ "since", required_argument, NULL, 's' },
	{ "until", required_argument, NULL, 'u' },
	{ "by", required_argument, NULL, 'b' },
	{ "csv", no_argument, NULL, 'c' },
	{ "limit", required_argument, NULL, 'l' },
	{ "scorecard", no_argument, NULL, 'S' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

/* "7d", "24h", "2w" -> seconds; -1 when not one. */
static int64_t
period_seconds(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (end == s || n <= 0 || n > 3660 || end[1] != '\0')
		return -1;
	switch (*end) {
	case 'h': return (int64_t)n * 3600;
	case 'd': return (int64_t)n * 86400;
	case 'w': return (int64_t)n * 7 * 86400;
	default: return -1;
	}
}

int
cmd_report(int argc, char **argv)
{
	cli_env e;
	report_options o = { .by = REPORT_BY_NONE };
	const char *period = NULL, *since = NULL, *until = NULL;
	bool csv = false, card = false;
	char err[256];
	json_t *doc;
	int opt, rc;
	int64_t secs = 7 * 86400;

	cli_env_init(&e);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", report_options_long, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(report_help, stdout); return EXIT_OK;
		case 'p': period = optarg; break;
		case 's': since = optarg; break;
		case 'u': until = optarg; break;
		case 'c': csv = true; break;
		case 'S': card = true; break;
		case 'b':
			if (report_by_parse(optarg, &o.by) < 0)
				return cli_usage(report_help, "report: --by is source, owner, kind "
						 "or hour, not \"%s\"", optarg);
			break;
		case 'l': {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end != '\0' || n < 1 || n > 100000)
				return cli_usage(report_help, "report: --limit is a number from 1 "
						 "to 100000, not \"%s\"", optarg);
			o.list_max = (int)n;
			break;
		}
		default: return cli_usage(report_help, "report: bad option");
		}
	}
	if (optind < argc)
		return cli_usage(report_help, "report: unexpected argument \"%s\"", argv[optind]);
	if (period != NULL && (since != NULL || until != NULL))
		return cli_usage(report_help, "report: --period or --since/--until, not both");
	if (period != NULL && (secs = period_seconds(period)) < 0)
		return cli_usage(report_help, "report: --period is a number and h, d or w "
				 "(7d), not \"%s\"", period);
	if (csv && e.json)
		return cli_usage(report_help, "report: --csv or --json, not both");
	if ((rc = cli_open(&e, true)) != EXIT_OK)
		return rc;
	o.now = cli_now();
	o.to = o.now;
	o.from = o.now - secs;
	if (until != NULL && cli_parse_time(e.rules, until, &o.to) < 0) {
		cli_close(&e);
		return cli_usage(report_help, "report: --until \"%s\" is not a time like "
				 "2026-11-24 or 2026-11-24 14:02", until);
	}
	if (since != NULL && cli_parse_time(e.rules, since, &o.from) < 0) {
		cli_close(&e);
		return cli_usage(report_help, "report: --since \"%s\" is not a time like "
				 "2026-11-24 or 2026-11-24 14:02", since);
	}
	if (since == NULL && until != NULL)
		o.from = o.to - secs;
	if (o.from >= o.to) {
		cli_close(&e);
		return cli_usage(report_help, "report: the period ends before it starts");
	}
	doc = card ? report_scorecard(e.store, e.business_id, e.rules, &o, err, sizeof err) :
		     report_build(e.store, e.business_id, e.rules, &o, err, sizeof err);
	if (doc == NULL) {
		cli_close(&e);
		return cli_fail(EXIT_RUNTIME, "report: %s", err);
	}
	if (e.json)
		cli_print_json(doc);
	else
		rc = csv ? report_write_csv(stdout, doc) : report_write_table(stdout, doc);
	json_decref(doc);
	cli_close(&e);
	return rc < 0 ? cli_fail(EXIT_RUNTIME, "report: could not write the output") : EXIT_OK;
}

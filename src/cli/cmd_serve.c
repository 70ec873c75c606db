/*
 * cmd_serve.c - `leadkeep serve`: the HTTP server and the scheduler, until
 * SIGTERM or SIGINT. Signals are blocked in every thread and taken by the main
 * thread with sigwait(), so shutdown runs as ordinary code, not in a handler.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "http/http.h"
#include "sched/sched.h"
#include "util/log.h"

static const char serve_help[] =
	"Usage: leadkeep serve [--listen ADDR:PORT] [--threads N]\n"
	"\n"
	"Runs the HTTP server (intake, API, health checks) and the scheduler that\n"
	"fires follow-ups, escalations and reactivations on time. Stops cleanly on\n"
	"SIGTERM or SIGINT: stops accepting, finishes requests in flight, exits 0.\n"
	"\n"
	"  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080)\n"
	"  --threads N          HTTP worker threads (default: one per core)\n"
	"\n" CLI_COMMON_HELP;

static const struct option serve_options[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "threads", required_argument, NULL, 't' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static int64_t
wall_clock(void)
{
	return cli_now();
}

int
cmd_serve(int argc, char **argv)
{
	cli_env e;
	const char *listen = "127.0.0.1:8080";
	unsigned threads = 0;
	char err[512];
	sigset_t sigs;
	sched *sc = NULL;
	http_server *srv = NULL;
	int opt, sig = 0, rc;

	cli_env_init(&e);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", serve_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(serve_help, stdout); return EXIT_OK;
		case 'l': listen = optarg; break;
		case 't': threads = (unsigned)atoi(optarg); break;
		default: return cli_usage(serve_help, "serve: bad option");
		}
	}
	if (optind < argc)
		return cli_usage(serve_help, "serve: unexpected argument \"%s\"", argv[optind]);

	/* Block before any thread starts, so every thread inherits the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((rc = cli_open(&e, true)) != EXIT_OK)
		goto out;
	if ((sc = sched_start(e.data, e.rules, wall_clock, err, sizeof err)) == NULL) {
		rc = cli_fail(EXIT_RUNTIME, "%s", err);
		goto out;
	}
	srv = http_start(&(http_config){ .listen = listen, .data_dir = e.data, .rules = e.rules,
					 .business_id = e.business_id, .sched = sc,
					 .threads = threads }, err, sizeof err);
	if (srv == NULL) {
		rc = cli_fail(strstr(err, "--listen") ? EXIT_USAGE : EXIT_RUNTIME, "%s", err);
		goto out;
	}
	log_line("info", "listening", "addr=%s port=%u pid=%d data=%s business=\"%s\"", listen,
		 http_port(srv), (int)getpid(), e.data, e.rules->business.name);
	fprintf(stderr, "leadkeep: listening on http://%.*s:%u - stop with Ctrl-C or "
		"kill -TERM %d\n", (int)(strrchr(listen, ':') - listen), listen, http_port(srv),
		(int)getpid());
	while (sigwait(&sigs, &sig) != 0)
		;
	log_line("info", "stopping", "signal=%s", sig == SIGTERM ? "TERM" : "INT");
	rc = EXIT_OK;
out:
	http_stop(srv);
	sched_stop(sc);
	cli_close(&e);
	if (rc == EXIT_OK)
		log_line("info", "stopped", "status=clean");
	return rc;
}

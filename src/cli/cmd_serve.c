/*
 * cmd_serve.c - `leadkeep serve`: the HTTP server, the scheduler and the
 * outbox dispatcher, joined by one commit bus, until SIGTERM or SIGINT;
 * SIGHUP reloads the configuration (the business's file: rules, sources and
 * providers; the server's file), all or nothing. Signals are blocked in every
 * thread and taken by the main thread with sigwait(), so shutdown and
 * reloads run as ordinary code, not in a handler.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef LK_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#else
#define sd_notify(unset, state) ((void)0)
#define sd_notifyf(unset, ...) ((void)0)
#endif

#include "cli.h"
#include "serve_digest.h"
#include "deliver/deliver.h"
#include "health/health_watch.h"
#include "http/http.h"
#include "sched/sched.h"
#include "serve_businesses.h"
#include "store/store_bus.h"
#include "util/log.h"
#include "web/web_reports_cache.h"

static const char serve_help[] =
	"Usage: leadkeep serve [--config FILE] [--listen ADDR:PORT] [--threads N]\n"
	"\n"
	"Runs the HTTP server (intake, API, health checks) and the scheduler that\n"
	"fires follow-ups, escalations and reactivations on time. Stops cleanly on\n"
	"SIGTERM or SIGINT: stops accepting, finishes requests in flight, exits 0.\n"
	"SIGHUP reads the configuration again - the business's file (rules, sources,\n"
	"providers) and the server's file: any error is refused (each FILE:LINE:COL\n"
	"logged) and everything in force stays; good files take over: the rules' version\n"
	"is kept and the leads in flight move onto it (see `rules diff`), sources and\n"
	"request limits apply to the next request, providers once the messages in\n"
	"flight are done. Listen, threads and connection limits apply at the next start.\n"
	"It hosts every enabled business of `leadkeep business list` too, each on its own\n"
	"rules and providers (its file), taking turns at the scheduler and the dispatcher;\n"
	"SIGHUP also takes the businesses added, enabled or disabled since.\n"
	"\n"
	"  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080)\n"
	"  --threads N          HTTP worker threads (default: 32 per core, 32..256)\n"
	"  --deliver-log FILE   where the log provider writes (default FILES/outbox.log)\n"
	"  --config FILE        the server's file, e.g. /etc/leadkeep/server.yaml: listen,\n"
	"                       threads, proxies, limits, data, files and rules (see\n"
	"                       leadkeep-server.yaml(5)); sources and providers are in the\n"
	"                       business's file (--rules; docs/sources.md, docs/delivery.md)\n"
	"\n" CLI_COMMON_HELP;

static const struct option serve_options[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "threads", required_argument, NULL, 't' },
	{ "deliver-log", required_argument, NULL, 'L' },
	{ "config", required_argument, NULL, 'c' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

/* The rules file's text as serve loaded it, for the web app's Rules page
 * (a file changed later is not what runs). NULL when it cannot be read or
 * is over a megabyte (the loader's own limit); caller frees. */
static char *
read_rules_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1024 * 1024, n;
	char *text;

	if (f == NULL)
		return NULL;
	if ((text = malloc(cap + 1)) != NULL) {
		n = fread(text, 1, cap + 1, f);
		if (ferror(f) || n > cap) {
			free(text);
			text = NULL;
		} else {
			text[n] = '\0';
		}
	}
	fclose(f);
	return text;
}

static int64_t
wall_clock(void)
{
	return cli_now();
}

/* Says what a rules change did to the leads in flight, on one log line. */
static void
log_moved(const char *what, const rules *r, const flow_rules_stats *st)
{
	char v[13];

	log_line("info", what, "version=%s leads=%zu changed=%zu cancelled=%zu moved=%zu "
		 "added=%zu not_applied=%zu cold_sooner=%zu", rules_version_short(r->version, v),
		 st->leads, st->changed, st->cancelled, st->moved, st->added, st->not_applied,
		 st->cold_sooner);
}

/* What a reload needs besides the rules: the files and every settings
 * version put in force (requests may still read an old one). */
typedef struct {
	const char *config;	/* --config; NULL = defaults */
	http_server *srv;
	deliver *dl;
	deliver_options dopt;	/* to read the providers again */
	char pub[300];		/* the links' base without a public_url */
	const settings *now;	/* in force */
	settings **kept;
	size_t nkept;
} serve_conf;

/* Every problem of a refused file on its own log line, FILE:LINE:COL first. */
static void
log_problems(const rules_diags *d, const char *what)
{
	for (size_t i = 0; i < d->n; i++) {
		char q[1024], line[900];

		if (d->items[i].line > 0)
			snprintf(line, sizeof line, "%s:%d:%d: %s: %s", d->items[i].file,
				 d->items[i].line, d->items[i].col,
				 d->items[i].warning ? "warning" : "error", d->items[i].message);
		else
			snprintf(line, sizeof line, "%s: %s: %s", d->items[i].file,
				 d->items[i].warning ? "warning" : "error", d->items[i].message);
		log_line(d->items[i].warning ? "warn" : "error", what, "problem=%s",
			 log_quote(line, q, sizeof q));
	}
}

/* The rest of the configuration for a reload: the server's file, the
 * business file's sources, and its providers (*dc). NULL after logging
 * every problem. */
static settings *
reload_settings(serve_conf *sc, const char *business, deliver_config **dc)
{
	rules_diags d;
	settings *st = settings_load(sc->config, &d);
	char err[512] = "";

	if (st == NULL)
		goto refused;
	rules_diags_free(&d);
	if (settings_load_sources(st, business, false, &d) < 0)
		goto refused;
	rules_diags_free(&d);
	sc->dopt.business_file = business;
	sc->dopt.public_url = st->public_url ? st->public_url : sc->pub;
	*dc = deliver_config_load(&sc->dopt, &d, err, sizeof err);
	sc->dopt.business_file = NULL;	/* borrowed for the call */
	sc->dopt.public_url = NULL;
	if (*dc == NULL)
		goto refused;
	rules_diags_free(&d);
	return st;
refused:
	log_problems(&d, "config_problem");
	if (d.n == 0 && err[0] != '\0') {	/* not the file's fault: the link key, memory */
		char q[600];

		log_line("error", "config_problem", "problem=%s", log_quote(err, q, sizeof q));
	}
	log_line("error", "config_refused", "errors=%zu kept=current", d.nerrors ? d.nerrors : 1);
	rules_diags_free(&d);
	settings_free(st);
	return NULL;
}

static bool
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Says which changed keys wait for a restart: they shaped the listening
 * socket, the thread pool or the data in use. */
static void
log_at_restart(const settings *was, const settings *st)
{
	char keys[256] = "";

#define CHANGED(cond, name) \
	if (cond) \
		snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", \
			 keys[0] ? " " : "", name)
	CHANGED(!same_str(was->listen, st->listen), "listen");
	CHANGED(was->threads != st->threads, "threads");
	CHANGED(!same_str(was->data_dir, st->data_dir), "data");
	CHANGED(!same_str(was->files_dir, st->files_dir), "files");
	CHANGED(!same_str(was->rules_file, st->rules_file), "rules");
	CHANGED(was->connection_limit != st->connection_limit, "connection_limit");
	CHANGED(was->per_ip_connection_limit != st->per_ip_connection_limit,
		"per_ip_connection_limit");
	CHANGED(was->connection_timeout != st->connection_timeout, "connection_timeout");
	CHANGED(was->body_memory != st->body_memory, "body_memory");
#undef CHANGED
	if (keys[0] != '\0')
		log_line("warn", "config_at_restart", "keys=\"%s\"", keys);
}

/* Keeps st for the rest of the run and puts it in force. */
static void
reload_apply_settings(serve_conf *sc, settings *st)
{
	settings **k = realloc(sc->kept, (sc->nkept + 1) * sizeof *k);

	if (k == NULL) {
		log_line("error", "config_refused", "error=\"out of memory\"");
		settings_free(st);
		return;
	}
	sc->kept = k;
	k[sc->nkept++] = st;
	log_at_restart(sc->now, st);
	sc->now = st;
	http_set_settings(sc->srv, st);
	log_line("info", "config_reloaded", "config=%s sources=%zu",
		 sc->config ? sc->config : "defaults", st->nsources);
}

/*
 * SIGHUP: the configuration again, all or nothing. Refused (every problem
 * logged as FILE:LINE:COL, everything in force stays) unless the rules, the
 * sources, the providers and the server's file have no error; else the
 * rules are put in force for every thread at once (rules_live: readers never
 * see freed rules), their version kept and the leads in flight moved onto
 * them, and the settings swapped for the next request.
 */
static void
reload(cli_env *e, rules_live *live, serve_conf *sc)
{
	rules_diags d = { 0 };
	char name[4096], err[512] = "", v[13];
	const rules *old = rules_live_get(live);
	flow_rules_stats st;
	rules *r = cli_rules_read(e, &d, name, sizeof name);
	deliver_config *dc = NULL;
	settings *nst;

	if (r == NULL) {
		log_problems(&d, "rules_problem");
		log_line("error", "rules_refused", "file=%s errors=%zu kept=%s", name, d.nerrors,
			 rules_version_short(old->version, v));
		rules_diags_free(&d);
		return;
	}
	rules_diags_free(&d);
	if ((nst = reload_settings(sc, strcmp(name, RULES_DEFAULT_NAME) == 0 ? NULL : name,
				   &dc)) == NULL) {
		log_line("error", "rules_refused", "file=%s errors=0 reason=configuration kept=%s",
			 name, rules_version_short(old->version, v));
		rules_free(r);
		return;
	}
	reload_apply_settings(sc, nst);
	deliver_reconfigure(sc->dl, dc);	/* once the messages in flight are done */
	if (strcmp(r->version, old->version) == 0) {
		log_line("info", "rules_unchanged", "file=%s version=%s", name,
			 rules_version_short(r->version, v));
		rules_free(r);
		return;
	}
	if (rules_live_set(live, r) < 0) {
		log_line("error", "rules_refused", "file=%s error=\"out of memory\"", name);
		return;
	}
	log_line("info", "rules_reloaded", "file=%s version=%s was=%s people=%zu sequences=%zu",
		 name, rules_version_short(r->version, v), rules_version_short(old->version, err),
		 r->npeople, r->nsequences);
	err[0] = '\0';
	if (cli_rules_activate(e, r, old, "serve reload", cli_now(), &st, err, sizeof err) < 0) {
		char q[600];

		/* The rules are in force; leads not moved yet move at the next
		 * reload or start. */
		log_line("error", "rules_leads_not_moved", "error=%s", log_quote(err, q, sizeof q));
	} else {
		log_moved("rules_leads_moved", r, &st);
	}
}

/* Businesses a SIGHUP can add to the web server's list besides those hosted
 * at start (http_set_businesses: the list never moves while it runs);
 * more wait for the next start. */
#define HOSTED_ROOM 1024

/* What a SIGHUP's change of businesses (serve_businesses_sync) tells the
 * threads that serve them. */
typedef struct {
	cli_env *e;
	serve_businesses *others;
	http_business *hosted;	/* others.n + HOSTED_ROOM */
	size_t nhosted;		/* published to the server */
	size_t cap;
	sched *sc;
	deliver *dl;
	health_watch *hw;
	serve_digest *dg;
	serve_conf *conf;
} serve_hosting;

static deliver_config **other_configs(cli_env *e, const settings *st, const serve_conf *sc,
				      serve_businesses *others, size_t *n);

/*
 * Puts the hosted set in force: the web server (a business added is
 * appended, one disabled has its rules taken away: its keys and tokens
 * name nobody), the scheduler's turns, the dispatcher's providers, the
 * health watch and the weekly digest.
 */
static void
rehost(serve_hosting *h)
{
	serve_businesses *o = h->others;
	sched_business *turns = calloc(o->n + 1, sizeof *turns);
	health_watch_business *watched = calloc(o->n + 1, sizeof *watched);
	serve_digest_business *digests = calloc(o->n + 1, sizeof *digests);
	size_t non = 0;
	deliver_config **ocfg;
	size_t nturns = 0, nocfg = 0;

	for (size_t i = 0; i < o->n && i < h->cap; i++) {
		const rules_live *live = o->items[i].off ? NULL : o->items[i].live;

		if (i < h->nhosted) {
			__atomic_store_n(&h->hosted[i].live, live, __ATOMIC_RELEASE);
			continue;
		}
		h->hosted[i] = (http_business){ o->items[i].id, live, o->items[i].sources,
						 o->items[i].file };
	}
	if (o->n > h->cap)
		log_line("warn", "businesses_at_restart", "hosted=%zu room=%zu note=\"the others "
			 "are hosted at the next start\"", h->cap, h->cap);
	h->nhosted = o->n < h->cap ? o->n : h->cap;
	http_set_businesses(h->conf->srv, h->nhosted);
	if (turns != NULL) {
		turns[nturns++] = (sched_business){ h->e->business_id, h->conf->dopt.live };
		for (size_t i = 0; i < h->nhosted; i++)
			if (!o->items[i].off)
				turns[nturns++] = (sched_business){ o->items[i].id, o->items[i].live };
	}
	if (turns == NULL || sched_set_businesses(h->sc, turns, nturns) < 0)
		log_line("error", "businesses_not_scheduled", "error=\"out of memory\"");
	free(turns);
	for (size_t i = 0; watched != NULL && digests != NULL && i < h->nhosted; i++) {
		if (o->items[i].off)
			continue;
		watched[non] = (health_watch_business){ o->items[i].id, o->items[i].slug,
							o->items[i].live };
		digests[non++] = (serve_digest_business){ o->items[i].id, o->items[i].slug,
							  o->items[i].live };
	}
	if (watched == NULL || digests == NULL ||
	    health_watch_set_businesses(h->hw, watched, non) < 0 ||
	    serve_digest_set_businesses(h->dg, digests, non) < 0)
		log_line("error", "businesses_not_watched", "error=\"out of memory\"");
	free(watched);
	free(digests);
	if ((ocfg = other_configs(h->e, h->conf->now, h->conf, o, &nocfg)) == NULL ||
	    deliver_set_others(h->dl, ocfg, nocfg) < 0)
		log_line("error", "businesses_not_delivering", "error=\"out of memory\"");
	free(ocfg);
}

static bool
dispatcher_running(void *dl)
{
	return deliver_running(dl);
}

/* The providers of every other business hosted (not off), *n of them
 * (caller takes them and frees the array): each business's messages leave
 * through its own providers only; one whose providers cannot be read keeps
 * its messages queued (logged). Those read with its file at start or when
 * it was added (sb->providers) are bound and taken, not read again: with
 * thousands of businesses every parse of a file counts at start. NULL when
 * out of memory. */
static deliver_config **
other_configs(cli_env *e, const settings *st, const serve_conf *sc,
	      serve_businesses *others, size_t *n)
{
	deliver_config **ocfg = calloc(others->n ? others->n : 1, sizeof *ocfg);
	char err[512], pub[300];
	rules_diags d = { 0 };

	*n = 0;
	for (size_t i = 0; ocfg != NULL && i < others->n; i++) {
		serve_business *sb = &others->items[i];
		deliver_options o = { .data_dir = e->data, .files_dir = cli_files_dir(e),
			.log_path = sc->dopt.log_path,
			.public_url = st->public_url ? st->public_url : sc->pub,
			.business_file = sb->file, .rules = rules_live_get(sb->live),
			.live = sb->live, .business_id = sb->id };
		char q[600];

		if (sb->off)
			continue;
		err[0] = '\0';
		if (sb->providers != NULL) {
			ocfg[*n] = deliver_config_bind(sb->providers, &o, err, sizeof err);
			sb->providers = NULL;
		} else
			ocfg[*n] = deliver_config_load(&o, &d, err, sizeof err);
		rules_diags_free(&d);
		if (ocfg[*n] == NULL) {
			log_line("error", "business_not_delivering", "business=%s error=%s "
				 "note=\"its messages wait queued\"", sb->slug,
				 log_quote(err, q, sizeof q));
			continue;
		}
		deliver_config_describe(ocfg[*n], pub, sizeof pub);
		log_line("info", "delivery", "business=%s %s", sb->slug, pub);
		(*n)++;
	}
	return ocfg;
}

/* Starts the outbox dispatcher once the port is known (the default base of
 * the links it hands out). */
static int
serve_deliver(cli_env *e, const rules_live *live, const settings *st, const char *listen,
	      unsigned port, const char *log_path, store_bus *bus, serve_conf *sc,
	      serve_businesses *others, deliver **out)
{
	char err[512], pub[300];
	deliver_config *cfg, **ocfg = NULL;
	size_t nocfg = 0;
	rules_diags d;

	snprintf(sc->pub, sizeof sc->pub, "http://%.*s:%u", (int)(strrchr(listen, ':') - listen),
		 listen, port);
	/* Kept for reloads, which name the files and the public URL each time. */
	sc->dopt = (deliver_options){ .data_dir = e->data, .files_dir = cli_files_dir(e),
		.log_path = log_path,
		.rules = rules_live_get(live), .live = live, .business_id = e->business_id };
	cfg = deliver_config_load(&(deliver_options){ .data_dir = e->data,
			.files_dir = cli_files_dir(e), .log_path = log_path,
			.public_url = st->public_url ? st->public_url : sc->pub,
			.business_file = e->rules_file[0] ? e->rules_file : NULL,
			.rules = rules_live_get(live), .live = live,
			.business_id = e->business_id }, &d, err, sizeof err);
	rules_diags_print(&d, stderr);
	rules_diags_free(&d);
	if (cfg == NULL)
		return cli_fail(EXIT_CONFIG, "delivery: %s", err);
	deliver_config_describe(cfg, pub, sizeof pub);
	log_line("info", "delivery", "%s", pub);
	if (others->n > 0 && (ocfg = other_configs(e, st, sc, others, &nocfg)) == NULL) {
		deliver_config_free(cfg);
		return cli_fail(EXIT_RUNTIME, "out of memory");
	}
	*out = deliver_start_many(cfg, ocfg, nocfg, wall_clock, bus, err, sizeof err);
	free(ocfg);
	if (*out == NULL)
		return cli_fail(EXIT_RUNTIME, "delivery: %s", err);
	return EXIT_OK;
}

int
cmd_serve(int argc, char **argv)
{
	cli_env e;
	const char *listen = NULL, *config = NULL;
	settings *st = NULL;
	unsigned threads = 0;
	const char *deliver_log = NULL;
	deliver *dl = NULL;
	health_watch *hw = NULL;
	serve_digest *dg = NULL;
	char err[512];
	sigset_t sigs;
	sched *sc = NULL;
	store_bus *bus = NULL;
	http_server *srv = NULL;
	char *rules_text = NULL;
	rules_live *live = NULL;
	serve_businesses others = { 0 };
	sched_business *turns = NULL;
	http_business *hosted = NULL;
	health_watch_business *watched = NULL;
	serve_digest_business *digests = NULL;
	flow_rules_stats moved;
	serve_conf conf = { 0 };
	serve_hosting hosting = { 0 };
	rules_diags d = { 0 };
	bool data_given = false, files_given = false, rules_given = false;
	char shown[512];
	int opt, sig = 0, rc;

	cli_env_init(&e);
	e.rules_by = "serve";
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", serve_options, NULL)) != -1) {
		data_given |= opt == 'D';
		files_given |= opt == 'F';
		rules_given |= opt == 'R';
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(serve_help, stdout); return EXIT_OK;
		case 'l': listen = optarg; break;
		case 't': threads = (unsigned)atoi(optarg); break;
		case 'L': deliver_log = optarg; break;
		case 'c': config = optarg; break;
		default: return cli_usage(serve_help, "serve: bad option");
		}
	}
	if (optind < argc)
		return cli_usage(serve_help, "serve: unexpected argument \"%s\"", argv[optind]);

	/* Block before any thread starts, so every thread inherits the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	conf.config = config;
	if ((st = settings_load(config, &d)) == NULL) {
		rules_diags_print(&d, stderr);
		rc = cli_fail(EXIT_CONFIG, "%s: not started", config);
		goto out;
	}
	if (listen == NULL)
		listen = st->listen ? st->listen : "127.0.0.1:8080";
	/* The command line wins over the server's file. */
	if (!data_given && st->data_dir != NULL)
		e.data = st->data_dir;
	if (!files_given && st->files_dir != NULL)
		e.files = st->files_dir;
	/* leadkeep's own files away from the database (always so with a
	 * PostgreSQL address): their directory, as store_open makes a data
	 * directory. */
	if (strcmp(cli_files_dir(&e), e.data) != 0 && mkdir(cli_files_dir(&e), 0700) < 0 &&
	    errno != EEXIST) {
		rc = cli_fail(EXIT_RUNTIME, "cannot create the files directory %s: %s",
			      cli_files_dir(&e), strerror(errno));
		goto out;
	}
	if (!rules_given && st->rules_file != NULL)
		e.rules_path = st->rules_file;
	if ((rc = cli_open(&e, true)) != EXIT_OK)
		goto out;
	if (settings_load_sources(st, e.rules_file[0] ? e.rules_file : NULL, false, &d) < 0) {
		rules_diags_print(&d, stderr);
		rc = cli_fail(EXIT_CONFIG, "%s: not started", e.rules_file);
		goto out;
	}
	/* Rules edited while serve was down: the leads in flight move onto them
	 * before anything fires. */
	err[0] = '\0';
	if (cli_rules_activate(&e, e.rules, NULL, "serve", cli_now(), &moved, err,
			       sizeof err) < 0) {
		rc = cli_fail(EXIT_RUNTIME, "moving the leads in flight onto the rules: %s", err);
		goto out;
	}
	if (moved.leads > 0)
		log_moved("rules_leads_moved", e.rules, &moved);
	/* From here every thread reads the rules in force through live. */
	live = rules_live_new(e.rules);
	e.rules = NULL;
	if (live == NULL) {
		rc = cli_fail(EXIT_RUNTIME, "out of memory");
		goto out;
	}
	/* Every commit is announced on the bus: the writer's, the scheduler's and
	 * the dispatcher's as they happen, other processes' (the CLI) within a
	 * second through the watcher. */
	if ((bus = store_bus_new()) == NULL) {
		rc = cli_fail(EXIT_RUNTIME, "out of memory");
		goto out;
	}
	if (store_bus_watch(bus, e.data, 1000, err, sizeof err) < 0) {
		rc = cli_fail(EXIT_RUNTIME, "%s", err);
		goto out;
	}
	/* The reloads' re-plans are announced like any commit. */
	store_set_bus(e.store, bus);
	/* Every other enabled business of the install, each on its own rules;
	 * the scheduler gives each its turn. */
	if (serve_businesses_load(&e, st, &others, err, sizeof err) < 0) {
		rc = cli_fail(EXIT_RUNTIME, "%s", err);
		goto out;
	}
	if ((turns = calloc(others.n + 1, sizeof *turns)) == NULL ||
	    (hosted = calloc(others.n + HOSTED_ROOM, sizeof *hosted)) == NULL ||
	    (watched = calloc(others.n + 1, sizeof *watched)) == NULL ||
	    (digests = calloc(others.n + 1, sizeof *digests)) == NULL) {
		rc = cli_fail(EXIT_RUNTIME, "out of memory");
		goto out;
	}
	turns[0] = (sched_business){ e.business_id, live };
	for (size_t i = 0; i < others.n; i++) {
		turns[i + 1] = (sched_business){ others.items[i].id, others.items[i].live };
		hosted[i] = (http_business){ others.items[i].id, others.items[i].live,
					     others.items[i].sources, others.items[i].file };
		watched[i] = (health_watch_business){ others.items[i].id, others.items[i].slug,
						      others.items[i].live };
		digests[i] = (serve_digest_business){ others.items[i].id, others.items[i].slug,
						      others.items[i].live };
	}
	if ((sc = sched_start_many(e.data, turns, others.n + 1, wall_clock, bus, err,
				   sizeof err)) == NULL) {
		rc = cli_fail(EXIT_RUNTIME, "%s", err);
		goto out;
	}
	/* The Reports page's default view of every business hosted at start,
	 * computed now and whenever its leads change (web_reports_cache.h; one
	 * a SIGHUP adds is computed when its page is first asked for). */
	{
		web_reports_business *warm = calloc(others.n + 1, sizeof *warm);
		size_t nwarm = 0;

		if (warm == NULL) {
			rc = cli_fail(EXIT_RUNTIME, "out of memory");
			goto out;
		}
		warm[nwarm++] = (web_reports_business){ e.business_id, live };
		for (size_t i = 0; i < others.n; i++)
			if (!others.items[i].off && others.items[i].live != NULL)
				warm[nwarm++] = (web_reports_business){ others.items[i].id,
									others.items[i].live };
		rc = web_reports_warm_start(&(web_reports_warm_config){ .dir = e.data,
				.businesses = warm, .n = nwarm, .clock = wall_clock, .bus = bus },
				err, sizeof err);
		free(warm);
		if (rc < 0) {
			rc = cli_fail(EXIT_RUNTIME, "%s", err);
			goto out;
		}
		rc = EXIT_OK;
	}
	if (e.rules_file[0] != '\0')
		rules_text = read_rules_text(e.rules_file);
	if ((hw = health_watch_new(&(health_watch_options){ .data_dir = e.data,
			.files_dir = cli_files_dir(&e), .live = live,
			.business_id = e.business_id, .clock = wall_clock, .others = watched,
			.nothers = others.n }, err, sizeof err)) == NULL) {
		rc = cli_fail(EXIT_RUNTIME, "health watch: %s", err);
		goto out;
	}
	srv = http_start(&(http_config){ .listen = listen, .data_dir = e.data,
					 .files_dir = cli_files_dir(&e),
					 .rules = rules_live_get(live), .live = live,
					 .rules_file = e.rules_file[0] ? e.rules_file : NULL,
					 .rules_text = rules_text,
					 .business_id = e.business_id, .sched = sc, .bus = bus,
					 .threads = threads, .settings = st, .clock = wall_clock,
					 .health = hw, .others = hosted, .nothers = others.n },
			 err, sizeof err);
	if (srv == NULL) {
		rc = cli_fail(strstr(err, "--listen") ? EXIT_USAGE : EXIT_RUNTIME, "%s", err);
		goto out;
	}
	conf.srv = srv;
	conf.now = st;
	if ((rc = serve_deliver(&e, live, st, listen, http_port(srv), deliver_log, bus, &conf,
				&others, &dl)) != EXIT_OK)
		goto out;
	conf.dl = dl;
	/* The weekly digests: their own thread, no lead's business (serve_digest.h). */
	if ((dg = serve_digest_start(e.data, live, e.business_id, digests, others.n, wall_clock,
				     dl, st->public_url, err, sizeof err)) == NULL) {
		rc = cli_fail(EXIT_RUNTIME, "digest: %s", err);
		goto out;
	}
	http_on_ready(srv, dispatcher_running, dl);
	hosting = (serve_hosting){ &e, &others, hosted, others.n, others.n + HOSTED_ROOM, sc, dl,
				   hw, dg, &conf };
	/* The self-watch tells the owner through the dispatcher's providers. */
	if (health_watch_run(hw, dl, err, sizeof err) < 0) {
		rc = cli_fail(EXIT_RUNTIME, "health watch: %s", err);
		goto out;
	}
	/* A PostgreSQL address may carry a password: never logged. */
	store_data_shown(e.data, shown, sizeof shown);
	log_line("info", "listening", "addr=%s port=%u pid=%d data=%s files=%s business=\"%s\" "
		 "businesses=%zu not_hosted=%zu", listen, http_port(srv), (int)getpid(), shown,
		 cli_files_dir(&e), rules_live_get(live)->business.name, others.n + 1,
		 others.skipped);
	fprintf(stderr, "leadkeep: listening on http://%.*s:%u - stop with Ctrl-C or "
		"kill -TERM %d\n", (int)(strrchr(listen, ':') - listen), listen, http_port(srv),
		(int)getpid());
	sd_notifyf(0, "READY=1\nSTATUS=listening on %s port %u", listen, http_port(srv));
	for (;;) {
		while (sigwait(&sigs, &sig) != 0)
			;
		if (sig != SIGHUP)
			break;
		sd_notify(0, "RELOADING=1");
		/* Businesses added, enabled or disabled since: in force now. */
		if (serve_businesses_sync(&e, conf.now, &others) > 0)
			rehost(&hosting);
		reload(&e, live, &conf);
		serve_businesses_reload(&e, &others);
		sd_notify(0, "READY=1");
	}
	log_line("info", "stopping", "signal=%s", sig == SIGTERM ? "TERM" : "INT");
	sd_notify(0, "STOPPING=1\nSTATUS=stopping: finishing requests in flight");
	rc = EXIT_OK;
out:
	if (srv != NULL) {
		http_on_ready(srv, NULL, NULL);
		http_set_health(srv, NULL);	/* no request uses the watch after this */
	}
	health_watch_stop(hw);	/* before the dispatcher it tells through */
	serve_digest_stop(dg);
	deliver_stop(dl);
	http_stop(srv);
	web_reports_cache_wait();	/* the warmer reads the rules and the bus */
	sched_stop(sc);
	if (e.store != NULL)
		store_set_bus(e.store, NULL);
	store_bus_free(bus);	/* after everything that publishes or subscribes */
	cli_close(&e);
	rules_live_free(live);	/* after every thread that reads the rules */
	serve_businesses_free(&others);
	free(turns);
	free(hosted);
	free(watched);
	free(digests);
	settings_free(st);
	for (size_t i = 0; i < conf.nkept; i++)
		settings_free(conf.kept[i]);
	free(conf.kept);
	rules_diags_free(&d);
	free(rules_text);
	if (rc == EXIT_OK)
		log_line("info", "stopped", "status=clean");
	return rc;
}

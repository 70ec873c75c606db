/*
 * http.h - the HTTP server (libmicrohttpd, thread pool): health checks, the
 * REST API and the intake webhooks. Knows nothing of SQL: handlers talk to
 * the store and intake modules; every write goes through the group-commit
 * writer (store/store_writer.h), so a 2xx always follows a durable commit.
 */
#ifndef LK_HTTP_H
#define LK_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rules.h"
#include "rules/rules_live.h"
#include "http/http_settings.h"
#include "sched/sched.h"
#include "store/store_bus.h"

struct health_watch;
/* Another business the server acts for (serve's other businesses): a
 * request reaches it by what names it - an API token of its own. */
typedef struct {
	int64_t id;
	const rules_live *live;	/* borrowed, outlives the server */
	const settings *sources; /* its forms and hooks (borrowed); may be NULL */
	const char *file;	/* its file (borrowed), for the web app's Rules page */
} http_business;

typedef struct {
	const char *listen;	/* "127.0.0.1:8080"; port 0 picks a free one */
	const char *data_dir;	/* the database: a directory or a PostgreSQL address */
	const char *files_dir;	/* link.key, spilled request bodies; NULL = data_dir */
	const rules *rules;	/* borrowed, outlives the server */
	const char *rules_file;	/* the file rules came from; NULL = the built-in rules */
	const char *rules_text;	/* its text as loaded (borrowed); NULL = unknown */
	int64_t business_id;
	sched *sched;		/* borrowed, for /readyz */
	store_bus *bus;		/* borrowed: the writer announces its commits here */
	unsigned threads;	/* 0 = settings', else 32 per core (32..256) */
	size_t max_body;	/* bytes; larger bodies get 413; 0 = settings' */
	const settings *settings; /* borrowed; NULL = defaults */
	int64_t (*clock)(void);	/* UTC seconds; NULL = time() */
	const rules_live *live;	/* borrowed, may be NULL: when given, the rules in
				 * force are read from it per request (a reload
				 * swaps them), and .rules is unused */
	struct health_watch *health; /* borrowed, may be NULL: serve's self-watch
				 * (http_set_health) */
	const http_business *others;	/* borrowed; the install's other businesses (a
				 * business whose live is NULL is disabled) */
	size_t nothers;
} http_config;

typedef struct http_server http_server;

/* Binds and starts serving (and the writer thread). NULL with err set when
 * it cannot bind. */
http_server *http_start(const http_config *cfg, char *err, size_t errlen);

/* The port actually bound (useful with port 0). */
unsigned http_port(const http_server *s);

/* Makes /readyz also require running(arg) (NULL clears it): the outbox
 * dispatcher, which starts after the server. */
void http_on_ready(http_server *s, bool (*running)(void *), void *arg);

/* Puts st (borrowed: the caller keeps every version alive until
 * http_stop) in force for the requests that start from now: sources, their
 * secrets, proxies, rate limits, body sizes and timeouts a request reads.
 * What is fixed at http_start (listen, threads, connection limits, the body
 * memory budget) stays until a restart. */
void http_set_settings(http_server *s, const settings *st);

/* A SIGHUP's businesses: the first n of the others array given at start
 * (which has room for them) are hosted from the next request on. The caller
 * writes a new one in full before publishing it, and disables one by
 * storing NULL in its live (__atomic_store_n), never moving or freeing one
 * while the server runs. */
void http_set_businesses(http_server *s, size_t n);

/* Puts serve's self-watch (borrowed) behind GET /api/v1/health/report, the
 * web app's health banner and /metrics; NULL takes it away and returns once
 * no request uses it any more (then the watch may be stopped). */
void http_set_health(http_server *s, struct health_watch *w);

/* Stops accepting, lets requests in flight finish (up to five seconds),
 * commits what the writer holds, then frees s. NULL is a no-op. */
void http_stop(http_server *s);

#endif

/*
 * http_server.c - libmicrohttpd glue: accept, route on the first callback
 * (so an oversized body, a wrong method, a wrong door key or a spent body
 * budget is refused before the body is read), read the body (capped, in
 * memory or spilled to a temporary file: http_body.h), call the handler, log
 * one logfmt line per request. Handlers never see MHD's incremental upload
 * callbacks: they get the whole body or a 413/503. Owns the group-commit
 * writer, the rate limiter, the body budget and the slow-client reaper.
 * What a handler asks of its request is in http_request.c; the answers it
 * queues, in http_reply.c.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#include "http_internal.h"
#include "util/log.h"
#include "util/metrics.h"
#include "web/web_live.h"
#include "util/mono.h"

/* Matches path against pattern; '*' captures one non-empty segment. */
static bool
route_match(const char *pattern, const char *path, const char **params, char *buf,
	    size_t buflen)
{
	size_t np = 0, used = 0;

	while (*pattern && *path) {
		if (*pattern == '*') {
			size_t n = strcspn(path, "/");

			if (n == 0 || np == HTTP_MAX_PARAMS || used + n + 1 > buflen)
				return false;
			memcpy(buf + used, path, n);
			buf[used + n] = '\0';
			params[np++] = buf + used;
			used += n + 1;
			path += n;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return *pattern == '\0' && *path == '\0';
}

typedef struct {
	http_req rq;
	char *raw_uri;
	char parambuf[256];
	http_body body;
	size_t limit;		/* body cap for this route */
	body_result body_err;	/* the body could not be kept: answer 503 */
	bool started;
	bool answered;		/* refused on the first callback */
} conn_state;

/* Seconds a client waits after a 503 for want of body memory: requests in
 * flight finish in well under that. */
#define BUSY_RETRY_AFTER 5

/* This TCP connection's deadline watch (NULL when unwatched). */
static reaper_conn *
conn_watch(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static int64_t
deadline(int seconds)
{
	return seconds > 0 ? mono_ns() + (int64_t)seconds * 1000000000 : 0;
}

/* Called by MHD with the request line's URI before anything else. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	conn_state *cs = calloc(1, sizeof *cs);

	(void)cls;
	(void)conn;
	if (cs == NULL)
		return NULL;
	body_init(&cs->body, NULL, NULL, 0);
	cs->raw_uri = strdup(uri ? uri : "/");
	if (cs->raw_uri != NULL) {
		char *q = strchr(cs->raw_uri, '?');

		cs->rq.raw_uri = cs->raw_uri;
		cs->rq.query = q ? q + 1 : NULL;
	}
	return cs;
}

typedef struct {
	int content_length;	/* Content-Length headers seen */
	bool transfer_encoding;
} framing;

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	framing *fr = cls;

	(void)kind;
	(void)value;
	if (strcasecmp(key, "Content-Length") == 0)
		fr->content_length++;
	else if (strcasecmp(key, "Transfer-Encoding") == 0)
		fr->transfer_encoding = true;
	return MHD_YES;
}

/* Two Content-Length headers, or one with Transfer-Encoding, say the body's
 * length two ways; a proxy in front may believe the other one (request
 * smuggling, RFC 9112 6.3). Refused, and the connection closed. */
static bool
framing_ambiguous(http_req *rq)
{
	framing fr = { 0 };

	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, count_framing, &fr);
	return fr.content_length > 1 || (fr.content_length > 0 && fr.transfer_encoding);
}

/* First callback: find the route and refuse what we can refuse unread. */
static enum MHD_Result
start(conn_state *cs)
{
	http_req *rq = &cs->rq;
	const settings *st = http_settings(rq);
	bool path_known = false;
	const char *cl;

	http_client_ip(rq);
	if (framing_ambiguous(rq)) {
		static const char body[] = "{\"error\":{\"code\":\"bad_request\",\"message\":"
					   "\"the body's length is given twice (two Content-Length "
					   "headers, or Content-Length with Transfer-Encoding)\"}}";

		cs->answered = true;
		http_note(rq, "error=ambiguous_length");
		return http_reply_hdr(rq, 400, "application/json", body, sizeof body - 1,
				      "Connection", "close");
	}
	for (int t = 0; t < 2 && rq->route == NULL; t++) {
		for (const http_route *r = t == 0 ? http_routes : web_routes; r->method; r++) {
			const char *params[HTTP_MAX_PARAMS] = { 0 };

			if (!route_match(r->pattern, rq->path, params, cs->parambuf,
					 sizeof cs->parambuf))
				continue;
			path_known = true;
			if (strcmp(r->method, rq->method) != 0 &&
			    !(strcmp(r->method, "GET") == 0 && strcmp(rq->method, "HEAD") == 0))
				continue;
			memcpy(rq->params, params, sizeof params);
			rq->route = r;
			break;
		}
	}
	cs->limit = rq->srv->cfg.max_body ? rq->srv->cfg.max_body : st->max_body;
	if (rq->route != NULL && rq->route->big_body && st->email_max_body > cs->limit)
		cs->limit = st->email_max_body;
	cs->answered = true;
	if (rq->route == NULL && strncmp(rq->path, "/app/", 5) == 0)
		return web_not_found(rq, path_known ? 405 : 404);
	if (rq->route == NULL && path_known)
		return http_error(rq, 405, "method_not_allowed", "this path does not accept that "
				  "method", NULL);
	if (rq->route == NULL)
		return http_error(rq, 404, "not_found", "no such path", NULL);
	if ((cl = http_header(rq, "Content-Length")) != NULL &&
	    strtoull(cl, NULL, 10) > (unsigned long long)cs->limit) {
		rq->too_large = true;
		return http_error(rq, 413, "body_too_large", "the request body is larger than "
				  "this server accepts", NULL);
	}
	for (const http_precheck *p = http_prechecks; p->handler; p++) {
		enum MHD_Result ret;

		if (p->handler == rq->route->handler && !p->check(rq, &ret))
			return ret;
	}
	/* The body's memory is promised before it is read: a sender told 503
	 * retries later, and nothing waits on a body that could not be kept. */
	body_init(&cs->body, rq->srv->budget, rq->srv->cfg.files_dir, st->body_spill);
	if (cl != NULL && body_reserve(&cs->body, (size_t)strtoull(cl, NULL, 10)) != BODY_OK)
		return http_busy(rq, BUSY_RETRY_AFTER, "the server holds as many request bodies "
				 "as it may; nothing was read, try again");
	cs->answered = false;
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	http_server *srv = cls;
	conn_state *cs = *con_cls;

	(void)version;
	if (cs == NULL || cs->raw_uri == NULL)
		return MHD_NO;
	if (!cs->started) {
		static unsigned long counter;
		unsigned long n = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);

		cs->started = true;
		cs->rq.srv = srv;
		cs->rq.business_id = srv->cfg.business_id;
		cs->rq.biz_live = srv->cfg.live;
		cs->rq.conn = conn;
		cs->rq.method = method;
		cs->rq.path = url;
		cs->rq.started_ns = mono_ns();
		snprintf(cs->rq.id, sizeof cs->rq.id, "%x-%lx", (unsigned)getpid(), n);
		/* The headers are in: now the body has its own deadline. */
		reaper_set(srv->reaper, conn_watch(conn),
			   deadline(http_settings(&cs->rq)->body_timeout), "body");
		return start(cs);
	}
	if (cs->answered) {
		*upload_size = 0;	/* already refused: drop the rest */
		return MHD_YES;
	}
	if (*upload_size > 0) {
		http_req *rq = &cs->rq;
		char err[256];

		if (!rq->too_large && cs->body_err == BODY_OK && rq->len + *upload_size <= cs->limit) {
			cs->body_err = body_append(&cs->body, upload, *upload_size, err, sizeof err);
			if (cs->body_err == BODY_IO)
				log_line("error", "request_body", "req_id=%s error=\"%s\"", rq->id, err);
			if (cs->body_err != BODY_OK)
				body_free(&cs->body);	/* drop what was kept, and its budget */
		} else if (cs->body_err == BODY_OK) {
			/* Keep reading (and dropping) so the client gets its 413. */
			rq->too_large = true;
			body_free(&cs->body);
		}
		rq->len += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}
	cs->answered = true;
	/* The whole request is in: handling it has no deadline (it may wait
	 * for the group commit). */
	reaper_set(srv->reaper, conn_watch(conn), 0, "handler");
	if (cs->rq.too_large)
		return http_error(&cs->rq, 413, "body_too_large", "the request body is larger "
				  "than this server accepts", NULL);
	if (cs->body_err == BODY_OK) {
		char err[256];
		size_t len;

		cs->body_err = body_finish(&cs->body, &cs->rq.body, &len, err, sizeof err);
		if (cs->body_err == BODY_IO)
			log_line("error", "request_body", "req_id=%s error=\"%s\"", cs->rq.id, err);
	}
	if (cs->body_err != BODY_OK)
		return http_busy(&cs->rq, BUSY_RETRY_AFTER, cs->body_err == BODY_BUSY ?
				 "the server holds as many request bodies as it may; nothing was "
				 "stored, try again" : "the request body could not be kept; nothing "
				 "was stored, try again");
	return cs->rq.route->handler(&cs->rq);
}

/* Every answer's time, from its first byte in to the answer queued, by
 * route ("POST /api/v1/leads", "any unmatched"). */
static const double http_bounds[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
				      0.5, 1, 2.5, 5, 10 };
METRICS_HISTOGRAM(http_latency, "leadkeep_http_request_duration_seconds",
		  "Time to answer a request, by route (method and pattern).", "route", http_bounds)

static const settings *
settings_of(const http_server *s)
{
	return atomic_load_explicit(&((http_server *)s)->settings_now, memory_order_acquire);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	http_server *s = cls;
	conn_state *cs = *con_cls;
	char path[256], method[64];

	if (cs == NULL)
		return;
	if (cs->started) {
		char route[96];

		snprintf(route, sizeof route, "%s %s", cs->rq.route ? cs->rq.route->method :
			 "any", cs->rq.route ? cs->rq.route->pattern : "unmatched");
		metrics_observe(&http_latency, route, (double)(mono_ns() - cs->rq.started_ns) / 1e9);
	}
	if (cs->started)
		log_line(cs->rq.status >= 500 || cs->rq.status == 0 ? "error" : "info", "request",
			 "req_id=%s method=%s path=%s status=%d dur_ms=%.3f bytes_in=%zu ip=%s%s%s",
			 cs->rq.id, log_quote(cs->rq.method, method, sizeof method),
			 log_quote(cs->rq.path, path, sizeof path),
			 cs->rq.status, (double)(mono_ns() - cs->rq.started_ns) / 1e6, cs->rq.len,
			 cs->rq.ip, cs->rq.note,
			 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=true");
	body_free(&cs->body);
	free(cs->rq.body_own);
	free(cs->raw_uri);
	free(cs);
	*con_cls = NULL;
	/* A kept-alive connection's next request: its headers' deadline. */
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		reaper_set(s->reaper, conn_watch(conn), deadline(settings_of(s)->header_timeout),
			   "headers");
}

/* MHD's own messages ("Server reached connection limit...") as logfmt, at
 * most MHD_LOG_PER_SEC a second: a flood of refused connections must not
 * become a flood of log lines. */
#define MHD_LOG_PER_SEC 10

__attribute__((format(printf, 2, 0))) static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	http_server *s = cls;
	int64_t sec = mono_ns() / 1000000000;
	unsigned dropped = 0;
	char text[256], quoted[300];
	bool show;
	size_t n;

	pthread_mutex_lock(&s->log_mu);
	if (sec != s->log_sec) {
		dropped = s->log_dropped;
		s->log_sec = sec;
		s->log_n = 0;
		s->log_dropped = 0;
	}
	show = s->log_n < MHD_LOG_PER_SEC;
	if (show)
		s->log_n++;
	else
		s->log_dropped++;
	pthread_mutex_unlock(&s->log_mu);
	if (dropped > 0)
		log_line("warn", "mhd", "suppressed=%u", dropped);
	if (!show)
		return;
	vsnprintf(text, sizeof text, fmt, ap);
	n = strlen(text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '.'))
		text[--n] = '\0';
	log_line("warn", "mhd", "text=%s", log_quote(text, quoted, sizeof quoted));
}

/* Every TCP connection is watched from its first byte: its headers must be
 * in within header_timeout, however slowly they trickle. */
static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
	      enum MHD_ConnectionNotificationCode toe)
{
	http_server *s = cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		char ip[48] = "unknown";

		if (ci != NULL && ci->client_addr != NULL && ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
					     ci->client_addr)->sin_addr, ip, sizeof ip);
		*socket_context = fd == NULL ? NULL :
				  reaper_add(s->reaper, fd->connect_fd, ip,
					     deadline(settings_of(s)->header_timeout));
		return;
	}
	reaper_remove(s->reaper, *socket_context);
	*socket_context = NULL;
}

static int
parse_listen(const char *listen, struct sockaddr_in *sa, char *err, size_t errlen)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	char *end;
	long port;

	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	if (colon == NULL || (size_t)(colon - listen) >= sizeof host) {
		snprintf(err, errlen, "--listen \"%s\": expected ADDRESS:PORT, e.g. 127.0.0.1:8080",
			 listen);
		return -1;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535 ||
	    inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa->sin_addr) != 1) {
		snprintf(err, errlen, "--listen \"%s\": expected an IPv4 ADDRESS:PORT", listen);
		return -1;
	}
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

/*
 * Connections are file descriptors (two each: MHD's and the reaper's
 * duplicate). Raises the soft descriptor limit to the hard one, and returns
 * the connection limit that leaves room for the rest: the thread pool's
 * epoll and wake-up descriptors, each thread's SQLite files, the writer,
 * scheduler and dispatcher.
 */
static unsigned
connection_room(unsigned want, unsigned threads)
{
	struct rlimit rl;
	rlim_t reserve = 64 + (rlim_t)threads * 6, room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return want;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return want;
	room = rl.rlim_cur > reserve + 32 ? (rl.rlim_cur - reserve) / 2 : 16;
	if (room < want) {
		log_line("warn", "connection_limit", "wanted=%u allowed=%u reason=\"the open-file "
			 "limit (ulimit -n) is %llu\"", want, (unsigned)room,
			 (unsigned long long)rl.rlim_cur);
		return (unsigned)room;
	}
	return want;
}

http_server *
http_start(const http_config *cfg, char *err, size_t errlen)
{
	http_server *s;
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;
	const settings *st;
	unsigned threads = cfg->threads, conns;
	size_t budget;

	if (parse_listen(cfg->listen, &sa, err, errlen) < 0)
		return NULL;
	if ((s = calloc(1, sizeof *s)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->dispatcher_mu, NULL);
	pthread_mutex_init(&s->log_mu, NULL);
	pthread_mutex_init(&s->health_mu, NULL);
	pthread_rwlock_init(&s->watch_lock, NULL);
	s->db_ok = true;	/* the writer just opened it */
	s->cfg = *cfg;
	s->watch = cfg->health;
	if (s->cfg.files_dir == NULL)
		s->cfg.files_dir = s->cfg.data_dir;
	settings_defaults(&s->defaults);
	atomic_init(&s->settings_now, cfg->settings ? cfg->settings : &s->defaults);
	st = settings_of(s);
	if (threads == 0 && cfg->settings != NULL)
		threads = cfg->settings->threads;
	if (threads == 0) {
		/* Handlers block while their write waits for the group commit, so
		 * the pool size caps how many leads one commit can carry: 8 threads
		 * gave 3.5 leads per fsync and p99 47 ms under 64 clients, 64 gave
		 * 10.7 and 25 ms (docs/benchmarks.md). A waiting thread costs a
		 * stack, not CPU: 32 per core (32..256). */
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		threads = n > 0 ? (unsigned)n * 32 : 32;
		threads = threads < 32 ? 32 : threads > 256 ? 256 : threads;
	}
	/* One request of the largest size always fits in the budget. */
	budget = st->body_memory;
	if (budget < st->email_max_body)
		budget = st->email_max_body;
	if (budget < (cfg->max_body ? cfg->max_body : st->max_body))
		budget = cfg->max_body ? cfg->max_body : st->max_body;
	conns = connection_room(st->connection_limit, threads);
	if (conns < threads)
		conns = threads;	/* MHD gives each pool thread a share of at least one */
	snprintf(err, errlen, "out of memory");	/* unless a step below says more */
	if ((s->limits = ratelimit_new()) == NULL || (s->budget = body_budget_new(budget)) == NULL ||
	    (s->reaper = reaper_start(err, errlen)) == NULL ||
	    (s->writer = store_writer_start(cfg->data_dir, cfg->bus, err, errlen)) == NULL)
		goto fail;
	/* Suspend/resume: a live page's event stream waits suspended, holding
	 * no thread of the pool (web/web_live.h). */
	s->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
				  MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL, NULL,
				  on_request, s,
				  MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,	/* first: see MHD */
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				  MHD_OPTION_THREAD_POOL_SIZE, threads,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)st->connection_timeout,
				  MHD_OPTION_CONNECTION_LIMIT, conns,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, st->per_ip_connection_limit,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
				  MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				  MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				  MHD_OPTION_END);
	if (s->mhd == NULL) {
		snprintf(err, errlen, "cannot listen on %s (in use, or not an address of this "
			 "machine)", cfg->listen);
		goto fail;
	}
	log_line("info", "limits", "connections=%u per_ip=%u idle_timeout=%d header_timeout=%d "
		 "body_timeout=%d body_memory=%zu body_spill=%zu", conns,
		 st->per_ip_connection_limit, st->connection_timeout, st->header_timeout,
		 st->body_timeout, budget, st->body_spill);
	info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : ntohs(sa.sin_port);
	/* Live streams capped at half the pool: they hold no thread while they
	 * wait, but each is a connection and a little memory. */
	s->live = web_live_start(cfg->bus, threads / 2 < 8 ? 8 : threads / 2 > 128 ? 128 :
				 threads / 2);
	return s;
fail:
	store_writer_stop(s->writer);
	reaper_stop(s->reaper);
	body_budget_free(s->budget);
	ratelimit_free(s->limits);
	pthread_mutex_destroy(&s->log_mu);
	pthread_mutex_destroy(&s->dispatcher_mu);
	pthread_rwlock_destroy(&s->watch_lock);
	free(s);
	return NULL;
}

void
http_set_settings(http_server *s, const settings *st)
{
	/* Release: a request that sees st sees it whole. */
	atomic_store_explicit(&s->settings_now, st, memory_order_release);
}

void
http_on_ready(http_server *s, bool (*running)(void *), void *arg)
{
	pthread_mutex_lock(&s->dispatcher_mu);
	s->dispatcher_running = running;
	s->dispatcher = arg;
	pthread_mutex_unlock(&s->dispatcher_mu);
}

unsigned
http_port(const http_server *s)
{
	return s->port;
}

void
http_stop(http_server *s)
{
	MHD_socket fd;

	if (s == NULL)
		return;
	/* Live streams end first (none may stay suspended when the daemon
	 * stops); then stop accepting and give requests in flight time to
	 * finish. Handlers block on the writer, which keeps committing. */
	web_live_stop(s->live);
	fd = MHD_quiesce_daemon(s->mhd);
	for (int i = 0; i < 100; i++) {
		const union MHD_DaemonInfo *info =
			MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

		if (info == NULL || info->num_connections == 0)
			break;
		usleep(50 * 1000);
	}
	MHD_stop_daemon(s->mhd);
	web_live_free(s->live);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	/* No handler is left: commit what the writer still holds. */
	store_writer_stop(s->writer);
	reaper_stop(s->reaper);
	body_budget_free(s->budget);
	ratelimit_free(s->limits);
	pthread_mutex_destroy(&s->log_mu);
	pthread_mutex_destroy(&s->dispatcher_mu);
	pthread_mutex_destroy(&s->health_mu);
	pthread_rwlock_destroy(&s->watch_lock);
	free(s);
}

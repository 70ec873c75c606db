/*
 * http_server.c - libmicrohttpd glue: accept, route on the first callback
 * (so an oversized body or a wrong method is refused before it is read), read
 * the body (capped), call the handler, log one logfmt line per request.
 * Handlers never see MHD's incremental upload callbacks: they get the whole
 * body or a 413. Owns the group-commit writer and the rate limiter.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "http_internal.h"
#include "util/log.h"
#include "web/web_live.h"
#include "util/mono.h"

static pthread_key_t store_key;
static pthread_once_t store_key_once = PTHREAD_ONCE_INIT;

static void
close_thread_store(void *p)
{
	store_close(p);
}

static void
make_store_key(void)
{
	pthread_key_create(&store_key, close_thread_store);
}

store *
http_store(http_req *rq)
{
	store *s = pthread_getspecific(store_key);
	char err[256];

	if (s != NULL)
		return s;
	if ((s = store_open(rq->srv->cfg.data_dir, err, sizeof err)) == NULL) {
		log_line("error", "store_open", "error=\"%s\"", err);
		return NULL;
	}
	pthread_setspecific(store_key, s);
	return s;
}

flow_result
http_write(http_req *rq, store_writer_fn fn, void *arg, char *err, size_t errlen)
{
	int rc = store_writer_submit(rq->srv->writer, fn, arg, err, errlen);

	return rc < 0 ? FLOW_STORAGE : (flow_result)rc;	/* -1: the batch did not commit */
}

const settings *
http_settings(http_req *rq)
{
	return rq->srv->cfg.settings ? rq->srv->cfg.settings : &rq->srv->defaults;
}

int64_t
http_now(http_req *rq)
{
	return rq->srv->cfg.clock ? rq->srv->cfg.clock() : (int64_t)time(NULL);
}

const char *
http_header(http_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *
http_arg(http_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

void
http_content_type(http_req *rq, char *buf, size_t len)
{
	const char *ct = http_header(rq, "Content-Type");
	size_t n = 0;

	if (ct != NULL)
		for (; ct[n] && ct[n] != ';' && !isspace((unsigned char)ct[n]) && n + 1 < len; n++)
			buf[n] = (char)tolower((unsigned char)ct[n]);
	if (len > 0)
		buf[n] = '\0';
}

static bool
peer_trusted(http_req *rq)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr_in *sin;

	if (ci == NULL || ci->client_addr == NULL || ci->client_addr->sa_family != AF_INET)
		return false;
	sin = (const struct sockaddr_in *)(const void *)ci->client_addr;
	return settings_trusted(http_settings(rq), ntohl(sin->sin_addr.s_addr));
}

/* The client's address: the peer, or - when the peer is a trusted proxy - the
 * right-most address in X-Forwarded-For that is not itself a trusted proxy. */
static void
client_ip(http_req *rq)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *xff;
	char buf[512];

	snprintf(rq->ip, sizeof rq->ip, "unknown");
	if (ci == NULL || ci->client_addr == NULL)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
			  rq->ip, sizeof rq->ip);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr,
			  rq->ip, sizeof rq->ip);
	if (!peer_trusted(rq) || (xff = http_header(rq, "X-Forwarded-For")) == NULL)
		return;
	snprintf(buf, sizeof buf, "%s", xff);
	for (;;) {
		char *comma = strrchr(buf, ',');
		char *ip = comma ? comma + 1 : buf;
		struct in_addr a;

		while (*ip == ' ')
			ip++;
		ip[strcspn(ip, " ")] = '\0';
		if (inet_pton(AF_INET, ip, &a) != 1) {
			struct in6_addr a6;

			if (inet_pton(AF_INET6, ip, &a6) == 1)
				inet_ntop(AF_INET6, &a6, rq->ip, sizeof rq->ip);
			return;	/* garbage: keep what we have */
		}
		inet_ntop(AF_INET, &a, rq->ip, sizeof rq->ip);
		if (comma == NULL || !settings_trusted(http_settings(rq), ntohl(a.s_addr)))
			return;
		*comma = '\0';
	}
}

void
http_public_url(http_req *rq, char *buf, size_t len)
{
	const settings *st = http_settings(rq);
	const char *proto = NULL, *host = NULL;

	if (st->public_url != NULL) {
		snprintf(buf, len, "%s%s", st->public_url, rq->raw_uri);
		return;
	}
	if (peer_trusted(rq)) {
		proto = http_header(rq, "X-Forwarded-Proto");
		host = http_header(rq, "X-Forwarded-Host");
	}
	if (host == NULL)
		host = http_header(rq, "Host");
	snprintf(buf, len, "%s://%s%s", proto && strcmp(proto, "https") == 0 ? "https" : "http",
		 host ? host : "localhost", rq->raw_uri);
}

enum MHD_Result
http_reply_hdr(http_req *rq, int status, const char *content_type, const char *body,
	       size_t len, const char *name, const char *value)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	if (content_type != NULL)
		MHD_add_response_header(r, "Content-Type", content_type);
	MHD_add_response_header(r, "X-Request-Id", rq->id);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (name != NULL && value != NULL)
		MHD_add_response_header(r, name, value);
	ret = MHD_queue_response(rq->conn, (unsigned)status, r);
	MHD_destroy_response(r);
	rq->status = status;
	return ret;
}

enum MHD_Result
http_reply(http_req *rq, int status, const char *content_type, const char *body, size_t len)
{
	return http_reply_hdr(rq, status, content_type, body, len, NULL, NULL);
}

enum MHD_Result
http_json(http_req *rq, int status, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	enum MHD_Result ret;

	json_decref(j);
	if (s == NULL)
		return http_reply(rq, 500, "application/json",
				  "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}", 56);
	ret = http_reply(rq, status, "application/json", s, strlen(s));
	free(s);
	return ret;
}

enum MHD_Result
http_error(http_req *rq, int status, const char *code, const char *message, const char *field)
{
	json_t *e = json_pack("{s:s,s:s}", "code", code, "message", message);

	if (field != NULL)
		json_object_set_new(e, "field", json_string(field));
	if (status >= 400)
		http_note(rq, "error=%s", code);
	return http_json(rq, status, json_pack("{s:o}", "error", e));
}

/* "amount: moving to ..." -> "amount"; NULL when err has no field prefix. */
static const char *
err_field(const char *err, char *buf, size_t len)
{
	size_t n = strspn(err, "abcdefghijklmnopqrstuvwxyz_");

	if (n == 0 || n >= len || err[n] != ':')
		return NULL;
	memcpy(buf, err, n);
	buf[n] = '\0';
	if (strcmp(buf, "amount") == 0)
		snprintf(buf, len, "amount_cents");	/* the API's name for it */
	return buf;
}

int
http_flow_status(flow_result res)
{
	switch (res) {
	case FLOW_NOT_FOUND:	return 404;
	case FLOW_INVALID:	return 422;
	case FLOW_CONFLICT:	return 409;
	case FLOW_BUSY:
	case FLOW_STORAGE:
	case FLOW_OK:
	default:		return 503;	/* as http_flow_error: nothing was stored */
	}
}

enum MHD_Result
http_flow_error(http_req *rq, flow_result res, const char *code, const char *err)
{
	char field[32];
	const char *msg = err && *err ? err : NULL;

	switch (res) {
	case FLOW_NOT_FOUND:
		return http_error(rq, 404, code ? code : "not_found", msg ? msg : "not found", NULL);
	case FLOW_INVALID:
		return http_error(rq, 422, code ? code : "invalid_field",
				  msg ? msg : "invalid request", msg ? err_field(msg, field,
										 sizeof field) :
				  NULL);
	case FLOW_CONFLICT:
		return http_error(rq, 409, code ? code : "conflict", msg ? msg : "conflict", NULL);
	case FLOW_BUSY:
	case FLOW_STORAGE:
	case FLOW_OK:
	default:
		/* 5xx: senders retry, and nothing was acknowledged or stored. */
		log_line("error", "write_failed", "req_id=%s result=%s error=\"%s\"", rq->id,
			 flow_result_name(res), msg ? msg : "");
		return http_error(rq, 503, res == FLOW_BUSY ? "busy" : "storage_error",
				  "the change could not be saved; nothing was stored, try again",
				  NULL);
	}
}

enum MHD_Result
http_too_many(http_req *rq, int retry_after)
{
	static const char body[] = "{\"error\":{\"code\":\"rate_limited\",\"message\":\"too many "
				   "requests: wait Retry-After seconds and try again\"}}";
	char ra[16];

	snprintf(ra, sizeof ra, "%d", retry_after > 0 ? retry_after : 1);
	http_note(rq, "error=rate_limited");
	return http_reply_hdr(rq, 429, "application/json", body, sizeof body - 1, "Retry-After", ra);
}

void
http_note(http_req *rq, const char *fmt, ...)
{
	size_t n = strlen(rq->note);
	va_list ap;

	if (n + 2 >= sizeof rq->note)
		return;
	rq->note[n++] = ' ';
	va_start(ap, fmt);
	vsnprintf(rq->note + n, sizeof rq->note - n, fmt, ap);
	va_end(ap);
}

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
	size_t cap;
	size_t limit;		/* body cap for this route */
	bool started;
	bool answered;		/* refused on the first callback */
} conn_state;

/* Called by MHD with the request line's URI before anything else. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	conn_state *cs = calloc(1, sizeof *cs);

	(void)cls;
	(void)conn;
	if (cs == NULL)
		return NULL;
	cs->raw_uri = strdup(uri ? uri : "/");
	if (cs->raw_uri != NULL) {
		char *q = strchr(cs->raw_uri, '?');

		cs->rq.raw_uri = cs->raw_uri;
		cs->rq.query = q ? q + 1 : NULL;
	}
	return cs;
}

/* First callback: find the route and refuse what we can refuse unread. */
static enum MHD_Result
start(conn_state *cs)
{
	http_req *rq = &cs->rq;
	const settings *st = http_settings(rq);
	bool path_known = false;
	const char *cl;

	client_ip(rq);
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
		cs->rq.conn = conn;
		cs->rq.method = method;
		cs->rq.path = url;
		cs->rq.started_ns = mono_ns();
		snprintf(cs->rq.id, sizeof cs->rq.id, "%x-%lx", (unsigned)getpid(), n);
		return start(cs);
	}
	if (cs->answered) {
		*upload_size = 0;	/* already refused: drop the rest */
		return MHD_YES;
	}
	if (*upload_size > 0) {
		http_req *rq = &cs->rq;

		if (!rq->too_large && rq->len + *upload_size <= cs->limit) {
			if (rq->len + *upload_size + 1 > cs->cap) {
				size_t cap = cs->cap ? cs->cap : 4096;
				char *b;

				while (cap < rq->len + *upload_size + 1)
					cap *= 2;
				if ((b = realloc(rq->body, cap)) == NULL)
					return MHD_NO;
				rq->body = b;
				cs->cap = cap;
			}
			memcpy(rq->body + rq->len, upload, *upload_size);
			rq->len += *upload_size;
			rq->body[rq->len] = '\0';
		} else {
			/* Keep reading (and dropping) so the client gets its 413. */
			rq->too_large = true;
			free(rq->body);
			rq->body = NULL;
			rq->len = 0;
			cs->cap = 0;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	cs->answered = true;
	if (cs->rq.too_large)
		return http_error(&cs->rq, 413, "body_too_large", "the request body is larger "
				  "than this server accepts", NULL);
	if (cs->rq.body == NULL) {
		/* handlers may always read body as a string */
		if ((cs->rq.body = calloc(1, 1)) == NULL)
			return MHD_NO;
	}
	return cs->rq.route->handler(&cs->rq);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	conn_state *cs = *con_cls;
	char path[256];

	(void)cls;
	(void)conn;
	if (cs == NULL)
		return;
	if (cs->started)
		log_line(cs->rq.status >= 500 || cs->rq.status == 0 ? "error" : "info", "request",
			 "req_id=%s method=%s path=%s status=%d dur_ms=%.3f bytes_in=%zu ip=%s%s%s",
			 cs->rq.id, cs->rq.method, log_quote(cs->rq.path, path, sizeof path),
			 cs->rq.status, (double)(mono_ns() - cs->rq.started_ns) / 1e6, cs->rq.len,
			 cs->rq.ip, cs->rq.note,
			 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=true");
	free(cs->rq.body);
	free(cs->raw_uri);
	free(cs);
	*con_cls = NULL;
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

http_server *
http_start(const http_config *cfg, char *err, size_t errlen)
{
	http_server *s;
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;
	unsigned threads = cfg->threads;

	if (parse_listen(cfg->listen, &sa, err, errlen) < 0)
		return NULL;
	pthread_once(&store_key_once, make_store_key);
	if ((s = calloc(1, sizeof *s)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->dispatcher_mu, NULL);
	s->cfg = *cfg;
	s->defaults.max_body = 1024 * 1024;
	s->defaults.email_max_body = 25 * 1024 * 1024;
	s->defaults.api_rate_count = 600;
	s->defaults.api_rate_period = 60;
	s->defaults.twilio_dial_timeout = 20;
	s->defaults.mailgun_max_age = 900;
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
	if ((s->limits = ratelimit_new()) == NULL ||
	    (s->writer = store_writer_start(cfg->data_dir, cfg->bus, err, errlen)) == NULL) {
		ratelimit_free(s->limits);
		free(s);
		return NULL;
	}
	/* Suspend/resume: a live page's event stream waits suspended, holding
	 * no thread of the pool (web/web_live.h). */
	s->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
				  MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0,
				  NULL, NULL, on_request, s,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				  MHD_OPTION_THREAD_POOL_SIZE, threads,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)200,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
				  MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				  MHD_OPTION_END);
	if (s->mhd == NULL) {
		snprintf(err, errlen, "cannot listen on %s (in use, or not an address of this "
			 "machine)", cfg->listen);
		store_writer_stop(s->writer);
		ratelimit_free(s->limits);
		free(s);
		return NULL;
	}
	info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : ntohs(sa.sin_port);
	/* Live streams capped at half the pool: they hold no thread while they
	 * wait, but each is a connection and a little memory. */
	s->live = web_live_start(cfg->bus, threads / 2 < 8 ? 8 : threads / 2 > 128 ? 128 :
				 threads / 2);
	return s;
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
	ratelimit_free(s->limits);
	pthread_mutex_destroy(&s->dispatcher_mu);
	free(s);
}

/*
 * http_server.c - libmicrohttpd glue: accept, read the body (capped), route,
 * reply, log one logfmt line per request. Handlers never see MHD's
 * incremental upload callbacks: they get the whole body or a 413.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http_internal.h"
#include "util/log.h"

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

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

enum MHD_Result
http_reply(http_req *rq, int status, const char *content_type, const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", content_type);
	MHD_add_response_header(r, "X-Request-Id", rq->id);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(rq->conn, (unsigned)status, r);
	MHD_destroy_response(r);
	rq->status = status;
	return ret;
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
	return http_json(rq, status, json_pack("{s:o}", "error", e));
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
	char parambuf[256];
	size_t cap;
} conn_state;

static enum MHD_Result
dispatch(conn_state *cs)
{
	http_req *rq = &cs->rq;
	bool path_known = false;

	if (rq->too_large)
		return http_error(rq, 413, "body_too_large", "the request body is larger than "
				  "this server accepts", NULL);
	for (const http_route *r = http_routes; r->method; r++) {
		const char *params[HTTP_MAX_PARAMS] = { 0 };

		if (!route_match(r->pattern, rq->path, params, cs->parambuf, sizeof cs->parambuf))
			continue;
		path_known = true;
		if (strcmp(r->method, rq->method) != 0)
			continue;
		memcpy(rq->params, params, sizeof params);
		return r->handler(rq);
	}
	if (path_known)
		return http_error(rq, 405, "method_not_allowed", "this path does not accept that "
				  "method", NULL);
	return http_error(rq, 404, "not_found", "no such path", NULL);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	http_server *srv = cls;
	conn_state *cs = *con_cls;

	if (cs == NULL) {
		static unsigned long counter;
		unsigned long n = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);

		if ((cs = calloc(1, sizeof *cs)) == NULL)
			return MHD_NO;
		cs->rq.srv = srv;
		cs->rq.conn = conn;
		cs->rq.method = method;
		cs->rq.path = url;
		cs->rq.started_ns = mono_ns();
		snprintf(cs->rq.id, sizeof cs->rq.id, "%x-%lx", (unsigned)getpid(), n);
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		http_req *rq = &cs->rq;

		if (!rq->too_large && rq->len + *upload_size <= srv->cfg.max_body) {
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
	(void)version;
	return dispatch(cs);
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
	log_line(cs->rq.status >= 500 ? "error" : "info", "request",
		 "req_id=%s method=%s path=%s status=%d dur_ms=%.3f bytes_in=%zu%s",
		 cs->rq.id, cs->rq.method, log_quote(cs->rq.path, path, sizeof path),
		 cs->rq.status, (double)(mono_ns() - cs->rq.started_ns) / 1e6, cs->rq.len,
		 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=true");
	free(cs->rq.body);
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
	s->cfg = *cfg;
	if (s->cfg.max_body == 0)
		s->cfg.max_body = 1024 * 1024;
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		threads = n > 0 ? (unsigned)n : 2;
	}
	s->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
				  MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, s,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				  MHD_OPTION_THREAD_POOL_SIZE, threads,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				  MHD_OPTION_END);
	if (s->mhd == NULL) {
		snprintf(err, errlen, "cannot listen on %s (in use, or not an address of this "
			 "machine)", cfg->listen);
		free(s);
		return NULL;
	}
	info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : ntohs(sa.sin_port);
	return s;
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
	/* Stop accepting first; then give requests in flight time to finish. */
	fd = MHD_quiesce_daemon(s->mhd);
	for (int i = 0; i < 100; i++) {
		const union MHD_DaemonInfo *info =
			MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

		if (info == NULL || info->num_connections == 0)
			break;
		usleep(50 * 1000);
	}
	MHD_stop_daemon(s->mhd);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	free(s);
}

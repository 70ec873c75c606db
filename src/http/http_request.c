/*
 * http_request.c - what a handler asks of its request: this thread's store
 * connection, the group-commit writer, the settings and the clock, headers
 * and arguments, the client's address (through trusted proxies only) and the
 * URL as the outside world sees it. Reads the request; answers nothing.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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
	store *s;
	char err[256];

	pthread_once(&store_key_once, make_store_key);
	if ((s = pthread_getspecific(store_key)) != NULL)
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
	return atomic_load_explicit(&rq->srv->settings_now, memory_order_acquire);
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

void
http_client_ip(http_req *rq)
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

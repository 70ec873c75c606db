/*
 * http_internal.h - shared by the server's files: the request being handled,
 * the reply helpers and the route table. Not a contract outside src/http/.
 */
#ifndef LK_HTTP_INTERNAL_H
#define LK_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "http.h"
#include "store/store.h"

struct http_server {
	struct MHD_Daemon *mhd;
	http_config cfg;
	unsigned port;
};

#define HTTP_MAX_PARAMS 4

typedef struct {
	http_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	char *body;		/* NUL-terminated, may contain NULs */
	size_t len;
	bool too_large;
	char id[24];		/* request id, also sent as X-Request-Id */
	const char *params[HTTP_MAX_PARAMS]; /* path segments matched by '*' */
	int status;		/* set by the reply helpers, for the log */
	int64_t started_ns;
} http_req;

typedef enum MHD_Result (*http_handler)(http_req *rq);

typedef struct {
	const char *method;
	const char *pattern;	/* "/api/v1/leads/{*}" style: a "*" segment matches one segment */
	http_handler handler;
} http_route;

extern const http_route http_routes[];

/* Replies. Each queues the response and returns MHD's result. */
enum MHD_Result http_reply(http_req *rq, int status, const char *content_type,
			   const char *body, size_t len);
/* Takes ownership of j. */
enum MHD_Result http_json(http_req *rq, int status, json_t *j);
/* {"error":{"code":...,"message":...,"field":...}}; field may be NULL. */
enum MHD_Result http_error(http_req *rq, int status, const char *code, const char *message,
			   const char *field);

/* This thread's connection to the store, opened on first use. NULL on error. */
store *http_store(http_req *rq);

/* Handlers (one file per concern). */
enum MHD_Result http_healthz(http_req *rq);
enum MHD_Result http_readyz(http_req *rq);

#endif

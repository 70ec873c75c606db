/*
 * http_internal.h - shared by the server's files: the request being handled,
 * the reply helpers, authentication and the route table. Not a contract
 * outside src/http/.
 */
#ifndef LK_HTTP_INTERNAL_H
#define LK_HTTP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "flow/flow.h"
#include "health/health.h"
#include "http.h"
#include "http_body.h"
#include "http_ratelimit.h"
#include "http_reaper.h"
#include "store/store.h"
#include "store/store_writer.h"

struct http_server {
	struct MHD_Daemon *mhd;
	http_config cfg;
	settings defaults;	/* used when cfg.settings is NULL */
	/* The settings in force: cfg.settings (or defaults) until a reload
	 * swaps them (http_set_settings). */
	_Atomic(const settings *) settings_now;
	unsigned port;
	store_writer *writer;
	ratelimit *limits;
	body_budget *budget;	/* memory all request bodies in flight hold */
	reaper *reaper;		/* deadlines for slow clients */
	pthread_mutex_t log_mu;	/* guards the three below: MHD's own messages */
	int64_t log_sec;	/* the second being counted */
	unsigned log_n;		/* messages logged in it */
	unsigned log_dropped;	/* and not logged */
	pthread_mutex_t dispatcher_mu;	/* guards the two fields below */
	bool (*dispatcher_running)(void *);	/* NULL until serve starts it */
	void *dispatcher;
	/* /readyz's last database check (http_health.c), under health_mu */
	pthread_mutex_t health_mu;
	int64_t db_checked_ns;		/* monotonic; 0 = never */
	int64_t db_locked_since_ns;	/* another connection held the write lock since */
	bool db_ok;
	struct web_live *live;	/* the web app's live pages (web/web_live.h); NULL: none */
	/* serve's self-watch (health/health_watch.h), NULL until set: read
	 * under a read lock for as long as it is used, so http_set_health(NULL)
	 * returns only once no request uses it (http_health_report.c). */
	pthread_rwlock_t watch_lock;
	struct health_watch *watch;
};

/* The rules in force now: the live ones when serve reloads them, else the
 * config's. Borrowed for as long as the server runs (rules_live.h). */
static inline const rules *
http_rules(const http_server *srv)
{
	return srv->cfg.live != NULL ? rules_live_get(srv->cfg.live) : srv->cfg.rules;
}

/* The sources of the business a request acts for (its forms, hooks, Twilio). */
#define http_req_settings(rq) \
	((rq)->biz_settings != NULL ? (rq)->biz_settings : http_settings(rq))

/* The rules of the business a request acts for (http_req.business_id). */
#define http_req_rules(rq) \
	((rq)->biz_live != NULL ? rules_live_get((rq)->biz_live) : http_rules((rq)->srv))

/* The rules in force of business id when the server acts for it (the
 * install's own or one of cfg.others), else NULL: a business not hosted. */
const rules_live *http_business_live(const http_server *srv, int64_t id);

#define HTTP_MAX_PARAMS 4

typedef struct http_route http_route;

typedef struct {
	http_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;	/* percent-decoded, no query */
	const char *raw_uri;	/* as sent: path and query, not decoded */
	const char *query;	/* raw query after '?', or NULL */
	char *body;		/* NUL-terminated, may contain NULs; borrowed from the
				 * request's body (http_body.h) or from body_own */
	size_t len;
	char *body_own;		/* a handler's replacement body, freed with the request */
	bool too_large;
	char id[24];		/* request id, also sent as X-Request-Id */
	char ip[48];		/* the client (after trusted X-Forwarded-For) */
	const http_route *route;
	const char *params[HTTP_MAX_PARAMS]; /* path segments matched by '*' */
	int status;		/* set by the reply helpers, for the log */
	int64_t started_ns;
	char note[192];		/* extra logfmt pairs for the request line */
	/* The business the request acts for: the install's own until what the
	 * request carries names another (http_auth: its token's). */
	int64_t business_id;
	const rules_live *biz_live;	/* its rules in force; NULL: http_rules(srv) */
	const settings *biz_settings;	/* its sources; NULL: http_settings(rq) */
	/* set by http_auth */
	int64_t token_id;
	char role[16];
} http_req;

/* The form or hook (type) with this key: the install's own business's, else
 * another hosted business's - then the request acts for that business
 * (business_id, biz_live) from here on. NULL: no business has it. Borrowed
 * for the request. */
const settings_source *http_source_find(http_req *rq, const char *type, const char *key);

/* Twilio's inbound request sent To this number, through this messaging
 * service (its MessagingServiceSid; NULL or "" for none): true, acting for
 * the business whose service it is (providers: twilio:
 * messaging_service_sid), else whose number it is (providers: twilio:
 * from); false when the install hosts several businesses and none has
 * either. With one business every number is its own. */
bool http_twilio_business(http_req *rq, const char *to, const char *service);

/* The business of this Meta page (sources: meta: page_ids): true, the
 * request acting for it from here on (the install's own business included,
 * so a notification's entries can each name theirs); false when no hosted
 * business lists the page. With one business that lists no page, every page
 * is its own. Not noted on the log line (a notification names many).
 * Linear in the hosted businesses and their pages, as the number lookup is. */
bool http_meta_business(http_req *rq, const char *page_id);

/* A door whose key names its business (SendGrid's and Mailgun's ?key=,
 * Google's google_key): when key is another hosted business's (key_of its
 * settings), the request acts for that business; else nothing changes and
 * the door checks the key against the install's own as before (refusing a
 * key nobody has). Compared in constant time. */
void http_keyed_business(http_req *rq, const char *(*key_of)(const settings *st),
			 const char *key);

typedef enum MHD_Result (*http_handler)(http_req *rq);

struct http_route {
	const char *method;
	const char *pattern;	/* a "*" segment matches one path segment */
	http_handler handler;
	bool big_body;		/* inbound email: settings' email_max_body, not max_body */
};

extern const http_route http_routes[];
/* The staff web app's pages (src/web/web_routes.c), matched after http_routes. */
extern const http_route web_routes[];
/* The web app's own page for a path under /app/ it does not have (404) or a
 * method it does not take there (405), instead of the API's JSON
 * (src/web/web_search.c). */
enum MHD_Result web_not_found(http_req *rq, int status);

/* What a door checks from the request line and headers alone, before a byte
 * of its body is read (a key in the URL, a configured secret, a rate limit):
 * true to go on, false with the refusal queued in *ret. */
typedef bool (*http_before_body)(http_req *rq, enum MHD_Result *ret);

typedef struct {
	http_handler handler;	/* the route's handler */
	http_before_body check;
} http_precheck;

/* In http_routes.c, ended by { NULL, NULL }. */
extern const http_precheck http_prechecks[];

/* --- replies: each queues the response and returns MHD's result ---------- */

enum MHD_Result http_reply(http_req *rq, int status, const char *content_type,
			   const char *body, size_t len);
/* Same, with one extra header (Location, Retry-After...), name may be NULL. */
enum MHD_Result http_reply_hdr(http_req *rq, int status, const char *content_type,
			       const char *body, size_t len, const char *name,
			       const char *value);
/* Takes ownership of j. */
enum MHD_Result http_json(http_req *rq, int status, json_t *j);
/* {"error":{"code":...,"message":...,"field":...}}; field may be NULL. */
enum MHD_Result http_error(http_req *rq, int status, const char *code, const char *message,
			   const char *field);
/* 429 with Retry-After. */
enum MHD_Result http_too_many(http_req *rq, int retry_after);
/* 503 {"error":{"code":"busy"}} with Retry-After: the server is at a limit of
 * its own (the memory for request bodies); nothing was read or stored. */
enum MHD_Result http_busy(http_req *rq, int retry_after, const char *message);
/* Appends "key=value" pairs to the request's log line (values pre-quoted). */
void http_note(http_req *rq, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- request helpers -------------------------------------------------------- */

/* A request header, or NULL. */
const char *http_header(http_req *rq, const char *name);
/* A decoded query argument, or NULL. */
const char *http_arg(http_req *rq, const char *name);
/* The URL the client asked for as the outside world sees it (public_url, or
 * the trusted proxy's X-Forwarded-Proto/Host, else http://Host): scheme, host,
 * raw path and query. */
void http_public_url(http_req *rq, char *buf, size_t len);
/* The server's settings (never NULL). */
const settings *http_settings(http_req *rq);
/* Now, UTC seconds, from the configured clock. */
int64_t http_now(http_req *rq);
/* The media type of Content-Type, lower-cased, without parameters. */
void http_content_type(http_req *rq, char *buf, size_t len);
/* Sets rq->ip: the peer's address, or - when the peer is a trusted proxy -
 * the right-most address in X-Forwarded-For that is not itself a trusted
 * proxy ("unknown" when there is none). */
void http_client_ip(http_req *rq);

/* This thread's connection to the store, opened on first use. NULL on error. */
store *http_store(http_req *rq);

/* Runs fn in the group-commit writer (see store_writer_submit): fn's flow_result,
 * or FLOW_STORAGE when the batch did not commit. */
flow_result http_write(http_req *rq, store_writer_fn fn, void *arg, char *err, size_t errlen);

/* The one mapping of a refused change to an answer: 404 not found, 422
 * invalid (with the field err names), 409 conflict, 503 busy/storage_error
 * (logged). code overrides the result's own stable code (e.g.
 * "task_not_open"); err is the message for a person. */
enum MHD_Result http_flow_error(http_req *rq, flow_result res, const char *code,
				const char *err);
/* The status http_flow_error answers res with (the web app's pages use it). */
int http_flow_status(flow_result res);

/* --- auth (http_auth.c) ------------------------------------------------------ */

typedef enum { HTTP_ROLE_INTAKE = 1, HTTP_ROLE_STAFF = 2, HTTP_ROLE_ADMIN = 3 } http_role;

/* Points the request at its bearer token's business (business_id,
 * biz_live) when the token is valid and its business hosted here; else
 * changes nothing (http_auth refuses it later). For handlers that read the
 * business before they authenticate (api_job). */
void http_auth_business(http_req *rq);

/* Checks the bearer token and that its role reaches `need`, and the token's
 * rate limit. Acts for the token's business from then on (business_id). Returns true when allowed; otherwise queues 401/403/429 into
 * *ret and returns false. */
bool http_auth(http_req *rq, http_role need, enum MHD_Result *ret);

/* --- handlers (one file per concern) ------------------------------------------ */

enum MHD_Result http_healthz(http_req *rq);
enum MHD_Result http_readyz(http_req *rq);
/* http_health_report.c: GET /api/v1/health/report, serve's self-watch. */
enum MHD_Result http_health_report(http_req *rq);
/* The business's alerts open at the self-watch's last look into out[max]
 * (none when serve runs no watch): for the web app's banner. */
int http_health_alerts(http_req *rq, int64_t business_id, health_alert *out, int max);
/* http_metrics.c: GET /metrics, the Prometheus text format. */
enum MHD_Result http_metrics(http_req *rq);
/* http_calendar.c: GET /cal/TOKEN.ics, a person's open tasks as iCalendar. */
enum MHD_Result http_calendar(http_req *rq);
/* http_delivery.c: provider status callbacks, email unsubscribe links. */
enum MHD_Result http_twilio_status(http_req *rq);
enum MHD_Result http_unsubscribe(http_req *rq);

#endif

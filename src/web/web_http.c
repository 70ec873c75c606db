/*
 * web_http.c - the web app's side of a request: the session behind the
 * cookie, the form of a POST and its CSRF token and origin, and replies
 * with the headers every page carries (a strict Content-Security-Policy:
 * no inline script or style, nothing from another site). MHD is used here
 * and in no other web file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "util/log.h"
#include "web.h"

/* Every HTML reply: what the page may load and who may frame it. */
#define WEB_CSP "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';" \
	" manifest-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none';" \
	" frame-ancestors 'none'"

static void
ctx_init(web_ctx *c, http_req *rq)
{
	memset(c, 0, sizeof *c);
	c->rq = rq;
	c->rules = http_rules(rq->srv);
	c->business_id = rq->srv->cfg.business_id;
	c->now = http_now(rq);
	html_init(&c->h, 0);
}

void
web_end(web_ctx *c)
{
	html_free(&c->h);
	web_form_free(&c->form);
	for (size_t i = 0; i < c->nkeep; i++)
		free(c->keep[i]);
	free(c->keep);
	sodium_memzero(c->token, sizeof c->token);
	sodium_memzero(c->csrf, sizeof c->csrf);
	sodium_memzero(c->sess.csrf, sizeof c->sess.csrf);
	c->keep = NULL;
	c->nkeep = c->capkeep = 0;
}

const char *
web_keep(web_ctx *c, const char *s)
{
	char *copy;

	if (s == NULL)
		return NULL;
	if (c->nkeep == c->capkeep) {
		size_t cap = c->capkeep ? c->capkeep * 2 : 64;
		char **k = realloc(c->keep, cap * sizeof *k);

		if (k == NULL) {
			c->keep_failed = true;
			return NULL;
		}
		c->keep = k;
		c->capkeep = cap;
	}
	if ((copy = strdup(s)) == NULL) {
		c->keep_failed = true;
		return NULL;
	}
	c->keep[c->nkeep++] = copy;
	return copy;
}

const char *
web_cookie(web_ctx *c, const char *name)
{
	return MHD_lookup_connection_value(c->rq->conn, MHD_COOKIE_KIND, name);
}

static bool
secure(web_ctx *c)
{
	char url[512];

	http_public_url(c->rq, url, sizeof url);
	return strncmp(url, "https:", 6) == 0;
}

void
web_set_cookie(web_ctx *c, const char *name, const char *value, int64_t max_age, char *buf,
	       size_t len)
{
	snprintf(buf, len, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Lax%s", name,
		 value ? value : "", (long long)max_age, secure(c) ? "; Secure" : "");
}

/* A session renewed when less than half of its time is left, so a person
 * who uses the app every week never signs in again. A failed renewal only
 * means the session ends on time. */
typedef struct {
	int64_t business_id, id, expires_at;
} renew_job;

static int
run_renew(store *s, void *arg, char *err, size_t errlen)
{
	renew_job *r = arg;

	(void)err;
	(void)errlen;
	return store_session_extend(s, r->business_id, r->id, r->expires_at) < 0 ? -1 : 0;
}

/* The business the session shows, when this server hosts it; else its
 * user's own (a granted business disabled since, or not loaded), with the
 * user read again for who they are there. 1 with c's business and rules
 * set, 0 when neither is hosted (as if signed out), -1 on an error. */
static int
session_business(web_ctx *c, store *s)
{
	const rules *r = web_business_rules(c->rq->srv, c->sess.business_id);
	int rc;

	if (r == NULL && c->sess.business_id != c->user.business_id) {
		c->sess.business_id = c->user.business_id;
		if ((r = web_business_rules(c->rq->srv, c->user.business_id)) != NULL &&
		    (rc = store_user_get(s, c->user.business_id, c->user.id, &c->user)) <= 0)
			return rc;
	}
	if (r == NULL) {
		http_note(c->rq, "error=business_not_hosted");
		return 0;
	}
	c->business_id = c->sess.business_id;
	c->rules = r;
	/* what the server's own helpers read for the request, too */
	c->rq->business_id = c->business_id;
	c->rq->biz_live = c->business_id == c->rq->srv->cfg.business_id ? NULL :
			  http_business_live(c->rq->srv, c->business_id);
	return 1;
}

/* Looks up the session of the cookie; fills c's user and the business it
 * shows when it is valid. */
static int
find_session(web_ctx *c)
{
	const char *tok = web_cookie(c, WEB_SESSION_COOKIE);
	store *s;
	int rc;

	if (tok == NULL || strlen(tok) >= sizeof c->token)
		return 0;
	if ((s = http_store(c->rq)) == NULL)
		return -1;
	rc = store_session_find_any(s, tok, c->now, &c->sess, &c->user);
	if (rc > 0)
		rc = session_business(c, s);
	if (rc <= 0)
		return rc;
	snprintf(c->token, sizeof c->token, "%s", tok);
	web_csrf_for(c->sess.csrf, c->business_id, c->csrf);
	c->signed_in = true;
	http_note(c->rq, "user=%lld business=%lld", (long long)c->user.id,
		  (long long)c->business_id);
	if (c->sess.expires_at - c->now < WEB_SESSION_TTL / 2) {
		renew_job r = { c->user.business_id, c->sess.id, c->now + WEB_SESSION_TTL };
		char err[128];

		if (web_write(c, run_renew, &r, err, sizeof err) == FLOW_OK)
			c->sess.expires_at = r.expires_at;
	}
	return 1;
}

bool
web_begin(web_ctx *c, http_req *rq, bool need_user, enum MHD_Result *ret)
{
	ctx_init(c, rq);
	if (find_session(c) < 0) {
		*ret = web_error_page(c, 503, "Unavailable", "The database cannot be read just now. "
				      "Try again in a moment.");
		return false;
	}
	if (need_user && !c->signed_in) {
		html_url u;

		/* back to this page after signing in (the sign-in page checks it) */
		html_url_path(&u, "/app/login");
		if (strcmp(rq->method, "GET") == 0 && strcmp(rq->path, "/app/") != 0)
			html_url_query(&u, "next", rq->path);
		*ret = web_redirect(c, u.ok ? u.s : "/app/login", NULL);
		return false;
	}
	return true;
}

/* The scheme and host this server is reached at, e.g. "https://app.example". */
static void
own_origin(web_ctx *c, char *buf, size_t len)
{
	char *p;

	http_public_url(c->rq, buf, len);
	if ((p = strstr(buf, "://")) != NULL && (p = strchr(p + 3, '/')) != NULL)
		*p = '\0';
}

/* The form, the origin: common to both kinds of POST. */
static bool
post_common(web_ctx *c, enum MHD_Result *ret)
{
	const char *origin = http_header(c->rq, "Origin");
	const char *site = http_header(c->rq, "Sec-Fetch-Site");
	char ct[64], own[512];

	if ((site != NULL && strcasecmp(site, "cross-site") == 0) ||
	    (origin != NULL && strcmp(origin, "null") != 0 &&
	     (own_origin(c, own, sizeof own), strcasecmp(origin, own) != 0))) {
		http_note(c->rq, "error=cross_site");
		*ret = web_error_page(c, 403, "Refused", "This form was sent from another site.");
		return false;
	}
	http_content_type(c->rq, ct, sizeof ct);
	if (strcmp(ct, "application/x-www-form-urlencoded") != 0 ||
	    web_form_parse(&c->form, c->rq->body, c->rq->len) < 0) {
		*ret = web_error_page(c, 400, "Not a form", "This request is not a form this page "
				      "sent. Go back, reload the page and try again.");
		return false;
	}
	return true;
}

static enum MHD_Result
csrf_refused(web_ctx *c)
{
	http_note(c->rq, "error=csrf");
	return web_error_page(c, 403, "Refused", "This form has expired or was not sent by this "
			      "app. Go back, reload the page and try again.");
}

bool
web_begin_post(web_ctx *c, http_req *rq, enum MHD_Result *ret)
{
	if (!web_begin(c, rq, true, ret))
		return false;
	if (!post_common(c, ret))
		return false;
	if (!web_csrf_ok(c->csrf, web_form_get(&c->form, "csrf"))) {
		*ret = csrf_refused(c);
		return false;
	}
	return true;
}

bool
web_begin_post_anon(web_ctx *c, http_req *rq, enum MHD_Result *ret)
{
	if (!web_begin(c, rq, false, ret))
		return false;
	if (!post_common(c, ret))
		return false;
	if (!web_csrf_ok(web_cookie(c, WEB_PRE_COOKIE), web_form_get(&c->form, "csrf"))) {
		*ret = csrf_refused(c);
		return false;
	}
	return true;
}

flow_result
web_write(web_ctx *c, store_writer_fn fn, void *arg, char *err, size_t errlen)
{
	return http_write(c->rq, fn, arg, err, errlen);
}

enum MHD_Result
web_respond(http_req *rq, int status, const char *content_type, const void *body, size_t len,
	    const char *cache, const char *etag, const char *cookie, const char *location)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	if (content_type != NULL)
		MHD_add_response_header(r, "Content-Type", content_type);
	MHD_add_response_header(r, "X-Request-Id", rq->id);
	MHD_add_response_header(r, "Cache-Control", cache ? cache : "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Content-Security-Policy", WEB_CSP);
	if (etag != NULL)
		MHD_add_response_header(r, "ETag", etag);
	if (cookie != NULL)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	if (location != NULL)
		MHD_add_response_header(r, "Location", location);
	ret = MHD_queue_response(rq->conn, (unsigned)status, r);
	MHD_destroy_response(r);
	rq->status = status;
	return ret;
}

enum MHD_Result
web_send(web_ctx *c, int status, const char *cookie)
{
	size_t len;
	const char *page = c->keep_failed ? NULL : html_finish(&c->h, &len);

	if (page == NULL) {
		static const char body[] = "<!doctype html><title>Error</title><p>This page could "
					   "not be shown. Try again; if it keeps happening, tell "
					   "whoever runs leadkeep.";

		log_line("error", "page_failed", "req_id=%s why=\"%s\"", c->rq->id,
			 c->h.why ? c->h.why : "out of memory");
		return web_respond(c->rq, 500, "text/html; charset=utf-8", body, sizeof body - 1,
				   NULL, NULL, cookie, NULL);
	}
	return web_respond(c->rq, status, "text/html; charset=utf-8", page, len, NULL, NULL,
			   cookie, NULL);
}

enum MHD_Result
web_redirect(web_ctx *c, const char *location, const char *cookie)
{
	return web_respond(c->rq, 303, "text/plain; charset=utf-8", "", 0, NULL, NULL, cookie,
			   location);
}

enum MHD_Result
web_error_page(web_ctx *c, int status, const char *title, const char *text)
{
	html_free(&c->h);
	html_init(&c->h, 0);
	web_page_start(c, title, NULL);
	html_elem(&c->h, "h1", title);
	html_elem(&c->h, "p", text);
	html_open(&c->h, "p");
	{
		html_url u;

		html_url_path(&u, "/app/");
		html_open(&c->h, "a");
		html_url_attr(&c->h, "href", &u);
		html_text(&c->h, "Back to Today");
		html_close(&c->h);
	}
	html_close(&c->h);
	web_page_end(c);
	if (status >= 400)
		http_note(c->rq, "page=error");
	return web_send(c, status, NULL);
}

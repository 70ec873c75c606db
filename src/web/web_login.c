/*
 * web_login.c - signing in and out, and setting a password from a one-time
 * link. Passwords are checked on the request's thread (argon2id takes a
 * tenth of a second and must not hold up the writer); what follows - the
 * failed count, a lockout, a new session - is written by the writer.
 * Limits: WEB_SIGNIN_PER_MIN posts per client address and minute, and an
 * account locks for WEB_LOCK_SECS after WEB_MAX_FAILED failures in a row.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "util/mono.h"
#include "web.h"

/* --- writer jobs ------------------------------------------------------------------ */

typedef struct {
	int64_t business_id, user_id, now;	/* the user's own business */
	const char *pwtoken;		/* set-password: the link's token */
	const char *hash;		/* set-password: the new password's hash */
	/* sign-in: a failure, counted on each of these accounts (the email's
	 * that are not locked) */
	const store_user *failed;
	int nfailed;
	/* out */
	int64_t locked_until;
	char token[STORE_SECRET_LEN];
} auth_job;

static int
run_signin(store *s, void *arg, char *err, size_t errlen)
{
	auth_job *a = arg;
	int64_t until;

	for (int i = 0; i < a->nfailed; i++) {
		if (store_user_sign_in_failed(s, a->failed[i].business_id, a->failed[i].id,
					      WEB_MAX_FAILED, WEB_LOCK_SECS, a->now, &until) < 0)
			return snprintf(err, errlen, "%s", store_errmsg(s)), -1;
		if (until > a->locked_until)
			a->locked_until = until;
	}
	if (a->failed != NULL)
		return 0;
	if (store_user_sign_in_ok(s, a->business_id, a->user_id, a->now) < 0)
		return snprintf(err, errlen, "%s", store_errmsg(s)), -1;
	return store_session_create(s, a->business_id, a->user_id, a->now, WEB_SESSION_TTL,
				    a->token, NULL, err, errlen) < 0 ? -1 : 0;
}

static int
run_set_password(store *s, void *arg, char *err, size_t errlen)
{
	auth_job *a = arg;
	int64_t uid = 0;
	int rc = store_pwtoken_use(s, a->business_id, a->pwtoken, a->now, &uid);

	if (rc < 0)
		return snprintf(err, errlen, "%s", store_errmsg(s)), -1;
	if (rc == 0 || uid != a->user_id)
		return FLOW_CONFLICT;	/* used meanwhile */
	if (store_user_set_password(s, a->business_id, uid, a->hash, a->now) < 0 ||
	    store_session_end_all(s, a->business_id, uid) < 0)
		return snprintf(err, errlen, "%s", store_errmsg(s)), -1;
	return store_session_create(s, a->business_id, uid, a->now, WEB_SESSION_TTL, a->token,
				    NULL, err, errlen) < 0 ? -1 : 0;
}

typedef struct {
	int64_t business_id, user_id;
	const char *token;
	bool everywhere;
} logout_job;

static int
run_logout(store *s, void *arg, char *err, size_t errlen)
{
	logout_job *l = arg;
	int rc = l->everywhere ? store_session_end_all(s, l->business_id, l->user_id) :
		 store_session_end(s, l->business_id, l->token);

	return rc < 0 ? (snprintf(err, errlen, "%s", store_errmsg(s)), -1) : 0;
}

/* --- helpers ---------------------------------------------------------------------------- */

/* The pre-session CSRF secret: the cookie's when it has the right shape,
 * else a new one (*set then holds the Set-Cookie to send). */
static const char *
pre_secret(web_ctx *c, char *fresh, char *set, size_t setlen)
{
	const char *have = web_cookie(c, WEB_PRE_COOKIE);
	size_t n = 0;

	set[0] = '\0';
	if (have != NULL)
		for (; n < STORE_CSRF_LEN - 1 && ((have[n] >= '0' && have[n] <= '9') ||
						  (have[n] >= 'a' && have[n] <= 'f')); n++)
			;
	if (have != NULL && n == STORE_CSRF_LEN - 1 && have[n] == '\0')
		return have;
	web_csrf_new(fresh);
	web_set_cookie(c, WEB_PRE_COOKIE, fresh, 12 * 3600, set, setlen);
	return fresh;
}

/* "next" after signing in: a path of this app, else Today. */
static const char *
safe_next(const char *next)
{
	if (next == NULL || strncmp(next, "/app/", 5) != 0 || strstr(next, "//") != NULL)
		return "/app/";
	for (const char *p = next; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '/' || *p == '-' || *p == '_'))
			return "/app/";
	return next;
}

static void
field(web_ctx *c, const char *id, const char *label, const char *type, const char *name,
      const char *value, const char *autocomplete)
{
	html *h = &c->h;

	html_open(h, "label");
	html_attr(h, "for", id);
	html_text(h, label);
	html_close(h);
	html_void(h, "input");
	html_attr(h, "id", id);
	html_attr(h, "type", type);
	html_attr(h, "name", name);
	html_attr(h, "value", value);
	html_attr(h, "autocomplete", autocomplete);
	html_flag(h, "required", true);
}

static void
hidden(web_ctx *c, const char *name, const char *value)
{
	html_void(&c->h, "input");
	html_attr(&c->h, "type", "hidden");
	html_attr(&c->h, "name", name);
	html_attr(&c->h, "value", value);
}

static void
login_page(web_ctx *c, const char *csrf, const char *email, const char *next)
{
	html *h = &c->h;
	html_url u;

	web_page_start(c, "Sign in", NULL);
	html_open(h, "div");
	html_attr(h, "class", "login card");
	html_elem(h, "h1", "Sign in to leadkeep");
	web_notice_show(c, "");
	html_url_path(&u, "/app/login");
	html_open(h, "form");
	html_attr(h, "method", "post");
	html_url_attr(h, "action", &u);
	hidden(c, "csrf", csrf);
	hidden(c, "next", safe_next(next));
	field(c, "email", "Email", "email", "email", email, "username");
	field(c, "password", "Password", "password", "password", NULL, "current-password");
	html_open(h, "p");
	html_open(h, "button");
	html_text(h, "Sign in");
	html_close(h);
	html_close(h);
	html_close(h);	/* form */
	html_elem(h, "p", "No password yet, or forgot it? Ask a manager for a sign-in link.");
	html_close(h);	/* div */
	web_page_end(c);
}

static void
notice(web_ctx *c, const char *text)
{
	c->notice.error = true;
	snprintf(c->notice.text, sizeof c->notice.text, "%s", text);
	c->notice.form[0] = '\0';
}

static void
locked_notice(web_ctx *c, int64_t until)
{
	char when[64];

	web_local_time(c, until, when, sizeof when);
	c->notice.error = true;
	snprintf(c->notice.text, sizeof c->notice.text, "This account is locked after %d failed "
		 "sign-ins in a row, until %s. Wait until then, or ask a manager for a new "
		 "sign-in link.", WEB_MAX_FAILED, when);
	c->notice.form[0] = '\0';
}

/* The client address's sign-in budget; false with *retry set when spent. */
static bool
signin_allowed(web_ctx *c, int *retry)
{
	char key[80];

	snprintf(key, sizeof key, "signin:%s", c->rq->ip);
	return ratelimit_take(c->rq->srv->limits, key, WEB_SIGNIN_PER_MIN, 60, mono_ns(), retry);
}

/* --- handlers ------------------------------------------------------------------------------ */

enum MHD_Result
web_login_form(http_req *rq)
{
	enum MHD_Result ret;
	char fresh[STORE_CSRF_LEN], set[256];
	const char *csrf;
	web_ctx c;

	if (!web_begin(&c, rq, false, &ret))
		goto out;
	if (c.signed_in) {
		ret = web_redirect(&c, "/app/", NULL);
		goto out;
	}
	csrf = pre_secret(&c, fresh, set, sizeof set);
	login_page(&c, csrf, NULL, http_arg(rq, "next"));
	ret = web_send(&c, 200, set[0] ? set : NULL);
out:
	web_end(&c);
	return ret;
}

/* The account of email whose password this is, among the email's accounts
 * in every business (one, unless it was added to two before `user add`
 * refused that: then the first, by business, that the password opens).
 * Returns its index in u, -1 when none: *nlocked then counts the accounts
 * skipped because they are locked (their lock's end in *locked_until), and
 * open[0..*nopen) the others, whose failure counts. Every account checked
 * costs one argon2id verification; no account costs one as well. */
static int
match_account(const char *password, store_user *u, int n, int64_t now, const store_user **open,
	      int *nopen, int *nlocked, int64_t *locked_until)
{
	*nopen = *nlocked = 0;
	*locked_until = 0;
	if (n == 0)
		web_password_verify(NULL, password);
	for (int i = 0; i < n; i++) {
		if (u[i].locked_until > now) {
			(*nlocked)++;
			if (u[i].locked_until > *locked_until)
				*locked_until = u[i].locked_until;
			continue;
		}
		if (web_password_verify(u[i].password_hash, password))
			return i;
		open[(*nopen)++] = &u[i];
	}
	return -1;
}

enum MHD_Result
web_login(http_req *rq)
{
	enum MHD_Result ret;
	const char *email, *password, *next;
	char cookie[256], err[256];
	auth_job a = { 0 };
	store_user accounts[WEB_SIGNIN_ACCOUNTS], nofail[WEB_SIGNIN_ACCOUNTS];
	const store_user *open[WEB_SIGNIN_ACCOUNTS];
	store_user *u;
	store *s;
	web_ctx c;
	int found, nopen, nlocked, i, retry = 1, status;
	int64_t locked_until;

	if (!web_begin_post_anon(&c, rq, &ret))
		goto out;
	email = web_form_get(&c.form, "email");
	password = web_form_get(&c.form, "password");
	next = web_form_get(&c.form, "next");
	a.now = c.now;
	if (!signin_allowed(&c, &retry)) {
		char text[160];

		snprintf(text, sizeof text, "Too many sign-in attempts from this network. Wait %d "
			 "seconds and try again.", retry);
		notice(&c, text);
		status = 429;
		goto page;
	}
	if (email == NULL || password == NULL) {
		notice(&c, "Enter your email and your password.");
		status = 422;
		goto page;
	}
	/* The email's account in whichever business it is: one sign-in page
	 * for every business the install hosts. */
	if ((s = http_store(rq)) == NULL ||
	    (found = store_user_find_all(s, email, accounts, WEB_SIGNIN_ACCOUNTS)) < 0) {
		notice(&c, "Signing in is not possible just now. Try again in a moment.");
		status = 503;
		goto page;
	}
	i = match_account(password, accounts, found, c.now, open, &nopen, &nlocked,
			  &locked_until);
	/* the lock's end in the account's business's time: the first
	 * account's (by business) is the one nearly every email has */
	if (found > 0 && web_business_rules(rq->srv, accounts[0].business_id) != NULL)
		c.rules = web_business_rules(rq->srv, accounts[0].business_id);
	if (i < 0 && nlocked > 0 && nopen == 0) {
		locked_notice(&c, locked_until);
		http_note(rq, "error=locked");
		status = 429;
		goto page;
	}
	if (i < 0) {
		http_note(rq, "error=wrong_password");
		notice(&c, "Wrong email or password.");
		status = 401;
		if (nopen > 0) {
			for (int k = 0; k < nopen; k++)
				nofail[k] = *open[k];
			a.failed = nofail;
			a.nfailed = nopen;
			if (web_write(&c, run_signin, &a, err, sizeof err) == FLOW_OK &&
			    a.locked_until > 0 && nopen == found) {
				locked_notice(&c, a.locked_until);
				status = 429;
			}
		}
		goto page;
	}
	u = &accounts[i];
	/* The password was right: saying that the business is not served here
	 * (disabled, or its file did not load) tells nothing to anyone else. */
	if (web_business_rules(rq->srv, u->business_id) == NULL) {
		http_note(rq, "error=business_not_hosted user=%lld", (long long)u->id);
		notice(&c, "Your business is not served by this server just now, so nobody of it "
		       "can sign in. Ask whoever runs leadkeep for your business.");
		status = 403;
		goto page;
	}
	a.business_id = u->business_id;
	a.user_id = u->id;
	if (web_write(&c, run_signin, &a, err, sizeof err) != FLOW_OK) {
		notice(&c, "Signing in is not possible just now. Try again in a moment.");
		status = 503;
		goto page;
	}
	http_note(rq, "user=%lld business=%lld signed_in=true", (long long)u->id,
		  (long long)u->business_id);
	web_set_cookie(&c, WEB_SESSION_COOKIE, a.token, WEB_SESSION_TTL, cookie, sizeof cookie);
	sodium_memzero(a.token, sizeof a.token);
	ret = web_redirect(&c, safe_next(next), cookie);
	goto out;
page:
	login_page(&c, web_form_get(&c.form, "csrf"), email, next);
	ret = web_send(&c, status, NULL);
out:
	web_end(&c);
	return ret;
}

enum MHD_Result
web_logout(http_req *rq)
{
	enum MHD_Result ret;
	logout_job l;
	char cookie[256], err[256];
	web_ctx c;

	if (!web_begin_post(&c, rq, &ret))
		goto out;
	l = (logout_job){ c.user.business_id, c.user.id, c.token,
			  web_form_get(&c.form, "everywhere") != NULL };
	if (web_write(&c, run_logout, &l, err, sizeof err) != FLOW_OK) {
		ret = web_error_page(&c, 503, "Unavailable", "Signing out did not work just now. "
				     "Try again in a moment.");
		goto out;
	}
	web_set_cookie(&c, WEB_SESSION_COOKIE, "", 0, cookie, sizeof cookie);
	ret = web_redirect(&c, "/app/login", cookie);
out:
	web_end(&c);
	return ret;
}

static void
set_password_page(web_ctx *c, const char *csrf, const char *token, const char *email)
{
	html *h = &c->h;
	html_url u;

	web_page_start(c, "Set your password", NULL);
	html_open(h, "div");
	html_attr(h, "class", "login card");
	html_elem(h, "h1", "Set your password");
	html_open(h, "p");
	html_text(h, "For ");
	html_elem(h, "strong", email);
	html_text(h, ". At least 10 characters; a short sentence is easy to remember.");
	html_close(h);
	web_notice_show(c, "");
	html_url_path(&u, "/app/set-password");
	html_open(h, "form");
	html_attr(h, "method", "post");
	html_url_attr(h, "action", &u);
	hidden(c, "csrf", csrf);
	hidden(c, "token", token);
	field(c, "password", "New password", "password", "password", NULL, "new-password");
	field(c, "confirm", "The same again", "password", "confirm", NULL, "new-password");
	html_open(h, "p");
	html_open(h, "button");
	html_text(h, "Set password and sign in");
	html_close(h);
	html_close(h);
	html_close(h);	/* form */
	html_close(h);	/* div */
	web_page_end(c);
}

/* The user a set-password link belongs to: 1, 0 (not valid), -1. */
static int
link_user(web_ctx *c, const char *token, store_user *u)
{
	store *s = http_store(c->rq);
	int64_t uid = 0, bid = 0;
	int rc;

	if (s == NULL)
		return -1;
	if ((rc = store_pwtoken_find_any(s, token, c->now, &bid, &uid)) <= 0)
		return rc;
	return store_user_get(s, bid, uid, u);
}

static enum MHD_Result
link_invalid(web_ctx *c, int rc)
{
	if (rc < 0)
		return web_error_page(c, 503, "Unavailable", "Try again in a moment.");
	return web_error_page(c, 410, "This link does not work", "It was used already, has "
			      "expired, or was replaced by a newer one. Ask a manager for a new "
			      "link.");
}

enum MHD_Result
web_set_password_form(http_req *rq)
{
	enum MHD_Result ret;
	char fresh[STORE_CSRF_LEN], set[256];
	const char *token = http_arg(rq, "token"), *csrf;
	store_user u;
	web_ctx c;
	int rc;

	if (!web_begin(&c, rq, false, &ret))
		goto out;
	if ((rc = link_user(&c, token, &u)) <= 0) {
		ret = link_invalid(&c, rc);
		goto out;
	}
	csrf = pre_secret(&c, fresh, set, sizeof set);
	set_password_page(&c, csrf, token, u.email);
	ret = web_send(&c, 200, set[0] ? set : NULL);
out:
	web_end(&c);
	return ret;
}

enum MHD_Result
web_set_password(http_req *rq)
{
	enum MHD_Result ret;
	const char *token, *password, *confirm, *problem;
	char hash[WEB_HASH_LEN], cookie[256], err[256];
	auth_job a = { 0 };
	flow_result fr;
	store_user u;
	web_ctx c;
	int rc, retry = 1, status;

	if (!web_begin_post_anon(&c, rq, &ret))
		goto out;
	token = web_form_get(&c.form, "token");
	password = web_form_get(&c.form, "password");
	confirm = web_form_get(&c.form, "confirm");
	if ((rc = link_user(&c, token, &u)) <= 0) {
		ret = link_invalid(&c, rc);
		goto out;
	}
	if (!signin_allowed(&c, &retry)) {
		notice(&c, "Too many attempts from this network. Wait a minute and try again.");
		status = 429;
		goto page;
	}
	if ((problem = web_password_problem(password, u.email)) != NULL) {
		notice(&c, problem);
		status = 422;
		goto page;
	}
	if (confirm == NULL || strcmp(password, confirm) != 0) {
		notice(&c, "The two passwords are not the same.");
		status = 422;
		goto page;
	}
	if (web_password_hash(password, hash) < 0) {
		notice(&c, "The password could not be saved just now. Try again in a moment.");
		status = 503;
		goto page;
	}
	a = (auth_job){ .business_id = u.business_id, .user_id = u.id, .now = c.now,
			.pwtoken = token, .hash = hash };
	fr = web_write(&c, run_set_password, &a, err, sizeof err);
	sodium_memzero(hash, sizeof hash);
	if (fr == FLOW_CONFLICT) {
		ret = link_invalid(&c, 0);
		goto out;
	}
	if (fr != FLOW_OK) {
		notice(&c, "The password could not be saved just now. Try again in a moment.");
		status = 503;
		goto page;
	}
	http_note(rq, "user=%lld password_set=true", (long long)u.id);
	web_set_cookie(&c, WEB_SESSION_COOKIE, a.token, WEB_SESSION_TTL, cookie, sizeof cookie);
	sodium_memzero(a.token, sizeof a.token);
	ret = web_redirect(&c, "/app/?ok=password", cookie);
	goto out;
page:
	set_password_page(&c, web_form_get(&c.form, "csrf"), token, u.email);
	ret = web_send(&c, status, NULL);
out:
	web_end(&c);
	return ret;
}

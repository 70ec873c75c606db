/*
 * web.h - shared by the staff web app's files: the request context (who is
 * signed in, the page being written), replies, the layout, the pieces more
 * than one page shows, and the handlers. Internal to src/web/; the server
 * knows only the route table (web_routes, see http_internal.h).
 *
 * Every handler starts with web_begin() (GET) or web_begin_post() (POST):
 * the session is checked on every request, every POST's CSRF token too, and
 * a lead or task is shown or changed only after web_may_see_lead() said so.
 */
#ifndef LK_WEB_H
#define LK_WEB_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http_internal.h"
#include "http/http_jobs.h"
#include "store/store_read.h"
#include "store/store_user.h"
#include "html.h"
#include "web_auth.h"
#include "web_form.h"

#define WEB_SESSION_COOKIE "lk_session"
#define WEB_PRE_COOKIE "lk_pre"		/* CSRF for forms shown before a session */

/* Something to tell the person on the page: an error from a form (kept
 * next to that form when form names it) or a confirmation. */
typedef struct {
	bool error;
	char text[512];
	char form[32];		/* "stage", "log", "owner", "task-12", "" = the page */
} web_notice;

typedef struct {
	http_req *rq;
	const rules *rules;	/* business_id's rules in force */
	/* The business shown: the install's own until a session names one (its
	 * user's own, or one granted to them and chosen with the switcher);
	 * every read and write of a page is this business's. */
	int64_t business_id;
	int64_t now;
	bool signed_in;
	store_user user;
	store_session sess;
	char token[STORE_SECRET_LEN];	/* the session cookie's value */
	char csrf[STORE_CSRF_LEN];	/* its forms' CSRF token, bound to business_id */
	web_form form;			/* a POST's fields */
	html h;				/* the page */
	web_notice notice;
	char **keep;			/* strings copied for the page (web_keep) */
	size_t nkeep, capkeep;
	bool keep_failed;
	int refresh_s;			/* > 0: the page reloads itself after this long */
} web_ctx;

/* --- requests (web_http.c) ---------------------------------------------------- */

/*
 * Starts a GET handler: fills c (release with web_end) and looks up the
 * session. When need_user and nobody is signed in, queues a 303 to the
 * sign-in page into *ret and returns false.
 */
bool web_begin(web_ctx *c, http_req *rq, bool need_user, enum MHD_Result *ret);
/*
 * Starts a POST handler for a signed-in user: the session, the form body
 * (400 when it is not one), the origin (403 when another site sent it) and
 * the CSRF token (403 when missing or wrong). False with the reply queued.
 */
bool web_begin_post(web_ctx *c, http_req *rq, enum MHD_Result *ret);
/* The same for the forms shown before a session (sign-in, set password):
 * the CSRF token is checked against the lk_pre cookie. */
bool web_begin_post_anon(web_ctx *c, http_req *rq, enum MHD_Result *ret);
void web_end(web_ctx *c);

/* A copy of s that lives as long as c (NULL stays NULL; out of memory marks
 * the page failed). */
const char *web_keep(web_ctx *c, const char *s);

/* A cookie the browser sent, or NULL. */
const char *web_cookie(web_ctx *c, const char *name);

/* Sends the page written into c->h with status (500 when it failed), and
 * the extra Set-Cookie header when cookie is not NULL. */
enum MHD_Result web_send(web_ctx *c, int status, const char *cookie);
/* 303 See Other to a same-site path (built by the caller from constants and
 * ids), with a Set-Cookie when cookie is not NULL. */
enum MHD_Result web_redirect(web_ctx *c, const char *location, const char *cookie);
/* A page of its own for 403, 404, 400...: title and one sentence. */
enum MHD_Result web_error_page(web_ctx *c, int status, const char *title, const char *text);
/* Any reply with the web app's security headers; cache NULL = no-store. */
enum MHD_Result web_respond(http_req *rq, int status, const char *content_type,
			    const void *body, size_t len, const char *cache, const char *etag,
			    const char *cookie, const char *location);

/* "lk_session=...; Path=/; Max-Age=N; HttpOnly; SameSite=Lax[; Secure]"
 * into buf (max_age 0 deletes it). Secure when the public URL is https. */
void web_set_cookie(web_ctx *c, const char *name, const char *value, int64_t max_age,
		    char *buf, size_t len);

/* Runs a write through the group-commit writer. */
flow_result web_write(web_ctx *c, store_writer_fn fn, void *arg, char *err, size_t errlen);

/* --- who sees what (web_access.c) ------------------------------------------------ */

/* 1 when the signed-in user may see lead_id (office, manager, admin: every
 * lead; others: the leads they own or have an open task on), 0 when not,
 * -1 on a storage error. Existence is not checked here. */
int web_may_see_lead(web_ctx *c, int64_t lead_id);
/* 1 when the signed-in user may pause and resume lead_id's automation
 * (web_may_pause: office, managers, admins, its owner), 0 when not (or no
 * such lead), -1 on a storage error. */
int web_may_pause_lead(web_ctx *c, int64_t lead_id);
/* The person whose queue and leads the user works: "" for none. */
const char *web_person(const web_ctx *c);

/* A write of the flow as the signed-in user: job_run(), after checking -
 * in the same transaction - that the user may see the lead (or the task's
 * lead) and, when check_task is set, that the task is still open. */
typedef struct {
	job j;
	const char *person;	/* NULL: sees every lead */
	int64_t check_task;	/* > 0: the task the change is about */
	bool owner_only;	/* person must own the lead, not only work on it */
} web_job;

int web_job_run(store *s, void *arg, char *err, size_t errlen);
/* A web_job initialised for c's user, business and now. */
void web_job_init(web_ctx *c, web_job *w, job_op op);
/* The HTTP status a refused change gets (http_flow_status) and the words
 * for the page; 0 for FLOW_OK. */
int web_flow_notice(web_ctx *c, flow_result rc, const char *err, const char *form);

/* --- businesses (web_business.c) -------------------------------------------------- */

/* The rules in force of business id when this server hosts it (the
 * install's own or an enabled one that loaded), else NULL. Borrowed for the
 * request. */
const rules *web_business_rules(const http_server *srv, int64_t id);
/* In the header of every signed-in page: the business shown, and for a
 * user granted others (hosted here) the switcher, a form posted to
 * /app/business with the CSRF token. */
void web_business_bar(web_ctx *c);
/* POST /app/business: shows the business the form names, when it is the
 * user's own or granted to them and hosted here (404 otherwise). */
enum MHD_Result web_business_switch(http_req *rq);

/* --- layout (web_layout.c) -------------------------------------------------------- */

/* <!doctype html> ... <main>; nav shown to a signed-in user. */
void web_page_start(web_ctx *c, const char *title, const char *nav);
/* </main> ... </html>. */
void web_page_end(web_ctx *c);
/* The hidden CSRF field of a state-changing form. */
void web_csrf_field(web_ctx *c);
/* <label for=for_id>text</label>: every form field has one. */
void web_label(html *h, const char *for_id, const char *text);
/* The notice, when there is one for this form ("" = the page's). */
void web_notice_show(web_ctx *c, const char *form);
/* A ?ok= code of a redirect after a change, as a confirmation notice. */
void web_notice_from_query(web_ctx *c);
/* "Tue Nov 24, 2:02 PM" in the business's time zone. */
void web_local_time(const web_ctx *c, int64_t t, char *buf, size_t len);
/* The business's local day around t: its first second and the first second
 * of the next day (UTC). */
void web_day_bounds(const web_ctx *c, int64_t t, int64_t *start, int64_t *end);
/* A local date and time of the business (what date and time inputs send;
 * time NULL = 9:00 AM) into *out: 0, or -1 when either is not valid. */
int web_local_instant(const web_ctx *c, const char *date, const char *time, int64_t *out);
/* A person's name from the rules, or the id itself, or "nobody". */
const char *web_person_name(const web_ctx *c, const char *id);
/* A small label: kind "new" (nobody acted on the lead yet), "stale" (no
 * activity for long), "paused" (a step held while the automation is
 * paused), anything else plain. */
void web_badge(web_ctx *c, const char *kind, const char *text);
/* web_health.c: the alerts of serve's self-watch, for managers and admins;
 * nothing for other roles or when nothing is wrong. */
void web_health_banner(web_ctx *c);
/* <a href=asset> URL of an embedded asset, versioned for caching. */
void web_asset_url(html_url *u, const char *name);

/* --- a task with its buttons (web_task.c) ----------------------------------------- */

typedef struct {
	int64_t id, lead_id;
	const char *verb, *title, *assignee;
	int64_t due_at;
	const char *name, *phone, *email, *source, *stage;
	bool sms_opt_out, email_opt_out;
	const char *last_text;		/* the lead's last timeline entry, may be NULL */
	const char *promise;		/* the acknowledgment the lead was sent, may be NULL */
	int64_t last_at;
	bool is_new;			/* nobody has acted on the lead yet: a "New" badge */
	bool show_lead;			/* link to the lead (on Today) */
	bool show_assignee;		/* another person's task is in the list */
	const html_url *more;		/* compact (Today): the outcome buttons and a link
					 * here for a note or a snooze; NULL = the whole card */
	bool opened;			/* the whole card with its note and snooze shown */
} web_task_view;

/* Back targets of a task's forms: the redirect goes there. */
#define WEB_BACK_TODAY "today"
#define WEB_BACK_LEAD "lead"
#define WEB_BACK_PIPELINE "pipeline"

/* The card: one form (CSRF token, back) with the one-tap outcomes, and
 * "done with a note" and "snooze" (posted to /app/tasks/ID/snooze by its own
 * button's formaction) - or, on a compact card, a link to open it. */
void web_task_card(web_ctx *c, const web_task_view *t, const char *back);
/* Seconds of a snooze choice the card offers ("1h", "3d"...), 0 for none. */
int64_t web_snooze_secs(const char *value);
/* tel:, sms:, mailto: buttons for a contact. */
void web_contact_links(web_ctx *c, const char *phone, const char *email, bool sms_opt_out,
		       bool email_opt_out);

/* --- pages and actions -------------------------------------------------------------- */

/* web_today.c */
enum MHD_Result web_today(http_req *rq);
void web_today_render(web_ctx *c);
enum MHD_Result web_root(http_req *rq);
/* web_lead.c: renders lead id into c->h; 1 shown, 0 not found / not yours, -1 error. */
enum MHD_Result web_lead(http_req *rq);
int web_lead_render(web_ctx *c, int64_t id);
/* The form that moves lead id to another stage (posted to
 * /app/leads/ID/stage: the rules' required fields are checked there), with
 * the lead's current stage chosen; back is where it returns (WEB_BACK_*). */
void web_stage_form(web_ctx *c, int64_t lead_id, const char *current, const char *back);
/* web_appointments.c: the signed-in person's visits of today (nothing when
 * they have none), and a lead's appointments with their forms */
void web_my_day(web_ctx *c);
void web_lead_appointments(web_ctx *c, const store_lead_row *l);
/* web_pipeline.c: renders the pipeline into c->h, with lead move's stage form
 * open (0 = none): 0, or -1 when it cannot be read. */
int web_pipeline_render(web_ctx *c, int64_t move);
/* web_actions.c */
enum MHD_Result web_task_outcome(http_req *rq);
enum MHD_Result web_lead_opt_out(http_req *rq);
/* web_new_lead.c */
enum MHD_Result web_new_lead_form(http_req *rq);
enum MHD_Result web_new_lead(http_req *rq);
enum MHD_Result web_task_snooze(http_req *rq);
enum MHD_Result web_lead_log(http_req *rq);
enum MHD_Result web_lead_stage(http_req *rq);
enum MHD_Result web_lead_owner(http_req *rq);
enum MHD_Result web_lead_pause(http_req *rq);
enum MHD_Result web_lead_resume(http_req *rq);
enum MHD_Result web_lead_appointment(http_req *rq);
/* web_login.c */
enum MHD_Result web_login_form(http_req *rq);
enum MHD_Result web_login(http_req *rq);
enum MHD_Result web_logout(http_req *rq);
enum MHD_Result web_set_password_form(http_req *rq);
enum MHD_Result web_set_password(http_req *rq);
/* web_walk.c: Start, the queue one lead at a time */
enum MHD_Result web_walk(http_req *rq);
enum MHD_Result web_walk_outcome(http_req *rq);
/* web_pipeline.c, web_team.c, web_rules.c, web_search.c */
enum MHD_Result web_pipeline(http_req *rq);
enum MHD_Result web_team(http_req *rq);
enum MHD_Result web_rules(http_req *rq);
enum MHD_Result web_search(http_req *rq);
/* web_reports.c: the pipeline measured (src/report/), with charts */
enum MHD_Result web_reports(http_req *rq);
/* web_live.c: the server-sent events of live pages */
enum MHD_Result web_events(http_req *rq);
/* web_assets.c */
enum MHD_Result web_asset_get(http_req *rq);
enum MHD_Result web_manifest(http_req *rq);

#endif

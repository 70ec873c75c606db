/*
 * test_web_auth.c - the web app's accounts against a real database:
 * argon2id passwords, the CSRF comparison, roles, sessions (only a hash
 * kept, expiry, sign out, sign out everywhere), failed sign-ins and the
 * lockout, one-time set-password links, and which leads a person works;
 * across businesses: sign-in by email in any business, grants, the business
 * a session shows and CSRF tokens bound to it.
 * tests/run.sh runs it on both engines (demo_store.h's LK_STORE=pg).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "demo_store.h"
#include "flow/flow.h"
#include "store/store_business.h"
#include "store/store_user.h"
#include "store/store_web.h"
#include "web/web_auth.h"

typedef demo_store fixture;

static int64_t
add_user(fixture *f, const char *email, const char *role, const char *person)
{
	int64_t id = 0;
	char err[256];

	assert_int_equal(store_user_create(f->s, f->bid, email, "Some One", role, person, f->t0,
					   &id, err, sizeof err), 0);
	assert_true(id > 0);
	return id;
}

static void
passwords_are_argon2id(void **state)
{
	char hash[WEB_HASH_LEN];

	(void)state;
	assert_int_equal(web_password_hash("correct horse battery", hash), 0);
	assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
	assert_null(strstr(hash, "correct horse"));
	assert_true(web_password_verify(hash, "correct horse battery"));
	assert_false(web_password_verify(hash, "correct horse batterY"));
	assert_false(web_password_verify(hash, ""));
	assert_false(web_password_verify("", "anything at all"));	/* no password set */
	assert_false(web_password_verify(NULL, "anything at all"));
	assert_false(web_password_verify(hash, NULL));
}

static void
password_rules(void **state)
{
	char long_pw[WEB_PASSWORD_MAX + 2];

	(void)state;
	assert_non_null(web_password_problem("short", "a@b.c"));
	assert_non_null(web_password_problem(NULL, "a@b.c"));
	assert_non_null(web_password_problem("Maria@Demo.example", "maria@demo.example"));
	assert_null(web_password_problem("a long enough sentence", "a@b.c"));
	memset(long_pw, 'x', sizeof long_pw - 1);
	long_pw[sizeof long_pw - 1] = '\0';
	assert_non_null(web_password_problem(long_pw, "a@b.c"));
}

static void
csrf_compare(void **state)
{
	char a[STORE_CSRF_LEN], b[STORE_CSRF_LEN];

	(void)state;
	web_csrf_new(a);
	web_csrf_new(b);
	assert_int_equal(strlen(a), 64);
	assert_string_not_equal(a, b);
	assert_true(web_csrf_ok(a, a));
	assert_false(web_csrf_ok(a, b));
	assert_false(web_csrf_ok(a, NULL));
	assert_false(web_csrf_ok(NULL, a));
	assert_false(web_csrf_ok("", ""));
	b[0] = '\0';
	assert_false(web_csrf_ok(a, b));
	memcpy(b, a, sizeof b);
	b[63] = '\0';			/* a prefix is not the token */
	assert_false(web_csrf_ok(a, b));
}

static void
roles(void **state)
{
	(void)state;
	assert_true(web_role_sees_all("office"));
	assert_true(web_role_sees_all("manager"));
	assert_true(web_role_sees_all("admin"));
	assert_false(web_role_sees_all("sales"));
	assert_false(web_role_sees_all("technician"));
	assert_true(web_may_pause("office", NULL, "bob"));
	assert_true(web_may_pause("manager", "maria", "bob"));
	assert_true(web_may_pause("technician", "terry", "terry"));
	assert_false(web_may_pause("technician", "terry", "bob"));
	assert_false(web_may_pause("sales", "bob", NULL));
	assert_false(web_may_pause("sales", "", ""));
	assert_false(web_role_sees_all(NULL));
	assert_true(web_role_may_assign("office"));
	assert_false(web_role_may_assign("technician"));
	assert_true(web_role_sees_team("office"));
	assert_true(web_role_sees_team("manager"));
	assert_false(web_role_sees_team("sales"));
	assert_true(web_role_sees_rules("manager"));
	assert_true(web_role_sees_rules("admin"));
	assert_false(web_role_sees_rules("office"));
	assert_false(web_role_sees_rules("technician"));
	assert_false(web_role_sees_rules(NULL));
	assert_true(store_user_role_valid("technician"));
	assert_false(store_user_role_valid("staff"));
	assert_false(store_user_role_valid(NULL));
}

static void
users_are_unique_per_email(void **state)
{
	fixture *f = *state;
	store_user u;
	int64_t id = add_user(f, "Maria@Demo.Example", "manager", "maria"), id2;
	char err[256];

	assert_int_equal(store_user_create(f->s, f->bid, "maria@demo.example", "Again", "office",
					   NULL, f->t0, &id2, err, sizeof err), 1);
	assert_int_equal(store_user_create(f->s, f->bid, "x@y.z", "X", "staff", NULL, f->t0, &id2,
					   err, sizeof err), -1);
	assert_non_null(strstr(err, "role"));
	assert_int_equal(store_user_find(f->s, f->bid, "MARIA@demo.example", &u), 1);
	assert_int_equal(u.id, id);
	assert_string_equal(u.email, "maria@demo.example");
	assert_string_equal(u.person, "maria");
	assert_string_equal(u.password_hash, "");
	assert_int_equal(store_user_find(f->s, f->bid, "nobody@demo.example", &u), 0);
	assert_int_equal(store_user_find(f->s, f->bid + 1, "maria@demo.example", &u), 0);
	assert_int_equal(store_user_count(f->s, f->bid), 1);
}

static void
sessions_keep_only_a_hash(void **state)
{
	fixture *f = *state;
	int64_t uid = add_user(f, "bob@demo.example", "sales", "bob");
	char token[STORE_SECRET_LEN], csrf[STORE_CSRF_LEN], err[256], sql[256];
	store_session sess;
	store_user u;

	assert_int_equal(store_session_create(f->s, f->bid, uid, f->t0, 3600, token, csrf, err,
					      sizeof err), 0);
	assert_int_equal(strncmp(token, "s_", 2), 0);
	assert_int_equal(strlen(token), 45);
	assert_int_equal(strlen(csrf), 64);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE token_hash = '%s'", token);
	assert_int_equal(demo_count(f->s, sql), 0);	/* the token itself is not stored */
	assert_int_equal(store_session_find(f->s, f->bid, token, f->t0 + 10, &sess, &u), 1);
	assert_int_equal(u.id, uid);
	assert_string_equal(u.role, "sales");
	assert_string_equal(sess.csrf, csrf);
	/* expired, malformed, another business */
	assert_int_equal(store_session_find(f->s, f->bid, token, f->t0 + 3600, &sess, &u), 0);
	assert_int_equal(store_session_find(f->s, f->bid + 1, token, f->t0, &sess, &u), 0);
	assert_int_equal(store_session_find(f->s, f->bid, "s_short", f->t0, &sess, &u), 0);
	assert_int_equal(store_session_find(f->s, f->bid, "x", f->t0, &sess, &u), 0);
	token[10] = token[10] == 'A' ? 'B' : 'A';
	assert_int_equal(store_session_find(f->s, f->bid, token, f->t0, &sess, &u), 0);
}

static void
sign_out_and_sign_out_everywhere(void **state)
{
	fixture *f = *state;
	int64_t uid = add_user(f, "alice@demo.example", "office", "alice");
	char t1[STORE_SECRET_LEN], t2[STORE_SECRET_LEN], t3[STORE_SECRET_LEN], err[256];
	store_session sess;
	store_user u;

	assert_int_equal(store_session_create(f->s, f->bid, uid, f->t0, 3600, t1, NULL, err,
					      sizeof err), 0);
	assert_int_equal(store_session_create(f->s, f->bid, uid, f->t0, 3600, t2, NULL, err,
					      sizeof err), 0);
	assert_int_equal(store_session_create(f->s, f->bid, uid, f->t0, 3600, t3, NULL, err,
					      sizeof err), 0);
	assert_int_equal(store_session_end(f->s, f->bid, t1), 0);
	assert_int_equal(store_session_find(f->s, f->bid, t1, f->t0, &sess, &u), 0);
	assert_int_equal(store_session_find(f->s, f->bid, t2, f->t0, &sess, &u), 1);
	assert_int_equal(store_session_extend(f->s, f->bid, sess.id, f->t0 + 7200), 0);
	assert_int_equal(store_session_find(f->s, f->bid, t2, f->t0 + 5000, &sess, &u), 1);
	assert_int_equal(store_session_end_all(f->s, f->bid, uid), 2);
	assert_int_equal(store_session_find(f->s, f->bid, t2, f->t0, &sess, &u), 0);
	assert_int_equal(store_session_find(f->s, f->bid, t3, f->t0, &sess, &u), 0);
}

static void
expired_sessions_are_purged(void **state)
{
	fixture *f = *state;
	int64_t uid = add_user(f, "old@demo.example", "office", NULL);
	char t[STORE_SECRET_LEN], err[256];

	assert_int_equal(store_session_create(f->s, f->bid, uid, f->t0, 60, t, NULL, err,
					      sizeof err), 0);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM sessions"), 1);
	assert_int_equal(store_session_create(f->s, f->bid, uid, f->t0 + 61, 60, t, NULL, err,
					      sizeof err), 0);
	assert_int_equal(demo_count(f->s, "SELECT count(*) FROM sessions"), 1);
}

static void
lockout_after_max_failures(void **state)
{
	fixture *f = *state;
	int64_t uid = add_user(f, "tech@demo.example", "technician", "bob"), until = -1;
	store_user u;

	for (int i = 1; i < WEB_MAX_FAILED; i++) {
		assert_int_equal(store_user_sign_in_failed(f->s, f->bid, uid, WEB_MAX_FAILED,
							   WEB_LOCK_SECS, f->t0, &until), 0);
		assert_int_equal(until, 0);
	}
	assert_int_equal(store_user_find(f->s, f->bid, "tech@demo.example", &u), 1);
	assert_int_equal(u.failed_logins, WEB_MAX_FAILED - 1);
	assert_int_equal(u.locked_until, 0);
	assert_int_equal(store_user_sign_in_failed(f->s, f->bid, uid, WEB_MAX_FAILED,
						   WEB_LOCK_SECS, f->t0, &until), 0);
	assert_int_equal(until, f->t0 + WEB_LOCK_SECS);
	assert_int_equal(store_user_find(f->s, f->bid, "tech@demo.example", &u), 1);
	assert_int_equal(u.locked_until, f->t0 + WEB_LOCK_SECS);
	assert_int_equal(u.failed_logins, 0);	/* the count starts again */
	/* a success (after the lock) clears everything */
	assert_int_equal(store_user_sign_in_failed(f->s, f->bid, uid, WEB_MAX_FAILED,
						   WEB_LOCK_SECS, f->t0 + WEB_LOCK_SECS, &until), 0);
	assert_int_equal(store_user_sign_in_ok(f->s, f->bid, uid, f->t0 + WEB_LOCK_SECS), 0);
	assert_int_equal(store_user_find(f->s, f->bid, "tech@demo.example", &u), 1);
	assert_int_equal(u.failed_logins, 0);
	assert_int_equal(u.locked_until, 0);
}

static void
set_password_links_work_once(void **state)
{
	fixture *f = *state;
	int64_t uid = add_user(f, "new@demo.example", "manager", "maria"), who = 0;
	char t1[STORE_SECRET_LEN], t2[STORE_SECRET_LEN], err[256], hash[WEB_HASH_LEN];
	store_user u;

	assert_int_equal(store_pwtoken_create(f->s, f->bid, uid, f->t0, 3600, t1, err, sizeof err),
			 0);
	assert_int_equal(strncmp(t1, "p_", 2), 0);
	assert_int_equal(store_pwtoken_find(f->s, f->bid, t1, f->t0, &who), 1);
	assert_int_equal(who, uid);
	assert_int_equal(store_pwtoken_find(f->s, f->bid, t1, f->t0 + 3600, &who), 0);	/* expired */
	/* a newer link retires the older one */
	assert_int_equal(store_pwtoken_create(f->s, f->bid, uid, f->t0, 3600, t2, err, sizeof err),
			 0);
	assert_int_equal(store_pwtoken_find(f->s, f->bid, t1, f->t0, &who), 0);
	assert_int_equal(store_pwtoken_use(f->s, f->bid, t1, f->t0, &who), 0);
	assert_int_equal(store_pwtoken_use(f->s, f->bid, t2, f->t0, &who), 1);
	assert_int_equal(who, uid);
	assert_int_equal(store_pwtoken_use(f->s, f->bid, t2, f->t0, &who), 0);	/* once */
	assert_int_equal(store_pwtoken_use(f->s, f->bid, "s_notalink", f->t0, &who), 0);
	assert_int_equal(web_password_hash("a new password here", hash), 0);
	assert_int_equal(store_user_set_password(f->s, f->bid, uid, hash, f->t0), 1);
	assert_int_equal(store_user_get(f->s, f->bid, uid, &u), 1);
	assert_true(web_password_verify(u.password_hash, "a new password here"));
}

static int64_t
add_lead(fixture *f, const char *owner, const char *phone)
{
	intake_lead in = { .name = "Marcus Johnson", .phone = phone, .source = "web_form",
			   .owner = owner };
	flow_out res;
	char err[256];

	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(flow_intake(f->s, f->bid, f->r, &in, f->t0, &res, err, sizeof err), FLOW_OK);
	assert_int_equal(store_commit(f->s), 0);
	return res.lead_id;
}

typedef struct {
	int n;
	int64_t lead;
	char name[64];
} queue_seen;

static void
queue_row(void *ctx, const store_queue_row *r)
{
	queue_seen *q = ctx;

	q->n++;
	q->lead = r->lead_id;
	snprintf(q->name, sizeof q->name, "%s", r->name ? r->name : "");
	assert_non_null(r->last_text);
}

static void
who_works_a_lead(void **state)
{
	fixture *f = *state;
	int64_t alice = add_lead(f, "alice", "(312) 555-0199");
	int64_t bob = add_lead(f, "bob", "(312) 555-0142");
	queue_seen q = { 0 };

	assert_int_equal(store_lead_worked_by(f->s, f->bid, alice, "alice"), 1);
	assert_int_equal(store_lead_worked_by(f->s, f->bid, alice, "bob"), 0);
	assert_int_equal(store_lead_worked_by(f->s, f->bid, bob, "bob"), 1);
	assert_int_equal(store_lead_worked_by(f->s, f->bid, bob, ""), 0);
	assert_int_equal(store_lead_worked_by(f->s, f->bid, 99999, "bob"), 0);
	assert_int_equal(store_queue_read(f->s, f->bid, "bob", 0, queue_row, &q), 1);
	assert_int_equal(q.lead, bob);
	assert_string_equal(q.name, "Marcus Johnson");
	q.n = 0;
	assert_int_equal(store_queue_read(f->s, f->bid, NULL, 0, queue_row, &q), 2);
}

static void
csrf_is_bound_to_a_business(void **state)
{
	char secret[STORE_CSRF_LEN], other[STORE_CSRF_LEN], a[STORE_CSRF_LEN], a2[STORE_CSRF_LEN],
	     b[STORE_CSRF_LEN], x[STORE_CSRF_LEN];

	(void)state;
	web_csrf_new(secret);
	web_csrf_new(other);
	web_csrf_for(secret, 1, a);
	web_csrf_for(secret, 1, a2);
	web_csrf_for(secret, 2, b);
	web_csrf_for(other, 1, x);
	assert_int_equal(strlen(a), 64);
	assert_string_equal(a, a2);		/* the same business: the same token */
	assert_true(web_csrf_ok(a, a2));
	assert_false(web_csrf_ok(a, b));	/* another business's form is refused */
	assert_false(web_csrf_ok(a, x));	/* another session's too */
	assert_false(web_csrf_ok(a, secret));	/* and the secret itself is no token */
	web_csrf_for("short", 1, x);
	assert_string_equal(x, "");
	web_csrf_for(NULL, 1, x);
	assert_string_equal(x, "");
}

/* A second business of the demo's rules: its id. */
static int64_t
add_business(fixture *f, const char *slug)
{
	char err[256];
	int64_t id;

	assert_int_equal(store_begin(f->s), 0);
	id = store_business_sync_slug(f->s, slug, f->r, err, sizeof err);
	assert_int_equal(store_commit(f->s), 0);
	assert_true(id > 0 && id != f->bid);
	return id;
}

static void
sign_in_finds_an_email_in_every_business(void **state)
{
	fixture *f = *state;
	int64_t b2 = add_business(f, "acme"), id1, id2 = 0;
	store_user u[4];
	char err[256];

	id1 = add_user(f, "Pat@Agency.Example", "admin", NULL);
	assert_int_equal(store_user_create(f->s, b2, "pat@agency.example", "Pat", "office", NULL,
					   f->t0, &id2, err, sizeof err), 0);
	add_user(f, "someone@else.example", "office", NULL);
	assert_int_equal(store_user_find_all(f->s, "PAT@agency.example", u, 4), 2);
	assert_int_equal(u[0].id, id1);		/* by business */
	assert_int_equal(u[0].business_id, f->bid);
	assert_int_equal(u[1].id, id2);
	assert_int_equal(u[1].business_id, b2);
	assert_string_equal(u[1].role, "office");
	assert_int_equal(store_user_find_all(f->s, "pat@agency.example", u, 1), 1);
	assert_int_equal(u[0].id, id1);
	assert_int_equal(store_user_find_all(f->s, "nobody@agency.example", u, 4), 0);
}

static void
grants_and_the_business_a_session_shows(void **state)
{
	fixture *f = *state;
	int64_t b2 = add_business(f, "acme"), b3 = add_business(f, "bravo");
	int64_t uid = add_user(f, "pat@agency.example", "manager", "maria");
	char token[STORE_SECRET_LEN], err[256];
	store_session sess;
	store_user u;
	int n;

	assert_int_equal(store_session_create(f->s, f->bid, uid, f->t0, 3600, token, NULL, err,
					      sizeof err), 0);
	assert_int_equal(store_session_find_any(f->s, token, f->t0, &sess, &u), 1);
	assert_int_equal(sess.business_id, f->bid);	/* the user's own at first */
	assert_int_equal(u.business_id, f->bid);
	assert_string_equal(u.person, "maria");
	/* another business only once granted */
	assert_int_equal(store_session_show(f->s, f->bid, sess.id, b2), 0);
	assert_int_equal(store_user_grant(f->s, f->bid, uid, b2, "bob", f->t0), 1);
	assert_int_equal(store_user_grant(f->s, f->bid, uid, b3, NULL, f->t0), 1);
	assert_int_equal(store_user_grant(f->s, f->bid, uid, f->bid, NULL, f->t0), 0); /* own */
	assert_int_equal(store_user_grant(f->s, b2, uid, b3, NULL, f->t0), 0); /* not b2's user */
	assert_int_equal(store_session_show(f->s, b2, sess.id, b2), 0);	/* not b2's session */
	assert_int_equal(store_session_show(f->s, f->bid, sess.id, b2), 1);
	assert_int_equal(store_session_find_any(f->s, token, f->t0, &sess, &u), 1);
	assert_int_equal(sess.business_id, b2);
	assert_int_equal(u.business_id, f->bid);	/* still the user's own account */
	assert_string_equal(u.person, "bob");		/* who they are in b2 */
	assert_string_equal(u.role, "manager");
	/* granting again changes the person */
	assert_int_equal(store_user_grant(f->s, f->bid, uid, b2, NULL, f->t0), 1);
	assert_int_equal(store_session_find_any(f->s, token, f->t0, &sess, &u), 1);
	assert_string_equal(u.person, "");
	n = demo_count(f->s, "SELECT count(*) FROM user_grants");
	assert_int_equal(n, 2);
	/* revoked: the session shows the user's own again */
	assert_int_equal(store_user_revoke(f->s, f->bid, uid, b2), 1);
	assert_int_equal(store_user_revoke(f->s, f->bid, uid, b2), 0);
	assert_int_equal(store_session_find_any(f->s, token, f->t0, &sess, &u), 1);
	assert_int_equal(sess.business_id, f->bid);
	assert_string_equal(u.person, "maria");
	assert_int_equal(store_session_show(f->s, f->bid, sess.id, b2), 0);
	/* and back to the own business is always allowed */
	assert_int_equal(store_session_show(f->s, f->bid, sess.id, b3), 1);
	assert_int_equal(store_session_show(f->s, f->bid, sess.id, f->bid), 1);
	assert_int_equal(store_session_find_any(f->s, token, f->t0, &sess, &u), 1);
	assert_int_equal(sess.business_id, f->bid);
	assert_int_equal(store_session_find_any(f->s, token, f->t0 + 3600, &sess, &u), 0);
	assert_int_equal(store_session_find_any(f->s, "s_short", f->t0, &sess, &u), 0);
}

typedef struct {
	int n;
	int64_t business[4];
	char person[4][16];
} grants_seen;

static void
on_grant(void *ctx, int64_t business, const char *person)
{
	grants_seen *g = ctx;

	if (g->n < 4) {
		g->business[g->n] = business;
		snprintf(g->person[g->n], sizeof g->person[0], "%s", person);
	}
	g->n++;
}

static void
grants_are_listed_and_links_found_in_any_business(void **state)
{
	fixture *f = *state;
	int64_t b2 = add_business(f, "acme"), b3 = add_business(f, "bravo"), uid, bid = 0,
		found = 0;
	char token[STORE_SECRET_LEN], err[256];
	grants_seen g = { 0 };

	assert_int_equal(store_user_create(f->s, b2, "sam@acme.example", "Sam", "sales", "bob",
					   f->t0, &uid, err, sizeof err), 0);
	assert_int_equal(store_user_grant(f->s, b2, uid, b3, "alice", f->t0), 1);
	assert_int_equal(store_user_grant(f->s, b2, uid, f->bid, NULL, f->t0), 1);
	assert_int_equal(store_user_grants_read(f->s, b2, uid, on_grant, &g), 2);
	assert_int_equal(g.business[0], f->bid);
	assert_string_equal(g.person[0], "");
	assert_int_equal(g.business[1], b3);
	assert_string_equal(g.person[1], "alice");
	g.n = 0;
	assert_int_equal(store_user_grants_read(f->s, b3, uid, on_grant, &g), 0); /* not b3's */
	assert_int_equal(store_pwtoken_create(f->s, b2, uid, f->t0, 3600, token, err, sizeof err),
			 0);
	assert_int_equal(store_pwtoken_find_any(f->s, token, f->t0, &bid, &found), 1);
	assert_int_equal(bid, b2);
	assert_int_equal(found, uid);
	assert_int_equal(store_pwtoken_find_any(f->s, token, f->t0 + 3600, &bid, &found), 0);
	assert_int_equal(store_pwtoken_use(f->s, b2, token, f->t0, &found), 1);
	assert_int_equal(store_pwtoken_find_any(f->s, token, f->t0, &bid, &found), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passwords_are_argon2id),
		cmocka_unit_test(password_rules),
		cmocka_unit_test(csrf_compare),
		cmocka_unit_test(roles),
		cmocka_unit_test_setup_teardown(users_are_unique_per_email, demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(sessions_keep_only_a_hash, demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(sign_out_and_sign_out_everywhere, demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(expired_sessions_are_purged, demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(lockout_after_max_failures, demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(set_password_links_work_once, demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(who_works_a_lead, demo_setup, demo_teardown),
		cmocka_unit_test(csrf_is_bound_to_a_business),
		cmocka_unit_test_setup_teardown(sign_in_finds_an_email_in_every_business, demo_setup,
						demo_teardown),
		cmocka_unit_test_setup_teardown(grants_and_the_business_a_session_shows, demo_setup,
						demo_teardown),
		cmocka_unit_test_setup_teardown(grants_are_listed_and_links_found_in_any_business,
						demo_setup, demo_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

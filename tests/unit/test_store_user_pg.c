/*
 * test_store_user_pg.c - the PostgreSQL engine's users, sessions,
 * set-password links and web reads (store_pg_user.c, store_pg_web.c) on the
 * throwaway cluster of tests/pg_cluster.sh (LK_PG_URL; tests/run.sh starts
 * it for a test whose name ends in _pg). The same scenario runs on a SQLite
 * store and on a PostgreSQL one, each read written down as text, and the
 * two transcripts must be equal: same rows, same order, same limits, same
 * answers; then what each read must say is checked on its own, so a fault
 * both engines share still fails. Also: search folds ASCII letters only
 * (as SQLite's LIKE) in a database whose locale folds more (C.utf8), and a
 * storage error is -1 (with err naming the engine) on every operation.
 *
 * test_web_auth and test_store_web also run on this engine (LK_STORE=pg in
 * tests/run.sh); this file covers what they do not: users_read, disabled
 * users, ASCII-only case folding, task_brief, limits and orders of every
 * list (NULL first, text by bytes), LIKE characters, and errors.
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
#include "store/store_backend.h"
#include "store/store_user.h"
#include "store/store_web.h"

/* --- two stores: SQLite's and PostgreSQL's --------------------------------------- */

typedef struct {
	demo_store e[2];	/* [0] SQLite, [1] PostgreSQL */
} pair;

static void
open_engine(demo_store *d, bool pg)
{
	rules_diags diags = { 0 };
	char err[256];

	snprintf(d->dir, sizeof d->dir, "/tmp/lk-unit.XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	d->r = rules_load_string(rules_default_yaml, strlen(rules_default_yaml), "default",
				 &diags);
	rules_diags_free(&diags);
	assert_non_null(d->r);
	if (pg)
		d->s = demo_pg_open(true);
	else
		assert_non_null(d->s = store_open(d->dir, err, sizeof err));
	assert_int_equal(store_begin(d->s), 0);
	assert_true((d->bid = store_business_sync(d->s, d->r, err, sizeof err)) > 0);
	assert_int_equal(store_commit(d->s), 0);
	tz_from_local(d->r->business.zone, 2026, 11, 24, 14, 2, &d->t0);
}

static int
setup(void **state)
{
	pair *p = calloc(1, sizeof *p);

	open_engine(&p->e[0], false);
	open_engine(&p->e[1], true);
	*state = p;
	return 0;
}

static int
teardown(void **state)
{
	pair *p = *state;
	int rc = demo_store_close(&p->e[0]) | demo_store_close(&p->e[1]);

	free(p);
	return rc;
}

static bool
is_pg(const demo_store *d)
{
	return strcmp(store_backend_of(d->s)->name, "postgres") == 0;
}

/* Runs fixed SQL (no parameters) on d's engine. */
static void
exec_sql(demo_store *d, const char *sql)
{
	if (is_pg(d)) {
		PGresult *r = PQexec(store_pg_conn(d->s), sql);

		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fail_msg("%s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
		return;
	}
	assert_int_equal(sqlite3_exec(store_sqlite_db(d->s), sql, NULL, NULL, NULL), SQLITE_OK);
}

/* --- transcripts ------------------------------------------------------------------- */

typedef struct {
	char buf[32768];
	size_t n;
} text;

static void __attribute__((format(printf, 2, 3)))
say(text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->n, sizeof t->buf - t->n, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof t->buf - t->n);
	t->n += (size_t)n;
}

static const char *
z(const char *v)
{
	return v ? v : "~";	/* NULL */
}

static void
on_user(void *ctx, const store_user *u)
{
	say(ctx, " user %lld %s %s %s %s pw=%s fails=%d locked=%lld\n", (long long)u->id,
	    u->email, u->name, u->role, u->person, u->password_hash, u->failed_logins,
	    (long long)u->locked_until);
}

static void
on_queue(void *ctx, const store_queue_row *r)
{
	say(ctx, " task %lld lead %lld %s %s @%s due %lld | %s %s %s %s %s owner %s flags %u"
	    " opt %d%d | last %s %s %lld | new %d | promise %s\n", (long long)r->task_id,
	    (long long)r->lead_id, z(r->verb), z(r->title), z(r->assignee), (long long)r->due_at,
	    z(r->name), z(r->phone), z(r->email), z(r->source), z(r->stage), z(r->owner),
	    r->flags, r->sms_opt_out, r->email_opt_out, z(r->last_type), z(r->last_text),
	    (long long)r->last_at, r->is_new, z(r->promise));
}

static void
on_brief(void *ctx, const store_lead_brief *r)
{
	say(ctx, " lead %lld %s %s %s %s %s %s %s owner %s seq %s quote %d/%lld created %lld"
	    " last %lld open %d new %d\n", (long long)r->id, z(r->name), z(r->phone),
	    z(r->email), z(r->source), z(r->kind), z(r->stage), z(r->status), z(r->owner),
	    z(r->sequence), r->has_quote, (long long)r->quote_cents, (long long)r->created_at,
	    (long long)r->last_at, r->open_tasks, r->is_new);
}

static void
on_team(void *ctx, const store_team_row *r)
{
	say(ctx, " team %s open %d due %d overdue %d done %d\n", z(r->person), r->open,
	    r->due_today, r->overdue, r->done_today);
}

/* First timeline entries, collected to be written down sorted: the order
 * of store_first_event_read() is not part of its contract (SQLite's comes
 * from whichever index it picks; its one caller adds them up per owner). */
typedef struct {
	char line[16][96];
	int n;
} firsts;

static void
on_first(void *ctx, const char *owner, int64_t created_at, int64_t first_at)
{
	firsts *f = ctx;

	assert_true(f->n < 16);
	snprintf(f->line[f->n++], sizeof f->line[0], " first %s %lld %lld\n", z(owner),
		 (long long)created_at, (long long)first_at);
}

static int
by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
say_firsts(text *t, firsts *f, int rc)
{
	qsort(f->line, (size_t)f->n, sizeof f->line[0], by_text);
	for (int i = 0; i < f->n; i++)
		say(t, "%s", f->line[i]);
	say(t, "n %d\n", rc);
}

/* The two transcripts are equal; else fails naming the first line that
 * differs. */
static void
same_text(const text *sqlite, const text *pg)
{
	const char *a = sqlite->buf, *b = pg->buf;
	int line = 1;

	while (*a && *a == *b) {
		if (*a == '\n')
			line++;
		a++;
		b++;
	}
	if (*a == *b)
		return;
	while (a > sqlite->buf && a[-1] != '\n') {
		a--;
		b--;
	}
	fail_msg("line %d differs:\n sqlite:   %.*s\n postgres: %.*s", line,
		 (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
}

/* How many lines of t start with prefix. */
static int
lines(const text *t, const char *prefix)
{
	int n = 0;

	for (const char *l = t->buf; *l; l = strchr(l, '\n') + 1) {
		if (strncmp(l, prefix, strlen(prefix)) == 0)
			n++;
		if (strchr(l, '\n') == NULL)
			break;
	}
	return n;
}

/* The section of t after the line "== name", up to the next "==". */
static const char *
section(const text *t, const char *name, char *out, size_t len)
{
	char head[96];
	const char *at, *end;

	snprintf(head, sizeof head, "== %s\n", name);
	at = strstr(t->buf, head);
	if (at == NULL)
		fail_msg("no section %s", name);
	at += strlen(head);
	end = strstr(at, "== ");
	snprintf(out, len, "%.*s", (int)(end ? (size_t)(end - at) : strlen(at)), at);
	return out;
}

/* --- users, sessions, set-password links ------------------------------------------ */

static int64_t
add_user(demo_store *d, text *t, const char *email, const char *role, const char *person)
{
	int64_t id = 0;
	char err[256] = "";
	int rc = store_user_create(d->s, d->bid, email, "Some One", role, person, d->t0, &id,
				   err, sizeof err);

	say(t, "create %s -> %d id %lld %s\n", email, rc, (long long)(rc == 0 ? id : 0),
	    rc < 0 ? err : "");
	return rc == 0 ? id : 0;
}

static void
users_scenario(demo_store *d, text *t)
{
	int64_t maria, emile, bob, who = 0, until = -1;
	char err[256], tok[STORE_SECRET_LEN], link[STORE_SECRET_LEN], csrf[STORE_CSRF_LEN];
	char lng[300];
	store_user u;
	store_session sess;

	maria = add_user(d, t, "Maria@Demo.Example", "manager", "maria");
	emile = add_user(d, t, "\xc3\x89mile@Demo.Example", "office", NULL);	/* Émile */
	bob = add_user(d, t, "bob@demo.example", "sales", "bob");
	add_user(d, t, "MARIA@demo.example", "office", NULL);	/* already there */
	add_user(d, t, "x@demo.example", "staff", NULL);	/* no such role */
	memset(lng, 'a', sizeof lng - 1);
	lng[sizeof lng - 1] = '\0';
	add_user(d, t, lng, "office", NULL);			/* too long */
	say(t, "count %d\n", store_user_count(d->s, d->bid));
	/* ASCII letters fold, others do not (as SQLite's lower()) */
	say(t, "find maria %d\n", store_user_find(d->s, d->bid, "mARIA@DEMO.example", &u));
	say(t, "find emile as typed %d\n", store_user_find(d->s, d->bid,
							   "\xc3\x89MILE@demo.example", &u));
	say(t, "find emile lower %d\n", store_user_find(d->s, d->bid,
							"\xc3\xa9mile@demo.example", &u));
	say(t, "find long %d\n", store_user_find(d->s, d->bid, lng, &u));
	say(t, "get emile %d %s\n", store_user_get(d->s, d->bid, emile, &u), u.email);
	say(t, "get other business %d\n", store_user_get(d->s, d->bid + 1, emile, &u));
	say(t, "== users\n");
	say(t, "read %d\n", store_users_read(d->s, d->bid, on_user, t));
	/* passwords, failures */
	say(t, "set password %d\n", store_user_set_password(d->s, d->bid, maria, "$argon2id$x",
							    d->t0));
	say(t, "set password nobody %d\n", store_user_set_password(d->s, d->bid, 99999, "h",
								   d->t0));
	for (int i = 0; i < 3; i++) {
		say(t, "failed %d", store_user_sign_in_failed(d->s, d->bid, bob, 3, 900, d->t0,
							      &until));
		say(t, " until %lld\n", (long long)until);
	}
	say(t, "failed nobody %d", store_user_sign_in_failed(d->s, d->bid, 99999, 3, 900, d->t0,
							      &until));
	say(t, " until %lld\n", (long long)until);
	say(t, "failed once more %d\n", store_user_sign_in_failed(d->s, d->bid, bob, 3, 900,
								  d->t0, NULL));
	say(t, "== after failures\n");
	store_users_read(d->s, d->bid, on_user, t);
	say(t, "clear %d\n", store_user_sign_in_ok(d->s, d->bid, bob, d->t0));
	say(t, "clear again %d\n", store_user_sign_in_ok(d->s, d->bid, bob, d->t0));
	say(t, "find bob %d fails %d locked %lld\n", store_user_find(d->s, d->bid,
		"bob@demo.example", &u), u.failed_logins, (long long)u.locked_until);
	say(t, "get maria %d pw %s\n", store_user_get(d->s, d->bid, maria, &u), u.password_hash);
	/* sessions */
	say(t, "session %d\n", store_session_create(d->s, d->bid, bob, d->t0, 600, tok, csrf, err,
						    sizeof err));
	say(t, "session find %d", store_session_find(d->s, d->bid, tok, d->t0 + 599, &sess, &u));
	say(t, " user %lld expires %lld csrf %d\n", (long long)u.id, (long long)sess.expires_at,
	    strcmp(sess.csrf, csrf) == 0);
	say(t, "session expired %d\n", store_session_find(d->s, d->bid, tok, d->t0 + 600, &sess,
							  &u));
	say(t, "extend other business %d\n", store_session_extend(d->s, d->bid + 1, sess.id,
								  d->t0 + 5000));
	say(t, "session still expires %d\n", store_session_find(d->s, d->bid, tok, d->t0 + 700,
								&sess, &u));
	say(t, "extend %d\n", store_session_extend(d->s, d->bid, sess.id, d->t0 + 5000));
	say(t, "session extended %d\n", store_session_find(d->s, d->bid, tok, d->t0 + 700, &sess,
							   &u));
	say(t, "end other business %d\n", store_session_end(d->s, d->bid + 1, tok));
	say(t, "still there %d\n", store_session_find(d->s, d->bid, tok, d->t0, &sess, &u));
	say(t, "end malformed %d\n", store_session_end(d->s, d->bid, "s_nope"));
	say(t, "end %d\n", store_session_end(d->s, d->bid, tok));
	say(t, "gone %d\n", store_session_find(d->s, d->bid, tok, d->t0, &sess, &u));
	store_session_create(d->s, d->bid, maria, d->t0, 600, tok, NULL, err, sizeof err);
	say(t, "end all bob %d\n", store_session_end_all(d->s, d->bid, bob));
	say(t, "end all maria %d\n", store_session_end_all(d->s, d->bid, maria));
	/* a disabled user is never found, nor are their sessions */
	store_session_create(d->s, d->bid, bob, d->t0, 600, tok, NULL, err, sizeof err);
	exec_sql(d, "UPDATE users SET disabled_at = 1 WHERE email = 'bob@demo.example'");
	say(t, "disabled: get %d find %d session %d count %d\n",
	    store_user_get(d->s, d->bid, bob, &u),
	    store_user_find(d->s, d->bid, "bob@demo.example", &u),
	    store_session_find(d->s, d->bid, tok, d->t0, &sess, &u),
	    store_user_count(d->s, d->bid));
	say(t, "== users without bob\n");
	store_users_read(d->s, d->bid, on_user, t);
	/* set-password links */
	say(t, "link %d\n", store_pwtoken_create(d->s, d->bid, emile, d->t0, 60, link, err,
						 sizeof err));
	say(t, "link other business %d\n", store_pwtoken_find(d->s, d->bid + 1, link, d->t0,
							      &who));
	say(t, "link as session %d\n", store_session_find(d->s, d->bid, link, d->t0, &sess, &u));
	say(t, "link use expired %d\n", store_pwtoken_use(d->s, d->bid, link, d->t0 + 60, &who));
	say(t, "link find %d", store_pwtoken_find(d->s, d->bid, link, d->t0 + 59, &who));
	say(t, " user %lld\n", (long long)who);
	who = 0;
	say(t, "link use %d", store_pwtoken_use(d->s, d->bid, link, d->t0 + 59, &who));
	say(t, " user %lld\n", (long long)who);
	say(t, "link again %d\n", store_pwtoken_use(d->s, d->bid, link, d->t0 + 59, &who));
}

static void
users_sessions_and_links_answer_as_on_sqlite(void **state)
{
	pair *p = *state;
	static text t[2];
	char s[4096];

	for (int e = 0; e < 2; e++) {
		t[e].n = 0;
		t[e].buf[0] = '\0';
		users_scenario(&p->e[e], &t[e]);
	}
	same_text(&t[0], &t[1]);
	/* and what they say is right */
	assert_non_null(strstr(t[1].buf, "create MARIA@demo.example -> 1 id 0"));
	assert_non_null(strstr(t[1].buf, "create x@demo.example -> -1 id 0 role:"));
	assert_non_null(strstr(t[1].buf, "-> -1 id 0 email: at most 255 bytes"));
	assert_non_null(strstr(t[1].buf, "count 3\n"));
	assert_non_null(strstr(t[1].buf, "find maria 1\n"));
	assert_non_null(strstr(t[1].buf, "find emile as typed 1\n"));
	assert_non_null(strstr(t[1].buf, "find emile lower 0\n"));
	assert_non_null(strstr(t[1].buf, "get emile 1 \xc3\x89mile@demo.example\n"));
	assert_non_null(strstr(t[1].buf, "get other business 0\n"));
	section(&t[1], "users", s, sizeof s);
	assert_int_equal(strncmp(s, " user 1 maria@demo.example Some One manager maria pw="
				 " fails=0", 59), 0);
	assert_non_null(strstr(s, "read 3\n"));
	assert_true(strstr(s, " user 1 ") < strstr(s, " user 2 "));
	assert_true(strstr(s, " user 2 ") < strstr(s, " user 3 "));
	assert_non_null(strstr(t[1].buf, "set password 1\nset password nobody 0\n"));
	assert_non_null(strstr(t[1].buf, "failed 0 until 0\nfailed 0 until 0\nfailed 0 until "));
	assert_non_null(strstr(t[1].buf, "failed nobody 0 until 0\n"));
	section(&t[1], "after failures", s, sizeof s);
	assert_non_null(strstr(s, "bob@demo.example Some One sales bob pw= fails=1 locked="));
	assert_null(strstr(s, "pw=$"));	/* users_read leaves hashes out */
	assert_non_null(strstr(t[1].buf, "clear 0\nclear again 0\nfind bob 1 fails 0 locked 0\n"));
	assert_non_null(strstr(t[1].buf, "get maria 1 pw $argon2id$x\n"));
	assert_non_null(strstr(t[1].buf, "session find 1 user 3 expires "));
	assert_non_null(strstr(t[1].buf, " csrf 1\nsession expired 0\n"));
	assert_non_null(strstr(t[1].buf, "extend other business 0\nsession still expires 0\n"
			       "extend 0\nsession extended 1\n"));
	assert_non_null(strstr(t[1].buf, "end other business 0\nstill there 1\nend malformed 0\n"
			       "end 0\ngone 0\nend all bob 0\nend all maria 1\n"));
	assert_non_null(strstr(t[1].buf, "disabled: get 0 find 0 session 0 count 3\n"));
	section(&t[1], "users without bob", s, sizeof s);
	assert_null(strstr(s, "bob@"));
	assert_int_equal(lines(&t[1], " user 3 "), 2);	/* in "users" and "after failures" */
	assert_non_null(strstr(t[1].buf, "link 0\nlink other business 0\nlink as session 0\n"
			       "link use expired 0\nlink find 1 user 2\nlink use 1 user 2\n"
			       "link again 0\n"));
}

/* --- the web app's reads ------------------------------------------------------------ */

static int64_t
add_lead(demo_store *d, const char *name, const char *phone, const char *email,
	 const char *owner, const char *kind, int64_t at)
{
	intake_lead in = { .name = name, .phone = phone, .email = email, .source = "web_form",
			   .owner = owner, .kind = kind };
	flow_out res;
	char err[256];

	assert_int_equal(store_begin(d->s), 0);
	assert_int_equal(flow_intake(d->s, d->bid, d->r, &in, at, &res, err, sizeof err), FLOW_OK);
	assert_int_equal(store_commit(d->s), 0);
	return res.lead_id;
}

typedef struct {
	int64_t due, task;
	int n;
} cursor;

static void
on_queue_cursor(void *ctx, const store_queue_row *r)
{
	cursor *c = ((void **)ctx)[1];

	on_queue(((void **)ctx)[0], r);
	c->due = r->due_at;
	c->task = r->task_id;
	c->n++;
}

static void
web_scenario(demo_store *d, text *t)
{
	int64_t t0 = d->t0, marcus, dana, emile, odd, gone, lead_id = 0;
	lead_event ev = lead_event_init(EV_CALL_LOGGED);
	store_pipeline_filter all = { 0 }, bobs = { .person = "bob" }, two = { .limit = 2 },
			      est = { .kind = "estimate" }, owner = { .owner = "alice" };
	cursor c = { 0 };
	void *cc[2] = { t, &c };
	firsts fe = { .n = 0 };
	char verb[16], err[256];
	int rc;

	marcus = add_lead(d, "Marcus Johnson", "3125550199", "marcus@example.com", "alice", NULL,
			  t0);
	dana = add_lead(d, "dana o'neil", "3125550142", "DANA@Example.com", "bob", "estimate",
			t0 + 60);
	emile = add_lead(d, "\xc3\x89mile Zola", "3125550177", NULL, "alice", NULL, t0 + 120);
	odd = add_lead(d, "Back\\slash 50% off_", "3125550188", NULL, "bob", NULL, t0 + 180);
	gone = add_lead(d, "Archived Person", "3125550166", NULL, "bob", NULL, t0 + 240);
	/* a person acts on marcus */
	ev.outcome = "talked";
	ev.actor = "alice";
	assert_int_equal(store_begin(d->s), 0);
	assert_int_equal(flow_event(d->s, d->bid, d->r, marcus, &ev, t0 + 300, NULL, err,
				    sizeof err), FLOW_OK);
	assert_int_equal(store_commit(d->s), 0);
	/* what only a broken import or the database's shell makes: an
	 * unassigned task, an assignee sorting before lower case, a lead
	 * without a timeline, one without an owner, one archived */
	exec_sql(d, "UPDATE tasks SET assignee = NULL WHERE lead_id = 2");
	exec_sql(d, "UPDATE tasks SET assignee = 'Zed' WHERE lead_id = 3");
	exec_sql(d, "DELETE FROM events WHERE lead_id = 4");
	exec_sql(d, "UPDATE leads SET owner = NULL WHERE id IN (3, 4)");
	exec_sql(d, "UPDATE leads SET status = 'archived' WHERE id = 5");
	/* tasks 3, 4 and 5 due at once: the id decides, also across a page */
	exec_sql(d, "UPDATE tasks SET due_at = due_at + 60 WHERE id = 3");
	exec_sql(d, "UPDATE tasks SET due_at = due_at - 60 WHERE id = 5");
	assert_true(dana == 2 && emile == 3 && odd == 4 && gone == 5);

	say(t, "== queue all\n");
	say(t, "n %d\n", store_queue_read(d->s, d->bid, NULL, 0, on_queue, t));
	say(t, "== queue alice limit 1\n");
	say(t, "n %d\n", store_queue_read(d->s, d->bid, "alice", 1, on_queue, t));
	say(t, "== queue nobody's\n");
	say(t, "n %d\n", store_queue_read(d->s, d->bid, "nobody", 0, on_queue, t));
	say(t, "== queue pages of 2\n");
	rc = store_queue_page(d->s, d->bid, NULL, INT64_MIN, 0, 2, on_queue_cursor, cc);
	while (rc > 0) {
		say(t, "page %d\n", rc);
		rc = store_queue_page(d->s, d->bid, NULL, c.due, c.task, 2, on_queue_cursor, cc);
	}
	say(t, "last page %d\n", rc);
	say(t, "== queue walk bob until t0+1h\n");
	c = (cursor){ .due = INT64_MIN };
	while ((rc = store_queue_next(d->s, d->bid, "bob", c.due, c.task, t0 + 3600,
				      on_queue_cursor, cc)) == 1)
		;
	say(t, "walked %d, end %d\n", c.n, rc);
	say(t, "== task briefs\n");
	for (int64_t id = 1; id <= 3; id++) {
		verb[0] = '\0';
		rc = store_task_brief(d->s, d->bid, id, &lead_id, verb, sizeof verb);
		say(t, "task %lld: %d lead %lld %s\n", (long long)id, rc, (long long)lead_id, verb);
	}
	say(t, "task 99999: %d\n", store_task_brief(d->s, d->bid, 99999, &lead_id, verb,
						    sizeof verb));
	say(t, "task 1 other business: %d\n", store_task_brief(d->s, d->bid + 1, 1, &lead_id, verb,
							       sizeof verb));
	say(t, "== worked by\n");
	say(t, "marcus alice %d bob %d empty %d null %d; dana bob %d (owner %d); none %d\n",
	    store_lead_worked_by(d->s, d->bid, marcus, "alice"),
	    store_lead_worked_by(d->s, d->bid, marcus, "bob"),
	    store_lead_worked_by(d->s, d->bid, marcus, ""),
	    store_lead_worked_by(d->s, d->bid, marcus, NULL),
	    store_lead_worked_by(d->s, d->bid, dana, "bob"),
	    store_lead_worked_by(d->s, d->bid, odd, "bob"),
	    store_lead_worked_by(d->s, d->bid, 99999, "bob"));
	say(t, "== pipeline all\n");
	say(t, "n %d\n", store_pipeline_read(d->s, d->bid, &all, on_brief, t));
	say(t, "== pipeline bob's\n");
	say(t, "n %d\n", store_pipeline_read(d->s, d->bid, &bobs, on_brief, t));
	say(t, "== pipeline limit 2\n");
	say(t, "n %d\n", store_pipeline_read(d->s, d->bid, &two, on_brief, t));
	say(t, "== pipeline estimates\n");
	say(t, "n %d\n", store_pipeline_read(d->s, d->bid, &est, on_brief, t));
	say(t, "== pipeline alice's\n");
	say(t, "n %d\n", store_pipeline_read(d->s, d->bid, &owner, on_brief, t));
	say(t, "== team\n");
	say(t, "n %d\n", store_team_read(d->s, d->bid, t0 + 1200, t0 - 14 * 3600,
					 t0 + 10 * 3600, on_team, t));
	say(t, "== first contact\n");
	rc = store_first_event_read(d->s, d->bid, t0, t0 + 200, "contact.first", on_first, &fe);
	say_firsts(t, &fe, rc);
	say(t, "== unattended limit 1\n");
	say(t, "n %d\n", store_unattended_read(d->s, d->bid, 1, on_brief, t));
	say(t, "== unattended\n");
	say(t, "n %d\n", store_unattended_read(d->s, d->bid, 0, on_brief, t));
	say(t, "== search MARCUS\n");
	say(t, "n %d\n", store_search_read(d->s, d->bid, "MARCUS", NULL, NULL, 0, on_brief, t));
	say(t, "== search example.com\n");
	say(t, "n %d\n", store_search_read(d->s, d->bid, "example.COM", NULL, NULL, 0, on_brief,
					   t));
	say(t, "== search emile lower\n");
	say(t, "n %d\n", store_search_read(d->s, d->bid, "\xc3\xa9mile", NULL, NULL, 0, on_brief,
					   t));
	say(t, "== search EMILE as typed\n");
	say(t, "n %d\n", store_search_read(d->s, d->bid, "\xc3\x89MILE", NULL, NULL, 0, on_brief,
					   t));
	say(t, "== search backslash\n");
	say(t, "n %d\n", store_search_read(d->s, d->bid, "k\\s", NULL, NULL, 0, on_brief, t));
	say(t, "== search percent\n");
	say(t, "n %d\n", store_search_read(d->s, d->bid, "0% o", NULL, NULL, 0, on_brief, t));
	say(t, "== search wildcards\n");
	say(t, "n %d %d %d\n", store_search_read(d->s, d->bid, "%", NULL, NULL, 0, on_brief, t),
	    store_search_read(d->s, d->bid, "n_J", NULL, NULL, 0, on_brief, t),
	    store_search_read(d->s, d->bid, "off_", NULL, NULL, 0, on_brief, t));
	say(t, "== search digits newest first limit 2\n");
	say(t, "n %d\n", store_search_read(d->s, d->bid, "nothing", "555", NULL, 2, on_brief, t));
	say(t, "== search two digits are not enough\n");
	say(t, "n %d\n", store_search_read(d->s, d->bid, "nothing", "55", NULL, 0, on_brief, t));
	say(t, "== search everything as bob\n");
	say(t, "n %d\n", store_search_read(d->s, d->bid, "", NULL, "bob", 0, on_brief, t));
	say(t, "== end\n");
}

static void
web_reads_answer_as_on_sqlite(void **state)
{
	pair *p = *state;
	static text t[2];
	char s[8192];

	for (int e = 0; e < 2; e++) {
		t[e].n = 0;
		t[e].buf[0] = '\0';
		web_scenario(&p->e[e], &t[e]);
	}
	same_text(&t[0], &t[1]);
	/* and what they say is right */
	section(&t[1], "queue all", s, sizeof s);
	assert_non_null(strstr(s, "n 5\n"));	/* open tasks, the archived lead's too */
	assert_non_null(strstr(s, "new 1 | promise "));	/* an ack was sent */
	assert_non_null(strstr(s, "| last ~ ~ 0 |"));	/* lead 4 has no timeline */
	assert_non_null(strstr(s, "@~ due"));		/* the unassigned task */
	assert_true(strstr(s, " task 2 ") < strstr(s, " task 3 "));
	assert_true(strstr(s, " task 3 ") < strstr(s, " task 4 "));
	assert_true(strstr(s, " task 4 ") < strstr(s, " task 5 "));
	section(&t[1], "queue alice limit 1", s, sizeof s);
	assert_non_null(strstr(s, "n 1\n"));
	section(&t[1], "queue nobody's", s, sizeof s);
	assert_string_equal(s, "n 0\n");
	section(&t[1], "queue pages of 2", s, sizeof s);
	assert_non_null(strstr(s, "Zola by 2:09 PM @Zed due 1795551000 |"));	/* task 3 */
	assert_non_null(strstr(s, "page 2\n task 4 "));
	assert_non_null(strstr(s, "page 2\n"));
	assert_non_null(strstr(s, "page 2\n task 6 lead 1 review"));	/* the latest due last */
	assert_non_null(strstr(s, "page 1\nlast page 0\n"));
	section(&t[1], "queue walk bob until t0+1h", s, sizeof s);
	/* leads 4 and 5 (archived behind the engine's back: its task is
	 * open still); lead 2's task is nobody's */
	assert_non_null(strstr(s, "walked 2, end 0\n"));
	assert_true(strstr(s, " task 4 ") < strstr(s, " task 5 "));
	section(&t[1], "task briefs", s, sizeof s);
	assert_non_null(strstr(s, "task 1: 1 lead 1 call\n"));
	assert_non_null(strstr(s, "task 99999: 0\ntask 1 other business: 0\n"));
	section(&t[1], "worked by", s, sizeof s);
	assert_string_equal(s, "marcus alice 1 bob 0 empty 0 null 0; dana bob 1 (owner 1); "
			    "none 0\n");
	section(&t[1], "pipeline all", s, sizeof s);
	assert_non_null(strstr(s, "n 4\n"));		/* not the archived one */
	assert_int_equal(strncmp(s, " lead 4 ", 8), 0);	/* no timeline: the longest idle */
	assert_null(strstr(s, "Archived"));
	section(&t[1], "pipeline bob's", s, sizeof s);
	assert_non_null(strstr(s, "n 2\n"));		/* dana (owner) and lead 4 (task) */
	section(&t[1], "pipeline limit 2", s, sizeof s);
	assert_non_null(strstr(s, "n 2\n"));
	section(&t[1], "pipeline estimates", s, sizeof s);
	assert_non_null(strstr(s, " lead 2 dana o'neil"));
	assert_non_null(strstr(s, "n 1\n"));
	section(&t[1], "team", s, sizeof s);
	/* nobody's first, then by bytes: "Zed" before "alice" */
	assert_int_equal(strncmp(s, " team ~ ", 8), 0);
	assert_true(strstr(s, " team Zed ") < strstr(s, " team alice "));
	assert_true(strstr(s, " team alice ") < strstr(s, " team bob "));
	section(&t[1], "first contact", s, sizeof s);
	assert_non_null(strstr(s, "n 4\n"));
	section(&t[1], "unattended limit 1", s, sizeof s);
	assert_non_null(strstr(s, " lead 3 "));		/* the oldest of the two */
	assert_non_null(strstr(s, "n 2\n"));		/* how many in all */
	assert_null(strstr(s, " lead 4 "));
	section(&t[1], "search MARCUS", s, sizeof s);
	assert_non_null(strstr(s, "n 1\n"));
	section(&t[1], "search example.com", s, sizeof s);
	assert_non_null(strstr(s, "n 2\n"));
	assert_true(strstr(s, " lead 2 ") < strstr(s, " lead 1 "));	/* newest first */
	section(&t[1], "search emile lower", s, sizeof s);
	assert_string_equal(s, "n 0\n");		/* ASCII letters only fold */
	section(&t[1], "search EMILE as typed", s, sizeof s);
	assert_non_null(strstr(s, "n 1\n"));
	section(&t[1], "search backslash", s, sizeof s);
	assert_non_null(strstr(s, "n 1\n"));
	section(&t[1], "search percent", s, sizeof s);
	assert_non_null(strstr(s, "n 1\n"));
	section(&t[1], "search wildcards", s, sizeof s);
	assert_non_null(strstr(s, "n 1 0 1\n"));
	section(&t[1], "search digits newest first limit 2", s, sizeof s);
	assert_non_null(strstr(s, "n 2\n"));
	assert_true(strstr(s, " lead 5 ") < strstr(s, " lead 4 "));
	section(&t[1], "search two digits are not enough", s, sizeof s);
	assert_string_equal(s, "n 0\n");
	section(&t[1], "search everything as bob", s, sizeof s);
	assert_non_null(strstr(s, "n 3\n"));		/* dana, lead 4, the archived one */
}

/* --- callbacks that keep nothing ----------------------------------------------------- */

static void
nop_user(void *ctx, const store_user *u)
{
}

static void
nop_grant(void *ctx, int64_t business, const char *person)
{
}

static void
nop_queue(void *ctx, const store_queue_row *r)
{
}

static void
nop_brief(void *ctx, const store_lead_brief *r)
{
}

static void
nop_team(void *ctx, const store_team_row *r)
{
}

static void
nop_first(void *ctx, const char *owner, int64_t created_at, int64_t first_at)
{
}

/* --- a database whose locale folds more than ASCII ----------------------------------- */

static int
count_briefs(store *s, int64_t bid, const char *q)
{
	return store_search_read(s, bid, q, NULL, NULL, 0, nop_brief, NULL);
}

static void
search_folds_ascii_only_whatever_the_databases_locale(void **state)
{
	pair *p = *state;
	demo_store *d = &p->e[1], u8 = *d;
	const char *url = getenv("LK_PG_URL");
	char u8url[512], err[512];
	PGresult *r;

	/* the same cluster, a database whose ctype (C.utf8) lower-cases É */
	r = PQexec(store_pg_conn(d->s), "CREATE DATABASE leadkeep_u8 TEMPLATE template0"
		   " ENCODING 'UTF8' LC_COLLATE 'C.utf8' LC_CTYPE 'C.utf8'");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		skip();	/* no C.utf8 locale here */
	PQclear(r);
	assert_non_null(url);
	assert_non_null(strstr(url, "/leadkeep?"));
	snprintf(u8url, sizeof u8url, "%.*s/leadkeep_u8?%s", (int)(strstr(url, "/leadkeep?") - url),
		 url, strstr(url, "/leadkeep?") + strlen("/leadkeep?"));
	u8.s = store_pg_open(u8url, err, sizeof err);
	if (u8.s == NULL)
		fail_msg("%s", err);
	assert_int_equal(store_begin(u8.s), 0);
	assert_true((u8.bid = store_business_sync(u8.s, u8.r, err, sizeof err)) > 0);
	assert_int_equal(store_commit(u8.s), 0);
	add_lead(&u8, "\xc3\x89mile Zola", "3125550177", "\xc3\x89mile@Example.com", "alice",
		 NULL, u8.t0);
	assert_int_equal(count_briefs(u8.s, u8.bid, "\xc3\x89MILE"), 1);
	assert_int_equal(count_briefs(u8.s, u8.bid, "ZOLA"), 1);
	/* as SQLite: É is not é */
	assert_int_equal(count_briefs(u8.s, u8.bid, "\xc3\xa9mile"), 0);
	store_close(u8.s);
}

/* --- errors --------------------------------------------------------------------------- */

static void
a_storage_error_is_minus_one_everywhere(void **state)
{
	pair *p = *state;
	demo_store *d = &p->e[1];
	char err[256] = "", tok[STORE_SECRET_LEN], link[STORE_SECRET_LEN], verb[16];
	char junk[STORE_SECRET_LEN];
	int64_t id = 0, uid, lead_id = 0;
	store_pipeline_filter all = { 0 };
	store_session sess;
	store_user u;

	assert_int_equal(store_user_create(d->s, d->bid, "a@b.c", "A", "office", NULL, d->t0,
					   &uid, err, sizeof err), 0);
	assert_int_equal(store_session_create(d->s, d->bid, uid, d->t0, 60, tok, NULL, err,
					      sizeof err), 0);
	assert_int_equal(store_pwtoken_create(d->s, d->bid, uid, d->t0, 60, link, err,
					      sizeof err), 0);
	/* a session of a user who is not there: the database refuses it */
	assert_int_equal(store_session_create(d->s, d->bid, 99999, d->t0, 60, junk, NULL, err,
					      sizeof err), -1);
	assert_non_null(strstr(err, "postgres: saving the session: "));
	assert_int_equal(store_pwtoken_create(d->s, d->bid, 99999, d->t0, 60, junk, err,
					      sizeof err), -1);
	assert_non_null(strstr(err, "postgres: saving the link: "));
	/* the tables gone */
	exec_sql(d, "DROP TABLE sessions, password_tokens, users, tasks, events, outbox,"
		 " leads CASCADE");
	err[0] = '\0';
	assert_int_equal(store_user_create(d->s, d->bid, "x@b.c", "X", "office", NULL, d->t0, &id,
					   err, sizeof err), -1);
	assert_non_null(strstr(err, "postgres: saving the user: "));
	assert_int_equal(store_user_get(d->s, d->bid, uid, &u), -1);
	assert_int_equal(store_user_find(d->s, d->bid, "a@b.c", &u), -1);
	assert_int_equal(store_users_read(d->s, d->bid, nop_user, NULL), -1);
	assert_int_equal(store_user_count(d->s, d->bid), -1);
	assert_int_equal(store_user_set_password(d->s, d->bid, uid, "h", d->t0), -1);
	assert_int_equal(store_user_sign_in_failed(d->s, d->bid, uid, 3, 60, d->t0, NULL), -1);
	assert_int_equal(store_user_sign_in_ok(d->s, d->bid, uid, d->t0), -1);
	assert_int_equal(store_session_create(d->s, d->bid, uid, d->t0, 60, tok, NULL, err,
					      sizeof err), -1);
	assert_non_null(strstr(err, "postgres: removing expired sessions: "));
	assert_int_equal(store_session_find(d->s, d->bid, tok, d->t0, &sess, &u), -1);
	assert_int_equal(store_session_extend(d->s, d->bid, 1, d->t0), -1);
	assert_int_equal(store_session_end(d->s, d->bid, tok), -1);
	assert_int_equal(store_session_end_all(d->s, d->bid, uid), -1);
	assert_int_equal(store_pwtoken_create(d->s, d->bid, uid, d->t0, 60, link, err,
					      sizeof err), -1);
	assert_non_null(strstr(err, "postgres: retiring older links: "));
	assert_int_equal(store_pwtoken_find(d->s, d->bid, link, d->t0, &id), -1);
	assert_int_equal(store_pwtoken_use(d->s, d->bid, link, d->t0, &id), -1);
	/* across businesses */
	assert_int_equal(store_user_find_all(d->s, "a@b.c", &u, 1), -1);
	assert_int_equal(store_session_find_any(d->s, tok, d->t0, &sess, &u), -1);
	assert_int_equal(store_session_show(d->s, d->bid, 1, d->bid), -1);
	assert_int_equal(store_user_grant(d->s, d->bid, uid, d->bid + 1, NULL, d->t0), -1);
	assert_int_equal(store_user_revoke(d->s, d->bid, uid, d->bid + 1), -1);
	assert_int_equal(store_user_grants_read(d->s, d->bid, uid, nop_grant, NULL), -1);
	assert_int_equal(store_pwtoken_find_any(d->s, link, d->t0, &lead_id, &id), -1);
	assert_int_equal(store_queue_read(d->s, d->bid, NULL, 0, nop_queue, NULL), -1);
	assert_int_equal(store_queue_read(d->s, d->bid, "bob", 0, nop_queue, NULL), -1);
	assert_int_equal(store_queue_next(d->s, d->bid, NULL, INT64_MIN, 0, d->t0, nop_queue,
					  NULL), -1);
	assert_int_equal(store_queue_page(d->s, d->bid, "bob", INT64_MIN, 0, 0, nop_queue, NULL),
			 -1);
	assert_int_equal(store_task_brief(d->s, d->bid, 1, &lead_id, verb, sizeof verb), -1);
	assert_int_equal(store_lead_worked_by(d->s, d->bid, 1, "bob"), -1);
	assert_int_equal(store_pipeline_read(d->s, d->bid, &all, nop_brief, NULL), -1);
	assert_int_equal(store_team_read(d->s, d->bid, d->t0, d->t0, d->t0, nop_team, NULL), -1);
	assert_int_equal(store_first_event_read(d->s, d->bid, d->t0, d->t0, "x", nop_first, NULL),
			 -1);
	assert_int_equal(store_unattended_read(d->s, d->bid, 0, nop_brief, NULL), -1);
	assert_int_equal(store_search_read(d->s, d->bid, "x", "555", NULL, 0, nop_brief, NULL),
			 -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(users_sessions_and_links_answer_as_on_sqlite, setup,
						teardown),
		cmocka_unit_test_setup_teardown(web_reads_answer_as_on_sqlite, setup, teardown),
		cmocka_unit_test_setup_teardown(search_folds_ascii_only_whatever_the_databases_locale,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_storage_error_is_minus_one_everywhere, setup,
						teardown),
	};

	(void)demo_count;	/* demo_store.h's; it picks the engine by LK_STORE */
	return cmocka_run_group_tests(tests, NULL, NULL);
}

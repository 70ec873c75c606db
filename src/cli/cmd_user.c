/*
 * cmd_user.c - `leadkeep user add|list|link|grant|revoke`: the staff web
 * app's accounts. A user is one business's (--business); grant lets them
 * work other businesses too, with the web app's switcher (an agency's
 * admins). One email is one sign-in: add refuses an email another business
 * already has. A new user gets a one-time link to set a password; leadkeep
 * never sees or prints anyone's password. `leadkeep demo-users`: the demo business's
 * sign-ins, for `make run` only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "http/http_settings.h"
#include "store/store_business.h"
#include "store/store_user.h"
#include "web/web_auth.h"

static const char user_help[] =
	"Usage: leadkeep user SUBCOMMAND [OPTIONS]\n"
	"\n"
	"  add --email E --name N --role admin|manager|office|sales|technician [--person ID]\n"
	"      [--config FILE]  a user of the staff web app (/app/); prints a one-time link\n"
	"                      to set a password (valid 7 days). --person links the user to a\n"
	"                      person of the rules: sales and technicians (who need one) see\n"
	"                      the leads they own; office, managers and admins see every lead\n"
	"  list                the users, their roles and people, who is locked out, and the\n"
	"                      other businesses each may work (grants)\n"
	"  link --email E [--config FILE]\n"
	"                      a new one-time link (a forgotten password); also ends a lockout\n"
	"  grant --email E [--person ID]\n"
	"                      lets the user E (of whichever business) work the business of\n"
	"                      --business too, with the same role: the web app shows them a\n"
	"                      business switcher. --person: who they are in this business's\n"
	"                      rules (required for sales and technicians)\n"
	"  revoke --email E    takes the business of --business away from E again\n"
	"\n"
	"A user is one business's: add --business SLUG makes a user of that business, who\n"
	"signs in at the same /app/ and sees that business only. One email is one sign-in:\n"
	"add refuses an email another business already has (grant it instead).\n"
	"\n"
	"The link starts with the server's public_url from --config FILE (the file given to\n"
	"`serve --config`), else it is a path to open on the server's address.\n"
	"\n" CLI_COMMON_HELP;

static const struct option user_options[] = {
	{ "email", required_argument, NULL, 'e' },
	{ "name", required_argument, NULL, 'n' },
	{ "role", required_argument, NULL, 'r' },
	{ "person", required_argument, NULL, 'p' },
	{ "config", required_argument, NULL, 'c' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

typedef struct {
	const char *email, *name, *role, *person, *config;
} user_args;

/* The link for token: public_url + path, or the path alone. */
static int
link_for(const char *config, const char *token, char *buf, size_t len)
{
	rules_diags d = { 0 };
	settings *st = NULL;
	const char *base = "";
	size_t n;

	if (config != NULL && (st = settings_load(config, &d)) == NULL) {
		rules_diags_print(&d, stderr);
		rules_diags_free(&d);
		return cli_fail(EXIT_CONFIG, "%s: no link made", config);
	}
	rules_diags_free(&d);
	if (st != NULL && st->public_url != NULL)
		base = st->public_url;
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	snprintf(buf, len, "%.*s/app/set-password?token=%s", (int)n, base, token);
	settings_free(st);
	return EXIT_OK;
}

/* A new set-password link for user id (and the lockout cleared). */
static int
new_link(cli_env *e, int64_t id, char *token, char *err, size_t errlen)
{
	int64_t now = cli_now();

	if (store_pwtoken_create(e->store, e->business_id, id, now, WEB_PWLINK_TTL, token, err,
				 errlen) < 0)
		return -1;
	if (store_user_unlock(e->store, e->business_id, id, now) < 0)
		return snprintf(err, errlen, "%s", store_errmsg(e->store)), -1;
	return 0;
}

static int
print_link(cli_env *e, const user_args *a, int64_t id, const char *token, bool created)
{
	char link[1024];
	int rc = link_for(a->config, token, link, sizeof link);

	if (rc != EXIT_OK)
		return rc;
	if (e->json) {
		json_t *o = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "email", a->email,
				      "link", link);

		cli_print_json(o);
		json_decref(o);
		return EXIT_OK;
	}
	printf("%s\n", link);
	if (created)
		fprintf(stderr, "User #%lld %s (%s) created. Send them this link to set a password: "
			"it works once, for 7 days.\n", (long long)id, a->email, a->role);
	else
		fprintf(stderr, "A new link for %s: it works once, for 7 days; older links no longer "
			"work.\n", a->email);
	return EXIT_OK;
}

typedef struct {
	int64_t id;
	char slug[48];
} slug_of_ctx;

static void
on_business(void *ctx, const store_business_row *r)
{
	slug_of_ctx *c = ctx;

	if (r->id == c->id)
		snprintf(c->slug, sizeof c->slug, "%s", r->slug);
}

/* The slug of business id into buf ("#ID" when it cannot be read). */
static const char *
slug_of(cli_env *e, int64_t id, char *buf, size_t len)
{
	slug_of_ctx c = { .id = id };

	if (store_businesses_read(e->store, NULL, on_business, &c) < 0 || c.slug[0] == '\0')
		snprintf(c.slug, sizeof c.slug, "#%lld", (long long)id);
	snprintf(buf, len, "%s", c.slug);
	return buf;
}

/* EXIT_OK unless email is already a user of another business (one email is
 * one sign-in: the web app finds the user by email in every business). */
static int
other_business_user(cli_env *e, const char *email, const char *cmd)
{
	store_user u;
	char slug[48];
	int n = store_user_find_all(e->store, email, &u, 1);

	if (n < 0)
		return cli_fail(EXIT_RUNTIME, "cannot read users: %s", store_errmsg(e->store));
	if (n == 0 || u.business_id == e->business_id)
		return EXIT_OK;
	return cli_fail(EXIT_USAGE, "%s: %s is already a user of business %s (one email is one "
			"sign-in); to let them work this business too: leadkeep user grant "
			"--business %s --email %s", cmd, email,
			slug_of(e, u.business_id, slug, sizeof slug), cli_business_slug(e), email);
}

static int
add(cli_env *e, const user_args *a)
{
	char token[STORE_SECRET_LEN], err[512] = "";
	int64_t id = 0;
	int rc;

	if (a->person && rules_person_find(e->rules, a->person) == NULL)
		return cli_fail(EXIT_USAGE, "user add: --person \"%s\": no person with this id in "
				"the rules", a->person);
	if ((rc = other_business_user(e, a->email, "user add")) != EXIT_OK)
		return rc;
	if (store_begin(e->store) < 0)
		return cli_fail(EXIT_RUNTIME, "the database is busy");
	rc = store_user_create(e->store, e->business_id, a->email, a->name, a->role, a->person,
			       cli_now(), &id, err, sizeof err);
	if (rc == 0)
		rc = new_link(e, id, token, err, sizeof err);
	if (rc != 0 || store_commit(e->store) < 0) {
		store_rollback(e->store);
		if (rc == 1)
			return cli_fail(EXIT_USAGE, "user add: %s already has an account (a new link: "
					"leadkeep user link --email %s)", a->email, a->email);
		return cli_fail(EXIT_RUNTIME, "user not saved: %s", err);
	}
	return print_link(e, a, id, token, true);
}

static int
new_link_cmd(cli_env *e, const user_args *a)
{
	char token[STORE_SECRET_LEN], err[512] = "";
	store_user u;
	int rc;

	if (store_begin(e->store) < 0)
		return cli_fail(EXIT_RUNTIME, "the database is busy");
	rc = store_user_find(e->store, e->business_id, a->email, &u);
	if (rc == 1)
		rc = new_link(e, u.id, token, err, sizeof err) < 0 ? -1 : 1;
	if (rc != 1 || store_commit(e->store) < 0) {
		store_rollback(e->store);
		if (rc == 0)
			return cli_fail(EXIT_USAGE, "user link: no user %s (leadkeep user list)",
					a->email);
		return cli_fail(EXIT_RUNTIME, "no link made: %s", err[0] ? err :
				store_errmsg(e->store));
	}
	return print_link(e, a, u.id, token, false);
}

/* The one user with this email, in whichever business: 0 with *u set, or
 * an exit code (no such user; an email two businesses had before add
 * refused it). */
static int
user_anywhere(cli_env *e, const char *email, const char *cmd, store_user *u)
{
	store_user two[2];
	int n = store_user_find_all(e->store, email, two, 2);

	if (n < 0)
		return cli_fail(EXIT_RUNTIME, "cannot read users: %s", store_errmsg(e->store));
	if (n == 0)
		return cli_fail(EXIT_USAGE, "%s: no user %s (leadkeep user list --business SLUG)",
				cmd, email);
	if (n > 1)
		return cli_fail(EXIT_USAGE, "%s: %s is a user of two businesses; grants are for "
				"one account of one email", cmd, email);
	*u = two[0];
	return EXIT_OK;
}

static int
grant(cli_env *e, const user_args *a)
{
	store_user u;
	char slug[48];
	int rc;

	if ((rc = user_anywhere(e, a->email, "user grant", &u)) != EXIT_OK)
		return rc;
	if (u.business_id == e->business_id)
		return cli_fail(EXIT_USAGE, "user grant: %s is a user of %s already (their own "
				"business)", a->email, cli_business_slug(e));
	if (a->person && rules_person_find(e->rules, a->person) == NULL)
		return cli_fail(EXIT_USAGE, "user grant: --person \"%s\": no person with this id "
				"in the rules of %s", a->person, cli_business_slug(e));
	if (a->person == NULL && !web_role_sees_all(u.role))
		return cli_fail(EXIT_USAGE, "user grant: --person is required for %s users: they "
				"see the leads of that person of %s's rules", u.role,
				cli_business_slug(e));
	if (store_begin(e->store) < 0)
		return cli_fail(EXIT_RUNTIME, "the database is busy");
	if ((rc = store_user_grant(e->store, u.business_id, u.id, e->business_id, a->person,
				   cli_now())) != 1 || store_commit(e->store) < 0) {
		store_rollback(e->store);
		return cli_fail(EXIT_RUNTIME, "grant not saved: %s", store_errmsg(e->store));
	}
	if (e->json) {
		json_t *o = json_pack("{s:I,s:s,s:s,s:s?}", "user", (json_int_t)u.id, "email",
				      u.email, "business", cli_business_slug(e), "person", a->person);

		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s (%s of %s) may work %s too: the web app shows them a business "
		       "switcher.\n", u.email, u.role, slug_of(e, u.business_id, slug, sizeof slug),
		       cli_business_slug(e));
	}
	return EXIT_OK;
}

static int
revoke(cli_env *e, const user_args *a)
{
	store_user u;
	int rc;

	if ((rc = user_anywhere(e, a->email, "user revoke", &u)) != EXIT_OK)
		return rc;
	if (store_begin(e->store) < 0)
		return cli_fail(EXIT_RUNTIME, "the database is busy");
	if ((rc = store_user_revoke(e->store, u.business_id, u.id, e->business_id)) < 0 ||
	    store_commit(e->store) < 0) {
		store_rollback(e->store);
		return cli_fail(EXIT_RUNTIME, "grant not revoked: %s", store_errmsg(e->store));
	}
	if (rc == 0)
		return cli_fail(EXIT_USAGE, "user revoke: %s may not work %s (nothing to revoke)",
				a->email, cli_business_slug(e));
	printf("%s may no longer work %s; a page of it open now shows their own business at "
	       "its next request.\n", u.email, cli_business_slug(e));
	return EXIT_OK;
}

typedef struct {
	cli_env *e;
	json_t *arr;
	int64_t now;
} list_ctx;

typedef struct {
	cli_env *e;
	json_t *arr;
	char text[256];
} grants_ctx;

static void
on_granted(void *ctx, int64_t business, const char *person)
{
	grants_ctx *g = ctx;
	char slug[48];
	size_t n = strlen(g->text);

	slug_of(g->e, business, slug, sizeof slug);
	if (g->arr != NULL)
		json_array_append_new(g->arr, json_pack("{s:s,s:s?}", "business", slug, "person",
							*person ? person : NULL));
	snprintf(g->text + n, sizeof g->text - n, "%s%s", n ? "," : "", slug);
}

static void
list_row(void *ctx, const store_user *u)
{
	list_ctx *l = ctx;
	bool locked = u->locked_until > l->now;
	grants_ctx g = { .e = l->e, .arr = l->e->json ? json_array() : NULL };

	/* a failed read lists no grants; the user is listed all the same */
	store_user_grants_read(l->e->store, u->business_id, u->id, on_granted, &g);
	if (l->e->json) {
		json_array_append_new(l->arr, json_pack("{s:I,s:s,s:s,s:s,s:s?,s:b,s:o}", "id",
							(json_int_t)u->id, "email", u->email,
							"name", u->name, "role", u->role, "person",
							u->person[0] ? u->person : NULL, "locked",
							locked, "grants", g.arr ? g.arr : json_array()));
		return;
	}
	printf("#%-4lld %-10s %-28s %-20s %s%s%s%s\n", (long long)u->id, u->role, u->email,
	       u->name, u->person[0] ? u->person : "-", locked ? "  (locked)" : "",
	       g.text[0] ? "  also: " : "", g.text);
}

static int
list(cli_env *e)
{
	list_ctx l = { e, json_array(), cli_now() };
	int n = store_users_read(e->store, e->business_id, list_row, &l);

	if (n < 0) {
		json_decref(l.arr);
		return cli_fail(EXIT_RUNTIME, "cannot list users: %s", store_errmsg(e->store));
	}
	if (e->json)
		cli_print_json(l.arr);
	else if (n == 0)
		puts("No users. Add one: leadkeep user add --email E --name N --role manager");
	json_decref(l.arr);
	return EXIT_OK;
}

int
cmd_user(int argc, char **argv)
{
	cli_env e;
	user_args a = { 0 };
	const char *sub = argc > 1 ? argv[1] : NULL;
	int opt, rc;

	cli_env_init(&e);
	if (sub == NULL)
		return cli_usage(user_help, "user: missing subcommand");
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(user_help, stdout);
		return EXIT_OK;
	}
	optind = 1;
	while ((opt = getopt_long(argc - 1, argv + 1, "", user_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(user_help, stdout); return EXIT_OK;
		case 'e': a.email = optarg; break;
		case 'n': a.name = optarg; break;
		case 'r': a.role = optarg; break;
		case 'p': a.person = optarg; break;
		case 'c': a.config = optarg; break;
		default: return cli_usage(user_help, "user %s: bad option", sub);
		}
	}
	if (optind < argc - 1)
		return cli_usage(user_help, "user %s: unexpected argument \"%s\"", sub,
				 argv[1 + optind]);
	if (strcmp(sub, "add") == 0) {
		if (a.email == NULL || strchr(a.email, '@') == NULL)
			return cli_usage(user_help, "user add: --email is required (an address)");
		if (a.name == NULL || *a.name == '\0')
			return cli_usage(user_help, "user add: --name is required");
		if (!store_user_role_valid(a.role))
			return cli_usage(user_help, "user add: --role must be admin, manager, "
					 "office, sales or technician");
		if (a.person == NULL && !web_role_sees_all(a.role))
			return cli_usage(user_help, "user add: --person is required for %s users: "
					 "they see the leads of that person of the rules", a.role);
	} else if (strcmp(sub, "link") == 0) {
		if (a.email == NULL)
			return cli_usage(user_help, "user link: --email is required");
	} else if (strcmp(sub, "grant") == 0 || strcmp(sub, "revoke") == 0) {
		if (a.email == NULL)
			return cli_usage(user_help, "user %s: --email is required", sub);
		if (e.business == NULL)
			return cli_usage(user_help, "user %s: --business SLUG is required (the "
					 "business the user may work besides their own)", sub);
	} else if (strcmp(sub, "list") != 0) {
		return cli_usage(user_help, "user: unknown subcommand \"%s\"", sub);
	}
	if ((rc = cli_open(&e, true)) == EXIT_OK)
		rc = strcmp(sub, "add") == 0 ? add(&e, &a) : strcmp(sub, "link") == 0 ?
		     new_link_cmd(&e, &a) : strcmp(sub, "grant") == 0 ? grant(&e, &a) :
		     strcmp(sub, "revoke") == 0 ? revoke(&e, &a) : list(&e);
	cli_close(&e);
	return rc;
}

/* --- demo-users ----------------------------------------------------------------------------- */

#define DEMO_PASSWORD "leadkeep-demo"

static const char demo_help[] =
	"Usage: leadkeep demo-users [--data DIR]\n"
	"\n"
	"For the demo business only (no DIR/rules.yaml, no --rules): when it has no users\n"
	"yet, creates four with the password " DEMO_PASSWORD " and prints their sign-ins:\n"
	"maria@demo (manager), alice@demo (office), bob@demo (sales, sees only his leads),\n"
	"tom@demo (technician, sees only the leads he owns or holds a task on).\n"
	"`make run` calls it. Never use these accounts for a real business.\n"
	"\n" CLI_COMMON_HELP;

static const struct option demo_options[] = {
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static const struct {
	const char *email, *name, *role, *person;
} demo[] = {
	{ "maria@demo", "Maria Olsen", "manager", "maria" },
	{ "alice@demo", "Alice Moreno", "office", "alice" },
	{ "bob@demo", "Bob Tran", "sales", "bob" },
	{ "tom@demo", "Tom Becker", "technician", "tom" },
};

static void
demo_print(void)
{
	fprintf(stderr, "leadkeep: demo sign-ins (password %s):\n", DEMO_PASSWORD);
	for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++)
		fprintf(stderr, "leadkeep:   %-11s %-10s %s\n", demo[i].email, demo[i].role,
			strcmp(demo[i].role, "sales") == 0 ||
			strcmp(demo[i].role, "technician") == 0 ? "(sees only his own leads)" : "");
}

static int
demo_create(cli_env *e)
{
	char hash[WEB_HASH_LEN], err[512] = "";
	int64_t now = cli_now(), id;
	int n = store_user_count(e->store, e->business_id);

	if (n < 0)
		return cli_fail(EXIT_RUNTIME, "cannot read users: %s", store_errmsg(e->store));
	if (n > 0) {
		fprintf(stderr, "leadkeep: the demo already has users; not adding any\n");
		demo_print();
		return EXIT_OK;
	}
	if (web_password_hash(DEMO_PASSWORD, hash) < 0)
		return cli_fail(EXIT_RUNTIME, "cannot hash the demo password (out of memory)");
	if (store_begin(e->store) < 0)
		return cli_fail(EXIT_RUNTIME, "the database is busy");
	for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++) {
		if (store_user_create(e->store, e->business_id, demo[i].email, demo[i].name,
				      demo[i].role, demo[i].person, now, &id, err, sizeof err) != 0 ||
		    store_user_set_password(e->store, e->business_id, id, hash, now) != 1) {
			store_rollback(e->store);
			return cli_fail(EXIT_RUNTIME, "demo users not saved: %s",
					err[0] ? err : store_errmsg(e->store));
		}
	}
	if (store_commit(e->store) < 0) {
		store_rollback(e->store);
		return cli_fail(EXIT_RUNTIME, "demo users not saved: %s", store_errmsg(e->store));
	}
	demo_print();
	return EXIT_OK;
}

int
cmd_demo_users(int argc, char **argv)
{
	cli_env e;
	char path[4096];
	struct stat sb;
	int opt, rc;

	cli_env_init(&e);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", demo_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		if (opt == 'h') {
			fputs(demo_help, stdout);
			return EXIT_OK;
		}
		return cli_usage(demo_help, "demo-users: bad option");
	}
	snprintf(path, sizeof path, "%s/rules.yaml", cli_files_dir(&e));
	if (e.rules_path != NULL || stat(path, &sb) == 0)
		return cli_fail(EXIT_USAGE, "demo-users: %s has its own rules: demo users are only "
				"for the built-in demo (use leadkeep user add)", cli_files_dir(&e));
	if ((rc = cli_open(&e, true)) == EXIT_OK)
		rc = demo_create(&e);
	cli_close(&e);
	return rc;
}

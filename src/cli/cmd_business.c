/*
 * cmd_business.c - `leadkeep business add|list|show|disable|enable`: the
 * businesses one install serves. Each is a slug and its own file (rules,
 * people, sources, providers, time zone), kept in the database; serve hosts
 * every enabled one. The install's own business ("default", the file
 * --rules or the server's file names) is always there and needs no step.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "store/store_business.h"

static const char business_help[] =
	"Usage: leadkeep business SUBCOMMAND [OPTIONS]\n"
	"\n"
	"  add SLUG FILE     host another business from its own file (rules, people,\n"
	"                    sources, providers; as `rules check` reads it); again for\n"
	"                    a known SLUG: its file is FILE from now on\n"
	"  list              every business: slug, name, time zone, state, file\n"
	"  show SLUG         one business and the rules version in use\n"
	"  disable SLUG      serve stops hosting it at its next reload (SIGHUP) or\n"
	"                    start; its leads, tokens and people stay (enable SLUG\n"
	"                    brings it back)\n"
	"  enable SLUG\n"
	"\n"
	"SLUG: 1 to 40 of a-z, 0-9 and '-', starting with a letter or digit; \"default\"\n"
	"is the install's own business (its file is --rules or the server's `rules:`).\n"
	"Every other command takes --business SLUG to work on one business.\n"
	"\n" CLI_COMMON_HELP;

static const struct option business_options[] = {
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static bool
slug_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 40 || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static int
add(cli_env *e, const char *slug, const char *file)
{
	char path[PATH_MAX], err[512] = "";
	rules_diags d = { 0 };
	rules *r;
	int64_t id;
	int rc = EXIT_OK;

	if (realpath(file, path) == NULL)
		return cli_fail(EXIT_USAGE, "business add: %s: no such file", file);
	/* The whole file as serve reads it: nothing half-valid is registered. */
	if ((r = rules_load_file(path, &d)) != NULL)
		cli_sections_check(path, &d);
	rules_diags_print(&d, stderr);
	if (r == NULL || d.nerrors > 0) {
		rules_diags_free(&d);
		rules_free(r);
		return cli_fail(EXIT_CONFIG, "business add: %s: not added", path);
	}
	rules_diags_free(&d);
	if ((e->store = store_open(e->data, err, sizeof err)) == NULL) {
		rules_free(r);
		return cli_fail(EXIT_RUNTIME, "%s", err);
	}
	if (store_begin(e->store) < 0 ||
	    (id = store_business_sync_slug(e->store, slug, r, err, sizeof err)) < 0 ||
	    store_business_update(e->store, slug, path, -1) != 1 ||
	    store_rules_activate(e->store, id, r->version, r->text, "business add", cli_now(),
				 NULL, 0) < 0 ||
	    store_commit(e->store) < 0) {
		if (err[0] == '\0')
			snprintf(err, sizeof err, "%s", store_errmsg(e->store));
		store_rollback(e->store);
		rc = cli_fail(EXIT_RUNTIME, "business add: not saved: %s", err);
		goto out;
	}
	if (e->json) {
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)id, "slug", slug,
				      "name", r->business.name, "timezone", r->business.timezone,
				      "file", path, "people", (json_int_t)r->npeople);

		cli_print_json(o);
		json_decref(o);
	} else {
		printf("Business \"%s\" (#%lld): %s, %s, %zu people, from %s.\n", slug, (long long)id,
		       r->business.name, r->business.timezone, r->npeople, path);
		printf("serve hosts it from its next reload (SIGHUP) or start; "
		       "commands reach it with --business %s.\n", slug);
	}
out:
	rules_free(r);
	return rc;
}

static json_t *
row_json(const store_business_row *r)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s?,s:s,s:I}", "id", (json_int_t)r->id, "slug",
			 r->slug, "name", r->name, "timezone", r->timezone, "file", r->file,
			 "state", r->disabled ? "disabled" : "enabled", "created_at",
			 (json_int_t)r->created_at);
}

static void
collect(void *ctx, const store_business_row *r)
{
	json_array_append_new(ctx, row_json(r));
}

static int
list(cli_env *e, const char *slug)
{
	json_t *arr = json_array(), *v;
	char hash[80], by[64];
	int64_t at;
	size_t i;
	int n;

	if (arr == NULL || (n = store_businesses_read(e->store, slug, collect, arr)) < 0) {
		json_decref(arr);
		return cli_fail(EXIT_RUNTIME, "cannot read the businesses: %s",
				store_errmsg(e->store));
	}
	if (slug != NULL && n == 0) {
		json_decref(arr);
		return cli_fail(EXIT_USAGE, "business show: no business \"%s\"", slug);
	}
	if (slug != NULL) {
		v = json_array_get(arr, 0);
		if (store_rules_active(e->store, json_integer_value(json_object_get(v, "id")), hash,
				       sizeof hash, &at, by, sizeof by) == 1) {
			json_object_set_new(v, "rules_version", json_string(hash));
			json_object_set_new(v, "rules_since", json_integer(at));
		}
	}
	if (e->json) {
		cli_print_json(slug ? json_array_get(arr, 0) : arr);
	} else if (slug != NULL) {
		v = json_array_get(arr, 0);
		printf("slug:      %s\nid:        %lld\nname:      %s\ntime zone: %s\nstate:     %s\n"
		       "file:      %s\nrules:     %.12s\n", cli_str(v, "slug", ""),
		       (long long)json_integer_value(json_object_get(v, "id")), cli_str(v, "name", ""),
		       cli_str(v, "timezone", ""), cli_str(v, "state", ""),
		       cli_str(v, "file", "(the install's own: --rules or the server's file)"),
		       cli_str(v, "rules_version", "-"));
	} else {
		printf("%-4s %-20s %-10s %-24s %-30s %s\n", "ID", "SLUG", "STATE", "TIME ZONE",
		       "NAME", "FILE");
		json_array_foreach(arr, i, v)
			printf("%-4lld %-20s %-10s %-24s %-30s %s\n",
			       (long long)json_integer_value(json_object_get(v, "id")),
			       cli_str(v, "slug", ""), cli_str(v, "state", ""),
			       cli_str(v, "timezone", ""), cli_str(v, "name", ""),
			       cli_str(v, "file", "-"));
	}
	json_decref(arr);
	return EXIT_OK;
}

static int
set_state(cli_env *e, const char *slug, bool disabled)
{
	int rc;

	if (strcmp(slug, STORE_BUSINESS_DEFAULT) == 0)
		return cli_fail(EXIT_USAGE, "business: \"default\" is the install's own business: "
				"it runs while serve runs");
	if ((rc = store_business_update(e->store, slug, NULL, disabled)) < 0)
		return cli_fail(EXIT_RUNTIME, "not saved: %s", store_errmsg(e->store));
	if (rc == 0)
		return cli_fail(EXIT_USAGE, "no business \"%s\" (see `leadkeep business list`)",
				slug);
	printf("Business \"%s\" %s: serve %s it from its next reload (SIGHUP) or start.\n", slug,
	       disabled ? "disabled" : "enabled", disabled ? "stops hosting" : "hosts");
	return EXIT_OK;
}

int
cmd_business(int argc, char **argv)
{
	cli_env e;
	const char *sub = argc > 1 ? argv[1] : NULL, *slug = NULL;
	char err[512];
	int opt, rc;

	cli_env_init(&e);
	if (sub == NULL)
		return cli_usage(business_help, "business: missing subcommand");
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(business_help, stdout);
		return EXIT_OK;
	}
	optind = 1;
	while ((opt = getopt_long(argc - 1, argv + 1, "", business_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(business_help, stdout); return EXIT_OK;
		default: return cli_usage(business_help, "business %s: bad option", sub);
		}
	}
	argv += 1 + optind;
	argc -= 1 + optind;
	if (strcmp(sub, "list") == 0) {
		if (argc > 0)
			return cli_usage(business_help, "business list: unexpected \"%s\"", argv[0]);
	} else if (strcmp(sub, "add") == 0 || strcmp(sub, "show") == 0 ||
		   strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
		if (argc != (strcmp(sub, "add") == 0 ? 2 : 1))
			return cli_usage(business_help, strcmp(sub, "add") == 0 ?
					 "business add: expected SLUG FILE" :
					 "business %s: expected SLUG", sub);
		slug = argv[0];
		if (!slug_valid(slug))
			return cli_usage(business_help, "business %s: \"%s\" is not a slug (a-z, 0-9, "
					 "'-', at most 40)", sub, slug);
		if (strcmp(sub, "add") == 0 && strcmp(slug, STORE_BUSINESS_DEFAULT) == 0)
			return cli_usage(business_help, "business add: \"default\" is the install's "
					 "own business: its file is --rules or the server's `rules:`");
	} else {
		return cli_usage(business_help, "business: unknown subcommand \"%s\"", sub);
	}
	if (strcmp(sub, "add") == 0) {
		rc = add(&e, slug, argv[1]);
		cli_close(&e);
		return rc;
	}
	if ((e.store = store_open(e.data, err, sizeof err)) == NULL)
		return cli_fail(EXIT_RUNTIME, "%s", err);
	rc = strcmp(sub, "list") == 0 ? list(&e, NULL) :
	     strcmp(sub, "show") == 0 ? list(&e, slug) :
	     set_state(&e, slug, strcmp(sub, "disable") == 0);
	cli_close(&e);
	return rc;
}

/*
 * cmd_token.c - `leadkeep token create|list|revoke`: API tokens for
 * /api/v1. A new token is printed once; only its hash is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store/store_api.h"
#include "read/read_json.h"

static const char token_help[] =
	"Usage: leadkeep token SUBCOMMAND [OPTIONS]\n"
	"\n"
	"  create --name NAME --role admin|staff|intake\n"
	"                      make an API token; it is printed once, store it now\n"
	"                      (admin: everything; staff: work leads and tasks;\n"
	"                       intake: create leads only, for web sites and Zapier)\n"
	"  list                the tokens (name, role, prefix), never their secrets\n"
	"  revoke ID           the token stops working at once\n"
	"\n" CLI_COMMON_HELP;

static const struct option token_options[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "role", required_argument, NULL, 'r' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static int
create(cli_env *e, const char *name, const char *role)
{
	char token[STORE_TOKEN_LEN], err[256];
	int64_t id;

	if (store_begin(e->store) < 0)
		return cli_fail(EXIT_RUNTIME, "the database is busy");
	if (store_token_create(e->store, e->business_id, name, role, cli_now(), token, &id, err,
			       sizeof err) < 0 || store_commit(e->store) < 0) {
		store_rollback(e->store);
		return cli_fail(EXIT_RUNTIME, "token not saved: %s", err);
	}
	if (e->json) {
		json_t *o = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "name", name,
				      "role", role, "token", token);

		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s\n", token);
		fprintf(stderr, "Token #%lld \"%s\" (%s) created. It is shown only now: keep it "
			"in a password manager.\n", (long long)id, name, role);
	}
	return EXIT_OK;
}

static int
list(cli_env *e)
{
	json_t *arr = read_tokens_json(e->store, e->business_id), *v;
	size_t i;

	if (arr == NULL)
		return cli_fail(EXIT_RUNTIME, "cannot list tokens");
	if (e->json) {
		cli_print_json(arr);
	} else {
		json_array_foreach(arr, i, v)
			printf("#%-4lld %-8s %-20s lk_%s_...%s\n",
			       (long long)json_integer_value(json_object_get(v, "id")),
			       cli_str(v, "role", ""), cli_str(v, "name", ""),
			       cli_str(v, "prefix", ""),
			       json_is_null(json_object_get(v, "revoked_at")) ? "" : "  (revoked)");
		if (json_array_size(arr) == 0)
			puts("No tokens.");
	}
	json_decref(arr);
	return EXIT_OK;
}

static int
revoke(cli_env *e, long long id)
{
	int rc = store_token_revoke(e->store, e->business_id, id, cli_now());

	if (rc < 0)
		return cli_fail(EXIT_RUNTIME, "cannot revoke: %s", store_errmsg(e->store));
	if (rc == 0)
		return cli_fail(EXIT_USAGE, "no active token #%lld", id);
	printf("Token #%lld revoked\n", id);
	return EXIT_OK;
}

int
cmd_token(int argc, char **argv)
{
	cli_env e;
	const char *sub = argc > 1 ? argv[1] : NULL, *name = NULL, *role = NULL;
	long long id = 0;
	char *end;
	int opt, rc;

	cli_env_init(&e);
	if (sub == NULL)
		return cli_usage(token_help, "token: missing subcommand");
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(token_help, stdout);
		return EXIT_OK;
	}
	optind = 1;
	while ((opt = getopt_long(argc - 1, argv + 1, "", token_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(token_help, stdout); return EXIT_OK;
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		default: return cli_usage(token_help, "token %s: bad option", sub);
		}
	}
	argv += 1 + optind;
	argc -= 1 + optind;
	if (strcmp(sub, "create") == 0) {
		if (name == NULL || *name == '\0')
			return cli_usage(token_help, "token create: --name is required");
		if (!store_role_valid(role))
			return cli_usage(token_help, "token create: --role must be admin, staff or "
					 "intake");
	} else if (strcmp(sub, "revoke") == 0) {
		if (argc < 1 || (id = strtoll(argv[0], &end, 10)) <= 0 || *end != '\0')
			return cli_usage(token_help, "token revoke: expected a token ID");
	} else if (strcmp(sub, "list") != 0) {
		return cli_usage(token_help, "token: unknown subcommand \"%s\"", sub);
	}
	if ((rc = cli_open(&e, true)) == EXIT_OK)
		rc = strcmp(sub, "create") == 0 ? create(&e, name, role) :
		     strcmp(sub, "list") == 0 ? list(&e) : revoke(&e, id);
	cli_close(&e);
	return rc;
}

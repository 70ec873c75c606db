/*
 * test_http_routes.c - the server's route table and docs/openapi.yaml list
 * the same routes: every (method, path) of src/http/http_routes.c is in the
 * OpenAPI document, and every operation there is a route.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "http/http_internal.h"

#define MAX_OPS 128

typedef struct {
	char method[8];
	char path[128];		/* "{id}" segments written as "*" */
} op;

static op doc_ops[MAX_OPS];
static size_t ndoc;

/* "/api/v1/leads/{id}/stage" -> "/api/v1/leads/ * /stage" (without spaces). */
static void
canonical(const char *in, char *out, size_t len)
{
	size_t o = 0;

	while (*in && o + 1 < len) {
		if (*in == '{') {
			const char *close = strchr(in, '}');

			out[o++] = '*';
			in = close ? close + 1 : in + strlen(in);
			continue;
		}
		out[o++] = *in++;
	}
	out[o] = '\0';
}

/* Reads "  /path:" and "    get:" lines of the paths section. */
static void
load_openapi(void)
{
	const char *root = getenv("LK_ROOT");
	char file[512], line[1024], path[128] = "";
	bool in_paths = false;
	FILE *f;

	snprintf(file, sizeof file, "%s/docs/openapi.yaml", root ? root : ".");
	f = fopen(file, "r");
	assert_non_null(f);
	ndoc = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		char m[16];

		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, "paths:") == 0) {
			in_paths = true;
			continue;
		}
		if (line[0] != ' ' && line[0] != '#' && line[0] != '\0')
			in_paths = false;
		if (!in_paths)
			continue;
		if (strncmp(line, "  /", 3) == 0 && line[strlen(line) - 1] == ':') {
			line[strlen(line) - 1] = '\0';
			canonical(line + 2, path, sizeof path);
			continue;
		}
		if (strncmp(line, "    ", 4) == 0 && line[4] != ' ' &&
		    sscanf(line + 4, "%15[a-z]:", m) == 1 &&
		    (strcmp(m, "get") == 0 || strcmp(m, "post") == 0 || strcmp(m, "patch") == 0 ||
		     strcmp(m, "put") == 0 || strcmp(m, "delete") == 0)) {
			assert_true(ndoc < MAX_OPS);
			for (size_t i = 0; m[i]; i++)
				doc_ops[ndoc].method[i] = (char)(m[i] - 'a' + 'A');
			doc_ops[ndoc].method[strlen(m)] = '\0';
			snprintf(doc_ops[ndoc].path, sizeof doc_ops[ndoc].path, "%s", path);
			ndoc++;
		}
	}
	fclose(f);
}

static void
every_route_is_documented(void **state)
{
	(void)state;
	load_openapi();
	for (const http_route *r = http_routes; r->method; r++) {
		bool found = false;

		for (size_t i = 0; i < ndoc && !found; i++)
			found = strcmp(doc_ops[i].method, r->method) == 0 &&
				strcmp(doc_ops[i].path, r->pattern) == 0;
		if (!found)
			fail_msg("route %s %s is not in docs/openapi.yaml", r->method, r->pattern);
	}
}

static void
every_documented_operation_is_a_route(void **state)
{
	(void)state;
	load_openapi();
	assert_true(ndoc > 10);
	for (size_t i = 0; i < ndoc; i++) {
		bool found = false;

		for (const http_route *r = http_routes; r->method && !found; r++)
			found = strcmp(doc_ops[i].method, r->method) == 0 &&
				strcmp(doc_ops[i].path, r->pattern) == 0;
		if (!found)
			fail_msg("docs/openapi.yaml has %s %s, the server does not", doc_ops[i].method,
				 doc_ops[i].path);
	}
}

static void
routes_are_unique(void **state)
{
	(void)state;
	for (const http_route *a = http_routes; a->method; a++)
		for (const http_route *b = a + 1; b->method; b++)
			if (strcmp(a->method, b->method) == 0 && strcmp(a->pattern, b->pattern) == 0)
				fail_msg("route %s %s appears twice", a->method, a->pattern);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_route_is_documented),
		cmocka_unit_test(every_documented_operation_is_a_route),
		cmocka_unit_test(routes_are_unique),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

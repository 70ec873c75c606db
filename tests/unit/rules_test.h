/*
 * rules_test.h - what the rules loader's tests (test_rules*.c) share: a
 * small valid start (BASE), loading a string, and asserting the exact
 * problems it reports. Header-only (static inline): each test is one
 * program of one .c file.
 */
#ifndef LK_TEST_RULES_TEST_H
#define LK_TEST_RULES_TEST_H

#include <stdbool.h>
#include <string.h>

#include "rules/rules_load.h"

/* Three lines every small test starts from: one business, three people, one
 * catch-all route. Sections a test adds begin on line 4. */
#define BASE \
	"business: { name: Acme, timezone: UTC }\n" \
	"people: [ { id: alice, name: Alice, role: office, phone: \"+13125550101\" }," \
	" { id: bob, name: Bob, role: sales }, { id: maria, name: Maria, role: manager } ]\n" \
	"routing: [ { owner: alice } ]\n"

/* One person and a catch-all route, for tests that write their own business. */
#define PEOPLE \
	"people: [ { id: alice, name: Alice, role: office } ]\nrouting: [ { owner: alice } ]\n"

static inline rules *
load(const char *yaml, rules_diags *d)
{
	return rules_load_string(yaml, strlen(yaml), "t.yaml", d);
}

static inline void
dump(const rules_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("  %d:%d: %s: %s\n", d->items[i].line, d->items[i].col,
			      d->items[i].warning ? "warning" : "error", d->items[i].message);
}

/* Asserts that d holds exactly this problem at exactly this place. */
static inline void
expect_diag(const rules_diags *d, int line, int col, bool warning, const char *msg)
{
	for (size_t i = 0; i < d->n; i++) {
		const rules_diag *it = &d->items[i];

		if (strcmp(it->message, msg) == 0 && it->line == line && it->col == col &&
		    it->warning == warning) {
			assert_string_equal(it->file, "t.yaml");
			return;
		}
	}
	print_message("expected %d:%d: %s: %s\nbut got:\n", line, col,
		      warning ? "warning" : "error", msg);
	dump(d);
	fail();
}

/* Loads yaml expecting failure with exactly nerrors errors, one of them msg. */
static inline void
expect_error(const char *yaml, size_t nerrors, int line, int col, const char *msg)
{
	rules_diags d;
	rules *r = load(yaml, &d);

	assert_null(r);
	expect_diag(&d, line, col, false, msg);
	if (d.nerrors != nerrors) {
		dump(&d);
		assert_int_equal(d.nerrors, nerrors);
	}
	rules_diags_free(&d);
}

/* Loads yaml expecting success; the caller frees both. */
static inline rules *
expect_ok(const char *yaml, rules_diags *d)
{
	rules *r = load(yaml, d);

	if (r == NULL)
		dump(d);
	assert_non_null(r);
	assert_int_equal(d->nerrors, 0);
	return r;
}

#endif

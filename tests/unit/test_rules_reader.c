/*
 * test_rules_reader.c - rl_keep_document: one parse of a file for the
 * several readers of its sections (serve's start), each reporting its own
 * problems as before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/rules_reader.h"

typedef struct {
	const yaml_node_t *root;
	char value[64];		/* the "a:" key's value */
} seen;

static void
walk(rl_ctx *c, yaml_node_t *root)
{
	seen *s = c->user;
	yaml_node_t *a = rl_map_get(c, root, "a");
	const char *v = a != NULL ? rl_scalar(c, a, "a") : NULL;

	s->root = root;
	snprintf(s->value, sizeof s->value, "%s", v ? v : "");
}

/* Parses text with walk into *s; the number of problems reported. */
static size_t
parse(const char *text, seen *s)
{
	rules_diags d = { 0 };
	rl_ctx c;
	size_t n;

	memset(&c, 0, sizeof c);
	memset(s, 0, sizeof *s);
	c.file = "x.yaml";
	c.kind = "business file";
	c.text = text;
	c.len = strlen(text);
	c.diags = &d;
	c.user = s;
	rl_parse(&c, walk);
	free(c.line_starts);
	n = d.n;
	rules_diags_free(&d);
	return n;
}

static void
same_bytes_walk_the_kept_document(void **state)
{
	seen s1, s2, s3;

	(void)state;
	rl_keep_document(true);
	assert_int_equal(parse("a: one\nb: 2\n", &s1), 0);
	assert_int_equal(parse("a: one\nb: 2\n", &s2), 0);
	assert_ptr_equal(s1.root, s2.root);	/* walked again, not parsed again */
	assert_string_equal(s2.value, "one");
	assert_int_equal(parse("a: two\n", &s3), 0);	/* other bytes: parsed */
	assert_string_equal(s3.value, "two");
	assert_int_equal(parse("a: two\n", &s1), 0);
	assert_ptr_equal(s1.root, s3.root);
	rl_keep_document(false);
}

static void
a_file_with_a_problem_of_its_own_reports_it_every_time(void **state)
{
	seen s;

	(void)state;
	rl_keep_document(true);
	assert_int_equal(parse("a: one\n---\na: two\n", &s), 1);	/* a second document */
	assert_int_equal(parse("a: one\n---\na: two\n", &s), 1);
	assert_int_equal(parse("a: [one\n", &s), 1);			/* syntax */
	assert_int_equal(parse("a: [one\n", &s), 1);
	rl_keep_document(false);
}

static void
nothing_is_kept_unless_asked(void **state)
{
	seen s1, s2;

	(void)state;
	assert_int_equal(parse("a: one\n", &s1), 0);
	assert_int_equal(parse("a: one\n", &s2), 0);
	assert_string_equal(s2.value, "one");
	rl_keep_document(true);
	assert_int_equal(parse("a: one\n", &s1), 0);
	rl_keep_document(false);		/* dropped: ASan sees it freed */
	assert_int_equal(parse("a: one\n", &s2), 0);
	assert_string_equal(s2.value, "one");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_bytes_walk_the_kept_document),
		cmocka_unit_test(a_file_with_a_problem_of_its_own_reports_it_every_time),
		cmocka_unit_test(nothing_is_kept_unless_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_http_body.c - request bodies: kept in memory up to the spill size,
 * then in an unlinked 0600 file in the given directory; every body charged
 * to one budget that refuses what would pass its cap and gets everything
 * back when bodies are freed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/http_body.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/lk-body-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return rmdir(dir);	/* fails when a body file was left behind */
}

static void
a_small_body_stays_in_memory(void **state)
{
	body_budget *bg = body_budget_new(1000);
	char err[128], *data;
	size_t len;
	http_body b;

	(void)state;
	body_init(&b, bg, dir, 100);
	assert_int_equal(body_append(&b, "name=Jos", 8, err, sizeof err), BODY_OK);
	assert_int_equal(body_append(&b, "\0e", 2, err, sizeof err), BODY_OK);
	assert_false(body_spilled(&b));
	assert_int_equal(body_budget_used(bg), 10);
	assert_int_equal(body_finish(&b, &data, &len, err, sizeof err), BODY_OK);
	assert_int_equal(len, 10);
	assert_memory_equal(data, "name=Jos\0e", 11);	/* NUL-terminated too */
	body_free(&b);
	body_free(&b);
	assert_int_equal(body_budget_used(bg), 0);
	body_budget_free(bg);
}

static void
an_empty_body_is_an_empty_string(void **state)
{
	char err[128], *data = NULL;
	size_t len = 1;
	http_body b;

	(void)state;
	body_init(&b, NULL, dir, 100);
	assert_int_equal(body_finish(&b, &data, &len, err, sizeof err), BODY_OK);
	assert_non_null(data);
	assert_int_equal(len, 0);
	assert_string_equal(data, "");
	body_free(&b);
}

static void
a_large_body_goes_to_an_unlinked_private_file(void **state)
{
	body_budget *bg = body_budget_new(0);
	char err[128], chunk[1000], *data;
	size_t len;
	struct stat sb;
	http_body b;

	(void)state;
	memset(chunk, 'x', sizeof chunk);
	body_init(&b, bg, dir, 4096);
	for (int i = 0; i < 10; i++)
		assert_int_equal(body_append(&b, chunk, sizeof chunk, err, sizeof err), BODY_OK);
	assert_true(body_spilled(&b));
	assert_null(b.mem);			/* nothing of it left on the heap */
	assert_int_equal(fstat(b.fd, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_nlink, 0);	/* no name: gone when closed */
	assert_int_equal(body_finish(&b, &data, &len, err, sizeof err), BODY_OK);
	assert_int_equal(len, 10000);
	assert_int_equal(data[0], 'x');
	assert_int_equal(data[9999], 'x');
	assert_int_equal(data[10000], '\0');
	data[0] = 'y';				/* the handler's own copy */
	assert_int_equal(body_budget_used(bg), 10000);
	body_free(&b);
	assert_int_equal(body_budget_used(bg), 0);
	body_budget_free(bg);
}

static void
the_budget_refuses_past_its_cap(void **state)
{
	body_budget *bg = body_budget_new(3000);
	char err[128], chunk[1500];
	http_body a, b, c;

	(void)state;
	memset(chunk, 'z', sizeof chunk);
	body_init(&a, bg, dir, 100);
	body_init(&b, bg, dir, 100);
	body_init(&c, bg, dir, 100);
	assert_int_equal(body_reserve(&a, 1500), BODY_OK);	/* a Content-Length */
	assert_int_equal(body_reserve(&b, 1500), BODY_OK);
	assert_int_equal(body_reserve(&c, 1), BODY_BUSY);	/* before reading */
	assert_int_equal(body_budget_used(bg), 3000);
	/* within its reservation a body reads on, spilled or not */
	assert_int_equal(body_append(&a, chunk, sizeof chunk, err, sizeof err), BODY_OK);
	assert_int_equal(body_budget_used(bg), 3000);
	/* past it (no Content-Length, or a lie): more is taken, or refused */
	assert_int_equal(body_append(&a, "!", 1, err, sizeof err), BODY_BUSY);
	body_free(&a);
	assert_int_equal(body_budget_used(bg), 1500);
	assert_int_equal(body_append(&c, chunk, 1000, err, sizeof err), BODY_OK);
	assert_int_equal(body_budget_used(bg), 2500);
	body_free(&b);
	body_free(&c);
	assert_int_equal(body_budget_used(bg), 0);
	assert_false(body_budget_take(bg, 3001));		/* never fits */
	body_budget_free(bg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_small_body_stays_in_memory),
		cmocka_unit_test(an_empty_body_is_an_empty_string),
		cmocka_unit_test(a_large_body_goes_to_an_unlinked_private_file),
		cmocka_unit_test(the_budget_refuses_past_its_cap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_util.c - the shared helpers in src/util/: form-urlencoded decoding
 * (malformed and truncated escapes, '+', NULs, a short buffer), the token
 * bucket on an injected clock (refill, cap, a clock read that lost a race),
 * the monotonic clock, the small string helpers, and the id comparator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/bucket.h"
#include "util/ids.h"
#include "util/mono.h"
#include "util/str.h"
#include "util/urlenc.h"

#define SEC 1000000000LL

/* Decodes a C string into buf (room for 64) and terminates it for comparison. */
static size_t
decode(const char *in, char buf[64])
{
	size_t n = urlenc_decode(in, strlen(in), buf, 63);

	buf[n < 63 ? n : 63] = '\0';
	return n;
}

/* --- urlenc ------------------------------------------------------------- */

static void
plus_is_a_space_and_percent_hex_a_byte_in_either_case(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(decode("a+b%41%6a%2B%2b", buf), 7);
	assert_string_equal(buf, "a bAj++");
	assert_int_equal(decode("%C3%AB", buf), 2);
	assert_string_equal(buf, "\xc3\xab");
}

static void
a_percent_without_two_hex_digits_is_kept_as_it_is(void **state)
{
	char buf[64];

	(void)state;
	decode("%zz", buf);
	assert_string_equal(buf, "%zz");
	decode("%4g", buf);
	assert_string_equal(buf, "%4g");
	decode("%g4", buf);
	assert_string_equal(buf, "%g4");
	decode("%%41", buf);	/* the first '%' stays, the second escape decodes */
	assert_string_equal(buf, "%A");
	decode("+%+", buf);
	assert_string_equal(buf, " % ");
}

static void
a_truncated_escape_at_the_end_is_kept(void **state)
{
	char buf[64];

	(void)state;
	decode("%", buf);
	assert_string_equal(buf, "%");
	decode("a%4", buf);
	assert_string_equal(buf, "a%4");
	decode("a%41", buf);	/* exactly long enough */
	assert_string_equal(buf, "aA");
	/* The length given ends the input even where the string goes on. */
	assert_int_equal(urlenc_decode("a%41", 3, buf, sizeof buf), 3);
	assert_memory_equal(buf, "a%4", 3);
}

static void
nul_bytes_decode_like_any_other_byte(void **state)
{
	char buf[64];
	static const char raw[] = { 'x', '\0', 'y' };

	(void)state;
	assert_int_equal(urlenc_decode("a%00b", 5, buf, sizeof buf), 3);
	assert_memory_equal(buf, "a\0b", 3);
	assert_int_equal(urlenc_decode(raw, sizeof raw, buf, sizeof buf), 3);
	assert_memory_equal(buf, raw, 3);
}

static void
empty_input_decodes_to_nothing(void **state)
{
	char buf[4] = "zzz";

	(void)state;
	assert_int_equal(urlenc_decode("", 0, buf, sizeof buf), 0);
	assert_string_equal(buf, "zzz");	/* nothing written, not even a NUL */
}

static void
a_short_buffer_is_never_overrun_and_the_full_length_is_returned(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, '#', sizeof buf);
	assert_int_equal(urlenc_decode("ab%43de", 7, buf, 3), 5);
	assert_memory_equal(buf, "abC", 3);
	for (size_t i = 3; i < sizeof buf; i++)
		assert_int_equal(buf[i], '#');
	assert_int_equal(urlenc_decode("ab", 2, NULL, 0), 2);	/* a length query */
}

/* --- bucket ------------------------------------------------------------- */

static void
a_full_bucket_allows_its_capacity_then_refuses(void **state)
{
	bucket b;
	int64_t t = 5 * SEC;

	(void)state;
	bucket_init(&b, 3, t);
	for (int i = 0; i < 3; i++)
		assert_true(bucket_take(&b, 3, 1.0, t));
	assert_false(bucket_take(&b, 3, 1.0, t));
	assert_true(b.tokens >= 0.0);
}

static void
tokens_come_back_at_the_rate(void **state)
{
	bucket b;
	int64_t t = 0;

	(void)state;
	bucket_init(&b, 0, t);
	/* 2 tokens a second: one every half second. */
	assert_false(bucket_take(&b, 10, 2.0, t + SEC / 4));
	assert_true(bucket_take(&b, 10, 2.0, t + SEC / 2));
	assert_false(bucket_take(&b, 10, 2.0, t + SEC / 2));
	assert_true(bucket_take(&b, 10, 2.0, t + SEC));
	/* Slow rates too: 10 per minute is one every 6 s (a hair after: in
	 * binary, 5/6 + 1/6 of a token falls just short of 1). */
	bucket_init(&b, 0, t);
	assert_false(bucket_take(&b, 10, 10.0 / 60, t + 5 * SEC));
	assert_true(bucket_take(&b, 10, 10.0 / 60, t + 6 * SEC + SEC / 1000));
}

static void
a_long_idle_fills_the_bucket_only_to_its_cap(void **state)
{
	bucket b;
	int n = 0;

	(void)state;
	bucket_init(&b, 0, 0);
	assert_true(bucket_refill(&b, 4, 1.0, 3600 * SEC) == 4.0);
	while (bucket_take(&b, 4, 1.0, 3600 * SEC))
		n++;
	assert_int_equal(n, 4);
}

static void
a_lowered_cap_applies_at_once(void **state)
{
	bucket b;

	(void)state;
	bucket_init(&b, 10, 0);
	assert_true(bucket_refill(&b, 2, 1.0, 0) == 2.0);
}

static void
an_earlier_time_adds_nothing_and_does_not_move_the_clock_back(void **state)
{
	bucket b;

	(void)state;
	bucket_init(&b, 0, 10 * SEC);
	assert_true(bucket_refill(&b, 5, 1.0, 9 * SEC) == 0.0);
	assert_int_equal(b.last_ns, 10 * SEC);
	/* Were the clock moved back, the second from 9 s to 10 s would count twice. */
	assert_true(bucket_refill(&b, 5, 1.0, 11 * SEC) == 1.0);
}

static void
wait_says_how_long_until_a_whole_token(void **state)
{
	bucket b;

	(void)state;
	bucket_init(&b, 0.25, 0);
	assert_true(bucket_wait(&b, 0.5) == 1.5);
	bucket_init(&b, 1, 0);
	assert_true(bucket_wait(&b, 0.5) == 0.0);
}

/* --- mono --------------------------------------------------------------- */

static void
the_monotonic_clock_never_goes_back(void **state)
{
	int64_t a = mono_ns(), b = mono_ns();

	(void)state;
	assert_true(a > 0);
	assert_true(b >= a);
}

static void
a_deadline_is_later_and_normalised(void **state)
{
	int64_t before = mono_ns();
	struct timespec d = mono_deadline_ms(1500);
	int64_t at = (int64_t)d.tv_sec * SEC + d.tv_nsec;

	(void)state;
	assert_true(d.tv_nsec >= 0 && d.tv_nsec < SEC);
	assert_true(at >= before + 1500 * 1000000LL);
	assert_true(at <= mono_ns() + 1500 * 1000000LL);
}

/* --- str ---------------------------------------------------------------- */

static void
blank_means_null_empty_or_only_white_space(void **state)
{
	(void)state;
	assert_true(str_blank(NULL));
	assert_true(str_blank(""));
	assert_true(str_blank(" \t\r\n\v\f"));
	assert_false(str_blank("  x "));
	assert_false(str_blank("\x01"));
	assert_false(str_blank("\xc2\xa0"));	/* a UTF-8 no-break space is text here */
}

static void
trim_in_place_cuts_both_ends(void **state)
{
	char a[] = " \t hello world \r\n", b[] = "   ", c[] = "", d[] = "x";

	(void)state;
	assert_string_equal(str_trim(a), "hello world");
	assert_ptr_equal(str_trim(a + 3), a + 3);
	assert_string_equal(str_trim(b), "");
	assert_string_equal(str_trim(c), "");
	assert_string_equal(str_trim(d), "x");
}

static void
trim_dup_reads_only_n_bytes_and_copies(void **state)
{
	static const char unterminated[] = { ' ', 'a', ' ', 'b', ' ', 'Z' };
	char *s;

	(void)state;
	s = str_trim_dup(unterminated, 5);
	assert_string_equal(s, "a b");
	free(s);
	s = str_trim_dup(" \n ", 3);
	assert_string_equal(s, "");
	free(s);
	s = str_trim_dup("", 0);
	assert_string_equal(s, "");
	free(s);
	s = str_trim_dup(" a\0b ", 5);	/* a NUL inside is copied; C sees "a" */
	assert_memory_equal(s, "a\0b", 4);
	free(s);
}

/* --- ids ---------------------------------------------------------------- */

static void
ids_sort_ascending_even_at_the_ends_of_the_range(void **state)
{
	/* x - y would overflow here: the comparator must not subtract. */
	int64_t ids[] = { INT64_MAX, 3, INT64_MIN, -1, 3, 0 };
	int64_t want[] = { INT64_MIN, -1, 0, 3, 3, INT64_MAX }, key = -1, absent = 2;

	(void)state;
	qsort(ids, 6, sizeof *ids, ids_cmp);
	assert_memory_equal(ids, want, sizeof want);
	assert_ptr_equal(bsearch(&key, ids, 6, sizeof *ids, ids_cmp), &ids[1]);
	assert_null(bsearch(&absent, ids, 6, sizeof *ids, ids_cmp));
	assert_int_equal(ids_cmp(&ids[3], &ids[4]), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plus_is_a_space_and_percent_hex_a_byte_in_either_case),
		cmocka_unit_test(a_percent_without_two_hex_digits_is_kept_as_it_is),
		cmocka_unit_test(a_truncated_escape_at_the_end_is_kept),
		cmocka_unit_test(nul_bytes_decode_like_any_other_byte),
		cmocka_unit_test(empty_input_decodes_to_nothing),
		cmocka_unit_test(a_short_buffer_is_never_overrun_and_the_full_length_is_returned),
		cmocka_unit_test(a_full_bucket_allows_its_capacity_then_refuses),
		cmocka_unit_test(tokens_come_back_at_the_rate),
		cmocka_unit_test(a_long_idle_fills_the_bucket_only_to_its_cap),
		cmocka_unit_test(a_lowered_cap_applies_at_once),
		cmocka_unit_test(an_earlier_time_adds_nothing_and_does_not_move_the_clock_back),
		cmocka_unit_test(wait_says_how_long_until_a_whole_token),
		cmocka_unit_test(the_monotonic_clock_never_goes_back),
		cmocka_unit_test(a_deadline_is_later_and_normalised),
		cmocka_unit_test(blank_means_null_empty_or_only_white_space),
		cmocka_unit_test(trim_in_place_cuts_both_ends),
		cmocka_unit_test(trim_dup_reads_only_n_bytes_and_copies),
		cmocka_unit_test(ids_sort_ascending_even_at_the_ends_of_the_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

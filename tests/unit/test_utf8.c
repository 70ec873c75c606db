/*
 * test_utf8.c - util/utf8: UTF-8 validation (overlongs, surrogates, above
 * U+10FFFF, truncated sequences), decoding by charset (UTF-8 with
 * replacement, Windows-1252 and its Latin-1 aliases, ISO-8859-15, an iconv
 * charset, undeclared input), NULs, and escaping the original bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/utf8.h"

#define FFFD "\xEF\xBF\xBD"

/* Decodes the C string in (or n bytes of it) and checks the result. */
static void
expect_decode(const char *in, size_t n, const char *label, const char *want, unsigned want_how)
{
	size_t len = 0;
	unsigned how = 99;
	char *s = utf8_decode(in, n, label, &len, &how);

	assert_non_null(s);
	assert_string_equal(s, want);
	assert_int_equal(len, strlen(want));
	assert_int_equal(how, want_how);
	assert_true(utf8_valid(s, len));
	free(s);
}

static void
valid_utf8_is_told_from_invalid(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("Jos\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 14));
	assert_true(utf8_valid("a\0b", 3));			/* U+0000 is a character */
	assert_true(utf8_valid("\xF4\x8F\xBF\xBF", 4));		/* U+10FFFF */
	assert_false(utf8_valid("Jos\xE9", 4));			/* Latin-1 */
	assert_false(utf8_valid("\xC0\xAF", 2));			/* overlong '/' */
	assert_false(utf8_valid("\xE0\x80\xAF", 3));		/* overlong */
	assert_false(utf8_valid("\xED\xA0\x80", 3));		/* a surrogate */
	assert_false(utf8_valid("\xF4\x90\x80\x80", 4));		/* above U+10FFFF */
	assert_false(utf8_valid("\xE2\x82", 2));			/* cut short */
	assert_false(utf8_valid("\x80", 1));			/* a lone continuation */
	assert_false(utf8_valid("\xFF", 1));
}

static void
declared_utf8_replaces_each_maximal_invalid_subsequence(void **state)
{
	(void)state;
	expect_decode("Jos\xE9", 4, "UTF-8", "Jos" FFFD, UTF8_REPLACED);
	expect_decode("Jos\xC3\xA9", 5, "utf8", "Jos\xC3\xA9", 0);
	/* WHATWG's examples: a truncated 3-byte sequence is one U+FFFD... */
	expect_decode("\xE2\x82" "a", 3, "utf-8", FFFD "a", UTF8_REPLACED);
	/* ...an overlong or surrogate lead ends at the byte that breaks it */
	expect_decode("\xC0\xAF", 2, "utf-8", FFFD FFFD, UTF8_REPLACED);
	expect_decode("\xED\xA0\x80", 3, "utf-8", FFFD FFFD FFFD, UTF8_REPLACED);
	expect_decode("\xF0\x9F\x98", 3, "utf-8", FFFD, UTF8_REPLACED);
}

static void
windows_1252_and_its_latin1_labels_decode_every_byte(void **state)
{
	(void)state;
	expect_decode("Jos\xE9", 4, "windows-1252", "Jos\xC3\xA9", 0);
	expect_decode("Jos\xE9", 4, "ISO-8859-1", "Jos\xC3\xA9", 0);
	expect_decode("Jos\xE9", 4, " \"latin1\" ", "Jos\xC3\xA9", 0);
	/* 0x80..0x9F: the 1252 table, as browsers read "ISO-8859-1" */
	expect_decode("\x80 \x93quoted\x94 \x85", 12, "iso-8859-1",
		      "\xE2\x82\xAC \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\xA6", 0);
	/* the five holes are the C1 controls, not errors */
	expect_decode("\x81\x8D\x8F\x90\x9D", 5, "cp1252", "\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D",
		      0);
	expect_decode("\xFF\xA0", 2, "us-ascii", "\xC3\xBF\xC2\xA0", 0);
}

static void
iso_8859_15_differs_from_latin1_in_eight_places(void **state)
{
	(void)state;
	expect_decode("\xA4\xBD\xE9", 3, "ISO-8859-15", "\xE2\x82\xAC\xC5\x93\xC3\xA9", 0);
	expect_decode("\xA4", 1, "iso-8859-1", "\xC2\xA4", 0);
}

static void
other_charsets_go_through_iconv_and_keep_going_after_a_bad_byte(void **state)
{
	(void)state;
	/* KOI8-R "Привет" */
	expect_decode("\xF0\xD2\xC9\xD7\xC5\xD4", 6, "koi8-r",
		      "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", 0);
	/* Shift_JIS "日本" then a lead byte cut off at the end */
	expect_decode("\x93\xFA\x96\x7B\x93", 5, "Shift_JIS", "\xE6\x97\xA5\xE6\x9C\xAC" FFFD,
		      UTF8_REPLACED);
	/* ISO-2022-JP is stateful: the escape sequences leave nothing behind */
	expect_decode("\x1B$B$\"\x1B(Ba", 9, "iso-2022-jp", "\xE3\x81\x82" "a", 0);
}

static void
undeclared_text_is_utf8_when_valid_else_windows_1252(void **state)
{
	(void)state;
	expect_decode("Jos\xC3\xA9", 5, NULL, "Jos\xC3\xA9", 0);
	expect_decode("Jos\xE9", 4, NULL, "Jos\xC3\xA9", UTF8_GUESSED);
	expect_decode("Jos\xE9", 4, "", "Jos\xC3\xA9", UTF8_GUESSED);
	/* a label nobody decodes counts as undeclared; it never reaches iconv */
	expect_decode("Jos\xE9", 4, "x-made-up", "Jos\xC3\xA9", UTF8_GUESSED);
	expect_decode("Jos\xE9", 4, "UTF-7", "Jos\xC3\xA9", UTF8_GUESSED);
	assert_false(utf8_charset_known("UTF-7"));
	assert_true(utf8_charset_known("Windows-1252"));
	assert_true(utf8_charset_known("gb2312"));
	assert_false(utf8_charset_known(NULL));
}

static void
a_nul_byte_becomes_a_replacement_character_and_the_rest_is_kept(void **state)
{
	(void)state;
	expect_decode("a\0b", 3, "utf-8", "a" FFFD "b", UTF8_NUL);
	expect_decode("a\0b\xE9", 4, NULL, "a" FFFD "b\xC3\xA9", UTF8_NUL | UTF8_GUESSED);
	expect_decode("a\0b", 3, "windows-1252", "a" FFFD "b", UTF8_NUL);
	expect_decode("", 0, "utf-8", "", 0);
}

static void
sanitize_is_decoding_declared_utf8(void **state)
{
	size_t n;
	unsigned how;
	char *s = utf8_sanitize("{\"name\":\"Jos\xE9\"}", 15, &n, &how);

	(void)state;
	assert_string_equal(s, "{\"name\":\"Jos" FFFD "\"}");
	assert_int_equal(how, UTF8_REPLACED);
	free(s);
}

static void
escape_shows_the_original_bytes_around_the_first_bad_one(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(utf8_escape("Jos\xE9", 4, out, sizeof out), "Jos\\xE9");
	assert_string_equal(utf8_escape("a\0b\\c\r\n", 7, out, sizeof out), "a\\x00b\\\\c\\x0D\\x0A");
	assert_string_equal(utf8_escape("Zo\xC3\xAB", 4, out, sizeof out), "Zo\xC3\xAB");
	/* far into a long value: a little context before it, "..." in front */
	assert_string_equal(utf8_escape("0123456789012345678901234567890123456789\xFF", 41, out,
					sizeof out), "...678901234567890123456789\\xFF");
	/* a small buffer ends with "..." */
	assert_string_equal(utf8_escape("\xFF\xFF\xFF\xFF\xFF", 5, out, 16), "\\xFF\\xFF\\xFF...");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_utf8_is_told_from_invalid),
		cmocka_unit_test(declared_utf8_replaces_each_maximal_invalid_subsequence),
		cmocka_unit_test(windows_1252_and_its_latin1_labels_decode_every_byte),
		cmocka_unit_test(iso_8859_15_differs_from_latin1_in_eight_places),
		cmocka_unit_test(other_charsets_go_through_iconv_and_keep_going_after_a_bad_byte),
		cmocka_unit_test(undeclared_text_is_utf8_when_valid_else_windows_1252),
		cmocka_unit_test(a_nul_byte_becomes_a_replacement_character_and_the_rest_is_kept),
		cmocka_unit_test(sanitize_is_decoding_declared_utf8),
		cmocka_unit_test(escape_shows_the_original_bytes_around_the_first_bad_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_contact.c - phone (E.164) and email normalisation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/contact.h"

#define assert_phone(in, country, want)                                          \
	do {                                                                     \
		char out_[32];                                                   \
		assert_int_equal(contact_phone_normalize(in, country, out_,      \
							 sizeof(out_)), 0);      \
		assert_string_equal(out_, want);                                 \
	} while (0)

#define assert_phone_bad(in, country)                                            \
	do {                                                                     \
		char out_[32] = "untouched";                                     \
		assert_int_equal(contact_phone_normalize(in, country, out_,      \
							 sizeof(out_)), -1);     \
		assert_string_equal(out_, "untouched");                          \
	} while (0)

#define assert_email(in, want)                                                   \
	do {                                                                     \
		char out_[300];                                                  \
		assert_int_equal(contact_email_normalize(in, out_, sizeof(out_)), 0); \
		assert_string_equal(out_, want);                                 \
	} while (0)

#define assert_email_bad(in)                                                     \
	do {                                                                     \
		char out_[300] = "untouched";                                    \
		assert_int_equal(contact_email_normalize(in, out_, sizeof(out_)), -1); \
		assert_string_equal(out_, "untouched");                          \
	} while (0)

static void
phone_us_punctuation_is_stripped(void **state)
{
	(void)state;
	assert_phone("(312) 555-0101", "US", "+13125550101");
	assert_phone("312.555.0101", "US", "+13125550101");
	assert_phone("312 555 0101", "US", "+13125550101");
	assert_phone("3125550101", "US", "+13125550101");
	assert_phone("  312/555-0101  ", "US", "+13125550101");
}

static void
phone_us_leading_one_is_accepted(void **state)
{
	(void)state;
	assert_phone("1-312-555-0101", "US", "+13125550101");
	assert_phone("1 (312) 555-0101", "US", "+13125550101");
	assert_phone("+1 312 555 0101", "US", "+13125550101");
}

static void
phone_default_country_is_case_insensitive(void **state)
{
	(void)state;
	assert_phone("(312) 555-0101", "us", "+13125550101");
	assert_phone("020 7946 0958", "gb", "+442079460958");
}

static void
phone_canada_is_nanp(void **state)
{
	(void)state;
	assert_phone("(416) 555-0199", "CA", "+14165550199");
	assert_phone("011 44 20 7946 0958", "CA", "+442079460958");
}

static void
phone_nanp_area_code_and_exchange_cannot_start_with_0_or_1(void **state)
{
	(void)state;
	assert_phone_bad("(012) 555-0101", "US");
	assert_phone_bad("(112) 555-0101", "US");
	assert_phone_bad("(312) 055-0101", "US");
	assert_phone_bad("(312) 155-0101", "US");
	assert_phone_bad("+1 212 155 0101", "GB");
}

static void
phone_us_seven_digits_is_invalid(void **state)
{
	(void)state;
	assert_phone_bad("555-0101", "US");
	assert_phone_bad("312-555-01011", "US");
	assert_phone_bad("2-312-555-0101", "US");
}

static void
phone_tel_uri_prefix_is_stripped(void **state)
{
	(void)state;
	assert_phone("tel:+1-312-555-0101", "US", "+13125550101");
	assert_phone("TEL: 312 555 0101", "US", "+13125550101");
	assert_phone("tel:+1-312-555-0101;ext=22", "US", "+13125550101");
}

static void
phone_extensions_are_dropped(void **state)
{
	(void)state;
	assert_phone("312-555-0101 x123", "US", "+13125550101");
	assert_phone("312-555-0101x123", "US", "+13125550101");
	assert_phone("312-555-0101 ext. 12", "US", "+13125550101");
	assert_phone("312-555-0101 EXT 12", "US", "+13125550101");
	assert_phone("312-555-0101 extension 7", "US", "+13125550101");
	assert_phone("312-555-0101 #4", "US", "+13125550101");
	assert_phone("+44 20 7946 0958 ext: 201", "US", "+442079460958");
}

static void
phone_extension_must_be_digits(void **state)
{
	(void)state;
	assert_phone_bad("312-555-0101 x12a", "US");
	assert_phone_bad("312-555-0101 ext bob", "US");
	assert_phone_bad("x123", "US");
}

static void
phone_letters_are_invalid(void **state)
{
	(void)state;
	assert_phone_bad("abc", "US");
	assert_phone_bad("1-800-FLOWERS", "US");
	assert_phone_bad("312-555-O101", "US");	/* letter O, not zero */
	assert_phone_bad("call me", "US");
}

static void
phone_empty_and_junk_are_invalid(void **state)
{
	(void)state;
	assert_phone_bad("", "US");
	assert_phone_bad("   ", "US");
	assert_phone_bad("+", "US");
	assert_phone_bad("()-.", "US");
	assert_phone_bad("++1 312 555 0101", "US");
	assert_phone_bad("312+555+0101", "US");
	assert_phone_bad("312_555_0101", "US");
}

static void
phone_gb_international_and_national(void **state)
{
	(void)state;
	assert_phone("+44 20 7946 0958", "US", "+442079460958");
	assert_phone("020 7946 0958", "GB", "+442079460958");
	assert_phone("07700 900123", "GB", "+447700900123");
	assert_phone("(+44) 20 7946 0958", "US", "+442079460958");
}

static void
phone_trunk_zero_after_country_code_is_dropped(void **state)
{
	(void)state;
	assert_phone("+44 (0)20 7946 0958", "US", "+442079460958");
	assert_phone("+49 (0)30 1234567", "US", "+49301234567");
}

static void
phone_double_zero_prefix_is_international_for_any_default(void **state)
{
	(void)state;
	assert_phone("0049 30 1234567", "US", "+49301234567");
	assert_phone("00 44 20 7946 0958", "DE", "+442079460958");
	assert_phone("0049 30 1234567", NULL, "+49301234567");
}

static void
phone_011_is_international_only_in_nanp(void **state)
{
	(void)state;
	assert_phone("011 49 30 1234567", "US", "+49301234567");
	/* In Germany 011 is a national number with trunk 0 (here too short). */
	assert_phone_bad("011 49", "DE");
}

static void
phone_national_numbers_of_each_country(void **state)
{
	(void)state;
	assert_phone("030 1234567", "DE", "+49301234567");
	assert_phone("01 23 45 67 89", "FR", "+33123456789");
	assert_phone("06 12 34 56 78", "FR", "+33612345678");
	assert_phone("912 345 678", "ES", "+34912345678");
	assert_phone("020 123 4567", "NL", "+31201234567");
	assert_phone("01 234 5678", "IE", "+35312345678");
	assert_phone("087 123 4567", "IE", "+353871234567");
	assert_phone("02 9876 5432", "AU", "+61298765432");
	assert_phone("0412 345 678", "AU", "+61412345678");
	assert_phone("09 123 4567", "NZ", "+6491234567");
	assert_phone("021 123 4567", "NZ", "+64211234567");
	assert_phone("55 1234 5678", "MX", "+525512345678");
	assert_phone("098765 43210", "IN", "+919876543210");
}

static void
phone_italy_keeps_its_leading_zero(void **state)
{
	(void)state;
	assert_phone("06 1234 5678", "IT", "+390612345678");
	assert_phone("+39 06 1234 5678", "US", "+390612345678");
	assert_phone("333 123 4567", "IT", "+393331234567");
}

static void
phone_australia_0011_is_international(void **state)
{
	(void)state;
	assert_phone("0011 1 312 555 0101", "AU", "+13125550101");
}

static void
phone_mexico_retired_mobile_one_is_dropped(void **state)
{
	(void)state;
	assert_phone("+52 1 55 1234 5678", "US", "+525512345678");
}

static void
phone_national_length_is_checked(void **state)
{
	(void)state;
	assert_phone_bad("06 12 34 56", "FR");	/* 7-digit NSN */
	assert_phone_bad("912 345 67", "ES");
	assert_phone_bad("+33 6 12 34 56 78 9", "US");
	assert_phone_bad("+61 2 9876 543", "US");
}

static void
phone_country_code_without_plus_is_accepted_when_unambiguous(void **state)
{
	(void)state;
	assert_phone("44 7700 900123", "GB", "+447700900123");
	assert_phone("33 6 12 34 56 78", "FR", "+33612345678");
}

static void
phone_unknown_country_code_checks_e164_length(void **state)
{
	(void)state;
	assert_phone("+81 3 1234 5678", "US", "+81312345678");	/* Japan: not in the table */
	assert_phone("+420 601 234 567", "US", "+420601234567");
	assert_phone_bad("+81 123", "US");		/* 5 digits < 8 */
	assert_phone_bad("+81 1234 5678 9012 34", "US");	/* 16 digits > 15 */
	assert_phone_bad("+0 312 555 0101", "US");	/* no calling code starts with 0 */
}

static void
phone_national_number_needs_a_known_default_country(void **state)
{
	(void)state;
	assert_phone_bad("(312) 555-0101", NULL);
	assert_phone_bad("(312) 555-0101", "");
	assert_phone_bad("(312) 555-0101", "ZZ");
	assert_phone_bad("(312) 555-0101", "USA");
	assert_phone("+1 312 555 0101", "ZZ", "+13125550101");
}

static void
phone_pasted_unicode_spaces_and_dashes_are_separators(void **state)
{
	(void)state;
	assert_phone("312\xc2\xa0" "555\xe2\x80\x93" "0101", "US", "+13125550101");
	assert_phone_bad("312\xc3\xa9" "5550101", "US");	/* e-acute */
}

static void
phone_too_many_digits_is_invalid(void **state)
{
	(void)state;
	assert_phone_bad("1234567890123456789012345", "US");
	assert_phone_bad("+1 312 555 0101 1", "US");
}

static void
phone_small_output_buffer_fails_untouched(void **state)
{
	char out[12] = "untouched";

	(void)state;
	assert_int_equal(contact_phone_normalize("(312) 555-0101", "US", out, sizeof(out)), -1);
	assert_string_equal(out, "untouched");
	{
		char exact[13];

		assert_int_equal(contact_phone_normalize("(312) 555-0101", "US", exact,
							 sizeof(exact)), 0);
		assert_string_equal(exact, "+13125550101");
	}
}

static void
phone_null_arguments_are_invalid(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(contact_phone_normalize(NULL, "US", out, sizeof(out)), -1);
	assert_int_equal(contact_phone_normalize("3125550101", "US", NULL, 0), -1);
}

static void
email_is_trimmed_and_lower_cased(void **state)
{
	(void)state;
	assert_email("  Marcus@Example.COM ", "marcus@example.com");
	assert_email("\tmj@x.io\r\n", "mj@x.io");
}

static void
email_display_name_form_is_unwrapped(void **state)
{
	(void)state;
	assert_email("Marcus Johnson <mj@x.io>", "mj@x.io");
	assert_email("\"Johnson, Marcus\" < MJ@X.IO >", "mj@x.io");
	assert_email("<mj@x.io>", "mj@x.io");
	assert_email("mailto:MJ@x.io", "mj@x.io");
}

static void
email_common_local_parts_are_accepted(void **state)
{
	(void)state;
	assert_email("first.last+leads@sub.example.co.uk", "first.last+leads@sub.example.co.uk");
	assert_email("o'brien@example.ie", "o'brien@example.ie");
	assert_email("a_b-c@my-domain.com", "a_b-c@my-domain.com");
	assert_email("x@xn--80ak6aa92e.xn--p1ai", "x@xn--80ak6aa92e.xn--p1ai");
}

static void
email_needs_exactly_one_at(void **state)
{
	(void)state;
	assert_email_bad("marcus.example.com");
	assert_email_bad("a@b@example.com");
	assert_email_bad("@example.com");
	assert_email_bad("marcus@");
}

static void
email_domain_needs_a_dot_and_a_real_tld(void **state)
{
	(void)state;
	assert_email_bad("marcus@localhost");
	assert_email_bad("marcus@example.c");
	assert_email_bad("marcus@example.c0m");
	assert_email_bad("marcus@example.123");
	assert_email_bad("marcus@example.com.");
	assert_email_bad("marcus@.example.com");
	assert_email_bad("marcus@example..com");
}

static void
email_domain_labels_are_checked(void **state)
{
	(void)state;
	assert_email_bad("marcus@-example.com");
	assert_email_bad("marcus@example-.com");
	assert_email_bad("marcus@exa_mple.com");
	assert_email_bad("marcus@[192.168.0.1]");
	assert_email("marcus@123.example.com", "marcus@123.example.com");
}

static void
email_spaces_and_specials_are_invalid(void **state)
{
	(void)state;
	assert_email_bad("mar cus@example.com");
	assert_email_bad("marcus@exam ple.com");
	assert_email_bad("mar(cus)@example.com");
	assert_email_bad("\"marcus\"@example.com");
	assert_email_bad("m\xc3\xa9@example.com");
	assert_email_bad("Marcus <mj@x.io");
	assert_email_bad("Marcus mj@x.io>");
}

static void
email_local_part_dots_are_checked(void **state)
{
	(void)state;
	assert_email_bad(".marcus@example.com");
	assert_email_bad("marcus.@example.com");
	assert_email_bad("mar..cus@example.com");
}

static void
email_length_limits(void **state)
{
	char buf[400];

	(void)state;
	/* local part: 64 ok, 65 not */
	memset(buf, 'a', 64);
	strcpy(buf + 64, "@example.com");
	assert_int_equal(contact_email_normalize(buf, buf + 200, 200), 0);
	memset(buf, 'a', 65);
	strcpy(buf + 65, "@example.com");
	assert_email_bad(buf);
	/* label: 63 ok, 64 not */
	strcpy(buf, "a@");
	memset(buf + 2, 'b', 64);
	strcpy(buf + 66, ".com");
	assert_email_bad(buf);
	/* total over 254 */
	strcpy(buf, "a@");
	for (int i = 0; i < 5; i++)
		memcpy(buf + 2 + i * 50, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.", 50);
	strcpy(buf + 252, "com");	/* 255 chars */
	assert_email_bad(buf);
	buf[254] = '\0';	/* "...co": 254 chars */
	assert_email(buf, buf);
}

static void
email_empty_and_small_buffer_fail_untouched(void **state)
{
	char out[8] = "untouch";

	(void)state;
	assert_email_bad("");
	assert_email_bad("   ");
	assert_email_bad("<>");
	assert_int_equal(contact_email_normalize("mj@x.io", out, 7), -1);
	assert_string_equal(out, "untouch");
	assert_int_equal(contact_email_normalize("mj@x.io", out, 8), 0);
	assert_string_equal(out, "mj@x.io");
	assert_int_equal(contact_email_normalize(NULL, out, sizeof(out)), -1);
}

/* Which country a number is in: automated texts go only to
 * business.sms_countries. The +1 countries by area code. */
static void
phone_region_by_calling_code_and_area_code(void **state)
{
	static const char *const us_ca[] = { "US", "CA" }, *const gb[] = { "GB" },
		*const je[] = { "JE" }, *const ru[] = { "RU" };

	(void)state;
	assert_string_equal(contact_phone_region("+13125550101"), "US");
	assert_string_equal(contact_phone_region("+18005550101"), "US");	/* toll-free */
	assert_string_equal(contact_phone_region("+14165550101"), "CA");
	assert_string_equal(contact_phone_region("+16045550101"), "CA");
	assert_string_equal(contact_phone_region("+18765550101"), "JM");
	assert_string_equal(contact_phone_region("+17875550101"), "PR");
	assert_string_equal(contact_phone_region("+18095550101"), "DO");
	assert_null(contact_phone_region("+19005550101"));		/* premium */
	assert_string_equal(contact_phone_region("+447911123456"), "GB");
	assert_string_equal(contact_phone_region("+4915112345678"), "DE");
	assert_string_equal(contact_phone_region("+35312345678"), "IE");
	assert_string_equal(contact_phone_region("+79161234567"), "RU");
	assert_string_equal(contact_phone_region("+77011234567"), "KZ");
	assert_string_equal(contact_phone_region("+525512345678"), "MX");
	assert_string_equal(contact_phone_region("+8613800138000"), "CN");
	assert_null(contact_phone_region("+8081234567"));		/* unassigned 80x */
	assert_null(contact_phone_region("3125550101"));		/* not E.164 */
	assert_null(contact_phone_region("+1312555010x"));
	assert_null(contact_phone_region(NULL));
	assert_true(contact_country_known("US"));
	assert_true(contact_country_known("JE"));
	assert_false(contact_country_known("ZZ"));
	assert_false(contact_country_known("us"));
	assert_true(contact_phone_in("+14165550101", us_ca, 2));
	assert_false(contact_phone_in("+18765550101", us_ca, 2));
	assert_false(contact_phone_in("+447911123456", us_ca, 2));
	assert_true(contact_phone_in("+441534123456", gb, 1));		/* Jersey shares +44 */
	assert_true(contact_phone_in("+447911123456", je, 1));
	assert_false(contact_phone_in("+77011234567", ru, 1));		/* +7 is told apart */
	assert_false(contact_phone_in("+13125550101", us_ca, 0));
	assert_false(contact_phone_in("+19005550101", us_ca, 2));
}

/* A zone only where the number says for certain: an area code wholly in
 * one zone, a +1 country of its own, a country with one zone. */
static void
phone_zone_only_where_the_number_is_certain(void **state)
{
	(void)state;
	assert_string_equal(contact_phone_zone("+12125550100"), "America/New_York");
	assert_string_equal(contact_phone_zone("+13035550100"), "America/Denver");
	assert_string_equal(contact_phone_zone("+13125550100"), "America/Chicago");
	assert_string_equal(contact_phone_zone("+14155550100"), "America/Los_Angeles");
	assert_string_equal(contact_phone_zone("+14165550100"), "America/Toronto");
	assert_string_equal(contact_phone_zone("+18085550100"), "Pacific/Honolulu");
	assert_string_equal(contact_phone_zone("+18765550100"), "America/Jamaica");
	assert_string_equal(contact_phone_zone("+442071234567"), "Europe/London");
	assert_string_equal(contact_phone_zone("+33612345678"), "Europe/Paris");
	assert_null(contact_phone_zone("+18505550100"));	/* Florida's panhandle: two zones */
	assert_null(contact_phone_zone("+15415550100"));	/* Oregon's 541: two zones */
	assert_null(contact_phone_zone("+525512345678"));	/* Mexico: several */
	assert_null(contact_phone_zone("+61212345678"));	/* Australia: several */
	assert_null(contact_phone_zone("3125550100"));		/* not E.164 */
	assert_null(contact_phone_zone(NULL));
	/* the zones leads may be in: the ones above among them, then the end */
	assert_string_equal(contact_zone_name(0), "America/New_York");
	assert_null(contact_zone_name(contact_zone_count()));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phone_us_punctuation_is_stripped),
		cmocka_unit_test(phone_us_leading_one_is_accepted),
		cmocka_unit_test(phone_default_country_is_case_insensitive),
		cmocka_unit_test(phone_canada_is_nanp),
		cmocka_unit_test(phone_nanp_area_code_and_exchange_cannot_start_with_0_or_1),
		cmocka_unit_test(phone_us_seven_digits_is_invalid),
		cmocka_unit_test(phone_tel_uri_prefix_is_stripped),
		cmocka_unit_test(phone_extensions_are_dropped),
		cmocka_unit_test(phone_extension_must_be_digits),
		cmocka_unit_test(phone_letters_are_invalid),
		cmocka_unit_test(phone_empty_and_junk_are_invalid),
		cmocka_unit_test(phone_gb_international_and_national),
		cmocka_unit_test(phone_trunk_zero_after_country_code_is_dropped),
		cmocka_unit_test(phone_double_zero_prefix_is_international_for_any_default),
		cmocka_unit_test(phone_011_is_international_only_in_nanp),
		cmocka_unit_test(phone_national_numbers_of_each_country),
		cmocka_unit_test(phone_italy_keeps_its_leading_zero),
		cmocka_unit_test(phone_australia_0011_is_international),
		cmocka_unit_test(phone_mexico_retired_mobile_one_is_dropped),
		cmocka_unit_test(phone_national_length_is_checked),
		cmocka_unit_test(phone_country_code_without_plus_is_accepted_when_unambiguous),
		cmocka_unit_test(phone_unknown_country_code_checks_e164_length),
		cmocka_unit_test(phone_national_number_needs_a_known_default_country),
		cmocka_unit_test(phone_pasted_unicode_spaces_and_dashes_are_separators),
		cmocka_unit_test(phone_too_many_digits_is_invalid),
		cmocka_unit_test(phone_small_output_buffer_fails_untouched),
		cmocka_unit_test(phone_null_arguments_are_invalid),
		cmocka_unit_test(email_is_trimmed_and_lower_cased),
		cmocka_unit_test(email_display_name_form_is_unwrapped),
		cmocka_unit_test(email_common_local_parts_are_accepted),
		cmocka_unit_test(email_needs_exactly_one_at),
		cmocka_unit_test(email_domain_needs_a_dot_and_a_real_tld),
		cmocka_unit_test(email_domain_labels_are_checked),
		cmocka_unit_test(email_spaces_and_specials_are_invalid),
		cmocka_unit_test(email_local_part_dots_are_checked),
		cmocka_unit_test(email_length_limits),
		cmocka_unit_test(email_empty_and_small_buffer_fail_untouched),
		cmocka_unit_test(phone_region_by_calling_code_and_area_code),
		cmocka_unit_test(phone_zone_only_where_the_number_is_certain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

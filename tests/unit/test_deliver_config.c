/*
 * test_deliver_config.c - the providers section of the business's file:
 * read as documented, defaults without it, each mistake at FILE:LINE:COL
 * (a provider missing what it needs where it was chosen), secrets only as
 * references and never in a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "diags_text.h"

#include "deliver/deliver_internal.h"

static char dir[64], path[96];

static const char *
write_file(const char *text)
{
	FILE *f;

	snprintf(path, sizeof path, "%s/business.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static deliver_config *
load(const char *business, rules_diags *d)
{
	char err[256];

	return deliver_config_load(&(deliver_options){ .data_dir = dir,
		.public_url = "https://leads.example.com/", .business_file = business }, d, err,
		sizeof err);
}

static void
without_a_section_both_channels_log(void **state)
{
	rules_diags d;
	deliver_config *c = load(NULL, &d);

	(void)state;
	assert_non_null(c);
	assert_string_equal(c->sms->name, "log");
	assert_string_equal(c->email->name, "log");
	assert_int_equal(c->concurrency, 8);
	assert_int_equal(c->max_attempts, 8);
	assert_int_equal(c->backoff_base, 30);
	assert_int_equal(c->backoff_cap, 3600);
	assert_string_equal(c->public_url, "https://leads.example.com");
	deliver_config_free(c);
	rules_diags_free(&d);
	c = load(write_file("business: { name: X }\n"), &d);
	assert_non_null(c);
	assert_string_equal(c->sms->name, "log");
	deliver_config_free(c);
	rules_diags_free(&d);
}

static void
the_section_is_read(void **state)
{
	rules_diags d;
	deliver_config *c;
	char secret[128];
	FILE *f;

	(void)state;
	snprintf(secret, sizeof secret, "%s/smtp.pass", dir);
	f = fopen(secret, "w");
	assert_non_null(f);
	fputs("smtp-pass\n", f);
	fclose(f);
	setenv("LK_TEST_TW_TOKEN", "tw-token", 1);
	setenv("LK_TEST_WH", "wh-secret", 1);
	{
		char text[1024];

		snprintf(text, sizeof text,
			 "providers:\n"
			 "  twilio: { account_sid: AC0123, auth_token: env:LK_TEST_TW_TOKEN,\n"
			 "            from: \"+13125550100\", base_url: \"http://127.0.0.1:9/\" }\n"
			 "  smtp:\n"
			 "    url: smtp://127.0.0.1:2525/x\n"
			 "    user: acme\n"
			 "    password: file:%s\n"
			 "    from: \"Acme <leads@acme.example>\"\n"
			 "  webhooks: { urls: [\"https://a.example/h\", \"http://b.example/h\"],\n"
			 "              secret: env:LK_TEST_WH }\n"
			 "  delivery: { concurrency: 2, max_attempts: 3, sms_rate: 0, email_rate: 2.5,\n"
			 "              backoff: 1s, backoff_cap: 1m, timeout: 5s }\n", secret);
		c = load(write_file(text), &d);
	}
	if (c == NULL)
		fail_msg("%s", diags_text(&d));
	rules_diags_free(&d);
	assert_string_equal(c->sms->name, "twilio");
	assert_string_equal(c->email->name, "smtp");
	assert_string_equal(c->tw_sid, "AC0123");
	assert_string_equal(c->tw_token, "tw-token");
	assert_string_equal(c->tw_base, "http://127.0.0.1:9");
	assert_string_equal(c->smtp_password, "smtp-pass");
	assert_string_equal(c->smtp_from_addr, "leads@acme.example");
	assert_int_equal(c->smtp_tls, SMTP_TLS_REQUIRE);	/* a user: TLS required */
	assert_int_equal(c->nwebhooks, 2);
	assert_string_equal(c->webhook_secret, "wh-secret");
	assert_int_equal(c->concurrency, 2);
	assert_int_equal(c->max_attempts, 3);
	assert_true(c->sms_rate == 0);
	assert_true(c->email_rate == 2.5);
	assert_int_equal(c->backoff_base, 1);
	assert_int_equal(c->backoff_cap, 60);
	assert_int_equal(c->timeout, 5);
	deliver_config_free(c);
	unlink(secret);
}

static void
mistakes_are_placed_and_secrets_never_shown(void **state)
{
	rules_diags d;

	(void)state;
	/* twilio chosen, but no sending number: said where it was chosen */
	assert_null(load(write_file("providers:\n  sms: twilio\n  twilio: { account_sid: AC1,"
				    " auth_token: env:LK_TEST_TW_TOKEN }\n"), &d));
	assert_non_null(strstr(diags_text(&d), "2:8: SMS provider twilio: set twilio: from"));
	rules_diags_free(&d);
	assert_null(load(write_file("providers:\n  email: carrier_pigeon\n  smtp:\n"
				    "    tls: maybe\n    password: hunter2-in-clear\n"
				    "  webhooks: { urls: [ftp://x] }\n  delivery: { concurrency: 0 }\n"),
			 &d));
	assert_non_null(strstr(diags_text(&d), "2:10: \"email\" must be log or smtp"));
	assert_non_null(strstr(diags_text(&d), "4:10: \"tls\" must be one of: off, try, require"));
	assert_non_null(strstr(diags_text(&d), "5:15: \"password\" is a secret"));
	assert_non_null(strstr(diags_text(&d), "6:22: \"urls\": \"ftp://x\" is not an http(s) URL"));
	assert_non_null(strstr(diags_text(&d), "webhooks has urls: set its secret too"));
	assert_non_null(strstr(diags_text(&d), "7:28: \"concurrency\" must be a whole number"));
	assert_null(strstr(diags_text(&d), "hunter2-in-clear"));
	rules_diags_free(&d);
	assert_null(load(write_file("providers:\n  fax: { number: 1 }\n"), &d));
	assert_non_null(strstr(diags_text(&d), "2:3: unknown key \"fax\" in providers"));
	rules_diags_free(&d);
	/* rules check: a reference's form only, nothing read */
	unsetenv("LK_NOT_SET_ANYWHERE");
	write_file("providers:\n  twilio: { account_sid: AC1, auth_token: env:LK_NOT_SET_ANYWHERE,"
		   " from: \"+13125550100\" }\n");
	assert_int_equal(deliver_config_check(path, &d), 0);
	rules_diags_free(&d);
	assert_null(load(path, &d));
	assert_non_null(strstr(diags_text(&d), "\"auth_token\": environment variable LK_NOT_SET_ANYWHERE "
				   "is not set"));
	rules_diags_free(&d);
	write_file("providers:\n  twilio: { auth_token: \"env:bad name\" }\n");
	assert_int_equal(deliver_config_check(path, &d), -1);
	rules_diags_free(&d);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/lk-deliver-config-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char key[128];

	(void)state;
	snprintf(key, sizeof key, "%s/link.key", dir);
	unlink(key);
	unlink(path);
	return rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(without_a_section_both_channels_log),
		cmocka_unit_test(the_section_is_read),
		cmocka_unit_test(mistakes_are_placed_and_secrets_never_shown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

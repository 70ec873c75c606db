/*
 * test_http_settings.c - the server configuration file: the example in
 * docs/sources.md parses as documented, env: values and LEADKEEP_* variables
 * work, and mistakes name FILE:LINE and the key without echoing values.
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

#include "http/http_settings.h"

static char path[64];

static void
write_conf(const char *text)
{
	FILE *f;

	snprintf(path, sizeof path, "/tmp/lk-settings-%d.conf", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The ```ini block of docs/sources.md. */
static char *
docs_example(void)
{
	const char *root = getenv("LK_ROOT");
	char file[512], line[1024];
	size_t cap = 16384, n = 0;
	char *out = calloc(1, cap);
	bool in = false;
	FILE *f;

	snprintf(file, sizeof file, "%s/docs/sources.md", root ? root : ".");
	f = fopen(file, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "```ini", 6) == 0) {
			in = true;
			continue;
		}
		if (in && strncmp(line, "```", 3) == 0)
			break;
		if (in && n + strlen(line) + 1 < cap) {
			strcpy(out + n, line);
			n += strlen(line);
		}
	}
	fclose(f);
	assert_true(n > 100);
	return out;
}

static void
documented_example_parses(void **state)
{
	char err[256] = "", *text = docs_example();
	const settings_source *form, *hook;
	settings *st;

	(void)state;
	setenv("TWILIO_AUTH_TOKEN", "tw-secret", 1);
	setenv("MAILGUN_SIGNING_KEY", "mg-secret", 1);
	setenv("META_APP_SECRET", "meta-secret", 1);
	setenv("ZAPIER_HOOK_SECRET", "zap-secret", 1);
	unsetenv("LEADKEEP_TWILIO_AUTH_TOKEN");
	write_conf(text);
	free(text);
	st = settings_load(path, err, sizeof err);
	if (st == NULL)
		fail_msg("%s", err);
	assert_string_equal(st->listen, "127.0.0.1:8080");
	assert_int_equal(st->max_body, 1024 * 1024);
	assert_int_equal(st->email_max_body, 25 * 1024 * 1024);
	assert_int_equal(st->api_rate_count, 600);
	assert_string_equal(st->public_url, "https://leads.example.com");
	assert_true(settings_trusted(st, 0x7f000001));
	assert_true(settings_trusted(st, 0x0a010203));
	assert_false(settings_trusted(st, 0xc0a80001));
	assert_string_equal(st->twilio_auth_token, "tw-secret");
	assert_string_equal(st->twilio_forward_to, "+13125550100");
	assert_int_equal(st->twilio_dial_timeout, 20);
	assert_int_equal(st->twilio_missed_seconds, 10);
	assert_string_equal(st->mailgun_signing_key, "mg-secret");
	assert_int_equal(st->mailgun_max_age, 900);
	assert_false(st->google_store_tests);
	form = settings_source_find(st, "form", "contact");
	assert_non_null(form);
	assert_string_equal(form->thank_you, "https://www.example.com/thanks");
	assert_string_equal(form->honeypot, "website");
	assert_int_equal(form->rate_count, 10);
	assert_int_equal(form->rate_period, 60);
	assert_int_equal(form->nmap, 3);
	assert_string_equal(form->map[0].from, "your-name");
	assert_string_equal(form->owner, "alice");
	hook = settings_source_find(st, "hook", "zapier");
	assert_non_null(hook);
	assert_string_equal(hook->secret, "zap-secret");
	assert_string_equal(hook->map[0].from, "customer.full_name");
	assert_null(settings_source_find(st, "form", "zapier"));
	settings_free(st);
	unlink(path);
}

static void
environment_wins_over_the_file(void **state)
{
	char err[256];
	settings *st;

	(void)state;
	write_conf("[twilio]\nauth_token = from-file\n[meta]\nverify_token = \"has # hash\"\n");
	setenv("LEADKEEP_TWILIO_AUTH_TOKEN", "from-env", 1);
	st = settings_load(path, err, sizeof err);
	assert_non_null(st);
	assert_string_equal(st->twilio_auth_token, "from-env");
	assert_string_equal(st->meta_verify_token, "has # hash");
	settings_free(st);
	unsetenv("LEADKEEP_TWILIO_AUTH_TOKEN");
	unlink(path);
}

static void
mistakes_name_the_line_not_the_value(void **state)
{
	char err[256];

	(void)state;
	write_conf("[mailgun]\nsigning_key = s3cret\nmax_agee = 5m\n");
	assert_null(settings_load(path, err, sizeof err));
	assert_non_null(strstr(err, ":3:"));
	assert_non_null(strstr(err, "max_agee"));
	write_conf("[twilio]\nauth_token = env:LK_NOT_SET_ANYWHERE\n");
	assert_null(settings_load(path, err, sizeof err));
	assert_non_null(strstr(err, "LK_NOT_SET_ANYWHERE"));
	write_conf("[form bad key!]\n");
	assert_null(settings_load(path, err, sizeof err));
	assert_non_null(strstr(err, ":1:"));
	write_conf("[form a]\nmap.x = shoe_size\n");
	assert_null(settings_load(path, err, sizeof err));
	assert_null(strstr(err, "shoe_size"));	/* values are never echoed */
	write_conf("[form a]\n[form a]\n");
	assert_null(settings_load(path, err, sizeof err));
	assert_non_null(strstr(err, "twice"));
	assert_null(settings_load("/nonexistent/leadkeep.conf", err, sizeof err));
	unlink(path);
}

static void
connection_and_body_limits_are_read(void **state)
{
	char err[256];
	settings *st;

	(void)state;
	write_conf("connection_limit = 500\nper_ip_connection_limit = 0\nconnection_timeout = 1m\n"
		   "header_timeout = 5s\nbody_timeout = 2m\nbody_memory = 64M\nbody_spill = 128K\n"
		   "public_rate_limit = 5/min\npublic_rate_limit_all = off\n"
		   "[mailgun]\nsigning_key = s\nkey = url-key\n");
	st = settings_load(path, err, sizeof err);
	if (st == NULL)
		fail_msg("%s", err);
	assert_int_equal(st->connection_limit, 500);
	assert_int_equal(st->per_ip_connection_limit, 0);
	assert_int_equal(st->connection_timeout, 60);
	assert_int_equal(st->header_timeout, 5);
	assert_int_equal(st->body_timeout, 120);
	assert_int_equal(st->body_memory, 64 * 1024 * 1024);
	assert_int_equal(st->body_spill, 128 * 1024);
	assert_int_equal(st->public_rate_count, 5);
	assert_int_equal(st->public_rate_period, 60);
	assert_int_equal(st->public_rate_all_count, 0);
	assert_string_equal(st->mailgun_key, "url-key");
	settings_free(st);
	/* one request of the largest size must fit in the body memory */
	write_conf("email_max_body = 25M\nbody_memory = 8M\n");
	assert_null(settings_load(path, err, sizeof err));
	assert_non_null(strstr(err, "body_memory"));
	write_conf("header_timeout = 0s\n");
	assert_null(settings_load(path, err, sizeof err));
	write_conf("connection_limit = 3\n");
	assert_null(settings_load(path, err, sizeof err));
	unlink(path);
}

/* LEADKEEP_X_FILE, as delivery reads it: the status callback's signature is
 * checked with the token the texts go out with. */
static void
a_secret_may_come_from_a_file(void **state)
{
	char err[256], secret[64];
	settings *st;

	(void)state;
	snprintf(secret, sizeof secret, "/tmp/lk-secret-%d", (int)getpid());
	write_conf("");
	{
		FILE *f = fopen(secret, "w");

		assert_non_null(f);
		fputs("tw-from-file\n", f);
		fclose(f);
	}
	unsetenv("LEADKEEP_TWILIO_AUTH_TOKEN");
	setenv("LEADKEEP_TWILIO_AUTH_TOKEN_FILE", secret, 1);
	st = settings_load(path, err, sizeof err);
	assert_non_null(st);
	assert_string_equal(st->twilio_auth_token, "tw-from-file");
	settings_free(st);
	unlink(secret);
	assert_null(settings_load(path, err, sizeof err));	/* the file is gone */
	assert_non_null(strstr(err, "LEADKEEP_TWILIO_AUTH_TOKEN_FILE"));
	unsetenv("LEADKEEP_TWILIO_AUTH_TOKEN_FILE");
	unlink(path);
}

static void
no_file_gives_defaults(void **state)
{
	char err[64];
	settings *st = settings_load(NULL, err, sizeof err);

	(void)state;
	assert_non_null(st);
	assert_int_equal(st->max_body, 1024 * 1024);
	assert_null(st->twilio_auth_token);
	assert_int_equal(st->nsources, 0);
	assert_int_equal(st->connection_limit, 1000);
	assert_int_equal(st->per_ip_connection_limit, 64);
	assert_int_equal(st->header_timeout, 10);
	assert_int_equal(st->body_memory, 128 * 1024 * 1024);
	assert_int_equal(st->public_rate_count, 30);
	assert_int_equal(st->public_rate_all_count, 300);
	settings_free(st);
	settings_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(documented_example_parses),
		cmocka_unit_test(environment_wins_over_the_file),
		cmocka_unit_test(mistakes_name_the_line_not_the_value),
		cmocka_unit_test(connection_and_body_limits_are_read),
		cmocka_unit_test(a_secret_may_come_from_a_file),
		cmocka_unit_test(no_file_gives_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

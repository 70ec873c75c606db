/*
 * test_http_settings.c - the server's file and the business file's sources:
 * the examples in docs/sources.md read as documented, secrets come from
 * env:NAME and file:PATH only, and mistakes name FILE:LINE:COL and the key
 * without echoing a secret.
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

#include "http/http_settings.h"

static char path[64];

static const char *
write_file(const char *text)
{
	FILE *f;

	snprintf(path, sizeof path, "/tmp/lk-settings-%d.yaml", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* The nth (0-based) ```yaml block of docs/sources.md. */
static char *
docs_example(int nth)
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
		if (strncmp(line, "```yaml", 7) == 0) {
			in = nth-- == 0;
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
documented_examples_read(void **state)
{
	char *server = docs_example(0), *business = docs_example(1);
	const settings_source *form, *hook;
	rules_diags d;
	settings *st;

	(void)state;
	setenv("TWILIO_AUTH_TOKEN", "tw-secret", 1);
	setenv("SENDGRID_INBOUND_KEY", "sg-secret", 1);
	setenv("MAILGUN_SIGNING_KEY", "mg-secret", 1);
	setenv("MAILGUN_URL_KEY", "mg-url", 1);
	setenv("META_APP_SECRET", "meta-secret", 1);
	setenv("META_VERIFY_TOKEN", "meta-verify", 1);
	setenv("GOOGLE_LEADFORM_KEY", "g-key", 1);
	setenv("ZAPIER_HOOK_SECRET", "zap-secret", 1);
	st = settings_load(write_file(server), &d);
	if (st == NULL)
		fail_msg("%s", diags_text(&d));
	rules_diags_free(&d);
	assert_string_equal(st->listen, "127.0.0.1:8080");
	assert_string_equal(st->data_dir, "/var/lib/leadkeep");
	assert_string_equal(st->rules_file, "/etc/leadkeep/rules.yaml");
	assert_int_equal(st->max_body, 1024 * 1024);
	assert_int_equal(st->email_max_body, 25 * 1024 * 1024);
	assert_int_equal(st->api_rate_count, 600);
	assert_string_equal(st->public_url, "https://leads.example.com");
	assert_true(settings_trusted(st, 0x7f000001));
	assert_true(settings_trusted(st, 0x0a010203));
	assert_false(settings_trusted(st, 0xc0a80001));
	if (settings_load_sources(st, write_file(business), false, &d) < 0)
		fail_msg("%s", diags_text(&d));
	rules_diags_free(&d);
	assert_string_equal(st->twilio_auth_token, "tw-secret");
	assert_string_equal(st->twilio_forward_to, "+13125550100");
	assert_int_equal(st->twilio_dial_timeout, 20);
	assert_int_equal(st->twilio_missed_seconds, 10);
	assert_string_equal(st->sendgrid_key, "sg-secret");
	assert_string_equal(st->mailgun_signing_key, "mg-secret");
	assert_string_equal(st->mailgun_key, "mg-url");
	assert_int_equal(st->mailgun_max_age, 900);
	assert_string_equal(st->meta_verify_token, "meta-verify");
	assert_string_equal(st->google_key, "g-key");
	assert_false(st->google_store_tests);
	form = settings_source_find(st, "form", "contact");
	assert_non_null(form);
	assert_string_equal(form->thank_you, "https://www.example.com/thanks");
	assert_string_equal(form->honeypot, "website");
	assert_int_equal(form->rate_count, 10);
	assert_int_equal(form->rate_period, 60);
	assert_int_equal(form->nmap, 3);
	assert_string_equal(form->map[0].from, "your-name");
	assert_string_equal(form->map[0].to, "name");
	assert_string_equal(form->owner, "alice");
	hook = settings_source_find(st, "hook", "zapier");
	assert_non_null(hook);
	assert_string_equal(hook->secret, "zap-secret");
	assert_string_equal(hook->map[0].from, "customer.full_name");
	assert_null(settings_source_find(st, "form", "zapier"));
	settings_free(st);
	free(server);
	free(business);
	unlink(path);
}

/* A secret in the business's file itself would be kept in the database and
 * shown on the Rules page: refused, at its place, without its value. */
static void
secrets_are_references_only(void **state)
{
	char secret[64];
	rules_diags d;
	settings *st = settings_load(NULL, &d);
	FILE *f;

	(void)state;
	assert_int_equal(settings_load_sources(st, write_file("sources:\n  sendgrid:\n"
							      "    key: plain-s3cret\n"), false, &d), -1);
	assert_non_null(strstr(diags_text(&d), "3:10: \"key\" is a secret: write it as env:NAME"));
	assert_null(strstr(diags_text(&d), "plain-s3cret"));
	rules_diags_free(&d);
	unsetenv("LK_NOT_SET_ANYWHERE");
	assert_int_equal(settings_load_sources(st, write_file("sources:\n  hooks:\n    z:\n"
		"      secret: env:LK_NOT_SET_ANYWHERE\n"), false, &d), -1);
	assert_non_null(strstr(diags_text(&d), "4:15: \"secret\": environment variable "
				   "LK_NOT_SET_ANYWHERE is not set"));
	rules_diags_free(&d);
	/* check_only: the reference's form, nothing read */
	settings_free(st);
	st = settings_load(NULL, &d);
	assert_int_equal(settings_load_sources(st, path, true, &d), 0);
	rules_diags_free(&d);
	snprintf(secret, sizeof secret, "/tmp/lk-secret-%d", (int)getpid());
	f = fopen(secret, "w");
	assert_non_null(f);
	fputs("tw-from-file\nsecond line ignored\n", f);
	fclose(f);
	{
		char text[256];

		snprintf(text, sizeof text, "providers:\n  twilio:\n    auth_token: file:%s\n", secret);
		assert_int_equal(settings_load_sources(st, write_file(text), false, &d), 0);
		assert_string_equal(st->twilio_auth_token, "tw-from-file");
		rules_diags_free(&d);
		unlink(secret);
		assert_int_equal(settings_load_sources(st, path, false, &d), -1);
		assert_non_null(strstr(diags_text(&d), "cannot read"));
		assert_non_null(strstr(diags_text(&d), secret));
		rules_diags_free(&d);
	}
	settings_free(st);
	unlink(path);
}

static void
mistakes_name_file_line_and_column(void **state)
{
	rules_diags d;
	settings *st;

	(void)state;
	assert_null(settings_load(write_file("listen: 127.0.0.1:8080\nmax_agee: 5m\n"), &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, path);
	assert_non_null(strstr(diags_text(&d), "2:1: unknown key \"max_agee\" in the server "
				   "configuration"));
	rules_diags_free(&d);
	/* every problem at once, in file order */
	assert_null(settings_load(write_file("threads: many\nheader_timeout: 0s\n"
					     "connection_limit: 3\npublic_rate_limit: lots\n"), &d));
	assert_int_equal(d.nerrors, 4);
	assert_int_equal(d.items[3].line, 4);
	rules_diags_free(&d);
	st = settings_load(NULL, &d);
	assert_int_equal(settings_load_sources(st, write_file("sources:\n  forms:\n"
		"    \"bad key!\": {}\n    a: { map: { x: shoe_size } }\n    b: { colour: red }\n"),
		false, &d), -1);
	assert_non_null(strstr(diags_text(&d), "3:5: forms: \"bad key!\" cannot be a URL key"));
	assert_non_null(strstr(diags_text(&d), "4:20: map: \"shoe_size\" is not a lead field"));
	assert_non_null(strstr(diags_text(&d), "5:10: unknown key \"colour\" in form b"));
	rules_diags_free(&d);
	settings_free(st);
	st = settings_load(NULL, &d);
	assert_int_equal(settings_load_sources(st, write_file("sources:\n  forms:\n    a:\n"
							      "    a: {}\n"), false, &d), -1);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(diags_text(&d), "4:5: forms: \"a\" appears twice"));
	assert_non_null(settings_source_find(st, "form", "a"));	/* "a:" alone: the defaults */
	rules_diags_free(&d);
	settings_free(st);
	assert_null(settings_load("/nonexistent/server.yaml", &d));
	assert_non_null(strstr(diags_text(&d), "cannot open"));
	rules_diags_free(&d);
	unlink(path);
}

static void
the_old_format_is_named(void **state)
{
	rules_diags d;

	(void)state;
	assert_null(settings_load(write_file("# old\nlisten = 127.0.0.1:8080\n[form a]\n"), &d));
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(diags_text(&d), "leadkeep config migrate"));
	rules_diags_free(&d);
	unlink(path);
}

static void
connection_and_body_limits_are_read(void **state)
{
	rules_diags d;
	settings *st;

	(void)state;
	st = settings_load(write_file("connection_limit: 500\nper_ip_connection_limit: 0\n"
				      "connection_timeout: 1m\nheader_timeout: 5s\nbody_timeout: 2m\n"
				      "body_memory: 64M\nbody_spill: 128K\n"
				      "public_rate_limit: 5/min\npublic_rate_limit_all: off\n"
				      "trusted_proxies: 192.168.0.0/16, 127.0.0.1\n"), &d);
	if (st == NULL)
		fail_msg("%s", diags_text(&d));
	rules_diags_free(&d);
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
	assert_true(settings_trusted(st, 0xc0a80101));
	settings_free(st);
	/* one request of the largest size must fit in the body memory */
	assert_null(settings_load(write_file("email_max_body: 25M\nbody_memory: 8M\n"), &d));
	assert_non_null(strstr(diags_text(&d), "body_memory"));
	rules_diags_free(&d);
	unlink(path);
}

static void
no_file_or_an_empty_one_gives_defaults(void **state)
{
	rules_diags d;
	settings *st = settings_load(NULL, &d);

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
	assert_int_equal(settings_load_sources(st, NULL, false, &d), 0);
	settings_free(st);
	st = settings_load(write_file("# nothing changed from the defaults\n"), &d);
	assert_non_null(st);
	assert_int_equal(d.n, 0);
	assert_int_equal(st->connection_limit, 1000);
	settings_free(st);
	settings_free(NULL);
	unlink(path);
}

/* The names that find a business (docs/operations.md): Meta page ids are
 * digits, read as numbers or strings; a page, a messaging service or a
 * number two businesses share is named. */
static void
page_ids_and_what_names_one_business(void **state)
{
	rules_diags d;
	settings *a, *b;
	char what[128];

	(void)state;
	a = settings_load(NULL, &d);
	assert_int_equal(settings_load_sources(a, write_file("sources:\n  meta:\n"
		"    page_ids: [123, \"456\"]\nproviders:\n  twilio: { messaging_service_sid: "
		"MG1, from: \"+13125550100\" }\n"), false, &d), 0);
	rules_diags_free(&d);
	assert_int_equal(a->nmeta_pages, 2);
	assert_true(settings_meta_page(a, "123"));
	assert_true(settings_meta_page(a, "456"));
	assert_false(settings_meta_page(a, "12"));
	assert_false(settings_meta_page(a, NULL));
	assert_string_equal(a->twilio_service, "MG1");
	b = settings_load(NULL, &d);
	assert_int_equal(settings_load_sources(b, write_file("sources:\n  meta:\n"
		"    page_ids: [\"12x\", 789, 789, \"\"]\n"), false, &d), -1);
	assert_non_null(strstr(diags_text(&d), "3:16: page_ids: \"12x\" is not a Meta page id"));
	assert_non_null(strstr(diags_text(&d), "3:28: page_ids: \"789\" appears twice"));
	assert_int_equal(d.nerrors, 3);
	rules_diags_free(&d);
	assert_false(settings_claims_clash(a, b, what, sizeof what));
	assert_false(settings_claims_clash(a, NULL, what, sizeof what));
	settings_free(b);
	b = settings_load(NULL, &d);
	assert_int_equal(settings_load_sources(b, write_file("sources:\n  meta: { page_ids: "
		"[9, 456] }\n"), false, &d), 0);
	rules_diags_free(&d);
	assert_true(settings_claims_clash(b, a, what, sizeof what));
	assert_string_equal(what, "the Meta page id 456");
	settings_free(b);
	b = settings_load(NULL, &d);
	assert_int_equal(settings_load_sources(b, write_file("providers:\n  twilio: "
		"{ messaging_service_sid: MG1 }\n"), false, &d), 0);
	rules_diags_free(&d);
	assert_true(settings_claims_clash(b, a, what, sizeof what));
	assert_string_equal(what, "the Twilio messaging service MG1");
	settings_free(b);
	b = settings_load(NULL, &d);
	assert_int_equal(settings_load_sources(b, write_file("providers:\n  twilio: "
		"{ from: \"+13125550100\" }\n"), false, &d), 0);
	rules_diags_free(&d);
	assert_true(settings_claims_clash(a, b, what, sizeof what));
	assert_string_equal(what, "the Twilio number +13125550100");
	settings_free(b);
	settings_free(a);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(documented_examples_read),
		cmocka_unit_test(secrets_are_references_only),
		cmocka_unit_test(mistakes_name_file_line_and_column),
		cmocka_unit_test(the_old_format_is_named),
		cmocka_unit_test(connection_and_body_limits_are_read),
		cmocka_unit_test(no_file_or_an_empty_one_gives_defaults),
		cmocka_unit_test(page_ids_and_what_names_one_business),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

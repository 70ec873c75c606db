/*
 * cmd_config.c - `leadkeep config migrate OLD.conf`: the old `key = value`
 * serve.conf (and the provider variables LEADKEEP_* of the environment)
 * translated into the server's YAML file and the sources and providers
 * sections of the business's file. The only reader of the old format left:
 * serve reads YAML only. A secret the old file held in clear is never
 * copied or printed: its new place is an env: reference the person sets.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "http/http_settings.h"
#include "util/str.h"

static const char config_help[] =
	"Usage: leadkeep config migrate OLD.conf [--server FILE] [--append RULES]\n"
	"\n"
	"Translates an old serve.conf (key = value, [sections]) into YAML: the server's\n"
	"own keys into FILE (default: server.yaml beside OLD.conf; never overwritten),\n"
	"the intake sources, with the provider settings found in the LEADKEEP_*\n"
	"environment variables, into `sources:` and `providers:` sections - appended\n"
	"to the business's file RULES with --append, else printed. Secrets become\n"
	"env:NAME or file:PATH references; one written in clear in OLD.conf is not\n"
	"copied: its variable is named on stderr, to be set to the old value. Both\n"
	"results are then read back as serve reads them. serve reads YAML only.\n"
	"\n"
	"  --server FILE   where the server's file goes\n"
	"  --append RULES  add the sections to this business file (it must have none)\n"
	"\n" CLI_COMMON_HELP;

static const struct option config_options[] = {
	{ "server", required_argument, NULL, 's' },
	{ "append", required_argument, NULL, 'a' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

/* A growing text; out of memory stops the command. */
typedef struct {
	char *s;
	size_t n, cap;
} text;

static void
put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(text *t, const char *fmt, ...)
{
	va_list ap;
	int w;

	for (;;) {
		va_start(ap, fmt);
		w = vsnprintf(t->s ? t->s + t->n : NULL, t->s ? t->cap - t->n : 0, fmt, ap);
		va_end(ap);
		if (w < 0)
			return;
		if (t->s != NULL && t->n + (size_t)w < t->cap) {
			t->n += (size_t)w;
			return;
		}
		t->cap = (t->cap + (size_t)w + 1) * 2;
		if ((t->s = realloc(t->s, t->cap)) == NULL) {
			fputs("leadkeep: out of memory\n", stderr);
			exit(EXIT_RUNTIME);
		}
	}
}

/* v as a double-quoted YAML scalar. */
static void
put_quoted(text *t, const char *v)
{
	put(t, "\"");
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			put(t, "\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			put(t, "\\x%02x", (unsigned char)*v);
		else
			put(t, "%c", *v);
	}
	put(t, "\"");
}

/* One line of the old file. */
typedef struct {
	char sec[32], key[96];	/* section type and its KEY ([form contact]) */
	char *k, *v;
} old_line;

/* The old parser's reading of a value: quotes, comments after a blank. */
static char *
old_value(char *v)
{
	if (*v == '"' && strchr(v + 1, '"') != NULL) {
		*strchr(v + 1, '"') = '\0';
		return v + 1;
	}
	for (char *c = v; *c; c++)
		if (*c == '#' && c > v && (c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			return str_trim(v);
		}
	return v;
}

/* Each section's lines, in file order, kept per destination. */
typedef struct {
	text server, forms, hooks, twilio_in, twilio_out;
	text inbound[4];	/* sendgrid, mailgun, meta, google: "    key: value" lines */
	int secrets_to_set;
	bool any_sources;
} out_parts;

static bool
is_secret(const char *sec, const char *k)
{
	return strcmp(k, "secret") == 0 || strcmp(k, "auth_token") == 0 ||
	       (strcmp(sec, "sendgrid") == 0 && strcmp(k, "key") == 0) ||
	       (strcmp(sec, "mailgun") == 0 && (strcmp(k, "key") == 0 ||
						strcmp(k, "signing_key") == 0)) ||
	       strcmp(k, "app_secret") == 0 || strcmp(k, "verify_token") == 0 ||
	       (strcmp(sec, "google") == 0 && strcmp(k, "key") == 0);
}

/* A secret's new form: its reference as it was, else a variable to set. */
static void
put_secret(text *t, out_parts *o, const char *sec, const char *key, const char *k,
	   const char *v)
{
	char var[160];
	size_t i;

	if (strncmp(v, "env:", 4) == 0 || strncmp(v, "file:", 5) == 0) {
		put_quoted(t, v);
		return;
	}
	snprintf(var, sizeof var, "LEADKEEP_%s%s%s_%s", sec, key[0] ? "_" : "", key, k);
	for (i = 0; var[i]; i++)
		var[i] = isalnum((unsigned char)var[i]) ? (char)toupper((unsigned char)var[i]) : '_';
	fprintf(stderr, "leadkeep: %s%s%s %s was written in clear: set %s to it (the new "
		"file reads env:%s)\n", sec, key[0] ? " " : "", key, k, var, var);
	o->secrets_to_set++;
	put(t, "env:%s", var);
}

/* The old reader's durations ("20", "15min", "2hour", "1d") in seconds, or -1. */
static long long
old_seconds(const char *v)
{
	static const struct {
		const char *unit;
		long long secs;
	} units[] = {
		{ "", 1 }, { "s", 1 }, { "m", 60 }, { "min", 60 }, { "minute", 60 },
		{ "h", 3600 }, { "hour", 3600 }, { "d", 86400 }, { "day", 86400 },
	};
	char *end;
	long long n = strtoll(v, &end, 10);

	if (end == v || n < 0)
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].unit) == 0)
			return n * units[i].secs;
	return -1;
}

/* A value as the new readers take it: the old booleans (yes, on, ...) as
 * true or false, the durations of sources and providers in seconds ("20s"),
 * anything else quoted as it was (the reader says what is wrong with it). */
static void
put_value(text *t, const char *k, const char *v)
{
	static const char *const bools[] = { "require_timestamp", "store_test_leads", NULL };
	static const char *const durations[] = {
		"dial_timeout", "missed_call_under", "max_age", "backoff", "backoff_cap",
		"timeout", NULL
	};
	long long secs;

	for (size_t i = 0; bools[i]; i++)
		if (strcmp(k, bools[i]) == 0) {
			if (strcmp(v, "yes") == 0 || strcmp(v, "on") == 0 || strcmp(v, "true") == 0)
				v = "true";
			else if (strcmp(v, "no") == 0 || strcmp(v, "off") == 0 ||
				 strcmp(v, "false") == 0)
				v = "false";
			put(t, "%s", v);
			return;
		}
	for (size_t i = 0; durations[i]; i++)
		if (strcmp(k, durations[i]) == 0 && (secs = old_seconds(v)) >= 0) {
			put(t, "%llds", secs);
			return;
		}
	put_quoted(t, v);
}

static void
put_nets(text *t, const char *v)
{
	char buf[1024], *save = NULL;
	bool first = true;

	snprintf(buf, sizeof buf, "%s", v);
	put(t, "[");
	for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		put(t, "%s", first ? "" : ", ");
		put_quoted(t, tok);
		first = false;
	}
	put(t, "]");
}

static const char *const inbound_names[4] = { "sendgrid", "mailgun", "meta", "google" };

/* The inbound provider's index in out_parts.inbound, or -1. */
static int
inbound_index(const char *sec)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(sec, inbound_names[i]) == 0)
			return i;
	return -1;
}

/* One key = value line to its place in the new files. */
static int
translate(out_parts *o, const char *sec, const char *key, const char *k, const char *v,
	  char *err, size_t errlen)
{
	bool form = strcmp(sec, "form") == 0;

	if (sec[0] == '\0' || strcmp(sec, "server") == 0) {
		put(&o->server, "%s: ", k);
		if (strcmp(k, "trusted_proxies") == 0)
			put_nets(&o->server, v);
		else
			put_quoted(&o->server, v);
		put(&o->server, "\n");
		return 0;
	}
	o->any_sources = true;
	if (form || strcmp(sec, "hook") == 0) {
		text *t = form ? &o->forms : &o->hooks;

		if (strncmp(k, "map.", 4) == 0) {
			put(t, "      map: { ");
			put_quoted(t, k + 4);
			put(t, ": ");
			put_quoted(t, v);
			put(t, " }\n");
			return 1;	/* merged by the caller */
		}
		put(t, "      %s: ", k);
		if (is_secret(sec, k))
			put_secret(t, o, sec, key, k, v);
		else
			put_value(t, k, v);
		put(t, "\n");
		return 0;
	}
	if (strcmp(sec, "twilio") == 0 && strcmp(k, "auth_token") == 0) {
		put(&o->twilio_out, "    auth_token: ");
		put_secret(&o->twilio_out, o, sec, "", k, v);
		put(&o->twilio_out, "\n");
		return 0;
	}
	if (strcmp(sec, "twilio") == 0) {
		put(&o->twilio_in, "    %s: ", k);
		put_value(&o->twilio_in, k, v);
		put(&o->twilio_in, "\n");
		return 0;
	}
	if (inbound_index(sec) >= 0) {
		text *in = &o->inbound[inbound_index(sec)];

		put(in, "    %s: ", k);
		if (is_secret(sec, k))
			put_secret(in, o, sec, "", k, v);
		else
			put_value(in, k, v);
		put(in, "\n");
		return 0;
	}
	snprintf(err, errlen, "unknown section [%s]", sec);
	return -1;
}

/*
 * Reads the old file into o. Form and hook maps are gathered per source:
 * "map.X = y" lines become one `map:` mapping.
 */
static int
read_old(const char *path, out_parts *o)
{
	FILE *f = fopen(path, "r");
	char line[4096], sec[32] = "", key[96] = "", err[256];
	text *maps = NULL, map = { 0 };
	int lineno = 0;

	if (f == NULL)
		return cli_fail(EXIT_USAGE, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		char *p = str_trim(line), *eq, *k, *v;
		int rc;

		lineno++;
		if (*p == '#' || *p == ';' || *p == '\0')
			continue;
		if (*p == '[') {
			char *close = strchr(p, ']');
			int n;

			if (maps != NULL && map.n > 0)
				put(maps, "      map: {%s }\n", map.s);
			map.n = 0;
			maps = NULL;
			key[0] = '\0';
			if (close == NULL || (*close = '\0',
			    (n = sscanf(p + 1, "%31s %95s", sec, key)) < 1)) {
				fclose(f);
				return cli_fail(EXIT_CONFIG, "%s:%d: expected \"[section]\"", path,
						lineno);
			}
			if (n == 2 && (strcmp(sec, "form") == 0 || strcmp(sec, "hook") == 0)) {
				maps = strcmp(sec, "form") == 0 ? &o->forms : &o->hooks;
				put(maps, "    ");
				put_quoted(maps, key);
				put(maps, ":\n");
				o->any_sources = true;
			}
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			fclose(f);
			return cli_fail(EXIT_CONFIG, "%s:%d: expected \"key = value\"", path, lineno);
		}
		*eq = '\0';
		k = str_trim(p);
		v = old_value(str_trim(eq + 1));
		if (strncmp(k, "map.", 4) == 0 && maps != NULL) {
			put(&map, "%s ", map.n ? "," : "");
			put_quoted(&map, k + 4);
			put(&map, ": ");
			put_quoted(&map, v);
			continue;
		}
		if ((rc = translate(o, sec, key, k, v, err, sizeof err)) < 0) {
			fclose(f);
			return cli_fail(EXIT_CONFIG, "%s:%d: %s", path, lineno, err);
		}
	}
	if (maps != NULL && map.n > 0)
		put(maps, "      map: {%s }\n", map.s);
	free(map.s);
	fclose(f);
	return EXIT_OK;
}

/* A variable's value in the environment, or NULL when unset or empty. */
static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* name: VALUE when $VAR is set; part names its place for the message. */
static void
env_plain(text *t, const char *indent, const char *part, const char *name, const char *var,
	  bool *any)
{
	const char *v = env(var);

	if (v == NULL)
		return;
	put(t, "%s%s: ", indent, name);
	put_value(t, name, v);
	put(t, "\n");
	*any = true;
	fprintf(stderr, "leadkeep: found %s: now providers %s\n", var, part);
}

/* name: env:VAR (or file:PATH from $VAR_FILE) when either is set: the
 * variable stays where the secret is; its value is never printed. */
static void
env_secret(text *t, const char *indent, const char *part, const char *name, const char *var,
	   bool *any)
{
	char fvar[128];
	const char *path;

	snprintf(fvar, sizeof fvar, "%s_FILE", var);
	if (env(var) != NULL) {
		put(t, "%s%s: env:%s\n", indent, name, var);
		fprintf(stderr, "leadkeep: found %s: now providers %s: env:%s\n", var, part, var);
	} else if ((path = env(fvar)) != NULL) {
		put(t, "%s%s: ", indent, name);
		put(t, "file:%s\n", path);
		fprintf(stderr, "leadkeep: found %s: now providers %s: file:%s\n", fvar, part, path);
	} else {
		return;
	}
	*any = true;
}

/* The delivery variables of the old set-up, by the part of the providers
 * section each goes to. */
enum { TO_SMS, TO_EMAIL, TO_TWILIO, TO_SMTP, TO_WEBHOOKS, TO_DELIVERY, TO_N };
static const char *const part_names[TO_N] = {
	"sms", "email", "twilio", "smtp", "webhooks", "delivery"
};
static const struct {
	int part;
	const char *key, *var;
	bool secret;
} env_keys[] = {
	{ TO_SMS, NULL, "LEADKEEP_SMS_PROVIDER", false },
	{ TO_EMAIL, NULL, "LEADKEEP_EMAIL_PROVIDER", false },
	{ TO_TWILIO, "account_sid", "LEADKEEP_TWILIO_ACCOUNT_SID", false },
	{ TO_TWILIO, "auth_token", "LEADKEEP_TWILIO_AUTH_TOKEN", true },
	{ TO_TWILIO, "from", "LEADKEEP_TWILIO_FROM", false },
	{ TO_TWILIO, "messaging_service_sid", "LEADKEEP_TWILIO_MESSAGING_SERVICE_SID", false },
	{ TO_TWILIO, "base_url", "LEADKEEP_TWILIO_BASE_URL", false },
	{ TO_SMTP, "url", "LEADKEEP_SMTP_URL", true },	/* may hold credentials */
	{ TO_SMTP, "user", "LEADKEEP_SMTP_USER", false },
	{ TO_SMTP, "password", "LEADKEEP_SMTP_PASSWORD", true },
	{ TO_SMTP, "from", "LEADKEEP_SMTP_FROM", false },
	{ TO_SMTP, "tls", "LEADKEEP_SMTP_TLS", false },
	{ TO_SMTP, "ca_file", "LEADKEEP_SMTP_CA_FILE", false },
	{ TO_WEBHOOKS, "secret", "LEADKEEP_WEBHOOK_SECRET", true },
	{ TO_DELIVERY, "concurrency", "LEADKEEP_DELIVER_CONCURRENCY", false },
	{ TO_DELIVERY, "max_attempts", "LEADKEEP_DELIVER_MAX_ATTEMPTS", false },
	{ TO_DELIVERY, "sms_rate", "LEADKEEP_SMS_RATE", false },
	{ TO_DELIVERY, "email_rate", "LEADKEEP_EMAIL_RATE", false },
	{ TO_DELIVERY, "backoff", "LEADKEEP_DELIVER_BACKOFF", false },
	{ TO_DELIVERY, "backoff_cap", "LEADKEEP_DELIVER_BACKOFF_CAP", false },
	{ TO_DELIVERY, "timeout", "LEADKEEP_DELIVER_TIMEOUT", false },
};

/* The providers section from the delivery variables of the old set-up (and
 * the old file's Twilio auth token, which the texts were sent with too). */
static void
providers_from_env(text *t, const out_parts *o)
{
	text part[TO_N] = { { 0 } };
	bool any[TO_N] = { false }, some = false;
	const char *urls;

	if (o->twilio_out.n > 0) {
		put(&part[TO_TWILIO], "%s", o->twilio_out.s);
		any[TO_TWILIO] = true;
	}
	if ((urls = env("LEADKEEP_WEBHOOK_URLS")) != NULL) {
		char buf[4096], *save = NULL;

		snprintf(buf, sizeof buf, "%s", urls);
		put(&part[TO_WEBHOOKS], "    urls:\n");
		for (char *u = strtok_r(buf, ", \t\n", &save); u; u = strtok_r(NULL, ", \t\n", &save)) {
			put(&part[TO_WEBHOOKS], "      - ");
			put_quoted(&part[TO_WEBHOOKS], u);
			put(&part[TO_WEBHOOKS], "\n");
		}
		any[TO_WEBHOOKS] = true;
		fprintf(stderr, "leadkeep: found LEADKEEP_WEBHOOK_URLS: now providers webhooks urls\n");
	}
	for (size_t i = 0; i < sizeof env_keys / sizeof env_keys[0]; i++) {
		int p = env_keys[i].part;
		const char *key = env_keys[i].key ? env_keys[i].key : part_names[p];
		const char *indent = env_keys[i].key ? "    " : "  ";
		char where[64];

		if (p == TO_TWILIO && o->twilio_out.n > 0 && strcmp(key, "auth_token") == 0)
			continue;	/* the old file's wins, as it did for inbound */
		snprintf(where, sizeof where, "%s%s%s", part_names[p], env_keys[i].key ? " " : "",
			 env_keys[i].key ? key : "");
		if (env_keys[i].secret)
			env_secret(&part[p], indent, where, key, env_keys[i].var, &any[p]);
		else
			env_plain(&part[p], indent, where, key, env_keys[i].var, &any[p]);
	}
	for (int p = 0; p < TO_N; p++)
		some |= any[p];
	if (some)
		put(t, "providers:\n");
	for (int p = 0; p < TO_N; p++) {
		if (any[p] && p >= TO_TWILIO)
			put(t, "  %s:\n%s", part_names[p], part[p].s);
		else if (any[p])
			put(t, "%s", part[p].s);
		free(part[p].s);
	}
}

/* The sources from the old file's sections, then the old secret variables. */
static void
sources_text(text *t, out_parts *o)
{
	static const struct {
		const char *sec, *key, *var;
	} vars[] = {
		{ "sendgrid", "key", "LEADKEEP_SENDGRID_KEY" },
		{ "mailgun", "signing_key", "LEADKEEP_MAILGUN_SIGNING_KEY" },
		{ "mailgun", "key", "LEADKEEP_MAILGUN_KEY" },
		{ "meta", "app_secret", "LEADKEEP_META_APP_SECRET" },
		{ "meta", "verify_token", "LEADKEEP_META_VERIFY_TOKEN" },
		{ "google", "key", "LEADKEEP_GOOGLE_KEY" },
	};

	/* The old variables won over the file: they win here too. */
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		text *in = &o->inbound[inbound_index(vars[i].sec)];
		char line[64];

		snprintf(line, sizeof line, "    %s: ", vars[i].key);
		if (env(vars[i].var) == NULL || (in->s != NULL && strstr(in->s, line) != NULL))
			continue;
		put(in, "%senv:%s\n", line, vars[i].var);
		fprintf(stderr, "leadkeep: found %s: now sources %s %s: env:%s\n", vars[i].var,
			vars[i].sec, vars[i].key, vars[i].var);
		o->any_sources = true;
	}
	if (!o->any_sources)
		return;
	put(t, "sources:\n");
	if (o->forms.n)
		put(t, "  forms:\n%s", o->forms.s);
	if (o->hooks.n)
		put(t, "  hooks:\n%s", o->hooks.s);
	if (o->twilio_in.n)
		put(t, "  twilio:\n%s", o->twilio_in.s);
	for (int i = 0; i < 4; i++)
		if (o->inbound[i].n)
			put(t, "  %s:\n%s", inbound_names[i], o->inbound[i].s);
}

static int
write_new(const char *path, const char *body)
{
	struct stat sb;
	FILE *f;

	if (stat(path, &sb) == 0)
		return cli_fail(EXIT_USAGE, "%s exists: not overwritten (--server FILE)", path);
	if ((f = fopen(path, "w")) == NULL)
		return cli_fail(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	fputs(body, f);
	if (fclose(f) != 0)
		return cli_fail(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	return EXIT_OK;
}

/* True when the business file already has a top-level section of that name. */
static bool
has_section(const char *path, const char *name)
{
	char line[1024];
	size_t n = strlen(name);
	FILE *f = fopen(path, "r");
	bool found = false;

	while (f != NULL && !found && fgets(line, sizeof line, f) != NULL)
		found = strncmp(line, name, n) == 0 && line[n] == ':';
	if (f != NULL)
		fclose(f);
	return found;
}

static int
append_to(const char *path, const char *body)
{
	FILE *f;

	if (has_section(path, "sources") || has_section(path, "providers"))
		return cli_fail(EXIT_USAGE, "%s already has sources or providers: add these by "
				"hand\n%s", path, body);
	if ((f = fopen(path, "a")) == NULL)
		return cli_fail(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	fprintf(f, "\n# from leadkeep config migrate\n%s", body);
	if (fclose(f) != 0)
		return cli_fail(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	return EXIT_OK;
}

/* Prints d's problems, naming the printed sections when they were read
 * from a temporary copy, and frees them. True when there was an error. */
static bool
report(rules_diags *d, const char *tmp)
{
	bool bad = d->nerrors > 0;

	for (size_t i = 0; tmp != NULL && i < d->n; i++)
		if (strcmp(d->items[i].file, tmp) == 0) {
			char *name = strdup("<the sections printed above>");

			if (name != NULL) {
				free(d->items[i].file);
				d->items[i].file = name;
			}
		}
	rules_diags_print(d, stderr);
	rules_diags_free(d);
	return bad;
}

/* Reads what was written back as serve will; printed sections (no
 * business file named) from a temporary copy. */
static int
check_written(const char *server, const char *business, const char *sections)
{
	char tmp[] = "/tmp/leadkeep-migrate-XXXXXX";
	rules_diags d;
	settings *st = settings_load(server, &d);
	bool bad = report(&d, NULL);
	int fd = -1;

	if (business == NULL && sections != NULL && (fd = mkstemp(tmp)) >= 0) {
		if (write(fd, sections, strlen(sections)) == (ssize_t)strlen(sections))
			business = tmp;
		close(fd);
	}
	if (st != NULL && business != NULL) {
		memset(&d, 0, sizeof d);
		cli_sections_check(business, &d);
		bad |= report(&d, tmp);
	}
	settings_free(st);
	if (fd >= 0)
		unlink(tmp);
	return bad || st == NULL ? EXIT_CONFIG : EXIT_OK;
}

static int
migrate(const char *old, const char *server, const char *append)
{
	out_parts o = { 0 };
	text sections = { 0 }, head = { 0 };
	char path[4096];
	int rc;

	if ((rc = read_old(old, &o)) != EXIT_OK)
		return rc;
	if (server == NULL) {
		const char *slash = strrchr(old, '/');

		snprintf(path, sizeof path, "%.*sserver.yaml", slash ? (int)(slash - old + 1) : 0,
			 old);
		server = path;
	}
	put(&head, "# from leadkeep config migrate %s (man 5 leadkeep-server.yaml)\n%s", old,
	    o.server.s ? o.server.s : "");
	sources_text(&sections, &o);
	providers_from_env(&sections, &o);
	if ((rc = write_new(server, head.s)) != EXIT_OK)
		goto out;
	fprintf(stderr, "leadkeep: wrote %s (serve --config %s)\n", server, server);
	if (sections.n > 0 && append != NULL) {
		if ((rc = append_to(append, sections.s)) != EXIT_OK)
			goto out;
		fprintf(stderr, "leadkeep: added the sources and providers to %s\n", append);
	} else if (sections.n > 0) {
		fputs("# add to the business's file (serve --rules):\n", stdout);
		fputs(sections.s, stdout);
	}
	rc = check_written(server, append, sections.n > 0 ? sections.s : NULL);
	if (rc == EXIT_OK && o.secrets_to_set > 0)
		fprintf(stderr, "leadkeep: %d secret(s) to set in the environment before serve "
			"starts (above)\n", o.secrets_to_set);
out:
	free(head.s);
	free(o.server.s);
	free(o.forms.s);
	free(o.hooks.s);
	free(o.twilio_in.s);
	free(o.twilio_out.s);
	for (int i = 0; i < 4; i++)
		free(o.inbound[i].s);
	free(sections.s);
	return rc;
}

int
cmd_config(int argc, char **argv)
{
	cli_env e;
	const char *server = NULL, *append = NULL;
	int opt;

	cli_env_init(&e);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(config_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "migrate") != 0)
		return cli_usage(config_help, "config: unknown subcommand \"%s\"", argv[1]);
	optind = 1;
	while ((opt = getopt_long(argc - 1, argv + 1, "", config_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(config_help, stdout); return EXIT_OK;
		case 's': server = optarg; break;
		case 'a': append = optarg; break;
		default: return cli_usage(config_help, "config migrate: bad option");
		}
	}
	if (optind + 1 != argc - 1)
		return cli_usage(config_help, "config migrate: give the old file (serve.conf)");
	return migrate(argv[optind + 1], server, append);
}

/*
 * http_settings.c - reads the server configuration file (see
 * http_settings.h and docs/sources.md). Line-oriented: comments with '#',
 * "[section]" or "[form KEY]" headers, "key = value" lines. Every error names
 * FILE:LINE and what was expected. Values are never logged.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_settings.h"
#include "util/str.h"

#define LINE_MAX_LEN 4096

static char *
xstrdup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup_or_null(v);
}

/* "15m", "2h", "30", "1d" -> seconds; -1 when not a duration. */
static int64_t
parse_duration(const char *v)
{
	char *end;
	long long n = strtoll(v, &end, 10);

	if (end == v || n < 0)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return n;
	if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0 || strcmp(end, "minute") == 0)
		return n * 60;
	if (strcmp(end, "h") == 0 || strcmp(end, "hour") == 0)
		return n * 3600;
	if (strcmp(end, "d") == 0 || strcmp(end, "day") == 0)
		return n * 86400;
	return -1;
}

/* "10/min", "100/hour", "5/10m" -> count, period. */
static int
parse_rate(const char *v, int *count, int64_t *period)
{
	char *end;
	long n = strtol(v, &end, 10);
	const char *p;
	int64_t secs;

	if (end == v || n < 1 || n > 1000000 || *end != '/')
		return -1;
	p = end + 1;
	secs = isdigit((unsigned char)*p) ? parse_duration(p) : parse_duration(
		strcmp(p, "s") == 0 || strcmp(p, "second") == 0 ? "1s" :
		strcmp(p, "min") == 0 || strcmp(p, "minute") == 0 || strcmp(p, "m") == 0 ? "1m" :
		strcmp(p, "h") == 0 || strcmp(p, "hour") == 0 ? "1h" :
		strcmp(p, "d") == 0 || strcmp(p, "day") == 0 ? "1d" : "x");
	if (secs <= 0)
		return -1;
	*count = (int)n;
	*period = secs;
	return 0;
}

static int
parse_size(const char *v, size_t *out)
{
	char *end;
	unsigned long long n = strtoull(v, &end, 10);

	if (end == v)
		return -1;
	if (strcmp(end, "k") == 0 || strcmp(end, "KB") == 0 || strcmp(end, "K") == 0)
		n *= 1024;
	else if (strcmp(end, "M") == 0 || strcmp(end, "MB") == 0 || strcmp(end, "m") == 0)
		n *= 1024 * 1024;
	else if (*end != '\0')
		return -1;
	if (n < 1024 || n > 256ull * 1024 * 1024)
		return -1;
	*out = (size_t)n;
	return 0;
}

static int
parse_bool(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

static int
parse_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

static int
parse_uint(const char *v, int lo, int hi, unsigned *out)
{
	int n;

	if (parse_int(v, lo, hi, &n) < 0)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* A duration in whole seconds within [lo, hi]. */
static int
parse_seconds(const char *v, int lo, int hi, int *out)
{
	int64_t d = parse_duration(v);

	if (d < lo || d > hi)
		return -1;
	*out = (int)d;
	return 0;
}

/* A rate, or "off" (count 0). */
static int
parse_rate_or_off(const char *v, int *count, int64_t *period)
{
	if (strcmp(v, "off") == 0 || strcmp(v, "0") == 0) {
		*count = 0;
		*period = 60;
		return 0;
	}
	return parse_rate(v, count, period);
}

/* "10.0.0.0/8, 127.0.0.1" appended to st->trusted. */
static int
parse_nets(settings *st, const char *v)
{
	char buf[LINE_MAX_LEN];
	char *save = NULL;

	snprintf(buf, sizeof buf, "%s", v);
	for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		char *slash = strchr(tok, '/');
		int bits = 32;
		struct in_addr a;
		settings_net *n;

		if (slash != NULL) {
			*slash = '\0';
			if (parse_int(slash + 1, 0, 32, &bits) < 0)
				return -1;
		}
		if (inet_pton(AF_INET, tok, &a) != 1)
			return -1;
		n = realloc(st->trusted, (st->ntrusted + 1) * sizeof *n);
		if (n == NULL)
			return -1;
		st->trusted = n;
		n = &st->trusted[st->ntrusted++];
		n->mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
		n->addr = ntohl(a.s_addr) & n->mask;
	}
	return 0;
}

static const char *const lead_fields[] = {
	"name", "first_name", "last_name", "phone", "email", "service", "message",
	"neighbourhood", "kind", "ignore", NULL,
};

static bool
known_lead_field(const char *f)
{
	for (size_t i = 0; lead_fields[i]; i++)
		if (strcmp(lead_fields[i], f) == 0)
			return true;
	return false;
}

/* A source key as it may appear in a URL path segment. */
static bool
valid_key(const char *k)
{
	if (*k == '\0' || strlen(k) > 64)
		return false;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && *k != '-' && *k != '_')
			return false;
	return true;
}

static int
source_set(settings_source *src, const char *k, const char *v)
{
	if (strncmp(k, "map.", 4) == 0) {
		settings_map *m;

		if (!known_lead_field(v) || k[4] == '\0')
			return -1;
		if ((m = realloc(src->map, (src->nmap + 1) * sizeof *m)) == NULL)
			return -1;
		src->map = m;
		m[src->nmap].from = strdup(k + 4);
		m[src->nmap].to = strdup(v);
		src->nmap++;
		return 0;
	}
	if (strcmp(k, "honeypot") == 0)
		set_str(&src->honeypot, v);
	else if (strcmp(k, "thank_you") == 0)
		set_str(&src->thank_you, v);
	else if (strcmp(k, "secret") == 0)
		set_str(&src->secret, v);
	else if (strcmp(k, "signature_header") == 0)
		set_str(&src->signature_header, v);
	else if (strcmp(k, "require_timestamp") == 0)
		return parse_bool(v, &src->require_timestamp);
	else if (strcmp(k, "kind") == 0)
		set_str(&src->lead_kind, v);
	else if (strcmp(k, "service") == 0)
		set_str(&src->service, v);
	else if (strcmp(k, "owner") == 0)
		set_str(&src->owner, v);
	else if (strcmp(k, "source") == 0)
		set_str(&src->source, v);
	else if (strcmp(k, "rate_limit") == 0)
		return parse_rate(v, &src->rate_count, &src->rate_period);
	else
		return -1;
	return 0;
}

/* Sets key k of section sec; returns 0, or -1 when k or v is wrong. */
static int
apply(settings *st, const char *sec, settings_source *src, const char *k, const char *v)
{
	int64_t d;

	if (src != NULL)
		return source_set(src, k, v);
	if (strcmp(sec, "") == 0 || strcmp(sec, "server") == 0) {
		if (strcmp(k, "listen") == 0)
			set_str(&st->listen, v);
		else if (strcmp(k, "threads") == 0) {
			int n;

			if (parse_int(v, 0, 1024, &n) < 0)
				return -1;
			st->threads = (unsigned)n;
		} else if (strcmp(k, "max_body") == 0)
			return parse_size(v, &st->max_body);
		else if (strcmp(k, "email_max_body") == 0)
			return parse_size(v, &st->email_max_body);
		else if (strcmp(k, "public_url") == 0) {
			if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
				return -1;
			set_str(&st->public_url, v);
			/* no trailing slash: paths are appended */
			while (strlen(st->public_url) > 8 &&
			       st->public_url[strlen(st->public_url) - 1] == '/')
				st->public_url[strlen(st->public_url) - 1] = '\0';
		} else if (strcmp(k, "trusted_proxies") == 0)
			return parse_nets(st, v);
		else if (strcmp(k, "api_rate_limit") == 0)
			return parse_rate(v, &st->api_rate_count, &st->api_rate_period);
		else if (strcmp(k, "connection_limit") == 0)
			return parse_uint(v, 16, 1000000, &st->connection_limit);
		else if (strcmp(k, "per_ip_connection_limit") == 0)
			return parse_uint(v, 0, 1000000, &st->per_ip_connection_limit);
		else if (strcmp(k, "connection_timeout") == 0)
			return parse_seconds(v, 1, 3600, &st->connection_timeout);
		else if (strcmp(k, "header_timeout") == 0)
			return parse_seconds(v, 1, 3600, &st->header_timeout);
		else if (strcmp(k, "body_timeout") == 0)
			return parse_seconds(v, 1, 3600, &st->body_timeout);
		else if (strcmp(k, "body_memory") == 0)
			return parse_size(v, &st->body_memory);
		else if (strcmp(k, "body_spill") == 0)
			return parse_size(v, &st->body_spill);
		else if (strcmp(k, "public_rate_limit") == 0)
			return parse_rate_or_off(v, &st->public_rate_count, &st->public_rate_period);
		else if (strcmp(k, "public_rate_limit_all") == 0)
			return parse_rate_or_off(v, &st->public_rate_all_count,
						 &st->public_rate_all_period);
		else
			return -1;
		return 0;
	}
	if (strcmp(sec, "twilio") == 0) {
		if (strcmp(k, "auth_token") == 0)
			set_str(&st->twilio_auth_token, v);
		else if (strcmp(k, "forward_to") == 0)
			set_str(&st->twilio_forward_to, v);
		else if (strcmp(k, "dial_timeout") == 0)
			return (d = parse_duration(v)) < 5 || d > 600 ? -1 :
			       (st->twilio_dial_timeout = (int)d, 0);
		else if (strcmp(k, "missed_call_under") == 0)
			return (d = parse_duration(v)) < 0 || d > 3600 ? -1 :
			       (st->twilio_missed_seconds = (int)d, 0);
		else
			return -1;
		return 0;
	}
	if (strcmp(sec, "sendgrid") == 0 && strcmp(k, "key") == 0)
		return set_str(&st->sendgrid_key, v), 0;
	if (strcmp(sec, "mailgun") == 0) {
		if (strcmp(k, "signing_key") == 0)
			set_str(&st->mailgun_signing_key, v);
		else if (strcmp(k, "key") == 0)
			set_str(&st->mailgun_key, v);
		else if (strcmp(k, "max_age") == 0)
			return (d = parse_duration(v)) < 0 ? -1 : (st->mailgun_max_age = d, 0);
		else
			return -1;
		return 0;
	}
	if (strcmp(sec, "meta") == 0) {
		if (strcmp(k, "app_secret") == 0)
			set_str(&st->meta_app_secret, v);
		else if (strcmp(k, "verify_token") == 0)
			set_str(&st->meta_verify_token, v);
		else
			return -1;
		return 0;
	}
	if (strcmp(sec, "google") == 0) {
		if (strcmp(k, "key") == 0)
			set_str(&st->google_key, v);
		else if (strcmp(k, "store_test_leads") == 0)
			return parse_bool(v, &st->google_store_tests);
		else
			return -1;
		return 0;
	}
	return -1;
}

static settings_source *
add_source(settings *st, const char *type, const char *key)
{
	settings_source *s = realloc(st->sources, (st->nsources + 1) * sizeof *s);

	if (s == NULL)
		return NULL;
	st->sources = s;
	s = &st->sources[st->nsources++];
	memset(s, 0, sizeof *s);
	s->type = strdup(type);
	s->key = strdup(key);
	s->rate_count = 10;
	s->rate_period = 60;
	return s;
}

void
settings_defaults(settings *st)
{
	st->max_body = 1024 * 1024;
	st->email_max_body = 25 * 1024 * 1024;
	st->api_rate_count = 600;
	st->api_rate_period = 60;
	st->connection_limit = 1000;
	st->per_ip_connection_limit = 64;
	st->connection_timeout = 30;
	st->header_timeout = 10;
	st->body_timeout = 60;
	st->body_memory = 128 * 1024 * 1024;
	st->body_spill = 256 * 1024;
	st->public_rate_count = 30;
	st->public_rate_period = 60;
	st->public_rate_all_count = 300;
	st->public_rate_all_period = 60;
	st->twilio_dial_timeout = 20;
	st->twilio_missed_seconds = 0;
	st->mailgun_max_age = 15 * 60;
}

/* The LEADKEEP_* variables: secrets stay out of files when wanted. A secret
 * may also be given as a file, $VAR_FILE (its first line), as delivery reads
 * them (docs/delivery.md): the SMS status callback is checked with the same
 * Twilio auth token the texts are sent with. -1 with err when the file
 * cannot be read. */
static int
from_env(settings *st, char *err, size_t errlen)
{
	static const struct {
		const char *var;
		size_t off;
	} vars[] = {
		{ "LEADKEEP_TWILIO_AUTH_TOKEN", offsetof(settings, twilio_auth_token) },
		{ "LEADKEEP_SENDGRID_KEY", offsetof(settings, sendgrid_key) },
		{ "LEADKEEP_MAILGUN_SIGNING_KEY", offsetof(settings, mailgun_signing_key) },
		{ "LEADKEEP_MAILGUN_KEY", offsetof(settings, mailgun_key) },
		{ "LEADKEEP_META_APP_SECRET", offsetof(settings, meta_app_secret) },
		{ "LEADKEEP_META_VERIFY_TOKEN", offsetof(settings, meta_verify_token) },
		{ "LEADKEEP_GOOGLE_KEY", offsetof(settings, google_key) },
		{ "LEADKEEP_PUBLIC_URL", offsetof(settings, public_url) },
	};

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i].var), *path;
		char name[64], line[1024];
		FILE *f;

		if (v != NULL && *v != '\0') {
			set_str((char **)((char *)st + vars[i].off), v);
			continue;
		}
		snprintf(name, sizeof name, "%s_FILE", vars[i].var);
		if ((path = getenv(name)) == NULL || *path == '\0')
			continue;
		if ((f = fopen(path, "r")) == NULL) {
			snprintf(err, errlen, "%s: cannot read %s", name, path);
			return -1;
		}
		if (fgets(line, sizeof line, f) == NULL)
			line[0] = '\0';
		fclose(f);
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0')
			set_str((char **)((char *)st + vars[i].off), line);
	}
	return 0;
}

settings *
settings_load(const char *path, char *err, size_t errlen)
{
	settings *st = calloc(1, sizeof *st);
	settings_source *src = NULL;
	char line[LINE_MAX_LEN], sec[128] = "";
	FILE *f = NULL;
	int lineno = 0;

	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	settings_defaults(st);
	if (path != NULL && (f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		char *p, *eq, *k, *v;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line longer than %d bytes", path, lineno,
				 LINE_MAX_LEN);
			goto fail;
		}
		p = str_trim(line);
		if (*p == '#' || *p == ';' || *p == '\0')
			continue;
		if (*p == '[') {
			char type[32], key[96], extra[2];
			int n;

			char *close = strchr(p, ']'), *rest = close ? str_trim(close + 1) : NULL;

			if (close == NULL || (*rest != '\0' && *rest != '#')) {
				snprintf(err, errlen, "%s:%d: expected \"[section]\"", path, lineno);
				goto fail;
			}
			*close = '\0';
			n = sscanf(p + 1, "%31s %95s %1s", type, key, extra);
			src = NULL;
			if (n == 1 && (strcmp(type, "server") == 0 || strcmp(type, "twilio") == 0 ||
				       strcmp(type, "sendgrid") == 0 || strcmp(type, "mailgun") == 0 ||
				       strcmp(type, "meta") == 0 || strcmp(type, "google") == 0)) {
				snprintf(sec, sizeof sec, "%s", type);
				continue;
			}
			if (n == 2 && (strcmp(type, "form") == 0 || strcmp(type, "hook") == 0) &&
			    valid_key(key)) {
				if (settings_source_find(st, type, key) != NULL) {
					snprintf(err, errlen, "%s:%d: [%s %s] appears twice", path,
						 lineno, type, key);
					goto fail;
				}
				snprintf(sec, sizeof sec, "%s", type);
				if ((src = add_source(st, type, key)) == NULL)
					goto oom;
				continue;
			}
			snprintf(err, errlen, "%s:%d: unknown section \"[%s]\": expected [server], "
				 "[twilio], [sendgrid], [mailgun], [meta], [google], [form KEY] or "
				 "[hook KEY] (KEY: letters, digits, - and _)", path, lineno, p + 1);
			goto fail;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected \"key = value\"", path, lineno);
			goto fail;
		}
		*eq = '\0';
		k = str_trim(p);
		v = str_trim(eq + 1);
		if (*v == '"' && strchr(v + 1, '"') != NULL) {
			/* "quoted": may hold '#'; anything after the quote must be a comment */
			char *close = strchr(v + 1, '"'), *rest = str_trim(close + 1);

			if (*rest != '\0' && *rest != '#') {
				snprintf(err, errlen, "%s:%d: %s: text after the closing quote", path,
					 lineno, k);
				goto fail;
			}
			*close = '\0';
			v++;
		} else {
			/* a '#' after a blank starts a comment */
			for (char *c = v; *c; c++)
				if (*c == '#' && c > v && (c[-1] == ' ' || c[-1] == '\t')) {
					*c = '\0';
					v = str_trim(v);
					break;
				}
		}
		if (strncmp(v, "env:", 4) == 0) {
			const char *ev = getenv(v + 4);

			if (ev == NULL) {
				snprintf(err, errlen, "%s:%d: %s: environment variable %s is not set",
					 path, lineno, k, v + 4);
				goto fail;
			}
			v = (char *)ev;
		}
		if (apply(st, sec, src, k, v) < 0) {
			/* never echo the value: it may be a secret */
			snprintf(err, errlen, "%s:%d: [%s%s%s] %s: unknown key or bad value "
				 "(see docs/sources.md)", path, lineno, sec[0] ? sec : "server",
				 src ? " " : "", src ? src->key : "", k);
			goto fail;
		}
	}
	if (f != NULL)
		fclose(f);
	if (from_env(st, err, errlen) < 0) {
		settings_free(st);
		return NULL;
	}
	if (st->body_memory < st->max_body || st->body_memory < st->email_max_body) {
		snprintf(err, errlen, "%s: body_memory must be at least max_body and email_max_body "
			 "(one request of the largest size must fit)", path ? path : "settings");
		settings_free(st);
		return NULL;
	}
	return st;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	if (f != NULL)
		fclose(f);
	settings_free(st);
	return NULL;
}

void
settings_free(settings *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->nsources; i++) {
		settings_source *s = &st->sources[i];

		for (size_t j = 0; j < s->nmap; j++) {
			free(s->map[j].from);
			free(s->map[j].to);
		}
		free(s->map);
		free(s->type);
		free(s->key);
		free(s->honeypot);
		free(s->thank_you);
		free(s->secret);
		free(s->signature_header);
		free(s->lead_kind);
		free(s->service);
		free(s->owner);
		free(s->source);
	}
	free(st->sources);
	free(st->trusted);
	free(st->listen);
	free(st->public_url);
	free(st->twilio_auth_token);
	free(st->twilio_forward_to);
	free(st->sendgrid_key);
	free(st->mailgun_signing_key);
	free(st->mailgun_key);
	free(st->meta_app_secret);
	free(st->meta_verify_token);
	free(st->google_key);
	free(st);
}

const settings_source *
settings_source_find(const settings *st, const char *type, const char *key)
{
	for (size_t i = 0; st && i < st->nsources; i++)
		if (strcmp(st->sources[i].type, type) == 0 && strcmp(st->sources[i].key, key) == 0)
			return &st->sources[i];
	return NULL;
}

bool
settings_trusted(const settings *st, uint32_t ip)
{
	for (size_t i = 0; st && i < st->ntrusted; i++)
		if ((ip & st->trusted[i].mask) == st->trusted[i].addr)
			return true;
	return false;
}

/*
 * http_settings.c - reads the server's file (server.yaml) and the `sources`
 * section of the business's file into settings (http_settings.h): the keys
 * of each and what their values mean. The walking, FILE:LINE:COL messages
 * and secrets (env:NAME, file:PATH) are the one reader's
 * (rules/rules_reader.h). Values are never logged or put in a message.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_settings.h"
#include "rules/rules_reader.h"

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v ? strdup(v) : NULL;
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
parse_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = (int)n;
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
	char buf[1024];
	char *save = NULL;

	if (strlen(v) >= sizeof buf)
		return -1;
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

/* --- the server's file --------------------------------------------------- */

static const char *const server_keys[] = {
	"listen", "threads", "data", "rules", "public_url", "trusted_proxies", "max_body",
	"email_max_body", "api_rate_limit", "connection_limit", "per_ip_connection_limit",
	"connection_timeout", "header_timeout", "body_timeout", "body_memory", "body_spill",
	"public_rate_limit", "public_rate_limit_all", "files", NULL
};
enum { S_LISTEN, S_THREADS, S_DATA, S_RULES, S_PUBLIC_URL, S_TRUSTED, S_MAX_BODY,
       S_EMAIL_MAX_BODY, S_API_RATE, S_CONN_LIMIT, S_PER_IP, S_CONN_TIMEOUT, S_HEADER_TIMEOUT,
       S_BODY_TIMEOUT, S_BODY_MEMORY, S_BODY_SPILL, S_PUBLIC_RATE, S_PUBLIC_RATE_ALL, S_FILES,
       S_N };

#define SIZE_WORDS "a size from 1k to 256M, like 512k or 1M"
#define RATE_WORDS "a rate like 10/min, 100/hour or 5/10m"
#define SECS_WORDS "a duration from 1s to 1h, like 30s or 2m"

static void
read_size(rl_ctx *c, yaml_node_t *n, const char *key, size_t *out)
{
	const char *v;

	if (n != NULL && (v = rl_scalar(c, n, key)) != NULL && parse_size(v, out) < 0)
		rl_error(c, n, "\"%s\" must be " SIZE_WORDS, key);
}

static void
read_rate(rl_ctx *c, yaml_node_t *n, const char *key, bool may_be_off, int *count,
	  int64_t *period)
{
	const char *v;

	if (n == NULL || (v = rl_scalar(c, n, key)) == NULL)
		return;
	if ((may_be_off ? parse_rate_or_off(v, count, period) : parse_rate(v, count, period)) < 0)
		rl_error(c, n, "\"%s\" must be " RATE_WORDS "%s", key, may_be_off ? ", or off" : "");
}

static void
read_seconds(rl_ctx *c, yaml_node_t *n, const char *key, int *out)
{
	const char *v;

	if (n != NULL && (v = rl_scalar(c, n, key)) != NULL && parse_seconds(v, 1, 3600, out) < 0)
		rl_error(c, n, "\"%s\" must be " SECS_WORDS, key);
}

static void
read_count(rl_ctx *c, yaml_node_t *n, const char *key, long lo, long hi, unsigned *out)
{
	long x;

	if (n != NULL && rl_int(c, n, key, lo, hi, &x) == 0)
		*out = (unsigned)x;
}

static void
read_public_url(rl_ctx *c, yaml_node_t *n, char **out)
{
	const char *v;
	size_t len;

	if (n == NULL || (v = rl_scalar(c, n, "public_url")) == NULL)
		return;
	if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) {
		rl_error(c, n, "\"public_url\" must start with http:// or https://");
		return;
	}
	set_str(out, v);
	/* no trailing slash: paths are appended */
	while (*out != NULL && (len = strlen(*out)) > 8 && (*out)[len - 1] == '/')
		(*out)[len - 1] = '\0';
}

/* A list of addresses and networks, or one string of them ("a, b"). */
static void
read_trusted(rl_ctx *c, yaml_node_t *n, settings *st)
{
	const char *v;

	if (n == NULL)
		return;
	if (n->type == YAML_SCALAR_NODE) {
		if ((v = rl_scalar(c, n, "trusted_proxies")) != NULL && parse_nets(st, v) < 0)
			rl_error(c, n, "\"trusted_proxies\" must be IPv4 addresses or networks "
				 "like 127.0.0.1 or 10.0.0.0/8");
		return;
	}
	if (!rl_is_list(c, n, "trusted_proxies"))
		return;
	for (size_t i = 0; i < rl_list_len(n); i++) {
		yaml_node_t *it = rl_list_item(c, n, i);

		if (it != NULL && (v = rl_scalar(c, it, "trusted_proxies")) != NULL &&
		    parse_nets(st, v) < 0)
			rl_error(c, it, "\"trusted_proxies\": \"%s\" is not an IPv4 address or "
				 "network like 10.0.0.0/8", v);
	}
}

static void
walk_server(rl_ctx *c, yaml_node_t *root)
{
	settings *st = c->user;
	yaml_node_t *v[S_N];
	long threads;

	if (!rl_fields(c, root, "the server configuration", server_keys, v, NULL))
		return;
	if (v[S_LISTEN] != NULL)
		rl_string(c, v[S_LISTEN], "listen", &st->listen);
	if (v[S_THREADS] != NULL && rl_int(c, v[S_THREADS], "threads", 0, 1024, &threads) == 0)
		st->threads = (unsigned)threads;
	if (v[S_DATA] != NULL)
		rl_string(c, v[S_DATA], "data", &st->data_dir);
	if (v[S_FILES] != NULL)
		rl_string(c, v[S_FILES], "files", &st->files_dir);
	if (v[S_RULES] != NULL)
		rl_string(c, v[S_RULES], "rules", &st->rules_file);
	read_public_url(c, v[S_PUBLIC_URL], &st->public_url);
	read_trusted(c, v[S_TRUSTED], st);
	read_size(c, v[S_MAX_BODY], "max_body", &st->max_body);
	read_size(c, v[S_EMAIL_MAX_BODY], "email_max_body", &st->email_max_body);
	read_rate(c, v[S_API_RATE], "api_rate_limit", false, &st->api_rate_count,
		  &st->api_rate_period);
	read_count(c, v[S_CONN_LIMIT], "connection_limit", 16, 1000000, &st->connection_limit);
	read_count(c, v[S_PER_IP], "per_ip_connection_limit", 0, 1000000,
		   &st->per_ip_connection_limit);
	read_seconds(c, v[S_CONN_TIMEOUT], "connection_timeout", &st->connection_timeout);
	read_seconds(c, v[S_HEADER_TIMEOUT], "header_timeout", &st->header_timeout);
	read_seconds(c, v[S_BODY_TIMEOUT], "body_timeout", &st->body_timeout);
	read_size(c, v[S_BODY_MEMORY], "body_memory", &st->body_memory);
	read_size(c, v[S_BODY_SPILL], "body_spill", &st->body_spill);
	read_rate(c, v[S_PUBLIC_RATE], "public_rate_limit", true, &st->public_rate_count,
		  &st->public_rate_period);
	read_rate(c, v[S_PUBLIC_RATE_ALL], "public_rate_limit_all", true,
		  &st->public_rate_all_count, &st->public_rate_all_period);
	if (st->body_memory < st->max_body || st->body_memory < st->email_max_body)
		rl_error(c, v[S_BODY_MEMORY] ? v[S_BODY_MEMORY] : root, "\"body_memory\" must be "
			 "at least max_body and email_max_body (one request of the largest size "
			 "must fit)");
}

/* "key = value" or "[section]" on the first line that says anything: the
 * old serve.conf. */
static bool
looks_like_serve_conf(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");
	bool old = false;

	if (f == NULL)
		return false;
	while (fgets(line, sizeof line, f) != NULL) {
		const char *p = line + strspn(line, " \t"), *q;

		if (*p == '#' || *p == ';' || *p == '\n' || *p == '\r' || *p == '\0')
			continue;
		/* "[section]" or "key = value": no YAML key reads like that */
		q = p + strspn(p, "abcdefghijklmnopqrstuvwxyz_.");
		old = (*p == '[' && strchr(p, ']') != NULL && strchr(p, ',') == NULL) ||
		      (q > p && q[strspn(q, " \t")] == '=');
		break;
	}
	fclose(f);
	return old;
}

settings *
settings_load(const char *path, rules_diags *diags)
{
	settings *st = calloc(1, sizeof *st);

	memset(diags, 0, sizeof *diags);
	if (st == NULL)
		return NULL;
	settings_defaults(st);
	if (path == NULL)
		return st;
	if (rl_read_file(path, "server configuration", walk_server, st, RL_EMPTY_OK, diags) < 0) {
		/* The one format the reader cannot help with: say what to run. */
		if (looks_like_serve_conf(path)) {
			rules_diags_free(diags);
			rules_diags_add(diags, path, 1, 1, false, "this is the old key = value "
					"serve.conf: translate it with `leadkeep config migrate %s`",
					path);
		}
		settings_free(st);
		return NULL;
	}
	return st;
}

/* --- the business's sources ------------------------------------------------ */

static const char *const form_keys[] = {
	"map", "honeypot", "thank_you", "kind", "service", "owner", "source", "rate_limit", NULL
};
enum { F_MAP, F_HONEYPOT, F_THANK_YOU, F_KIND, F_SERVICE, F_OWNER, F_SOURCE, F_RATE, F_N };
static const char *const hook_keys[] = {
	"map", "secret", "signature_header", "require_timestamp", "kind", "service", "owner",
	"source", NULL
};
enum { H_MAP, H_SECRET, H_SIGNATURE_HEADER, H_REQUIRE_TIMESTAMP, H_KIND, H_SERVICE,
       H_OWNER, H_SOURCE, H_N };
static const char *const sources_keys[] = {
	"forms", "hooks", "twilio", "sendgrid", "mailgun", "meta", "google", NULL
};
enum { SRC_FORMS, SRC_HOOKS, SRC_TWILIO, SRC_SENDGRID, SRC_MAILGUN, SRC_META, SRC_GOOGLE,
       SRC_N };
static const char *const twilio_source_keys[] = {
	"forward_to", "dial_timeout", "missed_call_under", NULL
};
static const char *const sendgrid_keys[] = { "key", NULL };
static const char *const mailgun_keys[] = { "signing_key", "key", "max_age", NULL };
static const char *const meta_keys[] = { "app_secret", "verify_token", "page_ids", NULL };
static const char *const google_keys[] = { "key", "store_test_leads", NULL };

static void
read_map(rl_ctx *c, yaml_node_t *n, settings_source *src)
{
	if (!rl_is_map(c, n, "map"))
		return;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top && rl_tick(c); p++) {
		yaml_node_t *k = rl_node(c, p->key), *v = rl_node(c, p->value);
		const char *from = rl_scalar(c, k, "map"), *to = rl_scalar(c, v, "map");
		settings_map *m;
		char list[256];

		if (from == NULL || to == NULL)
			continue;
		if (!known_lead_field(to)) {
			rl_error(c, v, "map: \"%s\" is not a lead field (expected one of: %s)", to,
				 rl_join(list, sizeof list, lead_fields,
					 sizeof lead_fields / sizeof *lead_fields - 1,
					 sizeof *lead_fields));
			continue;
		}
		if ((m = realloc(src->map, (src->nmap + 1) * sizeof *m)) == NULL) {
			c->oom = true;
			return;
		}
		src->map = m;
		m[src->nmap].from = rl_strdup(c, from);
		m[src->nmap].to = rl_strdup(c, to);
		src->nmap++;
	}
}

static settings_source *
add_source(rl_ctx *c, settings *st, const char *type, const char *key)
{
	settings_source *s = realloc(st->sources, (st->nsources + 1) * sizeof *s);

	if (s == NULL) {
		c->oom = true;
		return NULL;
	}
	st->sources = s;
	s = &st->sources[st->nsources++];
	memset(s, 0, sizeof *s);
	s->type = rl_strdup(c, type);
	s->key = rl_strdup(c, key);
	s->rate_count = 10;
	s->rate_period = 60;
	return s;
}

/* forms: or hooks: - a mapping from each source's KEY (its URL) to its settings. */
static void
read_doors(rl_ctx *c, yaml_node_t *n, settings *st, bool form)
{
	const char *what = form ? "forms" : "hooks";

	if (n == NULL || !rl_is_map(c, n, what))
		return;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top && rl_tick(c); p++) {
		yaml_node_t *kn = rl_node(c, p->key), *body = rl_node(c, p->value);
		yaml_node_t *v[(int)F_N > (int)H_N ? (int)F_N : (int)H_N];
		const char *key = rl_scalar(c, kn, what);
		char where[128];
		settings_source *src;

		if (key == NULL)
			continue;
		if (!valid_key(key)) {
			rl_error(c, kn, "%s: \"%.64s\" cannot be a URL key (letters, digits, - and _, "
				 "at most 64)", what, key);
			continue;
		}
		if (settings_source_find(st, form ? "form" : "hook", key) != NULL) {
			rl_error(c, kn, "%s: \"%s\" appears twice", what, key);
			continue;
		}
		snprintf(where, sizeof where, "%s %s", form ? "form" : "hook", key);
		/* "contact:" with nothing: a door with every default */
		if (rl_is_null(body)) {
			add_source(c, st, form ? "form" : "hook", key);
			continue;
		}
		if (!rl_fields(c, body, where, form ? form_keys : hook_keys, v, NULL) ||
		    (src = add_source(c, st, form ? "form" : "hook", key)) == NULL)
			continue;
		if (v[form ? F_MAP : H_MAP] != NULL)
			read_map(c, v[form ? F_MAP : H_MAP], src);
		if (v[form ? F_KIND : H_KIND] != NULL)
			rl_string(c, v[form ? F_KIND : H_KIND], "kind", &src->lead_kind);
		if (v[form ? F_SERVICE : H_SERVICE] != NULL)
			rl_string(c, v[form ? F_SERVICE : H_SERVICE], "service", &src->service);
		if (v[form ? F_OWNER : H_OWNER] != NULL)
			rl_string(c, v[form ? F_OWNER : H_OWNER], "owner", &src->owner);
		if (v[form ? F_SOURCE : H_SOURCE] != NULL)
			rl_string(c, v[form ? F_SOURCE : H_SOURCE], "source", &src->source);
		if (form) {
			if (v[F_HONEYPOT] != NULL)
				rl_string(c, v[F_HONEYPOT], "honeypot", &src->honeypot);
			if (v[F_THANK_YOU] != NULL)
				rl_string(c, v[F_THANK_YOU], "thank_you", &src->thank_you);
			read_rate(c, v[F_RATE], "rate_limit", false, &src->rate_count,
				  &src->rate_period);
			continue;
		}
		if (v[H_SECRET] != NULL)
			rl_secret(c, v[H_SECRET], "secret", false, &src->secret);
		if (v[H_SIGNATURE_HEADER] != NULL)
			rl_string(c, v[H_SIGNATURE_HEADER], "signature_header",
				  &src->signature_header);
		if (v[H_REQUIRE_TIMESTAMP] != NULL)
			rl_bool(c, v[H_REQUIRE_TIMESTAMP], "require_timestamp",
				&src->require_timestamp);
	}
}

/* A duration in seconds within [lo, hi]. */
static void
read_secs_range(rl_ctx *c, yaml_node_t *n, const char *key, int64_t lo, int64_t hi,
		int64_t *out)
{
	int64_t d;

	if (n == NULL)
		return;
	if (rl_duration(c, n, key, &d) == 0) {
		if (d < lo || d > hi)
			rl_error(c, n, "\"%s\" must be from %llds to %llds", key, (long long)lo,
				 (long long)hi);
		else
			*out = d;
	}
}

/* page_ids: [123, "456"] - a Meta page id is digits (a JSON number or
 * string in Meta's notifications), kept as text. */
static void
read_pages(rl_ctx *c, yaml_node_t *n, settings *st)
{
	if (!rl_is_list(c, n, "page_ids"))
		return;
	for (size_t i = 0; i < rl_list_len(n) && rl_tick(c); i++) {
		yaml_node_t *it = rl_list_item(c, n, i);
		const char *id = rl_scalar(c, it, "page_ids");
		size_t len = id ? strlen(id) : 0;
		char **p;

		if (id == NULL)
			continue;
		if (len == 0 || len > 31 || strspn(id, "0123456789") != len) {
			rl_error(c, it, "page_ids: \"%.40s\" is not a Meta page id (digits, at most "
				 "31)", id);
			continue;
		}
		if (settings_meta_page(st, id)) {
			rl_error(c, it, "page_ids: \"%s\" appears twice", id);
			continue;
		}
		if ((p = realloc(st->meta_pages, (st->nmeta_pages + 1) * sizeof *p)) == NULL) {
			c->oom = true;
			return;
		}
		st->meta_pages = p;
		if ((p[st->nmeta_pages] = rl_strdup(c, id)) != NULL)
			st->nmeta_pages++;
	}
}

static void
read_sources(rl_ctx *c, yaml_node_t *n, settings *st)
{
	yaml_node_t *v[SRC_N], *x[4];
	int64_t d;

	if (!rl_fields(c, n, "sources", sources_keys, v, NULL))
		return;
	read_doors(c, v[SRC_FORMS], st, true);
	read_doors(c, v[SRC_HOOKS], st, false);
	if (v[SRC_TWILIO] != NULL &&
	    rl_fields(c, v[SRC_TWILIO], "sources twilio", twilio_source_keys, x, NULL)) {
		if (x[0] != NULL)
			rl_string(c, x[0], "forward_to", &st->twilio_forward_to);
		d = st->twilio_dial_timeout;
		read_secs_range(c, x[1], "dial_timeout", 5, 600, &d);
		st->twilio_dial_timeout = (int)d;
		d = st->twilio_missed_seconds;
		read_secs_range(c, x[2], "missed_call_under", 0, 3600, &d);
		st->twilio_missed_seconds = (int)d;
	}
	if (v[SRC_SENDGRID] != NULL &&
	    rl_fields(c, v[SRC_SENDGRID], "sources sendgrid", sendgrid_keys, x, NULL) &&
	    x[0] != NULL)
		rl_secret(c, x[0], "key", false, &st->sendgrid_key);
	if (v[SRC_MAILGUN] != NULL &&
	    rl_fields(c, v[SRC_MAILGUN], "sources mailgun", mailgun_keys, x, NULL)) {
		if (x[0] != NULL)
			rl_secret(c, x[0], "signing_key", false, &st->mailgun_signing_key);
		if (x[1] != NULL)
			rl_secret(c, x[1], "key", false, &st->mailgun_key);
		read_secs_range(c, x[2], "max_age", 0, (int64_t)3650 * 86400, &st->mailgun_max_age);
	}
	if (v[SRC_META] != NULL && rl_fields(c, v[SRC_META], "sources meta", meta_keys, x, NULL)) {
		if (x[0] != NULL)
			rl_secret(c, x[0], "app_secret", false, &st->meta_app_secret);
		if (x[1] != NULL)
			rl_secret(c, x[1], "verify_token", false, &st->meta_verify_token);
		if (x[2] != NULL)
			read_pages(c, x[2], st);
	}
	if (v[SRC_GOOGLE] != NULL &&
	    rl_fields(c, v[SRC_GOOGLE], "sources google", google_keys, x, NULL)) {
		if (x[0] != NULL)
			rl_secret(c, x[0], "key", false, &st->google_key);
		if (x[1] != NULL)
			rl_bool(c, x[1], "store_test_leads", &st->google_store_tests);
	}
}

static void
walk_sources(rl_ctx *c, yaml_node_t *root)
{
	settings *st = c->user;
	yaml_node_t *n = rl_map_get(c, root, "sources");
	yaml_node_t *tw = rl_map_get(c, rl_map_get(c, root, "providers"), "twilio");
	yaml_node_t *token = rl_map_get(c, tw, "auth_token");
	yaml_node_t *service = rl_map_get(c, tw, "messaging_service_sid");

	/* The rules loader reports a root that is not a mapping. */
	if (n != NULL && !rl_is_null(n))
		read_sources(c, n, st);
	/* Twilio signs its requests to us with the account's auth token, the one
	 * the texts are sent with; the providers' reader checks the rest. */
	if (token != NULL)
		rl_secret(c, token, "auth_token", false, &st->twilio_auth_token);
	if (service != NULL)
		rl_string(c, service, "messaging_service_sid", &st->twilio_service);
	if ((tw = rl_map_get(c, tw, "from")) != NULL)
		rl_string(c, tw, "from", &st->twilio_number);
}

int
settings_load_sources(settings *st, const char *path, bool check_only, rules_diags *diags)
{
	memset(diags, 0, sizeof *diags);
	if (path == NULL)
		return 0;
	return rl_read_file(path, "business file", walk_sources, st,
			    check_only ? RL_CHECK_ONLY : 0, diags);
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
		rl_secret_free(s->secret);
		free(s->signature_header);
		free(s->lead_kind);
		free(s->service);
		free(s->owner);
		free(s->source);
	}
	free(st->sources);
	free(st->trusted);
	free(st->listen);
	free(st->data_dir);
	free(st->files_dir);
	free(st->rules_file);
	free(st->public_url);
	rl_secret_free(st->twilio_auth_token);
	free(st->twilio_forward_to);
	free(st->twilio_number);
	rl_secret_free(st->sendgrid_key);
	rl_secret_free(st->mailgun_signing_key);
	rl_secret_free(st->mailgun_key);
	rl_secret_free(st->meta_app_secret);
	rl_secret_free(st->meta_verify_token);
	for (size_t i = 0; i < st->nmeta_pages; i++)
		free(st->meta_pages[i]);
	free(st->meta_pages);
	free(st->twilio_service);
	rl_secret_free(st->google_key);
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
settings_meta_page(const settings *st, const char *page_id)
{
	for (size_t i = 0; st && page_id && i < st->nmeta_pages; i++)
		if (strcmp(st->meta_pages[i], page_id) == 0)
			return true;
	return false;
}

bool
settings_claims_clash(const settings *a, const settings *b, char *what, size_t len)
{
	if (a == NULL || b == NULL)
		return false;
	for (size_t i = 0; i < a->nmeta_pages; i++)
		if (settings_meta_page(b, a->meta_pages[i])) {
			snprintf(what, len, "the Meta page id %s", a->meta_pages[i]);
			return true;
		}
	if (a->twilio_service != NULL && b->twilio_service != NULL &&
	    strcmp(a->twilio_service, b->twilio_service) == 0) {
		snprintf(what, len, "the Twilio messaging service %.40s", a->twilio_service);
		return true;
	}
	if (a->twilio_number != NULL && b->twilio_number != NULL &&
	    strcmp(a->twilio_number, b->twilio_number) == 0) {
		snprintf(what, len, "the Twilio number %.40s", a->twilio_number);
		return true;
	}
	return false;
}

bool
settings_trusted(const settings *st, uint32_t ip)
{
	for (size_t i = 0; st && i < st->ntrusted; i++)
		if ((ip & st->trusted[i].mask) == st->trusted[i].addr)
			return true;
	return false;
}

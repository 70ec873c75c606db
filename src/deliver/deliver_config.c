/*
 * deliver_config.c - delivery settings from the `providers` section of the
 * business's file (docs/delivery.md): which provider sends texts and emails,
 * their accounts, outbound webhooks and the dispatcher's pace. Secrets are
 * env:NAME or file:PATH references resolved at load (rules/rules_reader.h),
 * held in memory only and never logged or echoed in an error.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver_internal.h"
#include "rules/rules_reader.h"

static const char *const providers_keys[] = {
	"sms", "email", "twilio", "smtp", "webhooks", "delivery", NULL
};
enum { P_SMS, P_EMAIL, P_TWILIO, P_SMTP, P_WEBHOOKS, P_DELIVERY, P_N };
static const char *const twilio_keys[] = {
	"account_sid", "auth_token", "from", "messaging_service_sid", "base_url", "lookup",
	"lookup_url", NULL
};
enum { TW_SID, TW_TOKEN, TW_FROM, TW_MSID, TW_BASE, TW_LOOKUP, TW_LOOKUP_URL, TW_N };
static const char *const smtp_keys[] = {
	"url", "user", "password", "from", "tls", "ca_file", NULL
};
enum { SM_URL, SM_USER, SM_PASSWORD, SM_FROM, SM_TLS, SM_CA, SM_N };
static const char *const webhooks_keys[] = { "urls", "secret", NULL };
static const char *const delivery_keys[] = {
	"concurrency", "max_attempts", "sms_rate", "email_rate", "backoff", "backoff_cap",
	"timeout", NULL
};
enum { D_CONC, D_ATTEMPTS, D_SMS_RATE, D_EMAIL_RATE, D_BACKOFF, D_BACKOFF_CAP, D_TIMEOUT,
       D_N };

/* The address inside "Name <addr>", or the whole string; NULL if unusable. */
static char *
address_of(const char *from)
{
	const char *lt = strchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	size_t n = lt && gt ? (size_t)(gt - lt - 1) : strlen(from);
	const char *a = lt && gt ? lt + 1 : from;
	char *out;

	if (n == 0 || n > 254)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)a[i]) || a[i] == '<' || a[i] == '>' || a[i] == ',' ||
		    (unsigned char)a[i] < 0x20)
			return NULL;
	if (memchr(a, '@', n) == NULL || (out = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(out, a, n);
	out[n] = '\0';
	return out;
}

static char *
strip_slash(char *url)
{
	size_t n = url ? strlen(url) : 0;

	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
	return url;
}

static bool
is_http_url(const char *u)
{
	return strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0;
}

static void
read_twilio(rl_ctx *c, yaml_node_t *n, deliver_config *cfg)
{
	yaml_node_t *v[TW_N];

	if (!rl_fields(c, n, "providers twilio", twilio_keys, v, NULL))
		return;
	if (v[TW_SID] != NULL)
		rl_string(c, v[TW_SID], "account_sid", &cfg->tw_sid);
	if (v[TW_TOKEN] != NULL)
		rl_secret(c, v[TW_TOKEN], "auth_token", false, &cfg->tw_token);
	if (v[TW_FROM] != NULL)
		rl_string(c, v[TW_FROM], "from", &cfg->tw_from);
	if (v[TW_MSID] != NULL)
		rl_string(c, v[TW_MSID], "messaging_service_sid", &cfg->tw_msid);
	if (v[TW_BASE] != NULL && rl_string(c, v[TW_BASE], "base_url", &cfg->tw_base) == 0) {
		strip_slash(cfg->tw_base);
		if (!is_http_url(cfg->tw_base))
			rl_error(c, v[TW_BASE], "\"base_url\" must be an http(s) URL");
	}
	/* off by default: Twilio bills each lookup */
	if (v[TW_LOOKUP] != NULL)
		rl_bool(c, v[TW_LOOKUP], "lookup", &cfg->tw_lookup);
	if (v[TW_LOOKUP_URL] != NULL &&
	    rl_string(c, v[TW_LOOKUP_URL], "lookup_url", &cfg->tw_lookup_base) == 0) {
		strip_slash(cfg->tw_lookup_base);
		if (!is_http_url(cfg->tw_lookup_base))
			rl_error(c, v[TW_LOOKUP_URL], "\"lookup_url\" must be an http(s) URL");
	}
}

static void
read_smtp(rl_ctx *c, yaml_node_t *n, deliver_config *cfg)
{
	static const char *const tls_words[] = { "off", "try", "require", NULL };
	yaml_node_t *v[SM_N];
	int tls;

	if (!rl_fields(c, n, "providers smtp", smtp_keys, v, NULL))
		return;
	/* The URL may carry credentials (smtps://user:pass@host): a reference
	 * then, but a plain smtp://host:587 may be written as it is. */
	if (v[SM_URL] != NULL)
		rl_secret(c, v[SM_URL], "url", true, &cfg->smtp_url);
	if (v[SM_USER] != NULL)
		rl_string(c, v[SM_USER], "user", &cfg->smtp_user);
	if (v[SM_PASSWORD] != NULL)
		rl_secret(c, v[SM_PASSWORD], "password", false, &cfg->smtp_password);
	if (v[SM_FROM] != NULL && rl_string(c, v[SM_FROM], "from", &cfg->smtp_from) == 0 &&
	    (cfg->smtp_from_addr = address_of(cfg->smtp_from)) == NULL)
		rl_error(c, v[SM_FROM], "\"from\" must be an address such as "
			 "\"Acme Plumbing <leads@acme.example>\"");
	if (v[SM_CA] != NULL)
		rl_string(c, v[SM_CA], "ca_file", &cfg->smtp_ca_file);
	/* STARTTLS whenever the server offers it; required once a password would
	 * cross the network, unless the operator says otherwise. */
	cfg->smtp_tls = cfg->smtp_user ? SMTP_TLS_REQUIRE : SMTP_TLS_TRY;
	if (v[SM_TLS] != NULL && (tls = rl_enum(c, v[SM_TLS], "tls", tls_words)) >= 0)
		cfg->smtp_tls = tls == 0 ? SMTP_TLS_OFF : tls == 1 ? SMTP_TLS_TRY : SMTP_TLS_REQUIRE;
}

static void
read_webhooks(rl_ctx *c, yaml_node_t *n, deliver_config *cfg)
{
	yaml_node_t *v[2];
	size_t count;

	if (!rl_fields(c, n, "providers webhooks", webhooks_keys, v, NULL))
		return;
	if (v[1] != NULL)
		rl_secret(c, v[1], "secret", false, &cfg->webhook_secret);
	if (v[0] == NULL || !rl_is_list(c, v[0], "urls"))
		return;
	count = rl_list_len(v[0]);
	if ((cfg->webhook_urls = rl_calloc(c, count, sizeof *cfg->webhook_urls)) == NULL)
		return;
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *it = rl_list_item(c, v[0], i);
		const char *u = it ? rl_scalar(c, it, "urls") : NULL;

		if (u == NULL)
			continue;
		if (!is_http_url(u)) {
			rl_error(c, it, "\"urls\": \"%.200s\" is not an http(s) URL", u);
			continue;
		}
		if ((cfg->webhook_urls[cfg->nwebhooks] = rl_strdup(c, u)) != NULL)
			cfg->nwebhooks++;
	}
	if (count > 0 && v[1] == NULL)
		rl_error(c, n, "webhooks has urls: set its secret too (receivers check the "
			 "X-Leadkeep-Signature header with it)");
}

static void
read_number(rl_ctx *c, yaml_node_t *n, const char *what, double lo, double hi, double *out)
{
	const char *v;
	char *end;
	double x;

	if (n == NULL || (v = rl_scalar(c, n, what)) == NULL)
		return;
	x = strtod(v, &end);
	if (end == v || *end != '\0' || x < lo || x > hi)
		rl_error(c, n, "\"%s\" must be a number from %g to %g", what, lo, hi);
	else
		*out = x;
}

static void
read_delivery(rl_ctx *c, yaml_node_t *n, deliver_config *cfg)
{
	yaml_node_t *v[D_N];
	int64_t t;
	long x;

	if (n == NULL || !rl_fields(c, n, "providers delivery", delivery_keys, v, NULL))
		return;
	if (v[D_CONC] != NULL && rl_int(c, v[D_CONC], "concurrency", 1, 256, &x) == 0)
		cfg->concurrency = (int)x;
	if (v[D_ATTEMPTS] != NULL && rl_int(c, v[D_ATTEMPTS], "max_attempts", 1, 100, &x) == 0)
		cfg->max_attempts = (int)x;
	read_number(c, v[D_SMS_RATE], "sms_rate", 0, 10000, &cfg->sms_rate);
	read_number(c, v[D_EMAIL_RATE], "email_rate", 0, 10000, &cfg->email_rate);
	if (v[D_BACKOFF] != NULL)
		rl_duration(c, v[D_BACKOFF], "backoff", &cfg->backoff_base);
	if (v[D_BACKOFF_CAP] != NULL)
		rl_duration(c, v[D_BACKOFF_CAP], "backoff_cap", &cfg->backoff_cap);
	if (v[D_TIMEOUT] != NULL && rl_duration(c, v[D_TIMEOUT], "timeout", &t) == 0)
		cfg->timeout = t > 0 ? (long)t : 30;
	if (cfg->backoff_cap < cfg->backoff_base)
		cfg->backoff_cap = cfg->backoff_base;
}

static void
pick(rl_ctx *c, yaml_node_t *n, const char *channel, const char *dflt,
     const deliver_provider **out)
{
	const char *name = n != NULL ? rl_scalar(c, n, channel) : dflt;

	if (name == NULL)
		return;
	if ((*out = deliver_provider_find(name, channel)) == NULL)
		rl_error(c, n, "\"%s\" must be %s", channel,
			 strcmp(channel, "sms") == 0 ? "log or twilio" : "log or smtp");
}

static void
walk_providers(rl_ctx *c, yaml_node_t *root)
{
	deliver_config *cfg = c->user;
	yaml_node_t *n = rl_map_get(c, root, "providers"), *v[P_N];
	yaml_node_t *at;
	char err[256];

	for (size_t i = 0; i < P_N; i++)
		v[i] = NULL;
	if (n != NULL && !rl_is_null(n)) {
		if (!rl_fields(c, n, "providers", providers_keys, v, NULL))
			return;
		if (v[P_TWILIO] != NULL)
			read_twilio(c, v[P_TWILIO], cfg);
		if (v[P_SMTP] != NULL)
			read_smtp(c, v[P_SMTP], cfg);
		if (v[P_WEBHOOKS] != NULL)
			read_webhooks(c, v[P_WEBHOOKS], cfg);
		read_delivery(c, v[P_DELIVERY], cfg);
	}
	/* Without a word, a provider whose account is set up sends (a Twilio
	 * section with only the auth token checks Twilio's requests to us). */
	pick(c, v[P_SMS], "sms", cfg->tw_sid ? "twilio" : "log", &cfg->sms);
	pick(c, v[P_EMAIL], "email", rl_map_get(c, v[P_SMTP], "url") ? "smtp" : "log",
	     &cfg->email);
	/* A provider without what it needs, said where it was chosen. With
	 * check_only the secrets were not read: only their form was checked. */
	if (c->check_only || c->diags->nerrors > 0)
		return;
	at = n != NULL ? n : root;
	if (cfg->sms != NULL && cfg->sms->check(cfg, err, sizeof err) < 0)
		rl_error(c, v[P_SMS] ? v[P_SMS] : v[P_TWILIO] ? v[P_TWILIO] : at, "%s", err);
	if (cfg->email != NULL && cfg->email->check(cfg, err, sizeof err) < 0)
		rl_error(c, v[P_EMAIL] ? v[P_EMAIL] : v[P_SMTP] ? v[P_SMTP] : at, "%s", err);
}

/* LEADKEEP_FAULT: a test seam (the crash tests kill the dispatcher at a
 * point), not configuration. */
static int
load_fault(deliver_config *c, char *err, size_t errlen)
{
	const char *v = getenv("LEADKEEP_FAULT");
	const char *colon;

	if (v == NULL || *v == '\0')
		return 0;
	colon = strchr(v, ':');
	snprintf(c->fault, sizeof c->fault, "%.*s", (int)(colon ? colon - v : (long)strlen(v)), v);
	c->fault_every = colon ? atoi(colon + 1) : 1;
	if ((strcmp(c->fault, "claimed") != 0 && strcmp(c->fault, "accepted") != 0) ||
	    c->fault_every < 1) {
		snprintf(err, errlen, "LEADKEEP_FAULT=\"%s\": expected claimed[:N] or accepted[:N]", v);
		return -1;
	}
	return 0;
}

static void
config_defaults(deliver_config *c)
{
	c->concurrency = 8;
	c->max_attempts = 8;
	c->sms_rate = 10;
	c->email_rate = 10;
	c->backoff_base = 30;
	c->backoff_cap = 3600;
	c->timeout = 30;
	c->smtp_tls = SMTP_TLS_TRY;
}

/* The providers section alone, into c: from the business's file, or the
 * defaults (the log provider for both) without one. */
static int
read_file(deliver_config *c, const char *path, bool check_only, rules_diags *diags)
{
	config_defaults(c);
	if (path != NULL)
		return rl_read_file(path, "business file", walk_providers, c,
				    check_only ? RL_CHECK_ONLY : 0, diags);
	c->sms = deliver_provider_find("log", "sms");
	c->email = deliver_provider_find("log", "email");
	return 0;
}

int
deliver_config_check(const char *path, rules_diags *diags)
{
	deliver_config *c = calloc(1, sizeof *c);
	int rc;

	memset(diags, 0, sizeof *diags);
	if (c == NULL)
		return -1;
	rc = read_file(c, path, true, diags);
	deliver_config_free(c);
	return rc;
}

deliver_config *
deliver_config_read(const char *business_file, rules_diags *diags)
{
	deliver_config *c = calloc(1, sizeof *c);

	memset(diags, 0, sizeof *diags);
	if (c == NULL)
		return NULL;
	/* the defaults a twilio: section's base_url and lookup_url replace */
	c->tw_base = strdup("https://api.twilio.com");
	c->tw_lookup_base = strdup("https://lookups.twilio.com");
	if (c->tw_base == NULL || c->tw_lookup_base == NULL ||
	    read_file(c, business_file, false, diags) < 0) {
		deliver_config_free(c);
		return NULL;
	}
	return c;
}

deliver_config *
deliver_config_bind(deliver_config *c, const deliver_options *o, char *err, size_t errlen)
{
	char path[4096];

	snprintf(err, errlen, "out of memory");
	if (c == NULL)
		return NULL;
	c->rules = o->rules;
	c->live = o->live;
	c->business_id = o->business_id;
	c->data_dir = strdup(o->data_dir);
	c->files_dir = strdup(o->files_dir ? o->files_dir : o->data_dir);
	snprintf(path, sizeof path, "%s/outbox.log", c->files_dir ? c->files_dir : "");
	c->log_path = strdup(o->log_path ? o->log_path : path);
	c->public_url = strip_slash(strdup(o->public_url ? o->public_url : ""));
	if (c->data_dir == NULL || c->files_dir == NULL || c->log_path == NULL ||
	    c->public_url == NULL)
		goto fail;
	if (load_fault(c, err, errlen) < 0 ||
	    deliver_link_key(c->files_dir, c->link_key, err, errlen) < 0)
		goto fail;
	return c;
fail:
	deliver_config_free(c);
	return NULL;
}

deliver_config *
deliver_config_load(const deliver_options *o, rules_diags *diags, char *err, size_t errlen)
{
	deliver_config *c = deliver_config_read(o->business_file, diags);

	if (c == NULL) {
		if (diags->nerrors > 0)
			snprintf(err, errlen, "%s: the providers section has errors",
				 o->business_file);
		else
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return deliver_config_bind(c, o, err, errlen);
}

void
deliver_config_free(deliver_config *c)
{
	if (c == NULL)
		return;
	free(c->data_dir);
	free(c->files_dir);
	free(c->log_path);
	free(c->public_url);
	free(c->tw_base);
	free(c->tw_lookup_base);
	free(c->tw_sid);
	rl_secret_free(c->tw_token);
	free(c->tw_from);
	free(c->tw_msid);
	rl_secret_free(c->smtp_url);
	free(c->smtp_user);
	rl_secret_free(c->smtp_password);
	free(c->smtp_from);
	free(c->smtp_from_addr);
	free(c->smtp_ca_file);
	for (size_t i = 0; i < c->nwebhooks; i++)
		free(c->webhook_urls[i]);
	free(c->webhook_urls);
	rl_secret_free(c->webhook_secret);
	memset(c->link_key, 0, sizeof c->link_key);
	free(c);
}

void
deliver_config_describe(const deliver_config *c, char *buf, size_t len)
{
	snprintf(buf, len, "sms=%s email=%s webhooks=%zu concurrency=%d max_attempts=%d "
		 "public_url=%s", c->sms->name, c->email->name, c->nwebhooks, c->concurrency,
		 c->max_attempts, c->public_url[0] ? c->public_url : "none");
}

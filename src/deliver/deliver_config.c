/*
 * deliver_config.c - delivery settings from the environment. Secrets may be
 * given directly (LEADKEEP_SMTP_PASSWORD) or as a file (…_FILE, first line),
 * are held in memory only and never logged or echoed in an error.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver_internal.h"

static char *
xstrdup_or_null(const char *v)
{
	return v && *v ? strdup(v) : NULL;
}

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* $NAME, else the first line of the file named by $NAME_FILE. */
static int
env_secret(const char *name, char **out, char *err, size_t errlen)
{
	char fname[96], line[1024];
	const char *path;
	FILE *f;

	*out = xstrdup_or_null(env(name));
	if (*out != NULL)
		return 0;
	snprintf(fname, sizeof fname, "%s_FILE", name);
	if ((path = env(fname)) == NULL)
		return 0;
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot read %s", fname, path);
		return -1;
	}
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	*out = xstrdup_or_null(line);
	return 0;
}

/* "30", "30s", "5m", "2h", "1d" -> seconds; -1 when malformed. */
static int64_t
parse_duration(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || v < 0)
		return -1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': v *= 60; break;
	case 'h': v *= 3600; break;
	case 'd': v *= 86400; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	return (int64_t)v;
}

static int
env_duration(const char *name, int64_t dflt, int64_t *out, char *err, size_t errlen)
{
	const char *v = env(name);

	*out = dflt;
	if (v == NULL)
		return 0;
	if ((*out = parse_duration(v)) < 0) {
		snprintf(err, errlen, "%s=\"%s\": expected seconds or a duration like 30s, 5m, 1h",
			 name, v);
		return -1;
	}
	return 0;
}

static int
env_number(const char *name, double dflt, double lo, double hi, double *out, char *err,
	   size_t errlen)
{
	const char *v = env(name);
	char *end;

	*out = dflt;
	if (v == NULL)
		return 0;
	*out = strtod(v, &end);
	if (end == v || *end != '\0' || *out < lo || *out > hi) {
		snprintf(err, errlen, "%s=\"%s\": expected a number from %g to %g", name, v, lo, hi);
		return -1;
	}
	return 0;
}

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

static int
load_webhooks(deliver_config *c, char *err, size_t errlen)
{
	const char *v = env("LEADKEEP_WEBHOOK_URLS");
	char *copy, *tok, *save = NULL;

	if (v == NULL)
		return 0;
	if ((copy = strdup(v)) == NULL)
		return -1;
	for (tok = strtok_r(copy, ", \t\n", &save); tok; tok = strtok_r(NULL, ", \t\n", &save)) {
		char **urls;

		if (!is_http_url(tok)) {
			snprintf(err, errlen, "LEADKEEP_WEBHOOK_URLS: \"%.200s\" is not an http(s) URL",
				 tok);
			free(copy);
			return -1;
		}
		if ((urls = realloc(c->webhook_urls, (c->nwebhooks + 1) * sizeof *urls)) == NULL) {
			free(copy);
			return -1;
		}
		c->webhook_urls = urls;
		if ((urls[c->nwebhooks] = strdup(tok)) == NULL) {
			free(copy);
			return -1;
		}
		c->nwebhooks++;
	}
	free(copy);
	if (c->nwebhooks > 0 && c->webhook_secret == NULL) {
		snprintf(err, errlen, "LEADKEEP_WEBHOOK_URLS is set: set LEADKEEP_WEBHOOK_SECRET too "
			 "(receivers check the X-Leadkeep-Signature header with it)");
		return -1;
	}
	return 0;
}

static int
pick_provider(const char *var, const char *channel, const char *dflt,
	      const deliver_provider **out, char *err, size_t errlen)
{
	const char *name = env(var) ? env(var) : dflt;

	if ((*out = deliver_provider_find(name, channel)) == NULL) {
		snprintf(err, errlen, "%s=\"%s\": expected %s", var, name,
			 strcmp(channel, "sms") == 0 ? "log or twilio" : "log or smtp");
		return -1;
	}
	return 0;
}

static int
load_limits(deliver_config *c, char *err, size_t errlen)
{
	double conc, attempts;
	int64_t timeout;

	if (env_number("LEADKEEP_DELIVER_CONCURRENCY", 8, 1, 256, &conc, err, errlen) < 0 ||
	    env_number("LEADKEEP_DELIVER_MAX_ATTEMPTS", 8, 1, 100, &attempts, err, errlen) < 0 ||
	    env_number("LEADKEEP_SMS_RATE", 10, 0, 10000, &c->sms_rate, err, errlen) < 0 ||
	    env_number("LEADKEEP_EMAIL_RATE", 10, 0, 10000, &c->email_rate, err, errlen) < 0 ||
	    env_duration("LEADKEEP_DELIVER_BACKOFF", 30, &c->backoff_base, err, errlen) < 0 ||
	    env_duration("LEADKEEP_DELIVER_BACKOFF_CAP", 3600, &c->backoff_cap, err, errlen) < 0 ||
	    env_duration("LEADKEEP_DELIVER_TIMEOUT", 30, &timeout, err, errlen) < 0)
		return -1;
	c->concurrency = (int)conc;
	c->max_attempts = (int)attempts;
	c->timeout = timeout > 0 ? (long)timeout : 30;
	if (c->backoff_cap < c->backoff_base)
		c->backoff_cap = c->backoff_base;
	return 0;
}

static int
load_fault(deliver_config *c, char *err, size_t errlen)
{
	const char *v = env("LEADKEEP_FAULT");
	const char *colon;

	if (v == NULL)
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

static int
load_twilio(deliver_config *c, char *err, size_t errlen)
{
	c->tw_base = strip_slash(strdup(env("LEADKEEP_TWILIO_BASE_URL") ?
				       env("LEADKEEP_TWILIO_BASE_URL") : "https://api.twilio.com"));
	c->tw_sid = xstrdup_or_null(env("LEADKEEP_TWILIO_ACCOUNT_SID"));
	c->tw_from = xstrdup_or_null(env("LEADKEEP_TWILIO_FROM"));
	c->tw_msid = xstrdup_or_null(env("LEADKEEP_TWILIO_MESSAGING_SERVICE_SID"));
	c->tw_lookup_base = strip_slash(strdup(env("LEADKEEP_TWILIO_LOOKUP_URL") ?
					       env("LEADKEEP_TWILIO_LOOKUP_URL") :
					       "https://lookups.twilio.com"));
	if (c->tw_base == NULL || c->tw_lookup_base == NULL)
		return -1;
	if (!is_http_url(c->tw_base)) {
		snprintf(err, errlen, "LEADKEEP_TWILIO_BASE_URL: expected an http(s) URL");
		return -1;
	}
	if (!is_http_url(c->tw_lookup_base)) {
		snprintf(err, errlen, "LEADKEEP_TWILIO_LOOKUP_URL: expected an http(s) URL");
		return -1;
	}
	/* off by default: each lookup is billed by Twilio */
	if (env("LEADKEEP_TWILIO_LOOKUP") != NULL) {
		const char *v = env("LEADKEEP_TWILIO_LOOKUP");

		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0) {
			snprintf(err, errlen, "LEADKEEP_TWILIO_LOOKUP=\"%.40s\": expected on or off", v);
			return -1;
		}
		c->tw_lookup = strcmp(v, "on") == 0;
	}
	return env_secret("LEADKEEP_TWILIO_AUTH_TOKEN", &c->tw_token, err, errlen);
}

static int
load_smtp(deliver_config *c, char *err, size_t errlen)
{
	const char *tls = env("LEADKEEP_SMTP_TLS");

	c->smtp_url = xstrdup_or_null(env("LEADKEEP_SMTP_URL"));
	c->smtp_user = xstrdup_or_null(env("LEADKEEP_SMTP_USER"));
	c->smtp_from = xstrdup_or_null(env("LEADKEEP_SMTP_FROM"));
	c->smtp_ca_file = xstrdup_or_null(env("LEADKEEP_SMTP_CA_FILE"));
	if (env_secret("LEADKEEP_SMTP_PASSWORD", &c->smtp_password, err, errlen) < 0)
		return -1;
	if (c->smtp_from != NULL && (c->smtp_from_addr = address_of(c->smtp_from)) == NULL) {
		snprintf(err, errlen, "LEADKEEP_SMTP_FROM: expected an address such as "
			 "\"Acme Plumbing <leads@acme.example>\"");
		return -1;
	}
	/* STARTTLS whenever the server offers it; required once a password would
	 * cross the network, unless the operator says otherwise. */
	c->smtp_tls = c->smtp_user ? SMTP_TLS_REQUIRE : SMTP_TLS_TRY;
	if (tls != NULL) {
		if (strcmp(tls, "off") == 0)
			c->smtp_tls = SMTP_TLS_OFF;
		else if (strcmp(tls, "try") == 0)
			c->smtp_tls = SMTP_TLS_TRY;
		else if (strcmp(tls, "require") == 0)
			c->smtp_tls = SMTP_TLS_REQUIRE;
		else {
			snprintf(err, errlen, "LEADKEEP_SMTP_TLS=\"%s\": expected try, require or off",
				 tls);
			return -1;
		}
	}
	return 0;
}

deliver_config *
deliver_config_load(const deliver_options *o, char *err, size_t errlen)
{
	deliver_config *c = calloc(1, sizeof *c);
	const char *pub = env("LEADKEEP_PUBLIC_URL") ? env("LEADKEEP_PUBLIC_URL") : o->public_url;
	char path[4096];

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(err, errlen, "out of memory");
	c->rules = o->rules;
	c->live = o->live;
	c->business_id = o->business_id;
	c->data_dir = strdup(o->data_dir);
	snprintf(path, sizeof path, "%s/outbox.log", o->data_dir);
	c->log_path = strdup(o->log_path ? o->log_path : path);
	c->public_url = strip_slash(strdup(pub ? pub : ""));
	if (c->data_dir == NULL || c->log_path == NULL || c->public_url == NULL)
		goto fail;
	if (load_twilio(c, err, errlen) < 0 || load_smtp(c, err, errlen) < 0 ||
	    env_secret("LEADKEEP_WEBHOOK_SECRET", &c->webhook_secret, err, errlen) < 0 ||
	    load_webhooks(c, err, errlen) < 0 || load_limits(c, err, errlen) < 0 ||
	    load_fault(c, err, errlen) < 0)
		goto fail;
	if (pick_provider("LEADKEEP_SMS_PROVIDER", "sms", c->tw_sid ? "twilio" : "log", &c->sms,
			  err, errlen) < 0 ||
	    pick_provider("LEADKEEP_EMAIL_PROVIDER", "email", c->smtp_url ? "smtp" : "log",
			  &c->email, err, errlen) < 0)
		goto fail;
	if (c->sms->check(c, err, errlen) < 0 || c->email->check(c, err, errlen) < 0)
		goto fail;
	if (deliver_link_key(c->data_dir, c->link_key, err, errlen) < 0)
		goto fail;
	return c;
fail:
	deliver_config_free(c);
	return NULL;
}

/* Overwrites a secret before freeing it. */
static void
free_secret(char *s)
{
	if (s != NULL) {
		volatile char *p = s;

		while (*p)
			*p++ = 0;
		free(s);
	}
}

void
deliver_config_free(deliver_config *c)
{
	if (c == NULL)
		return;
	free(c->data_dir);
	free(c->log_path);
	free(c->public_url);
	free(c->tw_base);
	free(c->tw_lookup_base);
	free(c->tw_sid);
	free_secret(c->tw_token);
	free(c->tw_from);
	free(c->tw_msid);
	free_secret(c->smtp_url);
	free(c->smtp_user);
	free_secret(c->smtp_password);
	free(c->smtp_from);
	free(c->smtp_from_addr);
	free(c->smtp_ca_file);
	for (size_t i = 0; i < c->nwebhooks; i++)
		free(c->webhook_urls[i]);
	free(c->webhook_urls);
	free_secret(c->webhook_secret);
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

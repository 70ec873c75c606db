/*
 * http_settings.h - what the HTTP server follows: the server's own file
 * (`serve --config server.yaml`: where it listens, proxies it trusts, limits,
 * the data directory; leadkeep-server.yaml(5)) and the `sources` section of
 * the business's file (each intake source's settings and secrets;
 * docs/sources.md). Both YAML, read by the one reader (rules/rules_reader.h)
 * with FILE:LINE:COL errors. Never logged: it holds secrets.
 */
#ifndef LK_HTTP_SETTINGS_H
#define LK_HTTP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intake/intake_fields.h"
#include "rules/rules_load.h"

/* A field mapping: the source's field name -> a lead field. */
typedef intake_map settings_map;

/* A form or a hook of the sources: /in/form/KEY, /in/hook/KEY. */
typedef struct {
	char *type;		/* "form" or "hook" */
	char *key;		/* the URL's source key */
	settings_map *map;
	size_t nmap;
	char *honeypot;		/* form: a filled honeypot field marks a bot */
	char *thank_you;	/* form: 303 here after a submission */
	char *secret;		/* hook: HMAC-SHA256 key, NULL = unsigned */
	char *signature_header;	/* hook: default X-Leadkeep-Signature */
	bool require_timestamp;	/* hook: refuse signed requests without X-Leadkeep-Timestamp */
	char *lead_kind;	/* default new_inquiry */
	char *service;		/* default service when the source sends none */
	char *owner;		/* preset owner */
	char *source;		/* lead.source; default web_form / the hook key */
	int rate_count;		/* form: submissions per IP per period */
	int64_t rate_period;	/* seconds */
} settings_source;

typedef struct {
	uint32_t addr, mask;	/* host order */
} settings_net;

typedef struct {
	char *listen;		/* NULL = the command line's or the default */
	char *data_dir;		/* NULL = --data, $LEADKEEP_DATA or the default; a
				 * directory or a PostgreSQL address */
	char *files_dir;	/* NULL = --files, $LEADKEEP_FILES or the default */
	char *rules_file;	/* the business's file; NULL = --rules or DATA/rules.yaml */
	unsigned threads;
	size_t max_body;	/* bytes, API and webhooks */
	size_t email_max_body;	/* bytes, inbound email (attachments) */
	char *public_url;	/* "https://engine.example.test": base URL providers sign */
	settings_net *trusted;	/* proxies whose X-Forwarded-* we believe */
	size_t ntrusted;
	int api_rate_count;	/* API requests per token per period */
	int64_t api_rate_period;

	/* Slow and greedy clients (docs/operations.md). */
	unsigned connection_limit;	/* connections at once */
	unsigned per_ip_connection_limit; /* from one address (the peer); 0 = none */
	int connection_timeout;	/* seconds a connection may sit idle */
	int header_timeout;	/* seconds from connecting to the end of the headers */
	int body_timeout;	/* seconds to send the body once the headers are in */
	size_t body_memory;	/* bytes all request bodies in flight may hold */
	size_t body_spill;	/* larger bodies go to a temporary file in the data dir */
	/* Unsigned doors (forms, hooks without a secret): requests per client
	 * address per period, and for all addresses together; 0 = no limit. */
	int public_rate_count;
	int64_t public_rate_period;
	int public_rate_all_count;
	int64_t public_rate_all_period;

	char *twilio_auth_token;
	char *twilio_forward_to;	/* ring this number on inbound calls */
	int twilio_dial_timeout;	/* seconds */
	int twilio_missed_seconds;	/* answered calls shorter than this are missed */
	char *sendgrid_key;		/* ?key= the SendGrid URL must carry */
	char *mailgun_signing_key;
	char *mailgun_key;		/* optional ?key= the Mailgun URL must carry */
	int64_t mailgun_max_age;	/* seconds a signed timestamp stays valid */
	char *meta_app_secret;
	char *meta_verify_token;
	char **meta_pages;	/* sources: meta: page_ids - the Facebook pages whose
				 * leads are this business's (digits, each at most 31) */
	size_t nmeta_pages;
	char *google_key;
	bool google_store_tests;	/* store is_test leads (they get messages!) */

	settings_source *sources;
	size_t nsources;
	char *twilio_number;	/* providers: twilio: from - the business's own number:
				 * with several businesses, Twilio's requests sent To it
				 * are this business's */
	char *twilio_service;	/* providers: twilio: messaging_service_sid - texts
				 * Twilio sends with this MessagingServiceSid are this
				 * business's, whatever number they were sent To */
} settings;

/*
 * Reads the server's file (NULL: defaults only). NULL when it has an error:
 * diags holds every problem as FILE:LINE:COL (never a value). Caller frees
 * the settings with settings_free and diags with rules_diags_free.
 */
settings *settings_load(const char *path, rules_diags *diags);

/*
 * Adds the `sources` section of the business's file at path (and the Twilio
 * auth token of its `providers` section, which signs Twilio's requests to
 * us), secrets resolved from env:NAME / file:PATH; with check_only they are
 * only checked for form. 0, or -1 with every problem in diags.
 */
int settings_load_sources(settings *st, const char *path, bool check_only, rules_diags *diags);

/* Fills st (zeroed by the caller) with the defaults settings_load starts from. */
void settings_defaults(settings *st);
void settings_free(settings *st);

/* The source of that type ("form", "hook") and key, or NULL. */
const settings_source *settings_source_find(const settings *st, const char *type,
					    const char *key);

/* True when st's sources: meta: page_ids names page_id. */
bool settings_meta_page(const settings *st, const char *page_id);

/* What both a and b name that must name one business only (a Meta page id,
 * a Twilio messaging service or number): true with it described in what
 * ("the Meta page id 123"), false when they share none. Either may be NULL. */
bool settings_claims_clash(const settings *a, const settings *b, char *what, size_t len);

/* True when ip (host order) is one of the trusted proxies. */
bool settings_trusted(const settings *st, uint32_t ip);

#endif

/*
 * deliver.h - outbound delivery: the dispatcher that takes due outbox rows to
 * their provider (SMS, email, log), outbound webhooks, and the two inbound
 * doors delivery needs (provider status callbacks, email unsubscribe links).
 *
 * Configuration comes from the `providers` section of the business's file
 * (see docs/delivery.md); secrets are kept in memory only and never logged. The dispatcher owns its
 * own store connection and thread, like the scheduler.
 */
#ifndef LK_DELIVER_H
#define LK_DELIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rules.h"
#include "rules/rules_live.h"
#include "rules/rules_load.h"
#include "flow/flow.h"
#include "store/store.h"
#include "store/store_bus.h"

/* What serve knows; strings are borrowed for the call. */
typedef struct {
	const char *data_dir;	/* the database: a directory or a PostgreSQL address */
	const char *files_dir;	/* outbox.log, link.key, dispatcher.lock; NULL = data_dir */
	const char *log_path;	/* --deliver-log; NULL = FILES/outbox.log */
	const char *public_url;	/* base for links (the server's public_url) */
	const char *business_file; /* its providers section; NULL = the log provider */
	const rules *rules;	/* borrowed; must outlive the dispatcher */
	int64_t business_id;
	const rules_live *live;	/* borrowed, may be NULL: the rules in force are
				 * read from it (a reload swaps them); .rules unused */
} deliver_options;

typedef struct deliver_config deliver_config;

/* Reads the providers section of o->business_file into a config, secrets
 * resolved. NULL when a setting is wrong or a provider lacks what it needs:
 * diags holds each problem as FILE:LINE:COL (never a value), err says what
 * failed. The caller frees diags either way. */
deliver_config *deliver_config_load(const deliver_options *o, rules_diags *diags, char *err,
				    size_t errlen);
/* Checks the providers section of path (`rules check`): every key and value,
 * secrets' references by form only (nothing read). 0, or -1 with diags. */
int deliver_config_check(const char *path, rules_diags *diags);
/* deliver_config_load in two steps, for serve's start with many businesses
 * (each file is read on a reader thread; the port, and so the public URL, is
 * known later): the providers section of business_file read and checked as
 * deliver_config_load does (NULL with diags), then bound to o (o's
 * business_file unused): c taken, NULL with err set (c freed). */
deliver_config *deliver_config_read(const char *business_file, rules_diags *diags);
deliver_config *deliver_config_bind(deliver_config *c, const deliver_options *o, char *err,
				    size_t errlen);
void deliver_config_free(deliver_config *c);
/* "sms=twilio email=smtp webhooks=2": for the start-up log line (no secrets). */
void deliver_config_describe(const deliver_config *c, char *buf, size_t len);

typedef struct deliver deliver;
typedef int64_t (*deliver_clock)(void);

/* Starts the dispatcher thread on its own connection to the data dir. First,
 * rows left `sending` by a crash become `unknown` with a task for the owner.
 * bus (borrowed, may be NULL, must outlive it) wakes it when a commit wrote
 * outbox rows or webhook deliveries (and the timeline, when webhooks are
 * configured: new events become webhook deliveries), and hears its commits
 * (outcomes make tasks, timers and notifications). Takes ownership of cfg.
 * NULL with err set on failure (cfg freed). */
deliver *deliver_start(deliver_config *cfg, deliver_clock clock, store_bus *bus, char *err,
		       size_t errlen);

/* deliver_start for the businesses serve hosts: cfg is the install's own
 * business's (it sets the concurrency, the webhooks, the reloads of
 * deliver_reconfigure); others[] (each taken, with its business_id) are the
 * other businesses' providers. Each business's messages leave only through
 * its own providers, at its own send rates; they take turns on the shared
 * slots, one claim batch each, so one business's burst does not hold
 * another's acknowledgments back. Messages of a business in none of them
 * (disabled) wait queued. Webhooks: each business's events go to its own
 * config's URLs, signed with its secret; rows a crash left `sending` are
 * recovered under their own business's rules. Every config is freed on
 * failure. */
deliver *deliver_start_many(deliver_config *cfg, deliver_config **others, size_t nothers,
			    deliver_clock clock, store_bus *bus, char *err, size_t errlen);

/* A SIGHUP's businesses for deliver_start_many's dispatcher: others[n]
 * (each taken, freed on failure) replace the other businesses' providers
 * once the requests in flight are done (logged msg=delivery_businesses); a
 * business left out keeps its messages queued. 0 / -1 (out of memory). */
int deliver_set_others(deliver *d, deliver_config **others, size_t n);

/* Puts cfg (taken; from deliver_config_load) in force for what is claimed
 * from now on - a reload's providers: the dispatcher starts nothing new,
 * lets the requests in flight finish with the configuration they began
 * with, then swaps (logged as msg=delivery_reloaded). A configuration
 * replaced by a later one before it took over is freed. */
void deliver_reconfigure(deliver *d, deliver_config *cfg);

/* True while the thread runs its loop (for /readyz). */
bool deliver_running(deliver *d);

/* Stops taking new rows, lets requests in flight finish (a few seconds, then
 * their rows become unknown), and frees d. NULL is a no-op. */
void deliver_stop(deliver *d);

/* For a run on a virtual clock (`leadkeep demo-seed`): every queued message
 * due at or before now, sent on s through the log provider into log_path as
 * the dispatcher would have sent it by then - claimed and committed, written,
 * its outcome recorded and reported to the engine - with now as the time.
 * Whatever the environment configures, nothing leaves the machine. Returns
 * how many were sent, or -1 on a storage error. */
int deliver_log_due(store *s, const rules *r, const char *log_path, int64_t now);

/* How a direct send ended. */
typedef enum {
	DELIVER_DIRECT_SENT,	/* the provider accepted it */
	DELIVER_DIRECT_LATER,	/* nothing was sent; try again later */
	DELIVER_DIRECT_NEVER,	/* never going to work (a refused address, no provider) */
	DELIVER_DIRECT_UNKNOWN,	/* the provider may have it: do not send again */
} deliver_direct;

/*
 * Sends one message to staff that is no lead's - a health notice, the weekly
 * digest - at once, on the caller's thread, through the provider the
 * dispatcher d uses for channel ("sms" or "email"; the configuration is held
 * against a reload's swap). Not an outbox row: the outbox holds messages of
 * leads (each row has its lead, its outcome is the lead's event); these are
 * no lead's, so nothing is retried or recorded here and the engine is told
 * nothing: the caller keeps its own account. purpose names it in the log
 * ("health", "digest"); ref (>= 0) tells its Message-ID apart (the id is
 * -ref, never an outbox row's). person (may be NULL) is the recipient's
 * person id; the body is plain text. *refused (may be NULL) says whether the
 * provider refused our credentials. err is set unless sent, never a secret.
 * Blocks up to the provider's timeout.
 */
deliver_direct deliver_direct_send(deliver *d, const char *channel, const char *purpose,
				   int64_t ref, const char *person, const char *to,
				   const char *subject, const char *body, bool *refused,
				   char *err, size_t errlen);

/* deliver_direct_send through business_id's own providers (a business the
 * dispatcher serves besides the install's own: its health notices, its
 * digest). A business it does not serve: DELIVER_DIRECT_LATER, err set. */
deliver_direct deliver_direct_send_for(deliver *d, int64_t business_id, const char *channel,
				       const char *purpose, int64_t ref, const char *person,
				       const char *to, const char *subject, const char *body,
				       bool *refused, char *err, size_t errlen);

/* --- inbound ----------------------------------------------------------- */

/* The secret that signs unsubscribe and callback links: $LEADKEEP_LINK_SECRET,
 * else DATA/link.key (32 random bytes, created 0600 on first use). 0 / -1. */
int deliver_link_key(const char *data_dir, unsigned char key[32], char *err, size_t errlen);

/* "ID.MAC" tokens: MAC = HMAC-SHA256(key, "<purpose>:<id>"), 16 bytes, base64url.
 * make writes at most 64 bytes including the NUL. check returns the id, or -1
 * when the token is malformed or forged. */
void deliver_token_make(const unsigned char key[32], const char *purpose, int64_t id,
			char *out, size_t outlen);
int64_t deliver_token_check(const unsigned char key[32], const char *purpose, const char *tok);

/* An email's unsubscribe link for business_id's lead lead_id:
 * "BASE/unsubscribe?token=LEAD.MAC&b=BUSINESS", the MAC over both (a token
 * of one business's lead says nothing in another's link). At most 1024
 * bytes with a base of up to 900. */
void deliver_unsubscribe_link(const unsigned char key[32], const char *base, int64_t business_id,
			      int64_t lead_id, char *out, size_t outlen);

/* The lead an unsubscribe link names, its business in *business_id (0 for a
 * link made before businesses had their own, without b: the install's own
 * business's), or -1 when the token is malformed or forged. */
int64_t deliver_unsubscribe_check(const unsigned char key[32], const char *b, const char *tok,
				  int64_t *business_id);

/* Applies a provider's status callback for outbox row id, in the caller's
 * transaction (idempotent: a repeated or stale status changes nothing).
 * status: queued, sent, delivered, undelivered, failed, ...; code: the
 * provider's error code or 0. What the news means for the lead (a failure,
 * an unknown outcome confirmed) goes to the engine through flow_event.
 * Returns FLOW_OK (also for stale or ignored statuses), FLOW_NOT_FOUND when
 * the row does not exist, sid is NULL or empty, or sid is not the one the
 * provider returned for it, FLOW_BUSY / FLOW_STORAGE (err set; roll back). */
flow_result deliver_status_apply(store *s, const rules *r, int64_t id, const char *sid,
				 const char *status, int code, int64_t now, char *err,
				 size_t errlen);

/* Opts the lead out of email through the flow (EV_OPT_OUT: the engine's one
 * consent policy), in the caller's transaction. FLOW_OK also when already
 * opted out (nothing changes); FLOW_NOT_FOUND when the lead does not exist. */
flow_result deliver_unsubscribe(store *s, int64_t business_id, const rules *r, int64_t lead_id,
			int64_t now, char *err, size_t errlen);

#endif

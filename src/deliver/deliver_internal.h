/*
 * deliver_internal.h - shared by src/deliver/ only: the configuration, the
 * provider interface (one table of function pointers per provider, picked by
 * name), the in-flight job, and small helpers (backoff, capped buffers).
 */
#ifndef LK_DELIVER_INTERNAL_H
#define LK_DELIVER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "deliver.h"
#include "store/store_outbox.h"
#include "store/store_webhook.h"

typedef struct deliver_provider deliver_provider;

enum { SMTP_TLS_OFF, SMTP_TLS_TRY, SMTP_TLS_REQUIRE };

struct deliver_config {
	char *data_dir;		/* the database (store_open) */
	char *files_dir;	/* link.key, dispatcher.lock */
	char *log_path;
	char *public_url;	/* no trailing slash; "" = no links */
	const rules *rules;	/* use deliver_rules(): a reload may replace them */
	const rules_live *live;
	int64_t business_id;
	const deliver_provider *sms;
	const deliver_provider *email;
	/* Twilio-compatible SMS */
	char *tw_base;		/* https://api.twilio.com */
	char *tw_sid;
	char *tw_token;		/* secret */
	char *tw_from;
	char *tw_msid;		/* MessagingServiceSid, alternative to From */
	bool tw_lookup;		/* Lookup v2 line type before a lead's number is first texted */
	char *tw_lookup_base;	/* https://lookups.twilio.com */
	/* SMTP */
	char *smtp_url;		/* may hold credentials: never logged */
	char *smtp_user;
	char *smtp_password;	/* secret */
	char *smtp_from;	/* "Name <addr>" or "addr" */
	char *smtp_from_addr;	/* the address part */
	int smtp_tls;
	char *smtp_ca_file;	/* extra CA bundle for a private SMTP relay */
	/* Outbound webhooks */
	char **webhook_urls;
	size_t nwebhooks;
	char *webhook_secret;	/* secret */
	/* Dispatcher */
	int concurrency;
	double sms_rate;	/* messages per second, 0 = unlimited */
	double email_rate;
	int max_attempts;
	int64_t backoff_base;	/* seconds */
	int64_t backoff_cap;
	long timeout;		/* seconds per request */
	unsigned char link_key[32];
	/* Fault injection for the crash tests: SIGKILL self at a point. */
	char fault[24];		/* "claimed", "accepted" or "" */
	int fault_every;	/* at every Nth passage of the point */
};

/* The rules in force now (a reload may replace them; every version stays
 * valid until exit, rules_live.h). */
static inline const rules *
deliver_rules(const deliver_config *c)
{
	return c->live != NULL ? rules_live_get(c->live) : c->rules;
}

/* Three-way delivery result, plus "the provider may or may not have it". */
typedef enum {
	DELIVER_OK,		/* accepted: provider_id set */
	DELIVER_TEMP,		/* nothing was sent; try again later */
	DELIVER_PERM,		/* never going to work for this message */
	DELIVER_UNKNOWN,	/* the request may have been accepted: do not resend */
} deliver_kind;

/* What a permanent failure says about the recipient's contact: a fact the
 * provider reported, mapped to an EV_DELIVERY outcome (deliver_outcome_of);
 * what it means for the lead is the engine's to decide. */
typedef enum {
	DELIVER_SAYS_NOTHING,	/* the message failed, the contact may be fine */
	DELIVER_OPTED_OUT,	/* Twilio 21610: the recipient texted STOP to the carrier */
	DELIVER_NOT_A_PHONE,	/* Twilio 21211, carrier 30005: not a reachable number */
	DELIVER_NO_MAILBOX,	/* SMTP 550/551/553 at RCPT, or an unusable address */
	DELIVER_NOT_TEXTABLE,	/* Twilio 21614, carrier 30006: a number that cannot
				 * take texts (a landline) */
} deliver_contact;

typedef struct {
	deliver_kind kind;
	char provider_id[320];
	int code;		/* provider's code: Twilio error, SMTP reply, HTTP status */
	char error[256];	/* for last_error and the task: no secrets */
	int64_t retry_after;	/* seconds the provider asked us to wait, 0 = none */
	deliver_contact contact;	/* DELIVER_PERM: what it says about the recipient */
} deliver_result;

/* A capped response buffer: bytes past cap are dropped, not an error. */
typedef struct {
	char *data;
	size_t len;
	size_t cap;
} deliver_buf;

#define DELIVER_RESP_CAP (64 * 1024)

/* One request in flight. */
typedef struct {
	const deliver_config *cfg;
	const deliver_provider *prov;
	outbox_msg msg;		/* messages */
	store_webhook wh;	/* webhooks (wh.id != 0) */
	CURL *easy;
	struct curl_slist *headers;
	struct curl_slist *rcpt;
	char *req;		/* request body, owned */
	size_t req_len;
	size_t req_off;
	deliver_buf resp;
	char errbuf[CURL_ERROR_SIZE];
	char provider_ref[320];	/* an id we chose (SMTP Message-ID), for finish */
} deliver_job;

struct deliver_provider {
	const char *name;
	const char *channel;	/* "sms", "email", "webhook" */
	/* Checks the config holds what this provider needs. 0 / -1 (err names
	 * the environment variable to set). */
	int (*check)(const deliver_config *cfg, char *err, size_t errlen);
	/* Sets job->easy up for a transfer the dispatcher runs (returns 0), or
	 * does the whole send at once and fills res (returns 1). */
	int (*start)(deliver_job *job, deliver_result *res);
	/* Classifies a finished transfer. */
	void (*finish)(deliver_job *job, CURLcode cc, deliver_result *res);
};

extern const deliver_provider deliver_log_provider;
extern const deliver_provider deliver_twilio_provider;
extern const deliver_provider deliver_smtp_provider;
extern const deliver_provider deliver_webhook_provider;

/* The provider called name serving channel, or NULL. */
const deliver_provider *deliver_provider_find(const char *name, const char *channel);

/* Common curl set-up for a job: timeouts, write-to-buffer, error buffer, no
 * signals, protocols limited to http(s)/smtp(s). Returns the handle or NULL. */
CURL *deliver_easy_new(deliver_job *job);

/* Lookup (deliver_lookup.c): true when the text of job is not to be sent -
 * a Twilio Lookup v2 before the first text to a lead's number (when
 * tw_lookup) says it is a landline; res is then the not_textable failure. */
bool deliver_lookup_landline(deliver_job *job, deliver_result *res);
/* line_type_intelligence.type of a Lookup v2 answer into type: 0, or -1 when
 * it has none (not JSON, not asked for, or too long). */
int deliver_lookup_line_type(const char *body, size_t len, char *type, size_t typelen);

/* Frees everything a job owns (not the job). */
void deliver_job_clear(deliver_job *job);

/* Classifies a curl failure of a request that got no usable answer: TEMP when
 * nothing can have reached the provider, else UNKNOWN. Fills res->error. */
void deliver_classify_transport(deliver_job *job, CURLcode cc, bool all_sent,
				deliver_result *res);

/* The dispatcher's turns among the businesses it serves, lanes 0 (the
 * install's own) to nlanes - 1. A round offers each lane its claim batch in
 * turn, starting at first: deliver_turn_lane is the lane of the k-th turn.
 * The lane picking first takes every slot free at that moment, so the next
 * round starts one past the last lane that started something this round
 * (deliver_turns_next, called after each turn with what it started; next
 * is the value so far). Two businesses with a backlog then alternate,
 * however many idle ones lie between them. Before, the install's own
 * business picked first every round and, with a backlog at an unlimited
 * send rate, kept every slot a reply freed while another's acknowledgment
 * waited for the whole backlog (bench/fairness.sh). */
size_t deliver_turn_lane(size_t first, size_t k, size_t nlanes);
size_t deliver_turns_next(size_t next, size_t ln, int started, size_t nlanes);

/* Seconds to wait before the next attempt after `attempts` failed ones:
 * min(cap, base * 2^(attempts-1)), then "equal jitter" (half fixed, half
 * random from rnd). Never below 1. */
int64_t deliver_backoff(int attempts, int64_t base, int64_t cap, uint32_t rnd);

/* Records a send's outcome in one transaction: the row's state and, but for
 * a retry, the outcome reported through deliver_report. 0 / -1. */
int deliver_record(store *s, const deliver_config *cfg, const outbox_msg *m,
		   const char *provider, const deliver_result *res, int64_t now);

/* One finished send for deliver_record_many. */
typedef struct {
	const deliver_config *cfg;
	const outbox_msg *m;
	const char *provider;
	const deliver_result *res;
} deliver_outcome;

/*
 * Records n outcomes in ONE transaction, each in a savepoint of its own (as
 * deliver_record would alone): one commit - one fsync of the database's log -
 * for every transfer that finished together, instead of one each, which on
 * PostgreSQL with fsync held the dispatcher below the intake rate (bench/
 * scale_many.sh). done[i] says whether outcome i is in; one that failed is
 * rolled back alone and left to the caller (deliver_record, retried). 0, or
 * -1 when the commit failed (then no done[i] is true).
 */
int deliver_record_many(store *s, const deliver_outcome *o, size_t n, int64_t now, bool *done);

/* Rows a crash left `sending` become `unknown`, each reported (the engine
 * asks a person to check). Count / -1. */
int deliver_recover(store *s, const rules *r, int64_t now);

/* The same for the rows no living node holds (store_outbox_orphans): at
 * start those deliver_recover takes, later those whose node's lease
 * expired. Count / -1. */
int deliver_recover_orphans(store *s, const rules *r, int64_t now, bool at_start);

/* The rules of business_id in force, or NULL when it is not hosted. */
typedef const rules *(*deliver_rules_of)(void *ctx, int64_t business_id);

/* deliver_recover_orphans with each row's own business's rules (rules_of):
 * the task for a person goes to that business's people, on its hours. A row
 * of a business rules_of does not know stays `sending` until one that hosts
 * it starts. Count of rows made unknown, or -1. */
int deliver_recover_by(store *s, deliver_rules_of rules_of, void *ctx, int64_t now,
		       bool at_start);

/* Claims row id (store_outbox_claim) inside the caller's transaction, in a
 * savepoint of its own; a row cancelled because the lead may no longer get
 * it is reported in the same savepoint. Returns the outbox_claim (m filled
 * only for OUTBOX_CLAIMED; the caller frees it) or -1 (savepoint rolled
 * back, the caller's transaction intact unless the database aborted it). */
int deliver_claim(store *s, const rules *r, int64_t id, int64_t now, outbox_msg *m);

/* deliver_claim without the savepoint (two round trips fewer on
 * PostgreSQL): on -1 the caller's whole transaction must be rolled back, its
 * other claims with it (the dispatcher then claims them again, each in a
 * savepoint, so the row that fails is found and only it waits). */
int deliver_claim_bare(store *s, const rules *r, int64_t id, int64_t now, outbox_msg *m);

/*
 * Buries queued row id that cannot be processed (its claim keeps failing):
 * failed with why as its last_error (store_outbox_bury), reported to the
 * engine as a failure when that works (a task for the owner), in one
 * transaction of its own. 1 buried and reported, 2 buried but the report
 * failed, 0 not queued any more, -1 error (nothing changed).
 */
int deliver_bury(store *s, const rules *r, int64_t id, const char *why, int64_t now);

/*
 * Reports outcome o of message m to the engine through the one door
 * (flow_event, EV_DELIVERY), in the caller's transaction: the decision about
 * the lead (timeline, flags, a task) is applied there. error: the provider's
 * words or NULL; task_id: a task opened earlier for m (0 none), which the
 * decision may settle. *new_task (may be NULL) gets the task the decision
 * made, 0 none. FLOW_OK also when the lead is gone; otherwise the caller
 * rolls back (a storage error is logged).
 */
flow_result deliver_report(store *s, const rules *r, const outbox_msg *m, delivery_outcome o,
			   const char *error, int64_t task_id, int64_t now, int64_t *new_task);

/* The outcome of a message that ends in `to` (failed, dead, unknown) with res. */
delivery_outcome deliver_outcome_of(outbox_state to, const deliver_result *res);

/* A body cut at n bytes on a UTF-8 boundary, with "..." when cut; newlines become spaces. */
void deliver_snippet(const char *text, size_t n, char *out, size_t outlen);

/* Records a webhook attempt's outcome in its own transaction: sent, failed,
 * dead after max attempts, or queued again with backoff. 0 / -1. */
int deliver_webhook_record(store *s, const deliver_config *cfg, const store_webhook *w,
			   const deliver_result *res, int64_t now);

/* Kills the process with SIGKILL when cfg asks for a fault at `point`. */
void deliver_fault(const deliver_config *cfg, const char *point);

/* The link to a lead for staff: "{public_url}/leads/{id}", "" without a public URL. */
void deliver_lead_link(const deliver_config *cfg, int64_t lead_id, char *out, size_t outlen);

/* The configuration in force, held against a reload's swap until
 * deliver_cfg_release (deliver_direct.c: a send outside the dispatcher's
 * thread). Hold it briefly: the dispatcher waits for it to take a reload. */
const deliver_config *deliver_cfg_hold(deliver *d);
/* The same for business_id's configuration (0: the install's own); NULL,
 * nothing held, when the dispatcher does not serve it. */
const deliver_config *deliver_cfg_hold_for(deliver *d, int64_t business_id);
void deliver_cfg_release(deliver *d);

#endif

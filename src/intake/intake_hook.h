/*
 * intake_hook.h - the generic JSON webhook (Zapier, Make, n8n, a script):
 * an optional HMAC-SHA256 signature over the raw body (or over a timestamp
 * and the body, which bounds replays), then the body's fields (flattened)
 * mapped to a lead like a web form's. Pure.
 */
#ifndef LK_INTAKE_HOOK_H
#define LK_INTAKE_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intake_form.h"

/* True when header is hex(HMAC-SHA256(secret, body)), optionally written
 * "sha256=<hex>"; constant-time compare. */
bool hook_signature_ok(const char *secret, const char *body, size_t len, const char *header);

/* How long a signed timestamp stays valid, either way of now (seconds). */
#define HOOK_MAX_AGE 300

typedef enum {
	HOOK_SIG_OK = 0,
	HOOK_SIG_BAD,		/* no signature, or not the secret's */
	HOOK_SIG_BAD_TIMESTAMP,	/* a timestamp that is not decimal seconds */
	HOOK_SIG_STALE,		/* signed, but more than max_age from now */
	HOOK_SIG_NO_TIMESTAMP,	/* none given where one is required */
} hook_sig;

/*
 * Verifies a signed hook request. With a timestamp (the X-Leadkeep-Timestamp
 * header: decimal UTC seconds) the signature is hex(HMAC-SHA256(secret,
 * timestamp "." body)) and the timestamp must lie within max_age of now;
 * without one it is hex(HMAC-SHA256(secret, body)), unless require_ts.
 * header may be "sha256=<hex>" or bare hex; the compare is constant time.
 * The signature is checked first, so a stale answer says the request was
 * genuine.
 */
hook_sig hook_verify(const char *secret, const char *timestamp, bool require_ts, int64_t now,
		     int64_t max_age, const char *body, size_t len, const char *header);

/* "bad_signature", "bad_timestamp", "stale_timestamp", "missing_timestamp". */
const char *hook_sig_name(hook_sig r);

/*
 * A hook's JSON body as an INTAKE_LEAD into *out: flattened into f, mapped
 * like a form's (no honeypot), with src's presets; lead.source is src->source
 * or else the hook's key. INTAKE_OK; INTAKE_INVALID when the body is not a
 * JSON object (or nests too deep, or has too many fields); INTAKE_MISSING
 * when no field had a value; INTAKE_NOMEM.
 */
intake_result intake_hook(fields *f, const char *body, size_t len, const form_source *src,
			  intake_request *out);

/* The mapping step alone: parses a JSON object body into f and in via map
 * (see form_to_lead). 0, -1 when the body is not a JSON object. */
int hook_to_lead(fields *f, const char *body, size_t len, const intake_map *map, size_t nmap,
		 intake_lead *in, form_result *res);

#endif

/*
 * intake_twilio.h - Twilio's webhooks as data: the X-Twilio-Signature check
 * (twilio-python's RequestValidator, port variants and bodySHA256 included),
 * the opt-out keywords, and whether a call's status means "missed".
 * Pure; the HTTP handlers decide what to store.
 */
#ifndef LK_INTAKE_TWILIO_H
#define LK_INTAKE_TWILIO_H

#include <stdbool.h>
#include <stddef.h>

#include "intake_fields.h"

#define TWILIO_SIG_LEN 29	/* base64 of HMAC-SHA1 + NUL */

/* base64(HMAC-SHA1(token, url + each name+value sorted by name then value,
 * identical pairs once)). params may be NULL (a GET or a JSON body). */
void twilio_signature(const char *token, const char *url, const fields *params,
		      char out[TWILIO_SIG_LEN]);

/*
 * True when sig matches url as given, url without its port, or url with the
 * scheme's default port. When url's query has bodySHA256, params are not
 * signed and body's SHA-256 must match it instead. Constant-time compare.
 */
bool twilio_signature_ok(const char *token, const char *url, const fields *params,
			 const char *body, size_t blen, const char *sig);

/* True when the whole message is an opt-out/opt-in/help keyword (STOP,
 * START, HELP, ...), which never makes a new lead. */
bool twilio_is_keyword(const char *text);

typedef enum {
	CALL_PENDING,		/* not over yet (ringing, in-progress...) */
	CALL_MISSED,		/* no-answer, busy, failed, canceled or too short */
	CALL_ANSWERED,
} twilio_call;

/* A call's outcome from CallStatus/DialCallStatus and its duration in
 * seconds (NULL = unknown); completed calls shorter than missed_under
 * seconds count as missed. */
twilio_call twilio_call_outcome(const char *status, const char *duration, int missed_under);

#endif

/*
 * intake_twilio.h - Twilio's webhooks as data: the X-Twilio-Signature check
 * (twilio-python's RequestValidator, port variants and bodySHA256 included),
 * the opt-out keywords, whether a call's status means "missed", and the
 * adapters that make an inbound text or a finished call an intake request.
 * Pure; HTTP checks the signature, submits the request and answers TwiML.
 */
#ifndef LK_INTAKE_TWILIO_H
#define LK_INTAKE_TWILIO_H

#include <stdbool.h>
#include <stddef.h>

#include "intake.h"
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

#define TWILIO_MEDIA_MAX 10	/* MediaUrl0..9: Twilio's own limit per message */

/*
 * An inbound text (From, Body, MessageSid or SmsSid, NumMedia, MediaUrlN) as
 * an INTAKE_MESSAGE into *out: an "sms" message on the sender's lead, or a
 * new lead (source sms) - except that a bare keyword (STOP, HELP, ...) from
 * an unknown number is not an inquiry and creates nothing. Media links are
 * kept with the text, one "[media] URL" line each. Keyed by
 * "twilio:sms:<MessageSid>". Strings borrowed from f or its arena.
 * INTAKE_OK; INTAKE_MISSING without a From; INTAKE_NOMEM.
 */
intake_result intake_twilio_sms(fields *f, intake_request *out);

/* Which voice webhook a call's fields came from: it says how the call went. */
typedef enum {
	TWILIO_VOICE_UNANSWERED, /* the call webhook with no one set to ring: missed */
	TWILIO_DIAL_ACTION,	/* the <Dial> ended: DialCallStatus, DialCallDuration;
				 * an outcome it does not tell counts as missed */
	TWILIO_CALL_STATUS,	/* the status callback: CallStatus, CallDuration */
} twilio_hook;

/*
 * A call's outcome as a request into *out, keyed by "twilio:call:<CallSid>"
 * so whichever webhook tells it first records it: missed -> an INTAKE_LEAD
 * from the caller (source phone_call, "Missed call (<status>)"; a repeat
 * inquiry when the caller has a lead); answered -> an INTAKE_CALL, a call
 * logged on the caller's lead (nobody known: nothing). Calls shorter than
 * missed_under seconds count as missed. *call says which (may be NULL).
 * INTAKE_OK; INTAKE_NOTHING for a call not over yet or our own call out;
 * INTAKE_MISSING without a From; INTAKE_NOMEM.
 */
intake_result intake_twilio_call(fields *f, twilio_hook hook, int missed_under,
				 twilio_call *call, intake_request *out);

#endif

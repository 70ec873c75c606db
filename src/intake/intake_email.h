/*
 * intake_email.h - inbound email as SendGrid Inbound Parse and Mailgun
 * routes deliver it: who wrote (display name and address), the message-id,
 * the new text with quoted replies and signatures stripped, Mailgun's
 * HMAC-SHA256 signature, and the adapter that makes an email an intake
 * request. Pure.
 */
#ifndef LK_INTAKE_EMAIL_H
#define LK_INTAKE_EMAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intake.h"
#include "intake_fields.h"

/* An inbound email; strings are owned by the fields' arena or borrowed. */
typedef struct {
	const char *name;	/* display name, NULL when none */
	const char *address;	/* sender address as given */
	const char *subject;
	const char *text;	/* the new text: quotes and signature stripped */
	const char *message_id;	/* "<...@...>", NULL when unknown */
	const char *provider;	/* "sendgrid" or "mailgun" */
	const char *retry_id;	/* what a retried post repeats: SendGrid the Message-ID,
				 * Mailgun the signed token; NULL = none */
	const char *spf;	/* the provider's SPF verdict as it gave it ("pass",
				 * "SoftFail"...), NULL when it sent none */
	const char *dkim;	/* its DKIM verdict(s) as given ("{@x.com : pass}",
				 * "Fail"...), NULL when it sent none */
	bool unverified;	/* SPF failed, or DKIM failed with no signature passing:
				 * the From address may be forged */
} email_in;

/* Reads a SendGrid Inbound Parse post (fields of the multipart body), each
 * field decoded to UTF-8 by the charset SendGrid names for it in "charsets"
 * (the part's own charset), its SPF and DKIM verdicts ("SPF", "dkim").
 * 0, or -1 when there is no sender at all (not an email). */
int email_from_sendgrid(fields *f, email_in *out);

/* Reads a Mailgun route post (UTF-8; its verdicts in X-Mailgun-Spf and
 * X-Mailgun-Dkim-Check-Result). 0, or -1 when there is no sender. */
int email_from_mailgun(fields *f, email_in *out);

/*
 * An email as an INTAKE_MESSAGE into *out: an "email" message (the new text,
 * else the subject) on the sender's lead, or a new lead (source email, name
 * from From, message "subject\n\ntext", external_id the Message-ID).
 * Keyed by "<provider>:<retry_id>". A sender the provider could not verify
 * (m->unverified) is said in the text, and so on the lead's timeline; bytes
 * decoding replaced are said there too (fields_originals). Strings borrowed
 * from m and f or owned by f's arena. INTAKE_OK or INTAKE_NOMEM.
 */
intake_result intake_email(fields *f, const email_in *m, intake_request *out);

/* "Jane Doe <jane@x.com>" -> name "Jane Doe", address "jane@x.com" (both
 * written into f's arena). A bare address gives a NULL name. */
void email_parse_from(fields *f, const char *from, const char **name, const char **address);

/* The text a person wrote above the quoted reply and the signature ("On ...
 * wrote:", "> ", "-----Original Message-----", "-- ", "Sent from my ...").
 * Malloc'd; caller frees. NULL only on out-of-memory. */
char *email_strip_reply(const char *text);

/*
 * Mailgun: hex(HMAC-SHA256(key, timestamp + token)) == signature, compared
 * in constant time, and the timestamp within max_age seconds of now.
 */
bool email_mailgun_signature_ok(const char *key, const char *timestamp, const char *token,
				const char *signature, int64_t now, int64_t max_age);

#endif

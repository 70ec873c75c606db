/*
 * deliver_mime.h - building an email message (RFC 5322 + MIME) from a
 * message row's parts. Pure, so the tests and the fuzzer can call it alone.
 */
#ifndef LK_DELIVER_MIME_H
#define LK_DELIVER_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Strings are borrowed. Only the addresses, message_id and boundary must be
 * present; any other may be NULL. */
typedef struct {
	const char *from_name;
	const char *from_addr;
	const char *to;
	const char *reply_to;		/* the owner, so replies reach a person */
	const char *reply_to_name;
	const char *subject;		/* UTF-8; encoded per RFC 2047 when needed */
	const char *text;		/* UTF-8 plain text; the HTML part is made from it */
	const char *message_id;		/* "<...@...>" */
	const char *unsubscribe_url;	/* List-Unsubscribe + a footer link */
	const char *boundary;		/* unique per message, no quotes */
	int64_t date;			/* UTC seconds */
} deliver_mail;

/* A plain ASCII addr-spec we are willing to put in a header and in RCPT TO. */
bool deliver_mime_address_ok(const char *addr);

/* Builds the message with CRLF line ends into *out (malloc'd, NUL-terminated,
 * caller frees) and its length into *len. Returns 0, -1 out of memory (or
 * larger than 4 MB), -2 when an address or the ids hold forbidden characters. */
int deliver_mime_build(const deliver_mail *m, char **out, size_t *len);

#endif

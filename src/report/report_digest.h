/*
 * report_digest.h - the weekly digest: when it is due (rules' reports.digest,
 * in the business's zone) and its text, built from the report of the week
 * (report_build): the five numbers that matter and the leads that need
 * attention. Plain text only. Sending it, and remembering that it was sent,
 * is serve's (src/cli/serve_digest.c); nothing here writes.
 */
#ifndef LK_REPORT_DIGEST_H
#define LK_REPORT_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/rules.h"
#include "store/store.h"

/* The slot the digest is due at: the latest digest day and time (local) at
 * or before now, as UTC seconds into *slot and its local date
 * ("2026-11-30", the week's name in the store) into week (11 bytes). 0, or
 * -1 when the rules have no digest. */
int report_digest_slot(const rules *r, int64_t now, int64_t *slot, char *week, size_t len);

/* The first slot after now (UTC seconds); 0 when the rules have no digest. */
int64_t report_digest_next(const rules *r, int64_t now);

/* Most leads listed in each of the digest's lists. */
#define REPORT_DIGEST_LIST_MAX 10

/*
 * The digest of the week before slot, as of now: subject (one line, into
 * subject[sublen]) and body (returned, caller frees). public_url (no
 * trailing slash; NULL or "" = no links) makes each lead a link to its page
 * in the web app. Lead-typed text (names) has control characters replaced.
 * NULL with err set when the store cannot be read or memory is short.
 */
char *report_digest_text(store *s, int64_t business_id, const rules *r, int64_t slot,
			 int64_t now, const char *public_url, char *subject, size_t sublen,
			 char *err, size_t errlen);

#endif

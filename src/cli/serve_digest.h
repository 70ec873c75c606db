/*
 * serve_digest.h - serve's weekly digest thread: at the digest's time in
 * the rules (reports.digest, in the business's zone) it emails the week's
 * figures to the people named, once per week and recipient.
 *
 * Where it lives, and why: a digest is a message about the business, not a
 * change to any lead, so it is not an engine decision and does not go
 * through the flow, the timeline, the outbox or the scheduler's timers
 * (each of which is about one lead, and whose delivery outcomes are news for
 * that lead's engine). Serve owns it, like the dispatcher and the scheduler:
 * its own thread and store connection, serve's clock (injected in tests),
 * the text from src/report/ (report_digest.h), the send through the
 * business's email provider (deliver_direct_send), and each send recorded
 * in the store (store_digest.h) before and after the provider is called,
 * so a restart never sends a week's digest twice.
 *
 * Serving several businesses, the one thread sends each business's digest
 * on its own rules (reports.digest, its zone, its people) through its own
 * email provider; only the install's own business's carries links to the
 * web app (which serves that business only).
 */
#ifndef LK_CLI_SERVE_DIGEST_H
#define LK_CLI_SERVE_DIGEST_H

#include <stdint.h>

#include "deliver/deliver.h"
#include "rules/rules_live.h"

typedef struct serve_digest serve_digest;

/* Another business whose digest goes out too. */
typedef struct {
	int64_t id;
	const char *slug;		/* copied */
	const rules_live *live;		/* borrowed, must outlive the thread */
} serve_digest_business;

/*
 * Starts the thread on its own connection to dir's database. live (the
 * rules in force, read at each check) and dl (the dispatcher whose email
 * provider sends it) are borrowed and must outlive it; others[nothers]
 * (read during the call) are the other businesses whose digests it sends;
 * public_url (may be NULL: no links) is the web app's address for links.
 * It checks at start, then every minute and at each digest time: a week's
 * digest not sent yet goes out up to a day after its time (later than that
 * it is skipped: next week's comes as usual). At most 64 addresses get it.
 * NULL with err set on failure.
 */
serve_digest *serve_digest_start(const char *dir, const rules_live *live, int64_t business_id,
				 const serve_digest_business *others, size_t nothers,
				 int64_t (*clock)(void), deliver *dl,
				 const char *public_url, char *err, size_t errlen);

/* A reload's businesses besides the install's own: others[n] (slugs
 * copied; rules borrowed, must outlive the thread) get their digests from
 * the thread's next check on; one left out gets none. 0 / -1 (out of
 * memory: the list in force stays). */
int serve_digest_set_businesses(serve_digest *d, const serve_digest_business *others,
				size_t nothers);

/* Stops the thread (after a send in progress) and frees d. NULL is a no-op. */
void serve_digest_stop(serve_digest *d);

#endif

/*
 * health_watch.h - serve's self-watch: a thread that, every
 * health.check_every of the rules in force (and whenever asked), gathers
 * the figures (store_health.h, statvfs of the data dir), has the pure judge
 * (health.h) say which alerts are open, and tells the owner once per alert
 * episode - a notice when it opens, a "recovered" one when it clears - by
 * deliver_direct_send (deliver.h), never through a lead's outbox. Time is serve's
 * clock (injected), so a test moves it; the thread's own wait between looks
 * is monotonic.
 *
 * Episodes live in memory, and in FILES/health.state (another business's:
 * FILES/health-ID.state) so that a restart in the middle of one does not
 * tell the owner again.
 *
 * Serving several businesses, it watches each: its figures, its own
 * health: section, its owner told through its own providers, its report.
 */
#ifndef LK_HEALTH_WATCH_H
#define LK_HEALTH_WATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "deliver/deliver.h"
#include "health/health.h"
#include "rules/rules_live.h"

typedef struct health_watch health_watch;

/* Another business watched besides the install's own. */
typedef struct {
	int64_t id;
	const char *slug;		/* copied */
	const rules_live *live;		/* borrowed, must outlive the watch */
} health_watch_business;

typedef struct {
	const char *data_dir;		/* the database (store_open); borrowed */
	const char *files_dir;		/* its state and the disk it watches; copied */
	const rules_live *live;		/* borrowed, must outlive the watch */
	int64_t business_id;		/* the install's own business */
	int64_t (*clock)(void);		/* UTC seconds */
	const health_watch_business *others; /* nothers more, each watched too */
	size_t nothers;
} health_watch_options;

/* Opens its own store connection and reads the episodes a previous run left
 * open; no thread yet, and nobody is told (reports already look). NULL with
 * err set. */
health_watch *health_watch_new(const health_watch_options *o, char *err, size_t errlen);

/* From now on tells the owner through dl (borrowed, must outlive the watch;
 * NULL: nobody is told) and starts the thread, which looks at once and then
 * every health.check_every. 0 / -1 with err set. Once. */
int health_watch_run(health_watch *w, deliver *dl, char *err, size_t errlen);

/* A reload's businesses besides the install's own: biz[n] (slugs copied)
 * are watched from now on (a new one looked at at once, its episodes read
 * from its state file), one left out is not (its alerts gone from reports,
 * pages and /metrics). 0 / -1 (out of memory: some are not watched). */
int health_watch_set_businesses(health_watch *w, const health_watch_business *biz, size_t n);

/* Stops the thread and frees w (NULL is a no-op). */
void health_watch_stop(health_watch *w);

/* Looks at business_id now (serialised with the thread's looks; a look that
 * tells someone waits for the provider) and returns its report as JSON
 * (caller decrefs): {"status","checked_at","alerts":[...],"sources":[...]}
 * as docs/openapi.yaml describes. NULL on out of memory, or when the watch
 * does not watch that business (*watched false). */
json_t *health_watch_report(health_watch *w, int64_t business_id, bool *watched);

/* The alerts of business_id open at its last look, copied into out[max]
 * (no look is made: for pages). Returns how many (0 for a business not
 * watched). */
int health_watch_alerts(health_watch *w, int64_t business_id, health_alert *out, int max);

/* Calls fn for every business watched with the alerts open at its last look
 * (borrowed for the call; fn must not call back into the watch): for
 * /metrics. */
void health_watch_each(health_watch *w, void (*fn)(void *ctx, int64_t business_id,
						   const char *slug, const health_alert *al,
						   int n), void *ctx);

#endif

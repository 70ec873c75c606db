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
 * Episodes live in memory, and in DATA/health.state so that a restart in
 * the middle of one does not tell the owner again.
 */
#ifndef LK_HEALTH_WATCH_H
#define LK_HEALTH_WATCH_H

#include <jansson.h>
#include <stdint.h>

#include "deliver/deliver.h"
#include "health/health.h"
#include "rules/rules_live.h"

typedef struct health_watch health_watch;

typedef struct {
	const char *data_dir;		/* the database (store_open); borrowed */
	const char *files_dir;		/* its state and the disk it watches; copied */
	const rules_live *live;		/* borrowed, must outlive the watch */
	int64_t business_id;
	int64_t (*clock)(void);		/* UTC seconds */
} health_watch_options;

/* Opens its own store connection and reads the episodes a previous run left
 * open; no thread yet, and nobody is told (reports already look). NULL with
 * err set. */
health_watch *health_watch_new(const health_watch_options *o, char *err, size_t errlen);

/* From now on tells the owner through dl (borrowed, must outlive the watch;
 * NULL: nobody is told) and starts the thread, which looks at once and then
 * every health.check_every. 0 / -1 with err set. Once. */
int health_watch_run(health_watch *w, deliver *dl, char *err, size_t errlen);

/* Stops the thread and frees w (NULL is a no-op). */
void health_watch_stop(health_watch *w);

/* Looks now (serialised with the thread's looks; a look that tells someone
 * waits for the provider) and returns the report as JSON (caller decrefs):
 * {"status","checked_at","alerts":[...],"sources":[...]} as docs/openapi.yaml
 * describes. NULL on out of memory. */
json_t *health_watch_report(health_watch *w);

/* The alerts open at the last look, copied into out[max] (no look is
 * made: for pages). Returns how many. */
int health_watch_alerts(health_watch *w, health_alert *out, int max);

#endif

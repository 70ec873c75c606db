/*
 * health.h - the judge of serve's self-watch: given the figures gathered
 * from the store, the data dir and the previous look (counts, gaps between
 * leads, due times, free space) and the thresholds of the rules' `health`
 * section, which alerts are open now. Pure: no I/O, no clock, no globals -
 * the watcher (health_watch.h) gathers and tells; this only decides, so
 * every threshold is testable in a millisecond.
 *
 * An alert is about the system, never about a lead: nothing here becomes a
 * lead event.
 */
#ifndef LK_HEALTH_H
#define LK_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rules.h"

/* New kinds go at the end (their names are the API's and the metrics'). */
typedef enum {
	HEALTH_FAILURE_RATE,	/* outbound messages failing over the threshold */
	HEALTH_DEAD_MESSAGES,	/* messages given up after every retry */
	HEALTH_CREDENTIALS,	/* a provider refuses our credentials (subject: channel) */
	HEALTH_TIMERS_LATE,	/* timers fired later than the threshold */
	HEALTH_SOURCE_SILENT,	/* a source went quiet for longer than it ever does
				 * (subject: the source) */
	HEALTH_QUEUE_STALLED,	/* the same due item heads a queue (subject: timers,
				 * outbox) */
	HEALTH_DISK_FULL,	/* the data dir's file system nearly full */
	HEALTH_NKINDS
} health_kind;

/* "failure_rate", "dead_messages", ...: stable, for the API and metrics. */
const char *health_kind_name(health_kind k);

/* One source's lead arrivals, oldest first (borrowed). */
typedef struct {
	const char *name;
	const int64_t *times;
	size_t ntimes;
} health_source;

/* The head of a queue: the oldest due item, id 0 when nothing is due. */
typedef struct {
	int64_t id;
	int64_t due;
} health_head;

typedef struct {
	int64_t now;
	/* outbound messages finished (or retried) in the window */
	int64_t sent;		/* accepted or delivered */
	int64_t failed;		/* failed, dead, unknown, or queued again after an error */
	int64_t dead;		/* dead within the dead window */
	int64_t refused_sms;	/* last attempt refused for credentials, in the window */
	int64_t refused_email;
	int64_t late_timers;	/* fired in the window later than timer_late */
	int64_t max_lateness;	/* seconds, of those */
	health_head timer_head;	/* oldest pending timer due at now */
	health_head outbox_head; /* oldest queued message due at now */
	/* the data dir's file system; total 0 = unknown */
	uint64_t disk_free;
	uint64_t disk_total;
	const health_source *sources;
	size_t nsources;
} health_figures;

/* What the judge remembers between looks, owned by the caller (zeroed at
 * first): since when each queue's head has been the same item. */
typedef struct {
	health_head timer_head;
	int64_t timer_since;
	health_head outbox_head;
	int64_t outbox_since;
} health_memory;

#define HEALTH_SUBJECT 64
#define HEALTH_MESSAGE 256

typedef struct {
	health_kind kind;
	char subject[HEALTH_SUBJECT];	/* source, channel or queue; "" when one per kind */
	double value;			/* what was measured (percent, count, seconds) */
	double limit;			/* the threshold it passed */
	char message[HEALTH_MESSAGE];	/* one sentence for the owner */
} health_alert;

/* Source silence: a source's usual gap (the percentile of its past gaps,
 * in seconds, business seconds when h->silence_business_hours and b is
 * given) and the limit (that times the factor, at least silence_min).
 * false when the source has fewer than silence_min_history gaps (not
 * judged) or on out of memory. */
bool health_source_limit(const rules_health *h, const rules_business *b,
			 const health_source *src, int64_t *usual, int64_t *limit);

/*
 * The alerts open at f->now, into out[max] in kind order (then subject);
 * returns how many (alerts past max are dropped: max HEALTH_NKINDS plus the
 * number of sources is always enough). mem is read and updated (the stalled
 * queues). b (may be NULL) is the business's hours for business-hour gaps.
 */
int health_judge(const rules_health *h, const rules_business *b, const health_figures *f,
		 health_memory *mem, health_alert *out, int max);

/* Same alert (kind and subject)? Episodes are keyed by this. */
bool health_same(const health_alert *a, const health_alert *b);

#endif

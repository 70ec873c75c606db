/*
 * http_metrics.c - GET /metrics in the Prometheus text format: the counters
 * and histograms the modules keep in memory (util/metrics.h: leads in,
 * decisions, delivery and HTTP latency), then what the database holds now
 * (store_stats_read: timers due and late, outbox by state, file sizes).
 * Answers clients on this machine; others need an API token (staff).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health/health_watch.h"
#include "http_internal.h"
#include "store/store_outbox.h"
#include "util/metrics.h"

/* A timer due longer ago than this and not fired is late. */
#define TIMER_LATE_S 60

static bool
loopback(const char *ip)
{
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 ||
	       strncmp(ip, "::ffff:127.", 11) == 0;
}

static void
database_gauges(FILE *out, const store_stats *st)
{
	const char *states[OUTBOX_NSTATES];
	double counts[OUTBOX_NSTATES];
	static const char *const files[] = { "database", "wal" };
	double sizes[2] = { (double)st->db_bytes, (double)st->wal_bytes };
	double v;

	v = (double)st->timers_pending;
	metrics_write_gauge(out, "leadkeep_timers_pending", "Timers waiting to fire.", NULL,
			    NULL, &v, 1);
	v = (double)st->timers_due;
	metrics_write_gauge(out, "leadkeep_timers_due", "Pending timers whose due time has "
			    "come (the scheduler fires them within a second).", NULL, NULL, &v, 1);
	v = (double)st->timers_late;
	metrics_write_gauge(out, "leadkeep_timers_late", "Pending timers due more than 60 s "
			    "ago: the scheduler is behind or stopped.", NULL, NULL, &v, 1);
	for (int i = 0; i < OUTBOX_NSTATES; i++) {
		states[i] = outbox_state_name((outbox_state)i);
		counts[i] = (double)st->outbox[i];
	}
	metrics_write_gauge(out, "leadkeep_outbox_messages", "Outbox messages by delivery state.",
			    "state", states, counts, OUTBOX_NSTATES);
	metrics_write_gauge(out, "leadkeep_database_bytes", "Size of the database file and its "
			    "write-ahead log.", "file", files, sizes, 2);
}

typedef struct {
	FILE *out;
	int64_t only;		/* a token's business, 0: every business watched */
} gauges_ctx;

/* One business's samples: every kind, 0 when none is open. */
static void
health_business(void *arg, int64_t business_id, const char *slug, const health_alert *al,
		int n)
{
	gauges_ctx *c = arg;
	double open[HEALTH_NKINDS] = { 0 };

	if (c->only != 0 && business_id != c->only)
		return;
	for (int i = 0; i < n; i++)
		open[al[i].kind]++;
	for (int k = 0; k < HEALTH_NKINDS; k++) {
		fputs("leadkeep_health_alerts{business=\"", c->out);
		metrics_write_label(c->out, slug);
		fprintf(c->out, "\",kind=\"%s\"} %g\n", health_kind_name((health_kind)k), open[k]);
	}
}

/* One gauge per business watched and kind of alert: how many of that kind
 * the self-watch had open at its last look for that business (none without
 * a watch). A staff token sees its own business's; a scrape from loopback,
 * every business's. */
static void
health_gauges(FILE *out, http_req *rq, bool authed)
{
	gauges_ctx c = { out, authed ? rq->business_id : 0 };

	fputs("# HELP leadkeep_health_alerts Health alerts open at the self-watch's last look, "
	      "by business and kind (GET /api/v1/health/report).\n"
	      "# TYPE leadkeep_health_alerts gauge\n", out);
	pthread_rwlock_rdlock(&rq->srv->watch_lock);
	if (rq->srv->watch != NULL)
		health_watch_each(rq->srv->watch, health_business, &c);
	pthread_rwlock_unlock(&rq->srv->watch_lock);
}

enum MHD_Result
http_metrics(http_req *rq)
{
	enum MHD_Result ret;
	store_stats st;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	store *s;
	double up;

	if (!loopback(rq->ip) && !http_auth(rq, HTTP_ROLE_STAFF, &ret))
		return ret;
	if ((out = open_memstream(&buf, &len)) == NULL)
		return http_error(rq, 500, "internal", "out of memory", NULL);
	metrics_write(out);
	s = http_store(rq);
	up = s != NULL && store_stats_read(s, http_now(rq), TIMER_LATE_S, &st) == 0;
	metrics_write_gauge(out, "leadkeep_database_up", "Whether the database could be read "
			    "for this scrape.", NULL, NULL, &up, 1);
	if (up)
		database_gauges(out, &st);
	health_gauges(out, rq, !loopback(rq->ip));
	if (fclose(out) != 0) {
		free(buf);
		return http_error(rq, 500, "internal", "out of memory", NULL);
	}
	ret = http_reply(rq, 200, "text/plain; version=0.0.4; charset=utf-8", buf, len);
	free(buf);
	return ret;
}

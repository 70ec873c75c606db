/*
 * rules_health.c - the `health` section: the thresholds serve's self-watch
 * judges the system by (src/health/health.h) and who is told. Every key is
 * optional; the defaults (rules_health_defaults) suit a small business.
 * Reads only: what the figures mean is the judge's.
 */
#include "rules_internal.h"

static const char *const health_keys[] = {
	"check_every", "notify", "window", "failure_rate", "dead_messages", "timers_late",
	"queue_stalled", "disk", "source_silent", NULL
};
enum { H_EVERY, H_NOTIFY, H_WINDOW, H_RATE, H_DEAD, H_LATE, H_STALL, H_DISK, H_SILENT, H_N };

static const char *const rate_keys[] = { "percent", "min_messages", NULL };
static const char *const dead_keys[] = { "count", "window", NULL };
static const char *const late_keys[] = { "after", NULL };
static const char *const stall_keys[] = { "after", NULL };
static const char *const disk_keys[] = { "min_free_percent", NULL };
static const char *const silent_keys[] = { "percentile", "factor_percent", "min_history",
					   "min_gap", "lookback", "business_hours", NULL };

/* An int key into *out when present and in [min, max]. */
static void
int_key(rl_ctx *c, yaml_node_t *n, const char *what, long min, long max, int *out)
{
	long v;

	if (n != NULL && rl_int(c, n, what, min, max, &v) == 0)
		*out = (int)v;
}

/* A duration key into *out when present; at least `least` seconds. */
static void
dur_key(rl_ctx *c, yaml_node_t *n, const char *what, int64_t least, int64_t *out)
{
	int64_t v;
	char buf[32];

	if (n == NULL || rl_duration(c, n, what, &v) < 0)
		return;
	if (v < least) {
		rl_error(c, n, "\"%s\" must be at least %s", what,
			 rl_format_duration(least, buf, sizeof buf));
		return;
	}
	*out = v;
}

static void
read_silent(rl_ctx *c, yaml_node_t *n, rules_health *h)
{
	yaml_node_t *v[6];

	if (n == NULL || !rl_fields(c, n, "health: source_silent", silent_keys, v, NULL))
		return;
	int_key(c, v[0], "percentile", 50, 100, &h->silence_percentile);
	int_key(c, v[1], "factor_percent", 100, 10000, &h->silence_factor_pct);
	int_key(c, v[2], "min_history", 2, 10000, &h->silence_min_history);
	dur_key(c, v[3], "min_gap", 60, &h->silence_min);
	dur_key(c, v[4], "lookback", 86400, &h->silence_lookback);
	if (v[5] != NULL)
		rl_bool(c, v[5], "business_hours", &h->silence_business_hours);
}

void
rl_health(rl_ctx *c, yaml_node_t *n)
{
	rules_health *h = &c->r->health;
	yaml_node_t *v[H_N], *w[3];

	rules_health_defaults(h);
	if (n == NULL || !rl_fields(c, n, "health", health_keys, v, NULL))
		return;
	dur_key(c, v[H_EVERY], "check_every", 10, &h->check_every);
	/* The failure rate, refused credentials and late timers: over the last window. */
	dur_key(c, v[H_WINDOW], "window", 60, &h->window);
	if (v[H_NOTIFY] != NULL)
		rl_notify_target(c, v[H_NOTIFY], "health: notify", false, &h->notify);
	if (v[H_RATE] != NULL && rl_fields(c, v[H_RATE], "health: failure_rate", rate_keys, w,
					   NULL)) {
		int_key(c, w[0], "percent", 1, 100, &h->failure_percent);
		int_key(c, w[1], "min_messages", 1, 1000000, &h->min_messages);
	}
	if (v[H_DEAD] != NULL && rl_fields(c, v[H_DEAD], "health: dead_messages", dead_keys, w,
					   NULL)) {
		int_key(c, w[0], "count", 1, 1000000, &h->dead_count);
		dur_key(c, w[1], "window", 60, &h->dead_window);
	}
	if (v[H_LATE] != NULL && rl_fields(c, v[H_LATE], "health: timers_late", late_keys, w,
					   NULL))
		dur_key(c, w[0], "after", 1, &h->timer_late);
	if (v[H_STALL] != NULL && rl_fields(c, v[H_STALL], "health: queue_stalled", stall_keys, w,
					    NULL))
		dur_key(c, w[0], "after", 60, &h->stall_after);
	if (v[H_DISK] != NULL && rl_fields(c, v[H_DISK], "health: disk", disk_keys, w, NULL))
		int_key(c, w[0], "min_free_percent", 0, 99, &h->disk_free_percent);
	read_silent(c, v[H_SILENT], h);
}

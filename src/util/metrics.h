/*
 * metrics.h - in-process counters and histograms for GET /metrics, with one
 * label each, rendered in the Prometheus text format (version 0.0.4).
 * A module defines its families where it counts (METRICS_COUNTER,
 * METRICS_HISTOGRAM: registered before main() runs, so every family is shown
 * from the start, at zero) and counts with metrics_inc / metrics_observe.
 * Knows no domain: names, help and labels are the caller's.
 *
 * Thread safe (one mutex per family; a count is a few instructions under
 * it). Limits: at most METRICS_SERIES label values per family - later ones
 * are counted under "other" - and METRICS_BUCKETS buckets per histogram.
 */
#ifndef LK_UTIL_METRICS_H
#define LK_UTIL_METRICS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define METRICS_SERIES 96
#define METRICS_BUCKETS 16
#define METRICS_LABEL_MAX 48	/* bytes of a label value kept */

typedef struct {
	char value[METRICS_LABEL_MAX];
	double count;		/* counter: the total; histogram: observations */
	double sum;		/* histogram: sum of the observations */
	uint64_t buckets[METRICS_BUCKETS]; /* histogram: per bucket, not cumulative */
} metrics_series;

typedef struct metrics_family metrics_family;
struct metrics_family {
	const char *name;	/* leadkeep_..._total / _seconds */
	const char *help;
	const char *label;	/* the one label's name */
	const double *bounds;	/* histogram: upper bounds, ascending; NULL = counter */
	size_t nbounds;
	pthread_mutex_t mu;
	metrics_series series[METRICS_SERIES];
	size_t n;
	metrics_family *next;	/* the registry's list */
};

/* Adds f to the families metrics_write() shows (the macros below do). */
void metrics_register(metrics_family *f);

/* Adds by to the counter series `value` of f. */
void metrics_inc(metrics_family *f, const char *value, double by);
/* Observes v (seconds) in the histogram series `value` of f. */
void metrics_observe(metrics_family *f, const char *value, double v);

/* Writes every registered family (HELP, TYPE, samples) to out; 0 / -1. */
int metrics_write(FILE *out);

/* Writes one gauge family with its samples: labels[i] (NULL for a gauge
 * without a label) = values[i]. For values read at scrape time. */
void metrics_write_gauge(FILE *out, const char *name, const char *help, const char *label,
			 const char *const *labels, const double *values, size_t n);

/* Label values escaped as the text format wants (\\, \", \n). */
void metrics_write_label(FILE *out, const char *value);

#define METRICS_DEFINE_(var, nm, hp, lb, bnds, nb) \
	metrics_family var = { .name = nm, .help = hp, .label = lb, .bounds = bnds, \
			       .nbounds = nb, .mu = PTHREAD_MUTEX_INITIALIZER }; \
	__attribute__((constructor)) static void var##_register(void) { metrics_register(&var); }

#define METRICS_COUNTER(var, name, help, label) METRICS_DEFINE_(var, name, help, label, NULL, 0)
#define METRICS_HISTOGRAM(var, name, help, label, bounds) \
	METRICS_DEFINE_(var, name, help, label, bounds, sizeof bounds / sizeof bounds[0])

#endif

/*
 * metrics.c - the registry of metrics.h and the Prometheus text format.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "metrics.h"

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static metrics_family *registry;

void
metrics_register(metrics_family *f)
{
	metrics_family **p;

	pthread_mutex_lock(&registry_mu);
	/* kept in name order, so the output is the same from run to run */
	for (p = &registry; *p && strcmp((*p)->name, f->name) < 0; p = &(*p)->next)
		;
	f->next = *p;
	*p = f;
	pthread_mutex_unlock(&registry_mu);
}

/* The series for value, made when new; "other" once the family is full.
 * Called with f->mu held. */
static metrics_series *
series(metrics_family *f, const char *value)
{
	if (value == NULL)
		value = "";
	for (size_t i = 0; i < f->n; i++)
		if (strncmp(f->series[i].value, value, METRICS_LABEL_MAX - 1) == 0)
			return &f->series[i];
	if (f->n == METRICS_SERIES - 1 && strcmp(value, "other") != 0)
		return series(f, "other");
	snprintf(f->series[f->n].value, METRICS_LABEL_MAX, "%s", value);
	return &f->series[f->n++];
}

void
metrics_inc(metrics_family *f, const char *value, double by)
{
	pthread_mutex_lock(&f->mu);
	series(f, value)->count += by;
	pthread_mutex_unlock(&f->mu);
}

void
metrics_observe(metrics_family *f, const char *value, double v)
{
	metrics_series *s;
	size_t b = 0;

	if (!(v >= 0))
		v = 0;	/* a clock stepped back: not a negative duration */
	while (b < f->nbounds && b < METRICS_BUCKETS - 1 && v > f->bounds[b])
		b++;
	pthread_mutex_lock(&f->mu);
	s = series(f, value);
	s->count += 1;
	s->sum += v;
	s->buckets[b]++;
	pthread_mutex_unlock(&f->mu);
}

void
metrics_write_label(FILE *out, const char *value)
{
	for (const char *p = value; *p; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', out);
		if (*p == '\n')
			fputs("\\n", out);
		else
			fputc(*p, out);
	}
}

/* A number as the format wants it: integers without a fraction. */
static void
num(FILE *out, double v)
{
	if (isinf(v))
		fputs(v > 0 ? "+Inf" : "-Inf", out);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(out, "%.0f", v);
	else
		fprintf(out, "%.9g", v);
}

static void
sample(FILE *out, const char *name, const char *suffix, const char *label, const char *value,
       const char *le, double v)
{
	fprintf(out, "%s%s", name, suffix);
	if ((label && value) || le) {
		fputc('{', out);
		if (label && value) {
			fprintf(out, "%s=\"", label);
			metrics_write_label(out, value);
			fputc('"', out);
		}
		if (le)
			fprintf(out, "%sle=\"%s\"", label && value ? "," : "", le);
		fputc('}', out);
	}
	fputc(' ', out);
	num(out, v);
	fputc('\n', out);
}

static void
write_family(FILE *out, metrics_family *f)
{
	bool hist = f->bounds != NULL;

	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name,
		hist ? "histogram" : "counter");
	pthread_mutex_lock(&f->mu);
	for (size_t i = 0; i < f->n; i++) {
		const metrics_series *s = &f->series[i];
		uint64_t cum = 0;

		if (!hist) {
			sample(out, f->name, "", f->label, s->value, NULL, s->count);
			continue;
		}
		for (size_t b = 0; b < f->nbounds && b < METRICS_BUCKETS - 1; b++) {
			char le[32];

			cum += s->buckets[b];
			snprintf(le, sizeof le, "%g", f->bounds[b]);
			sample(out, f->name, "_bucket", f->label, s->value, le, (double)cum);
		}
		sample(out, f->name, "_bucket", f->label, s->value, "+Inf", s->count);
		sample(out, f->name, "_sum", f->label, s->value, NULL, s->sum);
		sample(out, f->name, "_count", f->label, s->value, NULL, s->count);
	}
	pthread_mutex_unlock(&f->mu);
}

int
metrics_write(FILE *out)
{
	pthread_mutex_lock(&registry_mu);
	for (metrics_family *f = registry; f; f = f->next)
		write_family(out, f);
	pthread_mutex_unlock(&registry_mu);
	return ferror(out) ? -1 : 0;
}

void
metrics_write_gauge(FILE *out, const char *name, const char *help, const char *label,
		    const char *const *labels, const double *values, size_t n)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	for (size_t i = 0; i < n; i++)
		sample(out, name, "", label, labels ? labels[i] : NULL, NULL, values[i]);
}

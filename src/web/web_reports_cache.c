/*
 * web_reports_cache.c - the Reports page's documents, kept up to a minute
 * (web_reports_cache.h). A small table under one lock; the report itself is
 * computed outside the lock, with the entry marked busy so that others
 * asking for the same one wait on the condition variable. A document asked
 * for in its last WEB_REPORTS_REFRESH_AT seconds is computed again in the
 * background (one at a time, on a connection of its own), so a page read
 * every few minutes seldom waits for one.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_report.h"

#include "web_reports_cache.h"

typedef struct {
	bool used, busy;
	int64_t business_id;
	const rules *r;		/* rules versions live until exit (rules_live.h) */
	char key[32];
	int64_t as_of;
	json_t *doc;		/* NULL while busy */
} entry;

/* The background computation, at most one at a time. */
typedef struct {
	store *s;		/* its own connection (store_report_reader) */
	int64_t business_id;
	const rules *r;
	report_options o;
	char key[32];
} refresh_job;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static entry cache[WEB_REPORTS_CACHE_MAX];
static bool refreshing;		/* a refresh thread was started and not joined */
static pthread_t refresher;

static bool
fresh(const entry *e, int64_t now)
{
	return e->doc != NULL && now >= e->as_of && now - e->as_of <= WEB_REPORTS_MAX_AGE;
}

static entry *
find(int64_t business_id, const rules *r, const char *key)
{
	for (size_t i = 0; i < WEB_REPORTS_CACHE_MAX; i++)
		if (cache[i].used && cache[i].business_id == business_id && cache[i].r == r &&
		    strcmp(cache[i].key, key) == 0)
			return &cache[i];
	return NULL;
}

/* A free slot, else the oldest one nobody is computing; NULL when all are busy. */
static entry *
slot(void)
{
	entry *old = NULL;

	for (size_t i = 0; i < WEB_REPORTS_CACHE_MAX; i++) {
		if (!cache[i].used)
			return &cache[i];
		if (!cache[i].busy && (old == NULL || cache[i].as_of < old->as_of))
			old = &cache[i];
	}
	return old;
}

static entry *find(int64_t business_id, const rules *r, const char *key);

static void *
refresh_run(void *arg)
{
	refresh_job *job = arg;
	char err[256];
	json_t *doc = report_build(job->s, job->business_id, job->r, &job->o, err, sizeof err);
	entry *e;

	pthread_mutex_lock(&mu);
	e = find(job->business_id, job->r, job->key);
	/* Kept unless a request computed a newer one meanwhile. */
	if (doc != NULL && e != NULL && !e->busy && job->o.now > e->as_of) {
		json_decref(e->doc);
		e->doc = json_incref(doc);
		e->as_of = job->o.now;
	}
	pthread_mutex_unlock(&mu);
	json_decref(doc);
	store_close(job->s);
	free(job);
	return NULL;
}

/* Under mu: starts computing e again in the background for o, unless a
 * refresh runs, or the store gives no second connection. */
static void
refresh_start(entry *e, store *s, const report_options *o)
{
	refresh_job *job;

	if (refreshing) {
		/* the last one may be over: join it before starting another */
		if (pthread_tryjoin_np(refresher, NULL) != 0)
			return;
		refreshing = false;
	}
	if ((job = calloc(1, sizeof *job)) == NULL)
		return;
	if ((job->s = store_report_reader(s)) == NULL) {
		free(job);
		return;
	}
	job->business_id = e->business_id;
	job->r = e->r;
	job->o = *o;
	snprintf(job->key, sizeof job->key, "%s", e->key);
	if (pthread_create(&refresher, NULL, refresh_run, job) != 0) {
		store_close(job->s);
		free(job);
		return;
	}
	refreshing = true;
}

json_t *
web_reports_doc(store *s, int64_t business_id, const rules *r, const report_options *o,
		const char *key, int64_t *as_of, char *err, size_t errlen)
{
	json_t *doc;
	entry *e;

	pthread_mutex_lock(&mu);
	for (;;) {
		e = find(business_id, r, key);
		if (e == NULL || !e->busy)
			break;
		pthread_cond_wait(&done, &mu);
	}
	if (e != NULL && fresh(e, o->now)) {
		doc = json_incref(e->doc);
		*as_of = e->as_of;
		if (o->now - e->as_of >= WEB_REPORTS_REFRESH_AT)
			refresh_start(e, s, o);
		pthread_mutex_unlock(&mu);
		return doc;
	}
	if (e == NULL && (e = slot()) != NULL) {
		json_decref(e->doc);
		memset(e, 0, sizeof *e);
		e->used = true;
		e->business_id = business_id;
		e->r = r;
		snprintf(e->key, sizeof e->key, "%s", key);
	}
	if (e != NULL) {
		json_decref(e->doc);
		e->doc = NULL;
		e->busy = true;
	}
	pthread_mutex_unlock(&mu);

	doc = report_build(s, business_id, r, o, err, errlen);
	*as_of = o->now;
	if (e == NULL)		/* every slot busy: computed, not kept */
		return doc;
	pthread_mutex_lock(&mu);
	e->busy = false;
	e->as_of = o->now;
	e->doc = doc ? json_incref(doc) : NULL;
	if (doc == NULL)
		e->used = false;
	pthread_cond_broadcast(&done);
	pthread_mutex_unlock(&mu);
	return doc;
}

void
web_reports_cache_wait(void)
{
	bool join;

	pthread_mutex_lock(&mu);
	join = refreshing;
	refreshing = false;
	pthread_mutex_unlock(&mu);
	if (join)
		pthread_join(refresher, NULL);
}

void
web_reports_cache_clear(void)
{
	web_reports_cache_wait();
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < WEB_REPORTS_CACHE_MAX; i++)
		if (cache[i].used && !cache[i].busy) {
			json_decref(cache[i].doc);
			memset(&cache[i], 0, sizeof cache[i]);
		}
	pthread_mutex_unlock(&mu);
}

/*
 * web_reports_cache.c - the Reports page's documents, kept up to a minute
 * (web_reports_cache.h). A small table under one lock; the report itself is
 * computed outside the lock, with the entry marked busy so that others
 * asking for the same one wait on the condition variable.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "web_reports_cache.h"

typedef struct {
	bool used, busy;
	int64_t business_id;
	const rules *r;		/* rules versions live until exit (rules_live.h) */
	char key[32];
	int64_t as_of;
	json_t *doc;		/* NULL while busy */
} entry;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static entry cache[WEB_REPORTS_CACHE_MAX];

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
web_reports_cache_clear(void)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < WEB_REPORTS_CACHE_MAX; i++)
		if (cache[i].used && !cache[i].busy) {
			json_decref(cache[i].doc);
			memset(&cache[i], 0, sizeof cache[i]);
		}
	pthread_mutex_unlock(&mu);
}

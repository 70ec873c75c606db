/*
 * store_bus.c - the commit bus (see store_bus.h): a fixed table of
 * subscribers under one mutex, and the watcher thread that turns other
 * processes' commits (PRAGMA data_version) into publishes. Holds no policy:
 * it neither knows nor decides who is woken for what.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "store_node.h"
#include "store_bus.h"
#include "util/log.h"

typedef struct {
	store_bus_fn fn;	/* NULL: free slot */
	void *arg;
	unsigned mask;
} sub;

struct store_bus {
	pthread_mutex_t mu;	/* the table; held while callbacks run */
	sub subs[STORE_BUS_MAX_SUBSCRIBERS];
	unsigned long published;

	/* The watcher, when started. */
	pthread_mutex_t wmu;
	pthread_cond_t wcv;
	pthread_t wthread;
	bool watching;
	bool wstop;
	int interval_ms;
	int64_t wlast;		/* data_version when the watcher started */
	store *wstore;
};

store_bus *
store_bus_new(void)
{
	store_bus *b = calloc(1, sizeof *b);
	pthread_condattr_t ca;

	if (b == NULL)
		return NULL;
	pthread_mutex_init(&b->mu, NULL);
	pthread_mutex_init(&b->wmu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->wcv, &ca);
	pthread_condattr_destroy(&ca);
	return b;
}

int
store_bus_subscribe(store_bus *b, unsigned mask, store_bus_fn fn, void *arg)
{
	int id = -1;

	if (b == NULL || fn == NULL || mask == 0)
		return -1;
	pthread_mutex_lock(&b->mu);
	for (int i = 0; i < STORE_BUS_MAX_SUBSCRIBERS; i++) {
		if (b->subs[i].fn == NULL) {
			b->subs[i] = (sub){ .fn = fn, .arg = arg, .mask = mask };
			id = i;
			break;
		}
	}
	pthread_mutex_unlock(&b->mu);
	return id;
}

void
store_bus_unsubscribe(store_bus *b, int id)
{
	if (b == NULL || id < 0 || id >= STORE_BUS_MAX_SUBSCRIBERS)
		return;
	/* Callbacks run under mu: once we hold it, none of id's is running. */
	pthread_mutex_lock(&b->mu);
	b->subs[id] = (sub){ 0 };
	pthread_mutex_unlock(&b->mu);
}

void
store_bus_publish(store_bus *b, unsigned kinds)
{
	if (b == NULL || kinds == 0)
		return;
	pthread_mutex_lock(&b->mu);
	b->published++;
	for (int i = 0; i < STORE_BUS_MAX_SUBSCRIBERS; i++) {
		sub *s = &b->subs[i];

		if (s->fn != NULL && (s->mask & kinds) != 0)
			s->fn(s->arg, s->mask & kinds);
	}
	pthread_mutex_unlock(&b->mu);
}

unsigned long
store_bus_published(store_bus *b)
{
	unsigned long n;

	pthread_mutex_lock(&b->mu);
	n = b->published;
	pthread_mutex_unlock(&b->mu);
	return n;
}

/* --- the watcher ----------------------------------------------------------- */

/* Longest wait on a connection that announces commits, so that
 * store_bus_free() is not kept waiting. */
#define WAIT_SLICE_MS 100

static void *
watch(void *arg)
{
	store_bus *b = arg;
	int64_t last = b->wlast;
	bool failing = false;

	pthread_mutex_lock(&b->wmu);
	while (!b->wstop) {
		struct timespec until;
		int64_t v;

		if (store_can_wait_commit(b->wstore)) {
			/* Announced commits (PostgreSQL's NOTIFY, any node's) wake us
			 * at once; in slices, so a stop is seen within one. */
			pthread_mutex_unlock(&b->wmu);
			if (store_wait_commit(b->wstore, b->interval_ms < WAIT_SLICE_MS ?
					      b->interval_ms : WAIT_SLICE_MS) < 0)
				usleep(WAIT_SLICE_MS * 1000);	/* lost: reconnects below */
			pthread_mutex_lock(&b->wmu);
		} else {
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += b->interval_ms / 1000;
			until.tv_nsec += (long)(b->interval_ms % 1000) * 1000000;
			if (until.tv_nsec >= 1000000000) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000;
			}
			while (!b->wstop &&
			       pthread_cond_timedwait(&b->wcv, &b->wmu, &until) != ETIMEDOUT)
				;
		}
		if (b->wstop)
			break;
		pthread_mutex_unlock(&b->wmu);
		v = store_data_version(b->wstore);
		if (v < 0 && !failing)
			log_line("error", "bus_watch", "error=\"%s\"", store_errmsg(b->wstore));
		failing = v < 0;
		/* A failed read publishes too: better a spurious wake than a missed one. */
		if (v != last)
			store_bus_publish(b, STORE_BUS_ALL);
		if (v >= 0)
			last = v;
		pthread_mutex_lock(&b->wmu);
	}
	pthread_mutex_unlock(&b->wmu);
	return NULL;
}

int
store_bus_watch(store_bus *b, const char *dir, int interval_ms, char *err, size_t errlen)
{
	if (b->watching) {
		snprintf(err, errlen, "the commit bus already watches a database");
		return -1;
	}
	if ((b->wstore = store_open(dir, err, errlen)) == NULL)
		return -1;
	/* Read before the thread starts: a commit made once this returns is seen. */
	b->wlast = store_data_version(b->wstore);
	b->interval_ms = interval_ms > 0 ? interval_ms : 1000;
	b->wstop = false;
	if (pthread_create(&b->wthread, NULL, watch, b) != 0) {
		snprintf(err, errlen, "cannot start the commit bus watcher thread");
		store_close(b->wstore);
		b->wstore = NULL;
		return -1;
	}
	b->watching = true;
	return 0;
}

void
store_bus_free(store_bus *b)
{
	if (b == NULL)
		return;
	if (b->watching) {
		pthread_mutex_lock(&b->wmu);
		b->wstop = true;
		pthread_cond_signal(&b->wcv);
		pthread_mutex_unlock(&b->wmu);
		pthread_join(b->wthread, NULL);
		store_close(b->wstore);
	}
	pthread_cond_destroy(&b->wcv);
	pthread_mutex_destroy(&b->wmu);
	pthread_mutex_destroy(&b->mu);
	free(b);
}

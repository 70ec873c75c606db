/*
 * http_reaper.c - shuts down connections past their deadline (see
 * http_reaper.h). One list under one mutex; the thread walks it four times a
 * second: O(connections) per walk, bounded by the server's connection limit.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_reaper.h"
#include "util/log.h"
#include "util/mono.h"

#define REAPER_TICK_MS 250

struct reaper_conn {
	reaper_conn *prev, *next;
	int fd;			/* our duplicate of MHD's socket */
	int64_t deadline_ns;	/* 0: none */
	const char *phase;
	bool reaped;
	char ip[48];
};

struct reaper {
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* CLOCK_MONOTONIC */
	pthread_t thread;
	bool stop;
	reaper_conn *head;
	uint64_t reaped;
};

static void
walk(reaper *r)
{
	int64_t now = mono_ns();

	for (reaper_conn *c = r->head; c != NULL; c = c->next) {
		if (c->reaped || c->deadline_ns == 0 || now < c->deadline_ns)
			continue;
		/* MHD sees end-of-stream on its descriptor and closes the
		 * connection itself (its notify callback then removes c). */
		shutdown(c->fd, SHUT_RDWR);
		c->reaped = true;
		r->reaped++;
		log_line("info", "slow_client", "ip=%s phase=%s", c->ip, c->phase ? c->phase : "?");
	}
}

static void *
run(void *arg)
{
	reaper *r = arg;

	pthread_mutex_lock(&r->mu);
	while (!r->stop) {
		struct timespec ts = mono_deadline_ms(REAPER_TICK_MS);

		pthread_cond_timedwait(&r->cv, &r->mu, &ts);
		if (!r->stop)
			walk(r);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

reaper *
reaper_start(char *err, size_t errlen)
{
	reaper *r = calloc(1, sizeof *r);
	pthread_condattr_t ca;

	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&r->thread, NULL, run, r) != 0) {
		snprintf(err, errlen, "cannot start the slow-client thread");
		pthread_cond_destroy(&r->cv);
		pthread_mutex_destroy(&r->mu);
		free(r);
		return NULL;
	}
	return r;
}

void
reaper_stop(reaper *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	/* Connections MHD never told us were closed (it is stopped now). */
	while (r->head != NULL)
		reaper_remove(r, r->head);
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

reaper_conn *
reaper_add(reaper *r, int fd, const char *ip, int64_t deadline_ns)
{
	reaper_conn *c;

	if (r == NULL || fd < 0 || (c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	if ((c->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		free(c);
		return NULL;
	}
	c->deadline_ns = deadline_ns;
	c->phase = "headers";
	snprintf(c->ip, sizeof c->ip, "%s", ip ? ip : "unknown");
	pthread_mutex_lock(&r->mu);
	c->next = r->head;
	if (r->head != NULL)
		r->head->prev = c;
	r->head = c;
	pthread_mutex_unlock(&r->mu);
	return c;
}

void
reaper_set(reaper *r, reaper_conn *c, int64_t deadline_ns, const char *phase)
{
	if (r == NULL || c == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	c->deadline_ns = deadline_ns;
	c->phase = phase;
	pthread_mutex_unlock(&r->mu);
}

void
reaper_remove(reaper *r, reaper_conn *c)
{
	if (r == NULL || c == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		r->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&r->mu);
	close(c->fd);
	free(c);
}

uint64_t
reaper_reaped(reaper *r)
{
	uint64_t n;

	pthread_mutex_lock(&r->mu);
	n = r->reaped;
	pthread_mutex_unlock(&r->mu);
	return n;
}

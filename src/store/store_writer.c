/*
 * store_writer.c - the group-commit writer thread (see store_writer.h).
 * Everything queued when the thread wakes runs in one transaction (at most
 * STORE_WRITER_BATCH_MAX jobs); waiting submitters are woken only after COMMIT
 * returned (and was announced on the bus), so an acknowledgment always follows
 * durability.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_writer.h"
#include "util/log.h"

typedef struct wjob {
	store_writer_fn fn;
	void *arg;
	char *err;
	size_t errlen;
	int rc;
	bool ran_ok;		/* fn returned 0 in the current transaction */
	bool done;
	struct wjob *next;
} wjob;

struct store_writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;	/* jobs queued or stop */
	pthread_cond_t done;	/* a batch finished */
	wjob *head, *tail;
	bool stop;
	bool running;
	store *store;
};

static void
fail_job(wjob *j, const char *why)
{
	j->rc = -1;
	j->ran_ok = false;
	if (j->errlen > 0)
		snprintf(j->err, j->errlen, "%s", why);
}

/* Fails the jobs of [from, to) that had succeeded: their transaction is gone. */
static void
fail_committed(wjob *from, wjob *to, const char *why)
{
	for (wjob *j = from; j != to; j = j->next)
		if (j->ran_ok)
			fail_job(j, why);
}

/* Runs jobs in one transaction (a second one if SQLite aborted the first). */
static void
run_batch(store_writer *w, wjob *jobs)
{
	store *s = w->store;
	wjob *txn_start = jobs;
	bool in_txn = false;
	size_t n = 0;

	for (wjob *j = jobs; j != NULL; j = j->next, n++) {
		if (!in_txn) {
			if (store_begin(s) < 0) {
				fail_job(j, "the database is busy");
				continue;
			}
			in_txn = true;
			txn_start = j;
		}
		if (store_savepoint(s) < 0) {
			fail_job(j, "the database refused a savepoint");
			continue;
		}
		j->rc = j->fn(s, j->arg, j->err, j->errlen);
		if (j->rc == 0) {
			if (store_release(s) < 0)
				fail_job(j, "the database refused to release a savepoint");
			else
				j->ran_ok = true;
		} else {
			store_rollback_savepoint(s);
			if (j->rc < 0 && j->errlen > 0 && j->err[0] == '\0')
				snprintf(j->err, j->errlen, "storage error");
		}
		if (!store_in_transaction(s)) {
			/* SQLite rolled the whole transaction back (I/O error, full disk). */
			fail_committed(txn_start, j->next, "the transaction was aborted");
			in_txn = false;
		}
	}
	/* A successful commit announces itself on the bus (store_set_bus). */
	if (in_txn && store_commit(s) < 0) {
		log_line("error", "commit_failed", "jobs=%zu error=\"%s\"", n,
			 store_errmsg(s));
		store_rollback(s);
		fail_committed(txn_start, NULL, "the commit failed");
	}
}

static void *
run(void *arg)
{
	store_writer *w = arg;

	pthread_mutex_lock(&w->mu);
	w->running = true;
	for (;;) {
		wjob *batch, *last;
		size_t n = 1;

		while (w->head == NULL && !w->stop)
			pthread_cond_wait(&w->work, &w->mu);
		if (w->head == NULL)
			break;	/* stopping and drained */
		batch = last = w->head;
		while (last->next != NULL && n < STORE_WRITER_BATCH_MAX) {
			last = last->next;
			n++;
		}
		w->head = last->next;
		if (w->head == NULL)
			w->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&w->mu);

		run_batch(w, batch);

		pthread_mutex_lock(&w->mu);
		for (wjob *j = batch, *next; j != NULL; j = next) {
			next = j->next;	/* j may be freed by its submitter once done */
			j->done = true;
		}
		pthread_cond_broadcast(&w->done);
	}
	w->running = false;
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

store_writer *
store_writer_start(const char *dir, store_bus *bus, char *err, size_t errlen)
{
	store_writer *w = calloc(1, sizeof *w);

	if (w == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((w->store = store_open(dir, err, errlen)) == NULL) {
		free(w);
		return NULL;
	}
	store_set_bus(w->store, bus);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->done, NULL);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		snprintf(err, errlen, "cannot start the writer thread");
		store_close(w->store);
		free(w);
		return NULL;
	}
	return w;
}

int
store_writer_submit(store_writer *w, store_writer_fn fn, void *arg, char *err, size_t errlen)
{
	char dummy[8];
	wjob j = { .fn = fn, .arg = arg, .err = err, .errlen = errlen };

	if (err == NULL || errlen == 0) {
		j.err = dummy;
		j.errlen = sizeof dummy;
	}
	j.err[0] = '\0';
	pthread_mutex_lock(&w->mu);
	if (w->stop) {
		pthread_mutex_unlock(&w->mu);
		snprintf(j.err, j.errlen, "the server is stopping");
		return -1;
	}
	if (w->tail != NULL)
		w->tail->next = &j;
	else
		w->head = &j;
	w->tail = &j;
	pthread_cond_signal(&w->work);
	while (!j.done)
		pthread_cond_wait(&w->done, &w->mu);
	pthread_mutex_unlock(&w->mu);
	return j.rc;
}

bool
store_writer_running(store_writer *w)
{
	bool r;

	if (w == NULL)
		return false;
	pthread_mutex_lock(&w->mu);
	r = w->running;
	pthread_mutex_unlock(&w->mu);
	return r;
}

void
store_writer_stop(store_writer *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->done);
	pthread_mutex_destroy(&w->mu);
	store_close(w->store);
	free(w);
}

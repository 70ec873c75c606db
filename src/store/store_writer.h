/*
 * http_writer.h - group commit: one writer thread owns one store connection;
 * request handlers hand it jobs and block until the batch their job ran in is
 * committed. One transaction per batch, one savepoint per job, so a failing
 * job rolls back alone. Must not touch MHD: it knows jobs, not requests.
 */
#ifndef LK_HTTP_WRITER_H
#define LK_HTTP_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "sched/sched.h"
#include "store/store.h"

/* Most jobs in one transaction. */
#define WRITER_BATCH_MAX 256

typedef struct writer writer;

/*
 * A job: runs on the writer thread inside a savepoint of the batch's
 * transaction. Returns 0 to keep its writes, a positive code to refuse
 * (its writes are rolled back, the code is handed back to the submitter), or
 * -1 on a storage error (rolled back; err set). arg is the submitter's and
 * outlives the call because the submitter blocks.
 */
typedef int (*writer_fn)(store *s, void *arg, char *err, size_t errlen);

/* Opens its own connection to DIR's database and starts the thread. sc is
 * borrowed (may be NULL) and poked after every commit. NULL with err set. */
writer *writer_start(const char *dir, sched *sc, char *err, size_t errlen);

/* Also calls fn(arg) after every commit (NULL clears it); for the outbox
 * dispatcher, which starts after the server. fn must not block. */
void writer_on_commit(writer *w, void (*fn)(void *), void *arg);

/*
 * Queues fn(arg) and blocks until its batch is committed (or failed).
 * Returns fn's result when it was 0 or positive and the batch committed;
 * -1 with err set when fn failed, the commit failed or the writer stopped.
 * A 0 return means the job's writes are durable.
 */
int writer_submit(writer *w, writer_fn fn, void *arg, char *err, size_t errlen);

/* True while the thread runs (for /readyz). */
bool writer_running(writer *w);

/* Runs what is queued, stops the thread and frees w. Call only when no
 * submitter is left. NULL is a no-op. */
void writer_stop(writer *w);

#endif

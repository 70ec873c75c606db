/*
 * store_writer.h - group commit: one writer thread owns one store connection;
 * submitters (HTTP handlers) hand it jobs and block until the batch their job
 * ran in is committed. One transaction per batch, one savepoint per job, so a
 * failing job rolls back alone. Each commit is announced on the commit bus
 * (store_bus.h); the writer knows jobs, not requests, and nobody who waits.
 */
#ifndef LK_STORE_WRITER_H
#define LK_STORE_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "store/store_bus.h"

/* Most jobs in one transaction. */
#define STORE_WRITER_BATCH_MAX 256

typedef struct store_writer store_writer;

/*
 * A job: runs on the writer thread inside a savepoint of the batch's
 * transaction. Returns 0 to keep its writes, a positive code to refuse
 * (its writes are rolled back, the code is handed back to the submitter), or
 * -1 on a storage error (rolled back; err set). arg is the submitter's and
 * outlives the call because the submitter blocks.
 */
typedef int (*store_writer_fn)(store *s, void *arg, char *err, size_t errlen);

/* Opens its own connection to DIR's database and starts the thread. Every
 * commit that wrote rows is published on bus (borrowed, may be NULL; must
 * outlive the writer) before the batch's submitters are released. NULL with
 * err set. */
store_writer *store_writer_start(const char *dir, store_bus *bus, char *err, size_t errlen);

/*
 * Queues fn(arg) and blocks until its batch is committed (or failed).
 * Returns fn's result when it was 0 or positive and the batch committed;
 * -1 with err set when fn failed, the commit failed or the writer stopped.
 * A 0 return means the job's writes are durable.
 */
int store_writer_submit(store_writer *w, store_writer_fn fn, void *arg, char *err,
			size_t errlen);

/* True while the thread runs (for /readyz). False for NULL. */
bool store_writer_running(store_writer *w);

/* Runs what is queued, stops the thread and frees w. Call only when no
 * submitter is left. NULL is a no-op. */
void store_writer_stop(store_writer *w);

#endif

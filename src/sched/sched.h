/*
 * sched.h - the scheduler: fires due timers, in due-time order, each once.
 *
 * The database is the truth: the scheduler keeps no list of timers, it asks
 * the store for what is due (capped), fires it, and sleeps until the next due
 * time or one second, whichever is sooner - so a timer written by any process
 * (serve, the CLI, an import) is picked up within a second.
 */
#ifndef LK_SCHED_H
#define LK_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "core/rules.h"
#include "store/store.h"

/* Fires every timer due at or before now through flow_timer(), in batches of
 * at most `batch` per transaction. Returns how many fired, or -1 when some
 * could not fire for a storage error: those stay pending for the next call,
 * the others are committed. Used by the scheduler thread and by simulate
 * (with a virtual now). */
int sched_run_due(store *s, const rules *r, int64_t now, int batch);

typedef struct sched sched;

/* A wall clock in UTC seconds; the tests inject their own. */
typedef int64_t (*sched_clock)(void);

/* Starts the scheduler thread on its own connection to DIR's database.
 * Returns NULL with err set on failure. r is borrowed and must outlive it. */
sched *sched_start(const char *dir, const rules *r, sched_clock clock, char *err,
		   size_t errlen);

/* True while the thread runs its loop (for /readyz). */
bool sched_running(sched *s);

/* Wakes the thread now: something was written that may be due soon. */
void sched_poke(sched *s);

/* Stops the thread after its current batch and frees s. NULL is a no-op. */
void sched_stop(sched *s);

#endif

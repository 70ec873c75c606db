/*
 * sched.h - the scheduler: fires due timers, in due-time order, each once.
 *
 * The database is the truth: the scheduler keeps no list of timers, it asks
 * the store for what is due (capped), fires it, and sleeps until the next due
 * time or one second, whichever is sooner. It wakes at once when the commit
 * bus announces timers or leads (a commit in this process, or another
 * process's seen by the bus's watcher), and announces its own commits there,
 * so the outbox dispatcher sends what a timer made at once.
 */
#ifndef LK_SCHED_H
#define LK_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "core/rules.h"
#include "rules/rules_live.h"
#include "store/store.h"
#include "store/store_bus.h"

/* Fires every timer due at or before now through flow_timer(), in batches of
 * at most `batch` per transaction. Returns how many fired, or -1 when some
 * could not fire for a storage error: those stay pending for the next call,
 * the others are committed. Used by the scheduler thread and by simulate
 * (with a virtual now). */
int sched_run_due(store *s, const rules *r, int64_t now, int batch);

/* One batch (at most `batch`, one transaction) of business_id's timers due
 * at or before now, under its rules r. Returns how many fired (== batch:
 * more may be due), or -1 as sched_run_due. */
int sched_run_due_for(store *s, const rules *r, int64_t business_id, int64_t now, int batch);

/* Hands the open tasks of people who cannot take work at now (rules:
 * active: false, away) to who covers for them, through the engine
 * (flow_people), in one transaction. Returns how many leads were decided, or
 * -1 on a storage error (nothing handed over). Used by the scheduler thread
 * (at start, then every minute and after a rules reload) and by simulate (at
 * every time someone's presence changes). */
int sched_handoff(store *s, const rules *r, int64_t business_id, int64_t now);

/* The virtual clock of simulate and verify: fires every timer due up to
 * `until`, each at its own due time, and at each time someone goes away or
 * comes back on the way hands over the tasks of whoever is away then, as the
 * scheduler thread does. *clock is how far the run has come (moved forward).
 * *firings counts the timers fired; past max_firings it stops. 0, or -1 on a
 * storage error or a run that never settles. */
int sched_run_until(store *s, const rules *r, int64_t business_id, int64_t *clock,
		    int64_t until, long *firings, long max_firings);

typedef struct sched sched;

/* A wall clock in UTC seconds; the tests inject their own. */
typedef int64_t (*sched_clock)(void);

/* Starts the scheduler thread on its own connection to DIR's database. bus
 * (borrowed, may be NULL, must outlive it) wakes it on STORE_BUS_TIMERS and
 * STORE_BUS_LEADS, and hears its commits. Returns NULL with err set on
 * failure (also when the bus has no free subscription). r is borrowed and
 * must outlive it. */
sched *sched_start(const char *dir, const rules *r, sched_clock clock, store_bus *bus,
		   char *err, size_t errlen);

/* The same, following the rules in force in live (borrowed, must outlive
 * it): each batch of timers fires under the rules in force when it starts,
 * so a reload (serve's SIGHUP) takes effect from the next batch. It also
 * hands the tasks of people who go away to who covers for them
 * (sched_handoff, for business_id). */
sched *sched_start_live(const char *dir, const rules_live *live, int64_t business_id,
			sched_clock clock, store_bus *bus, char *err, size_t errlen);

/* A business serve hosts: its id and the rules in force for it (borrowed,
 * must outlive the scheduler). */
typedef struct {
	int64_t business_id;
	const rules_live *live;
} sched_business;

/* The scheduler of several businesses in one thread (serve): each fires only
 * its own timers, under its own rules, and hands over its own people's
 * tasks. They take turns, one batch each, round and round while any has
 * more due: one business's burst delays another's timers by at most one
 * batch per business, never by the whole burst. Timers of a business not in
 * biz (disabled) stay pending. biz is copied. */
sched *sched_start_many(const char *dir, const sched_business *biz, size_t n,
			sched_clock clock, store_bus *bus, char *err, size_t errlen);

/* A SIGHUP's businesses (sched_start_many's): biz (copied) replaces the
 * list at the thread's next turn; a business left out has its timers wait.
 * 0 / -1 (out of memory: the list in force stays). */
int sched_set_businesses(sched *sc, const sched_business *biz, size_t n);

/* True while the thread runs its loop (for /readyz). */
bool sched_running(sched *s);

/* Wakes the thread now: something may be due (the bus does this on commits;
 * for the rest, e.g. a test that moved its clock). */
void sched_poke(sched *s);

/* Stops the thread after its current batch and frees s. NULL is a no-op. */
void sched_stop(sched *s);

#endif

/*
 * sched.c - the scheduler thread. One loop: fire what is due (in batches, one
 * transaction each), then sleep until the next due time, at most one second,
 * or until the commit bus announces timers or leads.
 * A crash between batches loses nothing: fired timers were committed with
 * their effects, pending ones are still pending.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow/flow.h"
#include "sched.h"
#include "store/store_business.h"
#include "util/log.h"
#include "util/ids.h"
#include "util/mono.h"

#define FIRE_BATCH 256
#define DUE_BUSINESSES 1024	/* more with timers due at once: every turn looks */

/* One business's turn at the scheduler (sched_start_many). */
typedef struct {
	sched_business b;
	const rules *handed;	/* the rules its last hand-over pass ran with */
	int64_t next_handoff;
} sched_turn;

struct sched {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	store *store;
	store_bus *bus;
	int sub;		/* the bus subscription, or -1 */
	const rules *rules;
	const rules_live *live;	/* when set, the rules in force come from it */
	int64_t business_id;	/* for handing over the tasks of people away */
	const rules *handed;	/* the rules the last hand-over pass ran with */
	int64_t next_handoff;	/* when the next pass is due */
	sched_clock clock;
	sched_turn *turns;	/* sched_start_many: every business hosted, in turn */
	size_t nturns;
	sched_turn *pending;	/* sched_set_businesses', under mu until taken */
	size_t npending;
	bool stop;
	bool running;
	bool poked;
};

/* business_id 0: every business's timers; once: one batch only. */
static int
fire_due(store *s, const rules *r, int64_t business_id, int64_t now, int batch, bool once)
{
	store_timer *due = calloc((size_t)batch, sizeof *due);
	int fired = 0, failures = 0;

	if (due == NULL)
		return -1;
	for (;;) {
		int n, i;

		if (store_begin(s) < 0)
			goto fail;
		if ((n = business_id > 0 ? store_timers_due_for(s, business_id, now, due, batch) :
			 store_timers_due(s, now, due, batch)) < 0) {
			store_rollback(s);
			goto fail;
		}
		for (i = 0; i < n; i++) {
			char err[256] = "";
			flow_result rc;

			if (store_savepoint(s) < 0)
				break;
			rc = flow_timer(s, r, &due[i], now, err, sizeof err);
			if (rc == FLOW_OK) {
				store_release(s);
				fired++;
				continue;
			}
			store_rollback_savepoint(s);
			log_line("error", "timer_failed", "timer=%lld lead=%lld result=%s error=\"%s\"",
				 (long long)due[i].id, (long long)due[i].lead_id,
				 flow_result_name(rc), err);
			if (rc == FLOW_BUSY || rc == FLOW_STORAGE) {
				/* Not the timer's fault: it stays pending for a later pass. */
				failures++;
				if (!store_in_transaction(s))
					break;	/* the database aborted the whole transaction */
				continue;
			}
			/* The engine refuses this timer's event and always will: set it
			 * aside so it cannot block the queue. */
			if (store_timer_set_error(s, due[i].id) < 0)
				break;
		}
		if (i < n || store_commit(s) < 0) {
			store_rollback(s);
			goto fail;
		}
		if (n < batch || failures > 0 || once)
			break;	/* what failed is still due: retry on the next pass */
	}
	free(due);
	return failures > 0 ? -1 : fired;
fail:
	free(due);
	return -1;
}

int
sched_run_due(store *s, const rules *r, int64_t now, int batch)
{
	return fire_due(s, r, 0, now, batch, false);
}

int
sched_run_due_for(store *s, const rules *r, int64_t business_id, int64_t now, int batch)
{
	return fire_due(s, r, business_id, now, batch, true);
}

#define HANDOFF_EVERY 60	/* seconds between passes over the people away */

int
sched_handoff(store *s, const rules *r, int64_t business_id, int64_t now)
{
	char err[256] = "";
	size_t moved = 0;
	flow_result rc;

	if (!rules_anyone_absent(r))
		return 0;
	if (store_begin(s) < 0)
		return -1;
	rc = flow_people(s, business_id, r, now, &moved, err, sizeof err);
	if (rc != FLOW_OK || store_commit(s) < 0) {
		store_rollback(s);
		log_line("error", "handoff_failed", "result=%s error=\"%s\"", flow_result_name(rc),
			 err);
		return -1;
	}
	return (int)moved;
}

int
sched_run_until(store *s, const rules *r, int64_t business_id, int64_t *clock, int64_t until,
		long *firings, long max_firings)
{
	for (;;) {
		int64_t next = store_timer_next_due(s);
		int64_t away = rules_presence_change(r, *clock);
		int n;

		if (away > 0 && away <= until && (next <= 0 || away <= next)) {
			if (sched_handoff(s, r, business_id, away) < 0)
				return -1;
			*clock = away;
			continue;
		}
		if (next <= 0 || next > until)
			return 0;
		if (next > *clock)
			*clock = next;
		if ((n = sched_run_due(s, r, next, 256)) < 0)
			return -1;
		*firings += n;
		if (*firings > max_firings)
			return -1;
	}
}

/* Someone's absence may have begun: their open tasks go to who covers. At
 * start, after a reload, and every HANDOFF_EVERY seconds. */
static void
handoff(sched *sc, const rules *r, int64_t now)
{
	int n;

	if (sc->live == NULL || (r == sc->handed && now < sc->next_handoff))
		return;
	sc->handed = r;
	sc->next_handoff = now + HANDOFF_EVERY;
	if ((n = sched_handoff(sc->store, r, sc->business_id, now)) > 0)
		log_line("info", "tasks_handed_over", "leads=%d", n);
}

/* Every business hosted takes its turn: at most one batch each, round and
 * round while any has more due, so one business's burst (an import, a
 * campaign) delays another's timers by one batch per turn, never by the
 * whole burst. Each round asks once which businesses have timers due
 * (store_timers_due_businesses): the others' turns would find nothing, at a
 * transaction each. Returns how many fired, -1 when some could not. */
static int
fire_turns(sched *sc, int64_t now)
{
	int fired = 0;
	bool more = true, failed = false;

	while (more) {
		int64_t due[DUE_BUSINESSES];
		int ndue = -1;	/* unknown: every business looks */

		if (sc->nturns > 1 &&
		    (ndue = store_timers_due_businesses(sc->store, now, due, DUE_BUSINESSES)) ==
		    DUE_BUSINESSES)
			ndue = -1;
		more = false;
		for (size_t i = 0; i < sc->nturns; i++) {
			sched_turn *t = &sc->turns[i];
			const rules *r = rules_live_get(t->b.live);
			int n;

			if (r != t->handed || now >= t->next_handoff) {
				t->handed = r;
				t->next_handoff = now + HANDOFF_EVERY;
				if ((n = sched_handoff(sc->store, r, t->b.business_id, now)) > 0)
					log_line("info", "tasks_handed_over", "leads=%d business=%lld",
						 n, (long long)t->b.business_id);
			}
			if (ndue >= 0 && bsearch(&t->b.business_id, due, (size_t)ndue, sizeof *due,
						 ids_cmp) == NULL)
				continue;
			if ((n = sched_run_due_for(sc->store, r, t->b.business_id, now,
						   FIRE_BATCH)) < 0) {
				failed = true;
				continue;
			}
			fired += n;
			more |= n == FIRE_BATCH;
		}
	}
	return failed ? -1 : fired;
}

static void *
run(void *arg)
{
	sched *sc = arg;

	pthread_mutex_lock(&sc->mu);
	sc->running = true;
	while (!sc->stop) {
		int64_t now, next, wait_ms;
		struct timespec until;
		int fired;

		if (sc->pending != NULL) {	/* a reload's businesses */
			free(sc->turns);
			sc->turns = sc->pending;
			sc->nturns = sc->npending;
			sc->pending = NULL;
		}
		pthread_mutex_unlock(&sc->mu);
		now = sc->clock();
		if (sc->nturns > 0) {
			fired = fire_turns(sc, now);
		} else {
			handoff(sc, sc->live ? rules_live_get(sc->live) : sc->rules, now);
			fired = sched_run_due(sc->store, sc->live ? rules_live_get(sc->live) :
					      sc->rules, now, FIRE_BATCH);
		}
		if (fired > 0)
			log_line("info", "timers_fired", "count=%d", fired);
		else if (fired < 0)
			log_line("error", "scheduler", "error=\"%s\"", store_errmsg(sc->store));
		next = store_timer_next_due(sc->store);
		/* Due but nothing fired: those timers are of a business not hosted
		 * here (disabled); look again in a second, not at once. */
		if (fired == 0 && next > 0 && next <= now)
			next = 0;
		wait_ms = 1000;
		/* After a failure what is due is still due: retry in a second. */
		if (fired >= 0 && next > 0 && (next - now) * 1000 < wait_ms)
			wait_ms = next > now ? (next - now) * 1000 : 0;
		/* now is whole seconds: without this, a timer due at T fires at T
		 * plus whatever fraction of a second the loop last woke at, the
		 * same fraction every second (0.6 s measured on a quiet server).
		 * Wake at the start of the due second instead, 5 ms after it
		 * because time() reads a coarse clock that lags by a tick. */
		if (fired >= 0 && wait_ms > 0 && next > 0) {
			struct timespec rt;
			int64_t ms;

			clock_gettime(CLOCK_REALTIME, &rt);
			ms = (next - rt.tv_sec) * 1000 - rt.tv_nsec / 1000000 + 5;
			/* Only when the clock is the wall clock (not a test's fixed one). */
			if (rt.tv_sec - now <= 1 && now - rt.tv_sec <= 1 && ms < wait_ms)
				wait_ms = ms < 1 ? 1 : ms;
		}
		pthread_mutex_lock(&sc->mu);
		if (sc->stop || sc->poked || wait_ms == 0) {
			sc->poked = false;
			continue;
		}
		until = mono_deadline_ms(wait_ms);
		while (!sc->stop && !sc->poked &&
		       pthread_cond_timedwait(&sc->cv, &sc->mu, &until) != ETIMEDOUT)
			;
		sc->poked = false;
	}
	sc->running = false;
	pthread_mutex_unlock(&sc->mu);
	return NULL;
}

/* The bus's callback: a commit wrote timers or leads. Must not block. */
static void
on_commit(void *arg, unsigned kinds)
{
	sched_poke(arg);
}

/* One business (r or live, business_id) or several (turns, taken). */
static sched *
start(const char *dir, const rules *r, const rules_live *live, int64_t business_id,
      sched_turn *turns, size_t nturns, sched_clock clock, store_bus *bus, char *err,
      size_t errlen)
{
	sched *sc = calloc(1, sizeof *sc);
	pthread_condattr_t ca;

	if (sc == NULL) {
		free(turns);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	sc->turns = turns;
	sc->nturns = nturns;
	sc->rules = r;
	sc->live = live;
	sc->business_id = business_id;
	if ((sc->store = store_open(dir, err, errlen)) == NULL) {
		free(sc);
		return NULL;
	}
	sc->clock = clock;
	sc->bus = bus;
	sc->sub = -1;
	pthread_mutex_init(&sc->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sc->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (bus != NULL &&
	    (sc->sub = store_bus_subscribe(bus, STORE_BUS_TIMERS | STORE_BUS_LEADS, on_commit,
					   sc)) < 0) {
		snprintf(err, errlen, "the commit bus has no free subscription for the scheduler");
		goto fail;
	}
	/* What a batch of timers made (follow-ups, notifications, new timers) is
	 * announced when the batch commits. */
	store_set_bus(sc->store, bus);
	if (pthread_create(&sc->thread, NULL, run, sc) != 0) {
		snprintf(err, errlen, "cannot start the scheduler thread");
		goto fail;
	}
	return sc;
fail:
	store_bus_unsubscribe(bus, sc->sub);
	pthread_cond_destroy(&sc->cv);
	pthread_mutex_destroy(&sc->mu);
	store_close(sc->store);
	free(sc->turns);
	free(sc);
	return NULL;
}

int
sched_set_businesses(sched *sc, const sched_business *biz, size_t n)
{
	sched_turn *turns = calloc(n ? n : 1, sizeof *turns);

	if (turns == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		turns[i].b = biz[i];
	pthread_mutex_lock(&sc->mu);
	free(sc->pending);
	sc->pending = turns;
	sc->npending = n;
	pthread_cond_signal(&sc->cv);
	pthread_mutex_unlock(&sc->mu);
	return 0;
}

sched *
sched_start_many(const char *dir, const sched_business *biz, size_t n, sched_clock clock,
		 store_bus *bus, char *err, size_t errlen)
{
	sched_turn *turns = calloc(n ? n : 1, sizeof *turns);
	sched *sc;

	if (turns == NULL || n == 0) {
		free(turns);
		snprintf(err, errlen, n ? "out of memory" : "no business to schedule");
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		turns[i].b = biz[i];
	sc = start(dir, NULL, NULL, 0, turns, n, clock, bus, err, errlen);
	return sc;
}

sched *
sched_start(const char *dir, const rules *r, sched_clock clock, store_bus *bus, char *err,
	    size_t errlen)
{
	return start(dir, r, NULL, 0, NULL, 0, clock, bus, err, errlen);
}

sched *
sched_start_live(const char *dir, const rules_live *live, int64_t business_id,
		 sched_clock clock, store_bus *bus, char *err, size_t errlen)
{
	return start(dir, NULL, live, business_id, NULL, 0, clock, bus, err, errlen);
}

bool
sched_running(sched *sc)
{
	bool r;

	pthread_mutex_lock(&sc->mu);
	r = sc->running;
	pthread_mutex_unlock(&sc->mu);
	return r;
}

void
sched_poke(sched *sc)
{
	pthread_mutex_lock(&sc->mu);
	sc->poked = true;
	pthread_cond_signal(&sc->cv);
	pthread_mutex_unlock(&sc->mu);
}

void
sched_stop(sched *sc)
{
	if (sc == NULL)
		return;
	/* No callback may touch sc once it is freed. */
	store_bus_unsubscribe(sc->bus, sc->sub);
	pthread_mutex_lock(&sc->mu);
	sc->stop = true;
	pthread_cond_signal(&sc->cv);
	pthread_mutex_unlock(&sc->mu);
	pthread_join(sc->thread, NULL);
	pthread_cond_destroy(&sc->cv);
	pthread_mutex_destroy(&sc->mu);
	store_close(sc->store);
	free(sc->turns);
	free(sc->pending);
	free(sc);
}

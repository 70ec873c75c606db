/*
 * web_reports_cache.c - the Reports page's documents and the warmer that
 * computes them (web_reports_cache.h). A table of entries under one lock;
 * a report is computed outside the lock, by the warmer's thread on its own
 * connection (or, with no warmer, by the request that lacks it). Entries are
 * named by their index, never by a pointer held across the unlock.
 * Must not render anything: web_reports.c does, from the document.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "store/store_report.h"
#include "util/log.h"
#include "util/mono.h"

#include "web_reports_cache.h"

typedef struct {
	bool used;
	bool pinned;		/* a hosted business's default view: never dropped */
	bool busy;		/* being computed */
	bool failed;		/* the last computation could not read the store */
	int64_t business_id;
	char key[32];
	int64_t period;		/* seconds before now */
	report_by by;
	const rules *r;		/* the doc's rules; versions live until exit (rules_live.h) */
	int64_t as_of;		/* the doc's now */
	json_t *doc;		/* NULL: none yet */
	unsigned long asked;	/* > 0: a request asked for it (its turn: lowest first) */
	const rules *want;	/* the rules it was asked under */
	int64_t used_at;	/* mono ms it was last read: the least recent is dropped */
} entry;

typedef struct {
	int64_t id;
	const rules_live *live;
	int64_t seen;		/* its newest timeline entry known to the warmer */
	bool dirty;		/* its leads changed since its default view was computed */
	size_t slot;		/* its pinned entry */
} warm_biz;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
/* Both on the monotonic clock (conds_init): a request waits a bounded time. */
static pthread_cond_t done;	/* an entry computed, the warmer settled or stopped */
static pthread_cond_t wake;	/* work for the warmer */
static pthread_once_t conds_once = PTHREAD_ONCE_INIT;

static entry *cache;		/* cap entries: pinned ones + WEB_REPORTS_CACHE_MAX */
static size_t cap;
static unsigned long ask_seq;
static web_reports_counts counts;

/* The warmer: its state, all under mu but its store. */
static struct {
	bool running, stopping;
	pthread_t thread;
	store *s;		/* its own connection: the thread's alone */
	int64_t (*clock)(void);
	store_bus *bus;
	int sub;
	warm_biz *biz;		/* by id (bsearch) */
	size_t nbiz, next;	/* next: where the round of default views resumes */
	bool changed;		/* the bus said leads changed */
	int64_t after;		/* the newest timeline entry read; -1: not yet */
	int64_t pause_until;	/* mono ms: no computation of its own before */
	int64_t changes_at;	/* mono ms of the last look at the timeline */
	unsigned long settle_want, settled;
} w = { .after = -1 };

static void
conds_init(void)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&done, &ca);
	pthread_cond_init(&wake, &ca);
	pthread_condattr_destroy(&ca);
}

#define WEB_REPORTS_CHANGES_MS 1000	/* looks at the timeline at most this often */
#define WEB_REPORTS_NICE 10		/* the warmer's priority: below the requests' */

static int64_t
now_ms(void)
{
	return mono_ns() / 1000000;
}

/* Under mu: the cache holds at least n entries besides the other views. */
static int
reserve(size_t pinned)
{
	size_t want = pinned + WEB_REPORTS_CACHE_MAX;
	entry *c;

	if (want <= cap)
		return 0;
	if ((c = realloc(cache, want * sizeof *c)) == NULL)
		return -1;
	memset(c + cap, 0, (want - cap) * sizeof *c);
	cache = c;
	cap = want;
	return 0;
}

static long
find(int64_t business_id, const char *key)
{
	for (size_t i = 0; i < cap; i++)
		if (cache[i].used && cache[i].business_id == business_id &&
		    strcmp(cache[i].key, key) == 0)
			return (long)i;
	return -1;
}

/* Under mu: a slot for another view - a free one while fewer than
 * WEB_REPORTS_CACHE_MAX other views are kept, else the least recently read
 * one nobody computes or asked for. -1 when there is none. */
static long
slot(void)
{
	long free_slot = -1, old = -1;
	size_t others = 0;

	if (reserve(0) < 0)
		return -1;
	for (size_t i = 0; i < cap; i++) {
		entry *e = &cache[i];

		if (!e->used) {
			if (free_slot < 0)
				free_slot = (long)i;
			continue;
		}
		if (e->pinned)
			continue;
		others++;
		if (!e->busy && e->asked == 0 && (old < 0 || e->used_at < cache[old].used_at))
			old = (long)i;
	}
	if (free_slot >= 0 && others < WEB_REPORTS_CACHE_MAX)
		return free_slot;
	if (old >= 0) {
		json_decref(cache[old].doc);
		memset(&cache[old], 0, sizeof cache[old]);
	}
	return old;
}

static void
init_entry(entry *e, int64_t business_id, const char *key, const report_options *o)
{
	memset(e, 0, sizeof *e);
	e->used = true;
	e->business_id = business_id;
	snprintf(e->key, sizeof e->key, "%s", key);
	e->period = o->to - o->from;
	e->by = o->by;
}

static report_options
options_at(const entry *e, int64_t now)
{
	return (report_options){ .now = now, .to = now, .from = now - e->period, .by = e->by,
				 .list_max = WEB_REPORTS_LIST_MAX };
}

/* Under mu: doc (may be NULL: failed, err says why) computed at as_of under
 * r goes into entry i, unless it holds newer figures under the same rules. */
static void
install(size_t i, json_t *doc, const rules *r, int64_t as_of, const char *err)
{
	entry *e = &cache[i];

	e->busy = false;
	if (doc == NULL) {
		e->failed = e->doc == NULL || e->r != r;
		if (e->doc == NULL)
			e->r = r;	/* failed under r: tried again when leads change */
		log_line("error", "report_failed", "business=%lld view=%s error=\"%s\"",
			 (long long)e->business_id, e->key, err);
	} else if (e->doc == NULL || e->r != r || as_of >= e->as_of) {
		json_decref(e->doc);
		e->doc = doc;
		e->r = r;
		e->as_of = as_of;
		e->failed = false;
		doc = NULL;
	}
	json_decref(doc);
	pthread_cond_broadcast(&done);
}

/* --- the warmer ------------------------------------------------------------ */

/* On the publishing thread with the bus locked: only a wake-up. */
static void
on_commit(void *arg, unsigned kinds)
{
	(void)arg;
	(void)kinds;
	pthread_mutex_lock(&mu);
	w.changed = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&mu);
}

static int
biz_cmp(const void *a, const void *b)
{
	const warm_biz *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* store_report_changed's callback, on the warmer's thread without mu. */
static void
mark(void *ctx, int64_t business_id, int64_t newest)
{
	warm_biz key = { .id = business_id }, *b;

	(void)ctx;
	pthread_mutex_lock(&mu);
	b = bsearch(&key, w.biz, w.nbiz, sizeof *w.biz, biz_cmp);
	if (b != NULL && newest > b->seen) {
		b->seen = newest;
		b->dirty = true;
	}
	pthread_mutex_unlock(&mu);
}

/* Under mu: the entry a request asked for first, or -1. */
static long
next_asked(void)
{
	long best = -1;

	for (size_t i = 0; i < cap; i++)
		if (cache[i].used && cache[i].asked > 0 && !cache[i].busy &&
		    (best < 0 || cache[i].asked < cache[best].asked))
			best = (long)i;
	return best;
}

/* Under mu: the next business whose default view is due, round robin from
 * w.next (so one business changing all the time does not starve the
 * others), or -1. Due: never computed, other rules in force, or its leads
 * changed and it is WEB_REPORTS_REFRESH_AT old (or from a later clock). */
static long
next_due(int64_t now, bool *waiting, const char **why)
{
	for (size_t k = 0; k < w.nbiz; k++) {
		size_t j = (w.next + k) % w.nbiz;
		warm_biz *b = &w.biz[j];
		const entry *e = &cache[b->slot];
		bool due = e->doc == NULL || e->r != rules_live_get(b->live);

		if (e->busy)
			continue;
		if (!due && b->dirty) {
			due = now - e->as_of >= WEB_REPORTS_REFRESH_AT || now < e->as_of;
			*waiting |= !due;
		}
		if (due && e->failed && !b->dirty && e->r == rules_live_get(b->live))
			due = false;	/* it failed: again when something changes */
		if (due) {
			*why = e->doc == NULL ? "start" : e->r != rules_live_get(b->live) ? "rules" :
			       "changed";
			w.next = (j + 1) % w.nbiz;
			b->dirty = false;
			return (long)j;
		}
	}
	return -1;
}

/* Computes entry i under r on the warmer's connection (mu released
 * meanwhile). Returns how long it took, in ms. */
static int64_t
compute(size_t i, const rules *r, const char *why)
{
	entry *e = &cache[i];
	int64_t business_id = e->business_id, as_of = w.clock(), t0 = now_ms();
	report_options o = options_at(e, as_of);
	char err[256] = "", key[sizeof e->key];
	json_t *doc;

	memcpy(key, e->key, sizeof key);
	e->busy = true;
	e->want = r;
	pthread_mutex_unlock(&mu);
	doc = report_build(w.s, business_id, r, &o, err, sizeof err);
	/* The report's working set (one record per lead and per task: hundreds
	 * of MiB at a million leads) goes back to the system, not kept idle in
	 * the allocator until the next one. */
	malloc_trim(0);
	t0 = now_ms() - t0;
	if (doc != NULL)
		log_line("info", "report_computed", "business=%lld view=%s why=%s ms=%lld",
			 (long long)business_id, key, why, (long long)t0);
	pthread_mutex_lock(&mu);
	install(i, doc, r, as_of, err);
	return t0;
}

static void *
warm_run(void *arg)
{
	(void)arg;
	/* Work nobody waits for yields to the requests: a lower priority for
	 * this thread and the report's reader thread it starts (Linux: the
	 * nice value is per thread, inherited by the threads it creates). */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), WEB_REPORTS_NICE) < 0)
		log_line("info", "report_warm_priority", "error=\"%s\"", strerror(errno));
	pthread_mutex_lock(&mu);
	while (!w.stopping) {
		bool settling = w.settle_want != w.settled, waiting = false;
		int64_t now_mono = now_ms();
		struct timespec ts;
		long i;

		/* At most one look at the timeline a second, however many commits
		 * woke it: a changed view is due only WEB_REPORTS_REFRESH_AT later. */
		if (w.changed && !settling && now_mono < w.changes_at + WEB_REPORTS_CHANGES_MS)
			waiting = true;
		else if (w.changed || w.after < 0) {
			int64_t after = w.after;
			int rc;

			w.changed = false;
			w.changes_at = now_mono;
			pthread_mutex_unlock(&mu);
			rc = store_report_changed(w.s, &after, mark, NULL);
			pthread_mutex_lock(&mu);
			if (rc >= 0) {
				if (w.after < 0)	/* the start: every view is computed anyway */
					for (size_t k = 0; k < w.nbiz; k++)
						w.biz[k].seen = after;
				w.after = after;
				continue;
			}
			/* Tried again at the next wake-up; the views meanwhile as due. */
			log_line("error", "report_changes", "error=\"%s\"", store_errmsg(w.s));
		}
		if ((i = next_asked()) >= 0) {
			const rules *r = cache[i].want;

			cache[i].asked = 0;
			compute((size_t)i, r, "asked");
			counts.asked++;
			continue;
		}
		if (settling || now_mono >= w.pause_until) {
			const char *why = "start";
			long j = next_due(w.clock(), &waiting, &why);

			if (j >= 0) {
				int64_t took = compute(w.biz[j].slot, rules_live_get(w.biz[j].live),
						       why);

				counts.warmed++;
				/* At most half of the thread's time on work nobody waits for. */
				w.pause_until = now_ms() + took;
				continue;
			}
		} else {
			waiting = true;
		}
		if (settling) {
			w.settled = w.settle_want;
			pthread_cond_broadcast(&done);
		}
		/* Nothing to do now: a commit, a request or a stop wakes it. A
		 * pause, or a changed view not old enough yet, needs the clock
		 * too; else it sleeps. */
		if (waiting) {
			int64_t ms = 1000;

			if (w.pause_until > now_mono && w.pause_until - now_mono < ms)
				ms = w.pause_until - now_mono;
			if (w.changed && w.changes_at + WEB_REPORTS_CHANGES_MS - now_mono < ms)
				ms = w.changes_at + WEB_REPORTS_CHANGES_MS - now_mono;
			ts = mono_deadline_ms(ms > 0 ? ms : 0);
			pthread_cond_timedwait(&wake, &mu, &ts);
		} else {
			pthread_cond_wait(&wake, &mu);
		}
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

int
web_reports_warm_start(const web_reports_warm_config *cfg, char *err, size_t errlen)
{
	report_options o = { .from = 0, .to = WEB_REPORTS_DEFAULT_PERIOD, .by = REPORT_BY_NONE };
	store *s;
	int sub = -1;

	pthread_once(&conds_once, conds_init);
	if ((s = store_open(cfg->dir, err, errlen)) == NULL)
		return -1;
	/* Subscribed before mu is taken: the bus calls on_commit with its own
	 * lock held, and on_commit takes mu - never the other order. */
	if (cfg->bus != NULL &&
	    (sub = store_bus_subscribe(cfg->bus, STORE_BUS_LEADS, on_commit, NULL)) < 0) {
		store_close(s);
		snprintf(err, errlen, "reports warmer: the commit bus has no free slot");
		return -1;
	}
	pthread_mutex_lock(&mu);
	if (w.running) {
		snprintf(err, errlen, "the reports warmer already runs");
		goto fail_running;
	}
	if (reserve(cfg->n) < 0 || (w.biz = calloc(cfg->n ? cfg->n : 1, sizeof *w.biz)) == NULL)
		goto oom;
	w.nbiz = cfg->n;
	for (size_t k = 0; k < cfg->n; k++) {
		w.biz[k] = (warm_biz){ .id = cfg->businesses[k].id,
				       .live = cfg->businesses[k].live };
	}
	qsort(w.biz, w.nbiz, sizeof *w.biz, biz_cmp);
	/* Each business's default view gets a pinned slot of its own. */
	for (size_t k = 0; k < w.nbiz; k++) {
		long i = find(w.biz[k].id, WEB_REPORTS_DEFAULT_KEY);

		if (i < 0) {
			for (i = 0; i < (long)cap && cache[i].used; i++)
				;
			if (i == (long)cap)
				goto oom;	/* cannot be: reserve() made room */
			init_entry(&cache[i], w.biz[k].id, WEB_REPORTS_DEFAULT_KEY, &o);
		}
		cache[i].pinned = true;
		w.biz[k].slot = (size_t)i;
	}
	w.s = s;
	w.clock = cfg->clock;
	w.bus = cfg->bus;
	w.sub = sub;
	w.next = 0;
	w.changed = false;
	w.after = -1;
	w.pause_until = 0;
	w.stopping = false;
	if (pthread_create(&w.thread, NULL, warm_run, NULL) != 0) {
		snprintf(err, errlen, "reports warmer: cannot start its thread");
		goto fail;
	}
	w.running = true;
	pthread_mutex_unlock(&mu);
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(w.biz);
	w.biz = NULL;
	w.nbiz = 0;
	w.s = NULL;
fail_running:
	pthread_mutex_unlock(&mu);
	if (sub >= 0)
		store_bus_unsubscribe(cfg->bus, sub);
	store_close(s);
	return -1;
}

void
web_reports_warm_stop(void)
{
	pthread_once(&conds_once, conds_init);
	pthread_mutex_lock(&mu);
	if (!w.running) {
		pthread_mutex_unlock(&mu);
		return;
	}
	w.stopping = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&mu);
	/* Unsubscribed first: no callback runs once it returns. */
	if (w.sub >= 0)
		store_bus_unsubscribe(w.bus, w.sub);
	pthread_join(w.thread, NULL);
	pthread_mutex_lock(&mu);
	w.running = false;
	store_close(w.s);
	w.s = NULL;
	free(w.biz);
	w.biz = NULL;
	w.nbiz = 0;
	for (size_t i = 0; i < cap; i++) {
		cache[i].pinned = false;
		cache[i].asked = 0;
	}
	pthread_cond_broadcast(&done);
	pthread_mutex_unlock(&mu);
}

void
web_reports_warm_settle(void)
{
	unsigned long want;

	pthread_once(&conds_once, conds_init);
	pthread_mutex_lock(&mu);
	if (w.running) {
		want = ++w.settle_want;
		pthread_cond_signal(&wake);
		while (w.running && w.settled < want)
			pthread_cond_wait(&done, &mu);
	}
	pthread_mutex_unlock(&mu);
}

/* --- a request ----------------------------------------------------------- */

/* Under mu: asks the warmer for entry i under r (once). */
static void
ask(size_t i, const rules *r)
{
	entry *e = &cache[i];

	if (e->busy && e->want == r)
		return;
	if (e->asked == 0)
		e->asked = ++ask_seq;
	e->want = r;
	pthread_cond_signal(&wake);
}

/* Under mu: entry i's document under r, if it has one. */
static bool
take(size_t i, const rules *r, json_t **doc, int64_t *as_of)
{
	entry *e = &cache[i];

	if (e->doc == NULL || e->r != r)
		return false;
	*doc = json_incref(e->doc);
	*as_of = e->as_of;
	e->used_at = now_ms();
	return true;
}

static bool
stale(const entry *e, int64_t now)
{
	return now < e->as_of || now - e->as_of > WEB_REPORTS_MAX_AGE;
}

/* Without the warmer: computes entry i (or, i < 0, an uncached one) here. */
static web_reports_state
compute_here(long i, store *s, int64_t business_id, const rules *r, const report_options *o,
	     json_t **doc, int64_t *as_of, char *err, size_t errlen)
{
	if (i >= 0)
		cache[i].busy = true;
	pthread_mutex_unlock(&mu);
	*doc = report_build(s, business_id, r, o, err, errlen);
	*as_of = o->now;
	pthread_mutex_lock(&mu);
	counts.in_request++;
	if (i >= 0) {
		install((size_t)i, *doc ? json_incref(*doc) : NULL, r, o->now, err);
		cache[i].failed = false;	/* this request reports it */
		cache[i].used_at = now_ms();
	}
	pthread_mutex_unlock(&mu);
	return *doc != NULL ? WEB_REPORTS_READY : WEB_REPORTS_FAILED;
}

web_reports_state
web_reports_get(store *s, int64_t business_id, const rules *r, const report_options *o,
		const char *key, int wait_ms, json_t **doc, int64_t *as_of, char *err,
		size_t errlen)
{
	struct timespec until;
	long i;

	*doc = NULL;
	pthread_once(&conds_once, conds_init);
	pthread_mutex_lock(&mu);
	if ((i = find(business_id, key)) < 0 && (i = slot()) >= 0)
		init_entry(&cache[i], business_id, key, o);
	if (!w.running) {
		/* As before the warmer: a kept document while fresh, else computed
		 * here - once: who asks meanwhile waits for it. */
		while (i >= 0 && cache[i].busy)
			pthread_cond_wait(&done, &mu);
		if (i >= 0 && take((size_t)i, r, doc, as_of) && !stale(&cache[i], o->now)) {
			pthread_mutex_unlock(&mu);
			return WEB_REPORTS_READY;
		}
		json_decref(*doc);
		*doc = NULL;
		return compute_here(i, s, business_id, r, o, doc, as_of, err, errlen);
	}
	if (i < 0) {	/* every slot asked for or computed: come back */
		pthread_mutex_unlock(&mu);
		return WEB_REPORTS_COMPUTING;
	}
	if (take((size_t)i, r, doc, as_of)) {
		if (stale(&cache[i], o->now))
			ask((size_t)i, r);
		pthread_mutex_unlock(&mu);
		return WEB_REPORTS_READY;
	}
	if (cache[i].failed && !cache[i].busy) {
		cache[i].failed = false;	/* asked again by the next request */
		pthread_mutex_unlock(&mu);
		snprintf(err, errlen, "the report could not be read (see the log)");
		return WEB_REPORTS_FAILED;
	}
	ask((size_t)i, r);
	until = mono_deadline_ms(wait_ms > 0 ? wait_ms : 0);
	while (wait_ms > 0 && w.running && !take((size_t)i, r, doc, as_of) && !cache[i].failed) {
		if (pthread_cond_timedwait(&done, &mu, &until) != 0)
			break;
	}
	if (*doc == NULL && cache[i].failed && !cache[i].busy) {
		cache[i].failed = false;
		pthread_mutex_unlock(&mu);
		snprintf(err, errlen, "the report could not be read (see the log)");
		return WEB_REPORTS_FAILED;
	}
	pthread_mutex_unlock(&mu);
	return *doc != NULL ? WEB_REPORTS_READY : WEB_REPORTS_COMPUTING;
}

web_reports_counts
web_reports_count(void)
{
	web_reports_counts c;

	pthread_mutex_lock(&mu);
	c = counts;
	pthread_mutex_unlock(&mu);
	return c;
}

void
web_reports_cache_wait(void)
{
	pthread_once(&conds_once, conds_init);
	web_reports_warm_stop();
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < cap; i++)
		while (cache[i].busy)
			pthread_cond_wait(&done, &mu);
	pthread_mutex_unlock(&mu);
}

void
web_reports_cache_clear(void)
{
	web_reports_cache_wait();
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < cap; i++) {
		json_decref(cache[i].doc);
		memset(&cache[i], 0, sizeof cache[i]);
	}
	pthread_mutex_unlock(&mu);
}

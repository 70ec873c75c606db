/*
 * health_watch.c - serve's self-watch (health_watch.h): gather, judge, tell,
 * for each business watched (a beat each: its rules, episodes and state
 * file). One mutex serialises looks (the thread's and the report's), the
 * store connection they share, and the episodes. Reads the store; writes
 * only its own small state files (FILES/health.state, health-ID.state),
 * never a lead.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "health_watch.h"
#include "store/store_health.h"
#include "store/store_node.h"
#include "util/log.h"
#include "util/mono.h"

#define MAX_ARRIVALS 500	/* per source: the gaps judged are the last 499 */
#define MAX_SOURCES 200		/* sources judged; the rest are left out (logged) */
#define MAX_EPISODES (HEALTH_NKINDS * 2 + MAX_SOURCES)

typedef struct {
	health_alert a;
	int64_t since;
	bool notified;
} episode;

/* One source's arrivals while they are read. */
typedef struct {
	char *name;
	int64_t *times;
	size_t n, cap;
} arrivals;

typedef struct {
	arrivals *src;
	size_t n;
	bool oom, dropped;
} arrivals_set;

/* One business watched: its rules, its episodes, its state file. */
typedef struct {
	int64_t id;
	char slug[48];
	const rules_live *live;
	char *state_path;
	health_memory mem;
	episode *ep;		/* nep of cap (at most MAX_EPISODES) */
	int nep, cap;
	int64_t checked_at;	/* 0 = never */
	int64_t next_ns;	/* monotonic: its next look */
	char error[256];	/* the last look's failure, "" = none */
	json_t *sources;	/* the last look's judged sources */
	bool off;		/* disabled by a reload: not looked at */
	/* A copy of the open alerts for pages, under the watch's snap_mu: a
	 * page never waits for a look that is telling someone. */
	health_alert *snap;
	int nsnap;
} beat;

struct health_watch {
	char *files_dir;
	int64_t (*clock)(void);
	deliver *dl;
	store *s;
	pthread_t thread;
	bool running;		/* the thread was started */
	pthread_mutex_t mu;	/* everything below but the beats' snap */
	pthread_cond_t cv;	/* CLOCK_MONOTONIC */
	bool stop;
	beat *beats;		/* [0] the install's own business; moved only under
				 * mu and snap_mu both (health_watch_set_businesses) */
	size_t nbeats;
	health_alert judged[MAX_EPISODES]; /* a look's alerts (off the stack: looks also
					    * run on the server's threads) */
	pthread_mutex_t snap_mu;	/* the beats' snap and nsnap */
};

/* --- the state file: one line per open episode --------------------------- */

/* Room for one more episode in b (never past MAX_EPISODES). */
static episode *
ep_add(beat *b)
{
	if (b->nep == b->cap) {
		int cap = b->cap ? b->cap * 2 : 8;
		episode *ep;

		if (cap > MAX_EPISODES)
			cap = MAX_EPISODES;
		if (cap == b->cap || (ep = realloc(b->ep, (size_t)cap * sizeof *ep)) == NULL)
			return NULL;
		b->ep = ep;
		b->cap = cap;
	}
	return &b->ep[b->nep++];
}

static void
state_save(beat *b)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", b->state_path);
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	for (int i = 0; i < b->nep; i++)
		fprintf(f, "%s\t%s\t%lld\t%d\n", health_kind_name(b->ep[i].a.kind),
			b->ep[i].a.subject, (long long)b->ep[i].since, b->ep[i].notified);
	if (fclose(f) != 0 || rename(tmp, b->state_path) != 0) {
		log_line("warn", "health_state_not_saved", "error=\"%s\"", strerror(errno));
		remove(tmp);
	}
}

/* Episodes a previous run left open: they are judged again at the first
 * look; one still open is not told again. Bad lines are skipped. */
static void
state_load(beat *b)
{
	char line[512];
	FILE *f = fopen(b->state_path, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		episode e = { 0 }, *slot;
		char *p = line, *field[4];
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		while (n < 4 && p != NULL)	/* strsep keeps the empty subject */
			field[n++] = strsep(&p, "\t");
		if (n != 4 || p != NULL)
			continue;
		e.a.kind = HEALTH_NKINDS;
		for (int k = 0; k < HEALTH_NKINDS; k++)
			if (strcmp(field[0], health_kind_name((health_kind)k)) == 0)
				e.a.kind = (health_kind)k;
		if (e.a.kind == HEALTH_NKINDS)
			continue;
		snprintf(e.a.subject, sizeof e.a.subject, "%s", field[1]);
		e.since = strtoll(field[2], NULL, 10);
		e.notified = strcmp(field[3], "1") == 0;
		if ((slot = ep_add(b)) == NULL)
			break;
		*slot = e;
	}
	fclose(f);
}

/* --- gathering ------------------------------------------------------------ */

static void
on_arrival(void *ctx, const char *source, int64_t at)
{
	arrivals_set *set = ctx;
	arrivals *a = set->n ? &set->src[set->n - 1] : NULL;

	if (set->oom || source == NULL)
		return;
	if (a == NULL || strcmp(a->name, source) != 0) {
		arrivals *grown;

		if (set->n >= MAX_SOURCES) {
			set->dropped = true;
			return;
		}
		if ((grown = realloc(set->src, (set->n + 1) * sizeof *grown)) == NULL) {
			set->oom = true;
			return;
		}
		set->src = grown;
		a = &set->src[set->n];
		*a = (arrivals){ .name = strdup(source) };
		if (a->name == NULL) {
			set->oom = true;
			return;
		}
		set->n++;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		int64_t *t = realloc(a->times, cap * sizeof *t);

		if (t == NULL) {
			set->oom = true;
			return;
		}
		a->times = t;
		a->cap = cap;
	}
	a->times[a->n++] = at;
}

static void
arrivals_free(arrivals_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->src[i].name);
		free(set->src[i].times);
	}
	free(set->src);
}

/* --- telling -------------------------------------------------------------- */

/* Sends text to p by the channel they asked for, else the other one they
 * have. true when a provider took it. */
static bool
tell_person(health_watch *w, const beat *b, const rules_person *p, const char *subject,
	    const char *text)
{
	const char *order[2], *to[2];
	int n = 0;
	char err[300], q[400];
	bool refused;

	if (p->notify == NOTIFY_EMAIL && p->email) {
		order[n] = "email";
		to[n++] = p->email;
	}
	if (p->phone) {
		order[n] = "sms";
		to[n++] = p->phone;
	}
	if (p->notify != NOTIFY_EMAIL && p->email) {
		order[n] = "email";
		to[n++] = p->email;
	}
	for (int i = 0; i < n; i++) {
		/* Through the business's own providers. */
		if (deliver_direct_send_for(w->dl, b->id, order[i], "health", 0, p->id, to[i],
					    subject, text, &refused, err, sizeof err) ==
		    DELIVER_DIRECT_SENT) {
			log_line("info", "health_notice_sent", "business=%s person=%s channel=%s",
				 b->slug, p->id, order[i]);
			return true;
		}
		log_line("warn", "health_notice_failed", "business=%s person=%s channel=%s "
			 "refused=%s error=%s", b->slug, p->id, order[i],
			 refused ? "credentials" : "no", log_quote(err, q, sizeof q));
	}
	return false;
}

/* Who hears about health: health.notify (a person or everyone with that
 * role), else everyone with the first of the roles "owner", "business_owner"
 * and "manager" that someone has. true when at least one person was told. */
static bool
tell(health_watch *w, const beat *b, const rules *r, const char *subject, const char *text)
{
	const char *target = r->health.notify;
	const rules_person *p;
	bool told = false, any = false;

	if (w->dl == NULL)
		return false;
	if (target != NULL && (p = rules_person_find(r, target)) != NULL)
		return tell_person(w, b, p, subject, text);
	if (target == NULL)
		target = rules_person_by_role(r, "owner") ? "owner" :
			 rules_person_by_role(r, "business_owner") ? "business_owner" : "manager";
	for (size_t i = 0; i < r->npeople; i++) {
		if (r->people[i].role == NULL || strcmp(r->people[i].role, target) != 0)
			continue;
		any = true;
		told |= tell_person(w, b, &r->people[i], subject, text);
	}
	if (!any)
		log_line("warn", "health_nobody_to_tell", "business=%s role=%s", b->slug, target);
	return told;
}

static void
iso(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
tell_opened(health_watch *w, const beat *b, const rules *r, episode *e)
{
	char subject[200], text[600];

	snprintf(subject, sizeof subject, "%s: health alert (%s%s%s)", r->business.name,
		 health_kind_name(e->a.kind), e->a.subject[0] ? " " : "", e->a.subject);
	snprintf(text, sizeof text, "%s health alert: %s", r->business.name, e->a.message);
	e->notified = tell(w, b, r, subject, text);
}

static void
tell_cleared(health_watch *w, const beat *b, const rules *r, const episode *e, int64_t now)
{
	char subject[200], text[600], since[32];

	iso(e->since, since, sizeof since);
	snprintf(subject, sizeof subject, "%s: recovered (%s%s%s)", r->business.name,
		 health_kind_name(e->a.kind), e->a.subject[0] ? " " : "", e->a.subject);
	snprintf(text, sizeof text, "%s recovered: %s%s%s is back to normal (alert since %s).",
		 r->business.name, health_kind_name(e->a.kind), e->a.subject[0] ? " " : "",
		 e->a.subject, since);
	tell(w, b, r, subject, text);	/* once: a recovery not told is only logged */
}

/* --- a look ----------------------------------------------------------------- */

static json_t *
sources_json(const rules_health *h, const rules_business *b, const health_source *src,
	     size_t n, int64_t now)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++) {
		int64_t usual = 0, limit = 0;
		bool judged = health_source_limit(h, b, &src[i], &usual, &limit);

		json_array_append_new(arr, json_pack("{s:s,s:I,s:b,s:I,s:I,s:I}", "name",
			src[i].name, "leads", (json_int_t)src[i].ntimes, "judged", judged,
			"usual_gap_seconds", (json_int_t)usual, "limit_seconds", (json_int_t)limit,
			"quiet_seconds", (json_int_t)(now - src[i].times[src[i].ntimes - 1])));
	}
	return arr;
}

/* Reconciles b's episodes with the alerts open now: new ones opened and
 * told, gone ones cleared and told. Several nodes on one database each watch
 * (each shows its banner) but only the one holding the "health" duty tells
 * the owners, so a business's notice goes once, not once per node. Returns
 * whether anything changed. */
static bool
reconcile(health_watch *w, beat *b, const rules *r, const health_alert *al, int n, int64_t now)
{
	bool changed = false, seen[MAX_EPISODES] = { false };
	bool teller = store_node_duty(w->s, "health") == 1;
	char q[400];

	for (int i = 0; i < n; i++) {
		int j;

		for (j = 0; j < b->nep && !health_same(&b->ep[j].a, &al[i]); j++)
			;
		if (j == b->nep) {
			episode *e = ep_add(b);

			if (e == NULL)
				continue;
			*e = (episode){ .a = al[i], .since = now };
			changed = true;
			log_line("warn", "health_alert", "business=%s kind=%s subject=\"%s\" "
				 "message=%s", b->slug, health_kind_name(al[i].kind), al[i].subject,
				 log_quote(al[i].message, q, sizeof q));
		} else {
			b->ep[j].a = al[i];	/* the latest figures */
		}
		seen[j] = true;
	}
	for (int j = 0; j < b->nep; j++) {
		if (seen[j])
			continue;
		log_line("info", "health_recovered", "business=%s kind=%s subject=\"%s\"",
			 b->slug, health_kind_name(b->ep[j].a.kind), b->ep[j].a.subject);
		if (b->ep[j].notified)
			tell_cleared(w, b, r, &b->ep[j], now);
		b->ep[j] = b->ep[--b->nep];
		seen[j] = seen[b->nep];
		j--;
		changed = true;
	}
	for (int j = 0; teller && j < b->nep; j++)
		if (!b->ep[j].notified) {
			tell_opened(w, b, r, &b->ep[j]);
			changed |= b->ep[j].notified;
		}
	return changed;
}

/* Gathers, judges, tells, for b. Called with w->mu held. */
static void
look(health_watch *w, beat *b)
{
	const rules *r = rules_live_get(b->live);
	const rules_health *h = &r->health;
	int64_t now = w->clock();
	arrivals_set set = { 0 };
	health_source *src = NULL;
	health_figures f = { .now = now };
	health_alert *al = w->judged, *snap;
	store_health sh;
	struct statvfs vfs;
	int n;

	b->error[0] = '\0';
	if (store_health_read(w->s, b->id, now, now - h->window, now - h->dead_window,
			      h->timer_late, &sh) < 0 ||
	    store_health_arrivals(w->s, b->id, now - h->silence_lookback, now,
				  MAX_ARRIVALS, on_arrival, &set) < 0) {
		snprintf(b->error, sizeof b->error, "cannot read the database: %s",
			 store_errmsg(w->s));
		log_line("error", "health_not_checked", "business=%s error=\"%s\"", b->slug,
			 b->error);
		arrivals_free(&set);
		return;
	}
	if (set.dropped)
		log_line("warn", "health_sources_capped", "business=%s judged=%d", b->slug,
			 MAX_SOURCES);
	if (set.n > 0 && (src = calloc(set.n, sizeof *src)) == NULL)
		set.oom = true;
	for (size_t i = 0; src != NULL && i < set.n; i++)
		src[i] = (health_source){ set.src[i].name, set.src[i].times, set.src[i].n };
	f.sent = sh.sent;
	f.failed = sh.failed;
	f.dead = sh.dead;
	f.refused_sms = sh.refused_sms;
	f.refused_email = sh.refused_email;
	f.late_timers = sh.late_timers;
	f.max_lateness = sh.max_lateness;
	f.timer_head = (health_head){ sh.timer_head_id, sh.timer_head_due };
	f.outbox_head = (health_head){ sh.outbox_head_id, sh.outbox_head_due };
	if (statvfs(w->files_dir, &vfs) == 0) {
		f.disk_free = (uint64_t)vfs.f_bavail * vfs.f_frsize;
		f.disk_total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	}
	f.sources = src;
	f.nsources = src ? set.n : 0;
	n = health_judge(h, &r->business, &f, &b->mem, al, MAX_EPISODES);
	json_decref(b->sources);
	b->sources = sources_json(h, &r->business, src, f.nsources, now);
	b->checked_at = now;
	if (reconcile(w, b, r, al, n, now))
		state_save(b);
	snap = b->nep > 0 ? malloc((size_t)b->nep * sizeof *snap) : NULL;
	for (int i = 0; snap != NULL && i < b->nep; i++)
		snap[i] = b->ep[i].a;
	pthread_mutex_lock(&w->snap_mu);
	free(b->snap);
	b->snap = snap;
	b->nsnap = snap != NULL ? b->nep : 0;
	pthread_mutex_unlock(&w->snap_mu);
	free(src);
	arrivals_free(&set);
}

/* --- the thread and the readers ---------------------------------------------- */

static void *
run(void *arg)
{
	health_watch *w = arg;
	struct timespec until;

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		int64_t next = INT64_MAX;

		/* Each business at its own health.check_every; the first look at
		 * once: a restart ends no episode. */
		for (size_t i = 0; i < w->nbeats && !w->stop; i++) {
			beat *b = &w->beats[i];

			if (b->off)
				continue;
			if (b->next_ns <= mono_ns()) {
				int64_t every = rules_live_get(b->live)->health.check_every;

				look(w, b);
				b->next_ns = mono_ns() + (every > 0 ? every : 60) * 1000000000LL;
			}
			if (b->next_ns < next)
				next = b->next_ns;
		}
		if (next == INT64_MAX)
			next = mono_ns() + 60 * 1000000000LL;
		until = (struct timespec){ .tv_sec = (time_t)(next / 1000000000),
					   .tv_nsec = (long)(next % 1000000000) };
		while (!w->stop && pthread_cond_timedwait(&w->cv, &w->mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void
watch_free(health_watch *w)
{
	store_close(w->s);
	for (size_t i = 0; i < w->nbeats; i++) {
		json_decref(w->beats[i].sources);
		free(w->beats[i].ep);
		free(w->beats[i].snap);
		free(w->beats[i].state_path);
	}
	free(w->beats);
	pthread_mutex_destroy(&w->mu);
	pthread_mutex_destroy(&w->snap_mu);
	pthread_cond_destroy(&w->cv);
	free(w->files_dir);
	free(w);
}

/* Beat i of w: business id (slug, rules in live), its state file
 * FILES/health.state for the install's own (i 0, as before several were
 * watched), else FILES/health-ID.state. 0 / -1 (out of memory). */
static int
beat_init(health_watch *w, size_t i, int64_t id, const char *slug, const rules_live *live)
{
	beat *b = &w->beats[i];
	size_t len = strlen(w->files_dir) + 64;

	b->id = id;
	snprintf(b->slug, sizeof b->slug, "%s", slug);
	b->live = live;
	if ((b->state_path = malloc(len)) == NULL)
		return -1;
	if (i == 0)
		snprintf(b->state_path, len, "%s/health.state", w->files_dir);
	else
		snprintf(b->state_path, len, "%s/health-%lld.state", w->files_dir, (long long)id);
	state_load(b);
	return 0;
}

health_watch *
health_watch_new(const health_watch_options *o, char *err, size_t errlen)
{
	health_watch *w = calloc(1, sizeof *w);
	pthread_condattr_t ca;
	if (w == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_mutex_init(&w->snap_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	w->clock = o->clock;
	w->files_dir = strdup(o->files_dir);
	if (w->files_dir == NULL ||
	    (w->beats = calloc(1 + o->nothers, sizeof *w->beats)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i <= o->nothers; i++) {
		int rc = i == 0 ? beat_init(w, 0, o->business_id, "default", o->live) :
			 beat_init(w, i, o->others[i - 1].id, o->others[i - 1].slug,
				   o->others[i - 1].live);

		w->nbeats = i + 1;
		if (rc < 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	if ((w->s = store_open(o->data_dir, err, errlen)) == NULL)
		goto fail;
	return w;
fail:
	watch_free(w);
	return NULL;
}

int
health_watch_run(health_watch *w, deliver *dl, char *err, size_t errlen)
{
	pthread_mutex_lock(&w->mu);
	w->dl = dl;
	pthread_mutex_unlock(&w->mu);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		snprintf(err, errlen, "cannot start the health watch thread");
		return -1;
	}
	w->running = true;
	return 0;
}

void
health_watch_stop(health_watch *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->running)
		pthread_join(w->thread, NULL);
	watch_free(w);
}

/* Business business_id's beat, NULL when it is not watched. With mu or
 * snap_mu held. */
static beat *
beat_of(health_watch *w, int64_t business_id)
{
	for (size_t i = 0; i < w->nbeats; i++)
		if (w->beats[i].id == business_id && !w->beats[i].off)
			return &w->beats[i];
	return NULL;
}

int
health_watch_set_businesses(health_watch *w, const health_watch_business *biz, size_t n)
{
	int rc = 0;

	pthread_mutex_lock(&w->mu);
	pthread_mutex_lock(&w->snap_mu);
	for (size_t i = 1; i < w->nbeats; i++) {	/* [0], the install's own, stays */
		bool on = false;

		for (size_t j = 0; j < n && !on; j++)
			on = biz[j].id == w->beats[i].id;
		w->beats[i].off = !on;
	}
	for (size_t j = 0; j < n; j++) {
		size_t i;
		beat *grown;

		for (i = 0; i < w->nbeats && w->beats[i].id != biz[j].id; i++)
			;
		if (i < w->nbeats) {
			w->beats[i].live = biz[j].live;
			continue;
		}
		if ((grown = realloc(w->beats, (w->nbeats + 1) * sizeof *grown)) == NULL) {
			rc = -1;
			break;
		}
		w->beats = grown;
		memset(&w->beats[w->nbeats], 0, sizeof w->beats[w->nbeats]);
		if (beat_init(w, w->nbeats, biz[j].id, biz[j].slug, biz[j].live) < 0) {
			rc = -1;
			break;
		}
		w->nbeats++;
	}
	pthread_mutex_unlock(&w->snap_mu);
	pthread_cond_signal(&w->cv);	/* the new ones are looked at now */
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int
health_watch_alerts(health_watch *w, int64_t business_id, health_alert *out, int max)
{
	beat *b;
	int n = 0;

	pthread_mutex_lock(&w->snap_mu);
	b = beat_of(w, business_id);
	for (int i = 0; b != NULL && i < b->nsnap && n < max; i++)
		out[n++] = b->snap[i];
	pthread_mutex_unlock(&w->snap_mu);
	return n;
}

void
health_watch_each(health_watch *w, void (*fn)(void *ctx, int64_t business_id, const char *slug,
					      const health_alert *al, int n), void *ctx)
{
	pthread_mutex_lock(&w->snap_mu);
	for (size_t i = 0; i < w->nbeats; i++)
		if (!w->beats[i].off)
			fn(ctx, w->beats[i].id, w->beats[i].slug, w->beats[i].snap,
			   w->beats[i].nsnap);
	pthread_mutex_unlock(&w->snap_mu);
}

json_t *
health_watch_report(health_watch *w, int64_t business_id, bool *watched)
{
	json_t *alerts = json_array(), *j;
	char at[32], since[32];
	beat *b;

	pthread_mutex_lock(&w->mu);
	b = beat_of(w, business_id);
	*watched = b != NULL;
	if (b == NULL) {
		pthread_mutex_unlock(&w->mu);
		json_decref(alerts);
		return NULL;
	}
	look(w, b);
	for (int i = 0; alerts != NULL && i < b->nep; i++) {
		const episode *e = &b->ep[i];

		iso(e->since, since, sizeof since);
		json_array_append_new(alerts, json_pack("{s:s,s:s,s:s,s:f,s:f,s:s,s:b}", "kind",
			health_kind_name(e->a.kind), "subject", e->a.subject, "message",
			e->a.message, "value", e->a.value, "limit", e->a.limit, "since", since,
			"notified", e->notified));
	}
	iso(b->checked_at, at, sizeof at);
	j = json_pack("{s:s,s:s,s:o,s:O*}", "status", b->error[0] ? "unknown" :
		      b->nep > 0 ? "alert" : "ok", "checked_at", at, "alerts", alerts,
		      "sources", b->sources);
	if (j != NULL && b->error[0])
		json_object_set_new(j, "error", json_string(b->error));
	pthread_mutex_unlock(&w->mu);
	return j;
}

/*
 * health_watch.c - serve's self-watch (health_watch.h): gather, judge, tell.
 * One mutex serialises looks (the thread's and the report's), the store
 * connection they share, and the episodes. Reads the store; writes only its
 * own small state file (DATA/health.state), never a lead.
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

struct health_watch {
	char *files_dir;
	char *state_path;
	const rules_live *live;
	int64_t business_id;
	int64_t (*clock)(void);
	deliver *dl;
	store *s;
	pthread_t thread;
	bool running;		/* the thread was started */
	pthread_mutex_t mu;	/* everything below */
	pthread_cond_t cv;	/* CLOCK_MONOTONIC */
	bool stop;
	health_memory mem;
	episode ep[MAX_EPISODES];
	int nep;
	int64_t checked_at;	/* 0 = never */
	char error[256];	/* the last look's failure, "" = none */
	json_t *sources;	/* the last look's judged sources */
	health_alert judged[MAX_EPISODES]; /* a look's alerts (off the stack: looks also
					    * run on the server's threads) */
	/* A copy of the open alerts for pages, under its own lock: a page never
	 * waits for a look that is telling someone. */
	pthread_mutex_t snap_mu;
	health_alert snap[MAX_EPISODES];
	int nsnap;
};

/* --- the state file: one line per open episode --------------------------- */

static void
state_save(health_watch *w)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", w->state_path);
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	for (int i = 0; i < w->nep; i++)
		fprintf(f, "%s\t%s\t%lld\t%d\n", health_kind_name(w->ep[i].a.kind),
			w->ep[i].a.subject, (long long)w->ep[i].since, w->ep[i].notified);
	if (fclose(f) != 0 || rename(tmp, w->state_path) != 0) {
		log_line("warn", "health_state_not_saved", "error=\"%s\"", strerror(errno));
		remove(tmp);
	}
}

/* Episodes a previous run left open: they are judged again at the first
 * look; one still open is not told again. Bad lines are skipped. */
static void
state_load(health_watch *w)
{
	char line[512];
	FILE *f = fopen(w->state_path, "r");

	if (f == NULL)
		return;
	while (w->nep < MAX_EPISODES && fgets(line, sizeof line, f) != NULL) {
		episode *e = &w->ep[w->nep];
		char *p = line, *field[4];
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		while (n < 4 && p != NULL)	/* strsep keeps the empty subject */
			field[n++] = strsep(&p, "\t");
		if (n != 4 || p != NULL)
			continue;
		memset(e, 0, sizeof *e);
		e->a.kind = HEALTH_NKINDS;
		for (int k = 0; k < HEALTH_NKINDS; k++)
			if (strcmp(field[0], health_kind_name((health_kind)k)) == 0)
				e->a.kind = (health_kind)k;
		if (e->a.kind == HEALTH_NKINDS)
			continue;
		snprintf(e->a.subject, sizeof e->a.subject, "%s", field[1]);
		e->since = strtoll(field[2], NULL, 10);
		e->notified = strcmp(field[3], "1") == 0;
		w->nep++;
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
tell_person(health_watch *w, const rules_person *p, const char *subject, const char *text)
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
		if (deliver_direct_send(w->dl, order[i], "health", 0, p->id, to[i], subject, text,
					&refused, err, sizeof err) == DELIVER_DIRECT_SENT) {
			log_line("info", "health_notice_sent", "person=%s channel=%s", p->id,
				 order[i]);
			return true;
		}
		log_line("warn", "health_notice_failed", "person=%s channel=%s refused=%s "
			 "error=%s", p->id, order[i], refused ? "credentials" : "no",
			 log_quote(err, q, sizeof q));
	}
	return false;
}

/* Who hears about health: health.notify (a person or everyone with that
 * role), else everyone with the first of the roles "owner", "business_owner"
 * and "manager" that someone has. true when at least one person was told. */
static bool
tell(health_watch *w, const rules *r, const char *subject, const char *text)
{
	const char *target = r->health.notify;
	const rules_person *p;
	bool told = false, any = false;

	if (w->dl == NULL)
		return false;
	if (target != NULL && (p = rules_person_find(r, target)) != NULL)
		return tell_person(w, p, subject, text);
	if (target == NULL)
		target = rules_person_by_role(r, "owner") ? "owner" :
			 rules_person_by_role(r, "business_owner") ? "business_owner" : "manager";
	for (size_t i = 0; i < r->npeople; i++) {
		if (r->people[i].role == NULL || strcmp(r->people[i].role, target) != 0)
			continue;
		any = true;
		told |= tell_person(w, &r->people[i], subject, text);
	}
	if (!any)
		log_line("warn", "health_nobody_to_tell", "role=%s", target);
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
tell_opened(health_watch *w, const rules *r, episode *e)
{
	char subject[200], text[600];

	snprintf(subject, sizeof subject, "%s: health alert (%s%s%s)", r->business.name,
		 health_kind_name(e->a.kind), e->a.subject[0] ? " " : "", e->a.subject);
	snprintf(text, sizeof text, "%s health alert: %s", r->business.name, e->a.message);
	e->notified = tell(w, r, subject, text);
}

static void
tell_cleared(health_watch *w, const rules *r, const episode *e, int64_t now)
{
	char subject[200], text[600], since[32];

	iso(e->since, since, sizeof since);
	snprintf(subject, sizeof subject, "%s: recovered (%s%s%s)", r->business.name,
		 health_kind_name(e->a.kind), e->a.subject[0] ? " " : "", e->a.subject);
	snprintf(text, sizeof text, "%s recovered: %s%s%s is back to normal (alert since %s).",
		 r->business.name, health_kind_name(e->a.kind), e->a.subject[0] ? " " : "",
		 e->a.subject, since);
	tell(w, r, subject, text);	/* once: a recovery not told is only logged */
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

/* Reconciles the episodes with the alerts open now: new ones opened and
 * told, gone ones cleared and told. Several nodes on one database each watch
 * (each shows its banner) but only the one holding the "health" duty tells
 * the owner, so a notice goes once, not once per node. Returns whether
 * anything changed. */
static bool
reconcile(health_watch *w, const rules *r, const health_alert *al, int n, int64_t now)
{
	bool changed = false, seen[MAX_EPISODES] = { false };
	bool teller = store_node_duty(w->s, "health") == 1;
	char q[400];

	for (int i = 0; i < n; i++) {
		int j;

		for (j = 0; j < w->nep && !health_same(&w->ep[j].a, &al[i]); j++)
			;
		if (j == w->nep) {
			if (w->nep == MAX_EPISODES)
				continue;
			w->ep[w->nep++] = (episode){ .a = al[i], .since = now };
			changed = true;
			log_line("warn", "health_alert", "kind=%s subject=\"%s\" message=%s",
				 health_kind_name(al[i].kind), al[i].subject,
				 log_quote(al[i].message, q, sizeof q));
		} else {
			w->ep[j].a = al[i];	/* the latest figures */
		}
		seen[j] = true;
	}
	for (int j = 0; j < w->nep; j++) {
		if (seen[j])
			continue;
		log_line("info", "health_recovered", "kind=%s subject=\"%s\"",
			 health_kind_name(w->ep[j].a.kind), w->ep[j].a.subject);
		if (w->ep[j].notified)
			tell_cleared(w, r, &w->ep[j], now);
		w->ep[j] = w->ep[--w->nep];
		seen[j] = seen[w->nep];
		j--;
		changed = true;
	}
	for (int j = 0; teller && j < w->nep; j++)
		if (!w->ep[j].notified) {
			tell_opened(w, r, &w->ep[j]);
			changed |= w->ep[j].notified;
		}
	return changed;
}

/* Gathers, judges, tells. Called with w->mu held. */
static void
look(health_watch *w)
{
	const rules *r = rules_live_get(w->live);
	const rules_health *h = &r->health;
	int64_t now = w->clock();
	arrivals_set set = { 0 };
	health_source *src = NULL;
	health_figures f = { .now = now };
	health_alert *al = w->judged;
	store_health sh;
	struct statvfs vfs;
	int n;

	w->error[0] = '\0';
	if (store_health_read(w->s, w->business_id, now, now - h->window, now - h->dead_window,
			      h->timer_late, &sh) < 0 ||
	    store_health_arrivals(w->s, w->business_id, now - h->silence_lookback, now,
				  MAX_ARRIVALS, on_arrival, &set) < 0) {
		snprintf(w->error, sizeof w->error, "cannot read the database: %s",
			 store_errmsg(w->s));
		log_line("error", "health_not_checked", "error=\"%s\"", w->error);
		arrivals_free(&set);
		return;
	}
	if (set.dropped)
		log_line("warn", "health_sources_capped", "judged=%d", MAX_SOURCES);
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
	n = health_judge(h, &r->business, &f, &w->mem, al, MAX_EPISODES);
	json_decref(w->sources);
	w->sources = sources_json(h, &r->business, src, f.nsources, now);
	w->checked_at = now;
	if (reconcile(w, r, al, n, now))
		state_save(w);
	pthread_mutex_lock(&w->snap_mu);
	for (int i = 0; i < w->nep; i++)
		w->snap[i] = w->ep[i].a;
	w->nsnap = w->nep;
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
		int64_t every = rules_live_get(w->live)->health.check_every;

		look(w);	/* the first at once: a restart ends no episode */
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += every > 0 ? every : 60;
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
	json_decref(w->sources);
	pthread_mutex_destroy(&w->mu);
	pthread_mutex_destroy(&w->snap_mu);
	pthread_cond_destroy(&w->cv);
	free(w->files_dir);
	free(w->state_path);
	free(w);
}

health_watch *
health_watch_new(const health_watch_options *o, char *err, size_t errlen)
{
	health_watch *w = calloc(1, sizeof *w);
	pthread_condattr_t ca;
	size_t len;

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
	w->live = o->live;
	w->business_id = o->business_id;
	w->clock = o->clock;
	len = strlen(o->files_dir) + sizeof "/health.state";
	w->files_dir = strdup(o->files_dir);
	if (w->files_dir == NULL || (w->state_path = malloc(len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	snprintf(w->state_path, len, "%s/health.state", o->files_dir);
	if ((w->s = store_open(o->data_dir, err, errlen)) == NULL)
		goto fail;
	state_load(w);
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

int
health_watch_alerts(health_watch *w, health_alert *out, int max)
{
	int n = 0;

	pthread_mutex_lock(&w->snap_mu);
	for (int i = 0; i < w->nsnap && n < max; i++)
		out[n++] = w->snap[i];
	pthread_mutex_unlock(&w->snap_mu);
	return n;
}

json_t *
health_watch_report(health_watch *w)
{
	json_t *alerts = json_array(), *j;
	char at[32], since[32];

	pthread_mutex_lock(&w->mu);
	look(w);
	for (int i = 0; alerts != NULL && i < w->nep; i++) {
		const episode *e = &w->ep[i];

		iso(e->since, since, sizeof since);
		json_array_append_new(alerts, json_pack("{s:s,s:s,s:s,s:f,s:f,s:s,s:b}", "kind",
			health_kind_name(e->a.kind), "subject", e->a.subject, "message",
			e->a.message, "value", e->a.value, "limit", e->a.limit, "since", since,
			"notified", e->notified));
	}
	iso(w->checked_at, at, sizeof at);
	j = json_pack("{s:s,s:s,s:o,s:O*}", "status", w->error[0] ? "unknown" :
		      w->nep > 0 ? "alert" : "ok", "checked_at", at, "alerts", alerts,
		      "sources", w->sources);
	if (j != NULL && w->error[0])
		json_object_set_new(j, "error", json_string(w->error));
	pthread_mutex_unlock(&w->mu);
	return j;
}

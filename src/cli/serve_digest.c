/*
 * serve_digest.c - serve's weekly digest thread (serve_digest.h): check,
 * send what is due to each recipient not yet sent this week, sleep until
 * the next digest time or a minute. A send is claimed in the store first
 * (sending), then handed to the provider, then recorded (sent, retry in
 * five minutes, failed, unknown); a claim left by a crash is unknown at the
 * next start and never sent again.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_digest.h"
#include "serve_digest.h"
#include "store/store_digest.h"
#include "util/log.h"
#include "util/mono.h"

#define DIGEST_LATE_MAX 86400	/* a digest more than a day late is skipped */
#define DIGEST_RETRY 300	/* after a temporary failure */
#define DIGEST_CHECK_MS 60000
#define RECIPIENTS_MAX 64

/* One business whose digest the thread sends. */
typedef struct {
	int64_t id;
	char slug[48];
	const rules_live *live;
	bool scheduled;		/* its schedule was logged */
} digest_business;

struct serve_digest {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	store *store;
	digest_business *biz;	/* [0] the install's own; the thread's alone */
	size_t nbiz;
	digest_business *pending; /* serve_digest_set_businesses', under mu until taken */
	size_t npending;
	int64_t (*clock)(void);
	deliver *dl;		/* borrowed: the dispatcher whose providers send it */
	char *public_url;
};

/* The people the digest goes to: each `to` names a person or a role; one
 * mail per address, at most RECIPIENTS_MAX (the rest are left out). */
typedef struct {
	const char *person, *email;
} recipient;

static size_t
recipients(const rules *r, recipient *out, size_t max)
{
	size_t n = 0;

	for (size_t t = 0; t < r->digest.nto; t++)
		for (size_t i = 0; i < r->npeople && n < max; i++) {
			const rules_person *p = &r->people[i];
			bool dup = false;

			if (p->email == NULL || (strcmp(p->id, r->digest.to[t]) != 0 &&
						 (p->role == NULL || strcmp(p->role, r->digest.to[t]) != 0)))
				continue;
			for (size_t k = 0; k < n; k++)
				dup |= strcmp(out[k].email, p->email) == 0;
			if (!dup)
				out[n++] = (recipient){ .person = p->id, .email = p->email };
		}
	return n;
}

/* Sends this week's digest to whoever has not had it; what happened is logged. */
static void
check(serve_digest *d, const digest_business *b)
{
	const rules *r = rules_live_get(b->live);
	int64_t now = d->clock(), slot;
	recipient to[RECIPIENTS_MAX];
	char week[16], subject[256], err[512];
	char *body = NULL;
	size_t n;

	if (report_digest_slot(r, now, &slot, week, sizeof week) < 0 ||
	    now - slot > DIGEST_LATE_MAX)
		return;
	n = recipients(r, to, sizeof to / sizeof to[0]);
	for (size_t i = 0; i < n; i++) {
		int claimed = store_digest_claim(d->store, b->id, week, to[i].email, now);
		const char *state = "sent";
		int64_t retry_at = 0;
		deliver_direct rc;

		if (claimed < 0) {
			log_line("error", "digest_failed", "business=%s week=%s person=%s error=\"%s\"", b->slug, week,
				 to[i].person, store_errmsg(d->store));
			return;
		}
		if (claimed == 0)
			continue;
		if (body == NULL &&
		    (body = report_digest_text(d->store, b->id, r, slot, now,
					       d->public_url, subject,
					       sizeof subject, err, sizeof err)) == NULL) {
			/* not the provider's fault: try again at the next check */
			store_digest_finish(d->store, b->id, week, to[i].email, "retry",
					    err, now + 60, now);
			log_line("error", "digest_failed", "business=%s week=%s person=%s error=\"%s\"", b->slug, week,
				 to[i].person, err);
			return;
		}
		/* Through the business's own email provider. */
		rc = deliver_direct_send_for(d->dl, b->id, "email", "digest", slot + (int64_t)i,
					     to[i].person, to[i].email, subject, body, NULL, err,
					     sizeof err);
		switch (rc) {
		case DELIVER_DIRECT_SENT:
			err[0] = '\0';
			break;
		case DELIVER_DIRECT_LATER:
			state = "retry";
			retry_at = now + DIGEST_RETRY;
			break;
		case DELIVER_DIRECT_NEVER:
			state = "failed";
			break;
		case DELIVER_DIRECT_UNKNOWN:
			state = "unknown";
			break;
		}
		if (store_digest_finish(d->store, b->id, week, to[i].email, state,
					err[0] ? err : NULL, retry_at, now) < 0)
			log_line("error", "digest_failed", "business=%s week=%s person=%s error=\"%s\"", b->slug, week,
				 to[i].person, store_errmsg(d->store));
		log_line(rc == DELIVER_DIRECT_SENT ? "info" : "warn",
			 rc == DELIVER_DIRECT_SENT ? "digest_sent" : "digest_not_sent",
			 "business=%s week=%s person=%s state=%s%s%s%s", b->slug, week, to[i].person, state,
			 err[0] ? " error=\"" : "", err, err[0] ? "\"" : "");
	}
	free(body);
}

static void *
run(void *arg)
{
	serve_digest *d = arg;
	int n;

	for (size_t i = 0; i < d->nbiz; i++)
		if ((n = store_digest_recover(d->store, d->biz[i].id, d->clock())) > 0)
			log_line("warn", "digest_unknown", "business=%s count=%d reason=\"stopped "
				 "while sending: not sent again\"", d->biz[i].slug, n);
	pthread_mutex_lock(&d->mu);
	while (!d->stop) {
		int64_t next, wait_ms = DIGEST_CHECK_MS, now;
		struct timespec until;

		if (d->pending != NULL) {	/* a reload's businesses */
			free(d->biz);
			d->biz = d->pending;
			d->nbiz = d->npending;
			d->pending = NULL;
		}
		pthread_mutex_unlock(&d->mu);
		/* Each business in turn, on its own rules and zone. */
		for (size_t i = 0; i < d->nbiz; i++) {
			digest_business *b = &d->biz[i];

			check(d, b);
			now = d->clock();
			next = report_digest_next(rules_live_get(b->live), now);
			/* Once, after the first check: whether a digest is on, and when. */
			if (!b->scheduled)
				log_line("info", "digest_schedule", "business=%s next=%lld%s",
					 b->slug, (long long)next, next ? "" : " state=off");
			b->scheduled = true;
			if (next > now && (next - now) * 1000 < wait_ms)
				wait_ms = (next - now) * 1000 + 5;
		}
		pthread_mutex_lock(&d->mu);
		until = mono_deadline_ms(wait_ms);
		while (!d->stop && pthread_cond_timedwait(&d->cv, &d->mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

static void
free_digest(serve_digest *d)
{
	store_close(d->store);
	free(d->biz);
	free(d->pending);
	free(d->public_url);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d);
}

static bool
copy(const char *s, char **out)
{
	return s == NULL || (*out = strdup(s)) != NULL;
}

serve_digest *
serve_digest_start(const char *dir, const rules_live *live, int64_t business_id,
		   const serve_digest_business *others, size_t nothers,
		   int64_t (*clock)(void), deliver *dl, const char *public_url,
		   char *err, size_t errlen)
{
	serve_digest *d = calloc(1, sizeof *d);
	pthread_condattr_t ca;

	if (d == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&d->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cv, &ca);
	pthread_condattr_destroy(&ca);
	d->clock = clock;
	d->dl = dl;
	if ((d->biz = calloc(1 + nothers, sizeof *d->biz)) == NULL ||
	    !copy(public_url, &d->public_url)) {
		snprintf(err, errlen, "out of memory");
		free_digest(d);
		return NULL;
	}
	d->nbiz = 1 + nothers;
	d->biz[0] = (digest_business){ .id = business_id, .slug = "default", .live = live };
	for (size_t i = 0; i < nothers; i++) {
		d->biz[i + 1] = (digest_business){ .id = others[i].id, .live = others[i].live };
		snprintf(d->biz[i + 1].slug, sizeof d->biz[i + 1].slug, "%s", others[i].slug);
	}
	/* "https://crm.example/" -> "https://crm.example": links add "/app/..." */
	for (size_t n = d->public_url ? strlen(d->public_url) : 0; n > 0 && d->public_url[n - 1] == '/';
	     n--)
		d->public_url[n - 1] = '\0';
	if ((d->store = store_open(dir, err, errlen)) == NULL) {
		free_digest(d);
		return NULL;
	}
	if (pthread_create(&d->thread, NULL, run, d) != 0) {
		snprintf(err, errlen, "cannot start the digest thread");
		free_digest(d);
		return NULL;
	}
	return d;
}

int
serve_digest_set_businesses(serve_digest *d, const serve_digest_business *others,
			    size_t nothers)
{
	digest_business *biz = calloc(1 + nothers, sizeof *biz);

	if (biz == NULL)
		return -1;
	pthread_mutex_lock(&d->mu);
	/* The install's own stays first (its id and rules never change). */
	biz[0] = (digest_business){ .id = d->biz[0].id, .slug = "default",
				    .live = d->biz[0].live, .scheduled = true };
	for (size_t i = 0; i < nothers; i++) {
		biz[i + 1] = (digest_business){ .id = others[i].id, .live = others[i].live };
		snprintf(biz[i + 1].slug, sizeof biz[i + 1].slug, "%s", others[i].slug);
		/* one already scheduled keeps quiet about it */
		for (size_t j = 0; j < d->nbiz; j++)
			if (d->biz[j].id == others[i].id)
				biz[i + 1].scheduled = true;
	}
	free(d->pending);
	d->pending = biz;
	d->npending = 1 + nothers;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	return 0;
}

void
serve_digest_stop(serve_digest *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = true;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	pthread_join(d->thread, NULL);
	free_digest(d);
}

/*
 * web_live.c - /app/events and the broadcaster behind it (see web_live.h):
 * one commit-bus subscription, a generation counter under a mutex, the open
 * streams in a list, and one thread that resumes suspended streams when
 * there is something to send. A stream says only that something changed and
 * of which kind ("leads"): never a row, so nothing another role may not see
 * can travel on it. Touches no store and no page.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/mono.h"
#include "web.h"
#include "web_live.h"

typedef struct live_stream live_stream;

struct live_stream {
	web_live *live;
	struct MHD_Connection *conn;
	int64_t user_id;
	unsigned long seen;	/* the generation this stream last told */
	int64_t last_write;	/* mono ms of the last bytes handed to MHD */
	int64_t last_change;	/* mono ms of the last change event */
	int64_t expires;	/* mono ms: the stream ends then */
	bool hello;		/* the greeting was sent */
	bool suspended;
	bool evicted;		/* ends at once: its user opened too many */
	char out[160];		/* bytes being handed to MHD */
	size_t len, off;
	live_stream *prev, *next;
};

struct web_live {
	pthread_mutex_t mu;	/* everything below */
	pthread_cond_t cv;	/* a change, a new suspended stream, or stop */
	unsigned long gen;	/* bumped on every commit of interest */
	live_stream *streams;
	unsigned nstreams, max;
	bool stopping;
	bool joined;		/* the thread is gone (web_live_stop ran) */
	pthread_t thread;
	store_bus *bus;
	int sub;
};

static int64_t
now_ms(void)
{
	return mono_ns() / 1000000;
}

/* On the publishing thread with the bus locked: only a wake-up. */
static void
on_commit(void *arg, unsigned kinds)
{
	web_live *l = arg;

	(void)kinds;
	pthread_mutex_lock(&l->mu);
	l->gen++;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

/* Whether stream s has something to send at now (l->mu held), and if not,
 * when it will: *wake (mono ms). */
static bool
due(const web_live *l, const live_stream *s, int64_t now, int64_t *wake)
{
	int64_t at = s->last_write + WEB_LIVE_HEARTBEAT_MS;

	if (l->stopping || s->evicted || !s->hello || now >= s->expires || now >= at)
		return true;
	if (s->seen != l->gen) {
		if (now >= s->last_change + WEB_LIVE_THROTTLE_MS)
			return true;
		if (s->last_change + WEB_LIVE_THROTTLE_MS < at)
			at = s->last_change + WEB_LIVE_THROTTLE_MS;
	}
	if (s->expires < at)
		at = s->expires;
	if (at < *wake)
		*wake = at;
	return false;
}

/* The thread: resumes each suspended stream that has something to send. */
static void *
run(void *arg)
{
	web_live *l = arg;

	pthread_mutex_lock(&l->mu);
	for (;;) {
		int64_t now = now_ms(), wake = now + WEB_LIVE_HEARTBEAT_MS;
		struct timespec ts;

		for (live_stream *s = l->streams; s; s = s->next) {
			if (!s->suspended || !due(l, s, now, &wake))
				continue;
			/* Resumed under l->mu: the stream cannot be freed meanwhile
			 * (MHD frees it only after its reader ran again). */
			s->suspended = false;
			MHD_resume_connection(s->conn);
		}
		if (l->stopping)
			break;
		ts = mono_deadline_ms(wake > now ? wake - now : 0);
		pthread_cond_timedwait(&l->cv, &l->mu, &ts);
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

web_live *
web_live_start(store_bus *bus, unsigned max_streams)
{
	web_live *l;
	pthread_condattr_t ca;

	if (bus == NULL || (l = calloc(1, sizeof *l)) == NULL)
		return NULL;
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
	l->max = max_streams;
	l->bus = bus;
	if ((l->sub = store_bus_subscribe(bus, STORE_BUS_LEADS, on_commit, l)) < 0) {
		log_line("error", "live_subscribe", "error=\"the commit bus has no free slot\"");
		goto fail;
	}
	if (pthread_create(&l->thread, NULL, run, l) != 0) {
		store_bus_unsubscribe(bus, l->sub);
		goto fail;
	}
	return l;
fail:
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	free(l);
	return NULL;
}

void
web_live_stop(web_live *l)
{
	if (l == NULL)
		return;
	if (l->joined)	/* the server's thread only: no lock needed for this flag */
		return;
	pthread_mutex_lock(&l->mu);
	l->stopping = true;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
	/* the thread resumes every suspended stream before it exits */
	pthread_join(l->thread, NULL);
	l->joined = true;
}

void
web_live_free(web_live *l)
{
	if (l == NULL)
		return;
	web_live_stop(l);
	store_bus_unsubscribe(l->bus, l->sub);
	if (l->nstreams > 0)
		log_line("error", "live_streams_left", "n=%u", l->nstreams);
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

unsigned
web_live_streams(web_live *l)
{
	unsigned n;

	if (l == NULL)
		return 0;
	pthread_mutex_lock(&l->mu);
	n = l->nstreams;
	pthread_mutex_unlock(&l->mu);
	return n;
}

/* --- one stream ---------------------------------------------------------------- */

/*
 * MHD asks for the next bytes. Anything pending goes first; then, in order:
 * the greeting, the end (server stopping, lifetime over), a change event,
 * a heartbeat. With nothing to say the stream is suspended and 0 returned;
 * the thread resumes it, and MHD asks again.
 */
static ssize_t
reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	live_stream *s = cls;
	web_live *l = s->live;
	int64_t now = now_ms(), wake = INT64_MAX;
	size_t n;

	(void)pos;
	pthread_mutex_lock(&l->mu);
	if (s->off == s->len) {
		s->off = s->len = 0;
		if (!s->hello) {
			/* a comment first, so that proxies send the headers on */
			s->len = (size_t)snprintf(s->out, sizeof s->out,
						  "retry: 3000\n: leadkeep live updates\n\n");
			s->hello = true;
			s->seen = l->gen;
		} else if (l->stopping || s->evicted || now >= s->expires) {
			pthread_mutex_unlock(&l->mu);
			return MHD_CONTENT_READER_END_OF_STREAM;
		} else if (s->seen != l->gen && now >= s->last_change + WEB_LIVE_THROTTLE_MS) {
			s->len = (size_t)snprintf(s->out, sizeof s->out,
						  "event: change\ndata: leads\n\n");
			s->seen = l->gen;
			s->last_change = now;
		} else if (now >= s->last_write + WEB_LIVE_HEARTBEAT_MS) {
			s->len = (size_t)snprintf(s->out, sizeof s->out, ": keep-alive\n\n");
		} else {
			(void)due(l, s, now, &wake);
			s->suspended = true;
			MHD_suspend_connection(s->conn);
			pthread_cond_signal(&l->cv);	/* the thread learns its next wake-up */
			pthread_mutex_unlock(&l->mu);
			return 0;
		}
	}
	n = s->len - s->off < max ? s->len - s->off : max;
	memcpy(buf, s->out + s->off, n);
	s->off += n;
	s->last_write = now;
	pthread_mutex_unlock(&l->mu);
	return (ssize_t)n;
}

/* MHD is done with the response: the stream leaves the list. */
static void
stream_free(void *cls)
{
	live_stream *s = cls;
	web_live *l = s->live;

	pthread_mutex_lock(&l->mu);
	if (s->prev)
		s->prev->next = s->next;
	else
		l->streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	l->nstreams--;
	pthread_mutex_unlock(&l->mu);
	free(s);
}

/*
 * A new stream for user, linked in; NULL when the server has too many open,
 * the broadcaster stops, or out of memory (*why says which). A user at
 * WEB_LIVE_PER_USER loses their oldest stream instead: a page closed while
 * its stream waited suspended is only noticed at its next write, so the
 * oldest is most likely a page already gone (a live one reconnects).
 */
static live_stream *
stream_new(web_live *l, struct MHD_Connection *conn, int64_t user, const char **why)
{
	live_stream *s, *oldest = NULL;
	unsigned mine = 0;

	pthread_mutex_lock(&l->mu);
	for (s = l->streams; s; s = s->next)
		if (s->user_id == user && !s->evicted) {
			mine++;
			oldest = s;	/* the list is newest first */
		}
	*why = l->stopping ? "stopping" : l->nstreams >= l->max ? "server_full" : NULL;
	if (*why == NULL && mine >= WEB_LIVE_PER_USER && oldest != NULL) {
		oldest->evicted = true;
		if (oldest->suspended) {
			oldest->suspended = false;
			MHD_resume_connection(oldest->conn);
		}
	}
	if (*why != NULL || (s = calloc(1, sizeof *s)) == NULL) {
		if (*why == NULL)
			*why = "out_of_memory";
		pthread_mutex_unlock(&l->mu);
		return NULL;
	}
	s->live = l;
	s->conn = conn;
	s->user_id = user;
	s->last_write = s->last_change = now_ms();
	s->last_change -= WEB_LIVE_THROTTLE_MS;
	s->expires = s->last_write + WEB_LIVE_LIFETIME_MS;
	s->next = l->streams;
	if (l->streams)
		l->streams->prev = s;
	l->streams = s;
	l->nstreams++;
	pthread_mutex_unlock(&l->mu);
	return s;
}

static enum MHD_Result
plain(http_req *rq, int status, const char *text, const char *retry)
{
	return http_reply_hdr(rq, status, "text/plain; charset=utf-8", text, strlen(text),
			      retry ? "Retry-After" : NULL, retry);
}

enum MHD_Result
web_events(http_req *rq)
{
	web_live *l = rq->srv->live;
	struct MHD_Response *r;
	enum MHD_Result ret;
	const char *why;
	live_stream *s;
	web_ctx c;

	/* An EventSource follows redirects but cannot sign in: a plain 401. */
	if (!web_begin(&c, rq, false, &ret))
		goto out;
	if (!c.signed_in) {
		ret = plain(rq, 401, "Sign in first.\n", NULL);
		goto out;
	}
	if (l == NULL) {
		/* 204: the browser's EventSource stops asking */
		ret = plain(rq, 204, "", NULL);
		goto out;
	}
	if ((s = stream_new(l, rq->conn, c.user.id, &why)) == NULL) {
		http_note(rq, "live=%s", why);
		ret = plain(rq, 503, "Too many live pages are open; this one reloads by hand.\n",
			    "60");
		goto out;
	}
	/* s is freed by stream_free from here on, also when queuing fails */
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 512, reader, s, stream_free);
	if (r == NULL) {
		stream_free(s);
		ret = MHD_NO;
		goto out;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");	/* nginx: pass it on at once */
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Request-Id", rq->id);
	ret = MHD_queue_response(rq->conn, 200, r);
	MHD_destroy_response(r);
	rq->status = 200;
	http_note(rq, "live=open");
out:
	web_end(&c);
	return ret;
}

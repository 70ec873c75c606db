/*
 * deliver_dispatch.c - the dispatcher thread. One loop: claim what is due
 * (a round's claims, every business's, committed together - queued -> sending
 * - before the provider is called),
 * run the transfers concurrently on one libcurl multi handle, record the
 * outcomes of the transfers that finished together in one transaction (each
 * in a savepoint of its own), sleep until the next due row, a transfer's
 * activity, a commit announced on the bus or one second. A crash leaves at most the rows in flight
 * in `sending`; the next start turns them into `unknown` with a task, never
 * into a second send. One dispatcher per data directory (a file lock) - or,
 * on a database that several nodes share (PostgreSQL), one per node name:
 * each claim then holds the node's lease, renewed here every third of it,
 * and a row whose lease expired (its node died) is taken over by whichever
 * node looks first, as a start after a crash would (store_node.h).
 * Beside it: the businesses it serves and their turns (deliver_lanes.c),
 * rows whose claim keeps failing (deliver_strikes.c), send rates
 * (deliver_rate.c); their shared state is deliver_dispatch_internal.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "deliver_dispatch_internal.h"
#include "store/store_business.h"
#include "store/store_node.h"
#include "util/ids.h"
#include "util/log.h"
#include "util/mono.h"

#define CLAIM_BATCH 64
#define DUE_BUSINESSES 1024	/* more with messages due at once: every lane looks */
#define DRAIN_SECONDS 10

void
deliver_fault(const deliver_config *cfg, const char *point)
{
	static unsigned passes;

	if (cfg->fault[0] == '\0' || strcmp(cfg->fault, point) != 0)
		return;
	if (__atomic_add_fetch(&passes, 1, __ATOMIC_RELAXED) % (unsigned)cfg->fault_every == 0) {
		log_line("warn", "fault_injected", "point=%s", point);
		kill(getpid(), SIGKILL);
	}
}

static const char *
kind_name(deliver_kind k)
{
	switch (k) {
	case DELIVER_OK:	return "sent";
	case DELIVER_TEMP:	return "retry";
	case DELIVER_PERM:	return "failed";
	case DELIVER_UNKNOWN:	return "unknown";
	}
	return "?";
}

static void
finish_webhook(deliver *d, slot *sl, deliver_result *res)
{
	deliver_job *job = &sl->job;
	char err[300];
	int tries;

	for (tries = 0; tries < 50; tries++) {
		if (deliver_webhook_record(d->store, job->cfg, &job->wh, res, d->clock()) == 0)
			break;
		usleep(100 * 1000);
	}
	log_line(res->kind == DELIVER_OK ? "info" : "warn", "webhook", "delivery=%lld event=%lld "
		 "attempt=%d result=%s status=%d%s%s", (long long)job->wh.id,
		 (long long)job->wh.event_id, job->wh.attempts, kind_name(res->kind), res->code,
		 res->error[0] ? " error=" : "",
		 res->error[0] ? log_quote(res->error, err, sizeof err) : "");
	deliver_job_clear(job);
	memset(job, 0, sizeof *job);
	sl->busy = false;
}

/* Before a send's outcome is recorded: a provider's "too many requests"
 * pauses the whole channel, not only this message. */
static void
finish_begin(deliver *d, slot *sl, const deliver_result *res)
{
	deliver_job *job = &sl->job;

	if (res->kind == DELIVER_OK)
		deliver_fault(d->cfg, "accepted");
	if (res->kind == DELIVER_TEMP && (res->code == 429 || res->code == 20429)) {
		bool sms = strcmp(job->msg.channel, "sms") == 0;
		send_rate *r = sl->lane < 0 ? (sms ? &d->sms_rate : &d->email_rate) :
			       sms ? &d->others[sl->lane].sms_rate : &d->others[sl->lane].email_rate;

		int64_t wait = res->retry_after > 0 ? res->retry_after : 1;

		if (wait > job->cfg->backoff_cap)
			wait = job->cfg->backoff_cap;
		r->paused_until_ns = mono_ns() + wait * 1000000000LL;
	}
}

/* Records an outcome alone; a busy database is retried, since the provider
 * has already spoken and its answer must not be lost while we are up.
 * Whether it was recorded. */
static bool
record_alone(deliver *d, slot *sl, const deliver_result *res)
{
	deliver_job *job = &sl->job;

	for (int tries = 0; tries < 50; tries++) {
		if (deliver_record(d->store, job->cfg, &job->msg, job->prov->name, res,
				   d->clock()) == 0)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

/* After: the log line, and the slot is free. */
static void
finish_end(deliver *d, slot *sl, const deliver_result *res, bool recorded)
{
	deliver_job *job = &sl->job;
	char err[300];

	log_line(res->kind == DELIVER_OK ? "info" : "warn", "message", "outbox=%lld lead=%lld "
		 "channel=%s provider=%s attempt=%d result=%s code=%d%s%s%s",
		 (long long)job->msg.id, (long long)job->msg.lead_id, job->msg.channel,
		 job->prov->name, job->msg.attempts, kind_name(res->kind), res->code,
		 res->error[0] ? " error=" : "",
		 res->error[0] ? log_quote(res->error, err, sizeof err) : "",
		 recorded ? "" : " recorded=false");
	deliver_job_clear(job);
	memset(job, 0, sizeof *job);
	sl->busy = false;
}

static void
finish_job(deliver *d, slot *sl, deliver_result *res)
{
	if (sl->job.wh.id != 0) {
		finish_webhook(d, sl, res);
		return;
	}
	finish_begin(d, sl, res);
	finish_end(d, sl, res, record_alone(d, sl, res));
}

/*
 * The sends that finished together (n <= REAP_BATCH): their outcomes in one
 * transaction (deliver_record_many), so one commit - one fsync - covers
 * them all; on PostgreSQL with fsync a commit each held the dispatcher below
 * the intake rate, and every business's messages queued behind the backlog
 * (bench/scale_many.sh). One that could not be recorded with the others is
 * retried alone. Webhook deliveries keep their own transactions.
 */
#define REAP_BATCH 64

static void
finish_many(deliver *d, slot **sls, deliver_result *res, int n)
{
	deliver_outcome o[REAP_BATCH];
	bool done[REAP_BATCH];
	int idx[REAP_BATCH], no = 0;

	for (int i = 0; i < n; i++) {
		if (sls[i]->job.wh.id != 0) {
			finish_webhook(d, sls[i], &res[i]);
			continue;
		}
		finish_begin(d, sls[i], &res[i]);
		o[no] = (deliver_outcome){ sls[i]->job.cfg, &sls[i]->job.msg, sls[i]->job.prov->name,
					   &res[i] };
		idx[no++] = i;
	}
	if (no == 0)
		return;
	deliver_record_many(d->store, o, (size_t)no, d->clock(), done);
	for (int k = 0; k < no; k++) {
		slot *sl = sls[idx[k]];

		finish_end(d, sl, &res[idx[k]], done[k] || record_alone(d, sl, &res[idx[k]]));
	}
}

/* Staff notifications carry a link to the lead in the web app. */
static void
add_lead_link(const deliver_config *cfg, outbox_msg *m)
{
	char link[600], *body;
	size_t n;

	if (m->person == NULL || strcmp(m->purpose ? m->purpose : "", "notify") != 0)
		return;
	deliver_lead_link(cfg, m->lead_id, link, sizeof link);
	if (link[0] == '\0')
		return;
	n = strlen(m->body) + strlen(link) + 2;
	if ((body = malloc(n)) == NULL)
		return;
	snprintf(body, n, "%s\n%s", m->body, link);
	free(m->body);
	m->body = body;
}

static void
start_job(deliver *d, slot *sl, deliver_config *cfg, int ln, const deliver_provider *prov)
{
	deliver_job *job = &sl->job;
	deliver_result res = { 0 };

	job->cfg = cfg;
	job->prov = prov;
	sl->busy = true;
	sl->lane = ln;
	add_lead_link(cfg, &job->msg);
	if (prov->start(job, &res) == 1) {
		finish_job(d, sl, &res);
		return;
	}
	if (curl_multi_add_handle(d->multi, job->easy) != CURLM_OK) {
		res.kind = DELIVER_TEMP;
		snprintf(res.error, sizeof res.error, "cannot start the transfer");
		finish_job(d, sl, &res);
		return;
	}
	d->inflight++;
}

static slot *
free_slot(deliver *d)
{
	for (int i = 0; i < d->cfg->concurrency; i++)
		if (!d->slots[i].busy)
			return &d->slots[i];
	return NULL;
}

/*
 * One round's claims, every business's, in ONE transaction: committed
 * (queued -> sending) before any of them is started, as each was when every
 * business's batch had a commit of its own - which, on PostgreSQL with fsync,
 * cost the dispatcher a flush of the log per business served each round.
 */
#define ROUND_FAILED 32

struct claimed_row {
	slot *sl;
	deliver_config *cfg;
	int ln;
	const deliver_provider *prov;
	send_rate *r;
};

typedef struct {
	bool open;		/* the round's transaction began */
	bool careful;		/* each claim in a savepoint (deliver_claim) */
	bool aborted;		/* a bare claim failed: the round rolls back */
	int n;			/* claimed (slots reserved) */
	claimed_row *rows;	/* concurrency of them */
	int nfailed;
	int64_t failed[ROUND_FAILED];
	const rules *failed_rules[ROUND_FAILED];
	char why[ROUND_FAILED][160];
} claim_round;

/* Claims up to what the free slots and the channel's rate allow, in the
 * round's transaction (begun at the first row due), for starting with cfg's
 * provider (lane ln's: -1 the install's own) once the round commits. Only
 * cfg's business's messages when the dispatcher serves several. Returns how
 * many were claimed. */
static int
fill_channel(deliver *d, claim_round *cr, deliver_config *cfg, int ln, const char *channel,
	     const deliver_provider *prov, send_rate *r, int64_t now)
{
	int64_t ids[CLAIM_BATCH];
	int want = d->cfg->concurrency - d->inflight - cr->n, avail = deliver_rate_avail(r), n;
	int nclaimed = 0;

	if (avail < want)
		want = avail;
	if (want > CLAIM_BATCH)
		want = CLAIM_BATCH;
	if (cr->aborted || want <= 0 || (n = d->by_business ?
			  store_outbox_due_for(d->store, cfg->business_id, channel, now, ids, want) :
			  store_outbox_due(d->store, channel, now, ids, want)) <= 0)
		return 0;
	if (!cr->open) {
		if (store_begin(d->store) < 0)
			return 0;
		cr->open = true;
	}
	for (int i = 0; i < n; i++) {
		slot *sl = free_slot(d);
		int rc;

		if (sl == NULL)
			break;
		rc = cr->careful ? deliver_claim(d->store, deliver_rules(cfg), ids[i], now,
						 &sl->job.msg) :
			deliver_claim_bare(d->store, deliver_rules(cfg), ids[i], now, &sl->job.msg);
		if (rc < 0 && !cr->careful) {
			/* The whole round rolls back; the next one claims each row
			 * in a savepoint, and finds which one fails. */
			cr->aborted = true;
			break;
		}
		if (rc < 0) {
			/* this row only: the rows behind it go on */
			if (cr->nfailed < ROUND_FAILED) {
				snprintf(cr->why[cr->nfailed], sizeof cr->why[cr->nfailed], "%s",
					 store_errmsg(d->store));
				cr->failed_rules[cr->nfailed] = deliver_rules(cfg);
				cr->failed[cr->nfailed++] = ids[i];
			}
			continue;
		}
		deliver_strike_clear(d, 0, ids[i]);
		if (rc == OUTBOX_CANCELED_OPT_OUT)
			log_line("info", "message", "outbox=%lld channel=%s result=cancelled "
				 "reason=opted_out_or_unreachable", (long long)ids[i], channel);
		if (rc == OUTBOX_UNUSABLE)
			log_line("error", "message", "outbox=%lld channel=%s result=failed "
				 "error=\"its lead no longer exists\"", (long long)ids[i], channel);
		if (rc != OUTBOX_CLAIMED)
			continue;
		sl->busy = true;	/* reserved: free_slot() must not hand it out again */
		cr->rows[cr->n++] = (claimed_row){ sl, cfg, ln, prov, r };
		nclaimed++;
	}
	return nclaimed;
}

/* Commits the round's claims, then starts them; a failed commit frees
 * their slots (the rows stay queued). Returns how many were started. */
static int
claim_round_end(deliver *d, claim_round *cr, int64_t now)
{
	int n = cr->n;

	if (!cr->open)
		return 0;
	/* Bare claims first (no savepoint each); after one failed, a round of
	 * careful ones. */
	d->claims_careful = cr->aborted;
	if (cr->aborted || store_commit(d->store) < 0) {
		if (!cr->aborted)
			log_line("error", "claim_failed", "rows=%d error=\"%s\"", cr->n,
				 store_errmsg(d->store));
		store_rollback(d->store);
		for (int i = 0; i < cr->n; i++) {
			slot *sl = cr->rows[i].sl;

			outbox_msg_free(&sl->job.msg);
			memset(&sl->job, 0, sizeof sl->job);
			sl->busy = false;
		}
		return 0;
	}
	for (int i = 0; i < cr->nfailed; i++)
		deliver_claim_failed(d, cr->failed_rules[i], 0, cr->failed[i], now, cr->why[i]);
	/* Durable from here: every row says `sending` before a byte leaves. */
	for (int i = 0; i < n; i++) {
		claimed_row *c = &cr->rows[i];

		deliver_fault(d->cfg, "claimed");
		deliver_rate_take(c->r);
		c->sl->busy = false;	/* start_job takes it */
		start_job(d, c->sl, c->cfg, c->ln, c->prov);
	}
	return n;
}

/* Queues new events for the webhook URLs - each business's events for its
 * own URLs only - then starts what is due, each signed with its business's
 * secret. */
static int
fill_webhooks(deliver *d, int64_t now)
{
	int64_t ids[CLAIM_BATCH];
	store_webhook_target *tg;
	size_t nt = 0;
	int want = d->cfg->concurrency - d->inflight, n, started = 0, rc;

	if (!deliver_any_webhooks(d) || (tg = malloc((1 + d->nothers) * sizeof *tg)) == NULL)
		return 0;
	/* Serving one business, every event is its (business 0: all). */
	for (size_t i = 0; i <= d->nothers; i++) {
		const deliver_config *c = i == 0 ? d->cfg : d->others[i - 1].cfg;

		if (c->nwebhooks > 0)
			tg[nt++] = (store_webhook_target){ d->by_business ? c->business_id : 0,
				(const char *const *)c->webhook_urls, c->nwebhooks };
	}
	if (store_begin(d->store) < 0) {
		free(tg);
		return 0;
	}
	rc = store_webhook_enqueue_each(d->store, tg, nt, now, 256);
	free(tg);
	if (rc < 0 || store_commit(d->store) < 0) {
		store_rollback(d->store);
		log_line("error", "webhook_enqueue", "error=\"%s\"",
			 store_errmsg(d->store));
		return 0;
	}
	if (want > CLAIM_BATCH)
		want = CLAIM_BATCH;
	if (want <= 0 || (n = store_webhook_due(d->store, now, ids, want)) <= 0)
		return 0;
	for (int i = 0; i < n; i++) {
		slot *sl = free_slot(d);
		deliver_config *cfg;
		int ln;

		if (sl == NULL || store_begin(d->store) < 0)
			break;
		rc = store_webhook_claim(d->store, ids[i], now, &sl->job.wh);
		if (rc < 0 || store_commit(d->store) < 0) {
			char why[160];

			snprintf(why, sizeof why, "%s", store_errmsg(d->store));
			store_rollback(d->store);
			store_webhook_free(&sl->job.wh);
			/* this delivery only: the ones behind it go on */
			deliver_claim_failed(d, NULL, 1, ids[i], now, why);
			continue;
		}
		deliver_strike_clear(d, 1, ids[i]);
		if (rc == STORE_WEBHOOK_DEAD)
			log_line("error", "webhook", "delivery=%lld result=dead error=\"its event or "
				 "lead no longer exists\"", (long long)ids[i]);
		if (rc != 1)
			continue;
		if ((cfg = deliver_cfg_of(d, sl->job.wh.business_id, &ln)) == NULL ||
		    cfg->nwebhooks == 0) {
			/* Its business is not served now (disabled): it waits. */
			if (store_begin(d->store) < 0 ||
			    store_webhook_finish(d->store, ids[i], "queued", 0, "its business is "
						 "not hosted", now + 300, now) < 0 ||
			    store_commit(d->store) < 0)
				store_rollback(d->store);
			store_webhook_free(&sl->job.wh);
			continue;
		}
		start_job(d, sl, cfg, ln, &deliver_webhook_provider);
		started++;
	}
	return started;
}

static void
reap(deliver *d)
{
	slot *sls[REAP_BATCH];
	deliver_result res[REAP_BATCH];
	CURLMsg *msg;
	int left, n = 0;

	while ((msg = curl_multi_info_read(d->multi, &left)) != NULL) {
		deliver_job *job = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&job);
		curl_multi_remove_handle(d->multi, msg->easy_handle);
		d->inflight--;
		memset(&res[n], 0, sizeof res[n]);
		job->prov->finish(job, msg->data.result, &res[n]);
		sls[n++] = (slot *)(void *)job;	/* job is a slot's first member */
		if (n == REAP_BATCH) {
			finish_many(d, sls, res, n);
			n = 0;
		}
	}
	finish_many(d, sls, res, n);
}

/* Milliseconds to sleep: until the next due row, at most one second. */
static int
wait_ms(deliver *d, int64_t now, bool progressed)
{
	int64_t next = store_outbox_next_due(d->store);
	int64_t ms = 1000, wnext = deliver_any_webhooks(d) ? store_webhook_next_due(d->store) : 0;

	if (wnext > 0 && (next <= 0 || wnext < next))
		next = wnext;

	if (next > 0 && next <= now)
		ms = progressed && d->inflight < d->cfg->concurrency ? 0 : 100;
	else if (next > now && (next - now) * 1000 < ms)
		ms = (next - now) * 1000;
	return (int)ms;
}

static void
drain(deliver *d)
{
	int64_t deadline = mono_ns() + (int64_t)DRAIN_SECONDS * 1000000000;
	int running;

	while (d->inflight > 0 && mono_ns() < deadline) {
		curl_multi_perform(d->multi, &running);
		reap(d);
		if (d->inflight > 0)
			curl_multi_poll(d->multi, NULL, 0, 100, NULL);
	}
	/* Still in flight: the provider may or may not have it. */
	for (int i = 0; i < d->cfg->concurrency; i++) {
		slot *sl = &d->slots[i];
		deliver_result res = { .kind = DELIVER_UNKNOWN };

		if (!sl->busy)
			continue;
		curl_multi_remove_handle(d->multi, sl->job.easy);
		d->inflight--;
		snprintf(res.error, sizeof res.error, "leadkeep stopped while the request was in "
			 "flight");
		finish_job(d, sl, &res);
	}
}

/* The commits that wake the dispatcher: its own rows, and new events when
 * webhooks are configured (they become webhook deliveries). */
static unsigned
bus_kinds(const deliver *d, const deliver_config *cfg)
{
	bool hooks = cfg->nwebhooks > 0;

	for (size_t i = 0; i < d->nothers; i++)
		hooks |= d->others[i].cfg->nwebhooks > 0;
	return STORE_BUS_OUTBOX | STORE_BUS_WEBHOOKS | (hooks ? STORE_BUS_LEADS : 0);
}

static void on_commit(void *arg, unsigned kinds);

/* A reload's configuration takes over once no request is in flight (every
 * job borrows the configuration it started with): the slots, the send rates
 * and what wakes the loop follow it, and the old one is freed. Returns true
 * while one waits: start nothing new, so the requests in flight run out. */
static bool
reconfigure_pending(deliver *d)
{
	deliver_config *next;
	slot *slots;
	claimed_row *claimed = NULL;
	char what[512];

	pthread_mutex_lock(&d->pending_mu);
	next = d->pending;
	if (next != NULL && d->inflight == 0)
		d->pending = NULL;
	pthread_mutex_unlock(&d->pending_mu);
	if (next == NULL)
		return false;
	if (d->inflight > 0)
		return true;
	if ((slots = calloc((size_t)next->concurrency, sizeof *slots)) == NULL ||
	    (claimed = calloc((size_t)next->concurrency, sizeof *claimed)) == NULL) {
		free(slots);
		log_line("error", "delivery_not_reloaded", "error=\"out of memory\"");
		deliver_config_free(next);
		return false;
	}
	free(d->slots);
	d->slots = slots;
	free(d->claimed);
	d->claimed = claimed;
	if (d->bus != NULL && bus_kinds(d, next) != bus_kinds(d, d->cfg)) {
		store_bus_unsubscribe(d->bus, d->sub);
		d->sub = store_bus_subscribe(d->bus, bus_kinds(d, next), on_commit, d);
	}
	d->sms_rate.rate = next->sms_rate;
	d->email_rate.rate = next->email_rate;
	pthread_mutex_lock(&d->cfg_mu);	/* a notice may be using the old one */
	deliver_config_free(d->cfg);
	d->cfg = next;
	pthread_mutex_unlock(&d->cfg_mu);
	deliver_config_describe(next, what, sizeof what);
	log_line("info", "delivery_reloaded", "%s", what);
	return false;
}

/* Every third of a lease: this node's rows in flight keep theirs, and the
 * rows of nodes whose lease expired are taken over (outbox: unknown with a
 * task, as after a crash; webhooks: queued again). */
static void
tend_leases(deliver *d, int64_t now)
{
	int n;

	if (!d->node || mono_ns() < d->next_lease_ns)
		return;
	d->next_lease_ns = mono_ns() + (int64_t)d->lease_s * 1000000000 / 3;
	if (store_lease_renew(d->store) < 0)
		log_line("error", "lease_renew", "error=\"%s\"", store_errmsg(d->store));
	if ((n = deliver_recover_by(d->store, deliver_lane_rules, d, now, false)) > 0)
		log_line("warn", "delivery_taken_over", "unknown=%d note=\"their node stopped "
			 "while sending: tasks created\"", n);
	if (store_begin(d->store) < 0)
		return;
	if ((n = store_webhook_orphans(d->store, false)) < 0 || store_commit(d->store) < 0) {
		store_rollback(d->store);
		return;
	}
	if (n > 0)
		log_line("warn", "webhooks_taken_over", "queued=%d", n);
}

/* Whether business id has messages due: due[n] as store_outbox_due_businesses
 * gave them (ascending); n < 0 means unknown (a failed look, or more than it
 * holds), and then every business has. */
static bool
has_due(const int64_t *due, int n, int64_t id)
{
	return n < 0 || bsearch(&id, due, (size_t)n, sizeof *due, ids_cmp) != NULL;
}

static void *
run(void *arg)
{
	deliver *d = arg;

	__atomic_store_n(&d->running, true, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		int64_t now = d->clock();
		int started = 0, running;

		tend_leases(d, now);
		if (!reconfigure_pending(d) && !deliver_others_pending(d)) {
			/* Each business in turn, a claim batch each, on the same
			 * slots: one's burst waits behind a batch of another's, no
			 * more. The business picking first takes every slot free then,
			 * so the next round starts after the last one that started
			 * something (deliver_turns_next; lane 0 is the install's own
			 * business). */
			size_t nlanes = d->nothers + 1, first = d->first_lane % nlanes;
			int64_t due[DUE_BUSINESSES];
			int ndue = -1;
			claim_round cr = { .rows = d->claimed, .careful = d->claims_careful };

			/* The businesses with something due, in one look: the others'
			 * turns would find nothing, at two queries each. */
			if (nlanes > 1 &&
			    (ndue = store_outbox_due_businesses(d->store, now, due,
								DUE_BUSINESSES)) == DUE_BUSINESSES)
				ndue = -1;
			for (size_t k = 0; k < nlanes; k++) {
				size_t j = deliver_turn_lane(first, k, nlanes);
				int n;

				if (!has_due(due, ndue, j == 0 ? d->cfg->business_id :
					     d->others[j - 1].cfg->business_id))
					continue;
				if (j == 0) {
					n = fill_channel(d, &cr, d->cfg, -1, "sms", d->cfg->sms,
							 &d->sms_rate, now);
					n += fill_channel(d, &cr, d->cfg, -1, "email", d->cfg->email,
							  &d->email_rate, now);
				} else {
					lane *l = &d->others[j - 1];

					n = fill_channel(d, &cr, l->cfg, (int)(j - 1), "sms",
							 l->cfg->sms, &l->sms_rate, now);
					n += fill_channel(d, &cr, l->cfg, (int)(j - 1), "email",
							  l->cfg->email, &l->email_rate, now);
				}
				d->first_lane = deliver_turns_next(d->first_lane, j, n, nlanes);
			}
			started += claim_round_end(d, &cr, now);
			started += fill_webhooks(d, now);
		}
		curl_multi_perform(d->multi, &running);
		reap(d);
		curl_multi_poll(d->multi, NULL, 0, wait_ms(d, now, started > 0), NULL);
	}
	drain(d);
	__atomic_store_n(&d->running, false, __ATOMIC_RELEASE);
	return NULL;
}

static int
take_lock(const char *dir, char *err, size_t errlen)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/dispatcher.lock", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(err, errlen, "another leadkeep is already delivering messages from %s "
			 "(%s is locked): stop it first", dir, path);
		close(fd);
		return -1;
	}
	return fd;
}

/* Joins the database as this node (LEADKEEP_NODE, else host:pid) with a
 * lease of LEADKEEP_LEASE seconds (else STORE_LEASE_DEFAULT). 1 joined, 0
 * the engine has no nodes (take the file lock), -1 with err set. */
static int
join_node(deliver *d, char *err, size_t errlen)
{
	const char *name = getenv("LEADKEEP_NODE"), *lease = getenv("LEADKEEP_LEASE");
	char node[128], host[64] = "localhost";
	int rc;

	if (name != NULL && *name)
		snprintf(node, sizeof node, "%s", name);
	else {
		gethostname(host, sizeof host - 1);
		snprintf(node, sizeof node, "%s:%d", host, (int)getpid());
	}
	d->lease_s = lease != NULL && *lease ? atoi(lease) : STORE_LEASE_DEFAULT;
	if (d->lease_s < STORE_LEASE_MIN) {
		snprintf(err, errlen, "LEADKEEP_LEASE=%s: not a number of seconds of at least %d",
			 lease, STORE_LEASE_MIN);
		return -1;
	}
	if ((rc = store_node_join(d->store, node, d->lease_s, err, errlen)) == 1) {
		d->node = true;
		log_line("info", "node", "name=\"%s\" lease=%d", node, d->lease_s);
	}
	return rc;
}

/* The bus's callback: a commit wrote what may be due now. Must not block:
 * curl_multi_wakeup() only writes to the multi handle's wake-up pipe. */
static void
on_commit(void *arg, unsigned kinds)
{
	deliver *d = arg;

	curl_multi_wakeup(d->multi);
}

static void
free_deliver(deliver *d)
{
	/* First, so no callback touches what is freed below. */
	store_bus_unsubscribe(d->bus, d->sub);
	if (d->multi != NULL)
		curl_multi_cleanup(d->multi);
	store_close(d->store);
	if (d->lockfd >= 0)
		close(d->lockfd);
	deliver_config_free(d->cfg);
	deliver_config_free(d->pending);
	deliver_lanes_free(d->others, d->nothers);
	deliver_lanes_free(d->pending_others, d->npending_others);
	pthread_mutex_destroy(&d->pending_mu);
	pthread_mutex_destroy(&d->cfg_mu);
	free(d->slots);
	free(d->claimed);
	free(d);
}

static deliver *start(deliver_config *cfg, deliver_config **others, size_t nothers,
		      bool by_business, deliver_clock clock, store_bus *bus, char *err,
		      size_t errlen);

deliver *
deliver_start(deliver_config *cfg, deliver_clock clock, store_bus *bus, char *err,
	      size_t errlen)
{
	return start(cfg, NULL, 0, false, clock, bus, err, errlen);
}

deliver *
deliver_start_many(deliver_config *cfg, deliver_config **others, size_t nothers,
		   deliver_clock clock, store_bus *bus, char *err, size_t errlen)
{
	return start(cfg, others, nothers, true, clock, bus, err, errlen);
}

static deliver *
start(deliver_config *cfg, deliver_config **others, size_t nothers, bool by_business,
      deliver_clock clock, store_bus *bus, char *err, size_t errlen)
{
	deliver *d = calloc(1, sizeof *d);
	bool oom;
	lane *l = deliver_lanes_new(others, nothers, &oom);	/* takes others */
	int n;

	if (d == NULL || oom) {
		free(d);
		deliver_lanes_free(l, nothers);
		deliver_config_free(cfg);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->others = l;
	d->nothers = nothers;
	d->by_business = by_business;
	d->cfg = cfg;
	d->clock = clock;
	d->sub = -1;
	d->lockfd = -1;
	pthread_mutex_init(&d->pending_mu, NULL);
	pthread_mutex_init(&d->cfg_mu, NULL);
	if ((d->store = store_open(cfg->data_dir, err, errlen)) == NULL)
		goto fail;
	if ((n = join_node(d, err, errlen)) < 0)
		goto fail;
	if (n == 0 && (d->lockfd = take_lock(cfg->files_dir, err, errlen)) < 0)
		goto fail;
	d->slots = calloc((size_t)cfg->concurrency, sizeof *d->slots);
	d->claimed = calloc((size_t)cfg->concurrency, sizeof *d->claimed);
	if (d->slots == NULL || d->claimed == NULL ||
	    curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (d->multi = curl_multi_init()) == NULL) {
		snprintf(err, errlen, "cannot initialise libcurl");
		goto fail;
	}
	/* Recovery, claims and outcomes are announced: a failure's task and
	 * notification reach the scheduler and this loop at once. */
	d->bus = bus;
	store_set_bus(d->store, bus);
	if (bus != NULL) {
		if ((d->sub = store_bus_subscribe(bus, bus_kinds(d, cfg), on_commit, d)) < 0) {
			snprintf(err, errlen, "the commit bus has no free subscription for the "
				 "dispatcher");
			goto fail;
		}
	}
	deliver_rate_init(&d->sms_rate, cfg->sms_rate);
	deliver_rate_init(&d->email_rate, cfg->email_rate);
	/* Before anything new is claimed: what a crash left half-done is made
	 * visible, not resent. */
	if ((n = deliver_recover_by(d->store, deliver_lane_rules, d, clock(), true)) < 0) {
		snprintf(err, errlen, "recovering messages left in flight: %s",
			 store_errmsg(d->store));
		goto fail;
	}
	if (store_begin(d->store) < 0 || store_webhook_orphans(d->store, true) < 0 ||
	    store_commit(d->store) < 0) {
		snprintf(err, errlen, "recovering webhooks left in flight: %s",
			 store_errmsg(d->store));
		store_rollback(d->store);
		goto fail;
	}
	if (n > 0)
		log_line("warn", "delivery_recovered", "unknown=%d note=\"tasks created: a person "
			 "checks whether these reached the recipient\"", n);
	if (pthread_create(&d->thread, NULL, run, d) != 0) {
		snprintf(err, errlen, "cannot start the dispatcher thread");
		goto fail;
	}
	return d;
fail:
	free_deliver(d);
	return NULL;
}

const deliver_config *
deliver_cfg_hold(deliver *d)
{
	pthread_mutex_lock(&d->cfg_mu);
	return d->cfg;
}

const deliver_config *
deliver_cfg_hold_for(deliver *d, int64_t business_id)
{
	const deliver_config *c;

	pthread_mutex_lock(&d->cfg_mu);
	c = business_id == 0 ? d->cfg : deliver_cfg_of(d, business_id, NULL);
	if (c == NULL)
		pthread_mutex_unlock(&d->cfg_mu);
	return c;
}

void
deliver_cfg_release(deliver *d)
{
	pthread_mutex_unlock(&d->cfg_mu);
}

bool
deliver_running(deliver *d)
{
	return d != NULL && __atomic_load_n(&d->running, __ATOMIC_ACQUIRE);
}

void
deliver_reconfigure(deliver *d, deliver_config *cfg)
{
	deliver_config *was;

	pthread_mutex_lock(&d->pending_mu);
	was = d->pending;
	d->pending = cfg;
	pthread_mutex_unlock(&d->pending_mu);
	deliver_config_free(was);	/* replaced before it took over */
	curl_multi_wakeup(d->multi);
}

void
deliver_stop(deliver *d)
{
	if (d == NULL)
		return;
	__atomic_store_n(&d->stop, true, __ATOMIC_RELEASE);
	curl_multi_wakeup(d->multi);
	pthread_join(d->thread, NULL);
	free_deliver(d);
}

/*
 * deliver_lanes.c - the businesses one dispatcher serves (deliver_start_many):
 * the install's own and a lane for each other, with its providers and send
 * rates; whose configuration a row goes by; a reload's set of businesses
 * taking over; and the turns a round gives them. Sends nothing and claims
 * nothing: the loop (deliver_dispatch.c) does.
 */
#include <pthread.h>
#include <stdlib.h>

#include "deliver_dispatch_internal.h"
#include "util/log.h"

/* The configuration of business_id's providers (its rules, its webhooks):
 * the install's own, another hosted business's lane (*ln its index, -1 the
 * own), or NULL when the dispatcher does not serve it (disabled). Serving
 * one business, every row is its. */
deliver_config *
deliver_cfg_of(deliver *d, int64_t business_id, int *ln)
{
	if (ln != NULL)
		*ln = -1;
	if (!d->by_business || d->cfg->business_id == business_id)
		return d->cfg;
	for (size_t i = 0; i < d->nothers; i++)
		if (d->others[i].cfg->business_id == business_id) {
			if (ln != NULL)
				*ln = (int)i;
			return d->others[i].cfg;
		}
	return NULL;
}

/* deliver_rules_of for deliver_recover_by: each row under its business's rules. */
const rules *
deliver_lane_rules(void *ctx, int64_t business_id)
{
	const deliver_config *c = deliver_cfg_of(ctx, business_id, NULL);

	return c != NULL ? deliver_rules(c) : NULL;
}

/* Lanes for others[n] (taken: freed on failure). NULL when n is 0 or out of
 * memory (*oom). */
lane *
deliver_lanes_new(deliver_config **others, size_t n, bool *oom)
{
	lane *l = n > 0 ? calloc(n, sizeof *l) : NULL;

	*oom = n > 0 && l == NULL;
	for (size_t i = 0; i < n; i++) {
		if (l == NULL) {
			deliver_config_free(others[i]);
			continue;
		}
		l[i].cfg = others[i];
		deliver_rate_init(&l[i].sms_rate, others[i]->sms_rate);
		deliver_rate_init(&l[i].email_rate, others[i]->email_rate);
	}
	return l;
}

int
deliver_set_others(deliver *d, deliver_config **others, size_t n)
{
	bool oom;
	lane *l = deliver_lanes_new(others, n, &oom), *was;
	size_t nwas;

	if (oom)
		return -1;
	pthread_mutex_lock(&d->pending_mu);
	was = d->pending_others;
	nwas = d->npending_others;
	d->pending_others = l;
	d->npending_others = n;
	d->others_pending = true;
	pthread_mutex_unlock(&d->pending_mu);
	deliver_lanes_free(was, nwas);	/* replaced before they took over */
	curl_multi_wakeup(d->multi);
	return 0;
}

void
deliver_lanes_free(lane *l, size_t n)
{
	for (size_t i = 0; l != NULL && i < n; i++)
		deliver_config_free(l[i].cfg);
	free(l);
}

/* A reload's businesses take over once no request is in flight (a job
 * borrows its lane's configuration and names the lane by its index): the
 * old lanes are freed. Returns true while they wait. */
bool
deliver_others_pending(deliver *d)
{
	lane *next, *old;
	size_t n, nold;

	pthread_mutex_lock(&d->pending_mu);
	if (!d->others_pending || d->inflight > 0) {
		bool waiting = d->others_pending;

		pthread_mutex_unlock(&d->pending_mu);
		return waiting;
	}
	next = d->pending_others;
	n = d->npending_others;
	d->pending_others = NULL;
	d->npending_others = 0;
	d->others_pending = false;
	pthread_mutex_unlock(&d->pending_mu);
	pthread_mutex_lock(&d->cfg_mu);	/* a notice may be using an old one */
	old = d->others;
	nold = d->nothers;
	d->others = next;
	d->nothers = n;
	pthread_mutex_unlock(&d->cfg_mu);
	deliver_lanes_free(old, nold);
	log_line("info", "delivery_businesses", "businesses=%zu", n + 1);
	return false;
}

/* Whether any business the dispatcher serves has webhook URLs. */
bool
deliver_any_webhooks(const deliver *d)
{
	if (d->cfg->nwebhooks > 0)
		return true;
	for (size_t i = 0; i < d->nothers; i++)
		if (d->others[i].cfg->nwebhooks > 0)
			return true;
	return false;
}

size_t
deliver_turn_lane(size_t first, size_t k, size_t nlanes)
{
	return nlanes == 0 ? 0 : (first + k) % nlanes;
}

size_t
deliver_turns_next(size_t next, size_t ln, int started, size_t nlanes)
{
	return started > 0 && nlanes > 0 ? (ln + 1) % nlanes : next;
}

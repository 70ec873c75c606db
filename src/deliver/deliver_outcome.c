/*
 * deliver_outcome.c - a send's outcome, in one transaction: the row's new
 * state (delivery's own queue) and an EV_DELIVERY event through the one door
 * (flow_event), where the engine decides what it means for the lead: the
 * timeline, contact flags, a task for a person. No policy here, and nothing
 * here talks to a provider; the dispatcher and the status callbacks call in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "deliver_internal.h"
#include "store/store_node.h"
#include "util/metrics.h"
#include "util/log.h"

/* From the time a message was due to the provider taking it, by channel; in
 * whole seconds (the due time is stored to the second). */
static const double latency_bounds[] = { 1, 2, 5, 10, 30, 60, 300, 900, 3600 };
METRICS_HISTOGRAM(delivery_latency, "leadkeep_delivery_latency_seconds",
		  "From a message's due time to its provider accepting it, by channel.",
		  "channel", latency_bounds)

void
deliver_snippet(const char *text, size_t n, char *out, size_t outlen)
{
	size_t len = text ? strlen(text) : 0, i, o = 0;

	if (outlen == 0)
		return;
	if (len > n) {
		/* Back up to a UTF-8 lead byte so no character is cut in half. */
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	for (i = 0; i < len && i < n && o + 4 < outlen; i++)
		out[o++] = text[i] == '\n' || text[i] == '\r' ? ' ' : text[i];
	if (len > i && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

void
deliver_lead_link(const deliver_config *cfg, int64_t lead_id, char *out, size_t outlen)
{
	if (cfg == NULL || cfg->public_url[0] == '\0')
		snprintf(out, outlen, "%s", "");
	else
		snprintf(out, outlen, "%s/leads/%lld", cfg->public_url, (long long)lead_id);
}

flow_result
deliver_report(store *s, const rules *r, const outbox_msg *m, delivery_outcome o,
	       const char *error, int64_t task_id, int64_t now, int64_t *new_task)
{
	lead_event ev = lead_event_init(EV_DELIVERY);
	char snip[96], err[256];
	flow_out out = { 0 };
	flow_result rc;

	deliver_snippet(m->body, 60, snip, sizeof snip);
	ev.delivery = o;
	ev.channel = m->channel;
	ev.person = m->person;
	ev.to = m->recipient;
	ev.text = snip;
	ev.error = error && *error ? error : NULL;
	ev.attempts = m->attempts;
	ev.task_id = task_id;
	ev.purpose = m->purpose;
	ev.actor = "delivery";
	rc = flow_event(s, m->business_id, r, m->lead_id, &ev, now, &out, err, sizeof err);
	if (rc == FLOW_NOT_FOUND)
		rc = FLOW_OK;	/* no lead to decide for: the row's state is all there is */
	else if (rc != FLOW_OK)
		log_line("error", "delivery_outcome", "outbox=%lld lead=%lld result=%s error=\"%s\"",
			 (long long)m->id, (long long)m->lead_id, flow_result_name(rc), err);
	if (new_task != NULL)
		*new_task = rc == FLOW_OK ? out.task_id : 0;
	return rc;
}

delivery_outcome
deliver_outcome_of(outbox_state to, const deliver_result *res)
{
	if (to == OUTBOX_UNKNOWN)
		return DELIVERY_UNKNOWN;
	if (to == OUTBOX_DEAD)
		return DELIVERY_DEAD;
	switch (res->contact) {
	case DELIVER_OPTED_OUT:		return DELIVERY_CARRIER_OPT_OUT;
	case DELIVER_NOT_A_PHONE:	return DELIVERY_INVALID_PHONE;
	case DELIVER_NO_MAILBOX:	return DELIVERY_BOUNCED;
	case DELIVER_NOT_TEXTABLE:	return DELIVERY_NOT_TEXTABLE;
	case DELIVER_SAYS_NOTHING:	break;
	}
	return DELIVERY_FAILED;
}

/* deliver_claim's work, in a savepoint of its own or not (then a failure
 * leaves the caller's transaction to roll back whole). */
static int
claim(store *s, const rules *r, int64_t id, int64_t now, outbox_msg *m, bool savepoint)
{
	int rc;

	memset(m, 0, sizeof *m);
	if (savepoint && store_savepoint(s) < 0)
		return -1;
	rc = store_outbox_claim(s, id, now, m);
	/* A message the lead may no longer get is cancelled; the timeline says
	 * why, through the engine, in the same transaction. */
	if (rc == OUTBOX_CANCELED_OPT_OUT &&
	    deliver_report(s, r, m, DELIVERY_CANCELLED, NULL, 0, now, NULL) != FLOW_OK)
		rc = -1;
	if (rc < 0 || (savepoint && store_release(s) < 0)) {
		if (savepoint)
			store_rollback_savepoint(s);
		outbox_msg_free(m);
		return -1;
	}
	if (rc != OUTBOX_CLAIMED)
		outbox_msg_free(m);
	return rc;
}

int
deliver_claim(store *s, const rules *r, int64_t id, int64_t now, outbox_msg *m)
{
	return claim(s, r, id, now, m, true);
}

int
deliver_claim_bare(store *s, const rules *r, int64_t id, int64_t now, outbox_msg *m)
{
	return claim(s, r, id, now, m, false);
}

int
deliver_bury(store *s, const rules *r, int64_t id, const char *why, int64_t now)
{
	outbox_msg m;
	outbox_state state;
	int64_t task = 0;
	bool told = false;
	int rc;

	if (store_begin(s) < 0)
		return -1;
	if ((rc = store_outbox_get(s, id, &state, NULL, 0, NULL, NULL)) != 1 ||
	    state != OUTBOX_QUEUED || (rc = store_outbox_load(s, id, &m)) != 1) {
		store_rollback(s);
		return rc < 0 ? -1 : 0;
	}
	/* Tell the engine when it can hear it (a task for the owner); when that
	 * is what fails, the row's state and reason still say it. */
	if (store_savepoint(s) == 0) {
		told = deliver_report(s, r, &m, DELIVERY_FAILED, why, 0, now, &task) == FLOW_OK &&
		       store_release(s) == 0;
		if (!told) {
			store_rollback_savepoint(s);
			task = 0;
		}
	}
	outbox_msg_free(&m);
	if (store_outbox_bury(s, id, why, task, now) != 1 || store_commit(s) < 0) {
		store_rollback(s);
		return -1;
	}
	return told ? 1 : 2;
}

static int
record_in_tx(store *s, const deliver_config *cfg, const outbox_msg *m, const char *provider,
	     const deliver_result *res, int64_t now)
{
	outbox_update u = { .provider = provider, .error = res->error[0] ? res->error : NULL,
			    .error_code = res->code };
	outbox_state state, to;
	int64_t task;
	int rc;

	/* Sent: the move itself says whether the row was still `sending` (0: a
	 * status callback already told us what happened), so the common
	 * outcome costs no read of the row first. */
	if (res->kind == DELIVER_OK) {
		u.provider_id = res->provider_id;
		u.error = NULL;
		if ((rc = store_outbox_move(s, m->id, OUTBOX_SENDING, OUTBOX_SENT, &u, now)) <= 0)
			return rc;
		metrics_observe(&delivery_latency, m->channel, (double)(now - m->send_at));
		/* Through the engine like every outcome: loading the lead and its
		 * open tasks adds about 10 us of CPU to the ~30 us this transaction
		 * cost before (in memory; the commit's fsync dwarfs both on disk). */
		return deliver_report(s, deliver_rules(cfg), m, DELIVERY_SENT, NULL, 0, now,
				      NULL) == FLOW_OK ? 0 : -1;
	}
	if (store_outbox_get(s, m->id, &state, NULL, 0, NULL, NULL) != 1)
		return -1;
	if (state != OUTBOX_SENDING)
		return 0;	/* a status callback already told us what happened */
	switch (res->kind) {
	case DELIVER_TEMP:
		if (m->attempts < cfg->max_attempts) {
			int64_t wait = deliver_backoff(m->attempts, cfg->backoff_base,
						       cfg->backoff_cap, randombytes_random());

			if (res->retry_after > wait)
				wait = res->retry_after < cfg->backoff_cap ? res->retry_after :
					cfg->backoff_cap;
			/* now is whole seconds, rounded down: +1 so that the wait
			 * (and a provider's Retry-After) is never cut short. */
			u.send_at = now + wait + 1;
			return store_outbox_move(s, m->id, OUTBOX_SENDING, OUTBOX_QUEUED, &u, now) < 0 ?
				-1 : 0;
		}
		to = OUTBOX_DEAD;
		break;
	case DELIVER_PERM:
		to = OUTBOX_FAILED;
		break;
	case DELIVER_UNKNOWN:
	default:
		to = OUTBOX_UNKNOWN;
		break;
	}
	if (deliver_report(s, deliver_rules(cfg), m, deliver_outcome_of(to, res), res->error, 0,
			   now, &task) != FLOW_OK)
		return -1;
	u.task_id = task;
	return store_outbox_move(s, m->id, OUTBOX_SENDING, to, &u, now) < 0 ? -1 : 0;
}

int
deliver_record(store *s, const deliver_config *cfg, const outbox_msg *m, const char *provider,
	       const deliver_result *res, int64_t now)
{
	if (store_begin(s) < 0)
		return -1;
	if (record_in_tx(s, cfg, m, provider, res, now) < 0 || store_commit(s) < 0) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

int
deliver_record_many(store *s, const deliver_outcome *o, size_t n, int64_t now, bool *done)
{
	size_t i;

	for (i = 0; i < n; i++)
		done[i] = false;
	if (n == 0)
		return 0;
	/* First without a savepoint each (two round trips an outcome fewer on
	 * PostgreSQL): almost always every one goes in. */
	if (store_begin(s) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (record_in_tx(s, o[i].cfg, o[i].m, o[i].provider, o[i].res, now) < 0)
			break;
	if (i == n && store_commit(s) == 0) {
		for (i = 0; i < n; i++)
			done[i] = true;
		return 0;
	}
	/* One failed (or the commit): again, each in a savepoint, so only the
	 * one that fails is left out. */
	store_rollback(s);
	if (store_begin(s) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (store_savepoint(s) < 0)
			break;
		if (record_in_tx(s, o[i].cfg, o[i].m, o[i].provider, o[i].res, now) < 0 ||
		    store_release(s) < 0) {
			store_rollback_savepoint(s);
			continue;
		}
		done[i] = true;
	}
	if (store_commit(s) < 0) {
		store_rollback(s);
		for (i = 0; i < n; i++)
			done[i] = false;
		return -1;
	}
	return 0;
}

static const rules *
same_rules(void *ctx, int64_t business_id)
{
	(void)business_id;
	return ctx;
}

int
deliver_recover(store *s, const rules *r, int64_t now)
{
	return deliver_recover_by(s, same_rules, (void *)r, now, true);
}

int
deliver_recover_orphans(store *s, const rules *r, int64_t now, bool at_start)
{
	return deliver_recover_by(s, same_rules, (void *)r, now, at_start);
}

int
deliver_recover_by(store *s, deliver_rules_of rules_of, void *ctx, int64_t now, bool at_start)
{
	static const char why[] = "leadkeep stopped while sending";
	int64_t ids[64];
	int n, done, total = 0;

	/* Batches of 64 until none is left or a batch holds only rows of
	 * businesses not hosted (they stay `sending`, so the query gives them
	 * again): each batch commits on its own. */
	do {
		done = 0;
		if (store_begin(s) < 0)
			return -1;
		if ((n = store_outbox_orphans(s, at_start, ids, 64)) < 0)
			goto fail;
		for (int i = 0; i < n; i++) {
			const rules *r;
			outbox_msg m;
			int64_t task;

			if (store_outbox_load(s, ids[i], &m) != 1)
				goto fail;
			/* Its own business's rules decide (whose people, whose hours);
			 * a business not hosted keeps its row until it is. */
			if ((r = rules_of(ctx, m.business_id)) == NULL) {
				outbox_msg_free(&m);
				continue;
			}
			/* One row the engine cannot take must not keep serve from
			 * starting: it still becomes unknown, without its task. */
			if (store_savepoint(s) < 0) {
				outbox_msg_free(&m);
				goto fail;
			}
			if (deliver_report(s, r, &m, DELIVERY_UNKNOWN, why, 0, now, &task) != FLOW_OK ||
			    store_release(s) < 0) {
				store_rollback_savepoint(s);
				task = 0;
			}
			if (store_outbox_move(s, ids[i], OUTBOX_SENDING, OUTBOX_UNKNOWN,
					      &(outbox_update){ .error = why, .task_id = task },
					      now) < 0) {
				outbox_msg_free(&m);
				goto fail;
			}
			log_line("warn", "message_unknown", "outbox=%lld lead=%lld business=%lld "
				 "channel=%s reason=%s task=%lld", (long long)m.id,
				 (long long)m.lead_id, (long long)m.business_id, m.channel,
				 at_start ? "crash_recovery" : "lease_expired", (long long)task);
			outbox_msg_free(&m);
			done++;
		}
		if (store_commit(s) < 0)
			goto fail;
		total += done;
	} while (n == 64 && done > 0);
	return total;
fail:
	store_rollback(s);
	return -1;
}

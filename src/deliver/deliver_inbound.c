/*
 * deliver_inbound.c - what comes back after a send: the provider's status
 * callbacks (idempotent, order-tolerant: only forward moves of the state
 * machine apply; what the news means for the lead is reported to the engine)
 * and email unsubscribes (through the engine, so consent is an event like
 * any other). Runs in the caller's transaction; no I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver_internal.h"

/* The state a provider status asks for, or -1 for one that changes nothing. */
static int
target_of(const char *status)
{
	static const struct {
		const char *name;
		outbox_state to;
	} map[] = {
		{ "accepted", OUTBOX_SENT },	{ "queued", OUTBOX_SENT },
		{ "sending", OUTBOX_SENT },	{ "sent", OUTBOX_SENT },
		{ "delivered", OUTBOX_DELIVERED }, { "read", OUTBOX_DELIVERED },
		{ "undelivered", OUTBOX_FAILED }, { "failed", OUTBOX_FAILED },
		{ "canceled", OUTBOX_FAILED },
	};

	for (size_t i = 0; status && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(status, map[i].name) == 0)
			return (int)map[i].to;
	return -1;
}

/* A carrier's failure code after acceptance, as a result. */
static void
failure_of(const char *status, int code, deliver_result *res)
{
	res->kind = DELIVER_PERM;
	res->code = code;
	if (code)
		snprintf(res->error, sizeof res->error, "the carrier reported %.40s, error %d",
			 status, code);
	else
		snprintf(res->error, sizeof res->error, "the carrier reported %.40s", status);
	if (code == 21610)
		res->contact = DELIVER_OPTED_OUT;
	else if (code == 30005 || code == 21211)	/* unknown destination handset */
		res->contact = DELIVER_NOT_A_PHONE;
	else if (code == 30006 || code == 21614)	/* a landline: cannot take texts */
		res->contact = DELIVER_NOT_TEXTABLE;
}

/* FLOW_BUSY or FLOW_STORAGE for a failed store call, with err set. */
static flow_result
storage_error(store *s, char *err, size_t errlen)
{
	snprintf(err, errlen, "recording the status: %s", store_errmsg(s));
	return store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
}

flow_result
deliver_status_apply(store *s, const rules *r, int64_t id, const char *sid, const char *status,
		     int code, int64_t now, char *err, size_t errlen)
{
	outbox_state state, to;
	char pid[320];
	int64_t lead_id, old_task, task = 0;
	flow_result res = FLOW_OK;
	outbox_msg m;
	int t, rc;

	/* News without the message's id cannot be matched to the message: it
	 * never skips the check. */
	if (sid == NULL || *sid == '\0')
		return FLOW_NOT_FOUND;
	if ((rc = store_outbox_get(s, id, &state, pid, sizeof pid, &lead_id, &old_task)) != 1)
		return rc == 0 ? FLOW_NOT_FOUND : storage_error(s, err, errlen);
	/* pid is empty while our own request's answer is pending (or was lost):
	 * the provider's signed callback is then the first word of the sid. */
	if (pid[0] && strcmp(pid, sid) != 0)
		return FLOW_NOT_FOUND;
	if ((t = target_of(status)) < 0)
		return FLOW_OK;
	to = (outbox_state)t;
	/* Repeated, late or out-of-order news changes nothing. */
	if (state == to || !outbox_state_allowed(state, to))
		return FLOW_OK;
	if ((rc = store_outbox_load(s, id, &m)) != 1)
		return rc == 0 ? FLOW_NOT_FOUND : storage_error(s, err, errlen);
	if (to == OUTBOX_FAILED) {
		deliver_result fail = { 0 };

		/* A task opened while the outcome was unknown is the engine's to
		 * settle: what it decides now replaces it. */
		failure_of(status, code, &fail);
		res = deliver_report(s, r, &m, deliver_outcome_of(OUTBOX_FAILED, &fail), fail.error,
				     old_task, now, &task);
		if (res == FLOW_OK)
			rc = store_outbox_move(s, id, state, to, &(outbox_update){
					       .provider_id = sid, .error = fail.error,
					       .error_code = code, .task_id = task }, now);
	} else {
		rc = store_outbox_move(s, id, state, to, &(outbox_update){ .provider_id = sid }, now);
		/* The outcome we could not know: the provider just told us (the
		 * engine settles the task that asked a person to check). Or the
		 * callback came before the provider's own answer to our request. */
		if (rc == 1 && (state == OUTBOX_UNKNOWN || state == OUTBOX_SENDING))
			res = deliver_report(s, r, &m, state == OUTBOX_UNKNOWN ? DELIVERY_CONFIRMED :
					     DELIVERY_SENT, NULL, old_task, now, NULL);
	}
	outbox_msg_free(&m);
	if (res == FLOW_OK && rc < 0)
		return storage_error(s, err, errlen);
	if (res != FLOW_OK)
		snprintf(err, errlen, "recording the status: %s", flow_result_name(res));
	return res;
}

flow_result
deliver_unsubscribe(store *s, int64_t business_id, const rules *r, int64_t lead_id,
		    int64_t now, char *err, size_t errlen)
{
	lead_event ev = lead_event_init(EV_OPT_OUT);

	/* A second click is a repeated opt-out: the engine changes nothing. */
	ev.channel = "email";
	return flow_event(s, business_id, r, lead_id, &ev, now, NULL, err, errlen);
}

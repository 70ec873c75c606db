/*
 * deliver_inbound.c - what comes back after a send: the provider's status
 * callbacks (idempotent, order-tolerant: only forward moves of the state
 * machine apply) and email unsubscribes (through the engine, so consent is
 * an event like any other). Runs in the caller's transaction; no I/O.
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

/* A carrier's failure code after acceptance, as a result with its lead flag. */
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
	if (code == 21610) {
		res->has_flag = true;
		res->flag = OUTBOX_LEAD_SMS_OPT_OUT;
	} else if (code == 30005 || code == 21211) {	/* unknown destination handset */
		res->has_flag = true;
		res->flag = OUTBOX_LEAD_PHONE_INVALID;
	}
}

int
deliver_status_apply(store *s, const rules *r, int64_t id, const char *sid, const char *status,
		     int code, int64_t now)
{
	outbox_state state, to;
	char pid[320];
	int64_t lead_id, old_task;
	outbox_msg m;
	int t, rc;

	if ((rc = store_outbox_get(s, id, &state, pid, sizeof pid, &lead_id, &old_task)) != 1)
		return rc < 0 ? -1 : 1;
	if (sid != NULL && *sid && pid[0] && strcmp(pid, sid) != 0)
		return 1;
	if ((t = target_of(status)) < 0)
		return 0;
	to = (outbox_state)t;
	/* Repeated, late or out-of-order news changes nothing. */
	if (state == to || !outbox_state_allowed(state, to))
		return 0;
	if (store_outbox_load(s, id, &m) != 1)
		return -1;
	if (to == OUTBOX_FAILED) {
		deliver_result res = { 0 };
		int64_t task;

		failure_of(status, code, &res);
		if ((task = deliver_consequences(s, r, &m, OUTBOX_FAILED, &res, now)) < 0)
			goto fail;
		if (old_task > 0 && store_outbox_task_close(s, old_task, "superseded: the provider "
							   "reported the message failed", now) < 0)
			goto fail;
		rc = store_outbox_move(s, id, state, to, &(outbox_update){ .provider_id = sid,
				       .error = res.error, .error_code = code, .task_id = task }, now);
	} else {
		rc = store_outbox_move(s, id, state, to, &(outbox_update){ .provider_id = sid }, now);
		if (rc == 1 && state == OUTBOX_UNKNOWN) {
			char text[200];

			/* The outcome we could not know: the provider just told us. */
			snprintf(text, sizeof text, "%s to %s confirmed by the provider after an "
				 "interrupted send: it did go out", strcmp(m.channel, "sms") == 0 ?
				 "Text" : "Email", m.person ? m.person : "the lead");
			if ((old_task > 0 && store_outbox_task_close(s, old_task, "resolved: the "
								     "provider confirmed the message "
								     "went out", now) < 0) ||
			    store_outbox_event(s, m.business_id, m.lead_id, "message.confirmed", text,
					       now) < 0)
				goto fail;
		}
	}
	outbox_msg_free(&m);
	return rc < 0 ? -1 : 0;
fail:
	outbox_msg_free(&m);
	return -1;
}

flow_result
deliver_unsubscribe(store *s, int64_t business_id, const rules *r, int64_t lead_id,
		    int64_t now, char *err, size_t errlen)
{
	lead_event ev = lead_event_init(EV_OPT_OUT);
	int rc = store_outbox_lead_opted_out(s, business_id, lead_id, "email");

	if (rc != 0)	/* already out: one consent event */
		return rc == 1 ? FLOW_OK : rc == -2 ? FLOW_NOT_FOUND : FLOW_STORAGE;
	ev.channel = "email";
	return flow_event(s, business_id, r, lead_id, &ev, now, NULL, err, errlen);
}

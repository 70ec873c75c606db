/*
 * deliver_outcome.c - what a send's outcome writes, in one transaction: the
 * row's new state and, when a person must step in, a task for the lead's
 * owner, a timeline event and the lead's contact flags. Nothing here talks
 * to a provider; the dispatcher and the status callbacks call in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "deliver_internal.h"
#include "util/log.h"

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

/* "Alice Moreno" for a staff recipient, else the lead's name. */
static const char *
who(const rules *r, const outbox_msg *m)
{
	if (m->person != NULL) {
		const rules_person *p = r ? rules_person_find(r, m->person) : NULL;

		return p && p->name ? p->name : m->person;
	}
	return m->lead_name && *m->lead_name ? m->lead_name : "the lead";
}

static bool
is_sms(const outbox_msg *m)
{
	return strcmp(m->channel, "sms") == 0;
}

/* The lead-side consequences of a permanent failure (flags + consent event). */
static int
apply_flag(store *s, const outbox_msg *m, const deliver_result *res, int64_t now)
{
	int rc;

	if (!res->has_flag || m->person != NULL)
		return 0;	/* a staff member's address says nothing about the lead */
	if ((rc = store_outbox_lead_flag(s, m->lead_id, res->flag, now)) <= 0)
		return rc;
	switch (res->flag) {
	case OUTBOX_LEAD_SMS_OPT_OUT:
		return store_outbox_event(s, m->business_id, m->lead_id, "consent.opted_out",
					  "Opted out of texts at the carrier (the SMS provider "
					  "refused to send: recipient unsubscribed)", now);
	case OUTBOX_LEAD_PHONE_INVALID:
		return store_outbox_event(s, m->business_id, m->lead_id, "contact.flagged",
					  "Phone number flagged: the SMS provider says it is not "
					  "a valid number", now);
	case OUTBOX_LEAD_EMAIL_INVALID:
		return store_outbox_event(s, m->business_id, m->lead_id, "contact.flagged",
					  "Email address flagged: the message bounced", now);
	}
	return 0;
}

int64_t
deliver_consequences(store *s, const rules *r, const outbox_msg *m, outbox_state to,
		     const deliver_result *res, int64_t now)
{
	const char *what = is_sms(m) ? "text" : "email", *name = who(r, m);
	char snip[96], title[512], text[640];
	const char *verb = "call", *type = "message.failed";

	deliver_snippet(m->body, 60, snip, sizeof snip);
	if (to == OUTBOX_UNKNOWN) {
		verb = "review";
		type = "message.unknown";
		snprintf(title, sizeof title, "Check whether %s got the %s \"%s\": sending was "
			 "interrupted and it was not resent", name, what, snip);
	} else if (m->person != NULL) {
		verb = "review";
		snprintf(title, sizeof title, "Notification to %s by %s failed (%s): \"%s\"", name,
			 what, res->error, snip);
	} else if (res->has_flag && res->flag == OUTBOX_LEAD_SMS_OPT_OUT) {
		snprintf(title, sizeof title, "Call or email %s: texts to them are blocked (they "
			 "unsubscribed)", name);
	} else if (res->has_flag && res->flag == OUTBOX_LEAD_PHONE_INVALID) {
		verb = "review";
		snprintf(title, sizeof title, "Fix %s's phone number %s: the SMS provider says it "
			 "is not valid", name, m->recipient);
	} else if (res->has_flag && res->flag == OUTBOX_LEAD_EMAIL_INVALID) {
		snprintf(title, sizeof title, "Email to %s bounced (%s): call or text them and "
			 "fix the address", name, res->error);
	} else if (to == OUTBOX_DEAD) {
		type = "message.dead";
		snprintf(title, sizeof title, "The %s to %s could not be sent after %d tries (%s): "
			 "reach them another way", what, name, m->attempts, res->error);
	} else {
		snprintf(title, sizeof title, "The %s to %s failed (%s): reach them another way",
			 what, name, res->error);
	}
	if (apply_flag(s, m, res, now) < 0)
		return -1;
	snprintf(text, sizeof text, "%s%s to %s %s: %s", is_sms(m) ? "Text" : "Email",
		 m->person ? " notification" : "", name,
		 to == OUTBOX_UNKNOWN ? "may or may not have gone out (not resent)" :
		 to == OUTBOX_DEAD ? "gave up after repeated failures" : "failed",
		 to == OUTBOX_UNKNOWN ? snip : res->error);
	if (store_outbox_event(s, m->business_id, m->lead_id, type, text, now) < 0)
		return -1;
	return store_outbox_task(s, m->business_id, m->lead_id, verb, title, now);
}

static int
record_in_tx(store *s, const deliver_config *cfg, const outbox_msg *m, const char *provider,
	     const deliver_result *res, int64_t now)
{
	outbox_update u = { .provider = provider, .error = res->error[0] ? res->error : NULL,
			    .error_code = res->code };
	outbox_state state, to;
	int64_t task;
	char text[256];

	if (store_outbox_get(s, m->id, &state, NULL, 0, NULL, NULL) != 1)
		return -1;
	if (state != OUTBOX_SENDING)
		return 0;	/* a status callback already told us what happened */
	switch (res->kind) {
	case DELIVER_OK:
		u.provider_id = res->provider_id;
		u.error = NULL;
		if (store_outbox_move(s, m->id, OUTBOX_SENDING, OUTBOX_SENT, &u, now) < 0)
			return -1;
		snprintf(text, sizeof text, "%s%s to %s sent", is_sms(m) ? "Text" : "Email",
			 m->person ? " notification" : "", who(cfg->rules, m));
		return store_outbox_event(s, m->business_id, m->lead_id, "message.sent", text, now);
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
	if ((task = deliver_consequences(s, cfg->rules, m, to, res, now)) < 0)
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
deliver_recover(store *s, const rules *r, int64_t now)
{
	int64_t ids[64];
	int n, total = 0;

	/* Batches of 64 until none is left: each batch commits on its own. */
	do {
		if (store_begin(s) < 0)
			return -1;
		if ((n = store_outbox_in_state(s, OUTBOX_SENDING, ids, 64)) < 0)
			goto fail;
		for (int i = 0; i < n; i++) {
			deliver_result res = { .kind = DELIVER_UNKNOWN };
			outbox_msg m;
			int64_t task;

			snprintf(res.error, sizeof res.error, "leadkeep stopped while sending");
			if (store_outbox_load(s, ids[i], &m) != 1)
				goto fail;
			task = deliver_consequences(s, r, &m, OUTBOX_UNKNOWN, &res, now);
			if (task < 0 ||
			    store_outbox_move(s, ids[i], OUTBOX_SENDING, OUTBOX_UNKNOWN,
					      &(outbox_update){ .error = res.error, .task_id = task },
					      now) < 0) {
				outbox_msg_free(&m);
				goto fail;
			}
			log_line("warn", "message_unknown", "outbox=%lld lead=%lld channel=%s "
				 "reason=crash_recovery task=%lld", (long long)m.id,
				 (long long)m.lead_id, m.channel, (long long)task);
			outbox_msg_free(&m);
		}
		if (store_commit(s) < 0)
			goto fail;
		total += n;
	} while (n == 64);
	return total;
fail:
	store_rollback(s);
	return -1;
}

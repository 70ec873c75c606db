/*
 * rules_recovery.c - what happens when a lead stalls: `escalation` (a task
 * overdue by so long notifies someone or changes hands), `cold` (where a
 * lead goes when the last follow-up is unanswered, and when it comes back)
 * and `unanswered_reply` (where a lead goes when nobody answered it).
 */
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

static const char *const esc_keys[] = { "task_overdue", "notify", "reassign", "urgent", NULL };
enum { E_OVERDUE, E_NOTIFY, E_REASSIGN, E_URGENT };

static const char *const cold_keys[] = {
	"status", "reason", "reactivate_after", "nurture_every", "sequence", NULL
};
enum { C_STATUS, C_REASON, C_REACTIVATE, C_NURTURE, C_SEQUENCE };

static const char *const status_words[] = { "lost", "archive", "nurture", NULL };

static void
read_level(rl_ctx *c, yaml_node_t *n, int64_t *prev)
{
	rules *r = c->r;
	rules_escalation *e = &r->escalations[r->nescalations];
	yaml_node_t *v[4];

	if (!rl_fields(c, n, "escalation", esc_keys, v, NULL))
		return;
	r->nescalations++;
	if (v[E_OVERDUE] == NULL) {
		rl_missing(c, n, "task_overdue", "escalation");
	} else if (rl_duration(c, v[E_OVERDUE], "task_overdue", &e->overdue) == 0) {
		char a[32], b[32];

		/* The engine arms one level after the other: they must be in order. */
		if (e->overdue <= *prev)
			rl_error(c, v[E_OVERDUE], "escalation levels must be in increasing order "
				 "of \"task_overdue\": %s is not after %s",
				 rl_format_duration(e->overdue, a, sizeof a),
				 rl_format_duration(*prev, b, sizeof b));
		else
			*prev = e->overdue;
	}
	if ((v[E_NOTIFY] == NULL) == (v[E_REASSIGN] == NULL)) {
		rl_error(c, n, "an escalation takes exactly one of \"notify\" or \"reassign\"");
		return;
	}
	if (v[E_URGENT] != NULL && rl_bool(c, v[E_URGENT], "urgent", &e->urgent) == 0 &&
	    v[E_NOTIFY] == NULL)
		rl_error(c, v[E_URGENT], "\"urgent\" applies to \"notify\", not \"reassign\"");
	if (v[E_NOTIFY] != NULL) {
		e->kind = ESC_NOTIFY;
		rl_notify_target(c, v[E_NOTIFY], "notify", true, &e->notify);
	} else {
		e->kind = ESC_REASSIGN;
		if (rl_owner(c, v[E_REASSIGN], "reassign", &e->reassign) == 0)
			rl_check_cover(c, v[E_REASSIGN], &e->reassign, "reassigned tasks");
	}
}

static const char *const unanswered_keys[] = { "after", "then", "sequence", NULL };
enum { U_AFTER, U_THEN, U_SEQUENCE, U_N };
static const char *const then_cold[] = { "cold", NULL };

void
rl_unanswered(rl_ctx *c, yaml_node_t *n)
{
	rules_unanswered *u = &c->r->unanswered;
	yaml_node_t *v[U_N], *k[U_N];

	if (n == NULL || !rl_fields(c, n, "unanswered_reply", unanswered_keys, v, k))
		return;
	if (v[U_AFTER] == NULL)
		rl_missing(c, n, "after", "unanswered_reply");
	else if (rl_duration(c, v[U_AFTER], "after", &u->after) == 0 && u->after == 0)
		rl_error(c, v[U_AFTER], "\"after\" must be longer than 0m");
	if ((v[U_THEN] == NULL) == (v[U_SEQUENCE] == NULL)) {
		rl_error(c, n, "unanswered_reply takes exactly one of \"then: cold\" or "
			 "\"sequence\"");
		return;
	}
	if (v[U_THEN] != NULL)
		u->cold = rl_enum(c, v[U_THEN], "then", then_cold) == 0;
	else if (rl_ident(c, v[U_SEQUENCE], "sequence", NULL, &u->sequence) == 0)
		rl_sequence_ref(c, v[U_SEQUENCE], u->sequence);
}

void
rl_escalation(rl_ctx *c, yaml_node_t *n)
{
	size_t len = rl_list_len(n);
	int64_t prev = -1;

	if (n == NULL || !rl_is_list(c, n, "escalation"))
		return;
	if (len > RL_MAX_ESCALATIONS) {
		rl_error(c, n, "too many escalation levels (at most %d)", RL_MAX_ESCALATIONS);
		return;
	}
	if ((c->r->escalations = rl_calloc(c, len, sizeof *c->r->escalations)) == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);

		if (it == NULL)
			break;
		read_level(c, it, &prev);
	}
	/* A task handed over at the last level would never be escalated again:
	 * the chain should end with someone who hears of it. */
	if (c->r->nescalations > 0 &&
	    c->r->escalations[c->r->nescalations - 1].kind == ESC_REASSIGN)
		rl_warn(c, rl_list_item(c, n, len - 1),
			"the last escalation level reassigns: a task it hands over is never "
			"escalated again; end the chain with a notify (a manager, the business "
			"owner)");
}

/* The reason recorded for a cold lead must be one staff can also choose. */
static void
check_reason(rl_ctx *c, const yaml_node_t *given, const yaml_node_t *reasons)
{
	const rules *r = c->r;
	char list[512];

	if (c->bad_reasons || r->cold.reason == NULL || rules_lost_reason_known(r, r->cold.reason))
		return;
	rl_join(list, sizeof list, (const char *const *)r->lost_reasons, r->nlost_reasons,
		sizeof *r->lost_reasons);
	if (given != NULL)
		rl_error(c, given, "cold reason \"%s\" is not one of lost_reasons (%s)",
			 r->cold.reason, list);
	else
		rl_error(c, reasons, "the default cold reason \"%s\" is not one of lost_reasons "
			 "(%s): add it, or set cold.reason", r->cold.reason, list);
}

void
rl_cold(rl_ctx *c, yaml_node_t *n, yaml_node_t *reasons)
{
	rules_cold *cold = &c->r->cold;
	yaml_node_t *v[5] = { 0 }, *k[5];
	int kind;

	cold->kind = COLD_LOST;
	cold->reason = rl_strdup(c, "no_response");
	if (n != NULL && rl_fields(c, n, "cold", cold_keys, v, k)) {
		if (v[C_STATUS] != NULL && (kind = rl_enum(c, v[C_STATUS], "status",
							   status_words)) >= 0)
			cold->kind = kind == 0 ? COLD_LOST : kind == 1 ? COLD_ARCHIVE : COLD_NURTURE;
		if (v[C_REASON] != NULL)
			rl_ident(c, v[C_REASON], "reason", NULL, &cold->reason);
		if (v[C_REACTIVATE] != NULL && cold->kind != COLD_LOST)
			rl_error(c, k[C_REACTIVATE], "\"reactivate_after\" is for status lost only");
		else if (v[C_REACTIVATE] != NULL)
			rl_duration(c, v[C_REACTIVATE], "reactivate_after", &cold->reactivate_after);
		if (v[C_NURTURE] != NULL && cold->kind != COLD_NURTURE)
			rl_error(c, k[C_NURTURE], "\"nurture_every\" is for status nurture only");
		else if (v[C_NURTURE] != NULL)
			rl_duration(c, v[C_NURTURE], "nurture_every", &cold->nurture_every);
		if (v[C_SEQUENCE] != NULL &&
		    rl_ident(c, v[C_SEQUENCE], "sequence", NULL, &cold->sequence) == 0)
			rl_sequence_ref(c, v[C_SEQUENCE], cold->sequence);
	}
	check_reason(c, v[C_REASON], reasons);
}

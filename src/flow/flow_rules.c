/*
 * flow_rules.c - a rules change reaches every lead in flight through the one
 * door: for each lead whose plan runs another rules version, load its state
 * and its pending step, decide EV_RULES with the version it ran, apply. A
 * dry run decides the same and applies nothing (`rules diff`).
 */
#include <stdio.h>
#include <string.h>

#include "core/engine.h"
#include "flow.h"

#define RULES_BATCH 200		/* leads per transaction: the write lock is shared */

static void
count(const decision *d, flow_rules_stats *out)
{
	bool changed = false, sooner = false, cold = false;

	for (size_t i = 0; i < decision_count(d); i++) {
		const action *a = decision_get(d, i);

		if (a->kind != ACT_EVENT || a->name == NULL)
			continue;
		if (strcmp(a->name, "step.cancelled") == 0)
			out->cancelled++;
		else if (strcmp(a->name, "step.moved") == 0)
			out->moved++;
		else if (strcmp(a->name, "step.added") == 0)
			out->added++;
		else if (strcmp(a->name, "step.not_applied") == 0)
			out->not_applied++;
		else if (strcmp(a->name, "plan.cold_sooner") == 0)
			sooner = true;
		else if (strcmp(a->name, "lead.cold") == 0)
			cold = true;
		changed |= strcmp(a->name, "rules.changed") == 0 ||
			   strcmp(a->name, "sequence.stopped") == 0 ||
			   strcmp(a->name, "appointment.replanned") == 0;
	}
	out->changed += changed;
	out->cold_sooner += sooner || cold;
	out->cold_now += cold;
}

/* One lead: its re-plan decided, and applied unless dry_run. */
static flow_result
one(store *s, int64_t business_id, const rules *r, int64_t id, flow_rules_version_fn old_rules,
    void *octx, bool dry_run, flow_rules_seen_fn seen, void *sctx, int64_t now,
    flow_rules_stats *out, char *err, size_t errlen)
{
	lead_event ev = lead_event_init(EV_RULES);
	store_lead_state *ls;
	store_timer t;
	decision *d = NULL;
	const lead *l;
	flow_result res = FLOW_OK;
	int rc = store_lead_state_load(s, business_id, id, now, r->touch_window, &ls, err, errlen);

	if (rc <= 0)
		return rc == 0 ? FLOW_OK : store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
	l = &store_lead_state_get(ls)->lead;
	if ((rc = store_lead_pending_step(s, id, &t)) < 0) {
		store_lead_state_free(ls);
		snprintf(err, errlen, "reading lead %lld's plan: %s", (long long)id, store_errmsg(s));
		return store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
	}
	if (rc == 1) {
		ev.sequence = t.sequence[0] ? t.sequence : NULL;
		ev.step_id = t.step_id[0] ? t.step_id : NULL;
		ev.step = t.step;
		ev.due_at = t.due_at;
	}
	ev.old_rules = old_rules != NULL && l->rules_version != NULL ?
		       old_rules(octx, l->rules_version) : NULL;
	ev.actor = "rules";
	if (decide(store_lead_state_get(ls), &ev, r, store_lead_state_rr(ls), now, &d, err,
		   errlen) != DECIDE_OK)
		res = FLOW_INVALID;	/* a re-plan picks nobody: no open-lead counts needed */
	else if (!dry_run && store_apply(s, business_id, id, d, ev.actor, now, NULL, err,
					 errlen) < 0)
		res = store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
	if (res == FLOW_OK) {
		out->leads++;
		count(d, out);
		if (seen != NULL)
			seen(sctx, store_lead_state_get(ls), d);
	}
	decision_free(d);
	store_lead_state_free(ls);
	return res;
}

flow_result
flow_rules_change(store *s, int64_t business_id, const rules *r, flow_rules_version_fn old_rules,
		  void *octx, bool dry_run, flow_rules_seen_fn seen, void *sctx, int64_t now,
		  flow_rules_stats *out, char *err, size_t errlen)
{
	flow_rules_stats dummy;
	int64_t ids[RULES_BATCH], after = 0;
	int n;

	if (out == NULL)
		out = &dummy;
	memset(out, 0, sizeof *out);
	for (;;) {
		flow_result res = FLOW_OK;

		if (!dry_run && store_begin(s) < 0) {
			snprintf(err, errlen, "the database is busy: %s", store_errmsg(s));
			return store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
		}
		if ((n = store_leads_off_version(s, business_id, r->version, after, ids,
						 RULES_BATCH)) < 0) {
			snprintf(err, errlen, "listing the leads in flight: %s", store_errmsg(s));
			res = store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
		}
		for (int i = 0; res == FLOW_OK && i < n; i++) {
			res = one(s, business_id, r, ids[i], old_rules, octx, dry_run, seen, sctx,
				  now, out, err, errlen);
			after = ids[i];
		}
		if (!dry_run && res == FLOW_OK && store_commit(s) < 0) {
			snprintf(err, errlen, "the change could not be committed: %s",
				 store_errmsg(s));
			res = store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
		}
		if (res != FLOW_OK) {
			if (!dry_run)
				store_rollback(s);
			return res;
		}
		if (n < RULES_BATCH)
			return FLOW_OK;
	}
}

/*
 * flow.h - the one door for every change to a lead: load its state, decide,
 * apply. HTTP, the CLI, simulate, the scheduler and delivery outcomes all
 * change a lead through these functions and no other way.
 *
 * Every function runs inside the caller's transaction (or savepoint) and
 * leaves it usable: on anything but FLOW_OK the caller rolls back, and
 * nothing of the event was applied. err, when given, gets one line a person
 * can act on ("stage: no stage named \"won2\"").
 */
#ifndef LK_FLOW_H
#define LK_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/lead.h"
#include "core/rules.h"
#include "intake/intake.h"
#include "store/store.h"

/* Why a change was not applied. Doors map this once: HTTP to a status and a
 * stable JSON code (http_flow_error), the CLI to an exit code (cli_flow_exit). */
typedef enum {
	FLOW_OK = 0,
	FLOW_NOT_FOUND,		/* the lead or task the change is addressed to */
	FLOW_INVALID,		/* a field is wrong or names nothing known: err says which */
	FLOW_CONFLICT,		/* the state forbids it now (a task that is not open) */
	FLOW_BUSY,		/* another writer held the database too long: try again */
	FLOW_STORAGE,		/* the database failed: nothing was applied */
} flow_result;

/* "ok", "not_found", "invalid", "conflict", "busy", "storage_error". */
const char *flow_result_name(flow_result r);

/* What a change did, for the door's answer. */
typedef struct {
	int64_t lead_id;
	int64_t task_id;	/* the first task the decision made, or the task acted on */
	bool duplicate;		/* intake: attached to the lead the contact matched */
	unsigned flags;		/* intake: LEAD_* contact problems found */
} flow_out;

/* Event ev for lead_id of the business. out may be NULL. */
flow_result flow_event(store *s, int64_t business_id, const rules *r, int64_t lead_id,
		       const lead_event *ev, int64_t now, flow_out *out, char *err,
		       size_t errlen);

/*
 * An intake request (intake/intake.h) from any source, through the one
 * matching policy: INTAKE_LEAD as flow_intake(); INTAKE_MESSAGE and
 * INTAKE_CALL as flow_inbound(), creating req->lead when nobody matches and
 * req->create_if_unknown. A message or call from nobody known that creates
 * nothing is FLOW_OK with out->lead_id 0. out->duplicate: the request went to
 * a lead that was already there. req->dedupe_key is the caller's to honour
 * (HTTP records it with the change); the flow does not read it.
 */
flow_result flow_submit(store *s, int64_t business_id, const rules *r,
			const intake_request *req, int64_t now, flow_out *out, char *err,
			size_t errlen);

/* A lead from any source: a new lead, or a repeat inquiry of the lead it
 * matches (flow_match). The lead is kept whatever its fields hold. */
flow_result flow_intake(store *s, int64_t business_id, const rules *r, const intake_lead *in,
			int64_t now, flow_out *out, char *err, size_t errlen);

/*
 * A message or call from a contact (phone and/or email as the sender gave
 * them): ev for the lead they match; when none matches, a new lead from
 * create, or FLOW_NOT_FOUND when create is NULL.
 */
flow_result flow_inbound(store *s, int64_t business_id, const rules *r, const char *phone,
			 const char *email, const lead_event *ev, const intake_lead *create,
			 int64_t now, flow_out *out, char *err, size_t errlen);

/*
 * The one matching policy: the newest lead of the business with this
 * normalised phone or email that is open, nurtured or lost and was created
 * within the rules' duplicate_window; else the newest won lead with it (a
 * customer, however long ago: the engine makes what they send a service
 * request, not a sale). 0 disables matching. Returns its id, 0 for none, -1 on
 * a storage error.
 */
int64_t flow_match(store *s, int64_t business_id, const rules *r, const char *phone,
		   const char *email, int64_t now);

/* Event ev about open task task_id (EV_TASK_DONE, EV_TASK_SNOOZE; ev's own
 * task_id is ignored), decided for the task's lead. FLOW_NOT_FOUND for no
 * such task, FLOW_CONFLICT for one that is not open; out->task_id = task_id. */
flow_result flow_task_event(store *s, int64_t business_id, const rules *r, int64_t task_id,
			    const lead_event *ev, int64_t now, flow_out *out, char *err,
			    size_t errlen);

/* Completes open task task_id (ev: EV_TASK_DONE with outcome and actor). */
flow_result flow_task_done(store *s, int64_t business_id, const rules *r, int64_t task_id,
			   const lead_event *ev, int64_t now, flow_out *out, char *err,
			   size_t errlen);

/* --- edits by a person (flow_edit.c) ----------------------------------------- */

/*
 * Moves open task task_id's due time to until (in the future), with its
 * escalation re-planned from there; reason and actor for the timeline.
 * FLOW_NOT_FOUND (no such task), FLOW_CONFLICT (not open), FLOW_INVALID
 * (until not after now; err names "until").
 */
flow_result flow_task_snooze(store *s, int64_t business_id, const rules *r, int64_t task_id,
			     int64_t until, const char *reason, const char *actor, int64_t now,
			     flow_out *out, char *err, size_t errlen);

/*
 * Edits lead_id's contact fields (NULL = unchanged, "" = cleared): phone and
 * email are normalised for the business's country, or kept as given and
 * flagged, and the lead's LEAD_* flags recomputed. FLOW_NOT_FOUND (no such
 * lead), FLOW_INVALID (no field given).
 */
flow_result flow_contact(store *s, int64_t business_id, const rules *r, int64_t lead_id,
			 const lead_fields *fields, const char *actor, int64_t now,
			 flow_out *out, char *err, size_t errlen);

/*
 * Fires timer t: claims it (pending -> fired) and applies its decision. A
 * timer claimed elsewhere first, or whose lead is gone, is FLOW_OK with
 * nothing to do. On FLOW_BUSY or FLOW_STORAGE the caller rolls back and the
 * timer stays pending, to fire on a later pass.
 */
flow_result flow_timer(store *s, const rules *r, const store_timer *t, int64_t now, char *err,
		       size_t errlen);

/* --- people away (flow_people.c) -------------------------------------------- */

/*
 * The state decide() sees for a lead: st as loaded, plus the open leads of
 * each of r's people with a max_open_leads (counted into loads, at most max;
 * none when nobody has a limit). *out borrows from st and loads. 0, or -1 on
 * a storage error.
 */
int flow_state_loads(store *s, int64_t business_id, const rules *r, const lead_state *st,
		     lead_state *out, lead_load *loads, size_t max);

/*
 * Hands the open tasks of everyone who cannot take work at now (active:
 * false, away) to who covers for them: EV_PEOPLE for each lead holding such a
 * task, in the caller's transaction. *moved (may be NULL) counts the leads
 * decided. A person with nobody at work on their fallback chain keeps their
 * tasks (the engine decides nothing for them).
 */
flow_result flow_people(store *s, int64_t business_id, const rules *r, int64_t now,
			size_t *moved, char *err, size_t errlen);

/* --- a rules change (flow_rules.c) ------------------------------------------ */

/* What moving the leads in flight onto new rules did (or would do). */
typedef struct {
	size_t leads;		/* leads whose plan ran another version */
	size_t changed;		/* of them, leads whose plan changed */
	size_t cancelled;	/* steps cancelled: no longer in the rules */
	size_t moved;		/* pending steps whose time changed */
	size_t added;		/* new steps that apply */
	size_t not_applied;	/* new steps whose time had passed for the lead */
	size_t cold_sooner;	/* leads that go cold sooner than they would have */
	size_t cold_now;	/* of them, leads that go cold at once */
} flow_rules_stats;

/* The rules version a lead's plan ran (rules.version), or NULL when it cannot
 * be had: then the lead is judged by the new rules alone. Borrowed; must
 * stay valid until flow_rules_change() returns. */
typedef const rules *(*flow_rules_version_fn)(void *ctx, const char *version);

/* Sees each lead's re-plan: its state before, and the decision (applied or,
 * in a dry run, not). */
typedef void (*flow_rules_seen_fn)(void *ctx, const lead_state *st, const decision *d);

/*
 * Moves every lead of the business whose running plan records another rules
 * version than r's (or none) onto r, through the engine (EV_RULES): removed
 * steps cancelled, moved steps re-planned, new steps added where their time
 * is still to come (docs/rules.md, "Changing the rules"). old_rules finds
 * the version a plan ran (NULL: every plan is judged by r alone, as for plans
 * from before versions were recorded). With dry_run nothing is written: the
 * decisions are only shown to seen (may be NULL) and counted in *out - what
 * `rules diff` prints. Otherwise the changes commit in batches, each in a
 * transaction of its own (call outside a transaction). Returns FLOW_OK, or
 * the first failure (what committed before it stays).
 */
flow_result flow_rules_change(store *s, int64_t business_id, const rules *r,
			      flow_rules_version_fn old_rules, void *octx, bool dry_run,
			      flow_rules_seen_fn seen, void *sctx, int64_t now,
			      flow_rules_stats *out, char *err, size_t errlen);

/* Runs fn(s, arg) in a transaction of its own: commit on FLOW_OK, roll back
 * otherwise. For the CLI and other single-change doors. */
typedef flow_result (*flow_fn)(store *s, void *arg, char *err, size_t errlen);
flow_result flow_run(store *s, flow_fn fn, void *arg, char *err, size_t errlen);

#endif

/*
 * engine_route.c - who owns a lead: routing rules, round-robin pools, and the
 * people a notification goes to. Round-robin counters are inputs (the store
 * keeps them); moving a pool on is an action, so the engine stays pure.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bizclock.h"
#include "engine_internal.h"

int64_t
engine_rr_value(const rr_counters *rr, const char *key)
{
	if (rr == NULL)
		return 0;
	for (size_t i = 0; i < rr->n; i++)
		if (strcmp(rr->keys[i], key) == 0)
			return rr->values[i];
	return 0;
}

/* The candidates of an owner choice: its people, or everyone with its role. */
static size_t
owner_candidates(const rules *r, const rules_owner *o, int *out, size_t max)
{
	size_t n = 0;

	if (o->role != NULL) {
		for (size_t i = 0; i < r->npeople && n < max; i++)
			if (r->people[i].role && strcmp(r->people[i].role, o->role) == 0)
				out[n++] = (int)i;
		return n;
	}
	for (size_t i = 0; i < o->npeople && n < max; i++)
		out[n++] = o->people[i];
	return n;
}

/*
 * Picks a person index from o for a lead, preferring someone other than
 * `avoid`. A pool of more than one moves on: the caller's pool_key names its
 * counter. Who can take the lead comes first (engine_cover.c): in the pool's
 * turn, the first who is at work and under their max_open_leads; else the
 * first such person on a pool member's fallback chain; else the first at
 * work, whatever their load; else (everyone away) the pool's turn as it is.
 * *first (may be NULL) gets whose turn it was.
 */
static int
pick(const rules *r, const rules_owner *o, const rr_counters *rr, const char *pool_key,
     const char *avoid, bool *advanced, const engine_avail *av, int *first)
{
	int cand[64];
	size_t n = owner_candidates(r, o, cand, 64);
	int64_t base = 0;
	int turn = -1;

	*advanced = false;
	if (n == 0)
		return -1;
	if (n > 1) {
		base = engine_rr_value(rr, pool_key);
		*advanced = true;
	}
	for (size_t k = 0; k < n && turn < 0; k++) {
		int p = cand[(size_t)((base + (int64_t)k) % (int64_t)n)];

		if (avoid == NULL || strcmp(r->people[p].id, avoid) != 0)
			turn = p;
	}
	if (turn < 0)
		turn = cand[(size_t)(base % (int64_t)n)];
	if (first != NULL)
		*first = turn;
	for (int strict = 1; strict >= 0 && av != NULL; strict--) {
		for (size_t k = 0; k < n; k++) {
			int p = cand[(size_t)((base + (int64_t)k) % (int64_t)n)];

			if ((avoid == NULL || strcmp(r->people[p].id, avoid) != 0) &&
			    engine_can_take(av, p, strict))
				return p;
		}
		for (size_t k = 0; k < n; k++) {
			int p = engine_fallback(av, cand[(size_t)((base + (int64_t)k) % (int64_t)n)],
						strict, avoid);

			if (p >= 0)
				return p;
		}
	}
	return turn;
}

static bool
route_matches(const rules *r, const rules_route *rt, const lead *l, int64_t now)
{
	if (rt->source && (l->source == NULL || strcasecmp(rt->source, l->source) != 0))
		return false;
	if (rt->kind && (l->kind == NULL || strcasecmp(rt->kind, l->kind) != 0))
		return false;
	if (rt->service && (l->service == NULL || strcasestr(l->service, rt->service) == NULL))
		return false;
	if (rt->after_hours >= 0) {
		bool after = !bizclock_is_open(&r->business, now);

		if (after != (rt->after_hours == 1))
			return false;
	}
	for (size_t i = 0; i < rt->ncustom; i++) {
		const char *v = lead_custom_get(l, rt->custom[i].name);

		if (v == NULL || strcasecmp(v, rt->custom[i].value) != 0)
			return false;
	}
	return true;
}

static int
route(const rules *r, const lead *l, const rr_counters *rr, int64_t now, char *pool_key,
      size_t keylen, const engine_avail *av, int *first, bool *urgent)
{
	if (keylen > 0)
		pool_key[0] = '\0';
	for (size_t i = 0; i < r->nroutes; i++) {
		const rules_route *rt = &r->routes[i];
		char key[32];
		bool advanced;
		int p;

		if (!route_matches(r, rt, l, now))
			continue;
		snprintf(key, sizeof key, "route:%zu", i);
		p = pick(r, &rt->owner, rr, key, NULL, &advanced, av, first);
		if (p < 0)
			continue;
		if (advanced)
			snprintf(pool_key, keylen, "%s", key);
		if (urgent != NULL)
			*urgent = rt->urgent;
		return p;
	}
	return -1;
}

int
engine_route(const rules *r, const lead *l, const rr_counters *rr, int64_t now,
	     char *pool_key, size_t keylen)
{
	engine_avail av = { .r = r, .now = now };

	return route(r, l, rr, now, pool_key, keylen, &av, NULL, NULL);
}

int
engine_route_in(engine_ctx *c, char *pool_key, size_t keylen)
{
	engine_avail av = { .r = c->r, .now = c->now, .st = c->st };
	int first = -1;
	int p = route(c->r, c->l, c->rr, c->now, pool_key, keylen, &av, &first, &c->urgent);

	engine_note_skipped(c, first, p);
	return p;
}

int
engine_pick(engine_ctx *c, const rules_owner *o, const char *pool_key, const char *avoid)
{
	engine_avail av = { .r = c->r, .now = c->now, .st = c->st };
	bool advanced;
	int first = -1;
	int p = pick(c->r, o, c->rr, pool_key, avoid, &advanced, &av, &first);

	if (p >= 0 && advanced)
		engine_push(c, ACT_RR_ADVANCE)->name = engine_str(c, pool_key);
	engine_note_skipped(c, first, p);
	return p;
}

void
engine_set_owner(engine_ctx *c, int person, const char *why)
{
	const rules_person *p = &c->r->people[person];
	action *a;

	if (c->owner && strcmp(c->owner, p->id) == 0)
		return;
	a = engine_push(c, ACT_SET_OWNER);
	a->person = p->id;
	c->owner = p->id;
	engine_event(c, "owner.assigned", "Owner: %s (%s)", p->name, why);
}

const rules_person *
engine_person(const engine_ctx *c, const char *id)
{
	return id ? rules_person_find(c->r, id) : NULL;
}

/* "owner", a person id, or a role (the first person with it); someone away
 * is told through who covers for them. */
const rules_person *
engine_notify_target(engine_ctx *c, const char *target)
{
	const rules_person *p;

	if (target == NULL)
		return NULL;
	if (strcmp(target, "owner") == 0)
		p = engine_person(c, c->owner);
	else if ((p = rules_person_find(c->r, target)) == NULL)
		p = rules_person_by_role(c->r, target);
	return p != NULL ? engine_person(c, engine_assignee(c, p->id, false)) : NULL;
}

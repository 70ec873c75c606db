/*
 * rules_coverage.c - does routing give every lead an owner? Finds the
 * smallest lead that no rule matches (source, kind, a local time), so
 * `rules check` can name the gap instead of only saying there is one.
 *
 * Why a handful of cases is a proof: a rule's conditions all have to hold, so
 * a lead with a service or custom fields matches every rule a lead without them
 * matches, and more. The hardest lead has none, and is told apart only by its
 * source, its kind and whether the business is open. A source (or kind) that no
 * rule names matches exactly the rules that do not ask; so each named value plus
 * one unnamed value, at one open and one closed time, covers every lead.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rules_internal.h"

/* The sources leadkeep's doors give a lead (docs/sources.md), most common
 * first: the example names one of these when it can. */
static const char *const door_sources[] = {
	"web_form", "phone_call", "sms", "email", "api", "meta_ads", "google_ads", NULL,
};

static const char *const day_names[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

/* Whether rule rt matches the hardest lead of this class. NULL source or
 * kind: a value no rule names. after: 1 closed, 0 open. */
static bool
rule_takes(const rules_route *rt, const char *source, const char *kind, int after)
{
	if (rt->service != NULL || rt->ncustom > 0)
		return false;
	if (rt->source != NULL && (source == NULL || strcasecmp(rt->source, source) != 0))
		return false;
	if (rt->kind != NULL && (kind == NULL || strcasecmp(rt->kind, kind) != 0))
		return false;
	return rt->after_hours < 0 || rt->after_hours == after;
}

static bool
taken(const rules *r, size_t nroutes, const char *source, const char *kind, int after)
{
	for (size_t i = 0; i < nroutes; i++)
		if (rule_takes(&r->routes[i], source, kind, after))
			return true;
	return false;
}

static bool
in_list(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] != NULL && s != NULL && strcasecmp(v[i], s) == 0)
			return true;
	return false;
}

/* Candidate values of one dimension: preferred first, then every value a
 * rule names, then NULL (a value nobody names). At most max. */
static size_t
candidates(const rules *r, size_t nroutes, bool kind, const char **out, size_t max)
{
	size_t n = 0;

	if (kind)
		out[n++] = "new_inquiry";
	else
		for (size_t i = 0; door_sources[i] && n + 1 < max; i++)
			out[n++] = door_sources[i];
	for (size_t i = 0; i < nroutes && n + 1 < max; i++) {
		const char *v = kind ? r->routes[i].kind : r->routes[i].source;

		if (v != NULL && !in_list(out, n, v))
			out[n++] = v;
	}
	out[n++] = NULL;
	return n;
}

static bool
open_at(const rules_business *b, int wday, int min)
{
	for (int i = 0; i < b->nspans[wday]; i++)
		if (b->hours[wday][i].open_min <= min && min < b->hours[wday][i].close_min)
			return true;
	return false;
}

/* An example local time at which the business is open (after = 0) or closed
 * (after = 1), Monday first: "Monday 09:00". False when there is none in a
 * week; a closed time may still come from a holiday (said so). */
static bool
example_time(const rules_business *b, int after, char *buf, size_t len)
{
	static const int closed_tries[] = { 22 * 60, 20 * 60, 6 * 60, 3 * 60, 12 * 60, 0 };

	for (int k = 0; k < 7; k++) {
		int wday = (k + 1) % 7;

		if (!after) {
			for (int i = 0; i < b->nspans[wday]; i++) {
				const rules_span *s = &b->hours[wday][i];
				int m = s->close_min - s->open_min > 60 ? s->open_min + 60 : s->open_min;

				if (s->open_min < s->close_min) {
					snprintf(buf, len, "%s %02d:%02d", day_names[wday], m / 60, m % 60);
					return true;
				}
			}
			continue;
		}
		for (size_t i = 0; i < sizeof closed_tries / sizeof closed_tries[0]; i++)
			if (!open_at(b, wday, closed_tries[i])) {
				snprintf(buf, len, "%s %02d:%02d", day_names[wday],
					 closed_tries[i] / 60, closed_tries[i] % 60);
				return true;
			}
		for (int m = 0; m < 24 * 60; m += 15)
			if (!open_at(b, wday, m)) {
				snprintf(buf, len, "%s %02d:%02d", day_names[wday], m / 60, m % 60);
				return true;
			}
	}
	if (after && b->nholidays > 0) {
		int d = b->holidays[0];

		snprintf(buf, len, "on the holiday %04d-%02d-%02d", d / 10000, d / 100 % 100,
			 d % 100);
		return true;
	}
	return false;
}

/* One example of a lead class no rule takes, into buf. */
static void
describe(const char *source, const char *kind, const char *when, int after, char *buf,
	 size_t len)
{
	char src[96], k[96];

	if (source != NULL)
		snprintf(src, sizeof src, "a %s lead", source);
	else
		snprintf(src, sizeof src, "a lead from a source no rule names");
	if (kind != NULL)
		snprintf(k, sizeof k, "of kind %s", kind);
	else
		snprintf(k, sizeof k, "of a kind no rule names");
	snprintf(buf, len, "%s %s arriving %s (%s)", src, k, when,
		 after ? "after hours" : "business hours");
}

bool
rl_routing_complete(const rules *r, size_t nroutes)
{
	char when[64];

	for (int after = 0; after <= 1; after++)
		if (example_time(&r->business, after, when, sizeof when) &&
		    !taken(r, nroutes, NULL, NULL, after))
			return false;
	return true;
}

bool
rl_routing_gap(const rules *r, size_t nroutes, char *buf, size_t len)
{
	const char *sources[RL_MAX_ROUTES + 16], *kinds[RL_MAX_ROUTES + 16];
	size_t ns, nk, budget = 2000000;	/* rule tests; a hostile file stops early */

	if (rl_routing_complete(r, nroutes))
		return false;
	ns = candidates(r, nroutes, false, sources, sizeof sources / sizeof *sources);
	nk = candidates(r, nroutes, true, kinds, sizeof kinds / sizeof *kinds);
	for (int after = 0; after <= 1; after++) {
		char when[64];

		if (!example_time(&r->business, after, when, sizeof when))
			continue;	/* never open (an error of its own) or never closed */
		for (size_t i = 0; i < ns; i++)
			for (size_t j = 0; j < nk; j++) {
				/* Out of budget: the unnamed class is a gap (not complete). */
				bool give_up = budget < nroutes;
				const char *src = give_up ? NULL : sources[i];
				const char *kind = give_up ? NULL : kinds[j];

				budget -= give_up ? 0 : nroutes;
				if (taken(r, nroutes, src, kind, after))
					continue;
				describe(src, kind, when, after, buf, len);
				return true;
			}
	}
	/* Unreachable: not complete means some unnamed class is a gap. */
	snprintf(buf, len, "a lead from a source no rule names");
	return true;
}

/* --- people away: the fallback chains ------------------------------------- */

/* Whether someone among the candidates, or on a candidate's fallback chain,
 * is at work at t. */
static bool
covered_at(const rules *r, const int *cand, size_t n, int64_t t)
{
	for (size_t i = 0; i < n; i++) {
		size_t q = (size_t)cand[i];

		for (size_t hops = 0; hops <= r->npeople; hops++) {
			if (rules_person_present(&r->people[q], t))
				return true;
			if (r->people[q].fallback < 0 || r->people[q].fallback == cand[i])
				break;
			q = (size_t)r->people[q].fallback;
		}
	}
	return false;
}

/* "alice (away), bob (not active) and their fallback maria (away)". */
static void
who_is_out(const rules *r, const int *cand, size_t n, int64_t t, char *buf, size_t len)
{
	bool seen[RL_MAX_PEOPLE] = { false };
	size_t used = 0, listed = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		for (size_t q = (size_t)cand[i], hops = 0; hops <= r->npeople && !seen[q]; hops++) {
			const rules_person *p = &r->people[q];

			seen[q] = true;
			if (used + 80 < len && listed < 8) {
				used += (size_t)snprintf(buf + used, len - used, "%s%s%s (%s)",
							 listed ? ", " : "", hops ? "fallback " : "",
							 p->id, p->inactive ? "not active" : "away");
				listed++;
			}
			if (p->fallback < 0)
				break;
			q = (size_t)p->fallback;
		}
}

void
rl_check_cover(rl_ctx *c, const yaml_node_t *n, const rules_owner *o, const char *what)
{
	const rules *r = c->r;
	int cand[RL_MAX_PEOPLE];
	size_t nc = 0;

	if (!rules_anyone_absent(r))
		return;
	if (o->role != NULL) {
		for (size_t i = 0; i < r->npeople && nc < RL_MAX_PEOPLE; i++)
			if (r->people[i].role && strcmp(r->people[i].role, o->role) == 0)
				cand[nc++] = (int)i;
	} else {
		for (size_t i = 0; i < o->npeople && nc < RL_MAX_PEOPLE; i++)
			cand[nc++] = o->people[i];
	}
	if (nc == 0)
		return;
	/* Whom nobody covers shows first when an absence begins (or, for people
	 * not active, at any time: INT64_MIN stands for a time nobody is away). */
	for (size_t i = 0; i <= r->npeople; i++) {
		const rules_person *p = i < r->npeople ? &r->people[i] : NULL;
		size_t nw = p ? p->naway : 1;

		for (size_t j = 0; j < nw; j++) {
			int64_t t = p ? p->away[j].from : INT64_MIN;
			char out[512], when[64];
			tz_local lt;

			if (covered_at(r, cand, nc, t))
				continue;
			who_is_out(r, cand, nc, t, out, sizeof out);
			if (t == INT64_MIN) {
				rl_error(c, n, "nobody can take %s: %s; give one of them a \"fallback\" "
					 "who is active", what, out);
			} else {
				tz_to_local(r->business.zone, t, &lt);
				snprintf(when, sizeof when, "%04d-%02d-%02d %02d:%02d", lt.year, lt.month,
					 lt.day, lt.hour, lt.min);
				rl_error(c, n, "nobody can take %s from %s: %s; give one of them a "
					 "\"fallback\" who is at work then", what, when, out);
			}
			return;	/* one gap is enough to act on */
		}
	}
}

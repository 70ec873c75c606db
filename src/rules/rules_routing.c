/*
 * rules_routing.c - owner choices (a person, a round-robin pool, a role) and
 * the `routing` section. First match wins, so the loader insists on a last
 * rule that matches every lead: no lead may end up without an owner.
 */
#include <string.h>

#include "rules_internal.h"

static const char *const owner_keys[] = { "round_robin", "role", NULL };
static const char *const route_keys[] = { "when", "owner", "urgent", NULL };
static const char *const when_keys[] = { "source", "kind", "service", "after_hours", "custom",
					 NULL };
enum { W_SOURCE, W_KIND, W_SERVICE, W_AFTER, W_CUSTOM };

static int
owner_pool(rl_ctx *c, yaml_node_t *n, rules_owner *out)
{
	size_t len = rl_list_len(n);

	if (!rl_is_list(c, n, "round_robin"))
		return -1;
	if (len == 0) {
		rl_error(c, n, "\"round_robin\" must list at least one person");
		return -1;
	}
	if (len > RL_MAX_PEOPLE) {
		rl_error(c, n, "too many people in round_robin (at most %d)", RL_MAX_PEOPLE);
		return -1;
	}
	if ((out->people = rl_calloc(c, len, sizeof *out->people)) == NULL)
		return -1;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);
		const char *id;
		int p;

		if (it == NULL)
			break;
		if ((id = rl_scalar(c, it, "round_robin")) == NULL ||
		    (p = rl_person_ref(c, it, id)) < 0)
			continue;
		for (size_t j = 0; j < out->npeople; j++)
			if (out->people[j] == p) {
				/* Twice in the pool would mean twice the leads. */
				rl_error(c, it, "\"%s\" is listed twice in round_robin", id);
				p = -1;
				break;
			}
		if (p >= 0)
			out->people[out->npeople++] = p;
	}
	return 0;
}

int
rl_owner(rl_ctx *c, const yaml_node_t *n, const char *what, rules_owner *out)
{
	yaml_node_t *v[2];

	if (n != NULL && n->type == YAML_SCALAR_NODE && !rl_is_null(n)) {
		const char *id = rl_scalar(c, n, what);
		int p;

		if (id == NULL || (p = rl_person_ref(c, n, id)) < 0)
			return -1;
		if ((out->people = rl_calloc(c, 1, sizeof *out->people)) == NULL)
			return -1;
		out->people[0] = p;
		out->npeople = 1;
		return 0;
	}
	if (n == NULL || n->type != YAML_MAPPING_NODE) {
		rl_error(c, n, "expected a person id, {round_robin: [ids]} or {role: name} "
			 "for \"%s\"", what);
		return -1;
	}
	if (!rl_fields(c, (yaml_node_t *)n, what, owner_keys, v, NULL))
		return -1;
	if ((v[0] == NULL) == (v[1] == NULL)) {
		rl_error(c, n, "\"%s\" takes exactly one of \"round_robin\" or \"role\"", what);
		return -1;
	}
	if (v[0] != NULL)
		return owner_pool(c, v[0], out);
	if (rl_ident(c, v[1], "role", NULL, &out->role) < 0)
		return -1;
	return rl_role_ref(c, v[1], out->role);
}

/* when: { custom: { zip: "60601", budget: high } } - every field must hold. */
static void
read_custom(rl_ctx *c, rules_route *rt, yaml_node_t *n)
{
	size_t len;

	if (!rl_is_map(c, n, "custom"))
		return;
	len = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (len == 0) {
		rl_error(c, n, "\"custom\" must name at least one field, e.g. { zip: \"60601\" }");
		return;
	}
	if (len > RULES_MAX_CUSTOM_MATCH) {
		rl_error(c, n, "too many custom fields in one rule (at most %d)",
			 RULES_MAX_CUSTOM_MATCH);
		return;
	}
	if ((rt->custom = rl_calloc(c, len, sizeof *rt->custom)) == NULL)
		return;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top && rl_tick(c); p++) {
		yaml_node_t *k = rl_node(c, p->key), *v = rl_node(c, p->value);
		rules_custom_match *m = &rt->custom[rt->ncustom];
		const char *key, *val;

		if ((key = rl_scalar(c, k, "custom")) == NULL || (val = rl_scalar(c, v, key)) == NULL)
			continue;
		if ((m->name = rl_strdup(c, key)) == NULL || (m->value = rl_strdup(c, val)) == NULL) {
			free(m->name);
			m->name = NULL;
			return;
		}
		rt->ncustom++;
	}
}

/* Returns true when the rule matches every lead. */
static bool
read_when(rl_ctx *c, rules_route *rt, yaml_node_t *n)
{
	yaml_node_t *v[5];

	if (rl_is_null(n))
		return true;
	if (!rl_fields(c, n, "when", when_keys, v, NULL))
		return false;
	if (v[W_SOURCE] != NULL)
		rl_string(c, v[W_SOURCE], "source", &rt->source);
	if (v[W_KIND] != NULL)
		rl_string(c, v[W_KIND], "kind", &rt->kind);
	if (v[W_SERVICE] != NULL)
		rl_string(c, v[W_SERVICE], "service", &rt->service);
	if (v[W_AFTER] != NULL) {
		bool after;

		if (rl_bool(c, v[W_AFTER], "after_hours", &after) == 0)
			rt->after_hours = after;
	}
	if (v[W_CUSTOM] != NULL)
		read_custom(c, rt, v[W_CUSTOM]);
	return n->data.mapping.pairs.top == n->data.mapping.pairs.start;
}

void
rl_routing(rl_ctx *c, yaml_node_t *n)
{
	rules *r = c->r;
	size_t len = rl_list_len(n);
	size_t catch_all = SIZE_MAX;	/* list position of the rule that completes routing */
	bool alone = false;		/* ... on its own (no "when") */
	char gap[256];

	if (n == NULL || !rl_is_list(c, n, "routing"))
		return;
	if (len > RL_MAX_ROUTES) {
		rl_error(c, n, "too many routing rules (at most %d)", RL_MAX_ROUTES);
		return;
	}
	if ((r->routes = rl_calloc(c, len, sizeof *r->routes)) == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i), *v[3];
		rules_route *rt = &r->routes[r->nroutes];
		bool all;

		if (it == NULL)
			break;
		if (!rl_fields(c, it, "routing rule", route_keys, v, NULL))
			continue;
		r->nroutes++;
		rt->after_hours = -1;
		rt->line = (int)it->start_mark.line + 1;
		all = read_when(c, rt, v[0]);
		if (v[1] == NULL)
			rl_missing(c, it, "owner", "routing rule");
		else if (rl_owner(c, v[1], "owner", &rt->owner) == 0)
			rl_check_cover(c, v[1], &rt->owner, "its leads");
		if (v[2] != NULL)
			rl_bool(c, v[2], "urgent", &rt->urgent);
		if (catch_all != SIZE_MAX)
			rl_warn(c, it, "this rule is never used: rule %zu above %s", catch_all + 1,
				alone ? "has no \"when\" and takes every lead" :
				"and the rules before it take every lead");
		else if (all || rl_routing_complete(r, r->nroutes)) {
			catch_all = i;
			alone = all;
		}
	}
	if (catch_all == SIZE_MAX && rl_routing_gap(r, r->nroutes, gap, sizeof gap)) {
		rl_error(c, n, "routing can leave a lead without an owner: %s matches no rule; "
			 "add a rule for it or a last rule without \"when\"", gap);
		c->routing_gap = true;
	}
}

/*
 * rules_stages.c - the `stages` and `lost_reasons` sections, with the defaults
 * used when a file leaves them out. The first stage is where new leads start;
 * a stage may hand the lead to a role and start a sequence on entry, and
 * says how long a lead may sit in it without activity before it is stale.
 */
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

static const char *const stage_keys[] = {
	"name", "owner_role", "requires", "sequence", "closed", "stale_after", NULL
};
enum { T_NAME, T_ROLE, T_REQUIRES, T_SEQUENCE, T_CLOSED, T_STALE };

static const char *const requires_words[] = { "amount", "reason", NULL };

static const char *const default_reasons[] = {
	"no_response", "price", "timing", "competitor", "not_a_fit", "spam"
};

void
rl_lost_reasons(rl_ctx *c, yaml_node_t *n)
{
	rules *r = c->r;
	size_t len = rl_list_len(n), ndef = sizeof default_reasons / sizeof *default_reasons;

	if (n == NULL) {
		if ((r->lost_reasons = rl_calloc(c, ndef, sizeof *r->lost_reasons)) == NULL)
			return;
		for (size_t i = 0; i < ndef; i++)
			if ((r->lost_reasons[r->nlost_reasons] = rl_strdup(c, default_reasons[i])))
				r->nlost_reasons++;
		return;
	}
	if (!rl_is_list(c, n, "lost_reasons")) {
		c->bad_reasons = true;
		return;
	}
	if (len == 0 || len > RL_MAX_REASONS) {
		rl_error(c, n, "\"lost_reasons\" must list 1 to %d reasons", RL_MAX_REASONS);
		c->bad_reasons = true;
		return;
	}
	if ((r->lost_reasons = rl_calloc(c, len, sizeof *r->lost_reasons)) == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);
		char *reason = NULL;
		size_t j;

		if (it == NULL)
			break;
		if (rl_ident(c, it, "lost reason", NULL, &reason) < 0)
			continue;
		for (j = 0; j < r->nlost_reasons && strcmp(r->lost_reasons[j], reason) != 0; j++)
			;
		if (j < r->nlost_reasons) {
			rl_error(c, it, "lost reason \"%s\" is listed twice", reason);
			free(reason);
			continue;
		}
		r->lost_reasons[r->nlost_reasons++] = reason;
	}
}

static rules_stage *
add_stage(rl_ctx *c, const char *name)
{
	rules_stage *st = &c->r->stages[c->r->nstages];

	if ((st->name = rl_strdup(c, name)) == NULL)
		return NULL;
	c->r->nstages++;
	return st;
}

/* The pipeline a home-services business expects, when the file has none. */
static void
default_stages(rl_ctx *c)
{
	static const char *const names[] = {
		"new", "contacted", "scheduled", "quoted", "won", "lost", "nurture"
	};
	rules_stage *st;

	if ((c->r->stages = rl_calloc(c, 7, sizeof *c->r->stages)) == NULL)
		return;
	for (size_t i = 0; i < 7; i++)
		if (add_stage(c, names[i]) == NULL)
			return;
	st = c->r->stages;
	if (rules_sequence_find(c->r, "new_inquiry") != NULL)
		st[0].sequence = rl_strdup(c, "new_inquiry");
	st[0].stale_after = 2 * 86400;
	st[1].stale_after = 5 * 86400;
	st[2].stale_after = 7 * 86400;
	st[3].requires_amount = true;
	st[3].stale_after = 7 * 86400;
	st[4].closed = true;
	st[5].requires_reason = true;
	st[5].closed = true;
}

static void
read_requires(rl_ctx *c, rules_stage *st, yaml_node_t *n)
{
	size_t len = rl_list_len(n);

	if (!rl_is_list(c, n, "requires"))
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);
		int k;

		if (it == NULL)
			break;
		if ((k = rl_enum(c, it, "requires", requires_words)) == 0)
			st->requires_amount = true;
		else if (k == 1)
			st->requires_reason = true;
	}
}

static void
read_stage(rl_ctx *c, yaml_node_t *n)
{
	rules_stage *st;
	yaml_node_t *v[6];
	char *name = NULL;

	if (!rl_fields(c, n, "stage", stage_keys, v, NULL))
		return;
	if (v[T_NAME] == NULL) {
		rl_missing(c, n, "name", "stage");
		return;
	}
	if (rl_ident(c, v[T_NAME], "stage name", NULL, &name) < 0)
		return;
	if (rules_stage_find(c->r, name) != NULL) {
		rl_error(c, v[T_NAME], "stage \"%s\" is defined twice", name);
		free(name);
		return;
	}
	st = &c->r->stages[c->r->nstages++];
	st->name = name;
	if (v[T_ROLE] != NULL && rl_ident(c, v[T_ROLE], "owner_role", NULL, &st->owner_role) == 0)
		rl_role_ref(c, v[T_ROLE], st->owner_role);
	if (v[T_REQUIRES] != NULL)
		read_requires(c, st, v[T_REQUIRES]);
	if (v[T_SEQUENCE] != NULL &&
	    rl_ident(c, v[T_SEQUENCE], "sequence", NULL, &st->sequence) == 0)
		rl_sequence_ref(c, v[T_SEQUENCE], st->sequence);
	if (v[T_CLOSED] != NULL)
		rl_bool(c, v[T_CLOSED], "closed", &st->closed);
	if (v[T_STALE] != NULL && rl_duration(c, v[T_STALE], "stale_after", &st->stale_after) == 0) {
		if (st->stale_after <= 0)
			rl_error(c, v[T_STALE], "\"stale_after\" must be longer than 0m (leave it "
				 "out: leads in \"%s\" are never stale)", st->name);
		else if (st->closed)
			rl_error(c, v[T_STALE], "stage \"%s\" is closed: its leads are never stale, "
				 "so it takes no \"stale_after\"", st->name);
	}
}

void
rl_stages(rl_ctx *c, yaml_node_t *n)
{
	size_t len = rl_list_len(n);

	if (n == NULL) {
		default_stages(c);
		return;
	}
	if (!rl_is_list(c, n, "stages"))
		return;
	if (len == 0 || len > RL_MAX_STAGES) {
		rl_error(c, n, "\"stages\" must list 1 to %d stages", RL_MAX_STAGES);
		return;
	}
	if ((c->r->stages = rl_calloc(c, len, sizeof *c->r->stages)) == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);

		if (it == NULL)
			break;
		read_stage(c, it);
	}
	/* New leads enter the first stage; a closed one would lose them at once. */
	if (c->r->nstages > 0 && c->r->stages[0].closed)
		rl_error(c, rl_node(c, n->data.sequence.items.start[0]), "the first stage (\"%s\") is where new leads "
			 "start, so it cannot be closed", c->r->stages[0].name);
}

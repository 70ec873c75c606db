/*
 * rules_templates.c - the `templates` section: each template checked against
 * the fields the engine can fill, references to templates, and a warning when
 * a text message would run past two SMS segments with typical values.
 * Template syntax itself belongs to src/core/template.c; this file only asks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/template.h"
#include "rules_internal.h"

/* Must match what the engine fills (engine_template_fields); kept here so the
 * loader does not depend on the engine. */
const char *const rl_template_fields[] = {
	"first_name", "last_name", "name", "phone", "email", "service", "neighbourhood",
	"source", "message", "business_name", "business_phone", "owner_name",
	"owner_first_name", "owner_phone", "next_contact_window", "task_due",
	"quote_amount", "next_contact_verb", "custom.*", "appointment_kind", "appointment_day",
	"appointment_window", "appointment_person", "appointment_place", NULL
};

/* Values of a typical, slightly long lead, to estimate a message's length. */
static const char *const sample_values[][2] = {
	{ "first_name", "Alexandra" },
	{ "last_name", "Richardson" },
	{ "name", "Alexandra Richardson" },
	{ "phone", "+13125550199" },
	{ "email", "alexandra.richardson@example.com" },
	{ "service", "water heater replacement" },
	{ "neighbourhood", "Lincoln Park" },
	{ "source", "website" },
	{ "message", "Our water heater is leaking, can someone come out this week?" },
	{ "owner_name", "Jordan Mitchell" },
	{ "owner_first_name", "Jordan" },
	{ "owner_phone", "+13125550101" },
	{ "next_contact_window", "tomorrow by 10:00 AM" },
	{ "task_due", "tomorrow at 10:00 AM" },
	{ "quote_amount", "$4,850.00" },
	{ "next_contact_verb", "call" },
	{ "appointment_kind", "estimate visit" },
	{ "appointment_day", "Tuesday, Dec 8" },
	{ "appointment_window", "10:00 AM - 11:00 AM" },
	{ "appointment_person", "Jordan Mitchell" },
	{ "appointment_place", "1420 North Wells Street" },
};

typedef struct {
	rl_ctx *c;
	const yaml_node_t *n;
	const char *text;
	const char *what;
} tpl_report;

static void
on_problem(void *ctx, size_t off, const char *msg)
{
	tpl_report *t = ctx;
	const char *s = t->text;
	int line = 1, col = 1;
	bool unknown = strncmp(msg, "unknown field ", 14) == 0;

	/* Point at the field's name rather than at the "{{" before it. */
	if (unknown && s[off] == '{' && s[off + 1] == '{') {
		off += 2;
		while (s[off] == ' ' || s[off] == '\t')
			off++;
		if (s[off] == '#' || s[off] == '^' || s[off] == '/')
			off++;
		while (s[off] == ' ' || s[off] == '\t')
			off++;
	}
	if (rl_diag_room(t->c))
		rl_scalar_pos(t->c, t->n, off, &line, &col);
	if (unknown)
		rl_diag_at(t->c, line, col, false, "%s uses %s", t->what, msg);
	else
		rl_diag_at(t->c, line, col, false, "%s: %s", t->what, msg);
}

/* Whether a field may be empty when a message is rendered: what the lead
 * gave (and a quote not made yet), and what the rules leave unset. */
static bool
field_optional(const rules *r, const char *f)
{
	static const char *const lead_fields[] = { "first_name", "last_name", "name", "phone",
						   "email", "service", "neighbourhood", "message",
						   "quote_amount", NULL };

	for (size_t i = 0; lead_fields[i]; i++)
		if (strcmp(f, lead_fields[i]) == 0)
			return true;
	if (strncmp(f, "custom.", 7) == 0)
		return true;	/* whatever a source sent, or did not */
	if (strcmp(f, "business_phone") == 0)
		return r->business.phone == NULL;
	if (strcmp(f, "owner_phone") == 0) {
		for (size_t i = 0; i < r->npeople; i++)
			if (r->people[i].phone == NULL)
				return true;
		return r->npeople == 0;
	}
	return false;
}

static void
on_bare(void *ctx, size_t off, const char *field)
{
	tpl_report t = *(tpl_report *)ctx;
	int line = 1, col = 1;

	if (!field_optional(t.c->r, field))
		return;
	/* Point at the field's name, as for an unknown field. */
	off += 2;
	while (t.text[off] == ' ' || t.text[off] == '\t')
		off++;
	if (rl_diag_room(t.c))
		rl_scalar_pos(t.c, t.n, off, &line, &col);
	rl_diag_at(t.c, line, col, true, "%s uses {{%s}} without a fallback: a lead without "
		   "one reads it as nothing; write {{%s|...}} or put it in {{#%s}}...{{/%s}}",
		   t.what, field, field, field, field);
}

void
rl_check_template(rl_ctx *c, const yaml_node_t *n, const char *what, const char *text)
{
	tpl_report t = { c, n, text, what };

	if (template_check(text, rl_template_fields, on_problem, &t) == 0 &&
	    template_unguarded(text, on_bare, &t) < 0)
		c->oom = true;
}

static const char *
known_templates(const rules *r, char *buf, size_t len)
{
	if (r->ntemplates == 0)
		return "no templates are defined";
	return rl_join(buf, len, (const char *const *)&r->templates[0].name, r->ntemplates,
		       sizeof *r->templates);
}

int
rl_template_ref(rl_ctx *c, const yaml_node_t *n, const char *name)
{
	char list[512];

	for (size_t i = 0; i < c->r->ntemplates; i++)
		if (strcmp(c->r->templates[i].name, name) == 0)
			return (int)i;
	if (!c->bad_templates)
		rl_error(c, n, "template \"%s\" does not exist (known: %s)", name,
			 known_templates(c->r, list, sizeof list));
	return -1;
}

void
rl_templates(rl_ctx *c, yaml_node_t *n)
{
	rules *r = c->r;
	size_t len;

	if (n == NULL)
		return;
	if (!rl_is_map(c, n, "templates")) {
		c->bad_templates = true;
		return;
	}
	len = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (len > RL_MAX_TEMPLATES) {
		rl_error(c, n, "too many templates (at most %d)", RL_MAX_TEMPLATES);
		c->bad_templates = true;
		return;
	}
	r->templates = rl_calloc(c, len, sizeof *r->templates);
	c->tpl_nodes = rl_calloc(c, len, sizeof *c->tpl_nodes);
	if (r->templates == NULL || c->tpl_nodes == NULL)
		return;
	for (size_t i = 0; i < len && rl_tick(c); i++) {
		yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
		yaml_node_t *k = rl_node(c, p->key), *v = rl_node(c, p->value);
		rules_template *t = &r->templates[r->ntemplates];
		char *name = NULL, what[96];

		if (rl_ident(c, k, "template name", NULL, &name) < 0)
			continue;
		if (rules_template_find(r, name) != NULL) {
			rl_error(c, k, "template \"%s\" is defined twice", name);
			free(name);
			continue;
		}
		t->name = name;
		t->line = (int)k->start_mark.line + 1;
		c->tpl_nodes[r->ntemplates] = v;
		r->ntemplates++;
		if (rl_string(c, v, name, &t->text) < 0)
			continue;
		snprintf(what, sizeof what, "template \"%s\"", name);
		rl_check_template(c, v, what, t->text);
	}
}

static const char *
sample_lookup(void *ctx, const char *field)
{
	const rules *r = ctx;

	if (strcmp(field, "business_name") == 0)
		return r->business.name ? r->business.name : "Northside Home Services";
	if (strcmp(field, "business_phone") == 0)
		return r->business.phone ? r->business.phone : "+13125550100";
	for (size_t i = 0; i < sizeof sample_values / sizeof sample_values[0]; i++)
		if (strcmp(field, sample_values[i][0]) == 0)
			return sample_values[i][1];
	return NULL;
}

void
rl_check_sms_length(rl_ctx *c)
{
	const rules *r = c->r;
	bool *sms;

	if (r->ntemplates == 0 || c->tpl_nodes == NULL)
		return;
	if ((sms = rl_calloc(c, r->ntemplates, sizeof *sms)) == NULL)
		return;
	for (size_t i = 0; i < r->nsequences; i++)
		for (size_t j = 0; j < r->sequences[i].nsteps; j++) {
			const rules_step *s = &r->sequences[i].steps[j];
			const char *name = rules_step_template(s, CHANNEL_SMS);
			const rules_template *t;

			if (name != NULL && (t = rules_template_find(r, name)) != NULL)
				sms[t - r->templates] = true;
		}
	for (size_t i = 0; i < r->ntemplates; i++) {
		char *text;
		size_t segs;
		bool ucs2 = false;

		if (!sms[i] || r->templates[i].text == NULL)
			continue;
		if ((text = template_render(r->templates[i].text, sample_lookup,
					    (void *)r)) == NULL) {
			c->oom = true;
			break;
		}
		segs = template_sms_segments(text, &ucs2);
		free(text);
		if (segs > 2)
			rl_warn(c, c->tpl_nodes[i], "template \"%s\" would be %zu SMS segments "
				"with typical values%s; more than 2 cost more and may arrive "
				"out of order", r->templates[i].name, segs,
				ucs2 ? " (it has characters outside GSM-7, so each segment "
				       "holds only 67)" : "");
	}
	free(sms);
}

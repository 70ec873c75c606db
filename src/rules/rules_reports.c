/*
 * rules_reports.c - the `reports` section: what the business's reports need
 * from its owner and cannot read from the timeline - the average value of a
 * job and the share of leads that become one, from which the missed-lead
 * cost is computed - and the weekly digest email (who gets it, and when).
 * All optional; without the first two the cost is not shown, without
 * `digest` no digest is sent.
 */
#include <string.h>

#include "rules_internal.h"

static const char *const report_keys[] = { "average_job_value", "close_rate_percent", "digest",
					   NULL };
static const char *const digest_keys[] = { "to", "day", "at", NULL };
/* tm_wday order, as rules_digest.wday holds it */
static const char *const day_words[] = { "sunday", "monday", "tuesday", "wednesday", "thursday",
					 "friday", "saturday", NULL };

/* One recipient: a person id or a role; each person it names needs an email. */
static void
digest_to(rl_ctx *c, yaml_node_t *n, rules_digest *d)
{
	const char *v = rl_scalar(c, n, "to");
	bool any = false;

	if (v == NULL || rl_notify_target(c, n, "digest to", false, &d->to[d->nto]) < 0)
		return;
	d->nto++;
	for (size_t i = 0; i < c->r->npeople; i++) {
		const rules_person *p = &c->r->people[i];

		if (strcmp(p->id, v) != 0 && (p->role == NULL || strcmp(p->role, v) != 0))
			continue;
		any |= p->email != NULL;
		if (p->email == NULL && strcmp(p->id, v) == 0)
			rl_error(c, n, "digest to \"%s\": that person has no email", v);
	}
	if (!any && rules_person_find(c->r, v) == NULL)
		rl_error(c, n, "digest to \"%s\": nobody with that role has an email", v);
}

static void
digest(rl_ctx *c, yaml_node_t *n)
{
	yaml_node_t *v[3];
	rules_digest *d = &c->r->digest;
	int day, min;
	const char *at;

	if (rl_is_null(n) || !rl_fields(c, n, "digest", digest_keys, v, NULL))
		return;
	if (v[0] == NULL) {
		rl_missing(c, n, "to", "digest");
		return;
	}
	if (!rl_is_list(c, v[0], "to"))
		return;
	if (rl_list_len(v[0]) == 0 || rl_list_len(v[0]) > RL_MAX_PEOPLE) {
		rl_error(c, v[0], "digest to: name 1 to %d people or roles", RL_MAX_PEOPLE);
		return;
	}
	if ((d->to = rl_calloc(c, rl_list_len(v[0]), sizeof *d->to)) == NULL)
		return;
	for (size_t i = 0; i < rl_list_len(v[0]); i++) {
		yaml_node_t *item = rl_list_item(c, v[0], i);

		if (item != NULL)
			digest_to(c, item, d);
	}
	d->wday = 1;	/* Monday */
	d->at_min = 8 * 60;
	if (v[1] != NULL) {
		if ((day = rl_enum(c, v[1], "day", day_words)) < 0)
			return;
		d->wday = day;
	}
	if (v[2] != NULL) {
		if ((at = rl_scalar(c, v[2], "at")) == NULL)
			return;
		if (rl_parse_clock(at, &min, false) < 0) {
			rl_error(c, v[2], "\"at\" must be a time of day like \"08:00\"");
			return;
		}
		d->at_min = min;
	}
	d->on = d->nto > 0;
}

void
rl_reports(rl_ctx *c, yaml_node_t *n)
{
	yaml_node_t *v[3];
	long val;

	if (n == NULL || !rl_fields(c, n, "reports", report_keys, v, NULL))
		return;
	if (v[0] != NULL && rl_int(c, v[0], "average_job_value", 0, 100000000, &val) == 0)
		c->r->job_value_cents = (int64_t)val * 100;
	if (v[1] != NULL && rl_int(c, v[1], "close_rate_percent", 0, 100, &val) == 0)
		c->r->close_rate_pct = (int)val;
	if (v[2] != NULL)
		digest(c, v[2]);
}

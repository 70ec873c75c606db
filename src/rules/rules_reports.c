/*
 * rules_reports.c - the `reports` section: what the business's reports need
 * from its owner and cannot read from the timeline - the average value of a
 * job and the share of leads that become one, from which the missed-lead
 * cost is computed. Both optional; without them the cost is not shown.
 */
#include "rules_internal.h"

static const char *const report_keys[] = { "average_job_value", "close_rate_percent", NULL };

void
rl_reports(rl_ctx *c, yaml_node_t *n)
{
	yaml_node_t *v[2];
	long val;

	if (n == NULL || !rl_fields(c, n, "reports", report_keys, v, NULL))
		return;
	if (v[0] != NULL && rl_int(c, v[0], "average_job_value", 0, 100000000, &val) == 0)
		c->r->job_value_cents = (int64_t)val * 100;
	if (v[1] != NULL && rl_int(c, v[1], "close_rate_percent", 0, 100, &val) == 0)
		c->r->close_rate_pct = (int)val;
}

/*
 * rules_limits.c - the `limits` section (automated touches per window, how
 * much of what a lead typed a message to them may repeat, how long past a
 * promised contact time a check-in waits) and the
 * warning for a sequence that would send more than the limit lets through,
 * so the writer learns at load time which messages will be silently held back.
 */
#include "rules_internal.h"

static const char *const limit_keys[] = { "max_automated_touches", "per", "max_echo_chars",
					   "promise_grace", NULL };

void
rl_limits(rl_ctx *c, yaml_node_t *n)
{
	rules *r = c->r;
	yaml_node_t *v[4];
	long max;

	r->max_touches = 4;
	r->promise_grace = 3600;
	r->touch_window = 10 * 86400;
	r->max_echo = 40;
	if (n == NULL || !rl_fields(c, n, "limits", limit_keys, v, NULL))
		return;
	if (v[0] != NULL && rl_int(c, v[0], "max_automated_touches", 0, 1000, &max) == 0)
		r->max_touches = (int)max;
	if (v[1] != NULL && rl_duration(c, v[1], "per", &r->touch_window) == 0 &&
	    r->touch_window == 0)
		rl_error(c, v[1], "\"per\" must be longer than 0m");
	if (v[2] != NULL && rl_int(c, v[2], "max_echo_chars", 0, 1000, &max) == 0)
		r->max_echo = (int)max;
	if (v[3] != NULL)
		rl_duration(c, v[3], "promise_grace", &r->promise_grace);
}

/*
 * Steps at 0m are the acknowledgment of the lead's own inquiry: the engine
 * does not count them. Every other send step counts; the most that fall in
 * any window of length `per` ([t, t + per)) is what the limit is held to.
 * Steps are in order of `at` (checked elsewhere), so two cursors suffice.
 */
static size_t
max_in_window(const rules_sequence *seq, int64_t per)
{
	size_t best = 0, count = 0, lo = 0;

	for (size_t hi = 0; hi < seq->nsteps; hi++) {
		const rules_step *s = &seq->steps[hi];

		if (s->kind != STEP_SEND || s->at == 0)
			continue;
		count++;
		for (; lo < hi; lo++) {
			const rules_step *t = &seq->steps[lo];

			if (s->at - t->at < per)
				break;
			if (t->kind == STEP_SEND && t->at != 0)
				count--;
		}
		if (count > best)
			best = count;
	}
	return best;
}

void
rl_check_limits(rl_ctx *c)
{
	const rules *r = c->r;
	char per[32];

	if (r->max_touches <= 0 || r->touch_window <= 0 || c->seq_nodes == NULL)
		return;
	rl_format_duration(r->touch_window, per, sizeof per);
	for (size_t i = 0; i < r->nsequences; i++) {
		const rules_sequence *seq = &r->sequences[i];
		size_t n = max_in_window(seq, r->touch_window);

		for (size_t j = 1; j < seq->nsteps; j++)
			if (seq->steps[j].at < seq->steps[j - 1].at)
				n = 0;	/* out of order: already an error */
		if (n > (size_t)r->max_touches)
			rl_warn(c, c->seq_nodes[i], "sequence \"%s\" would send %zu automated "
				"messages within %s; only %d will be sent "
				"(limits.max_automated_touches)", seq->name, n, per,
				r->max_touches);
	}
}

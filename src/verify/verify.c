/*
 * verify.c - the five verdicts on one synthetic lead (verify.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/lead.h"
#include "core/tz.h"
#include "verify.h"

const char *
verify_test_name(verify_test t)
{
	static const char *const names[VERIFY_NTESTS] = {
		[VERIFY_OWNERSHIP] = "ownership", [VERIFY_NEXT_STEP] = "next_step",
		[VERIFY_REMINDER] = "reminder", [VERIFY_STALE] = "stale",
		[VERIFY_PIPELINE] = "pipeline",
	};

	return t < VERIFY_NTESTS ? names[t] : "?";
}

static void __attribute__((format(printf, 3, 4)))
verdict(verify_verdict *v, bool pass, const char *fmt, ...)
{
	va_list ap;

	v->pass = pass;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof v->reason, fmt, ap);
	va_end(ap);
}

/* "2026-12-01 10:00", local to the business. */
static void
local_when(const rules *r, int64_t t, char *buf, size_t len)
{
	tz_local lt;

	tz_to_local(r->business.zone, t, &lt);
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d", lt.year, lt.month, lt.day, lt.hour, lt.min);
}

static bool
goes_cold(const rules *r, const char *sequence)
{
	const rules_sequence *seq = rules_sequence_find(r, sequence);

	for (size_t i = 0; seq != NULL && i < seq->nsteps; i++)
		if (seq->steps[i].then == THEN_COLD)
			return true;
	return false;
}

static const char *
cold_status(const rules *r)
{
	switch (r->cold.kind) {
	case COLD_ARCHIVE: return LEAD_STATUS_ARCHIVED;
	case COLD_NURTURE: return LEAD_STATUS_NURTURE;
	default: return LEAD_STATUS_LOST;
	}
}

static void
judge_stale(const rules *r, const verify_lead *l, verify_verdict *v)
{
	char when[64], back[64];
	const char *want = cold_status(r);

	if (l->cold_at == 0) {
		if (l->sequence[0] == '\0')
			verdict(v, false, "never went cold: no sequence started, so no step leads "
				"to the cold path");
		else if (!goes_cold(r, l->sequence))
			verdict(v, false, "never went cold: sequence %s has no step with "
				"`then: cold`", l->sequence);
		else
			verdict(v, false, "never went cold: sequence %s did not reach its "
				"`then: cold` step", l->sequence);
		return;
	}
	local_when(r, l->cold_at, when, sizeof when);
	if (strcmp(l->cold_status, want) != 0) {
		verdict(v, false, "went cold %s as %s, but the rules' cold path says %s", when,
			l->cold_status, want);
		return;
	}
	if (r->cold.kind != COLD_LOST || r->cold.reactivate_after <= 0) {
		verdict(v, true, "went cold %s (%s)", when, want);
		return;
	}
	if (l->reactivate_at == 0) {
		verdict(v, false, "went cold %s (%s) with no return date, but the rules say "
			"reactivate_after", when, want);
		return;
	}
	local_when(r, l->reactivate_at, back, sizeof back);
	if (l->reopened_at < l->reactivate_at)
		verdict(v, false, "went cold %s (%s) but did not come back on %s", when, want,
			back);
	else
		verdict(v, true, "went cold %s (%s), came back %s", when, want, back);
}

void
verify_judge(const rules *r, const verify_lead *l, verify_verdict out[VERIFY_NTESTS])
{
	char due[64];

	if (l->owner[0])
		verdict(&out[VERIFY_OWNERSHIP], true, "owner %s", l->owner);
	else
		verdict(&out[VERIFY_OWNERSHIP], false, "no owner: no routing rule gives source "
			"%s, kind %s an owner", l->source, l->kind);

	if (l->task_due > 0 && l->task_person[0]) {
		local_when(r, l->task_due, due, sizeof due);
		verdict(&out[VERIFY_NEXT_STEP], true, "%s task for %s, due %s", l->task_verb,
			l->task_person, due);
	} else if (l->sequence[0] == '\0') {
		verdict(&out[VERIFY_NEXT_STEP], false, "no first action: no sequence started "
			"for kind %s", l->kind);
	} else {
		verdict(&out[VERIFY_NEXT_STEP], false, "no first action: sequence %s gives no "
			"person a task on arrival", l->sequence);
	}

	if (l->followups > 0)
		verdict(&out[VERIFY_REMINDER], true, "%d follow-up%s fired with nobody acting",
			l->followups, l->followups == 1 ? "" : "s");
	else
		verdict(&out[VERIFY_REMINDER], false, "nothing fired after the first action: "
			"sequence %s has no follow-up step and no escalation reached the lead",
			l->sequence[0] ? l->sequence : "(none)");

	judge_stale(r, l, &out[VERIFY_STALE]);

	if (l->contradiction[0])
		verdict(&out[VERIFY_PIPELINE], false, "%s", l->contradiction);
	else if (strcmp(l->stage_told, l->stage_events) != 0)
		verdict(&out[VERIFY_PIPELINE], false, "reports stage %s, but its events set %s",
			l->stage_told[0] ? l->stage_told : "(none)",
			l->stage_events[0] ? l->stage_events : "(none)");
	else
		verdict(&out[VERIFY_PIPELINE], true, "stage %s matches its timeline",
			l->stage_told[0] ? l->stage_told : "(none)");
}

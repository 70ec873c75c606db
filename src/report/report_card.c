/*
 * report_card.c - the four-element scorecard: every active lead has an
 * owner, a next action (an open task, or a step of its sequence still to
 * run), a timing (that action's due time) and a recovery (something that
 * takes over when the step stalls: an escalation of the open task, or any
 * pending timer of the lead). What the engine maintains is shown, not
 * assumed: a lead missing one is a defect, listed with what it lacks.
 *
 * Grades: a lead scores the number of elements it has (at least 1); the
 * business 4 when every active lead has all four, 3 when at least 90% do,
 * 2 when at least half do, else 1 (docs/reports.md).
 */
#include <string.h>

#include "report_internal.h"

static const char *const grade_words[] = {
	"", "storage-heavy", "storage-heavy", "usable but inconsistent",
	"a working follow-up system",
};

void
report_card(const report_data *d, json_t *doc)
{
	json_t *o = json_object(), *defects = json_array(), *missing = json_object();
	size_t active = 0, whole = 0, lacks[4] = { 0 }, ndefects = 0;
	static const char *const elements[] = { "owner", "next_action", "timing", "recovery" };
	int grade;

	for (size_t i = 0; i < d->n; i++) {
		const report_lead *l = &d->leads[i];
		bool has[4];
		int score = 0;
		json_t *j, *what;

		if (!report_active(l))
			continue;
		active++;
		has[0] = l->owner != NULL;
		has[1] = l->open_tasks > 0 || (l->has_sequence && l->has_timer && l->paused_at == 0);
		has[2] = has[1] && l->next_due > 0;
		has[3] = l->has_escalation || l->has_timer;
		for (int e = 0; e < 4; e++) {
			score += has[e];
			lacks[e] += !has[e];
		}
		if (score == 4) {
			whole++;
			continue;
		}
		ndefects++;
		if (json_array_size(defects) >= report_list_max(d))
			continue;
		j = report_lead_json(l);
		what = json_array();
		for (int e = 0; e < 4; e++)
			if (!has[e])
				json_array_append_new(what, json_string(elements[e]));
		json_object_set_new(j, "missing", what);
		json_object_set_new(j, "grade", json_integer(score > 0 ? score : 1));
		json_array_append_new(defects, j);
	}
	if (whole == active)
		grade = 4;
	else if (whole * 10 >= active * 9)
		grade = 3;
	else if (whole * 2 >= active)
		grade = 2;
	else
		grade = 1;
	for (int e = 0; e < 4; e++)
		json_object_set_new(missing, elements[e], json_integer((json_int_t)lacks[e]));
	json_object_set_new(o, "active_leads", json_integer((json_int_t)active));
	json_object_set_new(o, "complete", json_integer((json_int_t)whole));
	json_object_set_new(o, "missing", missing);
	json_object_set_new(o, "grade", json_integer(grade));
	json_object_set_new(o, "grade_words", json_string(grade_words[grade]));
	json_object_set_new(o, "defect_count", json_integer((json_int_t)ndefects));
	json_object_set_new(o, "defects", defects);
	json_object_set_new(doc, "scorecard", o);
}

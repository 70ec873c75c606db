/*
 * rules_appointments.c - `appointments`: the kinds of appointment a lead can
 * book, the stage a booking moves it to, the confirmation and reminders it
 * gets, and what follows an outcome (docs/appointments.md). Read after
 * templates, sequences and stages, which it refers to.
 */
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

#define RL_MAX_APPT_KINDS	50
#define RL_MAX_REMINDERS	10

static const char *const appointments_keys[] = {
	"kinds", "stage", "confirm", "reminders", "check_after", "done_stage",
	"no_show_sequence", NULL
};
enum { A_KINDS, A_STAGE, A_CONFIRM, A_REMINDERS, A_CHECK, A_DONE_STAGE, A_NO_SHOW, A_N };

static const char *const appt_kind_keys[] = { "id", "name", "length", NULL };
enum { K_ID, K_NAME, K_LENGTH, K_N };

static const char *const reminder_keys[] = { "before", "day_before_at", "template", NULL };
enum { R_BEFORE, R_DAY_BEFORE_AT, R_TEMPLATE, R_N };

static void
read_kind(rl_ctx *c, yaml_node_t *n)
{
	rules_appointments *a = &c->r->appointments;
	rules_appt_kind *k = &a->kinds[a->nkinds];
	yaml_node_t *v[K_N];

	if (!rl_fields(c, n, "appointment kind", appt_kind_keys, v, NULL))
		return;
	if (v[K_ID] == NULL) {
		rl_missing(c, n, "id", "appointment kind");
		return;
	}
	if (rl_ident(c, v[K_ID], "id", NULL, &k->id) < 0)
		return;
	for (size_t i = 0; i < a->nkinds; i++)
		if (strcmp(a->kinds[i].id, k->id) == 0)
			rl_error(c, v[K_ID], "appointment kind \"%s\" is defined twice", k->id);
	a->nkinds++;
	if (v[K_NAME] != NULL)
		rl_string(c, v[K_NAME], "name", &k->name);
	else
		k->name = rl_strdup(c, k->id);
	k->length = 3600;
	if (v[K_LENGTH] != NULL && rl_duration(c, v[K_LENGTH], "length", &k->length) == 0 &&
	    (k->length <= 0 || k->length > 86400))
		rl_error(c, v[K_LENGTH], "\"length\" must be between 1m and 24h");
}

static void
read_reminder(rl_ctx *c, yaml_node_t *n)
{
	rules_appointments *a = &c->r->appointments;
	rules_reminder *m = &a->reminders[a->nreminders];
	yaml_node_t *v[R_N];
	const char *at;

	if (!rl_fields(c, n, "reminder", reminder_keys, v, NULL))
		return;
	a->nreminders++;
	m->line = (int)n->start_mark.line + 1;
	m->day_before_at_min = -1;
	if ((v[R_BEFORE] == NULL) == (v[R_DAY_BEFORE_AT] == NULL))
		rl_error(c, n, "a reminder takes exactly one of \"before\" (1h) or "
			 "\"day_before_at\" (\"18:00\")");
	else if (v[R_BEFORE] != NULL) {
		if (rl_duration(c, v[R_BEFORE], "before", &m->before) == 0 && m->before <= 0)
			rl_error(c, v[R_BEFORE], "\"before\" must be longer than 0m");
	} else if ((at = rl_scalar(c, v[R_DAY_BEFORE_AT], "day_before_at")) != NULL &&
		   rl_parse_clock(at, &m->day_before_at_min, false) < 0) {
		rl_error(c, v[R_DAY_BEFORE_AT], "\"day_before_at\" must be a local time like "
			 "\"18:00\", not \"%s\"", at);
	}
	if (v[R_TEMPLATE] == NULL)
		rl_missing(c, n, "template", "reminder");
	else if (rl_ident(c, v[R_TEMPLATE], "template", NULL, &m->template_name) == 0)
		rl_template_ref(c, v[R_TEMPLATE], m->template_name);
	/* A reminder inside quiet hours is not sent (the engine skips it): say
	 * so where it is written. */
	if (m->day_before_at_min >= 0 && c->r->business.has_quiet) {
		int s = c->r->business.quiet_start_min, e = c->r->business.quiet_end_min;
		int t = m->day_before_at_min;
		bool quiet = s < e ? t >= s && t < e : t >= s || t < e;

		if (quiet)
			rl_warn(c, v[R_DAY_BEFORE_AT], "\"day_before_at\" falls in quiet hours: this "
				"reminder would never be sent");
	}
}

static void
read_list(rl_ctx *c, yaml_node_t *n, const char *what, size_t max, size_t size, void **out,
	  void (*read)(rl_ctx *, yaml_node_t *))
{
	size_t len = rl_list_len(n);

	if (!rl_is_list(c, n, what))
		return;
	if (len > max) {
		rl_error(c, n, "too many %s (at most %zu)", what, max);
		return;
	}
	if ((*out = rl_calloc(c, len ? len : 1, size)) == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);

		if (it == NULL)
			break;
		read(c, it);
	}
}

static void
stage_ref(rl_ctx *c, yaml_node_t *n, const char *what, char **out)
{
	if (rl_ident(c, n, what, NULL, out) == 0 && rules_stage_find(c->r, *out) == NULL)
		rl_error(c, n, "%s: no stage \"%s\"", what, *out);
}

void
rl_appointments(rl_ctx *c, yaml_node_t *n)
{
	rules_appointments *a = &c->r->appointments;
	yaml_node_t *v[A_N];

	if (n == NULL || !rl_fields(c, n, "appointments", appointments_keys, v, NULL))
		return;
	if (v[A_KINDS] == NULL)
		rl_missing(c, n, "kinds", "appointments");
	else
		read_list(c, v[A_KINDS], "appointment kinds", RL_MAX_APPT_KINDS, sizeof *a->kinds,
			  (void **)&a->kinds, read_kind);
	if (v[A_REMINDERS] != NULL)
		read_list(c, v[A_REMINDERS], "reminders", RL_MAX_REMINDERS, sizeof *a->reminders,
			  (void **)&a->reminders, read_reminder);
	if (v[A_STAGE] != NULL)
		stage_ref(c, v[A_STAGE], "stage", &a->stage);
	if (v[A_DONE_STAGE] != NULL)
		stage_ref(c, v[A_DONE_STAGE], "done_stage", &a->done_stage);
	if (v[A_CONFIRM] != NULL && rl_ident(c, v[A_CONFIRM], "confirm", NULL,
					     &a->confirm_template) == 0)
		rl_template_ref(c, v[A_CONFIRM], a->confirm_template);
	if (v[A_CHECK] != NULL)
		rl_duration(c, v[A_CHECK], "check_after", &a->check_after);
	if (v[A_NO_SHOW] != NULL && rl_ident(c, v[A_NO_SHOW], "no_show_sequence", NULL,
					     &a->no_show_sequence) == 0)
		rl_sequence_ref(c, v[A_NO_SHOW], a->no_show_sequence);
}

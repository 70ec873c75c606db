/*
 * rules_internal.h - shared between the rules loader's files; not a public contract.
 *
 * One load owns one rl_ctx: the parsed YAML document, the model being built and
 * the diagnostics. Sections are read in a fixed order (business, people,
 * lost_reasons, templates, sequences, stages, routing, escalation, cold, limits,
 * appointments)
 * whatever their order in the file, so a reference is checked where it is made.
 */
#ifndef LK_RULES_INTERNAL_H
#define LK_RULES_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <yaml.h>

#include "rules_load.h"
#include "rules_reader.h"

/* Caps on list sizes: far above any real business, low enough that a hostile
 * file cannot make the cross-reference checks quadratic in a megabyte. */
#define RL_MAX_PEOPLE		1000
#define RL_MAX_ROUTES		1000
#define RL_MAX_SEQUENCES	1000
#define RL_MAX_STEPS		200
#define RL_MAX_STAGES		100
#define RL_MAX_REASONS		100
#define RL_MAX_ESCALATIONS	20
#define RL_MAX_TEMPLATES	1000
#define RL_MAX_HOLIDAYS		1000

/* text forms of time (rules_time.c); pure, return 0 or -1 ("15m", "3d" also
 * -2 when longer than RL_MAX_DURATION) */
#define RL_MAX_DURATION ((int64_t)3650 * 86400)
int rl_parse_duration(const char *s, int64_t *out);
const char *rl_format_duration(int64_t secs, char *buf, size_t len);
int rl_parse_clock(const char *s, int *min, bool allow_24);
int rl_parse_spans(const char *s, rules_span *spans, int max, int *n);
int rl_parse_span(const char *s, int *start, int *end);
int rl_parse_date(const char *s, int *yyyymmdd);
/* "mon".."sun" or "mon-fri": sets days[wday] (0 = Sunday). */
int rl_parse_days(const char *s, bool days[7]);

/* sections, in the order they are read */
void rl_business(rl_ctx *c, yaml_node_t *n);
void rl_people(rl_ctx *c, yaml_node_t *n);
void rl_lost_reasons(rl_ctx *c, yaml_node_t *n);
void rl_templates(rl_ctx *c, yaml_node_t *n);
void rl_sequences(rl_ctx *c, yaml_node_t *n);
void rl_stages(rl_ctx *c, yaml_node_t *n);
void rl_routing(rl_ctx *c, yaml_node_t *n);
void rl_escalation(rl_ctx *c, yaml_node_t *n);
void rl_cold(rl_ctx *c, yaml_node_t *n, yaml_node_t *reasons);
void rl_unanswered(rl_ctx *c, yaml_node_t *n);
void rl_limits(rl_ctx *c, yaml_node_t *n);
/* Loads the zones leads may be in into r->zones (rules_zones.c); -1 out of
 * memory. */
int rl_lead_zones(rules *r);
/* Opening hours ({ mon-fri: "08:00-17:00", sat: closed }) into hours and
 * nspans (days not named are left as they are); whose: "the business is",
 * "alice is", for the error when no day is open. */
void rl_hours(rl_ctx *c, yaml_node_t *n, rules_span hours[7][RULES_MAX_SPANS_PER_DAY],
	      int nspans[7], const char *whose);
void rl_appointments(rl_ctx *c, yaml_node_t *n);
void rl_reports(rl_ctx *c, yaml_node_t *n);
/* health: thresholds of serve's self-watch (rules_health.c); defaults when n is NULL. */
void rl_health(rl_ctx *c, yaml_node_t *n);
/* after every section: touch-limit and SMS-length warnings */
void rl_check_limits(rl_ctx *c);
void rl_check_sms_length(rl_ctx *c);

/* references (rules_people.c, rules_routing.c, rules_templates.c, rules_sequences.c) */
bool rl_role_exists(const rules *r, const char *role);
/* A person id: its index, or -1 after reporting at n. */
int rl_person_ref(rl_ctx *c, const yaml_node_t *n, const char *id);
/* A role: 0, or -1 after reporting at n. */
int rl_role_ref(rl_ctx *c, const yaml_node_t *n, const char *role);
/* "owner", a role or a person id: 0, or -1 after reporting. */
int rl_notify_target(rl_ctx *c, const yaml_node_t *n, const char *what, bool allow_owner,
		     char **out);
/* A person id, {round_robin: [ids]} or {role: r}. */
int rl_owner(rl_ctx *c, const yaml_node_t *n, const char *what, rules_owner *out);
int rl_template_ref(rl_ctx *c, const yaml_node_t *n, const char *name);
int rl_sequence_ref(rl_ctx *c, const yaml_node_t *n, const char *name);
/* Checks a template (message or task title) against the known fields. */
void rl_check_template(rl_ctx *c, const yaml_node_t *n, const char *what,
		       const char *text);

/* routing coverage (rules_coverage.c): whether the first nroutes rules give
 * every lead an owner; else the smallest lead class none of them takes, as
 * "a web_form lead of kind new_inquiry arriving Monday 09:00 (business
 * hours)" into buf, and true. */
bool rl_routing_complete(const rules *r, size_t nroutes);
/* Proves that someone can take work from owner choice o whenever people are
 * away (active: false, away times): at every time someone's absence begins,
 * a candidate or someone on a candidate's fallback chain is at work. Else
 * an error at n naming the time and who is away. `what` names the work. */
void rl_check_cover(rl_ctx *c, const yaml_node_t *n, const rules_owner *o, const char *what);
bool rl_routing_gap(const rules *r, size_t nroutes, char *buf, size_t len);

/* The fields a template may use, NULL-terminated. */
extern const char *const rl_template_fields[];

#endif

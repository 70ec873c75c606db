/*
 * rules_internal.h - shared between the rules loader's files; not a public contract.
 *
 * One load owns one rl_ctx: the parsed YAML document, the model being built and
 * the diagnostics. Sections are read in a fixed order (business, people,
 * lost_reasons, templates, sequences, stages, routing, escalation, cold, limits)
 * whatever their order in the file, so a reference is checked where it is made.
 */
#ifndef LK_RULES_INTERNAL_H
#define LK_RULES_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <yaml.h>

#include "rules_load.h"

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
#define RL_MAX_DIAGS		200	/* stored; the rest are only counted */
#define RL_MAX_INPUT		(1024 * 1024)

typedef struct {
	const char *file;	/* name used in messages */
	const char *text;	/* the source, for columns inside scalars; NULL if not UTF-8 */
	size_t len;
	size_t *line_starts;	/* byte offset of each line, built on first use */
	size_t nlines;
	yaml_document_t *doc;
	rules_diags *diags;
	rules *r;
	size_t budget;		/* node visits left: aliases cannot expand without bound */
	size_t dropped;		/* diagnostics counted but not stored */
	bool stop;		/* budget exhausted: stop walking */
	bool oom;
	/* Sections that were unusable (wrong type): references into them are not
	 * reported again as "does not exist". */
	bool bad_people, bad_templates, bad_sequences, bad_reasons;
	/* Parallel to r->templates / r->sequences: where each was defined. */
	yaml_node_t **tpl_nodes;
	yaml_node_t **seq_nodes;
} rl_ctx;

/* diagnostics (rules_diag.c) */
void rl_error(rl_ctx *c, const yaml_node_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rl_warn(rl_ctx *c, const yaml_node_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rl_diag_at(rl_ctx *c, int line, int col, bool warning, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* False once the stored diagnostics are full: callers may skip costly positions. */
bool rl_diag_room(const rl_ctx *c);
/* Sorts the diagnostics into file order and appends the closing "N more
 * problems not shown" note, if any were dropped. */
void rl_diag_finish(rl_ctx *c);

/* YAML nodes and typed scalars (rules_yaml.c). `what` names the key for messages. */
yaml_node_t *rl_node(rl_ctx *c, int id);
/* Spends one node visit; false (and reported once) when the budget is gone. */
bool rl_tick(rl_ctx *c);
bool rl_is_null(const yaml_node_t *n);
bool rl_is_map(rl_ctx *c, const yaml_node_t *n, const char *what);
bool rl_is_list(rl_ctx *c, const yaml_node_t *n, const char *what);
/* The scalar's text (borrowed from the document), or NULL after reporting. */
const char *rl_scalar(rl_ctx *c, const yaml_node_t *n, const char *what);
size_t rl_list_len(const yaml_node_t *n);
yaml_node_t *rl_list_item(rl_ctx *c, const yaml_node_t *n, size_t i);
/*
 * Reads mapping n whose allowed keys are names (NULL-terminated): vals[i] and
 * keys[i] receive the value and key node of names[i], or NULL. Unknown and
 * duplicate keys are reported, naming `where` ("rules", "person", ...).
 * Returns false (after reporting) when n is not a mapping.
 */
bool rl_fields(rl_ctx *c, yaml_node_t *n, const char *where, const char *const *names,
	       yaml_node_t **vals, yaml_node_t **keys);
/* Reports `missing required key "what" in where` at n. */
void rl_missing(rl_ctx *c, const yaml_node_t *n, const char *what, const char *where);
/* Each returns 0, or -1 after reporting; *out is untouched on error. */
int rl_string(rl_ctx *c, const yaml_node_t *n, const char *what, char **out);
int rl_ident(rl_ctx *c, const yaml_node_t *n, const char *what, const char *extra,
	     char **out);
int rl_bool(rl_ctx *c, const yaml_node_t *n, const char *what, bool *out);
int rl_int(rl_ctx *c, const yaml_node_t *n, const char *what, long min, long max,
	   long *out);
int rl_duration(rl_ctx *c, const yaml_node_t *n, const char *what, int64_t *out);
/* One of words (NULL-terminated): returns its index, or -1 after reporting. */
int rl_enum(rl_ctx *c, const yaml_node_t *n, const char *what, const char *const *words);
/* strdup that records out-of-memory instead of failing the caller's flow. */
char *rl_strdup(rl_ctx *c, const char *s);
void *rl_calloc(rl_ctx *c, size_t n, size_t size);
/* "a, b, c" (first 12, then "...") into buf, for "(known: ...)" messages: names
 * points at the first string of n items `stride` bytes apart (an array of
 * strings, or the name member of an array of structs). */
const char *rl_join(char *buf, size_t len, const char *const *names, size_t n,
		    size_t stride);

/* source positions (rules_pos.c): line and column (1-based) of byte `off` of
 * scalar n's value when the scalar is plain or quoted on one line; else of the
 * scalar's start. */
void rl_scalar_pos(rl_ctx *c, const yaml_node_t *n, size_t off, int *line, int *col);

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
void rl_reports(rl_ctx *c, yaml_node_t *n);
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

/*
 * rules_reader.h - the one YAML reader for every configuration file: the
 * business's file (rules, sources, providers) and the server's own file. It
 * reads a file (capped at 1 MiB) with libyaml, walks the document with typed
 * readers that report every problem as FILE:LINE:COL with what was expected,
 * and resolves secrets written as env:NAME or file:PATH without ever putting
 * their values into a message. Section knowledge lives with each section's
 * model (src/rules/rules_<section>.c, src/http/http_settings.c,
 * src/deliver/deliver_config.c); this header is the walker they share.
 */
#ifndef LK_RULES_READER_H
#define LK_RULES_READER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <yaml.h>

#include "rules_load.h"

#define RL_MAX_DIAGS		200	/* stored; the rest are only counted */
#define RL_MAX_INPUT		(1024 * 1024)

typedef struct rl_ctx rl_ctx;
struct rl_ctx {
	const char *file;	/* name used in messages */
	const char *kind;	/* "rules file", "server configuration": for messages */
	const char *text;	/* the source, for columns inside scalars; NULL if not UTF-8 */
	size_t len;
	size_t *line_starts;	/* byte offset of each line, built on first use */
	size_t nlines;
	yaml_document_t *doc;
	rules_diags *diags;
	size_t budget;		/* node visits left: aliases cannot expand without bound */
	size_t dropped;		/* diagnostics counted but not stored */
	bool stop;		/* budget exhausted: stop walking */
	bool oom;
	/* The rules loader's own: the model being built; sections that were
	 * unusable (wrong type), so references into them are not reported again
	 * as "does not exist". */
	rules *r;
	bool bad_people, bad_templates, bad_sequences, bad_reasons;
	/* Parallel to r->templates / r->sequences: where each was defined. */
	yaml_node_t **tpl_nodes;
	yaml_node_t **seq_nodes;
	/* Readers other than the rules loader: what they fill. */
	void *user;
	bool check_only;	/* rl_secret: check the reference's form, read nothing */
	bool empty_ok;		/* a file of comments only is all defaults */
	/* rules_load_file_proving: a routing gap alone keeps the model. */
	bool keep_routing_gap;
	bool routing_gap;	/* the routing gap error was reported */
};

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
/* The value of key in mapping n, without reporting anything: for a reader
 * that takes one section of a file whose other keys belong to others. NULL
 * when n is not a mapping or has no such key. */
yaml_node_t *rl_map_get(rl_ctx *c, const yaml_node_t *n, const char *key);
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

/* --- whole files (rules_reader.c) ----------------------------------------- */

/* Called with the document's root (never NULL). */
typedef void (*rl_walk_fn)(rl_ctx *c, yaml_node_t *root);

/*
 * Parses c->text (c->len bytes) as one YAML document and walks it with walk;
 * syntax errors, an empty file and a second document are reported into
 * c->diags. The caller sets file, kind, text, len, diags (zeroed) and user.
 */
void rl_parse(rl_ctx *c, rl_walk_fn walk);

/*
 * On this thread, from rl_keep_document(true) to rl_keep_document(false):
 * the last document rl_parse parsed without a problem of its own (syntax,
 * empty, a second document) is kept, and a parse of the same bytes walks it
 * instead of parsing again. serve's start reads each business's file for
 * its rules, its sources and its providers: one parse, not three. The walks
 * only read the document; each reports its own problems as before.
 */
void rl_keep_document(bool on);

/* The file's bytes (at most RL_MAX_INPUT; caller frees) and their count in
 * *len, or NULL after reporting (c->file, c->kind and c->diags set). */
char *rl_slurp(rl_ctx *c, const char *path, size_t *len);

enum {
	RL_CHECK_ONLY = 1,	/* secrets: check the references' form, read nothing */
	RL_EMPTY_OK = 2,	/* an empty file (or comments only) is not an error */
};

/*
 * Reads path (at most RL_MAX_INPUT bytes), parses and walks it as rl_parse
 * does, sorts the diagnostics and appends "N more problems not shown".
 * kind names the file in messages; user is handed to walk as c->user; flags
 * are RL_* above. Returns 0, or -1 when the file has at least one error
 * (diags says which; the caller frees diags either way).
 */
int rl_read_file(const char *path, const char *kind, rl_walk_fn walk, void *user,
		 unsigned flags, rules_diags *diags);

/*
 * A secret: "env:NAME" (the variable's value) or "file:PATH" (the file's
 * first line). A value written in the file itself is refused unless
 * allow_plain (a business file is kept in the database and shown on the web
 * app's Rules page: a secret in it would be everywhere). With c->check_only
 * only the reference's form is checked and *out is left NULL. Errors name
 * the key and the variable or path, never a value. 0, or -1 after reporting.
 */
int rl_secret(rl_ctx *c, const yaml_node_t *n, const char *what, bool allow_plain, char **out);

/* Overwrites a secret before freeing it. NULL is a no-op. */
void rl_secret_free(char *s);

#endif

/*
 * rules_load.h - reading a rules file (YAML, via libyaml) into the rules model,
 * and validating it with FILE:LINE:COL diagnostics.
 *
 * Every problem is reported, not just the first. Errors make the load fail;
 * warnings (e.g. a sequence that would exceed the touch limit) do not.
 */
#ifndef LK_RULES_LOAD_H
#define LK_RULES_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../core/rules.h"

typedef struct {
	char *file;
	int line;		/* 1-based */
	int col;		/* 1-based */
	bool warning;
	char *message;
} rules_diag;

typedef struct {
	rules_diag *items;
	size_t n;
	size_t nerrors;
} rules_diags;

/* The embedded demo rules (a home-services business with three people). */
extern const char rules_default_yaml[];
#define RULES_DEFAULT_NAME "<default rules>"

/* Loads and validates. Returns the rules (caller frees with rules_free) or NULL
 * when there is at least one error. diags receives every problem found and must
 * be freed with rules_diags_free even on success. name is used in messages. */
rules *rules_load_string(const char *text, size_t len, const char *name, rules_diags *diags);
rules *rules_load_file(const char *path, rules_diags *diags);

/* As rules_load_file, for `rules check`'s prover: when the only error is a
 * routing gap ("routing can leave a lead without an owner"), the rules are
 * returned all the same, with that error in diags and *routing_gap set, so
 * the prover can show the leads left without an owner. Such rules must not
 * run: the caller reports the error and exits as for any. */
rules *rules_load_file_proving(const char *path, rules_diags *diags, bool *routing_gap);

void rules_diags_free(rules_diags *d);

/* Adds one problem (a caller's own finding about a file: FILE:LINE:COL, or
 * line 0 for the file as a whole). */
void rules_diags_add(rules_diags *d, const char *file, int line, int col, bool warning,
		     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Prints "FILE:LINE:COL: error: message" lines. */
void rules_diags_print(const rules_diags *d, FILE *out);

#endif

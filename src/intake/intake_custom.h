/*
 * intake_custom.h - what a lead keeps beyond its own fields, and what intake
 * had to cut to keep it. A source that sends fields leadkeep has no slot for
 * ("zip", "budget", a whole nested JSON object) loses none of them: they
 * become the lead's custom fields. Input past the limits below is kept cut
 * and counted, never refused; custom_summary() says what was cut, for the
 * lead's timeline. Pure: no I/O.
 */
#ifndef LK_INTAKE_CUSTOM_H
#define LK_INTAKE_CUSTOM_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/lead.h"

#define CUSTOM_MAX 512		/* custom fields kept per lead; later ones are counted */
#define CUSTOM_NAME_MAX 128	/* bytes of a name; longer ones are cut (UTF-8 safe) */
#define CUSTOM_VALUE_MAX 2000	/* bytes of a value; longer ones are cut */
#define CUSTOM_DEPTH 8		/* JSON nested deeper is kept as its JSON text */

/* Custom fields being collected, an arena for every string made for them
 * (and for the lead's own fields), and the tally of what was cut. */
typedef struct {
	lead_custom *v;		/* kept, in the order given */
	size_t n, cap;
	char **owned;
	size_t nowned, owned_cap;
	size_t dropped;		/* fields past CUSTOM_MAX (or a repeated name), not kept */
	size_t names_cut;	/* names cut to CUSTOM_NAME_MAX */
	size_t values_cut;	/* values cut to CUSTOM_VALUE_MAX */
	size_t deep;		/* values nested past CUSTOM_DEPTH, kept as JSON text */
	char *notes;		/* other changes, "; "-separated */
	size_t notes_len;
	bool oom;		/* an allocation failed: what is here is incomplete */
} custom_set;

void custom_init(custom_set *cs);
/* Frees every string and field of cs; cs may be reused after custom_init. */
void custom_free(custom_set *cs);

/*
 * A copy of s (len bytes; NULs are dropped) owned by cs, cut on a UTF-8
 * boundary to at most max bytes. A cut is noted as "<what> cut to <max>
 * bytes (<len> given)". NULL only when out of memory (cs->oom).
 */
const char *custom_text(custom_set *cs, const char *what, const char *s, size_t len,
			size_t max);

/*
 * v (any JSON value) as text owned by cs: a string as it is, a number or
 * boolean as JSON writes it, an object or array as compact JSON; NULL for
 * null. Cut to max bytes as custom_text() does.
 */
const char *custom_json_text(custom_set *cs, const char *what, json_t *v, size_t max);

/*
 * Keeps v under name, flattened as the generic hook flattens: an object's
 * members as "name.member", an array of values joined with ", ", an array
 * holding objects as "name.0.member"; null and "" are skipped; past
 * CUSTOM_DEPTH levels a value is kept whole as JSON text. Names and values
 * are cut to their maxima; past CUSTOM_MAX fields the rest are counted.
 * 0, or -1 when out of memory.
 */
int custom_add_json(custom_set *cs, const char *name, json_t *v);

/* Adds a note (printf-style) to what custom_summary() reports. */
void custom_note(custom_set *cs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What was cut or changed, one sentence a person can read ("message cut to
 * 4000 bytes (5230 given); 600 fields given, the first 512 kept"), owned by
 * cs; NULL when nothing was. */
const char *custom_summary(custom_set *cs);

#endif

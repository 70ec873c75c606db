/*
 * template.h - message templates: {{field}}, {{field|fallback}} and optional
 * parts {{#field}}...{{/field}} (shown only when field has a value) and
 * {{^field}}...{{/field}} (shown only when it has none).
 *
 * A missing or empty field uses its fallback, else renders as nothing; a
 * template never prints "{{" markup. Pure: fields come from a lookup callback.
 *
 * Syntax: field names are [a-z0-9_.]{1,64} (custom.zip); blanks may surround the sigil, the
 * name and the fallback ({{ first_name | there }}); the fallback is literal
 * text up to "}}", its outer blanks trimmed, and may be empty ({{service|}}).
 * Sections only test a field (no lists) and nest up to 64 deep.
 */
#ifndef LK_CORE_TEMPLATE_H
#define LK_CORE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

/* Returns the field's value or NULL when absent. The string is borrowed. */
typedef const char *(*template_lookup)(void *ctx, const char *field);

/* Renders tpl. Returns a malloc'd string (caller frees), NULL on out-of-memory.
 * Malformed markup renders literally minus the braces: "{{" without "}}"
 * drops the "{{"; "{{Bad Name}}" prints "Bad Name". A section tag without its
 * pair prints nothing. "{{" never appears in the output, even from a value:
 * a run of '{' collapses to one. Output is capped at 64 KiB (65536 bytes plus
 * the NUL), cut on a UTF-8 character boundary. */
char *template_render(const char *tpl, template_lookup lookup, void *ctx);

/* Called by template_check for each problem: byte offset into tpl and a message. */
typedef void (*template_problem)(void *ctx, size_t offset, const char *message);

/* Checks syntax (unterminated and malformed tags, unclosed and stray
 * sections, nesting too deep) and that every field is in known
 * (NULL-terminated list; NULL skips that check; an entry "prefix.*" admits
 * every name "prefix.<something>"). Problems are reported in
 * offset order; report may be NULL. Returns the number of problems. */
int template_check(const char *tpl, const char *const *known, template_problem report,
		   void *ctx);

/* Called by template_unguarded for each {{field}} without a fallback that is
 * not inside a {{#field}}...{{/field}} of its own: at byte offset, field's name. */
typedef void (*template_use)(void *ctx, size_t offset, const char *field);

/* Finds the fields tpl prints bare - no fallback, no section that tests them -
 * which render as nothing when empty ("Hi ,"). Returns how many, or -1 when
 * out of memory. Malformed markup is template_check's to report. */
int template_unguarded(const char *tpl, template_use use, void *ctx);

/* SMS segments for text: GSM-7 (with extension chars counting 2) when every
 * character is in the GSM 03.38 set, else UCS-2 (UTF-16 code units).
 * Sets *ucs2 when given. Single segment: 160 / 70; multipart: 153 / 67, and
 * an escape pair or surrogate pair is never split across two parts. Invalid
 * UTF-8 forces UCS-2, one unit per bad byte. "" or NULL is 0 segments. */
size_t template_sms_segments(const char *utf8, bool *ucs2);

#endif

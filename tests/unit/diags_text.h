/*
 * diags_text.h - the configuration tests' shared helper: every problem of a
 * load as "LINE:COL: message" lines, one string to search, so a test says
 * where a problem must be reported and what it must (not) say.
 */
#ifndef LK_TEST_DIAGS_TEXT_H
#define LK_TEST_DIAGS_TEXT_H

#include <stdio.h>

#include "rules/rules_load.h"

/* A static buffer: valid until the next call; cut at 4 KiB. */
static inline const char *
diags_text(const rules_diags *d)
{
	static char buf[4096];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < d->n && n < sizeof buf; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%d:%d: %s\n", d->items[i].line,
				      d->items[i].col, d->items[i].message);
	return buf;
}

#endif

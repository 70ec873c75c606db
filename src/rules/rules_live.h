/*
 * rules_live.h - the rules a running server follows, replaced whole when the
 * rules file is reloaded (SIGHUP). One writer (the thread that reloads),
 * any number of readers (HTTP workers, the writer, the scheduler, the
 * dispatcher).
 *
 * Readers take the current rules with one atomic load and may use them for
 * as long as they like: every version a process loads stays alive until
 * rules_live_free() at exit. Why keep them rather than free an old version
 * once its last reader is done: that needs a reader count or an epoch on
 * every request's path, to save memory on a reload a person makes a few times
 * a week; a rules object is tens of kilobytes (its file is at most 1 MiB), so
 * a server reloaded a hundred times still holds only megabytes, and no reader
 * can ever see freed rules.
 */
#ifndef LK_RULES_LIVE_H
#define LK_RULES_LIVE_H

#include <stddef.h>

#include "../core/rules.h"

typedef struct rules_live rules_live;

/* Takes r (not NULL). NULL when out of memory (r is then freed). */
rules_live *rules_live_new(rules *r);

/* The rules in force now (acquire load). Borrowed until rules_live_free(). */
const rules *rules_live_get(const rules_live *l);

/* Puts r (not NULL) in force; takes it. The rules it replaces stay valid.
 * One writer at a time. 0, or -1 when out of memory (r is freed, the old
 * rules stay in force). */
int rules_live_set(rules_live *l, rules *r);

/* How many versions this process has loaded. */
size_t rules_live_count(const rules_live *l);

/* Frees every version; only after every reader has stopped. NULL: no-op. */
void rules_live_free(rules_live *l);

#endif

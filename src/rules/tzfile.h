/*
 * tzfile.h - loading an IANA time zone by name from the zoneinfo database.
 *
 * The I/O half of src/core/tz.h: find and read the TZif file, hand the bytes
 * to tz_parse(). Names are checked before they touch the file system, so a
 * rules file cannot make us read outside the zoneinfo directory.
 */
#ifndef LK_RULES_TZFILE_H
#define LK_RULES_TZFILE_H

#include <stddef.h>

#include "../core/tz.h"

/* Largest zone file read; real ones are under 4 KiB. */
#define TZFILE_MAX_BYTES (1024 * 1024)

/*
 * Loads zone `name` ("America/Chicago") from $TZDIR, or /usr/share/zoneinfo
 * when TZDIR is unset or empty. Returns a new zone (caller frees with tz_free)
 * or NULL with a message in err, e.g. `unknown time zone "Mars/Base"`.
 * Names must be non-empty, relative, free of "..", and made of [A-Za-z0-9/_+-].
 * "UTC" and "Etc/UTC" fall back to tz_utc() when the database lacks them.
 */
tz_zone *tzfile_load(const char *name, char *err, size_t errlen);

/* As tzfile_load, from an explicit zoneinfo directory (borrowed). The seam that
 * lets tests use a directory of their own without touching the environment. */
tz_zone *tzfile_load_dir(const char *dir, const char *name, char *err, size_t errlen);

/*
 * Zone files are kept once read and read again when stat() says one
 * changed. Between tzfile_batch_begin and tzfile_batch_end (serve's start:
 * thousands of businesses' rules loaded one after another, every one with
 * the same few dozen zones) a file kept is stat'ed once, its first use in
 * the batch, not at every load: a tzdata upgrade in the middle of one
 * start reaches the next load (a SIGHUP) as before. Calls nest; any thread.
 */
void tzfile_batch_begin(void);
void tzfile_batch_end(void);

#endif

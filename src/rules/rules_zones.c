/*
 * rules_zones.c - the time zones leads may be in, loaded with the rules so
 * the engine (which does no I/O) can read a lead's local time: every zone
 * contact_zone_name() lists, from the zoneinfo database. A zone the system
 * lacks is left out (its leads use the business's zone), never an error.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../core/contact.h"
#include "rules_internal.h"
#include "tzfile.h"

/* repeat[i]: contact_zone_name(i) is listed before i too (several
 * regions share a zone). Worked out once: comparing every name with the
 * ones before it was a hundred thousand strcmp() for each rules load. */
static pthread_once_t repeats_once = PTHREAD_ONCE_INIT;
static bool *repeat;		/* NULL: out of memory, compare each time */

static void
find_repeats(void)
{
	size_t n = contact_zone_count();

	if ((repeat = calloc(n ? n : 1, sizeof *repeat)) == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i && !repeat[i]; j++)
			repeat[i] = strcmp(contact_zone_name(j), contact_zone_name(i)) == 0;
}

static bool
loaded(const rules *r, size_t at, const char *name)
{
	if (repeat != NULL)
		return repeat[at];
	for (size_t i = 0; i < r->nzones; i++)
		if (strcmp(r->zones[i].name, name) == 0)
			return true;
	return false;
}

int
rl_lead_zones(rules *r)
{
	size_t n = contact_zone_count();
	char err[256];

	pthread_once(&repeats_once, find_repeats);
	if ((r->zones = calloc(n, sizeof *r->zones)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *name = contact_zone_name(i);
		rules_zone *z = &r->zones[r->nzones];

		if (loaded(r, i, name) || (z->zone = tzfile_load(name, err, sizeof err)) == NULL)
			continue;
		if ((z->name = strdup(name)) == NULL) {
			tz_free(z->zone);
			z->zone = NULL;
			return -1;
		}
		r->nzones++;
	}
	return 0;
}

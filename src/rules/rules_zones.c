/*
 * rules_zones.c - the time zones leads may be in, loaded with the rules so
 * the engine (which does no I/O) can read a lead's local time: every zone
 * contact_zone_name() lists, from the zoneinfo database. A zone the system
 * lacks is left out (its leads use the business's zone), never an error.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/contact.h"
#include "rules_internal.h"
#include "tzfile.h"

static bool
loaded(const rules *r, const char *name)
{
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

	if ((r->zones = calloc(n, sizeof *r->zones)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *name = contact_zone_name(i);
		rules_zone *z = &r->zones[r->nzones];

		if (loaded(r, name) || (z->zone = tzfile_load(name, err, sizeof err)) == NULL)
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

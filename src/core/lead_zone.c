/*
 * lead_zone.c - the zone to use for a lead (lead_zone.h): its own when known
 * and loaded, else the business's. No I/O: the rules carry the zones.
 */
#include <string.h>

#include "lead_zone.h"

const tz_zone *
rules_lead_zone_find(const rules *r, const char *name)
{
	if (name == NULL || *name == '\0')
		return NULL;
	if (r->business.timezone != NULL && strcmp(name, r->business.timezone) == 0)
		return r->business.zone;
	for (size_t i = 0; i < r->nzones; i++)
		if (strcmp(r->zones[i].name, name) == 0)
			return r->zones[i].zone;
	return NULL;
}

const char *
lead_zone_name(const rules *r, const lead *l)
{
	if (l != NULL && rules_lead_zone_find(r, l->timezone) != NULL)
		return l->timezone;
	return r->business.timezone;
}

const tz_zone *
lead_zone(const rules *r, const lead *l)
{
	const tz_zone *z = l != NULL ? rules_lead_zone_find(r, l->timezone) : NULL;

	return z != NULL ? z : r->business.zone;
}

rules_business
lead_clock(const rules *r, const lead *l)
{
	rules_business b = r->business;

	b.zone = (tz_zone *)lead_zone(r, l);	/* the copy never frees it */
	return b;
}

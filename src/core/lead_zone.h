/*
 * lead_zone.h - THE time zone to use for a lead. Call these, never
 * r->business.zone, wherever a lead's own local time matters (quiet hours for
 * its messages, a time proposed to it): the lead's zone - inferred from its
 * phone number at intake or set by a person - or the business's when unknown.
 * Pure: the zones were loaded with the rules (r->zones).
 */
#ifndef LK_CORE_LEAD_ZONE_H
#define LK_CORE_LEAD_ZONE_H

#include "lead.h"
#include "rules.h"

/* The IANA name of the zone to use for l: l->timezone when the rules know it,
 * else the business's. Borrowed from l or r. */
const char *lead_zone_name(const rules *r, const lead *l);

/* The loaded zone to use for l (as lead_zone_name); NULL means UTC, as
 * everywhere in tz.h. Borrowed from r. */
const tz_zone *lead_zone(const rules *r, const lead *l);

/* The business's clock as the lead lives it: its hours, holidays and quiet
 * hours, read in the lead's zone (lead_zone). A copy whose pointers borrow
 * from r; pass it to the bizclock functions. */
rules_business lead_clock(const rules *r, const lead *l);

/* The zone named name among those the rules loaded for leads (or the
 * business's own), or NULL when the rules do not know it. Borrowed from r. */
const tz_zone *rules_lead_zone_find(const rules *r, const char *name);

#endif

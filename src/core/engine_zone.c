/*
 * engine_zone.c - the lead's own time zone: inferred from its phone number
 * when the number says so (contact_phone_zone), kept on the lead
 * (ACT_SET_TIMEZONE), and read through lead_zone.h for its quiet hours.
 */
#include "contact.h"
#include "engine_internal.h"
#include "lead_zone.h"

void
engine_set_zone(engine_ctx *c, const char *zone, const char *why)
{
	if (engine_streq(zone, c->self.timezone))
		return;
	engine_push(c, ACT_SET_TIMEZONE)->name = engine_str(c, zone);
	c->self.timezone = zone;
	/* The business's own zone needs no word: nothing changes for the lead. */
	if (zone != NULL && !engine_streq(zone, c->r->business.timezone))
		engine_event(c, "lead.timezone", "Time zone %s (%s): quiet hours follow the "
			     "lead's clock", zone, why);
}

void
engine_infer_zone(engine_ctx *c)
{
	const char *zone;

	if (!engine_phone_usable(c))
		return;
	zone = contact_phone_zone(c->l->phone);
	if (zone != NULL && rules_lead_zone_find(c->r, zone) != NULL)
		engine_set_zone(c, zone, "from the phone number");
}

/*
 * flow_edit.c - a person's edits through the one door: snoozing a task and
 * correcting contact details are events the engine decides (engine_edit.c),
 * like everything else that changes a lead.
 */
#include "flow.h"

flow_result
flow_task_snooze(store *s, int64_t business_id, const rules *r, int64_t task_id,
		 int64_t until, const char *reason, const char *actor, int64_t now,
		 flow_out *out, char *err, size_t errlen)
{
	lead_event ev = lead_event_init(EV_TASK_SNOOZE);

	ev.until = until;
	ev.reason = reason;
	ev.actor = actor;
	return flow_task_event(s, business_id, r, task_id, &ev, now, out, err, errlen);
}

flow_result
flow_contact(store *s, int64_t business_id, const rules *r, int64_t lead_id,
	     const lead_fields *fields, const char *actor, int64_t now, flow_out *out,
	     char *err, size_t errlen)
{
	lead_event ev = lead_event_init(EV_CONTACT);

	ev.fields = *fields;
	ev.actor = actor;
	return flow_event(s, business_id, r, lead_id, &ev, now, out, err, errlen);
}

/*
 * flow_metrics.c - leadkeep_leads_in_total{source} and
 * leadkeep_decisions_total{event} (see flow_metrics.h).
 */
#include "flow_metrics.h"
#include "util/metrics.h"

METRICS_COUNTER(leads_in, "leadkeep_leads_in_total",
		"New leads taken in since start, by source (imports included).", "source")
METRICS_COUNTER(decisions, "leadkeep_decisions_total",
		"Decisions applied since start, by the event decided on.", "event")

static const char *const event_names[] = {
	[EV_CREATED] = "created", [EV_INQUIRY_AGAIN] = "inquiry_again",
	[EV_MESSAGE_IN] = "message_in", [EV_CALL_LOGGED] = "call_logged",
	[EV_VISIT_LOGGED] = "visit_logged", [EV_NOTE] = "note", [EV_STAGE] = "stage",
	[EV_OWNER] = "owner", [EV_TASK_DONE] = "task_done", [EV_OPT_OUT] = "opt_out",
	[EV_OPT_IN] = "opt_in", [EV_TIMER] = "timer", [EV_TASK_SNOOZE] = "task_snooze",
	[EV_CONTACT] = "contact", [EV_DELIVERY] = "delivery",
};

void
flow_count_decision(const lead_event *ev)
{
	size_t k = (size_t)ev->kind;
	const char *name = k < sizeof event_names / sizeof event_names[0] && event_names[k] ?
			   event_names[k] : "other";

	metrics_inc(&decisions, ev->import != IMPORT_NONE ? "imported" : name, 1);
}

void
flow_count_lead(const char *source)
{
	metrics_inc(&leads_in, source && *source ? source : "unknown", 1);
}

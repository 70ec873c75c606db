/*
 * flow_metrics.h - what the flow counts for GET /metrics: leads in by
 * source and decisions by event. For src/flow/ only. Counted when the
 * decision was applied in the caller's transaction (a transaction rolled back
 * afterwards is still counted: a counter, not a census of the database).
 */
#ifndef LK_FLOW_METRICS_H
#define LK_FLOW_METRICS_H

#include "core/lead.h"

void flow_count_decision(const lead_event *ev);
void flow_count_lead(const char *source);

#endif

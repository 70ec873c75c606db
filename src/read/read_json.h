/*
 * read_json.h - the JSON shapes the API and the CLI show, built from the
 * store's rows (store_read.h), so both show the same thing. Times are ISO
 * 8601 UTC strings or null. The caller owns every json_t returned.
 */
#ifndef LK_READ_JSON_H
#define LK_READ_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "store/store_read.h"

/* Lead id with its appointments, tasks, pending timers, messages and (when
 * asked) its timeline into *out. 1 found, 0 no such lead, -1 storage error. */
int read_lead_json(store *s, int64_t business_id, int64_t id, bool with_timeline,
		   json_t **out);

/* The business's leads matching f, newest first, as an array; NULL on a
 * storage error. */
json_t *read_leads_json(store *s, int64_t business_id, const store_lead_filter *f);

/* Tasks (see store_tasks_read) as an array; NULL on a storage error. */
json_t *read_tasks_json(store *s, int64_t business_id, const char *assignee,
			const char *state, int limit);

/* One lead row as the API shows it (without tasks and the rest), and one
 * timeline entry: for exports. Never NULL unless out of memory. */
json_t *read_lead_row_json(const store_lead_row *r);
json_t *read_event_json(const store_event_row *r);

/* Appointments matching f in start order (store_appointments_read), each with
 * its lead's name, phone and service and a maps link for its place; NULL on
 * a storage error. */
json_t *read_appointments_json(store *s, int64_t business_id,
			       const store_appointment_filter *f);

/* The maps search link of an address (everything but unreserved characters
 * percent-encoded), as the CLI, the API and the web app show it; the caller
 * frees it. NULL when out of memory. */
char *read_maps_url(const char *place);

/* API tokens without secrets, newest first; NULL on a storage error. */
json_t *read_tokens_json(store *s, int64_t business_id);

#endif

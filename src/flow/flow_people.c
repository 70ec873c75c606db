/*
 * flow_people.c - what people being away needs from the store, through the
 * one door: the open-lead counts routing reads for people.max_open_leads,
 * and the pass that hands the open tasks of people who went away to who
 * covers for them (EV_PEOPLE for each lead; the engine decides).
 */
#include <stdio.h>
#include <string.h>

#include "flow.h"

#define PEOPLE_BATCH 256

int
flow_state_loads(store *s, int64_t business_id, const rules *r, const lead_state *st,
		 lead_state *out, lead_load *loads, size_t max)
{
	size_t n = 0;

	*out = *st;
	for (size_t i = 0; i < r->npeople && n < max; i++) {
		const rules_person *p = &r->people[i];

		if (p->max_open_leads <= 0)
			continue;
		loads[n].person = p->id;
		if (store_owner_open_leads(s, business_id, p->id, &loads[n].open_leads) < 0)
			return -1;
		n++;
	}
	if (n > 0) {
		out->loads = loads;
		out->nloads = n;
	}
	return 0;
}

flow_result
flow_people(store *s, int64_t business_id, const rules *r, int64_t now, size_t *moved,
	    char *err, size_t errlen)
{
	size_t dummy;

	if (moved == NULL)
		moved = &dummy;
	*moved = 0;
	if (!rules_anyone_absent(r))
		return FLOW_OK;
	for (size_t i = 0; i < r->npeople; i++) {
		const rules_person *p = &r->people[i];
		int64_t ids[PEOPLE_BATCH], after = 0;
		int n;

		if (rules_person_present(p, now))
			continue;
		do {
			if ((n = store_assignee_leads(s, business_id, p->id, after, ids,
						      PEOPLE_BATCH)) < 0) {
				snprintf(err, errlen, "finding %s's tasks: %s", p->id, store_errmsg(s));
				return store_busy(s) ? FLOW_BUSY : FLOW_STORAGE;
			}
			for (int k = 0; k < n; k++) {
				lead_event ev = lead_event_init(EV_PEOPLE);
				flow_result res;

				ev.actor = "people";
				res = flow_event(s, business_id, r, ids[k], &ev, now, NULL, err, errlen);
				if (res != FLOW_OK && res != FLOW_NOT_FOUND)
					return res;
				after = ids[k];
				(*moved)++;
			}
		} while (n == PEOPLE_BATCH);
	}
	return FLOW_OK;
}

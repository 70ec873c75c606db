/*
 * http_calendar.c - GET /cal/TOKEN.ics: a person's open tasks as an
 * iCalendar feed (read/read_ical.h) for their phone's calendar. The secret
 * token in the URL is the only key (calendar apps send no headers):
 * `leadkeep calendar token PERSON` makes one, --revoke ends it. An unknown
 * token is 404, like any path that names nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "read/read_ical.h"
#include "store/store.h"

enum MHD_Result
http_calendar(http_req *rq)
{
	char token[STORE_CAL_TOKEN_LEN + 8], person[64], name[160];
	const rules_person *p;
	const rules_live *live = NULL;
	const rules *r;
	int64_t business_id;
	const char *dot;
	store *s;
	char *ics;
	size_t len;
	enum MHD_Result ret;
	int rc;

	snprintf(token, sizeof token, "%s", rq->params[0] ? rq->params[0] : "");
	if ((dot = strstr(token, ".ics")) != NULL && dot[4] == '\0')
		token[dot - token] = '\0';
	if ((s = http_store(rq)) == NULL)
		return http_error(rq, 503, "storage_error", "the database cannot be read", NULL);
	rc = store_calendar_check(s, token, &business_id, person, sizeof person);
	if (rc < 0)
		return http_error(rq, 503, "storage_error", "the database cannot be read", NULL);
	if (rc == 0 || (business_id != rq->srv->cfg.business_id &&
			(live = http_business_live(rq->srv, business_id)) == NULL))
		return http_error(rq, 404, "not_found", "no such calendar", NULL);
	r = live != NULL ? rules_live_get(live) : rq->srv->cfg.rules;
	p = rules_person_find(r, person);
	snprintf(name, sizeof name, "%s - %s tasks", r->business.name,
		 p && p->name ? p->name : person);
	if (read_ical_tasks(s, business_id, person, name, http_now(rq), &ics, &len) < 0)
		return http_error(rq, 503, "storage_error", "the tasks cannot be read", NULL);
	ret = http_reply(rq, 200, "text/calendar; charset=utf-8", ics, len);
	free(ics);
	return ret;
}

/*
 * intake_api.c - the REST API's lead as an intake request (see
 * intake_api.h).
 */
#include "intake_api.h"

intake_result
intake_api_lead(const intake_lead *given, const rules *r, intake_request *out)
{
	intake_request_init(out, INTAKE_LEAD);
	out->lead = *given;
	if (!given->name && !given->phone && !given->email)
		return INTAKE_MISSING;
	/* a preset owner the rules do not know is refused, not ignored */
	if (given->owner && rules_person_find(r, given->owner) == NULL)
		return INTAKE_INVALID;
	if (out->lead.source == NULL)
		out->lead.source = "api";
	return INTAKE_OK;
}

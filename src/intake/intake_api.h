/*
 * intake_api.h - the REST API's lead (POST /api/v1/leads) as an intake
 * request: what a lead posted by an integrator must hold, and its defaults.
 * The API reads and type-checks the JSON fields (its schema, its 422s);
 * this says what they mean. Pure.
 */
#ifndef LK_INTAKE_API_H
#define LK_INTAKE_API_H

#include "core/rules.h"
#include "intake.h"

/*
 * The lead given (its fields as the API read them; strings borrowed) as an
 * INTAKE_LEAD into *out, source "api" unless given. INTAKE_OK;
 * INTAKE_MISSING when it has none of name, phone and email; INTAKE_INVALID
 * when owner names no person of r.
 */
intake_result intake_api_lead(const intake_lead *given, const rules *r, intake_request *out);

#endif

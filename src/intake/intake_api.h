/*
 * intake_api.h - the REST API's lead (POST /api/v1/leads) as an intake
 * request: what a lead posted by an integrator may hold, its defaults, and
 * what is kept when it holds more. A lead is never refused for a field: a
 * field the API does not name ("zip", "budget") is kept as a custom field,
 * a number where text was expected is kept as text, text past its limit is
 * kept cut, an owner the rules do not know leaves the choice to routing -
 * and the lead's timeline says what was cut or changed. Only a body with
 * nothing in it is not a lead. Pure.
 */
#ifndef LK_INTAKE_API_H
#define LK_INTAKE_API_H

#include <jansson.h>

#include "core/rules.h"
#include "intake.h"
#include "intake_custom.h"

/* The lead's own fields and the most bytes each keeps. */
#define API_FIELD_MAX 256	/* name, phone, email, service, neighbourhood, external_id */
#define API_WORD_MAX 64		/* source, kind, owner */
#define API_TEXT_MAX 4000	/* message */

/*
 * The JSON object o (a POST /api/v1/leads body) as an INTAKE_LEAD into *out,
 * source "api" unless given. Every string is owned by cs (custom_init'd by
 * the caller, freed after the request is submitted); the request's custom
 * fields are cs's. INTAKE_OK; INTAKE_MISSING when no field holds a value;
 * INTAKE_NOMEM.
 */
intake_result intake_api_json(json_t *o, const rules *r, custom_set *cs, intake_request *out);

#endif

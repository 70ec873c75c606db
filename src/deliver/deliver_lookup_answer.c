/*
 * deliver_lookup_answer.c - reads Twilio Lookup v2's answer (outside input):
 * the line type, line_type_intelligence.type - "landline", "mobile",
 * "fixedVoip", "nonFixedVoip", "tollFree", ... (Twilio's documented shape;
 * null unless Fields=line_type_intelligence was asked). No I/O.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "deliver_internal.h"

int
deliver_lookup_line_type(const char *body, size_t len, char *type, size_t typelen)
{
	json_t *j = body ? json_loadb(body, len, 0, NULL) : NULL;
	const char *t = json_string_value(json_object_get(json_object_get(j,
						"line_type_intelligence"), "type"));
	int rc = -1;

	if (t != NULL && *t && strlen(t) < typelen) {
		snprintf(type, typelen, "%s", t);
		rc = 0;
	}
	json_decref(j);
	return rc;
}

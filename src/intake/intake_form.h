/*
 * intake_form.h - turns a source's fields (a web form, a flattened JSON
 * hook) into a lead: the configured field mapping first, then the usual
 * names web forms use (your-name, phone, email, message...), a honeypot
 * against bots, and every field left over kept in the lead's message so
 * nothing the person typed is lost. Pure.
 */
#ifndef LK_INTAKE_FORM_H
#define LK_INTAKE_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "intake.h"
#include "intake_fields.h"

typedef struct {
	bool honeypot;		/* the honeypot field was filled: a bot */
	bool empty;		/* no field had a value: not a submission */
} form_result;

/*
 * Fills in (strings borrowed from f or owned by f's arena) from f using
 * map (nmap entries, may be NULL) and the default names. honeypot may be
 * NULL. in->source, kind, service, owner are left for the caller.
 * Returns 0, or -1 on out-of-memory.
 */
int form_to_lead(fields *f, const intake_map *map, size_t nmap, const char *honeypot,
		 intake_lead *in, form_result *res);

/* Flattens a JSON object into f: nested keys joined with '.', arrays of
 * scalars joined with ", ", numbers and booleans as text. Depth and field
 * count are bounded. 0, or -1 when json is not an object or too big. */
int form_flatten_json(fields *f, const char *json, size_t len);

#endif

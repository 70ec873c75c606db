/*
 * intake_form.h - the web form adapter: a source's fields (a web form, a
 * flattened JSON hook) into a lead: the configured field mapping first, then
 * the usual names web forms use (your-name, phone, email, message...), a
 * honeypot against bots, every field left over kept in the lead's message so
 * nothing the person typed is lost, and the form's configured presets. Pure.
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

/* A configured web form or JSON hook ([form KEY], [hook KEY]): its mapping
 * and presets. Strings borrowed from the server's settings. */
typedef struct {
	const char *key;	/* the URL's key; a hook's lead.source by default */
	const intake_map *map;
	size_t nmap;
	const char *honeypot;	/* form: a field only bots fill in; NULL = none */
	const char *source;	/* lead.source; NULL = "web_form" (form) / key (hook) */
	const char *kind;	/* when the payload names none; NULL = new_inquiry */
	const char *service;	/* when the payload names none */
	const char *owner;	/* preset owner (a person id); NULL = the rules' routing */
} form_source;

/*
 * A web form's fields (urlencoded, multipart, or a JSON body flattened by
 * form_flatten_json) as an INTAKE_LEAD into *out, strings borrowed from f
 * and src or owned by f's arena. INTAKE_OK; INTAKE_NOTHING when the honeypot
 * was filled in (a bot: answer as if accepted, keep nothing); INTAKE_MISSING
 * when no field had a value; INTAKE_NOMEM.
 */
intake_result intake_form(fields *f, const form_source *src, intake_request *out);

/*
 * The mapping step alone: fills in (strings borrowed from f or owned by f's arena) from f using
 * map (nmap entries, may be NULL) and the default names. honeypot may be
 * NULL. in->source, kind, service, owner are left for the caller.
 * Returns 0, or -1 on out-of-memory.
 */
int form_to_lead(fields *f, const intake_map *map, size_t nmap, const char *honeypot,
		 intake_lead *in, form_result *res);

/* Flattens a JSON object into f: nested keys joined with '.', arrays of
 * scalars joined with ", ", numbers and booleans as text. Bounded, never
 * refused for its size: a value nested deeper than 8 levels is kept as its
 * JSON text, long names are cut and fields past FIELDS_MAX counted (f's
 * tallies; intake_form() puts them in the lead's cut note). 0, or -1 when
 * json is not an object (or out of memory). */
int form_flatten_json(fields *f, const char *json, size_t len);

#endif

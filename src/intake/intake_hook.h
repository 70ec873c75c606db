/*
 * intake_hook.h - the generic JSON webhook (Zapier, Make, n8n, a script):
 * an optional HMAC-SHA256 signature over the raw body, then the body's
 * fields (flattened) mapped to a lead like a web form's. Pure.
 */
#ifndef LK_INTAKE_HOOK_H
#define LK_INTAKE_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "intake_form.h"

/* True when header is hex(HMAC-SHA256(secret, body)), optionally written
 * "sha256=<hex>"; constant-time compare. */
bool hook_signature_ok(const char *secret, const char *body, size_t len, const char *header);

/*
 * A hook's JSON body as an INTAKE_LEAD into *out: flattened into f, mapped
 * like a form's (no honeypot), with src's presets; lead.source is src->source
 * or else the hook's key. INTAKE_OK; INTAKE_INVALID when the body is not a
 * JSON object (or nests too deep, or has too many fields); INTAKE_MISSING
 * when no field had a value; INTAKE_NOMEM.
 */
intake_result intake_hook(fields *f, const char *body, size_t len, const form_source *src,
			  intake_request *out);

/* The mapping step alone: parses a JSON object body into f and in via map
 * (see form_to_lead). 0, -1 when the body is not a JSON object. */
int hook_to_lead(fields *f, const char *body, size_t len, const intake_map *map, size_t nmap,
		 intake_lead *in, form_result *res);

#endif

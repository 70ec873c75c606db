/*
 * intake_hook.c - generic JSON webhook: signature and mapping (see
 * intake_hook.h).
 */
#include <string.h>

#include "intake_hook.h"
#include "intake_sig.h"

bool
hook_signature_ok(const char *secret, const char *body, size_t len, const char *header)
{
	unsigned char mac[32];
	char hex[65];

	if (secret == NULL || *secret == '\0' || header == NULL)
		return false;
	if (strncmp(header, "sha256=", 7) == 0)
		header += 7;
	sig_hmac_sha256(secret, strlen(secret), body, len, mac);
	sig_hex(mac, sizeof mac, hex);
	return sig_hex_equal(hex, header);
}

intake_result
intake_hook(fields *f, const char *body, size_t len, const form_source *src,
	    intake_request *out)
{
	form_source hook = *src;

	intake_request_init(out, INTAKE_LEAD);
	if (form_flatten_json(f, body, len) < 0)
		return INTAKE_INVALID;
	hook.honeypot = NULL;		/* a hook is a program, not a browser */
	if (hook.source == NULL)
		hook.source = src->key;
	return intake_form(f, &hook, out);
}

int
hook_to_lead(fields *f, const char *body, size_t len, const intake_map *map, size_t nmap,
	     intake_lead *in, form_result *res)
{
	if (form_flatten_json(f, body, len) < 0)
		return -1;
	return form_to_lead(f, map, nmap, NULL, in, res);
}

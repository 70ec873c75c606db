/*
 * intake_hook.c - generic JSON webhook: signature and mapping (see
 * intake_hook.h).
 */
#include <stdio.h>
#include <stdlib.h>
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

hook_sig
hook_verify(const char *secret, const char *timestamp, bool require_ts, int64_t now,
	    int64_t max_age, const char *body, size_t len, const char *header)
{
	unsigned char mac[32];
	char hex[65], prefix[32];
	long long ts;
	char *end;

	if (timestamp == NULL)
		return require_ts ? HOOK_SIG_NO_TIMESTAMP :
		       hook_signature_ok(secret, body, len, header) ? HOOK_SIG_OK : HOOK_SIG_BAD;
	if (secret == NULL || *secret == '\0' || header == NULL)
		return HOOK_SIG_BAD;
	if (*timestamp < '0' || *timestamp > '9' || strlen(timestamp) > 12)
		return HOOK_SIG_BAD_TIMESTAMP;
	ts = strtoll(timestamp, &end, 10);
	if (*end != '\0')
		return HOOK_SIG_BAD_TIMESTAMP;
	if (strncmp(header, "sha256=", 7) == 0)
		header += 7;
	snprintf(prefix, sizeof prefix, "%s.", timestamp);
	sig_hmac_sha256_2(secret, strlen(secret), prefix, strlen(prefix), body, len, mac);
	sig_hex(mac, sizeof mac, hex);
	if (!sig_hex_equal(hex, header))
		return HOOK_SIG_BAD;
	if (ts < now - max_age || ts > now + max_age)
		return HOOK_SIG_STALE;
	return HOOK_SIG_OK;
}

const char *
hook_sig_name(hook_sig r)
{
	switch (r) {
	case HOOK_SIG_OK:		return "ok";
	case HOOK_SIG_BAD:		return "bad_signature";
	case HOOK_SIG_BAD_TIMESTAMP:	return "bad_timestamp";
	case HOOK_SIG_STALE:		return "stale_timestamp";
	case HOOK_SIG_NO_TIMESTAMP:	return "missing_timestamp";
	}
	return "bad_signature";
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

// fuzz-sources: src/intake/intake_twilio.c src/intake/intake.c src/intake/intake_fields.c src/intake/intake_sig.c src/util/urlenc.c src/util/utf8.c src/core/lead.c
// fuzz-pkgs: libsodium
/*
 * fuzz_twilio.c - libFuzzer target for Twilio webhook handling: the
 * urlencoded parameters, the signature check (with port variants and
 * bodySHA256 URLs taken from the input), the keyword and call-outcome
 * readers, and the SMS and call adapters. A signature we computed ourselves
 * must always validate; a request the adapters make names its sender.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake_twilio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char url[1024], sig[TWILIO_SIG_LEN];
	intake_request req;
	twilio_call call;
	size_t ulen;
	fields f;

	if (nl == NULL || (ulen = (size_t)(nl - data)) >= sizeof url)
		return 0;
	memcpy(url, data, ulen);
	url[ulen] = '\0';
	if (strlen(url) != ulen)
		return 0;
	fields_init(&f);
	if (fields_parse_urlencoded(&f, (const char *)nl + 1, size - ulen - 1) == 0) {
		twilio_signature("12345", url, &f, sig);
		if (strstr(url, "bodySHA256=") == NULL &&
		    !twilio_signature_ok("12345", url, &f, NULL, 0, sig))
			abort();	/* our own signature must validate */
		(void)twilio_signature_ok("12345", url, &f, (const char *)nl + 1, size - ulen - 1,
					  fields_get(&f, "Signature"));
		(void)twilio_is_keyword(fields_get(&f, "Body"));
		(void)twilio_call_outcome(fields_get(&f, "CallStatus"), fields_get(&f, "CallDuration"),
					  10);
		if (intake_twilio_sms(&f, &req) == INTAKE_OK &&
		    (req.match_phone == NULL || *req.match_phone == '\0' ||
		     req.ev.text == NULL || strlen(req.dedupe_key) >= sizeof req.dedupe_key))
			abort();	/* a text names its sender and has a body */
		for (int h = TWILIO_VOICE_UNANSWERED; h <= TWILIO_CALL_STATUS; h++)
			if (intake_twilio_call(&f, (twilio_hook)h, 10, &call, &req) == INTAKE_OK &&
			    (req.kind == INTAKE_LEAD ? req.lead.phone == NULL || call != CALL_MISSED :
			     req.match_phone == NULL || call != CALL_ANSWERED))
				abort();	/* missed: a lead from the caller; answered: their lead */
	}
	fields_free(&f);
	return 0;
}

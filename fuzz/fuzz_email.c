// fuzz-sources: src/intake/intake_email.c src/intake/intake.c src/core/lead.c src/intake/intake_fields.c src/intake/intake_sig.c src/util/urlenc.c src/util/utf8.c src/util/str.c
// fuzz-pkgs: jansson libsodium
/*
 * fuzz_email.c - libFuzzer target for inbound email: SendGrid and Mailgun
 * field readers (From parsing, headers, envelope and message-headers JSON),
 * reply/signature stripping, Mailgun's signature check and the email
 * adapter. The stripped text is never longer than what it was cut from; a
 * request from an email names its sender.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake_email.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *stripped;
	intake_request req;
	email_in m;
	fields f;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if ((stripped = email_strip_reply(text)) != NULL) {
		if (strlen(stripped) > strlen(text))
			abort();
		free(stripped);
	}
	fields_init(&f);
	if (fields_parse_urlencoded(&f, text, size) == 0) {
		if (email_from_sendgrid(&f, &m) == 0 && (m.address == NULL || *m.address == '\0'))
			abort();	/* success promises a sender */
		if (email_from_mailgun(&f, &m) == 0 && (m.address == NULL || *m.address == '\0'))
			abort();
		if (email_from_mailgun(&f, &m) == 0 && intake_email(&f, &m, &req) == INTAKE_OK &&
		    (req.match_email == NULL || req.ev.text == NULL || !req.create_if_unknown))
			abort();	/* a reply from the sender, or their new lead */
		(void)email_mailgun_signature_ok("key", fields_get(&f, "timestamp"),
						 fields_get(&f, "token"), fields_get(&f, "signature"),
						 1770920772, 900);
	}
	fields_free(&f);
	free(text);
	return 0;
}

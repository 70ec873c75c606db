// fuzz-sources: src/intake/intake_hook.c src/intake/intake_form.c src/intake/intake_fields.c src/intake/intake_sig.c src/util/urlenc.c src/util/str.c
// fuzz-pkgs: jansson libsodium
/*
 * fuzz_hook.c - libFuzzer target for mapping outside fields to a lead: the
 * generic JSON hook (flattening nested objects and arrays) and the web-form
 * mapper on urlencoded input, with a field mapping and a honeypot. A
 * submission reported non-empty must carry at least one value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake_hook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static intake_map map[] = { { "customer", "name" }, { "tel", "phone" },
				    { "skip", "ignore" }, { "type", "kind" } };
	intake_lead in;
	form_result res;
	fields f;

	memset(&in, 0, sizeof in);
	fields_init(&f);
	(void)hook_to_lead(&f, (const char *)data, size, map, 4, &in, &res);
	fields_free(&f);

	memset(&in, 0, sizeof in);
	fields_init(&f);
	if (fields_parse_urlencoded(&f, (const char *)data, size) == 0 &&
	    form_to_lead(&f, map, 4, "website", &in, &res) == 0 && !res.empty && !res.honeypot &&
	    !in.name && !in.phone && !in.email && !in.message && !in.service && !in.neighbourhood &&
	    !in.kind)
		abort();	/* a value went nowhere */
	fields_free(&f);
	(void)hook_signature_ok("hook-secret", (const char *)data, size, "sha256=00");
	return 0;
}

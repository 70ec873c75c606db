// fuzz-sources: src/intake/intake_hook.c src/intake/intake_form.c src/intake/intake_custom.c src/intake/intake.c src/core/lead.c src/intake/intake_fields.c src/intake/intake_sig.c src/util/urlenc.c src/util/utf8.c src/util/str.c
// fuzz-pkgs: jansson libsodium
/*
 * fuzz_hook.c - libFuzzer target for mapping outside fields to a lead: the
 * generic JSON hook (flattening nested objects and arrays) and the web-form
 * mapper on urlencoded input, with a field mapping and a honeypot, and the
 * adapters over both; and the custom fields an API lead keeps (cut and
 * counted, never past their limits). A submission reported non-empty must
 * carry at least one value; a request always has its source.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake_custom.h"
#include "intake/intake_hook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static intake_map map[] = { { "customer", "name" }, { "tel", "phone" },
				    { "skip", "ignore" }, { "type", "kind" } };
	static const form_source src = { .key = "zapier", .map = map, .nmap = 4,
					 .honeypot = "website", .service = "Plumbing" };
	intake_request req;
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
	fields_init(&f);
	if (intake_hook(&f, (const char *)data, size, &src, &req) == INTAKE_OK &&
	    (req.lead.source == NULL || strcmp(req.lead.source, "zapier") != 0 ||
	     req.lead.service == NULL))
		abort();	/* a hook's lead comes from the hook, with its presets */
	fields_free(&f);
	fields_init(&f);
	if (fields_parse_urlencoded(&f, (const char *)data, size) == 0 &&
	    intake_form(&f, &src, &req) == INTAKE_OK &&
	    (req.lead.source == NULL || strcmp(req.lead.source, "web_form") != 0))
		abort();	/* a form's lead is a web_form's unless configured */
	fields_free(&f);
	(void)hook_signature_ok("hook-secret", (const char *)data, size, "sha256=00");
	(void)hook_verify("hook-secret", "1770920772", false, 1770920772, HOOK_MAX_AGE,
			  (const char *)data, size, "sha256=00");
	{
		json_t *o = json_loadb((const char *)data, size, 0, NULL);
		custom_set cs;

		custom_init(&cs);
		if (o != NULL && custom_add_json(&cs, "", o) == 0) {
			if (cs.n > CUSTOM_MAX)
				abort();
			for (size_t i = 0; i < cs.n; i++)
				if (strlen(cs.v[i].name) > CUSTOM_NAME_MAX ||
				    strlen(cs.v[i].value) > CUSTOM_VALUE_MAX)
					abort();	/* every kept field within its limits */
			(void)custom_summary(&cs);
		}
		custom_free(&cs);
		json_decref(o);
	}
	return 0;
}

// fuzz-sources: src/intake/intake_ads.c src/intake/intake.c src/core/lead.c src/intake/intake_fields.c src/intake/intake_sig.c src/util/urlenc.c src/util/utf8.c
// fuzz-pkgs: jansson libsodium
/*
 * fuzz_ads.c - libFuzzer target for the ad lead-form webhooks: Meta leadgen
 * notifications (ids as numbers or strings, batched entries, a page named
 * by the change or its entry: the lead's business), the
 * X-Hub-Signature-256 check, Google Ads user_column_data, and the adapters
 * that make their leads requests (each Meta lead keyed by its leadgen id).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake_ads.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	meta_lead leads[8];
	intake_request reqs[8];
	google_lead g;
	intake_lead in;
	fields f;
	int total = ads_meta_parse((const char *)data, size, leads, 8);
	int n = total < 8 ? total : 8;	/* it counts them all, fills 8 */

	if (total != ads_meta_parse((const char *)data, size, NULL, 0))
		abort();	/* the count does not depend on the room given */
	for (int i = 0; i < n; i++)
		if (leads[i].leadgen_id[0] == '\0' || strlen(leads[i].leadgen_id) >= 32 ||
		    strlen(leads[i].page_id) >= 32)
			abort();	/* every lead has its id; its page (its business) fits */
	fields_init(&f);
	if (n > 0 && intake_meta(&f, leads, n, reqs) == n)
		for (int i = 0; i < n; i++)
			if (strncmp(reqs[i].dedupe_key, "meta:", 5) != 0 ||
			    strcmp(reqs[i].dedupe_key + 5, leads[i].leadgen_id) != 0)
				abort();	/* a retried notification is recognised */
	fields_free(&f);
	(void)ads_meta_signature_ok("test-app-secret", (const char *)data, size,
				    "sha256=8abff1b93a97d91c096556271cb5abadfa38c950f1ffdf28db9443c025dbbf3a");
	memset(&in, 0, sizeof in);
	fields_init(&f);
	if (ads_google_parse(&f, (const char *)data, size, &g, &in) == 0 &&
	    intake_google(&g, &in, false, &reqs[0]) == INTAKE_NOTHING && !g.is_test)
		abort();	/* only a test lead is left out */
	fields_free(&f);
	return 0;
}

// fuzz-sources: src/deliver/deliver_form.c src/deliver/deliver_token.c src/util/urlenc.c
// fuzz-pkgs: libsodium
/*
 * fuzz_deliver_callback.c - libFuzzer target for what a status callback or
 * an unsubscribe link brings in from outside: the form-encoded body reader
 * (deliver_form_get) and the signed token check (deliver_token_check).
 *
 * Input: a form body. Contract checked beyond "no crash": a value found is
 * NUL-terminated inside its buffer and holds no NUL; a token taken from the
 * body never verifies unless it is the one we made for that id.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "deliver/deliver.h"
#include "deliver/deliver_form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "MessageSid", "MessageStatus", "ErrorCode", "m",
					     "token", "To", "" };
	static unsigned char key[32];
	static bool ready;
	const char *body = (const char *)data;
	char v[80], want[64];

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		memset(key, 7, sizeof key);
		ready = true;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		memset(v, 'x', sizeof v);
		if (deliver_form_get(body, size, names[i], v, sizeof v)) {
			if (memchr(v, '\0', sizeof v) == NULL)
				abort();	/* not terminated */
		}
	}
	if (deliver_form_get(body, size, "m", v, sizeof v)) {
		int64_t id = deliver_token_check(key, "status", v);

		if (id >= 0) {
			/* Only our own token for that id verifies. */
			deliver_token_make(key, "status", id, want, sizeof want);
			if (strcmp(want, v) != 0)
				abort();
		}
	}
	return 0;
}

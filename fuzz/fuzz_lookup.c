// fuzz-sources: src/deliver/deliver_lookup_answer.c
// fuzz-pkgs: jansson libcurl
/*
 * fuzz_lookup.c - libFuzzer target for Twilio Lookup v2's answer
 * (deliver_lookup_line_type). Contract beyond "no crash": a line type read
 * is non-empty, NUL-terminated inside its buffer, and never read from an
 * answer shorter than {"line_type_intelligence":{"type":"..."}}.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deliver/deliver_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char type[32];

	memset(type, 'x', sizeof type);
	if (deliver_lookup_line_type((const char *)data, size, type, sizeof type) == 0) {
		size_t n = strnlen(type, sizeof type);

		if (n == 0 || n == sizeof type || size < n + 38)
			abort();
	}
	return 0;
}

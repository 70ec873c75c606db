// fuzz-sources: src/core/*.c src/rules/*.c build/gen/default_rules.c
// fuzz-pkgs: yaml-0.1 libsodium
/*
 * fuzz_rules.c - libFuzzer target for the rules loader: any bytes must give
 * either a model and no errors, or no model and at least one error; never a
 * crash, a leak or a hang. Deep nesting and alias bombs included.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rules/rules_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rules_diags d;
	rules *r = rules_load_string((const char *)data, size, "fuzz.yaml", &d);
	FILE *sink = fopen("/dev/null", "w");

	/* The contract: a model exactly when there is no error. */
	if ((r != NULL) != (d.nerrors == 0))
		__builtin_trap();
	for (size_t i = 0; i < d.n; i++)
		if (d.items[i].message == NULL || d.items[i].line < 0 || d.items[i].col < 0)
			__builtin_trap();
	if (sink != NULL) {
		rules_diags_print(&d, sink);
		fclose(sink);
	}
	rules_free(r);
	rules_diags_free(&d);
	return 0;
}

// fuzz-sources: src/http/http_settings.c src/core/*.c src/rules/*.c build/gen/default_rules.c
// fuzz-pkgs: yaml-0.1 libsodium
/*
 * fuzz_config.c - libFuzzer target for the configuration readers: the same
 * bytes as the server's file and as a business file's sources. Either
 * settings and no error, or none and at least one error, each with its
 * place; never a crash, a leak or a hang. Secrets are checked for form only,
 * so no input opens a file or reads the environment.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "http/http_settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const rules_diags *d, bool loaded)
{
	if (loaded != (d->nerrors == 0))
		__builtin_trap();
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].message == NULL || d->items[i].line < 0 || d->items[i].col < 0)
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The readers take a path, as serve gives them: a memory file's. */
	int fd = memfd_create("fuzz-config", 0);
	char path[64];
	rules_diags d;
	settings *st;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	st = settings_load(path, &d);
	check(&d, st != NULL);
	rules_diags_free(&d);
	settings_free(st);
	st = settings_load(NULL, &d);
	rules_diags_free(&d);
	check(&d, settings_load_sources(st, path, true, &d) == 0);
	rules_diags_free(&d);
	settings_free(st);
	close(fd);
	return 0;
}

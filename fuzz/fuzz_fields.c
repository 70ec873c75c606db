// fuzz-sources: src/intake/intake_fields.c src/util/urlenc.c src/util/utf8.c
/*
 * fuzz_fields.c - libFuzzer target for the form body parsers
 * (application/x-www-form-urlencoded and multipart/form-data).
 *
 * The first byte picks the parser; for multipart, the input's first line is
 * the Content-Type header and the rest the body. Every field must come back
 * NUL-terminated at its length, within the field cap. Then the fields are
 * decoded into UTF-8 by a charset the first byte also picks: every name and
 * value (but file parts') must be valid UTF-8 without a NUL.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake_fields.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const fields *f)
{
	if (f->n > FIELDS_MAX)
		abort();
	for (size_t i = 0; i < f->n; i++) {
		if (f->v[i].value[f->v[i].vlen] != '\0' || strlen(f->v[i].name) > FIELDS_NAME_MAX)
			abort();
		(void)fields_get(f, f->v[i].name);
	}
}

static const char *const charsets[] = {
	NULL, "utf-8", "windows-1252", "ISO-8859-1", "iso-8859-15", "shift_jis", "iso-2022-jp",
	"koi8-r", "gb18030", "big5", "x-unknown",
};

static void
check_utf8(const fields *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const form_field *e = &f->v[i];

		if (!utf8_valid(e->name, strlen(e->name)))
			abort();
		if (e->is_file)
			continue;
		if (strlen(e->value) != e->vlen || !utf8_valid(e->value, e->vlen))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fields f;
	char *ct;
	const uint8_t *nl;

	if (size < 1)
		return 0;
	fields_init(&f);
	if (data[0] & 1) {
		fields_parse_urlencoded(&f, (const char *)data + 1, size - 1);
	} else {
		nl = memchr(data + 1, '\n', size - 1);
		if (nl == NULL)
			return 0;
		ct = malloc((size_t)(nl - data));
		if (ct == NULL)
			return 0;
		memcpy(ct, data + 1, (size_t)(nl - data - 1));
		ct[nl - data - 1] = '\0';
		fields_parse_multipart(&f, (const char *)nl + 1, size - (size_t)(nl + 1 - data), ct);
		free(ct);
	}
	check(&f);
	if (fields_to_utf8(&f, charsets[(data[0] >> 1) % (sizeof charsets / sizeof charsets[0])]) >= 0)
		check_utf8(&f);
	fields_free(&f);
	return 0;
}

// fuzz-sources: src/core/template.c
/*
 * fuzz_template.c - libFuzzer target for template_render, template_check and
 * template_sms_segments.
 *
 * Input: the template, optionally followed by a NUL byte and "name=value"
 * lines that define the fields (without them a fixed set of fields is used).
 * Beyond "no crash", it checks the contract: output never holds "{{", stays
 * under the cap, and is valid UTF-8 whenever the template and values are.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/template.h"

#define MAX_FIELDS 16
#define OUT_CAP 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
	const char *name[MAX_FIELDS];
	const char *value[MAX_FIELDS];
	size_t n;
} fields;

static const char *
lookup(void *ctx, const char *field)
{
	const fields *f = ctx;

	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->name[i], field) == 0)
			return f->value[i];
	return NULL;
}

static void
on_problem(void *ctx, size_t offset, const char *message)
{
	size_t len = *(const size_t *)ctx;

	/* An offset points into the template; a message is never empty. */
	if (offset >= len || message == NULL || message[0] == '\0')
		abort();
}

static bool
utf8_valid(const unsigned char *s)
{
	while (*s != '\0') {
		uint32_t c = *s, min;
		size_t len;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2, c &= 0x1F, min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3, c &= 0x0F, min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4, c &= 0x07, min = 0x10000;
		} else {
			return false;
		}
		for (size_t i = 1; i < len; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return false;
			c = (c << 6) | (s[i] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return false;
		s += len;
	}
	return true;
}

/* Splits "name=value\n..." (modified in place) into f. */
static void
parse_fields(char *s, fields *f)
{
	while (s != NULL && *s != '\0' && f->n < MAX_FIELDS) {
		char *nl = strchr(s, '\n'), *eq;

		if (nl != NULL)
			*nl = '\0';
		if ((eq = strchr(s, '=')) != NULL) {
			*eq = '\0';
			f->name[f->n] = s;
			f->value[f->n] = eq + 1;
			f->n++;
		}
		s = nl != NULL ? nl + 1 : NULL;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const known[] = { "first_name", "last_name", "service", "owner",
					     "empty", NULL };
	char *buf = malloc(size + 2), *tpl, *out;
	fields f = { .n = 0 };
	size_t tpl_len;
	bool utf8_in, ucs2;
	size_t segs;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	buf[size + 1] = '\0';
	tpl = buf;
	tpl_len = strlen(tpl);
	if (tpl_len < size) {
		parse_fields(buf + tpl_len + 1, &f);
	} else {
		f = (fields){
			.name = { "first_name", "service", "owner", "empty", "braces" },
			.value = { "Marcus", "deck repair \xe2\x82\xac", "Dana", "", "{{x}}" },
			.n = 5,
		};
	}
	utf8_in = utf8_valid((const unsigned char *)tpl);
	for (size_t i = 0; i < f.n; i++)
		utf8_in = utf8_in && utf8_valid((const unsigned char *)f.value[i]);

	out = template_render(tpl, lookup, &f);
	if (out != NULL) {
		if (strstr(out, "{{") != NULL || strlen(out) > OUT_CAP)
			abort();
		if (utf8_in && !utf8_valid((const unsigned char *)out))
			abort();
		segs = template_sms_segments(out, &ucs2);
		if ((segs == 0) != (out[0] == '\0'))
			abort();
		free(out);
	}
	(void)template_check(tpl, known, on_problem, &tpl_len);
	(void)template_check(tpl, NULL, NULL, NULL);
	segs = template_sms_segments(tpl, NULL);
	if ((segs == 0) != (tpl_len == 0))
		abort();
	free(buf);
	return 0;
}

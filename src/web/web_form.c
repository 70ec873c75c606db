/*
 * web_form.c - form bodies and typed form values (see web_form.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "util/urlenc.h"
#include "web_form.h"

void
web_form_free(web_form *f)
{
	free(f->mem);
	memset(f, 0, sizeof *f);
}

int
web_form_parse(web_form *f, const char *body, size_t len)
{
	size_t used = 0, i = 0;

	memset(f, 0, sizeof *f);
	/* decoding never grows: len bytes (+ a NUL per piece) always suffice */
	if ((f->mem = malloc(len + 2 * WEB_FORM_MAX_FIELDS + 2)) == NULL)
		return -1;
	while (i < len) {
		size_t end = i, eq;
		char *name, *value;
		size_t nlen, vlen;

		while (end < len && body[end] != '&')
			end++;
		if (end == i) {
			i++;
			continue;	/* "a=1&&b=2" */
		}
		if (f->n == WEB_FORM_MAX_FIELDS)
			goto bad;
		for (eq = i; eq < end && body[eq] != '='; eq++)
			;
		name = f->mem + used;
		nlen = urlenc_decode(body + i, eq - i, name, eq - i);
		name[nlen] = '\0';
		used += nlen + 1;
		value = f->mem + used;
		vlen = eq < end ? urlenc_decode(body + eq + 1, end - eq - 1, value, end - eq - 1) : 0;
		value[vlen] = '\0';
		used += vlen + 1;
		if (strlen(name) != nlen || strlen(value) != vlen)
			goto bad;	/* a NUL inside */
		f->name[f->n] = name;
		f->value[f->n] = str_trim(value);
		f->n++;
		i = end + 1;
	}
	return 0;
bad:
	web_form_free(f);
	return -1;
}

const char *
web_form_get(const web_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i][0] ? f->value[i] : NULL;
	return NULL;
}

int64_t
web_parse_amount(const char *s)
{
	int64_t whole = 0, cents = 0;
	int digits = 0, frac = 0;

	if (s == NULL)
		return -1;
	while (*s == ' ')
		s++;
	if (*s == '$')
		s++;
	for (; *s && *s != '.'; s++) {
		if (*s == ',' && digits > 0)
			continue;
		if (*s < '0' || *s > '9' || whole > 1000000000LL / 10)
			return -1;
		whole = whole * 10 + (*s - '0');
		digits++;
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (++frac > 2)
				return -1;
			cents = cents * 10 + (*s - '0');
		}
	while (*s == ' ')
		s++;
	if (*s != '\0' || (digits == 0 && frac == 0) || whole > 1000000000LL)
		return -1;
	if (frac == 1)
		cents *= 10;
	return whole * 100 + cents;
}

void
web_money(int64_t cents, char *buf, size_t len)
{
	char digits[32], grouped[48];
	uint64_t v = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	size_t n, o = 0;

	n = (size_t)snprintf(digits, sizeof digits, "%llu", (unsigned long long)(v / 100));
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[o++] = ',';
		grouped[o++] = digits[i];
	}
	grouped[o] = '\0';
	snprintf(buf, len, "%s$%s.%02llu", cents < 0 ? "-" : "", grouped,
		 (unsigned long long)(v % 100));
}

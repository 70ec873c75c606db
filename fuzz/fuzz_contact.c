// fuzz-sources: src/core/contact.c src/core/contact_region.c src/core/contact_zone.c
/*
 * fuzz_contact.c - libFuzzer target for the phone and email normalisers.
 *
 * The input, NUL-terminated, goes through both normalisers (the phone one
 * once per default country) and the region and zone lookups. A normalised
 * value must have the promised shape and normalise to itself again; its
 * region, when it has one, is a country contact_region knows and includes the
 * number; its zone, when it has one, is one of the zones leads may be in.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/contact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A zone the number gives is listed among the zones the rules load. */
static void
check_zone(const char *e164)
{
	const char *zone = contact_phone_zone(e164);
	size_t i;

	if (zone == NULL)
		return;
	if (contact_phone_region(e164) == NULL)
		abort();
	for (i = 0; i < contact_zone_count(); i++)
		if (strcmp(contact_zone_name(i), zone) == 0)
			return;
	abort();
}

static void
check_region(const char *e164)
{
	const char *region = contact_phone_region(e164);

	check_zone(e164);
	if (region == NULL)
		return;
	if (!contact_country_known(region) || !contact_phone_in(e164, &region, 1))
		abort();
}

static void
check_phone(const char *in, const char *country)
{
	char out[32], again[32];
	size_t len;

	memset(out, 0x5a, sizeof(out));
	if (contact_phone_normalize(in, country, out, sizeof(out)) < 0)
		return;
	/* E.164: '+', a calling code that does not start with 0, 8..15 digits. */
	len = strlen(out);
	if (out[0] != '+' || len < 9 || len > 16 || out[1] == '0' ||
	    strspn(out + 1, "0123456789") != len - 1)
		abort();
	if (contact_phone_normalize(out, "ZZ", again, sizeof(again)) < 0 ||
	    strcmp(out, again) != 0)
		abort();
	/* A buffer one byte short must fail. */
	if (contact_phone_normalize(in, country, again, len) == 0)
		abort();
	check_region(out);
}

static void
check_email(const char *in)
{
	char out[300], again[300];
	const char *at;
	size_t len;

	if (contact_email_normalize(in, out, sizeof(out)) < 0)
		return;
	len = strlen(out);
	at = strchr(out, '@');
	if (len == 0 || len > 254 || at == NULL || strchr(at + 1, '@') != NULL ||
	    strchr(at, '.') == NULL)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((out[i] >= 'A' && out[i] <= 'Z') || out[i] == ' ' ||
		    (unsigned char)out[i] >= 0x80)
			abort();
	if (contact_email_normalize(out, again, sizeof(again)) < 0 ||
	    strcmp(out, again) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const countries[] = { "US", "CA", "GB", "DE", "FR", "ES", "IT",
						 "NL", "IE", "AU", "NZ", "MX", "IN", "ZZ",
						 "", NULL };
	char *in = malloc(size + 1);

	if (in == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	for (size_t i = 0; i < sizeof(countries) / sizeof(countries[0]); i++)
		check_phone(in, countries[i]);
	check_email(in);
	check_region(in);	/* raw input too: it must not read past the string */
	free(in);
	return 0;
}

/*
 * contact.h - phone and email normalisation at intake.
 *
 * A bad phone or email never drops a lead: callers keep the raw value and flag
 * it. These functions only say whether a value could be normalised. Pure.
 */
#ifndef LK_CORE_CONTACT_H
#define LK_CORE_CONTACT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Normalises a phone number as typed ("(312) 555-0101", "312.555.0101",
 * "+1 312 555 0101", "00 49 30 1234567", "tel:+1...") to E.164 ("+13125550101"),
 * using default_country (ISO alpha-2, e.g. "US") for national numbers.
 * Returns 0 and writes out, or -1 when it is not a plausible number (out untouched).
 *
 * Separators (blanks, . - / ( ), pasted no-break spaces and dashes) are
 * dropped, and so is an extension ("x12", "ext. 12", "#12", ";ext=12").
 * Letters elsewhere ("1-800-FLOWERS") make it invalid. "+", "00" (any
 * default) and "011" (US, CA) / "0011" (AU) mark international numbers.
 * Lengths are checked for US CA GB DE FR ES IT NL IE AU NZ MX IN, leniently;
 * other calling codes only for E.164's 8..15 digits. A national number needs
 * one of those default countries. Well-shaped fakes ("555-555-5555") pass.
 */
int contact_phone_normalize(const char *in, const char *default_country, char *out,
			    size_t outlen);

/*
 * The ISO 3166 alpha-2 country of an E.164 number ("+13125550101" -> "US",
 * "+14165550101" -> "CA", "+18765550101" -> "JM"), or NULL when it has no
 * country (not E.164, an unassigned code, +1 900 premium numbers). The +1
 * countries are told apart by area code (toll-free 8XX counts as US);
 * other countries that share a calling code get the code's main one (+44
 * is GB, Jersey's too). The string is static.
 */
const char *contact_phone_region(const char *e164);

/* Whether iso (upper-case alpha-2) is a country contact_phone_region knows. */
bool contact_country_known(const char *iso);

/* Whether e164 belongs to one of the n countries isos: its region is one of
 * them, or shares its calling code with one of them (apart from +1 and +7,
 * whose countries are told apart). False for a number with no country. */
bool contact_phone_in(const char *e164, const char *const *isos, size_t n);

/*
 * The IANA zone an E.164 number places its owner in ("+13035550101" ->
 * "America/Denver", "+442071234567" -> "Europe/London"), or NULL when the
 * number does not say for certain: an area code or a country that spans
 * zones, no country, not E.164. The string is static (contact_zone.c).
 */
const char *contact_phone_zone(const char *e164);
/* The zones leadkeep knows for leads, i = 0 .. contact_zone_count() - 1 (a
 * name may repeat): every one contact_phone_zone() gives, and the main zones
 * of the countries it cannot place. The strings are static. */
size_t contact_zone_count(void);
const char *contact_zone_name(size_t i);

/* Trims and lower-cases the domain (and the local part, as every mailbox provider
 * a small business meets treats it case-insensitively); checks the shape
 * local@domain.tld. Accepts "Name <addr>" and "mailto:addr". ASCII only: quoted
 * local parts, IP literals and non-ASCII addresses are refused (IDN domains
 * pass in punycode). Returns 0 and writes out, or -1 when not plausible. */
int contact_email_normalize(const char *in, char *out, size_t outlen);

#endif

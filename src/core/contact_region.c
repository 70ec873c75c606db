/*
 * contact_region.c - which country an E.164 number belongs to, so automated
 * texts go only where the business serves (business.sms_countries). The
 * ITU calling codes of every ISO 3166 country; the +1 countries (NANP) are
 * told apart by area code. Pure tables: no I/O, no allocation.
 */
#include <stdbool.h>
#include <string.h>

#include "core/ascii.h"
#include "core/contact.h"

typedef struct {
	const char iso[3];
	const char *cc;		/* calling code, digits */
} calling_code;

/* Where several countries share a code, the first listed owns the code's
 * unassigned ranges; "7" is Russia except Kazakhstan's 6 and 7 ranges. */
static const calling_code codes[] = {
	{ "US", "1" }, { "CA", "1" }, { "AG", "1" }, { "AI", "1" }, { "AS", "1" },
	{ "BB", "1" }, { "BM", "1" }, { "BS", "1" }, { "DM", "1" }, { "DO", "1" },
	{ "GD", "1" }, { "GU", "1" }, { "JM", "1" }, { "KN", "1" }, { "KY", "1" },
	{ "LC", "1" }, { "MP", "1" }, { "MS", "1" }, { "PR", "1" }, { "SX", "1" },
	{ "TC", "1" }, { "TT", "1" }, { "VC", "1" }, { "VG", "1" }, { "VI", "1" },
	{ "RU", "7" }, { "KZ", "7" },
	{ "EG", "20" }, { "SS", "211" }, { "MA", "212" }, { "EH", "212" }, { "DZ", "213" },
	{ "TN", "216" }, { "LY", "218" }, { "GM", "220" }, { "SN", "221" }, { "MR", "222" },
	{ "ML", "223" }, { "GN", "224" }, { "CI", "225" }, { "BF", "226" }, { "NE", "227" },
	{ "TG", "228" }, { "BJ", "229" }, { "MU", "230" }, { "LR", "231" }, { "SL", "232" },
	{ "GH", "233" }, { "NG", "234" }, { "TD", "235" }, { "CF", "236" }, { "CM", "237" },
	{ "CV", "238" }, { "ST", "239" }, { "GQ", "240" }, { "GA", "241" }, { "CG", "242" },
	{ "CD", "243" }, { "AO", "244" }, { "GW", "245" }, { "IO", "246" }, { "SC", "248" },
	{ "SD", "249" }, { "RW", "250" }, { "ET", "251" }, { "SO", "252" }, { "DJ", "253" },
	{ "KE", "254" }, { "TZ", "255" }, { "UG", "256" }, { "BI", "257" }, { "MZ", "258" },
	{ "ZM", "260" }, { "MG", "261" }, { "RE", "262" }, { "YT", "262" }, { "ZW", "263" },
	{ "NA", "264" }, { "MW", "265" }, { "LS", "266" }, { "BW", "267" }, { "SZ", "268" },
	{ "KM", "269" }, { "ZA", "27" }, { "SH", "290" }, { "ER", "291" }, { "AW", "297" },
	{ "FO", "298" }, { "GL", "299" },
	{ "GR", "30" }, { "NL", "31" }, { "BE", "32" }, { "FR", "33" }, { "ES", "34" },
	{ "GI", "350" }, { "PT", "351" }, { "LU", "352" }, { "IE", "353" }, { "IS", "354" },
	{ "AL", "355" }, { "MT", "356" }, { "CY", "357" }, { "FI", "358" }, { "AX", "358" },
	{ "BG", "359" }, { "HU", "36" }, { "LT", "370" }, { "LV", "371" }, { "EE", "372" },
	{ "MD", "373" }, { "AM", "374" }, { "BY", "375" }, { "AD", "376" }, { "MC", "377" },
	{ "SM", "378" }, { "IT", "39" }, { "VA", "39" },
	{ "RO", "40" }, { "CH", "41" }, { "CZ", "420" }, { "SK", "421" }, { "LI", "423" },
	{ "AT", "43" }, { "GB", "44" }, { "GG", "44" }, { "IM", "44" }, { "JE", "44" },
	{ "DK", "45" }, { "SE", "46" }, { "NO", "47" }, { "SJ", "47" }, { "PL", "48" },
	{ "DE", "49" },
	{ "FK", "500" }, { "BZ", "501" }, { "GT", "502" }, { "SV", "503" }, { "HN", "504" },
	{ "NI", "505" }, { "CR", "506" }, { "PA", "507" }, { "PM", "508" }, { "HT", "509" },
	{ "PE", "51" }, { "MX", "52" }, { "CU", "53" }, { "AR", "54" }, { "BR", "55" },
	{ "CL", "56" }, { "CO", "57" }, { "VE", "58" }, { "GP", "590" }, { "BL", "590" },
	{ "MF", "590" }, { "BO", "591" }, { "GY", "592" }, { "EC", "593" }, { "GF", "594" },
	{ "PY", "595" }, { "MQ", "596" }, { "SR", "597" }, { "UY", "598" }, { "CW", "599" },
	{ "BQ", "599" },
	{ "MY", "60" }, { "AU", "61" }, { "CX", "61" }, { "CC", "61" }, { "ID", "62" },
	{ "PH", "63" }, { "NZ", "64" }, { "SG", "65" }, { "TH", "66" }, { "TL", "670" },
	{ "NF", "672" }, { "BN", "673" }, { "NR", "674" }, { "PG", "675" }, { "TO", "676" },
	{ "SB", "677" }, { "VU", "678" }, { "FJ", "679" }, { "PW", "680" }, { "WF", "681" },
	{ "CK", "682" }, { "NU", "683" }, { "WS", "685" }, { "KI", "686" }, { "NC", "687" },
	{ "TV", "688" }, { "PF", "689" }, { "TK", "690" }, { "FM", "691" }, { "MH", "692" },
	{ "JP", "81" }, { "KR", "82" }, { "VN", "84" }, { "KP", "850" }, { "HK", "852" },
	{ "MO", "853" }, { "KH", "855" }, { "LA", "856" }, { "CN", "86" }, { "BD", "880" },
	{ "TW", "886" },
	{ "TR", "90" }, { "IN", "91" }, { "PK", "92" }, { "AF", "93" }, { "LK", "94" },
	{ "MM", "95" }, { "MV", "960" }, { "LB", "961" }, { "JO", "962" }, { "SY", "963" },
	{ "IQ", "964" }, { "KW", "965" }, { "SA", "966" }, { "YE", "967" }, { "OM", "968" },
	{ "PS", "970" }, { "AE", "971" }, { "IL", "972" }, { "BH", "973" }, { "QA", "974" },
	{ "BT", "975" }, { "MN", "976" }, { "NP", "977" }, { "IR", "98" }, { "TJ", "992" },
	{ "TM", "993" }, { "AZ", "994" }, { "GE", "995" }, { "KG", "996" }, { "UZ", "998" },
	{ "XK", "383" }, { "RS", "381" }, { "ME", "382" }, { "HR", "385" }, { "SI", "386" },
	{ "BA", "387" }, { "MK", "389" }, { "UA", "380" },
};

#define NCODES (sizeof codes / sizeof codes[0])

/* The +1 area codes that are not the United States'. Toll-free (8XX) and
 * the other non-geographic codes count as US; premium 900 as nowhere. */
static const struct {
	const char iso[3];
	const char *areas;	/* three digits each, blank-separated */
} nanp[] = {
	{ "CA", "204 226 236 249 250 257 263 273 289 306 343 354 365 367 368 382 387 403 "
		"416 418 428 431 437 438 450 460 468 474 506 514 519 537 548 568 579 581 "
		"584 587 600 604 613 622 639 647 672 683 705 709 742 753 778 780 782 807 "
		"819 825 867 873 879 902 905 942" },
	{ "BS", "242" }, { "BB", "246" }, { "AI", "264" }, { "AG", "268" }, { "VG", "284" },
	{ "VI", "340" }, { "KY", "345" }, { "BM", "441" }, { "GD", "473" }, { "TC", "649" },
	{ "JM", "658 876" }, { "MS", "664" }, { "MP", "670" }, { "GU", "671" }, { "AS", "684" },
	{ "SX", "721" }, { "LC", "758" }, { "DM", "767" }, { "VC", "784" }, { "PR", "787 939" },
	{ "DO", "809 829 849" }, { "TT", "868" }, { "KN", "869" },
	{ "", "900" },
};

static bool
has_area(const char *areas, const char *digits)
{
	for (const char *a = areas; *a; a += a[3] ? 4 : 3)
		if (strncmp(a, digits, 3) == 0)
			return true;
	return false;
}

/* The calling code entry whose code starts digits (codes are prefix-free
 * apart from the countries sharing one, which come in a row). */
static const calling_code *
code_of(const char *digits)
{
	for (size_t i = 0; i < NCODES; i++)
		if (strncmp(digits, codes[i].cc, strlen(codes[i].cc)) == 0)
			return &codes[i];
	return NULL;
}

const char *
contact_phone_region(const char *e164)
{
	const calling_code *c;
	const char *d;

	if (e164 == NULL || e164[0] != '+')
		return NULL;
	d = e164 + 1;
	for (const char *p = d; *p; p++)
		if (!ascii_is_digit(*p))
			return NULL;
	if ((c = code_of(d)) == NULL)
		return NULL;
	if (strcmp(c->cc, "1") == 0) {
		if (strlen(d) != 11)
			return NULL;
		for (size_t i = 0; i < sizeof nanp / sizeof nanp[0]; i++)
			if (has_area(nanp[i].areas, d + 1))
				return nanp[i].iso[0] ? nanp[i].iso : NULL;
		return "US";
	}
	if (strcmp(c->cc, "7") == 0 && (d[1] == '6' || d[1] == '7'))
		return "KZ";
	return c->iso;
}

bool
contact_country_known(const char *iso)
{
	for (size_t i = 0; iso != NULL && i < NCODES; i++)
		if (strcmp(codes[i].iso, iso) == 0)
			return true;
	return false;
}

bool
contact_phone_in(const char *e164, const char *const *isos, size_t n)
{
	const char *region = contact_phone_region(e164);
	const calling_code *c;

	if (region == NULL)
		return false;
	c = code_of(e164 + 1);
	for (size_t i = 0; i < n; i++) {
		const calling_code *want = NULL;

		if (strcmp(isos[i], region) == 0)
			return true;
		/* Countries that share a calling code (other than +1 and +7,
		 * told apart above) share its numbers: Jersey's are GB's. */
		for (size_t j = 0; j < NCODES && want == NULL; j++)
			if (strcmp(codes[j].iso, isos[i]) == 0)
				want = &codes[j];
		if (want != NULL && strcmp(want->cc, "1") != 0 && strcmp(want->cc, "7") != 0 &&
		    strcmp(want->cc, c->cc) == 0)
			return true;
	}
	return false;
}

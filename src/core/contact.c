/*
 * contact.c - phone (E.164) and email normalisation at intake.
 *
 * Pure and table-driven: no locale, no allocation, no I/O. The phone rules are
 * plausibility checks (country code, trunk prefix, national number length), not
 * a numbering plan: a well-shaped fake number ("555-555-5555") passes.
 */
#include "core/contact.h"
#include "core/ascii.h"

#include <stdbool.h>
#include <string.h>

/* E.164: at most 15 digits after the '+'; we read a few more to reject cleanly. */
#define PHONE_MAX_DIGITS 20
#define E164_MIN 8
#define E164_MAX 15

#define EMAIL_MAX 254
#define EMAIL_LOCAL_MAX 64
#define EMAIL_LABEL_MAX 63

typedef struct {
	const char *iso;	/* ISO 3166 alpha-2 */
	const char *cc;		/* calling code */
	const char *intl;	/* international prefix besides the universal "00" */
	char trunk;		/* national trunk prefix digit, 0 if none */
	bool keep_trunk;	/* the leading 0 is part of the number (Italy) */
	int nsn_min, nsn_max;	/* national significant number length */
} phone_country;

/* NSN ranges are deliberately lenient: a real number must never be refused. */
static const phone_country phone_countries[] = {
	{ "US", "1", "011", 0, false, 10, 10 },
	{ "CA", "1", "011", 0, false, 10, 10 },
	{ "GB", "44", NULL, '0', false, 7, 10 },
	{ "DE", "49", NULL, '0', false, 6, 13 },
	{ "FR", "33", NULL, '0', false, 9, 9 },
	{ "ES", "34", NULL, 0, false, 9, 9 },
	{ "IT", "39", NULL, 0, true, 6, 11 },
	{ "NL", "31", NULL, '0', false, 9, 9 },
	{ "IE", "353", NULL, '0', false, 7, 9 },
	{ "AU", "61", "0011", '0', false, 9, 9 },
	{ "NZ", "64", NULL, '0', false, 8, 10 },
	{ "MX", "52", NULL, 0, false, 10, 10 },
	{ "IN", "91", NULL, '0', false, 10, 10 },
};

#define N_COUNTRIES (sizeof(phone_countries) / sizeof(phone_countries[0]))

/* Case-insensitive prefix test; returns the prefix length or 0. */
static size_t
has_prefix_ci(const char *s, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i] != '\0'; i++)
		if (ascii_lower(s[i]) != prefix[i])
			return 0;
	return i;
}

static const phone_country *
country_by_iso(const char *iso)
{
	if (iso == NULL)
		return NULL;
	for (size_t i = 0; i < N_COUNTRIES; i++) {
		const char *t = phone_countries[i].iso;

		if (ascii_lower(iso[0]) == ascii_lower(t[0]) &&
		    ascii_lower(iso[1]) == ascii_lower(t[1]) && iso[2] == '\0')
			return &phone_countries[i];
	}
	return NULL;
}

/* The known country whose calling code starts digits, or NULL. Calling codes
 * are a prefix code, so at most one entry's code (US and CA share "1") fits. */
static const phone_country *
country_by_cc(const char *digits)
{
	for (size_t i = 0; i < N_COUNTRIES; i++) {
		const char *cc = phone_countries[i].cc;

		if (strncmp(digits, cc, strlen(cc)) == 0)
			return &phone_countries[i];
	}
	return NULL;
}

/*
 * Separators people type or paste: ASCII punctuation plus the UTF-8 no-break
 * spaces and dashes that word processors substitute. Returns its byte length,
 * or 0 when s does not start with one.
 */
static size_t
phone_separator(const char *s)
{
	static const char *const utf8_seps[] = {
		"\xc2\xa0",	/* NO-BREAK SPACE */
		"\xe2\x80\x87",	/* FIGURE SPACE */
		"\xe2\x80\x89",	/* THIN SPACE */
		"\xe2\x80\xaf",	/* NARROW NO-BREAK SPACE */
		"\xe2\x80\x90",	/* HYPHEN */
		"\xe2\x80\x91",	/* NON-BREAKING HYPHEN */
		"\xe2\x80\x92",	/* FIGURE DASH */
		"\xe2\x80\x93",	/* EN DASH */
		"\xe2\x80\x94",	/* EM DASH */
	};

	if (ascii_is_space(*s) || *s == '.' || *s == '-' || *s == '(' || *s == ')' || *s == '/')
		return 1;
	for (size_t i = 0; i < sizeof(utf8_seps) / sizeof(utf8_seps[0]); i++) {
		size_t n = strlen(utf8_seps[i]);

		if (strncmp(s, utf8_seps[i], n) == 0)
			return n;
	}
	return 0;
}

/*
 * An extension marker ("x", "ext", "ext.", "extension", "#", ",", ";ext=") at s.
 * Returns its length, or 0. Whatever follows a marker is dropped, but must
 * still be digits and separators only.
 */
static size_t
phone_ext_marker(const char *s)
{
	static const char *const markers[] = { ";ext=", "extension", "ext", "x", "#", "," };
	size_t n;

	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		if ((n = has_prefix_ci(s, markers[i])) > 0) {
			if (s[n] == '.' || s[n] == ':' || s[n] == '=')
				n++;
			return n;
		}
	}
	return 0;
}

/*
 * Splits in into its digits. Sets *plus when the number starts with '+'.
 * Returns the digit count, or -1 on anything that is not a phone number.
 */
static int
phone_digits(const char *s, char digits[PHONE_MAX_DIGITS + 1], bool *plus)
{
	size_t n, nd = 0;
	bool in_ext = false;

	*plus = false;
	while (ascii_is_space(*s))
		s++;
	if ((n = has_prefix_ci(s, "tel:")) > 0)
		s += n;
	/* Separators may come before the '+': "(+44) 20 7946 0958". */
	while ((n = phone_separator(s)) > 0)
		s += n;
	if (*s == '+') {
		*plus = true;
		s++;
	}
	while (*s != '\0') {
		if (ascii_is_digit(*s)) {
			if (!in_ext) {
				if (nd == PHONE_MAX_DIGITS)
					return -1;
				digits[nd++] = *s;
			}
			s++;
		} else if ((n = phone_separator(s)) > 0) {
			s += n;
		} else if (!in_ext && nd > 0 && (n = phone_ext_marker(s)) > 0) {
			in_ext = true;
			s += n;
		} else {
			return -1;	/* letters, a second '+', stray punctuation */
		}
	}
	digits[nd] = '\0';
	return (int)nd;
}

static bool
nsn_fits(const phone_country *c, size_t len)
{
	return len >= (size_t)c->nsn_min && len <= (size_t)c->nsn_max;
}

/* NANP: NPA and NXX both start with 2..9. */
static bool
nanp_valid(const char *nsn, size_t len)
{
	return len == 10 && nsn[0] >= '2' && nsn[3] >= '2';
}

/*
 * The NSN of a number already split off its calling code, for country c.
 * Drops a trunk prefix written after the code ("+44 (0)20 ...": no NSN of a
 * trunk-prefix country starts with it) and Mexico's retired mobile "1".
 * Returns a pointer into nsn and sets *len, or NULL.
 */
static const char *
nsn_international(const phone_country *c, const char *nsn, size_t *len)
{
	size_t n = strlen(nsn);

	if (c->trunk != 0 && !c->keep_trunk && n > 0 && nsn[0] == c->trunk) {
		nsn++;
		n--;
		if (n > 0 && nsn[0] == c->trunk)
			return NULL;
	}
	if (strcmp(c->iso, "MX") == 0 && n == 11 && nsn[0] == '1') {
		nsn++;
		n--;
	}
	if (c->cc[0] == '1' ? !nanp_valid(nsn, n) : !nsn_fits(c, n))
		return NULL;
	*len = n;
	return nsn;
}

/* Writes "+" cc nsn into buf (at least E164_MAX + 2 bytes). */
static int
e164_build(char *buf, const char *cc, const char *nsn, size_t nsn_len)
{
	size_t cc_len = strlen(cc);

	if (cc_len + nsn_len < E164_MIN || cc_len + nsn_len > E164_MAX)
		return -1;
	buf[0] = '+';
	memcpy(buf + 1, cc, cc_len);
	memcpy(buf + 1 + cc_len, nsn, nsn_len);
	buf[1 + cc_len + nsn_len] = '\0';
	return 0;
}

/* digits hold a full international number (calling code first). */
static int
phone_international(const char *digits, char *buf)
{
	const phone_country *c;
	const char *nsn;
	size_t len;

	if (digits[0] == '0')
		return -1;	/* no calling code starts with 0 */
	c = country_by_cc(digits);
	if (c == NULL) {
		/* Unknown country: only the E.164 length can be checked. */
		len = strlen(digits);
		if (len < E164_MIN || len > E164_MAX)
			return -1;
		buf[0] = '+';
		memcpy(buf + 1, digits, len + 1);
		return 0;
	}
	nsn = nsn_international(c, digits + strlen(c->cc), &len);
	if (nsn == NULL)
		return -1;
	return e164_build(buf, c->cc, nsn, len);
}

/* digits hold a number as dialled inside country c. */
static int
phone_national(const phone_country *c, const char *digits, char *buf)
{
	size_t n = strlen(digits), cc_len = strlen(c->cc);

	if (c->cc[0] == '1') {
		/* NANP: "1" is the long-distance prefix, not a trunk "0". */
		if (n == 11 && digits[0] == '1') {
			digits++;
			n--;
		}
		if (!nanp_valid(digits, n))
			return -1;
		return e164_build(buf, c->cc, digits, n);
	}
	if (c->trunk != 0 && !c->keep_trunk && n > 0 && digits[0] == c->trunk)
		return nsn_fits(c, n - 1) ? e164_build(buf, c->cc, digits + 1, n - 1) : -1;
	if (nsn_fits(c, n))
		return e164_build(buf, c->cc, digits, n);
	/* Forms drop the '+' ("447911123456"): accept the calling code written
	 * without it, but only when the number cannot be read as national. */
	if (n > cc_len && strncmp(digits, c->cc, cc_len) == 0)
		return phone_international(digits, buf);
	return -1;
}

int
contact_phone_normalize(const char *in, const char *default_country, char *out,
			size_t outlen)
{
	char digits[PHONE_MAX_DIGITS + 1];
	char buf[E164_MAX + 2];
	const phone_country *home;
	bool plus;
	int nd;
	size_t n;

	if (in == NULL || out == NULL)
		return -1;
	nd = phone_digits(in, digits, &plus);
	if (nd <= 0)
		return -1;
	home = country_by_iso(default_country);
	if (plus) {
		if (phone_international(digits, buf) < 0)
			return -1;
	} else if (home != NULL && home->intl != NULL &&
		   strncmp(digits, home->intl, strlen(home->intl)) == 0) {
		if (phone_international(digits + strlen(home->intl), buf) < 0)
			return -1;
	} else if (digits[0] == '0' && digits[1] == '0') {
		/* "00" is the international prefix almost everywhere, and a
		 * national number never starts with it, whatever the default. */
		if (phone_international(digits + 2, buf) < 0)
			return -1;
	} else {
		if (home == NULL || phone_national(home, digits, buf) < 0)
			return -1;
	}
	n = strlen(buf);
	if (n + 1 > outlen)
		return -1;
	memcpy(out, buf, n + 1);
	return 0;
}

/* Characters allowed in an unquoted local part (RFC 5322 atext, plus '.'). */
static bool
email_local_char(char c)
{
	return ascii_is_digit(c) || ascii_is_alpha(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~.", c));
}

static bool
email_local_valid(const char *s, size_t len)
{
	if (len == 0 || len > EMAIL_LOCAL_MAX || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!email_local_char(s[i]))
			return false;
		if (s[i] == '.' && s[i + 1] == '.')
			return false;
	}
	return true;
}

/* TLD: two or more letters, or an IDN TLD in its punycode form ("xn--p1ai"). */
static bool
email_tld_valid(const char *s, size_t len)
{
	if (len >= 5 && has_prefix_ci(s, "xn--") == 4)
		return true;
	if (len < 2)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!ascii_is_alpha(s[i]))
			return false;
	return true;
}

static bool
email_domain_valid(const char *s, size_t len)
{
	size_t start = 0, labels = 0;

	for (size_t i = 0; i <= len; i++) {
		size_t l;

		if (i < len && s[i] != '.') {
			if (!ascii_is_alpha(s[i]) && !ascii_is_digit(s[i]) && s[i] != '-')
				return false;
			continue;
		}
		l = i - start;
		if (l == 0 || l > EMAIL_LABEL_MAX || s[start] == '-' || s[i - 1] == '-')
			return false;
		labels++;
		if (i == len && !email_tld_valid(s + start, l))
			return false;
		start = i + 1;
	}
	return labels >= 2;
}

int
contact_email_normalize(const char *in, char *out, size_t outlen)
{
	const char *s, *e, *lt, *at = NULL;
	size_t len, n;

	if (in == NULL || out == NULL)
		return -1;
	s = in;
	while (ascii_is_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && ascii_is_space(e[-1]))
		e--;
	/* "Marcus Johnson <mj@x.io>": the address is inside the last <...>. */
	if (e > s && e[-1] == '>') {
		for (lt = e - 1; lt > s && lt[-1] != '<'; lt--)
			;
		if (lt == s)
			return -1;
		s = lt;
		e--;
		while (s < e && ascii_is_space(*s))
			s++;
		while (e > s && ascii_is_space(e[-1]))
			e--;
	}
	if ((n = has_prefix_ci(s, "mailto:")) > 0 && (size_t)(e - s) > n)
		s += n;
	len = (size_t)(e - s);
	if (len == 0 || len > EMAIL_MAX)
		return -1;
	for (const char *p = s; p < e; p++) {
		if (*p == '@') {
			if (at != NULL)
				return -1;
			at = p;
		}
	}
	if (at == NULL || !email_local_valid(s, (size_t)(at - s)) ||
	    !email_domain_valid(at + 1, (size_t)(e - at - 1)))
		return -1;
	if (len + 1 > outlen)
		return -1;
	for (size_t i = 0; i < len; i++)
		out[i] = ascii_lower(s[i]);
	out[len] = '\0';
	return 0;
}

/*
 * intake_twilio.c - Twilio signature validation, keywords and call outcomes
 * (see intake_twilio.h). The signing string is built in a buffer that grows
 * with the (already size-capped) request.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "intake_sig.h"
#include "intake_twilio.h"

static int
cmp_field(const void *a, const void *b)
{
	const form_field *x = *(const form_field *const *)a, *y = *(const form_field *const *)b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	/* values may hold NULs: compare as bytes */
	c = memcmp(x->value, y->value, x->vlen < y->vlen ? x->vlen : y->vlen);
	return c != 0 ? c : (x->vlen > y->vlen) - (x->vlen < y->vlen);
}

void
twilio_signature(const char *token, const char *url, const fields *params,
		 char out[TWILIO_SIG_LEN])
{
	size_t n = params ? params->n : 0, len = strlen(url), o;
	const form_field **sorted = calloc(n ? n : 1, sizeof *sorted);
	unsigned char mac[20];
	char *s;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += strlen(params->v[i].name) + params->v[i].vlen;
	if (sorted == NULL || (s = malloc(len + 1)) == NULL) {
		free(sorted);
		return;
	}
	for (size_t i = 0; i < n; i++)
		sorted[i] = &params->v[i];
	qsort(sorted, n, sizeof *sorted, cmp_field);
	o = strlen(url);
	memcpy(s, url, o);
	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(sorted[i]->name);

		if (i > 0 && cmp_field(&sorted[i - 1], &sorted[i]) == 0)
			continue;	/* the SDK signs set(values) */
		memcpy(s + o, sorted[i]->name, nl);
		o += nl;
		memcpy(s + o, sorted[i]->value, sorted[i]->vlen);
		o += sorted[i]->vlen;
	}
	sig_hmac_sha1(token, strlen(token), s, o, mac);
	sig_base64(mac, sizeof mac, out);
	free(s);
	free(sorted);
}

/* url with its port removed (mode 0) or the default port added (mode 1),
 * into buf; false when that variant does not apply. */
static bool
port_variant(const char *url, int mode, char *buf, size_t len)
{
	const char *host, *end, *colon;
	bool https = strncmp(url, "https://", 8) == 0;

	if (!https && strncmp(url, "http://", 7) != 0)
		return false;
	host = url + (https ? 8 : 7);
	end = host + strcspn(host, "/?#");
	colon = memchr(host, ':', (size_t)(end - host));
	if (strlen(url) + 8 > len)
		return false;
	if (mode == 0) {
		if (colon == NULL)
			return false;
		memcpy(buf, url, (size_t)(colon - url));
		strcpy(buf + (colon - url), end);
	} else {
		if (colon != NULL)
			return false;
		memcpy(buf, url, (size_t)(end - url));
		strcpy(buf + (end - url), https ? ":443" : ":80");
		strcat(buf, end);
	}
	return true;
}

/* The bodySHA256 query value of url into out (65 bytes); false if none. */
static bool
body_hash_param(const char *url, char out[65])
{
	const char *q = strchr(url, '?');
	const char *p = q;

	while (p != NULL && (p = strstr(p, "bodySHA256=")) != NULL) {
		if (p[-1] == '?' || p[-1] == '&') {
			size_t n = strcspn(p + 11, "&#");

			if (n != 64)
				return false;
			memcpy(out, p + 11, 64);
			out[64] = '\0';
			return true;
		}
		p++;
	}
	return false;
}

bool
twilio_signature_ok(const char *token, const char *url, const fields *params,
		    const char *body, size_t blen, const char *sig)
{
	char want[TWILIO_SIG_LEN], alt[2048], bh[65];
	bool ok = false;

	if (token == NULL || *token == '\0' || sig == NULL || strlen(url) > 1500)
		return false;
	if (body_hash_param(url, bh)) {
		unsigned char h[32];
		char hex[65];

		crypto_hash_sha256(h, (const unsigned char *)body, blen);
		sig_hex(h, sizeof h, hex);
		if (!sig_hex_equal(hex, bh))
			return false;
		params = NULL;
	}
	twilio_signature(token, url, params, want);
	ok |= sig_equal(want, sig);
	for (int mode = 0; mode < 2; mode++)
		if (port_variant(url, mode, alt, sizeof alt)) {
			twilio_signature(token, alt, params, want);
			ok |= sig_equal(want, sig);
		}
	return ok;
}

bool
twilio_is_keyword(const char *text)
{
	static const char *const words[] = {
		"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT",
		"START", "YES", "UNSTOP", "HELP", "INFO", NULL,
	};
	char w[16];
	size_t n = 0;

	if (text == NULL)
		return false;
	while (isspace((unsigned char)*text))
		text++;
	while (*text && !isspace((unsigned char)*text) && n < sizeof w - 1)
		w[n++] = *text++;
	w[n] = '\0';
	while (isspace((unsigned char)*text))
		text++;
	if (*text != '\0' || n == 0)
		return false;
	for (size_t i = 0; words[i]; i++)
		if (strcasecmp(w, words[i]) == 0)
			return true;
	return false;
}

twilio_call
twilio_call_outcome(const char *status, const char *duration, int missed_under)
{
	static const char *const missed[] = { "no-answer", "busy", "failed", "canceled", NULL };

	if (status == NULL)
		return CALL_PENDING;
	for (size_t i = 0; missed[i]; i++)
		if (strcmp(status, missed[i]) == 0)
			return CALL_MISSED;
	if (strcmp(status, "completed") == 0 || strcmp(status, "answered") == 0) {
		long secs = duration ? strtol(duration, NULL, 10) : -1;

		return duration && secs >= 0 && secs < missed_under ? CALL_MISSED : CALL_ANSWERED;
	}
	return CALL_PENDING;
}

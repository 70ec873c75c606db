/*
 * intake_twilio.c - Twilio signature validation, keywords, call outcomes and
 * the SMS and call adapters (see intake_twilio.h). The signing string is
 * built in a buffer that grows with the (already size-capped) request.
 */
#include <ctype.h>
#include <stdio.h>
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

/* Provider ids this long or longer get no dedupe key (Twilio's are 34). */
#define SID_UNDER 64

intake_result
intake_twilio_sms(fields *f, intake_request *out)
{
	const char *from = fields_get(f, "From"), *body = fields_get(f, "Body");
	const char *sid = fields_get(f, "MessageSid"), *n;

	intake_request_init(out, INTAKE_MESSAGE);
	if (sid == NULL)
		sid = fields_get(f, "SmsSid");
	if (from == NULL || *from == '\0')
		return INTAKE_MISSING;
	/* media: keep the links with the text, the lead may have sent a photo */
	if ((n = fields_get(f, "NumMedia")) != NULL && *n != '0') {
		const char *text = body ? body : "";

		for (int i = 0; i < TWILIO_MEDIA_MAX; i++) {
			char name[24];
			const char *u;

			snprintf(name, sizeof name, "MediaUrl%d", i);
			if ((u = fields_get(f, name)) == NULL)
				break;
			if ((text = fields_printf(f, "%s%s[media] %s", text, *text ? "\n" : "",
						  u)) == NULL)
				return INTAKE_NOMEM;
		}
		body = text;
	}
	/* A bare keyword from an unknown number is not an inquiry. */
	out->create_if_unknown = !twilio_is_keyword(body);
	/* Bytes decoding replaced (a NUL, invalid UTF-8): said with the text */
	if ((n = fields_originals(f)) != NULL &&
	    (body = fields_printf(f, "%s%s(%s)", body ? body : "", body && *body ? "\n" : "",
				  n)) == NULL)
		return INTAKE_NOMEM;
	out->match_phone = from;
	out->ev = lead_event_init(EV_MESSAGE_IN);
	out->ev.channel = "sms";
	out->ev.text = body ? body : "";
	out->lead.phone = from;
	out->lead.source = "sms";
	out->lead.message = body;
	out->lead.external_id = sid;
	intake_dedupe(out, "twilio:sms", sid, SID_UNDER);
	return INTAKE_OK;
}

intake_result
intake_twilio_call(fields *f, twilio_hook hook, int missed_under, twilio_call *call,
		   intake_request *out)
{
	const char *from = fields_get(f, "From"), *sid = fields_get(f, "CallSid");
	const char *dir = fields_get(f, "Direction"), *status;
	twilio_call c;

	switch (hook) {
	case TWILIO_VOICE_UNANSWERED:
		status = "no one to answer";
		c = CALL_MISSED;
		break;
	case TWILIO_DIAL_ACTION:
		status = fields_get(f, "DialCallStatus");
		c = twilio_call_outcome(status, fields_get(f, "DialCallDuration"), missed_under);
		if (c == CALL_PENDING)
			c = CALL_MISSED;	/* the <Dial> ended without an answer we know */
		break;
	case TWILIO_CALL_STATUS:
	default:
		status = fields_get(f, "CallStatus");
		c = twilio_call_outcome(status, fields_get(f, "CallDuration"), missed_under);
		break;
	}
	if (status == NULL)
		status = "unknown";
	if (call != NULL)
		*call = c;
	intake_request_init(out, c == CALL_MISSED ? INTAKE_LEAD : INTAKE_CALL);
	if (c == CALL_PENDING || (dir && strncmp(dir, "outbound", 8) == 0))
		return INTAKE_NOTHING;	/* not over yet, or our own call out */
	if (from == NULL || *from == '\0')
		return INTAKE_MISSING;
	if (c == CALL_MISSED) {
		/* a missed call is an inquiry: a new lead, or "asked again" */
		out->lead.phone = from;
		out->lead.name = fields_get(f, "CallerName");
		out->lead.source = "phone_call";
		if ((out->lead.message = fields_printf(f, "Missed call (%s)", status)) == NULL)
			return INTAKE_NOMEM;
		out->lead.external_id = sid;
	} else {
		out->match_phone = from;
		out->ev = lead_event_init(EV_CALL_LOGGED);
		out->ev.outcome = "answered";
		out->ev.text = "Inbound call answered";
		out->create_if_unknown = false;
	}
	intake_dedupe(out, "twilio:call", sid, SID_UNDER);
	return INTAKE_OK;
}

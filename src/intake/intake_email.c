/*
 * intake_email.c - inbound email fields, reply stripping, Mailgun's
 * signature and the email adapter (see intake_email.h). Line-based and bounded by the text's own
 * length; nothing is read past a NUL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "intake_email.h"
#include "intake_sig.h"
#include "util/str.h"

void
email_parse_from(fields *f, const char *from, const char **name, const char **address)
{
	const char *lt, *gt;

	*name = *address = NULL;
	if (from == NULL)
		return;
	lt = strrchr(from, '<');
	gt = lt ? strchr(lt, '>') : NULL;
	if (lt != NULL && gt != NULL) {
		char *n = str_trim_dup(from, (size_t)(lt - from));
		size_t nl = n ? strlen(n) : 0;

		if (n != NULL && nl >= 2 && n[0] == '"' && n[nl - 1] == '"') {
			memmove(n, n + 1, nl - 2);
			n[nl - 2] = '\0';
		}
		*name = n && *n ? fields_keep(f, n) : (free(n), NULL);
		*address = fields_keep(f, str_trim_dup(lt + 1, (size_t)(gt - lt - 1)));
	} else {
		*address = fields_keep(f, str_trim_dup(from, strlen(from)));
	}
}

/* The value of header `name` in a raw header block, unfolded; arena-owned. */
static const char *
header_value(fields *f, const char *headers, const char *name)
{
	size_t nl = strlen(name);
	const char *p = headers;

	while (p != NULL && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':')
			return fields_keep(f, str_trim_dup(p + nl + 1, len - nl - 1));
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static bool
starts_with_ci(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp(line, prefix, n) == 0;
}

/* True when the line (without its newline) starts the quoted part or the
 * signature. next/nextlen: the following line, for two-line "On ... wrote:". */
static bool
cut_here(const char *l, size_t len, const char *next, size_t nextlen)
{
	while (len > 0 && (l[len - 1] == '\r' || l[len - 1] == ' '))
		len--;
	if (len == 2 && strncmp(l, "--", 2) == 0)
		return true;
	if (len > 0 && l[0] == '>')
		return true;
	if (starts_with_ci(l, len, "-----Original Message-----") ||
	    starts_with_ci(l, len, "________________________________") ||
	    starts_with_ci(l, len, "Sent from my ") || starts_with_ci(l, len, "Get Outlook for"))
		return true;
	if (starts_with_ci(l, len, "On ")) {
		if (len >= 6 && strncasecmp(l + len - 6, "wrote:", 6) == 0)
			return true;
		while (nextlen > 0 && (next[nextlen - 1] == '\r' || next[nextlen - 1] == ' '))
			nextlen--;
		if (next != NULL && nextlen >= 6 && strncasecmp(next + nextlen - 6, "wrote:", 6) == 0)
			return true;
	}
	if (starts_with_ci(l, len, "From: ") && next != NULL &&
	    (starts_with_ci(next, nextlen, "Sent: ") || starts_with_ci(next, nextlen, "Date: ")))
		return true;
	return false;
}

char *
email_strip_reply(const char *text)
{
	const char *p = text ? text : "";

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *next = eol ? eol + 1 : NULL;
		size_t nextlen = next ? strcspn(next, "\n") : 0;

		/* "-- " is the standard signature delimiter (RFC 3676) */
		if ((len >= 3 && strncmp(p, "-- ", 3) == 0 && (len == 3 || p[3] == '\r')) ||
		    cut_here(p, len, next, nextlen))
			break;
		if (eol == NULL) {
			p += len;
			break;
		}
		p = eol + 1;
	}
	return str_trim_dup(text ? text : "", (size_t)(p - (text ? text : "")));
}

static int
finish(fields *f, email_in *out, const char *from, const char *fallback_addr,
       const char *text)
{
	email_parse_from(f, from, &out->name, &out->address);
	if ((out->address == NULL || *out->address == '\0') && fallback_addr != NULL)
		out->address = fallback_addr;
	if (out->address == NULL || *out->address == '\0')
		return -1;
	out->text = text ? fields_keep(f, email_strip_reply(text)) : NULL;
	return 0;
}

/* SPF: fail and softfail say the sending host is not the domain's. */
static bool
spf_failed(const char *v)
{
	char w[16];
	size_t n = 0;

	for (; v != NULL && *v == ' '; v++)
		;
	for (; v != NULL && *v && *v != ' ' && *v != ';' && n + 1 < sizeof w; v++)
		w[n++] = *v;
	w[n] = '\0';
	return strcasecmp(w, "fail") == 0 || strcasecmp(w, "softfail") == 0;
}

/* DKIM: a failing signature and none passing ("{@a.com : fail}", "Fail"). */
static bool
dkim_failed(const char *v)
{
	return v != NULL && strcasestr(v, "fail") != NULL && strcasestr(v, "pass") == NULL;
}

static void
verdicts(email_in *out, const char *spf, const char *dkim)
{
	out->spf = spf && *spf ? spf : NULL;
	out->dkim = dkim && *dkim ? dkim : NULL;
	out->unverified = spf_failed(out->spf) || dkim_failed(out->dkim);
}

/* Each field in the charset SendGrid names for it (the MIME part's). */
static int
sendgrid_to_utf8(fields *f)
{
	const char *cs = fields_get(f, "charsets");
	json_t *m = cs ? json_loads(cs, 0, NULL) : NULL;
	size_t n = f->n;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *label = json_string_value(json_object_get(m, f->v[i].name));

		if (fields_field_to_utf8(f, i, label) < 0)
			rc = -1;
	}
	json_decref(m);
	return rc;
}

/* Mailgun posts every header as a field too; message-headers has them all. */
static const char *
mailgun_header(fields *f, json_t *headers, const char *name)
{
	const char *v = fields_get(f, name);
	json_t *pair;
	size_t i;

	if (v != NULL)
		return v;
	json_array_foreach(headers, i, pair) {
		const char *k = json_string_value(json_array_get(pair, 0));

		if (k && strcasecmp(k, name) == 0 && json_is_string(json_array_get(pair, 1)))
			return fields_printf(f, "%s", json_string_value(json_array_get(pair, 1)));
	}
	return NULL;
}

int
email_from_sendgrid(fields *f, email_in *out)
{
	const char *env, *headers;
	const char *text;
	const char *env_from = NULL;
	json_t *e;

	memset(out, 0, sizeof *out);
	if (sendgrid_to_utf8(f) < 0)
		return -1;
	env = fields_get(f, "envelope");
	headers = fields_get(f, "headers");
	text = fields_get(f, "text");
	e = env ? json_loads(env, 0, NULL) : NULL;
	verdicts(out, fields_get(f, "SPF"), fields_get(f, "dkim"));
	if (json_is_string(json_object_get(e, "from")))
		env_from = fields_printf(f, "%s", json_string_value(json_object_get(e, "from")));
	json_decref(e);
	out->subject = fields_get(f, "subject");
	if (headers != NULL)
		out->message_id = header_value(f, headers, "Message-ID");
	if (text == NULL && fields_get(f, "html") != NULL) {
		/* no plain part: keep the HTML's text roughly (tags dropped) */
		const char *h = fields_get(f, "html");
		char *t = malloc(strlen(h) + 1);
		size_t o = 0;
		bool tag = false;

		if (t != NULL) {
			for (; *h; h++) {
				if (*h == '<')
					tag = true;
				else if (*h == '>')
					tag = false;
				else if (!tag)
					t[o++] = *h;
			}
			t[o] = '\0';
			text = fields_keep(f, t);
		}
	}
	out->provider = "sendgrid";
	out->retry_id = out->message_id;
	return finish(f, out, fields_get(f, "from"), env_from, text);
}

int
email_from_mailgun(fields *f, email_in *out)
{
	const char *stripped, *headers;
	json_t *h, *pair;
	size_t i;

	memset(out, 0, sizeof *out);
	if (fields_to_utf8(f, "utf-8") < 0)
		return -1;
	stripped = fields_get(f, "stripped-text");
	headers = fields_get(f, "message-headers");
	h = headers ? json_loads(headers, 0, NULL) : NULL;
	verdicts(out, mailgun_header(f, h, "X-Mailgun-Spf"),
		 mailgun_header(f, h, "X-Mailgun-Dkim-Check-Result"));
	out->subject = fields_get(f, "subject");
	json_array_foreach(h, i, pair) {
		const char *k = json_string_value(json_array_get(pair, 0));

		if (k && strcasecmp(k, "Message-Id") == 0 &&
		    json_is_string(json_array_get(pair, 1))) {
			out->message_id = fields_printf(f, "%s",
							json_string_value(json_array_get(pair, 1)));
			break;
		}
	}
	json_decref(h);
	if (out->message_id == NULL)
		out->message_id = fields_get(f, "Message-Id");
	out->provider = "mailgun";
	/* the signed token is unique per post: a replay is recognised by it */
	out->retry_id = fields_get(f, "token");
	return finish(f, out, fields_get(f, "from"), fields_get(f, "sender"),
		      stripped && *stripped ? stripped : fields_get(f, "body-plain"));
}

/* Provider ids this long or longer get no dedupe key. */
#define RETRY_ID_UNDER 300

intake_result
intake_email(fields *f, const email_in *m, intake_request *out)
{
	const char *text = m->text && *m->text ? m->text : NULL;
	const char *orig = fields_originals(f);

	/* What a person must know before trusting the text, said with it. */
	if (m->unverified &&
	    (text = fields_printf(f, "%s%s(Sender not verified: %s says SPF %s, DKIM %s; the From "
				  "address may be forged.)", text ? text : "", text ? "\n\n" : "",
				  m->provider ? m->provider : "the provider",
				  m->spf ? m->spf : "none", m->dkim ? m->dkim : "none")) == NULL)
		return INTAKE_NOMEM;
	if (orig != NULL &&
	    (text = fields_printf(f, "%s%s(%s)", text ? text : "", text ? "\n\n" : "", orig)) == NULL)
		return INTAKE_NOMEM;

	intake_request_init(out, INTAKE_MESSAGE);
	out->match_email = m->address;
	out->ev = lead_event_init(EV_MESSAGE_IN);
	out->ev.channel = "email";
	out->ev.text = text ? text : m->subject ? m->subject : "";
	out->create_if_unknown = true;
	out->lead.name = m->name;
	out->lead.email = m->address;
	out->lead.source = "email";
	if (m->subject && text) {
		if ((out->lead.message = fields_printf(f, "%s\n\n%s", m->subject, text)) == NULL)
			return INTAKE_NOMEM;
	} else {
		out->lead.message = text ? text : m->subject;
	}
	out->lead.external_id = m->message_id;
	intake_dedupe(out, m->provider ? m->provider : "email", m->retry_id, RETRY_ID_UNDER);
	return INTAKE_OK;
}

bool
email_mailgun_signature_ok(const char *key, const char *timestamp, const char *token,
			   const char *signature, int64_t now, int64_t max_age)
{
	unsigned char mac[32];
	char hex[65], *msg, *end;
	long long ts;
	size_t n;

	if (key == NULL || *key == '\0' || timestamp == NULL || token == NULL || signature == NULL)
		return false;
	ts = strtoll(timestamp, &end, 10);
	if (*end != '\0' || end == timestamp || strlen(token) > 256)
		return false;
	n = strlen(timestamp) + strlen(token);
	if ((msg = malloc(n + 1)) == NULL)
		return false;
	snprintf(msg, n + 1, "%s%s", timestamp, token);
	sig_hmac_sha256(key, strlen(key), msg, n, mac);
	free(msg);
	sig_hex(mac, sizeof mac, hex);
	if (!sig_hex_equal(hex, signature))
		return false;
	return max_age <= 0 || (ts >= now - max_age && ts <= now + max_age);
}

/*
 * http_intake_form.c - POST /in/form/{key} (a website's own <form action>,
 * urlencoded or multipart as browsers send it, or JSON) and POST
 * /in/hook/{key} (generic JSON, optional HMAC-SHA256), as transport. Sources
 * are declared in the server configuration ([form KEY], [hook KEY]); their
 * fields become a lead in intake_form / intake_hook (src/intake/). Browsers
 * get a 303 to the thank-you page (or a small page), JSON clients get JSON.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "http_intake.h"
#include "intake/intake_form.h"
#include "intake/intake_hook.h"
#include "util/mono.h"

static const char thanks_page[] =
	"<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
	"content=\"width=device-width\"><title>Thank you</title></head><body style=\"font-family:"
	"sans-serif;max-width:32em;margin:4em auto\"><h1>Thank you!</h1><p>We got your message "
	"and will get back to you soon.</p></body></html>";

static enum MHD_Result
page(http_req *rq, int status, const char *title, const char *text)
{
	char body[512];

	snprintf(body, sizeof body, "<!doctype html><html><head><meta charset=\"utf-8\"><title>%s"
		 "</title></head><body style=\"font-family:sans-serif;max-width:32em;margin:4em "
		 "auto\"><h1>%s</h1><p>%s</p></body></html>", title, title, text);
	return http_reply(rq, status, "text/html; charset=utf-8", body, strlen(body));
}

/* The adapter's view of a configured [form KEY] / [hook KEY] section. */
static form_source
source_of(const settings_source *src)
{
	form_source fs = {
		.key = src->key, .map = src->map, .nmap = src->nmap, .honeypot = src->honeypot,
		.source = src->source, .kind = src->lead_kind, .service = src->service,
		.owner = src->owner,
	};

	return fs;
}

/* A JSON body made valid UTF-8; what had to be replaced is kept, escaped,
 * in a field the lead keeps ("body (original bytes)"). false with a 500. */
static bool
json_utf8(http_req *rq, fields *f, enum MHD_Result *ret)
{
	static const char name[] = "body" FIELDS_ORIGINAL_SUFFIX;
	char shown[256];

	if (!intake_json_utf8(rq, shown, sizeof shown) ||
	    (shown[0] != '\0' &&
	     fields_add(f, name, sizeof name - 1, shown, strlen(shown), false) < 0)) {
		*ret = http_error(rq, 500, "internal", "out of memory", NULL);
		return false;
	}
	return true;
}

/* Success: 303 to the thank-you URL, the small page, or JSON. */
static enum MHD_Result
thanks(http_req *rq, const settings_source *src, bool json)
{
	if (json)
		return http_json(rq, 200, json_pack("{s:s}", "status", "received"));
	if (src->thank_you != NULL)
		return http_reply_hdr(rq, 303, "text/plain", "", 0, "Location", src->thank_you);
	return http_reply(rq, 200, "text/html; charset=utf-8", thanks_page, sizeof thanks_page - 1);
}

static bool
wants_json(http_req *rq)
{
	char ct[64];

	http_content_type(rq, ct, sizeof ct);
	return strcmp(ct, "application/json") == 0;
}

static enum MHD_Result
unknown_form(http_req *rq, bool json)
{
	http_note(rq, "source=form reject=unknown_form");
	return json ? http_error(rq, 404, "unknown_source", "no form with this key is configured",
				 NULL) :
	       page(rq, 404, "Form not found", "This form is not set up on the server.");
}

/* 429 with Retry-After: JSON, or a page for a browser. */
static enum MHD_Result
too_many(http_req *rq, bool json, int retry)
{
	static const char wait_page[] =
		"<!doctype html><html><head><meta charset=\"utf-8\"><title>Please wait</title>"
		"</head><body style=\"font-family:sans-serif;max-width:32em;margin:4em auto\">"
		"<h1>Please wait</h1><p>Too many submissions. Please try again in a few minutes."
		"</p></body></html>";
	char ra[16];

	if (json)
		return http_too_many(rq, retry);
	http_note(rq, "error=rate_limited");
	snprintf(ra, sizeof ra, "%d", retry > 0 ? retry : 1);
	return http_reply_hdr(rq, 429, "text/html; charset=utf-8", wait_page,
			      sizeof wait_page - 1, "Retry-After", ra);
}

/* Before the body: the form exists, and its sender is within the form's own
 * per-address limit and the limits every unsigned door shares. */
bool
http_form_before_body(http_req *rq, enum MHD_Result *ret)
{
	const settings_source *src = http_source_find(rq, "form", rq->params[0]);
	bool json = wants_json(rq);
	char key[128];
	int retry = 1;

	if (src == NULL) {
		*ret = unknown_form(rq, json);
		return false;
	}
	snprintf(key, sizeof key, "form:%s:%s", src->key, rq->ip);
	if (!ratelimit_take(rq->srv->limits, key, src->rate_count, src->rate_period, mono_ns(),
			    &retry) || !intake_public_limit(rq, &retry)) {
		*ret = too_many(rq, json, retry);
		return false;
	}
	return true;
}

/* Before the body: the hook exists; one without a secret is an unsigned
 * door and shares their limits. */
bool
http_hook_before_body(http_req *rq, enum MHD_Result *ret)
{
	const settings_source *src = http_source_find(rq, "hook", rq->params[0]);
	int retry = 1;

	if (src == NULL) {
		http_note(rq, "source=hook reject=unknown_hook");
		*ret = http_error(rq, 404, "unknown_source", "no hook with this key is configured",
				  NULL);
		return false;
	}
	if (src->secret == NULL && !intake_public_limit(rq, &retry)) {
		*ret = http_too_many(rq, retry);
		return false;
	}
	return true;
}

enum MHD_Result
http_form(http_req *rq)
{
	const settings_source *src = http_source_find(rq, "form", rq->params[0]);
	enum MHD_Result ret;
	job j = intake_job(rq);
	form_source fs;
	fields f;
	bool json = wants_json(rq);

	/* the source's rate limits were taken before the body was read */
	if (src == NULL)
		return unknown_form(rq, json);
	fields_init(&f);
	if (json) {
		if (!json_utf8(rq, &f, &ret))
			goto out;
		if (form_flatten_json(&f, rq->body, rq->len) < 0) {
			ret = http_error(rq, 400, "bad_json", "the body is not a JSON object", NULL);
			goto out;
		}
	} else if (!intake_read_form(rq, &f, &ret) || !intake_form_utf8(rq, &f, NULL, &ret)) {
		goto out;
	}
	fs = source_of(src);
	switch (intake_form(&f, &fs, &j.req)) {
	case INTAKE_OK:
		if (intake_run(rq, &j, &ret) == 0)
			ret = thanks(rq, src, json);
		break;
	case INTAKE_NOTHING:
		/* a bot: answer as if accepted, keep nothing */
		http_note(rq, "source=form honeypot=hit");
		ret = thanks(rq, src, json);
		break;
	case INTAKE_MISSING:
		ret = json ? http_error(rq, 422, "empty_submission", "the form had no values", NULL) :
		      page(rq, 422, "Nothing to send", "The form was empty. Please go back and fill "
			   "it in.");
		break;
	default:
		ret = http_error(rq, 500, "internal", "out of memory", NULL);
		break;
	}
out:
	fields_free(&f);
	return ret;
}

enum MHD_Result
http_hook(http_req *rq)
{
	const settings_source *src = http_source_find(rq, "hook", rq->params[0]);
	enum MHD_Result ret;
	job j = intake_job(rq);
	const char *ts = http_header(rq, "X-Leadkeep-Timestamp"), *sig;
	char scope[96];
	intake_idem idem;
	form_source fs;
	hook_sig hs;
	fields f;

	if (src == NULL) {
		http_note(rq, "source=hook reject=unknown_hook");
		return http_error(rq, 404, "unknown_source", "no hook with this key is configured",
				  NULL);
	}
	sig = http_header(rq, src->signature_header ? src->signature_header :
			  "X-Leadkeep-Signature");
	if (src->secret != NULL &&
	    (hs = hook_verify(src->secret, ts, src->require_timestamp, http_now(rq),
			      HOOK_MAX_AGE, rq->body, rq->len, sig)) != HOOK_SIG_OK)
		return intake_refuse(rq, "hook", hook_sig_name(hs));
	fields_init(&f);
	if (!json_utf8(rq, &f, &ret))
		goto out;
	fs = source_of(src);
	switch (intake_hook(&f, rq->body, rq->len, &fs, &j.req)) {
	case INTAKE_OK:
		break;
	case INTAKE_INVALID:
		ret = http_error(rq, 400, "bad_json", "the body must be a JSON object", NULL);
		goto out;
	case INTAKE_MISSING:
		ret = http_error(rq, 422, "empty_submission", "the body had no values", NULL);
		goto out;
	default:
		ret = http_error(rq, 500, "internal", "out of memory", NULL);
		goto out;
	}
	j.status = 202;
	snprintf(scope, sizeof scope, "hook:%s", src->key);
	if (!intake_idempotency(rq, scope, &idem, &j) && src->secret != NULL && ts != NULL &&
	    sig != NULL && strlen(sig) < 200) {
		/* A signed, timestamped request is its own key: replayed within
		 * HOOK_MAX_AGE it is answered, not acted on twice. */
		snprintf(idem.key, sizeof idem.key, "%s:sig:%s", scope,
			 strncmp(sig, "sha256=", 7) == 0 ? sig + 7 : sig);
		for (char *p = idem.key + strlen(scope); *p; p++)
			*p = (char)tolower((unsigned char)*p);	/* hex in either case is one key */
		j.idem_key = idem.key;
	}
	/* The same receipt for a new lead and for one that matched an existing
	 * lead: an unsigned hook must not tell who is a customer. */
	if (intake_run(rq, &j, &ret) == 0)
		ret = http_json(rq, j.status, json_pack("{s:s}", "status", "received"));
out:
	fields_free(&f);
	return ret;
}

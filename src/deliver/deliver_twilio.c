/*
 * deliver_twilio.c - SMS through a Twilio-compatible REST API: a form POST to
 * {base}/2010-04-01/Accounts/{sid}/Messages.json with HTTP basic auth, and a
 * StatusCallback URL that names the outbox row with a signed token. Reads
 * the answer (201 + sid, or {"code":21610,...}) into ok / temporary /
 * permanent / unknown. The auth token goes to curl only, never to a log.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "deliver_internal.h"

static bool
alnum_only(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s))
			return false;
	return true;
}

static int
tw_check(const deliver_config *c, char *err, size_t errlen)
{
	if (!alnum_only(c->tw_sid)) {
		snprintf(err, errlen, "SMS provider twilio: set twilio: account_sid "
			 "(letters and digits, e.g. AC0123...)");
		return -1;
	}
	if (c->tw_token == NULL) {
		snprintf(err, errlen, "SMS provider twilio: set twilio: auth_token "
			 "(env:NAME or file:PATH)");
		return -1;
	}
	if (c->tw_from == NULL && c->tw_msid == NULL) {
		snprintf(err, errlen, "SMS provider twilio: set twilio: from (an E.164 "
			 "number such as +13125550100) or messaging_service_sid");
		return -1;
	}
	return 0;
}

/* Appends "&name=escaped(value)" (no '&' first time) to a malloc'd string. */
static int
form_add(CURL *e, char **form, size_t *len, const char *name, const char *value)
{
	char *esc = curl_easy_escape(e, value, 0), *n;
	size_t need;

	if (esc == NULL)
		return -1;
	need = *len + strlen(name) + strlen(esc) + 3;
	if ((n = realloc(*form, need)) == NULL) {
		curl_free(esc);
		return -1;
	}
	*len += (size_t)snprintf(n + *len, need - *len, "%s%s=%s", *len ? "&" : "", name, esc);
	*form = n;
	curl_free(esc);
	return 0;
}

static int
tw_start(deliver_job *job, deliver_result *res)
{
	const deliver_config *c = job->cfg;
	const outbox_msg *m = &job->msg;
	char url[1024], cb[1024], tok[64];
	CURL *e;

	if (deliver_lookup_landline(job, res))
		return 1;	/* not sent: the number cannot take texts */
	if ((e = deliver_easy_new(job)) == NULL)
		goto oom;
	snprintf(url, sizeof url, "%s/2010-04-01/Accounts/%s/Messages.json", c->tw_base, c->tw_sid);
	if (form_add(e, &job->req, &job->req_len, "To", m->recipient) < 0 ||
	    form_add(e, &job->req, &job->req_len, c->tw_msid ? "MessagingServiceSid" : "From",
		     c->tw_msid ? c->tw_msid : c->tw_from) < 0 ||
	    form_add(e, &job->req, &job->req_len, "Body", m->body) < 0)
		goto oom;
	if (c->public_url[0] && m->id > 0) {	/* a notice (id 0) has no row to update */
		deliver_token_make(c->link_key, "status", m->id, tok, sizeof tok);
		snprintf(cb, sizeof cb, "%s/hooks/twilio/status?m=%s", c->public_url, tok);
		if (form_add(e, &job->req, &job->req_len, "StatusCallback", cb) < 0)
			goto oom;
	}
	if ((job->headers = curl_slist_append(NULL, "Accept: application/json")) == NULL)
		goto oom;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, job->req);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)job->req_len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, job->headers);
	curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(e, CURLOPT_USERNAME, c->tw_sid);
	curl_easy_setopt(e, CURLOPT_PASSWORD, c->tw_token);
	return 0;
oom:
	res->kind = DELIVER_TEMP;
	snprintf(res->error, sizeof res->error, "out of memory");
	return 1;
}

/* Maps a Twilio error answer onto the three-way result. */
static void
tw_error(long status, int code, const char *msg, deliver_result *res)
{
	res->code = code ? code : (int)status;
	if (code)
		snprintf(res->error, sizeof res->error, "SMS provider HTTP %ld, error %d%s%.180s",
			 status, code, msg[0] ? ": " : "", msg);
	else
		snprintf(res->error, sizeof res->error, "SMS provider HTTP %ld%s%.180s", status,
			 msg[0] ? ": " : "", msg);
	for (char *p = res->error; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';	/* outside text goes into task titles */
	switch (code) {
	case 21610:	/* the recipient replied STOP: authoritative opt-out */
		res->kind = DELIVER_PERM;
		res->contact = DELIVER_OPTED_OUT;
		return;
	case 21211:	/* 'To' is not a valid phone number */
		res->kind = DELIVER_PERM;
		res->contact = DELIVER_NOT_A_PHONE;
		return;
	case 21614:	/* 'To' is not a mobile number: it cannot take texts */
		res->kind = DELIVER_PERM;
		res->contact = DELIVER_NOT_TEXTABLE;
		return;
	case 20429:
		res->kind = DELIVER_TEMP;
		return;
	default:
		break;
	}
	if (status == 429 || status == 500 || status == 503)
		res->kind = DELIVER_TEMP;
	else if (status == 502 || status == 504)
		res->kind = DELIVER_UNKNOWN;	/* a gateway may have passed it on */
	else if (status == 401 || status == 403 || status == 404)
		res->kind = DELIVER_TEMP;	/* our settings: fixable, so keep it queued */
	else if (status >= 400 && status < 500)
		res->kind = DELIVER_PERM;
	else
		res->kind = DELIVER_TEMP;
}

static void
tw_finish(deliver_job *job, CURLcode cc, deliver_result *res)
{
	long status = 0;
	curl_off_t up = 0, retry = 0;
	json_t *j;
	const char *msg;

	curl_easy_getinfo(job->easy, CURLINFO_SIZE_UPLOAD_T, &up);
	if (cc != CURLE_OK) {
		deliver_classify_transport(job, cc, (size_t)up >= job->req_len, res);
		return;
	}
	curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &status);
	j = job->resp.data ? json_loads(job->resp.data, 0, NULL) : NULL;
	if (status == 200 || status == 201) {
		const char *sid = json_string_value(json_object_get(j, "sid"));

		res->kind = DELIVER_OK;
		snprintf(res->provider_id, sizeof res->provider_id, "%s", sid ? sid : "");
		json_decref(j);
		return;
	}
	msg = json_string_value(json_object_get(j, "message"));
	tw_error(status, (int)json_integer_value(json_object_get(j, "code")), msg ? msg : "", res);
	if (curl_easy_getinfo(job->easy, CURLINFO_RETRY_AFTER, &retry) == CURLE_OK && retry > 0)
		res->retry_after = (int64_t)retry;
	json_decref(j);
}

const deliver_provider deliver_twilio_provider = {
	.name = "twilio",
	.channel = "sms",
	.check = tw_check,
	.start = tw_start,
	.finish = tw_finish,
};

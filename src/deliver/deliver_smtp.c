/*
 * deliver_smtp.c - email over SMTP with libcurl: STARTTLS when the server
 * offers it (required once a password is configured), AUTH when a user is
 * set, the message built by deliver_mime.c. Reply-To is the lead's owner so
 * replies reach a person; lead-facing mail carries a signed List-Unsubscribe
 * link. The reply code decides: 2xx ok, 4xx later, 5xx never (a 550-class
 * refusal of the recipient is a hard bounce that flags the address).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "deliver_internal.h"
#include "deliver_mime.h"

static int
smtp_check(const deliver_config *c, char *err, size_t errlen)
{
	if (c->smtp_url == NULL || (strncmp(c->smtp_url, "smtp://", 7) != 0 &&
				    strncmp(c->smtp_url, "smtps://", 8) != 0)) {
		snprintf(err, errlen, "email provider smtp: set smtp: url to smtp://HOST:587 "
			 "(STARTTLS) or smtps://HOST:465");
		return -1;
	}
	if (c->smtp_from_addr == NULL) {
		snprintf(err, errlen, "email provider smtp: set smtp: from, e.g. "
			 "\"Acme Plumbing <leads@acme.example>\"");
		return -1;
	}
	if (c->smtp_user != NULL && c->smtp_password == NULL) {
		snprintf(err, errlen, "email provider smtp: smtp: user is set: set "
			 "password (env:NAME or file:PATH) too");
		return -1;
	}
	return 0;
}

static size_t
on_read(char *buf, size_t size, size_t nitems, void *arg)
{
	deliver_job *job = arg;
	size_t n = size * nitems, left = job->req_len - job->req_off;

	if (n > left)
		n = left;
	memcpy(buf, job->req + job->req_off, n);
	job->req_off += n;
	return n;
}

/* The display name of smtp: from ("Acme <a@b>" -> "Acme"), else the business's. */
static void
from_name(const deliver_config *c, char *out, size_t len)
{
	const char *lt = strchr(c->smtp_from, '<');
	size_t n = lt ? (size_t)(lt - c->smtp_from) : 0;
	const char *s = c->smtp_from;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '"'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '"')) {
		s++;
		n--;
	}
	const rules *r = deliver_rules(c);

	if (n > 0)
		snprintf(out, len, "%.*s", (int)n, s);
	else
		snprintf(out, len, "%s", r && r->business.name ? r->business.name : "");
}

static bool
to_lead(const outbox_msg *m)
{
	return m->person == NULL;
}

static int
smtp_start(deliver_job *job, deliver_result *res)
{
	const deliver_config *c = job->cfg;
	const outbox_msg *m = &job->msg;
	const rules *r = deliver_rules(c);
	const rules_person *owner = r && m->owner ? rules_person_find(r, m->owner) : NULL;
	const char *domain = strchr(c->smtp_from_addr, '@') + 1;
	char name[256], msgid[320], boundary[64], unsub[1024], tok[64], addr[300];
	unsigned char h[8];
	deliver_mail mail;
	CURL *e;
	int rc;

	deliver_token_make(c->link_key, "msgid", m->id, tok, sizeof tok);
	crypto_generichash(h, sizeof h, (const unsigned char *)tok, strlen(tok), NULL, 0);
	/* Stable across retries of the row, unique across installs (keyed). */
	snprintf(msgid, sizeof msgid, "<%lld.%02x%02x%02x%02x%02x%02x.leadkeep@%s>",
		 (long long)m->id, h[0], h[1], h[2], h[3], h[4], h[5], domain);
	snprintf(boundary, sizeof boundary, "=_lk_%lld_%08x", (long long)m->id,
		 randombytes_random());
	unsub[0] = '\0';
	if (to_lead(m) && c->public_url[0]) {
		/* Names the lead's business: serve hosts several. */
		deliver_unsubscribe_link(c->link_key, c->public_url, m->business_id, m->lead_id,
					 unsub, sizeof unsub);
	}
	from_name(c, name, sizeof name);
	mail = (deliver_mail){
		.from_name = name, .from_addr = c->smtp_from_addr, .to = m->recipient,
		.reply_to = to_lead(m) && owner && owner->email ? owner->email : NULL,
		.reply_to_name = owner ? owner->name : NULL,
		.subject = m->subject ? m->subject : name, .text = m->body, .message_id = msgid,
		.unsubscribe_url = unsub[0] ? unsub : NULL, .boundary = boundary,
		.date = (int64_t)time(NULL),
	};
	if (mail.reply_to && !deliver_mime_address_ok(mail.reply_to))
		mail.reply_to = NULL;	/* a bad owner address must not stop the lead's mail */
	if ((rc = deliver_mime_build(&mail, &job->req, &job->req_len)) < 0) {
		res->kind = rc == -2 ? DELIVER_PERM : DELIVER_TEMP;
		snprintf(res->error, sizeof res->error, "%s", rc == -2 ?
			 "the email address cannot be used" : "out of memory");
		if (rc == -2 && !deliver_mime_address_ok(m->recipient)) {
			res->contact = DELIVER_NO_MAILBOX;
		}
		return 1;
	}
	snprintf(job->provider_ref, sizeof job->provider_ref, "%s", msgid);
	snprintf(addr, sizeof addr, "<%s>", m->recipient);
	if ((e = deliver_easy_new(job)) == NULL ||
	    (job->rcpt = curl_slist_append(NULL, addr)) == NULL) {
		res->kind = DELIVER_TEMP;
		snprintf(res->error, sizeof res->error, "out of memory");
		return 1;
	}
	snprintf(addr, sizeof addr, "<%s>", c->smtp_from_addr);
	curl_easy_setopt(e, CURLOPT_URL, c->smtp_url);
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, job->rcpt);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(e, CURLOPT_READDATA, job);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)job->req_len);
	curl_easy_setopt(e, CURLOPT_USE_SSL, c->smtp_tls == SMTP_TLS_REQUIRE ? (long)CURLUSESSL_ALL :
			 c->smtp_tls == SMTP_TLS_TRY ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_NONE);
	if (c->smtp_ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->smtp_ca_file);
	if (c->smtp_user != NULL) {
		curl_easy_setopt(e, CURLOPT_USERNAME, c->smtp_user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, c->smtp_password);
	}
	return 0;
}

static void
smtp_finish(deliver_job *job, CURLcode cc, deliver_result *res)
{
	long code = 0;
	curl_off_t up = 0;

	curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(job->easy, CURLINFO_SIZE_UPLOAD_T, &up);
	if (cc == CURLE_OK) {
		res->kind = DELIVER_OK;
		snprintf(res->provider_id, sizeof res->provider_id, "%s", job->provider_ref);
		return;
	}
	res->code = (int)code;
	if (cc == CURLE_LOGIN_DENIED || code == 530 || code == 534 || code == 535) {
		/* Our credentials, not the message: keep it queued until they are fixed. */
		res->kind = DELIVER_TEMP;
		snprintf(res->error, sizeof res->error, "SMTP authentication failed (%ld): check "
			 "the providers' smtp user and password", code);
		return;
	}
	if (code >= 400 && code < 600) {
		snprintf(res->error, sizeof res->error, "SMTP %ld: %.200s", code,
			 job->errbuf[0] ? job->errbuf : curl_easy_strerror(cc));
		res->kind = code >= 500 ? DELIVER_PERM : DELIVER_TEMP;
		if ((code == 550 || code == 551 || code == 553) && to_lead(&job->msg)) {
			res->contact = DELIVER_NO_MAILBOX;	/* a hard bounce */
		}
		return;
	}
	/* The server accepts only after the whole message and its final dot. */
	deliver_classify_transport(job, cc, (size_t)up >= job->req_len, res);
}

const deliver_provider deliver_smtp_provider = {
	.name = "smtp",
	.channel = "email",
	.check = smtp_check,
	.start = smtp_start,
	.finish = smtp_finish,
};

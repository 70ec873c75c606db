/*
 * intake_ads.h - ad-platform lead forms: Meta Lead Ads webhooks (the
 * notification carries ids only: leadgen_id, form, ad, page; numbers or
 * strings) with X-Hub-Signature-256, and Google Ads lead-form webhooks
 * (user_column_data, google_key in the body); and the adapters that make
 * their leads intake requests. Pure.
 */
#ifndef LK_INTAKE_ADS_H
#define LK_INTAKE_ADS_H

#include <stdbool.h>
#include <stddef.h>

#include "intake.h"
#include "intake_fields.h"

typedef struct {
	char leadgen_id[32];
	char page_id[32];
	char form_id[32];
	char ad_id[32];
	char adgroup_id[32];
	char created_time[32];
} meta_lead;

/* True when header is "sha256=<hex HMAC-SHA256(app_secret, body)>"
 * (constant-time compare). */
bool ads_meta_signature_ok(const char *app_secret, const char *body, size_t len,
			   const char *header);

/* The leadgen changes of a Meta notification (every one, however many it
 * holds) into out, at most max of them (out may be NULL when max is 0).
 * A change's page_id is its value's, else its entry's id (the page's); ""
 * when neither is there. Ids longer than 31 characters are cut.
 * Returns how many the notification holds - call again with room for them
 * all - or -1 when the body is not a Meta notification. */
int ads_meta_parse(const char *body, size_t len, meta_lead *out, int max);

/* A Google Ads lead: lead fields (strings owned by f's arena), its ids. */
typedef struct {
	const char *lead_id;
	const char *google_key;
	bool is_test;
	const char *campaign_id;
	const char *form_id;
} google_lead;

/* Parses a Google Ads webhook body into g and in (name, phone, email,
 * neighbourhood, message with the other answers). 0, or -1 when the body
 * is not one. */
int ads_google_parse(fields *f, const char *body, size_t len, google_lead *g, intake_lead *in);

/*
 * The n leads of a Meta notification (ads_meta_parse) as n INTAKE_LEADs
 * into out[0..n-1]: source meta_ads, external_id the leadgen_id, the ids in
 * the message with where to find the contact details (the notification has
 * none: the lead is flagged "no contact" and its owner gets a task to
 * complete it), keyed by "meta:<leadgen_id>". Messages are owned by f's
 * arena; the ids are borrowed from leads. Returns n, or -1 on out-of-memory.
 */
int intake_meta(fields *f, const meta_lead *leads, int n, intake_request *out);

/*
 * A Google Ads lead (g and its answers, as ads_google_parse gave them) as an
 * INTAKE_LEAD into *out: source google_ads, external_id the lead_id, keyed
 * by "google:<lead_id>". INTAKE_OK; INTAKE_NOTHING for a "Send test data"
 * lead unless store_tests (a made-up number must not be texted).
 * Check g->google_key before: a lead is only taken from Google.
 */
intake_result intake_google(const google_lead *g, const intake_lead *answers, bool store_tests,
			    intake_request *out);

#endif

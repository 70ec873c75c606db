/*
 * intake_ads.c - Meta and Google lead-form webhooks and their adapters (see
 * intake_ads.h).
 * Ids are read as strings or integers and kept as text (Google's are int64,
 * too big for JavaScript, fine here).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "intake_ads.h"
#include "intake_sig.h"

bool
ads_meta_signature_ok(const char *app_secret, const char *body, size_t len, const char *header)
{
	unsigned char mac[32];
	char hex[65];

	if (app_secret == NULL || *app_secret == '\0' || header == NULL ||
	    strncmp(header, "sha256=", 7) != 0)
		return false;
	sig_hmac_sha256(app_secret, strlen(app_secret), body, len, mac);
	sig_hex(mac, sizeof mac, hex);
	return sig_hex_equal(hex, header + 7);
}

/* An id that may be a JSON string or integer, as text. */
static void
id_text(json_t *v, char *out, size_t len)
{
	if (json_is_string(v))
		snprintf(out, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, len, "%lld", (long long)json_integer_value(v));
	else
		out[0] = '\0';
}

int
ads_meta_parse(const char *body, size_t len, meta_lead *out, int max)
{
	json_t *o = json_loadb(body, len, 0, NULL), *entry, *change;
	size_t i, j;
	int n = 0;

	if (!json_is_object(o) || !json_is_array(json_object_get(o, "entry"))) {
		json_decref(o);
		return -1;
	}
	json_array_foreach(json_object_get(o, "entry"), i, entry) {
		json_array_foreach(json_object_get(entry, "changes"), j, change) {
			json_t *v = json_object_get(change, "value");
			const char *what = json_string_value(json_object_get(change, "field"));
			meta_lead scratch, *m;

			if (what == NULL || strcmp(what, "leadgen") != 0 || !json_is_object(v))
				continue;
			m = n < max ? &out[n] : &scratch;	/* past max: counted only */
			memset(m, 0, sizeof *m);
			id_text(json_object_get(v, "leadgen_id"), m->leadgen_id, sizeof m->leadgen_id);
			if (m->leadgen_id[0] == '\0')
				continue;
			id_text(json_object_get(v, "page_id"), m->page_id, sizeof m->page_id);
			if (m->page_id[0] == '\0')	/* the entry's id is its page's */
				id_text(json_object_get(entry, "id"), m->page_id,
					sizeof m->page_id);
			id_text(json_object_get(v, "form_id"), m->form_id, sizeof m->form_id);
			id_text(json_object_get(v, "ad_id"), m->ad_id, sizeof m->ad_id);
			id_text(json_object_get(v, "adgroup_id"), m->adgroup_id, sizeof m->adgroup_id);
			id_text(json_object_get(v, "created_time"), m->created_time,
				sizeof m->created_time);
			n++;
		}
	}
	json_decref(o);
	return n;
}

static const char *
keep_text(fields *f, json_t *v)
{
	char buf[32];

	if (json_is_string(v))
		return fields_printf(f, "%s", json_string_value(v));
	id_text(v, buf, sizeof buf);
	return buf[0] ? fields_printf(f, "%s", buf) : NULL;
}

int
ads_google_parse(fields *f, const char *body, size_t len, google_lead *g, intake_lead *in)
{
	json_t *o = json_loadb(body, len, 0, NULL), *col;
	const char *first = NULL, *last = NULL;
	char *extra = NULL;
	size_t i, elen = 0;

	memset(g, 0, sizeof *g);
	if (!json_is_object(o) || !json_is_array(json_object_get(o, "user_column_data"))) {
		json_decref(o);
		return -1;
	}
	g->lead_id = keep_text(f, json_object_get(o, "lead_id"));
	g->google_key = keep_text(f, json_object_get(o, "google_key"));
	g->is_test = json_is_true(json_object_get(o, "is_test"));
	g->campaign_id = keep_text(f, json_object_get(o, "campaign_id"));
	g->form_id = keep_text(f, json_object_get(o, "form_id"));
	json_array_foreach(json_object_get(o, "user_column_data"), i, col) {
		const char *id = json_string_value(json_object_get(col, "column_id"));
		const char *label = json_string_value(json_object_get(col, "column_name"));
		const char *v = json_string_value(json_object_get(col, "string_value"));
		const char **slot = NULL;

		if (v == NULL || *v == '\0')
			continue;
		if (id == NULL)
			id = "";
		if (strcmp(id, "FULL_NAME") == 0)
			slot = &in->name;
		else if (strcmp(id, "FIRST_NAME") == 0)
			slot = &first;
		else if (strcmp(id, "LAST_NAME") == 0)
			slot = &last;
		else if (strcmp(id, "EMAIL") == 0 || strcmp(id, "WORK_EMAIL") == 0)
			slot = &in->email;
		else if (strcmp(id, "PHONE_NUMBER") == 0 || strcmp(id, "WORK_PHONE") == 0)
			slot = &in->phone;
		else if (strcmp(id, "POSTAL_CODE") == 0 || strcmp(id, "CITY") == 0)
			slot = &in->neighbourhood;
		if (slot != NULL && *slot == NULL) {
			*slot = fields_printf(f, "%s", v);
			continue;
		}
		{
			/* any other answer is kept in the message */
			const char *l = label && *label ? label : *id ? id : "answer";
			size_t add = strlen(l) + strlen(v) + 4;
			char *e = realloc(extra, elen + add + 1);

			if (e == NULL)
				break;
			extra = e;
			elen += (size_t)snprintf(extra + elen, add + 1, "%s%s: %s", elen ? "\n" : "",
						 l, v);
		}
	}
	if (in->name == NULL && (first || last))
		in->name = fields_printf(f, "%s%s%s", first ? first : "", first && last ? " " : "",
					 last ? last : "");
	in->message = fields_keep(f, extra);
	json_decref(o);
	return 0;
}

int
intake_meta(fields *f, const meta_lead *leads, int n, intake_request *out)
{
	for (int i = 0; i < n; i++) {
		const meta_lead *m = &leads[i];
		intake_request *r = &out[i];

		intake_request_init(r, INTAKE_LEAD);
		r->lead.source = "meta_ads";
		r->lead.external_id = m->leadgen_id;
		r->lead.message = fields_printf(f, "Meta lead ad %s (form %s, ad %s, page %s). The "
						"contact details are in Meta: open Leads Center or "
						"Ads Manager, find lead %s and copy the name, phone "
						"and email here.", m->leadgen_id,
						m->form_id[0] ? m->form_id : "?",
						m->ad_id[0] ? m->ad_id : "?",
						m->page_id[0] ? m->page_id : "?", m->leadgen_id);
		if (r->lead.message == NULL)
			return -1;
		intake_dedupe(r, "meta", m->leadgen_id, sizeof m->leadgen_id);
	}
	return n;
}

/* Google's lead ids this long or longer get no dedupe key. */
#define LEAD_ID_UNDER 128

intake_result
intake_google(const google_lead *g, const intake_lead *answers, bool store_tests,
	      intake_request *out)
{
	intake_request_init(out, INTAKE_LEAD);
	if (g->is_test && !store_tests)
		return INTAKE_NOTHING;	/* "Send test data" must not text a made-up number */
	out->lead = *answers;
	out->lead.source = "google_ads";
	out->lead.external_id = g->lead_id;
	intake_dedupe(out, "google", g->lead_id, LEAD_ID_UNDER);
	return INTAKE_OK;
}

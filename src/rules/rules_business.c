/*
 * rules_business.c - the `business` section: name, time zone (loaded here, so
 * a misspelt zone fails at load), opening hours per weekday, holidays, quiet
 * hours for automated texts, and the defaults for what is left out.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/bizclock.h"
#include "../core/contact.h"
#include "rules_internal.h"
#include "tzfile.h"

static const char *const business_keys[] = {
	"name", "timezone", "country", "phone", "hours", "holidays", "quiet_hours",
	"ack_any_hour", "duplicate_window", "sms_countries", NULL
};
enum { B_NAME, B_TZ, B_COUNTRY, B_PHONE, B_HOURS, B_HOLIDAYS, B_QUIET, B_ACK, B_DUP, B_SMS,
       B_NKEYS };

#define HOURS_FORMAT "hours must look like \"08:00-17:00\", \"08:00-12:00, 13:00-17:00\" or \"closed\""

static void
set_default_hours(rules_business *b)
{
	/* Monday to Friday, 08:00-17:00: what "business hours" means to most. */
	for (int d = 1; d <= 5; d++) {
		b->hours[d][0].open_min = 8 * 60;
		b->hours[d][0].close_min = 17 * 60;
		b->nspans[d] = 1;
	}
}

void
rl_hours(rl_ctx *c, yaml_node_t *n, rules_span hours[7][RULES_MAX_SPANS_PER_DAY],
	 int nspans_out[7], const char *whose)
{
	const char *set_by[7] = { 0 };
	size_t errors = c->diags->nerrors;
	int open_days = 0;

	if (!rl_is_map(c, n, "hours"))
		return;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top && rl_tick(c); p++) {
		yaml_node_t *k = rl_node(c, p->key), *v = rl_node(c, p->value);
		rules_span spans[RULES_MAX_SPANS_PER_DAY];
		const char *key, *val;
		bool days[7];
		int nspans = 0;

		if ((key = rl_scalar(c, k, "hours")) == NULL)
			continue;
		if (rl_parse_days(key, days) < 0) {
			rl_error(c, k, "unknown day \"%s\" in hours (expected mon, tue, wed, thu, "
				 "fri, sat, sun or a range like mon-fri)", key);
			continue;
		}
		if ((val = rl_scalar(c, v, key)) == NULL)
			continue;
		if (strcmp(val, "closed") != 0 &&
		    rl_parse_spans(val, spans, RULES_MAX_SPANS_PER_DAY, &nspans) < 0) {
			rl_error(c, v, HOURS_FORMAT " (spans in order, at most %d a day)",
				 RULES_MAX_SPANS_PER_DAY);
			continue;
		}
		for (int d = 0; d < 7; d++) {
			if (!days[d])
				continue;
			if (set_by[d] != NULL) {
				rl_error(c, k, "\"%s\" repeats a day already given by \"%s\"", key,
					 set_by[d]);
				break;
			}
			set_by[d] = key;
			memcpy(hours[d], spans, (size_t)nspans * sizeof *spans);
			nspans_out[d] = nspans;
		}
	}
	for (int d = 0; d < 7; d++)
		open_days += nspans_out[d] > 0;
	/* Only when every day was understood: a misread day is not a closed one. */
	if (open_days == 0 && errors == c->diags->nerrors)
		rl_error(c, n, "%s never open: %s", whose,
			 strcmp(whose, "the business is") == 0 ?
			 "tasks due in business hours would never come due" :
			 "their notifications would never go");
}

static void
read_holidays(rl_ctx *c, yaml_node_t *n)
{
	rules_business *b = &c->r->business;
	size_t len = rl_list_len(n);

	if (!rl_is_list(c, n, "holidays"))
		return;
	if (len > RL_MAX_HOLIDAYS) {
		rl_error(c, n, "too many holidays (at most %d)", RL_MAX_HOLIDAYS);
		return;
	}
	if ((b->holidays = rl_calloc(c, len, sizeof *b->holidays)) == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);
		const char *v;
		int date;

		if (it == NULL)
			break;
		if ((v = rl_scalar(c, it, "holidays")) == NULL)
			continue;
		if (rl_parse_date(v, &date) < 0) {
			rl_error(c, it, "holiday \"%s\" must be a date like 2026-12-25", v);
			continue;
		}
		for (size_t j = 0; j < b->nholidays; j++)
			if (b->holidays[j] == date)
				rl_warn(c, it, "holiday %s is listed twice", v);
		b->holidays[b->nholidays++] = date;
	}
	/* Sorted, so "is today a holiday" can be a binary search. */
	bizclock_sort_holidays(b);
}

static void
read_zone(rl_ctx *c, yaml_node_t *n)
{
	rules_business *b = &c->r->business;
	char err[256];

	if (rl_string(c, n, "timezone", &b->timezone) < 0)
		return;
	if ((b->zone = tzfile_load(b->timezone, err, sizeof err)) == NULL)
		rl_error(c, n, "%s (expected an IANA time zone like America/Chicago)", err);
}

static void
read_phone(rl_ctx *c, yaml_node_t *n)
{
	rules_business *b = &c->r->business;
	char e164[32];

	if (rl_string(c, n, "phone", &b->phone) < 0)
		return;
	if (contact_phone_normalize(b->phone, b->country, e164, sizeof e164) < 0) {
		rl_error(c, n, "\"phone\" must be a phone number like +13125550100");
		return;
	}
	free(b->phone);
	b->phone = rl_strdup(c, e164);
}

/* A two-letter code as contact_region knows it; false after reporting. */
static bool
country_code(rl_ctx *c, yaml_node_t *n, const char *v, const char *what)
{
	if (strlen(v) != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z') {
		rl_error(c, n, "\"%s\" must be a two-letter code like US", what);
		return false;
	}
	if (!contact_country_known(v)) {
		rl_error(c, n, "\"%s\": unknown country code \"%s\" (ISO 3166, like US, CA, GB)",
			 what, v);
		return false;
	}
	return true;
}

/* sms_countries: a list of country codes, or "any". Automated texts go only
 * there: a public form must not make the business text any number in the
 * world with a stranger's words. */
static void
read_sms_countries(rl_ctx *c, yaml_node_t *n)
{
	rules_business *b = &c->r->business;
	size_t len;

	if (n->type == YAML_SCALAR_NODE) {
		const char *v = rl_scalar(c, n, "sms_countries");

		if (v != NULL && strcmp(v, "any") == 0)
			b->sms_anywhere = true;
		else if (v != NULL)
			rl_error(c, n, "\"sms_countries\" must be a list of country codes like "
				 "[US, CA], or any");
		return;
	}
	if (!rl_is_list(c, n, "sms_countries"))
		return;
	len = rl_list_len(n);
	if (len > 300) {
		rl_error(c, n, "too many sms_countries (at most 300)");
		return;
	}
	for (size_t i = 0; i < b->nsms_countries; i++)
		free(b->sms_countries[i]);
	free(b->sms_countries);
	b->nsms_countries = 0;
	if ((b->sms_countries = rl_calloc(c, len + 1, sizeof *b->sms_countries)) == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);
		const char *v;

		if (it == NULL)
			break;
		if ((v = rl_scalar(c, it, "sms_countries")) == NULL ||
		    !country_code(c, it, v, "sms_countries"))
			continue;
		b->sms_countries[b->nsms_countries++] = rl_strdup(c, v);
	}
}

void
rl_business(rl_ctx *c, yaml_node_t *n)
{
	rules_business *b = &c->r->business;
	yaml_node_t *v[B_NKEYS];

	b->ack_ignores_quiet = true;
	b->duplicate_window = 30 * 86400;
	b->country = rl_strdup(c, "US");
	set_default_hours(b);
	if (n == NULL)
		return;	/* missing: reported by the caller */
	if (!rl_fields(c, n, "business", business_keys, v, NULL))
		return;
	if (v[B_NAME] == NULL)
		rl_missing(c, n, "name", "business");
	else
		rl_string(c, v[B_NAME], "name", &b->name);
	if (v[B_TZ] == NULL)
		rl_missing(c, n, "timezone", "business");
	else
		read_zone(c, v[B_TZ]);
	if (v[B_COUNTRY] != NULL && rl_string(c, v[B_COUNTRY], "country", &b->country) == 0) {
		const char *cc = b->country;

		if (strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
			rl_error(c, v[B_COUNTRY], "\"country\" must be a two-letter code like US");
	}
	if (v[B_PHONE] != NULL)
		read_phone(c, v[B_PHONE]);
	if (v[B_HOURS] != NULL) {
		memset(b->nspans, 0, sizeof b->nspans);
		rl_hours(c, v[B_HOURS], b->hours, b->nspans, "the business is");
	}
	if (v[B_HOLIDAYS] != NULL)
		read_holidays(c, v[B_HOLIDAYS]);
	if (v[B_QUIET] != NULL) {
		const char *q = rl_scalar(c, v[B_QUIET], "quiet_hours");

		if (q != NULL && rl_parse_span(q, &b->quiet_start_min, &b->quiet_end_min) < 0)
			rl_error(c, v[B_QUIET], "\"quiet_hours\" must look like \"21:00-08:00\"");
		else if (q != NULL)
			b->has_quiet = true;
	}
	if (v[B_ACK] != NULL)
		rl_bool(c, v[B_ACK], "ack_any_hour", &b->ack_ignores_quiet);
	if (v[B_DUP] != NULL)
		rl_duration(c, v[B_DUP], "duplicate_window", &b->duplicate_window);
	if (v[B_SMS] != NULL)
		read_sms_countries(c, v[B_SMS]);
	else if ((b->sms_countries = rl_calloc(c, 1, sizeof *b->sms_countries)) != NULL &&
		 (b->sms_countries[0] = rl_strdup(c, b->country)) != NULL)
		b->nsms_countries = 1;	/* the business's own country */
}

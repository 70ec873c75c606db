/*
 * intake_form.c - fields to a lead (see intake_form.h). The default names
 * cover WordPress Contact Form 7 (your-name), Gravity/Elementor style names
 * and plain HTML; anything else goes into the message as "field: value".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "intake_form.h"
#include "util/str.h"

#define FLAT_DEPTH 8	/* JSON nested deeper is kept as its JSON text */

enum { F_NAME, F_FIRST, F_LAST, F_PHONE, F_EMAIL, F_SERVICE, F_MESSAGE, F_HOOD, F_KIND,
       F_IGNORE, F_COUNT };

static const char *const target_names[F_COUNT] = {
	"name", "first_name", "last_name", "phone", "email", "service", "message",
	"neighbourhood", "kind", "ignore",
};

/* Default names, compared case-insensitively with '-' and ' ' as '_'. */
static const char *const defaults[F_COUNT][12] = {
	[F_NAME] = { "name", "full_name", "fullname", "your_name", "contact_name", "customer_name",
		     NULL },
	[F_FIRST] = { "first_name", "firstname", "fname", "given_name", NULL },
	[F_LAST] = { "last_name", "lastname", "lname", "surname", "family_name", NULL },
	[F_PHONE] = { "phone", "phone_number", "tel", "telephone", "mobile", "cell", "your_phone",
		      "your_tel", "phonenumber", NULL },
	[F_EMAIL] = { "email", "e_mail", "email_address", "your_email", "mail", NULL },
	[F_SERVICE] = { "service", "services", "subject", "your_subject", "topic",
			"service_needed", "interest", NULL },
	[F_MESSAGE] = { "message", "comments", "comment", "your_message", "details",
			"description", "enquiry", "inquiry", "notes", "body", NULL },
	[F_HOOD] = { "neighbourhood", "neighborhood", "zip", "zipcode", "zip_code", "postal_code",
		     "postcode", "city", "area", NULL },
	[F_KIND] = { NULL },
	[F_IGNORE] = { NULL },
};

static bool
name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int x = tolower((unsigned char)*a), y = tolower((unsigned char)*b);

		if (x == '-' || x == ' ')
			x = '_';
		if (y == '-' || y == ' ')
			y = '_';
		if (x != y)
			return false;
	}
	return *a == '\0' && *b == '\0';
}

static int
target_of(const char *to)
{
	for (int i = 0; i < F_COUNT; i++)
		if (strcmp(target_names[i], to) == 0)
			return i;
	return -1;
}

static int
classify(const char *name, const intake_map *map, size_t nmap)
{
	for (size_t i = 0; i < nmap; i++)
		if (strcmp(map[i].from, name) == 0)
			return target_of(map[i].to);
	for (int t = 0; t < F_COUNT; t++)
		for (size_t i = 0; defaults[t][i]; i++)
			if (name_eq(name, defaults[t][i]))
				return t;
	return -1;
}

/* Appends "label: value" lines to a growing string owned by the caller. */
static int
append(char **buf, size_t *len, const char *label, const char *value)
{
	size_t add = strlen(label) + strlen(value) + 4;
	char *b = realloc(*buf, *len + add + 1);

	if (b == NULL)
		return -1;
	*buf = b;
	*len += (size_t)snprintf(b + *len, add + 1, "%s%s: %s", *len ? "\n" : "", label, value);
	return 0;
}

int
form_to_lead(fields *f, const intake_map *map, size_t nmap, const char *honeypot,
	     intake_lead *in, form_result *res)
{
	const char *slot[F_COUNT] = { 0 };
	char *extra = NULL;
	size_t elen = 0;

	memset(res, 0, sizeof *res);
	res->empty = true;
	for (size_t i = 0; i < f->n; i++) {
		const form_field *e = &f->v[i];
		int t;

		if (honeypot != NULL && strcmp(e->name, honeypot) == 0) {
			if (!str_blank(e->value))
				res->honeypot = true;
			continue;
		}
		if (e->is_file) {
			char note[64];

			snprintf(note, sizeof note, "(a file of %zu bytes, not kept)", e->vlen);
			if (e->vlen > 0 && append(&extra, &elen, e->name, note) < 0)
				goto oom;
			continue;
		}
		if (str_blank(e->value))
			continue;
		t = classify(e->name, map, nmap);
		if (t == F_IGNORE)
			continue;
		res->empty = false;
		if (t >= 0 && slot[t] == NULL) {
			slot[t] = e->value;
			continue;
		}
		/* unmapped, or a second value for a taken slot: keep it in the message */
		if (append(&extra, &elen, e->name, e->value) < 0)
			goto oom;
	}
	in->name = slot[F_NAME];
	if (in->name == NULL && (slot[F_FIRST] || slot[F_LAST]))
		in->name = fields_printf(f, "%s%s%s", slot[F_FIRST] ? slot[F_FIRST] : "",
					 slot[F_FIRST] && slot[F_LAST] ? " " : "",
					 slot[F_LAST] ? slot[F_LAST] : "");
	in->phone = slot[F_PHONE];
	in->email = slot[F_EMAIL];
	in->service = slot[F_SERVICE];
	in->neighbourhood = slot[F_HOOD];
	if (slot[F_KIND] != NULL)
		in->kind = slot[F_KIND];
	in->message = slot[F_MESSAGE];
	if (extra != NULL) {
		in->message = slot[F_MESSAGE] ?
			fields_printf(f, "%s\n\n%s", slot[F_MESSAGE], extra) :
			fields_printf(f, "%s", extra);
		free(extra);
		if (in->message == NULL)
			return -1;
	}
	return 0;
oom:
	free(extra);
	return -1;
}

/* The presets of a form or hook, on top of what its fields said. */
static void
presets(const form_source *src, const char *default_source, intake_lead *in)
{
	in->source = src->source ? src->source : default_source;
	if (src->kind != NULL && in->kind == NULL)
		in->kind = src->kind;
	if (in->service == NULL)
		in->service = src->service;
	in->owner = src->owner;
}

intake_result
intake_form(fields *f, const form_source *src, intake_request *out)
{
	form_result fr;

	intake_request_init(out, INTAKE_LEAD);
	if (form_to_lead(f, src->map, src->nmap, src->honeypot, &out->lead, &fr) < 0)
		return INTAKE_NOMEM;
	if (fr.honeypot)
		return INTAKE_NOTHING;
	if (fr.empty)
		return INTAKE_MISSING;
	presets(src, "web_form", &out->lead);
	if (f->dropped > 0 || f->names_cut > 0 || f->deep > 0) {
		char note[256];
		size_t n = 0;

		note[0] = '\0';
		if (f->dropped > 0)
			n += (size_t)snprintf(note + n, sizeof note - n, "%zu more field%s past the "
					      "first %d not kept", f->dropped,
					      f->dropped == 1 ? "" : "s", FIELDS_MAX);
		if (f->names_cut > 0 && n < sizeof note)
			n += (size_t)snprintf(note + n, sizeof note - n, "%s%zu field name%s cut to "
					      "%d bytes", n ? "; " : "", f->names_cut,
					      f->names_cut == 1 ? "" : "s", FIELDS_NAME_MAX);
		if (f->deep > 0 && n < sizeof note)
			snprintf(note + n, sizeof note - n, "%s%zu value%s nested deeper than %d "
				 "levels kept as JSON text", n ? "; " : "", f->deep,
				 f->deep == 1 ? "" : "s", FLAT_DEPTH);
		if ((out->lead.cut = fields_printf(f, "%s", note)) == NULL)
			return INTAKE_NOMEM;
	}
	return INTAKE_OK;
}

/* prefix + "." + k into key (FIELDS_NAME_MAX + 1 bytes), cut on a UTF-8
 * boundary (and counted) when it does not fit. */
static void
flat_key(fields *f, char *key, const char *prefix, const char *k)
{
	size_t n = (size_t)snprintf(key, FIELDS_NAME_MAX + 1, "%s%s%s", prefix,
				    *prefix ? "." : "", k);

	if (n > FIELDS_NAME_MAX) {
		n = FIELDS_NAME_MAX;
		while (n > 0 && ((unsigned char)key[n] & 0xC0) == 0x80)
			n--;
		key[n] = '\0';
		f->names_cut++;
	}
}

/* v as compact JSON text under prefix: what is nested too deep is kept whole. */
static int
flat_json_text(fields *f, const char *prefix, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	int rc = s ? fields_add(f, prefix, strlen(prefix), s, strlen(s), false) : -1;

	free(s);
	return rc;
}

static int
flatten(fields *f, const char *prefix, json_t *v, int depth)
{
	char key[FIELDS_NAME_MAX + 1];
	const char *k;
	json_t *c;
	size_t i;

	if ((json_is_object(v) || json_is_array(v)) && f->n >= FIELDS_MAX) {
		/* nothing more is kept: count without walking it all */
		f->dropped += json_is_object(v) ? json_object_size(v) : json_array_size(v);
		return 0;
	}
	if ((json_is_object(v) || json_is_array(v)) && depth > FLAT_DEPTH) {
		f->deep++;
		return flat_json_text(f, prefix, v);
	}
	if (json_is_object(v)) {
		json_object_foreach(v, k, c) {
			flat_key(f, key, prefix, k);
			if (flatten(f, key, c, depth + 1) < 0)
				return -1;
		}
		return 0;
	}
	if (json_is_array(v)) {
		char *joined = NULL;
		size_t len = 0;
		bool scalars = true;

		json_array_foreach(v, i, c)
			if (json_is_object(c) || json_is_array(c))
				scalars = false;
		if (!scalars) {
			json_array_foreach(v, i, c) {
				char idx[24];

				snprintf(idx, sizeof idx, "%zu", i);
				flat_key(f, key, prefix, idx);
				if (flatten(f, key, c, depth + 1) < 0)
					return -1;
			}
			return 0;
		}
		json_array_foreach(v, i, c) {
			char *s = json_is_string(c) ? strdup(json_string_value(c)) :
				  json_dumps(c, JSON_ENCODE_ANY);
			char *nj;

			if (s == NULL || (nj = realloc(joined, len + strlen(s) + 3)) == NULL) {
				free(s);
				free(joined);
				return -1;
			}
			joined = nj;
			len += (size_t)sprintf(joined + len, "%s%s", len ? ", " : "", s);
			free(s);
		}
		{
			int rc = fields_add(f, prefix, strlen(prefix), joined ? joined : "", len, false);

			free(joined);
			return rc;
		}
	}
	if (json_is_string(v))
		return fields_add(f, prefix, strlen(prefix), json_string_value(v),
				  json_string_length(v), false);
	if (json_is_null(v))
		return 0;
	return flat_json_text(f, prefix, v);
}

int
form_flatten_json(fields *f, const char *json, size_t len)
{
	json_t *o = json_loadb(json, len, 0, NULL);
	int rc;

	if (!json_is_object(o)) {
		json_decref(o);
		return -1;
	}
	rc = flatten(f, "", o, 0);
	json_decref(o);
	return rc;
}

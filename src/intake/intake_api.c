/*
 * intake_api.c - the REST API's lead as an intake request (see
 * intake_api.h).
 */
#include <stddef.h>
#include <string.h>

#include "intake_api.h"
#include "util/str.h"

/* The lead's own fields: the JSON key, where it goes, its limit. */
typedef struct {
	const char *key;
	size_t off;
	size_t max;
} api_field;

#define F(k, m) { #k, offsetof(intake_lead, k), m }
static const api_field api_fields[] = {
	F(name, API_FIELD_MAX), F(phone, API_FIELD_MAX), F(email, API_FIELD_MAX),
	F(source, API_WORD_MAX), F(kind, API_WORD_MAX), F(service, API_FIELD_MAX),
	F(message, API_TEXT_MAX), F(neighbourhood, API_FIELD_MAX), F(owner, API_WORD_MAX),
	F(external_id, API_FIELD_MAX),
};
#undef F

static const api_field *
field_of(const char *key)
{
	for (size_t i = 0; i < sizeof api_fields / sizeof api_fields[0]; i++)
		if (strcmp(api_fields[i].key, key) == 0)
			return &api_fields[i];
	return NULL;
}

intake_result
intake_api_json(json_t *o, const rules *r, custom_set *cs, intake_request *out)
{
	intake_lead *in = &out->lead;
	bool any = false;
	const char *k;
	json_t *v;

	intake_request_init(out, INTAKE_LEAD);
	json_object_foreach(o, k, v) {
		const api_field *f = field_of(k);

		if (f == NULL) {
			/* a field the API does not name: a custom field */
			if (custom_add_json(cs, k, v) < 0)
				return INTAKE_NOMEM;
			continue;
		}
		if (json_is_object(v) || json_is_array(v)) {
			/* {"name": {"first": ...}}: kept whole, as custom fields */
			if (json_is_object(v) ? json_object_size(v) : json_array_size(v)) {
				custom_note(cs, "%s was not text: kept as custom fields", f->key);
				if (custom_add_json(cs, k, v) < 0)
					return INTAKE_NOMEM;
			}
			continue;
		}
		if (json_is_null(v))
			continue;
		/* a number or true/false is kept as the text JSON writes */
		*(const char **)((char *)in + f->off) = custom_json_text(cs, f->key, v, f->max);
	}
	if (cs->oom)
		return INTAKE_NOMEM;
	for (size_t i = 0; i < sizeof api_fields / sizeof api_fields[0]; i++)
		if (!str_blank(*(const char **)((char *)in + api_fields[i].off)))
			any = true;
	if (!any && cs->n == 0)
		return INTAKE_MISSING;
	if (str_blank(in->owner))
		in->owner = NULL;
	if (in->owner != NULL && rules_person_find(r, in->owner) == NULL) {
		/* a preset owner the rules do not know: routing decides instead */
		custom_note(cs, "owner \"%s\" is nobody in the rules, so routing chose the owner",
			    in->owner);
		in->owner = NULL;
	}
	if (str_blank(in->source))
		in->source = "api";
	if (str_blank(in->kind))
		in->kind = NULL;
	in->custom = cs->v;
	in->ncustom = cs->n;
	in->cut = custom_summary(cs);
	return cs->oom ? INTAKE_NOMEM : INTAKE_OK;
}

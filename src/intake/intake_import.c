/*
 * intake_import.c - old records into intake requests: which column is which
 * (the owner's --map, then the headers spreadsheets and CRMs commonly use,
 * then custom fields) and each row into an imported INTAKE_LEAD. Pure: no
 * I/O, no store; the stage and owner a row names are checked against the
 * rules so a row that cannot be placed is reported, not guessed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intake_import.h"
#include "util/str.h"

struct import_map {
	import_col *cols;
	char **custom;		/* per column: the custom field's name, or NULL */
	size_t n;
};

static const char *const col_names[] = {
	[IMPORT_COL_IGNORE] = "-",
	[IMPORT_COL_CUSTOM] = "custom",
	[IMPORT_COL_NAME] = "name",
	[IMPORT_COL_FIRST_NAME] = "first_name",
	[IMPORT_COL_LAST_NAME] = "last_name",
	[IMPORT_COL_PHONE] = "phone",
	[IMPORT_COL_EMAIL] = "email",
	[IMPORT_COL_SOURCE] = "source",
	[IMPORT_COL_KIND] = "kind",
	[IMPORT_COL_SERVICE] = "service",
	[IMPORT_COL_MESSAGE] = "message",
	[IMPORT_COL_NEIGHBOURHOOD] = "neighbourhood",
	[IMPORT_COL_STAGE] = "stage",
	[IMPORT_COL_OWNER] = "owner",
	[IMPORT_COL_LOST_REASON] = "lost_reason",
	[IMPORT_COL_EXTERNAL_ID] = "external_id",
	[IMPORT_COL_SMS_OPT_OUT] = "sms_opt_out",
	[IMPORT_COL_EMAIL_OPT_OUT] = "email_opt_out",
};

/* Headers recognised by themselves, compared as import_key() writes them
 * (lower case, letters and digits only). */
static const struct {
	const char *key;
	import_col col;
} common[] = {
	{ "name", IMPORT_COL_NAME }, { "fullname", IMPORT_COL_NAME },
	{ "contact", IMPORT_COL_NAME }, { "contactname", IMPORT_COL_NAME },
	{ "customer", IMPORT_COL_NAME }, { "customername", IMPORT_COL_NAME },
	{ "client", IMPORT_COL_NAME }, { "clientname", IMPORT_COL_NAME },
	{ "leadname", IMPORT_COL_NAME },
	{ "firstname", IMPORT_COL_FIRST_NAME }, { "first", IMPORT_COL_FIRST_NAME },
	{ "givenname", IMPORT_COL_FIRST_NAME }, { "forename", IMPORT_COL_FIRST_NAME },
	{ "lastname", IMPORT_COL_LAST_NAME }, { "last", IMPORT_COL_LAST_NAME },
	{ "surname", IMPORT_COL_LAST_NAME }, { "familyname", IMPORT_COL_LAST_NAME },
	{ "phone", IMPORT_COL_PHONE }, { "phonenumber", IMPORT_COL_PHONE },
	{ "mobile", IMPORT_COL_PHONE }, { "mobilephone", IMPORT_COL_PHONE },
	{ "mobilenumber", IMPORT_COL_PHONE }, { "cell", IMPORT_COL_PHONE },
	{ "cellphone", IMPORT_COL_PHONE }, { "telephone", IMPORT_COL_PHONE },
	{ "tel", IMPORT_COL_PHONE }, { "primaryphone", IMPORT_COL_PHONE },
	{ "homephone", IMPORT_COL_PHONE }, { "workphone", IMPORT_COL_PHONE },
	{ "email", IMPORT_COL_EMAIL }, { "emailaddress", IMPORT_COL_EMAIL },
	{ "mail", IMPORT_COL_EMAIL }, { "primaryemail", IMPORT_COL_EMAIL },
	{ "source", IMPORT_COL_SOURCE }, { "leadsource", IMPORT_COL_SOURCE },
	{ "kind", IMPORT_COL_KIND }, { "leadtype", IMPORT_COL_KIND },
	{ "service", IMPORT_COL_SERVICE }, { "servicerequested", IMPORT_COL_SERVICE },
	{ "interest", IMPORT_COL_SERVICE }, { "product", IMPORT_COL_SERVICE },
	{ "jobtype", IMPORT_COL_SERVICE },
	{ "message", IMPORT_COL_MESSAGE }, { "notes", IMPORT_COL_MESSAGE },
	{ "note", IMPORT_COL_MESSAGE }, { "comments", IMPORT_COL_MESSAGE },
	{ "comment", IMPORT_COL_MESSAGE }, { "description", IMPORT_COL_MESSAGE },
	{ "details", IMPORT_COL_MESSAGE },
	{ "neighbourhood", IMPORT_COL_NEIGHBOURHOOD }, { "neighborhood", IMPORT_COL_NEIGHBOURHOOD },
	{ "area", IMPORT_COL_NEIGHBOURHOOD },
	{ "stage", IMPORT_COL_STAGE }, { "status", IMPORT_COL_STAGE },
	{ "leadstatus", IMPORT_COL_STAGE }, { "pipelinestage", IMPORT_COL_STAGE },
	{ "dealstage", IMPORT_COL_STAGE },
	{ "owner", IMPORT_COL_OWNER }, { "leadowner", IMPORT_COL_OWNER },
	{ "assignedto", IMPORT_COL_OWNER }, { "assignee", IMPORT_COL_OWNER },
	{ "salesrep", IMPORT_COL_OWNER }, { "rep", IMPORT_COL_OWNER },
	{ "lostreason", IMPORT_COL_LOST_REASON },
	{ "id", IMPORT_COL_EXTERNAL_ID }, { "leadid", IMPORT_COL_EXTERNAL_ID },
	{ "recordid", IMPORT_COL_EXTERNAL_ID }, { "externalid", IMPORT_COL_EXTERNAL_ID },
	{ "smsoptout", IMPORT_COL_SMS_OPT_OUT }, { "donottext", IMPORT_COL_SMS_OPT_OUT },
	{ "textoptout", IMPORT_COL_SMS_OPT_OUT }, { "smsoptedout", IMPORT_COL_SMS_OPT_OUT },
	{ "emailoptout", IMPORT_COL_EMAIL_OPT_OUT }, { "donotemail", IMPORT_COL_EMAIL_OPT_OUT },
	{ "emailoptedout", IMPORT_COL_EMAIL_OPT_OUT }, { "unsubscribed", IMPORT_COL_EMAIL_OPT_OUT },
	/* what `leadkeep export` adds that is no field of a new lead */
	{ "timeline", IMPORT_COL_IGNORE }, { "updatedat", IMPORT_COL_IGNORE },
};

/* "E-mail Address" -> "emailaddress" into buf. */
static void
import_key(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s && n + 1 < len; s++)
		if (isalnum((unsigned char)*s))
			buf[n++] = (char)tolower((unsigned char)*s);
	buf[n] = '\0';
}

const char *
import_col_name(import_col c)
{
	return (size_t)c < sizeof col_names / sizeof col_names[0] ? col_names[c] : "?";
}

import_col
import_field_for_header(const char *header)
{
	char key[64];

	import_key(header, key, sizeof key);
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (strcmp(common[i].key, key) == 0)
			return common[i].col;
	return IMPORT_COL_CUSTOM;
}

/* A --map field name: its kind, and for "custom.NAME" the name. -1 unknown. */
static int
field_named(const char *f, const char **custom)
{
	*custom = NULL;
	if (strncmp(f, "custom.", 7) == 0 && f[7] != '\0') {
		*custom = f + 7;
		return IMPORT_COL_CUSTOM;
	}
	if (strcmp(f, "ignore") == 0)
		return IMPORT_COL_IGNORE;
	for (size_t i = 0; i < sizeof col_names / sizeof col_names[0]; i++)
		if (strcmp(col_names[i], f) == 0)
			return (int)i;
	return -1;
}

void
import_map_free(import_map *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->custom[i]);
	free(m->custom);
	free(m->cols);
	free(m);
}

/* Applies the --map pairs; 0 / -1 with err set. */
static int
apply_map(import_map *m, bool *set, const char *const *headers, const char *map, char *err,
	  size_t errlen)
{
	char *copy = strdup(map), *save = NULL, *pair;
	int rc = 0;

	if (copy == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (pair = strtok_r(copy, ",", &save); pair && rc == 0; pair = strtok_r(NULL, ",", &save)) {
		char *eq = strrchr(pair, '='), *header, *field;
		const char *custom;
		int kind;
		bool found = false;

		if (eq == NULL) {
			snprintf(err, errlen, "--map: \"%s\" is not HEADER=FIELD", pair);
			rc = -1;
			break;
		}
		*eq = '\0';
		header = str_trim(pair);
		field = str_trim(eq + 1);
		if ((kind = field_named(field, &custom)) < 0) {
			snprintf(err, errlen, "--map: no field \"%s\" (one of name, first_name, "
				 "last_name, phone, email, source, kind, service, message, "
				 "neighbourhood, stage, owner, lost_reason, external_id, "
				 "sms_opt_out, email_opt_out, custom.NAME, -)", field);
			rc = -1;
			break;
		}
		for (size_t i = 0; i < m->n; i++) {
			if (strcasecmp(headers[i], header) != 0)
				continue;
			found = true;
			m->cols[i] = (import_col)kind;
			set[i] = true;
			if (kind == IMPORT_COL_CUSTOM &&
			    (m->custom[i] = strdup(custom ? custom : headers[i])) == NULL) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
			}
		}
		if (!found && rc == 0) {
			snprintf(err, errlen, "--map: the file has no column \"%s\"", header);
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

import_map *
import_map_new(const char *const *headers, size_t n, const char *map, char *err, size_t errlen)
{
	import_map *m = calloc(1, sizeof *m);
	bool *set = calloc(n ? n : 1, sizeof *set);
	bool contact = false;

	if (m == NULL || set == NULL || (m->cols = calloc(n ? n : 1, sizeof *m->cols)) == NULL ||
	    (m->custom = calloc(n ? n : 1, sizeof *m->custom)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	m->n = n;
	if (map != NULL && apply_map(m, set, headers, map, err, errlen) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (set[i])
			continue;
		m->cols[i] = import_field_for_header(headers[i]);
		/* Two columns for one field: the first wins, the next is kept as
		 * a custom field (nothing the file holds is lost). */
		for (size_t j = 0; j < i && m->cols[i] != IMPORT_COL_CUSTOM &&
				   m->cols[i] != IMPORT_COL_IGNORE; j++)
			if (m->cols[j] == m->cols[i])
				m->cols[i] = IMPORT_COL_CUSTOM;
		if (m->cols[i] == IMPORT_COL_CUSTOM && !str_blank(headers[i]) &&
		    (m->custom[i] = strdup(headers[i])) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		if (m->cols[i] == IMPORT_COL_CUSTOM && str_blank(headers[i]))
			m->cols[i] = IMPORT_COL_IGNORE;	/* a nameless column: nothing to call it */
	}
	for (size_t i = 0; i < n; i++)
		contact |= m->cols[i] == IMPORT_COL_NAME || m->cols[i] == IMPORT_COL_FIRST_NAME ||
			   m->cols[i] == IMPORT_COL_LAST_NAME || m->cols[i] == IMPORT_COL_PHONE ||
			   m->cols[i] == IMPORT_COL_EMAIL;
	if (!contact) {
		snprintf(err, errlen, "no column holds a name, a phone or an email: name them with "
			 "--map \"HEADER=name,HEADER=phone\"");
		goto fail;
	}
	free(set);
	return m;
fail:
	free(set);
	import_map_free(m);
	return NULL;
}

size_t
import_map_columns(const import_map *m)
{
	return m->n;
}

import_col
import_map_column(const import_map *m, size_t i, const char **custom_name)
{
	if (custom_name != NULL)
		*custom_name = i < m->n ? m->custom[i] : NULL;
	return i < m->n ? m->cols[i] : IMPORT_COL_IGNORE;
}

const char *
import_unguard(const char *s)
{
	if (s[0] == '\'' && s[1] != '\0' && strchr("=+-@\t\r", s[1]) != NULL)
		return s + 1;
	return s;
}

/* A spreadsheet's "yes": yes, y, true, 1, x (any case). */
static bool
yes(const char *v)
{
	static const char *const words[] = { "yes", "y", "true", "1", "x" };
	char buf[8];

	const char *t;

	snprintf(buf, sizeof buf, "%s", v);
	t = str_trim(buf);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(t, words[i]) == 0)
			return true;
	return false;
}

/* The rules' stage named s (any case), or NULL. */
static const char *
stage_named(const rules *r, const char *s)
{
	for (size_t i = 0; i < r->nstages; i++)
		if (strcasecmp(r->stages[i].name, s) == 0)
			return r->stages[i].name;
	return NULL;
}

/* The id of the person s names (id or name, any case), or NULL. */
static const char *
person_named(const rules *r, const char *s)
{
	for (size_t i = 0; i < r->npeople; i++)
		if (strcasecmp(r->people[i].id, s) == 0 ||
		    (r->people[i].name && strcasecmp(r->people[i].name, s) == 0))
			return r->people[i].id;
	return NULL;
}

intake_result
intake_import_row(const import_map *m, const rules *r, const char *const *fields, size_t n,
		  const char *source, lead_import mode, custom_set *cs, intake_request *req,
		  char *err, size_t errlen)
{
	intake_lead *l = &req->lead;
	const char *first = NULL, *last = NULL, *v;
	bool blank = true;

	intake_request_init(req, INTAKE_LEAD);
	for (size_t i = 0; i < n; i++)
		blank &= str_blank(fields[i]);
	if (blank)
		return INTAKE_NOTHING;
	if (n > m->n) {
		for (size_t i = m->n; i < n; i++) {
			if (!str_blank(fields[i])) {
				snprintf(err, errlen, "%zu fields, the header has %zu", n, m->n);
				return INTAKE_INVALID;
			}
		}
		n = m->n;	/* trailing empty fields (a stray comma) are nothing */
	}
	l->source = source;
	l->import = mode;
	for (size_t i = 0; i < n; i++) {
		const char *custom_name;
		import_col c = import_map_column(m, i, &custom_name);

		if (str_blank(fields[i]))
			continue;
		v = import_unguard(fields[i]);
		switch (c) {
		case IMPORT_COL_IGNORE: break;
		case IMPORT_COL_CUSTOM:
			if (strcmp(custom_name, "custom") == 0 && v[0] == '{') {
				/* `leadkeep export`'s custom fields, one JSON object */
				json_t *o = json_loads(v, 0, NULL), *mv;
				const char *k;

				if (json_is_object(o)) {
					json_object_foreach(o, k, mv)
						if (custom_add_json(cs, k, mv) < 0) {
							json_decref(o);
							return INTAKE_NOMEM;
						}
					json_decref(o);
					break;
				}
				json_decref(o);
			}
			if (cs->n < CUSTOM_MAX) {
				json_t *s = json_string(v);

				if (s == NULL || custom_add_json(cs, custom_name, s) < 0) {
					json_decref(s);
					return INTAKE_NOMEM;
				}
				json_decref(s);
			}
			break;
		case IMPORT_COL_NAME: l->name = v; break;
		case IMPORT_COL_FIRST_NAME: first = v; break;
		case IMPORT_COL_LAST_NAME: last = v; break;
		case IMPORT_COL_PHONE: l->phone = v; break;
		case IMPORT_COL_EMAIL: l->email = v; break;
		case IMPORT_COL_SOURCE: l->source = v; break;
		case IMPORT_COL_KIND: l->kind = v; break;
		case IMPORT_COL_SERVICE: l->service = v; break;
		case IMPORT_COL_MESSAGE: l->message = v; break;
		case IMPORT_COL_NEIGHBOURHOOD: l->neighbourhood = v; break;
		case IMPORT_COL_EXTERNAL_ID: l->external_id = v; break;
		case IMPORT_COL_LOST_REASON: l->lost_reason = v; break;
		case IMPORT_COL_SMS_OPT_OUT: l->sms_opt_out = yes(v); break;
		case IMPORT_COL_EMAIL_OPT_OUT: l->email_opt_out = yes(v); break;
		case IMPORT_COL_STAGE:
			if ((l->stage = stage_named(r, v)) == NULL) {
				size_t off = (size_t)snprintf(err, errlen, "stage: no stage \"%s\" "
							      "(known:", v);

				for (size_t k = 0; k < r->nstages && off < errlen; k++)
					off += (size_t)snprintf(err + off, errlen - off, "%s %s",
								k ? "," : "", r->stages[k].name);
				if (off < errlen)
					snprintf(err + off, errlen - off, "; or name the column's "
						 "field with --map)");
				return INTAKE_INVALID;
			}
			break;
		case IMPORT_COL_OWNER:
			if ((l->owner = person_named(r, v)) == NULL) {
				snprintf(err, errlen, "owner: no person \"%s\" in the rules", v);
				return INTAKE_INVALID;
			}
			break;
		}
	}
	if (l->name == NULL && (first != NULL || last != NULL)) {
		char buf[512];

		snprintf(buf, sizeof buf, "%s%s%s", first ? first : "", first && last ? " " : "",
			 last ? last : "");
		if ((l->name = custom_text(cs, "name", buf, strlen(buf), sizeof buf)) == NULL)
			return INTAKE_NOMEM;
	}
	if (str_blank(l->name) && str_blank(l->phone) && str_blank(l->email)) {
		snprintf(err, errlen, "no name, phone or email");
		return INTAKE_MISSING;
	}
	l->custom = cs->v;
	l->ncustom = cs->n;
	l->cut = custom_summary(cs);
	return INTAKE_OK;
}

/*
 * rules_people.c - the `people` section, and every reference to a person or a
 * role made elsewhere (routing, stages, notify targets), so that a misspelt
 * name is reported where it is written, with the names that do exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/contact.h"
#include "rules_internal.h"

static const char *const person_keys[] = {
	"id", "name", "role", "phone", "email", "notify", NULL
};
enum { P_ID, P_NAME, P_ROLE, P_PHONE, P_EMAIL, P_NOTIFY };

static const char *const notify_words[] = { "sms", "email", "none", NULL };

static const char *
known_people(const rules *r, char *buf, size_t len)
{
	if (r->npeople == 0)
		return "no people are defined";
	return rl_join(buf, len, (const char *const *)&r->people[0].id, r->npeople,
		       sizeof *r->people);
}

/* Distinct roles, in the order people are listed. */
static const char *
known_roles(const rules *r, char *buf, size_t len)
{
	const char *roles[13];
	size_t n = 0;

	for (size_t i = 0; i < r->npeople && n < 13; i++) {
		const char *role = r->people[i].role;
		size_t j;

		if (role == NULL)
			continue;
		for (j = 0; j < n && strcmp(roles[j], role) != 0; j++)
			;
		if (j == n)
			roles[n++] = role;
	}
	if (n == 0)
		return "no roles are defined";
	return rl_join(buf, len, roles, n, sizeof *roles);
}

bool
rl_role_exists(const rules *r, const char *role)
{
	return rules_person_by_role(r, role) != NULL;
}

int
rl_person_ref(rl_ctx *c, const yaml_node_t *n, const char *id)
{
	int i = rules_person_index(c->r, id);
	char list[512];

	if (i >= 0)
		return i;
	if (!c->bad_people)
		rl_error(c, n, "person \"%s\" does not exist (known: %s)", id,
			 known_people(c->r, list, sizeof list));
	return -1;
}

int
rl_role_ref(rl_ctx *c, const yaml_node_t *n, const char *role)
{
	char list[512];

	if (rl_role_exists(c->r, role))
		return 0;
	if (!c->bad_people)
		rl_error(c, n, "no person has role \"%s\" (roles: %s)", role,
			 known_roles(c->r, list, sizeof list));
	return -1;
}

int
rl_notify_target(rl_ctx *c, const yaml_node_t *n, const char *what, bool allow_owner,
		 char **out)
{
	const char *v = rl_scalar(c, n, what);
	char people[512], roles[512];

	if (v == NULL)
		return -1;
	if ((allow_owner && strcmp(v, "owner") == 0) || rules_person_find(c->r, v) != NULL ||
	    rl_role_exists(c->r, v))
		return rl_string(c, n, what, out);
	if (!c->bad_people)
		rl_error(c, n, "%s \"%s\" is not %sa person or a role (people: %s; roles: %s)",
			 what, v, allow_owner ? "\"owner\", " : "",
			 known_people(c->r, people, sizeof people),
			 known_roles(c->r, roles, sizeof roles));
	return -1;
}

static void
read_contact(rl_ctx *c, rules_person *p, yaml_node_t **v)
{
	char norm[320];

	if (v[P_PHONE] != NULL && rl_string(c, v[P_PHONE], "phone", &p->phone) == 0) {
		if (contact_phone_normalize(p->phone, c->r->business.country, norm,
					    sizeof norm) < 0) {
			rl_error(c, v[P_PHONE], "\"phone\" must be a phone number like +13125550101");
		} else {
			free(p->phone);
			p->phone = rl_strdup(c, norm);
		}
	}
	if (v[P_EMAIL] != NULL && rl_string(c, v[P_EMAIL], "email", &p->email) == 0) {
		if (contact_email_normalize(p->email, norm, sizeof norm) < 0) {
			rl_error(c, v[P_EMAIL], "\"email\" must be an address like alice@example.com");
		} else {
			free(p->email);
			p->email = rl_strdup(c, norm);
		}
	}
}

static void
read_notify(rl_ctx *c, rules_person *p, yaml_node_t *n)
{
	int k;

	/* Unsaid: email costs nothing, a text reaches someone in the field. */
	if (n == NULL) {
		p->notify = p->email ? NOTIFY_EMAIL : p->phone ? NOTIFY_SMS : NOTIFY_NONE;
		return;
	}
	if ((k = rl_enum(c, n, "notify", notify_words)) < 0)
		return;
	p->notify = k == 0 ? NOTIFY_SMS : k == 1 ? NOTIFY_EMAIL : NOTIFY_NONE;
	if (p->notify == NOTIFY_SMS && p->phone == NULL)
		rl_error(c, n, "notify: sms needs a \"phone\" for %s", p->id);
	if (p->notify == NOTIFY_EMAIL && p->email == NULL)
		rl_error(c, n, "notify: email needs an \"email\" for %s", p->id);
}

static void
read_person(rl_ctx *c, yaml_node_t *n)
{
	rules *r = c->r;
	rules_person *p = &r->people[r->npeople];
	yaml_node_t *v[6];
	char *id = NULL;

	if (!rl_fields(c, n, "person", person_keys, v, NULL))
		return;
	if (v[P_ID] == NULL) {
		rl_missing(c, n, "id", "person");
		return;
	}
	/* A badly spelt id is still kept, so references to it do not cascade. */
	if (rl_ident(c, v[P_ID], "person id", ".-", &id) < 0) {
		yaml_node_t *k = v[P_ID];

		if (k->type != YAML_SCALAR_NODE || k->data.scalar.length == 0 ||
		    strlen((const char *)k->data.scalar.value) != k->data.scalar.length ||
		    (id = rl_strdup(c, (const char *)k->data.scalar.value)) == NULL)
			return;
	}
	if (rules_person_find(r, id) != NULL) {
		rl_error(c, v[P_ID], "person \"%s\" is defined twice", id);
		free(id);
		return;
	}
	p->id = id;
	r->npeople++;
	if (v[P_NAME] == NULL)
		rl_missing(c, n, "name", "person");
	else
		rl_string(c, v[P_NAME], "name", &p->name);
	if (v[P_ROLE] == NULL)
		rl_missing(c, n, "role", "person");
	else
		rl_ident(c, v[P_ROLE], "role", NULL, &p->role);
	read_contact(c, p, v);
	read_notify(c, p, v[P_NOTIFY]);
}

void
rl_people(rl_ctx *c, yaml_node_t *n)
{
	size_t len = rl_list_len(n);

	if (n == NULL) {
		c->bad_people = true;	/* missing: reported by the caller */
		return;
	}
	if (!rl_is_list(c, n, "people")) {
		c->bad_people = true;
		return;
	}
	if (len == 0) {
		rl_error(c, n, "\"people\" must list at least one person");
		return;
	}
	if (len > RL_MAX_PEOPLE) {
		rl_error(c, n, "too many people (at most %d)", RL_MAX_PEOPLE);
		c->bad_people = true;
		return;
	}
	if ((c->r->people = rl_calloc(c, len, sizeof *c->r->people)) == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);

		if (it == NULL)
			break;
		read_person(c, it);
	}
}

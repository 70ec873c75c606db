/*
 * rules_people.c - the `people` section, and every reference to a person or a
 * role made elsewhere (routing, stages, notify targets), so that a misspelt
 * name is reported where it is written, with the names that do exist.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/contact.h"
#include "rules_internal.h"

static const char *const person_keys[] = {
	"id", "name", "role", "phone", "email", "notify", "active", "away", "max_open_leads",
	"fallback", "hours", NULL
};
enum { P_ID, P_NAME, P_ROLE, P_PHONE, P_EMAIL, P_NOTIFY, P_ACTIVE, P_AWAY, P_MAX_OPEN,
       P_FALLBACK, P_HOURS, P_NKEYS };

static const char *const away_keys[] = { "from", "to", NULL };

#define RL_MAX_AWAY 100		/* away times per person */

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

/* "2026-12-24" (a whole day: from its start, or to its end) or "2026-12-24
 * 13:30", local to the business. UTC seconds, or -1 after reporting. */
static int64_t
read_when(rl_ctx *c, yaml_node_t *n, const char *what, bool end)
{
	const char *s = rl_scalar(c, n, what);
	int ymd, h = 0, mi = 0;
	char date[11];
	int64_t t;

	if (s == NULL)
		return -1;
	snprintf(date, sizeof date, "%s", s);
	if (strlen(s) < 10 || rl_parse_date(date, &ymd) < 0 ||
	    (s[10] != '\0' && (s[10] != ' ' || strlen(s) != 16 || !isdigit((unsigned char)s[11]) ||
				!isdigit((unsigned char)s[12]) || s[13] != ':' ||
				!isdigit((unsigned char)s[14]) || !isdigit((unsigned char)s[15]) ||
				(h = (s[11] - '0') * 10 + s[12] - '0') > 23 ||
				(mi = (s[14] - '0') * 10 + s[15] - '0') > 59))) {
		rl_error(c, n, "\"%s\" must be a date like 2026-12-24 or a time like "
			 "\"2026-12-24 13:30\"", what);
		return -1;
	}
	if (s[10] == '\0' && end)	/* a date "to": through the end of that day */
		tz_from_local(c->r->business.zone, ymd / 10000, ymd / 100 % 100, ymd % 100 + 1, 0, 0,
			      &t);
	else
		tz_from_local(c->r->business.zone, ymd / 10000, ymd / 100 % 100, ymd % 100, h, mi,
			      &t);
	return t;
}

static int
by_from(const void *a, const void *b)
{
	const rules_away *x = a, *y = b;

	return (x->from > y->from) - (x->from < y->from);
}

/* away: [ { from: 2026-12-24, to: 2027-01-02 }, ... ] */
static void
read_away(rl_ctx *c, rules_person *p, yaml_node_t *n)
{
	size_t len = rl_list_len(n);

	if (!rl_is_list(c, n, "away"))
		return;
	if (len > RL_MAX_AWAY) {
		rl_error(c, n, "too many away times for %s (at most %d)", p->id, RL_MAX_AWAY);
		return;
	}
	if (len == 0 || (p->away = rl_calloc(c, len, sizeof *p->away)) == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i), *v[2];
		int64_t from, to;

		if (it == NULL)
			break;
		if (!rl_fields(c, it, "away", away_keys, v, NULL))
			continue;
		if (v[0] == NULL || v[1] == NULL) {
			rl_missing(c, it, v[0] == NULL ? "from" : "to", "away");
			continue;
		}
		if ((from = read_when(c, v[0], "from", false)) < 0 ||
		    (to = read_when(c, v[1], "to", true)) < 0)
			continue;
		if (to <= from) {
			rl_error(c, v[1], "\"to\" must come after \"from\"");
			continue;
		}
		p->away[p->naway++] = (rules_away){ from, to, (int)it->start_mark.line + 1 };
	}
	qsort(p->away, p->naway, sizeof *p->away, by_from);
}

static void
read_presence(rl_ctx *c, rules_person *p, yaml_node_t **v)
{
	bool active = true;
	long max;

	if (v[P_ACTIVE] != NULL && rl_bool(c, v[P_ACTIVE], "active", &active) == 0)
		p->inactive = !active;
	if (v[P_AWAY] != NULL)
		read_away(c, p, v[P_AWAY]);
	if (v[P_MAX_OPEN] != NULL &&
	    rl_int(c, v[P_MAX_OPEN], "max_open_leads", 0, 100000, &max) == 0)
		p->max_open_leads = (int)max;
}

static void
read_person(rl_ctx *c, yaml_node_t *n, yaml_node_t **fallback)
{
	rules *r = c->r;
	rules_person *p = &r->people[r->npeople];
	yaml_node_t *v[P_NKEYS];
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
	p->fallback = -1;
	fallback[r->npeople] = v[P_FALLBACK];
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
	read_presence(c, p, v);
	if (v[P_HOURS] != NULL) {
		char whose[80];

		snprintf(whose, sizeof whose, "%s is", p->id);
		p->has_hours = true;
		rl_hours(c, v[P_HOURS], p->hours, p->nspans, whose);
	}
}

/* fallback: a person id, known once everyone is read. */
static void
read_fallbacks(rl_ctx *c, yaml_node_t **fallback)
{
	rules *r = c->r;

	for (size_t i = 0; i < r->npeople; i++) {
		const char *id;
		int k;

		if (fallback[i] == NULL || (id = rl_scalar(c, fallback[i], "fallback")) == NULL ||
		    (k = rl_person_ref(c, fallback[i], id)) < 0)
			continue;
		if ((size_t)k == i)
			rl_error(c, fallback[i], "%s cannot be their own fallback", r->people[i].id);
		else
			r->people[i].fallback = k;
	}
}

void
rl_people(rl_ctx *c, yaml_node_t *n)
{
	size_t len = rl_list_len(n);
	yaml_node_t **fallback;

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
	if ((c->r->people = rl_calloc(c, len, sizeof *c->r->people)) == NULL ||
	    (fallback = rl_calloc(c, len, sizeof *fallback)) == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = rl_list_item(c, n, i);

		if (it == NULL)
			break;
		read_person(c, it, fallback);
	}
	read_fallbacks(c, fallback);
	free(fallback);
}

/*
 * web_appointments.c - appointments in the staff web app: the signed-in
 * person's visits of today at the top of Today (their own only, in start
 * order, with a maps link, the lead's phone and the job), and on the lead
 * page its appointments with the buttons that change them and the form that
 * books one. The forms post to /app/leads/ID/appointments (web_actions.c):
 * an EV_APPOINTMENT through the flow, as `leadkeep appointments` and the API
 * send it. Rows come from store_appointments_read; the maps link is the
 * CLI's and the API's (read_maps_url).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/appointment.h"
#include "read/read_json.h"
#include "store/store_read.h"
#include "web.h"

#define DAY_MAX 50	/* visits one day shows; nobody drives to more */
#define LEAD_MAX 50	/* appointments a lead page shows, in start order */

/* A kind's name for people ("estimate visit"), or its id. */
static const char *
kind_name(const web_ctx *c, const char *id)
{
	for (size_t i = 0; id && i < c->rules->appointments.nkinds; i++)
		if (strcmp(c->rules->appointments.kinds[i].id, id) == 0)
			return c->rules->appointments.kinds[i].name;
	return id ? id : "appointment";
}

/* "booked", "no show": the state for people. */
static const char *
state_words(const char *state)
{
	return state && strcmp(state, "no_show") == 0 ? "no show" : state ? state : "-";
}

/* The place as a link to the same maps search the CLI and the API give. */
static void
place_link(web_ctx *c, const char *place)
{
	html *h = &c->h;
	char *maps = read_maps_url(place);
	html_url u;

	if (maps == NULL || !html_url_https(&u, maps)) {
		html_text(h, place);
	} else {
		html_open(h, "a");
		html_url_attr(h, "href", &u);
		html_text(h, place);
		html_close(h);
	}
	free(maps);
}

/* --- my day on Today ------------------------------------------------------------------- */

typedef struct {
	web_ctx *c;
	int n;
} day_list;

static void
day_row(void *ctx, const store_appointment_row *r)
{
	day_list *d = ctx;
	web_ctx *c = d->c;
	html *h = &c->h;
	char window[64];
	html_url u;

	if (d->n++ == 0) {
		html_open(h, "section");
		html_attr(h, "id", "my-day");
		html_attr(h, "aria-labelledby", "my-day-title");
		html_open(h, "h2");
		html_attr(h, "id", "my-day-title");
		html_text(h, "My visits today");
		html_close(h);
		html_open(h, "ol");
		html_attr(h, "class", "appointments");
	}
	appt_window_words(c->rules->business.zone, r->starts_at, r->ends_at, window, sizeof window);
	html_open(h, "li");
	html_attr(h, "class", "card appointment");
	html_open(h, "p");
	html_open(h, "strong");
	html_text(h, window);
	html_close(h);
	html_textf(h, " \xc2\xb7 %s ", kind_name(c, r->kind));
	web_badge(c, "state", state_words(r->state));
	html_close(h);
	html_open(h, "p");
	html_url_pathf(&u, "/app/leads/%lld", (long long)r->lead_id);
	html_open(h, "a");
	html_url_attr(h, "href", &u);
	html_text(h, r->lead_name && *r->lead_name ? r->lead_name : "(no name)");
	html_close(h);
	if (r->service && *r->service)
		html_textf(h, " \xc2\xb7 %s", r->service);
	html_close(h);
	if (r->place && *r->place) {
		html_open(h, "p");
		place_link(c, r->place);
		html_close(h);
	}
	if (r->lead_phone && html_url_tel(&u, r->lead_phone)) {
		html_open(h, "p");
		html_open(h, "a");
		html_url_attr(h, "href", &u);
		html_textf(h, "Call %s", r->lead_phone);
		html_close(h);
		html_close(h);
	}
	html_close(h);	/* li */
}

void
web_my_day(web_ctx *c)
{
	const char *person = web_person(c);
	store_appointment_filter f = { .person = person, .limit = DAY_MAX };
	day_list d = { .c = c };
	store *s = http_store(c->rq);

	if (*person == '\0' || s == NULL)
		return;
	web_day_bounds(c, c->now, &f.from, &f.to);
	if (store_appointments_read(s, c->business_id, &f, day_row, &d) < 0) {
		html_open(&c->h, "p");
		html_attr(&c->h, "class", "notice error");
		html_attr(&c->h, "role", "alert");
		html_text(&c->h, "Today's visits cannot be read just now. Reload in a moment.");
		html_close(&c->h);
		return;
	}
	if (d.n > 0) {
		html_close(&c->h);	/* ol */
		html_close(&c->h);	/* section */
	}
}

/* --- the lead page ------------------------------------------------------------------------ */

typedef struct {
	web_ctx *c;
	int64_t lead_id;
	int n;
} lead_list;

/* The form's start (class may be NULL): a POST to /app/leads/ID/appointments with the token. */
static void
appt_form(web_ctx *c, int64_t lead_id, const char *class)
{
	html_url u;

	html_url_pathf(&u, "/app/leads/%lld/appointments", (long long)lead_id);
	html_open(&c->h, "form");
	html_attr(&c->h, "method", "post");
	html_url_attr(&c->h, "action", &u);
	html_attr(&c->h, "class", class);
	web_csrf_field(c);
}

static void
hidden(html *h, const char *name, const char *value)
{
	html_void(h, "input");
	html_attr(h, "type", "hidden");
	html_attr(h, "name", name);
	html_attr(h, "value", value);
}

static void
action_button(html *h, const char *value, const char *text, bool secondary)
{
	html_open(h, "button");
	html_attr(h, "name", "action");
	html_attr(h, "value", value);
	if (secondary)
		html_attr(h, "class", "secondary");
	html_text(h, text);
	html_close(h);
}

/* A labelled input whose id is "appt-ID-name". */
static void
field(html *h, int64_t id, const char *name, const char *type, const char *label)
{
	char fid[48];

	snprintf(fid, sizeof fid, "appt-%lld-%s", (long long)id, name);
	web_label(h, fid, label);
	html_void(h, "input");
	html_attr(h, "id", fid);
	html_attr(h, "name", name);
	html_attr(h, "type", type);
	if (strcmp(type, "text") == 0)
		html_attr(h, "inputmode", "decimal");
}

/* What may happen to an appointment ahead of its outcome: confirm, move,
 * cancel, done (with a quote amount) or no-show - one form, one button each. */
static void
change_form(web_ctx *c, const lead_list *l, int64_t id)
{
	html *h = &c->h;
	char v[24];

	appt_form(c, l->lead_id, "appointment-change");
	snprintf(v, sizeof v, "%lld", (long long)id);
	hidden(h, "appointment", v);
	html_open(h, "div");
	html_attr(h, "class", "row");
	action_button(h, "confirm", "Confirmed", false);
	action_button(h, "no_show", "No-show", true);
	action_button(h, "cancel", "Cancel visit", true);
	html_close(h);
	field(h, id, "start", "datetime-local", "New time");
	action_button(h, "reschedule", "Reschedule", true);
	field(h, id, "amount", "text", "Quote in dollars (optional)");
	action_button(h, "done", "Done", false);
	html_close(h);	/* form */
}

static void
lead_row(void *ctx, const store_appointment_row *r)
{
	lead_list *l = ctx;
	web_ctx *c = l->c;
	html *h = &c->h;
	appt_state st;
	char day[48], window[64];

	if (l->n++ == 0) {
		html_open(h, "ol");
		html_attr(h, "class", "appointments");
	}
	appt_day_words(c->rules->business.zone, r->starts_at, day, sizeof day);
	appt_window_words(c->rules->business.zone, r->starts_at, r->ends_at, window, sizeof window);
	html_open(h, "li");
	html_attr(h, "class", "card appointment");
	html_attr_int(h, "data-appointment", r->id);
	html_open(h, "p");
	html_open(h, "strong");
	html_textf(h, "%s, %s", day, window);
	html_close(h);
	html_textf(h, " \xc2\xb7 %s \xc2\xb7 %s%s ", kind_name(c, r->kind),
		   web_person_name(c, r->person), r->ends_at <= c->now ? " \xc2\xb7 past" : "");
	web_badge(c, "state", state_words(r->state));
	if (r->paused)
		html_text(h, " (reminders paused: the lead asked to move it)");
	html_close(h);
	if (r->place && *r->place) {
		html_open(h, "p");
		place_link(c, r->place);
		html_close(h);
	}
	if (appt_state_parse(r->state, &st) == 0 && appt_state_open(st))
		change_form(c, l, r->id);
	html_close(h);	/* li */
}

/* The lead's "address" custom field, when it is text: where a visit goes
 * unless someone says otherwise. */
static const char *
lead_address(web_ctx *c, const char *custom)
{
	json_t *o = custom ? json_loads(custom, 0, NULL) : NULL;
	json_t *v = json_object_get(o, "address");
	const char *a = json_is_string(v) ? web_keep(c, json_string_value(v)) : NULL;

	json_decref(o);
	return a;
}

static void
book_form(web_ctx *c, const store_lead_row *ld)
{
	html *h = &c->h;
	const rules_appointments *ra = &c->rules->appointments;
	const char *who = *web_person(c) ? web_person(c) : ld->owner;

	appt_form(c, ld->id, "card");
	hidden(h, "action", "book");
	html_elem(h, "h3", "Book a visit");
	web_label(h, "book-kind", "Kind");
	html_open(h, "select");
	html_attr(h, "id", "book-kind");
	html_attr(h, "name", "kind");
	for (size_t i = 0; i < ra->nkinds; i++) {
		html_open(h, "option");
		html_attr(h, "value", ra->kinds[i].id);
		html_text(h, ra->kinds[i].name);
		html_close(h);
	}
	html_close(h);
	web_label(h, "book-start", "Start (business time)");
	html_void(h, "input");
	html_attr(h, "id", "book-start");
	html_attr(h, "name", "start");
	html_attr(h, "type", "datetime-local");
	html_flag(h, "required", true);
	web_label(h, "book-place", "Place");
	html_void(h, "input");
	html_attr(h, "id", "book-place");
	html_attr(h, "name", "place");
	html_attr(h, "autocomplete", "street-address");
	html_attr(h, "value", lead_address(c, ld->custom));
	web_label(h, "book-person", "Who goes");
	html_open(h, "select");
	html_attr(h, "id", "book-person");
	html_attr(h, "name", "person");
	for (size_t i = 0; i < c->rules->npeople; i++) {
		const rules_person *p = &c->rules->people[i];

		html_open(h, "option");
		html_attr(h, "value", p->id);
		html_flag(h, "selected", who && strcmp(who, p->id) == 0);
		html_textf(h, "%s (%s)", p->name, p->role ? p->role : "-");
		html_close(h);
	}
	html_close(h);
	html_open(h, "button");
	html_text(h, "Book");
	html_close(h);
	html_close(h);	/* form */
}

void
web_lead_appointments(web_ctx *c, const store_lead_row *ld)
{
	html *h = &c->h;
	store_appointment_filter f = { .lead_id = ld->id, .limit = LEAD_MAX };
	lead_list l = { .c = c, .lead_id = ld->id };
	store *s = http_store(c->rq);

	if (c->rules->appointments.nkinds == 0)
		return;	/* the rules book no visits */
	html_open(h, "h2");
	html_attr(h, "id", "appointments");
	html_text(h, "Appointments");
	html_close(h);
	web_notice_show(c, "appointments");
	if (s == NULL || store_appointments_read(s, c->business_id, &f, lead_row, &l) < 0) {
		html_open(h, "p");
		html_attr(h, "class", "notice error");
		html_attr(h, "role", "alert");
		html_text(h, "The appointments cannot be read just now.");
		html_close(h);
	} else if (l.n > 0) {
		html_close(h);	/* ol */
	} else {
		html_open(h, "p");
		html_attr(h, "class", "empty");
		html_text(h, "No appointment yet.");
		html_close(h);
	}
	book_form(c, ld);
}

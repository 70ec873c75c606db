/*
 * read_json.c - rows to JSON (see read_json.h). Every text column that is
 * empty in the store is null here, every time is ISO 8601 UTC or null.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/lead.h"
#include "read_json.h"
#include "util/utf8.h"

static json_t *
iso_time(int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0)
		return json_null();
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

/* A stored text as a JSON string. Text is valid UTF-8 from the door on; a
 * row written before that (or by hand) is shown with U+FFFD for the bytes
 * that are not, never dropped from the answer. */
static json_t *
text(const char *v)
{
	json_t *j;
	char *clean;
	size_t n;

	if (v == NULL)
		return json_null();
	if ((j = json_string(v)) != NULL)
		return j;
	if ((clean = utf8_sanitize(v, strlen(v), &n, NULL)) == NULL)
		return NULL;
	j = json_stringn(clean, n);
	free(clean);
	return j;
}

static json_t *
flags_json(unsigned flags)
{
	json_t *a = json_array();

	if (flags & LEAD_PHONE_INVALID)
		json_array_append_new(a, json_string("phone_invalid"));
	if (flags & LEAD_EMAIL_INVALID)
		json_array_append_new(a, json_string("email_invalid"));
	if (flags & LEAD_NO_CONTACT)
		json_array_append_new(a, json_string("no_contact"));
	if (flags & LEAD_PHONE_ABROAD)
		json_array_append_new(a, json_string("phone_abroad"));
	if (flags & (LEAD_MAYBE_OPT_OUT_SMS | LEAD_MAYBE_OPT_OUT_EMAIL))
		json_array_append_new(a, json_string("possible_opt_out"));
	if (flags & LEAD_NO_TEXTS)
		json_array_append_new(a, json_string("no_texts"));
	return a;
}

/* The lead's custom fields as an object ({} for none or unreadable). */
static json_t *
custom_json(const char *text)
{
	json_t *o = text != NULL ? json_loads(text, 0, NULL) : NULL;

	if (!json_is_object(o)) {
		json_decref(o);
		return json_object();
	}
	return o;
}

static json_t *
lead_json(const store_lead_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "name", text(r->name));
	json_object_set_new(o, "phone", text(r->phone));
	json_object_set_new(o, "email", text(r->email));
	json_object_set_new(o, "source", text(r->source));
	json_object_set_new(o, "kind", text(r->kind));
	json_object_set_new(o, "service", text(r->service));
	json_object_set_new(o, "message", text(r->message));
	json_object_set_new(o, "neighbourhood", text(r->neighbourhood));
	json_object_set_new(o, "timezone", text(r->timezone));
	json_object_set_new(o, "flags", flags_json(r->flags));
	json_object_set_new(o, "stage", text(r->stage));
	json_object_set_new(o, "status", text(r->status));
	json_object_set_new(o, "owner", text(r->owner));
	json_object_set_new(o, "sequence", text(r->sequence));
	json_object_set_new(o, "created_at", iso_time(r->created_at));
	json_object_set_new(o, "updated_at", iso_time(r->updated_at));
	json_object_set_new(o, "quote_cents", r->has_quote ? json_integer(r->quote_cents) :
			    json_null());
	json_object_set_new(o, "lost_reason", text(r->lost_reason));
	json_object_set_new(o, "reactivate_at", iso_time(r->reactivate_at));
	json_object_set_new(o, "sms_opt_out", json_boolean(r->sms_opt_out));
	json_object_set_new(o, "email_opt_out", json_boolean(r->email_opt_out));
	json_object_set_new(o, "last_inbound_at", iso_time(r->last_inbound_at));
	json_object_set_new(o, "last_touch_at", iso_time(r->last_touch_at));
	json_object_set_new(o, "external_id", text(r->external_id));
	json_object_set_new(o, "custom", custom_json(r->custom));
	json_object_set_new(o, "paused_at", iso_time(r->paused_at));
	json_object_set_new(o, "paused_step", text(r->paused_step));
	return o;
}

static json_t *
task_json(const store_task_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "lead_id", json_integer(r->lead_id));
	json_object_set_new(o, "verb", text(r->verb));
	json_object_set_new(o, "title", text(r->title));
	json_object_set_new(o, "assignee", text(r->assignee));
	json_object_set_new(o, "due_at", iso_time(r->due_at));
	json_object_set_new(o, "state", text(r->state));
	json_object_set_new(o, "outcome", text(r->outcome));
	json_object_set_new(o, "created_at", iso_time(r->created_at));
	json_object_set_new(o, "closed_at", iso_time(r->closed_at));
	return o;
}

/* --- one lead ------------------------------------------------------------- */

typedef struct {
	json_t *lead, *tasks, *timers, *messages, *timeline;
} lead_doc;

static void
on_lead(void *ctx, const store_lead_row *r)
{
	((lead_doc *)ctx)->lead = lead_json(r);
}

static void
on_task(void *ctx, const store_task_row *r)
{
	json_array_append_new(((lead_doc *)ctx)->tasks, task_json(r));
}

static void
on_timer(void *ctx, const store_timer_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "due_at", iso_time(r->due_at));
	json_object_set_new(o, "kind", text(r->kind));
	json_object_set_new(o, "sequence", text(r->sequence));
	json_object_set_new(o, "step", r->has_step ? json_integer(r->step) : json_null());
	if (r->step_id != NULL)
		json_object_set_new(o, "step_id", text(r->step_id));
	json_array_append_new(((lead_doc *)ctx)->timers, o);
}

static void
on_message(void *ctx, const store_message_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "channel", text(r->channel));
	json_object_set_new(o, "to", text(r->to));
	json_object_set_new(o, "person", text(r->person));
	json_object_set_new(o, "purpose", text(r->purpose));
	json_object_set_new(o, "body", text(r->body));
	json_object_set_new(o, "send_at", iso_time(r->send_at));
	json_object_set_new(o, "state", text(r->state));
	json_array_append_new(((lead_doc *)ctx)->messages, o);
}

json_t *
read_event_json(const store_event_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "at", iso_time(r->at));
	json_object_set_new(o, "type", text(r->type));
	json_object_set_new(o, "actor", text(r->actor));
	json_object_set_new(o, "text", text(r->text));
	return o;
}

json_t *
read_lead_row_json(const store_lead_row *r)
{
	return lead_json(r);
}

static void
on_event(void *ctx, const store_event_row *r)
{
	json_array_append_new(((lead_doc *)ctx)->timeline, read_event_json(r));
}

int
read_lead_json(store *s, int64_t business_id, int64_t id, bool with_timeline, json_t **out)
{
	store_lead_visitor v = { on_lead, on_task, on_timer, on_message,
				 with_timeline ? on_event : NULL };
	lead_doc d = { NULL, json_array(), json_array(), json_array(), json_array() };
	int rc = store_lead_read(s, business_id, id, &v, &d);

	*out = NULL;
	if (rc == 1 && d.lead != NULL) {
		store_appointment_filter f = { .lead_id = id };
		json_t *appts = read_appointments_json(s, business_id, &f);

		if (appts == NULL) {
			rc = -1;
			json_decref(d.lead);
			goto out;
		}
		json_object_set_new(d.lead, "appointments", appts);
		json_object_set(d.lead, "tasks", d.tasks);
		json_object_set(d.lead, "timers", d.timers);
		json_object_set(d.lead, "messages", d.messages);
		if (with_timeline)
			json_object_set(d.lead, "timeline", d.timeline);
		*out = d.lead;
	} else {
		json_decref(d.lead);
	}
out:
	json_decref(d.tasks);
	json_decref(d.timers);
	json_decref(d.messages);
	json_decref(d.timeline);
	return rc;
}

/* --- lists -------------------------------------------------------------- */

static void
add_lead(void *ctx, const store_lead_row *r)
{
	json_array_append_new(ctx, lead_json(r));
}

static void
add_task(void *ctx, const store_task_row *r)
{
	json_array_append_new(ctx, task_json(r));
}

static void
add_token(void *ctx, const store_token_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "name", text(r->name));
	json_object_set_new(o, "role", text(r->role));
	json_object_set_new(o, "prefix", text(r->prefix));
	json_object_set_new(o, "created_at", json_integer(r->created_at));
	json_object_set_new(o, "revoked_at", r->revoked_at ? json_integer(r->revoked_at) :
			    json_null());
	json_array_append_new(ctx, o);
}

char *
read_maps_url(const char *place)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *base = "https://www.google.com/maps/search/?api=1&query=";
	size_t n = strlen(base), len = strlen(place);
	char *buf;

	if ((buf = malloc(n + len * 3 + 1)) == NULL)
		return NULL;
	memcpy(buf, base, n);
	for (const unsigned char *p = (const unsigned char *)place; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			buf[n++] = (char)*p;
		} else {
			buf[n++] = '%';
			buf[n++] = hex[*p >> 4];
			buf[n++] = hex[*p & 15];
		}
	}
	buf[n] = '\0';
	return buf;
}

static json_t *
maps_link(const char *place)
{
	char *url = read_maps_url(place);
	json_t *j = url ? text(url) : NULL;

	free(url);
	return j;
}

static void
add_appointment(void *ctx, const store_appointment_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "lead_id", json_integer(r->lead_id));
	json_object_set_new(o, "kind", text(r->kind));
	json_object_set_new(o, "state", text(r->state));
	json_object_set_new(o, "starts_at", iso_time(r->starts_at));
	json_object_set_new(o, "ends_at", iso_time(r->ends_at));
	json_object_set_new(o, "person", text(r->person));
	json_object_set_new(o, "place", text(r->place));
	json_object_set_new(o, "maps_url", r->place && *r->place ? maps_link(r->place) : json_null());
	json_object_set_new(o, "reminders_paused", json_boolean(r->paused));
	json_object_set_new(o, "lead_name", text(r->lead_name));
	json_object_set_new(o, "lead_phone", text(r->lead_phone));
	json_object_set_new(o, "service", text(r->service));
	json_array_append_new(ctx, o);
}

/* a, or NULL (a freed) when the read failed. */
static json_t *
list_or_null(json_t *a, int rc)
{
	if (rc >= 0)
		return a;
	json_decref(a);
	return NULL;
}

json_t *
read_leads_json(store *s, int64_t business_id, const store_lead_filter *f)
{
	json_t *a = json_array();

	return list_or_null(a, store_leads_read(s, business_id, f, add_lead, a));
}

json_t *
read_tasks_json(store *s, int64_t business_id, const char *assignee, const char *state,
		int limit)
{
	json_t *a = json_array();

	return list_or_null(a, store_tasks_read(s, business_id, assignee, state, limit,
						add_task, a));
}

json_t *
read_appointments_json(store *s, int64_t business_id, const store_appointment_filter *f)
{
	json_t *a = json_array();

	return list_or_null(a, store_appointments_read(s, business_id, f, add_appointment, a));
}

json_t *
read_tokens_json(store *s, int64_t business_id)
{
	json_t *a = json_array();

	return list_or_null(a, store_tokens_read(s, business_id, add_token, a));
}

/*
 * cmd_simulate.c - `leadkeep simulate`: rehearse rules on a virtual clock.
 *
 * Runs the production engine, store and scheduler code against a throwaway
 * database: outside events are applied at their times, and between them the
 * clock jumps from one timer to the next, firing each at its due time. Every
 * action applied is printed as one JSON line (schema in docs/simulate.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/tz.h"
#include "intake/intake.h"
#include "intake/intake_fields.h"
#include "intake/intake_twilio.h"
#include "sched/sched.h"

static const char simulate_help[] =
	"Usage: leadkeep simulate --events FILE.jsonl [--until TIME] [--rules FILE]\n"
	"\n"
	"Reads outside events (leads, replies, calls, visits, stage changes, tasks done,\n"
	"opt-outs), one JSON object per line, and replays them on a virtual clock with a\n"
	"throwaway database, firing every timer on the way. Prints one JSON line per\n"
	"thing the system did. FILE - reads standard input. TIME is ISO 8601, or local\n"
	"\"YYYY-MM-DD HH:MM\" in the business's time zone. Without --until the clock\n"
	"runs until no timer is left or a year after the last event.\n"
	"Formats: docs/simulate.md.\n"
	"\n" CLI_COMMON_HELP;

static const struct option simulate_options[] = {
	{ "events", required_argument, NULL, 'e' },
	{ "until", required_argument, NULL, 'u' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

#define MAX_INPUT (256L * 1024 * 1024)
#define MAX_FIRINGS 50000000L

typedef struct {
	int64_t at;
	int line;
	json_t *ev;
} sim_input;

/* ref -> lead id, open addressing; refs are the inputs' "ref" (or phone/email/name). */
typedef struct {
	char **keys;
	int64_t *ids;
	size_t cap, n;
} ref_map;

typedef struct {
	const rules *r;
	ref_map refs;
	char **names;		/* lead id -> ref, for output */
	size_t nnames;
	FILE *out;
	cli_env *e;
	const char *events_dir;	/* "rules" inputs name files relative to it */
	rules *versions[64];	/* rules loaded by "rules" inputs, kept to the end */
	size_t nversions;
	int64_t clock;		/* the virtual clock: how far the run has come */
} sim;

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int64_t
ref_get(const ref_map *m, const char *key)
{
	if (m->cap == 0 || key == NULL)
		return 0;
	for (size_t i = hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == NULL)
			return 0;
		if (strcmp(m->keys[i], key) == 0)
			return m->ids[i];
	}
}

static void
ref_put(ref_map *m, const char *key, int64_t id)
{
	if (key == NULL || *key == '\0')
		return;
	if ((m->n + 1) * 2 > m->cap) {
		ref_map g = { .cap = m->cap ? m->cap * 2 : 1024 };

		g.keys = calloc(g.cap, sizeof *g.keys);
		g.ids = calloc(g.cap, sizeof *g.ids);
		if (g.keys == NULL || g.ids == NULL)
			abort();
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i] != NULL) {
				size_t j = hash(m->keys[i]) & (g.cap - 1);

				while (g.keys[j] != NULL)
					j = (j + 1) & (g.cap - 1);
				g.keys[j] = m->keys[i];
				g.ids[j] = m->ids[i];
				g.n++;
			}
		free(m->keys);
		free(m->ids);
		*m = g;
	}
	for (size_t i = hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == NULL) {
			m->keys[i] = strdup(key);
			m->ids[i] = id;
			m->n++;
			return;
		}
		if (strcmp(m->keys[i], key) == 0) {
			m->ids[i] = id;
			return;
		}
	}
}

static void
ref_free(ref_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->ids);
}

static json_t *
utc_str(int64_t t)
{
	int y, mo, d;
	char buf[32];
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - days * 86400;

	tz_civil_from_days(days, &y, &mo, &d);
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, (int)(rem / 3600),
		 (int)(rem / 60 % 60), (int)(rem % 60));
	return json_string(buf);
}

static json_t *
local_str(const rules *r, int64_t t)
{
	tz_local lt;
	char buf[40];
	int off;

	tz_to_local(r->business.zone, t, &lt);
	off = lt.utc_offset / 60;
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", lt.year, lt.month,
		 lt.day, lt.hour, lt.min, lt.sec, off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
	return json_string(buf);
}

static const char *
lead_ref(const sim *sm, int64_t id)
{
	return id > 0 && (size_t)id < sm->nnames && sm->names[id] ? sm->names[id] : NULL;
}

static void
name_lead(sim *sm, int64_t id, const char *ref)
{
	if (id <= 0 || ref == NULL)
		return;
	if ((size_t)id >= sm->nnames) {
		size_t n = sm->nnames ? sm->nnames : 1024;
		char **g;

		while (n <= (size_t)id)
			n *= 2;
		if ((g = realloc(sm->names, n * sizeof *g)) == NULL)
			abort();
		memset(g + sm->nnames, 0, (n - sm->nnames) * sizeof *g);
		sm->names = g;
		sm->nnames = n;
	}
	if (sm->names[id] == NULL)
		sm->names[id] = strdup(ref);
}

static void
emit(sim *sm, json_t *o)
{
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (line != NULL) {
		fputs(line, sm->out);
		fputc('\n', sm->out);
		free(line);
	}
	json_decref(o);
}

static json_t *
line_head(sim *sm, int64_t now, int64_t lead_id, const char *what)
{
	json_t *o = json_object();
	const char *ref = lead_ref(sm, lead_id);

	json_object_set_new(o, "at", utc_str(now));
	json_object_set_new(o, "local", local_str(sm->r, now));
	json_object_set_new(o, "lead", ref ? json_string(ref) : json_null());
	json_object_set_new(o, "lead_id", json_integer(lead_id));
	json_object_set_new(o, "do", json_string(what));
	return o;
}

static void
observe(void *ctx, int64_t lead_id, const action *a, int64_t row, int64_t now)
{
	sim *sm = ctx;
	json_t *o;

	switch (a->kind) {
	case ACT_MARK:
	case ACT_RR_ADVANCE:
		return;	/* bookkeeping, not something the business would see */
	case ACT_SET_OWNER:
		o = line_head(sm, now, lead_id, "owner");
		json_object_set_new(o, "owner", json_string(a->person));
		break;
	case ACT_SET_STAGE:
		o = line_head(sm, now, lead_id, "stage");
		json_object_set_new(o, "stage", json_string(a->name));
		break;
	case ACT_SET_STATUS:
		o = line_head(sm, now, lead_id, "status");
		json_object_set_new(o, "status", json_string(a->name));
		json_object_set_new(o, "reason", a->reason ? json_string(a->reason) : json_null());
		json_object_set_new(o, "reactivate_at", a->at > 0 ? utc_str(a->at) : json_null());
		break;
	case ACT_SET_SEQUENCE:
		o = line_head(sm, now, lead_id, "sequence");
		json_object_set_new(o, "sequence", a->name ? json_string(a->name) : json_null());
		break;
	case ACT_SET_QUOTE:
		o = line_head(sm, now, lead_id, "quote");
		json_object_set_new(o, "amount_cents", json_integer(a->amount_cents));
		break;
	case ACT_SET_OPT_OUT:
		o = line_head(sm, now, lead_id, "consent");
		json_object_set_new(o, "channel", json_string(a->channel));
		json_object_set_new(o, "opted_out", json_boolean(a->flag));
		break;
	case ACT_SET_FLAGS:
		o = line_head(sm, now, lead_id, "contact_flagged");
		json_object_set_new(o, "phone_invalid", json_boolean(a->flags & LEAD_PHONE_INVALID));
		json_object_set_new(o, "email_invalid", json_boolean(a->flags & LEAD_EMAIL_INVALID));
		json_object_set_new(o, "possible_opt_out",
				    json_boolean(a->flags & (LEAD_MAYBE_OPT_OUT_SMS |
							     LEAD_MAYBE_OPT_OUT_EMAIL)));
		json_object_set_new(o, "no_texts", json_boolean(a->flags & LEAD_NO_TEXTS));
		break;
	case ACT_SET_CONTACT:
		o = line_head(sm, now, lead_id, "contact");
		if (a->fields.name)
			json_object_set_new(o, "name", json_string(a->fields.name));
		if (a->fields.phone)
			json_object_set_new(o, "phone", json_string(a->fields.phone));
		if (a->fields.email)
			json_object_set_new(o, "email", json_string(a->fields.email));
		if (a->fields.service)
			json_object_set_new(o, "service", json_string(a->fields.service));
		json_object_set_new(o, "phone_invalid", json_boolean(a->flags & LEAD_PHONE_INVALID));
		json_object_set_new(o, "email_invalid", json_boolean(a->flags & LEAD_EMAIL_INVALID));
		json_object_set_new(o, "possible_opt_out",
				    json_boolean(a->flags & (LEAD_MAYBE_OPT_OUT_SMS |
							     LEAD_MAYBE_OPT_OUT_EMAIL)));
		break;
	case ACT_EVENT:
		o = line_head(sm, now, lead_id, "event");
		json_object_set_new(o, "event", json_string(a->name));
		json_object_set_new(o, "text", json_string(a->text ? a->text : ""));
		break;
	case ACT_TASK_CREATE:
		o = line_head(sm, now, lead_id, "task");
		json_object_set_new(o, "task_id", json_integer(row));
		json_object_set_new(o, "verb", json_string(a->verb));
		json_object_set_new(o, "title", json_string(a->text));
		json_object_set_new(o, "assignee", json_string(a->person));
		json_object_set_new(o, "due_at", utc_str(a->at));
		json_object_set_new(o, "due_local", local_str(sm->r, a->at));
		break;
	case ACT_TASK_CLOSE:
		o = line_head(sm, now, lead_id, "task_closed");
		json_object_set_new(o, "task_id", json_integer(a->task_id));
		json_object_set_new(o, "state", json_string(a->name));
		json_object_set_new(o, "outcome", a->text ? json_string(a->text) : json_null());
		break;
	case ACT_TASK_DUE:
		o = line_head(sm, now, lead_id, "task_due");
		json_object_set_new(o, "task_id", json_integer(a->task_id));
		json_object_set_new(o, "due_at", utc_str(a->at));
		json_object_set_new(o, "due_local", local_str(sm->r, a->at));
		break;
	case ACT_TASK_RETITLE:
		o = line_head(sm, now, lead_id, "task_title");
		json_object_set_new(o, "task_id", json_integer(a->task_id));
		json_object_set_new(o, "title", json_string(a->text ? a->text : ""));
		break;
	case ACT_TIMER_SET:
		o = line_head(sm, now, lead_id, "timer");
		json_object_set_new(o, "timer", json_string(store_timer_kind_name(a->timer)));
		json_object_set_new(o, "due_at", utc_str(a->at));
		json_object_set_new(o, "due_local", local_str(sm->r, a->at));
		if (a->name)
			json_object_set_new(o, "sequence", json_string(a->name));
		if (a->step >= 0)
			json_object_set_new(o, "step", json_integer(a->step));
		if (a->level >= 0)
			json_object_set_new(o, "level", json_integer(a->level));
		if (a->step_id)
			json_object_set_new(o, "step_id", json_string(a->step_id));
		if (a->timer == TIMER_APPT_REMIND || a->timer == TIMER_APPT_CHECK)
			json_object_set_new(o, "appointment_id", json_integer(a->appointment_id));
		break;
	case ACT_SET_PLAN: {
		char v[13];

		o = line_head(sm, now, lead_id, "plan");
		json_object_set_new(o, "rules_version", json_string(rules_version_short(a->text, v)));
		json_object_set_new(o, "skip", a->name ? json_string(a->name) : json_null());
		break;
	}
	case ACT_SET_TIMEZONE:
		o = line_head(sm, now, lead_id, "timezone");
		json_object_set_new(o, "timezone", a->name ? json_string(a->name) : json_null());
		break;
	case ACT_SET_PAUSED:
		o = line_head(sm, now, lead_id, "paused");
		json_object_set_new(o, "paused", json_boolean(a->at > 0));
		json_object_set_new(o, "since", a->at > 0 ? utc_str(a->at) : json_null());
		json_object_set_new(o, "step_id", a->step_id ? json_string(a->step_id) : json_null());
		break;
	case ACT_TIMERS_CANCEL:
		o = line_head(sm, now, lead_id, "timers_cancelled");
		json_object_set_new(o, "timer", json_string(store_timer_kind_name(a->timer)));
		break;
	case ACT_APPOINTMENT:
		o = line_head(sm, now, lead_id, "appointment");
		json_object_set_new(o, "appointment_id", json_integer(row));
		json_object_set_new(o, "kind", json_string(a->appt.kind));
		json_object_set_new(o, "state", json_string(a->appt.state));
		json_object_set_new(o, "start_local", local_str(sm->r, a->appt.starts_at));
		json_object_set_new(o, "end_local", local_str(sm->r, a->appt.ends_at));
		json_object_set_new(o, "person", json_string(a->appt.person));
		json_object_set_new(o, "place", a->appt.place ? json_string(a->appt.place) : json_null());
		json_object_set_new(o, "paused", json_boolean(a->appt.paused));
		break;
	case ACT_OUTBOX:
		o = line_head(sm, now, lead_id, "message");
		json_object_set_new(o, "message_id", json_integer(row));
		json_object_set_new(o, "channel", json_string(a->channel));
		json_object_set_new(o, "to", json_string(a->to ? a->to : ""));
		json_object_set_new(o, "person", a->person ? json_string(a->person) : json_null());
		json_object_set_new(o, "purpose", json_string(store_purpose_name(a->purpose)));
		json_object_set_new(o, "send_at", utc_str(a->at));
		json_object_set_new(o, "send_local", local_str(sm->r, a->at));
		json_object_set_new(o, "text", json_string(a->text ? a->text : ""));
		break;
	default:
		return;
	}
	emit(sm, o);
}

static void
input_error(sim *sm, const sim_input *in, const char *msg)
{
	json_t *o = line_head(sm, in->at, 0, "error");

	json_object_set_new(o, "input_line", json_integer(in->line));
	json_object_set_new(o, "error", json_string(msg));
	emit(sm, o);
}

static const char *
str(json_t *ev, const char *key)
{
	return json_string_value(json_object_get(ev, key));
}

static int64_t
cents(json_t *ev)
{
	json_t *v = json_object_get(ev, "amount");

	return json_is_number(v) ? (int64_t)(json_number_value(v) * 100 + 0.5) : -1;
}

static const char *
apply_lead(sim *sm, store *s, int64_t bid, const sim_input *in)
{
	json_t *ev = in->ev;
	const char *ref = str(ev, "ref");
	intake_lead il = {
		.name = str(ev, "name"), .phone = str(ev, "phone"), .email = str(ev, "email"),
		.source = str(ev, "source") ? str(ev, "source") : "web_form",
		.kind = str(ev, "kind"), .service = str(ev, "service"),
		.message = str(ev, "message"), .neighbourhood = str(ev, "neighbourhood"),
		.owner = str(ev, "owner"),
	};
	flow_out res;
	char err[256];

	if (ref == NULL)
		ref = il.phone ? il.phone : il.email ? il.email : il.name;
	/* The lead's name is known before its first action is printed. */
	if (store_begin(s) < 0 ||
	    flow_intake(s, bid, sm->r, &il, in->at, &res, err, sizeof err) != FLOW_OK ||
	    store_commit(s) < 0) {
		store_rollback(s);
		return "the lead could not be stored";
	}
	ref_put(&sm->refs, ref, res.lead_id);
	name_lead(sm, res.lead_id, ref);
	return NULL;
}

/* A text from a phone number, through the Twilio adapter and the one matching
 * policy, as if it came to the business's number: it joins the lead the number
 * matches, or makes one (named by "ref", else the number). */
static const char *
apply_text(sim *sm, store *s, int64_t bid, const sim_input *in)
{
	const char *from = str(in->ev, "from"), *body = str(in->ev, "text");
	const char *ref = str(in->ev, "ref");
	char sid[32], err[256];
	intake_request req;
	flow_out res = { 0 };
	fields f;
	const char *problem = NULL;

	if (from == NULL || body == NULL)
		return "from, text: a text needs both";
	snprintf(sid, sizeof sid, "SMsim%d", in->line);
	fields_init(&f);
	if (fields_add(&f, "From", 4, from, strlen(from), false) < 0 ||
	    fields_add(&f, "Body", 4, body, strlen(body), false) < 0 ||
	    fields_add(&f, "MessageSid", 10, sid, strlen(sid), false) < 0 ||
	    intake_twilio_sms(&f, &req) != INTAKE_OK) {
		fields_free(&f);
		return "the text could not be read";
	}
	if (store_begin(s) < 0 ||
	    flow_submit(s, bid, sm->r, &req, in->at, &res, err, sizeof err) != FLOW_OK ||
	    store_commit(s) < 0) {
		store_rollback(s);
		problem = "the text could not be applied";
	} else if (res.lead_id > 0 && !res.duplicate) {
		ref_put(&sm->refs, ref ? ref : from, res.lead_id);
		name_lead(sm, res.lead_id, ref ? ref : from);
	}
	fields_free(&f);
	return problem;
}

static bool
appt_outcome_known(const char *o)
{
	return o != NULL && (strcmp(o, "done") == 0 || strcmp(o, "no_show") == 0);
}

static int
event_for(const char *type, json_t *ev, lead_event *out)
{
	static const struct { const char *name; lead_event_kind kind; } kinds[] = {
		{ "reply", EV_MESSAGE_IN }, { "call", EV_CALL_LOGGED }, { "visit", EV_VISIT_LOGGED },
		{ "note", EV_NOTE }, { "stage", EV_STAGE }, { "owner", EV_OWNER },
		{ "task_done", EV_TASK_DONE }, { "stop", EV_OPT_OUT }, { "start", EV_OPT_IN },
		{ "inquiry", EV_INQUIRY_AGAIN }, { "delivery", EV_DELIVERY },
		{ "opt_out_review", EV_OPT_OUT_REVIEW }, { "contact", EV_CONTACT },
		{ "book", EV_APPOINTMENT }, { "confirm", EV_APPOINTMENT },
		{ "reschedule", EV_APPOINTMENT }, { "cancel", EV_APPOINTMENT },
		{ "outcome", EV_APPOINTMENT }, { "callback", EV_FOLLOWUP },
		{ "pause", EV_PAUSE }, { "resume", EV_RESUME }, { "followup", EV_FOLLOWUP },
	};

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(type, kinds[i].name) != 0)
			continue;
		*out = lead_event_init(kinds[i].kind);
		out->channel = str(ev, "channel") ? str(ev, "channel") : "sms";
		out->text = str(ev, "text");
		out->outcome = str(ev, "outcome");
		out->stage = str(ev, "stage");
		out->reason = str(ev, "reason");
		out->owner = str(ev, "owner");
		out->verb = str(ev, "verb");
		out->actor = str(ev, "by");
		out->source = str(ev, "source");
		out->amount_cents = cents(ev);
		out->contact = json_is_true(json_object_get(ev, "contact"));
		/* delivery: what became of a message (as the dispatcher reports it) */
		out->person = str(ev, "person");
		out->to = str(ev, "to");
		out->error = str(ev, "error");
		out->purpose = str(ev, "purpose");
		/* contact: a person corrects the contact details */
		if (out->kind == EV_CONTACT)
			out->fields = (lead_fields){ .name = str(ev, "name"),
						     .phone = str(ev, "phone"),
						     .email = str(ev, "email"),
						     .service = str(ev, "service"),
						     .timezone = str(ev, "timezone") };
		out->attempts = json_is_integer(json_object_get(ev, "attempts")) ?
				(int)json_integer_value(json_object_get(ev, "attempts")) : 1;
		if (out->kind == EV_APPOINTMENT) {
			/* book, confirm, reschedule, cancel; "outcome" names done or no_show */
			if (strcmp(type, "outcome") != 0)
				out->outcome = type;
			else if (!appt_outcome_known(out->outcome))
				return -3;
			out->appt_kind = str(ev, "kind");
			out->place = str(ev, "place");
			out->assignee = str(ev, "person");
			out->appointment_id = json_is_integer(json_object_get(ev, "appointment")) ?
					      json_integer_value(json_object_get(ev, "appointment")) : 0;
		}
		if (out->kind == EV_FOLLOWUP) {
			/* callback: a time in the person's words; followup: a "due" time */
			if (strcmp(type, "callback") == 0)
				out->promise = out->text;
			out->verb = str(ev, "verb");
		}
		if (out->kind == EV_DELIVERY) {
			out->actor = "delivery";
			if (delivery_outcome_parse(out->outcome, &out->delivery) < 0)
				return -2;
		}
		return 0;
	}
	return -1;
}

/* {"type":"rules","file":"v2.yaml"}: the business edits its rules. The new
 * file becomes active as in serve (kept, every lead in flight re-planned)
 * and runs everything after it. */
static const char *
apply_rules(sim *sm, const sim_input *in, char *err, size_t errlen)
{
	const char *file = str(in->ev, "file");
	char path[4096], v[13];
	rules_diags d;
	flow_rules_stats st;
	rules *r;
	json_t *o;

	if (file == NULL)
		return "file: missing (the new rules file, relative to the events file)";
	if (sm->nversions == sizeof sm->versions / sizeof sm->versions[0])
		return "too many rules changes in one simulation";
	if (file[0] == '/' || sm->events_dir == NULL)
		snprintf(path, sizeof path, "%s", file);
	else
		snprintf(path, sizeof path, "%s/%s", sm->events_dir, file);
	if ((r = rules_load_file(path, &d)) == NULL) {
		const rules_diag *first = d.n > 0 ? &d.items[0] : NULL;

		snprintf(err, errlen, "%.200s:%d:%d: %.250s", file, first ? first->line : 0,
			 first ? first->col : 0, first ? first->message : "cannot be read");
		rules_diags_free(&d);
		return err;
	}
	rules_diags_free(&d);
	sm->versions[sm->nversions++] = r;
	if (cli_rules_activate(sm->e, r, sm->r, "simulate", in->at, &st, err, errlen) < 0)
		return err;
	sm->r = r;
	/* Someone the new rules mark away or not active hands over at once. */
	if (sched_handoff(sm->e->store, r, sm->e->business_id, in->at) < 0)
		return "handing over the tasks of people away failed";
	o = line_head(sm, in->at, 0, "rules");
	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "rules_version", json_string(rules_version_short(r->version, v)));
	json_object_set_new(o, "leads", json_integer((json_int_t)st.leads));
	json_object_set_new(o, "changed", json_integer((json_int_t)st.changed));
	json_object_set_new(o, "cancelled", json_integer((json_int_t)st.cancelled));
	json_object_set_new(o, "moved", json_integer((json_int_t)st.moved));
	json_object_set_new(o, "added", json_integer((json_int_t)st.added));
	json_object_set_new(o, "not_applied", json_integer((json_int_t)st.not_applied));
	json_object_set_new(o, "cold_sooner", json_integer((json_int_t)st.cold_sooner));
	emit(sm, o);
	return NULL;
}

/* Applies one outside event; returns NULL or what was wrong with it. */
static const char *
apply_input(sim *sm, store *s, int64_t bid, const sim_input *in, char *err, size_t errlen)
{
	const char *type = str(in->ev, "type");
	lead_event ev;
	int64_t id;
	flow_result rc;

	if (type == NULL)
		return "type: missing";
	if (strcmp(type, "lead") == 0)
		return apply_lead(sm, s, bid, in);
	if (strcmp(type, "text") == 0)
		return apply_text(sm, s, bid, in);
	if (strcmp(type, "rules") == 0)
		return apply_rules(sm, in, err, errlen);
	switch (event_for(type, in->ev, &ev)) {
	case -1:
		return "type: unknown (lead, text, reply, call, visit, note, stage, owner, "
		       "task_done, stop, start, inquiry, delivery, opt_out_review, contact, rules, book, "
		       "confirm, reschedule, cancel, outcome, callback, pause, resume, followup)";
	case -2:
		return "outcome: a delivery outcome is one of sent, failed, dead, unknown, "
		       "confirmed, carrier_opt_out, invalid_phone, bounced, cancelled, not_textable";
	case -3:
		return "outcome: an appointment's outcome is done or no_show";
	}
	if (ev.kind == EV_APPOINTMENT &&
	    ((str(in->ev, "start") && cli_parse_time(sm->r, str(in->ev, "start"), &ev.starts_at) < 0) ||
	     (str(in->ev, "end") && cli_parse_time(sm->r, str(in->ev, "end"), &ev.ends_at) < 0)))
		return "start, end: a time like \"2026-12-08 10:00\" (local) or ISO 8601";
	if ((id = ref_get(&sm->refs, str(in->ev, "lead"))) <= 0)
		return "lead: no lead with this ref (give \"ref\" to the lead)";
	if (ev.kind == EV_TASK_DONE) {
		json_t *t = json_object_get(in->ev, "task");

		ev.task_id = json_is_integer(t) ? json_integer_value(t) :
			     store_task_oldest_open(s, id, json_string_value(t));
		if (ev.task_id <= 0)
			return "task: the lead has no such open task";
	}
	if (ev.kind == EV_FOLLOWUP && ev.promise == NULL &&
	    cli_parse_time(sm->r, str(in->ev, "due"), &ev.until) < 0)
		return "due: when the follow-up is due, a time like \"2026-11-27 10:00\"";
	if (store_begin(s) < 0)
		return "the database is busy";
	rc = flow_event(s, bid, sm->r, id, &ev, in->at, NULL, err, errlen);
	if (rc != FLOW_OK || store_commit(s) < 0) {
		store_rollback(s);
		return err[0] ? err : "could not apply";
	}
	return NULL;
}

static int
run_timers(sim *sm, store *s, int64_t until, long *firings)
{
	return sched_run_until(s, sm->r, sm->e->business_id, &sm->clock, until, firings,
			       MAX_FIRINGS);
}

static int
by_time(const void *a, const void *b)
{
	const sim_input *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->line - y->line;
}

static int
read_inputs(const rules *r, FILE *f, sim_input **out, size_t *nout)
{
	char *line = NULL;
	size_t cap = 0, n = 0, total = 0, alloc = 0;
	sim_input *v = NULL;
	ssize_t len;
	int lineno = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		json_error_t je;
		json_t *ev;
		int64_t at;

		lineno++;
		total += (size_t)len;
		if (total > MAX_INPUT) {
			fprintf(stderr, "leadkeep: events: more than %ld bytes\n", MAX_INPUT);
			goto fail;
		}
		if (strspn(line, " \t\r\n") == (size_t)len || line[0] == '#')
			continue;
		if ((ev = json_loads(line, 0, &je)) == NULL || !json_is_object(ev)) {
			fprintf(stderr, "leadkeep: events:%d:%d: %s\n", lineno, je.column,
				ev ? "expected a JSON object" : je.text);
			json_decref(ev);
			goto fail;
		}
		if (cli_parse_time(r, str(ev, "at"), &at) < 0) {
			fprintf(stderr, "leadkeep: events:%d: \"at\" must be a time like "
				"2026-11-24T14:02:00-06:00 or \"2026-11-24 14:02\"\n", lineno);
			json_decref(ev);
			goto fail;
		}
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 256;
			if ((v = realloc(v, alloc * sizeof *v)) == NULL)
				abort();
		}
		v[n++] = (sim_input){ at, lineno, ev };
	}
	free(line);
	qsort(v, n, sizeof *v, by_time);
	*out = v;
	*nout = n;
	return 0;
fail:
	free(line);
	for (size_t i = 0; i < n; i++)
		json_decref(v[i].ev);
	free(v);
	return -1;
}

int
cmd_simulate(int argc, char **argv)
{
	cli_env e;
	const char *events = NULL, *until_s = NULL;
	char dir[] = "/tmp/leadkeep-sim.XXXXXX", err[512], path[64];
	sim sm = { .out = stdout, .e = &e };
	char evdir[4096];
	sim_input *in = NULL;
	size_t n = 0;
	int64_t until;
	long firings = 0;
	FILE *f;
	int opt, rc;

	cli_env_init(&e);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", simulate_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(simulate_help, stdout); return EXIT_OK;
		case 'e': events = optarg; break;
		case 'u': until_s = optarg; break;
		default: return cli_usage(simulate_help, "simulate: bad option");
		}
	}
	if (events == NULL)
		return cli_usage(simulate_help, "simulate: --events FILE is required");
	if ((rc = cli_open(&e, false)) != EXIT_OK)
		return rc;
	sm.r = e.rules;
	if (until_s != NULL && cli_parse_time(e.rules, until_s, &until) < 0) {
		cli_close(&e);
		return cli_usage(simulate_help, "--until \"%s\": not a time", until_s);
	}
	f = strcmp(events, "-") == 0 ? stdin : fopen(events, "r");
	if (f == NULL) {
		cli_close(&e);
		return cli_fail(EXIT_RUNTIME, "cannot read %s: %s", events, strerror(errno));
	}
	rc = read_inputs(e.rules, f, &in, &n);
	if (f != stdin)
		fclose(f);
	if (rc < 0) {
		cli_close(&e);
		return EXIT_USAGE;
	}
	if (until_s == NULL)
		until = (n > 0 ? in[n - 1].at : cli_now()) + 366 * 86400;

	snprintf(evdir, sizeof evdir, "%s", events);
	if (strrchr(evdir, '/') != NULL)
		*strrchr(evdir, '/') = '\0';
	else
		snprintf(evdir, sizeof evdir, ".");
	sm.events_dir = evdir;
	if (mkdtemp(dir) == NULL || (e.store = store_open(dir, err, sizeof err)) == NULL) {
		rc = cli_fail(EXIT_RUNTIME, "cannot create the throwaway database: %s", err);
		goto out;
	}
	store_set_throwaway(e.store);
	if (store_begin(e.store) < 0 ||
	    (e.business_id = store_business_sync(e.store, e.rules, err, sizeof err)) < 0 ||
	    store_rules_activate(e.store, e.business_id, e.rules->version, e.rules->text,
				 "simulate", n > 0 ? in[0].at : cli_now(), NULL, 0) < 0 ||
	    store_commit(e.store) < 0) {
		rc = cli_fail(EXIT_RUNTIME, "%s", err);
		goto out;
	}
	store_set_observer(e.store, observe, &sm);
	/* Hundreds of thousands of short lines: write them in large blocks. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	rc = EXIT_OK;
	sm.clock = n > 0 ? in[0].at : 0;
	for (size_t i = 0; i < n && in[i].at <= until; i++) {
		err[0] = '\0';
		if (run_timers(&sm, e.store, in[i].at, &firings) < 0) {
			rc = cli_fail(EXIT_RUNTIME, "the scheduler failed or never settled");
			goto out;
		}
		if (in[i].at > sm.clock)
			sm.clock = in[i].at;
		const char *problem = apply_input(&sm, e.store, e.business_id, &in[i], err,
						  sizeof err);

		if (problem != NULL)
			input_error(&sm, &in[i], problem);
	}
	if (run_timers(&sm, e.store, until, &firings) < 0)
		rc = cli_fail(EXIT_RUNTIME, "the scheduler failed or never settled");
out:
	for (size_t i = 0; i < n; i++)
		json_decref(in[i].ev);
	free(in);
	cli_close(&e);
	for (const char *suffix = "/leadkeep.db\0/leadkeep.db-wal\0/leadkeep.db-shm\0";
	     *suffix; suffix += strlen(suffix) + 1) {
		snprintf(path, sizeof path, "%s%s", dir, suffix);
		unlink(path);
	}
	rmdir(dir);
	ref_free(&sm.refs);
	for (size_t i = 0; i < sm.nnames; i++)
		free(sm.names[i]);
	free(sm.names);
	for (size_t i = 0; i < sm.nversions; i++)
		rules_free(sm.versions[i]);
	return rc;
}

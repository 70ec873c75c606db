/*
 * engine_again.c - a lead asks again (a repeat inquiry the matching policy
 * joined to the lead): what it brings fills what the lead lacked, what it
 * contradicts is kept on the timeline and flagged for a person, and the lead's
 * open contact task gets the news - sooner if the repeat needs it - instead of
 * a second task with an escalation chain of its own.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bizclock.h"
#include "contact.h"
#include "engine_internal.h"

/* How staff read a source: "web form", "phone call", "text", "email". */
const char *
engine_source_words(engine_ctx *c, const char *source)
{
	static const char *const words[][2] = {
		{ "web_form", "web form" }, { "phone_call", "phone call" }, { "sms", "text" },
		{ "email", "email" }, { "meta_ads", "Meta ad" }, { "google_ads", "Google ad" },
		{ "api", "the API" },
	};
	char *s;

	if (source == NULL || *source == '\0')
		return "another source";
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(source, words[i][0]) == 0)
			return words[i][1];
	s = (char *)engine_str(c, source);
	for (char *p = s; *p; p++)
		if (*p == '_')
			*p = ' ';
	return s;
}

static bool
blank(const char *s)
{
	if (s == NULL)
		return true;
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* The next word of a name, lower-cased, letters and digits only; "" at the end. */
static const char *
next_word(const char *s, char *w, size_t len)
{
	size_t n = 0;

	while (*s && !isalnum((unsigned char)*s))
		s++;
	while (*s && !isspace((unsigned char)*s)) {
		if (isalnum((unsigned char)*s) && n + 1 < len)
			w[n++] = (char)tolower((unsigned char)*s);
		s++;
	}
	w[n] = '\0';
	return s;
}

/* "Marcus J." and "Marcus Johnson" are one person said two ways: each word
 * of the shorter is the start of the same word of the longer. */
static bool
same_name(const char *a, const char *b)
{
	char wa[64], wb[64];

	for (;;) {
		a = next_word(a, wa, sizeof wa);
		b = next_word(b, wb, sizeof wb);
		if (wa[0] == '\0' || wb[0] == '\0')
			return true;
		if (strncmp(wa, wb, strlen(wa) < strlen(wb) ? strlen(wa) : strlen(wb)) != 0)
			return false;
	}
}

/* One service said two ways: equal, or one contains the other. */
static bool
same_text(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0 || strcasestr(a, b) != NULL || strcasestr(b, a) != NULL;
}

typedef struct {
	char filled[512];	/* "name Dana Whitfield, email dana@example.com" */
	const char *conflict[6];	/* field names: "name", "email", ... */
	size_t nconflicts;
	bool named;		/* the lead had no usable name and now has one */
} merge_result;

static void
filled(merge_result *m, const char *field, const char *v)
{
	size_t n = strlen(m->filled);

	if (n < sizeof m->filled)
		snprintf(m->filled + n, sizeof m->filled - n, "%s%s %s", n ? ", " : "", field, v);
}

static void
conflict(engine_ctx *c, merge_result *m, const char *via, const char *field, const char *given,
	 const char *kept)
{
	engine_event(c, "lead.flagged", "%s asked again by %s with a different %s (%s): kept %s; "
		     "check with them", engine_display_name(c->l), via, field, given, kept);
	if (m->nconflicts < sizeof m->conflict / sizeof m->conflict[0])
		m->conflict[m->nconflicts++] = field;
}

/* Phone or email of the repeat: fills a missing or unusable one, or is a
 * conflict with a usable one that differs. */
static void
merge_contact(engine_ctx *c, merge_result *m, const char *via, bool phone, const char *given,
	      const char **set, unsigned *flags)
{
	unsigned bit = phone ? LEAD_PHONE_INVALID : LEAD_EMAIL_INVALID;
	const char *have = phone ? c->l->phone : c->l->email;
	const char *field = phone ? "phone number" : "email";
	char norm[256];
	bool ok;

	if (blank(given))
		return;
	ok = (phone ? contact_phone_normalize(given, c->r->business.country, norm, sizeof norm) :
		      contact_email_normalize(given, norm, sizeof norm)) == 0;
	if (blank(have) || ((*flags & bit) && ok)) {
		*set = engine_str(c, ok ? norm : given);
		*flags = ok ? *flags & ~bit : *flags | bit;
		filled(m, phone ? "phone" : "email", *set);
	} else if (!ok || strcmp(norm, have) != 0) {
		conflict(c, m, via, field, given, have);
	}
}

static void
merge_text(engine_ctx *c, merge_result *m, const char *via, const char *field,
	   const char *given, const char *have, const char **set, bool conflicts)
{
	if (blank(given))
		return;
	if (blank(have)) {
		*set = engine_str(c, given);
		filled(m, field, given);
	} else if (conflicts && !same_text(given, have)) {
		conflict(c, m, via, field, given, have);
	}
}

/* The repeat's fields fill what the lead lacks (one ACT_SET_CONTACT, and the
 * lead as this decision sees it); differing values are flagged. */
static void
merge(engine_ctx *c, const lead_fields *in, const char *via, merge_result *m)
{
	lead *l = &c->self;
	lead_fields set = { 0 };
	unsigned flags = c->flags;
	bool usable;
	action *a;

	if (lead_name_usable(in->name)) {
		if (!lead_name_usable(l->name)) {
			set.name = engine_str(c, in->name);
			filled(m, "name", in->name);
			m->named = true;
		} else if (!same_name(l->name, in->name)) {
			conflict(c, m, via, "name", in->name, l->name);
		}
	}
	merge_contact(c, m, via, true, in->phone, &set.phone, &flags);
	merge_contact(c, m, via, false, in->email, &set.email, &flags);
	merge_text(c, m, via, "service", in->service, l->service, &set.service, true);
	merge_text(c, m, via, "neighbourhood", in->neighbourhood, l->neighbourhood,
		   &set.neighbourhood, true);
	merge_text(c, m, via, "message", in->message, l->message, &set.message, false);
	if (m->filled[0] == '\0')
		return;
	usable = ((set.phone ? set.phone : l->phone) && !(flags & LEAD_PHONE_INVALID)) ||
		 ((set.email ? set.email : l->email) && !(flags & LEAD_EMAIL_INVALID));
	flags = usable ? flags & ~(unsigned)LEAD_NO_CONTACT : flags | LEAD_NO_CONTACT;
	a = engine_push(c, ACT_SET_CONTACT);
	a->fields = set;
	a->flags = flags;
	engine_event(c, "lead.updated", "Filled in from the %s: %s", via, m->filled);
	if (set.name)
		l->name = set.name;
	if (set.phone)
		l->phone = set.phone;
	if (set.email)
		l->email = set.email;
	if (set.service)
		l->service = set.service;
	if (set.message)
		l->message = set.message;
	if (set.neighbourhood)
		l->neighbourhood = set.neighbourhood;
	l->flags = c->flags = flags;
}

/* The lead's open task to reach it (call, text or email) due first, or NULL. */
static const lead_task *
contact_task(const engine_ctx *c)
{
	const lead_task *best = NULL;

	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *t = &c->st->tasks[i];

		if (engine_task_closing(c, t->id) ||
		    !(engine_streq(t->verb, "call") || engine_streq(t->verb, "text") ||
		      engine_streq(t->verb, "email")))
			continue;
		if (best == NULL || t->due_at < best->due_at)
			best = t;
	}
	return best;
}

/* "name and email", "name, email and service". */
static const char *
join_fields(engine_ctx *c, const merge_result *m)
{
	char buf[160] = "";
	size_t n = 0;

	for (size_t i = 0; i < m->nconflicts && n < sizeof buf; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s",
				      i == 0 ? "" : i + 1 == m->nconflicts ? " and " : ", ",
				      m->conflict[i]);
	return engine_str(c, buf);
}

#define AGAIN_MARK " - asked again by "

/* The open task hears the news: its title says the lead asked again (and what
 * to check), it comes due sooner if a new task would have, and its assignee
 * is told. */
static void
tell_task(engine_ctx *c, const lead_task *t, const char *via, const char *text,
	  const merge_result *m)
{
	const char *mark = t->title ? strstr(t->title, AGAIN_MARK) : NULL;
	int base = t->title == NULL ? 0 : mark ? (int)(mark - t->title) : (int)strlen(t->title);
	int64_t want = bizclock_add_business_minutes(&c->r->business, c->now, REPLY_WINDOW / 60);
	int64_t due = t->due_at;
	const char *title;
	char when[64];
	action *a;

	const char *was = engine_fmt(c, "%.*s", base, t->title ? t->title : "");
	const char *anon = m->named ? strstr(was, "the lead") : NULL;

	/* A title written before the lead had a name now says who it is. */
	if (anon != NULL)
		was = engine_fmt(c, "%.*s%s%s", (int)(anon - was), was, c->l->name, anon + 8);
	title = engine_fmt(c, "%s%s%s%s%s", was, AGAIN_MARK, via,
			   m->nconflicts ? "; check the " : "",
			   m->nconflicts ? join_fields(c, m) : "");
	a = engine_push(c, ACT_TASK_RETITLE);
	a->task_id = t->id;
	a->text = title;
	if (want > 0 && want < t->due_at) {
		a = engine_push(c, ACT_TASK_DUE);
		a->task_id = t->id;
		a->at = due = want;
		a = engine_push(c, ACT_TIMERS_CANCEL);
		a->timer = TIMER_ESCALATE;
		a->task_id = t->id;
		engine_escalate_from(c, want, t->id, -1);
		engine_event(c, "task.updated", "Now due %s: %s", engine_due_phrase(c, want) + 3,
			     title);
	}
	bizclock_describe_due(&c->r->business, c->now, due, when, sizeof when);
	engine_notify(c, engine_person(c, t->assignee),
		      engine_fmt(c, "%s asked again by %s%s%s.%s%s%s Task: %s, due %s - lead #%lld",
				 engine_display_name(c->l), via, blank(text) ? "" : ": ",
				 blank(text) ? "" : text,
				 m->nconflicts ? " They gave a different " : "",
				 m->nconflicts ? join_fields(c, m) : "",
				 m->nconflicts ? ": check them." : "", was, when,
				 (long long)c->l->id));
}

/* The repeat inquiry's custom fields as "\nname: value" lines, for its
 * timeline entry (as a form's extra fields are kept in a message); "" for
 * none. Kept by the decision. */
static const char *
custom_lines(engine_ctx *c, const lead_event *ev)
{
	size_t len = 0;
	char *buf, *p;
	const char *kept;

	if (ev->ncustom == 0)
		return "";
	for (size_t i = 0; i < ev->ncustom; i++)
		len += strlen(ev->custom[i].name) + 3 +
		       (ev->custom[i].value ? strlen(ev->custom[i].value) : 0);
	if ((buf = malloc(len + 1)) == NULL)
		engine_oom();
	p = buf;
	for (size_t i = 0; i < ev->ncustom; i++)
		p += sprintf(p, "\n%s: %s", ev->custom[i].name,
			     ev->custom[i].value ? ev->custom[i].value : "");
	kept = engine_str(c, buf);
	free(buf);
	return kept;
}

decide_result
engine_on_inquiry_again(engine_ctx *c, const lead_event *ev)
{
	const char *via = engine_source_words(c, ev->source);
	merge_result m = { .filled = "" };
	const lead_task *t;

	merge(c, &ev->fields, via, &m);
	engine_event(c, "lead.inquiry_again", "%s asked again by %s%s%s%s",
		     engine_display_name(c->l), via, blank(ev->text) ? "" : ": ",
		     blank(ev->text) ? "" : ev->text, custom_lines(c, ev));
	engine_note_cut(c, ev);
	if (engine_streq(c->status, LEAD_STATUS_WON)) {
		engine_customer_request(c, via, ev->text, "call");
		if (ev->source != NULL && strcmp(ev->source, "phone_call") == 0)
			engine_missed_call_text(c);
		return DECIDE_OK;
	}
	engine_mark(c, "inbound");
	c->replied = true;
	engine_reopen_if_cold(c, engine_fmt(c, "asked again by %s", via));
	engine_stop_if_moot(c, UNLESS_REPLIED, "the lead asked again");
	if ((t = contact_task(c)) != NULL)
		tell_task(c, t, via, ev->text, &m);
	else
		engine_task_for_owner(c, "call", engine_fmt(c, "%s asked again by %s - call back%s%s",
							    engine_first_name(c), via,
							    m.nconflicts ? "; check the " : "",
							    m.nconflicts ? join_fields(c, &m) : ""));
	if (ev->source != NULL && strcmp(ev->source, "phone_call") == 0)
		engine_missed_call_text(c);
	return DECIDE_OK;
}

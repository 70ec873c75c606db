/*
 * engine_optout.c - a plain-language "stop" ("Stop texting me please",
 * "STOP.", "remove me from your list", "wrong number"): not the carrier's
 * keyword, so not an opt-out by itself, but nothing automated goes to the lead
 * until a person has read the words and confirmed or dismissed them.
 */
#include <stdio.h>
#include <string.h>

#include "engine_internal.h"

#define MAYBE_TITLE "Possible opt-out"

/* At most max bytes of text, cut on a UTF-8 character boundary, "..." when cut. */
static const char *
quote(engine_ctx *c, const char *text, size_t max)
{
	size_t n = strlen(text);

	if (n <= max)
		return text;
	while (max > 0 && ((unsigned char)text[max] & 0xC0) == 0x80)
		max--;
	return engine_fmt(c, "%.*s...", (int)max, text);
}

void
engine_possible_opt_out(engine_ctx *c, const char *channel, const char *text)
{
	bool sms = engine_streq(channel, "sms");
	unsigned bit = sms ? LEAD_MAYBE_OPT_OUT_SMS : LEAD_MAYBE_OPT_OUT_EMAIL;
	const char *words = quote(c, text ? text : "", 160);

	if (sms ? c->sms_opt_out : c->email_opt_out) {
		engine_reply_task(c, channel);	/* opted out already: the words are a reply */
		return;
	}
	if (!(c->flags & bit)) {
		engine_push(c, ACT_SET_FLAGS)->flags = bit;
		c->flags |= bit;
		c->self.flags = c->flags;
	}
	engine_event(c, "consent.possible_opt_out", "%s may be asking to stop %s: \"%s\" - "
		     "automated messages wait until a person confirms or dismisses it",
		     engine_display_name(c->l), sms ? "texts" : "email", words);
	engine_task_for_owner(c, "review",
			      engine_fmt(c, MAYBE_TITLE " from %s by %s: \"%s\" - confirm or "
					 "dismiss it (leadkeep lead opt-out %lld --confirm or "
					 "--dismiss)", engine_display_name(c->l),
					 sms ? "text" : "email", words, (long long)c->l->id));
}

decide_result
engine_on_opt_out_review(engine_ctx *c, const lead_event *ev, char *err, size_t errlen)
{
	unsigned maybe = c->flags & (LEAD_MAYBE_OPT_OUT_SMS | LEAD_MAYBE_OPT_OUT_EMAIL);
	bool confirm = engine_streq(ev->outcome, "confirm");
	const rules_person *who = engine_person(c, ev->actor);
	const char *by = who ? who->name : ev->actor ? ev->actor : "Someone";
	action *a;

	if (!confirm && !engine_streq(ev->outcome, "dismiss")) {
		snprintf(err, errlen, "outcome: \"confirm\" or \"dismiss\"");
		return DECIDE_INVALID;
	}
	if (maybe == 0) {
		snprintf(err, errlen, "lead %lld has no possible opt-out to %s", (long long)c->l->id,
			 confirm ? "confirm" : "dismiss");
		return DECIDE_CONFLICT;
	}
	a = engine_push(c, ACT_SET_CONTACT);
	a->flags = c->flags & ~maybe;
	c->flags = c->self.flags = a->flags;
	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *t = &c->st->tasks[i];

		if (t->title == NULL || strncmp(t->title, MAYBE_TITLE, strlen(MAYBE_TITLE)) != 0 ||
		    engine_task_closing(c, t->id))
			continue;
		a = engine_push(c, ACT_TASK_CLOSE);
		a->task_id = t->id;
		a->name = "done";
		a->text = confirm ? "confirmed" : "dismissed";
		a = engine_push(c, ACT_TIMERS_CANCEL);
		a->timer = TIMER_ESCALATE;
		a->task_id = t->id;
	}
	if (!confirm) {
		engine_event(c, "consent.kept", "%s read the words: not an opt-out; automated "
			     "messages may go again", by);
		engine_reply_task(c, maybe & LEAD_MAYBE_OPT_OUT_SMS ? "sms" : "email");
		return DECIDE_OK;
	}
	engine_event(c, "consent.confirmed", "%s confirmed the opt-out", by);
	if (maybe & LEAD_MAYBE_OPT_OUT_SMS)
		engine_on_opt(c, "sms", true, OPT_BY_LEAD);
	if (maybe & LEAD_MAYBE_OPT_OUT_EMAIL)
		engine_on_opt(c, "email", true, OPT_BY_LEAD);
	return DECIDE_OK;
}

/*
 * replay_history.c - a real lead's timeline read back as the outside events
 * that made it (replay.h). It reads the words the engine writes on the
 * timeline (engine_*.c: "Alice called: reached - ...", "Stage new -> quoted
 * by bob", "Text from the lead: ..."); a change of those words is caught by
 * tests/unit/test_replay.c and tests/e2e/test_replay.sh. Pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"

void
replay_skip(replay_skipped *sk, const char *type)
{
	for (size_t i = 0; i < sk->n; i++)
		if (strcmp(sk->type[i], type) == 0) {
			sk->count[i]++;
			return;
		}
	if (sk->n == REPLAY_SKIP_TYPES) {
		sk->other++;
		return;
	}
	snprintf(sk->type[sk->n], sizeof sk->type[sk->n], "%s", type);
	sk->count[sk->n++] = 1;
}

static void
put(char *dst, size_t len, const char *src, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

#define PUT(dst, src) put(dst, sizeof dst, src, strlen(src))

/* The part of s after the first `mark`, or NULL. */
static const char *
after(const char *s, const char *mark)
{
	const char *p = s ? strstr(s, mark) : NULL;

	return p ? p + strlen(mark) : NULL;
}

/* Copies s up to the first of the stop strings (or its end). */
static void
upto(char *dst, size_t len, const char *s, const char *const *stops)
{
	size_t n = strlen(s);

	for (size_t i = 0; stops[i]; i++) {
		const char *p = strstr(s, stops[i]);

		if (p && (size_t)(p - s) < n)
			n = (size_t)(p - s);
	}
	put(dst, len, s, n);
}

/* "$1,200.50" -> 120050, or -1. */
static int64_t
money(const char *s)
{
	int64_t whole = 0;
	int cents = 0, digits = 0;

	if (s == NULL || *s != '$')
		return -1;
	for (s++; *s && (*s == ',' || (*s >= '0' && *s <= '9')); s++)
		if (*s != ',')
			whole = whole * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9' && digits < 2; s++, digits++)
			cents = cents * 10 + (*s - '0');
	return whole * 100 + cents;
}

static const char *
person_id(const rules *r, const char *name, size_t n)
{
	for (size_t i = 0; r && i < r->npeople; i++)
		if (strlen(r->people[i].name) == n && strncmp(r->people[i].name, name, n) == 0)
			return r->people[i].id;
	return NULL;
}

static bool
same_actor(const replay_input *in, const replay_row *row)
{
	return strcmp(in->actor, row->actor ? row->actor : "") == 0;
}

/* Whether row is the consequence of prev, the input read last (NULL none):
 * the same lead, second and actor (one decision writes all its entries at
 * one time by one actor). */
static bool
consequence(const replay_input *prev, const replay_row *row)
{
	return prev != NULL && prev->at == row->at && same_actor(prev, row);
}

static const char *
channel_word(const char *word)
{
	if (strncmp(word, "text", 4) == 0)
		return "sms";
	if (strncmp(word, "email", 5) == 0)
		return "email";
	return NULL;
}

/* Fills in from row; false when the row makes no input. */
static bool
read_row(const replay_row *row, const replay_task_row *tasks, size_t ntasks,
	 const rules *people, replay_input *in, const replay_input *prev)
{
	static const char *const dash[] = { " - ", NULL };
	static const char *const visit_end[] = { ", quote ", " - ", NULL };
	static const char *const stage_end[] = { " by ", ",", NULL };
	const char *t = row->text ? row->text : "", *p;

	if (strcmp(row->type, "message.received") == 0) {
		in->what = REPLAY_REPLY;
		if ((p = after(t, "Text from the lead: ")) != NULL) {
			PUT(in->channel, "sms");
		} else if ((p = after(t, " replied by ")) != NULL) {
			const char *ch = channel_word(p);

			PUT(in->channel, ch ? ch : "sms");
			p = after(p, ": ");
		}
		PUT(in->text, p ? p : "");
		return true;
	}
	if (strcmp(row->type, "lead.inquiry_again") == 0) {
		in->what = REPLAY_AGAIN;
		p = after(t, " asked again by ");
		p = p ? after(p, ": ") : NULL;
		PUT(in->text, p ? p : "");
		return true;
	}
	if (strcmp(row->type, "consent.opted_out") == 0 ||
	    strcmp(row->type, "consent.opted_in") == 0) {
		bool out = strcmp(row->type, "consent.opted_out") == 0;
		const char *ch;

		if (consequence(prev, row))
			return false;	/* the words of a reply read just before */
		p = after(t, out ? " opted out of " : " opted back in to ");
		if (p == NULL || (ch = channel_word(p)) == NULL)
			return false;
		in->what = out ? REPLAY_OPT_OUT : REPLAY_OPT_IN;
		PUT(in->channel, ch);
		return true;
	}
	if (strcmp(row->type, "contact.flagged") == 0) {
		/* engine_delivery.c and engine_textable.c: what delivery found */
		static const struct { const char *words, *outcome, *channel; } found[] = {
			{ "cannot take texts", "not_textable", "sms" },
			{ "not a valid number", "invalid_phone", "sms" },
			{ "the message bounced", "bounced", "email" },
		};

		for (size_t i = 0; i < sizeof found / sizeof found[0]; i++)
			if (strstr(t, found[i].words)) {
				in->what = REPLAY_DELIVERY;
				PUT(in->outcome, found[i].outcome);
				PUT(in->channel, found[i].channel);
				return true;
			}
		return false;
	}
	/* Below: entries only a person's event writes (whoever it names: the
	 * CLI's --by is optional), or a stage a booked or finished appointment
	 * moved (the caller skips those). */
	if (strcmp(row->type, "call.logged") == 0 || strcmp(row->type, "visit.logged") == 0) {
		bool call = row->type[0] == 'c';

		in->what = call ? REPLAY_CALL : REPLAY_VISIT;
		if ((p = after(t, call ? " called: " : " visited: ")) == NULL)
			return false;
		upto(in->outcome, sizeof in->outcome, p, call ? dash : visit_end);
		in->amount_cents = call ? -1 : money(after(p, ", quote "));
		PUT(in->text, after(p, " - ") ? after(p, " - ") : "");
		return true;
	}
	if (strcmp(row->type, "note") == 0 || strcmp(row->type, "note.contact") == 0) {
		in->what = REPLAY_NOTE;
		in->contact = strcmp(row->type, "note.contact") == 0;
		PUT(in->text, after(t, ": ") ? after(t, ": ") : t);
		return true;
	}
	if (consequence(prev, row))
		return false;	/* a stage, owner or task a call or visit moved */
	if (strcmp(row->type, "stage.changed") == 0) {
		if ((p = after(t, " -> ")) == NULL)
			return false;
		in->what = REPLAY_STAGE;
		upto(in->stage, sizeof in->stage, p, stage_end);
		in->amount_cents = money(after(p, ", amount "));
		if ((p = after(p, ", reason ")) != NULL)
			PUT(in->reason, p);
		return true;
	}
	if (strcmp(row->type, "owner.assigned") == 0) {
		const char *end = strstr(t, " (set by ");
		const char *id;

		if ((p = after(t, "Owner: ")) == NULL || end == NULL || end < p ||
		    (id = person_id(people, p, (size_t)(end - p))) == NULL)
			return false;
		in->what = REPLAY_OWNER;
		PUT(in->owner, id);
		return true;
	}
	if (strcmp(row->type, "task.done") == 0) {
		/* The task closed at this time: its verb and outcome. */
		for (size_t i = 0; i < ntasks; i++) {
			if (tasks[i].closed_at != row->at || tasks[i].verb == NULL ||
			    !tasks[i].state || strcmp(tasks[i].state, "done") != 0)
				continue;
			in->what = REPLAY_TASK_DONE;
			PUT(in->verb, tasks[i].verb);
			if (tasks[i].outcome)
				PUT(in->outcome, tasks[i].outcome);
			return true;
		}
		return false;
	}
	if (strcmp(row->type, "automation.paused") == 0 ||
	    strcmp(row->type, "automation.resumed") == 0) {
		in->what = row->type[11] == 'p' ? REPLAY_PAUSE : REPLAY_RESUME;
		return true;
	}
	return false;
}

/* Whether rows[i] was written at the same second, by the same actor, as an
 * appointment entry before it: the stage a booking or a finished visit moved. */
static bool
after_appointment(const replay_row *rows, size_t i)
{
	for (size_t j = i; j-- > 0 && rows[j].at == rows[i].at;)
		if (rows[j].type && strncmp(rows[j].type, "appointment.", 12) == 0 &&
		    strcmp(rows[j].actor ? rows[j].actor : "", rows[i].actor ? rows[i].actor : "") == 0)
			return true;
	return false;
}

/* Entries a person or the lead was behind that no input is made of. */
static bool
left_out(const replay_row *row)
{
	static const char *const types[] = {
		"appointment.booked", "appointment.rescheduled", "appointment.cancelled",
		"appointment.confirmed", "appointment.done", "appointment.no_show",
		"task.snoozed", "followup.set", "lead.updated", "consent.confirmed",
		"consent.kept", NULL,
	};

	for (size_t i = 0; types[i]; i++)
		if (strcmp(row->type, types[i]) == 0)
			return row->actor != NULL || strncmp(row->type, "appointment.", 12) == 0;
	return false;
}

size_t
replay_read_timeline(int64_t lead_id, const replay_row *rows, size_t nrows,
		     const replay_task_row *tasks, size_t ntasks, const rules *people,
		     replay_input *out, size_t max, replay_skipped *sk)
{
	size_t n = 0;
	replay_input prev;
	bool have_prev = false;

	for (size_t i = 0; i < nrows; i++) {
		replay_input in = { .lead = lead_id, .at = rows[i].at, .amount_cents = -1 };

		if (rows[i].type == NULL)
			continue;
		if (rows[i].actor)
			PUT(in.actor, rows[i].actor);
		if ((strcmp(rows[i].type, "stage.changed") == 0 && after_appointment(rows, i)) ||
		    !read_row(&rows[i], tasks, ntasks, people, &in, have_prev ? &prev : NULL)) {
			if (left_out(&rows[i]))
				replay_skip(sk, rows[i].type);
			continue;
		}
		prev = in;
		have_prev = true;
		if (n == max) {
			replay_skip(sk, "(over the cap)");
			continue;
		}
		out[n++] = in;
	}
	return n;
}

lead_event
replay_input_event(const replay_input *in)
{
	static const lead_event_kind kinds[] = {
		[REPLAY_ARRIVAL] = EV_CREATED, [REPLAY_AGAIN] = EV_INQUIRY_AGAIN,
		[REPLAY_REPLY] = EV_MESSAGE_IN, [REPLAY_CALL] = EV_CALL_LOGGED,
		[REPLAY_VISIT] = EV_VISIT_LOGGED, [REPLAY_NOTE] = EV_NOTE,
		[REPLAY_STAGE] = EV_STAGE, [REPLAY_OWNER] = EV_OWNER,
		[REPLAY_TASK_DONE] = EV_TASK_DONE, [REPLAY_OPT_OUT] = EV_OPT_OUT,
		[REPLAY_OPT_IN] = EV_OPT_IN, [REPLAY_PAUSE] = EV_PAUSE,
		[REPLAY_RESUME] = EV_RESUME, [REPLAY_DELIVERY] = EV_DELIVERY,
	};
	lead_event ev = lead_event_init(kinds[in->what]);

#define OR_NULL(s) ((s)[0] ? (s) : NULL)
	ev.actor = OR_NULL(in->actor);
	ev.channel = OR_NULL(in->channel);
	ev.text = OR_NULL(in->text);
	ev.outcome = OR_NULL(in->outcome);
	ev.stage = OR_NULL(in->stage);
	ev.reason = OR_NULL(in->reason);
	ev.owner = OR_NULL(in->owner);
	ev.amount_cents = in->amount_cents;
	ev.contact = in->contact;
#undef OR_NULL
	if (in->what == REPLAY_DELIVERY) {
		if (delivery_outcome_parse(in->outcome, &ev.delivery) < 0)
			ev.delivery = DELIVERY_FAILED;
		ev.outcome = NULL;
		ev.actor = "delivery";
		ev.purpose = "followup";
		ev.attempts = 1;
	}
	return ev;
}

const char *
replay_what_name(replay_what w)
{
	static const char *const names[] = {
		"arrival", "again", "reply", "call", "visit", "note", "stage", "owner",
		"task_done", "opt_out", "opt_in", "pause", "resume", "delivery",
	};

	return (size_t)w < sizeof names / sizeof names[0] ? names[w] : "?";
}

static int
by_time(const void *a, const void *b)
{
	const replay_input *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
replay_inputs_sort(replay_input *in, size_t n)
{
	if (n > 1)
		qsort(in, n, sizeof *in, by_time);
}

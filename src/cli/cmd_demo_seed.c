/*
 * cmd_demo_seed.c - `leadkeep demo-seed`: the demo business's last week, so
 * that `make run` opens on a working office instead of an empty screen.
 *
 * Nothing is inserted by hand. A week of outside events - inquiries from
 * every source, the leads' replies, calls, visits with quotes, stage changes,
 * tasks done and snoozed - is generated from a fixed cast (below) and a fixed
 * seed, placed on a virtual clock that ends at now, and applied in time order
 * through the flow (flow_intake, flow_event, flow_task_done,
 * flow_task_snooze), as `simulate` does but into the real data directory.
 * Between two events the clock jumps from one due timer to the next, firing
 * each at its own due time (sched_run_due), and sends the messages due by
 * then through the log provider (deliver_log_due), as serve's scheduler and
 * dispatcher would have. What a step would do after now is left undone: the
 * week ends with calls due, overdue and escalated, quotes waiting for their
 * follow-up, and leads that went cold.
 *
 * Only for the built-in demo (no DIR/rules.yaml, no --rules) and only into a
 * database without leads: run again, it adds nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "core/bizclock.h"
#include "core/tz.h"
#include "deliver/deliver.h"
#include "sched/sched.h"
#include "store/store_outbox.h"
#include "store/store_read.h"

static const char demo_seed_help[] =
	"Usage: leadkeep demo-seed [--data DIR]\n"
	"\n"
	"For the demo business only (no DIR/rules.yaml, no --rules), into a database with\n"
	"no leads yet: plays a realistic week of leads through the real engine on a virtual\n"
	"clock that ends now - inquiries from every source, replies, calls, visits with\n"
	"quotes, won and lost jobs, every timer fired at its time and every message written\n"
	"to DIR/outbox.log (the log provider) - so Today has work due and overdue.\n"
	"Adds nothing when the business has leads already. `make run` calls it.\n"
	"\n" CLI_COMMON_HELP;

static const struct option demo_seed_options[] = {
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

/* --- the week's stories ------------------------------------------------------------------ */

typedef enum {
	S_CALL,		/* a call logged by the lead's owner (.what = outcome) */
	S_REPLY,	/* a text from the lead */
	S_VISIT,	/* a visit logged by the sales rep (.what = outcome), maybe a quote */
	S_STAGE,	/* the owner moves the lead (.what = stage, .reason for lost) */
	S_NOTE,		/* a note by the owner */
	S_DONE,		/* the owner completes the oldest open task of verb .what */
	S_SNOOZE,	/* the owner snoozes the oldest open task of verb .what by .days */
	S_AGAIN,	/* the lead fills the form in again (a repeat inquiry) */
} step_kind;

typedef struct {
	step_kind kind;
	int after;		/* minutes after the previous step (or the arrival) */
	bool open_time;		/* ... counted in business minutes: a person at work */
	const char *what;
	const char *text;
	const char *reason;
	bool quote;		/* carries the lead's quote */
	int days;		/* S_SNOOZE */
} step;

/* Minutes are business minutes (a person at work) but for what a lead does. */
#define CALL(m, outcome, text)	{ S_CALL, m, true, outcome, text, NULL, false, 0 }
#define REPLY(m, text)		{ S_REPLY, m, false, NULL, text, NULL, false, 0 }
#define VISIT(m, outcome, text, quote) { S_VISIT, m, true, outcome, text, NULL, quote, 0 }
#define STAGE(m, stage, reason, quote) { S_STAGE, m, true, stage, NULL, reason, quote, 0 }
#define NOTE(m, text)		{ S_NOTE, m, true, NULL, text, NULL, false, 0 }
#define DONE(m, verb, outcome)	{ S_DONE, m, true, verb, outcome, NULL, false, 0 }
#define DONE_WALL(m, verb, outcome) { S_DONE, m, false, verb, outcome, NULL, false, 0 }
#define SNOOZE(m, verb, reason, days) { S_SNOOZE, m, true, verb, reason, NULL, false, days }
#define AGAIN(m, message)	{ S_AGAIN, m, false, NULL, message, NULL, false, 0 }
#define END			{ S_CALL, -1, false, NULL, NULL, NULL, false, 0 }

/* A person who talks to a lead gets "Decide the next step" from the engine
 * (a lead is never left without a next action): the stories snooze it to
 * the visit and mark it done after, as the office does. */
static const step won[] = {
	CALL(6, "talked", "Booked a site visit for the next morning"),
	STAGE(2, "scheduled", NULL, false),
	SNOOZE(2, "review", "Site visit booked for tomorrow morning", 1),
	VISIT(560, "talked", "Measured up and went through the options; quote given on site", true),
	DONE(3, "review", "Visited; quote given on site"),
	REPLY(1260, "Thanks, the quote looks good. When can you start?"),
	STAGE(40, "won", NULL, true),
	END,
};
static const step quoted[] = {
	CALL(9, "talked", "Wants someone to look at it this week"),
	STAGE(3, "scheduled", NULL, false),
	SNOOZE(2, "review", "Visit booked", 1),
	VISIT(840, "talked", "Quote left with the homeowner; deciding with her partner", true),
	DONE(4, "review", "Visited; quote left with the homeowner"),
	END,
};
static const step quote_followed[] = {
	CALL(4, "talked", "Visit booked"),
	STAGE(2, "scheduled", NULL, false),
	SNOOZE(2, "review", "Visit booked for tomorrow", 1),
	VISIT(500, "talked", "Quoted two options", true),
	DONE(3, "review", "Visited; quoted two options"),
	/* the quote's follow-up call: the engine makes it two days after the quote */
	DONE_WALL(2 * 1440 + 40, "call", "Still comparing quotes, will decide by the weekend"),
	SNOOZE(2, "review", "Deciding by the weekend", 4),
	END,
};
static const step callback[] = {
	CALL(12, "no_answer", NULL),
	REPLY(150, "Sorry I missed your call, I'm at work until 5. Can you call after?"),
	CALL(30, "talked", "Called back; wants an estimate, sending photos first"),
	DONE(1, "text", "Called back instead"),
	STAGE(1, "contacted", NULL, false),
	SNOOZE(2, "review", "Waiting for photos before booking a visit", 4),
	REPLY(50, "Here are the photos of the damage (3 pictures)"),
	DONE(90, "text", "Photos received: a half-day job, visit to book"),
	END,
};
static const step unreached[] = {
	CALL(4, "no_answer", NULL),
	CALL(110, "left_voicemail", "Left a message with our number"),
	CALL(115, "no_answer", NULL),
	CALL(110, "left_voicemail", "Second message, asked them to text back"),
	END,
};
static const step lost_price[] = {
	CALL(7, "talked", "Visit booked"),
	SNOOZE(2, "review", "Visit booked", 1),
	VISIT(480, "talked", "Quoted a full replacement", true),
	DONE(3, "review", "Visited; quoted a full replacement"),
	REPLY(1560, "Thanks, but that is more than we hoped to spend. We'll pass for now."),
	STAGE(30, "lost", "price", false),
	END,
};
static const step spam[] = {
	STAGE(11, "lost", "spam", false),
	END,
};
static const step snoozed[] = {
	CALL(5, "no_answer", NULL),
	REPLY(40, "Can't talk this week, travelling. Please call me next week?"),
	DONE(10, "text", "Texted back: we'll call next week"),
	SNOOZE(2, "call", "Asked by text to call next week", 4),
	END,
};
static const step no_show[] = {
	CALL(8, "talked", "Visit booked for 10am"),
	STAGE(2, "scheduled", NULL, false),
	SNOOZE(2, "review", "Visit booked for 10am tomorrow", 1),
	VISIT(600, "no_show", "Nobody home at 10am; left a card", false),
	DONE(3, "review", "Missed visit; rescheduling"),
	CALL(45, "talked", "Rebooked the visit for next week"),
	SNOOZE(2, "review", "Visit rebooked for next week", 5),
	END,
};
static const step contacted[] = {
	CALL(3, "talked", "Needs it done before the holidays"),
	STAGE(1, "contacted", NULL, false),
	NOTE(4, "Side gate code 4412; friendly dog in the yard"),
	SNOOZE(2, "review", "Calling back once they have talked to the landlord", 6),
	END,
};
static const step repeat[] = {
	AGAIN(1500, "Following up - I still need someone for this, nobody called me back"),
	CALL(10, "talked", "Apologised for the wait; visit booked"),
	STAGE(2, "scheduled", NULL, false),
	SNOOZE(2, "review", "Visit booked for next week", 5),
	END,
};
static const step forgotten[] = { END };

/* The cast, oldest first; a lead's age comes from its place in the list.
 * Phones are 312-555-01xx, the range set aside for fiction. */
typedef struct {
	const char *name, *email, *source, *kind, *service, *message, *neighbourhood;
	const step *story;
	int64_t quote_cents;
} demo_lead;

static const demo_lead cast[] = {
	{ "Marcus Johnson", "marcus.j@example.com", "web_form", NULL, "deck repair",
	  "Two boards on the back deck are rotten and the railing wobbles", "Logan Square", won,
	  240000 },
	{ "Priya Patel", "priya.patel@example.com", "google_ads", NULL, "water heater",
	  "Water heater is leaking from the bottom, 12 years old", "Lincoln Park", won, 185000 },
	{ "Tom O'Brien", NULL, "phone_call", NULL, NULL, NULL, NULL, unreached, 0 },
	{ "Fatima Noor", "fatima.noor@example.com", "web_form", "estimate", "bathroom remodel",
	  "Full remodel of a small bathroom, tub to walk-in shower", "Andersonville", lost_price,
	  1450000 },
	{ "Get Ranked Fast", "sales@seo-ranked.example", "web_form", NULL, "other",
	  "We can put your website on page 1 of Google! Reply for a free audit.", NULL, spam, 0 },
	{ "Diego Garcia", "diego.garcia@example.com", "meta_ads", NULL, "AC tune-up",
	  "AC makes a rattling noise when it starts", "Pilsen", quote_followed, 32500 },
	{ "Hannah Schmidt", "hannah.s@example.com", "email", NULL, "gutter cleaning",
	  "Gutters overflowing at the front of the house", "Ravenswood", won, 42500 },
	{ "Kenji Tanaka", "kenji.tanaka@example.com", "web_form", NULL, "roof leak",
	  "Leak in the attic after the last storm, near the chimney", "Edgewater", no_show, 0 },
	{ "Amara Okafor", "amara.okafor@example.com", "sms", NULL, "drain cleaning",
	  "Kitchen sink drains really slowly, tried a plunger", "Hyde Park", unreached, 0 },
	{ "Luis Hernandez", "luis.h@example.com", "web_form", "estimate", "new windows",
	  "Estimate for 8 double-hung windows, 1920s two-flat", "Bridgeport", quoted, 960000 },
	{ "Sofia Rossi", "sofia.rossi@example.com", "google_ads", NULL, "furnace repair",
	  "Furnace short-cycles and the house won't get above 64", "Lakeview", callback, 0 },
	{ "Noah Williams", "noah.w@example.com", "web_form", NULL, "sump pump",
	  "Sump pump runs constantly, worried about the basement", "Uptown", repeat, 0 },
	{ "Grace Kim", "grace.kim@example.com", "meta_ads", NULL, "deck repair",
	  "Deck needs sanding and staining before winter", "Rogers Park", forgotten, 0 },
	{ "Ivan Kowalski", NULL, "phone_call", NULL, NULL, NULL, NULL, contacted, 0 },
	{ "Leila Haddad", "leila.haddad@example.com", "web_form", NULL, "water heater",
	  "No hot water since this morning", "Wicker Park", quoted, 210000 },
	{ "Sam Chen", "sam.chen@example.com", "email", NULL, "gutter cleaning",
	  "Can you also check the downspouts?", "Lincoln Square", snoozed, 0 },
	{ "Mei Lopez", "mei.lopez@example.com", "web_form", "estimate", "bathroom remodel",
	  "Looking for a quote to redo tile and vanity", "Avondale", quoted, 780000 },
	{ "Olga Ivanova", "olga.i@example.com", "google_ads", NULL, "AC tune-up",
	  "Yearly service before we close the house for winter", "Portage Park", contacted, 0 },
	{ "Jamal Brown", "jamal.brown@example.com", "web_form", NULL, "roof leak",
	  "Water stain on the bedroom ceiling is growing", "Bronzeville", forgotten, 0 },
	{ NULL, NULL, "phone_call", NULL, NULL, NULL, NULL, callback, 0 },
	{ "Wei Zhang", "wei.zhang@example.com", "web_form", NULL, "drain cleaning",
	  "Basement floor drain backs up when it rains", "Chinatown", won, 38500 },
	{ "Ana Ruiz", "ana.ruiz@example.com", "meta_ads", NULL, "furnace repair",
	  "Furnace makes a loud bang when it turns on", "Little Village", contacted, 0 },
	{ "Tom Becker", "tom.becker@example.com", "web_form", "estimate", "new windows",
	  "Replace the bay window in the front room", "North Center", quoted, 420000 },
	{ "Rosa Silva", "rosa.silva@example.com", "sms", NULL, "sump pump",
	  "Can someone check my sump pump this week?", "Albany Park", no_show, 0 },
	{ "Ethan Park", "ethan.park@example.com", "web_form", NULL, "gutter cleaning",
	  "Two-storey house, gutters full of leaves", "Jefferson Park", callback, 0 },
	{ "Chloe Martin", "chloe.m@example.com", "email", NULL, "deck repair",
	  "Some deck boards are loose near the stairs", "Ukrainian Village", snoozed, 0 },
	{ "Ahmed Hassan", "ahmed.hassan@example.com", "google_ads", NULL, "water heater",
	  "Pilot light keeps going out", "West Ridge", quoted, 165000 },
	{ "Laura Nguyen", "laura.nguyen@example.com", "web_form", NULL, "AC tune-up",
	  "AC blows warm air on the upstairs floor", "Irving Park", contacted, 0 },
	{ "Ben Carter", "ben.carter@example.com", "meta_ads", NULL, "roof leak",
	  "Shingles came off in the wind", "Garfield Ridge", unreached, 0 },
	{ "Nina Volkova", "nina.v@example.com", "web_form", NULL, "drain cleaning",
	  "Shower drain is clogged again", "Old Town", quote_followed, 27500 },
	{ "Omar Farouk", "omar.farouk@example.com", "web_form", "estimate", "bathroom remodel",
	  "Second bathroom in the basement, rough-in is there", "Mayfair", callback, 0 },
	{ "Claire Dubois", "claire.dubois@example.com", "email", NULL, "furnace repair",
	  "Thermostat says heating but nothing comes out of the vents", "Streeterville",
	  unreached, 0 },
	/* The last hour: nobody has had the time yet. */
	{ "Victor Alvarez", "victor.alvarez@example.com", "web_form", NULL, "water heater",
	  "Water heater pilot went out, need someone today if possible", "Humboldt Park",
	  forgotten, 0 },
	{ NULL, NULL, "phone_call", NULL, NULL, NULL, NULL, forgotten, 0 },
	{ "Julia Moretti", "julia.moretti@example.com", "google_ads", NULL, "sump pump",
	  "Sump pump alarm going off", "Norwood Park", forgotten, 0 },
};

#define NCAST (sizeof cast / sizeof cast[0])
#define NFRESH 3		/* the last of the cast arrive in the last hour */

/* splitmix64: the same week every time, relative to now. */
static uint64_t
rnd(uint64_t *st)
{
	uint64_t z = (*st += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int64_t
rnd_range(uint64_t *st, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd(st) % (uint64_t)(hi - lo + 1));
}

/* One outside event at its time: cast member `who`'s arrival (st NULL) or a
 * step of their story. until: a snooze's end - the visit it waits for when
 * that comes next, else .days later - at an open minute. */
typedef struct {
	int64_t at, until;
	size_t who;
	const step *st;
	int order;
} planned;

static int
by_time(const void *a, const void *b)
{
	const planned *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->order - y->order;
}

/* Arrival of cast member i of the week ending at now. */
static int64_t
arrival(const rules *r, size_t i, int64_t now, uint64_t *st)
{
	static const int64_t fresh_min[NFRESH] = { 47, 21, 4 };
	size_t nold = NCAST - NFRESH;
	int64_t age, t;
	tz_local lt;

	if (i >= nold)
		return now - fresh_min[i - nold] * 60;
	/* Spread over the seven days, oldest first, a little jitter. */
	age = (int64_t)(7 * 86400 - 3600) * (int64_t)(nold - i) / (int64_t)nold;
	age += rnd_range(st, -90, 90) * 60;
	t = now - (age < 2 * 3600 ? 2 * 3600 : age);
	/* Most inquiries come in the day and the evening; one in five stays as
	 * drawn, night included (web forms never close). Moved only earlier. */
	tz_to_local(r->business.zone, t, &lt);
	if (rnd(st) % 5 != 0) {
		if (lt.hour >= 22)
			t -= (int64_t)(lt.hour - 21) * 3600 + rnd_range(st, 0, 50) * 60;
		else if (lt.hour < 7)
			t -= (int64_t)(lt.hour + 3) * 3600 + rnd_range(st, 0, 50) * 60;
	}
	return t;
}

typedef struct {
	const rules *r;
	store *s;
	int64_t business_id;
	int64_t now;
	char log_path[4200];
	int64_t ids[NCAST];
	long fired, sent, applied, skipped;
} seeder;

/* Fires the timers and sends the messages due up to `until`, each at its
 * own time: the scheduler and the dispatcher, on the virtual clock. */
static int
advance(seeder *sd, int64_t until)
{
	for (long rounds = 0; rounds < 100000; rounds++) {
		int64_t tt = store_timer_next_due(sd->s), to = store_outbox_next_due(sd->s), t;
		int n;

		if (tt < 0 || to < 0)
			return -1;
		t = tt > 0 && (to == 0 || tt < to) ? tt : to;
		if (t <= 0 || t > until)
			return 0;
		if (tt > 0 && tt <= t) {
			if ((n = sched_run_due(sd->s, sd->r, t, 256)) < 0)
				return -1;
			sd->fired += n;
		}
		if ((n = deliver_log_due(sd->s, sd->r, sd->log_path, t)) < 0)
			return -1;
		sd->sent += n;
	}
	return -1;	/* never settled */
}

static void
count_lead(void *ctx, const store_lead_row *row)
{
	(void)ctx;
	(void)row;
}

typedef struct {
	char owner[64];
	char status[16];
} lead_brief;

static void
on_lead(void *ctx, const store_lead_row *row)
{
	lead_brief *b = ctx;

	snprintf(b->owner, sizeof b->owner, "%s", row->owner ? row->owner : "");
	snprintf(b->status, sizeof b->status, "%s", row->status ? row->status : "");
}

static void
intake_of(const demo_lead *d, size_t i, char *phone, size_t len, intake_lead *il)
{
	/* As people type them: three spellings of the same kind of number. */
	if (i % 3 == 0)
		snprintf(phone, len, "(312) 555-01%02zu", 10 + i);
	else if (i % 3 == 1)
		snprintf(phone, len, "312-555-01%02zu", 10 + i);
	else
		snprintf(phone, len, "+1 312 555 01%02zu", 10 + i);
	*il = (intake_lead){
		.name = d->name, .phone = phone, .email = d->email, .source = d->source,
		.kind = d->kind, .service = d->service, .message = d->message,
		.neighbourhood = d->neighbourhood,
	};
}

/* Applies one planned event at its time. FLOW_OK, or why it did not apply
 * (a step the lead's state no longer allows is skipped, not an error). */
static flow_result
apply(seeder *sd, const planned *p, char *err, size_t errlen)
{
	const demo_lead *d = &cast[p->who];
	const step *st = p->st;
	int64_t id = sd->ids[p->who], task;
	store_lead_visitor v = { .lead = on_lead };
	lead_brief b = { "", "" };
	lead_event ev;
	char phone[32];
	intake_lead il;
	flow_out out = { 0 };

	intake_of(d, p->who, phone, sizeof phone, &il);
	if (st == NULL) {
		flow_result rc = flow_intake(sd->s, sd->business_id, sd->r, &il, p->at, &out, err,
					     errlen);

		sd->ids[p->who] = out.lead_id;
		return rc;
	}
	if (id <= 0)
		return FLOW_NOT_FOUND;
	if (store_lead_read(sd->s, sd->business_id, id, &v, &b) != 1)
		return FLOW_STORAGE;
	if (strcmp(b.status, "open") != 0 && st->kind != S_REPLY && st->kind != S_AGAIN)
		return FLOW_CONFLICT;	/* gone cold, won or lost: nobody works it */
	switch (st->kind) {
	case S_CALL:
		ev = lead_event_init(EV_CALL_LOGGED);
		break;
	case S_REPLY:
		ev = lead_event_init(EV_MESSAGE_IN);
		ev.channel = "sms";
		ev.text = st->text;
		return flow_event(sd->s, sd->business_id, sd->r, id, &ev, p->at, NULL, err, errlen);
	case S_VISIT:
		ev = lead_event_init(EV_VISIT_LOGGED);
		ev.actor = "bob";	/* the sales rep goes out */
		ev.amount_cents = st->quote ? d->quote_cents : -1;
		ev.outcome = st->what;
		ev.text = st->text;
		return flow_event(sd->s, sd->business_id, sd->r, id, &ev, p->at, NULL, err, errlen);
	case S_STAGE:
		ev = lead_event_init(EV_STAGE);
		ev.stage = st->what;
		ev.reason = st->reason;
		ev.amount_cents = st->quote ? d->quote_cents : -1;
		break;
	case S_NOTE:
		ev = lead_event_init(EV_NOTE);
		break;
	case S_DONE:
		if ((task = store_task_oldest_open(sd->s, id, st->what)) <= 0)
			return task < 0 ? FLOW_STORAGE : FLOW_CONFLICT;
		ev = lead_event_init(EV_TASK_DONE);
		ev.outcome = st->text;
		ev.actor = b.owner[0] ? b.owner : NULL;
		return flow_task_done(sd->s, sd->business_id, sd->r, task, &ev, p->at, NULL, err,
				      errlen);
	case S_SNOOZE:
		if ((task = store_task_oldest_open(sd->s, id, st->what)) <= 0)
			return task < 0 ? FLOW_STORAGE : FLOW_CONFLICT;
		return flow_task_snooze(sd->s, sd->business_id, sd->r, task, p->until, st->text,
					b.owner[0] ? b.owner : NULL, p->at, NULL, err, errlen);
	case S_AGAIN:
		il.message = st->text;
		return flow_intake(sd->s, sd->business_id, sd->r, &il, p->at, &out, err, errlen);
	}
	ev.outcome = st->kind == S_CALL ? st->what : NULL;
	ev.text = st->text;
	ev.actor = b.owner[0] ? b.owner : NULL;
	return flow_event(sd->s, sd->business_id, sd->r, id, &ev, p->at, NULL, err, errlen);
}

/* The week: every arrival and story step with its time, in time order. */
static planned *
plan_week(const rules *r, int64_t now, size_t *n)
{
	uint64_t st = 0x1ead5eedULL;
	size_t cap = NCAST * 8, k = 0;
	planned *v = calloc(cap, sizeof *v);

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < NCAST; i++) {
		int64_t t = arrival(r, i, now, &st);
		size_t first;

		v[k] = (planned){ .at = t, .who = i, .order = (int)k };
		k++;
		first = k;
		for (const step *s = cast[i].story; s->after >= 0 && k < cap; s++) {
			int64_t j = s->after / 8 + 2, m = s->after + rnd_range(&st, 0, j < 45 ? j : 45);

			t = s->open_time ? bizclock_add_business_minutes(&r->business, t, m) :
			    t + m * 60;
			/* People act in opening hours; leads write whenever they like. */
			if (s->kind != S_REPLY && s->kind != S_AGAIN)
				t = bizclock_next_open(&r->business, t);
			if (t < 0)
				break;
			v[k] = (planned){ .at = t, .who = i, .st = s, .order = (int)k };
			k++;
		}
		for (size_t j = first; j < k; j++) {
			if (v[j].st->kind != S_SNOOZE)
				continue;
			v[j].until = j + 1 < k && v[j + 1].st->kind == S_VISIT ?
				     v[j + 1].at + 30 * 60 :
				     v[j].at + (int64_t)v[j].st->days * 86400;
			v[j].until = bizclock_next_open(&r->business, v[j].until);
		}
	}
	qsort(v, k, sizeof *v, by_time);
	*n = k;
	return v;
}

static int
seed(cli_env *e)
{
	seeder sd = { .r = e->rules, .s = e->store, .business_id = e->business_id,
		      .now = cli_now() };
	store_lead_filter any = { .limit = 1 };
	char err[512];
	planned *plan;
	size_t n = 0;
	int found, rc = EXIT_OK;

	if ((found = store_leads_read(e->store, e->business_id, &any, count_lead, NULL)) < 0)
		return cli_fail(EXIT_RUNTIME, "cannot read leads: %s", store_errmsg(e->store));
	if (found > 0) {
		fprintf(stderr, "leadkeep: the demo already has leads; not adding a week\n");
		return EXIT_OK;
	}
	snprintf(sd.log_path, sizeof sd.log_path, "%s/outbox.log", cli_files_dir(e));
	if ((plan = plan_week(e->rules, sd.now, &n)) == NULL)
		return cli_fail(EXIT_RUNTIME, "out of memory");
	for (size_t i = 0; i < n && plan[i].at <= sd.now; i++) {
		flow_result fr;

		if (advance(&sd, plan[i].at) < 0) {
			rc = cli_fail(EXIT_RUNTIME, "the scheduler failed or never settled: %s",
				      store_errmsg(e->store));
			goto out;
		}
		err[0] = '\0';
		if (store_begin(e->store) < 0) {
			rc = cli_fail(EXIT_RUNTIME, "the database is busy");
			goto out;
		}
		fr = apply(&sd, &plan[i], err, sizeof err);
		if (fr == FLOW_OK && store_commit(e->store) == 0) {
			sd.applied++;
			continue;
		}
		store_rollback(e->store);
		if (fr == FLOW_OK || fr == FLOW_BUSY || fr == FLOW_STORAGE) {
			rc = cli_fail(EXIT_RUNTIME, "the demo week could not be stored: %s",
				      err[0] ? err : store_errmsg(e->store));
			goto out;
		}
		sd.skipped++;	/* what the lead's state no longer allows */
	}
	if (advance(&sd, sd.now) < 0) {
		rc = cli_fail(EXIT_RUNTIME, "the scheduler failed or never settled");
		goto out;
	}
	if (e->json) {
		json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I}", "leads", (json_int_t)NCAST,
				      "events", (json_int_t)sd.applied, "skipped",
				      (json_int_t)sd.skipped, "timers_fired", (json_int_t)sd.fired,
				      "messages_sent", (json_int_t)sd.sent);

		cli_print_json(o);
		json_decref(o);
	} else {
		fprintf(stderr, "leadkeep: the demo's last week played through the engine: %zu "
			"leads, %ld things people and leads did, %ld timers fired, %ld messages "
			"(in %s)\n", NCAST, sd.applied - (long)NCAST, sd.fired, sd.sent,
			sd.log_path);
	}
out:
	free(plan);
	return rc;
}

int
cmd_demo_seed(int argc, char **argv)
{
	cli_env e;
	char path[4096];
	struct stat sb;
	int opt, rc;

	cli_env_init(&e);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", demo_seed_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		if (opt == 'h') {
			fputs(demo_seed_help, stdout);
			return EXIT_OK;
		}
		return cli_usage(demo_seed_help, "demo-seed: bad option");
	}
	if (optind < argc)
		return cli_usage(demo_seed_help, "demo-seed: unexpected argument \"%s\"",
				 argv[optind]);
	snprintf(path, sizeof path, "%s/rules.yaml", cli_files_dir(&e));
	if (e.rules_path != NULL || stat(path, &sb) == 0)
		return cli_fail(EXIT_USAGE, "demo-seed: %s has its own rules: the demo week is only "
				"for the built-in demo", cli_files_dir(&e));
	if ((rc = cli_open(&e, true)) == EXIT_OK)
		rc = seed(&e);
	cli_close(&e);
	return rc;
}

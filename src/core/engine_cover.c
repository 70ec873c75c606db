/*
 * engine_cover.c - people who cannot take work now (active: false, an away
 * time, at their max_open_leads) and who covers for them: routing and round
 * robin pass them over, a task meant for them goes to the first person at
 * work on their fallback chain, and when they go away (EV_PEOPLE) their open
 * tasks go there too. Pure: who is away is in the rules, `now` is given, open
 * lead counts come with the lead's state.
 */
#include <stdio.h>
#include <string.h>

#include "bizclock.h"
#include "engine_internal.h"

static int64_t
load_of(const engine_avail *av, const rules_person *p)
{
	for (size_t i = 0; av->st != NULL && i < av->st->nloads; i++)
		if (engine_streq(av->st->loads[i].person, p->id))
			return av->st->loads[i].open_leads;
	return 0;
}

/* At the limit of their open leads: known only when the state counts them. */
static bool
full(const engine_avail *av, const rules_person *p)
{
	return p->max_open_leads > 0 && av->st != NULL && av->st->loads != NULL &&
	       load_of(av, p) >= p->max_open_leads;
}

bool
engine_can_take(const engine_avail *av, int p, bool strict)
{
	const rules_person *who = &av->r->people[p];

	return rules_person_present(who, av->now) && !(strict && full(av, who));
}

int
engine_fallback(const engine_avail *av, int p, bool strict, const char *avoid)
{
	/* A chain may loop back (alice -> bob -> alice): at most everyone once. */
	for (size_t hops = 0, q = (size_t)p; hops < av->r->npeople; hops++) {
		int next = av->r->people[q].fallback;

		if (next < 0 || next == p)
			return -1;
		q = (size_t)next;
		if ((avoid == NULL || strcmp(av->r->people[q].id, avoid) != 0) &&
		    engine_can_take(av, (int)q, strict))
			return (int)q;
	}
	return -1;
}

const char *
engine_absence(engine_ctx *c, int p)
{
	static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
						"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	const rules_person *who = &c->r->people[p];
	int64_t back = rules_person_back(who, c->now);
	tz_local lt;

	if (back == 0) {
		if (who->max_open_leads > 0)
			return engine_fmt(c, "at their limit of %d open leads", who->max_open_leads);
		return "at work";
	}
	if (back == INT64_MAX)
		return "not active";
	tz_to_local(c->r->business.zone, back, &lt);
	if (lt.hour == 0 && lt.min == 0) {
		/* back at midnight: away through the day before */
		tz_to_local(c->r->business.zone, back - 1, &lt);
		return engine_fmt(c, "away until %s %d", months[lt.month - 1], lt.day);
	}
	return engine_fmt(c, "away until %s %d %d:%02d %s", months[lt.month - 1], lt.day,
			  lt.hour % 12 ? lt.hour % 12 : 12, lt.min, lt.hour < 12 ? "AM" : "PM");
}

const char *
engine_assignee(engine_ctx *c, const char *id, bool note)
{
	engine_avail av = { .r = c->r, .now = c->now, .st = c->st };
	int p = id ? rules_person_index(c->r, id) : -1;
	int q;

	if (p < 0 || rules_person_present(&c->r->people[p], c->now))
		return id;
	if ((q = engine_fallback(&av, p, false, NULL)) < 0)
		return id;	/* nobody at work on the chain: the work stays theirs */
	if (note)
		engine_event(c, "task.covered", "%s is %s: %s takes the task", c->r->people[p].name,
			     engine_absence(c, p), c->r->people[q].name);
	return c->r->people[q].id;
}

void
engine_note_skipped(engine_ctx *c, int first, int picked)
{
	engine_avail av = { .r = c->r, .now = c->now, .st = c->st };

	if (first < 0 || picked < 0 || first == picked || engine_can_take(&av, first, true))
		return;
	engine_event(c, "owner.skipped", "%s is %s: %s takes the lead", c->r->people[first].name,
		     engine_absence(c, first), c->r->people[picked].name);
}

/* A task handed over is due no earlier than the taker's next working
 * minute: an absence begins at midnight, and a task "due now" then would
 * be due in a closed minute nobody can keep. */
static int64_t
when_at_work(const engine_ctx *c, const rules_person *p, int64_t due)
{
	rules_business clock = engine_person_clock(c, p);
	int64_t open;

	if (bizclock_is_open(&clock, due) || (open = bizclock_next_open(&clock, due)) < 0)
		return due;
	return open;
}

decide_result
engine_on_people(engine_ctx *c)
{
	engine_avail av = { .r = c->r, .now = c->now, .st = c->st };

	for (size_t i = 0; i < c->st->ntasks; i++) {
		const lead_task *t = &c->st->tasks[i];
		int p = t->assignee ? rules_person_index(c->r, t->assignee) : -1;
		int64_t due = t->due_at > c->now ? t->due_at : c->now;
		const rules_person *to;
		action *a;
		int q;

		if (p < 0 || rules_person_present(&c->r->people[p], c->now) ||
		    engine_task_closing(c, t->id) || (q = engine_fallback(&av, p, false, NULL)) < 0)
			continue;
		to = &c->r->people[q];
		due = when_at_work(c, to, due);
		engine_event(c, "task.covered", "%s is %s: \"%s\" goes to %s", c->r->people[p].name,
			     engine_absence(c, p), t->title, to->name);
		a = engine_push(c, ACT_TASK_CLOSE);
		a->task_id = t->id;
		a->name = "reassigned";
		a->text = engine_fmt(c, "%s is %s: to %s", c->r->people[p].id, engine_absence(c, p),
				     to->id);
		a = engine_push(c, ACT_TASK_CREATE);
		a->verb = t->verb;
		a->text = t->title;
		a->person = to->id;
		a->at = due;
		/* The task keeps a recovery path: its escalation starts over. */
		engine_escalate_from(c, due, 0, c->new_tasks);
		c->new_tasks++;
		engine_notify(c, to, engine_fmt(c, "Covering for %s: %s - lead #%lld",
						c->r->people[p].name, t->title, (long long)c->l->id));
	}
	return DECIDE_OK;
}

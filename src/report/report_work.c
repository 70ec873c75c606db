/*
 * report_work.c - the people's side: response-window compliance (the tasks
 * due in the period: done inside their window, done late, handed on, still
 * open past it; escalations fired) and owner accountability (open, done,
 * overdue, median completion delay, calls it took to reach a lead), per
 * person. A task closed as superseded (the contact happened another way)
 * counts as done when it was.
 */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

typedef struct {
	const char *person;	/* interned; NULL = nobody */
	long due, on_time, late, handed_on, open_late, escalations;
	long open_now, overdue_now, done, contacted, calls;
	int64_t *delays;
	size_t ndelays, delcap;
} person_row;

typedef struct {
	person_row *rows;
	size_t n, cap;
} people;

static person_row *
row_for(people *p, const char *person)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->rows[i].person == person)
			return &p->rows[i];
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		person_row *r = realloc(p->rows, cap * sizeof *r);

		if (r == NULL)
			abort();
		p->rows = r;
		p->cap = cap;
	}
	memset(&p->rows[p->n], 0, sizeof p->rows[p->n]);
	p->rows[p->n].person = person;
	return &p->rows[p->n++];
}

static bool
is(const char *s, const char *want)
{
	return s != NULL && strcmp(s, want) == 0;
}

static void
add_delay(person_row *r, int64_t v)
{
	if (r->ndelays == r->delcap) {
		size_t cap = r->delcap ? r->delcap * 2 : 64;
		int64_t *p = realloc(r->delays, cap * sizeof *p);

		if (p == NULL)
			abort();
		r->delays = p;
		r->delcap = cap;
	}
	r->delays[r->ndelays++] = v;
}

static void
tally(const report_data *d, people *p)
{
	int64_t from = d->o.from, to = d->o.to, now = d->o.now;

	for (size_t i = 0; i < d->ntasks; i++) {
		const report_task *t = &d->tasks[i];
		person_row *r = row_for(p, t->assignee);
		bool open = is(t->state, "open"), done = is(t->state, "done");

		if (open) {
			r->open_now++;
			r->overdue_now += t->due_at < now;
		}
		if (done && t->closed_at >= from && t->closed_at < to) {
			r->done++;
			add_delay(r, t->closed_at - t->created_at);
		}
		if (t->due_at < from || t->due_at >= to)
			continue;
		r->due++;
		r->escalations += t->escalations;
		if (done && t->closed_at <= t->due_at)
			r->on_time++;
		else if (done)
			r->late++;
		else if (is(t->state, "reassigned"))
			r->handed_on++;
		else if (open && t->due_at < now)
			r->open_late++;
	}
	for (size_t i = 0; i < d->n; i++) {
		const report_lead *l = &d->leads[i];

		if (!report_in_period(d, l) || l->contact_at == 0)
			continue;
		person_row *r = row_for(p, l->owner);

		r->contacted++;
		r->calls += l->calls;
	}
}

static json_t *
name_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void
windows(const people *p, json_t *doc)
{
	json_t *o = json_object(), *rows = json_array();
	long due = 0, on_time = 0, late = 0, handed = 0, open_late = 0, esc = 0, overdue = 0;

	for (size_t i = 0; i < p->n; i++) {
		const person_row *r = &p->rows[i];
		json_t *j;

		due += r->due;
		on_time += r->on_time;
		late += r->late;
		handed += r->handed_on;
		open_late += r->open_late;
		esc += r->escalations;
		overdue += r->overdue_now;
		if (r->due == 0 && r->overdue_now == 0)
			continue;
		j = json_object();
		json_object_set_new(j, "person", name_or_null(r->person));
		json_object_set_new(j, "due", json_integer(r->due));
		json_object_set_new(j, "done_in_window", json_integer(r->on_time));
		json_object_set_new(j, "done_late", json_integer(r->late));
		json_object_set_new(j, "handed_on", json_integer(r->handed_on));
		json_object_set_new(j, "open_past_due", json_integer(r->open_late));
		json_object_set_new(j, "overdue_now", json_integer(r->overdue_now));
		json_object_set_new(j, "escalations", json_integer(r->escalations));
		json_object_set_new(j, "compliance",
				    r->due ? json_real((double)r->on_time / (double)r->due) : json_null());
		json_array_append_new(rows, j);
	}
	json_object_set_new(o, "due", json_integer(due));
	json_object_set_new(o, "done_in_window", json_integer(on_time));
	json_object_set_new(o, "done_late", json_integer(late));
	json_object_set_new(o, "handed_on", json_integer(handed));
	json_object_set_new(o, "open_past_due", json_integer(open_late));
	json_object_set_new(o, "overdue_now", json_integer(overdue));
	json_object_set_new(o, "escalations", json_integer(esc));
	json_object_set_new(o, "compliance", due ? json_real((double)on_time / (double)due) :
				  json_null());
	json_object_set_new(o, "by_person", rows);
	json_object_set_new(doc, "response_windows", o);
}

static void
owners(people *p, json_t *doc)
{
	json_t *rows = json_array();

	for (size_t i = 0; i < p->n; i++) {
		person_row *r = &p->rows[i];
		json_t *j;

		if (r->open_now == 0 && r->done == 0 && r->contacted == 0)
			continue;
		j = json_object();
		json_object_set_new(j, "person", name_or_null(r->person));
		json_object_set_new(j, "open", json_integer(r->open_now));
		json_object_set_new(j, "done", json_integer(r->done));
		json_object_set_new(j, "overdue", json_integer(r->overdue_now));
		json_object_set_new(j, "median_completion_s", r->ndelays ?
				    json_integer(report_pctl(r->delays, r->ndelays, 50)) : json_null());
		json_object_set_new(j, "leads_reached", json_integer(r->contacted));
		json_object_set_new(j, "calls_per_reach", r->contacted ?
				    json_real((double)r->calls / (double)r->contacted) : json_null());
		json_array_append_new(rows, j);
	}
	json_object_set_new(doc, "owners", rows);
}

void
report_people(const report_data *d, json_t *doc)
{
	people p = { 0 };

	tally(d, &p);
	windows(&p, doc);
	owners(&p, doc);
	for (size_t i = 0; i < p.n; i++)
		free(p.rows[i].delays);
	free(p.rows);
}

/*
 * replay.c - what a run did to a lead (replay_lead), and what differs
 * between two runs of the same history (replay.h). Pure.
 */
#include <stdio.h>
#include <string.h>

#include "replay/replay.h"

#define PUT(dst, src) snprintf(dst, sizeof dst, "%s", (src) ? (src) : "")

static bool
eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

void
replay_lead_message(replay_lead *l, const char *channel, const char *purpose,
		    const char *person, int64_t at, int64_t end)
{
	if (at > end)
		return;
	if (person != NULL || eq(purpose, "notify")) {
		l->notifications++;
		return;
	}
	if (!eq(purpose, "ack") && !eq(purpose, "followup"))
		return;		/* compliance: the lead's own STOP/START answered */
	l->touches++;
	if (l->nmsgs == REPLAY_MAX_MSGS)
		return;
	PUT(l->msgs[l->nmsgs].channel, channel);
	PUT(l->msgs[l->nmsgs].purpose, purpose);
	l->msgs[l->nmsgs++].at = at;
}

void
replay_lead_task(replay_lead *l, const char *verb, const char *person, const char *state,
		 int64_t created, int64_t due, int64_t closed, int64_t end)
{
	bool open = eq(state, "open") || closed <= 0 || closed > end;
	replay_window *w;

	if (created > end)
		return;
	l->tasks++;
	if (due >= end || (!open && closed <= due))
		return;		/* not due yet, or closed in time */
	l->windows_missed++;
	if (l->nmissed == REPLAY_MAX_WINDOWS)
		return;
	w = &l->missed[l->nmissed++];
	PUT(w->verb, verb);
	PUT(w->person, person);
	w->due = due;
	w->closed = open ? 0 : closed;
}

/* --- the difference -------------------------------------------------------- */

static bool
msg_kind_eq(const replay_msg *a, const replay_msg *b)
{
	return strcmp(a->channel, b->channel) == 0 && strcmp(a->purpose, b->purpose) == 0;
}

static void
compare_msgs(const replay_lead *was, const replay_lead *now, replay_diff *d)
{
	bool used_w[REPLAY_MAX_MSGS] = { false }, used_n[REPLAY_MAX_MSGS] = { false };

	/* Same message, same time. */
	for (size_t i = 0; i < now->nmsgs; i++)
		for (size_t j = 0; j < was->nmsgs; j++)
			if (!used_w[j] && msg_kind_eq(&now->msgs[i], &was->msgs[j]) &&
			    now->msgs[i].at == was->msgs[j].at) {
				used_w[j] = used_n[i] = true;
				break;
			}
	/* Same message, another time: in order. */
	for (size_t i = 0; i < now->nmsgs; i++) {
		if (used_n[i])
			continue;
		for (size_t j = 0; j < was->nmsgs; j++)
			if (!used_w[j] && msg_kind_eq(&now->msgs[i], &was->msgs[j])) {
				used_w[j] = used_n[i] = true;
				d->moved[d->nmoved++] = (replay_moved){ was->msgs[j], now->msgs[i] };
				break;
			}
	}
	for (size_t i = 0; i < now->nmsgs; i++)
		if (!used_n[i])
			d->added[d->nadded++] = now->msgs[i];
	for (size_t j = 0; j < was->nmsgs; j++)
		if (!used_w[j])
			d->removed[d->nremoved++] = was->msgs[j];
}

static void
compare_windows(const replay_lead *was, const replay_lead *now, replay_diff *d)
{
	bool used_w[REPLAY_MAX_WINDOWS] = { false }, used_n[REPLAY_MAX_WINDOWS] = { false };

	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < now->nmissed; i++)
			for (size_t j = 0; j < was->nmissed && !used_n[i]; j++)
				if (!used_w[j] &&
				    strcmp(now->missed[i].verb, was->missed[j].verb) == 0 &&
				    (pass == 1 || now->missed[i].due == was->missed[j].due))
					used_w[j] = used_n[i] = true;
	for (size_t i = 0; i < now->nmissed; i++)
		if (!used_n[i])
			d->now_missed[d->nnow_missed++] = now->missed[i];
	for (size_t j = 0; j < was->nmissed; j++)
		if (!used_w[j])
			d->now_met[d->nnow_met++] = was->missed[j];
}

void
replay_compare(const replay_lead *was, const replay_lead *now, replay_diff *d)
{
	memset(d, 0, sizeof *d);
	d->owner_changed = strcmp(was->owner, now->owner) != 0;
	compare_msgs(was, now, d);
	compare_windows(was, now, d);
	d->touches_delta = now->touches - was->touches;
	d->notifications_delta = now->notifications - was->notifications;
	d->tasks_delta = now->tasks - was->tasks;
	/* Windows beyond the listed ones still show in the count. */
	if (now->windows_missed != was->windows_missed && d->nnow_missed == 0 &&
	    d->nnow_met == 0)
		d->any = true;
	d->cold_changed = was->cold_at != now->cold_at;
	d->any = d->any || d->owner_changed || d->nadded || d->nremoved || d->nmoved ||
		 d->nnow_missed || d->nnow_met || d->touches_delta || d->notifications_delta ||
		 d->tasks_delta || d->cold_changed;
}

void
replay_total_add(replay_totals *t, const replay_lead *was, const replay_lead *now,
		 const replay_diff *d, const replay_lead *real)
{
	t->leads++;
	t->changed += d->any;
	t->owners_changed += d->owner_changed;
	t->touches_was += was->touches;
	t->touches_now += now->touches;
	t->notifications_was += was->notifications;
	t->notifications_now += now->notifications;
	t->tasks_was += was->tasks;
	t->tasks_now += now->tasks;
	t->missed_was += was->windows_missed;
	t->missed_now += now->windows_missed;
	t->cold_was += was->cold_at != 0;
	t->cold_now += now->cold_at != 0;
	t->msgs_added += (long)d->nadded;
	t->msgs_removed += (long)d->nremoved;
	t->msgs_moved += (long)d->nmoved;
	if (real != NULL) {
		t->real_owner_same += strcmp(real->owner, was->owner) == 0;
		t->real_touches_same += real->touches == was->touches;
	}
}

/*
 * cmd_replay_print.c - `leadkeep replay`'s output: the table and the JSON
 * document of what the new rules change (cmd_replay.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_replay.h"
#include "core/tz.h"

static void
local(const rules *r, int64_t t, char *buf, size_t len)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	tz_local lt;

	tz_to_local(r->business.zone, t, &lt);
	snprintf(buf, len, "%s %d %02d:%02d", mon[(lt.month - 1) % 12], lt.day, lt.hour, lt.min);
}

static json_t *
utc(int64_t t)
{
	int y, mo, d;
	char buf[32];
	int64_t days = tz_floor_div(t, 86400), rem = t - days * 86400;

	if (t == 0)
		return json_null();
	tz_civil_from_days(days, &y, &mo, &d);
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, (int)(rem / 3600),
		 (int)(rem / 60 % 60), (int)(rem % 60));
	return json_string(buf);
}

static json_t *
msg_json(const replay_msg *m)
{
	return json_pack("{s:s,s:s,s:o}", "channel", m->channel, "purpose", m->purpose, "at",
			 utc(m->at));
}

static json_t *
window_json(const replay_window *w)
{
	return json_pack("{s:s,s:s,s:o,s:o}", "verb", w->verb, "person", w->person, "due",
			 utc(w->due), "closed", utc(w->closed));
}

static json_t *
side_json(const replay_lead *l)
{
	json_t *msgs = json_array(), *missed = json_array();

	for (size_t i = 0; i < l->nmsgs; i++)
		json_array_append_new(msgs, msg_json(&l->msgs[i]));
	for (size_t i = 0; i < l->nmissed; i++)
		json_array_append_new(missed, window_json(&l->missed[i]));
	return json_pack("{s:s?,s:i,s:i,s:i,s:i,s:o,s:o,s:o}", "owner",
			 l->owner[0] ? l->owner : NULL, "touches", l->touches, "notifications",
			 l->notifications, "tasks", l->tasks, "windows_missed", l->windows_missed,
			 "cold_at", utc(l->cold_at), "messages", msgs, "missed", missed);
}

static json_t *
diff_json(const replay_diff *d)
{
	json_t *added = json_array(), *removed = json_array(), *moved = json_array();
	json_t *nm = json_array(), *met = json_array();

	for (size_t i = 0; i < d->nadded; i++)
		json_array_append_new(added, msg_json(&d->added[i]));
	for (size_t i = 0; i < d->nremoved; i++)
		json_array_append_new(removed, msg_json(&d->removed[i]));
	for (size_t i = 0; i < d->nmoved; i++)
		json_array_append_new(moved, json_pack("{s:o,s:o}", "from",
						       msg_json(&d->moved[i].from), "to",
						       msg_json(&d->moved[i].to)));
	for (size_t i = 0; i < d->nnow_missed; i++)
		json_array_append_new(nm, window_json(&d->now_missed[i]));
	for (size_t i = 0; i < d->nnow_met; i++)
		json_array_append_new(met, window_json(&d->now_met[i]));
	return json_pack("{s:b,s:o,s:o,s:o,s:o,s:o,s:i,s:b}", "owner_changed", d->owner_changed,
			 "messages_added", added, "messages_removed", removed, "messages_moved",
			 moved, "windows_now_missed", nm, "windows_now_met", met,
			 "touches_delta", d->touches_delta, "cold_changed", d->cold_changed);
}

static json_t *
skipped_json(const replay_skipped *sk)
{
	json_t *o = json_object();

	for (size_t i = 0; i < sk->n; i++)
		json_object_set_new(o, sk->type[i], json_integer(sk->count[i]));
	if (sk->other)
		json_object_set_new(o, "(other)", json_integer(sk->other));
	return o;
}

static void
print_skipped(const char *what, const replay_skipped *sk)
{
	if (sk->n == 0 && sk->other == 0)
		return;
	printf("%s:", what);
	for (size_t i = 0; i < sk->n; i++)
		printf("%s %s %ld", i ? "," : "", sk->type[i], sk->count[i]);
	if (sk->other)
		printf(", other %ld", sk->other);
	printf("\n");
}

static void
print_msgs(const rules *r, const char *sign, const replay_msg *m, size_t n)
{
	char t[32];

	for (size_t i = 0; i < n; i++) {
		local(r, m[i].at, t, sizeof t);
		printf("      %s %s %s %s\n", sign, m[i].channel, m[i].purpose, t);
	}
}

static void
print_windows(const rules *r, const char *what, const replay_window *w, size_t n)
{
	char t[32];

	for (size_t i = 0; i < n; i++) {
		local(r, w[i].due, t, sizeof t);
		printf("      %s: %s by %s due %s\n", what, w[i].verb, w[i].person[0] ? w[i].person :
		       "nobody", t);
	}
}

void
replay_print_text(const replay_run *run, const rules *r, const replay_diff *diffs,
	   const replay_totals *t, const char *was_name, const char *new_name)
{
	char from[32], to[32], c[32];
	bool head = false;

	local(r, run->from, from, sizeof from);
	local(r, run->to, to, sizeof to);
	printf("Replay of %zu leads from %s to %s: %s (was) against %s (new)\n\n", run->n, from,
	       to, was_name, new_name);
	for (size_t i = 0; i < run->n; i++) {
		const rlead *l = &run->leads[i];
		const replay_lead *w = &l->side[0], *n = &l->side[1];
		const replay_diff *d = &diffs[i];
		char owner[80], touches[24], missed[24], cold[24];

		if (!d->any)
			continue;
		if (!head)
			printf("%-6s %-20s %-10s %-22s %-8s %-8s %s\n", "LEAD", "NAME", "SOURCE",
			       "OWNER", "TOUCHES", "MISSED", "COLD");
		head = true;
		snprintf(owner, sizeof owner, d->owner_changed ? "%s -> %s" : "%s",
			 w->owner[0] ? w->owner : "-", n->owner[0] ? n->owner : "-");
		snprintf(touches, sizeof touches, "%d -> %d", w->touches, n->touches);
		snprintf(missed, sizeof missed, "%d -> %d", w->windows_missed, n->windows_missed);
		snprintf(cold, sizeof cold, "%s -> %s", w->cold_at ? "yes" : "no",
			 n->cold_at ? "yes" : "no");
		printf("%-6lld %-20.20s %-10.10s %-22s %-8s %-8s %s\n", (long long)l->id,
		       l->name ? l->name : "-", l->source ? l->source : "-", owner, touches,
		       missed, cold);
		print_msgs(r, "+", d->added, d->nadded);
		print_msgs(r, "-", d->removed, d->nremoved);
		for (size_t k = 0; k < d->nmoved; k++) {
			char a[32], b[32];

			local(r, d->moved[k].from.at, a, sizeof a);
			local(r, d->moved[k].to.at, b, sizeof b);
			printf("      ~ %s %s %s -> %s\n", d->moved[k].to.channel,
			       d->moved[k].to.purpose, a, b);
		}
		print_windows(r, "now missed", d->now_missed, d->nnow_missed);
		print_windows(r, "now met", d->now_met, d->nnow_met);
		if (d->cold_changed && n->cold_at) {
			local(r, n->cold_at, c, sizeof c);
			printf("      goes cold %s\n", c);
		}
	}
	if (!head)
		printf("No lead would have been handled differently.\n");
	printf("\n%ld of %ld leads handled differently, %ld with another owner\n", t->changed,
	       t->leads, t->owners_changed);
	printf("%-24s %8s %8s\n", "TOTAL", "WAS", "NEW");
	printf("%-24s %8ld %8ld\n", "automated touches", t->touches_was, t->touches_now);
	printf("%-24s %8ld %8ld\n", "staff notifications", t->notifications_was,
	       t->notifications_now);
	printf("%-24s %8ld %8ld\n", "tasks", t->tasks_was, t->tasks_now);
	printf("%-24s %8ld %8ld\n", "windows missed", t->missed_was, t->missed_now);
	printf("%-24s %8ld %8ld\n", "leads gone cold", t->cold_was, t->cold_now);
	printf("messages: %ld added, %ld removed, %ld moved\n", t->msgs_added, t->msgs_removed,
	       t->msgs_moved);
	printf("the was-run matches the database: owner %ld of %ld leads, touches %ld of %ld\n",
	       t->real_owner_same, t->leads, t->real_touches_same, t->leads);
	print_skipped("not replayed (not read from the timeline)", &run->left_out);
	print_skipped("refused under the was rules", &run->refused[0]);
	print_skipped("refused under the new rules", &run->refused[1]);
}

void
replay_print_json(const replay_run *run, const replay_diff *diffs, const replay_totals *t,
	   const char *was_version, const char *new_version)
{
	json_t *leads = json_array(), *doc;

	for (size_t i = 0; i < run->n; i++) {
		const rlead *l = &run->leads[i];

		json_array_append_new(leads, json_pack(
			"{s:I,s:s?,s:s?,s:s?,s:o,s:b,s:o,s:o,s:o,s:o}", "id", (json_int_t)l->id,
			"name", l->name, "source", l->source, "kind", l->kind, "arrived",
			utc(l->created_at), "changed", diffs[i].any, "real",
			side_json(&l->real), "was", side_json(&l->side[0]), "new",
			side_json(&l->side[1]), "changes", diff_json(&diffs[i])));
	}
	doc = json_pack("{s:{s:o,s:o},s:{s:s,s:s},s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
			"s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:o,s:{s:o,s:o}}",
			"period", "from", utc(run->from), "to", utc(run->to),
			"rules", "was", was_version, "new", new_version,
			"leads", leads,
			"totals",
			"leads", (json_int_t)t->leads, "changed", (json_int_t)t->changed,
			"owners_changed", (json_int_t)t->owners_changed,
			"touches_was", (json_int_t)t->touches_was,
			"touches_new", (json_int_t)t->touches_now,
			"notifications_was", (json_int_t)t->notifications_was,
			"notifications_new", (json_int_t)t->notifications_now,
			"tasks_was", (json_int_t)t->tasks_was, "tasks_new", (json_int_t)t->tasks_now,
			"windows_missed_was", (json_int_t)t->missed_was,
			"windows_missed_new", (json_int_t)t->missed_now,
			"cold_was", (json_int_t)t->cold_was, "cold_new", (json_int_t)t->cold_now,
			"messages_added", (json_int_t)t->msgs_added,
			"messages_removed", (json_int_t)t->msgs_removed,
			"messages_moved", (json_int_t)t->msgs_moved,
			"real_owner_same", (json_int_t)t->real_owner_same,
			"real_touches_same", (json_int_t)t->real_touches_same,
			"inputs", (json_int_t)run->nin,
			"not_replayed", skipped_json(&run->left_out),
			"refused", "was", skipped_json(&run->refused[0]), "new",
			skipped_json(&run->refused[1]));
	cli_print_json(doc);
	json_decref(doc);
}

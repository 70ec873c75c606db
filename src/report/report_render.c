/*
 * report_render.c - a report document as a table for a terminal, or as CSV
 * (figure,value: one row per figure, its dotted path in the JSON document;
 * lists one row per field of each lead). The JSON document is the truth;
 * these only lay it out.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

/* "45 s", "12 min", "3 h 5 min", "2 d 4 h"; "-" for null. */
static const char *
span(const json_t *v, char *buf, size_t len)
{
	json_int_t s;

	if (!json_is_integer(v))
		return "-";
	s = json_integer_value(v);
	if (s < 60)
		snprintf(buf, len, "%lld s", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lld min", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, len, "%lld h %lld min", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
	else
		snprintf(buf, len, "%lld d %lld h", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600));
	return buf;
}

static const char *
pct(const json_t *v, char *buf, size_t len)
{
	if (!json_is_number(v))
		return "-";
	snprintf(buf, len, "%.0f%%", json_number_value(v) * 100);
	return buf;
}

static long long
num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

static void
speed_line(FILE *out, const char *label, const char *clock, const json_t *f, long long leads)
{
	char a[32], b[32], c[32], s[5][8];
	const json_t *sh = json_object_get(f, "share");

	fprintf(out, "  %-28s %-8s %11s %11s %11s %5s %5s %5s %5s %6s  (%lld leads)\n", label, clock,
		span(json_object_get(f, "median_s"), a, sizeof a),
		span(json_object_get(f, "p90_s"), b, sizeof b),
		span(json_object_get(f, "max_s"), c, sizeof c),
		pct(json_object_get(sh, "5m"), s[0], 8), pct(json_object_get(sh, "15m"), s[1], 8),
		pct(json_object_get(sh, "1h"), s[2], 8), pct(json_object_get(sh, "24h"), s[3], 8),
		pct(json_object_get(sh, "never"), s[4], 8), leads);
}

static void
speed(FILE *out, const json_t *sp)
{
	static const char *const m[] = { "acknowledged", "attempted", "reached" };
	static const char *const words[] = { "automated acknowledgment", "first human attempt",
					     "first human contact" };

	fprintf(out, "Speed to lead (arrival to ...)\n  %-28s %-8s %11s %11s %11s %5s %5s %5s %5s %6s\n",
		"", "clock", "median", "p90", "max", "5m", "15m", "1h", "24h", "never");
	for (int i = 0; i < 3; i++) {
		const json_t *x = json_object_get(sp, m[i]), *all = json_object_get(x, "all"), *g;
		const char *name;
		char label[64];

		speed_line(out, words[i], "wall", json_object_get(all, "wall"), num(all, "leads"));
		speed_line(out, "", "business", json_object_get(all, "business"), num(all, "leads"));
		json_object_foreach((json_t *)json_object_get(x, "by"), name, g) {
			snprintf(label, sizeof label, "  %s", name);
			speed_line(out, label, "wall", json_object_get(g, "wall"), num(g, "leads"));
			speed_line(out, "", "business", json_object_get(g, "business"),
				   num(g, "leads"));
		}
	}
}

static void
lead_list(FILE *out, const json_t *list, const char *field, bool age)
{
	size_t i;
	const json_t *l;
	char buf[32];

	json_array_foreach(list, i, l) {
		fprintf(out, "  #%-6lld %-24.24s %-8s %-10s", num(l, "id"), str(l, "name"),
			str(l, "owner"), str(l, "stage"));
		if (age)
			fprintf(out, " %s", span(json_object_get(l, field), buf, sizeof buf));
		else if (json_is_array(json_object_get(l, field))) {
			size_t k;
			const json_t *w;

			json_array_foreach(json_object_get(l, field), k, w)
				fprintf(out, "%s%s", k ? ", " : " no ", json_string_value(w));
		} else
			fprintf(out, " %s", str(l, field));
		fputc('\n', out);
	}
}

static void
money(FILE *out, const json_t *v)
{
	json_int_t c = json_integer_value(v);

	fprintf(out, "$%lld.%02lld", (long long)(c / 100), (long long)(c % 100));
}

static void
conversion_rows(FILE *out, const char *name, const json_t *t)
{
	char buf[32], rate[8];
	const char *k;
	const json_t *v;

	fprintf(out, "  %-16s %6lld %5lld %5lld %5lld %6s %12s  ", name, num(t, "leads"),
		num(t, "won"), num(t, "lost"), num(t, "open"),
		pct(json_object_get(t, "win_rate"), rate, sizeof rate),
		span(json_object_get(t, "median_time_to_win_s"), buf, sizeof buf));
	money(out, json_object_get(t, "value_won_cents"));
	json_object_foreach((json_t *)json_object_get(t, "lost_reasons"), k, v)
		fprintf(out, "  %s:%lld", k, (long long)json_integer_value(v));
	fputc('\n', out);
}

static void
pipeline(FILE *out, const json_t *doc)
{
	const json_t *w = json_object_get(doc, "response_windows"), *r, *x;
	char buf[32], p[8];
	size_t i;
	const char *k;
	const json_t *v;

	fprintf(out, "Report from %s to %s (now %s)\n\n", str(doc, "from"), str(doc, "to"),
		str(doc, "now"));
	speed(out, json_object_get(doc, "speed_to_lead"));
	fprintf(out, "\nResponse windows (tasks due in the period)\n"
		"  %-12s %5s %7s %5s %7s %9s %8s %6s %10s\n", "person", "due", "in time", "late",
		"handed", "open late", "overdue", "escal", "compliance");
	json_array_foreach(json_object_get(w, "by_person"), i, r)
		fprintf(out, "  %-12s %5lld %7lld %5lld %7lld %9lld %8lld %6lld %10s\n",
			str(r, "person"), num(r, "due"), num(r, "done_in_window"),
			num(r, "done_late"), num(r, "handed_on"), num(r, "open_past_due"),
			num(r, "overdue_now"), num(r, "escalations"),
			pct(json_object_get(r, "compliance"), p, sizeof p));
	fprintf(out, "  %-12s %5lld %7lld %5lld %7lld %9lld %8lld %6lld %10s\n", "all",
		num(w, "due"), num(w, "done_in_window"), num(w, "done_late"),
		num(w, "handed_on"), num(w, "open_past_due"), num(w, "overdue_now"),
		num(w, "escalations"), pct(json_object_get(w, "compliance"), p, sizeof p));
	fprintf(out, "\nOwners\n  %-12s %5s %5s %8s %16s %8s %12s\n", "person", "open", "done",
		"overdue", "median to done", "reached", "calls/reach");
	json_array_foreach(json_object_get(doc, "owners"), i, r) {
		char c[16] = "-";

		if (json_is_number(json_object_get(r, "calls_per_reach")))
			snprintf(c, sizeof c, "%.1f", json_number_value(json_object_get(r,
											 "calls_per_reach")));
		fprintf(out, "  %-12s %5lld %5lld %8lld %16s %8lld %12s\n", str(r, "person"),
			num(r, "open"), num(r, "done"), num(r, "overdue"),
			span(json_object_get(r, "median_completion_s"), buf, sizeof buf),
			num(r, "leads_reached"), c);
	}
	x = json_object_get(doc, "unworked");
	fprintf(out, "\nUnworked leads (active, nobody acted yet): %lld\n", num(x, "count"));
	lead_list(out, json_object_get(x, "leads"), "age_s", true);
	x = json_object_get(doc, "stale");
	fprintf(out, "\nStale leads: %lld\n", num(x, "count"));
	lead_list(out, json_object_get(x, "leads"), "why", false);
	x = json_object_get(doc, "missed_lead_cost");
	fprintf(out, "\nMissed-lead cost: %lld unworked or stale leads", num(x, "leads"));
	if (json_is_integer(json_object_get(x, "value_cents"))) {
		fputs(" worth ", out);
		money(out, json_object_get(x, "value_cents"));
		fprintf(out, " (average job ");
		money(out, json_object_get(x, "average_job_value_cents"));
		fprintf(out, " x close rate %lld%%)\n", num(x, "close_rate_percent"));
	} else {
		fprintf(out, " (%s)\n", str(x, "note"));
	}
	x = json_object_get(doc, "conversion");
	fprintf(out, "\nConversion (leads that arrived in the period)\n"
		"  %-16s %6s %5s %5s %5s %6s %12s  %s\n", "", "leads", "won", "lost", "open",
		"win%", "to win", "value won, lost reasons");
	conversion_rows(out, "all", json_object_get(x, "all"));
	json_object_foreach((json_t *)json_object_get(x, "by_source"), k, v) {
		snprintf(buf, sizeof buf, "source %s", k);
		conversion_rows(out, buf, v);
	}
	json_object_foreach((json_t *)json_object_get(x, "by_kind"), k, v) {
		snprintf(buf, sizeof buf, "kind %s", k);
		conversion_rows(out, buf, v);
	}
	x = json_object_get(doc, "stage_accuracy");
	fprintf(out, "\nStage accuracy: %lld leads whose stage contradicts their timeline\n",
		num(x, "count"));
	lead_list(out, json_object_get(x, "leads"), "contradiction", false);
}

static void
scorecard(FILE *out, const json_t *doc)
{
	const json_t *c = json_object_get(doc, "scorecard"), *m = json_object_get(c, "missing");

	fprintf(out, "Scorecard (now %s)\n  grade %lld: %s\n  %lld of %lld active leads have an "
		"owner, a next action, a due time and a recovery\n  missing: owner %lld, next "
		"action %lld, timing %lld, recovery %lld\n\nDefects: %lld\n", str(doc, "now"),
		num(c, "grade"), str(c, "grade_words"), num(c, "complete"), num(c, "active_leads"),
		num(m, "owner"), num(m, "next_action"), num(m, "timing"), num(m, "recovery"),
		num(c, "defect_count"));
	lead_list(out, json_object_get(c, "defects"), "missing", false);
}

int
report_write_table(FILE *out, const json_t *doc)
{
	if (strcmp(str(doc, "report"), "scorecard") != 0) {
		pipeline(out, doc);
		fputc('\n', out);
	}
	scorecard(out, doc);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void
field(FILE *out, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
flatten(FILE *out, const char *path, const json_t *v)
{
	char sub[512], buf[64];
	const char *k;
	const json_t *x;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach((json_t *)v, k, x) {
			snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k);
			flatten(out, sub, x);
		}
		return;
	case JSON_ARRAY:
		json_array_foreach(v, i, x) {
			snprintf(sub, sizeof sub, "%s.%zu", path, i);
			flatten(out, sub, x);
		}
		return;
	case JSON_STRING:
		field(out, path);
		fputc(',', out);
		field(out, json_string_value(v));
		fputs("\r\n", out);
		return;
	case JSON_INTEGER:
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(buf, sizeof buf, "%.4f", json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		snprintf(buf, sizeof buf, "%s", json_is_true(v) ? "true" : "false");
		break;
	case JSON_NULL:
		buf[0] = '\0';
		break;
	}
	field(out, path);
	fprintf(out, ",%s\r\n", buf);
}

int
report_write_csv(FILE *out, const json_t *doc)
{
	fputs("figure,value\r\n", out);
	flatten(out, "", doc);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/*
 * read_ical.c - appointments and open tasks as iCalendar (see read_ical.h). The writer has
 * one way to emit a content line, ical_line(), which escapes the value when
 * it is text and folds the line; nothing else writes to the feed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "read_ical.h"
#include "store/store_read.h"

#define ICAL_FOLD 75		/* octets of a line before CRLF (RFC 5545 3.1) */
#define ICAL_MAX_TASKS 1000

typedef struct {
	FILE *out;
	int64_t business_id;
	int64_t now;
	struct { int64_t lead_id, starts_at; } appts[ICAL_MAX_TASKS];
	size_t nappts;		/* the appointments written */
} feed;

/* name:value as one content line, folded at 75 octets on a character
 * boundary; continuation lines start with one space. */
static void
ical_line(FILE *out, const char *name, const char *value, bool text)
{
	char *buf;
	size_t len = 0, col = 0, n;
	FILE *m = open_memstream(&buf, &len);

	if (m == NULL)
		return;
	fprintf(m, "%s:", name);
	for (const char *p = value ? value : ""; *p; p++) {
		if (text && (*p == '\\' || *p == ';' || *p == ','))
			fputc('\\', m);
		if (text && *p == '\n') {
			fputs("\\n", m);
			continue;
		}
		if (*p == '\r' || ((unsigned char)*p < 0x20 && *p != '\t'))
			continue;	/* no control characters in a content line */
		fputc(*p, m);
	}
	fclose(m);
	for (size_t i = 0; i < len; i += n) {
		size_t room = ICAL_FOLD - (col ? 1 : 0);

		n = len - i < room ? len - i : room;
		while (n > 0 && i + n < len && ((unsigned char)buf[i + n] & 0xC0) == 0x80)
			n--;	/* back to the start of a UTF-8 character */
		if (col)
			fputc(' ', out);
		fwrite(buf + i, 1, n, out);
		fputs("\r\n", out);
		col = 1;
	}
	free(buf);
}

static void
utc(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
}

static void
on_appointment(void *ctx, const store_appointment_row *r)
{
	feed *f = ctx;
	char uid[64], stamp[32], start[32], end[32], desc[256], summary[512];

	if (f->nappts < ICAL_MAX_TASKS) {
		f->appts[f->nappts].lead_id = r->lead_id;
		f->appts[f->nappts++].starts_at = r->starts_at;
	}
	snprintf(uid, sizeof uid, "appointment-%lld-%lld@leadkeep", (long long)f->business_id,
		 (long long)r->id);
	utc(f->now, stamp, sizeof stamp);
	utc(r->starts_at, start, sizeof start);
	utc(r->ends_at, end, sizeof end);
	snprintf(summary, sizeof summary, "%s: %s%s%s", r->kind ? r->kind : "appointment",
		 r->lead_name ? r->lead_name : "a lead", r->service ? " - " : "",
		 r->service ? r->service : "");
	snprintf(desc, sizeof desc, "leadkeep appointment #%lld (%s) for lead #%lld%s%s",
		 (long long)r->id, r->state ? r->state : "booked", (long long)r->lead_id,
		 r->lead_phone ? ", phone " : "", r->lead_phone ? r->lead_phone : "");
	ical_line(f->out, "BEGIN", "VEVENT", false);
	ical_line(f->out, "UID", uid, false);
	ical_line(f->out, "DTSTAMP", stamp, false);
	ical_line(f->out, "DTSTART", start, false);
	ical_line(f->out, "DTEND", end, false);
	ical_line(f->out, "SUMMARY", summary, true);
	if (r->place)
		ical_line(f->out, "LOCATION", r->place, true);
	ical_line(f->out, "DESCRIPTION", desc, true);
	ical_line(f->out, "CATEGORIES", "appointment", true);
	ical_line(f->out, "END", "VEVENT", false);
}

static void
on_task(void *ctx, const store_task_row *r)
{
	feed *f = ctx;
	char uid[64], stamp[32], start[32], end[32], desc[256];

	/* The visit task of an appointment is that appointment, already written. */
	for (size_t i = 0; r->verb && strcmp(r->verb, "visit") == 0 && i < f->nappts; i++)
		if (f->appts[i].lead_id == r->lead_id && f->appts[i].starts_at == r->due_at)
			return;

	snprintf(uid, sizeof uid, "task-%lld-%lld@leadkeep", (long long)f->business_id,
		 (long long)r->id);
	utc(f->now, stamp, sizeof stamp);
	utc(r->due_at, start, sizeof start);
	utc(r->due_at + 15 * 60, end, sizeof end);
	snprintf(desc, sizeof desc, "leadkeep task #%lld (%s) for lead #%lld", (long long)r->id,
		 r->verb ? r->verb : "task", (long long)r->lead_id);
	ical_line(f->out, "BEGIN", "VEVENT", false);
	ical_line(f->out, "UID", uid, false);
	ical_line(f->out, "DTSTAMP", stamp, false);
	ical_line(f->out, "DTSTART", start, false);
	ical_line(f->out, "DTEND", end, false);
	ical_line(f->out, "SUMMARY", r->title, true);
	ical_line(f->out, "DESCRIPTION", desc, true);
	ical_line(f->out, "CATEGORIES", r->verb, true);
	ical_line(f->out, "END", "VEVENT", false);
}

int
read_ical_tasks(store *s, int64_t business_id, const char *person, const char *calname,
		int64_t now, char **out, size_t *len)
{
	store_appointment_filter af = { .person = person, .ahead = true, .limit = ICAL_MAX_TASKS };
	feed *f = calloc(1, sizeof *f);
	int rc;

	*out = NULL;
	*len = 0;
	if (f == NULL)
		return -1;
	f->business_id = business_id;
	f->now = now;
	if ((f->out = open_memstream(out, len)) == NULL) {
		free(f);
		return -1;
	}
	ical_line(f->out, "BEGIN", "VCALENDAR", false);
	ical_line(f->out, "VERSION", "2.0", false);
	ical_line(f->out, "PRODID", "-//leadkeep//tasks//EN", false);
	ical_line(f->out, "CALSCALE", "GREGORIAN", false);
	ical_line(f->out, "METHOD", "PUBLISH", false);
	ical_line(f->out, "X-WR-CALNAME", calname, true);
	rc = store_appointments_read(s, business_id, &af, on_appointment, f);
	if (rc >= 0)
		rc = store_tasks_read(s, business_id, person, "open", ICAL_MAX_TASKS, on_task, f);
	ical_line(f->out, "END", "VCALENDAR", false);
	if (fclose(f->out) != 0 || rc < 0) {
		free(*out);
		*out = NULL;
		free(f);
		return -1;
	}
	free(f);
	return 0;
}

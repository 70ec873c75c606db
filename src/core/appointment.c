/*
 * appointment.c - an appointment's states and the pure time arithmetic and
 * words around it (see appointment.h). No I/O, no clock.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "appointment.h"

static const char *const state_names[APPT_NSTATES] = {
	[APPT_BOOKED] = "booked", [APPT_CONFIRMED] = "confirmed",
	[APPT_RESCHEDULED] = "rescheduled", [APPT_CANCELLED] = "cancelled",
	[APPT_DONE] = "done", [APPT_NO_SHOW] = "no_show",
};

/* Bit `to` of next[from]: the legal edges. */
#define TO(s) (1u << (s))
#define OUTCOMES (TO(APPT_CANCELLED) | TO(APPT_DONE) | TO(APPT_NO_SHOW))
static const unsigned next[APPT_NSTATES] = {
	[APPT_BOOKED] = TO(APPT_CONFIRMED) | TO(APPT_RESCHEDULED) | OUTCOMES,
	[APPT_CONFIRMED] = TO(APPT_RESCHEDULED) | OUTCOMES,
	[APPT_RESCHEDULED] = TO(APPT_CONFIRMED) | TO(APPT_RESCHEDULED) | OUTCOMES,
};

const char *
appt_state_name(appt_state s)
{
	return (unsigned)s < APPT_NSTATES ? state_names[s] : "invalid";
}

int
appt_state_parse(const char *name, appt_state *out)
{
	for (int i = 0; name != NULL && i < APPT_NSTATES; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*out = (appt_state)i;
			return 0;
		}
	return -1;
}

bool
appt_state_allowed(appt_state from, appt_state to)
{
	return (unsigned)from < APPT_NSTATES && (unsigned)to < APPT_NSTATES &&
	       (next[from] & TO(to)) != 0;
}

bool
appt_state_open(appt_state s)
{
	return s == APPT_BOOKED || s == APPT_CONFIRMED || s == APPT_RESCHEDULED;
}

int64_t
appt_reminder_at(const tz_zone *zone, const rules_reminder *m, int64_t starts)
{
	tz_local lt;
	int64_t at;

	if (m->day_before_at_min < 0)
		return starts - m->before;
	tz_to_local(zone, starts, &lt);
	/* day - 1 may be 0: tz_from_local normalises it to the month before */
	tz_from_local(zone, lt.year, lt.month, lt.day - 1, m->day_before_at_min / 60,
		      m->day_before_at_min % 60, &at);
	return at;
}

static const char *const wdays[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};
static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

void
appt_day_words(const tz_zone *zone, int64_t t, char *buf, size_t len)
{
	tz_local lt;

	tz_to_local(zone, t, &lt);
	snprintf(buf, len, "%s, %s %d", wdays[lt.wday], months[lt.month - 1], lt.day);
}

void
appt_clock_words(const tz_zone *zone, int64_t t, char *buf, size_t len)
{
	tz_local lt;

	tz_to_local(zone, t, &lt);
	snprintf(buf, len, "%d:%02d %s", lt.hour % 12 ? lt.hour % 12 : 12, lt.min,
		 lt.hour < 12 ? "AM" : "PM");
}

void
appt_window_words(const tz_zone *zone, int64_t starts, int64_t ends, char *buf, size_t len)
{
	char s[16], e[16];

	appt_clock_words(zone, starts, s, sizeof s);
	appt_clock_words(zone, ends, e, sizeof e);
	snprintf(buf, len, "%s - %s", s, e);
}

/* --- a promised time in a person's words ----------------------------------- */

typedef struct {
	int day;		/* -1 none, 0 today, 1 tomorrow, 2 = a weekday: wday */
	int wday;
	int min;		/* local minutes, -1 none */
} promise;

/* The word at *p (letters and digits, ':' inside a time), lower-cased into
 * w; moves *p past it and what separates words. */
static bool
next_word(const char **p, char *w, size_t len)
{
	const char *s = *p;
	size_t n = 0;

	while (*s && !isalnum((unsigned char)*s))
		s++;
	if (*s == '\0')
		return false;
	while (*s && (isalnum((unsigned char)*s) || (*s == ':' && isdigit((unsigned char)s[1]))))
		if (n + 1 < len)
			w[n++] = (char)tolower((unsigned char)*s++);
		else
			s++;
	w[n] = '\0';
	*p = s;
	return true;
}

/* "5", "5pm", "5:30", "17:00", "530pm": minutes from midnight with the
 * am/pm suffix (or the next word) applied; -1 when w is not a time. */
static int
clock_words(const char *w, const char *after)
{
	int h = 0, m = 0, digits = 0;
	const char *s = w, *suffix;

	while (isdigit((unsigned char)*s) && digits < 4)
		h = h * 10 + (*s++ - '0'), digits++;
	if (digits == 0)
		return -1;
	if (*s == ':') {
		s++;
		if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
			return -1;
		m = (s[0] - '0') * 10 + (s[1] - '0');
		s += 2;
	} else if (digits >= 3) {
		m = h % 100;
		h /= 100;
	}
	suffix = *s ? s : after;
	if (*s && strcmp(s, "am") != 0 && strcmp(s, "pm") != 0)
		return -1;
	if (h > 23 || m > 59)
		return -1;
	if (suffix && strcmp(suffix, "pm") == 0 && h < 12)
		h += 12;
	else if (suffix && strcmp(suffix, "am") == 0 && h == 12)
		h = 0;
	else if ((!suffix || (strcmp(suffix, "am") != 0)) && h >= 1 && h <= 7)
		h += 12;	/* "after 5": nobody promises 5 in the morning */
	return h * 60 + m;
}

static void
read_words(const char *text, promise *pr)
{
	static const struct { const char *w; int min; } parts[] = {
		{ "morning", 9 * 60 }, { "noon", 12 * 60 }, { "lunchtime", 12 * 60 },
		{ "afternoon", 13 * 60 }, { "evening", 17 * 60 }, { "tonight", 17 * 60 },
	};
	char w[24], after[24];
	const char *p = text, *q;

	while (next_word(&p, w, sizeof w)) {
		q = p;
		if (!next_word(&q, after, sizeof after))
			after[0] = '\0';
		if (strcmp(w, "today") == 0 || strcmp(w, "tonight") == 0)
			pr->day = 0;
		else if (strcmp(w, "tomorrow") == 0)
			pr->day = 1;
		for (int i = 0; i < 7; i++)
			if (strlen(w) >= 3 && strlen(w) <= strlen(wdays[i]) &&
			    strncasecmp(w, wdays[i], strlen(w)) == 0) {
				pr->day = 2;
				pr->wday = i;
			}
		for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
			if (strcmp(w, parts[i].w) == 0 && pr->min < 0)
				pr->min = parts[i].min;
		if (isdigit((unsigned char)w[0])) {
			int m = clock_words(w, after[0] ? after : NULL);

			if (m >= 0)
				pr->min = m;
		}
	}
}

int
appt_promise_parse(const tz_zone *zone, const rules_business *b, const char *text, int64_t now,
		   int64_t *out)
{
	promise pr = { .day = -1, .min = -1 };
	tz_local lt;
	int add = 0, min;
	int64_t at;

	if (text == NULL)
		return -1;
	read_words(text, &pr);
	if (pr.day < 0 && pr.min < 0)
		return -1;
	tz_to_local(zone, now, &lt);
	if (pr.day == 1)
		add = 1;
	else if (pr.day == 2)
		add = (pr.wday - lt.wday + 7) % 7 ? (pr.wday - lt.wday + 7) % 7 : 7;
	min = pr.min;
	if (min < 0) {
		int wday = (lt.wday + add) % 7;

		min = b->nspans[wday] > 0 ? b->hours[wday][0].open_min : 9 * 60;
	}
	tz_from_local(zone, lt.year, lt.month, lt.day + add, min / 60, min % 60, &at);
	if (at <= now && pr.day < 0)	/* a time alone that has passed: tomorrow */
		tz_from_local(zone, lt.year, lt.month, lt.day + 1, min / 60, min % 60, &at);
	if (at <= now)
		return -1;
	*out = at;
	return 0;
}

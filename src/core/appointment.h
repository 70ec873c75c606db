/*
 * appointment.h - an appointment's life cycle (the names stored in
 * appointments.state and the only legal edges), and the pure time arithmetic
 * and words around it: when a reminder is due, "Tuesday, Dec 8" and
 * "10:00 AM - 11:00 AM" in the lead's zone, and a promised time read
 * from a person's words ("after 5 pm", "Thursday morning").
 *
 *   booked      -> confirmed | rescheduled | cancelled | done | no_show
 *   confirmed   -> rescheduled | cancelled | done | no_show
 *   rescheduled -> confirmed | rescheduled | cancelled | done | no_show
 *
 * cancelled, done and no_show are final. The store checks every change it
 * applies against appt_state_allowed and stops loudly on an illegal edge.
 */
#ifndef LK_CORE_APPOINTMENT_H
#define LK_CORE_APPOINTMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"

typedef enum {
	APPT_BOOKED,
	APPT_CONFIRMED,
	APPT_RESCHEDULED,
	APPT_CANCELLED,
	APPT_DONE,
	APPT_NO_SHOW,
} appt_state;

#define APPT_NSTATES 6

/* "booked", "confirmed", "rescheduled", "cancelled", "done", "no_show";
 * "invalid" out of range. */
const char *appt_state_name(appt_state s);
/* 0 and *out set, or -1 for an unknown name (NULL included). */
int appt_state_parse(const char *name, appt_state *out);
/* Whether from -> to is a legal edge (rescheduled -> rescheduled is one: a
 * visit can move twice). */
bool appt_state_allowed(appt_state from, appt_state to);
/* Whether an appointment in state s is still ahead of an outcome. */
bool appt_state_open(appt_state s);

/* In the functions below `zone` is the lead's (lead_zone.h); NULL = UTC. */

/* When reminder m of an appointment starting at `starts` is due: `before`
 * it, or the local day before at day_before_at (local, so a daylight-saving
 * change between the two days is taken into account). */
int64_t appt_reminder_at(const tz_zone *zone, const rules_reminder *m, int64_t starts);

/* "Tuesday, Dec 8", into buf. */
void appt_day_words(const tz_zone *zone, int64_t t, char *buf, size_t len);
/* "5:00 PM", into buf. */
void appt_clock_words(const tz_zone *zone, int64_t t, char *buf, size_t len);
/* "10:00 AM - 11:00 AM", into buf. */
void appt_window_words(const tz_zone *zone, int64_t starts, int64_t ends, char *buf,
		       size_t len);

/*
 * The time a person promised the lead, read from their words seen at now in
 * zone: an optional day ("today",
 * "tomorrow", a weekday name - the next one after today) and an optional time
 * ("5", "5pm", "5:30 pm", "17:00", or "morning" 9:00, "afternoon" 13:00,
 * "evening" 17:00 - "noon" 12:00). A bare hour 1-7 is read as afternoon
 * (nobody promises a call at 5 in the morning). A day without a time is at
 * the business's opening that day (9:00 when it is closed); a time alone
 * is today, or tomorrow when it has passed. Returns 0 and *out, or -1 when
 * the words name no time.
 * The opening hours read are b's.
 */
int appt_promise_parse(const tz_zone *zone, const rules_business *b, const char *text,
		       int64_t now, int64_t *out);

#endif

/*
 * read_ical.h - a person's open tasks and appointments as an iCalendar feed
 * (RFC 5545): one VEVENT per appointment ahead (its start, end and place)
 * and per open task (at its due time; a visit task of an appointment is that
 * appointment), for the calendar on their phone.
 * Lines end in CRLF and are folded at 75 octets (never inside a UTF-8
 * character); text values are escaped (\\ \; \, \n).
 */
#ifndef LK_READ_ICAL_H
#define LK_READ_ICAL_H

#include <stdint.h>

#include "store/store.h"

/* The feed of person's appointments ahead and open tasks (at most 1000 of
 * each, earliest first) in a new
 * string (*out, *len; caller frees). calname names the calendar; now stamps
 * it. 0, or -1 on a storage error or out of memory. */
int read_ical_tasks(store *s, int64_t business_id, const char *person, const char *calname,
		    int64_t now, char **out, size_t *len);

#endif

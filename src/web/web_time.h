/*
 * web_time.h - how a due time reads on a page: a countdown a person takes in
 * at a glance ("in 4 min", "18 min late"), and how urgent it is. Computed on
 * the server from the injected clock; real elapsed time, not business time
 * (a task 18 minutes late at closing is 18 minutes late). Pure.
 */
#ifndef LK_WEB_TIME_H
#define LK_WEB_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
	WEB_DUE_LATER,		/* more than 15 minutes ahead */
	WEB_DUE_SOON,		/* within 15 minutes (amber) */
	WEB_DUE_LATE,		/* past due (red) */
} web_due;

/* Minutes within which a due time counts as soon. */
#define WEB_DUE_SOON_SECS (15 * 60)

/*
 * due seen from now into buf: "due now" (within a minute either way),
 * "in 4 min", "in 2 h 5 min", "in 3 d", "18 min late", "1 h late", "2 d late".
 * Minutes are whole minutes rounded down; hours show their minutes below
 * 10 h; days show whole days. Returns the urgency.
 */
web_due web_countdown(int64_t now, int64_t due, char *buf, size_t len);

/* A span of time (secs >= 0) in words: "4 min", "2 h 5 min", "18 h", "3 d";
 * under a minute is "0 min". */
void web_span(int64_t secs, char *buf, size_t len);

/* "late", "soon" or "later": the CSS class of an urgency. */
const char *web_due_class(web_due d);

/* "2026-11-27" (what <input type=date> sends) into *y *m *d: 0, or -1 when
 * it is not a real date of the years 2000..2199. */
int web_parse_date(const char *s, int *y, int *m, int *d);
/* "09:30" (what <input type=time> sends; seconds allowed and ignored) into
 * *h *min: 0, or -1. */
int web_parse_clock(const char *s, int *h, int *min);

#endif

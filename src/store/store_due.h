/*
 * store_due.h - the SQL of "which businesses have work due", written once
 * for both engines: a loose index scan that probes a partial index of the
 * waiting rows, led by business_id, once per business that has any, then
 * asks of each whether one is due. Text only: every argument is a string
 * literal, so each statement stays fixed, prepared SQL (never built from
 * input) and store_stmt() can key it by its address. The engines run it
 * with store_due_businesses() (SQLite) and pg_due_businesses() (PostgreSQL).
 */
#ifndef LK_STORE_DUE_H
#define LK_STORE_DUE_H

/* The businesses, in id order and at most LIMIT (a placeholder), with a row
 * of TABLE (alias x) that LIVE (a predicate on x) calls waiting and for which
 * DUE (a predicate on b.id, usually STORE_DUE_EXISTS()s) holds. */
#define STORE_DUE_BUSINESSES_SQL(table, live, due, limit)                   \
	"WITH RECURSIVE b(id) AS ("                                          \
	" SELECT min(x.business_id) FROM " table " x WHERE " live           \
	" UNION ALL"                                                         \
	" SELECT (SELECT min(x.business_id) FROM " table " x"               \
	"  WHERE " live " AND x.business_id > b.id)"                        \
	" FROM b WHERE b.id IS NOT NULL)"                                    \
	" SELECT id FROM b WHERE id IS NOT NULL AND (" due ")"              \
	" ORDER BY id LIMIT " limit

/* Whether business b.id has a row of TABLE that LIVE and COND both hold of:
 * one probe of the index, when COND pins its next columns. */
#define STORE_DUE_EXISTS(table, live, cond)                                  \
	"EXISTS (SELECT 1 FROM " table " x WHERE x.business_id = b.id AND "  \
	live " AND " cond ")"

#define STORE_OUTBOX_QUEUED "x.state = 'queued'"
#define STORE_TIMER_PENDING "x.state = 'pending'"

/* The outbox's, over outbox_due_by_business: one probe per channel, since
 * the index is (business_id, channel, send_at) WHERE queued. NOW and LIMIT
 * are the engine's placeholders for the two parameters. */
#define STORE_OUTBOX_DUE_BUSINESSES_SQL(now, limit)                          \
	STORE_DUE_BUSINESSES_SQL("outbox", STORE_OUTBOX_QUEUED,              \
		STORE_DUE_EXISTS("outbox", STORE_OUTBOX_QUEUED,              \
				 "x.channel = 'sms' AND x.send_at <= " now)   \
		" OR "                                                       \
		STORE_DUE_EXISTS("outbox", STORE_OUTBOX_QUEUED,              \
				 "x.channel = 'email' AND x.send_at <= " now), \
		limit)

/* The timers', over timers_pending_by_business. */
#define STORE_TIMERS_DUE_BUSINESSES_SQL(now, limit)                          \
	STORE_DUE_BUSINESSES_SQL("timers", STORE_TIMER_PENDING,              \
		STORE_DUE_EXISTS("timers", STORE_TIMER_PENDING,              \
				 "x.due_at <= " now),                         \
		limit)

#endif

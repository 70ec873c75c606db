/*
 * web_live.h - live pages: one subscription to the commit bus shared by every
 * open /app/events stream (server-sent events), so the bus's sixteen
 * subscriber slots are never spent on browsers. A commit that wrote leads,
 * their timeline or tasks bumps a generation counter; each stream tells its
 * page "something changed" (the kind only, never a row: the page reloads what
 * its user may see through the usual checks).
 *
 * Streams do not hold a server thread while they wait: a stream with nothing
 * to say is suspended (MHD_suspend_connection) and this module's one thread
 * resumes it when the generation moves, when its heartbeat is due (a comment
 * every WEB_LIVE_HEARTBEAT_MS, which also keeps proxies from closing it) or
 * when the server stops. The server owns the broadcaster: it starts it after
 * the daemon and stops it before the daemon, so no stream is left suspended.
 */
#ifndef LK_WEB_LIVE_H
#define LK_WEB_LIVE_H

#include <stdbool.h>

#include "store/store_bus.h"

#define WEB_LIVE_HEARTBEAT_MS 15000	/* a comment line at least this often */
#define WEB_LIVE_THROTTLE_MS 1000	/* at most one change event per stream this often */
#define WEB_LIVE_LIFETIME_MS (10 * 60 * 1000) /* then the stream ends; the browser
					       * reconnects, and its session is checked
					       * again */
#define WEB_LIVE_PER_USER 6		/* open streams of one user; a seventh ends
					 * the oldest */

typedef struct web_live web_live;

/*
 * Subscribes to bus (borrowed, outlives the broadcaster) and starts the
 * thread. max_streams caps the open streams of the whole server. NULL when
 * bus is NULL (no live updates: /app/events answers 204) or on failure.
 */
web_live *web_live_start(store_bus *bus, unsigned max_streams);

/* Ends every stream: each is resumed and finishes its response; new ones are
 * refused. Call before the HTTP daemon stops. NULL is a no-op. */
void web_live_stop(web_live *l);

/* Unsubscribes, stops the thread and frees l; every stream must be gone
 * (the daemon has stopped). NULL is a no-op. */
void web_live_free(web_live *l);

/* Open streams now (for tests and logs). */
unsigned web_live_streams(web_live *l);

#endif

/*
 * store_bus.h - the commit bus: in-process publish/subscribe for commits.
 * Whoever commits announces what kind of rows may have changed; whoever
 * waits (the scheduler, the outbox dispatcher, live pages) subscribes to the
 * kinds it cares about and is woken at once instead of polling.
 *
 * A store connection given a bus (store_set_bus in store.h) publishes after
 * every successful store_commit() the kinds of rows its transaction wrote,
 * as SQLite's update hook saw them: no call site can forget to announce.
 *
 * On PostgreSQL (several nodes, store_node.h) the watcher's connection
 * LISTENs: every commit on any node is NOTIFYed at once (store_pg.c), so the
 * watcher waits on that connection and publishes STORE_BUS_ALL as soon as
 * one arrives - another node's new lead, timer or outbox row wakes this
 * node's scheduler, dispatcher and live pages within milliseconds. Should
 * the connection be lost, each read fails and publishes STORE_BUS_ALL every
 * slice while it reconnects, and every subscriber also wakes on its own
 * every second: polling is the fallback, never the only way.
 *
 * Commits made by other processes (the CLI, an import, the sqlite3 shell)
 * reach the bus through store_bus_watch(): a thread that reads
 * `PRAGMA data_version` on its own connection once per interval and publishes
 * STORE_BUS_ALL when it changed. Chosen over a datagram socket the CLI would
 * send to because it needs nothing from the writer - every process and tool
 * that commits is seen, even one that knows nothing of leadkeep - there is no
 * socket file to create, clean up, secure or fit into sun_path, and nothing is
 * lost while serve is down (the scheduler rescans at start). The cost is one
 * read of the WAL index per interval and up to one interval of latency for
 * another process's writes, the bound the scheduler already promised. The
 * pragma also changes for commits of other connections in this process, so a
 * busy server gets one extra STORE_BUS_ALL per interval: harmless, since a
 * subscriber that wakes for nothing finds nothing to do.
 *
 * Thread safe. Must not know who subscribes: it knows kinds, not modules.
 */
#ifndef LK_STORE_BUS_H
#define LK_STORE_BUS_H

#include <stddef.h>

/* Kinds of rows, as a bit set. */
#define STORE_BUS_LEADS    0x01u	/* leads, their timeline (events) and tasks */
#define STORE_BUS_TIMERS   0x02u	/* timers */
#define STORE_BUS_OUTBOX   0x04u	/* outbox messages */
#define STORE_BUS_WEBHOOKS 0x08u	/* outbound webhook deliveries */
#define STORE_BUS_OTHER    0x10u	/* anything else: people, tokens, cursors, ... */
#define STORE_BUS_ALL      0x1fu	/* unknown: another process committed */

/* Most subscribers at once; store_bus_subscribe() refuses the next one. */
#define STORE_BUS_MAX_SUBSCRIBERS 16

typedef struct store_bus store_bus;

/*
 * Called on the publishing thread with the published kinds that are in the
 * subscription (never 0). Runs with the bus locked: it must not block, sleep,
 * do I/O beyond a wake-up (signal a condition variable, write an eventfd) or
 * call any store_bus function. A subscriber also hears its own commits.
 */
typedef void (*store_bus_fn)(void *arg, unsigned kinds);

/* A bus with no subscribers. NULL when out of memory. */
store_bus *store_bus_new(void);

/* Stops the watcher, if any, and frees b. Every subscriber must have
 * unsubscribed and no store may still publish to it. NULL is a no-op. */
void store_bus_free(store_bus *b);

/*
 * Calls fn(arg, kinds & mask) after every publish that shares a bit with
 * mask. Returns the subscription's id (>= 0), or -1 when the bus already has
 * STORE_BUS_MAX_SUBSCRIBERS, fn is NULL or mask is 0. arg is borrowed and
 * must stay valid until store_bus_unsubscribe() returns.
 */
int store_bus_subscribe(store_bus *b, unsigned mask, store_bus_fn fn, void *arg);

/* Ends subscription id. Once it returns, fn is not running and will not be
 * called again for it. A negative id is a no-op. */
void store_bus_unsubscribe(store_bus *b, int id);

/* Announces that rows of these kinds may have changed in a commit. 0 and a
 * NULL b are no-ops. */
void store_bus_publish(store_bus *b, unsigned kinds);

/* Publishes since b was made (for tests and health output). */
unsigned long store_bus_published(store_bus *b);

/*
 * Starts the watcher for commits of other processes: its own connection to
 * DIR's database, PRAGMA data_version every interval_ms (1000 in serve), and
 * STORE_BUS_ALL published when it changed. At most one watcher per bus.
 * 0, or -1 with err set (cannot open the database or start the thread, or a
 * watcher already runs).
 */
int store_bus_watch(store_bus *b, const char *dir, int interval_ms, char *err, size_t errlen);

#endif

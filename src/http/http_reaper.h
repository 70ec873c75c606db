/*
 * http_reaper.h - deadlines for slow clients. libmicrohttpd's own timeout
 * is an idle timeout: a client that sends one byte every few seconds keeps
 * its connection for ever. Here each connection has a deadline (its headers
 * within header_timeout of connecting, its body within body_timeout of the
 * headers); one thread checks them every quarter second and shuts down the
 * socket of a connection past its deadline, which MHD then closes like any
 * connection its peer dropped. A request being handled has no deadline.
 * Knows sockets, not HTTP.
 */
#ifndef LK_HTTP_REAPER_H
#define LK_HTTP_REAPER_H

#include <stddef.h>
#include <stdint.h>

typedef struct reaper reaper;
typedef struct reaper_conn reaper_conn;

/* Starts the thread. NULL with err set. */
reaper *reaper_start(char *err, size_t errlen);

/* Stops the thread and frees r; every connection must be removed first.
 * NULL is a no-op. */
void reaper_stop(reaper *r);

/*
 * Watches the connection on socket fd (from ip, for the log) with a
 * deadline at monotonic deadline_ns (0: none). Keeps its own duplicate of
 * fd, so it never shuts down a descriptor number MHD has closed and reused.
 * NULL when it cannot be watched (no memory, no descriptor left): MHD's idle
 * timeout still applies to it.
 */
reaper_conn *reaper_add(reaper *r, int fd, const char *ip, int64_t deadline_ns);

/* A new deadline (0: none) for what the connection does next; `phase`
 * ("headers", "body") is what the log names when it is missed (a static
 * string). c may be NULL. */
void reaper_set(reaper *r, reaper_conn *c, int64_t deadline_ns, const char *phase);

/* Stops watching c and frees it. c may be NULL. */
void reaper_remove(reaper *r, reaper_conn *c);

/* How many connections were shut down for missing their deadline. */
uint64_t reaper_reaped(reaper *r);

#endif

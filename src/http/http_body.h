/*
 * http_body.h - a request body as it arrives, and the memory all bodies in
 * flight may hold together. A body up to a threshold is kept in memory;
 * past it, it goes to an unlinked temporary file in the data directory
 * (mode 0600) and is mapped for the handler, so a 25 MB email is not 25 MB
 * of heap while it trickles in. Every request holds a reservation of its
 * body's size in one budget, taken before the body is read when its
 * Content-Length is known (handlers parse the body into memory, so a body
 * on disk is charged too): when the budget is spent the server answers 503
 * with Retry-After instead of reading. Knows nothing of MHD or requests.
 */
#ifndef LK_HTTP_BODY_H
#define LK_HTTP_BODY_H

#include <stdbool.h>
#include <stddef.h>

/* The bytes all requests in flight may hold; thread-safe (atomics). */
typedef struct body_budget body_budget;

/* A budget of cap bytes (0: unlimited). NULL on out-of-memory. */
body_budget *body_budget_new(size_t cap);
/* NULL is a no-op. */
void body_budget_free(body_budget *bg);
/* Takes n bytes; false (nothing taken) when that would pass the cap. */
bool body_budget_take(body_budget *bg, size_t n);
/* Gives back n bytes taken earlier. */
void body_budget_give(body_budget *bg, size_t n);
/* Bytes taken now (for tests and the log). */
size_t body_budget_used(const body_budget *bg);

typedef enum {
	BODY_OK = 0,
	BODY_BUSY = -1,		/* the budget is spent: answer 503, Retry-After */
	BODY_IO = -2,		/* the temporary file could not be written */
} body_result;

/* One request's body. Fields are private to http_body.c. */
typedef struct {
	body_budget *budget;	/* borrowed */
	const char *dir;	/* borrowed: where a spilled body goes */
	size_t spill_at;	/* bytes kept in memory at most */
	size_t held;		/* bytes reserved in the budget */
	char *mem;		/* in memory, NUL-terminated; NULL once spilled */
	size_t len, cap;
	int fd;			/* the temporary file, -1 while in memory */
	char *map;		/* the spilled body mapped by body_finish */
	size_t maplen;
} http_body;

/* An empty body charged to bg, spilling past spill_at bytes into dir. */
void body_init(http_body *b, body_budget *bg, const char *dir, size_t spill_at);

/* Reserves the budget for a body of n bytes (its Content-Length) before
 * any of it is read. BODY_OK or BODY_BUSY (nothing reserved). */
body_result body_reserve(http_body *b, size_t n);

/* Appends n bytes: reserves what goes past the reservation (BODY_BUSY when
 * the budget is spent: the caller drops the body and answers 503), keeps
 * them in memory up to spill_at, past it in the file (BODY_IO when it cannot
 * be made or written, err says why). */
body_result body_append(http_body *b, const void *data, size_t n, char *err, size_t errlen);

/* The whole body, NUL-terminated (it may hold NULs itself), in memory or
 * mapped from the file; borrowed until body_free. Never NULL on BODY_OK
 * (an empty body is ""). BODY_IO when the file cannot be mapped. */
body_result body_finish(http_body *b, char **data, size_t *len, char *err, size_t errlen);

/* True when the body went to the temporary file. */
bool body_spilled(const http_body *b);

/* Frees the memory, unmaps and closes the file, gives back the reservation.
 * Safe on a body never appended to, and twice. */
void body_free(http_body *b);

#endif

/*
 * http_body.c - request bodies in memory or in an unlinked temporary file,
 * and the budget they are charged to (see http_body.h). The file is made
 * with O_TMPFILE where the file system has it (never visible by name), else
 * mkstemp + unlink at once; either way mode 0600 in the data directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_body.h"

struct body_budget {
	size_t cap;
	size_t used;		/* __atomic */
};

body_budget *
body_budget_new(size_t cap)
{
	body_budget *bg = calloc(1, sizeof *bg);

	if (bg != NULL)
		bg->cap = cap;
	return bg;
}

void
body_budget_free(body_budget *bg)
{
	free(bg);
}

bool
body_budget_take(body_budget *bg, size_t n)
{
	size_t cur = __atomic_load_n(&bg->used, __ATOMIC_RELAXED);

	do {
		if (bg->cap > 0 && (n > bg->cap || cur > bg->cap - n))
			return false;
	} while (!__atomic_compare_exchange_n(&bg->used, &cur, cur + n, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return true;
}

void
body_budget_give(body_budget *bg, size_t n)
{
	__atomic_sub_fetch(&bg->used, n, __ATOMIC_ACQ_REL);
}

size_t
body_budget_used(const body_budget *bg)
{
	return __atomic_load_n(&bg->used, __ATOMIC_ACQUIRE);
}

void
body_init(http_body *b, body_budget *bg, const char *dir, size_t spill_at)
{
	memset(b, 0, sizeof *b);
	b->budget = bg;
	b->dir = dir;
	b->spill_at = spill_at;
	b->fd = -1;
}

body_result
body_reserve(http_body *b, size_t n)
{
	if (n <= b->held)
		return BODY_OK;
	if (!body_budget_take(b->budget, n - b->held))
		return BODY_BUSY;
	b->held = n;
	return BODY_OK;
}

/* An unlinked file in dir, mode 0600; -1 with err set. */
static int
temp_file(const char *dir, char *err, size_t errlen)
{
	char path[4096];
	int fd;

#ifdef O_TMPFILE
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
		return fd;
#endif
	/* No O_TMPFILE here: a named file for an instant, unlinked at once. */
	snprintf(path, sizeof path, "%s/.body-XXXXXX", dir);
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot make a temporary file in %s: %s", dir,
			 strerror(errno));
		return -1;
	}
	unlink(path);
	fchmod(fd, 0600);
	return fd;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Moves what is in memory to a fresh temporary file. */
static body_result
spill(http_body *b, char *err, size_t errlen)
{
	if ((b->fd = temp_file(b->dir, err, errlen)) < 0)
		return BODY_IO;
	if (b->len > 0 && write_all(b->fd, b->mem, b->len) < 0) {
		snprintf(err, errlen, "writing a request body to %s: %s", b->dir, strerror(errno));
		return BODY_IO;
	}
	free(b->mem);
	b->mem = NULL;
	b->cap = 0;
	return BODY_OK;
}

body_result
body_append(http_body *b, const void *data, size_t n, char *err, size_t errlen)
{
	body_result rc;

	if (n == 0)
		return BODY_OK;
	if (b->len + n < b->len || body_reserve(b, b->len + n) != BODY_OK)
		return BODY_BUSY;
	if (b->fd < 0 && b->len + n > b->spill_at && (rc = spill(b, err, errlen)) != BODY_OK)
		return rc;
	if (b->fd >= 0) {
		if (write_all(b->fd, data, n) < 0) {
			snprintf(err, errlen, "writing a request body to %s: %s", b->dir,
				 strerror(errno));
			return BODY_IO;
		}
		b->len += n;
		return BODY_OK;
	}
	if (b->len + n + 1 > b->cap) {
		/* Doubling, but never past the spill size: the budget is the
		 * body's length, and this buffer stays within a few KB of it. */
		size_t cap = b->cap ? b->cap * 2 : 4096;
		char *m;

		if (cap > b->spill_at + 1)
			cap = b->spill_at + 1;
		if (cap < b->len + n + 1)
			cap = b->len + n + 1;
		if ((m = realloc(b->mem, cap)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return BODY_BUSY;
		}
		b->mem = m;
		b->cap = cap;
	}
	memcpy(b->mem + b->len, data, n);
	b->len += n;
	b->mem[b->len] = '\0';
	return BODY_OK;
}

body_result
body_finish(http_body *b, char **data, size_t *len, char *err, size_t errlen)
{
	void *m;

	*len = b->len;
	if (b->fd < 0) {
		if (b->mem == NULL && (b->mem = calloc(1, 1)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return BODY_BUSY;
		}
		*data = b->mem;
		return BODY_OK;
	}
	if (b->map == NULL) {
		/* The NUL handlers may rely on, then the whole file, private: a
		 * handler that writes into its body writes into its own pages. */
		if (write_all(b->fd, "", 1) < 0 ||
		    (m = mmap(NULL, b->len + 1, PROT_READ | PROT_WRITE, MAP_PRIVATE, b->fd, 0)) ==
		    MAP_FAILED) {
			snprintf(err, errlen, "mapping a request body from %s: %s", b->dir,
				 strerror(errno));
			return BODY_IO;
		}
		b->map = m;
		b->maplen = b->len + 1;
	}
	*data = b->map;
	return BODY_OK;
}

bool
body_spilled(const http_body *b)
{
	return b->fd >= 0;
}

void
body_free(http_body *b)
{
	free(b->mem);
	b->mem = NULL;
	b->cap = 0;
	if (b->map != NULL)
		munmap(b->map, b->maplen);
	b->map = NULL;
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	if (b->held > 0 && b->budget != NULL)
		body_budget_give(b->budget, b->held);
	b->held = 0;
	b->len = 0;
}

/*
 * tzfile.c - find, check and read a zoneinfo file, then tz_parse() it.
 *
 * Every message names the zone as the rules file spelled it, so the person who
 * wrote "timezone: America/Chicgo" sees exactly what to fix.
 */
#include "rules/tzfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TZFILE_DEFAULT_DIR "/usr/share/zoneinfo"
#define TZFILE_NAME_MAX 255

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool
name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > TZFILE_NAME_MAX || name[0] == '/' || strstr(name, "..") != NULL)
		return false;
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '_' || c == '+' || c == '-'))
			return false;
	}
	return true;
}

/* Reads the whole regular file at path into a new buffer of at most
 * TZFILE_MAX_BYTES. Returns 0, or -1 with errno set (EFBIG when too large). */
static int
read_file(const char *path, unsigned char **out, size_t *outlen, struct stat *stp)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t len = 0;
	ssize_t r;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? ENOENT : EINVAL;	/* "America" is no zone */
		goto fail;
	}
	/* One byte more than the cap, so an oversized file is seen even if it
	 * grew after fstat(). */
	buf = malloc(TZFILE_MAX_BYTES + 1);
	if (buf == NULL)
		goto fail;
	while (len <= TZFILE_MAX_BYTES) {
		r = read(fd, buf + len, TZFILE_MAX_BYTES + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > TZFILE_MAX_BYTES) {
		errno = EFBIG;
		goto fail;
	}
	close(fd);
	*out = buf;
	*outlen = len;
	*stp = st;
	return 0;

fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return -1;
}

/*
 * The zone files read so far, by path. Every rules load reads the same few
 * dozen zones (rl_lead_zones: every zone a lead may be in), so serve with
 * thousands of businesses opened and read them thousands of times: most of
 * its start. A file is read again when what stat() says of it changed (a
 * tzdata upgrade), so a SIGHUP still sees a new zone; one that cannot be
 * stat'ed is read as before. At most CACHE_MAX files are kept (there are
 * about 600 zones); the bytes are copied out, so callers own what they get.
 */
#define CACHE_MAX 256

typedef struct {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	unsigned char *data;
	size_t len;
} cached_file;

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static cached_file cache[CACHE_MAX];
static size_t ncache;

static bool
same_file(const cached_file *c, const struct stat *st)
{
	return c->dev == st->st_dev && c->ino == st->st_ino && c->size == st->st_size &&
	       c->mtime.tv_sec == st->st_mtim.tv_sec && c->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* A copy of path's bytes from the cache when the file is unchanged; NULL
 * when not cached (or out of memory: read it then). */
static unsigned char *
cache_get(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *copy = NULL;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	pthread_mutex_lock(&cache_mu);
	for (size_t i = 0; i < ncache; i++)
		if (strcmp(cache[i].path, path) == 0) {
			if (same_file(&cache[i], &st) && (copy = malloc(cache[i].len + 1)) != NULL) {
				memcpy(copy, cache[i].data, cache[i].len);
				*len = cache[i].len;
			}
			break;
		}
	pthread_mutex_unlock(&cache_mu);
	return copy;
}

/* Keeps a copy of path's bytes, as read with st; nothing when full or out
 * of memory (the next load reads the file). */
static void
cache_put(const char *path, const unsigned char *data, size_t len, const struct stat *st)
{
	cached_file c = { .dev = st->st_dev, .ino = st->st_ino, .size = st->st_size,
			  .mtime = st->st_mtim, .len = len };
	size_t i;

	pthread_mutex_lock(&cache_mu);
	for (i = 0; i < ncache && strcmp(cache[i].path, path) != 0; i++)
		;
	if (i == CACHE_MAX || (c.path = strdup(path)) == NULL ||
	    (c.data = malloc(len + 1)) == NULL) {
		free(c.path);
		pthread_mutex_unlock(&cache_mu);
		return;
	}
	memcpy(c.data, data, len);
	if (i < ncache) {	/* changed since: the new bytes replace the old */
		free(cache[i].path);
		free(cache[i].data);
	} else {
		ncache++;
	}
	cache[i] = c;
	pthread_mutex_unlock(&cache_mu);
}

tz_zone *
tzfile_load_dir(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[4096], perr[160];
	unsigned char *data;
	struct stat st;
	size_t len;
	tz_zone *z;
	int n;

	if (name == NULL || !name_ok(name)) {
		set_err(err, errlen, "invalid time zone name \"%s\" (want e.g. \"America/Chicago\")",
			name ? name : "");
		return NULL;
	}
	n = snprintf(path, sizeof path, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof path) {
		set_err(err, errlen, "time zone \"%s\": path too long", name);
		return NULL;
	}
	if ((data = cache_get(path, &len)) != NULL)
		goto parse;
	if (read_file(path, &data, &len, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
				z = tz_utc();
				if (z == NULL)
					set_err(err, errlen, "time zone \"%s\": out of memory", name);
				return z;
			}
			set_err(err, errlen, "unknown time zone \"%s\"", name);
		} else if (errno == EFBIG) {
			set_err(err, errlen, "time zone \"%s\": %s is larger than %d bytes", name,
				path, TZFILE_MAX_BYTES);
		} else {
			set_err(err, errlen, "time zone \"%s\": cannot read %s: %s", name, path,
				strerror(errno));
		}
		return NULL;
	}
	cache_put(path, data, len, &st);
parse:
	z = tz_parse(data, len, perr, sizeof perr);
	free(data);
	if (z == NULL)
		set_err(err, errlen, "time zone \"%s\": %s: %s", name, path, perr);
	return z;
}

tz_zone *
tzfile_load(const char *name, char *err, size_t errlen)
{
	const char *dir = getenv("TZDIR");

	if (dir == NULL || dir[0] == '\0')
		dir = TZFILE_DEFAULT_DIR;
	return tzfile_load_dir(dir, name, err, errlen);
}

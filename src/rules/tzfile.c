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
#include <stdint.h>
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
 * about 600 zones), parsed: every caller gets the same zone (tz_share), as
 * parsing a hundred zones for each of thousands of businesses was most of
 * what remained of it.
 */
#define CACHE_MAX 256

typedef struct {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	tz_zone *zone;		/* parsed from the file: shared */
	uint64_t hash;		/* of path: compared before path */
	unsigned long checked;	/* the batch its stat() was last found the same in */
} cached_file;

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static cached_file cache[CACHE_MAX];
static size_t ncache;
static unsigned batch_depth;	/* > 0: in a batch (tzfile_batch_begin) */
static unsigned long batch;	/* the batch's number, from 1; 0 none */

void
tzfile_batch_begin(void)
{
	pthread_mutex_lock(&cache_mu);
	if (batch_depth++ == 0)
		batch++;
	pthread_mutex_unlock(&cache_mu);
}

void
tzfile_batch_end(void)
{
	pthread_mutex_lock(&cache_mu);
	if (batch_depth > 0)
		batch_depth--;
	pthread_mutex_unlock(&cache_mu);
}

static uint64_t
path_hash(const char *path)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (const char *c = path; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	return h;
}

/* path's entry, or ncache; under cache_mu. */
static size_t
cache_find(const char *path, uint64_t h)
{
	size_t i;

	for (i = 0; i < ncache; i++)
		if (cache[i].hash == h && strcmp(cache[i].path, path) == 0)
			break;
	return i;
}

static bool
same_file(const cached_file *c, const struct stat *st)
{
	return c->dev == st->st_dev && c->ino == st->st_ino && c->size == st->st_size &&
	       c->mtime.tv_sec == st->st_mtim.tv_sec && c->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* path's zone from the cache when the file is unchanged (shared: the
 * caller frees its share); NULL when not cached. In a batch, a file found
 * unchanged in it already is not stat'ed again. */
static tz_zone *
cache_get(const char *path)
{
	struct stat st;
	tz_zone *z = NULL;
	uint64_t h = path_hash(path);
	size_t i;

	pthread_mutex_lock(&cache_mu);
	if (batch_depth > 0 && (i = cache_find(path, h)) < ncache && cache[i].checked == batch) {
		z = tz_share(cache[i].zone);
		pthread_mutex_unlock(&cache_mu);
		return z;
	}
	pthread_mutex_unlock(&cache_mu);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	pthread_mutex_lock(&cache_mu);
	if ((i = cache_find(path, h)) < ncache && same_file(&cache[i], &st)) {
		z = tz_share(cache[i].zone);
		cache[i].checked = batch_depth > 0 ? batch : 0;
	}
	pthread_mutex_unlock(&cache_mu);
	return z;
}

/* Keeps a share of z, parsed from path as read with st; nothing when full
 * or out of memory (the next load reads the file). */
static void
cache_put(const char *path, tz_zone *z, const struct stat *st)
{
	cached_file c = { .dev = st->st_dev, .ino = st->st_ino, .size = st->st_size,
			  .mtime = st->st_mtim, .hash = path_hash(path) };
	size_t i;

	pthread_mutex_lock(&cache_mu);
	/* read (and stat'ed) in this batch: its first use in it */
	c.checked = batch_depth > 0 ? batch : 0;
	i = cache_find(path, c.hash);
	if (i == CACHE_MAX || (c.path = strdup(path)) == NULL) {
		pthread_mutex_unlock(&cache_mu);
		return;
	}
	c.zone = tz_share(z);
	if (i < ncache) {	/* changed since: the new zone replaces the old */
		free(cache[i].path);
		tz_free(cache[i].zone);	/* its other owners keep theirs */
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
	if ((z = cache_get(path)) != NULL)
		return z;
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
	z = tz_parse(data, len, perr, sizeof perr);
	free(data);
	if (z != NULL)
		cache_put(path, z, &st);
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

/*
 * tzfile.c - find, check and read a zoneinfo file, then tz_parse() it.
 *
 * Every message names the zone as the rules file spelled it, so the person who
 * wrote "timezone: America/Chicgo" sees exactly what to fix.
 */
#include "rules/tzfile.h"

#include <errno.h>
#include <fcntl.h>
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
read_file(const char *path, unsigned char **out, size_t *outlen)
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
	return 0;

fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return -1;
}

tz_zone *
tzfile_load_dir(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[4096], perr[160];
	unsigned char *data;
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
	if (read_file(path, &data, &len) != 0) {
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

/*
 * store_backup.c - copies of the database: SQLite's online backup API into a
 * new file (store_backup), a copy back into a fresh database (store_restore),
 * and the copy an upgrade makes before it migrates (store_upgrade_backup).
 * A backup reads one snapshot (WAL: writers go on meanwhile); it never takes
 * the write lock, so serve keeps taking leads while it runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_internal.h"

/* How long a copy waits for a lock it cannot get at once (another process
 * checkpointing or migrating), in tries of 100 ms. */
#define BACKUP_TRIES 100

/* PRAGMA quick_check on db: 0 when "ok", else -1 with err set. */
static int
quick_check(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		if (v != NULL && strcmp(v, "ok") == 0)
			rc = 0;
		else
			snprintf(err, errlen, "%s is damaged: %s", what, v ? v : "?");
	} else {
		snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return rc;
}

/* Copies every page of src into dst in one step: one read snapshot of src.
 * 0 / -1 with err set. */
static int
copy_pages(sqlite3 *dst, sqlite3 *src, char *err, size_t errlen)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc = SQLITE_BUSY;

	if (b == NULL) {
		snprintf(err, errlen, "cannot start the copy: %s", sqlite3_errmsg(dst));
		return -1;
	}
	for (int i = 0; i < BACKUP_TRIES; i++) {
		rc = sqlite3_backup_step(b, -1);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		sqlite3_sleep(100);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "copy failed: %s", rc == SQLITE_BUSY || rc == SQLITE_LOCKED ?
			 "the database stayed locked" : sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

/* fsync of path (a file or a directory); 0 / -1. */
static int
sync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
sqlite_backup(store *s, const char *path, char *err, size_t errlen)
{
	char tmp[4096], dir[4096];
	sqlite3 *dst = NULL;
	char *slash;
	int fd;

	if (!sqlite3_get_autocommit(s->db)) {
		snprintf(err, errlen, "backup inside a transaction");
		return -1;
	}
	if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof tmp) {
		snprintf(err, errlen, "path too long: %s", path);
		return -1;
	}
	/* The copy holds the same personal data: 0600 whatever the umask. */
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	close(fd);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", tmp,
			 dst ? sqlite3_errmsg(dst) : "out of memory");
		goto fail;
	}
	if (copy_pages(dst, s->db, err, errlen) < 0)
		goto fail;
	/* One self-contained file: no -wal or -shm to carry along. */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", tmp, sqlite3_errmsg(dst));
		goto fail;
	}
	if (quick_check(dst, "the copy", err, errlen) < 0)
		goto fail;
	if (sqlite3_close(dst) != SQLITE_OK) {
		snprintf(err, errlen, "closing the copy: %s", sqlite3_errmsg(dst));
		dst = NULL;
		goto fail;
	}
	dst = NULL;
	if (sync_path(tmp) < 0 || rename(tmp, path) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		goto fail;
	}
	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	sync_path(dir);	/* the rename durable too; a directory that cannot be opened is not fatal */
	return 0;
fail:
	sqlite3_close(dst);
	unlink(tmp);
	return -1;
}

int
sqlite_restore(store *s, const char *path, char *err, size_t errlen)
{
	sqlite3 *src = NULL;
	sqlite3_stmt *st = NULL;
	int version = -1, leads = 0;

	if (!sqlite3_get_autocommit(s->db)) {
		snprintf(err, errlen, "restore inside a transaction");
		return -1;
	}
	if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 src ? sqlite3_errmsg(src) : "out of memory");
		goto fail;
	}
	if (quick_check(src, path, err, errlen) < 0)
		goto fail;
	if (sqlite3_prepare_v2(src, "SELECT (SELECT user_version FROM pragma_user_version),"
			       " (SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
			       "  AND name IN ('leads', 'businesses', 'timers'))",
			       -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "%s is not a leadkeep database: %s", path,
			 sqlite3_errmsg(src));
		goto fail;
	}
	version = sqlite3_column_int(st, 0);
	leads = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	if (version < 1 || leads != 3) {
		snprintf(err, errlen, "%s is not a leadkeep database", path);
		goto fail;
	}
	if (version > store_nmigrations) {
		snprintf(err, errlen, "%s has schema version %d, newer than this leadkeep knows "
			 "(%d): restore it with a newer leadkeep", path, version, store_nmigrations);
		goto fail;
	}
	if (copy_pages(s->db, src, err, errlen) < 0)
		goto fail;
	sqlite3_close(src);
	/* The copy may be from an older leadkeep: bring it forward. */
	return store_migrate_to(s, store_nmigrations, err, errlen);
fail:
	sqlite3_finalize(st);
	sqlite3_close(src);
	return -1;
}

int
store_upgrade_backup(store *s, const char *dir, int from, char *path, size_t pathlen,
		     char *err, size_t errlen)
{
	time_t now = time(NULL);
	struct tm tm;
	char stamp[32];

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	if (snprintf(path, pathlen, "%s/leadkeep.db.schema-%d.%s.bak", dir, from, stamp) >=
	    (int)pathlen) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	return sqlite_backup(s, path, err, errlen);
}

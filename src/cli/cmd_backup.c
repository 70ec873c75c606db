/*
 * cmd_backup.c - `leadkeep backup FILE` and `leadkeep restore FILE`: a
 * consistent copy of the database while serve runs (store_backup), and that
 * copy back into a new data directory (store_restore). Neither reads the
 * rules: a copy is of the database, whatever the rules say.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char backup_help[] =
	"Usage: leadkeep backup FILE [--data DIR]\n"
	"\n"
	"Writes a consistent copy of DIR's database to FILE while serve keeps running\n"
	"(SQLite's online backup: one snapshot, intake is not stopped). FILE is written\n"
	"beside itself first and renamed into place when complete and checked, mode\n"
	"0600. The rules file and the server configuration are not in it: keep them\n"
	"with your configuration. A PostgreSQL database (--data postgres://...) is\n"
	"copied with pg_dump instead: refused, exit 1 (docs/operations.md).\n"
	"\n" CLI_COMMON_HELP;

static const char restore_help[] =
	"Usage: leadkeep restore FILE --data DIR\n"
	"\n"
	"Makes DIR a data directory holding the copy FILE (from `leadkeep backup`),\n"
	"brought up to this leadkeep's schema. DIR must not exist or be empty: a\n"
	"directory in use, or holding anything, is refused and left as it is (stop\n"
	"leadkeep and move it aside first). Exit 1 when refused; for a PostgreSQL\n"
	"database use pg_restore (docs/operations.md).\n"
	"\n" CLI_COMMON_HELP;

static const struct option copy_options[] = {
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

/* Parses FILE and the common options; returns -1 to go on, else the exit code. */
static int
parse(int argc, char **argv, cli_env *e, const char *help, const char **file)
{
	int opt;

	cli_env_init(e);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", copy_options, NULL)) != -1) {
		if (cli_common_option(e, opt, optarg))
			continue;
		if (opt == 'h') {
			fputs(help, stdout);
			return EXIT_OK;
		}
		return cli_usage(help, "%s: bad option", argv[0]);
	}
	if (optind >= argc)
		return cli_usage(help, "%s: missing FILE", argv[0]);
	if (optind + 1 < argc)
		return cli_usage(help, "%s: unexpected argument \"%s\"", argv[0], argv[optind + 1]);
	*file = argv[optind];
	return -1;
}

int
cmd_backup(int argc, char **argv)
{
	cli_env e;
	const char *file = NULL;
	char err[1024];
	struct stat sb;
	store *s;
	int rc = parse(argc, argv, &e, backup_help, &file);

	if (rc >= 0)
		return rc;
	/* A PostgreSQL database: the engine refuses, naming pg_dump. */
	if (!store_is_address(e.data) && stat(e.data, &sb) < 0)
		return cli_fail(EXIT_RUNTIME, "no data directory %s: %s", e.data, strerror(errno));
	if ((s = store_open(e.data, err, sizeof err)) == NULL)
		return cli_fail(EXIT_RUNTIME, "%s", err);
	if (store_backup(s, file, err, sizeof err) < 0) {
		store_close(s);
		return cli_fail(EXIT_RUNTIME, "backup failed: %s", err);
	}
	store_close(s);
	if (stat(file, &sb) < 0)
		sb.st_size = 0;
	if (e.json) {
		json_t *o = json_pack("{s:s,s:I}", "file", file, "bytes", (json_int_t)sb.st_size);

		cli_print_json(o);
		json_decref(o);
	} else {
		printf("Backed up %s/leadkeep.db to %s (%lld bytes)\n", e.data, file,
		       (long long)sb.st_size);
	}
	return EXIT_OK;
}

static const char *const db_files[] = { "leadkeep.db", "leadkeep.db-wal", "leadkeep.db-shm" };

/* Whether dir is absent or an empty directory; otherwise err says why not. */
static bool
dir_fresh(const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	bool fresh = true;

	if (d == NULL) {
		if (errno == ENOENT)
			return true;
		snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
		return false;
	}
	while ((ent = readdir(d)) != NULL) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		snprintf(err, errlen, "%s is not empty (it holds %s): restore only into a new or "
			 "empty directory; stop leadkeep and move %s aside first", dir, ent->d_name,
			 dir);
		fresh = false;
		break;
	}
	closedir(d);
	return fresh;
}

int
cmd_restore(int argc, char **argv)
{
	cli_env e;
	const char *file = NULL;
	char err[1024];
	struct stat sb;
	store *s;
	int rc = parse(argc, argv, &e, restore_help, &file);

	if (rc >= 0)
		return rc;
	if (stat(file, &sb) < 0 || !S_ISREG(sb.st_mode))
		return cli_fail(EXIT_USAGE, "restore: no file %s", file);
	/* A PostgreSQL database: the engine refuses, naming pg_restore. */
	if (!store_is_address(e.data) && !dir_fresh(e.data, err, sizeof err))
		return cli_fail(EXIT_RUNTIME, "restore refused: %s", err);
	if ((s = store_open(e.data, err, sizeof err)) == NULL)
		return cli_fail(EXIT_RUNTIME, "%s", err);
	if (store_restore(s, file, err, sizeof err) < 0) {
		store_close(s);
		/* Leave nothing half made: the directory was empty, it is again. */
		for (size_t i = 0; !store_is_address(e.data) &&
		     i < sizeof db_files / sizeof db_files[0]; i++) {
			char path[4096];

			snprintf(path, sizeof path, "%s/%s", e.data, db_files[i]);
			unlink(path);
		}
		return cli_fail(EXIT_RUNTIME, "restore failed: %s", err);
	}
	store_close(s);
	if (e.json) {
		json_t *o = json_pack("{s:s,s:s}", "file", file, "data", e.data);

		cli_print_json(o);
		json_decref(o);
	} else {
		printf("Restored %s into %s/leadkeep.db; start leadkeep with --data %s\n", file,
		       e.data, e.data);
	}
	return EXIT_OK;
}

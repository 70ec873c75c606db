/*
 * test_tzfile.c - finding and reading zoneinfo files by name.
 *
 * Uses the system's /usr/share/zoneinfo and, for missing, corrupt and oversized
 * files, a private temporary directory through tzfile_load_dir().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/tz.h"
#include "rules/tzfile.h"

typedef struct {
	char dir[64];
	char files[4][256];
	char subdirs[2][128];
	int nfiles, nsubdirs;
} scratch;

static int
scratch_setup(void **state)
{
	scratch *s = calloc(1, sizeof *s);

	if (s == NULL)
		return -1;
	strcpy(s->dir, "/tmp/lk-tzfile-XXXXXX");
	if (mkdtemp(s->dir) == NULL) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int
scratch_teardown(void **state)
{
	scratch *s = *state;

	for (int i = 0; i < s->nfiles; i++)
		unlink(s->files[i]);
	for (int i = s->nsubdirs - 1; i >= 0; i--)
		rmdir(s->subdirs[i]);
	rmdir(s->dir);
	free(s);
	return 0;
}

/* Writes `len` bytes of data to dir/sub/name, creating dir/sub. */
static void
scratch_file(scratch *s, const char *sub, const char *name, const void *data, size_t len)
{
	char dir[128], path[256];
	FILE *f;

	snprintf(dir, sizeof dir, "%s/%s", s->dir, sub);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(mkdir(dir, 0700), 0);
	strcpy(s->subdirs[s->nsubdirs++], dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	strcpy(s->files[s->nfiles++], path);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
loads_a_system_zone(void **state)
{
	char err[200] = "";
	tz_zone *z = tzfile_load("America/Chicago", err, sizeof err);
	tz_local lt;

	(void)state;
	if (z == NULL)
		fail_msg("%s", err);
	tz_to_local(z, 1781636520, &lt);	/* Tue 2026-06-16 14:02 CDT */
	assert_int_equal(lt.hour, 14);
	assert_int_equal(lt.utc_offset, -18000);
	tz_free(z);
}

static void
unknown_zone_message_names_it(void **state)
{
	char err[200] = "";

	(void)state;
	assert_null(tzfile_load("Mars/Base", err, sizeof err));
	assert_string_equal(err, "unknown time zone \"Mars/Base\"");
}

static void
directory_is_not_a_zone(void **state)
{
	char err[200] = "";

	(void)state;
	assert_null(tzfile_load("America", err, sizeof err));
	assert_string_equal(err, "unknown time zone \"America\"");
}

static void
rejects_names_that_could_escape_the_database(void **state)
{
	static const char *const bad[] = {
		"", "../etc/passwd", "/etc/passwd", "America/../../etc/passwd", "..",
		"America/New York", "zone.tab", "America\\Chicago", "Europe/Berlin\n",
		"Ame%rica", "America/Chicago;rm",
	};
	char err[200], longname[400];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_null(tzfile_load(bad[i], err, sizeof err));
		assert_non_null(strstr(err, "invalid time zone name"));
	}
	memset(longname, 'A', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_null(tzfile_load(longname, err, sizeof err));
	assert_null(tzfile_load(NULL, err, sizeof err));
}

static void
accepts_names_with_plus_minus_and_underscore(void **state)
{
	char err[200] = "";
	tz_zone *a = tzfile_load("Etc/GMT+5", err, sizeof err);
	tz_zone *b = tzfile_load("America/Port_of_Spain", err, sizeof err);
	tz_local lt;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	tz_to_local(a, 0, &lt);
	assert_int_equal(lt.utc_offset, -18000);	/* POSIX sign: GMT+5 is UTC-5 */
	tz_free(a);
	tz_free(b);
}

static void
utc_falls_back_when_the_database_lacks_it(void **state)
{
	scratch *s = *state;
	char err[200] = "";
	tz_zone *utc = tzfile_load_dir(s->dir, "UTC", err, sizeof err);
	tz_zone *etc = tzfile_load_dir(s->dir, "Etc/UTC", err, sizeof err);
	tz_local lt;

	assert_non_null(utc);
	assert_non_null(etc);
	tz_to_local(utc, 1781636520, &lt);
	assert_int_equal(lt.utc_offset, 0);
	tz_to_local(etc, 1781636520, &lt);
	assert_int_equal(lt.utc_offset, 0);
	tz_free(utc);
	tz_free(etc);
	assert_null(tzfile_load_dir(s->dir, "America/Chicago", err, sizeof err));
	assert_string_equal(err, "unknown time zone \"America/Chicago\"");
}

static void
corrupt_file_reports_the_parse_error(void **state)
{
	scratch *s = *state;
	char err[300] = "";

	scratch_file(s, "Bad", "Zone", "not a zone file at all, really not, no no no no", 48);
	assert_null(tzfile_load_dir(s->dir, "Bad/Zone", err, sizeof err));
	assert_non_null(strstr(err, "time zone \"Bad/Zone\""));
	assert_non_null(strstr(err, "magic"));
}

static void
oversized_file_is_refused(void **state)
{
	scratch *s = *state;
	size_t len = TZFILE_MAX_BYTES + 1;
	unsigned char *big = calloc(1, len);
	char err[300] = "";

	assert_non_null(big);
	memcpy(big, "TZif2", 5);
	scratch_file(s, "Big", "Zone", big, len);
	free(big);
	assert_null(tzfile_load_dir(s->dir, "Big/Zone", err, sizeof err));
	assert_non_null(strstr(err, "larger than"));
}

/* The bytes of the system's zone name, malloc'd, into *len. */
static unsigned char *
system_zone(const char *name, size_t *len)
{
	char path[256];
	unsigned char *buf = malloc(TZFILE_MAX_BYTES);
	FILE *f;

	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, TZFILE_MAX_BYTES, f);
	fclose(f);
	assert_true(*len > 0);
	return buf;
}

/* Rewrites dir/Test/Zone (made by scratch_file) with data. */
static void
rewrite(const scratch *s, const void *data, size_t len)
{
	FILE *f = fopen(s->files[0], "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Zone dir/Test/Zone's UTC offset at one instant (June 2026). */
static int
offset_of(const scratch *s)
{
	char err[200] = "";
	tz_zone *z = tzfile_load_dir(s->dir, "Test/Zone", err, sizeof err);
	tz_local lt;

	assert_non_null(z);
	tz_to_local(z, 1781636520, &lt);
	tz_free(z);
	return lt.utc_offset;
}

static void
changed_file_is_read_again_but_once_a_batch(void **state)
{
	scratch *s = *state;
	size_t nchi, ntok;
	unsigned char *chi = system_zone("America/Chicago", &nchi);
	unsigned char *tok = system_zone("Asia/Tokyo", &ntok);

	assert_int_not_equal(nchi, ntok);	/* stat() tells them apart by size */
	scratch_file(s, "Test", "Zone", chi, nchi);
	assert_int_equal(offset_of(s), -5 * 3600);
	rewrite(s, tok, ntok);			/* no batch: stat'ed at every load */
	assert_int_equal(offset_of(s), 9 * 3600);
	tzfile_batch_begin();
	assert_int_equal(offset_of(s), 9 * 3600);	/* stat'ed: its first use in the batch */
	rewrite(s, chi, nchi);
	tzfile_batch_begin();			/* nested: the same batch */
	assert_int_equal(offset_of(s), 9 * 3600);
	tzfile_batch_end();
	assert_int_equal(offset_of(s), 9 * 3600);	/* not stat'ed again in the batch */
	tzfile_batch_end();
	assert_int_equal(offset_of(s), -5 * 3600);	/* after it: the change is seen */
	rewrite(s, tok, ntok);
	tzfile_batch_begin();			/* a new batch stats it again */
	assert_int_equal(offset_of(s), 9 * 3600);
	tzfile_batch_end();
	free(chi);
	free(tok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_a_system_zone),
		cmocka_unit_test(unknown_zone_message_names_it),
		cmocka_unit_test(directory_is_not_a_zone),
		cmocka_unit_test(rejects_names_that_could_escape_the_database),
		cmocka_unit_test(accepts_names_with_plus_minus_and_underscore),
		cmocka_unit_test_setup_teardown(utc_falls_back_when_the_database_lacks_it,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(corrupt_file_reports_the_parse_error,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(oversized_file_is_refused, scratch_setup,
						scratch_teardown),
		cmocka_unit_test_setup_teardown(changed_file_is_read_again_but_once_a_batch,
						scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

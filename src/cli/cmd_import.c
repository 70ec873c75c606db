/*
 * cmd_import.c - `leadkeep import FILE.csv`: old records through the one
 * door. The file is read with libcsv one physical line at a time (so each
 * record knows the line it starts on), each row becomes an imported intake
 * request (intake_import.h) and goes through flow_submit - the matching
 * policy merges duplicates, the engine places the lead (engine_import.c).
 * Rows commit in batches, a savepoint each: a refused row is reported with
 * its line and reason and the rest go on. A progress bar only on a terminal.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>

#include "cli.h"
#include "intake/intake_import.h"
#include "util/mono.h"
#include "util/utf8.h"

/* Rows per transaction: short enough that serve's writer never waits long
 * for the lock, long enough that the commit's fsync is shared by many rows.
 * A batch ends at IMPORT_BATCH rows or after IMPORT_BATCH_MS, whichever
 * comes first (a loaded machine makes rows slower, not the wait longer);
 * after each commit the import steps aside for IMPORT_YIELD_MS, so a writer
 * waiting for the lock (serve's: it tries every millisecond) takes it before
 * the next batch does. Without the pause the next BEGIN came microseconds
 * after the commit and a quiet business's leads waited seconds behind an
 * import (bench/fairness.sh). */
#define IMPORT_BATCH 500
#define IMPORT_BATCH_MS 20
#define IMPORT_YIELD_MS 3
/* A record longer than this is refused (a runaway quote would swallow the
 * rest of the file into one field). */
#define IMPORT_RECORD_MAX (1 << 20)

static const char import_help[] =
	"Usage: leadkeep import FILE.csv [--map \"HEADER=FIELD,...\"] [--dry-run]\n"
	"                       [--automation none|today] [--source NAME]\n"
	"\n"
	"Brings in leads from a spreadsheet or another CRM's CSV export (comma,\n"
	"semicolon or tab separated; UTF-8, else read as Windows-1252). The header row\n"
	"names the columns: common headers (Name, Full Name, First Name, Last Name,\n"
	"Phone, Mobile, Email, Service, Notes, Status, Stage, Owner, Assigned To, Lead\n"
	"Source, ...) are recognised by themselves; --map names the others; every other\n"
	"column is kept as a custom field. FILE - reads standard input.\n"
	"\n"
	"Each row goes through the same door as every lead: a row whose phone or email\n"
	"matches a lead within the rules' duplicate window is merged into it (noted on\n"
	"its timeline), the others get an owner by the routing rules (or the row's\n"
	"owner) and the row's stage (or the first). Every row is imported or reported\n"
	"on standard error as FILE:LINE: reason.\n"
	"\n"
	"  --map \"Full Name=name,Mobile=phone\"  columns to fields: name, first_name,\n"
	"                       last_name, phone, email, source, kind, service, message,\n"
	"                       neighbourhood, stage, owner, lost_reason, external_id,\n"
	"                       sms_opt_out, email_opt_out (yes/true/1/x), custom.NAME,\n"
	"                       or - to drop the column\n"
	"  --automation none    (default) nothing is sent: each open lead gets one quiet\n"
	"                       task for its owner to review it (no reminders, no pages)\n"
	"  --automation today   the stage's follow-ups start today, without the\n"
	"                       first-contact message; tasks notify their owners\n"
	"  --source NAME        the leads' source when the file has none (default import)\n"
	"  --dry-run            check every row and report, change nothing\n"
	"\n"
	"Exit 0 when every row was imported (or blank), 1 when any row was refused or\n"
	"the database failed (rows before it stay imported: the report says up to\n"
	"which line), 2 for a bad option, file or header.\n"
	"\n" CLI_COMMON_HELP;

static const struct option import_options[] = {
	{ "map", required_argument, NULL, 'm' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "automation", required_argument, NULL, 'a' },
	{ "source", required_argument, NULL, 's' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

typedef struct {
	cli_env *e;
	const char *file;
	const char *map_opt;
	const char *source;
	lead_import mode;
	bool dry;
	int64_t now;
	/* the record being read */
	char **fields;
	size_t nfields, cap;
	size_t record_bytes;
	long line;		/* physical line being fed */
	long rec_line;		/* the line the record started on */
	bool header_done;
	import_map *map;
	/* the batch */
	int in_batch;
	long batch_line;	/* first line of the open batch */
	int64_t batch_ns;	/* mono_ns() when it began */
	long b_imported, b_merged, b_flagged;
	/* totals (committed) */
	long imported, merged, flagged, failed, rows;
	int stop;		/* EXIT_* to stop with, 0 = go on */
	/* progress */
	bool tty;
	off_t size, done;
	int64_t started_ns, drawn_ns;
} importer;

static void
report(importer *im, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
report(importer *im, long line, const char *fmt, ...)
{
	va_list ap;

	if (im->tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "%s:%ld: ", im->file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	im->drawn_ns = 0;
}

static void
progress(importer *im, bool last)
{
	int64_t now = mono_ns();
	double secs;
	int pct, bar;

	if (!im->tty || (!last && now - im->drawn_ns < 100000000))
		return;
	im->drawn_ns = now;
	secs = (double)(now - im->started_ns) / 1e9;
	pct = im->size > 0 ? (int)(im->done * 100 / im->size) : 0;
	bar = pct * 30 / 100;
	fprintf(stderr, "\r\033[K[%.*s%.*s] %3d%% %ld rows, %.0f/s", bar,
		"##############################", 30 - bar, "..............................",
		pct, im->rows, secs > 0 ? (double)im->rows / secs : 0.0);
	if (last)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Ends the open batch: commit (a dry run rolls back), then the batch's rows
 * count. A failed commit loses the batch: said with its lines. */
static void
batch_end(importer *im)
{
	store *s = im->e->store;

	if (!im->in_batch)
		return;
	im->in_batch = 0;
	if (im->dry) {
		store_rollback(s);
	} else if (store_commit(s) < 0) {
		store_rollback(s);
		report(im, im->batch_line, "the database failed (%s): nothing from this line on was "
		       "imported; run the import again with the rows from here on",
		       store_errmsg(s));
		im->stop = EXIT_RUNTIME;
		return;
	}
	if (!im->dry) {
		struct timespec yield = { 0, IMPORT_YIELD_MS * 1000000L };

		nanosleep(&yield, NULL);
	}
	im->imported += im->b_imported;
	im->merged += im->b_merged;
	im->flagged += im->b_flagged;
	im->b_imported = im->b_merged = im->b_flagged = 0;
}

static const char *
flags_text(unsigned flags)
{
	if (flags & LEAD_NO_CONTACT)
		return "no phone or email that could be read";
	if (flags & LEAD_PHONE_INVALID)
		return "the phone could not be read";
	if (flags & LEAD_EMAIL_INVALID)
		return "the email could not be read";
	return "contact flagged";
}

static void
submit(importer *im, const intake_request *req)
{
	store *s = im->e->store;
	char err[512] = "";
	flow_out out;
	flow_result res;

	if (!im->in_batch) {
		if (store_begin(s) < 0) {
			report(im, im->rec_line, "the database is busy (%s): nothing from this line "
			       "on was imported", store_errmsg(s));
			im->stop = EXIT_RUNTIME;
			return;
		}
		im->in_batch = 1;
		im->batch_line = im->rec_line;
		im->batch_ns = mono_ns();
	}
	if (store_savepoint(s) < 0) {
		report(im, im->rec_line, "the database failed: %s", store_errmsg(s));
		im->stop = EXIT_RUNTIME;
		return;
	}
	res = flow_submit(s, im->e->business_id, im->e->rules, req, im->now, &out, err, sizeof err);
	if (res == FLOW_OK) {
		store_release(s);
		if (out.duplicate)
			im->b_merged++;
		else
			im->b_imported++;
		if (out.flags && !out.duplicate) {
			im->b_flagged++;
			report(im, im->rec_line, "note: imported, flagged: %s", flags_text(out.flags));
		}
	} else {
		store_rollback_savepoint(s);
		if (res == FLOW_BUSY || res == FLOW_STORAGE || !store_in_transaction(s)) {
			if (store_in_transaction(s))
				store_rollback(s);
			im->in_batch = 0;
			report(im, im->batch_line, "the database failed (%s): nothing from this line "
			       "on was imported", err[0] ? err : store_errmsg(s));
			im->stop = EXIT_RUNTIME;
			return;
		}
		im->failed++;
		report(im, im->rec_line, "%s", err[0] ? err : flow_result_name(res));
	}
	/* A dry run's batches are rows only: what it matches must not depend
	 * on the machine's speed. */
	if (im->in_batch && (++im->in_batch > IMPORT_BATCH ||
			      (!im->dry && mono_ns() - im->batch_ns >=
					   (int64_t)IMPORT_BATCH_MS * 1000000)))
		batch_end(im);
}

static void
record_clear(importer *im)
{
	for (size_t i = 0; i < im->nfields; i++)
		free(im->fields[i]);
	im->nfields = 0;
	im->record_bytes = 0;
}

/* libcsv: one field of the record. */
static void
on_field(void *s, size_t len, void *data)
{
	importer *im = data;
	char *copy;

	if (im->stop)
		return;
	if (im->nfields == 0 && im->record_bytes == 0)
		im->rec_line = im->line;
	im->record_bytes += len + 1;
	if (im->nfields == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : 32;
		char **p = realloc(im->fields, cap * sizeof *p);

		if (p == NULL) {
			im->stop = EXIT_RUNTIME;
			return;
		}
		im->fields = p;
		im->cap = cap;
	}
	if ((copy = malloc(len + 1)) == NULL) {
		im->stop = EXIT_RUNTIME;
		return;
	}
	memcpy(copy, s ? s : "", len);
	copy[len] = '\0';
	im->fields[im->nfields++] = copy;
}

static void
header(importer *im)
{
	char err[512];
	const char *custom;
	size_t n;

	/* A spreadsheet's UTF-8 byte order mark is not part of the first name. */
	if (im->nfields > 0 && strncmp(im->fields[0], "\xEF\xBB\xBF", 3) == 0)
		memmove(im->fields[0], im->fields[0] + 3, strlen(im->fields[0] + 3) + 1);
	im->map = import_map_new((const char *const *)im->fields, im->nfields, im->map_opt, err,
				 sizeof err);
	if (im->map == NULL) {
		report(im, im->rec_line, "header: %s", err);
		im->stop = EXIT_USAGE;
		return;
	}
	im->header_done = true;
	if (im->tty || im->dry) {
		fprintf(stderr, "Columns:");
		n = import_map_columns(im->map);
		for (size_t i = 0; i < n; i++) {
			import_col c = import_map_column(im->map, i, &custom);

			fprintf(stderr, "%s \"%s\" -> %s%s%s", i ? "," : "", im->fields[i],
				import_col_name(c), c == IMPORT_COL_CUSTOM ? " " : "",
				c == IMPORT_COL_CUSTOM ? custom : "");
		}
		fputc('\n', stderr);
	}
}

/* libcsv: the end of a record. */
static void
on_record(int c, void *data)
{
	importer *im = data;
	custom_set cs;
	intake_request req;
	char err[512] = "";
	intake_result res;

	if (im->stop)
		goto done;
	if (!im->header_done) {
		header(im);
		goto done;
	}
	im->rows++;
	custom_init(&cs);
	res = intake_import_row(im->map, im->e->rules, (const char *const *)im->fields,
				im->nfields, im->source, im->mode, &cs, &req, err, sizeof err);
	switch (res) {
	case INTAKE_OK:
		submit(im, &req);
		break;
	case INTAKE_NOTHING:
		im->rows--;	/* a blank row is not a row */
		break;
	case INTAKE_NOMEM:
		report(im, im->rec_line, "out of memory");
		im->stop = EXIT_RUNTIME;
		break;
	default:
		im->failed++;
		report(im, im->rec_line, "%s", err);
		break;
	}
	custom_free(&cs);
	progress(im, false);
done:
	record_clear(im);
}

/* The separator the header line uses most: comma, semicolon or tab. */
static unsigned char
guess_delim(const char *line)
{
	size_t comma = 0, semi = 0, tab = 0;
	bool quoted = false;

	for (const char *p = line; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted)
			comma += *p == ',', semi += *p == ';', tab += *p == '\t';
	}
	if (semi > comma && semi >= tab)
		return ';';
	if (tab > comma && tab > semi)
		return '\t';
	return ',';
}

static int
run(importer *im, FILE *in)
{
	struct csv_parser p;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (csv_init(&p, CSV_APPEND_NULL) != 0)
		return cli_fail(EXIT_RUNTIME, "out of memory");
	while (!im->stop && (len = getline(&line, &cap, in)) > 0) {
		char *text = line;
		size_t tlen = (size_t)len;

		im->line++;
		im->done += len;
		if (im->line == 1)
			csv_set_delim(&p, guess_delim(line));
		/* A spreadsheet saved in Windows-1252 reads as such, not as U+FFFD. */
		if (!utf8_valid(line, (size_t)len) &&
		    (text = utf8_decode(line, (size_t)len, NULL, &tlen, NULL)) == NULL) {
			im->stop = EXIT_RUNTIME;
			break;
		}
		if (csv_parse(&p, text, tlen, on_field, on_record, im) != tlen) {
			report(im, im->rec_line ? im->rec_line : im->line, "not CSV: %s",
			       csv_strerror(csv_error(&p)));
			im->stop = EXIT_USAGE;
		}
		if (text != line)
			free(text);
		if (!im->stop && im->record_bytes + csv_get_buffer_size(&p) > IMPORT_RECORD_MAX) {
			report(im, im->rec_line, "a record longer than %d bytes: an unclosed quote?",
			       IMPORT_RECORD_MAX);
			im->stop = EXIT_USAGE;
		}
	}
	if (!im->stop)
		csv_fini(&p, on_field, on_record, im);
	csv_free(&p);
	free(line);
	record_clear(im);
	free(im->fields);
	if (!im->stop && ferror(in))
		return cli_fail(EXIT_RUNTIME, "reading %s: %s", im->file, strerror(errno));
	if (!im->stop && !im->header_done) {
		report(im, 1, "no header row");
		im->stop = EXIT_USAGE;
	}
	if (im->stop) {
		if (im->in_batch) {
			store_rollback(im->e->store);
			im->in_batch = 0;
		}
	} else {
		batch_end(im);
	}
	progress(im, true);
	return im->stop;
}

int
cmd_import(int argc, char **argv)
{
	cli_env e;
	importer im = { .e = &e, .source = "import", .mode = IMPORT_QUIET };
	const char *automation = "none";
	struct stat sb;
	FILE *in;
	int opt, rc;

	cli_env_init(&e);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", import_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(import_help, stdout); return EXIT_OK;
		case 'm': im.map_opt = optarg; break;
		case 'n': im.dry = true; break;
		case 'a': automation = optarg; break;
		case 's': im.source = optarg; break;
		default: return cli_usage(import_help, "import: bad option");
		}
	}
	if (optind >= argc)
		return cli_usage(import_help, "import: missing FILE");
	if (optind + 1 < argc)
		return cli_usage(import_help, "import: unexpected argument \"%s\"", argv[optind + 1]);
	if (strcmp(automation, "none") == 0)
		im.mode = IMPORT_QUIET;
	else if (strcmp(automation, "today") == 0)
		im.mode = IMPORT_TODAY;
	else
		return cli_usage(import_help, "import: --automation is none or today, not \"%s\"",
				 automation);
	im.file = argv[optind];
	in = strcmp(im.file, "-") == 0 ? stdin : fopen(im.file, "r");
	if (in == NULL)
		return cli_fail(EXIT_USAGE, "import: cannot read %s: %s", im.file, strerror(errno));
	if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode))
		im.size = sb.st_size;
	if ((rc = cli_open(&e, true)) != EXIT_OK) {
		if (in != stdin)
			fclose(in);
		return rc;
	}
	im.now = cli_now();
	im.tty = isatty(STDERR_FILENO) == 1;
	im.started_ns = mono_ns();
	rc = run(&im, in);
	if (in != stdin)
		fclose(in);
	import_map_free(im.map);
	if (rc == EXIT_OK && im.failed > 0)
		rc = EXIT_RUNTIME;
	if (e.json) {
		json_t *o = json_pack("{s:b,s:I,s:I,s:I,s:I,s:I,s:f}", "dry_run", im.dry,
				      "rows", (json_int_t)im.rows, "imported", (json_int_t)im.imported,
				      "merged", (json_int_t)im.merged, "flagged", (json_int_t)im.flagged,
				      "failed", (json_int_t)im.failed, "seconds",
				      (double)(mono_ns() - im.started_ns) / 1e9);

		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s%ld rows: %ld new leads, %ld merged into leads already here, %ld refused "
		       "(%ld of the new flagged for their contact details)\n",
		       im.dry ? "Dry run, nothing changed - " : "", im.rows, im.imported, im.merged,
		       im.failed, im.flagged);
	}
	cli_close(&e);
	return rc;
}

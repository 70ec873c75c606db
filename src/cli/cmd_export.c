/*
 * cmd_export.c - `leadkeep export`: every lead of the business as CSV (one
 * row per lead, for a spreadsheet; `leadkeep import` reads it back) or JSON
 * lines (one object per lead, as the API shows it), optionally with its
 * timeline. One read of the leads table (one snapshot), newest first.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <csv.h>

#include "cli.h"
#include "intake/intake_import.h"
#include "read/read_json.h"
#include "store/store_read.h"

static const char export_help[] =
	"Usage: leadkeep export [--format csv|jsonl] [--timeline] [--output FILE]\n"
	"\n"
	"Writes every lead, newest first: CSV with a header row (custom fields as one\n"
	"JSON column; `leadkeep import` reads it back), or JSON lines, one lead per\n"
	"line as the API shows it. A CSV cell that a spreadsheet would run as a\n"
	"formula (=, @, or + and - before anything but a number) starts with '.\n"
	"\n"
	"  --format csv|jsonl   default csv\n"
	"  --timeline           add each lead's timeline (CSV: one cell, a line per entry)\n"
	"  --output FILE        write to FILE (mode 0600) instead of standard output\n"
	"\n" CLI_COMMON_HELP;

static const struct option export_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "timeline", no_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static const char *const csv_columns[] = {
	"id", "name", "phone", "email", "source", "kind", "service", "message",
	"neighbourhood", "stage", "status", "owner", "created_at", "updated_at", "quote",
	"lost_reason", "sms_opt_out", "email_opt_out", "external_id", "custom",
};

typedef struct {
	cli_env *e;
	FILE *out;
	bool csv;
	bool timeline;
	long n;
	bool failed;		/* a write or a timeline read failed */
	/* the timeline of the lead being written */
	json_t *events;
	char *tl;
	size_t tl_len, tl_cap;
} exporter;

static void
iso(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		buf[0] = '\0';
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Whether a spreadsheet would read v as a formula. A phone number ("+1 312
 * 555 0199") is left as it is. */
static bool
formula(const char *v)
{
	if (v[0] == '=' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')
		return true;
	if (v[0] == '+' || v[0] == '-')
		return v[strspn(v + 1, "0123456789 ()-.") + 1] != '\0';
	return false;
}

static void
cell(exporter *x, const char *v, bool last)
{
	if (v != NULL && *v != '\0') {
		if (formula(v)) {
			/* the guard goes inside the quotes: write it as part of the field */
			char *g = malloc(strlen(v) + 2);

			if (g == NULL) {
				x->failed = true;
				return;
			}
			g[0] = '\'';
			strcpy(g + 1, v);
			csv_fwrite(x->out, g, strlen(g));
			free(g);
		} else {
			csv_fwrite(x->out, v, strlen(v));
		}
	}
	fputs(last ? "\r\n" : ",", x->out);
}

static void
on_event(void *ctx, const store_event_row *r)
{
	exporter *x = ctx;

	if (!x->csv) {
		json_array_append_new(x->events, read_event_json(r));
		return;
	}
	{
		char when[32], *line;
		int n;

		iso(r->at, when, sizeof when);
		n = asprintf(&line, "%s%s %s%s%s: %s", x->tl_len ? "\n" : "", when,
			     r->type ? r->type : "", r->actor ? " by " : "", r->actor ? r->actor : "",
			     r->text ? r->text : "");
		if (n < 0) {
			x->failed = true;
			return;
		}
		if (x->tl_len + (size_t)n + 1 > x->tl_cap) {
			size_t cap = (x->tl_len + (size_t)n + 1) * 2;
			char *p = realloc(x->tl, cap);

			if (p == NULL) {
				free(line);
				x->failed = true;
				return;
			}
			x->tl = p;
			x->tl_cap = cap;
		}
		memcpy(x->tl + x->tl_len, line, (size_t)n + 1);
		x->tl_len += (size_t)n;
		free(line);
	}
}

/* The lead's timeline into x (events or tl); false on a storage error. */
static bool
read_timeline(exporter *x, int64_t id)
{
	store_lead_visitor v = { .event = on_event };

	x->tl_len = 0;
	if (x->tl != NULL)
		x->tl[0] = '\0';
	return store_lead_read(x->e->store, x->e->business_id, id, &v, x) >= 0;
}

static void
on_lead(void *ctx, const store_lead_row *r)
{
	exporter *x = ctx;

	if (x->failed)
		return;
	x->n++;
	if (!x->csv) {
		json_t *o = read_lead_row_json(r);

		if (x->timeline) {
			x->events = json_array();
			if (!read_timeline(x, r->id))
				x->failed = true;
			json_object_set_new(o, "timeline", x->events);
		}
		if (json_dumpf(o, x->out, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0)
			x->failed = true;
		fputc('\n', x->out);
		json_decref(o);
		return;
	}
	{
		char id[24], created[32], updated[32], quote[32] = "";

		snprintf(id, sizeof id, "%lld", (long long)r->id);
		iso(r->created_at, created, sizeof created);
		iso(r->updated_at, updated, sizeof updated);
		if (r->has_quote)
			snprintf(quote, sizeof quote, "%lld.%02lld", (long long)(r->quote_cents / 100),
				 (long long)(r->quote_cents % 100));
		cell(x, id, false);
		cell(x, r->name, false);
		cell(x, r->phone, false);
		cell(x, r->email, false);
		cell(x, r->source, false);
		cell(x, r->kind, false);
		cell(x, r->service, false);
		cell(x, r->message, false);
		cell(x, r->neighbourhood, false);
		cell(x, r->stage, false);
		cell(x, r->status, false);
		cell(x, r->owner, false);
		cell(x, created, false);
		cell(x, updated, false);
		cell(x, quote, false);
		cell(x, r->lost_reason, false);
		cell(x, r->sms_opt_out ? "yes" : "no", false);
		cell(x, r->email_opt_out ? "yes" : "no", false);
		cell(x, r->external_id, false);
		cell(x, r->custom, !x->timeline);
		if (x->timeline) {
			if (!read_timeline(x, r->id))
				x->failed = true;
			cell(x, x->tl, true);
		}
	}
	if (ferror(x->out))
		x->failed = true;
}

int
cmd_export(int argc, char **argv)
{
	cli_env e;
	exporter x = { .e = &e, .out = stdout, .csv = true };
	const char *format = "csv", *output = NULL;
	store_lead_filter f = { .limit = INT_MAX };
	int opt, rc, n;

	cli_env_init(&e);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", export_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(export_help, stdout); return EXIT_OK;
		case 'f': format = optarg; break;
		case 't': x.timeline = true; break;
		case 'o': output = optarg; break;
		default: return cli_usage(export_help, "export: bad option");
		}
	}
	if (optind < argc)
		return cli_usage(export_help, "export: unexpected argument \"%s\"", argv[optind]);
	if (strcmp(format, "csv") != 0 && strcmp(format, "jsonl") != 0)
		return cli_usage(export_help, "export: --format is csv or jsonl, not \"%s\"", format);
	x.csv = strcmp(format, "csv") == 0;
	if ((rc = cli_open(&e, true)) != EXIT_OK)
		return rc;
	if (output != NULL) {
		/* Leads are personal data: the file is the owner's only. */
		mode_t old = umask(077);

		x.out = fopen(output, "w");
		umask(old);
		if (x.out == NULL) {
			cli_close(&e);
			return cli_fail(EXIT_RUNTIME, "cannot write %s", output);
		}
	}
	if (x.csv) {
		size_t ncol = sizeof csv_columns / sizeof csv_columns[0];

		for (size_t i = 0; i < ncol; i++)
			fprintf(x.out, "%s%s", csv_columns[i], i + 1 < ncol || x.timeline ? "," : "");
		fputs(x.timeline ? "timeline\r\n" : "\r\n", x.out);
	}
	n = store_leads_read(e.store, e.business_id, &f, on_lead, &x);
	free(x.tl);
	if (fflush(x.out) != 0)
		x.failed = true;
	if (output != NULL && fclose(x.out) != 0)
		x.failed = true;
	if (n < 0 || x.failed) {
		rc = cli_fail(EXIT_RUNTIME, "export failed after %ld leads: %s", x.n,
			      n < 0 ? store_errmsg(e.store) : "could not write");
		cli_close(&e);
		return rc;
	}
	if (output != NULL)
		fprintf(stderr, "leadkeep: exported %ld leads to %s\n", x.n, output);
	cli_close(&e);
	return EXIT_OK;
}

/*
 * cli.c - shared plumbing for the subcommands. See cli.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core/tz.h"
#include "rules/rules_load.h"
#include "store/store_business.h"

void
cli_env_init(cli_env *e)
{
	const char *d = getenv("LEADKEEP_DATA"), *f = getenv("LEADKEEP_FILES");

	memset(e, 0, sizeof *e);
	e->data = d && *d ? d : "./leadkeep-data";
	e->files = f && *f ? f : NULL;
}

const char *
cli_files_dir(const cli_env *e)
{
	if (e->files != NULL)
		return e->files;
	return store_is_address(e->data) ? "./leadkeep-data" : e->data;
}

bool
cli_common_option(cli_env *e, int opt, const char *arg)
{
	switch (opt) {
	case 'D': e->data = arg; return true;
	case 'F': e->files = arg; return true;
	case 'R': e->rules_path = arg; return true;
	case 'j': e->json = true; return true;
	case 'B': e->business = arg; return true;
	}
	return false;
}

const char *
cli_business_slug(const cli_env *e)
{
	return e->business != NULL ? e->business : STORE_BUSINESS_DEFAULT;
}

static void
found_business(void *ctx, const store_business_row *r)
{
	cli_env *e = ctx;

	snprintf(e->business_file, sizeof e->business_file, "%s", r->file ? r->file : "");
}

/* --business SLUG: the store opened first, the business's file read from
 * it; its file is the rules unless --rules names others. */
static int
open_business(cli_env *e, char *err, size_t errlen)
{
	int n;

	if ((e->store = store_open(e->data, err, errlen)) == NULL)
		return cli_fail(EXIT_RUNTIME, "%s", err);
	if ((n = store_businesses_read(e->store, e->business, found_business, e)) < 0)
		return cli_fail(EXIT_RUNTIME, "reading the businesses: %s", store_errmsg(e->store));
	if (n == 0)
		return cli_fail(EXIT_USAGE, "--business %s: no such business (see `leadkeep "
				"business list`)", e->business);
	if (e->rules_path == NULL && e->business_file[0] != '\0')
		e->rules_path = e->business_file;
	return EXIT_OK;
}

static int
open_env(cli_env *e, bool want_store)
{
	char err[512] = "", name[4096];
	rules_diags diags = { 0 };
	int rc;

	if (e->business != NULL && strcmp(e->business, STORE_BUSINESS_DEFAULT) != 0 &&
	    (rc = open_business(e, err, sizeof err)) != EXIT_OK)
		return rc;
	e->rules = cli_rules_read(e, &diags, name, sizeof name);
	if (e->rules == NULL) {
		rules_diags_print(&diags, stderr);
		rules_diags_free(&diags);
		return EXIT_CONFIG;
	}
	rules_diags_free(&diags);
	snprintf(e->rules_file, sizeof e->rules_file, "%s",
		 strcmp(name, RULES_DEFAULT_NAME) == 0 ? "" : name);
	if (!want_store)
		return EXIT_OK;
	if (e->store == NULL && (e->store = store_open(e->data, err, sizeof err)) == NULL)
		return cli_fail(EXIT_RUNTIME, "%s", err);
	/* The version used is kept: which rules made a decision is never lost. */
	if (store_begin(e->store) < 0 ||
	    (e->business_id = store_business_sync_slug(e->store, cli_business_slug(e), e->rules,
						       err, sizeof err)) < 0 ||
	    store_rules_activate(e->store, e->business_id, e->rules->version, e->rules->text,
				 e->rules_by ? e->rules_by : "cli", cli_now(), NULL, 0) < 0 ||
	    store_commit(e->store) < 0) {
		if (err[0] == '\0')
			snprintf(err, sizeof err, "%s", store_errmsg(e->store));
		store_rollback(e->store);
		return cli_fail(EXIT_RUNTIME, "cannot prepare the database: %s", err);
	}
	return EXIT_OK;
}

int
cli_open(cli_env *e, bool want_store)
{
	int rc = open_env(e, want_store);

	if (rc != EXIT_OK)	/* nothing for the caller to close */
		cli_close(e);
	return rc;
}

void
cli_close(cli_env *e)
{
	store_close(e->store);
	rules_free(e->rules);
	e->store = NULL;
	e->rules = NULL;
}

int
cli_parse_time(const rules *r, const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	char rest[16] = "";

	if (s == NULL)
		return -1;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return -1;
	s += n;
	if (*s == 'T' || *s == ' ') {
		s++;
		n = 0;
		if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) != 2)
			return -1;
		s += n;
		if (*s == ':') {
			if (sscanf(s + 1, "%2d%n", &sec, &n) != 1)
				return -1;
			s += 1 + n;
		}
	}
	snprintf(rest, sizeof rest, "%s", s);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59)
		return -1;
	if (strcmp(rest, "Z") == 0) {
		*out = tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
		return 0;
	}
	if ((rest[0] == '+' || rest[0] == '-') && strlen(rest) == 6 && rest[3] == ':') {
		int oh = atoi(rest + 1), om = atoi(rest + 4);
		int64_t off = (oh * 3600 + om * 60) * (rest[0] == '-' ? -1 : 1);

		*out = tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
		return 0;
	}
	if (rest[0] != '\0' || r == NULL)
		return -1;
	if (tz_from_local(r->business.zone, y, mo, d, h, mi, out) < 0)
		return -1;
	*out += sec;
	return 0;
}

int64_t
cli_now(void)
{
	const char *fake = getenv("LEADKEEP_NOW");
	int64_t t;

	if (fake && *fake && cli_parse_time(NULL, fake, &t) == 0)
		return t;
	return (int64_t)time(NULL);
}

void
cli_local_time(const rules *r, const char *iso, char *buf, size_t len)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
					   "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t t;
	tz_local lt;

	if (iso == NULL || cli_parse_time(NULL, iso, &t) < 0) {
		snprintf(buf, len, "-");
		return;
	}
	tz_to_local(r->business.zone, t, &lt);
	snprintf(buf, len, "%s %s %d %d:%02d %s", wd[lt.wday], mon[lt.month - 1], lt.day,
		 lt.hour % 12 ? lt.hour % 12 : 12, lt.min, lt.hour < 12 ? "AM" : "PM");
}

int
cli_usage(const char *help, const char *fmt, ...)
{
	va_list ap;

	fputs("leadkeep: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (help != NULL)
		fputs(help, stderr);
	return EXIT_USAGE;
}

int
cli_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("leadkeep: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

void
cli_print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
}

const char *
cli_str(const json_t *o, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : dflt;
}

int
cli_flow_fail(flow_result r, const char *err)
{
	int code = r == FLOW_NOT_FOUND || r == FLOW_INVALID || r == FLOW_CONFLICT ?
		   EXIT_USAGE : EXIT_RUNTIME;

	return cli_fail(code, "%s", err && *err ? err : r == FLOW_BUSY ?
			"the database is busy: try again" : "could not save: nothing was changed");
}

/* "1200", "1,200.50", "$1200" -> cents; -1 when not a amount. */
int64_t
cli_parse_amount(const char *s)
{
	char digits[32];
	size_t n = 0;
	char *end;
	double v;

	if (s == NULL)
		return -1;
	for (; *s && n < sizeof digits - 1; s++)
		if (*s != ',' && *s != '$' && *s != ' ')
			digits[n++] = *s;
	digits[n] = '\0';
	v = strtod(digits, &end);
	if (n == 0 || *end != '\0' || v < 0 || v > 1e12)
		return -1;
	return (int64_t)(v * 100 + 0.5);
}

int64_t
cli_parse_id(const char *s)
{
	char *end;
	long long v;

	if (s == NULL)
		return -1;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v > 0 ? v : -1;
}

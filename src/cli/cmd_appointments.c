/*
 * cmd_appointments.c - `leadkeep appointments`: a technician's day (list),
 * and booking, moving, confirming, cancelling and the outcome of a lead's
 * appointment - each an EV_APPOINTMENT through the flow (docs/appointments.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/tz.h"
#include "read/read_json.h"

static const char appointments_help[] =
	"Usage: leadkeep appointments [SUBCOMMAND] [OPTIONS]\n"
	"\n"
	"  list [--person ID] [--day YYYY-MM-DD] [--state STATE]\n"
	"                      a day's appointments in order (default: today, everyone),\n"
	"                      with the address, a maps link, the lead's phone and the job\n"
	"  book LEAD --start TIME [--end TIME] [--kind KIND] [--place ADDRESS]\n"
	"      [--person ID] [--by PERSON]\n"
	"                      book a visit: confirmation, reminders, the person told\n"
	"  reschedule LEAD --start TIME [--end TIME] [--place ADDRESS] [--person ID]\n"
	"  confirm LEAD        the lead confirmed (by phone, say)\n"
	"  cancel LEAD [--note TEXT]\n"
	"  done LEAD [--amount DOLLARS] [--note TEXT]\n"
	"                      the visit happened; with a quote its follow-up starts\n"
	"  no-show LEAD        nobody was there: the no-show path starts\n"
	"\n"
	"The changes take --appointment ID (default: the lead's next one) and --by PERSON.\n"
	"TIME is ISO 8601, or local \"YYYY-MM-DD HH:MM\" in the business's time zone.\n"
	"With no subcommand: list.\n"
	"\n" CLI_COMMON_HELP;

static const struct option appointments_options[] = {
	{ "person", required_argument, NULL, 'p' },
	{ "day", required_argument, NULL, 'd' },
	{ "state", required_argument, NULL, 's' },
	{ "start", required_argument, NULL, 'S' },
	{ "end", required_argument, NULL, 'E' },
	{ "kind", required_argument, NULL, 'k' },
	{ "place", required_argument, NULL, 'P' },
	{ "appointment", required_argument, NULL, 'a' },
	{ "amount", required_argument, NULL, 'A' },
	{ "note", required_argument, NULL, 'n' },
	{ "by", required_argument, NULL, 'b' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

typedef struct {
	const char *person, *day, *state, *start, *end, *kind, *place, *appointment, *amount,
		   *note, *by;
} appt_args;

/* [from, to) of the local day "YYYY-MM-DD" (NULL: today) in the rules' zone. */
static int
day_bounds(const rules *r, const char *day, int64_t *from, int64_t *to)
{
	int y, m, d;
	tz_local lt;

	if (day == NULL) {
		tz_to_local(r->business.zone, cli_now(), &lt);
		y = lt.year, m = lt.month, d = lt.day;
	} else if (sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 ||
		   d > 31 || strlen(day) != 10) {
		return -1;
	}
	tz_from_local(r->business.zone, y, m, d, 0, 0, from);
	tz_from_local(r->business.zone, y, m, d + 1, 0, 0, to);
	return 0;
}

/* "11:00 AM" of an ISO UTC time, in the rules' zone. */
static void
clock_of(const rules *r, const char *iso, char *buf, size_t len)
{
	int64_t t = 0;
	tz_local lt;

	cli_parse_time(NULL, iso, &t);
	tz_to_local(r->business.zone, t, &lt);
	snprintf(buf, len, "%d:%02d %s", lt.hour % 12 ? lt.hour % 12 : 12, lt.min,
		 lt.hour < 12 ? "AM" : "PM");
}

static int
list(cli_env *e, const appt_args *a)
{
	store_appointment_filter f = { .person = a->person, .state = a->state };
	json_t *arr, *v;
	size_t i;

	if (day_bounds(e->rules, a->day, &f.from, &f.to) < 0)
		return cli_usage(appointments_help, "--day \"%s\": expected YYYY-MM-DD", a->day);
	if ((arr = read_appointments_json(e->store, e->business_id, &f)) == NULL)
		return cli_fail(EXIT_RUNTIME, "cannot list appointments");
	if (e->json) {
		cli_print_json(arr);
		json_decref(arr);
		return EXIT_OK;
	}
	json_array_foreach(arr, i, v) {
		char from[48], to[48];
		const char *place = cli_str(v, "place", NULL);

		cli_local_time(e->rules, cli_str(v, "starts_at", NULL), from, sizeof from);
		clock_of(e->rules, cli_str(v, "ends_at", NULL), to, sizeof to);
		printf("#%-4lld %s - %s  %s  %s  %s  %s  %s%s%s  [%s%s] lead #%lld\n",
		       (long long)json_integer_value(json_object_get(v, "id")), from, to,
		       cli_str(v, "person", "-"), cli_str(v, "kind", "-"),
		       cli_str(v, "lead_name", "-"), cli_str(v, "lead_phone", "-"),
		       cli_str(v, "service", ""), place ? " @ " : "", place ? place : "",
		       cli_str(v, "state", ""),
		       json_is_true(json_object_get(v, "reminders_paused")) ? ", reminders paused" : "",
		       (long long)json_integer_value(json_object_get(v, "lead_id")));
		if (place)
			printf("      %s\n", cli_str(v, "maps_url", ""));
	}
	if (json_array_size(arr) == 0)
		puts("No appointments.");
	json_decref(arr);
	return EXIT_OK;
}

typedef struct {
	cli_env *e;
	int64_t lead_id;
	lead_event ev;
} change;

static flow_result
run_change(store *s, void *arg, char *err, size_t errlen)
{
	change *c = arg;

	return flow_event(s, c->e->business_id, c->e->rules, c->lead_id, &c->ev, cli_now(), NULL,
			  err, errlen);
}

static int
apply(cli_env *e, const char *sub, int64_t lead_id, const appt_args *a)
{
	change c = { .e = e, .lead_id = lead_id, .ev = lead_event_init(EV_APPOINTMENT) };
	char err[512] = "";
	flow_result rc;

	c.ev.outcome = strcmp(sub, "no-show") == 0 ? "no_show" : sub;
	c.ev.actor = a->by;
	c.ev.appt_kind = a->kind;
	c.ev.place = a->place;
	c.ev.assignee = a->person;
	c.ev.text = a->note;
	if (a->appointment && (c.ev.appointment_id = cli_parse_id(a->appointment)) < 0)
		return cli_usage(appointments_help, "--appointment: expected an appointment ID");
	if (a->start && cli_parse_time(e->rules, a->start, &c.ev.starts_at) < 0)
		return cli_usage(appointments_help, "--start \"%s\": not a time", a->start);
	if (a->end && cli_parse_time(e->rules, a->end, &c.ev.ends_at) < 0)
		return cli_usage(appointments_help, "--end \"%s\": not a time", a->end);
	if (a->amount && (c.ev.amount_cents = cli_parse_amount(a->amount)) < 0)
		return cli_usage(appointments_help, "--amount: \"%s\" is not an amount", a->amount);
	if ((rc = flow_run(e->store, run_change, &c, err, sizeof err)) != FLOW_OK)
		return cli_flow_fail(rc, err);
	if (e->json) {
		json_t *shown = NULL;

		if (read_lead_json(e->store, e->business_id, lead_id, false, &shown) != 1)
			return cli_fail(EXIT_RUNTIME, "cannot read lead #%lld", (long long)lead_id);
		cli_print_json(shown);
		json_decref(shown);
		return EXIT_OK;
	}
	printf("Lead #%lld: appointment %s\n", (long long)lead_id,
	       strcmp(sub, "book") == 0 ? "booked" : strcmp(sub, "reschedule") == 0 ? "moved" :
	       strcmp(sub, "confirm") == 0 ? "confirmed" : strcmp(sub, "cancel") == 0 ? "cancelled" :
	       strcmp(sub, "done") == 0 ? "done" : "marked no-show");
	return EXIT_OK;
}

static bool
is_change(const char *sub)
{
	static const char *const subs[] = {
		"book", "reschedule", "confirm", "cancel", "done", "no-show", NULL,
	};

	for (size_t i = 0; subs[i]; i++)
		if (strcmp(sub, subs[i]) == 0)
			return true;
	return false;
}

int
cmd_appointments(int argc, char **argv)
{
	cli_env e;
	appt_args a = { 0 };
	const char *sub = argc > 1 && argv[1][0] != '-' ? argv[1] : "list";
	int skip = argc > 1 && argv[1][0] != '-' ? 1 : 0;
	int64_t lead_id = 0;
	int opt, rc;

	cli_env_init(&e);
	optind = 1;
	while ((opt = getopt_long(argc - skip, argv + skip, "", appointments_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(appointments_help, stdout); return EXIT_OK;
		case 'p': a.person = optarg; break;
		case 'd': a.day = optarg; break;
		case 's': a.state = optarg; break;
		case 'S': a.start = optarg; break;
		case 'E': a.end = optarg; break;
		case 'k': a.kind = optarg; break;
		case 'P': a.place = optarg; break;
		case 'a': a.appointment = optarg; break;
		case 'A': a.amount = optarg; break;
		case 'n': a.note = optarg; break;
		case 'b': a.by = optarg; break;
		default: return cli_usage(appointments_help, "appointments %s: bad option", sub);
		}
	}
	argv += skip + optind;
	argc -= skip + optind;
	if (is_change(sub)) {
		if (argc < 1 || (lead_id = cli_parse_id(argv[0])) < 0)
			return cli_usage(appointments_help, "appointments %s: expected a lead ID", sub);
		if ((strcmp(sub, "book") == 0 || strcmp(sub, "reschedule") == 0) && a.start == NULL)
			return cli_usage(appointments_help, "appointments %s: --start TIME is required",
					 sub);
	} else if (strcmp(sub, "list") != 0) {
		return cli_usage(appointments_help, "appointments: unknown subcommand \"%s\"", sub);
	}
	if ((rc = cli_open(&e, true)) == EXIT_OK)
		rc = strcmp(sub, "list") == 0 ? list(&e, &a) : apply(&e, sub, lead_id, &a);
	cli_close(&e);
	return rc;
}

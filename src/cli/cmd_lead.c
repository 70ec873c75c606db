/*
 * cmd_lead.c - `leadkeep lead add|list|show|edit|stage|log|owner|opt-out|callback|
 * pause|resume|followup`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "intake/intake.h"
#include "read/read_json.h"

static const char lead_help[] =
	"Usage: leadkeep lead SUBCOMMAND [OPTIONS]\n"
	"\n"
	"  add --name N [--phone P] [--email E] [--source S] [--kind K] [--service S]\n"
	"      [--message M] [--neighbourhood N] [--owner ID]\n"
	"                      take in a lead: owner, acknowledgment, first task, follow-ups\n"
	"  list [--stage S] [--status S] [--owner ID] [--source S] [--q TEXT] [--limit N]\n"
	"  show ID             the lead, its tasks, messages, timers and timeline\n"
	"  edit ID [--name N] [--phone P] [--email E] [--service S] [--message M]\n"
	"      [--neighbourhood N] [--timezone ZONE] [--by PERSON]\n"
	"                      correct the contact details; --timezone \"\" infers the\n"
	"                      lead's time zone from its phone number again\n"
	"  stage ID STAGE [--amount DOLLARS] [--reason CODE]\n"
	"                      move the lead; the stage's requirements are checked\n"
	"  log ID call|visit|note|reply|stop [--outcome O] [--text T] [--amount DOLLARS]\n"
	"      [--by PERSON] [--contact]   record what happened; automation follows it\n"
	"  owner ID PERSON     give the lead to someone else\n"
	"  callback ID WORDS [--by PERSON]\n"
	"                      a call promised to the lead (\"after 5 pm\", \"Thursday\n"
	"                      morning\"): the next call is due then, automation waits\n"
	"  opt-out ID --confirm|--dismiss [--by PERSON]\n"
	"                      answer a possible opt-out (\"stop texting me\"): confirm it,\n"
	"                      or dismiss it and let automated messages go again\n"
	"  pause ID [--reason WHY] [--by PERSON]\n"
	"                      pause the lead's automated steps (its tasks stay)\n"
	"  resume ID [--by PERSON]\n"
	"                      resume them: the held step runs later by the pause\n"
	"  followup ID WHEN [--verb call|text|email|visit|review] [--text T] [--by PERSON]\n"
	"                      the next follow-up: a task for the owner due WHEN (+1d, +3d,\n"
	"                      +1w, +4h, or a time: \"2026-11-27 10:00\" local, or ISO 8601)\n"
	"\n" CLI_COMMON_HELP;

static const struct option lead_options[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "phone", required_argument, NULL, 'p' },
	{ "email", required_argument, NULL, 'e' },
	{ "source", required_argument, NULL, 's' },
	{ "kind", required_argument, NULL, 'k' },
	{ "service", required_argument, NULL, 'v' },
	{ "message", required_argument, NULL, 'm' },
	{ "neighbourhood", required_argument, NULL, 'N' },
	{ "owner", required_argument, NULL, 'o' },
	{ "stage", required_argument, NULL, 'S' },
	{ "status", required_argument, NULL, 'T' },
	{ "q", required_argument, NULL, 'q' },
	{ "limit", required_argument, NULL, 'l' },
	{ "amount", required_argument, NULL, 'a' },
	{ "reason", required_argument, NULL, 'r' },
	{ "outcome", required_argument, NULL, 'O' },
	{ "text", required_argument, NULL, 't' },
	{ "by", required_argument, NULL, 'b' },
	{ "contact", no_argument, NULL, 'c' },
	{ "confirm", no_argument, NULL, 'C' },
	{ "dismiss", no_argument, NULL, 'D' },
	{ "timezone", required_argument, NULL, 'z' },
	{ "verb", required_argument, NULL, 'W' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

typedef struct {
	intake_lead in;
	store_lead_filter filter;
	const char *amount, *reason, *outcome, *text, *by, *verb;
	bool contact;
	const char *review;	/* opt-out: "confirm" or "dismiss" */
	const char *timezone;	/* edit */
} lead_args;

static void
print_lead_line(const rules *r, json_t *l)
{
	char when[48];

	cli_local_time(r, json_string_value(json_object_get(l, "created_at")), when, sizeof when);
	printf("#%-5lld %-22.22s %-16.16s %-10.10s %-9.9s %-8.8s %s\n",
	       (long long)json_integer_value(json_object_get(l, "id")),
	       cli_str(l, "name", "(no name)"),
	       cli_str(l, "phone", "-"),
	       cli_str(l, "stage", "-"),
	       cli_str(l, "status", "-"),
	       cli_str(l, "owner", "-"), when);
}

static void
print_lead(const rules *r, json_t *l)
{
	char when[48];
	size_t i;
	json_t *v, *flags = json_object_get(l, "flags");

	printf("Lead #%lld  %s  (%s, stage %s)\n", (long long)json_integer_value(json_object_get(l, "id")),
	       cli_str(l, "name", "(no name)"),
	       cli_str(l, "status", "-"),
	       cli_str(l, "stage", "-"));
	printf("  phone   %s\n  email   %s\n  source  %s (%s)\n  service %s\n  owner   %s\n",
	       cli_str(l, "phone", "-"),
	       cli_str(l, "email", "-"),
	       cli_str(l, "source", "-"),
	       cli_str(l, "kind", "-"),
	       cli_str(l, "service", "-"),
	       cli_str(l, "owner", "-"));
	if (json_array_size(flags) > 0) {
		printf("  flagged");
		json_array_foreach(flags, i, v)
			printf(" %s", json_string_value(v));
		putchar('\n');
	}
	if (json_string_value(json_object_get(l, "paused_at")) != NULL) {
		cli_local_time(r, json_string_value(json_object_get(l, "paused_at")), when, sizeof when);
		printf("  paused  since %s: no automated step runs until `lead resume`%s%s\n", when,
		       json_string_value(json_object_get(l, "paused_step")) ? "; held: " : "",
		       cli_str(l, "paused_step", ""));
	}
	if (json_object_size(json_object_get(l, "custom")) > 0) {
		const char *k;

		puts("Custom fields");
		json_object_foreach(json_object_get(l, "custom"), k, v)
			printf("  %-16s %s\n", k, json_string_value(v) ? json_string_value(v) : "");
	}
	if (json_array_size(json_object_get(l, "appointments")) > 0)
		puts("Appointments");
	json_array_foreach(json_object_get(l, "appointments"), i, v) {
		cli_local_time(r, json_string_value(json_object_get(v, "starts_at")), when, sizeof when);
		printf("  #%lld %-11s %s %s with %s%s%s%s\n",
		       (long long)json_integer_value(json_object_get(v, "id")),
		       cli_str(v, "state", "-"), when, cli_str(v, "kind", "-"),
		       cli_str(v, "person", "-"), cli_str(v, "place", NULL) ? " at " : "",
		       cli_str(v, "place", ""),
		       json_is_true(json_object_get(v, "reminders_paused")) ? " (reminders paused)" : "");
	}
	puts("Tasks");
	json_array_foreach(json_object_get(l, "tasks"), i, v) {
		cli_local_time(r, json_string_value(json_object_get(v, "due_at")), when, sizeof when);
		printf("  #%lld %-10s %s (%s, due %s)\n",
		       (long long)json_integer_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "state")),
		       json_string_value(json_object_get(v, "title")),
		       cli_str(v, "assignee", "-"), when);
	}
	puts("Messages");
	json_array_foreach(json_object_get(l, "messages"), i, v) {
		cli_local_time(r, json_string_value(json_object_get(v, "send_at")), when, sizeof when);
		printf("  #%lld %s %s %s to %s at %s: %s\n",
		       (long long)json_integer_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "state")),
		       json_string_value(json_object_get(v, "purpose")),
		       json_string_value(json_object_get(v, "channel")),
		       json_string_value(json_object_get(v, "to")), when,
		       json_string_value(json_object_get(v, "body")));
	}
	puts("Next");
	json_array_foreach(json_object_get(l, "timers"), i, v) {
		cli_local_time(r, json_string_value(json_object_get(v, "due_at")), when, sizeof when);
		printf("  %s %s %s\n", when, json_string_value(json_object_get(v, "kind")),
		       cli_str(v, "sequence", ""));
	}
	puts("Timeline");
	json_array_foreach(json_object_get(l, "timeline"), i, v) {
		cli_local_time(r, json_string_value(json_object_get(v, "at")), when, sizeof when);
		printf("  %-20s %-18s %s\n", when, json_string_value(json_object_get(v, "type")),
		       cli_str(v, "text", ""));
	}
}

static int
show(cli_env *e, int64_t id)
{
	char err[64];
	json_t *l;
	int rc = read_lead_json(e->store, e->business_id, id, true, &l);

	if (rc <= 0) {
		snprintf(err, sizeof err, rc == 0 ? "no lead #%lld" : "lead #%lld cannot be read",
			 (long long)id);
		return cli_flow_fail(rc == 0 ? FLOW_NOT_FOUND : FLOW_STORAGE, err);
	}
	if (e->json)
		cli_print_json(l);
	else
		print_lead(e->rules, l);
	json_decref(l);
	return EXIT_OK;
}

/* One change through the flow, for flow_run(). */
typedef struct {
	cli_env *e;
	const intake_lead *in;	/* add */
	int64_t lead_id;	/* event */
	const lead_event *ev;
	int64_t now;
	flow_out out;
} change;

static flow_result
run_add(store *s, void *arg, char *err, size_t errlen)
{
	change *c = arg;

	return flow_intake(s, c->e->business_id, c->e->rules, c->in, c->now, &c->out, err, errlen);
}

static flow_result
run_event(store *s, void *arg, char *err, size_t errlen)
{
	change *c = arg;

	return flow_event(s, c->e->business_id, c->e->rules, c->lead_id, c->ev, c->now, &c->out,
			  err, errlen);
}

/* --owner must name someone: a typo is the person's to fix, not routing's
 * to paper over (the public doors, which must keep every lead, let routing
 * decide instead and say so on the lead). */
static int
check_owner(const cli_env *e, const char *owner)
{
	char known[512] = "";
	size_t n = 0;

	if (owner == NULL || rules_person_find(e->rules, owner) != NULL)
		return EXIT_OK;
	for (size_t i = 0; i < e->rules->npeople && n + 70 < sizeof known; i++)
		n += (size_t)snprintf(known + n, sizeof known - n, "%s%s", i ? ", " : "",
				      e->rules->people[i].id);
	return cli_fail(EXIT_USAGE, "lead add: --owner: no person \"%s\" in the rules (known: %s)",
			owner, known);
}

static int
add(cli_env *e, const lead_args *a)
{
	change c = { .e = e, .in = &a->in, .now = cli_now() };
	flow_out res;
	char err[512] = "";
	flow_result rc;

	if (check_owner(e, a->in.owner) != EXIT_OK)
		return EXIT_USAGE;
	rc = flow_run(e->store, run_add, &c, err, sizeof err);

	if (rc != FLOW_OK)
		return cli_flow_fail(rc, err);
	res = c.out;
	if (!e->json)
		printf("%s lead #%lld\n", res.duplicate ? "Attached to existing" : "Created",
		       (long long)res.lead_id);
	return e->json ? show(e, res.lead_id) : EXIT_OK;
}

static int
list(cli_env *e, const lead_args *a)
{
	json_t *arr = read_leads_json(e->store, e->business_id, &a->filter);
	size_t i;
	json_t *v;

	if (arr == NULL)
		return cli_fail(EXIT_RUNTIME, "cannot list leads");
	if (e->json) {
		cli_print_json(arr);
	} else {
		json_array_foreach(arr, i, v)
			print_lead_line(e->rules, v);
		if (json_array_size(arr) == 0)
			puts("No leads.");
	}
	json_decref(arr);
	return EXIT_OK;
}

/* Runs one event for a lead in its own transaction and shows the result. */
static int
process(cli_env *e, int64_t id, const lead_event *ev)
{
	change c = { .e = e, .lead_id = id, .ev = ev, .now = cli_now() };
	char err[512] = "";
	flow_result rc = flow_run(e->store, run_event, &c, err, sizeof err);

	if (rc != FLOW_OK)
		return cli_flow_fail(rc, err);
	if (e->json)
		return show(e, id);
	printf("Lead #%lld updated\n", (long long)id);
	return EXIT_OK;
}

static int
log_event(cli_env *e, int64_t id, const char *what, const lead_args *a)
{
	lead_event ev;

	if (strcmp(what, "call") == 0)
		ev = lead_event_init(EV_CALL_LOGGED);
	else if (strcmp(what, "visit") == 0)
		ev = lead_event_init(EV_VISIT_LOGGED);
	else if (strcmp(what, "note") == 0)
		ev = lead_event_init(EV_NOTE);
	else if (strcmp(what, "reply") == 0)
		ev = lead_event_init(EV_MESSAGE_IN);
	else if (strcmp(what, "stop") == 0)
		ev = lead_event_init(EV_OPT_OUT);
	else
		return cli_usage(lead_help, "log: unknown kind \"%s\" (call, visit, note, reply, stop)",
				 what);
	ev.outcome = a->outcome;
	ev.text = a->text;
	ev.actor = a->by;
	ev.contact = a->contact;
	ev.channel = "sms";
	if (a->amount && (ev.amount_cents = cli_parse_amount(a->amount)) < 0)
		return cli_usage(lead_help, "--amount: \"%s\" is not an amount", a->amount);
	return process(e, id, &ev);
}

static bool
plan_sub(const char *sub)
{
	return strcmp(sub, "pause") == 0 || strcmp(sub, "resume") == 0 ||
	       strcmp(sub, "followup") == 0;
}

/* WHEN for followup: "+3d", "+1w", "+4h" from now, or a time. */
static int
parse_when(const rules *r, const char *s, int64_t now, int64_t *out)
{
	char unit = 0, end = 0;
	long n;

	if (s[0] != '+')
		return cli_parse_time(r, s, out);
	if (sscanf(s + 1, "%ld%c%c", &n, &unit, &end) != 2 || n < 1 || n > 3650)
		return -1;
	switch (unit) {
	case 'h': *out = now + n * 3600; return 0;
	case 'd': *out = now + n * 86400; return 0;
	case 'w': *out = now + n * 7 * 86400; return 0;
	default: return -1;
	}
}

/* The lead's plan by hand, the same events as the web app's: EV_PAUSE,
 * EV_RESUME, EV_FOLLOWUP. */
static int
plan(cli_env *e, int64_t id, const char *sub, const char *when, const lead_args *a)
{
	lead_event ev;

	if (strcmp(sub, "pause") == 0) {
		ev = lead_event_init(EV_PAUSE);
		ev.reason = a->reason;
	} else if (strcmp(sub, "resume") == 0) {
		ev = lead_event_init(EV_RESUME);
	} else {
		ev = lead_event_init(EV_FOLLOWUP);
		if (parse_when(e->rules, when, cli_now(), &ev.until) < 0)
			return cli_usage(lead_help, "lead followup: WHEN \"%s\": +3d, +1w, +4h or a "
					 "time like \"2026-11-27 10:00\"", when);
		ev.verb = a->verb;
		ev.text = a->text;
	}
	ev.actor = a->by;
	return process(e, id, &ev);
}

int
cmd_lead(int argc, char **argv)
{
	cli_env e;
	lead_args a;
	const char *sub = argc > 1 ? argv[1] : NULL;
	int opt, rc;

	cli_env_init(&e);
	memset(&a, 0, sizeof a);
	a.in.source = "cli";
	if (sub == NULL)
		return cli_usage(lead_help, "lead: missing subcommand");
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(lead_help, stdout);
		return EXIT_OK;
	}
	optind = 1;
	while ((opt = getopt_long(argc - 1, argv + 1, "", lead_options, NULL)) != -1) {
		if (cli_common_option(&e, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(lead_help, stdout); return EXIT_OK;
		case 'n': a.in.name = optarg; break;
		case 'p': a.in.phone = optarg; break;
		case 'e': a.in.email = optarg; break;
		case 's': a.in.source = a.filter.source = optarg; break;
		case 'k': a.in.kind = optarg; break;
		case 'v': a.in.service = optarg; break;
		case 'm': a.in.message = optarg; break;
		case 'N': a.in.neighbourhood = optarg; break;
		case 'o': a.in.owner = a.filter.owner = optarg; break;
		case 'S': a.filter.stage = optarg; break;
		case 'T': a.filter.status = optarg; break;
		case 'q': a.filter.q = optarg; break;
		case 'l': a.filter.limit = atoi(optarg); break;
		case 'a': a.amount = optarg; break;
		case 'r': a.reason = optarg; break;
		case 'O': a.outcome = optarg; break;
		case 't': a.text = optarg; break;
		case 'b': a.by = optarg; break;
		case 'c': a.contact = true; break;
		case 'C': a.review = a.review ? "both" : "confirm"; break;
		case 'D': a.review = a.review ? "both" : "dismiss"; break;
		case 'z': a.timezone = optarg; break;
		case 'W': a.verb = optarg; break;
		default: return cli_usage(lead_help, "lead %s: bad option", sub);
		}
	}
	/* positional arguments after the subcommand */
	argv += 1 + optind;
	argc -= 1 + optind;

	if (strcmp(sub, "add") == 0) {
		if (a.in.name == NULL && a.in.phone == NULL && a.in.email == NULL)
			return cli_usage(lead_help, "lead add: give at least --name, --phone or --email");
	} else if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 &&
		   strcmp(sub, "stage") != 0 && strcmp(sub, "log") != 0 &&
		   strcmp(sub, "owner") != 0 && strcmp(sub, "opt-out") != 0 &&
		   strcmp(sub, "edit") != 0 && strcmp(sub, "callback") != 0 && !plan_sub(sub)) {
		return cli_usage(lead_help, "lead: unknown subcommand \"%s\"", sub);
	}
	if ((strcmp(sub, "show") == 0 || strcmp(sub, "stage") == 0 || strcmp(sub, "log") == 0 ||
	     strcmp(sub, "owner") == 0 || strcmp(sub, "opt-out") == 0 ||
	     strcmp(sub, "edit") == 0 || strcmp(sub, "callback") == 0 || plan_sub(sub)) &&
	    (argc < 1 || cli_parse_id(argv[0]) < 0))
		return cli_usage(lead_help, "lead %s: expected a lead ID", sub);
	if ((strcmp(sub, "stage") == 0 || strcmp(sub, "log") == 0 || strcmp(sub, "owner") == 0 ||
	     strcmp(sub, "callback") == 0 || strcmp(sub, "followup") == 0) && argc < 2)
		return cli_usage(lead_help, "lead %s: missing argument after the ID", sub);

	if (strcmp(sub, "opt-out") == 0 && (a.review == NULL || strcmp(a.review, "both") == 0))
		return cli_usage(lead_help, "lead opt-out: give one of --confirm or --dismiss");

	if ((rc = cli_open(&e, true)) != EXIT_OK) {
		cli_close(&e);
		return rc;
	}
	if (strcmp(sub, "add") == 0) {
		rc = add(&e, &a);
	} else if (strcmp(sub, "list") == 0) {
		rc = list(&e, &a);
	} else if (strcmp(sub, "show") == 0) {
		rc = show(&e, cli_parse_id(argv[0]));
	} else if (strcmp(sub, "stage") == 0) {
		lead_event ev = lead_event_init(EV_STAGE);

		ev.stage = argv[1];
		ev.reason = a.reason;
		ev.actor = a.by;
		if (a.amount && (ev.amount_cents = cli_parse_amount(a.amount)) < 0)
			rc = cli_usage(lead_help, "--amount: \"%s\" is not an amount", a.amount);
		else
			rc = process(&e, cli_parse_id(argv[0]), &ev);
	} else if (strcmp(sub, "opt-out") == 0) {
		lead_event ev = lead_event_init(EV_OPT_OUT_REVIEW);

		ev.outcome = a.review;
		ev.actor = a.by;
		rc = process(&e, cli_parse_id(argv[0]), &ev);
	} else if (strcmp(sub, "edit") == 0) {
		/* The contact edit the API's PATCH and the web app make (flow_contact's
		 * event): the engine normalises, flags and says what changed. */
		lead_event ev = lead_event_init(EV_CONTACT);

		ev.fields = (lead_fields){ .name = a.in.name, .phone = a.in.phone,
					   .email = a.in.email, .service = a.in.service,
					   .message = a.in.message,
					   .neighbourhood = a.in.neighbourhood,
					   .timezone = a.timezone };
		ev.actor = a.by;
		rc = process(&e, cli_parse_id(argv[0]), &ev);
	} else if (strcmp(sub, "callback") == 0) {
		lead_event ev = lead_event_init(EV_FOLLOWUP);

		ev.promise = ev.text = argv[1];
		ev.actor = a.by;
		rc = process(&e, cli_parse_id(argv[0]), &ev);
	} else if (strcmp(sub, "owner") == 0) {
		lead_event ev = lead_event_init(EV_OWNER);

		ev.owner = argv[1];
		ev.actor = a.by;
		rc = process(&e, cli_parse_id(argv[0]), &ev);
	} else if (plan_sub(sub)) {
		rc = plan(&e, cli_parse_id(argv[0]), sub, argc > 1 ? argv[1] : NULL, &a);
	} else {
		rc = log_event(&e, cli_parse_id(argv[0]), argv[1], &a);
	}
	cli_close(&e);
	return rc;
}

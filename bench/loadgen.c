/*
 * loadgen.c - a real HTTP client for the intake benchmarks: N keep-alive
 * connections on libcurl's multi interface, each POSTing one realistic lead
 * at a time (names, phones, services and messages vary; every phone and email
 * is unique, so no lead is folded into an earlier one as a repeat inquiry).
 *
 * Closed loop (--rate 0): each client sends its next lead as soon as the last
 * one is answered - the most the server takes. Open loop (--rate R): leads
 * are started on a fixed schedule, R per second in all, and latency is
 * counted from the scheduled start, so a stalled server cannot hide its
 * stall by slowing the client down (no coordinated omission).
 *
 * --body sends one fixed body instead (to measure a peer such as the SMS
 * stand-in on its own). Every status is checked: anything but --expect
 * counts as an error. Prints
 * one JSON line; with --trace FILE also one line per lead
 * "phone scheduled_ns(realtime) done_ns(realtime) status", for speed to lead
 * (status 0: no answer - refused, reset, timed out). SIGTERM or SIGINT ends
 * the run early as if its duration were over: nothing new is started, what
 * is in flight finishes, the summary and the trace are written.
 */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#define MAX_CLIENTS 1024

typedef struct {
	CURL *h;
	char body[768];
	char phone[20];
	int64_t start_ns;	/* latency counts from here (scheduled start) */
	int64_t start_real_ns;	/* the same instant on the wall clock */
	bool busy;
} client;

static const char *const first_names[] = {
	"Marcus", "Ana", "Wei", "Priya", "Tom", "Fatima", "Jamal", "Olga", "Diego", "Hannah",
	"Kenji", "Amara", "Luis", "Sofia", "Noah", "Grace", "Ivan", "Leila", "Sam", "Mei",
};
static const char *const last_names[] = {
	"Johnson", "Lopez", "Chen", "Patel", "O'Brien", "Noor", "Williams", "Kowalski",
	"Garcia", "Schmidt", "Tanaka", "Okafor", "Hernandez", "Rossi", "Brown", "Kim",
};
static const char *const services[] = {
	"deck repair", "water heater", "roof leak", "AC tune-up", "drain cleaning",
	"new windows", "furnace repair", "bathroom remodel", "gutter cleaning", "sump pump",
};
static const char *const messages[] = {
	"Need a quote, any weekday after 3pm works",
	"Water everywhere in the basement, please call ASAP",
	"Saw your ad, how soon could someone come out?",
	"Looking for an estimate before the weekend",
	"",
};
static const char *const areas[] = { "312", "773", "872", "630", "708", "847" };

static volatile sig_atomic_t stop_early;

static void
on_stop(int sig)
{
	(void)sig;
	stop_early = 1;
}

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t
real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static size_t
discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Lead number n as a request body. The phone is a valid NANP number unique
 * per (seed, n); the exchange starts at 200 as NANP requires. */
static void
make_lead(client *c, uint64_t seed, uint64_t n, bool form)
{
	uint64_t u = seed * 1000003u + n;
	const char *fn = first_names[n % 20], *ln = last_names[(n / 20) % 16];
	const char *svc = services[(n / 7) % 10], *msg = messages[n % 5];
	unsigned exch = 200 + (unsigned)((u / 10000) % 800), line = (unsigned)(u % 10000);

	snprintf(c->phone, sizeof c->phone, "+1%s%03u%04u", areas[(u / 8000000) % 6], exch, line);
	if (form)
		snprintf(c->body, sizeof c->body,
			 "name=%s+%s&phone=%%2B1%s%03u%04u&email=lead%llu.%llu%%40example.com"
			 "&service=%s&message=%s", fn, ln, areas[(u / 8000000) % 6], exch, line,
			 (unsigned long long)seed, (unsigned long long)n, svc, msg);
	else
		snprintf(c->body, sizeof c->body,
			 "{\"name\":\"%s %s\",\"phone\":\"%s\",\"email\":\"lead%llu.%llu@example.com\","
			 "\"source\":\"web_form\",\"service\":\"%s\",\"message\":\"%s\"}",
			 fn, ln, c->phone, (unsigned long long)seed, (unsigned long long)n, svc, msg);
	if (form)	/* form bodies: spaces as '+' */
		for (char *p = c->body; *p; p++)
			if (*p == ' ')
				*p = '+';
}

static void
usage(void)
{
	fprintf(stderr,
		"usage: loadgen --url URL [--header H]... [--form] [--clients N] [--duration S]\n"
		"               [--rate R] [--expect STATUS] [--seed N] [--trace FILE] [--name NAME]\n"
		"               [--body FIXED_BODY] [--user USER:PASSWORD]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "header", required_argument, NULL, 'H' },
		{ "form", no_argument, NULL, 'f' },
		{ "clients", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "rate", required_argument, NULL, 'r' },
		{ "expect", required_argument, NULL, 'e' },
		{ "seed", required_argument, NULL, 's' },
		{ "trace", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "body", required_argument, NULL, 'b' },
		{ "user", required_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = NULL, *trace_path = NULL, *name = "intake", *fixed = NULL, *user = NULL;
	struct curl_slist *hdrs = NULL;
	bool form = false;
	int nclients = 64, opt;
	double duration = 10, rate = 0;
	long expect = 201;
	uint64_t seed = (uint64_t)time(NULL), next_lead = 0;
	static client cl[MAX_CLIENTS];
	int64_t *lat;
	size_t nlat = 0, cap = 1 << 20;
	long ok = 0, errors = 0, net_errors = 0, status_counts[6] = { 0 };
	FILE *trace = NULL;
	CURLM *m;
	int64_t t0, t_end, interval_ns = 0, next_due;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'u': url = optarg; break;
		case 'H': hdrs = curl_slist_append(hdrs, optarg); break;
		case 'f': form = true; break;
		case 'c': nclients = atoi(optarg); break;
		case 'd': duration = atof(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'e': expect = atol(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 't': trace_path = optarg; break;
		case 'n': name = optarg; break;
		case 'b': fixed = optarg; break;
		case 'U': user = optarg; break;
		default: usage();
		}
	}
	if (url == NULL || nclients < 1 || nclients > MAX_CLIENTS)
		usage();
	if (trace_path && (trace = fopen(trace_path, "w")) == NULL) {
		perror(trace_path);
		return 1;
	}
	/* curl would otherwise wait for "100 Continue" on bigger bodies. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	hdrs = curl_slist_append(hdrs, form ? "Content-Type: application/x-www-form-urlencoded"
				       : "Content-Type: application/json");
	lat = malloc(cap * sizeof *lat);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)nclients);
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)nclients);
	for (int i = 0; i < nclients; i++) {
		CURL *h = cl[i].h = curl_easy_init();

		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
		curl_easy_setopt(h, CURLOPT_PRIVATE, &cl[i]);
		if (user != NULL)
			curl_easy_setopt(h, CURLOPT_USERPWD, user);
	}

	{
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_stop;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
	}
	t0 = mono_ns();
	t_end = t0 + (int64_t)(duration * 1e9);
	if (rate > 0)
		interval_ns = (int64_t)(1e9 / rate);
	next_due = t0;
	for (;;) {
		int64_t now = mono_ns();
		int running, left;
		CURLMsg *msg;
		bool any_busy = false;

		if (stop_early && t_end > now)
			t_end = now;
		/* Start what is due: every idle client (closed loop), or one per
		 * scheduled slot (open loop; a slot with no idle client waits and
		 * its wait counts in its latency). */
		for (int i = 0; i < nclients && now < t_end; i++) {
			client *c = &cl[i];

			if (c->busy)
				continue;
			if (interval_ns > 0 && next_due > now)
				break;
			make_lead(c, seed, next_lead++, form);
			if (fixed != NULL)
				snprintf(c->body, sizeof c->body, "%s", fixed);
			curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, c->body);
			c->start_ns = interval_ns > 0 ? next_due : now;
			c->start_real_ns = real_ns() - (now - c->start_ns);
			if (interval_ns > 0)
				next_due += interval_ns;
			c->busy = true;
			curl_multi_add_handle(m, c->h);
		}
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			client *c;
			long status = 0;
			int64_t done;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
			done = mono_ns();
			if (msg->data.result != CURLE_OK) {
				net_errors++;
				errors++;
			} else {
				curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
				status_counts[status / 100 <= 5 ? status / 100 : 0]++;
				if (status == expect)
					ok++;
				else
					errors++;
			}
			if (nlat == cap)
				lat = realloc(lat, (cap *= 2) * sizeof *lat);
			lat[nlat++] = done - c->start_ns;
			if (trace)
				fprintf(trace, "%s %lld %lld %ld\n", c->phone, (long long)c->start_real_ns,
					(long long)(c->start_real_ns + (done - c->start_ns)), status);
			curl_multi_remove_handle(m, c->h);
			c->busy = false;
		}
		for (int i = 0; i < nclients; i++)
			any_busy |= cl[i].busy;
		if (mono_ns() >= t_end && !any_busy)
			break;
		/* Sleep until a socket is ready, or the next slot is due. */
		{
			int wait_ms = 50;

			if (interval_ns > 0) {
				int64_t d = (next_due - mono_ns()) / 1000000;

				wait_ms = d < 0 ? 0 : d < 50 ? (int)d : 50;
			}
			curl_multi_poll(m, NULL, 0, wait_ms, NULL);
		}
	}
	{
		double secs = (double)(mono_ns() - t0) / 1e9;

		qsort(lat, nlat, sizeof *lat, cmp_i64);
#define PCT(p) (nlat ? (double)lat[(size_t)((double)(nlat - 1) * (p))] / 1e6 : 0.0)
		printf("{\"figure\":\"%s\",\"value\":%.0f,\"unit\":\"leads/s\",\"ok\":%ld,"
		       "\"errors\":%ld,\"net_errors\":%ld,\"2xx\":%ld,\"4xx\":%ld,\"5xx\":%ld,"
		       "\"clients\":%d,\"rate_target\":%.0f,\"seconds\":%.2f,"
		       "\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}\n",
		       name, (double)ok / secs, ok, errors, net_errors, status_counts[2],
		       status_counts[4], status_counts[5], nclients, rate, secs, PCT(0.50),
		       PCT(0.90), PCT(0.99), PCT(1.0));
	}
	for (int i = 0; i < nclients; i++)
		curl_easy_cleanup(cl[i].h);
	curl_multi_cleanup(m);
	curl_slist_free_all(hdrs);
	curl_global_cleanup();
	free(lat);
	if (trace)
		fclose(trace);
	return errors > 0 ? 1 : 0;
}

/*
 * deliver_log.c - the `log` provider, the demo's safe default: writes what
 * would be sent as one JSON line per message to DATA/outbox.log (or
 * --deliver-log FILE), with one write(2) so lines never interleave. Also
 * deliver_log_due(): what the dispatcher would have sent by a virtual now,
 * for `leadkeep demo-seed`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "deliver_internal.h"
#include "util/utf8.h"

static int
log_check(const deliver_config *cfg, char *err, size_t errlen)
{
	return 0;
}

/* A message's text as a JSON string: bytes that are not UTF-8 (a row stored
 * before the doors checked) become U+FFFD instead of failing the line. */
static json_t *
text(const char *v)
{
	json_t *j;
	char *clean;
	size_t n;

	if (v == NULL)
		return json_null();
	if ((j = json_string(v)) != NULL)
		return j;
	if ((clean = utf8_sanitize(v, strlen(v), &n, NULL)) == NULL)
		return NULL;
	j = json_stringn(clean, n);
	free(clean);
	return j;
}

static int
log_start(deliver_job *job, deliver_result *res)
{
	const outbox_msg *m = &job->msg;
	char ts[32], *line;
	time_t now = time(NULL);
	struct tm tm;
	json_t *o;
	size_t n;
	int fd;
	ssize_t w;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	o = json_pack("{s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:i}", "ts", ts, "id",
		      (json_int_t)m->id, "lead_id", (json_int_t)m->lead_id, "channel",
		      text(m->channel), "to", text(m->recipient), "person", text(m->person),
		      "subject", text(m->subject), "purpose", text(m->purpose ? m->purpose : ""),
		      "body", text(m->body), "attempt", m->attempts);
	line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (line == NULL) {
		/* every string is valid UTF-8 by now: only memory can be missing */
		res->kind = DELIVER_TEMP;
		snprintf(res->error, sizeof res->error, "out of memory");
		return 1;
	}
	n = strlen(line);
	line[n] = '\n';		/* json_dumps leaves room: we replace the NUL */
	fd = open(job->cfg->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	w = fd >= 0 ? write(fd, line, n + 1) : -1;
	if (fd >= 0)
		close(fd);
	free(line);
	if (w != (ssize_t)(n + 1)) {
		/* A short write left part of a line: nothing a reader counts as sent. */
		res->kind = DELIVER_TEMP;
		snprintf(res->error, sizeof res->error, "cannot write %s: %s", job->cfg->log_path,
			 strerror(errno));
		return 1;
	}
	res->kind = DELIVER_OK;
	snprintf(res->provider_id, sizeof res->provider_id, "log-%lld", (long long)m->id);
	return 1;
}

static void
log_finish(deliver_job *job, CURLcode cc, deliver_result *res)
{
	(void)job;
	(void)cc;
	res->kind = DELIVER_PERM;	/* never called: the log provider runs no transfer */
}

const deliver_provider deliver_log_provider = {
	.name = "log",
	.channel = "*",
	.check = log_check,
	.start = log_start,
	.finish = log_finish,
};

int
deliver_log_due(store *s, const rules *r, const char *log_path, int64_t now)
{
	static const char *const channels[] = { "sms", "email" };
	deliver_config cfg = { .log_path = (char *)log_path, .rules = r, .max_attempts = 1,
			       .backoff_base = 1, .backoff_cap = 1 };
	int sent = 0;

	for (size_t c = 0; c < sizeof channels / sizeof channels[0]; c++) {
		int64_t ids[64];
		int n;

		do {
			if ((n = store_outbox_due(s, channels[c], now, ids, 64)) < 0)
				return -1;
			for (int i = 0; i < n; i++) {
				deliver_job job = { .cfg = &cfg };
				deliver_result res = { 0 };
				int rc;

				/* Claimed and committed before the send, as the dispatcher does. */
				if (store_begin(s) < 0)
					return -1;
				rc = deliver_claim(s, r, ids[i], now, &job.msg);
				if (rc < 0 || store_commit(s) < 0) {
					store_rollback(s);
					return -1;
				}
				if (rc != OUTBOX_CLAIMED)
					continue;
				deliver_log_provider.start(&job, &res);
				rc = deliver_record(s, &cfg, &job.msg, deliver_log_provider.name, &res,
						    now);
				outbox_msg_free(&job.msg);
				if (rc < 0)
					return -1;
				sent += res.kind == DELIVER_OK;
			}
		} while (n == 64);
	}
	return sent;
}

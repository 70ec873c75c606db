#!/usr/bin/env bash
# smoke.sh - the benchmarks' check for tests/run.sh: runs bench/run.sh --smoke
# (every piece for a second or two) and reports in TAP whether it ran and
# printed every figure. Asserts no timing: a slow or noisy machine passes.
cd "$(dirname "$0")/.."
out=$(bench/run.sh --smoke 2>&1)
rc=$?
echo "1..2"
if [ $rc -eq 0 ]; then
	echo "ok 1 - every benchmark piece ran"
else
	echo "not ok 1 - a benchmark piece could not run (exit $rc)"
	tail -n 40 <<<"$out" | sed 's/^/# /'
fi
missing=""
for f in fsync_limit naive_insert storage_limit rss_idle intake rss_intake intake_form_sql \
	intake_form_cpu speed_to_lead timer_message restart rss_at_scale today_queue lead_page web_today web_lead_page report web_reports storage timer_lateness simulate_month import_100k pg_claim pg_claim_open_tx \
	fair_ack_alone_sqlite fair_ack_import_sqlite; do
	grep -qE "^$f +" <<<"$out" || missing="$missing $f"
done
if [ -z "$missing" ]; then
	echo "ok 2 - the table lists every figure"
else
	echo "not ok 2 - the table lacks:$missing"
fi

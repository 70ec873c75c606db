#!/usr/bin/env bash
# run.sh - leadkeep's benchmarks: the machine's own limits first (fsync, naive
# durable insert, storage), then the real `leadkeep serve` on loopback with
# fresh data directories: durable intake, what one web-form lead costs (CPU,
# SQL statements), speed to lead, a timer-made message's latency, memory, a
# restart at 1,000,000 leads, Today queue and lead page at that size (API and
# the web app's HTML pages), `leadkeep report` and the Reports page at that
# size, timer precision under load, storage per lead,
# `simulate` on a busy month, `leadkeep import` of a 100,000-row spreadsheet,
# PostgreSQL's outbox claim latency beside a long open transaction, and a
# quiet business's acknowledgments while another imports (SQLite and
# PostgreSQL). `make bench-scale` (bench/scale_many.sh) is apart: many
# businesses and leads, 1 and 3 PostgreSQL nodes.
# Prints one JSON line per figure as it is taken, then a table.
#
#   bench/run.sh           the full run (about 9 minutes on 2 cores; docs/benchmarks.md)
#   bench/run.sh --smoke   every piece for a second or two: proves the benchmarks
#                          still run; asserts no timing (tests/run.sh runs it)
#
# Environment: LK_BIN (default build/leadkeep), LK_BENCH_DIR (default
# build/bench: tools, results.jsonl, scratch data), LK_BENCH_KEEP=1 keeps the
# scratch data directories. Production defaults throughout: nothing here
# changes how leadkeep commits, caches or schedules.
set -u
cd "$(dirname "$0")/.."

SMOKE=0
[ "${1:-}" = --smoke ] && SMOKE=1
LK=${LK_BIN:-$PWD/build/leadkeep}
OUT=${LK_BENCH_DIR:-$PWD/build/bench}
BIN=$OUT/bin
WORK=$OUT/work$([ $SMOKE = 1 ] && echo -smoke)
RESULTS=$OUT/results$([ $SMOKE = 1 ] && echo -smoke).jsonl
SERVE_PID=
SERVE_ENV=()
SERVE_CONF=bench/server.yaml	# the abuse guards only: see the file

. bench/lib.sh
. bench/disk.sh
. bench/intake.sh
. bench/intake_cost.sh
. bench/speed_to_lead.sh
. bench/timer_message.sh
. bench/scale.sh
. bench/report.sh
. bench/timers.sh
. bench/simulate.sh
. bench/import.sh

for tool in cc curl sqlite3 pkg-config; do
	command -v $tool >/dev/null || { echo "bench: $tool is needed (make deps)" >&2; exit 1; }
done
[ -x "$LK" ] || { echo "bench: no $LK (make build/leadkeep)" >&2; exit 1; }

cleanup() {
	serve_stop
	jobs -p | xargs -r kill 2>/dev/null
	[ "${LK_BENCH_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$WORK"
mkdir -p "$BIN" "$WORK"
: >"$RESULTS"

# The tools, built here so they always match this machine's libraries.
# queries links the project's release objects (make build/leadkeep made them).
CFLAGS="-O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra"
cc $CFLAGS $(pkg-config --cflags sqlite3) -o "$BIN/disk_limits" bench/disk_limits.c \
	$(pkg-config --libs sqlite3) || exit 1
cc $CFLAGS $(pkg-config --cflags libcurl) -o "$BIN/loadgen" bench/loadgen.c \
	$(pkg-config --libs libcurl) || exit 1
# The release objects when there are (make build), else the sanitizer ones
# (make test builds only those).
OBJ=build/rel SAN=
if [ ! -f build/rel/src/store/store_sqlite.o ] && [ -f build/asan/src/store/store_sqlite.o ]; then
	OBJ=build/asan SAN="-fsanitize=address,undefined"
fi
rm -f "$BIN/queries"
cc $CFLAGS $SAN -Isrc $(pkg-config --cflags sqlite3 jansson) -o "$BIN/queries" bench/queries.c \
	$OBJ/src/store/*.o $OBJ/src/read/*.o $OBJ/src/core/*.o $OBJ/src/util/*.o \
	$(pkg-config --libs sqlite3 jansson libsodium libpq) -lm 2>"$WORK/queries.link" ||
	echo "bench: queries.c did not link (store-level query times skipped): $(head -n 2 "$WORK/queries.link")" >&2
# intake_sql runs the writer's intake job in process: the objects below the CLI.
rm -f "$BIN/intake_sql"
cc $CFLAGS $SAN -Isrc $(pkg-config --cflags sqlite3 jansson) -o "$BIN/intake_sql" bench/intake_sql.c \
	$OBJ/src/http/http_jobs.o $OBJ/src/intake/*.o $OBJ/src/flow/*.o $OBJ/src/store/*.o $OBJ/src/core/*.o \
	$OBJ/src/rules/*.o $OBJ/src/util/*.o $OBJ/build/gen/default_rules.o \
	$(pkg-config --libs sqlite3 jansson libsodium yaml-0.1 libpq) -lm 2>"$WORK/intake_sql.link" ||
	echo "bench: intake_sql.c did not link (SQL statements per lead skipped): $(head -n 2 "$WORK/intake_sql.link")" >&2

if [ $SMOKE = 1 ]; then
	DISK_S=0.3 IDLE_S=0.5 INTAKE_S=1 CLIENTS=8 STANDIN_S=0.5 SPEED_RATE=20 SPEED_S=1 DRAIN_S=1
	COST_S=1 COST_RATE=20 SQL_LEADS=50 TIMER_MSGS=3
	REPORT_ITERS=3
	SCALE_N=2000 ITERS=50 SCALE_INTAKE_S=1 TIMER_RATE=20 TIMER_S=2 TIMER_INTAKE=20 TIMER_LEAD=3
	MONTH=200 IMPORT_ROWS=1000
else
	DISK_S=3 IDLE_S=2 INTAKE_S=20 CLIENTS=64 STANDIN_S=3 SPEED_RATE=200 SPEED_S=10 DRAIN_S=5
	COST_S=10 COST_RATE=500 SQL_LEADS=1000 TIMER_MSGS=30
	REPORT_ITERS=10
	SCALE_N=1000000 ITERS=1000 SCALE_INTAKE_S=5 TIMER_RATE=1000 TIMER_S=60 TIMER_INTAKE=1000 TIMER_LEAD=8
	MONTH=10000 IMPORT_ROWS=100000
fi

failed=()
step() { # NAME FUNCTION ARGS...: runs one piece; a piece that cannot run is reported, not fatal
	local name=$1 t0=$SECONDS
	shift
	echo "bench: $name..." >&2
	"$@" || failed+=("$name")
	serve_stop
	echo "bench: $name took $((SECONDS - t0)) s" >&2
}

step machine bench_machine
step disk bench_disk "$DISK_S"
step intake bench_intake "$INTAKE_S" "$CLIENTS" "$IDLE_S"
step intake_cost bench_intake_cost "$COST_S" "$COST_RATE" "$SQL_LEADS"
step sms_standin bench_sms_standin "$STANDIN_S"
# The dispatcher's SMS rate (providers: delivery: sms_rate, default 10/s) is the account's
# throughput at the provider - a setting, like the base URL. The stand-in has
# no limit, so it is lifted here; 200 leads/s cannot be texted at 10/s.
step speed_to_lead bench_speed speed_to_lead "$SPEED_RATE" "$SPEED_S" "$DRAIN_S" 0
# Diagnostic: a tenth of the rate, below every ceiling: what one lead waits alone.
[ $SMOKE = 0 ] && step speed_to_lead_low bench_speed speed_to_lead_low \
	$((SPEED_RATE / 10)) "$SPEED_S" "$DRAIN_S" 0
# A text made by a timer (one second after intake), one lead at a time.
step timer_message bench_timer_message "$TIMER_MSGS"
step scale bench_scale "$SCALE_N" "$ITERS" "$SCALE_INTAKE_S"
step report bench_report "$REPORT_ITERS"
step timers bench_timers "$TIMER_RATE" "$TIMER_S" "$TIMER_INTAKE" "$TIMER_LEAD"
# Diagnostic: the same on a quiet server (no intake waking the scheduler).
[ $SMOKE = 0 ] && step timers_idle bench_timers 100 10 0 5 timer_lateness_idle
step simulate bench_simulate "$MONTH"
step import bench_import "$IMPORT_ROWS"
# Outbox claims on PostgreSQL beside a long open transaction (several nodes):
# a minute of it here; bench/pg_claim.sh alone runs the 5-minute one.
bench_pg_claim() {
	local out
	if [ $SMOKE = 1 ]; then
		out=$(bench/pg_claim.sh --smoke) || return 1
	else
		out=$(LK_CLAIM_ROWS=500000 LK_CLAIM_QUIET=20 LK_CLAIM_OPEN=60 bench/pg_claim.sh) ||
			return 1
	fi
	echo "$out" | tee -a "$RESULTS"
}
step pg_claim bench_pg_claim
# One install, two businesses: one's acknowledgments while the other imports.
# PostgreSQL's import is slower (a round trip per statement): fewer rows there.
bench_fairness() {
	local out
	if [ $SMOKE = 1 ]; then
		out=$(bench/fairness.sh --smoke) || return 1
	else
		out=$(bench/fairness.sh && LK_FAIR_ROWS=${LK_FAIR_PG_ROWS:-5000} bench/fairness.sh --pg) ||
			return 1
	fi
	echo "$out" >>"$RESULTS"
	echo "$out"
}
step fairness bench_fairness
# The CPU an intake lead costs PostgreSQL's server and serve (CPU time, so
# comparable between builds on a busy machine).
bench_pg_cpu() {
	local out
	out=$(bench/pg_cpu.sh $([ $SMOKE = 1 ] && echo --smoke)) || return 1
	echo "$out" >>"$RESULTS"
	echo "$out"
}
step pg_cpu bench_pg_cpu

echo
awk -f bench/table.awk "$RESULTS"
echo
echo "results: $RESULTS$([ $SMOKE = 1 ] && echo ' (smoke: figures are not meaningful)')"
if [ ${#failed[@]} -gt 0 ]; then
	echo "bench: pieces that could not run: ${failed[*]}" >&2
	exit 1
fi

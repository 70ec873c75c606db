#!/usr/bin/env bash
# pg_cpu.sh - the CPU one intake lead costs on PostgreSQL: the cluster's
# server processes' and serve's, over N leads posted one after another
# through the API (`make bench`, docs/benchmarks.md). CPU time, not wall
# time, so it compares two builds fairly on a machine that is busy; the
# server's part includes what each commit sets off (the scheduler's and the
# dispatcher's rounds, the acknowledgments' sends).
#
#   bench/pg_cpu.sh [--smoke]
#
# Environment: LK_PG_CPU_LEADS (300), LK_BIN, LK_BENCH_DIR, LK_BENCH_KEEP (as
# bench/run.sh). Prints one JSON line per figure; asserts nothing.
set -u
cd "$(dirname "$0")/.."
if [ -z "${LK_PG_URL:-}" ]; then
	exec tests/pg_cluster.sh "$0" "$@"
fi
N=${LK_PG_CPU_LEADS:-300}
[ "${1:-}" = --smoke ] && N=20
LK=${LK_BIN:-$PWD/build/leadkeep}
OUT=${LK_BENCH_DIR:-$PWD/build/bench}
WORK=$OUT/work-pg-cpu
RESULTS=$WORK/results.jsonl
SERVE_PID=
. bench/lib.sh
trap 'serve_stop; [ "${LK_BENCH_KEEP:-0}" = 1 ] || rm -rf "$WORK"' EXIT
rm -rf "$WORK"
mkdir -p "$WORK/files"
export LEADKEEP_FILES=$WORK/files

# the cluster's processes: the postmaster and its children
pg_ticks() {
	local pm t=0 p
	pm=$(head -1 "$LK_PG_DIR/data/postmaster.pid")
	for p in "$pm" $(pgrep -P "$pm"); do
		t=$((t + $(cpu_ticks "$p" 2>/dev/null || echo 0)))
	done
	echo "$t"
}

tok=$(token_for "$LK_PG_URL" intake) || { echo "pg_cpu: no token" >&2; exit 1; }
serve_start pg-cpu "$LK_PG_URL" || exit 1
for ((i = 1; i <= N; i++)); do
	printf '{"name":"Lead %d","phone":"+1312555%04d","message":"Roof leak, any weekday"}\n' "$i" "$i"
done >"$WORK/bodies"
sleep 1	# serve's start settled (its first rounds, the report warmer)
pg0=$(pg_ticks) sv0=$(cpu_ticks "$SERVE_PID")
bad=0
while read -r body; do
	[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" \
		-H 'Content-Type: application/json' -d "$body" "$SERVE_URL/api/v1/leads")" = 202 ] ||
		bad=$((bad + 1))
done <"$WORK/bodies"
sleep 3	# the acknowledgments sent, the rounds they set off done
pg1=$(pg_ticks) sv1=$(cpu_ticks "$SERVE_PID")
tick_ms=$(calc "1000 / $(getconf CLK_TCK)" 3)
fig pg_cpu_per_lead "$(calc "($pg1 - $pg0) * $tick_ms / $N" 2)" "ms CPU" "" null \
	"\"leads\":$N,\"not_202\":$bad,\"load\":\"$(awk '{ print $1 }' /proc/loadavg)\",\"what\":\"the PostgreSQL cluster's processes' CPU per intake lead\""
fig serve_cpu_per_lead_pg "$(calc "($sv1 - $sv0) * $tick_ms / $N" 2)" "ms CPU" "" null \
	"\"leads\":$N,\"what\":\"serve's own CPU per intake lead on PostgreSQL\""

#!/usr/bin/env bash
# restart_many.sh - serve's start with many businesses (docs/benchmarks.md,
# "Restart with many businesses"): N businesses registered as
# bench/scale_many.sh registers them (one `leadkeep business add`, the other
# rows copied in SQL, each business its own file with its own Twilio number),
# no leads; serve's first start, then two restarts under the same node name.
# Prints exec to /readyz 200 and serve's CPU time (user + system) then.
#
#   bench/restart_many.sh sqlite|pg N
#
# pg: under tests/pg_cluster.sh (LK_PG_URL). LK_BIN: the binary
# (build/leadkeep); PERF2: a command prefixed to the last start (perf record
# ... --). LK_BENCH_DIR: where its files go (build/bench).
set -u
cd "$(dirname "$0")/.."
ENGINE=$1 BIZ=$2
LK=${LK_BIN:-$PWD/build/leadkeep}
WORK=${LK_BENCH_DIR:-$PWD/build/bench}/work-restart-$ENGINE-$BIZ
rm -rf "$WORK"; mkdir -p "$WORK/biz"
export LEADKEEP_LINK_SECRET=x LEADKEEP_LEASE=${LEADKEEP_LEASE:-5} BENCH_TW_TOKEN=t
. bench/lib.sh
RULES=$WORK/business.yaml
STUB_URL=http://127.0.0.1:9 open_business_file "$RULES" "+13125550100"	# nothing is sent
business_files "$WORK/biz" "$BIZ" "$RULES"
if [ "$ENGINE" = pg ]; then data=$LK_PG_URL; dbq() { psql -XAtq -v ON_ERROR_STOP=1 "$LK_PG_URL" -c "$1"; }
else data=$WORK/sqlite; mkdir -p $data; dbq() { sqlite3 -bail -cmd ".timeout 10000" "$data/leadkeep.db" "$1"; }; fi
"$LK" business add b1 "$WORK/biz/b1.yaml" --data "$data" >/dev/null || exit 1
dbq "INSERT INTO businesses (slug, name, timezone, created_at, file, disabled)
     SELECT 'b' || value, name, timezone, created_at, '$WORK/biz/b' || value || '.yaml', disabled
     FROM businesses, generate_series(2, $BIZ) AS value WHERE slug = 'b1'" || exit 1
start() { # label
	local t0 port= i log=$WORK/$1.log
	t0=$(now_ns)
	env LEADKEEP_NODE=${NODE:-n1} ${PERF:-} "$LK" serve --data "$data" --listen 127.0.0.1:0 --config bench/server.yaml --rules "$RULES" 2>"$log" &
	PID=$!
	for ((i = 0; i < 60000; i++)); do
		[ -z "$port" ] && [ -f "$log" ] && port=$(sed -n 's/.*msg=listening .* port=\([0-9]*\).*/\1/p' "$log" | head -1)
		if [ -n "$port" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; then
			echo "$ENGINE N=$BIZ $1: $((($(now_ns) - t0) / 1000000)) ms cpu=$(awk '{ print ($14 + $15) * 10 }' /proc/$PID/stat) ms load=$(cut -d' ' -f1 /proc/loadavg)"; return 0; fi
		kill -0 $PID 2>/dev/null || { echo "exited: $(tail -3 $log)"; return 1; }
		sleep 0.01
	done
}
stop() { kill -TERM $PID; wait $PID; }
start first; stop
start restart1; stop
PERF=${PERF2:-} start restart2; stop

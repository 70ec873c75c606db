#!/usr/bin/env bash
# scale_many.sh - many businesses and many leads in one install (`make
# bench-scale`, docs/benchmarks.md, docs/scaling.md): BIZ businesses and
# LEADS leads, on SQLite (one node) and on PostgreSQL with 1 and 3 serve
# nodes on this machine, each at the same size: serve's restart, intake rate,
# acknowledgment latency, timer lateness and the Today queue.
#
#   bench/scale_many.sh [--smoke]
#
# Environment: LK_SCALE_BIZ (10000), LK_SCALE_LEADS (10000000),
# LK_SCALE_NODES ("1 3": the PostgreSQL runs), LK_SCALE_ENGINES ("sqlite pg"),
# LK_SCALE_S (10: seconds of each load), LK_BIN, LK_BENCH_DIR, LK_BENCH_KEEP
# (as bench/run.sh). PostgreSQL: a throwaway cluster with its durable
# defaults (tests/pg_cluster.sh, LK_PG_DURABLE=1: fsync on, as SQLite's
# synchronous=FULL). Prints one JSON line per figure (bench/lib.sh's fig,
# with the load average when it was taken); asserts nothing.
#
# How: every business runs the same file (the demo's rules open around the
# clock, texting through the stand-in SMS API with no send-rate cap). The
# businesses are registered as `leadkeep business add` registers one (one
# command, then rows copied in SQL); serve starts once with no leads, so it
# writes each business's people and rules version itself; then
# bench/scale_many.sql writes the leads in bulk (generate_series) with that
# version, so serve re-plans nothing. Measured on the real serve: restart
# (exec to /readyz 200), intake (16 clients per node, closed loop, the API
# with a token of one business per node), acknowledgments (an open loop of
# ACK_RATE leads/s shared by the nodes, arrival at the stand-in minus send,
# as bench/speed_to_lead.sh), timer lateness (BURST step timers of leads
# spread over all businesses, due BURST_RATE a second while the
# acknowledgment load runs: fired_at - due_at, whole seconds, from the
# database), the Today queue (GET /api/v1/tasks?assignee=, serve's dur_ms).
set -u
cd "$(dirname "$0")/.."

SMOKE=0
[ "${1:-}" = --smoke ] && SMOKE=1
if [ $SMOKE = 1 ]; then
	BIZ=20 LEADS=2000 NODES="1 3" SECS=1 ACK_RATE=10 BURST=40 BURST_RATE=20 ITERS=20
else
	BIZ=${LK_SCALE_BIZ:-10000} LEADS=${LK_SCALE_LEADS:-10000000} NODES=${LK_SCALE_NODES:-1 3}
	SECS=${LK_SCALE_S:-10} ACK_RATE=20 BURST=2000 BURST_RATE=100 ITERS=300
fi
ENGINES=${LK_SCALE_ENGINES:-sqlite pg}
case " $ENGINES " in
*" pg "*)
	if [ -z "${LK_PG_URL:-}" ]; then
		LK_PG_DURABLE=1 exec tests/pg_cluster.sh "$0" "$@"
	fi ;;
esac
LK=${LK_BIN:-$PWD/build/leadkeep}
OUT=${LK_BENCH_DIR:-$PWD/build/bench}
BIN=$OUT/bin
WORK=$OUT/work-scale-many$([ $SMOKE = 1 ] && echo -smoke)
RESULTS=$WORK/results.jsonl
SERVE_PID= SERVE_ENV=() SERVE_CONF=bench/server.yaml STUB_PID=
declare -a NODE_PIDS=() NODE_URLS=()
RUN=0	# node starts so far: each has a name of its own, and its loads seeds of their own
. bench/lib.sh
. bench/speed_to_lead.sh
. bench/scale.sh	# log_durations, get_many

stop_nodes() {
	local p
	for p in ${NODE_PIDS[@]+"${NODE_PIDS[@]}"}; do kill -TERM "$p" 2>/dev/null; done
	for p in ${NODE_PIDS[@]+"${NODE_PIDS[@]}"}; do wait "$p" 2>/dev/null; done
	NODE_PIDS=() NODE_URLS=()
}
BENCH_STOP=stop_nodes
bench_begin scale
export LEADKEEP_LINK_SECRET=scale-bench-secret LEADKEEP_LEASE=5

RULES=$WORK/business.yaml
open_business_file "$RULES" "+13125550100"

# node_start K ENGINE DATA: serve node K; appends its pid and URL.
node_start() {
	local name=scale-$2-n$1
	SERVE_PID=
	RUN=$((RUN + 1))
	SERVE_ENV=(BENCH_TW_TOKEN=bench_token LEADKEEP_NODE="node$1-run$RUN")
	serve_start "$name" "$3" --rules "$RULES" || return 1
	NODE_PIDS+=("$SERVE_PID") NODE_URLS+=("$SERVE_URL")
	SERVE_PID=	# stop_nodes stops it
}

business_files "$WORK/biz" "$BIZ" "$RULES"

# setup ENGINE DATA DB_CMD: businesses, people and versions by serve, then the leads.
setup() {
	local engine=$1 data=$2 t0 ver owners nown b0 sql
	"$LK" business add b1 "$WORK/biz/b1.yaml" --data "$data" >/dev/null 2>"$WORK/business.err" ||
		{ echo "scale: business add: $(cat "$WORK/business.err")" >&2; return 1; }
	dbq "INSERT INTO businesses (slug, name, timezone, created_at, file, disabled)
	     SELECT 'b' || value, name, timezone, created_at, '$WORK/biz/b' || value || '.yaml', disabled
	     FROM businesses, generate_series(2, $BIZ) AS value WHERE slug = 'b1'" || return 1
	t0=$(now_ns)
	node_start 1 "$engine" "$data" || return 1
	fig "scale_first_start_$engine" "$SERVE_READY_MS" ms "" null \
		"\"businesses\":$BIZ,\"load\":\"$(load)\",\"what\":\"serve's first start: each business's people and rules version written\""
	stop_nodes
	ver=$(dbq "SELECT hash FROM rules_versions ORDER BY id LIMIT 1")
	b0=$(dbq "SELECT min(id) FROM businesses WHERE slug LIKE 'b%'")
	owners=$(dbq "SELECT id FROM people WHERE business_id = $b0 AND role <> 'manager' AND active = 1 ORDER BY id" |
		awk '{ printf "%s(%d, '\''%s'\'')", (NR > 1 ? ", " : ""), NR - 1, $1 }')
	nown=$(dbq "SELECT count(*) FROM people WHERE business_id = $b0 AND role <> 'manager' AND active = 1")
	BASE=$(dbq "SELECT coalesce(max(id), 0) FROM leads")
	BURSTS=0
	sql=$(sed -e "s/\${N}/$LEADS/g; s/\${B}/$BIZ/g; s/\${B0}/$b0/g; s/\${NOW}/$(date +%s)/g" \
		-e "s/\${OWNERS}/$owners/g; s/\${NOWNERS}/$nown/g; s/\${VERSION}/$ver/g; s/\${BASE}/$BASE/g" \
		bench/scale_many.sql)
	t0=$(now_ns)
	dbload "$sql" || return 1
	fig "scale_load_$engine" "$(calc "($(now_ns) - $t0) / 1e9" 1)" s "" null \
		"\"leads\":$LEADS,\"businesses\":$BIZ,\"load\":\"$(load)\",\"what\":\"time to write the leads in bulk (not leadkeep)\""
}

# The next BURST leads' step timers (leads of every business, round robin)
# come due from AT on, BURST_RATE a second; sets LO and HI, their lead ids.
burst_arm() { # AT
	LO=$((BASE + BURSTS * BURST + 1)) HI=$((BASE + (BURSTS + 1) * BURST))
	BURSTS=$((BURSTS + 1))
	dbq "UPDATE timers SET due_at = $1 + (lead_id - $LO) / $BURST_RATE WHERE kind = 'step'
	     AND state = 'pending' AND lead_id BETWEEN $LO AND $HI" >/dev/null
}

# measure ENGINE DATA NODES
measure() {
	local engine=$1 data=$2 n=$3 tag k i pids=() tok ok sum p50 p99 max cnt at l0
	tag=${engine}_n$n
	stop_nodes
	for ((k = 1; k <= n; k++)); do node_start "$k" "$engine" "$data" || return 1; done
	fig "scale_restart_$tag" "$SERVE_READY_MS" ms "<= 2000" \
		"$(le "$SERVE_READY_MS" 2000 && echo true || echo false)" \
		"\"businesses\":$BIZ,\"leads\":$LEADS,\"load\":\"$(load)\",\"what\":\"exec to /readyz 200 (the last node)\""
	sleep 2

	# Intake: 16 clients per node, each node a business of its own.
	l0=$(load)
	for ((k = 1; k <= n; k++)); do
		tok=$("$LK" token create --data "$data" --rules "$RULES" --business "b$((k * 7 % BIZ + 1))" \
			--name scale --role intake 2>/dev/null)
		"$BIN/loadgen" --url "${NODE_URLS[$((k - 1))]}/api/v1/leads" --header "Authorization: Bearer $tok" \
			--clients 16 --duration "$SECS" --expect 202 --seed $((RUN * 100 + 40 + k)) --name "intake_$tag" \
			>"$WORK/intake_$tag.$k" &
		pids+=($!)
	done
	wait "${pids[@]}"
	sum=$(cat "$WORK"/intake_$tag.* | sed -n 's/.*"value":\([0-9.]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
	ok=$(cat "$WORK"/intake_$tag.* | sed -n 's/.*"errors":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
	fig "scale_intake_$tag" "$sum" leads/s "" null \
		"\"nodes\":$n,\"clients\":$((16 * n)),\"errors\":$ok,\"p99_ms\":[$(sed -n 's/.*"p99_ms":\([0-9.]*\).*/\1/p' "$WORK"/intake_$tag.* | paste -sd,)],\"businesses\":$BIZ,\"leads\":$LEADS,\"load\":\"$l0-$(load)\""

	# Acknowledgments at ACK_RATE leads/s shared by the nodes, while the
	# burst of timers comes due (from 2 s in, for BURST / BURST_RATE s).
	at=$(($(date +%s) + 2))
	burst_arm "$at"
	l0=$(load)
	pids=()
	: >"$WORK/ack_$tag.trace"
	for ((k = 1; k <= n; k++)); do
		tok=$("$LK" token create --data "$data" --rules "$RULES" --business "b$((k * 13 % BIZ + 1))" \
			--name scale --role intake 2>/dev/null)
		"$BIN/loadgen" --url "${NODE_URLS[$((k - 1))]}/api/v1/leads" --header "Authorization: Bearer $tok" \
			--clients 8 --rate "$((ACK_RATE / n > 0 ? ACK_RATE / n : 1))" \
			--duration "$((SECS > BURST / BURST_RATE + 2 ? SECS : BURST / BURST_RATE + 2))" \
			--expect 202 --seed $((RUN * 100 + 60 + k)) --trace "$WORK/ack_$tag.trace.$k" --name "ack_$tag" \
			>/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	sleep 3
	cat "$WORK"/ack_$tag.trace.* >"$WORK/ack_$tag.trace"
	read -r p50 p99 max cnt < <(awk '
		FNR == NR { if ($4 == 202) t[$1] = $2; next }
		{ if (match($0, /"To": "[^"]*"/) == 0 || match($0, /"answer": 201/) == 0) next
		  to = $0; sub(/.*"To": "/, "", to); sub(/".*/, "", to)
		  ts = $0; sub(/.*"ts": /, "", ts); sub(/[,}].*/, "", ts)
		  if ((to in t) && !(to in seen)) { seen[to] = 1; printf "%.3f\n", (ts - t[to] / 1e9) * 1000 } }
		END { for (p in t) if (!(p in seen)) print "inf" }' "$WORK/ack_$tag.trace" "$WORK/scale.sms" | pctl)
	fig "scale_ack_$tag" "$( [ "$p99" = inf ] && echo null || echo "$p99")" "ms p99" "p99 <= 20 ms" \
		"$( [ "$p99" != inf ] && le "$p99" 20 && echo true || echo false)" \
		"\"p50_ms\":\"$p50\",\"max_ms\":\"$max\",\"acks\":$cnt,\"rate\":$ACK_RATE,\"nodes\":$n,\"businesses\":$BIZ,\"leads\":$LEADS,\"load\":\"$l0-$(load)\""
	# the burst's timers only: not the next steps they set off (due days
	# ago: the bench's leads are up to a week old), nor the bench's others
	read -r p50 p99 max cnt < <(dbq "SELECT fired_at - due_at FROM timers WHERE kind = 'step'
		AND lead_id BETWEEN $LO AND $HI AND fired_at IS NOT NULL
		AND due_at BETWEEN $at AND $at + $((BURST / BURST_RATE))" | pctl)
	fig "scale_timer_late_$tag" "$p99" "s p99" "p99 <= 1 s" "$(le "${p99:-99}" 1 && echo true || echo false)" \
		"\"p50_s\":$p50,\"max_s\":$max,\"fired\":$cnt,\"due\":$BURST,\"still_pending\":$(dbq "SELECT count(*) FROM timers WHERE kind = 'step' AND lead_id BETWEEN $LO AND $HI AND state = 'pending' AND due_at BETWEEN $at AND $at + $((BURST / BURST_RATE))"),\"rate\":$BURST_RATE,\"nodes\":$n,\"load\":\"$l0-$(load)\",\"what\":\"fired_at - due_at, whole seconds (the database's clock)\""

	# Today: one person's open tasks in one business, sequential GETs on node 1.
	l0=$(load)
	tok=$("$LK" token create --data "$data" --rules "$RULES" --business b2 --name scale --role staff 2>/dev/null)
	k=$(dbq "SELECT id FROM people WHERE business_id = (SELECT id FROM businesses WHERE slug = 'b2')
		AND role <> 'manager' ORDER BY id LIMIT 1")
	for ((i = 0; i < ITERS; i++)); do echo "${NODE_URLS[0]}/api/v1/tasks?assignee=$k"; done >"$WORK/today_$tag.urls"
	get_many "$WORK/today_$tag.urls" "$tok" >"$WORK/today_$tag.client"
	read -r p50 p99 max cnt < <(log_durations "$WORK/scale-$engine-n1.log" /api/v1/tasks)
	fig "scale_today_$tag" "$p99" "ms p99" "<= 5" "$(le "${p99:-99}" 5 && echo true || echo false)" \
		"\"p50_ms\":$p50,\"max_ms\":$max,\"n\":$cnt,\"non_200\":$(awk '$1 != 200' "$WORK/today_$tag.client" | wc -l),\"open_tasks\":$(dbq "SELECT count(*) FROM tasks WHERE state = 'open' AND business_id = (SELECT id FROM businesses WHERE slug = 'b2')"),\"load\":\"$l0-$(load)\",\"what\":\"server time, GET /api/v1/tasks?assignee=ID of one business of $BIZ\""
	stop_nodes
}

# The tables bench/scale_many.sql fills: their indexes (not the keys) are
# dropped before the bulk load and built again after it, one sort each
# instead of some 60,000,000 index inserts (a load of 10,000,000 leads took
# 13 min on SQLite and 42 on PostgreSQL with them in place).
LOADED="'leads', 'events', 'tasks', 'timers', 'outbox'"
for engine in $ENGINES; do
	if [ "$engine" = pg ]; then
		data=$LK_PG_URL
		export LEADKEEP_FILES=$WORK/files
		mkdir -p "$LEADKEEP_FILES"
		psql -XAtq "$LK_PG_URL" -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null 2>&1
		dbq() { psql -XAtq -v ON_ERROR_STOP=1 "$LK_PG_URL" -c "$1"; }
		dbload() {
			local q="FROM pg_indexes i WHERE schemaname = 'public' AND tablename IN ($LOADED)
				AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
			psql -XAtq -v ON_ERROR_STOP=1 "$LK_PG_URL" -1 >/dev/null <<EOF &&
SET synchronous_commit = off; SET maintenance_work_mem = '2GB';
$(dbq "SELECT 'DROP INDEX ' || indexname || ';' $q")
$1
$(dbq "SELECT indexdef || ';' $q")
EOF
			psql -XAtq "$LK_PG_URL" -c "VACUUM ANALYZE" >/dev/null
		}
		nodes=$NODES
	else
		data=$WORK/sqlite
		unset LEADKEEP_FILES
		dbq() { sqlite3 -bail -cmd ".timeout 10000" "$data/leadkeep.db" "$1"; }
		dbload() {
			local q="FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ($LOADED)"
			sqlite3 -bail "$data/leadkeep.db" >/dev/null <<EOF
PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -524288;
BEGIN;
$(dbq "SELECT 'DROP INDEX ' || name || ';' $q")
$1
$(dbq "SELECT sql || ';' $q")
COMMIT;
PRAGMA journal_mode = WAL;
ANALYZE;
EOF
		}
		nodes=1	# SQLite: one node (one file, one machine)
	fi
	echo "scale: $engine: setup..." >&2
	setup "$engine" "$data" || { echo "scale: $engine setup failed" >&2; exit 1; }
	for n in $nodes; do
		echo "scale: $engine, $n node(s)..." >&2
		measure "$engine" "$data" "$n" || echo "scale: $engine $n nodes failed" >&2
	done
done

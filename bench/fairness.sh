#!/usr/bin/env bash
# fairness.sh - one install, two businesses: the acknowledgment latency of a
# quiet business while another imports a large batch (docs/operations.md,
# "Fair turns"; docs/benchmarks.md).
#
# The real `leadkeep serve` hosts the install's own business ("A", first in
# the dispatcher's turns: the worst place for the other) and a registered one,
# "bravo" ("B"). Both text through the stand-in SMS API
# (tests/stubs/twilio_stub.py) from their own numbers, open around the clock
# (the figure must not depend on the hour it runs). B's web form takes leads at
# a steady RATE per second (bench/loadgen.c, open loop: latency counts from the
# scheduled send) for ALONE seconds with nothing else happening, then again
# for as long as `leadkeep import --automation today` of ROWS rows into A runs
# beside it (another process on the same database, as an operator runs it).
# Latency = the acknowledgment's arrival at the stand-in (its record, written
# before it answers) minus the lead's send; a lead whose text has not arrived
# DRAIN seconds after the last counts as infinitely late. The database's own
# view is beside it: the ack row's updated_at (sent) - leads.created_at
# (whole seconds).
#
#   bench/fairness.sh [--smoke] [--pg]
#
# --pg runs it on PostgreSQL, on a throwaway cluster (tests/pg_cluster.sh).
# Environment: LK_FAIR_ROWS (100000), LK_FAIR_RATE (10 leads/s), LK_FAIR_ALONE
# (15 s), LK_BIN, LK_BENCH_DIR (as bench/run.sh). Prints one JSON line per
# figure (bench/lib.sh's fig); asserts nothing.
set -u
cd "$(dirname "$0")/.."

SMOKE=0 PG=0
for a in "$@"; do
	case $a in
	--smoke) SMOKE=1 ;;
	--pg) PG=1 ;;
	*) echo "usage: bench/fairness.sh [--smoke] [--pg]" >&2; exit 2 ;;
	esac
done
if [ $PG = 1 ] && [ -z "${LK_PG_URL:-}" ]; then
	exec tests/pg_cluster.sh "$0" "$@"
fi
if [ $SMOKE = 1 ]; then
	ROWS=2000 RATE=10 ALONE=1 DRAIN=2
else
	ROWS=${LK_FAIR_ROWS:-100000} RATE=${LK_FAIR_RATE:-10} ALONE=${LK_FAIR_ALONE:-15} DRAIN=3
fi
ENGINE=$([ $PG = 1 ] && echo pg || echo sqlite)
LK=${LK_BIN:-$PWD/build/leadkeep}
OUT=${LK_BENCH_DIR:-$PWD/build/bench}
BIN=$OUT/bin
WORK=$OUT/work-fair-$ENGINE$([ $SMOKE = 1 ] && echo -smoke)
RESULTS=$WORK/results.jsonl
SERVE_PID= SERVE_ENV=() SERVE_CONF=bench/server.yaml STUB_PID=
. bench/lib.sh
. bench/speed_to_lead.sh

command -v python3 >/dev/null || { echo "fairness: python3 is needed (the stand-in)" >&2; exit 1; }
bench_begin fair

if [ $PG = 1 ]; then
	DATA=$LK_PG_URL
	export LEADKEEP_FILES=$WORK/files
	mkdir -p "$LEADKEEP_FILES"
	db() { psql -XAtq "$LK_PG_URL" -c "$1"; }
else
	DATA=$WORK/data
	db() { sqlite3 "$DATA/leadkeep.db" "$1"; }
fi
export LEADKEEP_LINK_SECRET=fairness-bench-secret

# A business file (lib.sh's open_business_file), with a web form SOURCE
# that takes any rate, when given.
business_file() { # OUT NAME FROM [SOURCE]
	open_business_file "$1" "$3" "$2"
	[ -n "${4:-}" ] && printf 'sources:\n  forms:\n    %s: { rate_limit: 1000000/1s }\n' "$4" >>"$1"
	return 0
}

# The import's spreadsheet, as bench/import.sh's (a CRM's export).
import_csv() { # ROWS OUT
	awk -v ROWS="$1" 'BEGIN {
		print "Full Name,Mobile,Email,Status,Assigned To,Zip,Notes"
		split("New,Contacted,Quoted,Won,Lost,new", st, ",")
		for (i = 1; i <= ROWS; i++) {
			p = (i % 50 == 0) ? i - 5 : i
			printf "Lead %d,(708) 5%02d-%04d,imp%d@example.com,%s,%s,606%02d,\"imported, row %d\"\n",
				i, int(p / 10000) % 100, p % 10000, p, st[i % 5 + 1],
				(i % 3 ? "alice" : "Bob Tran"), i % 100, i
		}
	}' >"$2"
}

# Latencies of one phase: "p50 p99 max n" from its trace and the stand-in's record.
ack_latency() { # TRACE
	awk '
		FNR == NR { if ($4 == 200) t[$1] = $2; next }
		{ if (match($0, /"To": "[^"]*"/) == 0 || match($0, /"answer": 201/) == 0) next
		  to = $0; sub(/.*"To": "/, "", to); sub(/".*/, "", to)
		  ts = $0; sub(/.*"ts": /, "", ts); sub(/[,}].*/, "", ts)
		  if ((to in t) && !(to in seen)) { seen[to] = 1; printf "%.3f\n", (ts - t[to] / 1e9) * 1000 } }
		END { for (p in t) if (!(p in seen)) print "inf" }' "$1" "$WORK/fair.sms" | pctl
}

business_file "$WORK/a.yaml" "Alpha Imports" "+13125550100"
business_file "$WORK/b.yaml" "Bravo Roofing" "+13035550100" bravo-site
"$LK" business add bravo "$WORK/b.yaml" --data "$DATA" >/dev/null 2>"$WORK/business.err" ||
	{ echo "fairness: business add: $(cat "$WORK/business.err")" >&2; exit 1; }
SERVE_ENV=(BENCH_TW_TOKEN=bench_token)
serve_start fair "$DATA" --rules "$WORK/a.yaml" || exit 1
FORM=$SERVE_URL/in/form/bravo-site
BID=$(db "SELECT id FROM businesses WHERE slug = 'bravo'")
load0=$(load)

# B alone.
"$BIN/loadgen" --url "$FORM" --form --clients 32 --rate "$RATE" --duration "$ALONE" --expect 200 \
	--seed 11 --trace "$WORK/alone.trace" --name fair_alone >"$WORK/alone.out"
sleep "$DRAIN"

# B beside A's import.
import_csv "$ROWS" "$WORK/import.csv"
load1=$(load)
"$BIN/loadgen" --url "$FORM" --form --clients 32 --rate "$RATE" --duration 36000 --expect 200 \
	--seed 12 --trace "$WORK/during.trace" --name fair_during >"$WORK/during.out" &
gen=$!
t0=$(now_ns)
"$LK" import "$WORK/import.csv" --data "$DATA" --rules "$WORK/a.yaml" --automation today --json \
	>"$WORK/import.out" 2>"$WORK/import.err"
irc=$?
isecs=$(calc "($(now_ns) - $t0) / 1e9" 2)
kill -TERM "$gen" 2>/dev/null
wait "$gen"
load2=$(load)
sleep "$DRAIN"
serve_stop
stub_stop
STUB_PID=
[ $irc -eq 0 ] || echo "fairness: import exit $irc: $(tail -n 2 "$WORK/import.err")" >&2

read -r a50 a99 amax an < <(ack_latency "$WORK/alone.trace")
read -r d50 d99 dmax dn < <(ack_latency "$WORK/during.trace")
# The database's view (whole seconds): B's acknowledgments, the row's last
# change (sent) - the lead's creation.
dbv() { # -> "p50 p99 max n" in seconds
	db "SELECT o.updated_at - l.created_at FROM outbox o JOIN leads l ON l.id = o.lead_id
	    WHERE o.business_id = $BID AND o.purpose = 'ack' AND o.channel = 'sms'
	    AND o.state IN ('sent', 'delivered')" | pctl
}
read -r db50 db99 dbmax dbn < <(dbv 2>/dev/null || echo "null null null 0")
ratio=null
[ "$a99" != inf ] && [ "$d99" != inf ] && [ "$a99" != null ] && [ "$d99" != null ] &&
	ratio=$(calc "$d99 / $a99" 2)
imported=$(jget imported "$(cat "$WORK/import.out")" | tr -d ' ')
q() { [ "$1" = inf ] && echo '"inf"' || echo "${1:-null}"; }
fig "fair_ack_alone_$ENGINE" "$( [ "$a99" = inf ] && echo null || echo "$a99")" "ms p99" "" null \
	"\"p50_ms\":$(q "$a50"),\"max_ms\":$(q "$amax"),\"acks\":$an,\"rate\":$RATE,\"seconds\":$ALONE,\"load\":\"$load0\",\"what\":\"bravo's web-form lead -> its acknowledgment at the stand-in, nothing else running\""
fig "fair_ack_import_$ENGINE" "$( [ "$d99" = inf ] && echo null || echo "$d99")" "ms p99" \
	"p99 <= 2 x alone" "$( [ "$ratio" = null ] && echo null || { le "$ratio" 2 && echo true || echo false; })" \
	"\"ratio_p99\":$ratio,\"p50_ms\":$(q "$d50"),\"max_ms\":$(q "$dmax"),\"acks\":$dn,\"rate\":$RATE,\"import_rows\":$ROWS,\"imported\":${imported:-null},\"import_s\":$isecs,\"import_rows_per_s\":$(calc "$ROWS / $isecs" 0),\"import_exit\":$irc,\"db_ack_p99_s\":$(q "$db99"),\"db_ack_max_s\":$(q "$dbmax"),\"load\":\"$load1-$load2\",\"what\":\"the same, while leadkeep import --automation today puts $ROWS rows into the install's own business\""

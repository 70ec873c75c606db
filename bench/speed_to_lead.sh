# speed_to_lead.sh - from a lead's intake request to its acknowledgment SMS
# arriving at the stand-in SMS API (tests/stubs/twilio_stub.py), at a steady
# RATE leads/s (sourced by run.sh).
#
# loadgen.c traces when each lead was sent (wall clock, scheduled start); the
# stub records when each message arrived (wall clock, before it answers).
# Same machine, same clock: the difference is the lead's wait for its text.
# Status callbacks are off (--no-callbacks) so the stub's Python threads do
# not compete with serve for the two cores; serve's own work is unchanged.

# pctl: numbers on stdin -> "p50 p99 max n"
pctl() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "null null null 0"; exit }
		printf "%.2f %.2f %.2f %d\n", v[int((NR - 1) * 0.5) + 1], v[int((NR - 1) * 0.99) + 1], v[NR], NR }'
}

# stub_start NAME: starts the stand-in (the tests' one);
# sets STUB_PID and STUB_URL (its base).
stub_start() {
	rm -f "$WORK/$1.port" "$WORK/$1.sms"
	python3 tests/stubs/twilio_stub.py --port-file "$WORK/$1.port" --record "$WORK/$1.sms" \
		--sid AC00000000000000000000000000000000 --token bench_token --no-callbacks &
	STUB_PID=$!
	for _ in $(seq 100); do [ -s "$WORK/$1.port" ] && break; sleep 0.05; done
	STUB_URL=http://127.0.0.1:$(cat "$WORK/$1.port" 2>/dev/null)
}

stub_stop() { kill "$STUB_PID" 2>/dev/null; wait "$STUB_PID" 2>/dev/null; }

# The stand-in's own ceiling, with as many connections as the dispatcher
# uses by default (8): what any sender could get out of it on this machine.
# bench_sms_standin SECONDS [FIGURE_NAME]
bench_sms_standin() {
	local secs=$1 out
	[ -f tests/stubs/twilio_stub.py ] && command -v python3 >/dev/null || return 0
	stub_start standin
	out=$("$BIN/loadgen" --url "$STUB_URL/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json" \
		--form --user AC00000000000000000000000000000000:bench_token --clients 8 --duration "$secs" \
		--body "To=%2B13125550111&From=%2B13125550100&Body=Hi+Ana%2C+thanks+for+contacting+us" \
		--expect 201 --name standin)
	stub_stop
	fig "${2:-sms_standin}" "$(jget value "$out")" msgs/s "" null \
		"\"p50_ms\":$(jget p50_ms "$out"),\"p99_ms\":$(jget p99_ms "$out"),\"clients\":8,\"errors\":$(jget errors "$out"),\"what\":\"tests/stubs/twilio_stub.py alone, the ceiling of any sender\""
}

# bench_speed NAME RATE SECONDS DRAIN SMS_RATE
bench_speed() {
	local name=$1 rate=$2 secs=$3 drain=$4 d tok out p50 p99 max n sent met
	d=$WORK/$name
	shift 4
	if [ ! -f tests/stubs/twilio_stub.py ] || ! command -v python3 >/dev/null; then
		missing "$name" "p50 <= 5 ms, p99 <= 20 ms" "no stand-in SMS API (tests/stubs/twilio_stub.py)"
		return 0
	fi
	tok=$(token_for "$d" intake)
	stub_start "$name"
	twilio_business "$WORK/$name.rules.yaml" "$1"
	SERVE_ENV=(BENCH_TW_TOKEN=bench_token)
	SERVE_URL=
	serve_start "$name" "$d" --rules "$WORK/$name.rules.yaml"
	SERVE_ENV=()
	if [ -z "${SERVE_URL:-}" ] || ! has_route "$SERVE_URL" POST /api/v1/leads; then
		missing "$name" "p50 <= 5 ms, p99 <= 20 ms" "serve with the Twilio provider did not start, or no intake endpoint"
		serve_stop
		stub_stop
		return 0
	fi
	out=$("$BIN/loadgen" --url "$SERVE_URL/api/v1/leads" --header "Authorization: Bearer $tok" \
		--clients 16 --rate "$rate" --duration "$secs" --expect 202 --seed 2 \
		--trace "$WORK/$name.trace" --name "$name.intake")
	sleep "$drain"	# acknowledgments still on their way arrive now, or count as missing
	serve_stop
	stub_stop
	echo "$out" >>"$WORK/raw.jsonl"

	# Join: lead phone -> sent time (trace) and ack arrival (stub record). A
	# lead whose text never arrived counts as infinitely late.
	sent=$(awk '$4 == 202' "$WORK/$name.trace" | wc -l)
	read -r p50 p99 max n < <(awk '
		FNR == NR { if ($4 == 202) t[$1] = $2; next }
		{ if (match($0, /"To": "[^"]*"/) == 0 || match($0, /"answer": 201/) == 0) next
		  to = $0; sub(/.*"To": "/, "", to); sub(/".*/, "", to)
		  ts = $0; sub(/.*"ts": /, "", ts); sub(/[,}].*/, "", ts)
		  if ((to in t) && !(to in seen)) { seen[to] = 1; printf "%.3f\n", (ts - t[to] / 1e9) * 1000 } }
		END { for (p in t) if (!(p in seen)) print "inf" }' "$WORK/$name.trace" "$WORK/$name.sms" | pctl)
	met=false
	[ "$p50" != inf ] && [ "$p99" != inf ] && le "$p50" 5 && le "$p99" 20 && met=true
	fig "$name" "$( [ "$p99" = inf ] && echo null || echo "$p99")" "ms p99" "p50 <= 5 ms, p99 <= 20 ms" "$met" \
		"\"p50_ms\":\"$p50\",\"p99_ms\":\"$p99\",\"max_ms\":\"$max\",\"rate\":$rate,\"leads\":$sent,\"acks_counted\":$n,\"acks_arrived\":$(grep -c '"answer": 201' "$WORK/$name.sms" 2>/dev/null || echo 0),\"intake_p99_ms\":$(jget p99_ms "$out"),\"drain_s\":$drain,\"serve_env\":\"$*\""
}

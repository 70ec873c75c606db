# timer_message.sh - a message made by a timer: from the timer's due time to
# its text arriving at the stand-in SMS API (tests/stubs/twilio_stub.py), the
# same path as speed to lead's acknowledgment but started by the scheduler
# instead of an intake request (sourced by run.sh).
#
# bench/rules-timer.yaml has one step: an SMS one second after intake. Leads
# are posted one at a time, each at a random instant (the dispatcher sleeps
# in one-second rounds from whatever woke it last, so a fixed rhythm would
# measure one phase of that round only), and the next only once the previous
# text arrived: each message is alone on an idle server, so its wait is the
# path's own, not a queue's. serve runs on the real clock.
#
# Latency = arrival at the stand-in (wall clock, recorded before it answers)
# minus timers.due_at (whole seconds: the scheduler's clock; the scheduler
# wakes 5 ms into the due second). serve's log splits it: due -> the
# scheduler round's commit ("timers_fired", millisecond timestamp after the
# commit: an upper bound; one timer per round here) and commit -> arrival.

# bench_timer_message LEADS [NAME]
bench_timer_message() {
	local leads=$1 name=${2:-timer_message} rules=bench/rules-timer.yaml d tok i w phone code
	local p50 p99 max n fp50 fp99 ap50 ap99 arrived met failed=0
	d=$WORK/$name
	if [ ! -f tests/stubs/twilio_stub.py ] || ! command -v python3 >/dev/null; then
		missing "$name" "p99 <= 20 ms" "no stand-in SMS API (tests/stubs/twilio_stub.py)"
		return 0
	fi
	tok=$(token_for "$d" intake "$rules")
	stub_start "$name"
	twilio_business "$WORK/$name.rules.yaml" 0 "$rules"
	SERVE_ENV=(BENCH_TW_TOKEN=bench_token)
	SERVE_URL=
	serve_start "$name" "$d" --rules "$WORK/$name.rules.yaml"
	SERVE_ENV=()
	if [ -z "${SERVE_URL:-}" ] || [ -z "$tok" ]; then
		missing "$name" "p99 <= 20 ms" "serve with the Twilio provider did not start, or no token"
		serve_stop
		stub_stop
		return 0
	fi
	: >"$WORK/$name.sms"
	for ((i = 0; i < leads; i++)); do
		phone=$(printf '+1312%03d%04d' $((200 + i / 10000)) $((i % 10000)))
		sleep "0.$(printf '%03d' $((RANDOM % 1000)))"	# a random instant, not a rhythm
		code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$SERVE_URL/api/v1/leads" \
			-H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
			--data "{\"name\":\"Timer Lead$i\",\"phone\":\"$phone\",\"email\":\"timer$i@example.com\",\"source\":\"web_form\",\"service\":\"water heater\"}")
		[ "$code" = 202 ] || failed=$((failed + 1))	# an intake token's receipt
		# Until its text arrived; 5 s at most (then it counts as never arriving).
		for ((w = 0; w < 250; w++)); do
			grep -qF "\"To\": \"$phone\"" "$WORK/$name.sms" && break
			sleep 0.02
		done
	done
	serve_stop
	stub_stop

	sqlite3 "$d/leadkeep.db" "SELECT 'T', l.phone, t.due_at FROM timers t JOIN leads l ON l.id = t.lead_id
		WHERE t.kind = 'step' AND t.state = 'fired' ORDER BY t.due_at, t.id" | tr '|' ' ' >"$WORK/$name.due"
	# Per lead: arrival - due, and the split at the scheduler's commit.
	awk "$LOG_EPOCH_AWK"'
		FILENAME ~ /\.log$/ { if ($0 ~ /msg=timers_fired/) { sub(/^ts=/, "", $1); fired[++nf] = epoch($1) }; next }
		FILENAME ~ /\.due$/ { due[$2] = $3; order[++nd] = $2; next }
		/"answer": 201/ && match($0, /"To": "[^"]*"/) {
			to = substr($0, RSTART + 7, RLENGTH - 8)
			ts = $0; sub(/.*"ts": /, "", ts); sub(/[,}].*/, "", ts)
			if (!(to in arr)) arr[to] = ts }
		END {
			for (i = 1; i <= nd; i++) {
				p = order[i]
				tot = (p in arr) ? sprintf("%.3f", (arr[p] - due[p]) * 1000) : "inf"
				fire = i <= nf ? sprintf("%.3f", (fired[i] - due[p]) * 1000) : "inf"
				after = (p in arr) && i <= nf ? sprintf("%.3f", (arr[p] - fired[i]) * 1000) : "inf"
				print tot, fire, after
			} }' "$SERVE_LOG" "$WORK/$name.due" "$WORK/$name.sms" >"$WORK/$name.lat"
	arrived=$(grep -c '"answer": 201' "$WORK/$name.sms")
	read -r p50 p99 max n < <(awk '{ print $1 }' "$WORK/$name.lat" | pctl)
	read -r fp50 fp99 _ < <(awk '{ print $2 }' "$WORK/$name.lat" | pctl)
	read -r ap50 ap99 _ < <(awk '{ print $3 }' "$WORK/$name.lat" | pctl)
	# Every lead posted must have had its timer fire and its text arrive.
	[ "$n" = "$leads" ] || p99=inf
	met=false
	[ "$p99" != inf ] && [ "$failed" = 0 ] && le "$p99" 20 && met=true
	fig "$name" "$([ "$p99" = inf ] && echo null || echo "$p99")" "ms p99" "p99 <= 20 ms" "$met" \
		"\"p50_ms\":\"$p50\",\"max_ms\":\"$max\",\"leads\":$leads,\"intake_errors\":$failed,\"timers_fired\":$n,\"texts_arrived\":$arrived,\"due_to_commit_p50_ms\":\"$fp50\",\"due_to_commit_p99_ms\":\"$fp99\",\"commit_to_arrival_p50_ms\":\"$ap50\",\"commit_to_arrival_p99_ms\":\"$ap99\",\"what\":\"timer due_at -> text at the stand-in, one lead at a time, idle server\""
}

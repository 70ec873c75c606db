# timers.sh - timer precision under load: PER_SEC step timers coming due every
# second for WINDOW seconds from LEAD_IN seconds on (written by fixture.sql before serve starts, as
# any process may write them), while loadgen.c posts INTAKE leads/s. Then:
# none lost (every one fired), none fired twice (one decision per timer), and
# how late (sourced by run.sh).
#
# Resolution: timers.fired_at holds whole seconds (the scheduler's clock), so
# lateness from the database is 0 or 1 s. For milliseconds we use serve's log:
# the scheduler logs "timers_fired count=N" with a millisecond timestamp after
# each round commits, and fires in (due_at, id) order, so the Nth timer fired
# belongs to the round whose running count first reaches N. That is when its
# decision was durable: an upper bound on its lateness.

# Seconds since the epoch from a log line's ts=YYYY-MM-DDTHH:MM:SS.mmmZ (awk).
read -r -d '' LOG_EPOCH_AWK <<'AWK' || true
function epoch(ts,   y, m, d, era, yoe, doy, doe) {
	y = substr(ts, 1, 4) + 0; m = substr(ts, 6, 2) + 0; d = substr(ts, 9, 2) + 0
	y -= (m <= 2); era = int(y / 400); yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return (era * 146097 + doe - 719468) * 86400 + substr(ts, 12, 2) * 3600 + \
		substr(ts, 15, 2) * 60 + substr(ts, 18, 6)
}
AWK

# bench_timers PER_SEC WINDOW INTAKE LEAD_IN [NAME]: INTAKE 0 = a quiet server.
bench_timers() {
	local per_sec=$1 window=$2 intake=$3 lead_in=$4 name=${5:-timer_lateness} d tok now start n out db
	d=$WORK/$name
	local fired pending errors twice p50 p99 max lp50 lp99 lmax met
	n=$((per_sec * window))
	tok=$(token_for "$d" intake)
	now=$(date +%s)
	start=$((now + lead_in))	# fixture, serve start and intake ramp happen first
	sqlite3 -bail -cmd ".parameter set @n $n" -cmd ".parameter set @now $now" \
		-cmd ".parameter set @per_sec $per_sec" -cmd ".parameter set @start $start" \
		-cmd ".parameter set @page 0" "$d/leadkeep.db" <bench/fixture.sql >/dev/null || return 1
	serve_start "$name" "$d" || return 1
	if [ "$intake" -gt 0 ] && [ -n "$tok" ] && has_route "$SERVE_URL" POST /api/v1/leads; then
		out=$("$BIN/loadgen" --url "$SERVE_URL/api/v1/leads" --header "Authorization: Bearer $tok" \
			--clients 32 --rate "$intake" --duration $((start + window + 1 - $(date +%s))) \
			--expect 202 --seed 4 --name timers.intake)
		echo "$out" >>"$WORK/raw.jsonl"
	else
		out='{"value":0,"p99_ms":null}'
	fi
	while [ "$(date +%s)" -lt $((start + window + 3)) ]; do sleep 0.2; done
	serve_stop
	db=$d/leadkeep.db

	fired=$(sqlite3 "$db" "SELECT count(*) FROM timers WHERE lead_id <= $n AND kind = 'step' AND state = 'fired'")
	pending=$(sqlite3 "$db" "SELECT count(*) FROM timers WHERE lead_id <= $n AND kind = 'step' AND state = 'pending' AND due_at < $((start + window))")
	errors=$(sqlite3 "$db" "SELECT count(*) FROM timers WHERE lead_id <= $n AND state = 'error'")
	# One decision per firing: a follow-up text queued or a step skipped.
	twice=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT lead_id FROM (
		SELECT lead_id FROM outbox WHERE lead_id <= $n AND purpose = 'followup'
		UNION ALL SELECT lead_id FROM events WHERE lead_id <= $n AND type = 'step.skipped')
		GROUP BY lead_id HAVING count(*) > 1)")
	read -r p50 p99 max _ < <(sqlite3 "$db" "SELECT fired_at - due_at FROM timers
		WHERE lead_id <= $n AND kind = 'step' AND state = 'fired' AND due_at >= $start" | pctl)
	read -r lp50 lp99 lmax _ < <(
		{ grep 'msg=timers_fired' "$SERVE_LOG" | sed 's/^ts=\([^ ]*\) .*count=\([0-9]*\).*/L \1 \2/'
		  sqlite3 "$db" "SELECT 'T', due_at FROM timers WHERE lead_id <= $n AND kind = 'step'
			AND state = 'fired' ORDER BY due_at, id" | tr '|' ' '; } |
		awk "$LOG_EPOCH_AWK"'
			$1 == "L" { at[++nl] = epoch($2); cnt[nl] = $3; next }
			$1 == "T" { due[++nt] = $2 }
			END { r = 1; left = cnt[1]
				for (i = 1; i <= nt; i++) {
					while (left <= 0 && r < nl) left = cnt[++r]
					left--; printf "%.3f\n", at[r] - due[i] } }' | pctl)
	met=false
	[ "$pending" = 0 ] && [ "$twice" = 0 ] && [ "$errors" = 0 ] && [ "$fired" = "$n" ] &&
		le "$lp99" 1 && met=true
	fig "$name" "$lp99" "s p99" "p99 <= 1 s, none twice, none lost" "$met" \
		"\"p50_s\":$lp50,\"max_s\":$lmax,\"db_p50_s\":$p50,\"db_p99_s\":$p99,\"db_max_s\":$max,\"timers\":$n,\"fired\":$fired,\"lost\":$pending,\"fired_twice\":$twice,\"errors\":$errors,\"per_sec\":$per_sec,\"window_s\":$window,\"intake_rate\":$(jget value "$out"),\"intake_target\":$intake,\"intake_p99_ms\":$(jget p99_ms "$out"),\"resolution\":\"log ms (upper bound: round committed); db whole seconds\""
}

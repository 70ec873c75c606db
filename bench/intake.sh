# intake.sh - durable intake over HTTP: serve's idle memory with the demo, then
# CLIENTS keep-alive clients POSTing leads to /api/v1/leads for SECONDS, each
# answered (202, an intake token's receipt) only after its lead, owner, task,
# timers and acknowledgment committed (sourced by run.sh; the client is loadgen.c).

# bench_intake SECONDS CLIENTS IDLE_WAIT [NAME SERVE_OPTIONS...]: NAME other
# than "intake" is a diagnostic run (no memory or storage figures).
bench_intake() {
	local secs=$1 clients=$2 idle_wait=$3 name=${4:-intake} tok out fsyncs hwm rate p99 met
	local db_leads per_fsync="null" events size d=$WORK/${4:-intake}
	shift 3
	[ $# -gt 0 ] && shift

	tok=$(token_for "$d" intake)
	serve_start "$name" "$d" "$@" || return 1
	sleep "$idle_wait"	# let start-up settle: the figure is the resting server
	local idle
	idle=$(rss_kb "$SERVE_PID" VmRSS)
	[ "$name" = intake ] &&
		fig rss_idle "$(calc "$idle / 1024" 1)" MiB "<= 32" "$(le "$idle" 32768 && echo true || echo false)" \
			"\"rules\":\"demo\""
	if [ -z "$tok" ] || ! has_route "$SERVE_URL" POST /api/v1/leads; then
		missing intake "leads/s >= 3x naive, p99 <= 20 ms" "no POST /api/v1/leads or no token command in this build"
		missing rss_intake "<= 128" "no intake endpoint"
		serve_stop
		return 0
	fi
	fsync_count "$SERVE_PID" "$secs" >"$WORK/intake.fsyncs" &
	local fpid=$! cpu0 cpu1
	cpu0=$(cpu_ticks "$SERVE_PID")
	out=$("$BIN/loadgen" --url "$SERVE_URL/api/v1/leads" --header "Authorization: Bearer $tok" \
		--clients "$clients" --duration "$secs" --expect 202 --seed 1 --name "$name")
	cpu1=$(cpu_ticks "$SERVE_PID")
	wait "$fpid"
	fsyncs=$(cat "$WORK/intake.fsyncs")
	hwm=$(rss_kb "$SERVE_PID" VmHWM)
	serve_stop
	echo "$out" >>"$WORK/raw.jsonl"

	rate=$(jget value "$out")
	p99=$(jget p99_ms "$out")
	[ -n "$fsyncs" ] && [ "$fsyncs" -gt 0 ] &&
		per_fsync=$(calc "$(jget ok "$out") / $fsyncs" 1)
	met=false
	ge "$rate" "$(calc "3 * $NAIVE_RATE" 0)" && le "$p99" 20 && [ "$(jget errors "$out")" = 0 ] && met=true
	db_leads=$(sqlite3 "$d/leadkeep.db" "SELECT count(*) FROM leads")
	fig "$name" "$rate" leads/s ">= 3x naive ($(calc "3 * $NAIVE_RATE" 0)), p99 <= 20 ms" "$met" \
		"\"x_naive\":$(calc "$rate / $NAIVE_RATE"),\"x_fsync_limit\":$(calc "$rate / $FSYNC_LIMIT"),\"p50_ms\":$(jget p50_ms "$out"),\"p99_ms\":$p99,\"max_ms\":$(jget max_ms "$out"),\"ok\":$(jget ok "$out"),\"errors\":$(jget errors "$out"),\"clients\":$clients,\"seconds\":$secs,\"leads_per_fsync\":$per_fsync,\"fsyncs\":${fsyncs:-null},\"serve_cpu_us_per_lead\":$(calc "($cpu1 - $cpu0) * 1e6 / $(getconf CLK_TCK) / ($(jget ok "$out") + 1e-9)" 0),\"db_leads\":$db_leads${*:+,\"serve_options\":\"$*\"}"
	[ "$name" = intake ] || return 0
	fig rss_intake "$(calc "$hwm / 1024" 1)" MiB "<= 128" "$(le "$hwm" 131072 && echo true || echo false)" \
		"\"what\":\"VmHWM after the intake run\""

	# What the real intake path stores per lead (about 6 events each).
	size=$(stat -c %s "$d/leadkeep.db")
	events=$(sqlite3 "$d/leadkeep.db" "SELECT round(1.0 * count(*) / (SELECT count(*) FROM leads), 1) FROM events")
	fig storage_intake_path "$(calc "$size / ($db_leads + 1e-9) / 1024" 2)" KiB/lead "" null \
		"\"events_per_lead\":$events,\"leads\":$db_leads,\"db_bytes\":$size"
}

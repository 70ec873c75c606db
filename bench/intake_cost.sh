# intake_cost.sh - what one new web-form lead costs serve: CPU time (user +
# system, all of serve's threads, from /proc/PID/stat before and after) over
# leads posted to POST /in/form/KEY at a steady RATE, and the SQL statements
# the writer runs for one (bench/intake_sql.c: the same job, counted with
# sqlite3_trace_v2 in its own process; serve is not changed to be counted)
# (sourced by run.sh).

# bench_intake_cost SECONDS RATE SQL_LEADS
bench_intake_cost() {
	local secs=$1 rate=$2 sql_leads=$3 d=$WORK/intake_cost conf=$WORK/intake_cost.rules.yaml out cpu0 cpu1 ok
	if [ -x "$BIN/intake_sql" ]; then
		out=$("$BIN/intake_sql" "$WORK/intake_sql" "$sql_leads" 2>"$WORK/intake_sql.statements")
		if [ -n "$out" ]; then
			fig intake_form_sql "$(jget value "$out")" stmts/lead "" null \
				"$(sed 's/^{"figure":"intake_form_sql","value":[^,]*,"unit":"[^"]*",//; s/}$//' <<<"$out"),\"what\":\"the writer's job for POST /in/form/KEY with the demo rules, in process (bench/intake_sql.c); statements by text: WORK/intake_sql.statements, kept with LK_BENCH_KEEP=1\""
		else
			missing intake_form_sql "" "bench/intake_sql.c failed: $(tail -n 1 "$WORK/intake_sql.statements")"
		fi
	else
		missing intake_form_sql "" "bench/intake_sql.c did not link"
	fi

	# The form source (no per-IP limit: the load generator is one address).
	{ "$LK" rules show-default; printf 'sources:\n  forms:\n    bench: { rate_limit: 1000000/1s }\n'; } >"$conf"
	serve_start intake_cost "$d" --rules "$conf" || return 1
	cpu0=$(cpu_ticks "$SERVE_PID")
	out=$("$BIN/loadgen" --url "$SERVE_URL/in/form/bench" --form --clients 16 --rate "$rate" \
		--duration "$secs" --expect 200 --seed 5 --name intake_cost)
	cpu1=$(cpu_ticks "$SERVE_PID")
	serve_stop
	echo "$out" >>"$WORK/raw.jsonl"
	ok=$(jget ok "$out")
	if [ -z "$ok" ] || [ "$ok" = 0 ]; then
		missing intake_form_cpu "" "no web-form lead was answered 200 (POST /in/form/bench)"
		return 0
	fi
	fig intake_form_cpu "$(calc "($cpu1 - $cpu0) * 1e6 / $(getconf CLK_TCK) / $ok" 0)" "us/lead" "" null \
		"\"cpu_s\":$(calc "($cpu1 - $cpu0) / $(getconf CLK_TCK)" 2),\"leads\":$ok,\"errors\":$(jget errors "$out"),\"rate\":$rate,\"seconds\":$secs,\"p50_ms\":$(jget p50_ms "$out"),\"p99_ms\":$(jget p99_ms "$out"),\"db_leads\":$(sqlite3 "$d/leadkeep.db" "SELECT count(*) FROM leads"),\"what\":\"serve utime+stime (all threads) per lead, POST /in/form/KEY at a steady rate, demo rules\""
}

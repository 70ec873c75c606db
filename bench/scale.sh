# scale.sh - leadkeep holding LEADS leads for 50 people (bench/rules-50.yaml):
# restart time and memory with every lead's follow-up timer pending, one
# person's Today queue and a 50-event lead page (server time p99) through the
# API and as the staff web app's HTML pages, signed in, storage per lead, and
# intake at that size (sourced by run.sh; rows from fixture.sql).

# p99 of the dur_ms of requests for PATH in serve's log: "p50 p99 max n".
log_durations() {
	awk -v p="path=$2" '$0 ~ /msg=request / && index($0, p " ") {
		for (i = 1; i <= NF; i++) if ($i ~ /^dur_ms=/) { sub(/dur_ms=/, "", $i); print $i } }' "$1" | pctl
}

# Sequential keep-alive GETs (one curl, a config file of URLs): client times.
get_many() { # URLFILE TOKEN
	# One header line: curl applies -K headers to every URL of the file.
	awk -v tok="$2" 'NR == 1 { printf "header = \"Authorization: Bearer %s\"\n", tok }
		{ printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0 }' "$1" >"$1.cfg"
	curl -s -K "$1.cfg" -w '%{http_code} %{time_total}\n'
}

# Sequential keep-alive GETs with the cookie jar of a signed-in web session.
get_many_web() { # URLFILE JAR
	awk '{ printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0 }' "$1" >"$1.cfg"
	curl -s -b "$2" -K "$1.cfg" -w '%{http_code} %{time_total} %{size_download}\n'
}

# web_session URL DATA RULES PERSON JAR: a user of the web app (office, linked
# to PERSON) made with `leadkeep user add`, whose one-time link sets a
# password and signs in as a browser does; the session cookie lands in JAR.
# Returns 1 when any step fails.
web_session() {
	local url=$1 link csrf tok code
	link=$("$LK" user add --data "$2" --rules "$3" --email bench-web@bench.example \
		--name "Bench Office" --role office --person "$4" 2>/dev/null) || return 1
	rm -f "$5"
	curl -s -c "$5" -b "$5" -o "$WORK/setpw.html" "$url$link" || return 1
	csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/setpw.html" | head -n 1 | sed 's/.*value="//; s/"//')
	tok=${link#*token=}
	code=$(curl -s -c "$5" -b "$5" -o /dev/null -w '%{http_code}' \
		--data "csrf=$csrf&token=$tok&password=bench-password-1&confirm=bench-password-1" \
		"$url/app/set-password")
	[ "$code" = 303 ] && grep -q lk_session "$5"
}

# web_figure NAME PATH URLFILE CLIENTFILE WHAT: the server time of the web
# page requests in serve's log, as a figure (target p99 <= 20 ms).
web_figure() {
	local p50 p99 max cnt
	read -r p50 p99 max cnt < <(log_durations "$SERVE_LOG" "$2")
	fig "$1" "$p99" "ms p99" "<= 20" "$(le "$p99" 20 && echo true || echo false)" \
		"\"p50_ms\":$p50,\"max_ms\":$max,\"n\":$cnt,\"non_200\":$(awk '$1 != 200' "$4" | wc -l),\"client_p99_ms\":$(awk '{ print $2 * 1000 }' "$4" | pctl | cut -d' ' -f2),\"html_kib\":$(awk '{ s += $3 } END { printf "%.1f", NR ? s / NR / 1024 : 0 }' "$4"),\"what\":\"$5\""
}

bench_scale() {
	local n=$1 iters=$2 d=$WORK/scale rules=bench/rules-50.yaml tok t0 secs page hwm size out
	page=$((n * 42 / 100 + 1))
	tok=$(token_for "$d" staff "$rules")
	t0=$(now_ns)
	if ! sqlite3 -bail -cmd ".parameter set @n $n" -cmd ".parameter set @now $(date +%s)" \
		-cmd ".parameter set @per_sec 0" -cmd ".parameter set @start 0" \
		-cmd ".parameter set @page $page" \
		-cmd ".parameter set @rules_version '$(sha256sum "$rules" | cut -d' ' -f1)'" \
		"$d/leadkeep.db" <bench/fixture.sql >/dev/null; then
		echo "bench: fixture.sql failed" >&2
		return 1
	fi
	secs=$(calc "($(now_ns) - $t0) / 1e9" 1)
	fig fixture "$secs" s "" null "\"leads\":$n,\"pending_timers\":$(sqlite3 "$d/leadkeep.db" \
		"SELECT count(*) FROM timers WHERE state = 'pending'"),\"open_tasks\":$(sqlite3 "$d/leadkeep.db" \
		"SELECT count(*) FROM tasks WHERE state = 'open'"),\"what\":\"time to build the database (not leadkeep)\""

	# Storage per lead: the file as the fixture left it (WAL checkpointed).
	size=$(stat -c %s "$d/leadkeep.db")
	fig storage "$(calc "$size / $n / 1024" 2)" KiB/lead "<= 4" \
		"$(le "$size" $((n * 4096)) && echo true || echo false)" \
		"\"events_per_lead\":$(sqlite3 "$d/leadkeep.db" "SELECT round(1.0 * count(*) / $n, 1) FROM events"),\"db_bytes\":$size,\"leads\":$n"

	# Restart: exec to /readyz 200, with every lead's timer pending. The
	# fixture was just written, so the file is in the page cache (a warm
	# restart, as after a deploy; a cold boot adds the disk's read time).
	serve_start scale "$d" --rules "$rules" || return 1
	fig restart "$SERVE_READY_MS" ms "<= 2000" "$(le "$SERVE_READY_MS" 2000 && echo true || echo false)" \
		"\"leads\":$n,\"page_cache\":\"warm\""
	sleep 3	# the scheduler's first rounds, the dispatcher's recovery scan
	hwm=$(rss_kb "$SERVE_PID" VmHWM)
	fig rss_at_scale "$(calc "$hwm / 1024" 1)" MiB "<= 256" "$(le "$hwm" 262144 && echo true || echo false)" \
		"\"leads\":$n,\"what\":\"VmHWM 3 s after ready\""

	if [ -n "$tok" ] && has_route "$SERVE_URL" GET /api/v1/tasks; then
		sqlite3 "$d/leadkeep.db" "SELECT id FROM people WHERE role <> 'manager'" |
			awk -v u="$SERVE_URL" -v n="$iters" '{ p[NR] = $1 } END {
				for (i = 0; i < n; i++) print u "/api/v1/tasks?assignee=" p[i % NR + 1] }' >"$WORK/today.urls"
		get_many "$WORK/today.urls" "$tok" >"$WORK/today.client"
		read -r p50 p99 max cnt < <(log_durations "$SERVE_LOG" /api/v1/tasks)
		fig today_queue "$p99" "ms p99" "<= 5" "$(le "$p99" 5 && echo true || echo false)" \
			"\"p50_ms\":$p50,\"max_ms\":$max,\"n\":$cnt,\"non_200\":$(awk '$1 != 200' "$WORK/today.client" | wc -l),\"client_p99_ms\":$(awk '{ print $2 * 1000 }' "$WORK/today.client" | pctl | cut -d' ' -f2),\"what\":\"server time (serve's dur_ms), GET /api/v1/tasks?assignee=ID, $((n / 5)) open tasks over 45 people\""
		for ((i = 0; i < iters; i++)); do echo "$SERVE_URL/api/v1/leads/$page"; done >"$WORK/page.urls"
		get_many "$WORK/page.urls" "$tok" >"$WORK/page.client"
		read -r p50 p99 max cnt < <(log_durations "$SERVE_LOG" "/api/v1/leads/$page")
		fig lead_page "$p99" "ms p99" "<= 5" "$(le "$p99" 5 && echo true || echo false)" \
			"\"p50_ms\":$p50,\"max_ms\":$max,\"n\":$cnt,\"events\":$(sqlite3 "$d/leadkeep.db" "SELECT count(*) FROM events WHERE lead_id = $page"),\"non_200\":$(awk '$1 != 200' "$WORK/page.client" | wc -l),\"client_p99_ms\":$(awk '{ print $2 * 1000 }' "$WORK/page.client" | pctl | cut -d' ' -f2),\"what\":\"server time, GET /api/v1/leads/ID\""
	else
		missing today_queue "<= 5" "no GET /api/v1/tasks in this build (see today_queue_store)"
		missing lead_page "<= 5" "no GET /api/v1/leads/ID in this build (see lead_page_store)"
	fi

	# The same two reads as the staff web app's pages, rendered as HTML for a
	# signed-in office user linked to the 50-event lead's owner: Today (the
	# person's first 50 open tasks, overdue first, each with its lead and
	# last timeline entry) and the lead page (contact, tasks, timers,
	# messages, the whole timeline, the forms).
	local person jar=$WORK/web.jar
	person=$(sqlite3 "$d/leadkeep.db" "SELECT owner FROM leads WHERE id = $page")
	if ! has_route "$SERVE_URL" GET /app/login; then
		missing web_today "<= 20" "no staff web app in this build"
		missing web_lead_page "<= 20" "no staff web app in this build"
	elif ! web_session "$SERVE_URL" "$d" "$rules" "$person" "$jar"; then
		missing web_today "<= 20" "could not sign in to the web app"
		missing web_lead_page "<= 20" "could not sign in to the web app"
	else
		for ((i = 0; i < iters; i++)); do echo "$SERVE_URL/app/"; done >"$WORK/web_today.urls"
		get_many_web "$WORK/web_today.urls" "$jar" >"$WORK/web_today.client"
		web_figure web_today /app/ "$WORK/web_today.urls" "$WORK/web_today.client" \
			"server time, GET /app/ (Today: $(sqlite3 "$d/leadkeep.db" "SELECT count(*) FROM tasks WHERE state = 'open' AND assignee = '$person'") open tasks of $person, the first 50 shown)"
		for ((i = 0; i < iters; i++)); do echo "$SERVE_URL/app/leads/$page"; done >"$WORK/web_lead.urls"
		get_many_web "$WORK/web_lead.urls" "$jar" >"$WORK/web_lead.client"
		web_figure web_lead_page "/app/leads/$page" "$WORK/web_lead.urls" "$WORK/web_lead.client" \
			"server time, GET /app/leads/ID ($(sqlite3 "$d/leadkeep.db" "SELECT count(*) FROM events WHERE lead_id = $page") events)"
	fi

	# Intake at this size: a few clients for a few seconds, every 202 receipt checked.
	tok=$(token_for "$d" intake "$rules")
	if [ -n "$tok" ] && has_route "$SERVE_URL" POST /api/v1/leads; then
		out=$("$BIN/loadgen" --url "$SERVE_URL/api/v1/leads" --header "Authorization: Bearer $tok" \
			--clients 4 --duration "$3" --expect 202 --seed 3 --name intake_at_scale)
		echo "$out" >>"$WORK/raw.jsonl"
		fig intake_at_scale "$(jget value "$out")" leads/s "" null \
			"\"leads_in_db\":$n,\"clients\":4,\"p50_ms\":$(jget p50_ms "$out"),\"p99_ms\":$(jget p99_ms "$out"),\"ok\":$(jget ok "$out"),\"errors\":$(jget errors "$out")"
	fi
	serve_stop

	# The same two reads inside the process, without HTTP (queries.c).
	if [ -x "$BIN/queries" ]; then
		while read -r out; do
			fig "$(jget figure "$out")" "$(jget value "$out")" "ms p99" "<= 5" \
				"$(le "$(jget value "$out")" 5 && echo true || echo false)" \
				"\"p50_ms\":$(jget p50_ms "$out"),\"max_ms\":$(jget max_ms "$out"),\"n\":$(jget n "$out"),\"rows\":$(jget rows "$out"),\"json_bytes\":$(jget json_bytes "$out")"
		done < <("$BIN/queries" "$d" "$page" "$iters")
	fi
}

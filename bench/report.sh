# report.sh - `leadkeep report` over the scale piece's 1,000,000 leads
# (sourced by run.sh; runs after bench_scale, on its database): the whole
# report as JSON, three times (wall and CPU of the process, peak memory),
# and the staff web app's Reports page for a signed-in manager (serve's
# server time, dur_ms). Targets: report <= 2 s, page <= 200 ms. Each figure
# carries its ratio to the limit (value / limit: under 1 meets it), also
# printed on a line of its own, as docs/benchmarks.md records them. The page
# keeps its figures up to a minute (web_reports_cache.h): the first request
# computes them (cold), the others are served from the cache (warm).

# report_session URL DATA RULES JAR: a manager of the web app, signed in (as
# scale.sh's web_session, with the role Reports needs). 1 when a step fails.
report_session() {
	local url=$1 link csrf tok code
	link=$("$LK" user add --data "$2" --rules "$3" --email bench-report@bench.example \
		--name "Bench Manager" --role manager 2>/dev/null) || return 1
	rm -f "$4"
	curl -s -c "$4" -b "$4" -o "$WORK/setpw-report.html" "$url$link" || return 1
	csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/setpw-report.html" | head -n 1 | sed 's/.*value="//; s/"//')
	tok=${link#*token=}
	code=$(curl -s -c "$4" -b "$4" -o /dev/null -w '%{http_code}' \
		--data "csrf=$csrf&token=$tok&password=bench-password-1&confirm=bench-password-1" \
		"$url/app/set-password")
	[ "$code" = 303 ] && grep -q lk_session "$4"
}

# ratio NAME VALUE LIMIT [WHAT]: value / limit, printed for the reader (stderr).
ratio() {
	echo "bench: $1 = $2 ms = $(calc "$2 / $3" 2) x the $3 ms limit${4:+ ($4)}" >&2
}

bench_report() {
	local iters=$1 d=$WORK/scale rules=bench/rules-50.yaml i t0 ms=() cpu=() rss=() line
	local n jar=$WORK/report.jar p50 p99 max cnt cpu50
	[ -f "$d/leadkeep.db" ] || { missing report "<= 2000" "no scale database (run step scale first)"; return 1; }
	n=$(sqlite3 "$d/leadkeep.db" "SELECT count(*) FROM leads")
	for ((i = 0; i < 3; i++)); do
		t0=$(now_ns)
		line=$(/usr/bin/time -f '%U %S %M' "$LK" report --data "$d" --rules "$rules" --period 30d \
			--json 2>&1 >/dev/null | tail -n 1)
		ms+=($((($(now_ns) - t0) / 1000000)))
		cpu+=("$(awk '{ printf "%d", ($1 + $2) * 1000 }' <<<"$line")")
		rss+=("$(awk '{ print $3 }' <<<"$line")")
	done
	read -r p50 < <(printf '%s\n' "${ms[@]}" | sort -n | sed -n 2p)
	read -r cpu50 < <(printf '%s\n' "${cpu[@]}" | sort -n | sed -n 2p)
	ratio report "$p50" 2000 "wall, median of 3; CPU $cpu50 ms = $(calc "$cpu50 / 2000" 2) x"
	fig report "$p50" "ms" "<= 2000" "$(le "$p50" 2000 && echo true || echo false)" \
		"\"ratio\":$(calc "$p50 / 2000" 3),\"cpu_ratio\":$(calc "$cpu50 / 2000" 3),\"runs_ms\":[$(IFS=,; echo "${ms[*]}")],\"cpu_ms\":[$(IFS=,; echo "${cpu[*]}")],\"max_rss_kb\":$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1),\"leads\":$n,\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"what\":\"leadkeep report --period 30d --json, the median of 3 runs (wall), every lead of the business read\""

	serve_start report "$d" --rules "$rules" || return 1
	if ! has_route "$SERVE_URL" GET /app/reports; then
		missing web_reports "<= 200" "no Reports page in this build"
	elif ! report_session "$SERVE_URL" "$d" "$rules" "$jar"; then
		missing web_reports "<= 200" "could not sign in to the web app"
	else
		for ((i = 0; i < iters; i++)); do echo "$SERVE_URL/app/reports"; done >"$WORK/web_reports.urls"
		get_many_web "$WORK/web_reports.urls" "$jar" >"$WORK/web_reports.client"
		read -r p50 p99 max cnt < <(log_durations "$SERVE_LOG" /app/reports)
		ratio web_reports "$p50" 200 "server time p50; the cold first request $max ms = $(calc "$max / 200" 2) x"
		fig web_reports "$p50" "ms p50" "<= 200" "$(le "$p50" 200 && echo true || echo false)" \
			"\"ratio\":$(calc "$p50 / 200" 3),\"cold_ms\":$max,\"cold_ratio\":$(calc "$max / 200" 3),\"p99_ms\":$p99,\"max_ms\":$max,\"n\":$cnt,\"non_200\":$(awk '$1 != 200' "$WORK/web_reports.client" | wc -l),\"html_kib\":$(awk '{ s += $3 } END { printf "%.1f", NR ? s / NR / 1024 : 0 }' "$WORK/web_reports.client"),\"leads\":$n,\"what\":\"server time, GET /app/reports (7 days) as a manager\""
	fi
	serve_stop
}

# report.sh - `leadkeep report` over the scale piece's 1,000,000 leads
# (sourced by run.sh; runs after bench_scale, on its database): the whole
# report as JSON, three times (wall and CPU of the process, peak memory),
# and the staff web app's Reports page for a signed-in manager (serve's
# server time, dur_ms). Targets: report <= 2 s, page <= 200 ms. Each figure
# carries its ratio to the limit (value / limit: under 1 meets it), also
# printed on a line of its own, as docs/benchmarks.md records them. Serve's
# warmer computes the page's default view at start (web_reports_cache.h): the
# first request after the start (cold) waits at most 100 ms and then says the
# figures are being computed, the others are served from the warm figures;
# another view's first request is computed in the background the same way.

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

# last_duration LOG PATH: the dur_ms of the last request for PATH in serve's
# log (the query string is not logged: the requests are told apart by order).
last_duration() {
	awk -v p="path=$2" '$0 ~ /msg=request / && index($0, p " ") {
		for (i = 1; i <= NF; i++) if ($i ~ /^dur_ms=/) { sub(/dur_ms=/, "", $i); d = $i } }
		END { print d + 0 }' "$1"
}

bench_report() {
	local iters=$1 d=$WORK/scale rules=bench/rules-50.yaml i t0 ms=() cpu=() rss=() line
	local n jar=$WORK/report.jar p50 p99 max cnt cpu50 first cold warm_ms other other_ms
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
		# The first request after the start: serve's warmer computes the
		# default view meanwhile (web_reports_cache.h), so the page waits at
		# most WEB_REPORTS_WAIT_MS and then says it is computing, or finds it.
		first=$(curl -s -b "$jar" -o "$WORK/web_reports.first" -w '%{http_code}' "$SERVE_URL/app/reports")
		grep -q 'Computing these figures' "$WORK/web_reports.first" && first="$first computing"
		cold=$(last_duration "$SERVE_LOG" /app/reports)
		# Then every request finds the warm figures.
		for ((i = 0; i < 600; i++)); do
			grep -q 'msg=report_computed business=[0-9]* view=7d/ ' "$SERVE_LOG" && break
			sleep 0.1
		done
		warm_ms=$(sed -n 's/.*msg=report_computed business=[0-9]* view=7d\/ why=start ms=\([0-9]*\).*/\1/p' "$SERVE_LOG" | head -n 1)
		: >"$WORK/web_reports.urls"
		for ((i = 0; i < iters; i++)); do echo "$SERVE_URL/app/reports" >>"$WORK/web_reports.urls"; done
		get_many_web "$WORK/web_reports.urls" "$jar" >"$WORK/web_reports.client"
		read -r p50 p99 max cnt < <(log_durations "$SERVE_LOG" /app/reports)
		# Another view, never asked for: computed in the background too.
		other=$(curl -s -b "$jar" -o "$WORK/web_reports.other" -w '%{http_code}' "$SERVE_URL/app/reports?period=30d&by=source")
		grep -q 'Computing these figures' "$WORK/web_reports.other" && other="$other computing"
		other_ms=$(last_duration "$SERVE_LOG" /app/reports)
		ratio web_reports "$p50" 200 "server time p50; max $max ms = $(calc "$max / 200" 2) x, the first request after the start $cold ms ($first), another view's first $other_ms ms ($other); the warmer computed the default view in ${warm_ms:-?} ms"
		fig web_reports "$p50" "ms p50" "<= 200" "$(le "$max" 200 && echo true || echo false)" \
			"\"ratio\":$(calc "$p50 / 200" 3),\"cold_ms\":$cold,\"cold_ratio\":$(calc "$cold / 200" 3),\"cold_page\":\"$first\",\"other_view_ms\":$other_ms,\"other_view_page\":\"$other\",\"warmer_ms\":${warm_ms:-null},\"p99_ms\":$p99,\"max_ms\":$max,\"n\":$cnt,\"non_200\":$(awk '$1 != 200' "$WORK/web_reports.client" | wc -l),\"html_kib\":$(awk '{ s += $3 } END { printf "%.1f", NR ? s / NR / 1024 : 0 }' "$WORK/web_reports.client"),\"leads\":$n,\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"what\":\"server time, GET /app/reports (7 days) as a manager: met when every request, the first after the start included, is within the limit\""
	fi
	serve_stop
}

#!/usr/bin/env bash
# Live pages end to end: /app/events (server-sent events) read with curl
# against the real serve. A lead posted to the form door, a reassignment made
# in the web app and a reply recorded by another process (the CLI) each reach
# an open stream within 2 seconds; the stream says only that something
# changed, never what; no session, no stream; a user's streams are capped;
# heartbeats keep it open; the server stops cleanly with streams open.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago: open
server_config "$T/serve.yaml" </dev/null
lk demo-users 2>/dev/null
# after demo-users: it is for the built-in demo rules alone
business_config <<'YAML'
sources:
  forms:
    alice: { owner: alice }
YAML
start_server --config "$T/serve.yaml" || { not_ok "server starts"; exit 1; }
ok "server starts"

page() {
	local p=$1 jar=$2; shift 2
	curl -s -o "$T/page" -w '%{http_code}' -b "$jar" -c "$jar" "$@" "$BASE$p"
}
post() {
	local p=$1 jar=$2 d=$3; shift 3
	curl -s -o "$T/page" -D "$T/hdr" -w '%{http_code}' -b "$jar" -c "$jar" --data "$d" "$@" "$BASE$p"
}
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' "$T/page" | head -n 1 | sed 's/.*value="//; s/"//'; }
signin() {
	page /app/login "$1" >/dev/null
	post /app/login "$1" "csrf=$(csrf_of)&email=$2&password=leadkeep-demo"
}
ms() { date +%s%3N; }
changes() { grep -c '^event: change$' "$1" 2>/dev/null; }
# until_more FILE N: waits (up to 5 s) until FILE holds more than N change
# events; prints the milliseconds it took.
until_more() {
	local start i
	start=$(ms)
	for i in $(seq 1 100); do
		[ "$(changes "$1")" -gt "$2" ] && break
		sleep 0.05
	done
	echo $(($(ms) - start))
}
# settle FILE: waits until no change event arrived for 1.5 s (the sign-ins'
# own commits, echoed once more by the data_version watcher); prints the count.
settle() {
	local n m
	n=$(changes "$1")
	while sleep 1.5; m=$(changes "$1"); [ "$m" != "$n" ]; do n=$m; done
	echo "$n"
}

A="$T/alice.jar" M="$T/maria.jar" B="$T/bob.jar"
expect_eq "alice signs in" "$(signin "$A" alice@demo)" 303
expect_eq "maria signs in" "$(signin "$M" maria@demo)" 303
expect_eq "bob signs in" "$(signin "$B" bob@demo)" 303

expect_eq "no session: 401, not a stream" \
	"$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$BASE/app/events")" 401
hdr=$(curl -s -D - -o /dev/null --max-time 1 -b "$A" "$BASE/app/events")
expect_contains "a stream: 200" "$hdr" "200 OK"
expect_contains "a stream: text/event-stream" "$hdr" "Content-Type: text/event-stream"
expect_contains "a stream: not cached" "$hdr" "Cache-Control: no-store"

page /app/ "$A" >/dev/null
expect_contains "Today's list is a live part of the page" "$(cat "$T/page")" 'id="today-list" data-live'
expect_contains "app.js listens to the stream" "$(curl -s "$BASE/app/assets/app.js")" 'new EventSource("/app/events")'

# --- one stream, three kinds of change ---------------------------------------------------
curl -s -N -b "$A" --max-time 60 "$BASE/app/events" >"$T/ev" 2>/dev/null &
EV=$!
for i in $(seq 1 50); do grep -q 'leadkeep live updates' "$T/ev" && break; sleep 0.05; done
expect_contains "the stream greets at once" "$(cat "$T/ev")" ": leadkeep live updates"
expect_contains "and says how soon to reconnect" "$(cat "$T/ev")" "retry: 3000"
n=$(settle "$T/ev")

out=$(req POST /in/form/alice --data "name=Live+Lead&phone=3125550177&service=gutters")
expect_eq "a lead through the form door" "$(status_of "$out")" 200
took=$(until_more "$T/ev" "$n")
check "the new lead reaches the open stream within 2 s (${took} ms)" test "$took" -lt 2000
lead=$(sql "SELECT id FROM leads WHERE name = 'Live Lead'")
n=$(settle "$T/ev")

page "/app/leads/$lead" "$M" >/dev/null
expect_eq "maria gives the lead to bob" "$(post "/app/leads/$lead/owner" "$M" "csrf=$(csrf_of)&owner=bob")" 303
took=$(until_more "$T/ev" "$n")
check "the reassignment reaches the stream within 2 s (${took} ms)" test "$took" -lt 2000
n=$(settle "$T/ev")

lk lead log "$lead" reply --text "Yes please, tomorrow works" >/dev/null
took=$(until_more "$T/ev" "$n")
check "a reply recorded by another process reaches the stream within 2 s (${took} ms)" test "$took" -lt 2000

stream=$(cat "$T/ev")
expect_contains "a change event names the kind" "$stream" $'event: change\ndata: leads'
check "the stream carries no lead data" bash -c "! grep -qi 'live lead\|3125550177\|tomorrow works\|bob' '$T/ev'"
check "only comments, retry, event and data lines" \
	bash -c "! grep -v '^\$\|^: \|^retry: \|^event: change\$\|^data: leads\$' '$T/ev'"

# --- caps -------------------------------------------------------------------------------------
pids=()
for i in 1 2 3 4 5 6; do
	curl -s -N -b "$B" --max-time 30 "$BASE/app/events" >"$T/bob$i" 2>/dev/null &
	pids+=($!)
	sleep 0.1
done
sleep 0.3
out=$(curl -s -D - -o "$T/bob7" --max-time 2 -b "$B" "$BASE/app/events")
expect_contains "a seventh stream of one user is served" "$out" "200 OK"
wait "${pids[0]}"
expect_eq "and ends the user's oldest (a page likely gone) cleanly" "$?" 0
check "the others stay open" kill -0 "${pids[1]}"
expect_eq "another user still gets one" \
	"$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -b "$M" "$BASE/app/events")" 200
out=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 -b "$A" "$BASE/app/today")
expect_eq "pages are served while streams wait (unknown page: 404)" "$out" 404
expect_eq "Today answers while streams wait" "$(page /app/ "$B")" 200

# --- heartbeat, then a clean stop with streams open ----------------------------------------------
# 15 s without anything to say: a comment (the last change event may have
# been up to a second after the writes above, the watcher's echo)
for i in $(seq 1 200); do grep -q ': keep-alive' "$T/ev" && break; sleep 0.1; done
expect_contains "a heartbeat comment keeps the stream open" "$(cat "$T/ev")" ": keep-alive"
check "server stops cleanly with streams open" stop_server
wait "$EV"
expect_eq "the stream ended cleanly, not cut" "$?" 0
for p in "${pids[@]:1}"; do wait "$p"; done

# --- the server's cap: half the pool (16 threads: at least 8 streams) ----------------------------------
start_server --config "$T/serve.yaml" --threads 16 || { not_ok "a small server starts"; exit 1; }
pids=()
for j in "$A" "$M"; do
	for i in 1 2 3 4; do
		curl -s -N -b "$j" --max-time 30 "$BASE/app/events" >/dev/null 2>&1 &
		pids+=($!)
	done
done
sleep 0.5
out=$(curl -s -D - -o /dev/null --max-time 3 -b "$B" "$BASE/app/events")
expect_contains "past the server's cap: 503" "$out" "503"
expect_contains "with Retry-After" "$out" "Retry-After: 60"
expect_eq "pages are still served" "$(page /app/ "$B")" 200
check "the small server stops cleanly with streams open" stop_server
for p in "${pids[@]}"; do wait "$p"; done
check "no sanitizer report in the server log" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"

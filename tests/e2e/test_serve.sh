#!/usr/bin/env bash
# serve: health checks, a clean stop on SIGTERM, timers written by another
# process picked up, and timers that came due while the server was down fired
# once at start-up, marked late - also across SIGKILL. The clock is injected
# with LEADKEEP_NOW; nothing here waits for real time to pass.
. "$(dirname "$0")/lib.sh"

T0=2026-11-24T20:02:00Z		# Tuesday 14:02 in America/Chicago
PORT=$(free_port)

start_serve() {	# NOW
	LEADKEEP_NOW=$1 "$LK_BIN" serve --listen "127.0.0.1:$PORT" 2>>"$T/serve.log" &
	SERVE_PID=$!
	_pids+=("$SERVE_PID")
	wait_http "http://127.0.0.1:$PORT/readyz"
}

db() { db_sql "$1"; }

LEADKEEP_NOW=$T0 lk lead add --name "Marcus Johnson" --phone 3125550199 --service "deck repair" >/dev/null

check "serve answers /readyz" start_serve $T0
body=$(curl -s "http://127.0.0.1:$PORT/healthz")
expect_eq "/healthz says ok" "$body" '{"status":"ok"}'
ready=$(curl -s "http://127.0.0.1:$PORT/readyz")
expect_eq "/readyz says ready" "$(json_get "$ready" 'd["status"]')" ready
expect_eq "/readyz checks database, scheduler, writer and dispatcher" \
	"$(json_get "$ready" '" ".join(str(d[k]) for k in ("database", "scheduler", "writer", "dispatcher"))')" \
	"True True True True"
expect_eq "unknown path is a JSON 404" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/nope")" 404
expect_contains "requests are logged in logfmt" "$(cat "$T/serve.log")" "msg=request"
expect_contains "log line has status and duration" "$(grep 'path=/healthz' "$T/serve.log")" "status=200 dur_ms="
expect_eq "nothing due yet" "$(db "SELECT count(*) FROM timers WHERE state='fired'")" 0

kill -TERM "$SERVE_PID"; wait "$SERVE_PID"; rc=$?
expect_eq "SIGTERM stops serve with exit 0" "$rc" 0
expect_contains "clean stop is logged" "$(cat "$T/serve.log")" "msg=stopped status=clean"

# Down for three hours: the escalations due in between fire once at start, late.
start_serve 2026-11-24T23:02:00Z
for i in $(seq 1 50); do
	[ "$(db "SELECT count(*) FROM events WHERE type='task.escalated'")" = 2 ] && break
	sleep 0.1
done
expect_eq "both overdue escalations fired at start" \
	"$(db "SELECT count(*) FROM events WHERE type='task.escalated'")" 2
expect_eq "each marked late" "$(db "SELECT count(*) FROM events WHERE type='timer.late'")" 2
expect_eq "fired timers recorded" "$(db "SELECT count(*) FROM timers WHERE state='fired'")" 2
kill -KILL "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null

start_serve 2026-11-24T23:02:00Z
sleep 1.5	# give a wrongly re-firing scheduler the chance to show itself
expect_eq "after SIGKILL and restart nothing fires twice" \
	"$(db "SELECT count(*) FROM events WHERE type='task.escalated'")" 2

# A timer written by another process (the CLI) is picked up within a second.
LEADKEEP_NOW=2026-11-24T22:00:00Z lk lead add --name "Ana Ruiz" --phone 3125550123 >/dev/null
for i in $(seq 1 30); do
	[ "$(db "SELECT count(*) FROM timers WHERE lead_id=2 AND state='fired'")" -ge 1 ] && break
	sleep 0.1
done
expect_eq "timer from the CLI fired by the running server" \
	"$(db "SELECT count(*) FROM timers WHERE lead_id=2 AND kind='escalate' AND state='fired'")" 1
kill -TERM "$SERVE_PID"; wait "$SERVE_PID"
expect_eq "second clean stop" "$?" 0

"$LK_BIN" serve --listen 999.1.1.1:80 >/dev/null 2>&1; expect_eq "bad --listen exits 2" "$?" 2

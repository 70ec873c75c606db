#!/usr/bin/env bash
# The unknown outcome, step by step: serve is killed after the provider took
# the text but before the answer was recorded. At restart the row becomes
# `unknown` with a task ("check whether ... got the text") and is not resent;
# when the provider's delivery callback arrives, the row becomes delivered,
# the task closes itself and the timeline says so.
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"

PORT=$(free_port)
start_twilio_stub --delay 1500 --callback-delay 2500
unset LEADKEEP_NOW
open_around_the_clock
ID=$(lk lead add --name "Marcus Johnson" --phone +13125550199 --owner alice --json | json_get "$(cat)" "d['id']")
ROW=$(db "SELECT id FROM outbox WHERE lead_id = $ID AND purpose = 'ack'")

start_serve
accepted() { grep -c '"To": "+13125550199"' "$TW_REC" 2>/dev/null; }
for i in $(seq 1 50); do [ "$(accepted)" = 1 ] && break; sleep 0.1; done
kill -KILL "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null
expect_eq "killed while the provider held the request" "$(db "SELECT state FROM outbox WHERE id = $ROW")" sending

start_serve
expect_eq "at restart the row is unknown" "$(db "SELECT state FROM outbox WHERE id = $ROW")" unknown
TASK=$(db "SELECT task_id FROM outbox WHERE id = $ROW")
expect_contains "with a task for the owner" \
	"$(db "SELECT assignee || ': ' || title FROM tasks WHERE id = $TASK")" \
	'alice: Check whether Marcus Johnson got the text "Hi Marcus'
expect_eq "the timeline says the outcome is unknown" \
	"$(db "SELECT count(*) FROM events WHERE lead_id = $ID AND type = 'message.unknown' AND text LIKE '%Hi Marcus%'")" 1

check "the provider's callback resolves it" \
	wait_sql "SELECT state FROM outbox WHERE id = $ROW" delivered 15
expect_eq "the task closed itself" "$(db "SELECT state FROM tasks WHERE id = $TASK")" done
expect_contains "...saying why" "$(db "SELECT outcome FROM tasks WHERE id = $TASK")" "provider confirmed"
expect_eq "the sid is recorded" "$(db "SELECT count(*) FROM outbox WHERE id = $ROW AND provider_id LIKE 'SM%'")" 1
expect_eq "the timeline says it went out" \
	"$(db "SELECT count(*) FROM events WHERE lead_id = $ID AND type = 'message.confirmed' AND text LIKE '%to the lead%'")" 1
sleep 1
expect_eq "it was never sent again" "$(accepted)" 1
stop_serve

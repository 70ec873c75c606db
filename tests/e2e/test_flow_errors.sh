#!/usr/bin/env bash
# Storage errors inside a decision, through the store's test seam
# (LEADKEEP_FAULT_APPLY=N: a connection's first N decisions fail to apply as a
# refused write would). Nothing is half-applied: the CLI exits 1 (not 2), the
# API answers 503 storage_error (not 4xx) and a retry succeeds, and a timer
# stays pending and fires on a later pass instead of being consumed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

T0=2026-11-24T20:02:00Z		# Tuesday 14:02 in America/Chicago
export LEADKEEP_NOW=$T0

# --- the CLI ---------------------------------------------------------------
LEADKEEP_FAULT_APPLY=1 lk lead add --name "Marcus Johnson" --phone 3125550199 >/dev/null 2>"$T/cli.err"
expect_eq "CLI: a storage error exits 1, not 2" "$?" 1
expect_contains "CLI: says what failed" "$(cat "$T/cli.err")" "applying a decision"
expect_eq "CLI: nothing of the lead was kept" "$(sql 'SELECT count(*) FROM leads')" 0
lk lead add --name "Marcus Johnson" --phone 3125550199 >/dev/null
expect_eq "CLI: the same command succeeds without the fault" "$(sql 'SELECT count(*) FROM leads')" 1
lk task done 999 >/dev/null 2>&1
expect_eq "CLI: an unknown task is still a usage error (2)" "$?" 2

# --- the API -----------------------------------------------------------------
TOKEN=$(lk token create --name e2e --role staff 2>/dev/null)
LEADKEEP_FAULT_APPLY=1 start_server
out=$(api POST /api/v1/leads '{"name":"Ana Ruiz","phone":"3125550123"}')
expect_eq "API: a storage error is a 503" "$(status_of "$out")" 503
expect_contains "API: with the stable code storage_error" "$(body_of "$out")" '"code":"storage_error"'
expect_eq "API: nothing of the lead was kept" \
	"$(sql "SELECT count(*) FROM leads WHERE name = 'Ana Ruiz'")" 0
out=$(api POST /api/v1/leads '{"name":"Ana Ruiz","phone":"3125550123"}')
expect_eq "API: the retry is a 201" "$(status_of "$out")" 201
expect_eq "API: the lead exists once" "$(sql "SELECT count(*) FROM leads WHERE name = 'Ana Ruiz'")" 1
expect_contains "API: the failure is logged with its result" "$(cat "$T/serve.log")" \
	"result=storage_error"
stop_server

# --- the scheduler -----------------------------------------------------------
# Three hours later Marcus's call task is overdue: its escalations are due.
# The scheduler's first decision fails; the timer stays pending and fires on
# the next pass, once.
export LEADKEEP_NOW=2026-11-24T23:02:00Z
: >"$T/serve.log"
LEADKEEP_FAULT_APPLY=1 start_server
for i in $(seq 1 60); do
	[ "$(sql "SELECT count(*) FROM timers WHERE lead_id = (SELECT min(id) FROM leads) AND kind = 'escalate' AND state = 'pending'")" = 0 ] && break
	sleep 0.1
done
expect_contains "scheduler: the failed timer is logged" "$(cat "$T/serve.log")" "msg=timer_failed"
expect_eq "scheduler: no timer set aside as an error" \
	"$(sql "SELECT count(*) FROM timers WHERE state = 'error'")" 0
expect_eq "scheduler: both escalations fired on a later pass" \
	"$(sql "SELECT count(*) FROM timers WHERE lead_id = (SELECT min(id) FROM leads) AND kind = 'escalate' AND state = 'fired'")" 2
expect_eq "scheduler: each escalation applied once" \
	"$(sql "SELECT count(*) FROM events WHERE lead_id = (SELECT min(id) FROM leads) AND type = 'task.escalated'")" 2
stop_server
expect_eq "clean stop" "$?" 0

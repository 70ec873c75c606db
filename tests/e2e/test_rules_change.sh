#!/usr/bin/env bash
# Editing the rules under leads in flight (issue 10 item 1): `rules diff`
# shows what a new file would do and changes nothing; serve refuses a bad
# file on SIGHUP (its FILE:LINE:COL logged, the old rules stay) and takes a
# good one: the HTTP workers see it at once, the pending step is cancelled
# by id (not shifted), the lead's plan records the new version, and every
# version used is kept. The clock is injected with LEADKEEP_NOW.
. "$(dirname "$0")/lib.sh"

T0=2026-11-24T20:02:00Z		# Tuesday 14:02 in America/Chicago
LATER=2026-11-24T21:00:00Z	# nothing is due yet
EDITED="$LK_ROOT/tests/scenarios/rules-edited.yaml"
PORT=$(free_port)
db() { db_sql "$1"; }

LEADKEEP_NOW=$T0 lk lead add --name "Sam Lee" --phone 3125550177 --service gutters >/dev/null
expect_eq "the new lead's next step is named by id" \
	"$(db "SELECT step_id FROM timers WHERE kind='step' AND state='pending'")" sms.checkin
expect_eq "its plan records the rules version" \
	"$(db "SELECT length(rules_version) FROM leads WHERE id=1")" 64
expect_eq "the version the CLI used is kept, with its text" \
	"$(db "SELECT count(*) FROM rules_versions WHERE length(text) > 1000")" 1

# --- rules diff: before anything is applied ----------------------------------
out=$(LEADKEEP_NOW=$LATER lk rules diff "$EDITED"); rc=$?
expect_eq "rules diff exits 0" "$rc" 0
expect_contains "diff lists what the edit does to the sequence" "$out" \
	"new_inquiry: sms.checkin removed (was at 1d); email.nudge_email added at 4d; sms.final moved 7d -> 5d"
expect_contains "diff counts the leads in flight" "$out" "Leads in flight on another version: 1, of which 1 change"
expect_contains "diff counts cancelled steps" "$out" "steps cancelled:  1"
expect_contains "diff counts moved steps" "$out" "steps moved:      1"
expect_contains "diff counts added steps" "$out" "steps added:      1"
expect_contains "diff names the lead that goes cold sooner" "$out" "Lead #1 Sam Lee (new_inquiry): goes cold sooner"
expect_contains "diff says which step is cancelled" "$out" "Cancelled step sms.checkin of new_inquiry"
json=$(LEADKEEP_NOW=$LATER lk rules diff "$EDITED" --json)
expect_eq "diff --json: cold_sooner_leads" "$(json_get "$json" 'd["cold_sooner_leads"]')" "[1]"
expect_eq "diff changed nothing" \
	"$(db "SELECT step_id || ' ' || state FROM timers WHERE kind='step'")" "sms.checkin pending"
printf 'business: { name: X, timezone: Mars/Base }\n' > "$T/bad.yaml"
out=$(lk rules diff "$T/bad.yaml" 2>&1); rc=$?
expect_eq "diff of a bad file exits 3" "$rc" 3
expect_contains "diff of a bad file says where" "$out" "$T/bad.yaml:1:32: error: unknown time zone"

# --- serve and SIGHUP -----------------------------------------------------------
LEADKEEP_NOW=$LATER "$LK_BIN" serve --listen "127.0.0.1:$PORT" 2>>"$T/serve.log" &
SERVE_PID=$!
_pids+=("$SERVE_PID")
check "serve answers /readyz" wait_http "http://127.0.0.1:$PORT/readyz"
TOKEN=$(lk token create --name rules --role staff 2>/dev/null)
people() { curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/people"; }
npeople=$(grep -c '^  - { id: ' "$LK_ROOT/examples/default-rules.yaml")	# the demo's people
expect_eq "the demo's people before the reload" "$(json_get "$(people)" 'len(d["data"])')" "$npeople"

# hup: sends SIGHUP and waits for the log line that says how it went.
hup() {	# LOG_MSG
	local before i
	before=$(grep -c "msg=$1" "$T/serve.log")
	kill -HUP "$SERVE_PID"
	for i in $(seq 1 100); do
		[ "$(grep -c "msg=$1" "$T/serve.log")" -gt "$before" ] && return 0
		sleep 0.1
	done
	return 1
}

sed -e 's|timezone: America/Chicago|timezone: America/Chicgo|' \
	-e 's|template: nudge_email|template: nudge_mail|' "$EDITED" > "$LK_FILES/rules.yaml"
check "a bad file on SIGHUP is refused" hup rules_refused
log=$(cat "$T/serve.log")
expect_contains "the refusal logs each problem at FILE:LINE:COL" "$log" \
	"$LK_FILES/rules.yaml:6:13: error: unknown time zone"
expect_contains "... every one of them" "$log" \
	"$LK_FILES/rules.yaml:46:41: error: template \\\"nudge_mail\\\" does not exist"
expect_contains "the refusal says the old rules stay" "$log" "msg=rules_refused file=$LK_FILES/rules.yaml errors="
expect_eq "serve still runs the old rules" "$(json_get "$(people)" 'len(d["data"])')" "$npeople"
expect_eq "the refused file's lead plan is untouched" \
	"$(db "SELECT step_id || ' ' || state FROM timers WHERE kind='step'")" "sms.checkin pending"

sed -e 's/^  - { id: maria, .*/&\n  - { id: dana, name: Dana Kim, role: office, email: dana@northside.example }/' \
	"$EDITED" > "$LK_FILES/rules.yaml"
check "a good file on SIGHUP is taken" hup rules_leads_moved
expect_contains "the reload is logged" "$(cat "$T/serve.log")" "msg=rules_reloaded file=$LK_FILES/rules.yaml"
expect_contains "the leads moved are counted" "$(cat "$T/serve.log")" "leads=1 changed=1 cancelled=1 moved=1 added=1"
expect_eq "HTTP sees the new rules at once (the edited file's people and Dana)" \
	"$(json_get "$(people)" 'len(d["data"])')" "$(($(grep -c '^  - { id: ' "$EDITED") + 1))"
expect_eq "the deleted step is cancelled, not shifted onto another" \
	"$(db "SELECT step_id || ' ' || state FROM timers WHERE kind='step' ORDER BY id")" \
	"sms.checkin cancelled
sms.second pending"
expect_eq "its timer is due at the start + 3d, as before" \
	"$(utc "$(db "SELECT due_at FROM timers WHERE kind='step' AND state='pending'")")" \
	"2026-11-27 20:02:00"
expect_contains "the timeline says why" "$(db "SELECT type FROM events WHERE lead_id=1 ORDER BY id" | paste -sd, -)" \
	"step.cancelled"
expect_eq "the plan records the new version" \
	"$(db "SELECT CASE WHEN rules_version = (SELECT v.hash FROM rules_activations a JOIN rules_versions v ON v.id = a.version_id ORDER BY a.id DESC LIMIT 1) THEN 1 ELSE 0 END FROM leads WHERE id=1")" 1
expect_eq "every version used is kept: the CLI's, serve's reload" \
	"$(db "SELECT by FROM rules_activations ORDER BY id" | paste -sd, -)" "cli,serve reload"
check "the same file again changes nothing" hup rules_unchanged
hist=$(lk rules history)
expect_contains "rules history lists the reload" "$hist" "serve reload"
kill -TERM "$SERVE_PID"; wait "$SERVE_PID"
expect_eq "serve stops cleanly after reloads" "$?" 0

# Rules edited while serve is down: the leads move when it starts.
sed -e 's/at: 3d,  send: sms,  template: second/at: 2d,  send: sms,  template: second/' \
	"$EDITED" > "$LK_FILES/rules.yaml"
LEADKEEP_NOW=$LATER "$LK_BIN" serve --listen "127.0.0.1:$PORT" 2>>"$T/serve.log" &
SERVE_PID=$!
_pids+=("$SERVE_PID")
check "serve starts on the edited rules" wait_http "http://127.0.0.1:$PORT/readyz"
expect_eq "the pending step moved to start + 2d" \
	"$(db "SELECT step_id || ' ' || due_at FROM timers WHERE kind='step' AND state='pending'" |
	   while read -r id at; do echo "$id $(utc "$at")"; done)" \
	"sms.second 2026-11-26 20:02:00"
kill -TERM "$SERVE_PID"; wait "$SERVE_PID"

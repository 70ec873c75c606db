#!/usr/bin/env bash
# People who are away (issue 10 item 5): `lead add --owner` must name someone,
# `rules check` proves every owner choice has someone at work, and serve's
# scheduler hands the open tasks of someone who went away to their fallback,
# through the engine. The clock is injected with LEADKEEP_NOW.
. "$(dirname "$0")/lib.sh"

mkdir -p "$LK_FILES"
cat > "$LK_FILES/rules.yaml" <<'YAML'
business: { name: Acme, timezone: America/Chicago }
people:
  - { id: alice, name: Alice Moreno, role: office, email: alice@acme.example, fallback: maria,
      away: [ { from: 2026-12-21, to: 2026-12-27 } ] }
  - { id: maria, name: Maria Olsen, role: manager, email: maria@acme.example }
routing:
  - { when: { source: phone_call }, owner: alice }
  - { owner: maria }
sequences:
  new_inquiry:
    - { at: 0m, task: call, within: 2d, business_hours: false }
YAML
db() { db_sql "$1"; }
check "the rules with an away time and a fallback pass rules check" lk rules check --syntax

out=$(LEADKEEP_NOW=2026-12-18T16:00:00Z lk lead add --name "Eve Early" --phone 3125550141 \
	--source phone_call --owner alce 2>&1); rc=$?
expect_eq "lead add --owner nosuchperson exits 2" "$rc" 2
expect_contains "and says who exists" "$out" 'lead add: --owner: no person "alce" in the rules (known: alice, maria)'
expect_eq "no lead was stored" "$(db "SELECT count(*) FROM leads" 2>/dev/null || echo 0)" 0

LEADKEEP_NOW=2026-12-18T16:00:00Z lk lead add --name "Eve Early" --phone 3125550141 \
	--source phone_call >/dev/null
expect_eq "before she is away, the call is Alice's" \
	"$(db "SELECT assignee FROM tasks WHERE state='open'")" alice
LEADKEEP_NOW=2026-12-22T16:00:00Z lk lead add --name "Cal Caller" --phone 3125550142 \
	--source phone_call >/dev/null
expect_eq "while she is away, routing gives her calls to her fallback" \
	"$(db "SELECT owner FROM leads WHERE id=2")" maria
expect_contains "and the timeline says why" "$(db "SELECT text FROM events WHERE lead_id=2 AND type='owner.skipped'")" \
	"Alice Moreno is away until Dec 27: Maria Olsen takes the lead"

# serve on Dec 22: the scheduler's pass hands her open task to Maria.
PORT=$(free_port)
LEADKEEP_NOW=2026-12-22T16:00:00Z "$LK_BIN" serve --listen "127.0.0.1:$PORT" 2>>"$T/serve.log" &
SERVE_PID=$!
_pids+=("$SERVE_PID")
check "serve answers /readyz" wait_http "http://127.0.0.1:$PORT/readyz"
for i in $(seq 1 50); do
	[ "$(db "SELECT count(*) FROM tasks WHERE lead_id=1 AND state='open' AND assignee='maria'")" = 1 ] && break
	sleep 0.1
done
expect_eq "her open task went to her fallback" \
	"$(db "SELECT assignee || ' ' || state FROM tasks WHERE lead_id=1 ORDER BY id")" \
	"alice reassigned
maria open"
expect_contains "the timeline says so" "$(db "SELECT text FROM events WHERE lead_id=1 AND type='task.covered'")" \
	'Alice Moreno is away until Dec 27: "Call Eve Early'
expect_contains "the pass is logged" "$(cat "$T/serve.log")" "msg=tasks_handed_over leads=1"
kill -TERM "$SERVE_PID"; wait "$SERVE_PID"
expect_eq "serve stops cleanly" "$?" 0

# rules check proves the fallback chain: nobody at work is an error that says when.
cat > "$T/gap.yaml" <<'YAML'
business: { name: Acme, timezone: America/Chicago }
people:
  - { id: alice, name: Alice, role: office, away: [ { from: 2026-12-21, to: 2026-12-27 } ] }
  - { id: bob, name: Bob, role: office, active: false }
routing:
  - { owner: { round_robin: [alice, bob] } }
YAML
out=$(lk rules check "$T/gap.yaml"); rc=$?
expect_eq "an owner choice nobody covers fails rules check" "$rc" 3
expect_contains "it says when and who is out" "$out" \
	"$T/gap.yaml:6:14: error: nobody can take its leads from 2026-12-21 00:00: alice (away), bob (not active)"

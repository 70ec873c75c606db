#!/usr/bin/env bash
# leadkeep demo-seed: the demo business's last week, played through the real
# engine on a virtual clock that ends now (make run calls it on a fresh data
# dir). Leads from every source, people's calls, visits and quotes, the
# leads' replies, timers fired and messages sent on the way; every open lead
# has an owner and a next action, Today has work due and overdue; once only,
# and only for the built-in demo.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago: open
NOW=$(date -d "$LEADKEEP_NOW" +%s)

check "demo-seed --help" lk demo-seed --help
expect_eq "a stray argument: usage error" "$(lk demo-seed extra >/dev/null 2>&1; echo $?)" 2

out=$(lk demo-seed 2>&1); rc=$?
expect_eq "demo-seed on a fresh data dir: exit 0" "$rc" 0
expect_contains "it says what it played" "$out" "the demo's last week played through the engine: 35 leads"

# --- made through the engine, in the past week -------------------------------------------
expect_eq "35 leads" "$(sql 'SELECT count(*) FROM leads')" 35
expect_eq "from six sources" "$(sql 'SELECT count(DISTINCT source) FROM leads')" 6
expect_eq "every lead arrived in the week before now" \
	"$(sql "SELECT count(*) FROM leads WHERE created_at BETWEEN $NOW - 7 * 86400 AND $NOW")" 35
expect_eq "nothing happened after now" \
	"$(sql "SELECT count(*) FROM events WHERE at > $NOW")" 0
expect_eq "every lead has the engine's intake in its timeline" \
	"$(sql "SELECT count(DISTINCT lead_id) FROM events WHERE type = 'lead.created'")" 35
expect_eq "every lead was routed to an owner" \
	"$(sql "SELECT count(*) FROM leads WHERE owner IS NULL OR owner = ''")" 0
check "every lead with a phone got the acknowledgment" test \
	"$(sql "SELECT count(*) FROM leads l WHERE phone IS NOT NULL AND NOT EXISTS
		(SELECT 1 FROM outbox o WHERE o.lead_id = l.id AND o.purpose = 'ack')")" -eq 0
check "people called (no answer, messages, talked)" test \
	"$(sql "SELECT count(DISTINCT text LIKE '%no_answer%') + count(DISTINCT text LIKE '%talked%') FROM events WHERE type = 'call.logged'")" -ge 3
check "visits were logged, with quotes" test \
	"$(sql "SELECT count(*) FROM events WHERE type = 'visit.logged' AND text LIKE '%quote \$%'")" -ge 5
check "leads replied" test "$(sql "SELECT count(*) FROM events WHERE type = 'message.received'")" -ge 5
expect_eq "one lead asked again" "$(sql "SELECT count(*) FROM events WHERE type = 'lead.inquiry_again'")" 1
check "tasks were done and snoozed" test \
	"$(sql "SELECT count(*) FROM events WHERE type IN ('task.done', 'task.snoozed')")" -ge 10
check "timers fired: follow-up texts went out" test \
	"$(sql "SELECT count(*) FROM outbox WHERE purpose = 'followup' AND state = 'sent'")" -ge 5
check "overdue tasks were escalated" test "$(sql "SELECT count(*) FROM events WHERE type = 'task.escalated'")" -ge 1
expect_eq "stages of a real week" \
	"$(sql "SELECT DISTINCT stage FROM leads ORDER BY stage" | paste -sd' ' -)" \
	"contacted lost new quoted scheduled won"
expect_eq "won jobs carry their amount" "$(sql "SELECT count(*) FROM leads WHERE stage = 'won' AND quote_cents > 0")" \
	"$(sql "SELECT count(*) FROM leads WHERE stage = 'won'")"
expect_eq "lost leads carry their reason" \
	"$(sql "SELECT lost_reason FROM leads WHERE stage = 'lost' ORDER BY lost_reason" | paste -sd' ' -)" \
	"price spam"

# --- the state a newcomer opens ----------------------------------------------------------------
expect_eq "every open lead has an owner" \
	"$(sql "SELECT count(*) FROM leads WHERE status = 'open' AND (owner IS NULL OR owner = '')")" 0
expect_eq "every open lead has a next action (an open task, or its sequence's next step)" \
	"$(sql "SELECT count(*) FROM leads l WHERE status = 'open' AND NOT EXISTS
		(SELECT 1 FROM tasks t WHERE t.lead_id = l.id AND t.state = 'open') AND NOT EXISTS
		(SELECT 1 FROM timers m WHERE m.lead_id = l.id AND m.state = 'pending' AND m.kind = 'step')")" 0
check "most open leads have an open task" test \
	"$(sql "SELECT count(DISTINCT t.lead_id) FROM tasks t JOIN leads l ON l.id = t.lead_id WHERE t.state = 'open' AND l.status = 'open'")" -ge 20
expect_eq "every open task belongs to a person of the rules" \
	"$(sql "SELECT count(*) FROM tasks WHERE state = 'open' AND assignee NOT IN (SELECT id FROM people)")" 0
check "Today has overdue tasks" test "$(sql "SELECT count(*) FROM tasks WHERE state = 'open' AND due_at < $NOW")" -ge 3
check "... and tasks still to come" test "$(sql "SELECT count(*) FROM tasks WHERE state = 'open' AND due_at >= $NOW")" -ge 3
check "... some due within the hour" test \
	"$(sql "SELECT count(*) FROM tasks WHERE state = 'open' AND due_at BETWEEN $NOW AND $NOW + 3600")" -ge 1
check "both alice and bob have open tasks" test \
	"$(sql "SELECT count(DISTINCT assignee) FROM tasks WHERE state = 'open'")" -ge 2
expect_eq "every message due by now was sent, none is stuck" \
	"$(sql "SELECT count(*) FROM outbox WHERE state NOT IN ('sent', 'cancelled') AND send_at <= $NOW")" 0
sent=$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")
check "more than a hundred messages sent" test "$sent" -ge 100
expect_eq "each sent message is a line of the log provider's file" \
	"$(wc -l <"$LK_FILES/outbox.log")" "$sent"
expect_eq "sent by the log provider" "$(sql "SELECT DISTINCT provider FROM outbox WHERE state = 'sent'" | paste -sd, -)" log
expect_eq "no timer is left overdue" "$(sql "SELECT count(*) FROM timers WHERE state = 'pending' AND due_at <= $NOW")" 0
check "timers wait for the days ahead" test "$(sql "SELECT count(*) FROM timers WHERE state = 'pending'")" -ge 10

# --- the same week every time, once ----------------------------------------------------------------
events=$(sql 'SELECT count(*) FROM events')
out=$(lk demo-seed 2>&1); rc=$?
expect_eq "again: exit 0" "$rc" 0
expect_contains "again: it says it adds nothing" "$out" "already has leads"
expect_eq "again: nothing added" "$(sql "SELECT count(*) || ' ' || (SELECT count(*) FROM events) FROM leads")" "35 $events"
D2="$T/again"
out=$(LEADKEEP_DATA="$D2" lk demo-seed --json 2>/dev/null)
expect_eq "--json: the leads played" "$(json_get "$out" 'd["leads"]')" 35
expect_eq "the same week from the same now" \
	"$(sqlite3 "$D2/leadkeep.db" "SELECT name || stage || status || owner FROM leads ORDER BY id" | paste -sd, -)" \
	"$(sql "SELECT name || stage || status || owner FROM leads ORDER BY id" | paste -sd, -)"

# --- only for the built-in demo ----------------------------------------------------------------------
D3="$T/own"
mkdir -p "$D3"
lk rules show-default >"$D3/rules.yaml"
expect_eq "a data dir with its own rules: refused" "$(LEADKEEP_DATA="$D3" LEADKEEP_FILES= lk demo-seed >/dev/null 2>&1; echo $?)" 2
check "... and no database written" test ! -e "$D3/leadkeep.db"
expect_eq "--rules: refused" "$(LEADKEEP_DATA="$T/r" lk demo-seed --rules "$D3/rules.yaml" >/dev/null 2>&1; echo $?)" 2
D4="$T/busy"
LEADKEEP_DATA="$D4" lk lead add --name "Real Lead" --phone 3125550199 >/dev/null 2>&1
LEADKEEP_DATA="$D4" lk demo-seed >/dev/null 2>&1
expect_eq "a business with leads already: nothing added" \
	"$(sqlite3 "$D4/leadkeep.db" 'SELECT count(*) FROM leads')" 1

# --- a Sunday night: the week still ends with work due and overdue -------------------------------
D5="$T/sunday"
SUN=2026-11-30T04:30:00Z	# Sunday 22:30 in Chicago: closed until Monday 8:00
LEADKEEP_NOW=$SUN LEADKEEP_DATA="$D5" lk demo-seed >/dev/null 2>&1
S=$(date -d "$SUN" +%s)
check "Sunday night: overdue tasks" test \
	"$(sqlite3 "$D5/leadkeep.db" "SELECT count(*) FROM tasks WHERE state = 'open' AND due_at < $S")" -ge 1
check "Sunday night: tasks due Monday" test \
	"$(sqlite3 "$D5/leadkeep.db" "SELECT count(*) FROM tasks WHERE state = 'open' AND due_at >= $S")" -ge 3

# --- what make run serves: Today has the week's work -----------------------------------------------------
lk demo-users >/dev/null 2>&1
start_server || { not_ok "server starts on the seeded data"; exit 1; }
J="$T/maria.jar"
curl -s -c "$J" -b "$J" -o "$T/page" "$BASE/app/login"
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/page" | head -n 1 | sed 's/.*value="//; s/"//')
expect_eq "the demo manager signs in" \
	"$(curl -s -o /dev/null -w '%{http_code}' -c "$J" -b "$J" --data "csrf=$csrf&email=maria@demo&password=leadkeep-demo" "$BASE/app/login")" 303
page=$(curl -s -b "$J" "$BASE/app/?who=all")
check "everyone's Today lists the open tasks" test "$(grep -o 'id="task-[0-9]*"' <<<"$page" | wc -l)" -eq \
	"$(sql "SELECT count(*) FROM tasks WHERE state = 'open'")"
expect_contains "some of them late" "$page" 'class="due late"'
lead=$(sql "SELECT id FROM leads WHERE stage = 'won' LIMIT 1")
page=$(curl -s -b "$J" "$BASE/app/leads/$lead")
expect_contains "a won lead's page tells its story" "$page" "visited: talked, quote"
check "server stops cleanly" stop_server
check "no sanitizer report" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"

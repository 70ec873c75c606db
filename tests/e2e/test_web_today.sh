#!/usr/bin/env bash
# Today for a person with thousands of open tasks, end to end with curl and
# a cookie jar against the real serve: the first 50 in the order to do them,
# a page well under 100 KB, "Show more" going on after the last one shown
# (a cursor: the same tasks in the same order, none twice, none skipped),
# compact cards - one form each with the one-tap outcomes and the CSRF token,
# a link that opens a card's note and snooze (?open=) - that work without
# JavaScript, and a refused snooze shown next to its opened card.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago: open
NOW=$(date -u -d 2026-11-24T20:02:00Z +%s)
lk demo-users >/dev/null 2>&1
server_config "$T/serve.yaml" </dev/null
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
location() { grep -i '^Location:' "$T/hdr" | tr -d '\r' | sed 's/^[Ll]ocation: //'; }
signin() {
	page /app/login "$1" >/dev/null
	post /app/login "$1" "csrf=$(csrf_of)&email=$2&password=leadkeep-demo"
}
cards() { grep -o '<article class="card task[^"]*" id="task-[0-9]*"' "$T/page" | sed 's/.*id="task-//; s/"//'; }
href_of() { grep -o "<a class=\"button[^\"]*\" href=\"[^\"]*\">$1" "$T/page" | head -n 1 | sed 's/.*href="//; s/".*//; s/&amp;/\&/g'; }

# Three leads through the form door, then 3,000 more open tasks on them for
# alice, due over the last and the next days (the queue's order: due, id).
for i in 1 2 3; do
	req POST /in/form/alice --data "name=Queue+Lead+$i&phone=312555017$i&service=gutters" >/dev/null
done
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
     INSERT INTO tasks (business_id, lead_id, verb, title, assignee, due_at, created_at)
     SELECT 1, (SELECT min(id) FROM leads) + i % 3, CASE WHEN i % 4 = 0 THEN 'visit' ELSE 'call' END,
            'Call back about the gutters, task ' || i, 'alice', $NOW - 86400 + (i * 97) % 200000, $NOW FROM n"
expect_eq "alice has thousands of open tasks" "$(sql "SELECT CASE WHEN count(*) > 3000 THEN 1 ELSE 0 END FROM tasks WHERE state = 'open' AND assignee = 'alice'")" 1
order() { sql "SELECT id FROM tasks WHERE state = 'open' AND assignee = 'alice' ORDER BY due_at, id LIMIT $1 OFFSET $2"; }

A="$T/alice.jar"
expect_eq "alice signs in" "$(signin "$A" alice@demo)" 303
expect_eq "Today: 200" "$(page /app/ "$A")" 200
size=$(stat -c %s "$T/page")
check "Today is under 100 KB of HTML ($size bytes)" test "$size" -lt 102400
expect_eq "the first 50 tasks, in the order to do them" "$(cards)" "$(order 50 0)"
expect_eq "one form per card" "$(grep -o '<form method="post" action="/app/tasks/' "$T/page" | wc -l)" 50
expect_eq "each with its CSRF token" \
	"$(grep -o 'class="task-form"><input type="hidden" name="csrf" value="[0-9a-f]\{64\}"' "$T/page" | wc -l)" 50
expect_contains "a call card's one-tap outcomes" "$(cat "$T/page")" \
	'<button name="outcome" value="talked">Talked</button><button name="outcome" value="no_answer" class="secondary">No answer</button>'
check "no card is opened: no snooze field" bash -c "! grep -q 'name=\"reason\"' '$T/page'"
expect_contains "the countdown and the why stay" "$(cat "$T/page")" 'class="why">From web_form'
expect_contains "... and what the acknowledgment promised the lead" "$(cat "$T/page")" \
	'class="why">We told them: Hi Queue, thanks for contacting Northside Home Services about gutters. Alice will call you'
more=$(href_of "Show more")
expect_contains "a Show more link after the last task shown" "$more" "after=$(order 1 49)&page=2"

expect_eq "page 2: 200" "$(page "$more" "$A")" 200
expect_eq "page 2: the next 50, none twice, none skipped" "$(cards)" "$(order 50 50)"
expect_contains "page 2 says where it starts" "$(cat "$T/page")" "Tasks from number 51 on"
expect_contains "page 2: the way back to the start" "$(href_of 'Back to the first tasks')" "/app/"
expect_contains "page 2: Show more goes on" "$(href_of "Show more")" "after=$(order 1 99)&page=3"

# a card opened: its note and snooze in the same form
first=$(order 1 0)
expect_contains "a card's link opens it" "$(page /app/ "$A" >/dev/null; href_of 'Note or snooze')" "/app/?open=$first#task-$first"
expect_eq "the opened card: 200" "$(page "/app/?open=$first" "$A")" 200
expect_eq "only that card is opened" "$(grep -o 'name="reason"' "$T/page" | wc -l)" 1
expect_contains "... with snooze posting the same form elsewhere" "$(cat "$T/page")" \
	"<button formaction=\"/app/tasks/$first/snooze\" class=\"secondary\">Snooze</button>"
expect_contains "... and its details open" "$(cat "$T/page")" "<details open><summary>Done with a note, or snooze</summary>"
CSRF=$(csrf_of)
expect_eq "a snooze without a reason: 422" "$(post "/app/tasks/$first/snooze" "$A" "csrf=$CSRF&back=today&for=1d&text=")" 422
expect_contains "the reason is asked for" "$(cat "$T/page")" "Say why it waits."
check "... next to its card, opened again" grep -q "id=\"t$first-reason\"" "$T/page"
expect_eq "a snooze with a reason: 303 to Today" \
	"$(post "/app/tasks/$first/snooze" "$A" "csrf=$CSRF&back=today&for=1d&text=&reason=on+holiday"); $(location)" \
	"303; /app/?ok=snoozed"
expect_eq "the task moved a day on" "$(sql "SELECT due_at - $NOW FROM tasks WHERE id = $first")" 86400
second=$(order 1 0)
expect_eq "a one-tap outcome from a compact card: 303" \
	"$(post "/app/tasks/$second/outcome" "$A" "csrf=$CSRF&back=today&outcome=done&text=")" 303
expect_eq "the task is done" "$(sql "SELECT state FROM tasks WHERE id = $second")" done

# the last page
last=$(sql "SELECT id, due_at FROM tasks WHERE state = 'open' AND assignee = 'alice' ORDER BY due_at, id LIMIT 1 OFFSET 2979")
expect_eq "the last page: 200" "$(page "/app/?due=${last#*|}&after=${last%|*}&page=61" "$A")" 200
expect_eq "... the tasks after the cursor" "$(cards | wc -l)" "$(( $(sql "SELECT count(*) FROM tasks WHERE state = 'open' AND assignee = 'alice'") - 2980 ))"
check "... and no Show more" bash -c "! grep -q 'Show more' '$T/page'"
expect_eq "a cursor past the end: 200" "$(page "/app/?due=9999999999&after=1&page=2" "$A")" 200
expect_contains "... says so" "$(cat "$T/page")" "No more tasks after these."
expect_eq "a cursor that is not a number: the first page" "$(page "/app/?due=x&after=y&page=z" "$A"; cards | head -n 1)" "200$(order 1 0)"

check "server stops cleanly" stop_server
check "no sanitizer report in the server log" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"

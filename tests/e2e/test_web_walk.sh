#!/usr/bin/env bash
# Start - walking my queue one lead at a time - end to end with curl against
# the real serve: the walk shows the first task's lead (New, tap to call),
# and each outcome goes through the engine in one write: "no answer" + 1 day
# moves the next attempt to tomorrow, "booked" schedules the visit and stops
# the inquiry follow-ups, "quote sent" moves to quoted with the amount,
# "lost" takes a reason from the rules, "snooze" a reason and a time, "on a
# date" sets a follow-up then; refusals name the field; another person's
# task is 404; lead fields are escaped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"
# at_utc: rows "A|SECONDS[|B]" as "A YYYY-MM-DD HH:MM:SS[ B]" (lib.sh's utc),
# the one time format on either engine (PostgreSQL has no datetime()).
at_utc() { local a s b; while IFS='|' read -r a s b; do echo "$a $(utc "$s")${b:+ $b}"; done; }

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago: open
NOW=$(date -u -d 2026-11-24T20:02:00Z +%s)
server_config "$T/serve.yaml" </dev/null
lk demo-users 2>/dev/null
# after demo-users: it is for the built-in demo rules alone
business_config <<'YAML'
sources:
  forms:
    alice: { owner: alice }
    bob: { owner: bob }
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
# lead NAME PHONE [FORM]: posts a lead to the form door, prints its id.
lead() {
	req POST "/in/form/${3:-alice}" --data-urlencode "name=$1" --data "phone=$2&service=gutters" >/dev/null
	sql "SELECT id FROM leads WHERE phone = '+1$2'"
}
task_of() { sql "SELECT id FROM tasks WHERE lead_id = $1 AND state = 'open' ORDER BY due_at, id LIMIT 1"; }
due_of() { sql "SELECT due_at FROM tasks WHERE id = $1"; }
# walk TASK DATA: posts an outcome for TASK as alice; prints the status.
walk() { post "/app/walk/$1" "$A" "csrf=$ACSRF&due=$(due_of "$1")&$2"; }

ann=$(lead "Ann Able" 3125550101)
ben=$(lead "Ben Baker" 3125550102)
cat_=$(lead "Cat <script>alert(1)</script>" 3125550103)
eve=$(lead "Eve Evans" 3125550104)
fay=$(lead "Fay Fisher" 3125550105)
gus=$(lead "Gus Green" 3125550106)
dan=$(lead "Dan Bobson" 3125550107 bob)
expect_eq "seven leads, six of them alice's" "$(sql "SELECT count(*) FROM leads WHERE owner = 'alice'")" 6

A="$T/alice.jar" B="$T/bob.jar"
expect_eq "alice signs in" "$(signin "$A" alice@demo)" 303
expect_eq "Today: 200" "$(page /app/ "$A")" 200
expect_contains "Today has a Start button" "$(cat "$T/page")" 'class="button start" href="/app/walk"'
expect_contains "a lead nobody acted on is marked New on Today" "$(cat "$T/page")" 'class="badge new"'
expect_eq "the walk: 200" "$(page /app/walk "$A")" 200
w=$(cat "$T/page")
ACSRF=$(csrf_of)
t=$(task_of "$ann")
expect_contains "the walk starts with the first task's lead" "$w" "Ann Able"
check "one lead at a time" bash -c "! grep -q 'Ben Baker' <<<\"\$1\"" _ "$w"
expect_contains "it is New" "$w" 'class="badge new"'
expect_contains "tap to call" "$w" 'href="tel:+13125550101"'
expect_contains "tap to text" "$w" 'href="sms:+13125550101"'
expect_contains "the outcome form posts to the task" "$w" "action=\"/app/walk/$t\""
for o in no_answer left_voicemail talked booked quoted lost snooze; do
	expect_contains "outcome $o offered" "$w" "value=\"$o\""
done
for n in none 1d 3d 7d date; do
	expect_contains "next follow-up $n offered" "$w" "name=\"next\" value=\"$n\""
done
expect_contains "lost reasons from the rules" "$w" '<option value="competitor">'

# --- refusals -------------------------------------------------------------------------------------
expect_eq "without CSRF: 403" "$(post "/app/walk/$t" "$A" "outcome=talked")" 403
expect_eq "no outcome: 422" "$(walk "$t" "next=none")" 422
expect_contains "it says what is missing" "$(cat "$T/page")" "Pick what happened."
expect_contains "the same lead again" "$(cat "$T/page")" "Ann Able"
expect_eq "a date follow-up without a date: 422" "$(walk "$t" "outcome=talked&next=date")" 422
expect_contains "it names the field" "$(cat "$T/page")" "Next follow-up: pick a date"
expect_eq "refusals changed nothing" "$(sql "SELECT state FROM tasks WHERE id = $t")" open

# --- no answer + 1 day ---------------------------------------------------------------------------
expect_eq "no answer + 1 day: 303" "$(walk "$t" "outcome=no_answer&next=1d")" 303
expect_contains "on to the next lead, with this one's news" "$(location)" "/app/walk?due=$(due_of "$t")&task=$t&prev=$ann"
expect_eq "the task is done: no answer" "$(sql "SELECT state || ' ' || outcome FROM tasks WHERE id = $t")" "done no_answer"
expect_contains "the call is in the timeline, as alice's" \
	"$(sql "SELECT actor || ': ' || text FROM events WHERE lead_id = $ann AND type = 'call.logged'")" "alice: Alice Moreno called: no_answer"
expect_eq "one next attempt, not two" "$(sql "SELECT count(*) FROM tasks WHERE lead_id = $ann AND state = 'open'")" 1
expect_eq "the next attempt is tomorrow, same time" \
	"$(sql "SELECT verb || ' ' || (due_at - $NOW) FROM tasks WHERE lead_id = $ann AND state = 'open'")" "call 86400"
expect_contains "the follow-up is in the timeline" "$(sql "SELECT text FROM events WHERE lead_id = $ann AND type = 'followup.set'")" \
	"Next follow-up: Call Ann Able by tomorrow 2:02 PM (instead of: Call Ann Able by 4:02 PM again)"
expect_eq "an attempt is not contact" "$(sql "SELECT last_touch_at FROM leads WHERE id = $ann")" 0
expect_eq "the walk goes on: 200" "$(page "$(location)" "$A")" 200
w=$(cat "$T/page")
expect_contains "it says what the engine made next" "$w" "Next for Ann Able: Call Ann Able"
expect_contains "and shows the next lead" "$w" "Ben Baker"
page "/app/leads/$ann" "$A" >/dev/null
check "Ann is no longer New once someone acted" bash -c "! grep -q 'class=\"badge new\"' '$T/page'"

# --- booked ----------------------------------------------------------------------------------------
t=$(task_of "$ben")
expect_eq "booked without a time: 422" "$(walk "$t" "outcome=booked&next=none")" 422
expect_contains "it asks for the visit's time" "$(cat "$T/page")" "Booked: pick the date and time"
expect_eq "booked for Friday 10:00: 303" "$(walk "$t" "outcome=booked&book_date=2026-11-27&book_time=10%3A00&next=none")" 303
expect_eq "stage scheduled, the inquiry follow-ups stopped" \
	"$(sql "SELECT stage || ' ' || coalesce(sequence, '-') FROM leads WHERE id = $ben")" "scheduled -"
expect_eq "no inquiry step is pending" \
	"$(sql "SELECT count(*) FROM timers WHERE lead_id = $ben AND kind = 'step' AND state = 'pending'")" 0
expect_eq "a visit task at the booked time" \
	"$(sql "SELECT verb, due_at FROM tasks WHERE lead_id = $ben AND state = 'open'" | at_utc)" \
	"visit 2026-11-27 16:00:00"
expect_eq "the booking reached the lead" "$(sql "SELECT CASE WHEN last_touch_at > 0 THEN 1 ELSE 0 END FROM leads WHERE id = $ben")" 1
expect_eq "it is a real appointment (docs/appointments.md), with its reminders" \
	"$(sql "SELECT state, starts_at, (SELECT count(*) FROM timers WHERE appointment_id = a.id AND kind = 'appt_remind') FROM appointments a WHERE lead_id = $ben" | at_utc)" \
	"booked 2026-11-27 16:00:00 2"
expect_eq "the first contact is marked" "$(sql "SELECT count(*) FROM events WHERE lead_id = $ben AND type = 'contact.first'")" 1

# --- quote sent -----------------------------------------------------------------------------------
t=$(task_of "$cat_")
page "/app/walk?due=$(due_of "$t")&task=$((t - 1))" "$A" >/dev/null
w=$(cat "$T/page")
expect_contains "a lead's name is escaped on the walk" "$w" "Cat &lt;script&gt;alert(1)&lt;/script&gt;"
check "no script from a lead field" bash -c "! grep -q '<script>alert' <<<\"\$1\""  _ "$w"
expect_eq "quote sent without an amount: 422" "$(walk "$t" "outcome=quoted&next=none")" 422
expect_eq "quote sent with 1,250: 303" "$(walk "$t" "outcome=quoted&amount=1%2C250&next=none")" 303
expect_eq "stage quoted with the amount, the quote sequence runs" \
	"$(sql "SELECT stage || ' ' || quote_cents || ' ' || sequence FROM leads WHERE id = $cat_")" "quoted 125000 quote_sent"
expect_eq "the task is done" "$(sql "SELECT state FROM tasks WHERE id = $t")" done

# --- lost -----------------------------------------------------------------------------------------
t=$(task_of "$eve")
expect_eq "lost without a reason: 422" "$(walk "$t" "outcome=lost&next=none")" 422
expect_eq "lost with a reason not in the rules: 422" "$(walk "$t" "outcome=lost&reason=bored&next=none")" 422
expect_eq "lost (price): 303" "$(walk "$t" "outcome=lost&reason=price&next=3d")" 303
expect_eq "lost, the reason kept" "$(sql "SELECT stage || ' ' || status || ' ' || lost_reason FROM leads WHERE id = $eve")" "lost lost price"
expect_eq "no task left open, no follow-up made" "$(sql "SELECT count(*) FROM tasks WHERE lead_id = $eve AND state = 'open'")" 0

# --- snooze -----------------------------------------------------------------------------------------
t=$(task_of "$fay")
expect_eq "snooze without a reason: 422" "$(walk "$t" "outcome=snooze&next=3d")" 422
expect_eq "snooze without a time: 422" "$(walk "$t" "outcome=snooze&snooze_reason=away&next=none")" 422
expect_contains "it asks when it comes back" "$(cat "$T/page")" "Snooze: pick when it comes back"
expect_eq "snooze 3 days: 303" "$(walk "$t" "outcome=snooze&snooze_reason=away+until+Friday&next=3d")" 303
expect_eq "the same task, due in 3 days" "$(sql "SELECT state || ' ' || (due_at - $NOW) FROM tasks WHERE id = $t")" "open 259200"
expect_contains "the reason is in the timeline" "$(sql "SELECT text FROM events WHERE lead_id = $fay AND type = 'task.snoozed'")" "away until Friday"

# --- talked, follow up on a date -------------------------------------------------------------------------
t=$(task_of "$gus")
expect_eq "talked + a date: 303" "$(walk "$t" "outcome=talked&next=date&next_date=2026-12-01&next_time=10%3A30&text=wants+a+callback")" 303
expect_eq "a call task on that date" \
	"$(sql "SELECT verb, due_at FROM tasks WHERE lead_id = $gus AND state = 'open'" | at_utc)" \
	"call 2026-12-01 16:30:00"
expect_contains "the note is with the call" "$(sql "SELECT text FROM events WHERE lead_id = $gus AND type = 'call.logged'")" "wants a callback"

# --- the end, and other people's tasks -----------------------------------------------------------------------
page "$(location)" "$A" >/dev/null
expect_contains "through today's queue" "$(cat "$T/page")" "You are through today&#39;s queue."
t=$(task_of "$dan")
expect_eq "alice posts on bob's task... office sees every lead: 303" "$(walk "$t" "outcome=no_answer&next=none")" 303
expect_eq "bob signs in" "$(signin "$B" bob@demo)" 303
page /app/walk "$B" >/dev/null
w=$(cat "$T/page")
expect_contains "bob walks his own queue" "$w" "Dan Bobson"
BCSRF=$(csrf_of)
t=$(sql "SELECT id FROM tasks WHERE lead_id = $ann AND state = 'open'")
expect_eq "bob posts on alice's task: 404" "$(post "/app/walk/$t" "$B" "csrf=$BCSRF&due=1&outcome=talked&next=none")" 404
expect_eq "nothing of bob's reached alice's lead" "$(sql "SELECT count(*) FROM events WHERE lead_id = $ann AND actor = 'bob'")" 0
expect_eq "a task that is not there: 404" "$(post "/app/walk/99999" "$B" "csrf=$BCSRF&due=1&outcome=talked")" 404
check "server stops cleanly" stop_server
check "no sanitizer report in the server log" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"

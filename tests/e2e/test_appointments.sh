#!/usr/bin/env bash
# Appointments from the doors (docs/appointments.md): `leadkeep appointments`
# books, lists a technician's day (address, maps link, phone, job) and logs
# outcomes, each through the engine; a change tells the person going; bad
# input is a usage error naming the field; `lead callback` makes the next
# call due at the promised time, and refuses one nobody is at work for (the
# API's POST .../callback too); the person's calendar feed carries the
# appointment with its start, end and place (read back by python3-icalendar),
# and GET /api/v1/appointments filters by person and day.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"
export LEADKEEP_NOW=2026-12-03T20:00:00Z	# Thursday 14:00 in Chicago

lk lead add --name "Marcus Johnson" --phone 3125550199 --service "deck repair" >/dev/null 2>&1
lk lead add --name "Rosa Diaz" --phone 3125550177 --service "water heater" >/dev/null 2>&1
out=$(lk appointments book 1 --start "2026-12-08 10:00" --place "12 Oak St, Chicago" --person bob --by alice 2>&1)
expect_eq "appointments book" "$?" 0
lk appointments book 2 --start "2026-12-08 13:00" --kind service_call --person bob --by alice >/dev/null 2>&1
expect_eq "the booking is a row in the business's zone" "$(sql "SELECT kind, starts_at, ends_at, person, state FROM appointments WHERE lead_id = 1")" "estimate_visit|1796745600|1796749200|bob|booked"
expect_eq "the person going is told" "$(sql "SELECT count(*) FROM outbox WHERE person = 'bob' AND body LIKE 'New: estimate visit on Tuesday, Dec 8%'")" 1
expect_eq "the lead gets its confirmation" "$(sql "SELECT count(*) FROM outbox WHERE lead_id = 1 AND person IS NULL AND body LIKE '%booked for Tuesday, Dec 8, 10:00 AM - 11:00 AM%'")" 1
expect_eq "reminders and the outcome check are timers" "$(sql "SELECT kind FROM timers WHERE lead_id = 1 AND appointment_id = 1 AND state = 'pending' ORDER BY due_at" | paste -sd, -)" "appt_remind,appt_remind,appt_check"

show=$(lk lead show 1 2>&1)
expect_contains "lead show lists the lead's appointments" "$show" "Appointments
  #1 booked      Tue Dec 8 10:00 AM estimate_visit with bob at 12 Oak St, Chicago"
day=$(lk appointments --person bob --day 2026-12-08 2>&1)
expect_contains "the day lists the visit with the lead's phone and the job" "$day" "Tue Dec 8 10:00 AM - 11:00 AM  bob  estimate_visit  Marcus Johnson  +13125550199  deck repair @ 12 Oak St, Chicago"
expect_contains "... and a maps link" "$day" "https://www.google.com/maps/search/?api=1&query=12%20Oak%20St%2C%20Chicago"
expect_eq "in start order" "$(grep -o 'lead #[0-9]*' <<<"$day" | tr '\n' ' ')" "lead #1 lead #2 "
expect_eq "another day is empty" "$(lk appointments list --day 2026-12-09 2>&1)" "No appointments."
expect_eq "--json" "$(json_get "$(lk appointments --person bob --day 2026-12-08 --json)" 'len(d)')" 2

out=$(lk appointments book 1 --start "2026-12-01 10:00" 2>&1); rc=$?
expect_eq "a start in the past: exit 2" "$rc" 2
expect_contains "... naming the field" "$out" "start: must be in the future"
out=$(lk appointments book 1 --start "2026-12-09 10:00" --kind hottub 2>&1); rc=$?
expect_eq "an unknown kind: exit 2" "$rc" 2
expect_contains "... naming it" "$out" "kind: no appointment kind \"hottub\""
out=$(lk appointments book 1 --start "2026-12-09 10:00" --person zed 2>&1)
expect_contains "an unknown person is named" "$out" "person: no person \"zed\""
out=$(lk appointments --day 12/08/2026 2>&1); rc=$?
expect_eq "a bad --day: exit 2" "$rc" 2
out=$(lk appointments done 1 --appointment 2 2>&1); rc=$?
expect_eq "another lead's appointment: exit 2" "$rc" 2

lk appointments reschedule 2 --start "2026-12-10 09:00" --person alice --by maria >/dev/null 2>&1
expect_eq "reschedule moves it, to the new person" "$(sql "SELECT state, person FROM appointments WHERE id = 2")" "rescheduled|alice"
expect_eq "the new person and the old one are told" "$(sql "SELECT person FROM outbox WHERE body LIKE 'Moved:%' OR body LIKE 'Taken off your day:%' ORDER BY id" | paste -sd, -)" "alice,bob"
expect_eq "the old reminders are cancelled" "$(sql "SELECT count(*) FROM timers WHERE appointment_id = 2 AND state = 'cancelled'")" 3

out=$(lk appointments confirm 2 --by alice --json 2>&1)
expect_eq "appointments confirm --json prints the lead" "$(json_get "$out" 'd["id"]')" 2
expect_eq "... confirmed" "$(sql "SELECT state FROM appointments WHERE id = 2")" confirmed
out=$(lk lead callback 2 "call me after 5" --by alice 2>&1)
expect_eq "lead callback" "$?" 0
expect_eq "the next call is due at 17:00 local (23:00 UTC)" "$(utc "$(sql "SELECT due_at FROM tasks WHERE lead_id = 2 AND state = 'open' AND verb = 'call'")")" "2026-12-03 23:00:00"
out=$(lk lead callback 2 "whenever suits" 2>&1); rc=$?
expect_eq "words with no time: exit 2" "$rc" 2
out=$(lk lead callback 2 "Saturday afternoon" --by alice 2>&1); rc=$?
expect_eq "a time nobody is at work: exit 2" "$rc" 2
expect_contains "... naming the first time the rules can keep" "$out" \
	"is not at work Saturday, Dec 5 at 1:00 PM; the first time the rules can keep is Monday, Dec 7 at 8:00 AM (the lead's time)"

# A rules change that edits the reminders plans those of the visits ahead again.
out=$(lk rules diff "$LK_ROOT/tests/scenarios/reminders-edited.yaml" 2>&1)
expect_contains "rules diff: the leads with a visit ahead are in flight" "$out" \
	"Leads in flight on another version: 2, of which 2 change"
expect_contains "... and each says its reminders are planned again" "$out" \
	"Rules changed: the reminders of the estimate visit on Tuesday, Dec 8, 10:00 AM - 11:00 AM"

# --- the calendar feed and the API ------------------------------------------------
url=$(lk calendar token bob 2>/dev/null)
TOKEN=$(lk token create --name t --role staff 2>/dev/null)
start_server || { not_ok "serve starts"; exit 1; }
curl -s -o "$T/bob.ics" "$BASE${url#http://127.0.0.1:8080}"
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
got=$("$PY" - "$T/bob.ics" <<'PY'
import sys
from icalendar import Calendar
cal = Calendar.from_ical(open(sys.argv[1], "rb").read())
for ev in cal.walk("VEVENT"):
    print(ev.get("SUMMARY"), "|", ev.get("DTSTART").dt.isoformat(), "|", ev.get("DTEND").dt.isoformat(), "|", ev.get("LOCATION"))
PY
)
expect_contains "bob's feed has the visit with its start, end and place" "$got" "estimate_visit: Marcus Johnson - deck repair | 2026-12-08T16:00:00+00:00 | 2026-12-08T17:00:00+00:00 | 12 Oak St, Chicago"
expect_eq "... once (its visit task is that event), and not the visit moved to alice" "$(grep -c 'deck repair' <<<"$got") $(grep -c 'Rosa' <<<"$got")" "1 0"
r=$(api GET "/api/v1/appointments?person=bob&day=2026-12-08")
expect_eq "GET /api/v1/appointments?person=bob&day=..." "$(status_of "$r") $(json_get "$(body_of "$r")" '[a["lead_id"] for a in d["data"]]')" "200 [1]"
r=$(api GET "/api/v1/appointments?day=tomorrow")
expect_eq "a bad day: 400 naming it" "$(status_of "$r") $(json_get "$(body_of "$r")" 'd["error"]["field"]')" "400 day"
r=$(api POST /api/v1/leads/1/appointments '{"action":"done","amount_cents":120000,"by":"bob"}')
expect_eq "POST .../appointments done with a quote: 200" "$(status_of "$r")" 200
expect_eq "... the lead it answers has the appointment, done" "$(json_get "$(body_of "$r")" '[(a["id"], a["state"]) for a in d["appointments"]]')" "[(1, 'done')]"
expect_eq "... the quote's follow-up starts" "$(sql "SELECT stage, sequence, quote_cents FROM leads WHERE id = 1")" "quoted|quote_sent|120000"
r=$(api POST /api/v1/leads/2/callback '{"promise":"Saturday afternoon","by":"alice"}')
expect_eq "POST .../callback at a time nobody works: 422 naming the promise" "$(status_of "$r") $(json_get "$(body_of "$r")" 'd["error"]["field"]')" "422 promise"
expect_contains "... and the first time the rules can keep" "$(body_of "$r")" "the first time the rules can keep is Monday, Dec 7 at 8:00 AM"
r=$(api POST /api/v1/leads/2/callback '{"promise":"tomorrow at 10","by":"alice"}')
expect_eq "POST .../callback: 200" "$(status_of "$r")" 200
expect_eq "... the next call is due then (10:00 Chicago)" "$(utc "$(sql "SELECT due_at FROM tasks WHERE lead_id = 2 AND state = 'open' AND verb = 'call'")")" "2026-12-04 16:00:00"
r=$(api POST /api/v1/leads/2/callback '{"by":"alice"}')
expect_eq "POST .../callback without a promise: 422" "$(status_of "$r") $(json_get "$(body_of "$r")" 'd["error"]["code"]')" "422 missing_field"
r=$(api POST /api/v1/leads/1/appointments '{"action":"dance"}')
expect_eq "an unknown action: 422 naming it" "$(status_of "$r") $(json_get "$(body_of "$r")" 'd["error"]["field"]')" "422 action"
stop_server
echo "1..$_n"

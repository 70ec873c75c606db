#!/usr/bin/env bash
# Appointments in the web app end to end, with curl and a cookie jar per
# person against the real serve: a visit booked from the lead page (the
# CSRF token required, the place defaulting to the lead's address), the
# technician's day at the top of Today - only their own, with the maps link,
# the tel: link and the job - another technician kept out of the lead, the
# changes (confirm, reschedule, done with a quote) as EV_APPOINTMENT through
# the flow, and a refusal shown next to the form.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago: open
mkdir -p "$LK_FILES"
lk rules show-default | python3 -c '
import sys
s = sys.stdin.read()
s = s.replace("  - { id: maria,", "  - { id: terry, name: Terry Tech, role: technician, phone: \"+13125550104\", email: terry@northside.example, notify: email }\n  - { id: ted, name: Ted Other, role: technician, phone: \"+13125550105\", email: ted@northside.example, notify: email }\n  - { id: maria,", 1)
print(s, end="")' >"$LK_FILES/rules.yaml"
server_config "$T/serve.yaml" </dev/null
TOKEN=$(lk token create --name web-appointments --role staff 2>/dev/null)
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
user() {
	local link tok
	link=$(lk user add --email "$1" --name "$1" --role "$2" ${3:+--person "$3"} 2>/dev/null)
	tok=${link#*token=}
	page "/app/set-password?token=$tok" "$4" >/dev/null
	post /app/set-password "$4" "csrf=$(csrf_of)&token=$tok&password=ten+chars+at+least&confirm=ten+chars+at+least"
}
has_not() { bash -c "! grep -q -- \"\$1\" '$T/page'" _ "$1"; }

A="$T/alice.jar" TT="$T/terry.jar" TD="$T/ted.jar"
expect_eq "an office user" "$(user alice@x office alice "$A")" 303
expect_eq "a technician" "$(user terry@x technician terry "$TT")" 303
expect_eq "another technician" "$(user ted@x technician ted "$TD")" 303

out=$(api POST /api/v1/leads '{"name":"Marcus Johnson","phone":"312 555 0199","owner":"alice","service":"deck repair","address":"12 Elm St, Chicago"}')
expect_eq "a lead with an address: 201" "$(status_of "$out")" 201
m=$(json_get "$(body_of "$out")" 'd["id"]')

# --- the lead page: nothing booked yet, the booking form ---------------------------------------------
expect_eq "alice opens the lead: 200" "$(page "/app/leads/$m" "$A")" 200
p=$(cat "$T/page")
expect_contains "an Appointments section" "$p" '<h2 id="appointments">Appointments</h2>'
expect_contains "... none yet" "$p" "No appointment yet."
expect_contains "a Book a visit form posting to the lead" "$p" "action=\"/app/leads/$m/appointments\""
expect_contains "... the rules' kinds" "$p" '<option value="estimate_visit">estimate visit</option>'
expect_contains "... the place defaults to the lead's address" "$p" 'value="12 Elm St, Chicago"'
expect_contains "... a start to pick" "$p" 'type="datetime-local"'
expect_eq "a booking without the CSRF token: 403" \
	"$(post "/app/leads/$m/appointments" "$A" "action=book&kind=estimate_visit&start=2026-11-24T16:00&person=terry")" 403
page "/app/leads/$m" "$A" >/dev/null
expect_eq "a booking with no start: 422" \
	"$(post "/app/leads/$m/appointments" "$A" "csrf=$(csrf_of)&action=book&kind=estimate_visit&person=terry")" 422
expect_contains "... saying what is missing" "$(cat "$T/page")" "start: give the day and time of the visit."
expect_eq "a booking in the past: the engine refuses it, 422" \
	"$(post "/app/leads/$m/appointments" "$A" "csrf=$(csrf_of)&action=book&kind=estimate_visit&start=2026-11-23T16:00&person=terry")" 422
expect_contains "... with its words" "$(cat "$T/page")" "start: must be in the future"
expect_eq "nothing was booked" "$(sql "SELECT count(*) FROM appointments WHERE lead_id = $m")" 0
expect_eq "alice books terry for 4 PM today: 303 back with a message" \
	"$(post "/app/leads/$m/appointments" "$A" "csrf=$(csrf_of)&action=book&kind=estimate_visit&start=2026-11-24T16:00&place=12+Elm+St%2C+Chicago&person=terry"); $(location)" \
	"303; /app/leads/$m?ok=booked"
expect_eq "... one appointment, terry's, 16:00-17:00 Chicago, booked" \
	"$(sql "SELECT person || ' ' || kind || ' ' || starts_at || ' ' || ends_at || ' ' || state FROM appointments WHERE lead_id = $m")" \
	"terry estimate_visit 1795557600 1795561200 booked"
expect_eq "... the same event the CLI and the API write, by alice" \
	"$(sql "SELECT actor FROM events WHERE lead_id = $m AND type = 'appointment.booked'")" "alice"
appt=$(sql "SELECT id FROM appointments WHERE lead_id = $m")
page "/app/leads/$m?ok=booked" "$A" >/dev/null
p=$(cat "$T/page")
expect_contains "the lead page says so" "$p" "Saved. The visit is booked"
expect_contains "... and lists it with its time, kind, person and state" "$p" \
	'<strong>Tuesday, Nov 24, 4:00 PM - 5:00 PM</strong> · estimate visit · Terry Tech <span class="badge">booked</span>'
expect_contains "... with its buttons" "$p" 'name="action" value="no_show"'

# --- Today: the technician's day ----------------------------------------------------------------------
expect_eq "terry's Today: 200" "$(page /app/ "$TT")" 200
p=$(cat "$T/page")
expect_contains "My visits today" "$p" '<h2 id="my-day-title">My visits today</h2>'
expect_contains "... the window and the kind" "$p" '<strong>4:00 PM - 5:00 PM</strong> · estimate visit'
expect_contains "... the lead, linked, and the job" "$p" "<a href=\"/app/leads/$m\">Marcus Johnson</a> · deck repair"
expect_contains "... the place as the maps link the CLI prints" "$p" \
	'<a href="https://www.google.com/maps/search/?api=1&amp;query=12%20Elm%20St%2C%20Chicago">12 Elm St, Chicago</a>'
expect_contains "... the lead's phone to tap" "$p" '<a href="tel:+13125550199">'
maps=$(lk appointments list --person terry --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["maps_url"])')
expect_contains "... the very link the CLI and the API give" "$p" "href=\"${maps//&/&amp;}\""
expect_eq "terry may open the lead" "$(page "/app/leads/$m" "$TT")" 200
expect_eq "ted's Today: 200" "$(page /app/ "$TD")" 200
check "... without terry's visit" has_not "My visits today"
check "... nor the lead" has_not "Marcus Johnson"
expect_eq "ted may not open terry's lead: 404" "$(page "/app/leads/$m" "$TD")" 404
page /app/ "$TD" >/dev/null
expect_eq "... nor change its appointment: 404" \
	"$(post "/app/leads/$m/appointments" "$TD" "csrf=$(csrf_of)&action=cancel&appointment=$appt")" 404
expect_eq "alice's Today has no visit of hers" "$(page /app/ "$A") $(grep -c 'My visits today' "$T/page")" "200 0"

# --- changes --------------------------------------------------------------------------------------------
page "/app/leads/$m" "$TT" >/dev/null
expect_eq "terry: the lead confirmed by phone" \
	"$(post "/app/leads/$m/appointments" "$TT" "csrf=$(csrf_of)&action=confirm&appointment=$appt&start=&amount="); $(location)" \
	"303; /app/leads/$m?ok=appointment"
expect_eq "... confirmed" "$(sql "SELECT state FROM appointments WHERE id = $appt")" "confirmed"
page "/app/leads/$m" "$TT" >/dev/null
expect_eq "a reschedule to an unreadable time: 422" \
	"$(post "/app/leads/$m/appointments" "$TT" "csrf=$(csrf_of)&action=reschedule&appointment=$appt&start=soon")" 422
expect_contains "... next to the form" "$(cat "$T/page")" "start: expected a day and a time."
expect_eq "moved to 4:30 PM" \
	"$(post "/app/leads/$m/appointments" "$TT" "csrf=$(csrf_of)&action=reschedule&appointment=$appt&start=2026-11-24T16:30")" 303
expect_eq "... rescheduled, at 16:30 Chicago" "$(sql "SELECT state || ' ' || starts_at FROM appointments WHERE id = $appt")" \
	"rescheduled 1795559400"
page "/app/leads/$m" "$TT" >/dev/null
expect_eq "a quote on a confirm: 422" \
	"$(post "/app/leads/$m/appointments" "$TT" "csrf=$(csrf_of)&action=confirm&appointment=$appt&amount=100")" 422
expect_eq "done with a quote of \$1,250" \
	"$(post "/app/leads/$m/appointments" "$TT" "csrf=$(csrf_of)&action=done&appointment=$appt&amount=1%2C250")" 303
expect_eq "... done; the lead quoted with the amount, the quote follow-up started" \
	"$(sql "SELECT state FROM appointments WHERE id = $appt") $(sql "SELECT stage || ' ' || quote_cents || ' ' || sequence FROM leads WHERE id = $m")" \
	"done quoted 125000 quote_sent"
page "/app/leads/$m" "$A" >/dev/null
p=$(cat "$T/page")
expect_contains "the lead page shows it done" "$p" '<span class="badge">done</span>'
check "... with no buttons left" has_not 'name="action" value="no_show"'
page "/app/leads/$m" "$A" >/dev/null
expect_eq "a change to a visit that is done: refused, 409" \
	"$(post "/app/leads/$m/appointments" "$A" "csrf=$(csrf_of)&action=cancel&appointment=$appt")" 409

check "server stops cleanly" stop_server
check "no sanitizer report in the server log" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"

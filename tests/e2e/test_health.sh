#!/usr/bin/env bash
# Health that speaks before the owner notices: serve's self-watch, end to end
# on serve's injected clock (LEADKEEP_NOW; serve is restarted to move it).
# A web form that sent a lead every hour goes quiet past three times its
# usual gap: GET /api/v1/health/report shows the alert, managers see the
# banner on Today (office staff do not), the owner (dan, role business_owner)
# gets one email through the log provider - once per episode, a restart
# included - and a new lead from the form clears it with a "recovered" note.
# Then a text the provider keeps refusing (500) ends dead, and a wrong Twilio
# auth token (the stub answers 401, code 20003) raises the credentials alert.
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
LOG="$LK_FILES/outbox.log"
start_twilio_stub
echo '{"+13125559999": "500:99"}' >"$TW_BEH"	# this number's texts fail
DELIVERY="max_attempts: 1, sms_rate: 0"

(umask 077; mkdir -p "$LK_FILES")
lk demo-users >/dev/null 2>&1	# maria (manager), alice (office): for the demo's rules only,
				# so before the file with the health section below
{ lk rules show-default; cat <<'YAML'; } >"$LK_FILES/rules.yaml"

health:
  check_every: 1m
  source_silent: { percentile: 90, factor_percent: 300, min_history: 10 }
YAML

# The history: twelve leads from the web form, one an hour, 12:00..23:00 UTC.
for h in $(seq 12 23); do
	LEADKEEP_NOW="2026-11-02T$h:00:00Z" lk lead add --name "Form Lead $h" \
		--phone "+131255510$h" --service "gutters" --source web_form >/dev/null ||
		not_ok "history lead at $h:00 added"
done
TOKEN=$(lk token create --name health --role staff 2>/dev/null)

report() { curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/health/report"; }
# alert KIND SUBJECT: the alert's message in the report, empty when not open.
alert() {
	python3 -c 'import json, sys
d = json.load(sys.stdin)
for a in d["alerts"]:
    if a["kind"] == sys.argv[1] and a["subject"] == sys.argv[2]:
        print(a["message"] + (" [notified]" if a["notified"] else ""))' "$1" "$2" <<<"$(report)"
}
# notices WORD: health notices in the log provider's file whose body has WORD.
notices() {
	python3 -c 'import json, sys
n = 0
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("purpose") == "health" and sys.argv[2] in m["body"]:
        n += 1
print(n)' "$LOG" "$1" 2>/dev/null || echo 0
}
page() {	# page PATH JAR: the page's body into $T/page, prints the status
	curl -s -o "$T/page" -w '%{http_code}' -b "$2" -c "$2" "$BASE$1"
}
signin() {	# signin JAR EMAIL
	page /app/login "$1" >/dev/null
	curl -s -o /dev/null -b "$1" -c "$1" --data "csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' \
		"$T/page" | head -n 1 | sed 's/.*value="//; s/"//')&email=$2&password=leadkeep-demo" \
		"$BASE/app/login"
}
banner() {	# banner JAR PATH: the health banner's text on the page, empty when none
	page "$2" "$1" >/dev/null
	python3 -c 'import re, sys
m = re.search(r"<div class=\"notice error health\".*?</div>", open(sys.argv[1]).read(), re.S)
print(re.sub("<[^>]+>", " ", m.group(0)) if m else "")' "$T/page"
}
metric() { curl -s "$BASE/metrics" | grep "^leadkeep_health_alerts{business=\"default\",kind=\"$1\"}" | cut -d' ' -f2; }

# --- an hour after the last lead: nothing is wrong with the form --------------------
export LEADKEEP_NOW=2026-11-03T00:00:00Z
check "serve is ready" start_serve
expect_eq "the form is judged against its own gaps (usual 1h, limit 3h)" \
	"$(report | json_get "$(cat)" '[(s["name"], s["judged"], s["usual_gap_seconds"], s["limit_seconds"]) for s in d["sources"]]')" \
	"[('web_form', True, 3600, 10800)]"
expect_eq "an hour of quiet is no alert" "$(alert source_silent web_form)" ""
stop_serve

# --- four hours after: past three times its usual gap ------------------------------
export LEADKEEP_NOW=2026-11-03T03:00:00Z
check "serve is ready four hours after the form's last lead" start_serve
expect_eq "the report shows the form gone silent, the owner told" \
	"$(alert source_silent web_form)" \
	"No lead from web_form for 4h; it usually sends one at least every 1h. [notified]"
expect_eq "the report's status is alert" "$(report | json_get "$(cat)" 'd["status"]')" alert
expect_eq "the owner got one email about it (log provider)" "$(notices 'No lead from web_form')" 1
expect_eq "... to dan, the business owner, by email" \
	"$(python3 -c 'import json, sys
print(*sorted({(m["to"], m["channel"]) for m in map(json.loads, open(sys.argv[1])) if m.get("purpose") == "health"}))' "$LOG")" \
	"('dan@northside.example', 'email')"
signin "$T/maria" maria@demo
expect_eq "the manager is signed in to Today" "$(page /app/ "$T/maria")" 200
expect_contains "the manager sees the banner on Today" "$(banner "$T/maria" /app/)" \
	"No lead from web_form for 4h"
expect_contains "... and on Reports" "$(banner "$T/maria" /app/reports)" "No lead from web_form"
signin "$T/alice" alice@demo
expect_eq "office staff are signed in to Today" "$(page /app/ "$T/alice")" 200
expect_eq "office staff get no banner" "$(banner "$T/alice" /app/)" ""
expect_eq "the gauge counts it" "$(metric source_silent)" 1
expect_eq "a disk with room is no alert" "$(metric disk_full)" 0

# Looking again, and a restart in the middle of the episode, tell no one twice.
report >/dev/null
stop_serve
check "serve restarts during the episode" start_serve
expect_contains "the alert is still open after the restart" "$(alert source_silent web_form)" \
	"No lead from web_form"
expect_eq "still one email for the episode" "$(notices 'No lead from web_form')" 1

# --- a new lead from the form clears it ------------------------------------------------
id=$(curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	--data-binary '{"name":"Back Again","phone":"+13125551300","source":"web_form"}' \
	"$BASE/api/v1/leads" | json_get "$(cat)" "d['id']")
expect_eq "the new lead came from the form" "$(db "SELECT source FROM leads WHERE id = ${id:-0}")" web_form
expect_eq "the alert is gone from the report" "$(alert source_silent web_form)" ""
expect_eq "the owner got the recovered note" "$(notices 'recovered: source_silent web_form')" 1
expect_eq "the banner no longer names the form" \
	"$(banner "$T/maria" /app/ | grep -c 'web_form')" 0
expect_eq "the gauge is back to 0" "$(metric source_silent)" 0

# --- a text that dies -------------------------------------------------------------------
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	--data-binary '{"name":"Dead Number","phone":"+13125559999","source":"phone_call"}' \
	"$BASE/api/v1/leads"
check "the provider's 500 ends the acknowledgment dead (max_attempts 1)" \
	wait_sql "SELECT count(*) FROM outbox WHERE recipient = '+13125559999' AND state = 'dead'" 1
expect_contains "the report shows the dead message" "$(alert dead_messages '')" \
	"1 message gave up after every retry"
expect_eq "the owner was told once" "$(notices 'gave up after every retry')" 1
stop_serve

# --- the provider refuses our credentials ----------------------------------------------------
export TW_AUTH_TOKEN=not-the-token
check "serve starts with a wrong Twilio auth token" start_serve
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	--data-binary '{"name":"Wrong Token","phone":"+13125551400","source":"phone_call"}' \
	"$BASE/api/v1/leads"
check "the stub refused the text (401, code 20003)" \
	wait_sql "SELECT count(*) FROM outbox WHERE recipient = '+13125551400' AND error_code = 20003" 1
expect_contains "the report shows the SMS credentials refused" "$(alert credentials sms)" \
	"The SMS provider refuses our credentials"
expect_contains "... and that the owner was told" "$(alert credentials sms)" "[notified]"
expect_eq "by email: the one channel that works" "$(notices 'refuses our credentials')" 1
expect_eq "the gauge counts it" "$(metric credentials)" 1
expect_eq "no lead event is made of an alert" \
	"$(db "SELECT count(*) FROM events WHERE type LIKE '%health%'")" 0
stop_serve
expect_eq "serve stops cleanly" "$?" 0

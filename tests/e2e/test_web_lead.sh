#!/usr/bin/env bash
# The lead page end to end, with curl and a cookie jar per person against the
# real serve: the lead's custom fields (escaped, a `javascript:` value never
# a link), and pausing and resuming a lead's automation - who may (office,
# managers, admins and the lead's owner), the step timers cancelled and
# re-planned through the engine, the tasks kept, the timeline's entries, the
# steps shown as paused, refusals.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago: open
mkdir -p "$LK_FILES"
lk rules show-default | python3 -c '
import sys
s = sys.stdin.read()
s = s.replace("  - { id: maria,", "  - { id: terry, name: Terry Tech, role: technician, phone: \"+13125550104\", email: terry@northside.example, notify: email }\n  - { id: maria,", 1)
print(s, end="")' >"$LK_FILES/rules.yaml"
server_config "$T/serve.yaml" </dev/null
business_config <<'YAML'
sources:
  forms:
    alice: { owner: alice }
    bob: { owner: bob }
    terry: { owner: terry }
YAML
TOKEN=$(lk token create --name web-lead --role staff 2>/dev/null)
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
# user EMAIL ROLE PERSON JAR: adds the user and signs in through the set-password link.
user() {
	local link tok
	link=$(lk user add --email "$1" --name "$1" --role "$2" ${3:+--person "$3"} 2>/dev/null)
	tok=${link#*token=}
	page "/app/set-password?token=$tok" "$4" >/dev/null
	post /app/set-password "$4" "csrf=$(csrf_of)&token=$tok&password=ten+chars+at+least&confirm=ten+chars+at+least"
}
has_not() { bash -c "! grep -q -- \"\$1\" '$T/page'" _ "$1"; }

A="$T/alice.jar" B="$T/bob.jar" TT="$T/terry.jar" M="$T/maria.jar"
expect_eq "an office user" "$(user alice@x office alice "$A")" 303
expect_eq "a sales rep" "$(user bob@x sales bob "$B")" 303
expect_eq "a technician" "$(user terry@x technician terry "$TT")" 303
expect_eq "a manager" "$(user maria@x manager maria "$M")" 303

# --- custom fields ----------------------------------------------------------------------------
out=$(api POST /api/v1/leads '{"name":"Cora Custom","phone":"312 555 0131","owner":"alice","zip":"60601","website":"javascript:alert(4)","<img src=x onerror=alert(5)>":"\"><script>alert(6)</script>","Preferred Time":"mornings"}')
expect_eq "a lead with custom fields through the API: 201" "$(status_of "$out")" 201
cora=$(json_get "$(body_of "$out")" 'd["id"]')
expect_eq "alice opens it: 200" "$(page "/app/leads/$cora" "$A")" 200
p=$(cat "$T/page")
expect_contains "the page has a Custom fields section" "$p" '<h3 id="custom">Custom fields</h3>'
expect_contains "a custom field, name and value" "$p" "<dt>zip</dt><dd>60601</dd>"
expect_contains "in the order given" "$(grep -o '<dt>[^<]*</dt>' "$T/page" | tr -d '\n')" \
	"<dt>zip</dt><dt>website</dt><dt>&lt;img src=x onerror=alert(5)&gt;</dt><dt>Preferred Time</dt>"
expect_contains "a javascript: value is text" "$p" "<dt>website</dt><dd>javascript:alert(4)</dd>"
check "... never a link" has_not 'href="javascript'
expect_contains "a payload in a name and a value is escaped" "$p" \
	"<dd>&quot;&gt;&lt;script&gt;alert(6)&lt;/script&gt;</dd>"
check "no injected element" has_not "<img src=x"
check "no injected script" has_not "<script>alert"
out=$(api POST /api/v1/leads '{"name":"Plain Pat","phone":"312 555 0132","owner":"alice"}')
pat=$(json_get "$(body_of "$out")" 'd["id"]')
page "/app/leads/$pat" "$A" >/dev/null
check "a lead without custom fields: no section" has_not "Custom fields"

# --- pausing and resuming a lead's automation --------------------------------------------------
req POST /in/form/alice --data "name=Marcus+Johnson&phone=3125550199&service=deck+repair" >/dev/null
marcus=$(sql "SELECT id FROM leads WHERE name = 'Marcus Johnson'")
step_timer() { sql "SELECT step || ' ' || due_at FROM timers WHERE lead_id = $marcus AND kind = 'step' AND state = 'pending'"; }
before=$(step_timer)
expect_eq "the new lead's sequence waits for its step 4 (the check-in)" "${before% *}" 3
expect_eq "alice opens the lead: 200" "$(page "/app/leads/$marcus" "$A")" 200
expect_contains "the coming step is listed" "$(cat "$T/page")" 'Automatic text or email &quot;checkin&quot; (new_inquiry, step 4)'
expect_contains "office may pause it" "$(cat "$T/page")" "action=\"/app/leads/$marcus/pause\""
ACSRF=$(csrf_of)
# terry (technician) holds a task on the lead but does not own it
sql "INSERT INTO tasks (business_id, lead_id, verb, title, assignee, due_at, created_at)
     VALUES (1, $marcus, 'visit', 'Measure the deck', 'terry', $(date -u -d 2026-11-25T16:00:00Z +%s), 0)"
expect_eq "terry sees the lead (his task is on it): 200" "$(page "/app/leads/$marcus" "$TT")" 200
check "... but no pause form: he does not own it" has_not "/app/leads/$marcus/pause"
TCSRF=$(csrf_of)
expect_eq "terry's pause is refused: 403" "$(post "/app/leads/$marcus/pause" "$TT" "csrf=$TCSRF")" 403
page /app/ "$B" >/dev/null
expect_eq "bob (sales) cannot see it: 404" "$(post "/app/leads/$marcus/pause" "$B" "csrf=$(csrf_of)")" 404
expect_eq "without the CSRF token: 403" "$(post "/app/leads/$marcus/pause" "$A" "reason=x")" 403
expect_eq "nothing paused by the refusals" "$(sql "SELECT paused_at FROM leads WHERE id = $marcus")" 0

NOW=$(date -u -d "$LEADKEEP_NOW" +%s)
expect_eq "alice pauses it: 303 back to the lead" \
	"$(post "/app/leads/$marcus/pause" "$A" "csrf=$ACSRF&reason=away+until+Friday"); $(location)" \
	"303; /app/leads/$marcus?ok=paused"
expect_eq "the lead is paused since now, step 4 held (by its id)" \
	"$(sql "SELECT paused_at || ' ' || paused_step FROM leads WHERE id = $marcus")" "$NOW sms.checkin"
expect_eq "its step timer is cancelled" "$(step_timer)" ""
expect_eq "its tasks stay open" "$(sql "SELECT count(*) FROM tasks WHERE lead_id = $marcus AND state = 'open'")" 2
expect_contains "the timeline says so, with who and why" \
	"$(sql "SELECT actor || ': ' || text FROM events WHERE lead_id = $marcus AND type = 'automation.paused'")" \
	"alice: Automation paused - away until Friday: step 4 of new_inquiry (a text, checkin) waits"
page "/app/leads/$marcus?ok=paused" "$A" >/dev/null
p=$(cat "$T/page")
expect_contains "the page confirms it" "$p" "The lead&#39;s automation is paused"
expect_contains "the page says since when" "$p" "Automation paused since Tue Nov 24, 2:02 PM"
expect_contains "the held steps are shown as paused" "$p" \
	'<li>Automatic text or email &quot;checkin&quot; (new_inquiry, step 4) <span class="badge paused">paused</span></li>'
expect_contains "... all of them, in order" "$p" \
	'<li>Automatic text or email &quot;final&quot; (new_inquiry, step 6) <span class="badge paused">paused</span></li>'
expect_contains "the head says paused" "$p" '<span class="badge paused">Automation paused</span>'
expect_contains "a resume button" "$p" "action=\"/app/leads/$marcus/resume\""
expect_contains "the timeline entry is on the page" "$p" "Automation paused - away until Friday"
expect_eq "pausing again: 409" "$(post "/app/leads/$marcus/pause" "$A" "csrf=$ACSRF")" 409
expect_contains "... says why, next to the form" "$(cat "$T/page")" "paused already"
page /app/ "$A" >/dev/null
expect_contains "the call task stays on Today" "$(cat "$T/page")" "Marcus Johnson"

# terry owns his own lead: he may pause it
req POST /in/form/terry --data "name=Tina+Terryson&phone=3125550143" >/dev/null
tina=$(sql "SELECT id FROM leads WHERE name = 'Tina Terryson'")
page "/app/leads/$tina" "$TT" >/dev/null
expect_contains "terry's own lead has the pause form" "$(cat "$T/page")" "action=\"/app/leads/$tina/pause\""
expect_eq "terry pauses his own lead: 303" "$(post "/app/leads/$tina/pause" "$TT" "csrf=$(csrf_of)")" 303
expect_eq "... paused" "$(sql "SELECT CASE WHEN paused_at > 0 THEN 1 ELSE 0 END FROM leads WHERE id = $tina")" 1
page "/app/leads/$tina" "$TT" >/dev/null
expect_eq "... and resumes it: 303" "$(post "/app/leads/$tina/resume" "$TT" "csrf=$(csrf_of)")" 303

# three days later, alice resumes Marcus: the held step comes back three days later
check "server stops" stop_server
export LEADKEEP_NOW=2026-11-27T20:02:00Z	# Friday 14:02
start_server --config "$T/serve.yaml" || { not_ok "server starts again"; exit 1; }
page "/app/leads/$marcus" "$A" >/dev/null
expect_eq "alice resumes it: 303" "$(post "/app/leads/$marcus/resume" "$A" "csrf=$(csrf_of)"); $(location)" \
	"303; /app/leads/$marcus?ok=resumed"
expect_eq "not paused any more" "$(sql "SELECT paused_at || ' ' || coalesce(paused_step, '-') FROM leads WHERE id = $marcus")" "0 -"
after=$(step_timer)
expect_eq "step 4 is planned again" "${after% *}" 3
expect_eq "... three days later than it was" "$(( ${after#* } - ${before#* } ))" $((3 * 86400))
expect_contains "the timeline says so" \
	"$(sql "SELECT text FROM events WHERE lead_id = $marcus AND type = 'automation.resumed'")" \
	"Automation resumed after 3 d: step 4 of new_inquiry (a text, checkin) is due"
page "/app/leads/$marcus?ok=resumed" "$A" >/dev/null
check "the page shows no paused step" has_not 'badge paused'
expect_contains "... and the step coming" "$(cat "$T/page")" 'Automatic text or email &quot;checkin&quot; (new_inquiry, step 4)<span class="meta"> - in 2'
expect_eq "resuming again: 409" "$(post "/app/leads/$marcus/resume" "$A" "csrf=$(csrf_of)")" 409

# --- a possible opt-out, decided from the lead page -----------------------------------------------
out=$(api POST "/api/v1/leads/$cora/events" '{"type":"message","direction":"in","channel":"sms","text":"Stop texting me please"}')
expect_eq "Cora writes \"Stop texting me please\"" "$(status_of "$out")" 200
expect_eq "alice opens her lead" "$(page "/app/leads/$cora" "$A")" 200
expect_contains "the page asks whether she asked to stop" "$(cat "$T/page")" "Did they ask to stop?"
expect_contains "... with a form to decide" "$(cat "$T/page")" "action=\"/app/leads/$cora/opt-out\""
expect_eq "a wrong answer: 422" "$(post "/app/leads/$cora/opt-out" "$A" "csrf=$(csrf_of)&outcome=maybe")" 422
page /app/ "$TT" >/dev/null
expect_eq "terry (a technician, not his lead) may not see it: 404" \
	"$(post "/app/leads/$cora/opt-out" "$TT" "csrf=$(csrf_of)&outcome=confirm")" 404
page "/app/leads/$cora" "$A" >/dev/null
expect_eq "alice confirms it: 303" "$(post "/app/leads/$cora/opt-out" "$A" "csrf=$(csrf_of)&outcome=confirm"); $(location)" \
	"303; /app/leads/$cora?ok=optout"
expect_eq "... through the engine: opted out of texts, the flag gone" \
	"$(sql "SELECT sms_opt_out || ' ' || (flags & 16) FROM leads WHERE id = $cora")" "1 0"
expect_eq "... the timeline says who" "$(sql "SELECT actor FROM events WHERE lead_id = $cora AND type = 'consent.confirmed'")" alice
page "/app/leads/$cora" "$A" >/dev/null
check "the question is gone" has_not "Did they ask to stop?"
expect_eq "nothing left to decide: 409" "$(post "/app/leads/$cora/opt-out" "$A" "csrf=$(csrf_of)&outcome=dismiss")" 409

# --- what the lead said elsewhere, logged by hand: a message, an opt-out ------------------------------
out=$(api POST /api/v1/leads '{"name":"Lena Log","phone":"312 555 0133","owner":"alice"}')
lena=$(json_get "$(body_of "$out")" 'd["id"]')
page "/app/leads/$lena" "$A" >/dev/null
expect_contains "the log form offers a message and the opt-outs" "$(cat "$T/page")" \
	'<option value="reply">A message from them (text it in Notes)</option><option value="stop_sms">They asked us to stop texting</option>'
expect_eq "a message without its words: 422" "$(post "/app/leads/$lena/log" "$A" "csrf=$(csrf_of)&type=reply")" 422
expect_eq "Lena texted alice's own phone: logged, 303" \
	"$(post "/app/leads/$lena/log" "$A" "csrf=$(csrf_of)&type=reply&text=Can+you+come+Friday%3F")" 303
expect_eq "... a reply through the engine: the inquiry follow-ups stop" \
	"$(sql "SELECT count(*) FROM events WHERE lead_id = $lena AND type = 'message.received'") $(sql "SELECT coalesce(sequence, '-') FROM leads WHERE id = $lena")" "1 -"
page "/app/leads/$lena" "$A" >/dev/null
expect_eq "she asked not to be texted: 303" "$(post "/app/leads/$lena/log" "$A" "csrf=$(csrf_of)&type=stop_sms")" 303
expect_eq "... opted out of texts, not of email" \
	"$(sql "SELECT sms_opt_out || ' ' || email_opt_out FROM leads WHERE id = $lena")" "1 0"

# --- a lead taken by hand: the New lead form, through the same door as every lead -------------------
expect_eq "the New lead form: 200" "$(page /app/leads/new "$A")" 200
expect_contains "... posting to /app/leads" "$(cat "$T/page")" 'action="/app/leads"'
expect_contains "... the office may name the owner" "$(cat "$T/page")" '<option value="">As the routing rules say</option>'
expect_eq "without the CSRF token: 403" "$(post /app/leads "$A" "name=Nina+New")" 403
expect_eq "an empty lead: 422" "$(post /app/leads "$A" "csrf=$(csrf_of)&name=&phone=")" 422
expect_contains "... saying what is needed" "$(cat "$T/page")" "Give at least a name, a phone or an email."
expect_eq "Nina rang the office: 303 to her page" \
	"$(post /app/leads "$A" "csrf=$(csrf_of)&name=Nina+New&phone=(312)+555-0177&service=boiler&source=phone_call&owner=bob&message=Boiler+makes+a+noise"); $(location | sed 's/[0-9][0-9]*/ID/')" \
	"303; /app/leads/ID?ok=added"
nina=$(sql "SELECT id FROM leads WHERE name = 'Nina New'")
expect_eq "... through intake: normalised, her source, the owner named, entered by alice" \
	"$(sql "SELECT phone || ' ' || source || ' ' || owner FROM leads WHERE id = $nina"); $(sql "SELECT actor FROM events WHERE lead_id = $nina AND type = 'lead.created'")" \
	"+13125550177 phone_call bob; alice"
expect_eq "... acknowledged and given a first task" \
	"$(sql "SELECT count(*) FROM outbox WHERE lead_id = $nina AND purpose = 'ack'") $(sql "SELECT count(*) FROM tasks WHERE lead_id = $nina AND state = 'open'")" "1 1"
page /app/leads/new "$A" >/dev/null
expect_eq "the same phone again joins her open lead" \
	"$(post /app/leads "$A" "csrf=$(csrf_of)&name=Nina+New&phone=3125550177"); $(location)" "303; /app/leads/$nina?ok=attached"
page /app/leads/new "$TT" >/dev/null
check "a technician's form names no owner" has_not 'name="owner"'
expect_eq "terry adds a lead met on a job, with a phone that is not a number" \
	"$(post /app/leads "$TT" "csrf=$(csrf_of)&name=Otto+Onsite&phone=ask+at+the+gate&source=on_the_job")" 303
expect_eq "... his own, kept as typed and flagged, never refused" \
	"$(sql "SELECT owner || ' ' || source || ' ' || phone || ' ' || (flags & 1) FROM leads WHERE name = 'Otto Onsite'")" \
	"terry on_the_job ask at the gate 1"

check "server stops cleanly" stop_server
check "no sanitizer report in the server log" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"

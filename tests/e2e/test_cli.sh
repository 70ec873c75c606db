#!/usr/bin/env bash
# End to end through the real binary: lead add -> show, tasks, stages, rules
# check on good and broken files, exit codes, help on every command.
. "$(dirname "$0")/lib.sh"

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago

# --help everywhere, exit 0; a wrong option exits 2.
for c in "" "serve" "lead" "lead add" "task" "rules" "simulate" "version"; do
	check "leadkeep $c --help exits 0" lk $c --help
done
lk lead add --bogus >/dev/null 2>&1; expect_eq "unknown option exits 2" "$?" 2
lk frobnicate >/dev/null 2>&1; expect_eq "unknown command exits 2" "$?" 2
expect_contains "version prints" "$(lk version)" "leadkeep "

out=$(lk lead add --name "Marcus Johnson" --phone "(312) 555-0199" --email Marcus@Example.com \
	--source web_form --service "deck repair" --message "Need a quote for my deck")
expect_eq "lead add says what it made" "$out" "Created lead #1"

j=$(lk lead show 1 --json)
expect_eq "owner assigned by routing" "$(json_get "$j" 'd["owner"]')" alice
expect_eq "phone normalised to E.164" "$(json_get "$j" 'd["phone"]')" "+13125550199"
expect_eq "email normalised" "$(json_get "$j" 'd["email"]')" "marcus@example.com"
expect_eq "first task is a call" "$(json_get "$j" 'd["tasks"][0]["verb"]')" call
expect_eq "task due five business minutes later" "$(json_get "$j" 'd["tasks"][0]["due_at"]')" \
	"2026-11-24T20:07:00Z"
expect_eq "task title says what to do" "$(json_get "$j" 'd["tasks"][0]["title"]')" \
	"Call Marcus Johnson by 2:07 PM about deck repair"
expect_eq "ack queued by sms" "$(json_get "$j" '[m["purpose"]+"/"+m["channel"]+"/"+m["state"] for m in d["messages"]][0]')" \
	"ack/sms/queued"
expect_contains "ack rendered from its template" "$(json_get "$j" 'd["messages"][0]["body"]')" \
	"Hi Marcus, thanks for contacting Northside Home Services about deck repair. Alice will call you today by 2:07 PM."
expect_contains "timeline has lead.created and owner.assigned" \
	"$(json_get "$j" '" ".join(e["type"] for e in d["timeline"])')" "lead.created owner.assigned"
expect_contains "follow-up timer pending" "$(json_get "$j" '" ".join(t["kind"] for t in d["timers"])')" "step"

human=$(lk lead show 1)
expect_contains "lead show prints the timeline" "$human" "Timeline"
expect_contains "lead show prints local due time" "$human" "due Tue Nov 24 2:07 PM"

# A lead with a phone that cannot be read is kept and flagged, never dropped.
lk lead add --name "Pat Doe" --phone "call me" --source web_form >/dev/null
j=$(lk lead show 2 --json)
expect_eq "bad phone kept as given" "$(json_get "$j" 'd["phone"]')" "call me"
expect_eq "bad phone flagged" "$(json_get "$j" '",".join(d["flags"])')" "phone_invalid,no_contact"
expect_contains "owner gets a task to fix it" "$(json_get "$j" '" | ".join(t["title"] for t in d["tasks"])')" \
	"Fix the contact details"

# Listing, filters, JSON everywhere.
expect_eq "lead list --json" "$(json_get "$(lk lead list --json)" 'len(d)')" 2
expect_eq "lead list --owner" "$(json_get "$(lk lead list --owner alice --json)" 'len(d)')" \
	"$(json_get "$(lk lead list --json)" 'len([l for l in d if l["owner"]=="alice"])')"
expect_contains "task list --owner alice" "$(lk task list --owner alice)" "Call Marcus Johnson"
tasks=$(lk task list --owner alice --json)
tid=$(json_get "$tasks" '[t["id"] for t in d if t["lead_id"]==1][0]')

check "task done" lk task done "$tid" --outcome reached
expect_eq "task is done" "$(json_get "$(lk lead show 1 --json)" '[t["state"] for t in d["tasks"] if t["id"]=='"$tid"'][0]')" done

# Stage requirements: a clear error naming the field, nothing changes.
err=$(lk lead stage 1 quoted 2>&1 >/dev/null); rc=$?
expect_eq "quoted without amount exits 2" "$rc" 2
expect_contains "error names the missing field" "$err" "amount"
expect_eq "stage unchanged" "$(json_get "$(lk lead show 1 --json)" 'd["stage"]')" new
err=$(lk lead stage 1 lost 2>&1 >/dev/null)
expect_contains "lost without reason lists the reasons" "$err" "no_response"
check "quoted with amount" lk lead stage 1 quoted --amount 1200
j=$(lk lead show 1 --json)
expect_eq "stage is quoted" "$(json_get "$j" 'd["stage"]')" quoted
expect_eq "quote stored in cents" "$(json_get "$j" 'd["quote_cents"]')" 120000
expect_contains "quote sequence started" "$(json_get "$j" 'd["sequence"]')" quote_sent

lk task done 9999 >/dev/null 2>&1; expect_eq "unknown task exits 2" "$?" 2
lk lead show 999 >/dev/null 2>&1; expect_eq "unknown lead exits 2, like an unknown task" "$?" 2

# rules check: the default is clean; a broken file gets FILE:LINE:COL lines and exit 3.
check "rules check on the default" lk rules check
lk rules show-default > "$T/rules.yaml"
check "show-default output passes rules check" lk rules check "$T/rules.yaml"
cat > "$T/bad.yaml" <<'YAML'
business:
  name: Broken Co
  timezone: Mars/Base
  hours: { mon-fri: "08:00-17:00" }
people:
  - { id: alice, name: Alice, role: office }
routing:
  - { when: { source: phone_call }, owner: carol }
sequnces: {}
templates:
  ack: "Hi {{frist_name}}"
YAML
out=$(lk rules check "$T/bad.yaml"); rc=$?
expect_eq "broken rules exit 3" "$rc" 3
expect_contains "unknown time zone at 3:13" "$out" "$T/bad.yaml:3:13: error: unknown time zone \"Mars/Base\""
expect_contains "unknown person at 8:44" "$out" "$T/bad.yaml:8:44: error: person \"carol\" does not exist"
expect_contains "owner coverage at 8:3" "$out" "$T/bad.yaml:8:3: error: routing can leave a lead without an owner"
expect_contains "unknown key at 9:1" "$out" "$T/bad.yaml:9:1: error: unknown key \"sequnces\""
expect_contains "unknown template field at 11:14" "$out" "$T/bad.yaml:11:14: error: template \"ack\" uses unknown field \"frist_name\""
lk lead list --rules "$T/bad.yaml" >/dev/null 2>&1; expect_eq "a command with bad rules exits 3" "$?" 3

# The rules file in the data directory is the default.
sed 's/name: Northside Home Services/name: Data Dir Plumbing/' "$T/rules.yaml" > "$LK_FILES/rules.yaml"
lk lead add --name "Dee Dir" --phone 3125550142 >/dev/null
expect_contains "DATA/rules.yaml is used" "$(json_get "$(lk lead show 3 --json)" 'd["messages"][0]["body"]')" "Data Dir Plumbing"

# A plain-language "stop" waits for a person: lead opt-out ID --confirm|--dismiss.
lk lead add --name "Opal Out" --phone 3125550143 >/dev/null
lk lead log 4 reply --text "Stop texting me please" >/dev/null
j=$(lk lead show 4 --json)
expect_eq "possible opt-out flagged" "$(json_get "$j" '"possible_opt_out" in d["flags"]')" True
expect_eq "not opted out yet" "$(json_get "$j" 'd["sms_opt_out"]')" False
expect_contains "the owner's task quotes the lead" "$(json_get "$j" '[t["title"] for t in d["tasks"] if t["state"]=="open"]')" 'Possible opt-out from Opal Out by text: "Stop texting me please"'
lk lead opt-out 4 >/dev/null 2>&1; expect_eq "opt-out without --confirm or --dismiss exits 2" "$?" 2
check "opt-out --confirm" lk lead opt-out 4 --confirm --by alice
j=$(lk lead show 4 --json)
expect_eq "confirmed: opted out of texts" "$(json_get "$j" 'd["sms_opt_out"]')" True
expect_eq "confirmed: flag gone" "$(json_get "$j" '"possible_opt_out" in d["flags"]')" False
lk lead opt-out 4 --dismiss >/dev/null 2>&1; expect_eq "nothing left to dismiss exits 2 (conflict)" "$?" 2

# The lead's plan by hand, the same events as the web app's buttons: pause, resume, followup.
lk lead add --name "Pia Pause" --phone 3125550145 >/dev/null
check "lead pause" lk lead pause 5 --reason "away until Friday" --by alice
j=$(lk lead show 5 --json)
expect_eq "paused: the 24h check-in held by its id" "$(json_get "$j" 'd["paused_step"]')" sms.checkin
expect_eq "paused: no step timer pending" "$(json_get "$j" '[t["kind"] for t in d["timers"] if t["kind"]=="step"]')" "[]"
expect_contains "lead show says it is paused" "$(lk lead show 5)" "paused  since Tue Nov 24 2:02 PM"
lk lead pause 5 >/dev/null 2>&1; expect_eq "pausing twice exits 2 (conflict)" "$?" 2
LEADKEEP_NOW=2026-11-25T20:02:00Z lk lead resume 5 --by alice >/dev/null
j=$(lk lead show 5 --json)
expect_eq "resumed" "$(json_get "$j" 'd["paused_at"]')" None
expect_eq "... the check-in a day later than planned" \
	"$(json_get "$j" '[t["due_at"] for t in d["timers"] if t["kind"]=="step"][0]')" 2026-11-26T20:02:00Z
check "lead followup +3d" lk lead followup 5 +3d --verb call --text "asked for Friday" --by alice
expect_contains "a call task for the owner, due in 3 days" \
	"$(json_get "$(lk lead show 5 --json)" '[t["title"] for t in d["tasks"] if t["state"]=="open"]')" "Call Pia Pause by Friday"
lk lead followup 5 "2026-11-20 10:00" >/dev/null 2>&1; expect_eq "a follow-up in the past exits 2" "$?" 2
lk lead followup 5 soon >/dev/null 2>&1; expect_eq "an unreadable WHEN exits 2" "$?" 2

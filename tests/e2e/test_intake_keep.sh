#!/usr/bin/env bash
# A lead is never refused for a bad or unknown field (DESIGN: never drop a
# lead). Through the real server: the API keeps fields it does not name as
# custom fields - shown by the API and `lead show`, used by a template
# ({{custom.zip}}) and a routing rule (when: { custom: ... }) - and keeps
# over-long, over-deep and too-many fields cut, saying so on the timeline; a
# Typeform-shaped hook payload of 700+ fields is kept; a Meta notification of
# 150 leads stores all 150. Only an empty body is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"
export LEADKEEP_NOW=2026-03-10T15:00:00Z	# a Tuesday, 10:00 in Chicago

mkdir -p "$LK_FILES"
lk rules show-default | python3 -c '
import sys
s = sys.stdin.read()
s = s.replace("routing:\n", "routing:\n  - { when: { custom: { zip: \"60601\" } }, owner: maria }\n", 1)
s = s.replace("{{next_contact_window}}. Reply STOP to opt out.",
              "{{next_contact_window}}.{{#custom.zip}} We serve {{custom.zip}}.{{/custom.zip}} Reply STOP to opt out.", 1)
sys.stdout.write(s)' >"$LK_FILES/rules.yaml"
check "rules with {{custom.zip}} and a custom routing rule check clean" lk rules check
export LK_META_APP_SECRET=test-app-secret
export LK_META_VERIFY_TOKEN=v
server_config "$T/serve.yaml" </dev/null
business_config <<'YAML'
sources:
  hooks:
    typeform: {}
  meta: { app_secret: "env:LK_META_APP_SECRET", verify_token: "env:LK_META_VERIFY_TOKEN" }
YAML
TOKEN=$(lk token create --name keep --role staff 2>/dev/null)
ITOKEN=$(lk token create --name site --role intake 2>/dev/null)
start_server --config "$T/serve.yaml" || { not_ok "server starts"; cat "$T/serve.log"; exit 1; }
ok "server starts"

lead_of() { json_get "$(body_of "$1")" "$2"; }
cut_event() {	# LEAD_ID: the text of its lead.input_cut event
	sql "SELECT text FROM events WHERE lead_id=$1 AND type='lead.input_cut'"
}

# --- fields the API does not name --------------------------------------------------
out=$(api POST /api/v1/leads '{"name":"Zoe Park","phone":"312 555 0120","zip":"60601","budget":5000,"Preferred Time":"mornings"}')
expect_eq "unknown fields (zip, budget): 201, not 422" "$(status_of "$out")" 201
id=$(lead_of "$out" 'd["id"]')
expect_eq "kept as custom fields, numbers as text" "$(lead_of "$out" 'd["custom"]')" "{'zip': '60601', 'budget': '5000', 'Preferred Time': 'mornings'}"
expect_eq "GET the lead: the custom fields" "$(json_get "$(body_of "$(api GET "/api/v1/leads/$id")")" 'd["custom"]["zip"]')" 60601
expect_eq "the list shows them too" "$(json_get "$(body_of "$(api GET "/api/v1/leads?q=Zoe")")" 'd["data"][0]["custom"]["budget"]')" 5000
show=$(lk lead show "$id")
expect_contains "lead show: a Custom fields section" "$show" "Custom fields"
expect_contains "lead show: zip and its value" "$show" "zip              60601"
expect_eq "the routing rule on custom.zip chose the owner" "$(lead_of "$out" 'd["owner"]')" maria
expect_contains "the ack template used {{custom.zip}}" "$(sql "SELECT body FROM outbox WHERE lead_id=$id AND purpose='ack' AND channel='sms'")" "We serve 60601."
expect_eq "nothing was cut: no input_cut event" "$(cut_event "$id")" ""
out=$(api POST /api/v1/leads '{"name":"Other Zip","phone":"312 555 0121","zip":"60999"}')
oid=$(lead_of "$out" 'd["id"]')
check "another zip: not the custom routing rule's owner" test "$(lead_of "$out" 'd["owner"]')" != maria
expect_contains "... its own zip in the ack" "$(sql "SELECT body FROM outbox WHERE lead_id=$oid AND purpose='ack' AND channel='sms'")" "We serve 60999."
out=$(api POST /api/v1/leads '{"name":"No Zip","phone":"312 555 0119"}')
check "no zip: the ack's custom part is left out" bash -c "! grep -q 'We serve' <<<'$(sql "SELECT body FROM outbox WHERE lead_id=$(lead_of "$out" 'd["id"]') AND purpose='ack' AND channel='sms'")'"
out=$(api POST /api/v1/leads '{"name":"Zoe Park","phone":"312 555 0120","zip2":"60602","message":"again"}')
expect_eq "a repeat inquiry with custom fields: attached" "$(lead_of "$out" 'd["id"]') $(lead_of "$out" 'd["duplicate"]')" "$id True"
expect_contains "... its custom fields are in the timeline" "$(sql "SELECT text FROM events WHERE lead_id=$id AND type='lead.inquiry_again'")" "zip2: 60602"
out=$(req POST /api/v1/leads -H "Authorization: Bearer $ITOKEN" -H 'Content-Type: application/json' --data-binary '{"name":"Site Lead","email":"site@example.com","utm_source":"google"}')
expect_eq "intake token with custom fields: 202 receipt" "$(status_of "$out") $(body_of "$out")" '202 {"status":"received"}'
expect_eq "... kept on the lead" "$(sql "SELECT custom FROM leads WHERE email='site@example.com'")" '{"utm_source":"google"}'

# --- bad types and unknown presets --------------------------------------------------
out=$(api POST /api/v1/leads '{"name":3125,"phone":3125550122}')
expect_eq "numbers where text belongs: 201" "$(status_of "$out")" 201
expect_eq "... kept as text (and the phone read)" "$(lead_of "$out" 'd["name"]') $(lead_of "$out" 'd["phone"]')" "3125 +13125550122"
out=$(api POST /api/v1/leads '{"name":{"first":"Ann","last":"Lee"},"phone":"312 555 0123"}')
expect_eq "an object where the name belongs: 201" "$(status_of "$out")" 201
expect_eq "... kept as custom fields" "$(lead_of "$out" 'd["custom"]')" "{'name.first': 'Ann', 'name.last': 'Lee'}"
expect_contains "... and said" "$(cut_event "$(lead_of "$out" 'd["id"]')")" "name was not text"
out=$(api POST /api/v1/leads '{"name":"Owner Typo","phone":"312 555 0124","owner":"zed"}')
expect_eq "an owner nobody is: 201, routing chose" "$(status_of "$out") $(lead_of "$out" 'd["owner"] in ("alice","bob")')" "201 True"
expect_contains "... and the timeline says why" "$(cut_event "$(lead_of "$out" 'd["id"]')")" 'owner "zed" is nobody in the rules'
out=$(api POST /api/v1/leads '{"service":"gutters"}')
expect_eq "no name, phone or email: kept, flagged no_contact" "$(status_of "$out") $(lead_of "$out" 'd["flags"]')" "201 ['no_contact']"
out=$(api POST /api/v1/leads '{"zip":"60601"}')
expect_eq "only a custom field: kept" "$(status_of "$out")" 201
out=$(api POST /api/v1/leads '{}')
expect_eq "an empty body is no lead: 422" "$(status_of "$out") $(json_get "$(body_of "$out")" 'd["error"]["code"]')" "422 missing_field"

# --- over the limits: kept cut, and said --------------------------------------------
long=$(python3 -c 'print("x" * 5000)')
out=$(api POST /api/v1/leads "{\"name\":\"Long Message\",\"phone\":\"312 555 0125\",\"message\":\"$long\"}")
expect_eq "a 5000-byte message: 201" "$(status_of "$out")" 201
lid=$(lead_of "$out" 'd["id"]')
expect_eq "... kept cut to 4000 bytes" "$(sql "SELECT length(message) FROM leads WHERE id=$lid")" 4000
expect_contains "... and the timeline says so" "$(cut_event "$lid")" "message cut to 4000 bytes (5000 given)"
deep=$(python3 -c 'import json; v="bottom"
for i in range(12): v={"level%d" % (11 - i): v}
print(json.dumps({"name": "Deep Nest", "phone": "312 555 0126", "answers": v}))')
out=$(api POST /api/v1/leads "$deep")
expect_eq "JSON nested 13 levels deep: 201" "$(status_of "$out")" 201
lid=$(lead_of "$out" 'd["id"]')
expect_contains "... the deep part kept as JSON text" "$(sql "SELECT custom FROM leads WHERE id=$lid")" 'bottom'
expect_contains "... and said" "$(cut_event "$lid")" "nested deeper than 8 levels kept as JSON text"
many=$(python3 -c 'import json
d = {"name": "Many Fields", "phone": "312 555 0127"}
d.update({"q%03d" % i: "answer %d" % i for i in range(600)})
d["n" * 300] = "long name"
print(json.dumps(d))')
out=$(api POST /api/v1/leads "$many")
expect_eq "601 custom fields and a 300-byte name: 201" "$(status_of "$out")" 201
lid=$(lead_of "$out" 'd["id"]')
expect_eq "... the first 512 kept" "$(lead_of "$out" 'len(d["custom"])')" 512
expect_contains "... the rest counted on the timeline" "$(cut_event "$lid")" "89 more fields past the first 512"
out=$(api POST /api/v1/leads "{\"name\":\"Long Name\",\"phone\":\"312 555 0128\",\"$(python3 -c 'print("k" * 300)')\":\"v\"}")
lid=$(lead_of "$out" 'd["id"]')
expect_eq "a 300-byte field name: 201, cut to 128" "$(status_of "$out") $(lead_of "$out" '[len(k) for k in d["custom"]]')" "201 [128]"
expect_contains "... and said" "$(cut_event "$lid")" "1 field name cut to 128 bytes"
check "cuts are noted on the request's log line" grep -q 'input_cut=true' "$T/serve.log"

# --- a Typeform-shaped hook payload (40 questions, 700+ fields) ------------------------
python3 - >"$T/typeform.json" <<'PY'
import json
fields, answers = [], []
for i in range(40):
    ref = "q%02d" % i
    fields.append({"id": "fld%02d" % i, "title": "Question %d: what about item %d?" % (i, i),
                   "type": "multiple_choice", "ref": ref,
                   "properties": {"randomize": False, "allow_multiple_selection": False},
                   "choices": [{"id": "c%d%d" % (i, j), "label": "Choice %d" % j, "ref": "r%d%d" % (i, j)}
                               for j in range(3)]})
    answers.append({"type": "choice", "choice": {"label": "Choice 1", "ref": "r%d1" % i},
                    "field": {"id": "fld%02d" % i, "type": "multiple_choice", "ref": ref}})
answers.append({"type": "email", "email": "typeform.person@example.com",
                "field": {"id": "email", "type": "email", "ref": "email"}})
print(json.dumps({"event_id": "01H", "event_type": "form_response",
                  "form_response": {"form_id": "abc", "token": "tok", "submitted_at": "2026-03-10T15:00:00Z",
                                    "hidden": {"name": "Typeform Person", "phone": "312 555 0129"},
                                    "definition": {"id": "abc", "title": "Quote", "fields": fields},
                                    "answers": answers}}))
PY
expect_eq "the Typeform payload is over 13 KB" "$(( $(wc -c <"$T/typeform.json") > 13000 ))" 1
out=$(req POST /in/hook/typeform -H 'Content-Type: application/json' --data-binary @"$T/typeform.json")
expect_eq "Typeform-shaped hook (700+ fields): 202, not 400" "$(status_of "$out")" 202
lid=$(sql "SELECT id FROM leads WHERE source='typeform' ORDER BY id DESC LIMIT 1")
check "... a lead was stored" test -n "$lid"
expect_contains "... the fields past 512 counted on its timeline" "$(cut_event "${lid:-0}")" "past the first 512 not kept"

# --- Meta: every lead of a notification, however many -------------------------------
python3 - >"$T/meta.json" <<'PY'
import json
changes = [{"field": "leadgen", "value": {"leadgen_id": "9%05d" % i, "page_id": "p1", "form_id": "f1",
                                          "created_time": 1773154800}} for i in range(150)]
print(json.dumps({"object": "page", "entry": [{"id": "p1", "time": 1773154800, "changes": changes}]}), end="")
PY
msig=$(openssl dgst -sha256 -hmac test-app-secret -r <"$T/meta.json" | cut -d' ' -f1)
out=$(req POST /webhooks/meta/leadgen -H 'Content-Type: application/json' -H "X-Hub-Signature-256: sha256=$msig" --data-binary @"$T/meta.json")
expect_eq "Meta notification with 150 leads: 200" "$(status_of "$out")" 200
expect_eq "... all 150 stored, not 100" "$(sql "SELECT count(*) FROM leads WHERE source='meta_ads'")" 150
expect_eq "... and the answer says 150" "$(json_get "$(body_of "$out")" 'd["leads"]')" 150
out=$(req POST /webhooks/meta/leadgen -H 'Content-Type: application/json' -H "X-Hub-Signature-256: sha256=$msig" --data-binary @"$T/meta.json")
expect_eq "Meta retries it: 200, still 150 leads" "$(status_of "$out") $(sql "SELECT count(*) FROM leads WHERE source='meta_ads'")" "200 150"

stop_server
expect_eq "SIGTERM: exit 0" "$?" 0

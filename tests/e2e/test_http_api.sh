#!/usr/bin/env bash
# REST API v1 end to end: tokens and roles, lead create/list/get/patch,
# events, tasks, people, idempotency, error shapes, body limits.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

TOKEN=$(lk token create --name e2e --role staff 2>/dev/null)
ITOKEN=$(lk token create --name site --role intake 2>/dev/null)
expect_contains "token create prints the token once" "$TOKEN" "lk_"
check "token list shows no secret" bash -c "! \"$LK_BIN\" token list | grep -q -- '${TOKEN:16}'"
start_server || { not_ok "server starts"; exit 1; }
ok "server starts"

out=$(req GET /api/v1/leads)
expect_eq "no token: 401" "$(status_of "$out")" 401
expect_contains "401 has a JSON error" "$out" '"code":"unauthorized"'
out=$(req GET /api/v1/leads -H "Authorization: Bearer lk_0123456789ab_nope")
expect_eq "unknown token: 401" "$(status_of "$out")" 401

out=$(api POST /api/v1/leads '{"name":"Marcus Johnson","phone":"(312) 555-0199","service":"deck repair"}' -H 'Idempotency-Key: k-1')
expect_eq "create: 201" "$(status_of "$out")" 201
id=$(json_get "$(body_of "$out")" 'd["id"]')
expect_eq "create: phone normalised" "$(json_get "$(body_of "$out")" 'd["phone"]')" "+13125550199"
expect_eq "create: owner assigned" "$(json_get "$(body_of "$out")" 'd["owner"] is not None')" True
expect_eq "create: a task" "$(json_get "$(body_of "$out")" 'len(d["tasks"]) > 0')" True
out=$(api POST /api/v1/leads '{"name":"Marcus Johnson","phone":"(312) 555-0199","service":"deck repair"}' -H 'Idempotency-Key: k-1')
expect_eq "retry with Idempotency-Key: same status" "$(status_of "$out")" 201
expect_eq "retry with Idempotency-Key: same lead" "$(json_get "$(body_of "$out")" 'd["id"]')" "$id"
expect_eq "retry made no second lead" "$(sql 'SELECT count(*) FROM leads')" 1
out=$(api POST /api/v1/leads '{"name":"Someone Else"}' -H 'Idempotency-Key: k-1')
expect_eq "same key, other body: 409" "$(status_of "$out")" 409
expect_contains "409 code" "$out" idempotency_key_reused

out=$(api POST /api/v1/leads '{"name":"Bad Phone","phone":"call me maybe"}')
expect_eq "bad phone: still 201" "$(status_of "$out")" 201
expect_contains "bad phone: flagged" "$out" phone_invalid
# (what a lead may hold beyond this: tests/e2e/test_intake_keep.sh)
out=$(api POST /api/v1/leads '{"name":" ","phone":null}')
expect_eq "nothing in it: 422" "$(status_of "$out")" 422
expect_contains "422 names the field" "$out" '"field":"name"'
out=$(api POST /api/v1/leads '{"name":')
expect_eq "bad JSON: 400" "$(status_of "$out")" 400

out=$(req POST /api/v1/leads -H "Authorization: Bearer $ITOKEN" -H 'Content-Type: application/json' --data-binary '{"name":"From Site","email":"site@example.com"}')
expect_eq "intake token may create: 202" "$(status_of "$out")" 202
out=$(req GET /api/v1/leads -H "Authorization: Bearer $ITOKEN")
expect_eq "intake token may not list: 403" "$(status_of "$out")" 403


out=$(api GET "/api/v1/leads?limit=2")
expect_eq "list: 200" "$(status_of "$out")" 200
expect_eq "list: a page of 2" "$(json_get "$(body_of "$out")" 'len(d["data"])')" 2
cursor=$(json_get "$(body_of "$out")" 'd["next_cursor"]')
out=$(api GET "/api/v1/leads?limit=2&cursor=$cursor")
expect_eq "list: next page has the rest" "$(json_get "$(body_of "$out")" 'len(d["data"])')" 1
expect_eq "list: last page has no cursor" "$(json_get "$(body_of "$out")" 'd["next_cursor"]')" None
out=$(api GET "/api/v1/leads?q=marcus")
expect_eq "list: text search" "$(json_get "$(body_of "$out")" 'len(d["data"])')" 1
out=$(api GET "/api/v1/leads?created_from=2001-01-01T00:00:00Z&source=api")
expect_eq "list: created range + source" "$(json_get "$(body_of "$out")" 'len(d["data"])')" 3
out=$(api GET "/api/v1/leads?created_from=yesterday")
expect_eq "list: bad time: 400" "$(status_of "$out")" 400

# An intake token learns nothing about leads already there: Marcus's phone
# posted by a stranger gets the same receipt as a new contact.
events=$(sql "SELECT count(*) FROM events WHERE lead_id=$id AND type='lead.inquiry_again'")
nleads=$(sql 'SELECT count(*) FROM leads')
out=$(req POST /api/v1/leads -H "Authorization: Bearer $ITOKEN" -H 'Content-Type: application/json' --data-binary '{"name":"Mallory","phone":"312 555 0199"}')
expect_eq "intake token, known phone: 202" "$(status_of "$out")" 202
expect_eq "intake token, known phone: a bare receipt" "$(body_of "$out")" '{"status":"received"}'
check "intake token, known phone: no name, tasks or duplicate flag" bash -c "! grep -Eq 'Marcus|duplicate|tasks|lead_id|\"id\"' <<<'$(body_of "$out")'"
out2=$(req POST /api/v1/leads -H "Authorization: Bearer $ITOKEN" -H 'Content-Type: application/json' --data-binary '{"name":"Nobody Yet","phone":"312 555 0144"}')
expect_eq "intake token, new contact: the very same answer" "$(status_of "$out2") $(body_of "$out2")" "$(status_of "$out") $(body_of "$out")"
expect_eq "intake token, known phone: the lead still hears of it (inquiry_again)" "$(sql "SELECT count(*) FROM events WHERE lead_id=$id AND type='lead.inquiry_again'")" $((events + 1))
expect_eq "intake token, known phone: no second lead" "$(sql 'SELECT count(*) FROM leads')" $((nleads + 1))
out=$(req POST /api/v1/leads -H "Authorization: Bearer $ITOKEN" -H 'Content-Type: application/json' -H 'Idempotency-Key: i-1' --data-binary '{"name":"Mallory","email":"site@example.com"}')
out2=$(req POST /api/v1/leads -H "Authorization: Bearer $ITOKEN" -H 'Content-Type: application/json' -H 'Idempotency-Key: i-1' --data-binary '{"name":"Mallory","email":"site@example.com"}')
expect_eq "intake token, retried: the same receipt" "$(status_of "$out2") $(body_of "$out2")" "202 {\"status\":\"received\"}"
out=$(api POST /api/v1/leads '{"name":"Marcus J","phone":"312 555 0199"}')
expect_eq "staff token, known phone: 201 with the lead" "$(status_of "$out") $(json_get "$(body_of "$out")" 'd["id"]')" "201 $id"
expect_eq "staff token, known phone: duplicate true" "$(json_get "$(body_of "$out")" 'd["duplicate"]')" True

out=$(api GET "/api/v1/leads/$id")
expect_eq "get: 200" "$(status_of "$out")" 200
expect_contains "get: with timeline" "$out" '"timeline":['
expect_eq "get missing: 404" "$(status_of "$(api GET /api/v1/leads/99999)")" 404

out=$(api PATCH "/api/v1/leads/$id" '{"email":"MARCUS@Example.COM","by":"alice"}')
expect_eq "patch: 200" "$(status_of "$out")" 200
expect_eq "patch: email normalised" "$(json_get "$(body_of "$out")" 'd["email"]')" "marcus@example.com"
expect_contains "patch: in the timeline" "$out" "lead.updated"

# The lead's time zone: from its phone number at intake, corrected by a person
# through the same contact edit; an unknown zone is refused, naming the field.
expect_eq "timezone from the phone number" "$(json_get "$(body_of "$(api GET "/api/v1/leads/$id")")" 'd["timezone"]')" "America/Chicago"
out=$(api PATCH "/api/v1/leads/$id" '{"timezone":"America/Denver","by":"alice"}')
expect_eq "patch timezone: 200" "$(status_of "$out")" 200
expect_eq "patch timezone: kept" "$(json_get "$(body_of "$out")" 'd["timezone"]')" "America/Denver"
out=$(api PATCH "/api/v1/leads/$id" '{"timezone":"Mars/Olympus"}')
expect_eq "patch unknown timezone: 422" "$(status_of "$out")" 422
expect_contains "...naming the field" "$out" '"field":"timezone"'
out=$(lk lead edit "$id" --timezone "" --by alice --json)
expect_eq "lead edit --timezone \"\": from the phone again" "$(json_get "$out" 'd["timezone"]')" "America/Chicago"

out=$(api POST "/api/v1/leads/$id/stage" '{"stage":"quoted"}')
expect_eq "stage without required amount: 422" "$(status_of "$out")" 422
expect_contains "stage 422 names amount_cents" "$out" '"field":"amount_cents"'
out=$(api POST "/api/v1/leads/$id/stage" '{"stage":"nope"}')
expect_contains "unknown stage: 422 invalid_field" "$out" invalid_field
out=$(api POST "/api/v1/leads/$id/stage" '{"stage":"quoted","amount_cents":125000,"by":"bob"}')
expect_eq "stage with amount: 200" "$(status_of "$out")" 200
expect_eq "stage moved" "$(json_get "$(body_of "$out")" 'd["stage"]')" quoted
out=$(api POST "/api/v1/leads/$id/owner" '{"owner":"bob"}')
expect_eq "owner: bob" "$(json_get "$(body_of "$out")" 'd["owner"]')" bob
out=$(api POST "/api/v1/leads/$id/owner" '{"owner":"zed"}')
expect_eq "unknown owner: 422" "$(status_of "$out")" 422
out=$(api POST "/api/v1/leads/$id/events" '{"type":"call","outcome":"no_answer","by":"bob"}')
expect_contains "call logged" "$out" "call.logged"
out=$(api POST "/api/v1/leads/$id/events" '{"type":"visit","outcome":"done","amount_cents":99000}')
expect_contains "visit logged" "$out" "visit.logged"
out=$(api POST "/api/v1/leads/$id/events" '{"type":"note","text":"gate code 1234","contact":true}')
expect_contains "note logged" "$out" "gate code 1234"
out=$(api POST "/api/v1/leads/$id/events" '{"type":"message","direction":"in","channel":"sms","text":"Can you come Friday?"}')
expect_contains "inbound message logged" "$out" "Can you come Friday?"
out=$(api POST "/api/v1/leads/$id/events" '{"type":"dance"}')
expect_eq "unknown event type: 422" "$(status_of "$out")" 422
expect_eq "event on missing lead: 404" "$(status_of "$(api POST /api/v1/leads/99999/events '{"type":"note","text":"x"}')")" 404

out=$(api GET "/api/v1/tasks?assignee=bob")
expect_eq "tasks: 200" "$(status_of "$out")" 200
task=$(json_get "$(body_of "$out")" 'd["data"][0]["id"]')
out=$(api POST "/api/v1/tasks/$task/snooze" '{"minutes":90}')
expect_eq "snooze without reason: 422" "$(status_of "$out")" 422
out=$(api POST "/api/v1/tasks/$task/snooze" '{"minutes":90,"reason":"customer at work"}')
expect_eq "snooze: 200" "$(status_of "$out")" 200
expect_contains "snooze in the timeline" "$out" "customer at work"
out=$(api POST "/api/v1/tasks/$task/complete" '{"outcome":"reached","by":"bob"}')
expect_eq "complete: 200" "$(status_of "$out")" 200
out=$(api POST "/api/v1/tasks/$task/complete" '{"outcome":"reached"}')
expect_eq "complete twice: 409" "$(status_of "$out")" 409
expect_eq "complete missing task: 404" "$(status_of "$(api POST /api/v1/tasks/99999/complete '{}')")" 404
out=$(api GET "/api/v1/tasks?state=bogus")
expect_eq "tasks bad state: 400" "$(status_of "$out")" 400

out=$(api GET /api/v1/people)
expect_contains "people from the rules" "$out" '"id":"alice"'

# 10 MB body: refused, and the server stays up
head -c 10485760 /dev/zero | tr '\0' 'a' >"$T/big"
out=$(req POST /api/v1/leads -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @"$T/big")
expect_eq "10 MB body: 413" "$(status_of "$out")" 413
out=$(curl -s -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @"$T/big" "$BASE/api/v1/leads")
expect_eq "10 MB chunked body: 413" "$out" 413
expect_eq "server still answers" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz")" 200

expect_eq "wrong method: 405" "$(status_of "$(req DELETE /api/v1/leads)")" 405
expect_eq "unknown path: 404" "$(status_of "$(req GET /nope)")" 404
check "one request line per request, logfmt" grep -q 'msg=request req_id=.* method=POST path=/api/v1/leads status=201' "$T/serve.log"
check "token secret never logged" bash -c "! grep -q -- '${TOKEN:16}' '$T/serve.log'"

lk token revoke 1 >/dev/null
expect_eq "revoked token: 401" "$(status_of "$(api GET /api/v1/people)")" 401
stop_server
expect_eq "SIGTERM: exit 0" "$?" 0

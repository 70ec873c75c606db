#!/usr/bin/env bash
# The REST API's real answers checked against docs/openapi.yaml by an
# independent validator: the requests go through @stoplight/prism-cli's
# validating proxy (`prism proxy --errors`) to the real server, and a request
# or response that drifts from the contract fails. Prism marks every
# violation with an sl-violations header; with --errors it answers a response
# violation itself (500, application/problem+json), and refuses a request the
# document does not allow (422, or 401 without a token) without forwarding it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"
. "$(dirname "$0")/node_lib.sh"
need_node_tools

server_config "$T/serve.yaml" <<'YAML'
# enough for this test's staff token; the burst token runs out (429)
api_rate_limit: 100/day
YAML
business_config </dev/null
TOKEN=$(lk token create --name contract --role staff 2>/dev/null)
ITOKEN=$(lk token create --name site --role intake 2>/dev/null)
BTOKEN=$(lk token create --name burst --role staff 2>/dev/null)
start_server --config "$T/serve.yaml" || { not_ok "server starts"; cat "$T/serve.log"; exit 1; }

# Prism reads the document as it is, plus a canary route whose contract the
# server cannot meet (it answers /contract-canary with its own 404), to show
# that a drift is seen.
sed '/^paths:$/r /dev/stdin' "$LK_ROOT/docs/openapi.yaml" >"$T/openapi.yaml" <<'YAML'
  /contract-canary:
    get:
      operationId: contractCanary
      security: []
      responses:
        "404":
          description: Not what the server answers.
          content: { application/json: { schema: { type: object, required: [canary] } } }
YAML
PPORT=$(free_port)
PBASE="http://127.0.0.1:$PPORT"
"$NODE_BIN/prism" proxy "$T/openapi.yaml" "$BASE" --errors --host 127.0.0.1 --port "$PPORT" \
	--verboseLevel warn >"$T/prism.log" 2>&1 &
_pids+=($!)
if ! wait_http "$PBASE/healthz" 300; then
	not_ok "prism proxy starts"; tail -n 20 "$T/prism.log"; exit 1
fi
ok "prism proxy starts in front of the server"

# via METHOD PATH [curl args...]: one request through the proxy; sets ST,
# BODY, CT and VIOL (prism's sl-violations header, empty when none).
via() {
	local m=$1 p=$2; shift 2
	ST=$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' -X "$m" "$PBASE$p" "$@")
	BODY=$(cat "$T/body")
	CT=$(grep -i '^content-type:' "$T/hdr" | head -n 1 | cut -d' ' -f2- | tr -d '\r')
	VIOL=$(grep -i '^sl-violations:' "$T/hdr" | cut -d' ' -f2- | tr -d '\r')
}
# vapi METHOD PATH [JSON] [curl args...]: via, with the bearer token $TOKEN.
vapi() {
	local m=$1 p=$2 d=${3:-}; shift 3 2>/dev/null || shift $#
	if [ -n "$d" ]; then
		via "$m" "$p" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
			--data-binary "$d" "$@"
	else
		via "$m" "$p" -H "Authorization: Bearer $TOKEN" "$@"
	fi
}
# conforms DESCRIPTION STATUS: the last answer has this status, came from the
# server (not from prism) and prism found nothing against the document.
conforms() {
	if [ "$ST" == "$2" ] && [ -z "$VIOL" ] && [[ "$CT" != application/problem+json* ]]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   status $ST (expected $2), content-type $CT"
		[ -n "$VIOL" ] && echo "#   violations: $VIOL"
		echo "#   body: ${BODY:0:600}"
	fi
}
field() { json_get "$BODY" "$1"; }

# --- health ---------------------------------------------------------------------
via GET /healthz;  conforms "GET /healthz" 200
via GET /readyz;   conforms "GET /readyz" 200

# --- leads ----------------------------------------------------------------------
vapi POST /api/v1/leads '{"name":"Marcus Johnson","phone":"(312) 555-0199","email":"marcus@example.com","service":"deck repair","message":"Need a quote"}' -H 'Idempotency-Key: c-1'
conforms "POST /api/v1/leads: 201 with the new lead" 201
id=$(field 'd["id"]')
vapi POST /api/v1/leads '{"name":"Marcus Johnson","phone":"(312) 555-0199","email":"marcus@example.com","service":"deck repair","message":"Need a quote"}' -H 'Idempotency-Key: c-1'
conforms "POST /api/v1/leads retried with its Idempotency-Key: 201" 201
vapi POST /api/v1/leads '{"name":"Someone Else"}' -H 'Idempotency-Key: c-1'
conforms "POST /api/v1/leads, same key, other body: 409" 409
vapi POST /api/v1/leads '{"name":"Pat Doe","phone":"call me","neighbourhood":"Uptown"}'
conforms "POST /api/v1/leads with an unreadable phone: 201, flagged" 201
via POST /api/v1/leads -H "Authorization: Bearer $ITOKEN" -H 'Content-Type: application/json' \
	--data-binary '{"name":"From Site","email":"site@example.com","source":"web_form"}'
conforms "POST /api/v1/leads with an intake token: 202 receipt" 202
expect_eq "intake token: the receipt only" "$BODY" '{"status":"received"}'
via POST /api/v1/leads -H "Authorization: Bearer $ITOKEN" -H 'Content-Type: application/json' \
	--data-binary '{"name":"Not Marcus","phone":"312-555-0199"}'
conforms "POST /api/v1/leads with an intake token, a known phone: the same 202 receipt" 202
expect_eq "intake token, known phone: nothing of Marcus's lead" "$BODY" '{"status":"received"}'
vapi POST /api/v1/leads '{}'
conforms "POST /api/v1/leads with nothing in it: 422" 422

vapi GET "/api/v1/leads?limit=2"
conforms "GET /api/v1/leads?limit=2: a page" 200
cursor=$(field 'd["next_cursor"]')
vapi GET "/api/v1/leads?limit=2&cursor=$cursor"
conforms "GET /api/v1/leads with the next cursor: the last page" 200
expect_eq "the last page has no cursor" "$(field 'd["next_cursor"]')" None

# A lead is never refused for a field: kept, and the answer still conforms.
vapi POST /api/v1/leads '{"name":"Zip Person","phone":"312 555 0131","zip":"60601","budget":5000,"address":{"city":"Chicago"}}'
conforms "POST /api/v1/leads with fields the API does not name: 201" 201
expect_eq "... kept as custom fields" "$(field 'd["custom"]')" "{'zip': '60601', 'budget': '5000', 'address.city': 'Chicago'}"
vapi POST /api/v1/leads '{"service":"x"}'
conforms "POST /api/v1/leads without name, phone or email: 201, flagged no_contact" 201
vapi POST /api/v1/leads '{"name":"x","owner":"zed"}'
conforms "POST /api/v1/leads with an unknown owner: 201, routed" 201
via POST /api/v1/leads -H "Authorization: Bearer $ITOKEN" -H 'Content-Type: application/json' \
	--data-binary '{"name":"Site Zip","email":"zip@example.com","zip":"60602"}'
conforms "POST /api/v1/leads with an intake token and custom fields: 202 receipt" 202
vapi GET "/api/v1/leads?q=zip"
conforms "GET /api/v1/leads: custom fields in the list" 200
vapi GET "/api/v1/leads?q=marcus&status=open&created_from=2001-01-01T00:00:00Z"
conforms "GET /api/v1/leads with filters" 200
vapi GET "/api/v1/leads?cursor=not-a-cursor"
conforms "GET /api/v1/leads with a bad cursor: 400" 400
via GET /api/v1/leads -H "Authorization: Bearer lk_0123456789ab_nope"
conforms "GET /api/v1/leads with an unknown token: 401" 401
via GET /api/v1/leads -H "Authorization: Bearer $ITOKEN"
conforms "GET /api/v1/leads with an intake token: 403" 403

vapi GET "/api/v1/leads/$id"
conforms "GET /api/v1/leads/{id}: the lead with its timeline" 200
vapi GET /api/v1/leads/99999
conforms "GET /api/v1/leads/{id} of no lead: 404" 404
vapi PATCH "/api/v1/leads/$id" '{"email":"MARCUS@Example.COM","neighbourhood":"Uptown","timezone":"America/Denver","by":"alice"}'
conforms "PATCH /api/v1/leads/{id}: 200" 200
vapi PATCH /api/v1/leads/99999 '{"name":"Nobody"}'
conforms "PATCH /api/v1/leads/{id} of no lead: 404" 404

vapi POST "/api/v1/leads/$id/stage" '{"stage":"quoted"}'
conforms "POST .../stage without the amount the stage needs: 422" 422
vapi POST "/api/v1/leads/$id/stage" '{"stage":"quoted","amount_cents":125000,"by":"bob"}'
conforms "POST .../stage: 200" 200
vapi POST "/api/v1/leads/$id/owner" '{"owner":"bob","by":"maria"}'
conforms "POST .../owner: 200" 200
vapi POST "/api/v1/leads/$id/events" '{"type":"call","outcome":"no_answer","by":"bob"}'
conforms "POST .../events (call): 200" 200
vapi POST "/api/v1/leads/$id/events" '{"type":"visit","outcome":"done","amount_cents":99000}'
conforms "POST .../events (visit): 200" 200
vapi POST "/api/v1/leads/$id/events" '{"type":"note","text":"gate code 1234","contact":true}'
conforms "POST .../events (note): 200" 200
vapi POST "/api/v1/leads/$id/events" '{"type":"message","direction":"in","channel":"sms","text":"Can you come Friday?"}'
conforms "POST .../events (inbound message): 200" 200
vapi POST /api/v1/leads/99999/events '{"type":"note","text":"x"}'
conforms "POST .../events on no lead: 404" 404
vapi POST "/api/v1/leads/$id/pause" '{"reason":"away until Friday","by":"maria"}'
conforms "POST .../pause: 200" 200
expect_eq "... the lead says it is paused" "$(field "d['paused_at'] is not None")" True
vapi POST "/api/v1/leads/$id/pause" '{}'
conforms "POST .../pause again: 409" 409
vapi POST "/api/v1/leads/$id/resume" '{"by":"maria"}'
conforms "POST .../resume: 200" 200
expect_eq "... and runs again" "$(field "d['paused_at']")" None
vapi POST "/api/v1/leads/$id/resume" '{}'
conforms "POST .../resume when it runs: 409" 409
vapi POST "/api/v1/leads/$id/followup" '{"due":"2099-01-05T15:00:00Z","verb":"call","by":"bob"}'
conforms "POST .../followup: 200" 200
vapi POST "/api/v1/leads/$id/followup" '{"due":"2001-01-05T15:00:00Z"}'
conforms "POST .../followup in the past: 422" 422

# --- tasks and people -------------------------------------------------------------
vapi GET "/api/v1/tasks?assignee=bob"
conforms "GET /api/v1/tasks?assignee=bob" 200
task=$(field 'd["data"][0]["id"]')
vapi GET "/api/v1/tasks?state=done&limit=10"
conforms "GET /api/v1/tasks?state=done" 200
vapi POST "/api/v1/tasks/$task/snooze" '{"minutes":90,"reason":"customer at work","by":"bob"}'
conforms "POST /api/v1/tasks/{id}/snooze (minutes): 200" 200
vapi POST "/api/v1/tasks/$task/snooze" "{\"until\":\"$(date -u -d '+40 days' +%Y-%m-%dT15:00:00Z)\",\"reason\":\"after the holidays\"}"	# within a year
conforms "POST /api/v1/tasks/{id}/snooze (until): 200" 200
vapi POST "/api/v1/tasks/$task/snooze" '{"until":"2001-01-01T00:00:00Z","reason":"in the past"}'
conforms "POST /api/v1/tasks/{id}/snooze into the past: 422" 422
vapi POST "/api/v1/tasks/$task/complete" '{"outcome":"reached","by":"bob"}'
conforms "POST /api/v1/tasks/{id}/complete: 200" 200
vapi POST "/api/v1/tasks/$task/complete" '{"outcome":"reached"}'
conforms "POST /api/v1/tasks/{id}/complete twice: 409" 409
vapi POST /api/v1/tasks/99999/complete '{}'
conforms "POST /api/v1/tasks/{id}/complete of no task: 404" 404
vapi GET /api/v1/people
conforms "GET /api/v1/people" 200
vapi GET /api/v1/health/report
conforms "GET /api/v1/health/report" 200

# --- appointments -------------------------------------------------------------------
day=$(date -u -d '+3 days' +%Y-%m-%d)
vapi POST "/api/v1/leads/$id/appointments" "{\"action\":\"book\",\"kind\":\"estimate_visit\",\"start\":\"${day}T16:00:00Z\",\"place\":\"12 Oak St\",\"person\":\"bob\",\"by\":\"alice\"}"
conforms "POST .../appointments (book): 200, the lead with its reminder timers" 200
vapi GET "/api/v1/appointments?person=bob&day=$day"
conforms "GET /api/v1/appointments?person=bob&day=...: 200" 200
expect_eq "the technician's day holds the visit, with a maps link" "$(field 'd["data"][0]["place"] + " " + d["data"][0]["maps_url"][:35]')" "12 Oak St https://www.google.com/maps/search/"
vapi POST "/api/v1/leads/$id/appointments" '{"action":"reschedule","start":"2001-01-01T10:00:00Z"}'
conforms "POST .../appointments (reschedule into the past): 422" 422
vapi POST "/api/v1/leads/$id/appointments" '{"action":"cancel","note":"customer called","by":"alice"}'
conforms "POST .../appointments (cancel): 200" 200
vapi POST "/api/v1/leads/$id/appointments" '{"action":"done"}'
conforms "POST .../appointments (done, none ahead): 409" 409
vapi GET "/api/v1/appointments?state=cancelled&limit=5"
conforms "GET /api/v1/appointments?state=cancelled: 200" 200

# --- promised callbacks ----------------------------------------------------------------
vapi POST "/api/v1/leads/$id/callback" '{"promise":"Sunday at 3 am","by":"alice"}'
conforms "POST .../callback at a time the rules cannot keep: 422" 422
monday=$(date -u -d 'next monday' +%m-%d)	# a Monday holiday of the demo rules: Tuesday
case $monday in 12-25|01-01) promise="Tuesday at 10 am" ;; *) promise="Monday at 10 am" ;; esac
vapi POST "/api/v1/leads/$id/callback" "{\"promise\":\"$promise\",\"by\":\"alice\"}"
conforms "POST .../callback: 200, the lead" 200

# --- 429: the burst token's allowance spent directly, then one more via prism -------
for _ in $(seq 1 150); do
	[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BTOKEN" "$BASE/api/v1/people")" = 429 ] && break
done
via GET /api/v1/people -H "Authorization: Bearer $BTOKEN"
conforms "GET /api/v1/people beyond the token's rate: 429" 429
check "429 says when to retry" grep -qi '^retry-after: [1-9]' "$T/hdr"

# --- the validator sees drift -------------------------------------------------------
via GET /contract-canary
expect_eq "a response the document does not describe is refused by prism" "$ST $CT" "500 application/problem+json"
expect_contains "... and named in sl-violations" "$VIOL" "canary"
vapi POST "/api/v1/leads/$id/events" '{"type":"dance"}'
expect_eq "a request the document does not allow is refused by prism (422)" "$ST" 422
check "... without reaching the server" bash -c "! grep -q 'path=/api/v1/leads/$id/events status=422' '$T/serve.log'"

stop_server
expect_eq "SIGTERM: exit 0" "$?" 0

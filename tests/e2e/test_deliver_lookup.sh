#!/usr/bin/env bash
# A number lookup before the first text (issue 10 item 12): with
# providers.twilio.lookup: true, serve asks the stand-in Twilio Lookup v2 for the
# line type of a lead's number before texting it the first time. A landline
# is never texted: the same not_textable outcome as Twilio's 21614 (the phone
# flagged no_texts, the acknowledgment by email, a call for the owner). A
# mobile number is texted; a failed lookup does not stop the text; staff are
# never looked up; off by default. Real clock (LEADKEEP_NOW unset).
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"

PORT=$(free_port)
cat >"$T/twilio.json" <<'EOF'
{"lookup:+13125550920": "landline", "lookup:+13125550922": "404"}
EOF
start_twilio_stub
start_smtp_sink
DELIVERY="sms_rate: 0"
TWILIO_MORE="lookup: true, lookup_url: \"http://127.0.0.1:$TW_PORT\""
unset LEADKEEP_NOW
open_around_the_clock

add() { lk lead add --name "$1" --phone "$2" ${3:+--email "$3"} --service "deck repair" --json | json_get "$(cat)" "d['id']"; }
LAND_ID=$(add "Lee Landline" +13125550920 lee@example.com)
MOB_ID=$(add "Mia Mobile" +13125550921)
FAIL_ID=$(add "Fay Failed" +13125550922)

start_serve
check "every message settles" wait_settled 30

rec() {	# python expression over the lookups (looks) and texts (texts) to number $1
	python3 - "$TW_REC" "$1" "$2" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
looks = [r for r in recs if r.get("lookup") == sys.argv[2]]
texts = [r for r in recs if r.get("form", {}).get("To") == sys.argv[2]]
print(eval(sys.argv[3]))
PY
}
row() { db "SELECT $2 FROM outbox WHERE lead_id = $1 AND purpose = 'ack' AND channel = '${3:-sms}'"; }

# --- a landline: looked up, never texted ---------------------------------------
expect_eq "the landline was looked up once" "$(rec +13125550920 'len(looks)')" 1
expect_eq "... with basic auth" "$(rec +13125550920 'looks[0]["auth_ok"]')" True
expect_eq "... asking for the line type" "$(rec +13125550920 'looks[0]["fields"]')" "['line_type_intelligence']"
expect_eq "... and never texted" "$(rec +13125550920 'len(texts)')" 0
expect_eq "its text fails" "$(row "$LAND_ID" state)" failed
expect_contains "... saying why" "$(row "$LAND_ID" last_error)" "number lookup: +13125550920 is a landline"
expect_eq "the phone is flagged no_texts" "$(db "SELECT flags & 64 FROM leads WHERE id = $LAND_ID")" 64
check "the acknowledgment goes by email instead" \
	wait_sql "SELECT count(*) FROM outbox WHERE lead_id = $LAND_ID AND channel = 'email' AND purpose = 'ack' AND state = 'sent'" 1 20
expect_eq "the owner calls the landline" \
	"$(db "SELECT count(*) FROM tasks WHERE lead_id = $LAND_ID AND state = 'open' AND verb = 'call'")" 1

# --- a mobile number is texted; a failed lookup does not stop the text ------------
expect_eq "the mobile number was looked up" "$(rec +13125550921 'len(looks)')" 1
expect_eq "... and texted" "$(rec +13125550921 'len(texts)')" 1
expect_eq "a 404 lookup..." "$(rec +13125550922 '[r["answer"] for r in looks]')" "[404]"
expect_eq "... still texts the lead" "$(rec +13125550922 'len(texts)')" 1
expect_contains "... and is logged" "$(cat "$T/serve.log")" "msg=lookup_failed outbox=$(row "$FAIL_ID" id) lead=$FAIL_ID status=404"
expect_eq "staff are never looked up" "$(rec +13125550101 'len(looks)') $(rec +13125550102 'len(looks)')" "0 0"
if grep -q test_auth_token "$T/serve.log"; then not_ok "the auth token is never logged"; else ok "the auth token is never logged"; fi
stop_serve

# --- off by default ---------------------------------------------------------------
TWILIO_MORE=
OFF_ID=$(add "Lou Landline" +13125550923)
echo '{"lookup:+13125550923": "landline"}' >"$T/twilio.json"
start_serve
check "the new text settles" wait_settled 30
expect_eq "without lookup: true nothing is looked up" "$(rec +13125550923 'len(looks)') $(rec +13125550923 'len(texts)')" "0 1"
stop_serve
TWILIO_MORE="lookup: maybe" providers_config
"$LK_BIN" serve --listen "127.0.0.1:$PORT" 2>"$T/bad.log"; rc=$?
expect_eq "a bad lookup stops serve (exit 3, a configuration error)" "$rc" 3
expect_contains "... naming its place" "$(cat "$T/bad.log")" '"lookup"'

#!/usr/bin/env bash
# Twilio's webhooks signed by Twilio's own code: the official `twilio` npm
# package computes X-Twilio-Signature (tests/e2e/twilio_sign.js), the real
# server checks it. Also: the reference fixtures' signatures that the other
# tests replay are the ones Twilio's validateRequest() accepts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"
. "$(dirname "$0")/node_lib.sh"
need_node_tools
FX="$LK_ROOT/tests/e2e/fixtures"
SIGN="$LK_ROOT/tests/e2e/twilio_sign.js"
PUBLIC=https://engine.example.test
export TW_TOKEN=9f3c1e7a5b2d4f6081a3c5e7d9b1f2a4	# looks like an Auth Token

# The fixtures (from the reference's documented requests) are signed with
# the Auth Token 12345 for https://engine.example.test/PATH.
for f in twilio_sms_1a:/webhooks/twilio/sms twilio_sms_1b_stop:/webhooks/twilio/sms \
	 twilio_voice_2a:/webhooks/twilio/voice twilio_dial_2b:/webhooks/twilio/voice/dial-action \
	 twilio_status_2c:/webhooks/twilio/voice/status; do
	n=${f%%:*} p=${f#*:}
	check "fixture $n: its signature is Twilio's (validateRequest)" \
		node "$SIGN" check 12345 "$PUBLIC$p" "$(cat "$FX/$n.x-twilio-signature")" <"$FX/$n.body"
done

server_config "$T/serve.yaml" <<'YAML'
public_url: "https://engine.example.test/"
YAML
business_config <<'YAML'
sources:
  twilio: { forward_to: +14155550100 }
providers:
  twilio: { auth_token: "env:TW_TOKEN" }
YAML
start_server --config "$T/serve.yaml" || { not_ok "server starts"; cat "$T/serve.log"; exit 1; }

# signed TOKEN URL JSON: sets SIG and BODY with Twilio's code.
signed() {
	{ read -r SIG; read -r BODY; } < <(node "$SIGN" sign "$1" "$2" <<<"$3")
}
# post PATH [curl args]: BODY to the server with SIG; prints "STATUS<nl>BODY".
post() {
	local p=$1; shift
	req POST "$p" -H 'Content-Type: application/x-www-form-urlencoded' \
		-H "X-Twilio-Signature: $SIG" --data-binary "$BODY" "$@"
}
count() { sql "SELECT count(*) FROM leads"; }

# A text from a new number, every parameter Twilio sends for one, with a body
# that needs encoding: UTF-8 (2- and 4-byte), + & = % and a line break.
text='Hola, ¿pueden venir mañana? 🛠 Deck 20% off + stairs & rail = quote?
Gracias'
sms=$(python3 -c 'import json,sys; print(json.dumps({
 "ToCountry":"US","ToState":"IL","SmsMessageSid":"SM1f0e2d3c4b5a69788796a5b4c3d2e1f0",
 "NumMedia":"0","ToCity":"CHICAGO","FromZip":"60614","SmsSid":"SM1f0e2d3c4b5a69788796a5b4c3d2e1f0",
 "FromState":"IL","SmsStatus":"received","FromCity":"CHICAGO","Body":sys.argv[1],
 "FromCountry":"US","To":"+13125550100","MessagingServiceSid":"MG00000000000000000000000000000000",
 "ToZip":"60601","NumSegments":"2","MessageSid":"SM1f0e2d3c4b5a69788796a5b4c3d2e1f0",
 "AccountSid":"AC00000000000000000000000000000000","From":"+13125550161","ApiVersion":"2010-04-01"}))' "$text")
signed "$TW_TOKEN" "$PUBLIC/webhooks/twilio/sms" "$sms"
out=$(post /webhooks/twilio/sms)
expect_eq "sms signed by twilio's getExpectedTwilioSignature: 200" "$(status_of "$out")" 200
expect_eq "sms: empty TwiML" "$(body_of "$out")" '<?xml version="1.0" encoding="UTF-8"?><Response/>'
expect_eq "sms: a lead from the sender" "$(sql "SELECT count(*) FROM leads WHERE phone='+13125550161' AND source='sms'")" 1
expect_eq "sms: the text kept byte for byte" "$(sql "SELECT message FROM leads WHERE phone='+13125550161'")" "$text"
n=$(count)
out=$(post /webhooks/twilio/sms)
expect_eq "the same request retried: 200" "$(status_of "$out")" 200
expect_eq "the same request retried: no second lead" "$(count)" "$n"

# A webhook URL with a query string (Twilio signs the URL as configured) and
# one written with the default port (validateRequest accepts both).
msg='{"From":"+13125550162","To":"+13125550100","Body":"Need a plumber","MessageSid":"SM00000000000000000000000000000162","AccountSid":"AC00000000000000000000000000000000","NumMedia":"0"}'
signed "$TW_TOKEN" "$PUBLIC/webhooks/twilio/sms?campaign=spring%20ads&n=1" "$msg"
out=$(post "/webhooks/twilio/sms?campaign=spring%20ads&n=1")
expect_eq "sms to a URL with a query, signed by twilio: 200" "$(status_of "$out")" 200
expect_eq "... the lead exists" "$(sql "SELECT message FROM leads WHERE phone='+13125550162'")" "Need a plumber"
msg='{"From":"+13125550163","To":"+13125550100","Body":"Port test","MessageSid":"SM00000000000000000000000000000163","NumMedia":"0"}'
signed "$TW_TOKEN" "https://engine.example.test:443/webhooks/twilio/sms" "$msg"
out=$(post /webhooks/twilio/sms)
expect_eq "sms signed for the URL with :443: 200" "$(status_of "$out")" 200

# Refused: another token, another URL, a body changed after signing.
n=$(count)
msg='{"From":"+13125550164","To":"+13125550100","Body":"Forged","MessageSid":"SM00000000000000000000000000000164","NumMedia":"0"}'
signed "0000000000000000000000000000000a" "$PUBLIC/webhooks/twilio/sms" "$msg"
expect_eq "signed with another Auth Token: 403" "$(status_of "$(post /webhooks/twilio/sms)")" 403
signed "$TW_TOKEN" "http://engine.example.test/webhooks/twilio/sms" "$msg"
expect_eq "signed for another URL (http): 403" "$(status_of "$(post /webhooks/twilio/sms)")" 403
signed "$TW_TOKEN" "$PUBLIC/webhooks/twilio/sms?campaign=a" "$msg"
expect_eq "signed for another query: 403" "$(status_of "$(post "/webhooks/twilio/sms?campaign=b")")" 403
signed "$TW_TOKEN" "$PUBLIC/webhooks/twilio/sms" "$msg"
BODY=${BODY/Forged/Forgeд}
expect_eq "body changed after signing: 403" "$(status_of "$(post /webhooks/twilio/sms)")" 403
SIG=
expect_eq "no signature: 403" "$(status_of "$(post /webhooks/twilio/sms)")" 403
expect_eq "refused requests stored nothing" "$(count)" "$n"

# A missed call from a new number: the voice webhook rings the business, the
# <Dial> action says nobody answered, and the caller becomes a lead.
call='{"AccountSid":"AC00000000000000000000000000000000","ApiVersion":"2010-04-01","CallSid":"CA00000000000000000000000000000165","CallStatus":"ringing","Called":"+13125550100","Caller":"+13125550165","Direction":"inbound","From":"+13125550165","To":"+13125550100","CallerCity":"CHICAGO","CallToken":""}'
signed "$TW_TOKEN" "$PUBLIC/webhooks/twilio/voice" "$call"
out=$(post /webhooks/twilio/voice)
expect_eq "voice webhook signed by twilio: 200" "$(status_of "$out")" 200
expect_contains "voice: rings the business" "$out" '<Dial action="/webhooks/twilio/voice/dial-action"'
dial='{"AccountSid":"AC00000000000000000000000000000000","ApiVersion":"2010-04-01","CallSid":"CA00000000000000000000000000000165","CallStatus":"in-progress","Called":"+13125550100","Caller":"+13125550165","DialCallStatus":"no-answer","DialCallSid":"CA00000000000000000000000000000166","DialCallDuration":"0","DialBridged":"false","Direction":"inbound","From":"+13125550165","To":"+13125550100"}'
signed "$TW_TOKEN" "$PUBLIC/webhooks/twilio/voice/dial-action" "$dial"
out=$(post /webhooks/twilio/voice/dial-action)
expect_eq "dial action signed by twilio: 200" "$(status_of "$out")" 200
expect_eq "missed call: a lead from the caller" "$(sql "SELECT count(*) FROM leads WHERE phone='+13125550165'")" 1

check "refusals logged as bad_signature" grep -q 'reject=bad_signature' "$T/serve.log"
stop_server
expect_eq "SIGTERM: exit 0" "$?" 0

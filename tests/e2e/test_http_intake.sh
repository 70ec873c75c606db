#!/usr/bin/env bash
# Intake webhooks end to end: the reference's documented requests replayed
# byte for byte (tests/e2e/fixtures, made from ../shared/reference/
# wire-formats.md), good and bad signatures, retries, forms with honeypot
# and rate limit, the generic hook. Checks what lands in the database.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"
FX="$LK_ROOT/tests/e2e/fixtures"
# Mailgun's example is signed at 1770920772 (2026-02-12T18:26:12Z)
export LEADKEEP_NOW=2026-02-12T18:27:00Z
export TW_TOKEN=12345

export LK_SENDGRID_KEY=sg-secret
export LK_MAILGUN_SIGNING_KEY=test-signing-key
export LK_META_APP_SECRET=test-app-secret
export LK_META_VERIFY_TOKEN=meatyhamhock
export LK_GOOGLE_KEY=test@111
export LK_HOOK_ZAPIER_SECRET=hook-secret
export LK_HOOK_STRICT_SECRET=strict-secret
server_config "$T/serve.yaml" <<'YAML'
# the test's own proxy is trusted, so X-Forwarded-Proto/Host rebuild the
# public URL Twilio signed
trusted_proxies: [127.0.0.1]
YAML
business_config <<'YAML'
sources:
  forms:
    contact: { thank_you: "https://www.example.test/thanks", honeypot: website }
    limited: { rate_limit: 2/min }
  hooks:
    zapier: { secret: "env:LK_HOOK_ZAPIER_SECRET", map: { customer: name, tel: phone } }
    open: {}
    strict: { secret: "env:LK_HOOK_STRICT_SECRET", require_timestamp: true }
  twilio: { forward_to: +14155550100, missed_call_under: 10s }
  sendgrid: { key: "env:LK_SENDGRID_KEY" }
  mailgun: { signing_key: "env:LK_MAILGUN_SIGNING_KEY", max_age: 5m }
  meta: { app_secret: "env:LK_META_APP_SECRET", verify_token: "env:LK_META_VERIFY_TOKEN" }
  google: { key: "env:LK_GOOGLE_KEY", store_test_leads: true }
providers:
  twilio: { auth_token: "env:TW_TOKEN" }
YAML
start_server --config "$T/serve.yaml" || { not_ok "server starts"; cat "$T/serve.log"; exit 1; }
ok "server starts with a config file"

# replay NAME PATH [curl args]: the fixture's body and headers, as sent to
# https://engine.example.test through the trusted proxy.
replay() {
	local n=$1 p=$2; shift 2
	local -a h=(-H "Content-Type: $(cat "$FX/$n.content-type")" -H "Host: engine.example.test"
		    -H "X-Forwarded-Proto: https")
	# a signature given by the caller replaces the fixture's
	if [[ "$*" != *Signature* ]]; then
		[ -f "$FX/$n.x-twilio-signature" ] && h+=(-H "X-Twilio-Signature: $(cat "$FX/$n.x-twilio-signature")")
		[ -f "$FX/$n.x-hub-signature-256" ] && h+=(-H "X-Hub-Signature-256: $(cat "$FX/$n.x-hub-signature-256")")
	fi
	req POST "$p" "${h[@]}" --data-binary @"$FX/$n.body" "$@"
}
count() { sql "SELECT count(*) FROM leads"; }

# --- web forms ---------------------------------------------------------------
out=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H "Content-Type: $(cat "$FX/form_8a.content-type")" \
	-H 'Origin: https://www.example.test' --data-binary @"$FX/form_8a.body" "$BASE/in/form/contact")
expect_eq "form (urlencoded, 8a): 303 to the thank-you page" "$out" "303 https://www.example.test/thanks"
expect_eq "form 8a: one lead" "$(count)" 1
expect_eq "form 8a: name decoded" "$(sql "SELECT name FROM leads WHERE id=1")" "Jane O'Neil"
expect_eq "form 8a: %2B is a plus" "$(sql "SELECT email FROM leads WHERE id=1")" "jane+leads@example.com"
expect_eq "form 8a: phone normalised" "$(sql "SELECT phone FROM leads WHERE id=1")" "+14155550123"
expect_eq "form 8a: source" "$(sql "SELECT source FROM leads WHERE id=1")" "web_form"
expect_contains "form 8a: message kept with CRLF and UTF-8" "$(hex_of "$(sql "SELECT message FROM leads WHERE id=1")")" \
	"$(printf 'Hi!\r\nCall me ~ after 5pm & ask for Zo\xc3\xab' | xxd -p -u | tr -d '\n')"
expect_contains "form 8a: unmapped fields kept in the message" "$(sql "SELECT message FROM leads WHERE id=1")" "consent: on"
expect_eq "form 8a: owner and task" "$(sql "SELECT count(*) FROM tasks t JOIN leads l ON l.id=t.lead_id WHERE l.id=1 AND l.owner IS NOT NULL")" 1

out=$(replay form_8b /in/form/contact)
expect_eq "form (multipart, 8b): 303" "$(status_of "$out")" 303
expect_eq "form 8b: same person joins the open lead" "$(count)" 1
expect_eq "form 8b: an inquiry_again event" "$(sql "SELECT count(*) FROM events WHERE lead_id=1 AND type='lead.inquiry_again'")" 1

out=$(req POST /in/form/contact --data 'name=Bot&email=bot%40spam.example&website=http%3A%2F%2Fspam.example')
expect_eq "honeypot: looks accepted (303 like a real submission)" "$(status_of "$out")" 303
expect_eq "honeypot: nothing stored" "$(count)" 1
expect_eq "empty form: 422" "$(status_of "$(req POST /in/form/contact --data 'name=&email=')")" 422
out=$(req POST /in/form/contact -H 'Content-Type: application/json' --data '{"name":"Json Person","phone":"312-555-0142"}')
expect_eq "form JSON variant: 200" "$(status_of "$out")" 200
expect_contains "form JSON variant: JSON answer" "$out" '"status":"received"'
expect_eq "form JSON variant: stored" "$(sql "SELECT phone FROM leads WHERE name='Json Person'")" "+13125550142"
expect_eq "unknown form: 404" "$(status_of "$(req POST /in/form/nope --data 'name=x')")" 404
req POST /in/form/limited --data 'name=A&phone=3125550001' >/dev/null
req POST /in/form/limited --data 'name=B&phone=3125550002' >/dev/null
expect_eq "form rate limit per IP: 429" "$(status_of "$(req POST /in/form/limited --data 'name=C&phone=3125550003')")" 429
expect_eq "rate-limited submission not stored" "$(sql "SELECT count(*) FROM leads WHERE name='C'")" 0
out=$(req POST /in/form/contact --data 'name=Bad+Phone&phone=call+me')
expect_eq "form with a bad phone: accepted" "$(status_of "$out")" 303
expect_eq "form with a bad phone: stored, flagged phone_invalid+no_contact" "$(sql "SELECT flags FROM leads WHERE name='Bad Phone'")" 5

# --- Twilio SMS ----------------------------------------------------------------
n=$(count)
out=$(replay twilio_sms_1a /webhooks/twilio/sms)
expect_eq "twilio sms 1a (reference, byte for byte): 200" "$(status_of "$out")" 200
expect_eq "twilio sms: empty TwiML" "$(body_of "$out")" '<?xml version="1.0" encoding="UTF-8"?><Response/>'
check "twilio sms: text/xml" grep -q 'msg=request.*path=/webhooks/twilio/sms status=200' "$T/serve.log"
expect_eq "twilio sms 1a: a new lead from the sender" "$(sql "SELECT source||' '||message||' '||external_id FROM leads WHERE phone='+14133881111'")" \
	"sms Msg SMe287d7109a5a925f182f0e07fe5b223b"
replay twilio_sms_1a /webhooks/twilio/sms >/dev/null
expect_eq "twilio retry (same MessageSid): no second lead" "$(count)" $((n + 1))
out=$(replay twilio_sms_1a /webhooks/twilio/sms -H 'X-Twilio-Signature: GsZrPeyx0/QczslwZpgQ71qYtL9=')
expect_eq "twilio bad signature: 403" "$(status_of "$out")" 403
out=$(req POST /webhooks/twilio/sms -H 'Content-Type: application/x-www-form-urlencoded' \
	-H "X-Twilio-Signature: $(cat "$FX/twilio_sms_1a.x-twilio-signature")" --data-binary @"$FX/twilio_sms_1a.body")
expect_eq "twilio signature for another URL: 403" "$(status_of "$out")" 403
check "refusal logged with its reason" grep -q 'reject=bad_signature' "$T/serve.log"
body='ToCountry=US&From=%2B13125550177&Body=Need+a+plumber+today&MessageSid=SM00000000000000000000000000000001&To=%2B13125550100&NumMedia=0&ToCity='
sig=$(python3 - "$BASE/webhooks/twilio/sms" "$body" <<'PY'
import hmac, hashlib, base64, urllib.parse, sys
url, body = sys.argv[1], sys.argv[2]
p = urllib.parse.parse_qsl(body, keep_blank_values=True)
s = url + ''.join(k + v for k, v in sorted(p))
print(base64.b64encode(hmac.new(b'12345', s.encode(), hashlib.sha1).digest()).decode())
PY
)
out=$(req POST /webhooks/twilio/sms -H 'Content-Type: application/x-www-form-urlencoded' -H "X-Twilio-Signature: $sig" --data-binary "$body")
expect_eq "twilio signed for the test's URL: 200" "$(status_of "$out")" 200
expect_eq "twilio: the text is the lead's message" "$(sql "SELECT message FROM leads WHERE phone='+13125550177'")" "Need a plumber today"

# --- Twilio voice: Jane (+14155550123, lead 1) calls and nobody answers ----------
n=$(count)
out=$(replay twilio_voice_2a /webhooks/twilio/voice)
expect_eq "voice 2a: 200" "$(status_of "$out")" 200
expect_contains "voice 2a: rings the business with a <Dial> action" "$out" '<Dial action="/webhooks/twilio/voice/dial-action" timeout="20">+14155550100</Dial>'
out=$(replay twilio_dial_2b /webhooks/twilio/voice/dial-action)
expect_eq "dial action 2b (no-answer): 200" "$(status_of "$out")" 200
expect_contains "dial action 2b: TwiML says sorry" "$out" "<Say>"
expect_eq "missed call from a known lead: no new lead" "$(count)" "$n"
expect_eq "missed call: asked-again event on the lead" "$(sql "SELECT count(*) FROM events WHERE lead_id=1 AND type='lead.inquiry_again' AND text LIKE '%Missed call (no-answer)%'")" 1
# (Only the call's own events: the dispatcher may be logging the text back.)
calls="SELECT count(*) FROM events WHERE type IN ('lead.inquiry_again', 'call.logged', 'lead.created')"
events=$(sql "$calls")
out=$(replay twilio_status_2c /webhooks/twilio/voice/status)
expect_eq "status callback 2c: 200" "$(status_of "$out")" 200
expect_eq "status callback for the same CallSid: recorded once" "$(sql "$calls")" "$events"
out=$(replay twilio_sms_1b_stop /webhooks/twilio/sms)
expect_eq "STOP (1b): 200" "$(status_of "$out")" 200
expect_eq "STOP: the lead is opted out of texts" "$(sql "SELECT sms_opt_out FROM leads WHERE id=1")" 1
expect_eq "STOP: no new lead" "$(count)" "$n"

# --- email ------------------------------------------------------------------------
out=$(replay sendgrid_5a "/webhooks/sendgrid/inbound?key=sg-secret")
expect_eq "sendgrid 5a: 200" "$(status_of "$out")" 200
expect_eq "sendgrid: lead from the sender" "$(sql "SELECT name||' '||email||' '||source FROM leads WHERE email='random@gmail.com'")" "Rakin Uddin random@gmail.com email"
expect_contains "sendgrid: subject and text" "$(sql "SELECT message FROM leads WHERE email='random@gmail.com'")" "Fwd: Test Subject"
expect_eq "sendgrid: message-id kept" "$(sql "SELECT external_id FROM leads WHERE email='random@gmail.com'")" "<CAAzJDmKK=-=RRYtNxwMhg4Z=Qy96H1mZva0GNf1JqhhDyPf-dA@mail.gmail.com>"
expect_eq "sendgrid without the key: 403" "$(status_of "$(replay sendgrid_5a /webhooks/sendgrid/inbound)")" 403
out=$(replay mailgun_5b /webhooks/mailgun/inbound)
expect_eq "mailgun 5b (reference signature): 200" "$(status_of "$out")" 200
expect_eq "mailgun: stripped text, no quote" "$(sql "SELECT message FROM leads WHERE email='jane@example.com'")" "$(printf 'Re: Your quote\n\nYes please call me tomorrow.')"
expect_eq "mailgun: display name" "$(sql "SELECT name FROM leads WHERE email='jane@example.com'")" "Jane Doe"
n=$(count)
sed 's/signature=b9a8/signature=c9a8/' "$FX/mailgun_5b.body" >"$T/mg_bad"
out=$(req POST /webhooks/mailgun/inbound -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$T/mg_bad")
expect_eq "mailgun bad signature: 403" "$(status_of "$out")" 403
expect_eq "mailgun bad signature: nothing stored" "$(count)" "$n"

# --- ads -----------------------------------------------------------------------------
out=$(req GET '/webhooks/meta/leadgen?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock')
expect_eq "meta verification: 200" "$(status_of "$out")" 200
expect_eq "meta verification: echoes the challenge" "$(body_of "$out")" 1158201444
expect_eq "meta wrong verify token: 403" "$(status_of "$(req GET '/webhooks/meta/leadgen?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope')")" 403
out=$(replay meta_6 /webhooks/meta/leadgen)
expect_eq "meta leadgen 6 (reference signature): 200" "$(status_of "$out")" 200
expect_eq "meta: lead with the leadgen id, flagged no contact" "$(sql "SELECT source||' '||external_id||' '||flags FROM leads WHERE external_id='123123123123'")" "meta_ads 123123123123 4"
expect_eq "meta: a task to complete the lead" "$(sql "SELECT count(*) FROM tasks t JOIN leads l ON l.id=t.lead_id WHERE l.external_id='123123123123' AND t.verb='review'")" 1
replay meta_6 /webhooks/meta/leadgen >/dev/null
expect_eq "meta retry: no second lead" "$(sql "SELECT count(*) FROM leads WHERE external_id='123123123123'")" 1
expect_eq "meta bad signature: 403" "$(status_of "$(replay meta_6 /webhooks/meta/leadgen -H 'X-Hub-Signature-256: sha256=00')")" 403
out=$(replay google_7 /webhooks/google/leadform)
expect_eq "google lead form 7 (reference, captured): 200" "$(status_of "$out")" 200
expect_eq "google: the lead's answers" "$(sql "SELECT name||' '||phone||' '||source FROM leads WHERE external_id='MTE5ODQ5NTExMzI3OmxlYWRfaWQ6MTU4ODk0MDYyMDE4NA'")" "FirstName LastName +16505550123 google_ads"
sed 's/test@111/wrong/' "$FX/google_7.body" >"$T/g_bad"
expect_eq "google wrong google_key: 403" "$(status_of "$(req POST /webhooks/google/leadform -H 'Content-Type: application/json' --data-binary @"$T/g_bad")")" 403

# --- generic hook ----------------------------------------------------------------------
hb='{"customer":"Zap Person","tel":"312 555 0188","details":{"service":"AC repair"}}'
hs=$(printf '%s' "$hb" | openssl dgst -sha256 -hmac hook-secret -r | cut -d' ' -f1)
out=$(req POST /in/hook/zapier -H 'Content-Type: application/json' -H "X-Leadkeep-Signature: sha256=$hs" --data-binary "$hb")
expect_eq "hook signed: 202" "$(status_of "$out")" 202
expect_eq "hook: a receipt, no lead id" "$(body_of "$out")" '{"status":"received"}'
expect_eq "hook: mapped fields" "$(sql "SELECT name||' '||phone||' '||source FROM leads WHERE name='Zap Person'")" "Zap Person +13125550188 zapier"
expect_contains "hook: nested fields kept" "$(sql "SELECT message FROM leads WHERE name='Zap Person'")" "details.service: AC repair"
expect_eq "hook bad signature: 403" "$(status_of "$(req POST /in/hook/zapier -H 'Content-Type: application/json' -H 'X-Leadkeep-Signature: 00' --data-binary "$hb")")" 403
expect_eq "unknown hook: 404" "$(status_of "$(req POST /in/hook/nope -H 'Content-Type: application/json' --data '{}')")" 404

# Unsigned doors tell nobody whether a contact is a customer: Jane's phone
# (lead 1) posted by a stranger gets the answer a new contact gets.
again="SELECT count(*) FROM events WHERE lead_id=1 AND type='lead.inquiry_again'"
a0=$(sql "$again")
known=$(req POST /in/hook/open -H 'Content-Type: application/json' --data '{"name":"Stranger","phone":"415-555-0123"}')
fresh=$(req POST /in/hook/open -H 'Content-Type: application/json' --data '{"name":"Newcomer","phone":"415-555-0177"}')
expect_eq "unsigned hook, known phone: 202 receipt" "$(status_of "$known") $(body_of "$known")" '202 {"status":"received"}'
expect_eq "unsigned hook: a known and a new contact get the same answer" "$(body_of "$known")" "$(body_of "$fresh")"
expect_eq "unsigned hook, known phone: the lead gets its repeat-inquiry event" "$(sql "$again")" $((a0 + 1))
known=$(req POST /in/form/contact -H 'Content-Type: application/json' --data '{"name":"Stranger","phone":"415-555-0123"}')
expect_eq "form JSON, known phone: a receipt only" "$(body_of "$known")" '{"status":"received"}'

# Idempotency-Key on the hook: a retry is answered, another body with the key is 409.
hk() {	# BODY [curl args]: signed for the zapier hook
	local b=$1; shift
	req POST /in/hook/zapier -H 'Content-Type: application/json' \
		-H "X-Leadkeep-Signature: sha256=$(printf '%s' "$b" | openssl dgst -sha256 -hmac hook-secret -r | cut -d' ' -f1)" \
		--data-binary "$b" "$@"
}
n=$(count)
out=$(hk '{"customer":"Idem Person","tel":"312 555 0166"}' -H 'Idempotency-Key: zap-1')
expect_eq "hook with an Idempotency-Key: 202" "$(status_of "$out")" 202
out=$(hk '{"customer":"Idem Person","tel":"312 555 0166"}' -H 'Idempotency-Key: zap-1')
expect_eq "hook retried with its key: 202" "$(status_of "$out")" 202
expect_eq "hook retried: one lead, no repeat-inquiry event" "$(count) $(sql "SELECT count(*) FROM events e JOIN leads l ON l.id=e.lead_id WHERE l.name='Idem Person' AND e.type='lead.inquiry_again'")" "$((n + 1)) 0"
out=$(hk '{"customer":"Other Person","tel":"312 555 0167"}' -H 'Idempotency-Key: zap-1')
expect_eq "hook, same key, another body: 409" "$(status_of "$out")" 409
expect_contains "hook 409 code" "$out" idempotency_key_reused
expect_eq "hook 409: the other body is not stored" "$(sql "SELECT count(*) FROM leads WHERE name='Other Person'")" 0

# A signed timestamp bounds replays: HMAC over "<timestamp>.<body>", 5 minutes.
now=$(date -u -d "$LEADKEEP_NOW" +%s)
tsig() {	# SECRET TIMESTAMP BODY
	printf '%s.%s' "$2" "$3" | openssl dgst -sha256 -hmac "$1" -r | cut -d' ' -f1
}
hts() {	# HOOK SECRET TIMESTAMP BODY
	req POST "/in/hook/$1" -H 'Content-Type: application/json' -H "X-Leadkeep-Timestamp: $3" \
		-H "X-Leadkeep-Signature: sha256=$(tsig "$2" "$3" "$4")" --data-binary "$4"
}
tb='{"customer":"Timely Person","tel":"312 555 0168"}'
out=$(hts zapier hook-secret "$now" "$tb")
expect_eq "hook with a fresh signed timestamp: 202" "$(status_of "$out")" 202
# (intake events only: the dispatcher may be logging deliveries meanwhile)
intake_events="SELECT count(*) FROM events WHERE type IN ('lead.created', 'lead.inquiry_again')"
n=$(count); e=$(sql "$intake_events")
out=$(hts zapier hook-secret "$now" "$tb")
expect_eq "the same timestamped request replayed at once: answered 202" "$(status_of "$out")" 202
expect_eq "... and not acted on twice" "$(count) $(sql "$intake_events")" "$n $e"
out=$(hts zapier hook-secret "$((now - 301))" '{"customer":"Late Person","tel":"312 555 0169"}')
expect_eq "hook with a timestamp 301 s old: 403" "$(status_of "$out")" 403
expect_contains "stale timestamp: its own code" "$out" '"code":"stale_timestamp"'
expect_eq "stale timestamp: nothing stored" "$(sql "SELECT count(*) FROM leads WHERE name='Late Person'")" 0
check "stale timestamp logged" grep -q 'reject=stale_timestamp' "$T/serve.log"
out=$(hts zapier hook-secret "$((now + 600))" '{"customer":"Late Person"}')
expect_eq "hook with a timestamp 10 min ahead: 403" "$(status_of "$out")" 403
out=$(req POST /in/hook/zapier -H 'Content-Type: application/json' -H "X-Leadkeep-Timestamp: $now" \
	-H "X-Leadkeep-Signature: sha256=$(printf '%s' "$tb" | openssl dgst -sha256 -hmac hook-secret -r | cut -d' ' -f1)" --data-binary "$tb")
expect_eq "timestamp not inside the signature: 403 bad_signature" "$(status_of "$out") $(json_get "$(body_of "$out")" 'd["error"]["code"]')" "403 bad_signature"
out=$(hts zapier hook-secret "yesterday" "$tb")
expect_eq "timestamp not in seconds: 403" "$(status_of "$out")" 403
out=$(hts strict strict-secret "$now" '{"name":"Strict Person","phone":"312 555 0170"}')
expect_eq "require_timestamp hook with one: 202" "$(status_of "$out")" 202
sb='{"name":"Strict Person","phone":"312 555 0171"}'
out=$(req POST /in/hook/strict -H 'Content-Type: application/json' \
	-H "X-Leadkeep-Signature: $(printf '%s' "$sb" | openssl dgst -sha256 -hmac strict-secret -r | cut -d' ' -f1)" --data-binary "$sb")
expect_eq "require_timestamp hook without one: 403 missing_timestamp" "$(status_of "$out") $(json_get "$(body_of "$out")" 'd["error"]["code"]')" "403 missing_timestamp"

req GET /healthz -H 'X-Forwarded-For: 203.0.113.9, 127.0.0.1' >/dev/null
check "X-Forwarded-For believed from a trusted proxy" grep -q 'path=/healthz status=200 .*ip=203.0.113.9' "$T/serve.log"
check "no secret in the log" bash -c "! grep -Eq 'test-app-secret|test-signing-key|hook-secret|sg-secret|meatyhamhock' '$T/serve.log'"
stop_server
expect_eq "SIGTERM: exit 0" "$?" 0

# --- the same install behind public_url instead of a proxy ----------------------------------
export LK_TWILIO_AUTH_TOKEN=12345
server_config "$T/public.yaml" <<'YAML'
public_url: "https://engine.example.test/"
YAML
business_config <<'YAML'
providers:
  twilio: { auth_token: "env:LK_TWILIO_AUTH_TOKEN" }
YAML
start_server --config "$T/public.yaml" || { not_ok "server restarts"; exit 1; }
out=$(req POST /webhooks/twilio/sms -H 'Content-Type: application/x-www-form-urlencoded' \
	-H "X-Twilio-Signature: $(cat "$FX/twilio_sms_1a.x-twilio-signature")" --data-binary @"$FX/twilio_sms_1a.body")
expect_eq "public_url: the reference signature validates without a proxy" "$(status_of "$out")" 200
out=$(req POST /webhooks/twilio/sms -H 'Content-Type: application/x-www-form-urlencoded' -H 'X-Forwarded-Proto: http' \
	-H "X-Twilio-Signature: $(cat "$FX/twilio_sms_1b_stop.x-twilio-signature")" --data-binary @"$FX/twilio_sms_1a.body")
expect_eq "public_url: a signature of another body is refused" "$(status_of "$out")" 403
req GET /readyz -H 'X-Forwarded-For: 198.51.100.7' >/dev/null
check "X-Forwarded-For ignored without trusted proxies" grep -q 'path=/readyz status=200 .*ip=127.0.0.1' "$T/serve.log"
expect_eq "unconfigured source (meta): 403" "$(status_of "$(replay meta_6 /webhooks/meta/leadgen)")" 403
stop_server

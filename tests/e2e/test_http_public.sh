#!/usr/bin/env bash
# A public form must not make the business text any number in the world with
# a stranger's words: unsigned doors are rate-limited per client address and
# for everyone together (429 + Retry-After, before the body is read), a lead
# whose phone is outside business.sms_countries is kept, flagged and given to
# a person instead of a text, and an acknowledgment repeats at most
# limits.max_echo_chars of what the lead typed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

export LK_HOOK_SIGNED_SECRET=hook-secret
server_config "$T/serve.yaml" <<'YAML'
public_rate_limit: 3/min
public_rate_limit_all: 5/min
YAML
business_config <<'YAML'
sources:
  forms:
    contact: { rate_limit: 100/min }
  hooks:
    open: {}
    signed: { secret: "env:LK_HOOK_SIGNED_SECRET" }
YAML
start_server --config "$T/serve.yaml" || { not_ok "server starts"; cat "$T/serve.log"; exit 1; }

# form FROM-ADDRESS N: posts a form from that source address; prints the status.
form() {
	curl -s -o /dev/null -w '%{http_code}' --interface "$1" \
		--data "name=Rate+$2&phone=312-555-01$2" "$BASE/in/form/contact"
}
codes=""
for i in 10 11 12 13; do codes="$codes $(form 127.0.0.1 "$i")"; done
expect_eq "one address: 3 forms a minute, the 4th is refused" "$codes" " 200 200 200 429"
hdr=$(curl -s -D - -o /dev/null --interface 127.0.0.1 --data 'name=X' "$BASE/in/form/contact")
expect_contains "...429 with Retry-After" "${hdr,,}" "retry-after: "
expect_contains "...and a page for the browser" \
	"$(curl -s --interface 127.0.0.1 --data 'name=X' "$BASE/in/form/contact")" "Please wait"
out=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.1 -H 'Content-Type: application/json' \
	--data '{"name":"Open Hook"}' "$BASE/in/hook/open")
expect_eq "an unsigned hook shares the unsigned doors' limit" "$out" 429
body='{"name":"Signed Hook","phone":"312-555-0120"}'
sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac hook-secret -r | cut -d' ' -f1)
out=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.1 -H 'Content-Type: application/json' \
	-H "X-Leadkeep-Signature: sha256=$sig" --data "$body" "$BASE/in/hook/signed")
expect_eq "a signed hook is not an unsigned door" "$out" 202
codes="$(form 127.0.0.2 14) $(form 127.0.0.2 15) $(form 127.0.0.3 16)"
expect_eq "all addresses together: 5 a minute, then 429 for a new address too" "$codes" "200 200 429"
expect_eq "the refused posts stored nothing" \
	"$(sql "SELECT count(*) FROM leads WHERE name LIKE 'Rate %'")" 5
stop_server

# --- texts only to the countries the business serves ---------------------------
server_config "$T/open.yaml" </dev/null
business_config <<'YAML'
sources:
  forms:
    contact: {}
YAML
start_server --config "$T/open.yaml" || { not_ok "server restarts"; exit 1; }
lead() { sql "SELECT $2 FROM leads WHERE name = '$1'"; }
out=$(req POST /in/form/contact --data 'name=Abroad+Abe&phone=%2B447911123456&email=abe%40example.com')
expect_eq "a form lead with a UK number (the demo serves US): accepted" "$(status_of "$out")" 200
ID=$(lead "Abroad Abe" id)
expect_eq "...kept with the number" "$(lead "Abroad Abe" phone)" "+447911123456"
expect_eq "...flagged phone_abroad" "$(lead "Abroad Abe" "flags & 8")" 8
expect_eq "...no text to it" "$(sql "SELECT count(*) FROM outbox WHERE recipient = '+447911123456'")" 0
expect_eq "...the email acknowledgment still goes" \
	"$(sql "SELECT count(*) FROM outbox WHERE lead_id = $ID AND channel = 'email' AND purpose = 'ack'")" 1
expect_contains "...a person is asked to reach them" \
	"$(sql "SELECT title FROM tasks WHERE lead_id = $ID AND state = 'open'")" \
	"Reach Abroad Abe yourself: no automated texts go to +447911123456 (outside US)"
expect_contains "...and the timeline says why" \
	"$(sql "SELECT text FROM events WHERE lead_id = $ID AND type = 'step.skipped'")" \
	"+447911123456 is outside the countries automated texts go to (US)"
req POST /in/form/contact --data 'name=Jamaica+Jo&phone=%2B18765550123' >/dev/null
expect_eq "a +1 number outside the US (Jamaica) is not texted either" \
	"$(sql "SELECT count(*) FROM outbox WHERE recipient = '+18765550123'")" 0

# --- what a text repeats of what the lead typed ------------------------------------
req POST /in/form/contact --data 'name=Bait+Bob&phone=312-555-0177&service=deck+repair.+URGENT%3A+your+bank+account+is+locked%2C+go+to+http%3A%2F%2Fevil.example%2Funlock' >/dev/null
ack=$(sql "SELECT body FROM outbox WHERE recipient = '+13125550177' AND purpose = 'ack'")
expect_contains "the acknowledgment repeats 40 characters of the service" "$ack" \
	"about deck repair. URGENT: your bank account i."
if [[ "$ack" == *evil.example* ]]; then not_ok "...and not the link"; else ok "...and not the link"; fi
expect_contains "the lead keeps all of it" "$(lead "Bait Bob" service)" "http://evil.example/unlock"
stop_server

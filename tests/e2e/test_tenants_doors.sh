#!/usr/bin/env bash
# Many businesses in one install, the doors that name no key in their URL:
# Meta lead ads find their business by the lead's page (sources: meta:
# page_ids), signed with that business's app secret; Twilio texts through a
# messaging service find theirs by its MessagingServiceSid (providers:
# twilio: messaging_service_sid), signed by Twilio's own code (the `twilio`
# npm package), and the business's texts leave through that service.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"
. "$(dirname "$0")/node_lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"
need_node_tools
SIGN="$LK_ROOT/tests/e2e/twilio_sign.js"

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago
export OWN_META_SECRET=own-app-secret OWN_META_VERIFY=own-verify
export BRAVO_META_SECRET=bravo-app-secret BRAVO_META_VERIFY=bravo-verify
BRAVO_MG=MG0123456789abcdef0123456789abcdef

# The install's own business: Meta page 111111.
business_config <<'EOF2'
sources:
  meta: { app_secret: "env:OWN_META_SECRET", verify_token: "env:OWN_META_VERIFY", page_ids: [111111] }
EOF2
# Bravo: pages 222222 and 333333 with its own app, and a Twilio messaging
# service (no number of its own: the service's pool sends and receives).
lk rules show-default | sed -e 's/name: Northside Home Services/name: Bravo Roofing/' \
	-e 's/id: alice, name: Alice Moreno/id: brenda, name: Brenda Park/' \
	-e 's/\balice\b/brenda/g' >"$T/bravo.yaml"
start_twilio_stub
business_config "$T/bravo.yaml" <<EOF2
providers:
  twilio: { account_sid: AC00000000000000000000000000000000, auth_token: env:TW_AUTH_TOKEN, messaging_service_sid: $BRAVO_MG, base_url: "http://127.0.0.1:$TW_PORT" }
sources:
  meta: { app_secret: "env:BRAVO_META_SECRET", verify_token: "env:BRAVO_META_VERIFY", page_ids: ["222222", 333333] }
EOF2
check "business add bravo" lk business add bravo "$T/bravo.yaml"
# serve [N]: starts serve, until its Nth start-up line (the last thing it
# logs: hosting is decided by then) is in the log.
serve() {
	start_server || return 1
	for _i in $(seq 1 100); do
		[ "$(grep -c msg=listening "$T/serve.log")" -ge "${1:-1}" ] && return 0
		sleep 0.1
	done
	return 1
}
serve 1 || { not_ok "serve starts"; cat "$T/serve.log"; exit 1; }
expect_contains "serve hosts both" "$(cat "$T/serve.log")" "businesses=2 not_hosted=0"

# of_business SLUG WHERE: how many of SLUG's leads match WHERE.
of_business() {
	db_sql "SELECT count(*) FROM leads l JOIN businesses b ON b.id = l.business_id
		WHERE b.slug = '$1' AND $2"
}
# meta SECRET BODY: posts a leadgen notification signed with SECRET; prints
# the status (the body in $T/meta.out).
meta() {
	local sig
	sig=$(printf '%s' "$2" | openssl dgst -sha256 -hmac "$1" -r | cut -d' ' -f1)
	curl -s -o "$T/meta.out" -w '%{http_code}' -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: sha256=$sig" --data-binary "$2" "$BASE/webhooks/meta/leadgen"
}
# change LEADGEN PAGE: one leadgen change of that page.
change() {
	printf '{"field":"leadgen","value":{"leadgen_id":"%s","page_id":"%s","form_id":"77","ad_id":"88","created_time":1764014520}}' "$1" "$2"
}
note() { printf '{"object":"page","entry":[%s]}' "$1"; }
entry() { printf '{"id":"%s","time":1764014520,"changes":[%s]}' "$1" "$2"; }

expect_eq "a lead of the install's own page, signed with its secret" \
	"$(meta "$OWN_META_SECRET" "$(note "$(entry 111111 "$(change 9001 111111)")")")" 200
expect_eq "is the install's own lead" "$(of_business default "external_id = '9001'")" 1
expect_eq "and not bravo's" "$(of_business bravo "external_id = '9001'")" 0
expect_eq "a lead of bravo's page, signed with bravo's secret" \
	"$(meta "$BRAVO_META_SECRET" "$(note "$(entry 222222 "$(change 9002 222222)")")")" 200
expect_eq "is bravo's lead" "$(of_business bravo "external_id = '9002' AND source = 'meta_ads'")" 1
expect_eq "owned by bravo's person" \
	"$(db_sql "SELECT owner FROM leads WHERE external_id = '9002'")" brenda
expect_eq "and not the install's own" "$(of_business default "external_id = '9002'")" 0
# a change without page_id: its entry's id is the page
body=$(note "$(entry 333333 '{"field":"leadgen","value":{"leadgen_id":"9003","form_id":"77"}}')")
expect_eq "a change naming its page by the entry's id only" "$(meta "$BRAVO_META_SECRET" "$body")" 200
expect_eq "is bravo's (its second page)" "$(of_business bravo "external_id = '9003'")" 1

# Forged: bravo's page signed with the install's own business's secret.
body=$(note "$(entry 222222 "$(change 9004 222222)")")
expect_eq "bravo's page signed with the other business's secret is refused" \
	"$(meta "$OWN_META_SECRET" "$body") $(json_get "$(cat "$T/meta.out")" 'd["error"]["code"]')" \
	"403 bad_signature"
expect_eq "nothing of it kept" "$(db_sql "SELECT count(*) FROM leads WHERE external_id = '9004'")" 0
# Entries for both businesses' pages: each business's secret must sign it
# (one Meta app signs a notification: only an app they share can).
body=$(note "$(entry 111111 "$(change 9005 111111)"),$(entry 222222 "$(change 9006 222222)")")
expect_eq "entries of both businesses signed with one's secret are refused" \
	"$(meta "$BRAVO_META_SECRET" "$body")" 403
expect_eq "nothing of them kept" \
	"$(db_sql "SELECT count(*) FROM leads WHERE external_id IN ('9005', '9006')")" 0

# A page no business has: refused, logged, nothing kept.
body=$(note "$(entry 999999 "$(change 9007 999999)")")
expect_eq "a page no business has is refused" \
	"$(meta "$BRAVO_META_SECRET" "$body") $(json_get "$(cat "$T/meta.out")" 'd["error"]["code"]')" \
	"404 unknown_page"
expect_contains "and logged" "$(cat "$T/serve.log")" "reject=unknown_page"
expect_eq "nothing of it kept" "$(db_sql "SELECT count(*) FROM leads WHERE external_id = '9007'")" 0
# One known page and one unknown: the known page's lead is kept (never drop
# a lead), the other is not, and the log says so.
body=$(note "$(entry 222222 "$(change 9008 222222)"),$(entry 999999 "$(change 9009 999999)")")
expect_eq "bravo's entry beside an unknown page's is taken" "$(meta "$BRAVO_META_SECRET" "$body")" 200
expect_eq "counting its one lead" "$(json_get "$(cat "$T/meta.out")" 'd["leads"]')" 1
expect_eq "into bravo" "$(of_business bravo "external_id = '9008'")" 1
expect_eq "the unknown page's lead not kept" \
	"$(db_sql "SELECT count(*) FROM leads WHERE external_id = '9009'")" 0
expect_contains "logged" "$(cat "$T/serve.log")" "unknown_page=1"

# A notification with no lead names no business: the install's own secret.
expect_eq "a notification with no lead, signed with the install's own secret" \
	"$(meta "$OWN_META_SECRET" '{"object":"page","entry":[]}') $(json_get "$(cat "$T/meta.out")" 'd["leads"]')" \
	"200 0"
expect_eq "signed with bravo's is refused" "$(meta "$BRAVO_META_SECRET" '{"object":"page","entry":[]}')" 403

# Meta's GET handshake: the verify token of the business that has it.
hub() { curl -s -o "$T/hub.out" -w '%{http_code}' \
	"$BASE/webhooks/meta/leadgen?hub.mode=subscribe&hub.challenge=$2&hub.verify_token=$1"; }
expect_eq "bravo's verify token answers the challenge" "$(hub bravo-verify 4242) $(cat "$T/hub.out")" \
	"200 4242"
expect_eq "the install's own verify token too" "$(hub own-verify 4343) $(cat "$T/hub.out")" "200 4343"
expect_eq "a verify token nobody has is refused" "$(hub nobodys 4444)" 403

# Twilio: a text through bravo's messaging service, to a number of its pool
# that no business lists, is bravo's.
# sms JSON: signs the parameters with Twilio's own code; prints the status.
sms() {
	local sig body
	{ read -r sig; read -r body; } < <(node "$SIGN" sign "${TOKEN:-$TW_AUTH_TOKEN}" \
		"$BASE/webhooks/twilio/sms" <<<"$1")
	curl -s -o "$T/sms.out" -w '%{http_code}' -H "X-Twilio-Signature: $sig" \
		-H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$body" \
		"$BASE/webhooks/twilio/sms"
}
text() {	# text FROM TO SERVICE SID
	printf '{"From":"%s","To":"%s","MessagingServiceSid":"%s","MessageSid":"%s","AccountSid":"AC00000000000000000000000000000000","Body":"Need a roof quote","NumMedia":"0"}' "$@"
}
expect_eq "a text through bravo's messaging service is taken" \
	"$(sms "$(text +13125550301 +13035550177 "$BRAVO_MG" SM00000000000000000000000000000301)")" 200
expect_eq "as bravo's lead" "$(of_business bravo "phone = '+13125550301' AND source = 'sms'")" 1
expect_eq "not the install's own" "$(of_business default "phone = '+13125550301'")" 0
for i in $(seq 1 100); do grep -q 13125550301 "$TW_REC" 2>/dev/null && break; sleep 0.1; done
sent=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    f = json.loads(l).get("form", {})
    if f.get("To") == "+13125550301": print(f.get("MessagingServiceSid"), f.get("From"), f.get("Body", "")[:40])' "$TW_REC")
expect_contains "bravo's answer left through its messaging service, with no From" "$sent" \
	"$BRAVO_MG None Hi"
expect_eq "a text through an unknown service to an unknown number is refused" \
	"$(sms "$(text +13125550302 +13035550178 MGffffffffffffffffffffffffffffffff SM00000000000000000000000000000302)") $(json_get "$(cat "$T/sms.out")" 'd["error"]["code"]')" \
	"404 unknown_number"
expect_eq "nothing of it kept" "$(db_sql "SELECT count(*) FROM leads WHERE phone = '+13125550302'")" 0
expect_eq "bravo's service signed with another auth token is refused" \
	"$(TOKEN=not-bravos-token sms "$(text +13125550303 +13035550177 "$BRAVO_MG" SM00000000000000000000000000000303)")" 403
expect_eq "nothing of it kept" "$(db_sql "SELECT count(*) FROM leads WHERE phone = '+13125550303'")" 0
stop_server

# A page id names one business: a third that lists bravo's page is left out.
lk rules show-default >"$T/clash.yaml"
business_config "$T/clash.yaml" <<'EOF2'
sources:
  meta: { app_secret: "env:BRAVO_META_SECRET", page_ids: [222222] }
EOF2
check "business add clash" lk business add clash "$T/clash.yaml"
serve 2 || { not_ok "serve starts with a clashing business"; cat "$T/serve.log"; exit 1; }
expect_contains "naming the page" "$(cat "$T/serve.log")" \
	'business_problem business=clash problem="the Meta page id 222222 is another business'"'"'s'
expect_contains "clash is left out" "$(cat "$T/serve.log")" "businesses=2 not_hosted=1"
expect_eq "bravo's page still bravo's" \
	"$(meta "$BRAVO_META_SECRET" "$(note "$(entry 222222 "$(change 9010 222222)")")")" 200
expect_eq "into bravo" "$(of_business bravo "external_id = '9010'")" 1
stop_server
lk business disable clash >/dev/null

# Beside another business, a Meta app without page_ids gets no lead: said at
# start, and its page's leads are nobody's.
business_config <<'EOF2'
sources:
  meta: { app_secret: "env:OWN_META_SECRET", verify_token: "env:OWN_META_VERIFY" }
EOF2
serve 3 || { not_ok "serve starts"; cat "$T/serve.log"; exit 1; }
expect_contains "serve warns of the install's own business without page_ids" \
	"$(cat "$T/serve.log")" 'business_problem business=default problem="sources: meta: page_ids is empty'
expect_eq "and its page's lead is refused" \
	"$(meta "$OWN_META_SECRET" "$(note "$(entry 111111 "$(change 9011 111111)")")")" 404
stop_server

echo "1..$_n"

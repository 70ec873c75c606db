#!/usr/bin/env bash
# Outbound webhooks: every lead event written after the first start is POSTed
# as JSON to each configured URL with a verifiable HMAC-SHA256 signature,
# retried with backoff when the receiver fails, once per (event, URL).
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"

PORT=$(free_port)
python3 "$LK_ROOT/tests/stubs/webhook_sink.py" --port-file "$T/wh.port" --record "$T/wh.jsonl" \
	--fail 2 2>>"$T/wh.err" &
_pids+=($!)
for i in $(seq 1 100); do [ -s "$T/wh.port" ] && break; sleep 0.05; done
export WEBHOOK_SECRET=whsec-test-secret
WEBHOOKS="urls: [\"http://127.0.0.1:$(cat "$T/wh.port")/hook/a\", \"http://127.0.0.1:$(cat "$T/wh.port")/hook/b\"], secret: env:WEBHOOK_SECRET"
DELIVERY="backoff: 1s, backoff_cap: 1s"
unset LEADKEEP_NOW
open_around_the_clock

lk lead add --name "Old Lead" --phone +13125550100 >/dev/null	# before the first start: not replayed
start_serve
sleep 1
ID=$(lk lead add --name "Marcus Johnson" --phone +13125550199 --service "deck repair" --json | json_get "$(cat)" "d['id']")
check "messages settle" wait_settled 20
check "webhook deliveries settle" \
	wait_sql "SELECT count(*) FROM webhook_deliveries WHERE state != 'sent'" 0 20
sleep 1.5	# events written by the last sends
check "...all of them" wait_sql "SELECT count(*) FROM webhook_deliveries WHERE state != 'sent'" 0 20
expect_eq "every event of the new lead went to both URLs" \
	"$(db "SELECT count(*) FROM events e WHERE lead_id = $ID AND (SELECT count(*) FROM
	       webhook_deliveries d WHERE d.event_id = e.id AND d.state = 'sent') != 2")" 0
stop_serve

py() {
	python3 - "$T/wh.jsonl" "$1" <<'PY'
import hashlib, hmac, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ok = [r for r in recs if r["answer"] == 204]
def verify(r):
    sig = dict(p.split("=", 1) for p in r["headers"]["X-Leadkeep-Signature"].split(","))
    want = hmac.new(b"whsec-test-secret", (sig["t"] + "." + r["body"]).encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, sig["v1"])
print(eval(sys.argv[2]))
PY
}
expect_eq "events from before the first start are not replayed" \
	"$(py 'sum(1 for r in ok if json.loads(r["body"])["type"] == "lead.created" and json.loads(r["body"])["lead"]["name"] == "Old Lead")')" 0
expect_eq "each (event, URL) delivered once" \
	"$(py 'len(ok) == len(set((r["headers"]["X-Leadkeep-Event-Id"], r["path"]) for r in ok))')" True
expect_eq "every signature verifies" "$(py 'all(verify(r) for r in recs)')" True
expect_eq "a tampered body does not verify" \
	"$(py 'verify(dict(ok[0], body=ok[0]["body"] + " "))')" False
expect_eq "the payload names the event and the lead" \
	"$(py '[(b["type"], b["lead"]["name"], b["lead"]["phone"]) for b in (json.loads(r["body"]) for r in ok) if b["type"] == "lead.created"][:1]')" \
	"[('lead.created', 'Marcus Johnson', '+13125550199')]"
expect_eq "event type and id headers match the body" \
	"$(py 'all(r["headers"]["X-Leadkeep-Event"] == json.loads(r["body"])["type"] and int(r["headers"]["X-Leadkeep-Event-Id"]) == json.loads(r["body"])["id"] for r in ok)')" True
expect_eq "the first two posts failed (500) and were retried" \
	"$(db "SELECT sum(attempts) - count(*) FROM webhook_deliveries")" 2
if grep -q whsec-test-secret "$T/serve.log"; then not_ok "the webhook secret is never logged"
else ok "the webhook secret is never logged"; fi

#!/usr/bin/env bash
# Delivery with two businesses in one install: each business's outbound
# webhooks go to its own URLs only, signed with its own secret; an email's
# unsubscribe link names the lead's business and opts out that lead only;
# rows a crash left `sending` become `unknown` under their own business's
# rules (its hours decide when the person's check is due).
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"

# Tuesday 14:02 in Chicago (the install's own business: open), Wednesday
# 05:02 in Tokyo (Bravo: closed until 08:00, 23:00 UTC).
export LEADKEEP_NOW=2026-11-24T20:02:00Z
NOW=$(date -u -d "$LEADKEEP_NOW" +%s)
TOKYO_OPENS=$(date -u -d 2026-11-24T23:00:00Z +%s)
PORT=$(free_port)

python3 "$LK_ROOT/tests/stubs/webhook_sink.py" --port-file "$T/wh.port" --record "$T/wh.jsonl" \
	2>>"$T/wh.err" &
_pids+=($!)
for i in $(seq 1 100); do [ -s "$T/wh.port" ] && break; sleep 0.05; done
WH="http://127.0.0.1:$(cat "$T/wh.port")"
start_smtp_sink
export OWN_WH_SECRET=whsec-own BRAVO_WH_SECRET=whsec-bravo
WEBHOOKS="urls: [\"$WH/hook/own\"], secret: env:OWN_WH_SECRET"
DELIVERY="backoff: 1s, backoff_cap: 1s"

# Bravo: its own name, people and zone, no quiet hours (its lead's email
# leaves at once), its own SMTP sender and webhook URL and secret.
lk rules show-default | sed -e 's/name: Northside Home Services/name: Bravo Roofing/' \
	-e 's#America/Chicago#Asia/Tokyo#' -e '/^  quiet_hours:/d' \
	-e 's/id: alice, name: Alice Moreno/id: brenda, name: Brenda Park/' \
	-e 's/\balice\b/brenda/g' >"$T/bravo.yaml"
business_config "$T/bravo.yaml" <<EOF2
providers:
  smtp: { url: "smtp://127.0.0.1:$SMTP_PORT/leadkeep.test", from: "Bravo Roofing <leads@bravo.example>" }
  webhooks: { urls: ["$WH/hook/bravo"], secret: env:BRAVO_WH_SECRET }
  delivery: { backoff: 1s, backoff_cap: 1s }
EOF2
check "business add bravo" lk business add bravo "$T/bravo.yaml"

check "serve starts with both businesses" start_serve
for i in $(seq 1 50); do grep -q msg=listening "$T/serve.log" && break; sleep 0.1; done
sleep 1.2	# the dispatcher places the webhooks' cursor: what follows is posted
OWN=$(lk lead add --name "Ann Own" --email ann@own.example --service boiler --json |
	json_get "$(cat)" "d['id']")
BOB=$(lk lead add --business bravo --name "Bob Bravo" --email bob@bravo.example \
	--service roof --json | json_get "$(cat)" "d['id']")
# (Bravo's staff notifications wait for its working hours: the leads' own.)
check "every message to a lead settles" wait_sql "SELECT count(*) FROM outbox
	WHERE state IN ('queued','sending') AND person IS NULL" 0 30
check "webhook deliveries settle" \
	wait_sql "SELECT count(*) FROM webhook_deliveries WHERE state != 'sent'" 0 20
sleep 1.2	# events written by the last sends
check "...all of them" wait_sql "SELECT count(*) FROM webhook_deliveries WHERE state != 'sent'" 0 20

# --- outbound webhooks: each business's events, its URLs, its secret ------
py() {
	python3 - "$T/wh.jsonl" "$1" <<'PY'
import hashlib, hmac, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
def verify(r, secret):
    sig = dict(p.split("=", 1) for p in r["headers"]["X-Leadkeep-Signature"].split(","))
    want = hmac.new(secret, (sig["t"] + "." + r["body"]).encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, sig["v1"])
def names(path):
    return sorted(set(json.loads(r["body"])["lead"]["name"] for r in recs if r["path"] == path))
at = lambda path: [r for r in recs if r["path"] == path]
print(eval(sys.argv[2]))
PY
}
expect_eq "bravo's events went to bravo's URL, and only bravo's" "$(py 'names("/hook/bravo")')" \
	"['Bob Bravo']"
expect_eq "the install's own events to its own URL only" "$(py 'names("/hook/own")')" \
	"['Ann Own']"
expect_eq "bravo's posts are signed with bravo's secret" \
	"$(py 'len(at("/hook/bravo")) > 0 and all(verify(r, b"whsec-bravo") for r in at("/hook/bravo"))')" True
expect_eq "the install's own with its own" \
	"$(py 'len(at("/hook/own")) > 0 and all(verify(r, b"whsec-own") for r in at("/hook/own"))')" True
expect_eq "every event of bravo's lead was posted once" \
	"$(db "SELECT count(*) FROM events e WHERE lead_id = $BOB AND (SELECT count(*) FROM
	       webhook_deliveries d WHERE d.event_id = e.id AND d.state = 'sent') != 1")" 0

# --- unsubscribe links: the lead's business, that lead only --------------
mail() {	# python expression over the message sent to $1 (m)
	python3 - "$SMTP_DIR" "$1" "$2" <<'PY'
import email, email.policy, glob, json, sys
for j in sorted(glob.glob(sys.argv[1] + "/*.json")):
    env = json.load(open(j))
    if sys.argv[2] in env["rcpt_tos"]:
        m = email.message_from_bytes(open(j[:-5] + ".eml", "rb").read(), policy=email.policy.default)
        parts = {p.get_content_type(): p.get_content() for p in m.walk() if not p.is_multipart()}
        print(eval(sys.argv[3]))
        break
else:
    print("NO MAIL")
PY
}
UNSUB=$(mail bob@bravo.example 'm["List-Unsubscribe"].strip("<>")')
expect_contains "bravo's List-Unsubscribe names bravo" "$UNSUB" \
	"&b=$(db "SELECT id FROM businesses WHERE slug = 'bravo'")"
expect_contains "the body's link is the same" "$(mail bob@bravo.example 'parts["text/plain"]')" \
	"$UNSUB"
PAGE=$(curl -s "$UNSUB")
expect_contains "the page names bravo" "$PAGE" "Stop getting emails from Bravo Roofing?"
ACTION=$(printf %s "$PAGE" | python3 -c 'import html, re, sys
print(html.unescape(re.search(r"action=\"([^\"]*)\"", sys.stdin.read()).group(1)))')
expect_eq "its button posts the link as mailed" "http://127.0.0.1:$PORT$ACTION" "$UNSUB"
# The token of bravo's lead, shown under the install's own business: refused.
FORGED=$(printf %s "$UNSUB" | sed "s/&b=[0-9]*/\&b=$(db "SELECT id FROM businesses WHERE slug = 'default'")/")
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d List-Unsubscribe=One-Click "$FORGED")
expect_eq "bravo's token in another business's link: 400" "$code" 400
page=$(curl -s -X POST -d List-Unsubscribe=One-Click "http://127.0.0.1:$PORT$ACTION")
expect_contains "the button unsubscribes bravo's lead" "$page" "You will not get any more emails from Bravo Roofing"
expect_eq "bravo's lead is opted out of email" \
	"$(db "SELECT email_opt_out FROM leads WHERE id = $BOB")" 1
expect_eq "the install's own lead is not" "$(db "SELECT email_opt_out FROM leads WHERE id = $OWN")" 0
# A link mailed before businesses had their own (no b=, signed for the lead
# alone) still works: the install's own business's.
OLD_TOKEN=$(python3 - "$LK_FILES/link.key" "$OWN" <<'PY'
import base64, hashlib, hmac, sys
mac = hmac.new(open(sys.argv[1], "rb").read(), ("unsubscribe:" + sys.argv[2]).encode(), hashlib.sha256)
print(sys.argv[2] + "." + base64.urlsafe_b64encode(mac.digest()[:16]).decode().rstrip("="))
PY
)
OLD_LINK="http://127.0.0.1:$PORT/unsubscribe?token=$OLD_TOKEN"
expect_contains "a link made before (no b=) still answers for the install's own business" \
	"$(curl -s "$OLD_LINK")" "Stop getting emails from Northside Home Services?"
stop_serve

# --- a crash left bravo's message `sending` --------------------------------
ROW=$(db "SELECT id FROM outbox WHERE lead_id = $BOB AND purpose = 'ack' AND channel = 'email'")
if [ "${LK_STORE:-}" = pg ]; then
	db "UPDATE outbox SET state = 'sending', lease_owner = NULL, lease_until = 0 WHERE id = $ROW"
else
	db "UPDATE outbox SET state = 'sending' WHERE id = $ROW"
fi
check "serve starts again" start_serve
check "the row left sending becomes unknown" \
	wait_sql "SELECT state FROM outbox WHERE id = $ROW" unknown 20
task=$(db "SELECT assignee, business_id, due_at FROM tasks WHERE lead_id = $BOB AND title LIKE 'Check whether%'")
expect_eq "a person of bravo checks it, in bravo's books" "${task%|*}" \
	"brenda|$(db "SELECT id FROM businesses WHERE slug = 'bravo'")"
due=${task##*|}
if [ -n "$due" ] && [ "$due" -ge "$TOKYO_OPENS" ]; then
	ok "due in bravo's working hours (Tokyo opens at 08:00), not the install's"
else
	not_ok "due in bravo's working hours: due $(utc "$due"), Tokyo opens $(utc "$TOKYO_OPENS"), now $(utc "$NOW")"
fi
expect_contains "logged with its business" "$(cat "$T/serve.log")" \
	"msg=message_unknown outbox=$ROW lead=$BOB business="
stop_serve
if grep -q whsec-bravo "$T/serve.log"; then not_ok "bravo's webhook secret is never logged"
else ok "bravo's webhook secret is never logged"; fi

#!/usr/bin/env bash
# SMS through the stand-in Twilio API: a new lead's acknowledgment really
# leaves (form fields, basic auth, StatusCallback), status callbacks move the
# row to delivered, and each failure kind ends where it must: 21610 opts the
# lead out, 21211 flags the phone, 429 retries with backoff, 500 until dead,
# undelivered after acceptance fails it - each with a task for the owner;
# a landline (21614, or 30006 after acceptance) flags the phone no_texts.
# Real clock (LEADKEEP_NOW unset); backoff shortened for the test.
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"

PORT=$(free_port)
cat >"$T/twilio.json" <<'EOF'
{"+13125550910": "21610", "+13125550911": "21211", "+13125550912": "429:2",
 "+13125550913": "500:99", "+13125550914": "undelivered", "+13125550916": "silent",
 "+13125550917": "21614", "+13125550918": "undelivered:30006"}
EOF
start_twilio_stub
DELIVERY="backoff: 1s, backoff_cap: 2s, max_attempts: 3, sms_rate: 0"
unset LEADKEEP_NOW
open_around_the_clock

add() { lk lead add --name "$1" --phone "$2" --service "deck repair" --json | json_get "$(cat)" "d['id']"; }
OK_ID=$(add "Marcus Johnson" +13125550199)
STOP_ID=$(add "Stella Stop" +13125550910)
BAD_ID=$(add "Ivan Invalid" +13125550911)
SLOW_ID=$(add "Rita Ratelimit" +13125550912)
DOWN_ID=$(add "Dana Down" +13125550913)
UND_ID=$(add "Uma Undelivered" +13125550914)
OUT_ID=$(add "Olga Optedout" +13125550915)
SIL_ID=$(add "Sid Silent" +13125550916)	# sent; the provider sends no callback
LAND_ID=$(add "Lee Landline" +13125550917)
LAND2_ID=$(add "Lou Landline" +13125550918)
db "UPDATE leads SET sms_opt_out = 1 WHERE id = $OUT_ID"	# opted out after queueing

start_serve
check "every message settles" wait_settled 30

row() { db "SELECT $2 FROM outbox WHERE lead_id = $1 AND purpose = 'ack' AND channel = 'sms'"; }
rec() {	# python expression over the records sent to number $1
	python3 - "$TW_REC" "$1" "$2" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if '"form"' in l]
mine = [r for r in recs if r["form"].get("To") == sys.argv[2]]
print(eval(sys.argv[3]))
PY
}

# --- the happy path ---------------------------------------------------------
expect_eq "the ack reached the provider once" "$(rec +13125550199 'len(mine)')" 1
expect_eq "basic auth with the account sid and token" "$(rec +13125550199 'mine[0]["auth_ok"]')" True
expect_eq "form-encoded" "$(rec +13125550199 'mine[0]["content_type"]')" \
	"application/x-www-form-urlencoded"
expect_eq "From is the configured number" "$(rec +13125550199 'mine[0]["form"]["From"]')" +13125550100
expect_contains "Body is the rendered ack" "$(rec +13125550199 'mine[0]["form"]["Body"]')" \
	"Hi Marcus, thanks for contacting Northside Home Services about deck repair."
expect_contains "StatusCallback points back at serve" \
	"$(rec +13125550199 'mine[0]["form"]["StatusCallback"]')" \
	"http://127.0.0.1:$PORT/hooks/twilio/status?m=$(row "$OK_ID" id)."
SID=$(rec +13125550199 'mine[0]["sid"]')
check "status callbacks move the ack to delivered" \
	wait_sql "SELECT state FROM outbox WHERE lead_id = $OK_ID AND purpose = 'ack'" delivered 10
expect_eq "the provider's sid is kept" "$(row "$OK_ID" provider_id)" "$SID"
expect_eq "provider recorded" "$(row "$OK_ID" provider)" twilio
expect_eq "one attempt" "$(row "$OK_ID" attempts)" 1
expect_contains "the timeline says it was sent" \
	"$(db "SELECT text FROM events WHERE lead_id = $OK_ID AND type = 'message.sent'")" "Text to Marcus Johnson sent"
expect_contains "the owner's notification carries a link to the lead" \
	"$(rec +13125550101 '[r["form"]["Body"] for r in mine]')" "http://127.0.0.1:$PORT/leads/$OK_ID"

# --- callbacks are idempotent and authenticated -----------------------------
# callback URL FORM [TOKEN]: POSTs the form signed as Twilio signs it
# (X-Twilio-Signature with the auth token, or TOKEN; "-" sends none).
callback() {
	local sig
	sig=$(python3 - "$1" "$2" "${3:-$TW_AUTH_TOKEN}" <<'PY'
import base64, hashlib, hmac, sys, urllib.parse
url, form, token = sys.argv[1:4]
p = dict(urllib.parse.parse_qsl(form, keep_blank_values=True))
s = url + "".join(k + p[k] for k in sorted(p))
print(base64.b64encode(hmac.new(token.encode(), s.encode(), hashlib.sha1).digest()).decode())
PY
)
	[ "${3:-}" = - ] && sig=
	curl -s -o /dev/null -w '%{http_code}' -H "X-Twilio-Signature: $sig" -d "$2" "$1"
}
CB=$(rec +13125550199 'mine[0]["form"]["StatusCallback"]')
code=$(callback "$CB" "MessageSid=$SID&MessageStatus=sent")
expect_eq "a late 'sent' callback is accepted" "$code" 204
expect_eq "...and does not move delivered back" "$(row "$OK_ID" state)" delivered
code=$(callback "http://127.0.0.1:$PORT/hooks/twilio/status?m=$(row "$OK_ID" id).AAAAAAAAAAAAAAAAAAAAAA" \
	"MessageSid=$SID&MessageStatus=sent")
expect_eq "a forged callback token is refused" "$code" 403
code=$(callback "$CB" "MessageSid=SMother&MessageStatus=failed")
expect_eq "a callback with another message's sid is refused" "$code" 404
expect_eq "...and changes nothing" "$(row "$OK_ID" state)" delivered

# The callback URL alone is not enough: Twilio's signature is checked too, and
# a callback without MessageSid does not skip the message check. A forged
# 21610 would otherwise opt the lead out and fail a message that went out.
SCB=$(rec +13125550916 'mine[0]["form"]["StatusCallback"]')
SSID=$(rec +13125550916 'mine[0]["sid"]')
expect_eq "a sent message without callbacks stays sent" "$(row "$SIL_ID" state)" sent
code=$(callback "$SCB" "MessageStatus=undelivered&ErrorCode=21610" -)
expect_eq "an unsigned callback (no MessageSid) is refused" "$code" 403
code=$(callback "$SCB" "MessageSid=$SSID&MessageStatus=undelivered&ErrorCode=21610" -)
expect_eq "an unsigned callback with the right sid is refused" "$code" 403
code=$(callback "$SCB" "MessageSid=$SSID&MessageStatus=undelivered&ErrorCode=21610" not_the_token)
expect_eq "a callback signed with another auth token is refused" "$code" 403
code=$(callback "$SCB" "MessageStatus=undelivered&ErrorCode=21610")
expect_eq "a signed callback without MessageSid is refused" "$code" 400
expect_eq "...the forged 21610s opted nobody out" "$(db "SELECT sms_opt_out FROM leads WHERE id = $SIL_ID")" 0
expect_eq "...and the message is still sent" "$(row "$SIL_ID" state)" sent
code=$(callback "$SCB" "MessageSid=$SSID&MessageStatus=delivered")
expect_eq "the signed callback with its sid is taken" "$code" 204
expect_eq "...and moves the message" "$(row "$SIL_ID" state)" delivered

# --- 21610: unsubscribed at the carrier ---------------------------------------
expect_eq "21610 fails the message" "$(row "$STOP_ID" state)" failed
expect_eq "21610 error code kept" "$(row "$STOP_ID" error_code)" 21610
expect_eq "21610 opts the lead out of texts" "$(db "SELECT sms_opt_out FROM leads WHERE id = $STOP_ID")" 1
expect_eq "21610 is a consent event" \
	"$(db "SELECT count(*) FROM events WHERE lead_id = $STOP_ID AND type = 'consent.opted_out'")" 1
expect_contains "21610 makes a task for the owner to call instead" \
	"$(db "SELECT assignee || ': ' || title FROM tasks WHERE lead_id = $STOP_ID AND state = 'open' ORDER BY id DESC LIMIT 1")" \
	"Call Stella Stop: they opted out of texts"
expect_eq "21610 is not retried" "$(rec +13125550910 'len(mine)')" 1

# --- 21211: not a phone number ---------------------------------------------------
expect_eq "21211 fails the message" "$(row "$BAD_ID" state)" failed
expect_eq "21211 flags the phone" "$(db "SELECT flags & 1 FROM leads WHERE id = $BAD_ID")" 1
expect_contains "21211 task: fix the number" \
	"$(db "SELECT title FROM tasks WHERE lead_id = $BAD_ID AND state = 'open' ORDER BY id DESC LIMIT 1")" \
	"Fix Ivan Invalid's phone number +13125550911"

# --- 429: retried with backoff, sent once ------------------------------------------
expect_eq "429 twice, then sent" "$(row "$SLOW_ID" state)" delivered
expect_eq "three attempts" "$(row "$SLOW_ID" attempts)" 3
expect_eq "three requests, one accepted" "$(rec +13125550912 '(len(mine), sum(1 for r in mine if r["answer"] == 201))')" "(3, 1)"
# send_at has one-second resolution: a retry "1 s later" lands in a later second.
expect_eq "backoff spaced the attempts (each in a later second)" \
	"$(rec +13125550912 'all(int(b["ts"]) > int(a["ts"]) for a, b in zip(mine, mine[1:]))')" True

# --- 500 until max attempts: dead ------------------------------------------------
expect_eq "repeated 500s end dead" "$(row "$DOWN_ID" state)" dead
expect_eq "after max attempts" "$(row "$DOWN_ID" attempts)" 3
expect_contains "dead makes a task" \
	"$(db "SELECT title FROM tasks WHERE lead_id = $DOWN_ID AND state = 'open' ORDER BY id DESC LIMIT 1")" \
	"could not be sent after 3 tries"
expect_eq "dead is on the timeline" \
	"$(db "SELECT count(*) FROM events WHERE lead_id = $DOWN_ID AND type = 'message.dead'")" 1

# --- undelivered after acceptance --------------------------------------------------
check "an undelivered callback fails the sent message" \
	wait_sql "SELECT state FROM outbox WHERE lead_id = $UND_ID AND purpose = 'ack'" failed 10
expect_eq "carrier error code kept" "$(row "$UND_ID" error_code)" 30003
expect_contains "undelivered makes a task" \
	"$(db "SELECT title FROM tasks WHERE lead_id = $UND_ID AND state = 'open' ORDER BY id DESC LIMIT 1")" \
	"failed (the carrier reported undelivered, error 30003)"

# --- a landline: 21614 at once, 30006 after acceptance ---------------------------
expect_eq "21614 fails the message" "$(row "$LAND_ID" state)" failed
check "30006 fails the sent message" \
	wait_sql "SELECT state FROM outbox WHERE lead_id = $LAND2_ID AND purpose = 'ack'" failed 10
expect_eq "21614 flags the phone no_texts" "$(db "SELECT flags & 64 FROM leads WHERE id = $LAND_ID")" 64
expect_eq "30006 flags the phone no_texts" "$(db "SELECT flags & 64 FROM leads WHERE id = $LAND2_ID")" 64
expect_eq "a landline is still called" \
	"$(db "SELECT count(*) FROM tasks WHERE lead_id = $LAND_ID AND state = 'open' AND verb = 'call'")" 1

# --- opted out before its turn: never sent ------------------------------------------
expect_eq "a queued text to an opted-out lead is cancelled" "$(row "$OUT_ID" state)" cancelled
expect_eq "...and never reaches the provider" "$(rec +13125550915 'len(mine)')" 0

# --- secrets --------------------------------------------------------------------
if grep -q test_auth_token "$T/serve.log"; then not_ok "the auth token is never logged"; else ok "the auth token is never logged"; fi

stop_serve
expect_eq "serve stops cleanly with the dispatcher" "$?" 0

#!/usr/bin/env bash
# Every queue is poison-proof: a webhook delivery or an outbox row that
# cannot be processed goes to a visible dead end with its reason, and the
# rows behind it go on - with one request in flight at a time, so a row
# that stayed at the head of the queue would stop everything - also after a
# restart. Text stored before the doors checked it (invalid UTF-8) is posted
# and logged with U+FFFD, never "out of memory".
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"
sqlite_only "it poisons rows in ways PostgreSQL refuses by itself: text that is not UTF-8, rows whose lead or event does not exist (foreign keys)"

PORT=$(free_port)
python3 "$LK_ROOT/tests/stubs/webhook_sink.py" --port-file "$T/wh.port" --record "$T/wh.jsonl" \
	2>>"$T/wh.err" &
_pids+=($!)
for i in $(seq 1 100); do [ -s "$T/wh.port" ] && break; sleep 0.05; done
URL="http://127.0.0.1:$(cat "$T/wh.port")/hook"
export WEBHOOK_SECRET=whsec-poison
WEBHOOKS="urls: [\"$URL\"], secret: env:WEBHOOK_SECRET"
DELIVERY="concurrency: 1, backoff: 1s, backoff_cap: 1s"
unset LEADKEEP_NOW
open_around_the_clock

start_serve || { not_ok "serve starts"; cat "$T/serve.log"; exit 1; }
sleep 1		# the first start places the webhook cursor
stop_serve

# Written while serve is down: a lead whose stored text is not UTF-8 (as a
# Latin-1 form left it before), then a lead behind it.
BAD=$(lk lead add --name "Bad Bytes" --phone +13125550140 --json | json_get "$(cat)" "d['id']")
db "UPDATE leads SET name = CAST(X'4A6F73E9' AS TEXT) WHERE id = $BAD;
    UPDATE events SET text = CAST(X'4C6561642066726F6D204A6F73E9' AS TEXT) WHERE lead_id = $BAD"
NEXT=$(lk lead add --name "Next In Line" --phone +13125550141 --json | json_get "$(cat)" "d['id']")
# Rows no claim can ever take, at the head of both queues: a delivery of an
# event that is gone, a text for a lead that is gone (the sqlite3 shell does
# not enforce foreign keys).
db "INSERT INTO webhook_deliveries (business_id, event_id, url, send_at, created_at, updated_at)
    VALUES (1, 999999, '$URL', 0, 0, 0);
    INSERT INTO outbox (business_id, lead_id, channel, recipient, body, purpose, send_at,
                        created_at, updated_at)
    VALUES (1, 999999, 'sms', '+13125550142', 'hello', 'ack', 0, 0, 0);
    INSERT INTO outbox (business_id, lead_id, channel, recipient, body, purpose, send_at,
                        created_at, updated_at)
    VALUES (1, $BAD, 'sms', '+13125550140', CAST(X'486920E92021' AS TEXT), 'notify', 1, 1, 1)"
ORPHAN_WH=$(db "SELECT id FROM webhook_deliveries WHERE event_id = 999999")
ORPHAN_SMS=$(db "SELECT id FROM outbox WHERE lead_id = 999999")
BAD_SMS=$(db "SELECT id FROM outbox WHERE send_at = 1")

start_serve || { not_ok "serve starts with poisoned rows"; cat "$T/serve.log"; exit 1; }
ok "serve starts with poisoned rows"
check "the lead behind them: every event posted" wait_sql \
	"SELECT count(*) FROM events e WHERE lead_id = $NEXT AND NOT EXISTS (SELECT 1 FROM
	 webhook_deliveries d WHERE d.event_id = e.id AND d.state = 'sent')" 0 30
check "the lead with invalid bytes: every event posted" wait_sql \
	"SELECT count(*) FROM events e WHERE lead_id = $BAD AND NOT EXISTS (SELECT 1 FROM
	 webhook_deliveries d WHERE d.event_id = e.id AND d.state = 'sent')" 0 30
expect_eq "a delivery of a vanished event: dead, saying why" \
	"$(db "SELECT state || ': ' || last_error FROM webhook_deliveries WHERE id = $ORPHAN_WH")" \
	"dead: event 999999 or its lead no longer exists: nothing to post"
check "a text for a vanished lead: failed" wait_sql \
	"SELECT state FROM outbox WHERE id = $ORPHAN_SMS" failed 30
expect_eq "...saying why" "$(db "SELECT last_error FROM outbox WHERE id = $ORPHAN_SMS")" \
	"its lead no longer exists"
check "a text with invalid bytes: written by the log provider" wait_sql \
	"SELECT state FROM outbox WHERE id = $BAD_SMS" sent 30
if grep -q 'out of memory' "$T/serve.log"; then not_ok "no false 'out of memory'"
else ok "no false 'out of memory'"; fi
expect_eq "...its line holds U+FFFD for the bad byte" \
	"$(python3 -c "import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d['id'] == $BAD_SMS: print(repr(d['body']))" "$LK_FILES/outbox.log")" "'Hi � !'"
expect_eq "the posted payload holds U+FFFD for the bad bytes" \
	"$(python3 -c "import json,sys
for l in open(sys.argv[1]):
    b = json.loads(json.loads(l)['body'])
    if b['lead']['id'] == $BAD and b['type'] == 'lead.created': print(repr((b['lead']['name'], b['text'])))" "$T/wh.jsonl")" \
	"('Jos�', 'Lead from Jos�')"
stop_serve

# After a restart: nothing poisoned is left in the way, new rows go out.
start_serve || { not_ok "serve restarts"; exit 1; }
LAST=$(lk lead add --name "After Restart" --phone +13125550143 --json | json_get "$(cat)" "d['id']")
check "after a restart the queue still moves" wait_sql \
	"SELECT CASE WHEN count(*) > 0 AND count(*) = sum(CASE WHEN d.state = 'sent' THEN 1 ELSE 0 END)
	 THEN 1 ELSE 0 END FROM events e JOIN webhook_deliveries d ON d.event_id = e.id
	 WHERE e.lead_id = $LAST" 1 30
expect_eq "the dead stay dead" \
	"$(db "SELECT (SELECT state FROM webhook_deliveries WHERE id = $ORPHAN_WH) || ' ' ||
	       (SELECT state FROM outbox WHERE id = $ORPHAN_SMS)")" "dead failed"
stop_serve

#!/usr/bin/env bash
# A text made by a timer leaves as fast as an acknowledgment: the scheduler's
# commit is announced on the commit bus and wakes the outbox dispatcher, so
# the manager's escalation text reaches the stand-in Twilio API right after
# its timer comes due - not at the dispatcher's next idle tick, which runs
# once a second at whatever fraction of a second its last piece of work left
# it (here: an intake's acknowledgment, placed at 0.0, 0.2, ... 0.8 s).
#
# Real clock (LEADKEEP_NOW unset): a timer coming due by the clock is the
# point, and a fixed clock never moves. Each lead's escalation is made due at
# a whole second a few seconds ahead, written straight into the database as
# any process may write a timer; the bound asserted is half the idle tick.
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"

MANAGER=+13125550103		# maria: escalations notify her by SMS
BOUND_MS=500			# the dispatcher's idle tick is 1000 ms
unset LEADKEEP_NOW
open_around_the_clock

PORT=$(free_port)
start_twilio_stub
DELIVERY="sms_rate: 0"
TOKEN=$(lk token create --name e2e --role staff 2>/dev/null)
check "serve is ready" start_serve
touch "$TW_REC"

# ms since the epoch at which the manager's text about lead $1 reached the
# stub; nothing while it has not.
texted_at() {
	python3 - "$TW_REC" "$MANAGER" "$1" <<'PY'
import json, sys
tag = "Lead #" + sys.argv[3]
for line in open(sys.argv[1]):
    f = json.loads(line).get("form", {})
    body = f.get("Body", "")
    if f.get("To") == sys.argv[2] and (body.endswith(tag) or tag + "\n" in body):
        print(int(json.loads(line)["ts"] * 1000))
        break
PY
}

# Sleeps until the next whole second plus $1 ms and prints that second.
at_fraction() {
	python3 -c 'import sys, time
t = time.time(); s = int(t) + 1
time.sleep(max(0.0, s + int(sys.argv[1]) / 1000.0 - time.time())); print(s)' "$1"
}

delays=()
late=0
n=0
for frac in 0 200 400 600 800; do
	n=$((n + 1))
	s=$(at_fraction "$frac")
	id=$(curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		--data-binary "{\"name\":\"Timer Lead$n\",\"phone\":\"+1312555020$n\",\"service\":\"roof leak\"}" \
		"http://127.0.0.1:$PORT/api/v1/leads" | json_get "$(cat)" "d['id']")
	due=$((s + 3))
	# serve may hold the write lock (sending the ack): wait for it, as the CLI does.
	changed=$(db_sql "UPDATE timers SET due_at = $due WHERE lead_id = $id
		AND kind = 'escalate' AND state = 'pending' RETURNING id" | grep -c .)
	[ "$changed" = 1 ] || { not_ok "lead $id: its escalation made due (changed: $changed)"; continue; }
	sent=""
	for _ in $(seq 1 200); do	# until it arrives (10 s at most)
		sent=$(texted_at "$id")
		[ -n "$sent" ] && break
		sleep 0.05
	done
	if [ -z "$sent" ]; then
		not_ok "lead $id: the manager's escalation text reached the provider"
		continue
	fi
	d=$((sent - due * 1000))
	delays+=("$d")
	[ "$d" -ge "$BOUND_MS" ] && late=$((late + 1))
done
echo "# timer due -> text at the provider, ms: ${delays[*]}"

expect_eq "every escalation fired and made one text to the manager" \
	"$(db "SELECT count(*) FROM outbox WHERE recipient = '$MANAGER' AND purpose = 'notify'")" 5
expect_eq "no timer fired early (each text after its due second)" \
	"$(for d in "${delays[@]}"; do [ "$d" -lt 0 ] && echo early; done | wc -l)" 0
expect_eq "each text left well within the dispatcher's idle tick (< $BOUND_MS ms after due)" \
	"$late" 0
expect_eq "each reached the provider once" \
	"$(python3 -c "import json; print(sum(1 for l in open('$TW_REC') if json.loads(l).get('form', {}).get('To') == '$MANAGER'))")" 5

stop_serve
expect_eq "serve stops cleanly" "$?" 0

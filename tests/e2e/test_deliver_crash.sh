#!/usr/bin/env bash
# Exactly-once under crashes. serve is SIGKILLed again and again while it
# sends - at random moments with requests in flight (the stand-in providers
# answer slowly), and at the two exact points that matter (LEADKEEP_FAULT:
# right after a claim is committed, right after the provider accepted) - and
# restarted, until nothing is left to send. Then, per outbox row, we count
# what the stand-in SMS API and the SMTP server received: never 2, and never
# 0 without a visible end state (unknown / failed / dead / cancelled) that has
# a task for a person.
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"

PORT=$(free_port)
LEADS=${LK_CRASH_LEADS:-16}
ROUNDS=${LK_CRASH_ROUNDS:-14}
start_twilio_stub --delay 400 --callback-tries 1
start_smtp_sink --slow-ms 400
DELIVERY="concurrency: 4, sms_rate: 0, email_rate: 0, backoff: 1s, backoff_cap: 1s"
unset LEADKEEP_NOW
open_around_the_clock

for i in $(seq 1 "$LEADS"); do
	lk lead add --name "Crash Test$i" --phone "+1312555$((3000 + i))" \
		--email "slow$i@example.com" --service "roof" >/dev/null
done
TOTAL=$(db "SELECT count(*) FROM outbox")

kills=0
for round in $(seq 1 "$ROUNDS"); do
	case $((round % 3)) in
	0) export LEADKEEP_FAULT="claimed:$((round % 4 + 1))" ;;
	1) export LEADKEEP_FAULT="accepted:$((round % 3 + 1))" ;;
	*) unset LEADKEEP_FAULT ;;
	esac
	start_serve
	if [ -n "${LEADKEEP_FAULT:-}" ]; then
		# The fault point kills serve itself; give it the time a few sends take.
		for _ in $(seq 1 50); do
			kill -0 "$SERVE_PID" 2>/dev/null || break
			sleep 0.1
		done
	else
		# A random moment while sends are in flight.
		sleep "0.$((RANDOM % 9 + 1))"
	fi
	kill -KILL "$SERVE_PID" 2>/dev/null
	kills=$((kills + 1))
	wait "$SERVE_PID" 2>/dev/null
	# Stop once everything settled - but only after both fault points had their turn.
	[ "$round" -ge 3 ] &&
		[ "$(db "SELECT count(*) FROM outbox WHERE state IN ('queued','sending')")" = 0 ] && break
done
unset LEADKEEP_FAULT
start_serve
check "after the last restart every message settles" wait_settled 60
sleep 1	# late status callbacks
stop_serve
echo "# $TOTAL messages, $kills kills, states: $(db "SELECT state || '=' || count(*) FROM outbox GROUP BY state ORDER BY state" | paste -sd' ' -)"

python3 - "$TW_REC" "$SMTP_DIR" >"$T/received.txt" <<'PY'
import collections, email, glob, json, re, sys
got = collections.Counter()
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("answer") == 201:
        m = re.search(r"[?&]m=(\d+)\.", r["form"].get("StatusCallback", ""))
        if m:	# none: a health notice to the owner, which is no outbox row
            got[int(m.group(1))] += 1
for f in glob.glob(sys.argv[2] + "/*.eml"):
    msg = email.message_from_bytes(open(f, "rb").read())
    i = int(re.match(r"<(\d+)\.", msg["Message-ID"]).group(1))
    if i != 0:	# 0: a health notice to the owner (serve's self-watch), no outbox row
        got[i] += 1
for k, v in sorted(got.items()):
    print(k, v)
PY
db "SELECT o.id, o.state, coalesce(t.state, '-') FROM outbox o LEFT JOIN tasks t ON t.id = o.task_id" |
	tr '|' ' ' >"$T/rows.txt"

python3 - "$T/received.txt" "$T/rows.txt" <<'PY'
import sys
got = {int(a): int(b) for a, b in (l.split() for l in open(sys.argv[1]))}
n = 0
def check(ok, what, detail=""):
    global n
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, what))
    if not ok:
        print("#   " + detail[:2000])
rows = [l.split() for l in open(sys.argv[2])]
ids = {int(r[0]) for r in rows}
twice = [(i, c) for i, c in got.items() if c > 1]
check(not twice, "no message reached a provider twice", "rows received twice: %s" % twice)
check(set(got) <= ids, "every received message is an outbox row", str(set(got) - ids))
sent_not_received = [r for r in rows if r[1] in ("sent", "delivered") and got.get(int(r[0]), 0) != 1]
check(not sent_not_received, "every sent message was received exactly once", str(sent_not_received))
silent = [r for r in rows if got.get(int(r[0]), 0) == 0 and
          not (r[1] in ("unknown", "failed", "dead") and r[2] != "-") and r[1] != "cancelled"]
check(not silent, "every message not received has a visible end state with a task", str(silent))
pending = [r for r in rows if r[1] in ("queued", "sending")]
check(not pending, "nothing is left queued or sending", str(pending))
unknown = [r for r in rows if r[1] == "unknown"]
check(all(r[2] != "-" for r in unknown), "each unknown outcome has a task for a person", str(unknown))
check(len(unknown) > 0 or any(r[1] == "delivered" for r in rows),
      "the kills hit sends in flight (some outcomes were unknown)", str(rows))
PY
expect_contains "unknown outcomes are logged at start-up" "$(cat "$T/serve.log")" "msg=message_unknown"
expect_contains "the fault points fired" "$(cat "$T/serve.log")" "msg=fault_injected point=claimed"
expect_contains "...both of them" "$(cat "$T/serve.log")" "msg=fault_injected point=accepted"

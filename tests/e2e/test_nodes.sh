#!/usr/bin/env bash
# Several nodes on one PostgreSQL database (docs/scaling.md, "Several
# nodes"). Three `leadkeep serve` on loopback share one throwaway cluster and
# the stand-in SMS API and SMTP server. A load of leads goes to them round
# robin (each request with an Idempotency-Key, retried on the next node when
# its node dies) while each node in turn is SIGKILLed and restarted; the third
# also kills itself right after committing a claim (LEADKEEP_FAULT) and stays
# down, so the others must take its rows over when its lease (2 s here)
# expires. Then the clock jumps a day (LEADKEEP_NOW, the injected clock) and
# the three fire the next day's timers, one of them killed while they do.
# Counted at the end: every lead exactly once; every message at most once at
# the providers, and exactly once unless its node died with it in flight (then
# it is `unknown` with a task for a person); every acknowledgment and every
# check-in once per lead; every timer due fired, each once.
# tests/run.sh: on a throwaway PostgreSQL cluster
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"
if [ -z "${LK_PG_URL:-}" ]; then
	exec "$LK_ROOT/tests/pg_cluster.sh" bash "$0" "$@"
fi

PSQL=${LK_PG_BIN:-/usr/lib/postgresql/15/bin}/psql
db() { "$PSQL" "$LK_PG_URL" -Atq -F '|' -c "$1"; }
export LEADKEEP_DATA="$LK_PG_URL" LEADKEEP_LEASE=2 LEADKEEP_LINK_SECRET=nodes-test-secret
T0=2026-12-02T16:00:00Z		# Wednesday 10:00 in Chicago: open, not quiet
T1=2026-12-03T17:00:00Z		# a day and an hour later: the check-ins are due
LEADS=${LK_NODES_LEADS:-60}
RULES="$T/rules.yaml"

start_twilio_stub --delay 60 --no-callbacks
start_smtp_sink
DELIVERY="concurrency: 4, sms_rate: 0, email_rate: 0"
# The business's file (the demo's rules, the stand-ins as providers) is a
# file of its own: the data is the database.
LK_FILES="$T/business" providers_config
mv "$T/business/rules.yaml" "$RULES"
export LEADKEEP_NOW=$T0
TOKEN=$(lk token create --rules "$RULES" --name nodes --role intake 2>"$T/token.err")
[ -n "$TOKEN" ] || { not_ok "an intake token on PostgreSQL"; cat "$T/token.err"; exit 1; }

declare -a PORTS PIDS
for k in 1 2 3; do PORTS[$k]=$(free_port); done
# start_node K [ENV...]: serve as node K on its port.
start_node() {
	local k=$1; shift
	env LEADKEEP_NODE="node$k" "$@" "$LK_BIN" serve --rules "$RULES" \
		--listen "127.0.0.1:${PORTS[$k]}" 2>>"$T/node$k.log" &
	PIDS[$k]=$!
	_pids+=("${PIDS[$k]}")
	for _i in $(seq 1 100); do
		curl -fs "http://127.0.0.1:${PORTS[$k]}/healthz" >/dev/null 2>&1 && return 0
		kill -0 "${PIDS[$k]}" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
kill_node() { kill -KILL "${PIDS[$1]}" 2>/dev/null; wait "${PIDS[$1]}" 2>/dev/null; }
settled() {	# nothing queued or in flight that is due by the clock in force
	[ "$(db "SELECT count(*) FROM outbox WHERE state IN ('queued','sending')
		AND send_at <= extract(epoch from '$LEADKEEP_NOW'::timestamptz)")" = 0 ]
}
wait_for() {	# SECONDS COMMAND...
	local s=$1 i; shift
	for i in $(seq 1 $((s * 10))); do "$@" && return 0; sleep 0.1; done
	return 1
}

ok_start=1
start_node 1 || ok_start=0
start_node 2 || ok_start=0
start_node 3 LEADKEEP_FAULT=claimed:7 || ok_start=0	# dies after its 7th claim
expect_eq "three nodes start on one database" "$ok_start" 1

# The load: LEADS leads round robin, each with its own Idempotency-Key; a
# request whose node is down goes to the next one with the same key.
python3 - "$TOKEN" "$LEADS" "$T/acked" "${PORTS[1]}" "${PORTS[2]}" "${PORTS[3]}" <<'PY' &
import json, sys, time, urllib.request
token, n, out, ports = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
acked = []
for i in range(n):
    body = json.dumps({"name": "Node Lead%03d" % i, "phone": "+1312556%04d" % i,
                       "email": "lead%03d@example.com" % i, "service": "roof"}).encode()
    for attempt in range(200):
        port = ports[(i + attempt) % len(ports)]
        rq = urllib.request.Request("http://127.0.0.1:%s/api/v1/leads" % port, data=body,
            method="POST", headers={"Authorization": "Bearer " + token,
            "Content-Type": "application/json", "Idempotency-Key": "lead-%d" % i})
        try:
            with urllib.request.urlopen(rq, timeout=5) as r:
                if 200 <= r.status < 300:
                    acked.append(i)
                    break
        except Exception:
            time.sleep(0.05)
    time.sleep(0.01)
open(out, "w").write("\n".join(map(str, acked)) + "\n")
PY
LOAD=$!

# Each node in turn dies under load and comes back (the third stays down
# until its lease has expired and the others took its claim over).
sleep 0.6; kill_node 1; start_node 1
sleep 0.6; kill_node 2; start_node 2
wait "$LOAD"
expect_eq "every lead was acknowledged to its sender" "$(wc -l <"$T/acked")" "$LEADS"
node3_down() { ! kill -0 "${PIDS[3]}" 2>/dev/null; }
check "node 3 killed itself right after committing a claim" wait_for 15 node3_down
check "node 3's claim is taken over by another node once its lease expired" \
	wait_for 15 grep -q "reason=lease_expired" "$T/node1.log" "$T/node2.log"
start_node 3 || not_ok "node 3 starts again"
check "every message of the first day settles" wait_for 30 settled

# The next day, on the injected clock: the three fire the check-ins; node 2
# is killed while they do, and comes back.
for k in 1 2 3; do kill_node "$k"; done
PENDING=$(db "SELECT count(*) FROM timers WHERE state = 'pending'
	AND due_at <= extract(epoch from '$T1'::timestamptz)")
export LEADKEEP_NOW=$T1
for k in 1 2 3; do start_node "$k" || not_ok "node $k starts on the next day"; done
sleep 0.3; kill_node 2; start_node 2
due_left() { [ "$(db "SELECT count(*) FROM timers WHERE state = 'pending'
	AND due_at <= extract(epoch from '$T1'::timestamptz)")" = 0 ]; }
check "every timer due fires" wait_for 30 due_left
check "every message of the next day settles" wait_for 30 settled
for k in 1 2 3; do kill -TERM "${PIDS[$k]}" 2>/dev/null; wait "${PIDS[$k]}" 2>/dev/null; done
echo "# $LEADS leads, $PENDING timers due on the next day, outbox: $(db "SELECT string_agg(state || '=' || n, ' ') FROM (SELECT state, count(*) n FROM outbox GROUP BY state) x")"

# Who made which row unknown: a node at its start only rows it held itself
# before it died, a node taking over only rows another node held.
for k in 1 2 3; do
	sed -n 's/.*msg=message_unknown outbox=\([0-9]*\) .*reason=\([a-z_]*\).*/\1 \2/p' \
		"$T/node$k.log" | while read -r id why; do echo "$id $why node$k"; done
done >"$T/recovered.txt"
db "SELECT id, lease_owner FROM outbox WHERE state = 'unknown'" | tr '|' ' ' >"$T/owners.txt"
python3 - "$T/recovered.txt" "$T/owners.txt" <<PY
import sys
n = $_n
owner = dict(l.split() for l in open(sys.argv[2]))
rec = [l.split() for l in open(sys.argv[1])]
wrong = [r for r in rec if (owner.get(r[0]) == r[2]) != (r[1] == "crash_recovery")]
def check(ok, what, detail):
    global n
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, what))
    if not ok:
        print("#   " + str(detail)[:2000])
check(rec and not wrong, "a restart made unknown only its own rows, a takeover only another node's",
      (wrong, rec))
check(len(rec) == len(owner), "every unknown row was made so once, by one node", (rec, owner))
PY
_n=$((_n + 2))

expect_eq "every lead is in the database exactly once" \
	"$(db "SELECT count(*), count(DISTINCT name) FROM leads")" "$LEADS|$LEADS"
expect_eq "every start joined the database as its node" \
	"$(cat "$T"/node1.log "$T"/node2.log "$T"/node3.log | grep -c 'msg=node name=')" \
	"$(cat "$T"/node*.log | grep -c 'msg=listening')"
check "the fired timers include the check-ins" test "$PENDING" -ge "$LEADS"

# Messages by outbox id; health notices to the owner (no outbox row: no
# status callback, Message-ID id 0) by their words, in notices.txt.
python3 - "$TW_REC" "$SMTP_DIR" "$T/notices.txt" >"$T/received.txt" <<'PY'
import collections, email, glob, json, re, sys
got = collections.Counter()
notices = collections.Counter()
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("answer") == 201:
        m = re.search(r"[?&]m=(\d+)\.", r["form"].get("StatusCallback", ""))
        if m:
            got[int(m.group(1))] += 1
        else:
            notices["sms " + r["form"].get("Body", "")] += 1
for f in glob.glob(sys.argv[2] + "/*.eml"):
    msg = email.message_from_bytes(open(f, "rb").read())
    i = int(re.match(r"<(\d+)\.", msg["Message-ID"]).group(1))
    if i:
        got[i] += 1
    else:
        notices["email " + str(msg["Subject"])] += 1
for k, v in sorted(got.items()):
    print(k, v)
with open(sys.argv[3], "w") as out:
    for k, v in sorted(notices.items()):
        print(v, k.replace("\n", " "), file=out)
PY
db "SELECT o.id, o.state, coalesce(t.state, '-'), o.lead_id, o.purpose, o.channel,
	coalesce(o.person, '-') FROM outbox o LEFT JOIN tasks t ON t.id = o.task_id" |
	tr '|' ' ' >"$T/rows.txt"
db "SELECT lead_id, count(*) FROM timers WHERE kind = 'step' AND state = 'fired'
	AND fired_at = extract(epoch from '$T1'::timestamptz) GROUP BY 1" | tr '|' ' ' >"$T/timers.txt"

python3 - "$T/received.txt" "$T/rows.txt" "$T/timers.txt" "$LEADS" <<PY
import collections, sys
n = $_n
got = {int(a): int(b) for a, b in (l.split() for l in open(sys.argv[1]))}
rows = [l.split() for l in open(sys.argv[2])]
timers = [l.split() for l in open(sys.argv[3])]
leads = int(sys.argv[4])
def check(ok, what, detail=""):
    global n
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, what))
    if not ok:
        print("#   " + str(detail)[:2000])
ids = {int(r[0]) for r in rows}
twice = [(i, c) for i, c in got.items() if c > 1]
notices = [l.rstrip("\n").split(" ", 1) for l in open("$T/notices.txt")]
check(all(int(c) == 1 for c, _ in notices), "each health notice reached the owner once, not once per node", notices)
check(not twice, "no message reached a provider twice (per message id)", twice)
check(set(got) <= ids, "every received message is an outbox row", set(got) - ids)
sent_bad = [r for r in rows if r[1] in ("sent", "delivered") and got.get(int(r[0]), 0) != 1]
check(not sent_bad, "every sent message was received exactly once", sent_bad)
silent = [r for r in rows if got.get(int(r[0]), 0) == 0 and r[1] != "cancelled" and
          not (r[1] in ("unknown", "failed") and r[2] != "-")]
check(not silent, "every message not received has a visible end state with a task", silent)
check(not [r for r in rows if r[1] in ("queued", "sending")], "nothing is left queued or sending")
# Per lead: one acknowledgment per channel, one check-in - decided once, sent at most once.
def per_lead(purpose):
    c = collections.Counter((r[3], r[5]) for r in rows if r[4] == purpose and r[6] == "-")
    recv = collections.Counter((r[3], r[5]) for r in rows if r[4] == purpose and r[6] == "-"
                               for _ in range(got.get(int(r[0]), 0)))
    return c, recv
acks, acks_recv = per_lead("ack")
check(len(acks) == 2 * leads and set(acks.values()) == {1},
      "every lead got one acknowledgment by text and one by email", sorted(acks.items())[:20])
check(max(acks_recv.values(), default=0) == 1 and
      len(acks_recv) >= 2 * leads - sum(1 for r in rows if r[4] == "ack" and r[1] == "unknown"),
      "every acknowledgment reached the stand-ins once (per lead)", sorted(acks_recv.items())[:20])
checkins = collections.Counter(r[3] for r in rows if r[4] == "followup" and r[6] == "-")
check(len(checkins) == leads and set(checkins.values()) == {1},
      "every lead got its next-day check-in once", sorted(checkins.items())[:20])
fired = {a: int(b) for a, b in timers}
check(len(fired) == leads and set(fired.values()) == {1},
      "every lead's check-in timer fired once, on the next day", sorted(fired.items())[:20])
PY

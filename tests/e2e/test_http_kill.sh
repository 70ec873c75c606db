#!/usr/bin/env bash
# The intake promise under SIGKILL: a 2xx means the lead is durable. 32
# clients post leads (bench/loadgen.c, each lead with its own phone and email)
# while serve is killed with -9 again and again mid-burst and restarted on the
# same port. After the last restart, `leadkeep lead list --json` must hold
# every lead that was answered 2xx exactly once; a request that got no answer
# (in flight at the kill, or refused while serve was down) may or may not be
# there, but never twice. The checker is first shown a lost and a doubled lead,
# so a checker that counts nothing cannot pass.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

KILLS=${LK_KILL_ROUNDS:-4}	# kill -9 this many times
STEP=${LK_KILL_STEP:-150}	# leads serve takes in before each kill
RATE=${LK_KILL_RATE:-600}	# leads/s offered: about what the ASan build takes on 2 cores
unset LEADKEEP_NOW

LOADGEN=$T/loadgen
if ! cc -O2 -std=c17 -D_GNU_SOURCE $(pkg-config --cflags libcurl) -o "$LOADGEN" \
	"$LK_ROOT/bench/loadgen.c" $(pkg-config --libs libcurl) 2>"$T/cc.err"; then
	not_ok "bench/loadgen.c builds"
	sed 's/^/#   /' "$T/cc.err" | head -n 10
	exit 1
fi

TOKEN=$(lk token create --name kill --role intake 2>/dev/null)
server_config "$T/kill.yaml" <<'YAML'	# the burst must reach the writer
api_rate_limit: 1000000/min
YAML
business_config </dev/null
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"

# serve on the same port each time (the clients keep their URL); ready = /readyz 200.
serve_up() {
	"$LK_BIN" serve --listen "127.0.0.1:$PORT" --config "$T/kill.yaml" >>"$T/serve.log" 2>&1 &
	SRV_PID=$!
	_pids+=("$SRV_PID")
	wait_http "$BASE/readyz" 300
}

# wait_leads N: polls the database until it holds N leads (serve alive), 30 s at most.
wait_leads() {
	local i
	for i in $(seq 1 600); do
		[ "$(sql "SELECT count(*) FROM leads")" -ge "$1" ] && return 0
		kill -0 "$SRV_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

serve_up || { not_ok "serve starts"; tail -n 5 "$T/serve.log" | sed 's/^/#   /'; exit 1; }
ok "serve starts"

# The burst: open loop at RATE/s on 32 connections, so requests are always in
# flight, until SIGTERM (then it finishes what is in flight and writes the trace).
"$LOADGEN" --url "$BASE/api/v1/leads" --header "Authorization: Bearer $TOKEN" --clients 32 \
	--rate "$RATE" --duration 120 --expect 202 --seed "$$" --trace "$T/trace" \
	--name kill >"$T/loadgen.json" 2>"$T/loadgen.err" &
GEN=$!
_pids+=("$GEN")

kills=0
for k in $(seq 1 "$KILLS"); do
	n=$(sql "SELECT count(*) FROM leads")
	if ! wait_leads $((n + STEP)); then
		not_ok "serve takes leads before kill $k"
		break
	fi
	kill -KILL "$SRV_PID"
	wait "$SRV_PID" 2>/dev/null
	kills=$((kills + 1))
	serve_up || { not_ok "serve restarts after kill $k"; tail -n 5 "$T/serve.log" | sed 's/^/#   /'; break; }
done
expect_eq "serve was killed -9 mid-burst and restarted $KILLS times" "$kills" "$KILLS"
# The last server takes leads too, then the burst ends.
n=$(sql "SELECT count(*) FROM leads")
check "the restarted server takes leads" wait_leads $((n + STEP))
kill -TERM "$GEN"
wait "$GEN"
check "the burst ended and wrote its trace" test -s "$T/trace"

lk lead list --json --limit 10000000 >"$T/leads.json"
# Per lead: how many times it entered (lead.created + lead.inquiry_again) and
# whether the decision landed whole (owner, task, timeline).
sql "SELECT l.phone, (SELECT count(*) FROM events e WHERE e.lead_id = l.id
	AND e.type IN ('lead.created', 'lead.inquiry_again')),
	CASE WHEN l.owner IS NOT NULL AND EXISTS (SELECT 1 FROM tasks t WHERE t.lead_id = l.id)
	THEN 1 ELSE 0 END FROM leads l" | tr '|' ' ' >"$T/entries"

python3 - "$T/trace" "$T/leads.json" "$T/entries" "$_n" <<'PY'
import collections, json, sys

n = int(sys.argv[4])	# TAP lines the shell printed
def tap(good, what, detail=""):
    global n
    n += 1
    print(("ok %d - %s" if good else "not ok %d - %s") % (n, what))
    if not good and detail:
        print("#   " + detail[:2000])

sent = collections.defaultdict(list)       # phone -> statuses it was answered
for line in open(sys.argv[1]):
    phone, _, _, status = line.split()
    sent[phone].append(int(status))
stored = collections.Counter(l["phone"] for l in json.load(open(sys.argv[2])))
entries = {}
whole = {}
for line in open(sys.argv[3]):
    phone, count, ok = line.split()
    entries[phone] = int(count)
    whole[phone] = ok == "1"

def verdict(sent, stored):
    """(lost, doubled, unknown): acked and not stored once; stored twice; stored, never sent."""
    acked = {p for p, st in sent.items() if any(200 <= s < 300 for s in st)}
    lost = sorted(p for p in acked if stored.get(p, 0) == 0)
    doubled = sorted(p for p, c in stored.items() if c > 1)
    unknown = sorted(p for p in stored if p not in sent)
    return lost, doubled, unknown

# The checker must be able to fail: one acked lead taken away, one stored twice.
acked = sorted(p for p, st in sent.items() if 202 in st)
if acked:
    bad = collections.Counter(stored)
    del bad[acked[0]]
    bad[acked[-1]] += 1
    l, d, _ = verdict(sent, bad)
    tap(l == [acked[0]] and d == [acked[-1]],
        "the checker flags a lost and a doubled lead (self-check)", "lost %s doubled %s" % (l, d))
else:
    tap(False, "the checker flags a lost and a doubled lead (self-check)", "no acknowledged lead")

lost, doubled, unknown = verdict(sent, stored)
statuses = collections.Counter(s for st in sent.values() for s in st)
unanswered = [p for p, st in sent.items() if not any(200 <= s < 300 for s in st)]
kept = [p for p in unanswered if stored.get(p, 0)]
print("# %d requests: %d answered 202, %d no answer (%d of them stored), other: %s; %d leads stored"
      % (sum(statuses.values()), statuses[202], statuses[0], len(kept),
         {k: v for k, v in statuses.items() if k not in (0, 202)}, sum(stored.values())))
tap(statuses[202] > 500, "the burst got many 2xx answers (%d)" % statuses[202])
tap(statuses[0] > 0, "the kills left requests without an answer (%d)" % statuses[0])
tap(all(s in (0, 202) for s in statuses), "every answer was 202 (the intake receipt) or none",
    str({k: v for k, v in statuses.items() if k not in (0, 202)}))
tap(not lost, "no lead answered 2xx is lost (%d answered)" % statuses[202], "lost: %s" % lost[:20])
tap(not doubled, "no lead is stored twice", "doubled: %s" % doubled[:20])
tap(not unknown, "every stored lead was sent by the burst", str(unknown[:20]))
twice = sorted(p for p, c in entries.items() if c != 1)
tap(not twice, "each lead entered exactly once (one lead.created, no inquiry_again)",
    str([(p, entries[p]) for p in twice[:20]]))
broken = sorted(p for p, w in whole.items() if not w)
tap(not broken, "each stored lead is whole: an owner and a task", str(broken[:20]))
PY

#!/usr/bin/env bash
# SIGTERM during a burst of intake requests: every lead that got a 2xx is in
# the database after the server stopped and started again, and the server
# exits 0. Also: concurrent requests are group-committed (fewer commits than
# leads is not asserted - that is the benchmark's job - but all must land).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

TOKEN=$(lk token create --name burst --role intake 2>/dev/null)
# no per-token limit here: the burst is meant to pile up in the writer
server_config "$T/burst.yaml" <<'YAML'
api_rate_limit: 1000000/min
YAML
business_config </dev/null
start_server --threads 8 --config "$T/burst.yaml" || { not_ok "server starts"; exit 1; }
ok "server starts"

python3 - "$BASE" "$TOKEN" "$SRV_PID" "$T/acked" <<'PY' &
import json, os, signal, sys, threading, time, urllib.request
base, token, pid, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
acked, lock, stop = [], threading.Lock(), threading.Event()
def worker(w):
    i = 0
    while not stop.is_set():
        i += 1
        name = "burst-%d-%d" % (w, i)
        body = json.dumps({"name": name, "email": "%s@example.com" % name}).encode()
        rq = urllib.request.Request(base + "/api/v1/leads", data=body, method="POST",
            headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(rq, timeout=10) as r:
                if 200 <= r.status < 300:
                    with lock:
                        acked.append(name)
        except Exception:
            if stop.is_set() or True:
                time.sleep(0.01)
            try:
                os.kill(pid, 0)
            except OSError:
                return
th = [threading.Thread(target=worker, args=(w,)) for w in range(16)]
for t in th: t.start()
time.sleep(2.0)
os.kill(pid, signal.SIGTERM)
time.sleep(3.0)
stop.set()
for t in th: t.join()
open(out, "w").write("\n".join(acked) + "\n")
PY
burst=$!
wait "$SRV_PID"
rc=$?
wait "$burst"
expect_eq "SIGTERM during the burst: exit 0" "$rc" 0
acked=$(grep -c . "$T/acked")
check "the burst got many acknowledgments" test "$acked" -gt 20

start_server || { not_ok "server restarts"; exit 1; }
rows=$(sql "SELECT count(*) FROM leads")
sql "SELECT name FROM leads" | sort >"$T/stored"
sort "$T/acked" | grep . >"$T/acked.sorted"
missing=$(comm -23 "$T/acked.sorted" "$T/stored" | wc -l)
expect_eq "no acknowledged lead is lost ($acked acknowledged, $rows stored)" "$missing" 0
expect_eq "acknowledged == stored (in-flight requests finished before exit)" "$rows" "$acked"
check "each stored lead has an owner and a task" test "$(sql "SELECT count(*) FROM leads WHERE owner IS NULL")" -eq 0
stop_server
expect_eq "second stop: exit 0" "$?" 0

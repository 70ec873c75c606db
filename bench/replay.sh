#!/usr/bin/env bash
# replay.sh - how long `leadkeep replay` takes on a month of real history.
#
#   bench/replay.sh [LEADS]     (default 1000)
#
# Builds the history through the CLI on an injected clock, as staff would:
# LEADS leads over 30 days (web form, missed call, API; every fifth an
# estimate), half of the first calls done 10 minutes in, every third lead
# replying the next day. Then times `leadkeep replay --rules NEW --since 30d`
# (NEW: web leads to maria, a 15-minute first call, no 3-day check-in) and
# prints one JSON line. Needs sqlite3 (only to find task ids). LK_BIN picks
# the binary (default build/leadkeep); LK_BENCH_KEEP=1 keeps the scratch directory.
set -u
cd "$(dirname "$0")/.."
LK=${LK_BIN:-$PWD/build/leadkeep}
N=${1:-1000}
W=$(mktemp -d /tmp/lk-bench-replay.XXXXXX)
[ -n "${LK_BENCH_KEEP:-}" ] && echo "kept: $W" >&2 || trap 'rm -rf "$W"' EXIT
export LEADKEEP_DATA=$W/data
mkdir -p "$LEADKEEP_DATA"
"$LK" rules show-default >"$LEADKEEP_DATA/rules.yaml"
python3 - "$LEADKEEP_DATA/rules.yaml" "$W/new.yaml" <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace("routing:\n", "routing:\n  - { when: { source: web_form }, owner: maria }\n", 1)
s = s.replace("within: 5m, business_hours: true }\n    # [sms", "within: 15m, business_hours: true }\n    # [sms", 1)
s = "".join(l + "\n" for l in s.splitlines() if "template: second," not in l)
open(sys.argv[2], "w").write(s)
PY

# 2026-10-26 (Monday) 14:00Z onwards, spread over 30 days.
start=1793023200
step=$((30 * 86400 / N))
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
t0=$(date +%s.%N)
for i in $(seq 1 "$N"); do
	at=$((start + i * step))
	case $((i % 3)) in 0) src=web_form ;; 1) src=phone_call ;; *) src=api ;; esac
	kind=new_inquiry; [ $((i % 5)) = 0 ] && kind=estimate
	id=$(LEADKEEP_NOW=$(iso $at) "$LK" lead add --json --name "Bench Lead $i" \
		--phone "+1312555$(printf %04d $((i % 10000)))" --source $src --kind $kind \
		--service "roof leak" | sed -n "s/^  \"id\": \([0-9]*\),/\1/p")
	if [ $((i % 2)) = 0 ]; then
		task=$(sqlite3 "$LEADKEEP_DATA/leadkeep.db" \
			"SELECT id FROM tasks WHERE lead_id = $id AND state = 'open' ORDER BY id LIMIT 1")
		[ -n "$task" ] && LEADKEEP_NOW=$(iso $((at + 600))) "$LK" task done "$task" \
			--outcome reached --by alice >/dev/null
	fi
	[ $((i % 3)) = 0 ] && LEADKEEP_NOW=$(iso $((at + 86400))) "$LK" lead log "$id" reply \
		--text "Yes, this week please" >/dev/null
done
t1=$(date +%s.%N)
now=$(iso $((start + 31 * 86400)))
s0=$(date +%s.%N)
LEADKEEP_NOW=$now "$LK" replay --rules "$W/new.yaml" --since 31d --json >"$W/out.json" || exit 1
s1=$(date +%s.%N)
python3 - "$W/out.json" "$N" "$t0" "$t1" "$s0" "$s1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"]
print(json.dumps({"bench": "replay", "leads": t["leads"], "inputs": t["inputs"],
                  "changed": t["changed"], "history_build_s": round(float(sys.argv[4]) - float(sys.argv[3]), 1),
                  "replay_s": round(float(sys.argv[6]) - float(sys.argv[5]), 2)}))
PY

#!/usr/bin/env bash
# The self-watch with two businesses in one install: each is watched under
# its own health: section; an alert of one goes to that business's owner
# only, once per episode (a restart included), its report answers to its own
# token, and /metrics counts alerts by business.
. "$(dirname "$0")/lib.sh"

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
LOG="$LK_FILES/outbox.log"
HEALTH='
health:
  check_every: 1m
  source_silent: { percentile: 90, factor_percent: 300, min_history: 10 }'

(umask 077; mkdir -p "$LK_FILES")
{ lk rules show-default; echo "$HEALTH"; } >"$LK_FILES/rules.yaml"
# Bravo: its own name and owner (dora, business_owner), the same watch.
{ lk rules show-default | sed -e 's/name: Northside Home Services/name: Bravo Roofing/' \
	-e 's/id: dan,   name: Dan Novak/id: dora,  name: Dora Baker/' \
	-e 's/dan@northside.example/dora@bravo.example/'; echo "$HEALTH"; } >"$T/bravo.yaml"
check "business add bravo" lk business add bravo "$T/bravo.yaml"

# Bravo's web form sent a lead every hour, 12:00..23:00 UTC; the install's
# own business has no history, so nothing to judge.
for h in $(seq 12 23); do
	LEADKEEP_NOW="2026-11-02T$h:00:00Z" lk lead add --business bravo --name "Form Lead $h" \
		--phone "+131255510$h" --service gutters --source web_form >/dev/null ||
		not_ok "bravo's history lead at $h:00 added"
done
OWN_TOKEN=$(lk token create --name health --role staff 2>/dev/null)
BRAVO_TOKEN=$(lk token create --business bravo --name health --role staff 2>/dev/null)

report() { curl -s -H "Authorization: Bearer $1" "$BASE/api/v1/health/report"; }
alerts() {	# alerts TOKEN: kind/subject of each open source_silent alert, [notified] when told
	report "$1" | python3 -c 'import json, sys
d = json.load(sys.stdin)
if "alerts" not in d:
    print(d.get("error", {}).get("code", "?"))
else:	# the form is what this test silences (timers fired late at start count too)
    print(" ".join(a["kind"] + "/" + a["subject"] + ("[notified]" if a["notified"] else "") for a in d["alerts"] if a["kind"] == "source_silent") or "none")'
}
notices_to() {	# notices_to ADDRESS: health notices about web_form sent to ADDRESS (log provider)
	python3 -c 'import json, sys
print(sum(1 for m in map(json.loads, open(sys.argv[1])) if m.get("purpose") == "health" and m["to"] == sys.argv[2] and "web_form" in m["body"]))' "$LOG" "$1" 2>/dev/null || echo 0
}
metric() { curl -s "$BASE/metrics" | grep "^leadkeep_health_alerts{business=\"$1\",kind=\"$2\"}" | cut -d' ' -f2; }
serve_at() {	# serve_at TIME: serve on a fixed clock, until it has looked
	LEADKEEP_NOW=$1 "$LK_BIN" serve --listen "127.0.0.1:$PORT" 2>>"$T/serve.log" &
	SERVE_PID=$!
	_pids+=("$SERVE_PID")
	wait_http "$BASE/readyz"
}
stop_serve() { kill -TERM "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID" 2>/dev/null; }
wait_notices() {	# wait_notices ADDRESS N
	for _i in $(seq 1 100); do
		[ "$(notices_to "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# Four hours after bravo's last lead: past three times its usual gap.
check "serve starts with both businesses" serve_at 2026-11-03T03:00:00Z
# (A report asked before the watch's thread runs finds the alert before
# anyone can be told: wait for the notice first.)
check "bravo's owner got the notice" wait_notices dora@bravo.example 1
expect_eq "bravo's token: bravo's report, its form gone silent, its owner told" \
	"$(alerts "$BRAVO_TOKEN")" "source_silent/web_form[notified]"
expect_eq "the install's own token: its own report, nothing wrong" "$(alerts "$OWN_TOKEN")" none
expect_eq "once" "$(notices_to dora@bravo.example)" 1
expect_eq "the install's own owner heard nothing of bravo" "$(python3 -c 'import json, sys
print(sum(1 for m in map(json.loads, open(sys.argv[1])) if m.get("purpose") == "health" and m["to"] != "dora@bravo.example"))' "$LOG")" 0
expect_contains "the notice names bravo" "$(python3 -c 'import json, sys
print(*(m["body"] for m in map(json.loads, open(sys.argv[1])) if m.get("purpose") == "health"))' "$LOG")" \
	"Bravo Roofing health alert: No lead from web_form"
expect_eq "the gauge counts bravo's alert under bravo" "$(metric bravo source_silent)" 1
expect_eq "and none under the install's own business" "$(metric default source_silent)" 0
expect_contains "the log names the business" "$(cat "$T/serve.log")" \
	"msg=health_alert business=bravo kind=source_silent"
stop_serve

check "serve starts again in the same episode" serve_at 2026-11-03T03:10:00Z
expect_eq "bravo's alert is still open (its episode kept in its state file)" "$(alerts "$BRAVO_TOKEN")" "source_silent/web_form[notified]"
sleep 1
expect_eq "bravo's owner is not told again" "$(notices_to dora@bravo.example)" 1

# A lead from bravo's form ends the episode: a "recovered" note to its owner.
LEADKEEP_NOW=2026-11-03T03:10:00Z lk lead add --business bravo --name "Form Lead New" \
	--phone +13125551100 --service gutters --source web_form >/dev/null
expect_eq "bravo's form is no alert again" "$(alerts "$BRAVO_TOKEN")" none
check "bravo's owner hears it recovered" wait_notices dora@bravo.example 2
stop_serve

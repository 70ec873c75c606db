#!/usr/bin/env bash
# `leadkeep replay` through the real binary: a real history made by the CLI
# on an injected clock over five weekdays (leads from the web form, a missed
# call and the API; calls done early and late; a reply; a STOP), then
# replayed under rules with three planted changes - web leads go to maria,
# the first call's window is 15 minutes instead of an hour, and the 3-day
# check-in is gone. The report shows exactly those effects on exactly those
# leads, and the database is the same afterwards to the byte. On either
# engine (a SQLite data directory is copied first; a PostgreSQL database is
# only read); --business replays that business's history only.
. "$(dirname "$0")/lib.sh"

mkdir -p "$LK_FILES"
# The rules the history runs: the demo's, with an hour for the first call and
# no reassignment on escalation (a round-robin handover would spread a change
# of owner to every lead after it, which is real but not what is tested here).
lk rules show-default | sed \
	-e 's/{ at: 0m,  task: call, within: 5m, business_hours: true }/{ at: 0m,  task: call, within: 1h, business_hours: true }/' \
	-e '/task_overdue: 2h,  reassign/d' >"$LK_FILES/rules.yaml"
printf 'business: [\n' >"$T/bad.yaml"
python3 - "$LK_FILES/rules.yaml" "$T/new.yaml" <<'PY'
import sys
s = open(sys.argv[1]).read()
assert "within: 1h, business_hours: true }\n    # [sms" in s and "template: second," in s
s = s.replace("routing:\n", "routing:\n  - { when: { source: web_form }, owner: maria }\n", 1)
s = s.replace("within: 1h, business_hours: true }\n    # [sms", "within: 15m, business_hours: true }\n    # [sms", 1)
s = "".join(l + "\n" for l in s.splitlines() if "template: second," not in l)
open(sys.argv[2], "w").write(s)
PY

# add TIME ARGS...: a lead arriving at TIME; prints its id.
add() { LEADKEEP_NOW=$1 lk lead add --json "${@:2}" | json_get "$(cat)" "d['id']"; }
# call_done LEAD TIME OUTCOME: the lead's open call task done at TIME.
call_done() {
	local t
	t=$(LEADKEEP_NOW=$2 lk task list --json |
		json_get "$(cat)" "[t['id'] for t in d if t['lead_id'] == $1 and t['verb'] == 'call'][0]")
	LEADKEEP_NOW=$2 lk task done "$t" --outcome "$3" --by alice >/dev/null
}

# Monday 2026-11-02 to Saturday 2026-11-07, 10 AM in Chicago (16:00Z).
web1=$(add 2026-11-02T16:00:00Z --name "Web One" --phone +13125550301 --source web_form --service "roof leak")
call_done "$web1" 2026-11-02T16:05:00Z reached			# 5 min: in time either way
web2=$(add 2026-11-03T16:00:00Z --name "Web Two" --phone +13125550302 --source web_form --service gutters)
call_done "$web2" 2026-11-03T16:25:00Z reached			# 25 min: in an hour, not in 15
phone3=$(add 2026-11-04T16:00:00Z --name "Phone Three" --phone +13125550303 --source phone_call)
call_done "$phone3" 2026-11-04T16:05:00Z no_answer		# nobody reached: the texts go on
est4=$(add 2026-11-05T16:00:00Z --name "Estimate Four" --phone +13125550304 --source api --kind estimate --service deck)
call_done "$est4" 2026-11-05T16:03:00Z reached
LEADKEEP_NOW=2026-11-06T15:00:00Z lk lead log "$est4" reply --text "Thursday works" >/dev/null
LEADKEEP_NOW=2026-11-09T16:00:00Z lk lead stage "$est4" quoted --amount 1200 >/dev/null	# no --by
web5=$(add 2026-11-06T16:00:00Z --name "Web Five" --phone +13125550305 --source web_form)
call_done "$web5" 2026-11-06T16:04:00Z reached
LEADKEEP_NOW=2026-11-07T16:00:00Z lk lead log "$web5" stop >/dev/null
expect_eq "the history holds five leads" "$(db_sql 'SELECT count(*) FROM leads')" 5

# Another business of the install, with a lead of its own in the period.
sed 's/name: Northside Home Services/name: Bravo Roofing/' "$LK_FILES/rules.yaml" >"$T/bravo.yaml"
lk business add bravo "$T/bravo.yaml" >/dev/null
bravo1=$(add 2026-11-04T17:00:00Z --business bravo --name "Bravo One" --phone +13125550306 --source web_form)

counts() {
	db_sql "SELECT (SELECT count(*) FROM leads), (SELECT count(*) FROM events),
		(SELECT count(*) FROM tasks), (SELECT count(*) FROM timers), (SELECT count(*) FROM outbox),
		(SELECT count(*) FROM rules_versions), (SELECT count(*) FROM rules_activations)"
}
dump() {	# the whole database as text
	case $LEADKEEP_DATA in
	postgres://*)	# without the random key pg_dump guards its script with
		pg_dump --no-owner "$LEADKEEP_DATA" | grep -v '^\\\(un\)\?restrict ' ;;
	*) sqlite3 "$LEADKEEP_DATA/leadkeep.db" .dump ;;
	esac
}
before_counts=$(counts)
before_hash=$(dump | sha256sum)
expect_eq "the dump holds the leads table" "$(dump | grep -c 'CREATE TABLE.*leads (')" 1
before_files=$(ls "$LK_FILES")

export LEADKEEP_NOW=2026-11-25T18:00:00Z
j=$(lk replay --rules "$T/new.yaml" --json); rc=$?
expect_eq "replay --json: exit 0" "$rc" 0
lead() { json_get "$j" "[l for l in d['leads'] if l['id'] == $1][0]$2"; }

expect_eq "every lead of the period is replayed, the business's own only" \
	"$(json_get "$j" "[l['id'] for l in d['leads']]")" "[$web1, $web2, $phone3, $est4, $web5]"
expect_eq "the owner changes for the web leads only" \
	"$(json_get "$j" "[l['id'] for l in d['leads'] if l['changes']['owner_changed']]")" \
	"[$web1, $web2, $web5]"
expect_eq "and goes to maria" \
	"$(json_get "$j" "sorted({l['new']['owner'] for l in d['leads'] if l['source'] == 'web_form'})")" \
	"['maria']"
expect_eq "the phone and API leads keep alice and bob" \
	"$(lead "$phone3" "['new']['owner']") $(lead "$est4" "['new']['owner']")" "alice bob"
expect_eq "the missing message: the phone lead's 3-day text, on Saturday at 10 AM" \
	"$(lead "$phone3" "['changes']['messages_removed']")" \
	"[{'channel': 'sms', 'purpose': 'followup', 'at': '2026-11-07T16:00:00Z'}]"
expect_eq "no other message is added, removed or moved" \
	"$(json_get "$j" "[d['totals'][k] for k in ('messages_added', 'messages_removed', 'messages_moved')]")" \
	"[0, 1, 0]"
expect_eq "the window now missed: Web Two's call, due 10:15, done 10:25" \
	"$(lead "$web2" "['changes']['windows_now_missed']")" \
	"[{'verb': 'call', 'person': 'maria', 'due': '2026-11-03T16:15:00Z', 'closed': '2026-11-03T16:25:00Z'}]"
expect_eq "no other window changes" \
	"$(json_get "$j" "[l['id'] for l in d['leads'] if l['changes']['windows_now_missed'] or l['changes']['windows_now_met']]")" \
	"[$web2]"
expect_eq "the estimate lead is untouched" "$(lead "$est4" "['changed']")" "False"
expect_eq "touches: one fewer" "$(json_get "$j" "d['totals']['touches_was'] - d['totals']['touches_new']")" 1
expect_eq "the phone lead goes cold in both, at the 7-day step" \
	"$(lead "$phone3" "['was']['cold_at']") $(lead "$phone3" "['new']['cold_at']")" \
	"2026-11-11T16:00:00Z 2026-11-11T16:00:00Z"
expect_eq "the reply, the calls, the stage move and the STOP were replayed, nothing refused" \
	"$(json_get "$j" "[d['totals']['inputs'], d['refused']]")" \
	"[13, {'was': {}, 'new': {}}]"
expect_eq "the quote's follow-up call two days on, in both runs (no timer fired in the real database)" \
	"$(lead "$est4" "['was']['tasks'] - d['leads'][3]['real']['tasks']") $(lead "$est4" "['new']['tasks'] - d['leads'][3]['real']['tasks']")" "1 1"
expect_eq "the STOP stops Web Five's texts in both runs" \
	"$(lead "$web5" "['was']['touches']") $(lead "$web5" "['new']['touches']")" "1 1"

# The same in the table.
out=$(lk replay --rules "$T/new.yaml"); rc=$?
expect_eq "replay: exit 0" "$rc" 0
expect_contains "table: Web Two's owner and window" "$out" "Web Two "
expect_contains "table: the window now missed" "$out" "now missed: call by maria due Nov 3 10:15"
expect_contains "table: the missing text" "$out" "- sms followup Nov 7 10:00"
expect_eq "table: four leads changed" "$(grep -c '^[0-9]\+   ' <<<"$out")" 4
expect_contains "table: totals" "$out" "messages: 0 added, 1 removed, 0 moved"
expect_contains "table: leads changed" "$out" "4 of 5 leads handled differently, 3 with another owner"

# The same rules: nothing differs.
same=$(lk replay --rules "$LK_FILES/rules.yaml" --json)
expect_eq "the rules in use: nothing changes" "$(json_get "$same" "d['totals']['changed']")" 0

# --was: the rules the history ran, named instead of read from the database.
was=$(lk replay --rules "$T/new.yaml" --was "$LK_FILES/rules.yaml" --json)
expect_eq "--was the same rules: the same four leads change" \
	"$(json_get "$was" "[d['totals']['changed'], d['rules']]")" \
	"$(json_get "$j" "[d['totals']['changed'], d['rules']]")"
out=$(lk replay --rules "$T/new.yaml" --was "$T/bad.yaml" 2>&1); rc=$?
expect_eq "--was with errors: exit 3" "$rc" 3

# --since: only the leads of the last 21 days (from Nov 4, 12:00).
since=$(lk replay --rules "$T/new.yaml" --since 21d --json)
expect_eq "--since 21d: the last two leads" "$(json_get "$since" "[l['id'] for l in d['leads']]")" \
	"[$est4, $web5]"

# --business: that business's history, under the new rules given.
b=$(lk replay --business bravo --rules "$T/new.yaml" --json); rc=$?
expect_eq "replay --business bravo: exit 0" "$rc" 0
expect_eq "...bravo's lead only" "$(json_get "$b" "[l['id'] for l in d['leads']]")" "[$bravo1]"
expect_eq "...now owned by maria" "$(json_get "$b" "d['leads'][0]['new']['owner']")" maria
out=$(lk replay --business nosuch --rules "$T/new.yaml" 2>&1); rc=$?
expect_eq "replay --business with no such business: usage error" "$rc" 2

# Nothing of the real data changed.
expect_eq "row counts unchanged" "$(counts)" "$before_counts"
expect_eq "database unchanged (sha256 of the dump)" \
	"$(dump | sha256sum)" "$before_hash"
expect_eq "no file added to leadkeep's files" "$(ls "$LK_FILES")" "$before_files"
expect_eq "no throwaway directory left behind" \
	"$(find /tmp -maxdepth 1 -name 'leadkeep-replay.*' -newer "$T/new.yaml" | wc -l)" 0

# Bad input.
out=$(lk replay 2>&1); rc=$?
expect_eq "no --rules: usage error" "$rc" 2
expect_contains "and says what is missing" "$out" "--rules NEW"
out=$(lk replay --rules "$T/new.yaml" --since 3x 2>&1); rc=$?
expect_eq "bad --since: usage error" "$rc" 2
out=$(lk replay --rules "$T/bad.yaml" 2>&1); rc=$?
expect_eq "bad rules: exit 3" "$rc" 3
out=$(lk replay --rules "$T/new.yaml" --data "$T/nothing" 2>&1); rc=$?
expect_eq "no database: exit 1" "$rc" 1
expect_contains "and says so" "$out" "no data directory"

echo "1..$_n"

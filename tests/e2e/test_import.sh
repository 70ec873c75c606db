#!/usr/bin/env bash
# leadkeep import and export: common headers and --map, every row imported
# or reported with its line and reason, duplicates merged through the flow's
# matching, nothing sent by default, follow-ups from today without the
# first-contact message, opt-outs kept, --dry-run, a progress bar on a
# terminal only, and export (CSV and JSON lines) read back by import.
. "$(dirname "$0")/lib.sh"
MAIN=$LEADKEEP_DATA	# the database the test starts on (either engine)
export LEADKEEP_NOW=2026-11-24T20:02:00Z	# a Tuesday, 2:02 PM in Chicago: open

cat >"$T/crm.csv" <<'EOF'
Full Name,Mobile,E-mail,Status,Assigned To,Zip,Notes
Marcus Johnson,(312) 555-0199,marcus@example.com,New,alice,60614,"Wants a deck, ""soon""
and a fence"
Ana Ruiz,312-555-0123,,Contacted,Bob Tran,60615,
,,,,,,
Pat Doe,call me,,quoted,,60616,
Bad Stage,3125550111,,Prospect,,60617,
,,,new,,,
Marcus J,3125550199,,,,60614,again
Wendy Won,3125550222,,won,,,
Ghost,3125550333,,,zed,,
EOF

out=$(lk import "$T/crm.csv" --dry-run 2>"$T/dry.err"); rc=$?
expect_eq "a dry run with refused rows exits 1" "$rc" 1
expect_contains "a dry run says so" "$out" "Dry run, nothing changed"
expect_eq "a dry run changes nothing" "$(db_sql "SELECT count(*) FROM leads")" 0
expect_contains "a dry run shows the columns it recognised" "$(cat "$T/dry.err")" '"Mobile" -> phone'

out=$(lk import "$T/crm.csv" 2>"$T/err"); rc=$?
err=$(cat "$T/err")
expect_eq "import with refused rows exits 1" "$rc" 1
expect_contains "the summary counts every row" "$out" "8 rows: 4 new leads, 1 merged into leads already here, 3 refused"
expect_contains "an unknown stage is reported with its line" "$err" "crm.csv:7: stage: no stage \"Prospect\""
expect_contains "a row without name, phone or email is reported" "$err" "crm.csv:8: no name, phone or email"
expect_contains "an unknown owner is reported" "$err" "crm.csv:11: owner: no person \"zed\""
expect_contains "a lead kept with an unreadable phone is noted" "$err" "crm.csv:6: note: imported, flagged"
check "a blank row is not reported" bash -c "! grep -q 'crm.csv:5' '$T/err'"
check "no progress bar when standard error is not a terminal" bash -c "! grep -q '%' '$T/err'"
sql() { db_sql "$1"; }
expect_eq "stages and owners from the file (case and names matched)" \
	"$(sql "SELECT name || ':' || stage || ':' || status || ':' || owner FROM leads ORDER BY id" | tr '\n' ' ')" \
	"Marcus Johnson:new:open:alice Ana Ruiz:contacted:open:bob Pat Doe:quoted:open:alice Wendy Won:won:won:bob "
expect_eq "a quoted field keeps its quotes and line break" "$(sql "SELECT message FROM leads WHERE id = (SELECT min(id) FROM leads)")" \
	"$(printf 'Wants a deck, "soon"\nand a fence')"
expect_eq "an unknown column is kept as a custom field" "$(sql "SELECT custom FROM leads WHERE id = (SELECT min(id) FROM leads)")" '{"Zip":"60614"}'
expect_eq "the duplicate (same phone) is merged into the first lead" \
	"$(sql "SELECT count(*) FROM events WHERE lead_id = (SELECT min(id) FROM leads) AND type = 'lead.imported_again'")" 1
expect_eq "nothing is sent to anybody by default" "$(sql "SELECT count(*) FROM outbox")" 0
expect_eq "no timers: no follow-ups, no escalations" "$(sql "SELECT count(*) FROM timers")" 0
expect_eq "each open lead gets one quiet review task" \
	"$(sql "SELECT count(*) FROM tasks WHERE verb = 'review' AND state = 'open'")" 3
expect_eq "a won record gets no task" "$(sql "SELECT count(*) FROM tasks t JOIN leads l ON l.id = t.lead_id WHERE l.name = 'Wendy Won'")" 0

# The matching policy is the flow's: a lead added by hand is merged into.
export LEADKEEP_DATA=$T/d2
lk lead add --name "Ana Ruiz" --phone "312-555-0123" >/dev/null 2>&1
printf 'Name,Phone\nAna R.,(312) 555-0123\n' >"$T/again.csv"
out=$(lk import "$T/again.csv" 2>&1); rc=$?
expect_eq "import with every row imported exits 0" "$rc" 0
expect_contains "a record of a lead already here is merged" "$out" "0 new leads, 1 merged"
expect_eq "the merge is on the lead's timeline, and nothing else happens" \
	"$(sql "SELECT count(*) FROM events WHERE type = 'lead.imported_again'"):$(sql "SELECT count(*) FROM tasks")" "1:1"

# Follow-ups from today: the sequence runs, the first-contact message does not.
export LEADKEEP_DATA=$T/d3
printf 'First Name;Last Name;Phone;Email;SMS Opt Out\nTina;Today;3125550444;tina@example.com;no\nOlga;Out;3125550555;olga@example.com;yes\n' >"$T/today.csv"
out=$(lk import "$T/today.csv" --automation today 2>&1); rc=$?
expect_eq "a semicolon-separated file with first and last names" "$rc:$(sql "SELECT name FROM leads ORDER BY id" | paste -sd, -)" "0:Tina Today,Olga Out"
expect_eq "no message to the leads (no acknowledgment)" \
	"$(sql "SELECT count(*) FROM outbox WHERE person IS NULL")" 0
expect_eq "follow-ups from today are timers" \
	"$(sql "SELECT count(*) FROM timers WHERE kind = 'step' AND state = 'pending'")" 2
expect_eq "the skipped first contact is on the timeline" \
	"$(sql "SELECT count(*) FROM events WHERE type = 'step.skipped' AND lead_id = 1")" 2
expect_eq "an opt-out in the records is kept" "$(sql "SELECT sms_opt_out FROM leads WHERE name = 'Olga Out'")" 1
LEADKEEP_NOW=2026-11-25T20:10:00Z "$LK_BIN" serve --listen 127.0.0.1:0 >"$T/serve.log" 2>&1 &	# not lk: $! must be serve
_pids+=($!); srv=$!
for i in $(seq 1 50); do
	[ "$(sql "SELECT count(*) FROM timers WHERE kind = 'step' AND state = 'fired'")" -ge 2 ] && break
	sleep 0.1
done
kill -TERM "$srv"; wait "$srv" 2>/dev/null
# The demo's check-ins go by text, or by email where no text may go: the lead
# who opted out of texts (in the records) is emailed, never texted.
expect_eq "a day later the follow-ups honour the opt-out: a text to one, an email to the other" \
	"$(sql "SELECT channel || ':' || recipient FROM outbox WHERE person IS NULL AND purpose = 'followup' ORDER BY channel" | paste -sd' ' -)" \
	"email:olga@example.com sms:+13125550444"

# --map, a byte order mark, Windows-1252, refused headers and options.
export LEADKEEP_DATA=$T/d4
printf '\xef\xbb\xbfCustomer Ref,Who,Cell #,Budget\n' >"$T/map.csv"
printf 'A-1,Jos\xe9 Mart\xedn,3125550666,$5k\n' >>"$T/map.csv"
out=$(lk import "$T/map.csv" --map "Who=name,Cell #=phone,Customer Ref=external_id,Budget=custom.budget" 2>&1); rc=$?
expect_eq "--map names the columns" "$rc:$(sql "SELECT name || '|' || phone || '|' || external_id || '|' || custom FROM leads")" \
	"0:José Martín|+13125550666|A-1|{\"budget\":\"\$5k\"}"
expect_eq "an imported lead's time zone comes from its phone number" \
	"$(sql "SELECT timezone FROM leads")" "America/Chicago"
out=$(lk import "$T/map.csv" --map "Nope=name" 2>&1); rc=$?
expect_eq "--map naming a column the file lacks is a usage error" "$rc" 2
expect_contains "and says which" "$out" 'no column "Nope"'
out=$(lk import "$T/map.csv" --map "Who=nickname" 2>&1); rc=$?
expect_eq "--map naming an unknown field is a usage error" "$rc" 2
printf 'Colour,Size\nred,L\n' >"$T/nocontact.csv"
out=$(lk import "$T/nocontact.csv" 2>&1); rc=$?
expect_eq "a header without name, phone or email is a usage error" "$rc" 2
expect_contains "and says how to fix it" "$out" "--map"
out=$(lk import "$T/none.csv" 2>&1); rc=$?
expect_eq "a missing file is a usage error" "$rc" 2
out=$(lk import "$T/map.csv" --automation always 2>&1); rc=$?
expect_eq "an unknown --automation is a usage error" "$rc" 2

# The progress bar: on a terminal only.
if command -v script >/dev/null; then
	export LEADKEEP_DATA=$T/d5
	script -qec "$LK_BIN import $T/crm.csv" /dev/null >"$T/tty.out" 2>&1
	expect_contains "a progress bar on a terminal" "$(cat "$T/tty.out")" "100% 8 rows"
fi

# Export, and back in.
export LEADKEEP_DATA=$MAIN
lk export --output "$T/out.csv" 2>/dev/null; rc=$?
expect_eq "export --output" "$rc:$(stat -c %a "$T/out.csv")" "0:600"
expect_eq "export writes a header and a row per lead" "$(python3 -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1], newline="")))))' "$T/out.csv")" 5
lk export --format jsonl --timeline >"$T/out.jsonl"
expect_eq "JSON lines: a lead a line, each with its timeline" \
	"$(python3 -c 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; print(len(l), all(len(x["timeline"]) > 0 for x in l))' "$T/out.jsonl")" "4 True"
lk lead add --name "=HYPERLINK(\"http://x\")" --phone 3125550888 >/dev/null 2>&1
lk export --timeline >"$T/tl.csv"
check "a cell a spreadsheet would run as a formula is guarded" grep -q "\"'=HYPERLINK" "$T/tl.csv"
check "a phone number is not guarded" grep -q '"+13125550888"' "$T/tl.csv"
export LEADKEEP_DATA=$T/back
out=$(lk import "$T/tl.csv" 2>&1); rc=$?
expect_eq "an export with its timeline is read back" "$rc" 0
expect_eq "every lead, with its stage, owner and custom fields" \
	"$(sqlite3 "$T/back/leadkeep.db" "SELECT count(*), sum(stage = 'won'), max(custom LIKE '%60614%') FROM leads")" "5|1|1"
expect_eq "the formula guard is undone on the way back" \
	"$(sqlite3 "$T/back/leadkeep.db" "SELECT count(*) FROM leads WHERE name = '=HYPERLINK(\"http://x\")'")" 1
out=$(lk export --format xml 2>&1); rc=$?
expect_eq "an unknown export format is a usage error" "$rc" 2
echo "1..$_n"

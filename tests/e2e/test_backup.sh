#!/usr/bin/env bash
# Backup, restore and upgrade. `leadkeep backup` while serve takes a burst of
# intakes (32 clients, bench/loadgen.c): intake goes on, every copy opens, is
# intact (integrity_check, foreign keys) and consistent (each lead with its
# creation entry and its first task, nothing half written); `restore` brings
# a copy into a new directory that serve starts on, and refuses a live or
# non-empty one. An upgrade of a database made by an older release (the
# fixture, schema 5) copies it first, says where, and keeps its leads and
# pending timers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"
unset LEADKEEP_NOW

LOADGEN=$T/loadgen
if ! cc -O2 -std=c17 -D_GNU_SOURCE $(pkg-config --cflags libcurl) -o "$LOADGEN" \
	"$LK_ROOT/bench/loadgen.c" $(pkg-config --libs libcurl) 2>"$T/cc.err"; then
	not_ok "bench/loadgen.c builds"
	sed 's/^/#   /' "$T/cc.err" | head -n 10
	exit 1
fi

# consistent DB: prints what is wrong with a copy, nothing when it is whole.
consistent() {
	sqlite3 "$1" "PRAGMA integrity_check" | grep -v '^ok$'
	sqlite3 "$1" "PRAGMA foreign_key_check"
	sqlite3 "$1" "SELECT 'lead ' || id || ' without its creation entry' FROM leads
		WHERE id NOT IN (SELECT lead_id FROM events WHERE type = 'lead.created');
		SELECT 'lead ' || id || ' without a task' FROM leads
		WHERE id NOT IN (SELECT lead_id FROM tasks);
		SELECT 'lead ' || id || ' without an owner' FROM leads WHERE owner IS NULL;"
}

# On PostgreSQL leadkeep makes no copy of its own: both commands refuse,
# exit 1, naming PostgreSQL's tools, and change nothing.
if [ "${LK_STORE:-}" = pg ]; then
	lk lead add --name "Kept Lead" --phone 3125550111 >/dev/null 2>&1
	out=$(lk backup "$T/copy.db" 2>&1); rc=$?
	expect_eq "backup on PostgreSQL: exit 1" "$rc" 1
	expect_contains "... naming pg_dump" "$out" "pg_dump"
	check "... and writing no file" test ! -e "$T/copy.db"
	touch "$T/copy.db"
	out=$(lk restore "$T/copy.db" 2>&1); rc=$?
	expect_eq "restore on PostgreSQL: exit 1" "$rc" 1
	expect_contains "... naming pg_restore" "$out" "pg_restore"
	expect_eq "... and the database is as it was" "$(db_sql "SELECT count(*) FROM leads")" 1
fi
sqlite_only "the copies are SQLite files (leadkeep backup, restore, upgrade copies)"

TOKEN=$(lk token create --name backup --role intake 2>/dev/null)
server_config "$T/burst.yaml" <<'YAML'
api_rate_limit: 1000000/min
YAML
business_config </dev/null
start_server --config "$T/burst.yaml" || { not_ok "serve starts"; exit 1; }
"$LOADGEN" --url "$BASE/api/v1/leads" --header "Authorization: Bearer $TOKEN" --clients 32 \
	--rate 300 --duration 6 --expect 202 --seed "$$" --name backup \
	>"$T/loadgen.json" 2>"$T/loadgen.err" &
GEN=$!
_pids+=("$GEN")
sleep 1
copies_ok=0 copies=0 before=$(sql "SELECT count(*) FROM leads")
for i in 1 2 3; do
	copies=$((copies + 1))
	if lk backup "$T/copy$i.db" >"$T/backup$i.out" 2>&1 && [ -z "$(consistent "$T/copy$i.db")" ]; then
		copies_ok=$((copies_ok + 1))
	else
		echo "# copy $i: $(cat "$T/backup$i.out") $(consistent "$T/copy$i.db" | head -n 3)"
	fi
	sleep 0.7
done
after=$(sql "SELECT count(*) FROM leads")
wait "$GEN"
expect_eq "three backups during the burst: each opens, intact and consistent" "$copies_ok" 3
check "intake went on while the copies were made ($before -> $after leads)" test "$after" -gt "$before"
n1=$(sqlite3 "$T/copy1.db" "SELECT count(*) FROM leads")
n3=$(sqlite3 "$T/copy3.db" "SELECT count(*) FROM leads")
check "each copy is a later snapshot ($n1 <= $n3 leads)" test "$n1" -le "$n3"
sent=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("errors", d.get("failed", 0)))' \
	"$T/loadgen.json" 2>/dev/null || echo "?")
expect_eq "no intake refused while backing up" "$sent" 0
expect_eq "a copy is mode 0600" "$(stat -c %a "$T/copy1.db")" 600
check "a copy is one file (no -wal beside it)" test ! -e "$T/copy1.db-wal"
expect_contains "backup says where" "$(cat "$T/backup1.out")" "to $T/copy1.db"

# A final copy once the burst is over, then restore it elsewhere.
lk backup "$T/final.db" >/dev/null 2>&1
total=$(sql "SELECT count(*) FROM leads")
out=$(lk restore "$T/final.db" --data "$LEADKEEP_DATA" 2>&1); rc=$?
expect_eq "restore refuses the live data directory (exit 1)" "$rc" 1
expect_contains "and says why" "$out" "is not empty"
expect_eq "the live database is untouched" "$(sql "SELECT count(*) FROM leads")" "$total"
mkdir -p "$T/other" && echo x >"$T/other/notes.txt"
out=$(lk restore "$T/final.db" --data "$T/other" 2>&1); rc=$?
expect_eq "restore refuses a non-empty directory" "$rc" 1
check "and leaves it as it was" test "$(ls "$T/other")" = notes.txt
stop_server

out=$(lk restore "$T/final.db" --data "$T/restored" 2>&1); rc=$?
expect_eq "restore into a new directory" "$rc" 0
expect_eq "the restored data directory is 0700" "$(stat -c %a "$T/restored")" 700
expect_eq "every lead is there" "$(sqlite3 "$T/restored/leadkeep.db" "SELECT count(*) FROM leads")" "$total"
expect_eq "the restored copy is consistent" "$(consistent "$T/restored/leadkeep.db")" ""
LEADKEEP_DATA=$T/restored start_server || not_ok "serve starts on the restored directory"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/api/v1/leads" \
	-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	-d '{"name":"After Restore","phone":"3125550777"}')
expect_eq "the old token and intake work on the restored server" "${code:0:1}" 2
stop_server
echo "not a database" >"$T/junk.db"
out=$(lk restore "$T/junk.db" --data "$T/junk" 2>&1); rc=$?
expect_eq "restore refuses a file that is not a leadkeep database" "$rc" 1
check "and leaves no database behind" test ! -e "$T/junk/leadkeep.db"
out=$(lk restore "$T/nothing.db" --data "$T/nothing" 2>&1); rc=$?
expect_eq "restore of a missing file is a usage error" "$rc" 2

# The upgrade: a schema-5 database with its leads and pending timers.
mkdir -m 700 "$T/old"
sqlite3 "$T/old/leadkeep.db" <"$LK_ROOT/tests/e2e/fixtures/upgrade-schema5.sql"
pending=$(sqlite3 "$T/old/leadkeep.db" "SELECT group_concat(id || ':' || due_at || ':' || kind) FROM timers WHERE state = 'pending' ORDER BY id")
out=$(LEADKEEP_NOW=2026-11-24T20:05:00Z lk lead list --data "$T/old" 2>&1); rc=$?
expect_eq "a newer leadkeep opens an older database" "$rc" 0
expect_contains "and says where the copy made before upgrading is" "$out" "a copy of it as it was is at $T/old/leadkeep.db.schema-5."
bak=$(ls "$T"/old/leadkeep.db.schema-5.*.bak 2>/dev/null | head -n 1)
check "the copy exists" test -n "$bak"
expect_eq "the copy is the old schema" "$(sqlite3 "$bak" "PRAGMA user_version")" 5
expect_eq "the copy is mode 0600" "$(stat -c %a "$bak")" 600
expect_eq "the database is migrated" "$(sqlite3 "$T/old/leadkeep.db" "PRAGMA user_version")" \
	"$(sqlite3 "$T/restored/leadkeep.db" "PRAGMA user_version")"
expect_eq "its leads are kept" "$(sqlite3 "$T/old/leadkeep.db" "SELECT count(*) FROM leads")" 3
expect_eq "its pending timers are kept" \
	"$(sqlite3 "$T/old/leadkeep.db" "SELECT group_concat(id || ':' || due_at || ':' || kind) FROM timers WHERE state = 'pending' ORDER BY id")" "$pending"
expect_contains "the upgraded leads read as before" "$out" "Marcus Johnson"
out=$(lk lead list --data "$T/old" 2>&1)
expect_eq "a second start makes no second copy" "$(ls "$T"/old/leadkeep.db.schema-* | wc -l)" 1
# The timers still fire: a day later the first follow-up is due.
LEADKEEP_NOW=2026-11-26T20:05:00Z start_server --data "$T/old" >/dev/null
for i in $(seq 1 50); do
	[ "$(sqlite3 "$T/old/leadkeep.db" "SELECT count(*) FROM timers WHERE state = 'fired'")" -gt 0 ] && break
	sleep 0.1
done
check "its timers fire after the upgrade" test "$(sqlite3 "$T/old/leadkeep.db" "SELECT count(*) FROM timers WHERE state = 'fired'")" -gt 0
stop_server
echo "1..$_n"

#!/usr/bin/env bash
# Calendar feeds: `leadkeep calendar token PERSON` prints a private address
# of the person's open tasks as iCalendar; an independent parser (Debian's
# python3-icalendar) reads every task back with its title, lines end in CRLF
# and are folded at 75 octets, text is escaped; a new address ends the old
# one, --revoke ends it, and nobody else's tasks are in it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"
export LEADKEEP_NOW=2026-11-24T20:02:00Z

long="Zoë O'Brien-Łukasiewicz, Jr.; the \"third\" \\ of that name, who wants a very long deck"
lk lead add --name "$long" --phone 3125550301 --owner alice --service "deck; fence, gate" >/dev/null 2>&1
lk lead add --name "Bob's Lead" --phone 3125550302 --owner bob >/dev/null 2>&1
url=$(lk calendar token alice --base http://example.test 2>/dev/null); rc=$?
expect_eq "calendar token prints an address" "$rc" 0
expect_contains "the address is under /cal/ and ends in .ics" "$url" "http://example.test/cal/"
path=${url#http://example.test}
start_server || { not_ok "serve starts"; exit 1; }
out=$(curl -s -D "$T/h" -o "$T/feed.ics" -w '%{http_code}' "$BASE$path")
expect_eq "the feed answers" "$out" 200
expect_contains "as text/calendar" "$(cat "$T/h")" "text/calendar"
check "every line ends in CRLF" python3 -c '
import sys; d=open(sys.argv[1],"rb").read(); sys.exit(0 if d.endswith(b"\r\n") and d.count(b"\n") == d.count(b"\r\n") else 1)' "$T/feed.ics"
check "no line is longer than 75 octets" python3 -c '
import sys; sys.exit(0 if all(len(l) <= 75 for l in open(sys.argv[1],"rb").read().split(b"\r\n")) else 1)' "$T/feed.ics"
check "a long title is folded" grep -q $'^ ' "$T/feed.ics"
want=$(sql "SELECT title FROM tasks WHERE assignee = 'alice' AND state = 'open' ORDER BY due_at, id")
# Debian's python3-icalendar is for Debian's python3, whatever python3 is first on PATH.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
got=$("$PY" - "$T/feed.ics" <<'PY'
import sys
from icalendar import Calendar
cal = Calendar.from_ical(open(sys.argv[1], "rb").read())
for ev in cal.walk("VEVENT"):
    assert ev.get("DTSTART").dt.tzinfo is not None and ev.get("UID") and ev.get("DTSTAMP")
    print(str(ev.get("SUMMARY")))
PY
)
expect_eq "python3-icalendar reads every open task of alice, titles intact" "$got" "$want"
expect_contains "escaped text comes back as it was" "$got" "O'Brien-Łukasiewicz, Jr.; the \"third\" \\ of"
check "bob's tasks are not in alice's feed" bash -c "! grep -q \"Bob's Lead\" '$T/feed.ics'"
url2=$(lk calendar token alice 2>/dev/null)
expect_eq "a new address ends the old one" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")" 404
expect_contains "the new one works (default base)" "$(curl -s "${url2/http:\/\/127.0.0.1:8080/$BASE}")" "BEGIN:VCALENDAR"
out=$(lk calendar token alice --revoke 2>&1); rc=$?
expect_eq "--revoke" "$rc" 0
expect_eq "a revoked address is 404" "$(curl -s -o /dev/null -w '%{http_code}' "${url2/http:\/\/127.0.0.1:8080/$BASE}")" 404
out=$(lk calendar token alice --revoke 2>&1); rc=$?
expect_eq "revoking twice is a usage error" "$rc" 2
out=$(lk calendar token zed 2>&1); rc=$?
expect_eq "an unknown person is a usage error" "$rc" 2
expect_eq "a made-up token is 404" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/cal/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics")" 404
stop_server
echo "1..$_n"

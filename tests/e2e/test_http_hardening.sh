#!/usr/bin/env bash
# The smaller doors of issue 11: the method is quoted on the log line (a TAB
# cannot forge a field); a body whose length is given twice is refused; the
# health checks answer at once while another process holds the database's
# write lock; the data directory and database are the owner's only; a
# snooze far away (or to a garbage time) is refused; an inbound email whose
# sender the provider could not verify says so on the lead's timeline.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

export LK_SENDGRID_KEY=sg-secret
server_config "$T/serve.yaml" </dev/null
business_config <<'YAML'
sources:
  sendgrid: { key: "env:LK_SENDGRID_KEY" }
YAML
TOKEN=$(lk token create --name e2e --role admin 2>/dev/null)
start_server --config "$T/serve.yaml" || { not_ok "server starts"; cat "$T/serve.log"; exit 1; }
ok "server starts"

# raw REQUEST-BYTES: sends them as they are; prints the status line, and
# "closed" when the server closed the connection after answering.
raw() {
	python3 - "$PORT" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(sys.argv[2].encode("latin-1").decode("unicode_escape").encode("latin-1"))
s.settimeout(5)
data = b""
try:
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    status = data.split(b"\r\n")[0].decode()
    try:
        rest = s.recv(65536)
        while rest:
            rest = s.recv(65536)
        closed = " closed"
    except socket.timeout:
        closed = ""
except socket.timeout:
    status, closed = "no answer", ""
print(status + closed)
PY
}

# --- the method on the log line ---------------------------------------------------
out=$(raw 'GET\tstatus=200 /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
sleep 0.2
line=$(grep 'msg=request' "$T/serve.log" | grep 'path=/healthz' | grep 'status=405' | tail -n 1)
expect_contains "a TAB in the method: the method is quoted" "$line" 'method="GET status=200"'
if [[ "$line" == *$'\t'* ]]; then not_ok "...and the line holds no TAB"; else ok "...and the line holds no TAB"; fi

# --- the body's length said twice ---------------------------------------------------
post='POST /in/form/nope HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n'
expect_eq "two Content-Length headers: 400, connection closed" \
	"$(raw "${post}Content-Length: 5\r\nContent-Length: 50\r\n\r\nname=")" "HTTP/1.1 400 Bad Request closed"
expect_eq "two equal Content-Length headers: 400 too" \
	"$(raw "${post}Content-Length: 5\r\nContent-Length: 5\r\n\r\nname=")" "HTTP/1.1 400 Bad Request closed"
expect_eq "Content-Length with chunked: 400" \
	"$(raw "${post}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nname=\r\n0\r\n\r\n")" \
	"HTTP/1.1 400 Bad Request closed"
expect_eq "one Content-Length: read as ever (the form is unknown: 404)" \
	"$(raw "${post}Content-Length: 5\r\nConnection: close\r\n\r\nname=")" "HTTP/1.1 404 Not Found closed"
expect_contains "...logged as error=ambiguous_length" "$(cat "$T/serve.log")" "error=ambiguous_length"

# --- files only the owner can read ------------------------------------------------------
out=$(api POST /api/v1/leads '{"name":"Ana Lima","email":"ana@example.com","phone":"312-555-0150"}')
expect_eq "a lead: 201" "$(status_of "$out")" 201
lead=$(json_get "$(body_of "$out")" 'd["id"]')
task=$(json_get "$(body_of "$out")" 'd["tasks"][0]["id"]')
if [ "${LK_STORE:-}" = pg ]; then
	# No database file, and PostgreSQL has no whole-database write lock to
	# report: leadkeep's own files are in the files directory.
	expect_eq "the files directory is 0700" "$(stat -c %a "$LK_FILES")" 700
	expect_eq "its files are 0600" \
		"$(stat -c %a "$LK_FILES"/link.key "$LK_FILES"/dispatcher.lock | sort -u)" 600
else
	expect_eq "the data directory is 0700" "$(stat -c %a "$LEADKEEP_DATA")" 700
	expect_eq "the database and its WAL files are 0600" \
		"$(stat -c %a "$LEADKEEP_DATA"/leadkeep.db "$LEADKEEP_DATA"/leadkeep.db-wal "$LEADKEEP_DATA"/leadkeep.db-shm | sort -u)" 600

	# --- health while another process holds the write lock ---------------------------------
	python3 - "$LEADKEEP_DATA/leadkeep.db" "$T/locked" <<-'PY' &
	import sqlite3, sys, time
	db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
	db.execute("BEGIN IMMEDIATE")
	open(sys.argv[2], "w").close()
	time.sleep(4)
	db.execute("ROLLBACK")
	PY
	locker=$!
	_pids+=("$locker")
	for i in $(seq 1 100); do [ -f "$T/locked" ] && break; sleep 0.05; done
	sleep 1.1	# past the cached check
	t0=$(date +%s%N)
	out=$(req GET /readyz)
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	if [ "$ms" -lt 1500 ]; then ok "readyz answers at once under a lock (${ms} ms)"; else not_ok "readyz answers at once under a lock (${ms} ms)"; fi
	expect_contains "...and says the database is locked" "$out" '"database_locked":true'
	expect_eq "...still ready: a short lock is normal" "$(status_of "$out")" 200
	t0=$(date +%s%N)
	out=$(req GET /healthz)
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	if [ "$ms" -lt 1500 ]; then ok "healthz answers at once under a lock (${ms} ms)"; else not_ok "healthz answers at once under a lock (${ms} ms)"; fi
	wait "$locker"
	sleep 1.1
	out=$(req GET /readyz)
	expect_contains "lock released: not locked" "$out" '"database_locked":false'
fi

# --- snooze: sane times only -------------------------------------------------------------
out=$(api POST "/api/v1/tasks/$task/snooze" '{"until":"9223372036854775807","reason":"x"}')
expect_eq "snooze to a garbage 64-bit time: 422" "$(status_of "$out")" 422
expect_contains "...naming until" "$out" '"field":"until"'
out=$(api POST "/api/v1/tasks/$task/snooze" '{"until":"2999-01-01T00:00:00Z","reason":"x"}')
expect_eq "snooze beyond a year: 422" "$(status_of "$out")" 422
out=$(api POST "/api/v1/tasks/$task/snooze" '{"minutes":600,"reason":"out today"}')
expect_eq "snooze ten hours: 200" "$(status_of "$out")" 200

# --- inbound email: the provider's verdict on the sender ---------------------------------------
sendgrid() {	# SPF DKIM TEXT
	printf -- '--B\r\nContent-Disposition: form-data; name="from"\r\n\r\nAna Lima <ana@example.com>\r\n--B\r\nContent-Disposition: form-data; name="subject"\r\n\r\nRe: quote\r\n--B\r\nContent-Disposition: form-data; name="text"\r\n\r\n%s\r\n--B\r\nContent-Disposition: form-data; name="SPF"\r\n\r\n%s\r\n--B\r\nContent-Disposition: form-data; name="dkim"\r\n\r\n%s\r\n--B--\r\n' \
		"$3" "$1" "$2" >"$T/sg.body"
	req POST '/webhooks/sendgrid/inbound?key=sg-secret' -H 'Content-Type: multipart/form-data; boundary=B' \
		--data-binary @"$T/sg.body"
}
timeline() { json_get "$(body_of "$(api GET "/api/v1/leads/$lead")")" \
	"[e['text'] for e in d['timeline'] if '$1' in (e['text'] or '')]"; }
out=$(sendgrid fail '{@example.com : fail}' 'Please cancel my appointment')
expect_eq "a forged-looking email: 200" "$(status_of "$out")" 200
expect_contains "...on the lead's timeline, flagged" "$(timeline cancel)" \
	'(Sender not verified: sendgrid says SPF fail, DKIM {@example.com : fail}; the From address may be forged.)'
expect_contains "...the verdicts on the log line" "$(cat "$T/serve.log")" 'spf=fail dkim="{@example.com : fail}" sender=unverified'
out=$(sendgrid pass '{@example.com : pass}' 'Tuesday works')
expect_eq "a verified email: not flagged" "$(timeline Tuesday)" "['Ana replied by email: Tuesday works']"
stop_server

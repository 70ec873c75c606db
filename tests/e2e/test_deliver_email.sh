#!/usr/bin/env bash
# Email through a real SMTP server (aiosmtpd on loopback): headers (UTF-8
# encoded, Message-ID, Reply-To the owner, List-Unsubscribe), MIME parts, the
# unsubscribe link end to end, hard bounce / temporary failure / rejection,
# staff notifications; then AUTH over STARTTLS with a password never logged.
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"

PORT=$(free_port)
DELIVERY="backoff: 1s, backoff_cap: 1s, max_attempts: 3, email_rate: 0"
unset LEADKEEP_NOW
mkdir -p "$LK_FILES"
lk rules show-default | sed 's/name: Northside Home Services/name: "Café Ñoño Plumbing"/' \
	>"$LK_FILES/rules.yaml"
open_around_the_clock
start_smtp_sink

add() { lk lead add --name "$1" --email "$2" --service "boiler" --json | json_get "$(cat)" "d['id']"; }
ID=$(add "Zoë Martin" zoe@example.com)
BOUNCE=$(add "Bob Bounce" bounce@example.com)
TEMP=$(add "Tim Temp" tempfail@example.com)
REJ=$(add "Rex Reject" reject@example.com)
start_serve
check "every message settles" wait_settled 30

row() { db "SELECT $2 FROM outbox WHERE lead_id = $1 AND purpose = 'ack' AND channel = 'email'"; }
mail() {	# python expression over the parsed message sent to $1 (m), its envelope (env)
	python3 - "$SMTP_DIR" "$1" "$2" <<'PY'
import email, email.policy, glob, json, sys
for j in sorted(glob.glob(sys.argv[1] + "/*.json")):
    env = json.load(open(j))
    if sys.argv[2] in env["rcpt_tos"]:
        raw = open(j[:-5] + ".eml", "rb").read()
        m = email.message_from_bytes(raw, policy=email.policy.default)
        parts = {p.get_content_type(): p.get_content() for p in m.walk() if not p.is_multipart()}
        print(eval(sys.argv[3]))
        break
else:
    print("NO MAIL")
PY
}

expect_eq "the ack is sent" "$(row "$ID" state)" sent
expect_eq "envelope sender" "$(mail zoe@example.com 'env["mail_from"]')" leads@northside.example
expect_eq "Subject decodes to UTF-8" "$(mail zoe@example.com 'm["Subject"]')" \
	"Your request to Café Ñoño Plumbing"
expect_contains "Subject is RFC 2047 encoded on the wire" \
	"$(mail zoe@example.com 'raw.split(b"\r\nSubject: ")[1][:10].decode()')" "=?UTF-8?B?"
expect_eq "From has the display name and address" \
	"$(mail zoe@example.com '(m["From"].addresses[0].display_name, m["From"].addresses[0].addr_spec)')" \
	"('Northside Home Services', 'leads@northside.example')"
OWNER=$(db "SELECT email FROM people WHERE id = (SELECT owner FROM leads WHERE id = $ID)")
expect_eq "Reply-To is the lead's owner" "$(mail zoe@example.com 'm["Reply-To"].addresses[0].addr_spec')" "$OWNER"
expect_eq "Message-ID is the row's provider id" "$(mail zoe@example.com 'm["Message-ID"]')" \
	"$(row "$ID" provider_id)"
UNSUB=$(mail zoe@example.com 'm["List-Unsubscribe"].strip("<>")')
expect_contains "List-Unsubscribe links to serve" "$UNSUB" "http://127.0.0.1:$PORT/unsubscribe?token=$ID."
expect_eq "one-click unsubscribe is declared" "$(mail zoe@example.com 'm["List-Unsubscribe-Post"]')" \
	"List-Unsubscribe=One-Click"
expect_eq "multipart/alternative, text then HTML" \
	"$(mail zoe@example.com '(m.get_content_type(), [p.get_content_type() for p in m.iter_parts()])')" \
	"('multipart/alternative', ['text/plain', 'text/html'])"
expect_contains "the text part is the rendered template" "$(mail zoe@example.com 'parts["text/plain"]')" \
	"Thanks for contacting Café Ñoño Plumbing about boiler."
expect_contains "the HTML part has paragraphs" "$(mail zoe@example.com 'parts["text/html"]')" "<p>Hi Zoë,</p>"
expect_contains "the HTML part links to unsubscribe" "$(mail zoe@example.com 'parts["text/html"]')" \
	"${UNSUB//&/&amp;}"
expect_eq "parts are quoted-printable UTF-8" \
	"$(mail zoe@example.com 'sorted(set((p["Content-Transfer-Encoding"], p.get_content_charset()) for p in m.iter_parts()))')" \
	"[('quoted-printable', 'utf-8')]"

# --- unsubscribe link --------------------------------------------------------
code=$(curl -s -o /dev/null -w '%{http_code}' -I "$UNSUB")
expect_eq "HEAD (link scanners use it) answers 200" "$code" 200
expect_eq "...and unsubscribes nobody" "$(db "SELECT email_opt_out FROM leads WHERE id = $ID")" 0
page=$(curl -s "$UNSUB")
expect_contains "GET shows a confirmation button" "$page" '<button type="submit">Unsubscribe</button>'
expect_contains "...whose form posts the one-click field" "$page" \
	'<input type="hidden" name="List-Unsubscribe" value="One-Click">'
expect_eq "...and unsubscribes nobody (link scanners)" "$(db "SELECT email_opt_out FROM leads WHERE id = $ID")" 0
page=$(curl -s -X POST "$UNSUB")
expect_contains "a POST without List-Unsubscribe=One-Click shows the button" "$page" \
	'<button type="submit">Unsubscribe</button>'
expect_eq "...and unsubscribes nobody" "$(db "SELECT email_opt_out FROM leads WHERE id = $ID")" 0
page=$(curl -s -F "List-Unsubscribe=One-Click" "$UNSUB")
expect_contains "POST (RFC 8058 one-click, multipart/form-data) unsubscribes" "$page" "You are unsubscribed"
expect_eq "the lead is opted out of email" "$(db "SELECT email_opt_out FROM leads WHERE id = $ID")" 1
page=$(curl -s -X POST -d "List-Unsubscribe=One-Click" "$UNSUB")
expect_contains "...urlencoded too" "$page" "You are unsubscribed"
curl -s -X POST "$UNSUB" >/dev/null
expect_eq "one consent event, even when clicked twice" \
	"$(db "SELECT count(*) FROM events WHERE lead_id = $ID AND type = 'consent.opted_out'")" 1
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/unsubscribe?token=$BOUNCE.AAAAAAAAAAAAAAAAAAAAAA")
expect_eq "a forged token is refused" "$code" 400
expect_eq "...and opts nobody out" "$(db "SELECT email_opt_out FROM leads WHERE id = $BOUNCE")" 0

# --- failures ----------------------------------------------------------------
expect_eq "550 at RCPT: a hard bounce fails the message" "$(row "$BOUNCE" state)" failed
expect_eq "the SMTP code is kept" "$(row "$BOUNCE" error_code)" 550
expect_eq "the address is flagged" "$(db "SELECT flags & 2 FROM leads WHERE id = $BOUNCE")" 2
expect_contains "a task to reach the lead another way" \
	"$(db "SELECT title FROM tasks WHERE lead_id = $BOUNCE AND state = 'open' ORDER BY id DESC LIMIT 1")" \
	"Email to Bob Bounce bounced (SMTP 550"
expect_eq "451 is retried until dead" "$(row "$TEMP" state)/$(row "$TEMP" attempts)" dead/3
expect_eq "554 after DATA fails without flagging the address" \
	"$(row "$REJ" state)/$(row "$REJ" error_code)/$(db "SELECT flags & 2 FROM leads WHERE id = $REJ")" failed/554/0
expect_eq "nothing was stored for refused mail" "$(mail reject@example.com 'm')" "NO MAIL"

# --- staff notification ----------------------------------------------------------
NOTE_TO=$(db "SELECT recipient FROM outbox WHERE purpose = 'notify' AND channel = 'email' LIMIT 1")
if [ -n "$NOTE_TO" ]; then
	expect_contains "the staff email links to the lead" "$(mail "$NOTE_TO" 'parts["text/plain"]')" \
		"http://127.0.0.1:$PORT/leads/"
	expect_eq "staff email has no List-Unsubscribe" "$(mail "$NOTE_TO" 'm["List-Unsubscribe"]')" None
else
	not_ok "a staff member was notified by email"
fi
stop_serve

# --- AUTH over STARTTLS ---------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
kill "$SMTP_PID"; wait "$SMTP_PID" 2>/dev/null
SMTP_DIR0=$SMTP_DIR
T2="$T/tls"; mkdir -p "$T2"
T_SAVE=$T; T=$T2 start_smtp_sink --auth "lk-user:s3cret-pass" --tls "$T_SAVE/cert.pem" "$T_SAVE/key.pem"
T=$T_SAVE
export SMTP_PASSWORD=s3cret-pass
SMTP_MORE="user: lk-user, password: env:SMTP_PASSWORD, ca_file: \"$T/cert.pem\""
TLS_ID=$(add "Tess Tls" tess@example.com)
start_serve
check "sent with AUTH over STARTTLS" \
	wait_sql "SELECT state FROM outbox WHERE lead_id = $TLS_ID AND channel = 'email' AND purpose = 'ack'" sent 15
expect_eq "the session was TLS and authenticated" "$(mail tess@example.com '(env["tls"], env["auth"])')" \
	"(True, 'lk-user')"
stop_serve
export SMTP_PASSWORD=wrong-pass
WRONG_ID=$(add "Walt Wrong" walt@example.com)
start_serve
check "a wrong password keeps the message queued for a retry" \
	wait_sql "SELECT state || ' ' || CASE WHEN attempts > 0 THEN 1 ELSE 0 END FROM outbox WHERE lead_id = $WRONG_ID AND purpose = 'ack'" "queued 1" 15
expect_contains "...saying what to fix" "$(row "$WRONG_ID" last_error)" "SMTP authentication failed"
stop_serve
if grep -qE "s3cret-pass|wrong-pass" "$T/serve.log"; then not_ok "the SMTP password is never logged"
else ok "the SMTP password is never logged"; fi
[ -n "$SMTP_DIR0" ]

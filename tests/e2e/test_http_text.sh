#!/usr/bin/env bash
# Text is valid UTF-8 from the door on: forms from ISO-8859-1 / Windows-1252
# pages (undeclared, _charset_, Content-Type charset=), declared UTF-8 with a
# bad byte, NUL bytes in form and SMS values, JSON hooks and the API with
# invalid UTF-8, inbound email in its MIME part's charset. What had to be
# replaced is U+FFFD and its original bytes are kept where a person sees them;
# the API shows every field.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"
export TW_TOKEN=tw-text-token

export LK_SENDGRID_KEY=sg-secret
server_config "$T/serve.yaml" <<'YAML'
public_url: "https://engine.example.test"
YAML
business_config <<'YAML'
sources:
  forms:
    contact: {}
  hooks:
    zapier: {}
  sendgrid: { key: "env:LK_SENDGRID_KEY" }
providers:
  twilio: { auth_token: "env:TW_TOKEN" }
YAML
TOKEN=$(lk token create --name e2e --role admin 2>/dev/null)
start_server --config "$T/serve.yaml" || { not_ok "server starts"; cat "$T/serve.log"; exit 1; }
ok "server starts"

# lead_of FIELD: the newest lead's FIELD as the API shows it (Python repr).
lead_of() {
	local id out
	id=$(sql "SELECT max(id) FROM leads")
	out=$(api GET "/api/v1/leads/$id")
	json_get "$(body_of "$out")" "repr(d.get('$1', 'MISSING'))"
}
form() { req POST /in/form/contact "$@"; }

# --- forms -------------------------------------------------------------------
out=$(form --data 'your-name=Jos%E9+Garc%EDa&your-phone=312-555-0101')
expect_eq "Latin-1 form, nothing declared: 200" "$(status_of "$out")" 200
expect_eq "...the API shows José García (read as Windows-1252)" "$(lead_of name)" "'José García'"
expect_eq "...stored as UTF-8" "$(hex_of "$(sql "SELECT name FROM leads ORDER BY id DESC LIMIT 1")")" \
	"$(printf 'Jos\xc3\xa9 Garc\xc3\xada' | xxd -p -u)"
expect_contains "...the log line says how it was read" "$(cat "$T/serve.log")" "text=windows-1252"

out=$(form --data '_charset_=ISO-8859-15&your-name=Ana&your-phone=312-555-0102&your-message=%A4100+ok')
expect_eq "_charset_ ISO-8859-15: the euro sign" "$(lead_of message)" "'€100 ok'"

out=$(form -H 'Content-Type: application/x-www-form-urlencoded; charset=windows-1252' \
	--data 'your-name=Bo&your-phone=312-555-0103&your-message=%93hi%94+%85')
expect_eq "Content-Type charset=windows-1252: curly quotes" "$(lead_of message)" "'“hi” …'"

out=$(form --data 'your-name=Zo%C3%AB&your-phone=312-555-0104')
expect_eq "UTF-8 form, nothing declared: kept as it is" "$(lead_of name)" "'Zoë'"

out=$(form --data '_charset_=UTF-8&your-name=Ren%E9e&your-phone=312-555-0105')
expect_eq "declared UTF-8 with a Latin-1 byte: 200" "$(status_of "$out")" 200
expect_eq "...the byte is U+FFFD" "$(lead_of name)" "'Ren�e'"
expect_contains "...its original bytes are kept on the lead" "$(lead_of message)" \
	'your-name (original bytes): Ren\\xE9e'

out=$(form --data 'your-name=Nia&your-phone=312-555-0106&your-message=call%00me+after+5')
expect_eq "a NUL in a form value does not cut it" "$(lead_of message)" \
	"'call�me after 5\\n\\nyour-message (original bytes): call\\\\x00me after 5'"

boundary=XyZ
printf -- '--%s\r\nContent-Disposition: form-data; name="your-name"\r\n\r\nJos\xe9\r\n--%s\r\nContent-Disposition: form-data; name="your-phone"\r\n\r\n312-555-0107\r\n--%s--\r\n' \
	$boundary $boundary $boundary >"$T/mp.body"
out=$(form -H "Content-Type: multipart/form-data; boundary=$boundary" --data-binary @"$T/mp.body")
expect_eq "multipart with a Latin-1 value: José" "$(lead_of name)" "'José'"

# --- JSON: must be UTF-8; invalid bytes are replaced, not refused ------------
printf '{"name":"Jos\xe9 Hook","phone":"312-555-0108"}' >"$T/hook.json"
out=$(req POST /in/hook/zapier -H 'Content-Type: application/json' --data-binary @"$T/hook.json")
expect_eq "hook JSON with a Latin-1 byte: 202, not 400" "$(status_of "$out")" 202
expect_eq "...U+FFFD in its place" "$(lead_of name)" "'Jos� Hook'"
expect_contains "...the original bytes kept on the lead" "$(lead_of message)" 'Jos\\xE9 Hook'

printf '{"name":"Jos\xe9 Api","phone":"312-555-0109"}' >"$T/api.json"
out=$(req POST /api/v1/leads -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	--data-binary @"$T/api.json")
expect_eq "API JSON with a Latin-1 byte: 201" "$(status_of "$out")" 201
expect_eq "...U+FFFD in its place" "$(json_get "$(body_of "$out")" "repr(d['name'])")" "'Jos� Api'"

# (PostgreSQL refuses text that is not UTF-8 itself: no such row there.)
if [ "${LK_STORE:-}" != pg ]; then
	# A row written before the doors checked text (or by hand): the API still
	# shows every field, with U+FFFD for the bad bytes.
	sql "UPDATE leads SET service = CAST(X'4465636BE9' AS TEXT) WHERE id = 1"
	out=$(api GET /api/v1/leads/1)
	expect_eq "a stored invalid byte: the API keeps the field" \
		"$(json_get "$(body_of "$out")" "repr(d.get('service', 'MISSING'))")" "'Deck�'"
	out=$(api GET '/api/v1/leads?limit=50')
	expect_eq "...in the list too" \
		"$(json_get "$(body_of "$out")" "repr([l.get('service', 'MISSING') for l in d['data'] if l['id'] == 1])")" \
		"['Deck�']"
fi

# --- SMS: Twilio sends UTF-8; a NUL is replaced, the rest kept, flagged -------
twilio() {	# BODY: posts it signed for https://engine.example.test/webhooks/twilio/sms
	local sig
	sig=$(python3 - "$1" <<'PY'
import base64, hashlib, hmac, sys, urllib.parse
params = urllib.parse.parse_qsl(sys.argv[1], keep_blank_values=True, encoding="latin-1")
s = "https://engine.example.test/webhooks/twilio/sms" + "".join(k + v for k, v in sorted(params))
print(base64.b64encode(hmac.new(b"tw-text-token", s.encode("latin-1"), hashlib.sha1).digest()).decode())
PY
)
	req POST /webhooks/twilio/sms -H "X-Twilio-Signature: $sig" --data "$1"
}
out=$(twilio 'From=%2B13125550188&To=%2B13125550100&MessageSid=SMtext1&Body=Need+a+quote%00+for+the+deck')
expect_eq "SMS with a NUL: 200" "$(status_of "$out")" 200
expect_contains "...the text after the NUL is kept" "$(lead_of message)" 'Need a quote� for the deck'
expect_contains "...and the NUL is flagged" "$(lead_of message)" 'Body (original bytes): Need a quote\\x00 for the deck'

# --- email: SendGrid names each part's charset --------------------------------
sendgrid() {	# TEXT-BYTES CHARSET SPF: a SendGrid Inbound Parse post
	python3 - "$T/sg.body" "$1" "$2" "$3" <<'PY'
import sys
path, text, cs, spf = sys.argv[1], sys.argv[2].encode("latin-1"), sys.argv[3], sys.argv[4]
text = text.decode("unicode_escape").encode("latin-1")
parts = [("from", b"Jos\xe9 Mail <jose@example.com>"), ("subject", b"Quote"), ("text", text),
         ("charsets", ('{"from":"iso-8859-1","subject":"UTF-8","text":"%s"}' % cs).encode()),
         ("SPF", spf.encode()), ("dkim", b"none")]
out = b""
for k, v in parts:
    out += b"--B\r\nContent-Disposition: form-data; name=\"" + k.encode() + b"\"\r\n\r\n" + v + b"\r\n"
open(path, "wb").write(out + b"--B--\r\n")
PY
	req POST '/webhooks/sendgrid/inbound?key=sg-secret' -H 'Content-Type: multipart/form-data; boundary=B' \
		--data-binary @"$T/sg.body"
}
out=$(sendgrid 'Hola, quiero un presupuesto para Jos\xe9' iso-8859-1 pass)
expect_eq "SendGrid email in ISO-8859-1: 200" "$(status_of "$out")" 200
expect_eq "...the From name decoded by its charset" "$(lead_of name)" "'José Mail'"
expect_contains "...the text decoded by its charset" "$(lead_of message)" 'presupuesto para José'

# --- nothing invalid was stored by any door ------------------------------------
# (on PostgreSQL the database itself refuses invalid UTF-8 and NUL in text)
if [ "${LK_STORE:-}" != pg ]; then
bad=$(python3 - "$LEADKEEP_DATA/leadkeep.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.text_factory = bytes
n = 0
for table, cols in (("leads", ("name", "phone", "email", "service", "message", "neighbourhood")),
                    ("events", ("text",))):
    for row in db.execute("SELECT id, %s FROM %s" % (", ".join(cols), table)):
        for v in row[1:]:
            if isinstance(v, bytes):
                try:
                    v.decode("utf-8")
                except UnicodeDecodeError:
                    n += 1
            if isinstance(v, bytes) and b"\0" in v:
                n += 1
print(n)
PY
)
expect_eq "no door stored invalid UTF-8 or a NUL (but the row written by hand)" "$bad" 1
fi
stop_server

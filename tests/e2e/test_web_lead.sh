#!/usr/bin/env bash
# The lead page end to end, with curl and a cookie jar per person against the
# real serve: the lead's custom fields (escaped, a `javascript:` value never
# a link), and pausing and resuming a lead's automation - who may (office,
# managers, admins and the lead's owner), the step timers cancelled and
# re-planned through the engine, the tasks kept, the timeline's entries, the
# steps shown as paused, refusals.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago: open
mkdir -p "$LEADKEEP_DATA"
lk rules show-default | python3 -c '
import sys
s = sys.stdin.read()
s = s.replace("  - { id: maria,", "  - { id: terry, name: Terry Tech, role: technician, phone: \"+13125550104\", email: terry@northside.example, notify: email }\n  - { id: maria,", 1)
print(s, end="")' >"$LEADKEEP_DATA/rules.yaml"
cat >"$T/serve.conf" <<CONF
[form alice]
owner = alice
[form bob]
owner = bob
CONF
TOKEN=$(lk token create --name web-lead --role staff 2>/dev/null)
start_server --config "$T/serve.conf" || { not_ok "server starts"; exit 1; }
ok "server starts"

page() {
	local p=$1 jar=$2; shift 2
	curl -s -o "$T/page" -w '%{http_code}' -b "$jar" -c "$jar" "$@" "$BASE$p"
}
post() {
	local p=$1 jar=$2 d=$3; shift 3
	curl -s -o "$T/page" -D "$T/hdr" -w '%{http_code}' -b "$jar" -c "$jar" --data "$d" "$@" "$BASE$p"
}
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' "$T/page" | head -n 1 | sed 's/.*value="//; s/"//'; }
location() { grep -i '^Location:' "$T/hdr" | tr -d '\r' | sed 's/^[Ll]ocation: //'; }
# user EMAIL ROLE PERSON JAR: adds the user and signs in through the set-password link.
user() {
	local link tok
	link=$(lk user add --email "$1" --name "$1" --role "$2" ${3:+--person "$3"} 2>/dev/null)
	tok=${link#*token=}
	page "/app/set-password?token=$tok" "$4" >/dev/null
	post /app/set-password "$4" "csrf=$(csrf_of)&token=$tok&password=ten+chars+at+least&confirm=ten+chars+at+least"
}
has_not() { bash -c "! grep -q -- \"\$1\" '$T/page'" _ "$1"; }

A="$T/alice.jar" B="$T/bob.jar" TT="$T/terry.jar" M="$T/maria.jar"
expect_eq "an office user" "$(user alice@x office alice "$A")" 303
expect_eq "a sales rep" "$(user bob@x sales bob "$B")" 303
expect_eq "a technician" "$(user terry@x technician terry "$TT")" 303
expect_eq "a manager" "$(user maria@x manager maria "$M")" 303

# --- custom fields ----------------------------------------------------------------------------
out=$(api POST /api/v1/leads '{"name":"Cora Custom","phone":"312 555 0131","owner":"alice","zip":"60601","website":"javascript:alert(4)","<img src=x onerror=alert(5)>":"\"><script>alert(6)</script>","Preferred Time":"mornings"}')
expect_eq "a lead with custom fields through the API: 201" "$(status_of "$out")" 201
cora=$(json_get "$(body_of "$out")" 'd["id"]')
expect_eq "alice opens it: 200" "$(page "/app/leads/$cora" "$A")" 200
p=$(cat "$T/page")
expect_contains "the page has a Custom fields section" "$p" '<h3 id="custom">Custom fields</h3>'
expect_contains "a custom field, name and value" "$p" "<dt>zip</dt><dd>60601</dd>"
expect_contains "in the order given" "$(grep -o '<dt>[^<]*</dt>' "$T/page" | tr -d '\n')" \
	"<dt>zip</dt><dt>website</dt><dt>&lt;img src=x onerror=alert(5)&gt;</dt><dt>Preferred Time</dt>"
expect_contains "a javascript: value is text" "$p" "<dt>website</dt><dd>javascript:alert(4)</dd>"
check "... never a link" has_not 'href="javascript'
expect_contains "a payload in a name and a value is escaped" "$p" \
	"<dd>&quot;&gt;&lt;script&gt;alert(6)&lt;/script&gt;</dd>"
check "no injected element" has_not "<img src=x"
check "no injected script" has_not "<script>alert"
out=$(api POST /api/v1/leads '{"name":"Plain Pat","phone":"312 555 0132","owner":"alice"}')
pat=$(json_get "$(body_of "$out")" 'd["id"]')
page "/app/leads/$pat" "$A" >/dev/null
check "a lead without custom fields: no section" has_not "Custom fields"

check "server stops cleanly" stop_server
check "no sanitizer report in the server log" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"

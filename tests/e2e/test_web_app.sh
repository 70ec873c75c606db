#!/usr/bin/env bash
# The staff web app end to end, as a browser speaks to it (curl with a cookie
# jar per person) against the real serve: sign-in (wrong password, lockout),
# cookie flags, CSRF, a lead from the form door and the CLI on Today,
# outcomes and stage changes through the engine, who may see which lead,
# XSS payloads in lead fields rendered as text, set-password links, assets.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago: open
server_config "$T/serve.yaml" </dev/null

lk demo-users 2>"$T/demo.out"
expect_contains "demo-users prints the sign-ins" "$(cat "$T/demo.out")" "maria@demo"
expect_contains "... the technician's too" "$(cat "$T/demo.out")" "tom@demo    technician"
expect_eq "demo-users made four users" "$(sql 'SELECT count(*) FROM users')" 4
expect_eq "the technician is linked to his person" "$(sql "SELECT role || ' ' || person_id FROM users WHERE email = 'tom@demo'")" \
	"technician tom"
expect_eq "no password is stored in clear" \
	"$(sql "SELECT count(*) FROM users WHERE password_hash LIKE '\$argon2id\$%'")" 4
lk demo-users 2>/dev/null
expect_eq "demo-users again adds nobody" "$(sql 'SELECT count(*) FROM users')" 4
# after demo-users: it is for the built-in demo rules alone
business_config <<'YAML'
sources:
  forms:
    alice: { owner: alice }
    bob: { owner: bob }
YAML
start_server --config "$T/serve.yaml" || { not_ok "server starts"; exit 1; }
ok "server starts"

# page PATH JAR [curl args]: GET, body to $T/page, prints the status.
page() {
	local p=$1 jar=$2; shift 2
	curl -s -o "$T/page" -w '%{http_code}' -b "$jar" -c "$jar" "$@" "$BASE$p"
}
# post PATH JAR DATA [curl args]: a form post; headers to $T/hdr, body to $T/page.
post() {
	local p=$1 jar=$2 d=$3; shift 3
	curl -s -o "$T/page" -D "$T/hdr" -w '%{http_code}' -b "$jar" -c "$jar" --data "$d" "$@" "$BASE$p"
}
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' "$T/page" | head -n 1 | sed 's/.*value="//; s/"//'; }
location() { grep -i '^Location:' "$T/hdr" | tr -d '\r' | sed 's/^[Ll]ocation: //'; }
cookie_line() { grep -i "^Set-Cookie: $1=" "$T/hdr" | tr -d '\r'; }
# signin JAR EMAIL PASSWORD: the whole browser dance; prints the status.
signin() {
	local jar=$1
	page /app/login "$jar" >/dev/null
	post /app/login "$jar" "csrf=$(csrf_of)&email=$2&password=$3"
}

# --- signing in -------------------------------------------------------------------
expect_eq "GET / goes to the app" "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$BASE/")" \
	"303 $BASE/app/"
expect_eq "Today without a session: to sign-in" \
	"$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$BASE/app/")" "303 $BASE/app/login"
expect_eq "a lead page without a session: to sign-in, then back" \
	"$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$BASE/app/leads/1")" \
	"303 $BASE/app/login?next=%2Fapp%2Fleads%2F1"
M="$T/maria.jar"
expect_eq "sign-in page: 200" "$(page /app/login "$M" -D "$T/hdr")" 200
expect_contains "sign-in form has a CSRF token" "$(cat "$T/page")" 'name="csrf"'
expect_contains "the form's CSRF cookie is HttpOnly and SameSite=Lax" "$(cookie_line lk_pre)" \
	"HttpOnly; SameSite=Lax"
expect_eq "sign-in without the CSRF token: 403" \
	"$(post /app/login "$M" "email=maria@demo&password=leadkeep-demo")" 403
expect_eq "sign-in with another CSRF token: 403" \
	"$(post /app/login "$M" "csrf=$(printf '0%.0s' $(seq 64))&email=maria@demo&password=leadkeep-demo")" 403
expect_eq "wrong password: refused" "$(signin "$M" maria@demo wrong-password)" 401
expect_contains "wrong password: a clear message" "$(cat "$T/page")" "Wrong email or password."
expect_eq "wrong password: no session cookie" "$(cookie_line lk_session)" ""
expect_eq "unknown email: the same answer" "$(signin "$M" nobody@demo leadkeep-demo)" 401
expect_eq "right password: 303" "$(signin "$M" maria@demo leadkeep-demo)" 303
expect_eq "right password: to Today" "$(location)" "/app/"
sc=$(cookie_line lk_session)
expect_contains "session cookie: HttpOnly" "$sc" "; HttpOnly"
expect_contains "session cookie: SameSite=Lax" "$sc" "; SameSite=Lax"
expect_contains "session cookie: Path=/" "$sc" "; Path=/"
check "session cookie: not Secure over plain http" bash -c "! grep -q Secure <<<'$sc'"
token=$(sed 's/^[^=]*=//; s/;.*//' <<<"$sc")
expect_eq "only the session token's hash is stored" \
	"$(sql "SELECT count(*) FROM sessions WHERE token_hash = '$token'")" 0
expect_eq "a session row" "$(sql 'SELECT count(*) FROM sessions')" 1
expect_eq "Today: 200" "$(page /app/ "$M")" 200
expect_contains "Today greets the manager" "$(cat "$T/page")" "Maria Olsen (manager)"
check "the page has a strict CSP" bash -c "curl -s -D - -o /dev/null -b '$M' '$BASE/app/' | grep -qi \"content-security-policy: default-src 'none'; script-src 'self'\""

# --- leads from the form door (XSS payloads in every field) and the CLI --------------
XSS_NAME='<script>alert(1)</script>Xena'
XSS_SERVICE='"><img src=x onerror=alert(1)>'
XSS_MESSAGE="javascript:alert(document.cookie)"
out=$(req POST /in/form/alice --data-urlencode "name=$XSS_NAME" --data-urlencode "phone=javascript:alert(1)" \
	--data-urlencode "email=x@y.example" --data-urlencode "service=$XSS_SERVICE" \
	--data-urlencode "message=$XSS_MESSAGE")
expect_eq "form door takes the lead" "$(status_of "$out")" 200
xss=$(sql "SELECT id FROM leads WHERE name LIKE '%Xena'")
out=$(req POST /in/form/alice --data "name=Marcus+Johnson&phone=3125550199&service=deck+repair")
marcus=$(sql "SELECT id FROM leads WHERE name = 'Marcus Johnson'")
lk lead add --name "Dana Bobson" --phone 3125550142 --service roof --owner bob >/dev/null
dana=$(sql "SELECT id FROM leads WHERE name = 'Dana Bobson'")
expect_eq "three leads, alice owns two" "$(sql "SELECT count(*) FROM leads WHERE owner = 'alice'")" 2

page "/app/?who=all" "$M" >/dev/null
all=$(cat "$T/page")
expect_contains "Everyone's Today shows the form lead" "$all" "Marcus Johnson"
expect_contains "Everyone's Today shows the CLI lead" "$all" "Dana Bobson"
expect_contains "a countdown, computed on the server" "$all" 'class="due '
expect_contains "tap to call" "$all" 'href="tel:+13125550199"'
expect_contains "tap to text" "$all" 'href="sms:+13125550199"'
expect_contains "the name is escaped" "$all" "&lt;script&gt;alert(1)&lt;/script&gt;Xena"
check "no script from a lead field" bash -c "! grep -q '<script>alert' <<<\"\$1\"" _ "$all"
expect_eq "XSS lead page: 200" "$(page "/app/leads/$xss" "$M")" 200
lead_page=$(cat "$T/page")
expect_contains "lead page: the service is escaped" "$lead_page" "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
check "lead page: no img element from a field" bash -c "! grep -q '<img' <<<\"\$1\"" _ "$lead_page"
check "lead page: no script from a field" bash -c "! grep -q '<script>alert' <<<\"\$1\"" _ "$lead_page"
check "lead page: no javascript: link" bash -c "! grep -qi 'href=\"javascript' <<<\"\$1\"" _ "$lead_page"
check "lead page: a bad phone gets no tel: link" bash -c "! grep -q 'href=\"tel:' <<<\"\$1\"" _ "$lead_page"
expect_contains "lead page: the message shows as text" "$lead_page" "javascript:alert(document.cookie)"
expect_contains "lead page: mailto link" "$lead_page" 'href="mailto:x@y.example"'

# --- alice works her queue: outcomes go through the engine ---------------------------
A="$T/alice.jar"
expect_eq "alice signs in" "$(signin "$A" alice@demo leadkeep-demo)" 303
page /app/ "$A" >/dev/null
today=$(cat "$T/page")
expect_contains "alice's Today shows the lead from the form door" "$today" "Marcus Johnson"
check "alice's Today does not show bob's lead" bash -c "! grep -q 'Dana Bobson' <<<\"\$1\"" _ "$today"
ACSRF=$(csrf_of)
task=$(sql "SELECT id FROM tasks WHERE lead_id = $marcus AND state = 'open' AND verb = 'call'")
check "the lead has an open call task" test -n "$task"
expect_eq "outcome without CSRF: 403" "$(post "/app/tasks/$task/outcome" "$A" "back=today&outcome=no_answer")" 403
# the token with its last digit changed (never to itself: 0 becomes 1)
WRONG=${ACSRF%?}$([ "${ACSRF: -1}" = 0 ] && echo 1 || echo 0)
expect_eq "outcome with a wrong CSRF: 403" \
	"$(post "/app/tasks/$task/outcome" "$A" "csrf=$WRONG&back=today&outcome=no_answer")" 403
expect_eq "refused posts changed nothing" "$(sql "SELECT state FROM tasks WHERE id = $task")" open
expect_eq "no answer: 303" "$(post "/app/tasks/$task/outcome" "$A" "csrf=$ACSRF&back=today&outcome=no_answer")" 303
expect_eq "no answer: back to Today" "$(location)" "/app/?ok=call"
expect_eq "the task is done with its outcome" "$(sql "SELECT state || ' ' || outcome FROM tasks WHERE id = $task")" \
	"done no_answer"
next=$(sql "SELECT id FROM tasks WHERE lead_id = $marcus AND state = 'open' AND verb = 'call'")
check "the engine made the next attempt" test -n "$next"
expect_contains "the call is in the timeline" "$(sql "SELECT text FROM events WHERE lead_id = $marcus AND type = 'call.logged'")" \
	"no_answer"
page "/app/?ok=call" "$A" >/dev/null
expect_contains "Today confirms" "$(cat "$T/page")" "Saved. The call is logged."
expect_contains "Today shows the next attempt" "$(cat "$T/page")" "task-$next"
expect_eq "the same task again: 409" \
	"$(post "/app/tasks/$task/outcome" "$A" "csrf=$ACSRF&back=today&outcome=talked")" 409
expect_contains "409 says so on the page" "$(cat "$T/page")" "no longer open"
expect_eq "snooze without a reason: 422" \
	"$(post "/app/tasks/$next/snooze" "$A" "csrf=$ACSRF&back=lead&for=1d")" 422
expect_contains "the reason is asked for next to the form" "$(cat "$T/page")" "Say why it waits."
expect_eq "snooze: 303 back to the lead" \
	"$(post "/app/tasks/$next/snooze" "$A" "csrf=$ACSRF&back=lead&for=1d&reason=asked+to+call+tomorrow"); $(location)" \
	"303; /app/leads/$marcus?ok=snoozed"
expect_eq "snooze: due a day from now" \
	"$(sql "SELECT due_at - $(date -ud '2026-11-24 20:02:00Z' +%s) FROM tasks WHERE id = $next")" 86400
expect_contains "snooze: its reason in the timeline" "$(sql "SELECT text FROM events WHERE lead_id = $marcus")" \
	"asked to call tomorrow"
expect_eq "done with a note: 303" \
	"$(post "/app/tasks/$next/outcome" "$A" "csrf=$ACSRF&back=today&outcome=done&text=booked+for+Friday")" 303
expect_eq "done with the note as its outcome" "$(sql "SELECT outcome FROM tasks WHERE id = $next")" "booked for Friday"

# --- the lead page's forms -------------------------------------------------------------
expect_eq "quoted without an amount: 422" "$(post "/app/leads/$marcus/stage" "$A" "csrf=$ACSRF&stage=quoted")" 422
expect_contains "the rules' requirement, next to the form" "$(cat "$T/page")" "needs an amount"
expect_eq "quoted with an amount: 303" \
	"$(post "/app/leads/$marcus/stage" "$A" "csrf=$ACSRF&stage=quoted&amount=1%2C250.50")" 303
expect_eq "stage and quote saved" "$(sql "SELECT stage || ' ' || quote_cents FROM leads WHERE id = $marcus")" "quoted 125050"
expect_eq "log a visit: 303" \
	"$(post "/app/leads/$marcus/log" "$A" "csrf=$ACSRF&type=visit&outcome=talked&text=measured+the+deck")" 303
expect_contains "the visit is in the timeline" "$(sql "SELECT text FROM events WHERE lead_id = $marcus AND type = 'visit.logged'")" \
	"measured the deck"
expect_eq "a note needs text: 422" "$(post "/app/leads/$marcus/log" "$A" "csrf=$ACSRF&type=note")" 422
expect_eq "office may change the owner: 303" \
	"$(post "/app/leads/$xss/owner" "$A" "csrf=$ACSRF&owner=maria")" 303
expect_eq "the owner changed" "$(sql "SELECT owner FROM leads WHERE id = $xss")" maria

# --- bob (sales) sees only his own ----------------------------------------------------------
B="$T/bob.jar"
page /app/login "$B" >/dev/null
expect_eq "bob signs in" "$(post /app/login "$B" "csrf=$(csrf_of)&email=bob@demo&password=leadkeep-demo&next=%2Fapp%2Fleads%2F$dana")" 303
expect_eq "signing in goes back to the page asked for" "$(location)" "/app/leads/$dana"
page /app/login "$T/x.jar" >/dev/null
post /app/login "$T/x.jar" "csrf=$(csrf_of)&email=bob@demo&password=leadkeep-demo&next=https%3A%2F%2Fevil.example%2F" >/dev/null
expect_eq "next never leaves the app" "$(location)" "/app/"
page "/app/?who=all" "$B" >/dev/null
today=$(cat "$T/page")
expect_contains "bob's Today shows his lead" "$today" "Dana Bobson"
check "bob's Today never shows alice's lead, even with ?who=all" bash -c "! grep -q 'Marcus Johnson' <<<\"\$1\"" _ "$today"
BCSRF=$(csrf_of)
expect_eq "bob opens alice's lead: 404" "$(page "/app/leads/$marcus" "$B")" 404
expect_eq "bob's 404 is the same as no lead at all" "$(page "/app/leads/99999" "$B")" 404
atask=$(sql "SELECT id FROM tasks WHERE lead_id = $marcus AND state = 'open' LIMIT 1")
expect_eq "bob records an outcome on alice's task: 404" \
	"$(post "/app/tasks/$atask/outcome" "$B" "csrf=$BCSRF&back=today&outcome=talked")" 404
expect_eq "bob logs on alice's lead: 404" "$(post "/app/leads/$marcus/log" "$B" "csrf=$BCSRF&type=note&text=x")" 404
expect_eq "nothing of bob's reached alice's lead" "$(sql "SELECT count(*) FROM events WHERE lead_id = $marcus AND actor = 'bob'")" 0
expect_eq "bob may not change an owner: 403" "$(post "/app/leads/$dana/owner" "$B" "csrf=$BCSRF&owner=alice")" 403
expect_eq "bob opens his own lead: 200" "$(page "/app/leads/$dana" "$B")" 200
check "no owner form for bob" bash -c "! grep -q '/owner\"' '$T/page'"

# --- a technician from a set-password link ------------------------------------------------------
link=$(lk user add --email tech@demo --name "Terry Tech" --role technician --person bob 2>/dev/null)
expect_contains "user add prints a set-password link" "$link" "/app/set-password?token=p_"
expect_eq "user add without --person for a technician: usage error" \
	"$(lk user add --email t2@demo --name T --role technician >/dev/null 2>&1; echo $?)" 2
expect_eq "user add with an unknown person: usage error" \
	"$(lk user add --email t3@demo --name T --role sales --person nobody >/dev/null 2>&1; echo $?)" 2
expect_contains "user list shows the technician" "$(lk user list)" "tech@demo"
TT="$T/tech.jar"
expect_eq "the link opens a form" "$(page "$link" "$TT")" 200
expect_contains "the form names the account" "$(cat "$T/page")" "tech@demo"
tok=${link#*token=}
expect_eq "a short password: 422" "$(post /app/set-password "$TT" "csrf=$(csrf_of)&token=$tok&password=short&confirm=short")" 422
expect_eq "a good password: 303" \
	"$(post /app/set-password "$TT" "csrf=$(csrf_of)&token=$tok&password=ten+chars+at+least&confirm=ten+chars+at+least")" 303
expect_contains "signed in at once" "$(cookie_line lk_session)" "HttpOnly"
expect_eq "the link works once" "$(page "$link" "$T/other.jar")" 410
page /app/ "$TT" >/dev/null
expect_contains "the technician's Today has bob's lead" "$(cat "$T/page")" "Dana Bobson"
expect_eq "the technician opens alice's lead: 404" "$(page "/app/leads/$marcus" "$TT")" 404
expect_eq "and signs in with the new password" "$(signin "$T/tech2.jar" tech@demo ten+chars+at+least)" 303

# --- lockout ------------------------------------------------------------------------------------
L="$T/lock.jar"
for i in 1 2 3 4; do signin "$L" alice@demo nope >/dev/null; done
expect_eq "the fifth wrong password locks the account" "$(signin "$L" alice@demo nope)" 429
expect_contains "a clear lockout message" "$(cat "$T/page")" "This account is locked after 5 failed sign-ins"
expect_eq "locked: even the right password is refused" "$(signin "$L" alice@demo leadkeep-demo)" 429
expect_contains "locked: it says until when" "$(cat "$T/page")" "until Tue Nov 24, 2:17 PM"
expect_eq "a session from before the lockout still works" "$(page /app/ "$A")" 200
lk user link --email alice@demo >/dev/null 2>&1
expect_eq "user link ends the lockout" "$(signin "$L" alice@demo leadkeep-demo)" 303

# --- sign out ---------------------------------------------------------------------------------
page /app/ "$M" >/dev/null
MCSRF=$(csrf_of)
cp "$M" "$T/maria-old.jar"
expect_eq "sign out without CSRF: 403" "$(post /app/logout "$M" "")" 403
expect_eq "sign out: 303 to sign-in" "$(post /app/logout "$M" "csrf=$MCSRF"); $(location)" "303; /app/login"
expect_contains "sign out clears the cookie" "$(cookie_line lk_session)" "Max-Age=0"
expect_eq "the old session no longer works" \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$T/maria-old.jar" "$BASE/app/")" 303
page /app/ "$B" >/dev/null
expect_eq "sign out everywhere: 303" "$(post /app/logout "$B" "csrf=$(csrf_of)&everywhere=1")" 303
expect_eq "bob has no session left" "$(sql "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'bob@demo'")" 0

# --- assets and manifest --------------------------------------------------------------------------
page /app/login "$T/anon.jar" >/dev/null
css=$(grep -o '/app/assets/app.css?v=[0-9a-f]*' "$T/page" | head -n 1)
check "pages link the versioned stylesheet" test -n "$css"
hdr=$(curl -s -D - -o "$T/css" "$BASE$css")
expect_contains "CSS: text/css" "$hdr" "Content-Type: text/css"
expect_contains "CSS: cached for a year" "$hdr" "Cache-Control: public, max-age=31536000, immutable"
expect_contains "CSS: the embedded file" "$(cat "$T/css")" "min-height: 44px"
etag=$(grep -i '^ETag:' <<<"$hdr" | tr -d '\r' | sed 's/^[Ee][Tt]ag: //')
expect_eq "CSS: 304 for its ETag" "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$BASE$css")" 304
expect_eq "JS: 200" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/app/assets/app.js")" 200
expect_eq "unknown asset: 404" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/app/assets/nope.css")" 404
out=$(curl -s -D - "$BASE/app/manifest.webmanifest")
expect_contains "manifest: its media type" "$out" "application/manifest+json"
expect_contains "manifest: starts at Today" "$out" '"start_url": "/app/"'
check "server stops cleanly" stop_server

# --- behind https: Secure cookies, and another site's form is refused ----------------------------------
server_config "$T/https.yaml" <<'YAML'
public_url: "https://app.example.test"
YAML
business_config </dev/null
start_server --config "$T/https.yaml" || { not_ok "https server starts"; exit 1; }
# curl keeps no Secure cookie over plain http: the cookie is carried by hand
curl -s -D "$T/hdr" -o "$T/page" "$BASE/app/login"
expect_contains "https: the form's CSRF cookie is Secure" "$(cookie_line lk_pre)" "; Secure"
pre=$(cookie_line lk_pre | sed 's/^[^=]*=//; s/;.*//')
S=(-H "Cookie: lk_pre=$pre")
expect_eq "https: sign-in from another site: 403" \
	"$(post /app/login /dev/null "csrf=$pre&email=maria@demo&password=leadkeep-demo" "${S[@]}" -H 'Origin: https://evil.example')" 403
expect_eq "https: a cross-site fetch is refused too" \
	"$(post /app/login /dev/null "csrf=$pre&email=maria@demo&password=leadkeep-demo" "${S[@]}" -H 'Sec-Fetch-Site: cross-site')" 403
expect_eq "https: sign-in from the app's own origin: 303" \
	"$(post /app/login /dev/null "csrf=$pre&email=maria@demo&password=leadkeep-demo" "${S[@]}" -H 'Origin: https://app.example.test')" 303
expect_contains "https: the session cookie is Secure" "$(cookie_line lk_session)" "; HttpOnly; SameSite=Lax; Secure"
check "https server stops cleanly" stop_server
check "no sanitizer report in the server log" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"

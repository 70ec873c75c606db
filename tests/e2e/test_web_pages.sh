#!/usr/bin/env bash
# The pipeline, team, rules and search pages and the app's 404, end to end
# with curl and a cookie jar per person against the real serve, with a rules
# file of its own (a technician added): who sees which page and which lead
# on it (sales and technicians only their own, in the pipeline and in
# search), counts, quote value, New and Stale marks, filters, the team's
# numbers and the "every lead has an owner and a next action" promise, the
# rules file escaped with its check, a changed file on disk noticed, and XSS
# payloads rendered as text on every new page.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago: open
NOW=$(date -u -d 2026-11-24T20:02:00Z +%s)
mkdir -p "$LK_FILES"
lk rules show-default | python3 -c '
import sys
s = sys.stdin.read()
s = s.replace("people:\n", "# owner: <script>alert(\"rules\")</script> & co\npeople:\n", 1)
s = s.replace("  - { id: maria,", "  - { id: terry, name: Terry Tech, role: technician, phone: \"+13125550104\", email: terry@northside.example, notify: email }\n  - { id: maria,", 1)
print(s, end="")' >"$LK_FILES/rules.yaml"
expect_contains "the rules file checks" "$(lk rules check "$LK_FILES/rules.yaml")" "ok (6 people"
server_config "$T/serve.yaml" </dev/null
business_config <<'YAML'
sources:
  forms:
    alice: { owner: alice }
    bob: { owner: bob }
    terry: { owner: terry }
    estimate: { owner: bob, kind: estimate }
YAML
start_server --config "$T/serve.yaml" || { not_ok "server starts"; exit 1; }
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
# user EMAIL ROLE PERSON JAR: adds the user and signs in through the set-password link.
user() {
	local link tok
	link=$(lk user add --email "$1" --name "$1" --role "$2" ${3:+--person "$3"} 2>/dev/null)
	tok=${link#*token=}
	page "/app/set-password?token=$tok" "$4" >/dev/null
	post /app/set-password "$4" "csrf=$(csrf_of)&token=$tok&password=ten+chars+at+least&confirm=ten+chars+at+least"
}
lead() {	# NAME PHONE FORM [more form fields]
	req POST "/in/form/$3" --data-urlencode "name=$1" --data "phone=$2${4:+&$4}" >/dev/null
	sql "SELECT id FROM leads WHERE phone = '+1$2'"
}
has_not() { bash -c "! grep -q -- \"\$1\" '$T/page'" _ "$1"; }

M="$T/maria.jar" A="$T/alice.jar" B="$T/bob.jar" TT="$T/terry.jar"
expect_eq "a manager" "$(user maria@x manager maria "$M")" 303
expect_eq "an office user" "$(user alice@x office alice "$A")" 303
expect_eq "a sales rep" "$(user bob@x sales bob "$B")" 303
expect_eq "a technician" "$(user terry@x technician terry "$TT")" 303

XSS='<script>alert(1)</script>Xena'
marcus=$(lead "Marcus Johnson" 3125550199 alice "email=marcus@example.com&service=deck")
xena=$(lead "$XSS" 3125550198 alice)
dana=$(lead "Dana Bobson" 3125550142 estimate)
tina=$(lead "Tina Terryson" 3125550143 terry)
old=$(lead "Olga Oldham" 3125550144 alice)
expect_eq "five leads" "$(sql 'SELECT count(*) FROM leads')" 5
# Their acknowledgments and notifications leave first: one sent after the
# rewrite below would be activity today.
for i in $(seq 1 100); do
	[ "$(sql "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')")" = 0 ] && break
	sleep 0.1
done
# Olga arrived 40 days ago and nothing has happened for 30; Xena's last word was
# 3 days ago - past the rules' stale_after for "new" (2d)
sql "UPDATE leads SET created_at = created_at - 40 * 86400 WHERE id = $old;
     UPDATE events SET at = at - 30 * 86400 WHERE lead_id = $old;
     UPDATE leads SET created_at = created_at - 3 * 86400 WHERE id = $xena;
     UPDATE events SET at = at - 3 * 86400 WHERE lead_id = $xena"

# --- nav ----------------------------------------------------------------------------------------------
page /app/ "$M" >/dev/null
for l in pipeline team rules search; do
	expect_contains "the manager's nav has $l" "$(cat "$T/page")" "/app/$l"
done
page /app/ "$B" >/dev/null
check "the sales rep's nav has no Team" has_not 'href="/app/team"'
check "the sales rep's nav has no Rules" has_not 'href="/app/rules"'

# --- pipeline -----------------------------------------------------------------------------------------
page "/app/leads/$marcus" "$M" >/dev/null
expect_eq "Marcus quoted at 1,250" "$(post "/app/leads/$marcus/stage" "$M" "csrf=$(csrf_of)&stage=quoted&amount=1250")" 303
expect_eq "pipeline: 200" "$(page /app/pipeline "$M")" 200
p=$(cat "$T/page")
for st in new contacted scheduled quoted won lost nurture; do
	expect_contains "a section for stage $st" "$p" "<span>$st</span>"
done
expect_contains "new: four leads" "$p" '<span>new</span><span class="meta">4 leads</span>'
expect_contains "quoted: the value" "$p" '$1,250.00 quoted (1)'
for n in "Marcus Johnson" "Dana Bobson" "Tina Terryson" "Olga Oldham"; do
	expect_contains "the manager sees $n" "$p" "$n"
done
expect_contains "a New mark" "$p" 'class="badge new"'
expect_contains "Olga is stale" "$p" 'Olga Oldham</a> <span class="badge new">New</span> <span class="badge stale">Stale</span>'
expect_contains "Xena is stale: 3 days idle, the rules say 2d for new" "$p" \
	'Xena</a> <span class="badge new">New</span> <span class="badge stale">Stale</span>'
expect_eq "only Olga and Xena are stale" "$(grep -o 'badge stale' <<<"$p" | wc -l)" 2
expect_contains "the stage says its threshold" "$p" "stale after 2 d without activity"
expect_contains "quoted's own threshold" "$p" "stale after 7 d without activity: none shown is stale"
expect_contains "each lead can be moved from here" "$p" \
	"<a href=\"/app/pipeline?move=$dana#lead-$dana\" class=\"move\">Move"
check "no stage form until one is opened" has_not 'name="back" value="pipeline"'
expect_contains "the XSS name is text" "$p" "&lt;script&gt;alert(1)&lt;/script&gt;Xena"
check "no script element from a lead" bash -c "! grep -q '<script>alert' <<<\"\$1\"" _ "$p"
page "/app/pipeline?owner=bob" "$M" >/dev/null
check "owner filter: bob's lead" grep -q "Dana Bobson" "$T/page"
check "owner filter: not alice's" has_not "Marcus Johnson"
page "/app/pipeline?kind=estimate" "$M" >/dev/null
check "kind filter: the estimate" grep -q "Dana Bobson" "$T/page"
check "kind filter: no inquiry" has_not "Tina Terryson"
page "/app/pipeline?source=phone_call" "$M" >/dev/null
expect_contains "source filter: none from the phone" "$(cat "$T/page")" "0 leads"
page "/app/pipeline?owner=%3Cscript%3E" "$M" >/dev/null
check "a filter value is escaped" has_not "<script>"

page /app/pipeline "$B" >/dev/null
p=$(cat "$T/page")
expect_contains "sales: my leads" "$p" "Pipeline: my leads"
expect_contains "sales sees his lead" "$p" "Dana Bobson"
for n in "Marcus Johnson" "Tina Terryson" "Olga Oldham" "Xena"; do
	check "sales does not see $n" bash -c "! grep -q \"\$1\" <<<\"\$2\"" _ "$n" "$p"
done
page "/app/pipeline?owner=alice" "$TT" >/dev/null
check "a technician's owner filter cannot widen what he sees" has_not "Marcus Johnson"
page /app/pipeline "$TT" >/dev/null
check "the technician sees his lead" grep -q "Tina Terryson" "$T/page"
check "the technician does not see bob's lead" has_not "Dana Bobson"

# A stage change from the pipeline: the lead page's form, through the same gates.
page "/app/pipeline?owner=alice&move=$old" "$M" >/dev/null
expect_contains "Move keeps the filters in the other leads' links" "$(cat "$T/page")" \
	"href=\"/app/pipeline?owner=alice&amp;move=$marcus#lead-$marcus\""
expect_eq "Move opens Dana's stage form in the pipeline" "$(page "/app/pipeline?owner=bob&move=$dana" "$M")" 200
p=$(cat "$T/page")
expect_contains "... posting to the lead's stage action" "$p" "action=\"/app/leads/$dana/stage\""
expect_contains "... and back to the pipeline" "$p" 'name="back" value="pipeline"'
expect_eq "quoted without the amount the rules require: 422" \
	"$(post "/app/leads/$dana/stage" "$M" "csrf=$(csrf_of)&back=pipeline&stage=quoted")" 422
expect_contains "... the pipeline again, the reason next to the form" "$(cat "$T/page")" \
	'<h1>Pipeline</h1>'
expect_contains "... naming the field" "$(cat "$T/page")" 'role="alert">amount'
expect_eq "... Dana still new" "$(sql "SELECT stage FROM leads WHERE id = $dana")" new
expect_eq "quoted at 900 from the pipeline: 303 back to it" \
	"$(post "/app/leads/$dana/stage" "$M" "csrf=$(csrf_of)&back=pipeline&stage=quoted&amount=900"); $(grep -i '^location:' "$T/hdr" | tr -d '\r' | cut -d' ' -f2)" \
	"303; /app/pipeline?ok=stage#lead-$dana"
expect_eq "... through the engine: stage, quote, the quote sequence, who did it" \
	"$(sql "SELECT stage || ' ' || quote_cents || ' ' || sequence FROM leads WHERE id = $dana"); $(sql "SELECT actor FROM events WHERE lead_id = $dana AND type = 'stage.changed'")" \
	"quoted 90000 quote_sent; maria"
page "/app/pipeline?ok=stage" "$M" >/dev/null
expect_contains "... and the pipeline says so" "$(cat "$T/page")" "Saved. The stage changed."
page /app/pipeline "$B" >/dev/null
expect_eq "a sales rep cannot move alice's lead from the pipeline: 404" \
	"$(post "/app/leads/$marcus/stage" "$B" "csrf=$(csrf_of)&back=pipeline&stage=lost&reason=price")" 404
expect_eq "... Marcus still quoted" "$(sql "SELECT stage FROM leads WHERE id = $marcus")" quoted

# --- search ----------------------------------------------------------------------------------------------
expect_eq "search: 200" "$(page "/app/search" "$M")" 200
expect_eq "by name" "$(page "/app/search?q=johnson" "$M"; grep -c 'Marcus Johnson</a>' "$T/page")" "2001"
page "/app/search?q=%28312%29+555-0142" "$M" >/dev/null
check "by phone as typed" grep -q "Dana Bobson" "$T/page"
page "/app/search?q=marcus%40example" "$M" >/dev/null
check "by email" grep -q "Marcus Johnson" "$T/page"
page "/app/search?q=nobody-here" "$M" >/dev/null
check "no match says so" grep -q "No lead matches." "$T/page"
page "/app/search?q=%3Cscript%3Ealert(1)" "$M" >/dev/null
s=$(cat "$T/page")
expect_contains "search finds the XSS lead by its name" "$s" "&lt;script&gt;alert(1)&lt;/script&gt;Xena</a>"
expect_contains "the query is escaped in the box" "$s" 'value="&lt;script&gt;alert(1)"'
check "no script element from the query or the lead" bash -c "! grep -q '<script>alert' <<<\"\$1\"" _ "$s"
page "/app/search?q=johnson" "$B" >/dev/null
check "sales never finds another's lead" grep -q "No lead matches." "$T/page"
page "/app/search?q=5550199" "$TT" >/dev/null
check "a technician never finds another's lead by phone" grep -q "No lead matches." "$T/page"
page "/app/search?q=tina" "$TT" >/dev/null
check "the technician finds his own" grep -q "Tina Terryson" "$T/page"
page "/app/search?q=%25" "$M" >/dev/null
check "a % is a character, not a wildcard" grep -q "No lead matches." "$T/page"

# --- team ----------------------------------------------------------------------------------------------------
expect_eq "team: sales may not: 403" "$(page /app/team "$B")" 403
expect_eq "team: a technician may not: 403" "$(page /app/team "$TT")" 403
expect_eq "team: office may" "$(page /app/team "$A")" 200
task=$(sql "SELECT id FROM tasks WHERE lead_id = $tina AND state = 'open' AND verb = 'call'")
page /app/ "$M" >/dev/null
expect_eq "Tina reached (a call, talked)" "$(post "/app/tasks/$task/outcome" "$M" "csrf=$(csrf_of)&back=today&outcome=talked")" 303
expect_eq "team: 200" "$(page /app/team "$M")" 200
t=$(cat "$T/page")
row() { grep -o "<tr><th scope=\"row\">$1</th>.*" <<<"$t" | sed 's#</tr>.*##'; }
open_alice=$(sql "SELECT count(*) FROM tasks WHERE assignee = 'alice' AND state = 'open'")
expect_contains "alice's open tasks" "$(row 'Alice Moreno')" "<td class=\"num\">$open_alice</td>"
expect_eq "terry: open, due today, overdue, done today" \
	"$(row 'Terry Tech' | grep -o '<td class="num[^"]*">[0-9]*</td>' | sed 's/<[^>]*>//g' | tr '\n' ' ')" \
	"$(sql "SELECT count(*) FROM tasks WHERE assignee = 'terry' AND state = 'open'") 0 0 1 "
expect_contains "terry's median time to first contact" "$(row 'Terry Tech')" "0 min<span class=\"meta\"> (1 of 1 reached)"
expect_contains "the promise holds: 0" "$t" "0 - every open lead has an owner and a next action."
sql "UPDATE tasks SET state = 'done' WHERE lead_id = $xena; UPDATE leads SET sequence = NULL WHERE id = $xena"
page /app/team "$M" >/dev/null
t=$(cat "$T/page")
expect_contains "a lead without a next action is counted" "$t" "1 open lead without an owner or a next action"
expect_contains "and listed, escaped" "$t" "&lt;script&gt;alert(1)&lt;/script&gt;Xena</a>"
check "no script element on the team page" bash -c "! grep -q '<script>alert' <<<\"\$1\"" _ "$t"

# --- rules -----------------------------------------------------------------------------------------------------
expect_eq "rules: office may not: 403" "$(page /app/rules "$A")" 403
expect_eq "rules: sales may not: 403" "$(page /app/rules "$B")" 403
expect_eq "rules: the manager: 200" "$(page /app/rules "$M")" 200
r=$(cat "$T/page")
expect_contains "the file's path" "$r" "$LK_FILES/rules.yaml"
expect_contains "its check" "$r" "ok (6 people"
expect_contains "the file, escaped" "$r" "# owner: &lt;script&gt;alert(&quot;rules&quot;)&lt;/script&gt; &amp; co"
check "no script element from the file" bash -c "! grep -q '<script>alert' <<<\"\$1\"" _ "$r"
v1=$(sha256sum "$LK_FILES/rules.yaml" | cut -c1-12)
expect_contains "the history: the version running, since serve started it" "$r" \
	"<td><code>$v1</code> (running)</td><td>serve</td>"
check "an unchanged file is not flagged" has_not "has changed since the server loaded it"
# A reload (SIGHUP) that takes: the page shows what runs now, and the history both versions.
printf '# a comment the reload brings\n' >>"$LK_FILES/rules.yaml"
v2=$(sha256sum "$LK_FILES/rules.yaml" | cut -c1-12)
kill -HUP "$SRV_PID"
for i in $(seq 1 100); do grep -q "msg=rules_reloaded" "$T/serve.log" && break; sleep 0.1; done
page /app/rules "$M" >/dev/null
r=$(cat "$T/page")
expect_contains "after a reload the page shows the rules that run now" "$r" "# a comment the reload brings"
check "... not flagged as changed" has_not "has changed since the server loaded it"
expect_contains "... the new version on top" "$r" "<td><code>$v2</code> (running)</td><td>serve reload</td>"
expect_contains "... the first below it" "$r" "<td><code>$v1</code></td><td>serve</td>"
printf 'bogus_section: 1\n' >>"$LK_FILES/rules.yaml"
page /app/rules "$M" >/dev/null
r=$(cat "$T/page")
expect_contains "a changed file on disk is noticed" "$r" "The file on disk has changed since the server loaded it."
expect_contains "and its check names the line" "$r" "rules.yaml:$(wc -l <"$LK_FILES/rules.yaml"):1: error:"
expect_contains "the server still runs the rules it loaded" "$r" "ok (6 people"

# --- 404 -----------------------------------------------------------------------------------------------------------
hdr=$(curl -s -D - -o "$T/page" -b "$M" "$BASE/app/nope")
expect_contains "an unknown app page: 404" "$hdr" "404"
expect_contains "as an HTML page" "$hdr" "Content-Type: text/html"
expect_contains "that says so" "$(cat "$T/page")" "There is no such page."
expect_contains "with the app's nav" "$(cat "$T/page")" 'href="/app/pipeline"'
expect_eq "deeper unknown paths too" "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$BASE/app/leads/1/nope/more")" \
	"404 text/html; charset=utf-8"
expect_eq "signed out: the same 404 page" "$(curl -s -o "$T/page" -w '%{http_code}' "$BASE/app/x<script>")" 404
check "the path is not echoed" has_not "<script>"
expect_eq "a wrong method on an app page: 405, HTML" \
	"$(curl -s -o /dev/null -w '%{http_code} %{content_type}' -b "$M" --data x=1 "$BASE/app/pipeline")" \
	"405 text/html; charset=utf-8"
expect_eq "the API keeps its JSON 404" "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$BASE/v1/nope")" \
	"404 application/json"
check "server stops cleanly" stop_server
check "no sanitizer report in the server log" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"

#!/usr/bin/env bash
# The Reports page end to end with curl against the real serve: managers
# and admins only (office, sales: 403; not in their nav), the figures of
# `leadkeep report` for the period chosen, the charts as inline SVG with
# their text alternatives, a lead's name that is markup shown as text, and
# an unknown period or split falling back to the defaults. The default view
# is computed by serve's warmer at start (web_reports_cache.h): the first
# request finds it and computes nothing; another view is computed in the
# background while the page says so.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

# Tuesday 2026-11-24 in Chicago: Marcus arrives at 14:02 and is reached by a
# call at 14:05; the second lead (a name that is markup) at 14:03, nobody
# acts. The server's clock reads 14:10.
XSS='<script>alert(1)</script>Xena'
LEADKEEP_NOW=2026-11-24T20:02:00Z lk lead add --name "Marcus Johnson" --phone 3125550199 \
	--source web_form --owner alice >/dev/null
LEADKEEP_NOW=2026-11-24T20:03:00Z lk lead add --name "$XSS" --phone 3125550198 \
	--source phone_call --owner bob >/dev/null
LEADKEEP_NOW=2026-11-24T20:05:00Z lk lead log 1 call --outcome reached --by alice >/dev/null
export LEADKEEP_NOW=2026-11-24T20:10:00Z
# A view not computed yet shows "computing" at once, however fast the machine.
export LEADKEEP_REPORTS_WAIT_MS=0
start_server || { not_ok "server starts"; exit 1; }
ok "server starts"
# warmed_count: how many times the default view was computed so far.
warmed_count() { grep -c 'msg=report_computed business=[0-9]* view=7d/ ' "$T/serve.log"; }
for _ in $(seq 1 100); do [ "$(warmed_count)" -ge 1 ] && break; sleep 0.1; done
expect_eq "the default view is computed at start, before anyone asks" "$(warmed_count)" 1
check "by the warmer, for the start" grep -q 'msg=report_computed business=[0-9]* view=7d/ why=start' "$T/serve.log"

page() {
	local p=$1 jar=$2; shift 2
	curl -s -o "$T/page" -w '%{http_code}' -b "$jar" -c "$jar" "$@" "$BASE$p"
}
post() {
	local p=$1 jar=$2 d=$3; shift 3
	curl -s -o "$T/page" -w '%{http_code}' -b "$jar" -c "$jar" --data "$d" "$@" "$BASE$p"
}
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' "$T/page" | head -n 1 | sed 's/.*value="//; s/"//'; }
user() {	# EMAIL ROLE PERSON JAR: a user, signed in through the set-password link
	local link tok
	link=$(lk user add --email "$1" --name "$1" --role "$2" ${3:+--person "$3"} 2>/dev/null)
	tok=${link#*token=}
	page "/app/set-password?token=$tok" "$4" >/dev/null
	post /app/set-password "$4" "csrf=$(csrf_of)&token=$tok&password=ten+chars+at+least&confirm=ten+chars+at+least"
}
has_not() { bash -c "! grep -q -- \"\$1\" '$T/page'" _ "$1"; }
# figures PATH JAR: the page once its figures are there (a view nobody asked
# for before may first say it is computing them, and reload itself).
figures() {
	local code
	for _ in $(seq 1 100); do
		code=$(page "$1" "$2")
		grep -q 'Computing these figures' "$T/page" || break
		grep -q '<meta http-equiv="refresh" content="2">' "$T/page" || { echo "no-refresh"; return; }
		sleep 0.1
	done
	echo "$code"
}

M="$T/maria.jar" D="$T/dan.jar" A="$T/alice.jar" B="$T/bob.jar"
expect_eq "a manager" "$(user maria@x manager maria "$M")" 303
expect_eq "an admin" "$(user dan@x admin "" "$D")" 303
expect_eq "an office user" "$(user alice@x office alice "$A")" 303
expect_eq "a sales rep" "$(user bob@x sales bob "$B")" 303

expect_eq "office: 403" "$(page /app/reports "$A")" 403
expect_eq "sales: 403" "$(page /app/reports "$B")" 403
page /app/ "$A" >/dev/null
check "office's nav has no Reports" has_not 'href="/app/reports"'
expect_eq "admin: 200" "$(page /app/reports "$D")" 200
expect_eq "manager: 200" "$(page /app/reports "$M")" 200
p=$(cat "$T/page")
expect_contains "the figures at once, with their time" "$p" "Figures as of Tue Nov 24, 2:10 PM; they are computed again when leads change."
expect_eq "the requests computed nothing: still one computation" "$(warmed_count)" 1
expect_contains "in the manager's nav, marked current" "$p" 'href="/app/reports" aria-current="page"'
expect_contains "speed to lead" "$p" "<h2>Speed to lead</h2>"
expect_contains "a chart as inline SVG, described" "$p" '<svg class="chart" role="img" aria-label="How soon leads were acknowledged, attempted and reached"'
expect_contains "bars with their shares" "$p" "<title>First contact: 5 min 50%</title>"
expect_contains "first contact median: 3 min" "$p" "<th scope=\"row\">First contact (a person)</th><td>wall clock</td><td class=\"num\">3 min</td>"
expect_contains "the unworked lead, its name as text" "$p" "&lt;script&gt;alert(1)&lt;/script&gt;Xena"
check "no script element from the lead's name" bash -c "! grep -q '<script>alert' '$T/page'"
expect_contains "the missed-lead cost" "$p" "worth about \$255.00"
expect_contains "the stage contradiction" "$p" "stage new, but a person acted on it (call.logged)"
expect_contains "the scorecard" "$p" "Grade 4: a working follow-up system. 2 of 2 active leads"
expect_contains "conversion: all sources" "$p" '<th scope="row">All sources</th><td class="num">2</td>'

expect_eq "another view, first asked: 200" "$(page '/app/reports?period=30d&by=source' "$M")" 200
p=$(cat "$T/page")
expect_contains "... says its figures are being computed" "$p" "Computing these figures..."
expect_contains "... and reloads itself" "$p" '<meta http-equiv="refresh" content="2">'
expect_contains "... with the choice kept" "$p" '<option value="30d" selected>'
check "... and no figures yet" has_not "<h2>Speed to lead</h2>"
expect_eq "split by source: 200" "$(figures '/app/reports?period=30d&by=source' "$M")" 200
p=$(cat "$T/page")
expect_contains "the period chosen is selected" "$p" '<option value="30d" selected>'
expect_contains "first contact by source" "$p" "First contact by Source"
expect_eq "an unknown period: the default" "$(page '/app/reports?period=forever&by=colour' "$M")" 200
expect_contains "7 days selected" "$(cat "$T/page")" '<option value="7d" selected>'
check "that view computed by the warmer too" grep -q 'msg=report_computed business=[0-9]* view=30d/source why=asked' "$T/serve.log"
check "server stops cleanly" stop_server
check "no sanitizer report in the server log" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"
echo "1..$_n"

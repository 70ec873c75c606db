#!/usr/bin/env bash
# The staff web app across businesses: a user of any hosted business signs
# in at the same /app/ and sees and changes only their business. Bravo's
# user tries every page and action of src/web/web_routes.c with the install's
# own business's lead, task and appointment: 404 for each that names one, and
# nothing of it on the others; the test fails when a route is added to
# web_routes.c without a line here. An agency admin granted bravo switches
# between the two and sees each on its own; a switch without the CSRF token
# is refused, and a form of one business is refused once the other is shown.
# A disabled business's users cannot sign in.
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/e2e/http_lib.sh"

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago

business_config </dev/null	# the install's own: the demo (Northside Home Services)
named() {	# named NAME PERSON NAME2 FILE: the demo's rules as another business
	lk rules show-default | sed -e "s/name: Northside Home Services/name: $1/" \
		-e "s/id: alice, name: Alice Moreno/id: $2, name: $3/" -e "s/\balice\b/$2/g" >"$4"
}
named "Bravo Roofing" brenda "Brenda Park" "$T/bravo.yaml"
named "Charlie Cleaning" cora "Cora Diaz" "$T/charlie.yaml"
check "business add bravo" lk business add bravo "$T/bravo.yaml"
check "business add charlie" lk business add charlie "$T/charlie.yaml"

OWN_LEAD=$(lk lead add --name "Ann Own" --phone "(312) 555-0201" --source web_form --json |
	json_get "$(cat)" 'd["id"]')
BRAVO_LEAD=$(lk lead add --business bravo --name "Bob Bravo" --phone "(312) 555-0202" \
	--source web_form --json | json_get "$(cat)" 'd["id"]')
OWN_TASK=$(json_get "$(lk lead show "$OWN_LEAD" --json)" '[t["id"] for t in d["tasks"]][0]')
check "an appointment of the install's own lead" lk appointments book "$OWN_LEAD" \
	--start "2026-11-30 10:00" --person alice
OWN_APPT=$(json_get "$(lk lead show "$OWN_LEAD" --json)" 'd["appointments"][0]["id"]')
# (what the dispatcher records of its sends is not a change anyone made)
own_state() { lk lead show "$OWN_LEAD" --json | json_get "$(cat)" \
	'[d["name"], d["stage"], d["status"], d["owner"], len([e for e in d["timeline"] if e["actor"] != "delivery"]), [t["state"] for t in d["tasks"]], [a["state"] for a in d["appointments"]]]'; }
own_before=$(own_state)

# Users: one business's each. One email is one sign-in: a second business
# cannot add it (it grants it instead).
link_of() { sed -n 's/.*token=//p' <<<"$1"; }
ADMIN_TOK=$(link_of "$(lk user add --email admin@own.test --name Admin --role admin 2>/dev/null)")
BRENDA_TOK=$(link_of "$(lk user add --business bravo --email brenda@bravo.test --name Brenda \
	--role admin 2>/dev/null)")
BOB_TOK=$(link_of "$(lk user add --business bravo --email bob@bravo.test --name Bob \
	--role sales --person bob 2>/dev/null)")
CORA_TOK=$(link_of "$(lk user add --business charlie --email cora@charlie.test --name Cora \
	--role admin 2>/dev/null)")
PAT_TOK=$(link_of "$(lk user add --email pat@agency.test --name Pat --role admin 2>/dev/null)")
lk user add --business bravo --email Admin@Own.Test --name X --role admin >/dev/null 2>"$T/err"
expect_eq "user add of an email another business has exits 2" "$?" 2
expect_contains "pointing to user grant" "$(cat "$T/err")" \
	"leadkeep user grant --business bravo --email Admin@Own.Test"
check "user grant --business bravo (the agency admin)" \
	lk user grant --business bravo --email pat@agency.test
lk user grant --email pat@agency.test >/dev/null 2>&1
expect_eq "user grant without --business exits 2" "$?" 2
lk user grant --business bravo --email nobody@agency.test >/dev/null 2>&1
expect_eq "user grant of nobody exits 2" "$?" 2
lk user grant --business bravo --email admin@own.test --person nobody >/dev/null 2>&1
expect_eq "user grant with a person bravo does not have exits 2" "$?" 2
expect_eq "user list --business default shows the grant" \
	"$(json_get "$(lk user list --json)" '[u["grants"] for u in d if u["email"] == "pat@agency.test"][0]')" \
	"[{'business': 'bravo', 'person': None}]"
check "business disable charlie (not hosted by serve)" lk business disable charlie

# Each person signs in from an address of their own (through the trusted
# proxy): the sign-in limit per address is not what this test is about.
server_config <<'YAML'
trusted_proxies: [127.0.0.1]
YAML
start_server --config "$T/server.yaml" || { not_ok "serve starts"; cat "$T/serve.log"; exit 1; }
for _i in $(seq 1 50); do grep -q msg=listening "$T/serve.log" && break; sleep 0.1; done
expect_contains "serve hosts bravo, not charlie" "$(cat "$T/serve.log")" "businesses=2 not_hosted=0"

# jar NAME: a cookie jar; page JAR PATH and post JAR PATH BODY print the status
# and leave the page in $T/page.
ip_of() { echo "10.0.0.$(($(cksum <<<"$1" | cut -d' ' -f1) % 250 + 1))"; }
page() { curl -s -o "$T/page" -w '%{http_code}' -H "X-Forwarded-For: $(ip_of "$1")" \
	-b "$T/$1.jar" -c "$T/$1.jar" "$BASE$2"; }
post() { curl -s -o "$T/page" -w '%{http_code}' -H "X-Forwarded-For: $(ip_of "$1")" \
	-b "$T/$1.jar" -c "$T/$1.jar" --data "$3" "$BASE$2"; }
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' "$T/page" | head -n 1 | sed 's/.*value="//; s/"//'; }
shown() { sed -n 's/.*<span class="business" id="business">\([^<]*\)<.*/\1/p' "$T/page" | head -n 1; }
PW="csrf=CSRF&password=ten+chars+at+least&confirm=ten+chars+at+least"
set_password() {	# set_password JAR TOKEN: prints the status
	page "$1" "/app/set-password?token=$2" >/dev/null
	post "$1" /app/set-password "${PW/CSRF/$(csrf_of)}&token=$2"
}
sign_in() {	# sign_in JAR EMAIL [PASSWORD]: a fresh jar, the sign-in form; the status
	rm -f "$T/$1.jar"
	page "$1" /app/login >/dev/null
	post "$1" /app/login "csrf=$(csrf_of)&email=$2&password=${3:-ten+chars+at+least}"
}
for who in admin:$ADMIN_TOK brenda:$BRENDA_TOK bob:$BOB_TOK cora:$CORA_TOK pat:$PAT_TOK; do
	st=$(set_password "${who%%:*}" "${who#*:}")
	expect_eq "${who%%:*} sets a password from the link" "$st" 303
done

# Sign-in: one page for every business; the email finds its business.
expect_eq "bravo's admin signs in at /app/login" "$(sign_in brenda brenda@bravo.test)" 303
expect_eq "and gets Today" "$(page brenda /app/)" 200
expect_eq "which says it is bravo's" "$(shown)" "Bravo Roofing"
expect_eq "with no switcher (no grants)" "$(grep -c 'name="business"' "$T/page")" 0
expect_eq "bravo's salesperson signs in too" "$(sign_in bob bob@bravo.test)" 303
expect_eq "a wrong password: 401" "$(sign_in x brenda@bravo.test wrong+password+here)" 401
expect_contains "Wrong email or password" "$(cat "$T/page")" "Wrong email or password."
expect_eq "an unknown email: the same 401" "$(sign_in x nobody@bravo.test)" 401
expect_contains "and the same words" "$(cat "$T/page")" "Wrong email or password."
for i in 1 2 3 4; do sign_in x bob@bravo.test wrong+password+here >/dev/null; done
expect_eq "the fifth wrong password locks bravo's account" \
	"$(sign_in x bob@bravo.test wrong+password+here)" 429
expect_contains "saying so" "$(cat "$T/page")" "This account is locked after 5 failed sign-ins"
expect_eq "the right one is refused while locked" "$(sign_in x bob@bravo.test)" 429
expect_eq "a disabled business's user cannot sign in: 403" "$(sign_in cora cora@charlie.test)" 403
expect_contains "told so in words" "$(cat "$T/page")" "Your business is not served by this server"
expect_eq "naming nothing of it" "$(grep -ci -e 'charlie cleaning' -e disabled "$T/page")" 0
expect_eq "and no page for the session its link made" "$(page cora /app/pipeline)" 303
expect_contains "serve logged why" "$(cat "$T/serve.log")" "error=business_not_hosted"

# Bravo's admin against the install's own lead, task and appointment: every
# route of web_routes.c has a line. METHOD PATTERN CHECK BODY, CHECK being
#   404   the pattern's * is the install's own lead (tasks, walk: its task)
#   none  a page of bravo's own: 200 (or 303) and nothing of the other business
#   new   a lead made: bravo's, not the other's
#   skip  checked elsewhere (why after the pattern)
page brenda /app/ >/dev/null
CSRF=$(csrf_of)
web_tried="
GET / skip static: a redirect
GET /app skip static: a redirect
GET /app/ none -
GET /app/login skip sign-in: above
POST /app/login skip sign-in: above
POST /app/logout skip sign-out: below
POST /app/business skip the switcher: below
GET /app/set-password skip the link: above
POST /app/set-password skip the link: above
GET /app/leads/new none -
POST /app/leads new name=Nia+New&phone=%28312%29+555-0299&source=phone_call
GET /app/leads/* 404 -
POST /app/leads/*/log 404 type=note&text=hello
POST /app/leads/*/stage 404 stage=contacted
POST /app/leads/*/owner 404 owner=alice
POST /app/leads/*/pause 404 reason=wait
POST /app/leads/*/opt-out 404 outcome=confirm
POST /app/leads/*/resume 404 -
POST /app/leads/*/appointments 404 action=cancel&appointment=$OWN_APPT
POST /app/tasks/*/outcome 404 outcome=reached
POST /app/tasks/*/snooze 404 for=1d
GET /app/walk none -
GET /app/pipeline none -
GET /app/team none -
GET /app/rules none -
GET /app/reports none -
GET /app/search none q=Ann
POST /app/walk/* 404 outcome=reached
GET /app/events skip live: says only that something changed, never a row
GET /app/assets/* skip static: the CSS, JS and icon
GET /app/manifest.webmanifest skip static: the install's manifest
"
while read -r m pat what body; do
	[ -n "$m" ] || continue
	[ "$what" = skip ] && continue
	[ "$body" = - ] && body=""
	body=${body//\$OWN_APPT/$OWN_APPT}
	case $what in
	404)
		id=$OWN_LEAD; [[ $pat == /app/tasks/* || $pat == /app/walk/* ]] && id=$OWN_TASK
		path=${pat/\*/$id}
		if [ "$m" = GET ]; then st=$(page brenda "$path"); else st=$(post brenda "$path" "csrf=$CSRF&$body"); fi
		expect_eq "bravo's admin: $m $path (the install's own) is 404" "$st" 404
		expect_eq "  its page says bravo's" "$(shown)" "Bravo Roofing" ;;
	none)
		st=$(page brenda "$pat${body:+?$body}")
		[ "$st" = 303 ] && st=$(page brenda /app/)	# nothing to walk: back to Today
		expect_eq "bravo's admin: $m $pat is bravo's page" "$st $(shown)" "200 Bravo Roofing"
		expect_eq "  with nothing of the install's own" \
			"$(grep -c -e 'Ann Own' -e 'Alice Moreno' -e 'Northside' -e "leads/$OWN_LEAD\"" "$T/page")" 0 ;;
	new)
		st=$(post brenda "$pat" "csrf=$CSRF&$body")
		expect_eq "bravo's admin: $m $pat makes a lead" "$st" 303
		expect_eq "  bravo's" "$(json_get "$(lk lead list --business bravo --json)" \
			'sorted(l["name"] for l in d)')" "['Bob Bravo', 'Nia New']"
		expect_eq "  not the install's own" "$(json_get "$(lk lead list --json)" \
			'[l["name"] for l in d]')" "['Ann Own']" ;;
	*) not_ok "unknown check $what for $m $pat" ;;
	esac
done <<<"$web_tried"
missing=""
while read -r m pat; do
	grep -qF "$m $pat " <<<"$web_tried" || missing="$missing $m $pat;"
done < <(sed -n 's/^[[:space:]]*{ "\([A-Z]*\)", "\([^"]*\)".*/\1 \2/p' "$LK_ROOT/src/web/web_routes.c")
expect_eq "every route of web_routes.c is tried" "$missing" ""
# bravo's own lead with the other business's appointment id: not touched
post brenda "/app/leads/$BRAVO_LEAD/appointments" "csrf=$CSRF&action=cancel&appointment=$OWN_APPT" >/dev/null
expect_eq "and the install's own lead, task and appointment are unchanged" "$(own_state)" "$own_before"
expect_eq "bravo's admin opens bravo's own lead" "$(page brenda "/app/leads/$BRAVO_LEAD")" 200
expect_eq "the install's own admin signs in" "$(sign_in admin admin@own.test)" 303
expect_eq "  and does not open bravo's lead" "$(page admin "/app/leads/$BRAVO_LEAD")" 404
expect_eq "  and its own page says the install's own" "$(page admin /app/ >/dev/null; shown)" "Northside Home Services"

# The agency admin: the install's own business, and bravo by a grant.
expect_eq "the agency admin signs in" "$(sign_in pat pat@agency.test)" 303
page pat /app/pipeline >/dev/null
expect_eq "shows the install's own business first" "$(shown)" "Northside Home Services"
expect_eq "with a switcher of both" \
	"$(grep -o '<select id="switch-business".*</select>' "$T/page" | sed 's#</select>.*##' |
		grep -o '<option value="[0-9]*"[^>]*>[^<]*' | sed 's/.*>//' | tr '\n' '|')" \
	"Northside Home Services|Bravo Roofing|"
expect_eq "its pipeline: only the install's own leads" \
	"$(grep -c 'Ann Own' "$T/page") $(grep -c 'Bob Bravo' "$T/page")" "1 0"
OWN_CSRF=$(csrf_of)
BRAVO_ID=$(db_sql "SELECT id FROM businesses WHERE slug = 'bravo'")
CHARLIE_ID=$(db_sql "SELECT id FROM businesses WHERE slug = 'charlie'")
expect_eq "a switch without the CSRF token is refused" \
	"$(post pat /app/business "business=$BRAVO_ID")" 403
expect_eq "one with another token too" "$(post pat /app/business "csrf=${OWN_CSRF//[0-9]/a}&business=$BRAVO_ID")" 403
expect_eq "  still the install's own" "$(page pat /app/ >/dev/null; shown)" "Northside Home Services"
expect_eq "a switch to a business not granted is 404" \
	"$(post pat /app/business "csrf=$OWN_CSRF&business=$CHARLIE_ID")" 404
expect_eq "a switch to nothing is 404" "$(post pat /app/business "csrf=$OWN_CSRF&business=x")" 404
expect_eq "a switch to bravo" "$(post pat /app/business "csrf=$OWN_CSRF&business=$BRAVO_ID")" 303
page pat /app/pipeline >/dev/null
expect_eq "now shows bravo" "$(shown)" "Bravo Roofing"
expect_eq "its pipeline: only bravo's leads" \
	"$(grep -c 'Ann Own' "$T/page") $(grep -c 'Bob Bravo' "$T/page")" "0 1"
expect_eq "bravo's lead opens" "$(page pat "/app/leads/$BRAVO_LEAD")" 200
expect_eq "the install's own lead is 404 while bravo is shown" "$(page pat "/app/leads/$OWN_LEAD")" 404
expect_eq "a form of the install's own page is refused now (its token is that business's)" \
	"$(post pat "/app/leads/$BRAVO_LEAD/log" "csrf=$OWN_CSRF&type=note&text=stale+tab")" 403
page pat /app/ >/dev/null
expect_eq "bravo's search finds nothing of the other" "$(page pat '/app/search?q=Ann' >/dev/null; grep -c 'Ann Own' "$T/page")" 0
page pat /app/ >/dev/null
BRAVO_CSRF=$(csrf_of)
expect_eq "the switch back" "$(post pat /app/business "csrf=$BRAVO_CSRF&business=$(db_sql "SELECT id FROM businesses WHERE slug = 'default'")")" 303
expect_eq "shows the install's own again" "$(page pat "/app/leads/$OWN_LEAD"; echo " $(shown)")" \
	"200 Northside Home Services"
check "the grant revoked" lk user revoke --business bravo --email pat@agency.test
lk user revoke --business bravo --email pat@agency.test >/dev/null 2>&1
expect_eq "revoking again exits 2" "$?" 2
expect_eq "a switch to bravo is 404 now" "$(post pat /app/business "csrf=$OWN_CSRF&business=$BRAVO_ID")" 404
page pat /app/ >/dev/null
expect_eq "and the switcher is gone" "$(grep -c 'name="business"' "$T/page")" 0

# Signing out ends the session, whichever its business.
page brenda /app/ >/dev/null
expect_eq "bravo's admin signs out" "$(post brenda /app/logout "csrf=$(csrf_of)")" 303
expect_eq "and has no page any more" "$(page brenda /app/pipeline)" 303
stop_server

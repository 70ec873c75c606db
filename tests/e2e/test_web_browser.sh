#!/usr/bin/env bash
# The staff web app in a real browser: Debian's chromium, headless, driven by
# playwright-core (package.json; never a downloaded browser) against the real
# serve on a free port with a fresh data dir holding the demo's seeded week.
# The tests are tests/browser/*.test.js (pages.js lists the pages: axe-core,
# 360 px, screenshots into build/screenshots/). TAP lines, like every test.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

if [ ! -x /usr/bin/chromium ]; then
	not_ok "Debian's chromium is installed (/usr/bin/chromium; scripts/deps.sh installs it, make test runs that)"
	exit 1
fi
if [ ! -d "$LK_ROOT/node_modules/playwright-core" ] || [ ! -f "$LK_ROOT/node_modules/axe-core/axe.min.js" ]; then
	not_ok "playwright-core and axe-core are installed (scripts/npm-deps.sh; make test runs it)"
	exit 1
fi

export LEADKEEP_NOW=2026-11-24T20:02:00Z	# Tuesday 14:02 in America/Chicago: open
server_config "$T/serve.yaml" </dev/null
lk demo-seed >/dev/null 2>&1 && ok "the demo's week is seeded" || not_ok "the demo's week is seeded"
lk demo-users >/dev/null 2>&1 && ok "the demo sign-ins exist" || not_ok "the demo sign-ins exist"
# a visit of Tom's today, for his Today and the lead page's appointments
lk appointments book "$(sql "SELECT id FROM leads WHERE name = 'Kenji Tanaka'")" --kind service_call \
	--start "2026-11-24 16:00" --place "2150 N Clark St, Chicago" --person tom >/dev/null 2>&1 &&
	ok "a visit is booked for Tom" || not_ok "a visit is booked for Tom"
LK_LOCK_LINK=$(lk user add --email lock@demo --name "Lou Locke" --role office 2>/dev/null)
LK_TOKEN=$(lk token create --name browser --role staff 2>/dev/null)
LK_SETPW_LINK=$(lk user add --email new@demo --name "Nia Novak" --role office 2>/dev/null)
# after demo-users: it is for the built-in demo rules alone
business_config <<'YAML'
sources:
  forms:
    alice: { owner: alice }
    bob: { owner: bob }
YAML
start_server --config "$T/serve.yaml" || { not_ok "server starts"; exit 1; }
ok "server starts"

case $LEADKEEP_DATA in	# the browser tests' sql(): the file, or PostgreSQL's address
postgres://* | postgresql://*) db=$LEADKEEP_DATA ;;
*) db=$LEADKEEP_DATA/leadkeep.db ;;
esac
for t in "$LK_ROOT"/tests/browser/*.test.js; do
	out=$(cd "$LK_ROOT" && LK_BASE="$BASE" LK_DB="$db" \
		LK_ROOT="$LK_ROOT" LK_SHOTS="$LK_ROOT/build/screenshots" LK_TAP_START=$_n \
		LK_LOCK_LINK="$BASE$LK_LOCK_LINK" LK_SETPW_LINK="$LK_SETPW_LINK" LK_TOKEN="$LK_TOKEN" \
		timeout 180 node "$t" 2>&1)
	rc=$?
	echo "$out"
	_n=$((_n + $(grep -cE '^(ok|not ok) ' <<<"$out")))
	[ $rc -eq 0 ] || grep -qE '^not ok ' <<<"$out" || not_ok "$(basename "$t") ran to the end (exit $rc)"
done

check "server stops cleanly" stop_server
check "no sanitizer report in the server log" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"

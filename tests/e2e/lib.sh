# Helpers for end-to-end tests: each test script sources this, runs the real
# binary ($LK_BIN) in a fresh temp dir, and reports TAP lines via ok/not_ok.
set -u
LK_BIN="${LK_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/asan/leadkeep}"
LK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
T=$(mktemp -d /tmp/lk-e2e.XXXXXX)
# leadkeep's own files (rules.yaml, outbox.log, link.key): the data
# directory on SQLite, beside the database on PostgreSQL.
export LK_FILES="$T/data"
export LEADKEEP_DATA="$T/data"
# LK_STORE=pg (tests/run.sh's PostgreSQL pass, under tests/pg_cluster.sh):
# the database is LK_PG_URL, emptied for this test; every command and serve
# finds it through $LEADKEEP_DATA and their files through $LEADKEEP_FILES.
if [ "${LK_STORE:-}" = pg ]; then
	if [ -z "${LK_PG_URL:-}" ]; then
		echo "LK_STORE=pg without LK_PG_URL: run through tests/pg_cluster.sh" >&2
		exit 2
	fi
	psql -XAtq "$LK_PG_URL" -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public" \
		>/dev/null 2>&1 || { echo "cannot empty $LK_PG_URL" >&2; exit 2; }
	export LEADKEEP_DATA="$LK_PG_URL" LEADKEEP_FILES="$LK_FILES"
	# A stable node name, as docs/scaling.md asks: a restart takes back its
	# own rows in flight at once instead of after a lease.
	export LEADKEEP_NODE="${LEADKEEP_NODE:-e2e}"
	(umask 077; mkdir -p "$LK_FILES")	# what SQLite's first command would make
fi
_n=0
_pids=()
cleanup() {
	for p in "${_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	[ -n "${LK_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

ok()     { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); echo "not ok $_n - $*"; }

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local d=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d"; echo "#   failed: $*"; fi
}

# expect_eq DESCRIPTION ACTUAL EXPECTED
expect_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1"; echo "#   got:      $2"; echo "#   expected: $3"; fi
}

# expect_contains DESCRIPTION HAYSTACK NEEDLE
expect_contains() {
	if [[ "$2" == *"$3"* ]]; then ok "$1"; else not_ok "$1"; echo "#   missing: $3"; echo "#   in: ${2:0:2000}"; fi
}

lk() { "$LK_BIN" "$@"; }

# db_sql SQL: runs SQL on $LEADKEEP_DATA's database, whichever the engine, rows
# as lines of |-separated columns. Portable SQL only (no group_concat, no
# sums of comparisons): it reads the same on SQLite and PostgreSQL.
db_sql() {
	case $LEADKEEP_DATA in
	postgres://* | postgresql://*)
		psql -XAtq "$LEADKEEP_DATA" -v ON_ERROR_STOP=1 -c "$1" ;;
	*)
		sqlite3 -cmd ".timeout 10000" "$LEADKEEP_DATA/leadkeep.db" "$1" ;;
	esac
}

# hex_of TEXT: its bytes in upper-case hex, as SQLite's hex() writes them.
hex_of() { printf %s "$1" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F; }

# utc SECONDS: the UTC time as SQLite's datetime(x, 'unixepoch') writes it.
utc() { [ -n "$1" ] && date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }

# sqlite_only REASON: this test (or what follows in it) reads or writes the
# SQLite file itself; under LK_STORE=pg it stops here, passing what ran.
sqlite_only() {
	if [ "${LK_STORE:-}" = pg ]; then
		echo "# SQLite only from here: $1"
		exit 0
	fi
}

# server_config [FILE]: writes the server's own file (leadkeep-server.yaml(5):
# listen, proxies, limits...) from the YAML on stdin; FILE defaults to
# $T/server.yaml. The one way a test configures serve itself: start it with
# --config FILE.
server_config() { cat >"${1:-$T/server.yaml}"; }

# business_config [FILE]: the business's file with the sections on stdin
# (sources:, providers:) after its rules. FILE (default
# $LK_FILES/rules.yaml, which serve reads without --rules) keeps the
# rules it has, else gets the built-in demo's; the sections an earlier call
# added are replaced. Secrets go in as env:NAME with NAME exported.
business_config() {
	local f=${1:-$LK_FILES/rules.yaml} mark='# --- sections written by business_config'
	(umask 077; mkdir -p "$(dirname "$f")")	# as serve makes a data dir: 0700
	if [ -f "$f" ]; then sed -i "/^$mark/,\$d" "$f"; else "$LK_BIN" rules show-default >"$f"; fi
	{ echo "$mark"; cat; } >>"$f"
}

# open_around_the_clock [FILE]: the business file (default
# $LK_FILES/rules.yaml; the demo's rules when there is none) open every
# minute of every day, with no holidays and no quiet hours. For the tests on
# the real clock: staff notifications wait for working hours, and what such a
# test waits for must not depend on the hour it happens to run.
open_around_the_clock() {
	local f=${1:-$LK_FILES/rules.yaml}
	(umask 077; mkdir -p "$(dirname "$f")")
	[ -f "$f" ] || "$LK_BIN" rules show-default >"$f"
	sed -i -e 's/^    mon-fri: "08:00-17:00"$/    mon-sun: "00:00-24:00"/' \
		-e '/^    sat: "09:00-12:00"$/d' -e 's/^  holidays: .*/  holidays: []/' \
		-e '/^  quiet_hours:/d' "$f"
	grep -q '^    mon-sun: "00:00-24:00"$' "$f" ||
		{ echo "open_around_the_clock: $f has no demo hours to open" >&2; exit 2; }
}

# free_port: a port to listen on, free now. Taken below the kernel's
# ephemeral range (ip_local_port_range), where nothing else lands on it
# meanwhile: an ephemeral one, released, may become a stub's port or a
# client's source port before serve binds it.
free_port() {
	python3 - <<'PY'
import random, socket
lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for _ in range(500):
    p = random.randint(lo // 2, lo - 1)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    print(p)
    break
PY
}

# wait_http URL [TRIES]: polls until the URL answers 200.
wait_http() {
	local i
	for i in $(seq 1 "${2:-100}"); do
		curl -fs "$1" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# jq-free JSON field access through python3.
json_get() {	# JSON PATH (python expression on d)
	python3 -c "import json,sys; d=json.load(sys.stdin); print($2)" <<<"$1"
}

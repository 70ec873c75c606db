# Helpers for end-to-end tests: each test script sources this, runs the real
# binary ($LK_BIN) in a fresh temp dir, and reports TAP lines via ok/not_ok.
set -u
LK_BIN="${LK_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/asan/leadkeep}"
LK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
T=$(mktemp -d /tmp/lk-e2e.XXXXXX)
export LEADKEEP_DATA="$T/data"
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

# server_config [FILE]: writes the server's own file (leadkeep-server.yaml(5):
# listen, proxies, limits...) from the YAML on stdin; FILE defaults to
# $T/server.yaml. The one way a test configures serve itself: start it with
# --config FILE.
server_config() { cat >"${1:-$T/server.yaml}"; }

# business_config [FILE]: the business's file with the sections on stdin
# (sources:, providers:) after its rules. FILE (default
# $LEADKEEP_DATA/rules.yaml, which serve reads without --rules) keeps the
# rules it has, else gets the built-in demo's; the sections an earlier call
# added are replaced. Secrets go in as env:NAME with NAME exported.
business_config() {
	local f=${1:-$LEADKEEP_DATA/rules.yaml} mark='# --- sections written by business_config'
	(umask 077; mkdir -p "$(dirname "$f")")	# as serve makes a data dir: 0700
	if [ -f "$f" ]; then sed -i "/^$mark/,\$d" "$f"; else "$LK_BIN" rules show-default >"$f"; fi
	{ echo "$mark"; cat; } >>"$f"
}

# A free TCP port on loopback.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
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

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

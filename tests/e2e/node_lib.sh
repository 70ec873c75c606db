# Helpers for the tests that check leadkeep with independent npm tools
# (package.json; sourced after lib.sh). scripts/npm-deps.sh installs them;
# `make test` runs it first.

NODE_BIN="$LK_ROOT/node_modules/.bin"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

# need_node_tools: fails the test (one "not ok") when node_modules is absent.
need_node_tools() {
	if [ ! -x "$NODE_BIN/redocly" ] || [ ! -x "$NODE_BIN/prism" ] ||
	   [ ! -d "$LK_ROOT/node_modules/twilio" ]; then
		not_ok "npm test tools installed (run scripts/npm-deps.sh; make test does)"
		exit 1
	fi
}

#!/bin/sh
# Installs the npm packages the tests check leadkeep against (package.json:
# the OpenAPI linter, a validating proxy, Twilio's own signature code, browser
# test tools) into ./node_modules, exactly as package-lock.json pins them.
# Quiet and instant when node_modules is already newer than the lock file.
#
# package.json pins @stoplight/prism-cli 5.14.2, the last release that runs on
# Node.js 20, and "overrides" its prism-core/-http/-http-server to releases of
# the same series: its caret ranges would otherwise pull 5.16, which needs
# Node.js 24.
set -eu
cd "$(dirname "$0")/.."

stamp=node_modules/.package-lock.json	# written by npm ci
if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ] && [ "$stamp" -nt package.json ]; then
	exit 0
fi

# package.json's engines: the pinned @redocly/cli and twilio need Node.js 20.19
# or later (Debian 12's own nodejs is 18; NodeSource's 20 or 22 will do).
node -e '
const [maj, min] = process.versions.node.split(".").map(Number);
if (maj < 20 || (maj === 20 && min < 19)) {
	console.error("leadkeep: the test tools need Node.js >= 20.19; this is " +
		process.version + " (" + process.execPath + ")");
	process.exit(1);
}' || exit 1

echo "leadkeep: installing npm packages (package-lock.json)"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
touch "$stamp"
